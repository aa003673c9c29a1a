/* replay: reading event logs and deciding their calls again (see replay.h). */
#include "monitor/logtools/replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/decide.h"
#include "monitor/funcs.h"

#define LINE_MAX_BYTES (64u << 20)

int replay_each(const char *path, int (*fn)(void *ctx, const struct jval *ev, size_t line),
                void *ctx)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, no = 0;
	ssize_t n;
	int rc = 0;
	if (!f)
		return -errno;
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		struct jval ev;
		size_t col;
		const char *why;
		no++;
		if ((size_t)n > LINE_MAX_BYTES) {
			fprintf(stderr, "pysbx-trace: %s:%zu: line too long, skipped\n", path, no);
			continue;
		}
		if (jsonr_parse(line, (size_t)n, &ev, &col, &why) < 0) {
			fprintf(stderr, "pysbx-trace: %s:%zu:%zu: %s, line skipped\n", path, no, col, why);
			continue;
		}
		rc = fn(ctx, &ev, no);
		jsonr_free(&ev);
	}
	free(line);
	fclose(f);
	return rc;
}

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* One argument back from its logged form. */
static void arg_from(struct call_arg *a, char fmt, const struct jval *v)
{
	memset(a, 0, sizeof *a);
	a->fmt = fmt;
	if (!v) {
		a->err = -EFAULT;
		return;
	}
	if (v->type == J_OBJ) {  /* {"error": ..., "raw": ...}: unreadable */
		a->err = strstr(jsonr_str(v, "error") ? jsonr_str(v, "error") : "", "long")
		       ? -ENAMETOOLONG : -EFAULT;
		return;
	}
	if (v->type == J_STR && (fmt == 'c' || fmt == 'P' || fmt == 's')) {
		a->str = strdup(v->str);
	} else if (v->type == J_ARR) {
		a->vec = calloc(v->len + 1, sizeof *a->vec);
		for (size_t i = 0; a->vec && i < v->len; i++)
			a->vec[a->n++] = dup(v->items[i].type == J_STR ? v->items[i].str : "");
	} else if (v->type == J_STR) {  /* "0x..." */
		a->raw = strtoull(v->str, NULL, 0);
		a->num = (int64_t)a->raw;
	} else if (v->type == J_NUM) {
		a->num = (int64_t)v->num;
		a->raw = (uint64_t)a->num;
	} else if (v->type == J_OBJ) {
		a->num = (int64_t)jsonr_num(v, "modes", 0);
	}
	if (fmt == 'T' && v->type == J_OBJ)
		a->num = (int64_t)jsonr_num(v, "modes", 0);
}

static void program_from(struct call *c, const struct jval *p)
{
	if (!p || p->type != J_OBJ)
		return;
	c->has_prog = true;
	c->prog.given = dup(jsonr_str(p, "given"));
	c->prog.resolved = dup(jsonr_str(p, "resolved"));
	c->prog.image = dup(jsonr_str(p, "image"));
	c->prog.interpreter = jsonr_bool(p, "interpreter", false);
	c->prog.fresh = jsonr_bool(p, "fresh", false);
	/* known_as points into the facts' storage when replayed; keep a copy here */
	c->prog.known_as = NULL;
	const int fid = c->func;
	const struct func *f = &funcs[fid];
	if (f->argv_arg >= 0 && (size_t)f->argv_arg < c->nargs) {
		c->prog.argv = c->a[f->argv_arg].vec;
		c->prog.argc = c->a[f->argv_arg].n;
	}
}

static enum layer layer_of(const char *s)
{
	return s && !strcmp(s, "syscall") ? LAYER_SYSCALL : s && !strcmp(s, "exec") ? LAYER_EXEC
	                                                                           : LAYER_GOT;
}

int replay_call(const struct jval *ev, struct call *c, struct facts *f)
{
	const char *fn = jsonr_str(ev, "function"), *via = jsonr_str(ev, "via");
	memset(c, 0, sizeof *c);
	memset(f, 0, sizeof *f);
	c->outer = -1;
	c->func = fn ? funcs_by_name(fn) : -1;
	if (c->func < 0)
		return -EINVAL;
	if (via && !strcmp(via, "dlsym"))
		c->handed_out = true;
	else if (via)
		c->outer = funcs_by_name(via);
	c->layer = layer_of(jsonr_str(ev, "layer"));
	c->pid = (pid_t)jsonr_num(ev, "pid", 0);
	c->tid = (pid_t)jsonr_num(ev, "tid", c->pid);
	c->object = jsonr_str(ev, "object");
	c->object_trusted = jsonr_bool(ev, "object_trusted", false);
	const struct func *fu = &funcs[c->func];
	bool raw = c->layer == LAYER_SYSCALL || c->outer >= 0;
	const char *fmt = raw && fu->sysfmt ? fu->sysfmt : fu->fmt;
	const struct jval *args = jsonr_get(ev, "args");
	size_t logged = args && args->type == J_ARR ? args->len : 0;
	for (size_t i = 0; fmt[i] && i < CALL_MAX_ARGS && i < logged; i++) {
		const struct jval *v = &args->items[i];
		arg_from(&c->a[c->nargs++], fmt[i], v);
		if (fmt[i] == 'l')
			break;
	}
	program_from(c, jsonr_get(ev, "program"));
	const struct jval *p = jsonr_get(ev, "program");
	facts_from_json(f, jsonr_get(ev, "facts"));
	if (c->has_prog && jsonr_str(p, "known_as"))
		c->prog.known_as = f->known_as = strdup(jsonr_str(p, "known_as"));
	return 0;
}

void replay_release(struct call *c, struct facts *f)
{
	call_release(c);
	facts_free(f);
}

void replay_decide(const struct policy *p, struct call *c, struct facts *f,
                   struct decision *d, bool *uncertain)
{
	struct job_view v = facts_replayer(f);
	decide_call(p, c, &v, d);
	*uncertain = f->missing;
}

/* --- --check-log ------------------------------------------------------------ */

struct check {
	const struct policy *p;
	FILE *out;
	const char *path;
	unsigned long calls, newly_denied, newly_allowed;
};

static const char *recorded_name(const char *d)
{
	return d ? d : "?";
}

static void print_call(FILE *out, const struct call *c)
{
	fprintf(out, "%s(", funcs[c->outer >= 0 ? c->outer : c->func].name);
	for (size_t i = 0; i < c->nargs; i++) {
		const struct call_arg *a = &c->a[i];
		if (i)
			fputs(", ", out);
		if (a->err)
			fputs("<unreadable>", out);
		else if (a->str)
			fprintf(out, "\"%.80s%s\"", a->str, strlen(a->str) > 80 ? "..." : "");
		else if (a->vec)
			fprintf(out, "[%zu strings: %.40s...]", a->n, a->n ? a->vec[0] : "");
		else
			fprintf(out, "%lld", (long long)a->num);
	}
	fputc(')', out);
}

static int check_one(void *ctx, const struct jval *ev, size_t line)
{
	struct check *k = ctx;
	const char *event = jsonr_str(ev, "event");
	struct call c;
	struct facts f;
	struct decision d;
	bool uncertain;
	if (!event || strcmp(event, "call") || replay_call(ev, &c, &f) < 0)
		return 0;
	k->calls++;
	replay_decide(k->p, &c, &f, &d, &uncertain);
	const char *was = recorded_name(jsonr_str(ev, "decision"));
	bool was_allowed = !strcmp(was, "allow"), now_allowed = d.verdict == V_ALLOW;
	if (was_allowed != now_allowed) {
		if (now_allowed)
			k->newly_allowed++;
		else
			k->newly_denied++;
		fprintf(k->out, "%s:%zu: newly %s: ", k->path, line, now_allowed ? "allowed" : "denied");
		print_call(k->out, &c);
		fprintf(k->out, " from %s (pid %d): %s", c.object ? c.object : jsonr_str(ev, "layer"),
		        (int)c.pid, d.why);
		if (d.rule && d.rule->line)
			fprintf(k->out, " [%s:%d]", d.rule->file, d.rule->line);
		if (uncertain)
			fputs(" (uncertain: the run did not record everything this policy asks)", k->out);
		fputc('\n', k->out);
	}
	replay_release(&c, &f);
	return 0;
}

int replay_check(const char *path, const struct policy *p, FILE *out)
{
	struct check k = {p, out, path, 0, 0, 0};
	int rc = replay_each(path, check_one, &k);
	if (rc < 0) {
		fprintf(stderr, "pysbx-trace: %s: %s\n", path, strerror(-rc));
		return 125;
	}
	fprintf(out, "%lu calls checked against %s: %lu newly denied, %lu newly allowed\n", k.calls,
	        p->file, k.newly_denied, k.newly_allowed);
	return k.newly_denied || k.newly_allowed ? 1 : 0;
}
