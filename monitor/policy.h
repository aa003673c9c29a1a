/* policy: what pysbx allows, read from INI text (inih).
 *
 * The parser takes text in memory and a file name, so the built-in default
 * (policy.ini compiled in), the shipped profiles, a file given with -c and
 * the words of --allow/--allow-dir go through the same code, and tests feed
 * strings.  Every rule keeps the file and line it came from: decisions name
 * the rule that made them.  A malformed policy is refused with
 * "FILE:LINE: what was expected".  The format is documented in policy.ini and
 * pysbx-policy(5).
 *
 * A policy is built in layers, each on the ones before it:
 *
 *   policy_new -> policy_add_profile / policy_add_file / policy_add_text /
 *                 policy_add_arg ... -> policy_finish
 *
 * A later layer overrides the keys it names; a list it sets with '=' replaces
 * the list below (its own lines with that key add up), 'KEY += WORDS' and
 * 'KEY -= WORDS' extend or shrink the list below, 'KEY = none' empties it.
 */
#ifndef PYSBX_POLICY_H
#define PYSBX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
	struct rule origin;   /* the line that last set the whole list (=); line 0: none */
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
	struct rule_list connect_paths;  /* [files] connect: unix sockets outside the job */
	struct module_rules *modules;    /* in file order: the first match wins */
	size_t n_modules;
	/* by funcs[] index: the strictest action any [module] section gives the
	 * function, ACT_ALLOW when none names it */
	enum action *module_max;

	/* layers (policy_add_*), in order; rule.file points at these names */
	char **layers;
	size_t n_layers;
	struct rule require_landlock_rule;
	bool finished;                   /* policy_finish ran */
};

/* Parses text[0..len) as a whole policy (one layer).  Returns 0 with *out
 * set, or -EINVAL with a message "FILE:LINE: ..." in err, or -ENOMEM. */
int policy_parse(const char *text, size_t len, const char *file,
                 struct policy **out, char *err, size_t errlen);
/* Reads and parses a file as a whole policy.  -errno with a message in err
 * when it cannot be read. */
int policy_load(const char *path, struct policy **out, char *err, size_t errlen);
/* The built-in default: the shipped policy.ini, compiled in. */
int policy_builtin(struct policy **out, char *err, size_t errlen);
const char *policy_builtin_text(size_t *len);
void policy_free(struct policy *p);

/* Layers.  Every function returns 0, or -EINVAL (-ENOMEM, -errno of a file)
 * with "FILE:LINE: ..." in err; after an error the policy is only fit for
 * policy_free. */
struct policy *policy_new(void);
/* text as one more layer named file.  A layer without a single key is
 * refused: an empty file given by mistake must not pass for a policy. */
int policy_add_text(struct policy *p, const char *text, size_t len, const char *file,
                    char *err, size_t errlen);
int policy_add_file(struct policy *p, const char *path, char *err, size_t errlen);
/* A shipped profile (policy_profile_names), with the layers it builds on. */
int policy_add_profile(struct policy *p, const char *name, char *err, size_t errlen);
/* One word from the command line: key is "allow" or "allow-dir" ([programs]),
 * word an absolute path or pattern; the rule reads "command line:ARGI".
 * A program the deny list names cannot be allowed this way. */
int policy_add_arg(struct policy *p, const char *key, const char *word, int argi,
                   char *err, size_t errlen);
/* Functions no layer named fall back to [policy] default. */
int policy_finish(struct policy *p, char *err, size_t errlen);

/* "default, judge, notebook": the shipped profiles. */
const char *policy_profile_names(void);
/* The merged policy as INI text pysbx reads back as the same policy, every
 * key followed by the FILE:LINE it came from. */
int policy_print(const struct policy *p, FILE *out);

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
