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

/* The actions, from the loosest to the strictest: each lets through at most
 * what the one before it does.  The enum's order is the one definition of
 * strictness (policy_looser compares it), and policy.c names the actions in
 * the same order. */
enum action {
	ACT_ALLOW,
	ACT_CHECK,    /* the function's argument check decides allow or deny */
	ACT_SELF,     /* allowed only when the call reaches the caller's own process */
	ACT_DENY,     /* the call fails with EPERM */
	ACT_KILL,     /* the whole job is ended */
};
#define ACT_COUNT (ACT_KILL + 1)

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

/* What a [module] section names: objects by a pattern over their path, or by
 * what they are (the words "untrusted" and "extensions"). */
enum module_kind {
	MOD_PATTERN,
	MOD_UNTRUSTED,   /* every object [objects] does not trust, and code in no object */
	MOD_EXTENSIONS,  /* untrusted extension modules and the libraries they need */
};

/* A [module PATTERN] section: rules for calls coming from matching objects. */
struct module_rules {
	char *pattern;        /* fnmatch pattern over the object's path, or the word */
	enum module_kind kind;
	struct rule rule;     /* the section line */
	struct fn_rule *fn;   /* by funcs[] index; set only for the functions it names */
};

/* An object a [module] section may bind: the caller of a call, or one on its
 * stack.  path NULL: code in no loaded object (or frames that could not be
 * walked), which only "untrusted" sections bind. */
struct module_subject {
	const char *path;
	bool trusted;     /* [objects] trust or trust-sha256 */
	bool extension;   /* untrusted, and an extension module or a library one needs */
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
	/* by funcs[] index: the strictest action any [module] section gives the
	 * function, ACT_ALLOW when none names it */
	enum action *module_max;
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
 * [module PATTERN] section matching path that names fid, else NULL.  The
 * word sections ("untrusted", "extensions") match by what an object is, not
 * by its path: policy_subject_rule asks them. */
const struct fn_rule *policy_module_rule(const struct policy *p, const char *path, int fid,
                                         const struct module_rules **mod);
/* The [module] rule for fid that binds object o: the first PATTERN section
 * matching its path that names fid, else the first word section that fits
 * it and names fid (a named exception comes before the general rule,
 * wherever it is in the file), else NULL. */
const struct fn_rule *policy_subject_rule(const struct policy *p, const struct module_subject *o,
                                          int fid, const struct module_rules **mod);
/* Whether any [module] section names fid: a call through any object's slot
 * may then be decided by a section (the stack's objects, decide.c). */
bool policy_module_names(const struct policy *p, int fid);
/* Whether some [module] section gives fid an action stricter than a. */
bool policy_module_tightens(const struct policy *p, int fid, enum action a);
/* Whether action a is looser than b, by the order of enum action. */
bool policy_looser(enum action a, enum action b);
/* A word list lookup; returns the matching entry or NULL. */
const struct rule_word *policy_list_find(const struct rule_list *l, const char *word);

#endif
