/* replay: rebuilding recorded calls, deciding them again, --check-log (see
 * replay.h). */
#include "monitor/logtools/replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/callfmt.h"
#include "monitor/decide.h"
#include "monitor/funcs.h"

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A number from a log as an integer of the given range, or the fallback: a
 * hostile log's 1e300 must not reach a conversion that overflows. */
static double clamp_num(const struct jval *v, double lo, double hi, double fallback)
{
	if (!v || v->type != J_NUM || !(v->num >= lo && v->num <= hi))
		return fallback;
	return v->num;
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
	if (v->type == J_OBJ && jsonr_get(v, "error")) {  /* {"error": ..., "raw": ...} */
		const char *e = jsonr_str(v, "error"), *raw = jsonr_str(v, "raw");
		a->err = e && strstr(e, "long") ? -ENAMETOOLONG : -EFAULT;
		a->raw = raw ? strtoull(raw, NULL, 0) : 0;
		return;
	}
	if (v->type == J_STR && (fmt == 'c' || fmt == 'P' || fmt == 's')) {
		a->str = strdup(v->str);
		if (!a->str)
			a->err = -ENOMEM;
	} else if (v->type == J_ARR) {
		a->vec = calloc(v->len + 1, sizeof *a->vec);
		for (size_t i = 0; a->vec && i < v->len; i++)
			a->vec[a->n++] = dup(v->items[i].type == J_STR ? v->items[i].str : "");
	} else if (v->type == J_STR) {  /* "0x..." */
		a->raw = strtoull(v->str, NULL, 0);
		a->num = (int64_t)a->raw;
	} else if (v->type == J_NUM) {
		a->num = (int64_t)clamp_num(v, -9.2e18, 9.2e18, 0);
		a->raw = (uint64_t)a->num;
	} else if (v->type == J_OBJ) {  /* T: {"modes": N} */
		a->num = (int64_t)clamp_num(jsonr_get(v, "modes"), 0, 9.2e18, 0);
	}
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
	/* known_as points into the facts' storage when replayed (replay_call) */
	c->prog.known_as = NULL;
	const struct func *f = &funcs[c->func];
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

/* Recorded facts whose numbers fit what facts.c converts them to; a hostile
 * log's are dropped (the re-decision is then marked uncertain). */
static const struct jval *sane_facts(const struct jval *arr)
{
	static const char *const keys[] = {"a", "b", "answer"};
	if (!arr || arr->type != J_ARR)
		return NULL;
	for (size_t i = 0; i < arr->len; i++) {
		const struct jval *o = &arr->items[i];
		for (size_t k = 0; k < 3; k++) {
			const struct jval *v = jsonr_get(o, keys[k]);
			if (v && clamp_num(v, -2147483648.0, 2147483647.0, 1e300) == 1e300)
				return NULL;
		}
		const struct jval *lo = jsonr_get(o, "lo"), *hi = jsonr_get(o, "hi");
		if ((lo && clamp_num(lo, 0, 1.8e19, -1) < 0) || (hi && clamp_num(hi, 0, 1.8e19, -1) < 0))
			return NULL;
	}
	return arr;
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
	c->pid = (pid_t)clamp_num(jsonr_get(ev, "pid"), -2147483648.0, 2147483647.0, 0);
	c->tid = (pid_t)clamp_num(jsonr_get(ev, "tid"), -2147483648.0, 2147483647.0, c->pid);
	c->object = jsonr_str(ev, "object");
	c->object_trusted = jsonr_bool(ev, "object_trusted", false);
	const struct func *fu = &funcs[c->func];
	bool raw = c->layer == LAYER_SYSCALL || c->outer >= 0;
	const char *fmt = raw && fu->sysfmt ? fu->sysfmt : fu->fmt;
	const struct jval *args = jsonr_get(ev, "args");
	size_t logged = args && args->type == J_ARR ? args->len : 0;
	for (size_t i = 0; fmt[i] && i < CALL_MAX_ARGS && i < logged; i++) {
		arg_from(&c->a[c->nargs++], fmt[i], &args->items[i]);
		if (fmt[i] == 'l')
			break;
	}
	const struct jval *p = jsonr_get(ev, "program");
	program_from(c, p);
	facts_from_json(f, sane_facts(jsonr_get(ev, "facts")));
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
	f->missing = false;
	decide_call(p, c, &v, d);
	*uncertain = f->missing;
}

/* The logged rule is "FILE:LINE", or only the file for built-in checks,
 * which stderr does not show. */
static const char *shown_rule(const char *rule)
{
	const char *colon = rule ? strrchr(rule, ':') : NULL;
	if (!colon || !colon[1])
		return NULL;
	for (const char *s = colon + 1; *s; s++)
		if (*s < '0' || *s > '9')
			return NULL;
	return rule;
}

/* A system call off pysbx's allow-list (a "syscall" event): no policy rule
 * decided it, so it has a name and a number, not a call to rebuild. */
static void render_unlisted(struct jw *b, const struct jval *ev, const char *what)
{
	const char *name = jsonr_str(ev, "name"), *why = jsonr_str(ev, "why");
	char tmp[96];
	if (what) {
		callfmt_text(b, what, strlen(what));
		jw_raw(b, " ", 1);
	}
	callfmt_text(b, name ? name : "?", strlen(name ? name : "?"));
	snprintf(tmp, sizeof tmp, " system call (nr %.0f) (pid %d)",
	         clamp_num(jsonr_get(ev, "nr"), -1e9, 1e9, -1),
	         (int)clamp_num(jsonr_get(ev, "pid"), -2147483648.0, 2147483647.0, 0));
	jw_raw(b, tmp, strlen(tmp));
	if (why) {
		jw_raw(b, ": ", 2);
		callfmt_text(b, why, strlen(why));
	}
}

void replay_render(struct jw *b, const struct jval *ev, const char *what, bool py)
{
	if (!strcmp(jsonr_str(ev, "event") ? jsonr_str(ev, "event") : "", "syscall")) {
		render_unlisted(b, ev, what);
		return;
	}
	struct call c;
	struct facts f;
	struct callfmt_outcome o = {.what = what, .why = jsonr_str(ev, "reason"),
	                            .rule = shown_rule(jsonr_str(ev, "rule"))};
	const struct jval *stack = jsonr_get(ev, "python_stack");
	if (py && stack && stack->type == J_ARR && stack->len && stack->items[0].type == J_OBJ) {
		o.py_file = jsonr_str(&stack->items[0], "file");
		o.py_line = (int)clamp_num(jsonr_get(&stack->items[0], "line"), -1, 2147483647.0, -1);
		o.py_func = jsonr_str(&stack->items[0], "function");
		if (!o.py_file)
			o.py_file = "?";
	}
	if (replay_call(ev, &c, &f) == 0) {
		callfmt_line(b, &c, &o);
		replay_release(&c, &f);
		return;
	}
	/* a function this pysbx does not know: its name and what it was told */
	const char *fn = jsonr_str(ev, "function");
	struct call blank = {.outer = -1, .func = -1, .layer = LAYER_GOT,
	                     .pid = (pid_t)clamp_num(jsonr_get(ev, "pid"), -2147483648.0,
	                                             2147483647.0, 0),
	                     .object = jsonr_str(ev, "object")};
	jw_raw(b, "unknown function ", 17);
	callfmt_str(b, fn ? fn : "?");
	jw_raw(b, ": ", 2);
	callfmt_line(b, &blank, &o);
}

const char *replay_name(const char *path)
{
	static char name[1024];
	struct jw b;
	jw_init(&b);
	callfmt_text(&b, path, strlen(path));
	snprintf(name, sizeof name, "%s", b.failed || !b.buf ? "?" : b.buf);
	jw_free(&b);
	return name;
}

/* --- --check-log ------------------------------------------------------------ */

struct check {
	const struct policy *p;
	FILE *out;                 /* the changes, printed after the log's standing */
	const char *name;
	unsigned long calls, newly_denied, newly_allowed, unknown;
};

static int check_one(void *ctx, const struct jval *ev, size_t line)
{
	struct check *k = ctx;
	struct call c;
	struct facts f;
	struct decision d;
	bool uncertain;
	if (strcmp(jsonr_str(ev, "event"), "call"))
		return 0;
	if (replay_call(ev, &c, &f) < 0) {
		k->unknown++;
		return 0;
	}
	k->calls++;
	replay_decide(k->p, &c, &f, &d, &uncertain);
	bool was_allowed = !strcmp(jsonr_str(ev, "decision"), "allow");
	bool now_allowed = d.verdict == V_ALLOW;
	if (was_allowed != now_allowed) {
		char rule[512] = "";
		struct callfmt_outcome o = {.what = now_allowed ? "newly allowed:" : "newly denied:",
		                            .why = d.why, .rule = rule};
		struct jw b;
		if (d.rule && d.rule->line)
			snprintf(rule, sizeof rule, "%s:%d", d.rule->file, d.rule->line);
		if (now_allowed)
			k->newly_allowed++;
		else
			k->newly_denied++;
		jw_init(&b);
		callfmt_line(&b, &c, &o);
		fprintf(k->out, "%s:%zu: %s%s\n", k->name, line, b.failed ? "?" : b.buf,
		        uncertain ? " (uncertain: the run did not record everything this policy asks)"
		                  : "");
		jw_free(&b);
	}
	replay_release(&c, &f);
	return 0;
}

int replay_check(const char *path, const struct policy *p, FILE *out)
{
	char *body = NULL, buf[768], name[1024];
	size_t len = 0;
	struct logread lr;
	struct check k = {.p = p, .name = name};
	snprintf(name, sizeof name, "%s", replay_name(path));
	/* the changes wait until the log's standing is known: it goes first */
	k.out = open_memstream(&body, &len);
	if (!k.out) {
		fprintf(stderr, "pysbx-trace: out of memory\n");
		return REPLAY_UNREADABLE;
	}
	int rc = logread_file(path, check_one, &k, &lr);
	fclose(k.out);
	if (rc < 0) {
		free(body);
		logread_free(&lr);
		return REPLAY_UNREADABLE;
	}
	logread_warn(&lr);
	bool untrusted = logread_altered(&lr) || !lr.complete;
	if (logread_altered(&lr))
		fprintf(out, "%s: %s\n", k.name, logread_integrity(&lr, buf, sizeof buf));
	if (logread_completeness(&lr, buf, sizeof buf))
		fprintf(out, "%s: %s\n", k.name, buf);
	for (size_t i = 0; i < lr.n_tamper && i < LOGREAD_TAMPER_MAX; i++)
		fprintf(out, "%s: %s\n", k.name, logread_tamper_text(&lr, i, buf, sizeof buf));
	fwrite(body, 1, len, out);
	free(body);
	fprintf(out, "%lu calls checked against %s: %lu newly denied, %lu newly allowed", k.calls,
	        replay_name(p->file), k.newly_denied, k.newly_allowed);
	if (k.unknown)
		fprintf(out, " (%lu calls of functions this pysbx does not know not checked)",
		        k.unknown);
	fprintf(out, "; log %s\n", logread_standing(&lr));
	logread_free(&lr);
	if (untrusted)
		return REPLAY_UNTRUSTED;
	return k.newly_denied || k.newly_allowed ? 1 : 0;
}
