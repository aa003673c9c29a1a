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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/funcs.h"

#define POLICY_MAX_BYTES (1u << 20)
#define INIH_LINE 200   /* INI_MAX_LINE of the inih build; longer lines are refused */

struct parse {
	struct policy *p;
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
	snprintf(ps->err, ps->errlen, "%s:%d: %s", ps->p->file, line, msg);
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
	r->file = ps->p->file;
	r->line = ps->line;
	snprintf(r->text, sizeof r->text, "%s = %s", key, val);
}

static int parse_action(const char *v, enum action *a)
{
	static const char *const names[] = {"allow", "deny", "check", "kill"};
	for (int i = 0; i < 4; i++)
		if (strcmp(v, names[i]) == 0) {
			*a = (enum action)i;
			return 0;
		}
	return -1;
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

static void on_policy(struct parse *ps, const char *key, const char *val)
{
	enum action a;
	if (strcmp(key, "default") != 0) {
		fail(ps, ps->line, -EINVAL, "unknown key '%s' in [policy] (expected default)", key);
		return;
	}
	if (parse_action(val, &a) < 0 || a == ACT_CHECK) {
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
		fail(ps, ps->line, -EINVAL, "%s: expected allow, deny, check or kill, got '%s'",
		     key, val);
		return;
	}
	if (a == ACT_CHECK && funcs[i].check == CK_NONE) {
		fail(ps, ps->line, -EINVAL, "%s has no argument check: expected allow, deny or kill",
		     key);
		return;
	}
	if (fn[i].set) {
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
	snprintf(buf, sizeof buf, "%s", val);
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t i;
		for (i = 0; i < sizeof refuse_names / sizeof refuse_names[0]; i++)
			if (strcmp(w, refuse_names[i].name) == 0)
				break;
		if (i == sizeof refuse_names / sizeof refuse_names[0]) {
			fail(ps, ps->line, -EINVAL, "refuse: expected ifunc, execstack, syscall, "
			     "unknown-syscall, textrel or wx, got '%s'", w);
			return;
		}
		ps->p->refuse |= refuse_names[i].flag;
	}
	set_rule(&ps->p->refuse_rule, ps, key, val);
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
		list_add_words(ps, &p->trust, key, val, 0);
	else if (strcmp(key, "trust-sha256") == 0) {
		if (list_add_words(ps, &p->trust_sha256, key, val, 0) && !ps->failed)
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
		list_add_words(ps, &p->deny_programs, key, val, 0);
	else if (strcmp(key, "shell") == 0)
		list_add_words(ps, &p->shells, key, val, 0);
	else if (strcmp(key, "allow-dir") == 0)
		list_add_words(ps, &p->allow_dirs, key, val, 1);
	else if (strcmp(key, "allow") == 0)
		list_add_words(ps, &p->allow_programs, key, val, 1);
	else if (strcmp(key, "interpreter") == 0) {
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
		if (!list_add_words(ps, &p->write_paths, key, val, 0) || ps->failed)
			return;
		for (size_t i = first; i < p->write_paths.n; i++) {
			const char *w = p->write_paths.v[i].word;
			if (w[0] != '/' && !files_word(w))
				fail(ps, ps->line, -EINVAL, "write: expected an absolute path, cwd, "
				     "tmpdir or terminal, got '%s'", w);
		}
		p->files_set = true;
	} else if (strcmp(key, "require-landlock") == 0) {
		if (strcmp(val, "yes") && strcmp(val, "no"))
			fail(ps, ps->line, -EINVAL, "require-landlock: expected yes or no, got '%s'",
			     val);
		p->require_landlock = strcmp(val, "yes") == 0;
	} else
		fail(ps, ps->line, -EINVAL, "unknown key '%s' in [files] "
		     "(expected write or require-landlock)", key);
}

static int handler(void *user, const char *section, const char *key, const char *val)
{
	struct parse *ps = user;
	if (ps->failed)
		return 0;
	/* inih truncates long section names; the reader kept the whole one */
	if (*section && !strncmp(ps->section, section, strlen(section)))
		section = ps->section;
	if (!val || !*val) {
		fail(ps, ps->line, -EINVAL, "%s: expected a value after '='", key);
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
	return ps->failed ? 0 : 1;
}

static struct policy *policy_new(const char *file)
{
	struct policy *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->file = strdup(file);
	p->fn = calloc(funcs_count, sizeof *p->fn);
	if (!p->file || !p->fn) {
		policy_free(p);
		return NULL;
	}
	p->fallback = ACT_DENY;
	p->fallback_rule = (struct rule){p->file, 0, "default = deny (built in)"};
	p->outside_rule = (struct rule){p->file, 0, "not under any allow-dir"};
	return p;
}

/* Functions the policy does not name fall back to [policy] default; the
 * self-protection calls are always checked. */
static void apply_fallback(struct policy *p)
{
	static const struct rule self = {"pysbx", 0, "self-protection (built in)"};
	for (size_t i = 0; i < funcs_count; i++)
		if (funcs[i].selfprot) {
			p->fn[i].action = ACT_CHECK;
			p->fn[i].rule = self;
		} else if (!p->fn[i].set) {
			p->fn[i].action = p->fallback;
			p->fn[i].rule = p->fallback_rule;
		}
}

int policy_parse(const char *text, size_t len, const char *file,
                 struct policy **out, char *err, size_t errlen)
{
	struct parse ps = {.text = text, .at = text, .end = text + len, .err = err,
	                   .errlen = errlen};
	*out = NULL;
	if (errlen)
		err[0] = 0;
	ps.p = policy_new(file);
	if (!ps.p) {
		snprintf(err, errlen, "%s: out of memory", file);
		return -ENOMEM;
	}
	int rc = ini_parse_stream(reader, &ps, handler, &ps);
	if (!ps.failed && rc > 0)
		fail(&ps, rc, -EINVAL, "expected [section], key = value, or a comment");
	if (!ps.failed && rc < 0)
		fail(&ps, 0, -ENOMEM, "out of memory");
	if (ps.failed) {
		policy_free(ps.p);
		return ps.failed;
	}
	apply_fallback(ps.p);
	*out = ps.p;
	return 0;
}

int policy_load(const char *path, struct policy **out, char *err, size_t errlen)
{
	*out = NULL;
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
	rc = policy_parse(buf, (size_t)n, path, out, err, errlen);
out:
	free(buf);
	close(fd);
	return rc;
}

extern const char policy_blob_begin[], policy_blob_end[];

const char *policy_builtin_text(size_t *len)
{
	*len = (size_t)(policy_blob_end - policy_blob_begin);
	return policy_blob_begin;
}

int policy_builtin(struct policy **out, char *err, size_t errlen)
{
	size_t len;
	const char *text = policy_builtin_text(&len);
	return policy_parse(text, len, "policy.ini (built in)", out, err, errlen);
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
	for (size_t i = 0; i < p->n_modules; i++) {
		free(p->modules[i].pattern);
		free(p->modules[i].fn);
	}
	free(p->modules);
	free(p->fn);
	free(p->file);
	free(p);
}

const char *policy_action_name(enum action a)
{
	switch (a) {
	case ACT_ALLOW: return "allow";
	case ACT_DENY: return "deny";
	case ACT_CHECK: return "check";
	case ACT_KILL: return "kill";
	}
	return "?";
}

const struct fn_rule *policy_module_rule(const struct policy *p, const char *path, int fid,
                                         const struct module_rules **mod)
{
	for (size_t i = 0; path && i < p->n_modules; i++)
		if (p->modules[i].fn[fid].set && fnmatch(p->modules[i].pattern, path, 0) == 0) {
			if (mod)
				*mod = &p->modules[i];
			return &p->modules[i].fn[fid];
		}
	return NULL;
}

/* allow < check < deny < kill: the enum's order */
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
