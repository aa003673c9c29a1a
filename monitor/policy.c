/* policy: parsing policy.ini with inih (see policy.h).
 *
 * inih does not hand line numbers to the handler in Debian's build, so the
 * parser reads through its own line reader, which counts lines: when inih calls
 * the handler, the reader's count is the line being handled.  The reader also
 * catches lines longer than inih's buffer, which inih would silently split. */
#include "monitor/policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/funcs.h"

#define POLICY_MAX_BYTES (1u << 20)
#define INIH_LINE 200   /* INI_MAX_LINE of the inih build; longer lines are refused */

/* The list-valued settings (and refuse, a set of flags), as bits: which a
 * layer set with '=' and which it changed with '+=' or '-='. */
enum list_bit {
	L_DENY = 1u << 0, L_SHELL = 1u << 1, L_ALLOW_DIR = 1u << 2, L_ALLOW = 1u << 3,
	L_TRUST = 1u << 4, L_TRUST_SHA256 = 1u << 5, L_WRITE = 1u << 6, L_REFUSE = 1u << 7,
	L_CONNECT = 1u << 8,
};

struct parse {
	struct policy *p;
	const char *file;             /* this layer's name (owned by p->layers) */
	bool has_base;                /* there are layers below this one */
	unsigned lists_set;           /* enum list_bit: set with '=' in this layer */
	unsigned lists_changed;       /* enum list_bit: changed with '+=' or '-=' */
	char op;                      /* the key's operator: '=', '+' or '-' */
	unsigned keys;                /* keys handled */
	int said_empty;               /* the line of [policy] empty = yes, or 0 */
	const char *text, *end, *at;  /* reader position */
	int line;                     /* line most recently read */
	char *err;
	size_t errlen;
	int failed;                   /* -EINVAL or -ENOMEM once an error is recorded */
	char section[INIH_LINE];      /* the full name: inih keeps only 49 characters */
};

__attribute__((format(printf, 4, 5)))
static void fail(struct parse *ps, int line, int code, const char *fmt, ...)
{
	if (ps->failed)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%d: %s", ps->file, line, msg);
	ps->failed = code;
}

static bool known_section(const char *name, size_t n)
{
	static const char *const names[] = {"policy", "functions", "programs", "objects", "files"};
	for (size_t i = 0; i < 5; i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return true;
	return n > 7 && memcmp(name, "module ", 7) == 0;
}

/* inih calls the handler for keys only: an unknown section with no keys would
 * pass unnoticed, so section lines are checked as they are read. */
static void check_section_line(struct parse *ps, const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '[')
		return;
	const char *end = strchr(line, ']');
	if (!end)
		return;  /* inih reports the syntax error */
	const char *name = line + 1;
	while (*name == ' ' || *name == '\t')
		name++;
	size_t n = (size_t)(end - name);
	while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	if (!known_section(name, n))
		fail(ps, ps->line, -EINVAL, "unknown section [%.*s] (expected policy, functions, "
		     "programs, objects, files or module PATTERN)", (int)n, name);
	snprintf(ps->section, sizeof ps->section, "%.*s", (int)n, name);
}

/* inih's reader: one line per call, counted; refuses over-long lines. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	if (ps->at >= ps->end)
		return NULL;
	const char *nl = memchr(ps->at, '\n', (size_t)(ps->end - ps->at));
	size_t len = nl ? (size_t)(nl - ps->at) + 1 : (size_t)(ps->end - ps->at);
	ps->line++;
	if (len >= (size_t)num || len >= INIH_LINE) {
		fail(ps, ps->line, -EINVAL, "line too long (more than %d characters); "
		     "split the list over several lines with the same key", INIH_LINE - 1);
		len = 1;
		str[0] = '\n';
	} else {
		memcpy(str, ps->at, len);
	}
	str[len] = 0;
	if (memchr(str, 0, len)) {
		fail(ps, ps->line, -EINVAL, "NUL byte in line");
		str[0] = 0;
	}
	check_section_line(ps, str);
	ps->at += nl ? (size_t)(nl - ps->at) + 1 : (size_t)(ps->end - ps->at);
	return str;
}

static void set_rule(struct rule *r, const struct parse *ps, const char *key, const char *val)
{
	r->file = ps->file;
	r->line = ps->line;
	if (snprintf(r->text, sizeof r->text, "%s = %s", key, val) >= (int)sizeof r->text)
		strcpy(r->text + sizeof r->text - 4, "...");  /* for logs: the line is the rule */
}

/* In the order of enum action: the loosest first. */
static const char *const action_names[ACT_COUNT] = {
	[ACT_ALLOW] = "allow", [ACT_CHECK] = "check", [ACT_SELF] = "self", [ACT_DENY] = "deny",
	[ACT_KILL] = "kill",
};

static int parse_action(const char *v, enum action *a)
{
	for (int i = 0; i < ACT_COUNT; i++)
		if (strcmp(v, action_names[i]) == 0) {
			*a = (enum action)i;
			return 0;
		}
	return -1;
}

/* Functions whose calls name a process to signal: "self" means something
 * only for them. */
static bool names_a_process(const struct func *f)
{
	return f->check == CK_SIGNAL || f->check == CK_PGRP || f->check == CK_PIDFD;
}

static int list_add(struct rule_list *l, const char *word, const struct rule *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct rule_word *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	char *w = strdup(word);
	if (!w)
		return -ENOMEM;
	l->v[l->n].word = w;
	l->v[l->n].rule = *r;
	l->n++;
	return 0;
}

static void list_clear(struct rule_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].word);
	l->n = 0;
}

/* Takes each blank-separated word of val off the list: every one must be on it. */
static void list_remove_words(struct parse *ps, struct rule_list *l, const char *key,
                              const char *val)
{
	char buf[INIH_LINE];
	char *save = NULL;
	snprintf(buf, sizeof buf, "%s", val);
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t i = 0;
		while (i < l->n && strcmp(l->v[i].word, w) != 0)
			i++;
		if (i == l->n) {
			fail(ps, ps->line, -EINVAL, "%s -= %s: '%s' is not on the list the layers below "
			     "set", key, w, w);
			return;
		}
		free(l->v[i].word);
		memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof l->v[0]);
		l->n--;
	}
}

/* Whether this layer may apply its operator to a list-valued key (bit):
 * '=' replaces what the layers below set (the layer's own '=' lines add up),
 * '+=' and '-=' change it, and one layer does not mix the two for one key.
 * Returns -1 after an error, 1 when this '=' is the layer's first for the key
 * (the list below is to be dropped), 0 otherwise. */
static int layer_op(struct parse *ps, unsigned bit, const char *key)
{
	if (ps->op == '=') {
		if (ps->lists_changed & bit) {
			fail(ps, ps->line, -EINVAL, "%s = after %s += or -=: a file either sets a list "
			     "(=) or changes the one below it (+=, -=)", key, key);
			return -1;
		}
		if (ps->lists_set & bit)
			return 0;
		ps->lists_set |= bit;
		return 1;
	}
	if (ps->lists_set & bit) {
		fail(ps, ps->line, -EINVAL, "%s %c= after %s =: a file either sets a list (=) or "
		     "changes the one below it (+=, -=)", key, ps->op, key);
		return -1;
	}
	if (!ps->has_base) {
		fail(ps, ps->line, -EINVAL, "%s %c=: no policy below this file to change (give "
		     "--profile NAME or another -c FILE first, or write %s = ...)", key, ps->op, key);
		return -1;
	}
	ps->lists_changed |= bit;
	return 0;
}

/* The operator on a list: returns true when val's words are to be added
 * ('=' and '+='); '-=' and 'KEY = none' are done here. */
static bool list_op(struct parse *ps, struct rule_list *l, unsigned bit, const char *key,
                    const char *val)
{
	int rc = layer_op(ps, bit, key);
	if (rc < 0)
		return false;
	if (rc > 0) {
		list_clear(l);
		set_rule(&l->origin, ps, key, val);
	}
	if (ps->op == '-') {
		list_remove_words(ps, l, key, val);
		return false;
	}
	return !(ps->op == '=' && !strcmp(val, "none"));  /* KEY = none: the empty list */
}

/* Adds each blank-separated word of val to the list. */
static int list_add_words(struct parse *ps, struct rule_list *l, const char *key,
                          const char *val, int dirs)
{
	char buf[INIH_LINE];
	snprintf(buf, sizeof buf, "%s", val);
	char *save = NULL;
	int n = 0;
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		struct rule r;
		set_rule(&r, ps, key, w);
		if (dirs && w[0] != '/') {
			fail(ps, ps->line, -EINVAL, "%s: expected an absolute %s, got '%s'", key,
			     strcmp(key, "allow") ? "directory" : "path or pattern", w);
			return 0;
		}
		if (list_add(l, w, &r) < 0) {
			fail(ps, ps->line, -ENOMEM, "out of memory");
			return 0;
		}
		n++;
	}
	if (n == 0)
		fail(ps, ps->line, -EINVAL, "%s: expected one or more words", key);
	return 1;
}

/* A key that takes one value: '+=' and '-=' are for lists. */
static bool scalar(struct parse *ps, const char *key)
{
	if (ps->op == '=')
		return true;
	fail(ps, ps->line, -EINVAL, "%s %c=: %s takes one value, not a list: expected %s = VALUE",
	     key, ps->op, key, key);
	return false;
}

static void on_policy(struct parse *ps, const char *key, const char *val)
{
	enum action a;
	if (!scalar(ps, key))
		return;
	if (strcmp(key, "empty") == 0) {
		/* a file with no rules on purpose (policy_add_text) */
		if (strcmp(val, "yes") != 0)
			fail(ps, ps->line, -EINVAL, "empty: expected yes, got '%s'", val);
		ps->said_empty = ps->line;
		return;
	}
	if (strcmp(key, "default") != 0) {
		fail(ps, ps->line, -EINVAL, "unknown key '%s' in [policy] (expected default or "
		     "empty)", key);
		return;
	}
	if (parse_action(val, &a) < 0 || a == ACT_CHECK || a == ACT_SELF) {
		fail(ps, ps->line, -EINVAL, "default: expected allow, deny or kill, got '%s'", val);
		return;
	}
	ps->p->fallback = a;
	set_rule(&ps->p->fallback_rule, ps, key, val);
}

static void on_function_in(struct parse *ps, struct fn_rule *fn, const char *key,
                           const char *val)
{
	enum action a;
	if (!scalar(ps, key))
		return;
	int i = funcs_by_name(key);
	if (i < 0) {
		fail(ps, ps->line, -EINVAL,
		     "unknown function '%s' (expected a dangerous function; see pysbx-policy(5))",
		     key);
		return;
	}
	if (funcs[i].selfprot) {
		fail(ps, ps->line, -EINVAL, "%s is part of pysbx's own protection, not a policy "
		     "choice", key);
		return;
	}
	if (parse_action(val, &a) < 0) {
		fail(ps, ps->line, -EINVAL, "%s: expected allow, check, self, deny or kill, got '%s'",
		     key, val);
		return;
	}
	if (a == ACT_CHECK && funcs[i].check == CK_NONE) {
		fail(ps, ps->line, -EINVAL, "%s has no argument check: expected allow, deny or kill",
		     key);
		return;
	}
	if (a == ACT_SELF && !names_a_process(&funcs[i])) {
		fail(ps, ps->line, -EINVAL, "%s names no process to signal: self is for the kill "
		     "family and pidfd calls", key);
		return;
	}
	if (fn[i].set && fn[i].rule.file == ps->file) {  /* a layer below may be overridden */
		fail(ps, ps->line, -EINVAL, "%s is already set on line %d", key, fn[i].rule.line);
		return;
	}
	fn[i].action = a;
	fn[i].set = true;
	set_rule(&fn[i].rule, ps, key, val);
}

static void on_function(struct parse *ps, const char *key, const char *val)
{
	on_function_in(ps, ps->p->fn, key, val);
}

static const struct {
	const char *name;
	unsigned flag;
} refuse_names[] = {
	{"ifunc", REFUSE_IFUNC}, {"execstack", REFUSE_EXECSTACK}, {"syscall", REFUSE_SYSCALL},
	{"unknown-syscall", REFUSE_UNKNOWN_SYSCALL}, {"textrel", REFUSE_TEXTREL}, {"wx", REFUSE_WX},
};

static void on_refuse(struct parse *ps, const char *key, const char *val)
{
	char buf[INIH_LINE];
	char *save = NULL;
	unsigned flags = 0;
	snprintf(buf, sizeof buf, "%s", val);
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t i;
		if (ps->op == '=' && !strcmp(w, "none") && !strcmp(val, "none"))
			break;
		for (i = 0; i < sizeof refuse_names / sizeof refuse_names[0]; i++)
			if (strcmp(w, refuse_names[i].name) == 0)
				break;
		if (i == sizeof refuse_names / sizeof refuse_names[0]) {
			fail(ps, ps->line, -EINVAL, "refuse: expected ifunc, execstack, syscall, "
			     "unknown-syscall, textrel or wx, got '%s'", w);
			return;
		}
		flags |= refuse_names[i].flag;
	}
	/* a set of flags: '=' replaces the layers' below, '+=' and '-=' change it */
	int rc = layer_op(ps, L_REFUSE, key);
	if (rc < 0)
		return;
	if (rc > 0)
		ps->p->refuse = 0;
	if (ps->op == '-')
		ps->p->refuse &= ~flags;
	else
		ps->p->refuse |= flags;
	set_rule(&ps->p->refuse_rule, ps, key, val);
}

/* A list-valued key with its operator (list_op).  Returns 1 when words were added. */
static int list_key(struct parse *ps, struct rule_list *l, unsigned bit, const char *key,
                    const char *val, int dirs)
{
	if (!list_op(ps, l, bit, key, val) || ps->failed)
		return 0;
	return list_add_words(ps, l, key, val, dirs);
}

static bool is_hex64(const char *w)
{
	size_t n = 0;
	for (; w[n]; n++)
		if (!strchr("0123456789abcdef", w[n]))
			return false;
	return n == 64;
}

static void on_object(struct parse *ps, const char *key, const char *val)
{
	struct policy *p = ps->p;
	if (strcmp(key, "trust") == 0)
		list_key(ps, &p->trust, L_TRUST, key, val, 0);
	else if (strcmp(key, "trust-sha256") == 0) {
		if (list_key(ps, &p->trust_sha256, L_TRUST_SHA256, key, val, 0) && !ps->failed)
			for (size_t i = 0; i < p->trust_sha256.n; i++)
				if (!is_hex64(p->trust_sha256.v[i].word))
					fail(ps, ps->line, -EINVAL, "trust-sha256: expected 64 lowercase "
					     "hex digits, got '%s'", p->trust_sha256.v[i].word);
	} else if (strcmp(key, "refuse") == 0)
		on_refuse(ps, key, val);
	else
		fail(ps, ps->line, -EINVAL, "unknown key '%s' in [objects] "
		     "(expected trust, trust-sha256 or refuse)", key);
}

static struct module_rules *module_for(struct parse *ps, const char *section)
{
	struct policy *p = ps->p;
	const char *pat = section + 7;
	while (*pat == ' ' || *pat == '\t')
		pat++;
	for (size_t i = 0; i < p->n_modules; i++)
		if (strcmp(p->modules[i].pattern, pat) == 0)
			return &p->modules[i];
	struct module_rules *v = realloc(p->modules, (p->n_modules + 1) * sizeof *v);
	if (!v)
		return NULL;
	p->modules = v;
	struct module_rules *m = &v[p->n_modules];
	memset(m, 0, sizeof *m);
	m->pattern = strdup(pat);
	/* no absolute path is one of these words: patterns meant as paths are
	 * unaffected */
	m->kind = !strcmp(pat, "untrusted") ? MOD_UNTRUSTED
	        : !strcmp(pat, "extensions") ? MOD_EXTENSIONS : MOD_PATTERN;
	m->fn = calloc(funcs_count, sizeof *m->fn);
	set_rule(&m->rule, ps, "module", pat);
	p->n_modules++;
	return m->pattern && m->fn ? m : NULL;
}

static void on_module(struct parse *ps, const char *section, const char *key, const char *val)
{
	struct module_rules *m = module_for(ps, section);
	if (!m) {
		fail(ps, ps->line, -ENOMEM, "out of memory");
		return;
	}
	on_function_in(ps, m->fn, key, val);
}

static void on_program(struct parse *ps, const char *key, const char *val)
{
	struct policy *p = ps->p;
	if (strcmp(key, "deny") == 0)
		list_key(ps, &p->deny_programs, L_DENY, key, val, 0);
	else if (strcmp(key, "shell") == 0)
		list_key(ps, &p->shells, L_SHELL, key, val, 0);
	else if (strcmp(key, "allow-dir") == 0)
		list_key(ps, &p->allow_dirs, L_ALLOW_DIR, key, val, 1);
	else if (strcmp(key, "allow") == 0)
		list_key(ps, &p->allow_programs, L_ALLOW, key, val, 1);
	else if (strcmp(key, "interpreter") == 0) {
		if (!scalar(ps, key))
			return;
		if (strcmp(val, "yes") && strcmp(val, "no"))
			fail(ps, ps->line, -EINVAL, "interpreter: expected yes or no, got '%s'", val);
		p->allow_interpreter = strcmp(val, "yes") == 0;
		set_rule(&p->interpreter_rule, ps, key, val);
	} else
		fail(ps, ps->line, -EINVAL, "unknown key '%s' in [programs] "
		     "(expected deny, shell, allow, allow-dir or interpreter)", key);
}

/* The words [files] write takes besides absolute paths. */
static bool files_word(const char *w)
{
	return !strcmp(w, "cwd") || !strcmp(w, "tmpdir") || !strcmp(w, "terminal");
}

static void on_files(struct parse *ps, const char *key, const char *val)
{
	struct policy *p = ps->p;
	if (strcmp(key, "write") == 0) {
		size_t first = p->write_paths.n;
		p->files_set = true;
		if (!list_key(ps, &p->write_paths, L_WRITE, key, val, 0) || ps->failed)
			return;
		if (first > p->write_paths.n)
			first = 0;
		for (size_t i = first; i < p->write_paths.n; i++) {
			const char *w = p->write_paths.v[i].word;
			if (w[0] != '/' && !files_word(w))
				fail(ps, ps->line, -EINVAL, "write: expected an absolute path, cwd, "
				     "tmpdir or terminal, got '%s'", w);
		}
	} else if (strcmp(key, "connect") == 0) {
		size_t first = p->connect_paths.n;
		if (!list_key(ps, &p->connect_paths, L_CONNECT, key, val, 0) || ps->failed)
			return;
		if (first > p->connect_paths.n)
			first = 0;
		for (size_t i = first; i < p->connect_paths.n; i++)
			if (p->connect_paths.v[i].word[0] != '/')
				fail(ps, ps->line, -EINVAL, "connect: expected an absolute path, got '%s'",
				     p->connect_paths.v[i].word);
	} else if (strcmp(key, "require-landlock") == 0) {
		if (!scalar(ps, key))
			return;
		if (strcmp(val, "yes") && strcmp(val, "no"))
			fail(ps, ps->line, -EINVAL, "require-landlock: expected yes or no, got '%s'",
			     val);
		p->require_landlock = strcmp(val, "yes") == 0;
		set_rule(&p->require_landlock_rule, ps, key, val);
	} else
		fail(ps, ps->line, -EINVAL, "unknown key '%s' in [files] "
		     "(expected write, connect or require-landlock)", key);
}

/* inih hands 'KEY += VALUE' over as key "KEY +": the operator is taken off
 * the key into ps->op.  Returns the bare key in buf. */
static const char *split_op(struct parse *ps, const char *key, char *buf, size_t cap)
{
	size_t n = strlen(key);
	ps->op = '=';
	if (n == 0 || (key[n - 1] != '+' && key[n - 1] != '-'))
		return key;
	ps->op = key[n - 1];
	n--;
	while (n && (key[n - 1] == ' ' || key[n - 1] == '\t'))
		n--;
	snprintf(buf, cap, "%.*s", (int)n, key);
	return buf;
}

static int handler(void *user, const char *section, const char *rawkey, const char *val)
{
	struct parse *ps = user;
	char keybuf[INIH_LINE];
	if (ps->failed)
		return 0;
	const char *key = split_op(ps, rawkey, keybuf, sizeof keybuf);
	/* inih truncates long section names; the reader kept the whole one */
	if (*section && !strncmp(ps->section, section, strlen(section)))
		section = ps->section;
	if (!val || !*val) {
		fail(ps, ps->line, -EINVAL, "%s: expected a value after '%s'", key,
		     ps->op == '=' ? "=" : ps->op == '+' ? "+=" : "-=");
		return 0;
	}
	if (strcmp(section, "policy") == 0)
		on_policy(ps, key, val);
	else if (strcmp(section, "functions") == 0)
		on_function(ps, key, val);
	else if (strcmp(section, "programs") == 0)
		on_program(ps, key, val);
	else if (strcmp(section, "objects") == 0)
		on_object(ps, key, val);
	else if (strcmp(section, "files") == 0)
		on_files(ps, key, val);
	else if (strncmp(section, "module ", 7) == 0)
		on_module(ps, section, key, val);
	else if (!*section)
		fail(ps, ps->line, -EINVAL, "'%s' outside a section (expected [policy], "
		     "[functions] or [programs] first)", key);
	else
		fail(ps, ps->line, -EINVAL, "unknown section [%s] (expected policy, functions, "
		     "programs, objects, files or module PATTERN)", section);
	if (!ps->failed && !(strcmp(section, "policy") == 0 && strcmp(key, "empty") == 0))
		ps->keys++;
	return ps->failed ? 0 : 1;
}

struct policy *policy_new(void)
{
	struct policy *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->fn = calloc(funcs_count, sizeof *p->fn);
	if (!p->fn) {
		policy_free(p);
		return NULL;
	}
	p->fallback = ACT_DENY;
	return p;
}

/* A new layer's name, owned by the policy. */
static const char *add_layer(struct policy *p, const char *name)
{
	char **v = realloc(p->layers, (p->n_layers + 1) * sizeof *v);
	if (!v)
		return NULL;
	p->layers = v;
	if (!(v[p->n_layers] = strdup(name)))
		return NULL;
	return v[p->n_layers++];
}

/* The strictest action each function gets from any [module] section: what
 * tells whether a call's stack can change its decision (decide.c). */
static int module_maxima(struct policy *p)
{
	p->module_max = calloc(funcs_count, sizeof *p->module_max);
	if (!p->module_max)
		return -ENOMEM;
	for (size_t m = 0; m < p->n_modules; m++)
		for (size_t i = 0; i < funcs_count; i++)
			if (p->modules[m].fn[i].set &&
			    policy_looser(p->module_max[i], p->modules[m].fn[i].action))
				p->module_max[i] = p->modules[m].fn[i].action;
	return 0;
}

int policy_add_text(struct policy *p, const char *text, size_t len, const char *file,
                    char *err, size_t errlen)
{
	struct parse ps = {.p = p, .text = text, .at = text, .end = text + len, .err = err,
	                   .errlen = errlen, .has_base = p->n_layers > 0, .op = '='};
	if (errlen)
		err[0] = 0;
	ps.file = add_layer(p, file);
	if (!ps.file) {
		snprintf(err, errlen, "%s: out of memory", file);
		return -ENOMEM;
	}
	int rc = ini_parse_stream(reader, &ps, handler, &ps);
	if (!ps.failed && rc > 0)
		fail(&ps, rc, -EINVAL, "expected [section], key = value, or a comment");
	if (!ps.failed && rc < 0)
		fail(&ps, 0, -ENOMEM, "out of memory");
	/* an empty file given by mistake must not pass for a policy: it would deny
	 * everything, or (on a profile) change nothing */
	if (!ps.failed && ps.said_empty && ps.keys)
		fail(&ps, ps.said_empty, -EINVAL, "empty = yes in a file that has keys: leave it out");
	if (!ps.failed && !ps.said_empty && !ps.keys)
		fail(&ps, ps.line > 0 ? ps.line : 1, -EINVAL, "no key = value line: an empty "
		     "policy %s; write [policy] empty = yes if that is meant",
		     ps.has_base ? "changes nothing" : "denies every dangerous function and every "
		     "program");
	return ps.failed;
}

int policy_add_file(struct policy *p, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open policy: %s", path, strerror(e));
		return -e;
	}
	struct stat st;
	char *buf = NULL;
	int rc = -EINVAL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > POLICY_MAX_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most 1 MiB", path);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	ssize_t n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		rc = -EIO;
		goto out;
	}
	rc = policy_add_text(p, buf, (size_t)n, path, err, errlen);
out:
	free(buf);
	close(fd);
	return rc;
}

/* The shipped profiles, compiled in (policy_blob.S): default is policy.ini
 * itself, the others are layers on it. */
extern const char policy_blob_begin[], policy_blob_end[];
extern const char profile_judge_begin[], profile_judge_end[];
extern const char profile_notebook_begin[], profile_notebook_end[];

static const struct profile {
	const char *name, *file, *begin, *end, *base;
} profiles[] = {
	{"default", "policy.ini (built in)", policy_blob_begin, policy_blob_end, NULL},
	{"judge", "profiles/judge.ini (built in)", profile_judge_begin, profile_judge_end,
	 "default"},
	{"notebook", "profiles/notebook.ini (built in)", profile_notebook_begin,
	 profile_notebook_end, "default"},
};

const char *policy_profile_names(void)
{
	return "default, judge, notebook";
}

int policy_add_profile(struct policy *p, const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
		const struct profile *f = &profiles[i];
		if (strcmp(f->name, name) != 0)
			continue;
		int rc = f->base ? policy_add_profile(p, f->base, err, errlen) : 0;
		return rc < 0 ? rc : policy_add_text(p, f->begin, (size_t)(f->end - f->begin),
		                                     f->file, err, errlen);
	}
	snprintf(err, errlen, "no profile '%s' (expected %s)", name, policy_profile_names());
	return -EINVAL;
}

#define CMDLINE "command line"

int policy_add_arg(struct policy *p, const char *key, const char *word, int argi,
                   char *err, size_t errlen)
{
	bool dir = strcmp(key, "allow-dir") == 0;
	const char *layer = p->n_layers ? p->layers[p->n_layers - 1] : NULL;
	if (!layer || strcmp(layer, CMDLINE) != 0)
		layer = add_layer(p, CMDLINE);
	if (!layer) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!dir && strcmp(key, "allow") != 0) {
		snprintf(err, errlen, CMDLINE ": unknown key '%s'", key);
		return -EINVAL;
	}
	if (word[0] != '/') {
		snprintf(err, errlen, "--%s %s: expected an absolute %s", key, word,
		         dir ? "directory" : "path or pattern");
		return -EINVAL;
	}
	if (strlen(word) >= INIH_LINE - 16) {
		snprintf(err, errlen, "--%s: path too long", key);
		return -EINVAL;
	}
	/* the deny list wins over allow: saying otherwise takes a policy layer */
	const char *base = strrchr(word, '/') + 1;
	const struct rule_word *denied = dir ? NULL : policy_list_find(&p->deny_programs, base);
	if (denied) {
		snprintf(err, errlen, "--allow %s: %s is a denied program (%s:%d); a policy layer "
		         "can take it off the list ([programs] deny -= %s)", word, denied->word,
		         denied->rule.file, denied->rule.line, denied->word);
		return -EINVAL;
	}
	struct rule r = {.file = layer, .line = argi};
	if (snprintf(r.text, sizeof r.text, "--%s %s", key, word) >= (int)sizeof r.text)
		strcpy(r.text + sizeof r.text - 4, "...");
	if (list_add(dir ? &p->allow_dirs : &p->allow_programs, word, &r) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* The layers' names joined, for the log: "policy.ini (built in) + site.ini". */
static char *describe(const struct policy *p)
{
	size_t len = 1;
	for (size_t i = 0; i < p->n_layers; i++)
		len += strlen(p->layers[i]) + 3;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; i < p->n_layers; i++) {
		if (i)
			strcat(s, " + ");
		strcat(s, p->layers[i]);
	}
	return s;
}

int policy_finish(struct policy *p, char *err, size_t errlen)
{
	static const struct rule self = {"pysbx", 0, "self-protection (built in)"};
	if (!p->n_layers) {
		snprintf(err, errlen, "no policy given");
		return -EINVAL;
	}
	free(p->file);
	if (!(p->file = describe(p))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!p->fallback_rule.line)
		p->fallback_rule = (struct rule){p->layers[0], 0, "default = deny (built in)"};
	/* "not an allowed program" names the allow-dir list's first line */
	const struct rule_list *dirs = p->allow_dirs.n ? &p->allow_dirs : &p->allow_programs;
	p->outside_rule = (struct rule){p->layers[0], 0, "not under any allow-dir"};
	if (dirs->n) {
		p->outside_rule.file = dirs->v[0].rule.file;
		p->outside_rule.line = dirs->v[0].rule.line;
	} else if (p->allow_dirs.origin.line > 0) {  /* allow-dir = none */
		p->outside_rule.file = p->allow_dirs.origin.file;
		p->outside_rule.line = p->allow_dirs.origin.line;
	}
	/* functions no layer named fall back to [policy] default; the
	 * self-protection calls are always checked */
	for (size_t i = 0; i < funcs_count; i++)
		if (funcs[i].selfprot) {
			p->fn[i].action = ACT_CHECK;
			p->fn[i].rule = self;
		} else if (!p->fn[i].set) {
			p->fn[i].action = p->fallback;
			p->fn[i].rule = p->fallback_rule;
		}
	free(p->module_max);
	if (module_maxima(p) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	p->finished = true;
	return 0;
}

/* A whole policy from one source. */
static int policy_one(int (*add)(struct policy *, const void *, size_t, const char *, char *,
                                 size_t),
                      const void *src, size_t len, const char *name, struct policy **out,
                      char *err, size_t errlen)
{
	*out = NULL;
	if (errlen)
		err[0] = 0;
	struct policy *p = policy_new();
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	int rc = add(p, src, len, name, err, errlen);
	if (rc == 0)
		rc = policy_finish(p, err, errlen);
	if (rc < 0) {
		policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static int add_text(struct policy *p, const void *src, size_t len, const char *name, char *err,
                    size_t errlen)
{
	return policy_add_text(p, src, len, name, err, errlen);
}

static int add_file(struct policy *p, const void *src, size_t len, const char *name, char *err,
                    size_t errlen)
{
	(void)src;
	(void)len;
	return policy_add_file(p, name, err, errlen);
}

static int add_profile(struct policy *p, const void *src, size_t len, const char *name,
                       char *err, size_t errlen)
{
	(void)len;
	(void)name;
	return policy_add_profile(p, src, err, errlen);
}

int policy_parse(const char *text, size_t len, const char *file,
                 struct policy **out, char *err, size_t errlen)
{
	return policy_one(add_text, text, len, file, out, err, errlen);
}

int policy_load(const char *path, struct policy **out, char *err, size_t errlen)
{
	return policy_one(add_file, NULL, 0, path, out, err, errlen);
}

const char *policy_builtin_text(size_t *len)
{
	*len = (size_t)(policy_blob_end - policy_blob_begin);
	return policy_blob_begin;
}

int policy_builtin(struct policy **out, char *err, size_t errlen)
{
	return policy_one(add_profile, "default", 0, "default", out, err, errlen);
}

static void list_free(struct rule_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].word);
	free(l->v);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	list_free(&p->deny_programs);
	list_free(&p->shells);
	list_free(&p->allow_dirs);
	list_free(&p->allow_programs);
	list_free(&p->trust);
	list_free(&p->trust_sha256);
	list_free(&p->write_paths);
	list_free(&p->connect_paths);
	for (size_t i = 0; i < p->n_modules; i++) {
		free(p->modules[i].pattern);
		free(p->modules[i].fn);
	}
	free(p->modules);
	free(p->module_max);
	free(p->fn);
	free(p->file);
	for (size_t i = 0; i < p->n_layers; i++)
		free(p->layers[i]);
	free(p->layers);
	free(p);
}

const char *policy_action_name(enum action a)
{
	return (unsigned)a < ACT_COUNT ? action_names[a] : "?";
}

const struct fn_rule *policy_module_rule(const struct policy *p, const char *path, int fid,
                                         const struct module_rules **mod)
{
	for (size_t i = 0; path && i < p->n_modules; i++)
		if (p->modules[i].kind == MOD_PATTERN && p->modules[i].fn[fid].set &&
		    fnmatch(p->modules[i].pattern, path, 0) == 0) {
			if (mod)
				*mod = &p->modules[i];
			return &p->modules[i].fn[fid];
		}
	return NULL;
}

static bool word_fits(enum module_kind k, const struct module_subject *o)
{
	if (k == MOD_UNTRUSTED)
		return !o->trusted;
	return k == MOD_EXTENSIONS && o->path && !o->trusted && o->extension;
}

const struct fn_rule *policy_subject_rule(const struct policy *p, const struct module_subject *o,
                                          int fid, const struct module_rules **mod)
{
	const struct fn_rule *r = policy_module_rule(p, o->path, fid, mod);
	for (size_t i = 0; !r && i < p->n_modules; i++)
		if (p->modules[i].kind != MOD_PATTERN && p->modules[i].fn[fid].set &&
		    word_fits(p->modules[i].kind, o)) {
			if (mod)
				*mod = &p->modules[i];
			r = &p->modules[i].fn[fid];
		}
	return r;
}

bool policy_module_names(const struct policy *p, int fid)
{
	for (size_t i = 0; i < p->n_modules; i++)
		if (p->modules[i].fn[fid].set)
			return true;
	return false;
}

bool policy_module_tightens(const struct policy *p, int fid, enum action a)
{
	return p->module_max && policy_looser(a, p->module_max[fid]);
}

/* Strictness is the enum's order (policy.h): one definition, no table to
 * keep in step with it. */
bool policy_looser(enum action a, enum action b)
{
	return a < b;
}

const struct rule_word *policy_list_find(const struct rule_list *l, const char *word)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].word, word) == 0)
			return &l->v[i];
	return NULL;
}

/* --- the merged policy, printed (--print-policy) ---------------------------- */

/* key = val ; FILE:LINE -- the origin on a comment line of its own when the
 * line would be longer than the parser takes. */
static void put_line(FILE *out, const char *key, const char *val, const struct rule *r)
{
	char where[PATH_MAX + 32] = "";
	if (r && r->line > 0)
		snprintf(where, sizeof where, "%s:%d", r->file, r->line);
	if (!where[0])
		fprintf(out, "%s = %s\n", key, val);
	else if (strlen(key) + strlen(val) + strlen(where) + 6 < INIH_LINE)
		fprintf(out, "%s = %s ; %s\n", key, val, where);
	else
		fprintf(out, "; %s\n%s = %s\n", where, key, val);
}

/* A list, one line per run of words from one line of one layer. */
static void put_list(FILE *out, const char *key, const struct rule_list *l)
{
	char val[INIH_LINE];
	if (!l->n && l->origin.line > 0)
		put_line(out, key, "none", &l->origin);
	for (size_t i = 0; i < l->n;) {
		const struct rule *r = &l->v[i].rule;
		size_t len = 0;
		val[0] = 0;
		for (; i < l->n && l->v[i].rule.file == r->file && l->v[i].rule.line == r->line; i++) {
			size_t w = strlen(l->v[i].word);
			if (len && len + 1 + w > 120)
				break;
			len += (size_t)snprintf(val + len, sizeof val - len, "%s%s", len ? " " : "",
			                        l->v[i].word);
		}
		put_line(out, key, val, r);
	}
}

static size_t layer_index(const struct policy *p, const char *file)
{
	for (size_t i = 0; i < p->n_layers; i++)
		if (p->layers[i] == file)
			return i;
	return p->n_layers;
}

static const struct policy *sort_policy;

/* Functions in the order their layers and lines gave them. */
static int by_origin(const void *a, const void *b)
{
	const struct fn_rule *x = &sort_policy->fn[*(const size_t *)a];
	const struct fn_rule *y = &sort_policy->fn[*(const size_t *)b];
	size_t lx = layer_index(sort_policy, x->rule.file), ly = layer_index(sort_policy, y->rule.file);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	if (x->rule.line != y->rule.line)
		return x->rule.line < y->rule.line ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void put_functions(FILE *out, const struct policy *p, const struct fn_rule *fn)
{
	size_t *order = malloc(funcs_count * sizeof *order), n = 0;
	for (size_t i = 0; i < funcs_count; i++)
		if (fn[i].set && !funcs[i].selfprot) {
			if (order)
				order[n++] = i;
			else
				put_line(out, funcs[i].name, policy_action_name(fn[i].action), &fn[i].rule);
		}
	if (!order)
		return;
	sort_policy = p;
	qsort(order, n, sizeof *order, by_origin);
	for (size_t k = 0; k < n; k++)
		put_line(out, funcs[order[k]].name, policy_action_name(fn[order[k]].action),
		         &fn[order[k]].rule);
	free(order);
}

int policy_print(const struct policy *p, FILE *out)
{
	fputs("; The policy pysbx-trace enforces, merged from these layers (pysbx-policy(5)):\n",
	      out);
	for (size_t i = 0; i < p->n_layers; i++)
		fprintf(out, ";   %s\n", p->layers[i]);
	fputs("; Every key names the FILE:LINE it came from.  Given to pysbx-trace -c, this\n"
	      "; text is the same policy.\n\n[policy]\n", out);
	put_line(out, "default", policy_action_name(p->fallback), &p->fallback_rule);
	fputs("\n[functions]\n", out);
	put_functions(out, p, p->fn);
	fputs("\n[objects]\n", out);
	put_list(out, "trust", &p->trust);
	put_list(out, "trust-sha256", &p->trust_sha256);
	if (p->refuse_rule.line > 0) {
		char val[INIH_LINE] = "";
		size_t len = 0;
		for (size_t i = 0; i < sizeof refuse_names / sizeof refuse_names[0]; i++)
			if (p->refuse & refuse_names[i].flag)
				len += (size_t)snprintf(val + len, sizeof val - len, "%s%s", len ? " " : "",
				                        refuse_names[i].name);
		put_line(out, "refuse", len ? val : "none", &p->refuse_rule);
	}
	for (size_t i = 0; i < p->n_modules; i++) {
		const struct module_rules *m = &p->modules[i];
		if (m->rule.line > 0)
			fprintf(out, "\n; %s:%d\n", m->rule.file, m->rule.line);
		fprintf(out, "[module %s]\n", m->pattern);
		put_functions(out, p, m->fn);
	}
	fputs("\n[programs]\n", out);
	put_list(out, "deny", &p->deny_programs);
	put_list(out, "shell", &p->shells);
	put_list(out, "allow-dir", &p->allow_dirs);
	put_list(out, "allow", &p->allow_programs);
	if (p->interpreter_rule.line > 0)
		put_line(out, "interpreter", p->allow_interpreter ? "yes" : "no", &p->interpreter_rule);
	fputs("\n[files]\n", out);
	if (p->files_set)
		put_list(out, "write", &p->write_paths);
	put_list(out, "connect", &p->connect_paths);
	if (p->require_landlock_rule.line > 0)
		put_line(out, "require-landlock", p->require_landlock ? "yes" : "no",
		         &p->require_landlock_rule);
	return ferror(out) ? -EIO : 0;
}
