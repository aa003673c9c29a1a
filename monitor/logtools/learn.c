/* learn: the tightest policy that allows what a recorded run did (--learn).
 *
 * Every call the run made (allowed, or recorded without enforcement in
 * --audit) is decided again from its recorded facts with the argument check
 * alone: a function whose calls all pass the check needs only "check", the
 * others "allow".  The [functions] rule of each function is the loosest any
 * call needed (a call allowed at a GOT slot goes on to the system-call layer,
 * which knows no objects); each calling object gets a [module PATH] section
 * with exactly what it needed, and a final [module *] denies every other
 * object the dangerous functions.  A function never called is denied, unless
 * the base policy lets some of its calls through without a stop (allow, or
 * check for signals to oneself and plain clones), which a log cannot show:
 * then the base rule is kept.  Programs are allowed by name, exactly the ones
 * the run executed, instead of by directory.  Comments say which log line
 * each rule came from: the output is for a person to review.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/decide.h"
#include "monitor/funcs.h"
#include "monitor/logtools/replay.h"

#define INI_LINE 199

struct use {
	int func;
	char *object;          /* NULL: the [functions] rule */
	unsigned long calls;
	size_t first;          /* log line */
	bool needs_allow;
};

struct program_use {
	char *path;
	size_t first;
};

struct learn {
	const struct policy *base;
	const char *path;
	struct use *uses;
	size_t n_uses;
	struct program_use *progs;
	size_t n_progs;
};

static struct use *use_of(struct learn *l, int func, const char *object)
{
	for (size_t i = 0; i < l->n_uses; i++)
		if (l->uses[i].func == func && ((!object && !l->uses[i].object) ||
		    (object && l->uses[i].object && !strcmp(object, l->uses[i].object))))
			return &l->uses[i];
	struct use *v = realloc(l->uses, (l->n_uses + 1) * sizeof *v);
	if (!v)
		return NULL;
	l->uses = v;
	struct use *u = &v[l->n_uses++];
	memset(u, 0, sizeof *u);
	u->func = func;
	u->object = object ? strdup(object) : NULL;
	return u;
}

static void add_program(struct learn *l, const char *path, size_t line)
{
	if (!path || path[0] != '/')
		return;
	for (size_t i = 0; i < l->n_progs; i++)
		if (!strcmp(l->progs[i].path, path))
			return;
	struct program_use *v = realloc(l->progs, (l->n_progs + 1) * sizeof *v);
	if (!v)
		return;
	l->progs = v;
	v[l->n_progs].path = strdup(path);
	v[l->n_progs++].first = line;
}

/* Programs a passing check resolved: the call's own, and every word a shell
 * command or sh -c resolved. */
static void note_programs(struct learn *l, const struct call *c, const struct facts *f,
                          size_t line)
{
	if (c->has_prog) {
		add_program(l, c->prog.resolved, line);
		add_program(l, c->prog.image, line);
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].kind == FACT_RESOLVE && f->v[i].answer == 0)
			add_program(l, f->v[i].resolved, line);
}

static int learn_one(void *ctx, const struct jval *ev, size_t line)
{
	struct learn *l = ctx;
	const char *event = jsonr_str(ev, "event"), *dec = jsonr_str(ev, "decision");
	struct call c;
	struct facts f;
	if (!event || strcmp(event, "call") || !dec)
		return 0;
	/* what happened: allowed calls, and everything a run did not enforce */
	if (strcmp(dec, "allow") && jsonr_bool(ev, "enforced", true))
		return 0;
	if (replay_call(ev, &c, &f) < 0)
		return 0;
	int fid = c.outer >= 0 ? c.outer : c.func;
	if (!funcs[fid].selfprot) {
		struct job_view v = facts_replayer(&f);
		struct decision d;
		decide_args(l->base, &c, &v, &d);
		bool passes = funcs[c.func].check != CK_NONE && d.verdict == V_ALLOW;
		/* every call counts for the [functions] rule; GOT calls also for
		 * their object's section */
		for (int pass = 0; pass < 2; pass++) {
			const char *obj = pass ? c.object : NULL;
			if (pass && (c.layer != LAYER_GOT || !obj))
				break;
			struct use *u = use_of(l, fid, obj);
			if (u) {
				if (!u->calls++)
					u->first = line;
				u->needs_allow |= !passes;
			}
		}
		if (passes)
			note_programs(l, &c, &f, line);
	}
	replay_release(&c, &f);
	return 0;
}

static const char *action_for(const struct use *u)
{
	return !u ? "deny" : u->needs_allow ? "allow" : "check";
}

static void rule_line(FILE *out, const struct learn *l, const char *name, const struct use *u)
{
	if (!u) {
		fprintf(out, "%s = deny\n", name);
		return;
	}
	fprintf(out, "%s = %s ; %lu call%s, first at %s:%zu\n", name, action_for(u), u->calls,
	        u->calls == 1 ? "" : "s", l->path, u->first);
}

/* key = w1 w2 ..., wrapped to fit INI lines. */
static void list_lines(FILE *out, const char *key, const struct rule_list *list)
{
	size_t col = 0;
	for (size_t i = 0; i < list->n; i++) {
		size_t w = strlen(list->v[i].word);
		if (col && col + 1 + w > INI_LINE) {
			fputc('\n', out);
			col = 0;
		}
		col += col ? (size_t)fprintf(out, " %s", list->v[i].word)
		           : (size_t)fprintf(out, "%s = %s", key, list->v[i].word);
	}
	if (col)
		fputc('\n', out);
}

/* A path as a pattern that fits an INI line: the tail, after a '*'. */
static void path_line(FILE *out, const char *fmt_key, const char *path, const char *comment)
{
	size_t room = INI_LINE - strlen(fmt_key) - 4 - strlen(comment);
	if (strlen(path) <= room)
		fprintf(out, "%s = %s%s\n", fmt_key, path, comment);
	else
		fprintf(out, "%s = *%s%s\n", fmt_key, path + strlen(path) - (room - 1), comment);
}

static const struct use *global_use(const struct learn *l, size_t fid)
{
	for (size_t k = 0; k < l->n_uses; k++)
		if (l->uses[k].func == (int)fid && !l->uses[k].object)
			return &l->uses[k];
	return NULL;
}

/* A function whose calls can pass without any stop under the base policy:
 * not seeing it in a log proves nothing. */
static bool unseen_possible(const struct policy *base, size_t fid)
{
	enum action a = base->fn[fid].action;
	return a == ACT_ALLOW || (a == ACT_CHECK && (funcs[fid].check == CK_CLONE ||
	                                             funcs[fid].check == CK_SIGNAL));
}

static void write_functions(FILE *out, const struct learn *l)
{
	fputs("[functions]\n", out);
	for (size_t i = 0; i < funcs_count; i++) {
		if (funcs[i].selfprot)
			continue;
		const struct use *u = global_use(l, i);
		if (!u && unseen_possible(l->base, i))
			fprintf(out, "%s = %s ; not seen, but calls may pass unseen: kept from %s:%d\n",
			        funcs[i].name, policy_action_name(l->base->fn[i].action), l->base->file,
			        l->base->fn[i].rule.line);
		else
			rule_line(out, l, funcs[i].name, u);
	}
}

/* Every other object: none of the functions its [functions] rule allows. */
static void write_catch_all(FILE *out)
{
	fputs("\n; every object not named above: no dangerous call at all\n[module *]\n", out);
	for (size_t i = 0; i < funcs_count; i++)
		if (funcs[i].libc && !funcs[i].selfprot)
			fprintf(out, "%s = deny\n", funcs[i].name);
}

static void write_modules(FILE *out, const struct learn *l)
{
	for (size_t k = 0; k < l->n_uses; k++) {
		const char *obj = l->uses[k].object;
		bool first = true;
		if (!obj)
			continue;
		for (size_t j = 0; j < k; j++)
			if (l->uses[j].object && !strcmp(l->uses[j].object, obj))
				first = false;
		if (!first)
			continue;  /* its section is written already */
		fputc('\n', out);
		if (strlen(obj) + 9 > INI_LINE)
			fprintf(out, "[module *%s]\n", obj + strlen(obj) - (INI_LINE - 10));
		else
			fprintf(out, "[module %s]\n", obj);
		for (size_t j = k; j < l->n_uses; j++)
			if (l->uses[j].object && !strcmp(l->uses[j].object, obj))
				rule_line(out, l, funcs[l->uses[j].func].name, &l->uses[j]);
	}
}

static void write_policy(FILE *out, const struct learn *l)
{
	const struct policy *b = l->base;
	char when[64];
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(out, "; Learned by pysbx-trace --learn from %s on %s,\n", l->path, when);
	fprintf(out, "; starting from %s.  The tightest policy that allows what the\n", b->file);
	fputs("; recorded run did: review it before use.\n\n[policy]\ndefault = deny\n\n", out);
	write_functions(out, l);
	fputs("\n[objects]\n", out);
	list_lines(out, "trust", &b->trust);
	list_lines(out, "trust-sha256", &b->trust_sha256);
	if (b->refuse_rule.line)
		fprintf(out, "%s\n", b->refuse_rule.text);
	write_modules(out, l);
	write_catch_all(out);
	fputs("\n[programs]\n", out);
	list_lines(out, "deny", &b->deny_programs);
	list_lines(out, "shell", &b->shells);
	fprintf(out, "interpreter = %s\n", b->allow_interpreter ? "yes" : "no");
	fputs("; the programs the run executed, instead of whole directories\n", out);
	for (size_t i = 0; i < l->n_progs; i++) {
		char comment[64];
		snprintf(comment, sizeof comment, " ; log line %zu", l->progs[i].first);
		path_line(out, "allow", l->progs[i].path, comment);
	}
}

int replay_learn(const char *path, const struct policy *base, FILE *out)
{
	struct learn l = {.base = base, .path = path};
	int rc = replay_each(path, learn_one, &l);
	if (rc < 0) {
		fprintf(stderr, "pysbx-trace: %s: %s\n", path, strerror(-rc));
		return 125;
	}
	write_policy(out, &l);
	for (size_t i = 0; i < l.n_uses; i++)
		free(l.uses[i].object);
	for (size_t i = 0; i < l.n_progs; i++)
		free(l.progs[i].path);
	free(l.uses);
	free(l.progs);
	return 0;
}
