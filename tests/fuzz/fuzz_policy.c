/* libFuzzer harness for the policy parser.
 *
 * The input is the policy text, handed over exactly (no terminating NUL, so
 * ASan sees any read past len).  Checks what policy.h promises: 0 with a
 * policy, or -EINVAL with "fuzz.ini:LINE: ..." naming a line of the text, or
 * -ENOMEM; and a parsed policy whose every rule names this file and a line
 * of it, whose lists can be looked up, and whose module patterns can be
 * matched.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "monitor/funcs.h"
#include "monitor/policy.h"
#include "tests/fuzz/fuzz.h"

#define FILE_NAME "fuzz.ini"

static int n_lines;

static void check_rule(const struct policy *p, const struct rule *r, bool from_text)
{
	(void)p;  /* rules name their layer (policy.h), here the one text's name */
	FUZZ_CHECK(r->file, "rule without a file");
	FUZZ_CHECK(memchr(r->text, 0, sizeof r->text), "rule text not terminated");
	if (from_text) {
		FUZZ_CHECK(strcmp(r->file, FILE_NAME) == 0, "rule names %s", r->file);
		FUZZ_CHECK(r->line >= 1 && r->line <= n_lines, "rule on line %d of %d", r->line,
		           n_lines);
	}
}

static void check_list(const struct policy *p, const struct rule_list *l)
{
	FUZZ_CHECK(l->n <= l->cap, "list of %zu in %zu", l->n, l->cap);
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_CHECK(l->v[i].word, "list word %zu is NULL", i);
		check_rule(p, &l->v[i].rule, true);
		const struct rule_word *w = policy_list_find(l, l->v[i].word);
		FUZZ_CHECK(w && strcmp(w->word, l->v[i].word) == 0, "%s not found in its list",
		           l->v[i].word);
	}
}

static void check_policy(const struct policy *p)
{
	FUZZ_CHECK(p->file && strcmp(p->file, FILE_NAME) == 0, "file %s", p->file);
	FUZZ_CHECK(p->fallback == ACT_ALLOW || p->fallback == ACT_DENY || p->fallback == ACT_KILL,
	           "fallback %d", p->fallback);
	for (size_t i = 0; i < funcs_count; i++) {
		const struct fn_rule *f = &p->fn[i];
		FUZZ_CHECK(f->action <= ACT_KILL, "%s: action %d", funcs[i].name, f->action);
		FUZZ_CHECK(strcmp(policy_action_name(f->action), "?") != 0, "%s: no action name",
		           funcs[i].name);
		if (funcs[i].selfprot)
			FUZZ_CHECK(f->action == ACT_CHECK, "self-protection %s is %s", funcs[i].name,
			           policy_action_name(f->action));
		check_rule(p, &f->rule, f->set);
	}
	check_list(p, &p->deny_programs);
	check_list(p, &p->shells);
	check_list(p, &p->allow_dirs);
	check_list(p, &p->trust);
	check_list(p, &p->trust_sha256);
	for (size_t i = 0; i < p->allow_dirs.n; i++)
		FUZZ_CHECK(p->allow_dirs.v[i].word[0] == '/', "allow-dir %s is not absolute",
		           p->allow_dirs.v[i].word);
	for (size_t m = 0; m < p->n_modules; m++) {
		const struct module_rules *mr = &p->modules[m];
		FUZZ_CHECK(mr->pattern, "module %zu without a pattern", m);
		check_rule(p, &mr->rule, true);
		for (size_t i = 0; i < funcs_count; i++)
			if (mr->fn[i].set) {
				check_rule(p, &mr->fn[i].rule, true);
				FUZZ_CHECK(mr->fn[i].action <= ACT_KILL, "module action %d",
				           mr->fn[i].action);
			}
	}
	/* the lookups the monitor makes for every call */
	for (size_t i = 0; i < funcs_count; i++) {
		const struct module_rules *mod = NULL;
		policy_module_rule(p, "/usr/lib/python3/dist-packages/x.so", (int)i, &mod);
		if (p->n_modules)
			policy_module_rule(p, p->modules[0].pattern, (int)i, &mod);
	}
}

/* "fuzz.ini:LINE: something" with LINE a line of the text. */
static void check_error(const char *err)
{
	size_t n = strlen(FILE_NAME);
	char *end;

	FUZZ_CHECK(strncmp(err, FILE_NAME ":", n + 1) == 0, "error '%s'", err);
	long line = strtol(err + n + 1, &end, 10);
	FUZZ_CHECK(end != err + n + 1 && end[0] == ':' && end[1] == ' ' && end[2],
	           "error '%s'", err);
	FUZZ_CHECK(line >= 1 && line <= n_lines, "error '%s' names line %ld of %d", err, line,
	           n_lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p = (struct policy *)0x1;
	char err[256];
	/* the byte after err: a message must fit and be terminated */
	memset(err, 'x', sizeof err);

	n_lines = 1;
	for (size_t i = 0; i < size; i++)
		n_lines += data[i] == '\n';
	int rc = policy_parse((const char *)data, size, FILE_NAME, &p, err, sizeof err);
	FUZZ_CHECK(memchr(err, 0, sizeof err), "err not terminated");
	if (rc == 0) {
		FUZZ_CHECK(p != NULL, "rc 0 without a policy");
		check_policy(p);
		policy_free(p);
		return 0;
	}
	FUZZ_CHECK(p == NULL, "rc %d with a policy", rc);
	FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM, "rc %d (%s)", rc, err);
	if (rc == -EINVAL)
		check_error(err);
	return 0;
}
