/* Unit tests for the policy parser: the shipped policy, and malformed text
 * refused with FILE:LINE and what was expected. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/funcs.h"
#include "monitor/policy.h"

static char err[512];

static struct policy *parse_ok(const char *text)
{
	struct policy *p = NULL;
	int rc = policy_parse(text, strlen(text), "t.ini", &p, err, sizeof err);
	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(p);
	return p;
}

/* The text must be refused, and the message must start with want. */
static void parse_bad(const char *text, const char *want)
{
	struct policy *p = (struct policy *)1;
	int rc = policy_parse(text, strlen(text), "t.ini", &p, err, sizeof err);
	assert_int_equal(rc, -EINVAL);
	assert_null(p);
	if (strncmp(err, want, strlen(want)) != 0)
		print_error("message '%s' does not start with '%s'\n", err, want);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
}

static void builtin_parses_with_rules(void **state)
{
	(void)state;
	struct policy *p = NULL;
	assert_int_equal(policy_builtin(&p, err, sizeof err), 0);
	int sys = funcs_by_name("system"), setuid = funcs_by_name("setuid");
	assert_int_equal(p->fn[sys].action, ACT_CHECK);
	assert_int_equal(p->fn[setuid].action, ACT_DENY);
	assert_true(p->fn[setuid].rule.line > 0);
	assert_string_equal(p->fn[setuid].rule.text, "setuid = deny");
	assert_non_null(policy_list_find(&p->deny_programs, "bash"));
	assert_non_null(policy_list_find(&p->shells, "dash"));
	assert_non_null(policy_list_find(&p->allow_dirs, "/usr/bin"));
	assert_true(p->allow_interpreter);
	/* the shipped policy names every function: none falls back */
	for (size_t i = 0; i < funcs_count; i++)
		if (!p->fn[i].set && !funcs[i].selfprot)
			fail_msg("policy.ini does not name %s", funcs[i].name);
	policy_free(p);
}

static void builtin_is_policy_ini(void **state)
{
	(void)state;
	const char *path = getenv("PYSBX_POLICY_INI");
	size_t len;
	const char *text = policy_builtin_text(&len);
	if (!path)
		skip();
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(len + 2);
	size_t n = fread(buf, 1, len + 1, f);
	fclose(f);
	assert_int_equal(n, len);
	assert_memory_equal(buf, text, len);
	free(buf);
}

static void unnamed_functions_fall_back(void **state)
{
	(void)state;
	struct policy *p = parse_ok("[policy]\ndefault = allow\n[functions]\nsystem = deny\n");
	assert_int_equal(p->fn[funcs_by_name("system")].action, ACT_DENY);
	assert_int_equal(p->fn[funcs_by_name("mount")].action, ACT_ALLOW);
	assert_int_equal(p->fn[funcs_by_name("mount")].rule.line, 2);
	policy_free(p);
	p = parse_ok("[functions]\nsystem = check\n");
	assert_int_equal(p->fn[funcs_by_name("mount")].action, ACT_DENY);  /* fails closed */
	policy_free(p);
}

static void lists_add_up_with_lines(void **state)
{
	(void)state;
	struct policy *p = parse_ok("; comment\n[programs]\ndeny = a b\n\ndeny = c ; why\n"
	                            "allow-dir = /opt/x\n");
	assert_int_equal(p->deny_programs.n, 3);
	assert_int_equal(policy_list_find(&p->deny_programs, "c")->rule.line, 5);
	assert_int_equal(policy_list_find(&p->deny_programs, "a")->rule.line, 3);
	assert_string_equal(p->allow_dirs.v[0].word, "/opt/x");
	policy_free(p);
}

static void malformed_is_refused_with_line(void **state)
{
	(void)state;
	parse_bad("[functions]\nsystem = check\nexecve = maybe\n", "t.ini:3: execve: expected allow");
	parse_bad("[function]\n", "t.ini:1: unknown section [function]");
	parse_bad("\n\n[functions]\nsystm = deny\n", "t.ini:4: unknown function 'systm'");
	parse_bad("[functions]\nsetuid = check\n", "t.ini:2: setuid has no argument check");
	parse_bad("[functions]\nkill = allow\nkill = deny\n", "t.ini:3: kill is already set on line 2");
	parse_bad("system = deny\n", "t.ini:1: 'system' outside a section");
	parse_bad("[policy]\ndefault = check\n", "t.ini:2: default: expected allow, deny or kill");
	parse_bad("[policy]\nstrict = yes\n", "t.ini:2: unknown key 'strict'");
	parse_bad("[programs]\nallow-dir = usr/bin\n", "t.ini:2: allow-dir: expected an absolute");
	parse_bad("[programs]\ninterpreter = maybe\n", "t.ini:2: interpreter: expected yes or no");
	parse_bad("[programs]\nshells = sh\n", "t.ini:2: unknown key 'shells'");
	parse_bad("[functions]\nsystem\n", "t.ini:2: expected [section], key = value");
	parse_bad("[functions]\nsystem =\n", "t.ini:2: system: expected a value");
	parse_bad("[functions\n", "t.ini:1: expected [section]");
	parse_bad("[functions]\nmprotect = allow\n", "t.ini:2: mprotect is part of pysbx's own");
}

static void long_line_and_nul_are_refused(void **state)
{
	(void)state;
	char text[600];
	strcpy(text, "[programs]\ndeny =");
	while (strlen(text) < 500)
		strcat(text, " word");
	strcat(text, "\n");
	parse_bad(text, "t.ini:2: line too long");
	static const char nul[] = "[functions]\nsystem = de\0ny\n";
	struct policy *p = NULL;
	assert_int_equal(policy_parse(nul, sizeof nul - 1, "t.ini", &p, err, sizeof err), -EINVAL);
	assert_string_equal(err, "t.ini:2: NUL byte in line");
}

static void objects_and_modules(void **state)
{
	(void)state;
	struct policy *p = parse_ok("[objects]\ntrust = /usr/lib/* interpreter\n"
	                            "trust-sha256 = " "0123456789abcdef0123456789abcdef"
	                            "0123456789abcdef0123456789abcdef\n"
	                            "refuse = ifunc wx\n"
	                            "[module */site-packages/*]\nfork = deny\n");
	assert_int_equal(p->trust.n, 2);
	assert_int_equal(p->trust_sha256.n, 1);
	assert_int_equal(p->refuse, REFUSE_IFUNC | REFUSE_WX);
	assert_int_equal(p->refuse_rule.line, 4);
	assert_int_equal(p->n_modules, 1);
	const struct module_rules *m = NULL;
	const struct fn_rule *r = policy_module_rule(p, "/x/site-packages/np/a.so",
	                                             funcs_by_name("fork"), &m);
	assert_non_null(r);
	assert_int_equal(r->action, ACT_DENY);
	assert_int_equal(r->rule.line, 6);
	assert_null(policy_module_rule(p, "/usr/lib/a.so", funcs_by_name("fork"), NULL));
	assert_null(policy_module_rule(p, "/x/site-packages/a.so", funcs_by_name("kill"), NULL));
	policy_free(p);
	parse_bad("[objects]\nrefuse = ifunc nonsense\n", "t.ini:2: refuse: expected ifunc");
	parse_bad("[objects]\ntrust-sha256 = abc\n", "t.ini:2: trust-sha256: expected 64");
	parse_bad("[objects]\ntrusted = /x\n", "t.ini:2: unknown key 'trusted' in [objects]");
	parse_bad("[module /x/*]\nfrok = deny\n", "t.ini:2: unknown function 'frok'");
	parse_bad("[module /x/*]\nsetuid = check\n", "t.ini:2: setuid has no argument check");
	parse_bad("[modules]\n", "t.ini:1: unknown section [modules]");
}

/* The action a one-line policy gives kill (which accepts every action). */
static enum action action_named(const char *name)
{
	char text[64];
	snprintf(text, sizeof text, "[functions]\nkill = %s\n", name);
	struct policy *p = parse_ok(text);
	enum action a = p->fn[funcs_by_name("kill")].action;
	policy_free(p);
	return a;
}

/* The order of strictness, written here by name and independently of the
 * enum: every pair is compared both ways.  (policy.h once listed deny before
 * check while policy_looser read the enum's order as allow < check < deny:
 * a [module] deny counted as looser than check and was ignored.) */
static void action_order_every_pair(void **state)
{
	(void)state;
	static const char *const loosest_first[] = {"allow", "check", "self", "deny", "kill"};
	enum n_ { N = sizeof loosest_first / sizeof loosest_first[0] };
	enum action a[N];
	assert_int_equal(N, ACT_COUNT);
	for (size_t i = 0; i < N; i++) {
		a[i] = action_named(loosest_first[i]);
		assert_string_equal(policy_action_name(a[i]), loosest_first[i]);
	}
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < N; j++) {
			bool want = i < j;
			if (policy_looser(a[i], a[j]) != want)
				fail_msg("policy_looser(%s, %s) is %d, wanted %d", loosest_first[i],
				         loosest_first[j], !want, want);
		}
	assert_string_equal(policy_action_name((enum action)ACT_COUNT), "?");
}

/* [module untrusted] and [module extensions] bind by what an object is;
 * a pattern section naming the function comes first wherever it is. */
static void module_words(void **state)
{
	(void)state;
	struct policy *p = parse_ok("[functions]\nfork = allow\nkill = check\nsystem = check\n"
	                            "[module extensions]\nfork = deny\nkill = self\n"
	                            "[module untrusted]\nsystem = deny\n"
	                            "[module */uvloop/*]\nfork = allow\n");
	int fork = funcs_by_name("fork"), kill = funcs_by_name("kill");
	int sys = funcs_by_name("system"), setuid = funcs_by_name("setuid");
	const struct module_rules *m = NULL;
	struct module_subject ext = {"/venv/site-packages/a/_a.so", false, true};
	struct module_subject lib = {"/venv/site-packages/b/libb.so", false, false};
	struct module_subject trusted = {"/usr/lib/python3/x.so", true, false};
	struct module_subject uv = {"/venv/site-packages/uvloop/loop.so", false, true};
	struct module_subject unknown = {NULL, false, false};
	const struct fn_rule *r = policy_subject_rule(p, &ext, fork, &m);
	assert_non_null(r);
	assert_int_equal(r->action, ACT_DENY);
	assert_int_equal(m->kind, MOD_EXTENSIONS);
	assert_int_equal(policy_subject_rule(p, &ext, kill, NULL)->action, ACT_SELF);
	assert_null(policy_subject_rule(p, &lib, fork, NULL));          /* not an extension */
	assert_int_equal(policy_subject_rule(p, &lib, sys, NULL)->action, ACT_DENY);
	assert_null(policy_subject_rule(p, &trusted, sys, NULL));
	assert_null(policy_subject_rule(p, &trusted, fork, NULL));
	assert_int_equal(policy_subject_rule(p, &uv, fork, NULL)->action, ACT_ALLOW);
	assert_int_equal(policy_subject_rule(p, &unknown, sys, NULL)->action, ACT_DENY);
	assert_null(policy_subject_rule(p, &unknown, fork, NULL));       /* no path: no extension */
	/* the path-only lookup never matches the words */
	assert_null(policy_module_rule(p, "extensions", fork, NULL));
	assert_true(policy_module_names(p, fork));
	assert_false(policy_module_names(p, setuid));
	assert_true(policy_module_tightens(p, fork, ACT_ALLOW));
	assert_false(policy_module_tightens(p, fork, ACT_DENY));
	assert_true(policy_module_tightens(p, kill, ACT_CHECK));
	assert_false(policy_module_tightens(p, kill, ACT_SELF));
	assert_false(policy_module_tightens(p, setuid, ACT_ALLOW));
	policy_free(p);
	p = parse_ok("[functions]\nfork = allow\n");
	assert_false(policy_module_tightens(p, fork, ACT_ALLOW));
	policy_free(p);
	parse_bad("[module /x/*]\nfork = self\n", "t.ini:2: fork names no process to signal");
	parse_bad("[policy]\ndefault = self\n", "t.ini:2: default: expected allow, deny or kill");
	parse_bad("[functions]\nkill = own\n",
	          "t.ini:2: kill: expected allow, check, self, deny or kill");
	p = parse_ok("[functions]\nkillpg = self\npidfd_send_signal = self\ntkill = self\n");
	policy_free(p);
}

static void load_reports_missing_file(void **state)
{
	(void)state;
	struct policy *p = NULL;
	assert_int_equal(policy_load("/nonexistent/p.ini", &p, err, sizeof err), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/p.ini"));
	assert_null(p);
}

/* Layers: p is built from the texts in order; returns 0 or the error. */
static int layers(struct policy **out, const char *const *texts, size_t n)
{
	struct policy *p = policy_new();
	int rc = p ? 0 : -ENOMEM;
	char name[16];
	for (size_t i = 0; rc == 0 && i < n; i++) {
		snprintf(name, sizeof name, "l%zu.ini", i + 1);
		rc = policy_add_text(p, texts[i], strlen(texts[i]), name, err, sizeof err);
	}
	if (rc == 0)
		rc = policy_finish(p, err, sizeof err);
	if (rc < 0) {
		policy_free(p);
		p = NULL;
	}
	*out = p;
	return rc;
}

static void later_layers_override_keys(void **state)
{
	(void)state;
	const char *const t[] = {
		"[policy]\ndefault = allow\n[functions]\nsystem = check\nkill = deny\n"
		"[programs]\ninterpreter = yes\n[objects]\nrefuse = ifunc wx\n",
		"[functions]\nkill = allow\n[programs]\ninterpreter = no\n[objects]\nrefuse = textrel\n",
	};
	struct policy *p;
	assert_int_equal(layers(&p, t, 2), 0);
	const struct fn_rule *kill = &p->fn[funcs_by_name("kill")];
	assert_int_equal(kill->action, ACT_ALLOW);
	assert_string_equal(kill->rule.file, "l2.ini");
	assert_int_equal(kill->rule.line, 2);
	assert_int_equal(p->fn[funcs_by_name("system")].action, ACT_CHECK);
	assert_string_equal(p->fn[funcs_by_name("system")].rule.file, "l1.ini");
	/* a function no layer names takes the last [policy] default */
	assert_int_equal(p->fn[funcs_by_name("mount")].action, ACT_ALLOW);
	assert_false(p->allow_interpreter);
	assert_int_equal(p->refuse, REFUSE_TEXTREL);
	assert_string_equal(p->file, "l1.ini + l2.ini");
	policy_free(p);
}

static void lists_replace_extend_and_shrink(void **state)
{
	(void)state;
	const char *const t[] = {
		"[programs]\ndeny = a b c\ndeny = d\nshell = sh\nallow-dir = /usr/bin\n"
		"[files]\nwrite = /tmp\n",
		/* '=' replaces (its own lines add up), '+=' extends, '-=' shrinks */
		"[programs]\ndeny -= b d\nshell += bash\nallow-dir = /opt/a\nallow-dir = /opt/b\n"
		"[files]\nwrite += /srv\n",
		"[programs]\nallow = none\nshell -= sh\n",
	};
	struct policy *p;
	assert_int_equal(layers(&p, t, 3), 0);
	assert_int_equal(p->deny_programs.n, 2);
	assert_non_null(policy_list_find(&p->deny_programs, "a"));
	assert_null(policy_list_find(&p->deny_programs, "b"));
	assert_null(policy_list_find(&p->deny_programs, "d"));
	assert_int_equal(p->shells.n, 1);
	assert_string_equal(p->shells.v[0].word, "bash");
	assert_string_equal(p->shells.v[0].rule.file, "l2.ini");
	assert_int_equal(p->allow_dirs.n, 2);
	assert_string_equal(p->allow_dirs.v[1].word, "/opt/b");
	assert_int_equal(p->allow_dirs.v[1].rule.line, 5);
	assert_int_equal(p->write_paths.n, 2);
	assert_int_equal(p->allow_programs.n, 0);
	assert_int_equal(p->allow_programs.origin.line, 2);
	/* "not an allowed program" names the allow-dir list */
	assert_string_equal(p->outside_rule.file, "l2.ini");
	assert_int_equal(p->outside_rule.line, 4);
	policy_free(p);
}

static void layer_errors_name_file_and_line(void **state)
{
	(void)state;
	struct policy *p;
	const char *const minus[] = {"[programs]\ndeny = a\n", "\n[programs]\ndeny -= zsh\n"};
	assert_int_equal(layers(&p, minus, 2), -EINVAL);
	assert_string_equal(err, "l2.ini:3: deny -= zsh: 'zsh' is not on the list the layers "
	                         "below set");
	const char *const mix[] = {"[programs]\ndeny = a\n", "[programs]\ndeny = b\ndeny += c\n"};
	assert_int_equal(layers(&p, mix, 2), -EINVAL);
	assert_int_equal(strncmp(err, "l2.ini:3: deny += after deny =", 30), 0);
	const char *const alone[] = {"[programs]\nshell += bash\n"};
	assert_int_equal(layers(&p, alone, 1), -EINVAL);
	assert_int_equal(strncmp(err, "l1.ini:2: shell +=: no policy below this file", 45), 0);
	const char *const scalar[] = {"[functions]\nsystem = deny\n", "[functions]\nsystem += deny\n"};
	assert_int_equal(layers(&p, scalar, 2), -EINVAL);
	assert_int_equal(strncmp(err, "l2.ini:2: system +=: system takes one value", 43), 0);
	/* within one layer a function is still set once */
	const char *const twice[] = {"[functions]\nkill = deny\n",
	                             "[functions]\nkill = allow\nkill = deny\n"};
	assert_int_equal(layers(&p, twice, 2), -EINVAL);
	assert_string_equal(err, "l2.ini:3: kill is already set on line 2");
}

static void empty_policy_must_say_so(void **state)
{
	(void)state;
	parse_bad("", "t.ini:1: no key = value line: an empty policy denies every");
	parse_bad("; only a comment\n\n[programs]\n", "t.ini:3: no key = value line");
	parse_bad("[policy]\nempty = yes\n[functions]\nsystem = deny\n",
	          "t.ini:2: empty = yes in a file that has keys");
	parse_bad("[policy]\nempty = no\n", "t.ini:2: empty: expected yes");
	struct policy *p = parse_ok("; nothing, on purpose\n[policy]\nempty = yes\n");
	assert_int_equal(p->fn[funcs_by_name("system")].action, ACT_DENY);
	assert_int_equal(p->allow_dirs.n, 0);
	policy_free(p);
	/* on a layer below: an empty file changes nothing, and says so too */
	const char *const t[] = {"[functions]\nsystem = allow\n", "\n"};
	assert_int_equal(layers(&p, t, 2), -EINVAL);
	assert_non_null(strstr(err, "l2.ini:1: no key = value line: an empty policy changes "
	                            "nothing"));
}

static void profiles_and_command_line(void **state)
{
	(void)state;
	struct policy *p = policy_new();
	assert_int_equal(policy_add_profile(p, "notebook", err, sizeof err), 0);
	assert_int_equal(policy_add_arg(p, "allow-dir", "/opt/tools", 4, err, sizeof err), 0);
	assert_int_equal(policy_add_arg(p, "allow", "/opt/x/bin/*", 6, err, sizeof err), 0);
	assert_int_equal(policy_finish(p, err, sizeof err), 0);
	assert_null(policy_list_find(&p->deny_programs, "bash"));
	assert_non_null(policy_list_find(&p->deny_programs, "zsh"));
	const struct rule_word *b = policy_list_find(&p->shells, "bash");
	assert_non_null(b);
	assert_string_equal(b->rule.file, "profiles/notebook.ini (built in)");
	const struct rule_word *d = policy_list_find(&p->allow_dirs, "/opt/tools");
	assert_non_null(d);
	assert_string_equal(d->rule.file, "command line");
	assert_int_equal(d->rule.line, 4);
	assert_string_equal(p->file, "policy.ini (built in) + profiles/notebook.ini (built in) + "
	                             "command line");
	policy_free(p);

	p = policy_new();
	assert_int_equal(policy_add_profile(p, "judge", err, sizeof err), 0);
	assert_int_equal(policy_finish(p, err, sizeof err), 0);
	assert_int_equal(p->allow_dirs.n, 0);
	assert_int_equal(p->fn[funcs_by_name("system")].action, ACT_DENY);
	assert_true(p->allow_interpreter);
	policy_free(p);

	p = policy_new();
	assert_int_equal(policy_add_profile(p, "nonesuch", err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "no profile 'nonesuch' (expected default, judge"));
	assert_int_equal(policy_add_profile(p, "default", err, sizeof err), 0);
	/* a denied program stays denied: --allow does not say otherwise */
	assert_int_equal(policy_add_arg(p, "allow", "/usr/bin/bash", 2, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "--allow /usr/bin/bash: bash is a denied program "
	                            "(policy.ini (built in):"));
	assert_int_equal(policy_add_arg(p, "allow-dir", "opt", 2, err, sizeof err), -EINVAL);
	policy_free(p);
}

/* --print-policy's text is the same policy, and names where each key came from. */
static void printed_policy_reads_back(void **state)
{
	(void)state;
	const char *names[] = {"default", "judge", "notebook"};
	for (size_t k = 0; k < 3; k++) {
		struct policy *p = policy_new(), *q = NULL;
		assert_int_equal(policy_add_profile(p, names[k], err, sizeof err), 0);
		const char *over = "[module */x/*]\nfork = deny\n[files]\nwrite += /srv\n";
		assert_int_equal(policy_add_text(p, over, strlen(over), "over.ini", err, sizeof err), 0);
		assert_int_equal(policy_finish(p, err, sizeof err), 0);
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		assert_int_equal(policy_print(p, f), 0);
		fclose(f);
		if (policy_parse(text, len, "printed.ini", &q, err, sizeof err) != 0)
			fail_msg("%s: %s", names[k], err);
		for (size_t i = 0; i < funcs_count; i++)
			assert_int_equal(p->fn[i].action, q->fn[i].action);
		const struct rule_list *a[] = {&p->deny_programs, &p->shells, &p->allow_dirs,
		                               &p->allow_programs, &p->trust, &p->trust_sha256,
		                               &p->write_paths};
		const struct rule_list *b[] = {&q->deny_programs, &q->shells, &q->allow_dirs,
		                               &q->allow_programs, &q->trust, &q->trust_sha256,
		                               &q->write_paths};
		for (size_t l = 0; l < 7; l++) {
			assert_int_equal(a[l]->n, b[l]->n);
			for (size_t i = 0; i < a[l]->n; i++)
				assert_string_equal(a[l]->v[i].word, b[l]->v[i].word);
		}
		assert_int_equal(p->refuse, q->refuse);
		assert_int_equal(p->allow_interpreter, q->allow_interpreter);
		assert_int_equal(p->files_set, q->files_set);
		assert_int_equal(q->n_modules, p->n_modules);
		for (size_t m = 0; m < p->n_modules; m++) {
			assert_string_equal(q->modules[m].pattern, p->modules[m].pattern);
			for (size_t i = 0; i < funcs_count; i++)
				assert_int_equal(q->modules[m].fn[i].action, p->modules[m].fn[i].action);
		}
		const struct fn_rule *fork = policy_module_rule(q, "/a/x/b.so", funcs_by_name("fork"),
		                                                NULL);
		assert_non_null(fork);
		assert_int_equal(fork->action, ACT_DENY);
		assert_non_null(strstr(text, "setuid = deny ; policy.ini (built in):"));
		assert_non_null(strstr(text, "write = /srv ; over.ini:4"));
		free(text);
		policy_free(p);
		policy_free(q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_parses_with_rules),
		cmocka_unit_test(builtin_is_policy_ini),
		cmocka_unit_test(unnamed_functions_fall_back),
		cmocka_unit_test(lists_add_up_with_lines),
		cmocka_unit_test(malformed_is_refused_with_line),
		cmocka_unit_test(long_line_and_nul_are_refused),
		cmocka_unit_test(objects_and_modules),
		cmocka_unit_test(action_order_every_pair),
		cmocka_unit_test(module_words),
		cmocka_unit_test(load_reports_missing_file),
		cmocka_unit_test(later_layers_override_keys),
		cmocka_unit_test(lists_replace_extend_and_shrink),
		cmocka_unit_test(layer_errors_name_file_and_line),
		cmocka_unit_test(empty_policy_must_say_so),
		cmocka_unit_test(profiles_and_command_line),
		cmocka_unit_test(printed_policy_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
