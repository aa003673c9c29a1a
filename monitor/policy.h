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

/* What gets an untrusted object refused ([objects] refuse). */
enum refuse_flag {
	REFUSE_IFUNC = 1u << 0,        /* code that runs during relocation */
	REFUSE_EXECSTACK = 1u << 1,
	REFUSE_SYSCALL = 1u << 2,      /* a raw system call to a denied system call */
	REFUSE_UNKNOWN_SYSCALL = 1u << 3,  /* a raw system call whose number is unknown */
	REFUSE_TEXTREL = 1u << 4,
	REFUSE_WX = 1u << 5,           /* a segment both writable and executable */
};

/* A [module PATTERN] section: rules for calls coming from matching objects. */
struct module_rules {
	char *pattern;        /* fnmatch pattern over the object's path */
	struct rule rule;     /* the section line */
	struct fn_rule *fn;   /* by funcs[] index; set only for the functions it names */
};

struct policy {
	char *file;
	enum action fallback;            /* [policy] default: a function with no rule */
	struct rule fallback_rule;
	struct fn_rule *fn;              /* by funcs[] index */
	struct rule_list deny_programs;  /* [programs] deny */
	struct rule_list shells;         /* [programs] shell */
	struct rule_list allow_dirs;     /* [programs] allow-dir */
	struct rule_list allow_programs; /* [programs] allow: patterns over the resolved path */
	bool allow_interpreter;          /* [programs] interpreter */
	struct rule interpreter_rule;
	struct rule outside_rule;        /* the implicit "not in an allowed directory" */

	struct rule_list trust;          /* [objects] trust: path patterns, or "interpreter" */
	struct rule_list trust_sha256;   /* [objects] trust-sha256: content hashes (hex) */
	unsigned refuse;                 /* [objects] refuse: enum refuse_flag */
	struct rule refuse_rule;
	struct rule_list write_paths;    /* [files] write: absolute paths, cwd, tmpdir, terminal */
	bool files_set;                  /* [files] write given (else the built-in default list) */
	bool require_landlock;           /* [files] require-landlock = yes */
	struct module_rules *modules;    /* in file order: the first match wins */
	size_t n_modules;
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
/* The rule for function fid called from an object at path: the first
 * [module] section matching path that names fid, else NULL. */
const struct fn_rule *policy_module_rule(const struct policy *p, const char *path, int fid,
                                         const struct module_rules **mod);
/* Whether action a is looser than b (allow < check < deny < kill). */
bool policy_looser(enum action a, enum action b);
/* A word list lookup; returns the matching entry or NULL. */
const struct rule_word *policy_list_find(const struct rule_list *l, const char *word);

#endif
