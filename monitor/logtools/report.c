/* report: a readable summary of an event log, or a Graphviz picture of its
 * process tree with the denials marked (--report [--format dot]). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/logtools/replay.h"

struct proc_rec {
	long pid, parent;
	char *program;        /* the last program it exec'd */
	char *exit;           /* "exit 0", "signal 9", or NULL while running */
	unsigned denials;
};

struct denial {
	long pid;
	size_t line;
	double time;
	char *text;           /* function(args) from object: reason [rule] */
	char *where;          /* job.py:4 in f, or NULL */
};

struct report {
	struct proc_rec *procs;
	size_t n_procs;
	struct denial *den;
	size_t n_den;
	char *command, *policy;
	bool audit;
	unsigned long objects[3];   /* trusted, isolated, refused */
	char **refused;             /* "path: reason" */
	size_t n_refused;
	long exit_code;
};

static struct proc_rec *proc_of(struct report *r, long pid)
{
	for (size_t i = 0; i < r->n_procs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	struct proc_rec *v = realloc(r->procs, (r->n_procs + 1) * sizeof *v);
	if (!v)
		return NULL;
	r->procs = v;
	struct proc_rec *p = &v[r->n_procs++];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	return p;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? strdup(s) : NULL;
}

static char *joined(const struct jval *arr)
{
	size_t cap = 256, n = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; arr && arr->type == J_ARR && i < arr->len && i < 8; i++) {
		const char *w = arr->items[i].type == J_STR ? arr->items[i].str : "?";
		size_t wl = strlen(w) > 60 ? 60 : strlen(w);
		if (n + wl + 2 >= cap) {
			char *t = realloc(s, cap = cap * 2 + wl);
			if (!t)
				break;
			s = t;
		}
		n += (size_t)snprintf(s + n, cap - n, "%s%.*s", i ? " " : "", (int)wl, w);
	}
	return s;
}

/* "function(args) from object: reason [rule]" from a call event. */
static char *describe(const struct jval *ev)
{
	char *args = NULL, *out = NULL;
	const struct jval *a = jsonr_get(ev, "args");
	size_t len = 0;
	FILE *m = open_memstream(&args, &len);
	for (size_t i = 0; m && a && a->type == J_ARR && i < a->len; i++) {
		const struct jval *v = &a->items[i];
		fputs(i ? ", " : "", m);
		if (v->type == J_STR)
			fprintf(m, "\"%.60s\"", v->str);
		else if (v->type == J_NUM)
			fprintf(m, "%.0f", v->num);
		else if (v->type == J_ARR) {
			char *j = joined(v);
			fprintf(m, "[%s]", j ? j : "");
			free(j);
		} else
			fputs("...", m);
	}
	if (m)
		fclose(m);
	const char *obj = jsonr_str(ev, "object");
	if (asprintf(&out, "%s(%s)%s%s: %s [%s]", jsonr_str(ev, "function"), args ? args : "",
	             obj ? " from " : "", obj ? obj : "", jsonr_str(ev, "reason") ?: "",
	             jsonr_str(ev, "rule") ?: "") < 0)
		out = NULL;
	free(args);
	return out;
}

static char *python_line(const struct jval *ev)
{
	const struct jval *py = jsonr_get(ev, "python_stack");
	char *s = NULL;
	if (!py || py->type != J_ARR || !py->len)
		return NULL;
	const struct jval *f = &py->items[0];
	if (asprintf(&s, "%s:%.0f in %s", jsonr_str(f, "file") ?: "?", jsonr_num(f, "line", -1),
	             jsonr_str(f, "function") ?: "?") < 0)
		s = NULL;
	return s;
}

static void on_call(struct report *r, const struct jval *ev, size_t line)
{
	const char *dec = jsonr_str(ev, "decision");
	if (!dec || !strcmp(dec, "allow"))
		return;
	struct denial *v = realloc(r->den, (r->n_den + 1) * sizeof *v);
	if (!v)
		return;
	r->den = v;
	struct denial *d = &v[r->n_den++];
	d->pid = (long)jsonr_num(ev, "pid", 0);
	d->line = line;
	d->time = jsonr_num(ev, "time", 0);
	d->text = describe(ev);
	d->where = python_line(ev);
	struct proc_rec *p = proc_of(r, d->pid);
	if (p)
		p->denials++;
}

static void on_object(struct report *r, const struct jval *ev)
{
	const char *v = jsonr_str(ev, "verdict");
	int k = !v ? 1 : !strcmp(v, "trusted") ? 0 : !strcmp(v, "refused") ? 2 : 1;
	r->objects[k]++;
	if (k != 2)
		return;
	char **list = realloc(r->refused, (r->n_refused + 1) * sizeof *list);
	if (!list)
		return;
	r->refused = list;
	if (asprintf(&list[r->n_refused], "%s: %s", jsonr_str(ev, "path") ?: "?",
	             jsonr_str(ev, "reason") ?: "") >= 0)
		r->n_refused++;
}

static int collect(void *ctx, const struct jval *ev, size_t line)
{
	struct report *r = ctx;
	const char *e = jsonr_str(ev, "event");
	long pid = (long)jsonr_num(ev, "pid", 0);
	struct proc_rec *p;
	if (!e)
		return 0;
	if (!strcmp(e, "start")) {
		free(r->command);
		r->command = joined(jsonr_get(ev, "argv"));
		set_str(&r->policy, jsonr_str(ev, "policy"));
		r->audit = jsonr_bool(ev, "audit", false);
		proc_of(r, pid);
	} else if ((!strcmp(e, "fork")) && (p = proc_of(r, pid)))
		p->parent = (long)jsonr_num(ev, "parent", 0);
	else if (!strcmp(e, "exec") && (p = proc_of(r, pid)))
		set_str(&p->program, jsonr_str(ev, "program"));
	else if (!strcmp(e, "exit") && (p = proc_of(r, pid))) {
		free(p->exit);
		if (asprintf(&p->exit, jsonr_get(ev, "signal") ? "signal %.0f" : "exit %.0f",
		             jsonr_num(ev, jsonr_get(ev, "signal") ? "signal" : "status", 0)) < 0)
			p->exit = NULL;
	} else if (!strcmp(e, "call"))
		on_call(r, ev, line);
	else if (!strcmp(e, "object"))
		on_object(r, ev);
	else if (!strcmp(e, "summary"))
		r->exit_code = (long)jsonr_num(ev, "exit_code", -1);
	return 0;
}

static void tree(FILE *out, const struct report *r, long parent, int depth)
{
	for (size_t i = 0; i < r->n_procs && depth < 64; i++) {
		const struct proc_rec *p = &r->procs[i];
		if (p->parent != parent || p->pid == parent)
			continue;
		fprintf(out, "  %*s%ld %s  [%s]%s\n", 2 * depth, "", p->pid,
		        p->program ? p->program : "(no exec)", p->exit ? p->exit : "running",
		        p->denials ? "  DENIALS" : "");
		tree(out, r, p->pid, depth + 1);
	}
}

static void text(FILE *out, const struct report *r, const char *path)
{
	fprintf(out, "pysbx report of %s\n", path);
	fprintf(out, "command: %s\npolicy: %s%s\nexit code: %ld\n\n", r->command ?: "?",
	        r->policy ?: "?", r->audit ? " (audit: nothing was denied)" : "", r->exit_code);
	fputs("processes:\n", out);
	tree(out, r, 0, 0);
	fprintf(out, "\n%s (%zu):\n", r->audit ? "would-be denials" : "denials", r->n_den);
	for (size_t i = 0; i < r->n_den; i++) {
		const struct denial *d = &r->den[i];
		time_t t = (time_t)d->time;
		char hms[16];
		strftime(hms, sizeof hms, "%H:%M:%S", localtime(&t));
		fprintf(out, "  %s.%03d pid %ld (line %zu) %s\n", hms,
		        (int)((d->time - (double)t) * 1000), d->pid, d->line, d->text ?: "?");
		if (d->where)
			fprintf(out, "      at %s\n", d->where);
	}
	fprintf(out, "\nobjects: %lu trusted, %lu isolated, %lu refused\n", r->objects[0],
	        r->objects[1], r->objects[2]);
	for (size_t i = 0; i < r->n_refused; i++)
		fprintf(out, "  refused %s\n", r->refused[i]);
}

#define NL "\001"  /* a line break in a label */

/* A DOT string: quotes and backslashes escaped, NL as \n, other control
 * bytes dropped. */
static void dot_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '\001') {
			fputs("\\n", out);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
	fputc('"', out);
}

static void dot(FILE *out, const struct report *r)
{
	fputs("digraph pysbx {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n", out);
	for (size_t i = 0; i < r->n_procs; i++) {
		const struct proc_rec *p = &r->procs[i];
		char label[600];
		snprintf(label, sizeof label, "%ld %s" NL "%s", p->pid, p->program ? p->program : "",
		         p->exit ? p->exit : "running");
		fprintf(out, "  p%ld [label=", p->pid);
		dot_str(out, label);
		fputs(p->denials ? ", color=red, penwidth=2];\n" : "];\n", out);
		if (p->parent)
			fprintf(out, "  p%ld -> p%ld;\n", p->parent, p->pid);
	}
	for (size_t i = 0; i < r->n_den; i++) {
		const struct denial *d = &r->den[i];
		char label[700];
		snprintf(label, sizeof label, "%s%s%s", d->text ? d->text : "", d->where ? NL "at " : "",
		         d->where ? d->where : "");
		fprintf(out, "  d%zu [shape=note, color=red, fontcolor=red, label=", i);
		dot_str(out, label);
		fprintf(out, "];\n  p%ld -> d%zu [color=red];\n", d->pid, i);
	}
	fputs("}\n", out);
}

static void release(struct report *r)
{
	for (size_t i = 0; i < r->n_procs; i++) {
		free(r->procs[i].program);
		free(r->procs[i].exit);
	}
	for (size_t i = 0; i < r->n_den; i++) {
		free(r->den[i].text);
		free(r->den[i].where);
	}
	for (size_t i = 0; i < r->n_refused; i++)
		free(r->refused[i]);
	free(r->refused);
	free(r->procs);
	free(r->den);
	free(r->command);
	free(r->policy);
}

int replay_report(const char *path, bool as_dot, FILE *out)
{
	struct report r = {.exit_code = -1};
	int rc = replay_each(path, collect, &r);
	if (rc < 0) {
		fprintf(stderr, "pysbx-trace: %s: %s\n", path, strerror(-rc));
		release(&r);
		return 125;
	}
	if (as_dot)
		dot(out, &r);
	else
		text(out, &r, path);
	release(&r);
	return 0;
}
