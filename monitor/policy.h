/* policy: what pysbx allows, read from an INI file (inih).
 *
 * The parser takes text in memory and a file name, so the built-in default
 * (policy.ini compiled in) and a file given with -c go through the same code,
 * and tests feed strings.  Every rule keeps the file and line it came from:
 * decisions name the rule that made them.  A malformed policy is refused with
 * "FILE:LINE: what was expected".  The format is documented in policy.ini and
 * pysbx-policy(5).
 */
#ifndef PYSBX_POLICY_H
#define PYSBX_POLICY_H

#include <stdbool.h>
#include <stddef.h>

enum action {
	ACT_ALLOW,
	ACT_DENY,     /* the call fails with EPERM */
	ACT_CHECK,    /* the function's argument check decides allow or deny */
	ACT_KILL,     /* the whole job is ended */
};

struct rule {
	const char *file;   /* the policy's file name (owned by the policy) */
	int line;           /* 0 for built-in fallbacks */
	char text[112];     /* the line's key and value, for logs */
};

struct rule_word {      /* one word of a list-valued setting */
	char *word;
	struct rule rule;
};

struct rule_list {
	struct rule_word *v;
	size_t n, cap;
};

struct fn_rule {
	enum action action;
	struct rule rule;
	bool set;
};

struct policy {
	char *file;
	enum action fallback;            /* [policy] default: a function with no rule */
	struct rule fallback_rule;
	struct fn_rule *fn;              /* by funcs[] index */
	struct rule_list deny_programs;  /* [programs] deny */
	struct rule_list shells;         /* [programs] shell */
	struct rule_list allow_dirs;     /* [programs] allow-dir */
	bool allow_interpreter;          /* [programs] interpreter */
	struct rule interpreter_rule;
	struct rule outside_rule;        /* the implicit "not in an allowed directory" */
};

/* Parses text[0..len).  Returns 0 with *out set, or -EINVAL with a message
 * "FILE:LINE: ..." in err, or -ENOMEM. */
int policy_parse(const char *text, size_t len, const char *file,
                 struct policy **out, char *err, size_t errlen);
/* Reads and parses a file.  -errno with a message in err when it cannot be read. */
int policy_load(const char *path, struct policy **out, char *err, size_t errlen);
/* The built-in default: the shipped policy.ini, compiled in. */
int policy_builtin(struct policy **out, char *err, size_t errlen);
const char *policy_builtin_text(size_t *len);
void policy_free(struct policy *p);

const char *policy_action_name(enum action a);
/* A word list lookup; returns the matching entry or NULL. */
const struct rule_word *policy_list_find(const struct rule_list *l, const char *word);

#endif
