/* Unit tests for monitor/shsplit.c.
 *
 * Each reported command is rendered as "DEPTH:word word*" (a * after a word
 * marks SHSPLIT_DYNAMIC) and compared with the expected list, in order.
 * Inputs are copied into a heap buffer of exactly len bytes, with no NUL
 * after it, so the sanitizer build catches any read past len.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include "monitor/shsplit.h"

#define MAX_SEEN 64

struct seen {
	size_t n;		/* commands reported */
	char *cmd[MAX_SEEN];	/* rendered, the first MAX_SEEN */
	size_t stop_at;		/* return stop_rc at this command (1-based), 0: never */
	int stop_rc;
};

static char *render(const struct shsplit_cmd *c)
{
	size_t i, len = 16;
	char *s;

	for (i = 0; i < c->argc; i++)
		len += strlen(c->argv[i]) + 2;
	s = malloc(len);
	assert_non_null(s);
	len = (size_t)sprintf(s, "%u:", c->depth);
	for (i = 0; i < c->argc; i++)
		len += (size_t)sprintf(s + len, "%s%s%s", i ? " " : "", c->argv[i],
				       c->flags[i] & SHSPLIT_DYNAMIC ? "*" : "");
	return s;
}

static int collect(void *ctx, const struct shsplit_cmd *c)
{
	struct seen *s = ctx;
	size_t i;

	assert_true(c->argc >= 1);
	assert_non_null(c->argv);
	assert_non_null(c->flags);
	for (i = 0; i < c->argc; i++)
		assert_non_null(c->argv[i]);
	if (s->n < MAX_SEEN)
		s->cmd[s->n] = render(c);
	s->n++;
	return s->stop_at && s->n == s->stop_at ? s->stop_rc : 0;
}

static void seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n && i < MAX_SEEN; i++)
		free(s->cmd[i]);
	memset(s, 0, sizeof(*s));
}

/* Splits the first len bytes of str from an exact-size copy. */
static int split_n(const char *str, size_t len, struct seen *s)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, str, len);
	rc = shsplit_run(copy, len, collect, s);
	free(copy);
	return rc;
}

/* Splits str and checks the return code and the commands (NULL-ended). */
static void check(const char *str, int want_rc, ...)
{
	struct seen s = { 0 };
	const char *want;
	size_t i = 0;
	va_list ap;
	int rc;

	rc = split_n(str, strlen(str), &s);
	if (rc != want_rc)
		print_error("input: \"%s\"\n", str);
	assert_int_equal(rc, want_rc);
	va_start(ap, want_rc);
	while ((want = va_arg(ap, const char *))) {
		if (i >= s.n)
			print_error("input: \"%s\": missing \"%s\"\n", str, want);
		assert_true(i < s.n);
		if (strcmp(s.cmd[i], want))
			print_error("input: \"%s\"\n", str);
		assert_string_equal(s.cmd[i], want);
		i++;
	}
	va_end(ap);
	if (i != s.n)
		print_error("input: \"%s\": unexpected \"%s\"\n", str, s.cmd[i]);
	assert_int_equal(s.n, i);
	seen_free(&s);
}

/* Splits str and checks only the return code: commands reported before an
 * error are of no use to the caller, which denies on any error. */
static void check_fails(const char *str, int want_rc)
{
	struct seen s = { 0 };
	int rc = split_n(str, strlen(str), &s);

	if (rc != want_rc)
		print_error("input: \"%s\"\n", str);
	assert_int_equal(rc, want_rc);
	seen_free(&s);
}

#define OK(str, ...) check(str, 0, ##__VA_ARGS__, NULL)
#define FAILS(str, err) check_fails(str, err)

/* ---- words and quoting ---------------------------------------------- */

static void test_simple(void **state)
{
	(void)state;
	OK("ls", "0:ls");
	OK("  ls   -la\t/tmp  ", "0:ls -la /tmp");
	OK("ls -la | grep x > out 2>&1", "0:ls -la", "0:grep x");
	OK("exec bash", "0:exec bash");
	OK("env -i bash -c id", "0:env -i bash -c id");
}

static void test_quote_removal(void **state)
{
	(void)state;
	OK("b''ash", "0:bash");
	OK("\"ba\"sh", "0:bash");
	OK("\\bash", "0:bash");
	OK("b\"\"a''s\\h", "0:bash");
	OK("'ba'\"sh\" 'a b' \"c\\\"d\\$e\\x\"", "0:bash a b c\"d$e\\x");
	OK("echo ''", "0:echo ");
	OK("ba\\\nsh", "0:bash");	/* backslash-newline joins */
	OK("'ba\\\nsh'", "0:ba\\\nsh");	/* but not in single quotes */
	OK("echo \\", "0:echo \\");	/* a final backslash is literal */
	/* \\ is a pair: the newline after it stays, in every context */
	OK("echo a\\\\\nbash", "0:echo a\\", "0:bash");
	OK("echo \"a\\\\\nb\"", "0:echo a\\\nb");
}

static void test_dynamic_words(void **state)
{
	(void)state;
	OK("/bin/ba*", "0:/bin/ba**");
	OK("/bin/ba?h", "0:/bin/ba?h*");
	OK("/bin/[b]ash", "0:/bin/[b]ash*");
	OK("~/x", "0:~/x*");
	OK("x~", "0:x~");
	OK("'/bin/ba*' \"b?\" \\*", "0:/bin/ba* b? *");
	OK("$SHELL -c id", "0:$SHELL* -c id");
	OK("\"$X\" ${Y} $1 $@", "0:$X* ${Y}* $1* $@*");
	OK("'$X'", "0:$X");
	OK("[ -f x ]", "0:[ -f x ]");	/* a lone [ is the test program */
	OK("{ba,}sh", "0:{ba,}sh*");	/* bash expands braces */
	OK("echo $((1 + 2))", "0:echo $((1 + 2))*");
}

static void test_ansi_c_quotes(void **state)
{
	(void)state;
	OK("$'\\x62ash'", "0:bash*");
	OK("$'\\142a\\163h\\n'", "0:bash\n*");
	OK("$'a\\\\b' $'\\u00e9'", "0:a\\b* \xc3\xa9*");
	OK("$'ab\\x00cd'x", "0:abx*");		/* bash ends the string at a NUL */
	OK("\"$'x'\"", "0:$'x'*");		/* not special in double quotes */
	FAILS("$'a\\'b'", -EINVAL);		/* dash and bash disagree on the end */
	FAILS("$'abc", -EINVAL);
}

/* ---- operators and lists -------------------------------------------- */

static void test_lists(void **state)
{
	(void)state;
	OK("ls; bash", "0:ls", "0:bash");
	OK("ls && bash || sh", "0:ls", "0:bash", "0:sh");
	OK("ls & bash", "0:ls", "0:bash");
	OK("ls\nbash\n\nzsh", "0:ls", "0:bash", "0:zsh");
	OK("ls;", "0:ls");
	OK("ls &&\n\n bash", "0:ls", "0:bash");
	OK("ls |\n bash", "0:ls", "0:bash");
	OK("l\\\ns &\\\n& bash", "0:ls", "0:bash");
	OK("! bash", "0:bash");
	OK("ls|bash", "0:ls", "0:bash");
	OK("ls |& bash", "0:ls", "0:bash");	/* bash's |& */
	FAILS("; ls", -EINVAL);
	FAILS("ls ;; bash", -EINVAL);
	FAILS("ls &&", -EINVAL);
	FAILS("| ls", -EINVAL);
}

static void test_comments(void **state)
{
	(void)state;
	OK("ls # bash", "0:ls");
	OK("ls #bash", "0:ls");
	OK("ls#x", "0:ls#x");
	OK("ls # x $(bash\nzsh", "0:ls", "0:zsh");
	OK("# only a comment");
	OK("echo a\\#b \"#\" '#'", "0:echo a#b # #");
}

static void test_redirections(void **state)
{
	(void)state;
	OK("ls 2>/dev/null", "0:ls");
	OK(">out ls <in 2>&1 >>log 3<>rw 4>|clob <&- >&2", "0:ls");
	OK("ls > bash", "0:ls");
	OK("ls 2 >x", "0:ls 2");		/* 2 is a word when not attached */
	OK("> out", NULL);			/* only a redirection runs nothing */
	OK("ls >$(bash)", "1:bash", "0:ls");	/* the target is still expanded */
	OK("cat <<<bash", "0:cat");		/* bash's here-string */
	FAILS("ls >", -EINVAL);
	FAILS("ls > ;", -EINVAL);
	FAILS("ls > #x", -EINVAL);
	FAILS("cat <(bash)", -EINVAL);		/* process substitution */
	FAILS("echo ${x:-<(bash)}", -EINVAL);	/* bash runs that one too */
	FAILS("ls >&'$(bash)'", -EINVAL);	/* bash expands a file name after >& twice */
	FAILS("ls >&file", -EINVAL);
	FAILS("ls <&$fd", -EINVAL);
	FAILS("10>f bash", -EINVAL);		/* fd 10 to bash, program "10" to dash */
	FAILS("{fd}>f bash", -EINVAL);		/* bash's {name}> */
}

static void test_assignments(void **state)
{
	(void)state;
	OK("A=1 B=2 bash", "0:bash");
	OK("A=1", NULL);
	OK("A=$(bash)", "1:bash");
	OK("A=1 >x B=\"x y\" ls A=2", "0:ls A=2");
	OK("\"A\"=1 ls", "0:A=1 ls");		/* a quoted name is no assignment */
	OK("1A=x", "0:1A=x");
	OK("g++ -c x.c", "0:g++ -c x.c");
	FAILS("A+=1 bash", -EINVAL);		/* assignment to bash, program to dash */
	FAILS("A[1]=x bash", -EINVAL);
	FAILS("A=(bash)", -EINVAL);
}

/* ---- substitutions -------------------------------------------------- */

static void test_command_substitution(void **state)
{
	(void)state;
	OK("$(printf bash)", "1:printf bash", "0:$(printf bash)*");
	OK("`printf bash`", "1:printf bash", "0:`printf bash`*");
	OK("echo $(echo $(id))", "2:id", "1:echo $(id)*", "0:echo $(echo $(id))*");
	OK("echo `echo \\`id\\``", "2:id", "1:echo `id`*", "0:echo `echo \\`id\\``*");
	OK("echo \"$(bash)\"", "1:bash", "0:echo $(bash)*");
	OK("echo \"`bash`\"", "1:bash", "0:echo `bash`*");
	OK("echo '$(bash)' '`zsh`'", "0:echo $(bash) `zsh`");
	OK("echo \\$\\(bash\\)", "0:echo $(bash)");
	FAILS("echo \\$(bash)", -EINVAL);	/* ( is an operator then */
	OK("echo $(ls; bash | zsh)", "1:ls", "1:bash", "1:zsh", "0:echo $(ls; bash | zsh)*");
	OK("echo $(case x in x) bash;; esac)", "1:bash",
	   "0:echo $(case x in x) bash;; esac)*");
	OK("echo $( (bash) )", "1:bash", "0:echo $( (bash) )*");
	OK("echo $()", "0:echo $()*");
	OK("echo $\\\n(bash)", "1:bash", "0:echo $\\\n(bash)*");
	OK("echo \"`echo \\\"a;b\\\"`\"", "1:echo a;b", "0:echo `echo \\\"a;b\\\"`*");
	OK("echo `echo a\\\\\n; bash`", "1:echo a", "1:bash", "0:echo `echo a\\\\\n; bash`*");
	FAILS("echo $(bash", -EINVAL);
	FAILS("echo `bash", -EINVAL);
	FAILS("echo $(bash; fi)", -EINVAL);
}

static void test_parameter_and_arith(void **state)
{
	(void)state;
	OK("echo ${x:-$(bash)}", "1:bash", "0:echo ${x:-$(bash)}*");
	OK("echo \"${x:-\"a b\"}\" c", "0:echo ${x:-\"a b\"}* c");
	OK("echo ${x:-'}'} ls", "0:echo ${x:-'}'}* ls");
	OK("echo \"${x:-'}\" ls", "0:echo ${x:-'}* ls");	/* ' is literal there */
	OK("echo ${x:-{a}b}", "0:echo ${x:-{a}b}*");		/* a plain { does not nest */
	OK("echo ${#x} ${x#$(bash)}", "1:bash", "0:echo ${#x}* ${x#$(bash)}*");
	OK("echo $(( $(bash) + 1 ))", "1:bash", "0:echo $(( $(bash) + 1 ))*");
	OK("echo $((1+(2*3)))", "0:echo $((1+(2*3)))*");
	FAILS("echo ${x", -EINVAL);
	FAILS("echo $((1+2)", -EINVAL);
	FAILS("echo $((1 + \"2\"))", -EINVAL);		/* quotes in arithmetic */
	FAILS("echo \"${x/'}'/a}\"", -EINVAL);		/* bash-only operator */
	FAILS("echo ${x:}-'}'}; bash", -EINVAL);	/* dash reads on to the next } */
	/* \" in `...` in a quoted ${ }: unescaped by dash, kept by bash */
	FAILS("echo \"${x:-`ls \\\"; bash; \\\"`}\"", -EINVAL);
	FAILS("echo \"${x#\"`ls \\\"; bash; \\\"`\"}\"", -EINVAL);
	OK("echo ${x:-`ls \\\"; bash; \\\"`}", "1:ls \"", "1:bash", "1:\"",
	   "0:echo ${x:-`ls \\\"; bash; \\\"`}*");
	FAILS("echo ${x:\\\n}-'}'}; bash", -EINVAL);
}

/* ---- compound commands ---------------------------------------------- */

static void test_subshells_and_groups(void **state)
{
	(void)state;
	OK("(bash)", "0:bash");
	OK("{ bash; }", "0:bash");
	OK("( ls; (bash) ) | zsh", "0:ls", "0:bash", "0:zsh");
	OK("{ ls\n}", "0:ls");
	OK("{ ls; } >out 2>&1", "0:ls");
	OK("echo { }", "0:echo { }");
	OK("'{' bash", "0:{ bash");		/* a quoted { is a program */
	OK("((ls) )", "0:ls");
	FAILS("ls )", -EINVAL);
	FAILS("(ls", -EINVAL);
	FAILS("{ ls }", -EINVAL);
	FAILS("}", -EINVAL);
	FAILS("(ls) bash", -EINVAL);
	FAILS("ls (bash)", -EINVAL);
	FAILS("(( '$(bash)' ))", -EINVAL);	/* bash expands that in (( )) */
}

static void test_if_and_loops(void **state)
{
	(void)state;
	OK("if true; then bash; fi", "0:true", "0:bash");
	OK("if a; then b; elif c; then d; else e; fi", "0:a", "0:b", "0:c", "0:d", "0:e");
	OK("if true\nthen\nbash\nfi", "0:true", "0:bash");
	OK("while a; do b; done; until c; do d; done", "0:a", "0:b", "0:c", "0:d");
	OK("if true; then { ls; } fi", "0:true", "0:ls");
	OK("echo if then fi do done", "0:echo if then fi do done");
	OK("\"if\" x", "0:if x");
	FAILS("if true; then bash", -EINVAL);
	FAILS("then ls", -EINVAL);
	FAILS("while a; done", -EINVAL);
	FAILS("fi", -EINVAL);
	FAILS("in", -EINVAL);
}

static void test_for(void **state)
{
	(void)state;
	OK("for i in bash zsh; do echo $i; done", "0:echo $i*");
	OK("for i do ls; done", "0:ls");
	OK("for i; do ls; done", "0:ls");
	OK("for i\nin a do\ndo ls\ndone", "0:ls");
	OK("for i in $(bash); do ls; done", "1:bash", "0:ls");
	FAILS("for i in a b do ls; done", -EINVAL);
	FAILS("for ((i=0; i<2; i++)); do ls; done", -EINVAL);
}

static void test_case(void **state)
{
	(void)state;
	OK("case x in bash) ls;; esac", "0:ls");
	OK("case x in bash|zsh) ls;; (sh) id; who;; *) ;; esac", "0:ls", "0:id", "0:who");
	OK("case x in\nbash)\nls\n;;\nesac", "0:ls");
	OK("case x in esac", NULL);
	OK("case x in a) ls;esac", "0:ls");
	OK("case x in a) ls;& b) id;;& esac", "0:ls", "0:id");	/* bash's ;& ;;& */
	OK("case $(bash) in $(zsh)) ls;; esac", "1:bash", "1:zsh", "0:ls");
	OK("echo case x in", "0:echo case x in");
	FAILS("case x in a) ls", -EINVAL);
	FAILS("case x in a) ls;; b) id esac", -EINVAL);
	FAILS("case x a) ls;; esac", -EINVAL);
}

static void test_functions(void **state)
{
	(void)state;
	OK("f() { bash; }; f", "0:bash", "0:f");
	OK("f ( ) (bash)\nf", "0:bash", "0:f");
	OK("f()\n{\nbash\n}", "0:bash");
	FAILS("f() { bash; ", -EINVAL);
	FAILS("A=1 f() { bash; }", -EINVAL);
}

/* ---- here-documents ------------------------------------------------- */

static void test_heredocs(void **state)
{
	(void)state;
	OK("cat <<EOF\nbash\nEOF\nls", "0:cat", "0:ls");
	OK("cat <<EOF; ls\nbash\nEOF\nid", "0:cat", "0:ls", "0:id");
	OK("cat <<'EOF'\n$(bash)\nEOF\nls", "0:cat", "0:ls");
	/* the body is expanded before cat runs */
	OK("cat <<EOF\n$(bash) `zsh` ${x:-$(sh)}\nEOF", "1:bash", "1:zsh", "1:sh", "0:cat");
	OK("cat <<EOF\n\\$(bash) \\`zsh\\`\nEOF", "0:cat");
	OK("cat <<-EOF\n\tbash\n\t\tEOF\nls", "0:cat", "0:ls");
	OK("cat <<EOF\n\tEOF\nbash\nEOF\nls", "0:cat", "0:ls");	/* no tab stripping */
	OK("cat <<A <<\"B\"\nbash\nA\nzsh\nB\nls", "0:cat", "0:ls");
	OK("cat <<EOF\nEOF \nbash\nEOF", "0:cat");	/* EOF plus a space is body */
	OK("cat <<E\\OF\nbash\nEOF\nls", "0:cat", "0:ls");
	OK("cat <<EOF\nx\\\nEOF\nbash\nEOF\nls", "0:cat", "0:ls");	/* joined line */
	OK("cat <<EOF\nbash", "0:cat");	/* both shells end the body at the end */
	OK("cat <<EOF", "0:cat");
	OK("x=$(cat <<EOF\nbash\nEOF\n); ls", "1:cat", "0:ls");
	OK("cat <<EOF; echo \"a\nb\"\nbash\nEOF\nls", "0:cat", "0:echo a\nb", "0:ls");
	FAILS("cat <<EOF\nEO\\\nF\nbash\nEOF", -EINVAL);	/* ends the body for bash only */
	FAILS("cat <<EOF\n$(echo\nEOF\nbash\n)\nEOF", -EINVAL);
	FAILS("cat <<EOF\n`echo \\\"`\nEOF", -EINVAL);
	FAILS("echo $(cat <<EOF)\nbash\nEOF", -EINVAL);
	FAILS("echo `cat <<EOF`\nbash\nEOF", -EINVAL);
	FAILS("cat <<$x\nbash\n$x", -EINVAL);
	FAILS("cat <<", -EINVAL);
}

/* ---- limits and robustness ------------------------------------------ */

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * n + tl + 1);

	assert_non_null(s);
	memcpy(s, head, hl);
	for (i = 0; i < n; i++)
		memcpy(s + hl + i * ul, unit, ul);
	memcpy(s + hl + n * ul, tail, tl + 1);
	return s;
}

/* n nested constructs open + "bash" + close */
static int nested(const char *open, const char *close, size_t n)
{
	char *a = repeat("", open, n, "bash");
	char *b = repeat(a, close, n, "");
	struct seen s = { 0 };
	int rc = split_n(b, strlen(b), &s);

	seen_free(&s);
	free(a);
	free(b);
	return rc;
}

static void test_nesting_limit(void **state)
{
	(void)state;
	assert_int_equal(nested("$(", ")", 20), 0);
	assert_int_equal(nested("(", ")", 20), 0);
	assert_int_equal(nested("$(", ")", 40), -E2BIG);
	assert_int_equal(nested("(", ")", 40), -E2BIG);
	assert_int_equal(nested("{ ", "; }", 40), -E2BIG);
	assert_int_equal(nested("\"${x:-", "}\"", 40), -E2BIG);
	assert_int_equal(nested("if ", "; then x; fi", 40), -E2BIG);
	assert_int_equal(nested("f() ", "", 40), -E2BIG);
	/* the limit reached where a here-document body is scanned */
	{
		char *a = repeat("", "$(", 32, "cat <<E\n$(ls)\nE\n");
		char *b = repeat(a, ")", 32, "");
		struct seen s = { 0 };

		assert_int_equal(split_n(b, strlen(b), &s), -E2BIG);
		seen_free(&s);
		free(a);
		free(b);
	}
	/* 100000 levels must fail cleanly, not overflow the stack */
	assert_int_equal(nested("(", ")", 100000), -E2BIG);
	assert_int_equal(nested("$(", ")", 100000), -E2BIG);
	assert_int_equal(nested("${x:-", "}", 100000), -E2BIG);
	assert_int_equal(nested("$((", "))", 100000), -E2BIG);
}

static void test_word_limit(void **state)
{
	char *ok = repeat("echo", " a", 4095, "");
	char *big = repeat("echo", " a", 5000, "");
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(split_n(ok, strlen(ok), &s), 0);
	assert_int_equal(s.n, 1);
	seen_free(&s);
	assert_int_equal(split_n(big, strlen(big), &s), -E2BIG);
	assert_int_equal(s.n, 0);
	seen_free(&s);
	free(ok);
	free(big);
}

static void test_unterminated(void **state)
{
	static const char *const bad[] = {
		"echo 'x", "echo \"x", "echo `x", "echo $(x", "echo ${x", "echo $((x",
		"echo \"$(x)", "echo \"${x:-\"y}\"", "echo $(echo 'x)", "(echo",
		"{ echo;", "if x; then y;", "case x in", "echo \"\\\"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		FAILS(bad[i], -EINVAL);
}

static void test_nul_and_empty(void **state)
{
	struct seen s = { 0 };

	(void)state;
	/* sh -c sees a C string: nothing after the NUL runs */
	assert_int_equal(split_n("ls\0bash", 7, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.cmd[0], "0:ls");
	seen_free(&s);
	assert_int_equal(split_n("echo 'a\0'; bash", 16, &s), -EINVAL);
	seen_free(&s);
	/* len ends the string even without a NUL */
	assert_int_equal(split_n("ls; bash", 2, &s), 0);
	assert_int_equal(s.n, 1);
	seen_free(&s);

	OK("");
	OK("   \t ");
	OK("\n\n\n");
	OK("\\\n");
	assert_int_equal(shsplit_run(NULL, 0, collect, &s), 0);
	assert_int_equal(shsplit_run(NULL, 3, collect, &s), -EINVAL);
	assert_int_equal(shsplit_run("ls", 2, NULL, NULL), -EINVAL);
	assert_int_equal(s.n, 0);
}

static void test_callback_stops(void **state)
{
	struct seen s = { .stop_at = 2, .stop_rc = 7 };

	(void)state;
	assert_int_equal(split_n("ls; id; bash", 12, &s), 7);
	assert_int_equal(s.n, 2);
	seen_free(&s);

	/* inside a substitution, with words and here-documents pending */
	s = (struct seen){ .stop_at = 1, .stop_rc = -EPERM };
	const char *in = "cat <<EOF a b $(id; bash) `zsh`\nx\nEOF";
	assert_int_equal(split_n(in, strlen(in), &s), -EPERM);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.cmd[0], "1:id");
	seen_free(&s);

	/* a callback value of 1 is not taken for anything else */
	s = (struct seen){ .stop_at = 1, .stop_rc = 1 };
	in = "{ ls; }; bash";
	assert_int_equal(split_n(in, strlen(in), &s), 1);
	assert_int_equal(s.n, 1);
	seen_free(&s);
}

/* Long inputs of several shapes: every path must stay linear (a quadratic
 * one takes minutes here).  Timing itself is perf/'s business.  A case
 * repeats unit to 1 MiB and expects per * repeats + extra commands. */
static void test_long_inputs(void **state)
{
	static const struct {
		const char *head, *unit, *tail;
		int rc;
		size_t per, extra;
	} cases[] = {
		{ "", "ls -la; ", "", 0, 1, 0 },
		{ "", "ls|", "ls", 0, 1, 1 },
		{ "", "(ls)&&", "ls", 0, 1, 1 },
		{ "", "cat <<E\nx\nE\n", "", 0, 1, 0 },
		{ "echo ", "a", "", 0, 0, 1 },
		{ "echo '", "a", "'", 0, 0, 1 },
		{ "echo \"", "$x", "\"", 0, 0, 1 },
		{ "echo ", "'a'\"b\"\\c", "", 0, 0, 1 },
		{ "cat <<EOF\n", "a$x\n", "EOF\nls", 0, 0, 2 },
		{ "cat <<EOF\n", "E\\\n", "", 0, 0, 1 },
		{ "echo ${", "a", "}", 0, 0, 1 },
		{ "echo $((", "1+", "1))", 0, 0, 1 },
		{ "echo `", "a;", "`", 0, 1, 1 },
		{ "", "x=$(a) ", "", 0, 1, 0 },	/* assignments are no words */
		{ "", "# comment\n", "", 0, 0, 0 },
		{ "", "\\\n", "ls", 0, 0, 1 },
		{ "case x in ", "a) ;; ", "esac", 0, 0, 0 },
		{ "echo", " a", "", -E2BIG, 0, 0 },
		{ "echo ", "'", "'", -EINVAL, 0, 0 },
		{ "", "cat <<a ", "\n", -E2BIG, 0, 0 },
		{ "", "$(", "", -E2BIG, 0, 0 },
		{ "", "((((((((", "", -E2BIG, 0, 0 },
		{ "", "for i in a; do ", "", -E2BIG, 0, 0 },
	};
	const size_t mib = 1 << 20;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen s = { 0 };
		char *str;
		int rc;

		n = mib / strlen(cases[i].unit);
		str = repeat(cases[i].head, cases[i].unit, n, cases[i].tail);
		rc = split_n(str, strlen(str), &s);
		if (rc != cases[i].rc || (!rc && s.n != cases[i].per * n + cases[i].extra))
			print_error("case %zu: rc %d, %zu commands\n", i, rc, s.n);
		assert_int_equal(rc, cases[i].rc);
		if (!rc)
			assert_int_equal(s.n, cases[i].per * n + cases[i].extra);
		free(str);
		seen_free(&s);
	}
}

/* Deterministic pseudo-random strings: fragments of shell syntax and raw
 * bytes, and mutations of valid commands.  Only the contract is checked:
 * a known return value, sane reports, no crash, no leak, no read past len
 * (run it under the sanitizer build and valgrind). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static const char *const fragments[] = {
	"ls", "bash", " ", " ", "\t", "\n", ";", "&", "&&", "||", "|", "(", ")", "{", "}",
	";;", "'", "\"", "\\", "`", "$(", "$((", "))", "${", "${x:-", "${x#", "$'", "$x",
	"if", "then", "else", "elif", "fi", "while", "do", "done", "for", "in", "case",
	"esac", "!", "<<E", "<<-E", "<<'E'", "\nE\n", "E", ">", "<", "2>&1", "#", "=",
	"x=", "x+=", "*", "?", "[", "]", "~", "\\\n", "f()", "\0", "\r", "\xff", "{a,b}",
};

static const char *const seeds[] = {
	"ls -la | grep x > out 2>&1 && echo \"$(id)\" || `whoami`",
	"if a; then b; elif c; then d; else e; fi; while f; do g; done",
	"for i in a b $(c); do echo \"${i:-x}\"; done; case $x in a|b) y;; *) z;; esac",
	"cat <<EOF; f() { g; }\nbody $(h) `i`\nEOF\n(j; k) | { l; }",
	"echo $'a\\x41' $((1+2)) ${x#'a'} \"${y%%b}\" 'q' \\r ~/p /b*",
};

static void fuzz_one(const char *buf, size_t len)
{
	struct seen s = { 0 };
	int rc = split_n(buf, len, &s);

	if (rc != 0 && rc != -EINVAL && rc != -E2BIG)
		print_error("rc %d\n", rc);
	assert_true(rc == 0 || rc == -EINVAL || rc == -E2BIG);
	seen_free(&s);
}

static void test_fuzz(void **state)
{
	char buf[512];
	size_t len, i, k, f;

	(void)state;
	for (i = 0; i < 4000; i++) {
		len = 0;
		for (k = rng() % 24; k > 0; k--) {
			f = rng() % (sizeof(fragments) / sizeof(fragments[0]));
			/* "\0" has length 0 as a string: add the byte itself */
			size_t fl = fragments[f][0] ? strlen(fragments[f]) : 1;

			if (len + fl > sizeof(buf))
				break;
			memcpy(buf + len, fragments[f], fl);
			len += fl;
		}
		fuzz_one(buf, len);
	}
	for (i = 0; i < 4000; i++) {
		const char *sd = seeds[rng() % (sizeof(seeds) / sizeof(seeds[0]))];

		len = strlen(sd);
		memcpy(buf, sd, len);
		for (k = 1 + rng() % 4; k > 0; k--) {
			size_t at = rng() % (len + 1);

			if (rng() % 2 && len) {		/* delete a run */
				size_t n = 1 + rng() % 4;

				if (at + n > len)
					n = len - at;
				memmove(buf + at, buf + at + n, len - at - n);
				len -= n;
			} else if (len < sizeof(buf) - 1) {	/* insert a byte */
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = "'\"`$(){}|;&<>#\n\\ =*~!-"[rng() % 23];
				len++;
			}
		}
		fuzz_one(buf, len);
	}
	for (i = 0; i < 2000; i++) {	/* raw bytes */
		len = rng() % 64;
		for (k = 0; k < len; k++)
			buf[k] = (char)rng();
		fuzz_one(buf, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_quote_removal),
		cmocka_unit_test(test_dynamic_words),
		cmocka_unit_test(test_ansi_c_quotes),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_redirections),
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_command_substitution),
		cmocka_unit_test(test_parameter_and_arith),
		cmocka_unit_test(test_subshells_and_groups),
		cmocka_unit_test(test_if_and_loops),
		cmocka_unit_test(test_for),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_word_limit),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_nul_and_empty),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_long_inputs),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
