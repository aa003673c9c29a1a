/* report_dot: the run as a Graphviz picture (--report --format dot).
 *
 *   title      the command, when, the policy, enforced or audit, the log's standing
 *   alert      a red box above everything when the log is altered, incomplete or
 *              was tampered with
 *   processes  the tree; red: calls of it were denied; orange and dashed: it ran a
 *              program the policy denies (an audit run let it)
 *   notes      one per attempt (report.h), red "denied" or orange dashed "would deny
 *              (ran)", with the Python line and how many denials it stands for
 *   legend     what the colours and shapes mean
 *
 * Labels are wrapped; every text in them was rendered by callfmt (no control
 * bytes), and is quoted here for DOT.
 */
#include <stdint.h>
#include <string.h>

#include "monitor/logtools/report.h"

#define WRAP 64          /* characters per label line */
#define ARGV_LINES 3     /* lines of a process's argv shown */

#define RED "#c00000"
#define ORANGE "#d96800"

/* Writes s[0..n) into a DOT string body: quotes and backslashes escaped. */
static void dot_bytes(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', out);
		fputc(s[i], out);
	}
}

/* s wrapped at wrap characters (at a space when there is one, never inside
 * a UTF-8 character), each line ended by eol ("\\l": left-justified);
 * at most max_lines lines, then "...". */
static void dot_wrapped_at(FILE *out, const char *s, const char *eol, int max_lines, size_t wrap)
{
	size_t n = strlen(s);
	int lines = 0;
	while (n) {
		size_t take = n, chars = 0, cut = 0, space = 0;
		for (size_t i = 0; i < n; i++) {
			if (((unsigned char)s[i] & 0xc0) != 0x80) {
				if (chars == wrap) {
					cut = i;
					break;
				}
				chars++;
			}
			if (s[i] == ' ' && chars > wrap / 2)
				space = i + 1;
		}
		if (cut)
			take = space ? space : cut;
		if (++lines > max_lines) {
			fputs("...", out);
			fputs(eol, out);
			return;
		}
		dot_bytes(out, s, take);
		fputs(eol, out);
		s += take;
		n -= take;
	}
}

static void dot_wrapped(FILE *out, const char *s, const char *eol, int max_lines)
{
	dot_wrapped_at(out, s, eol, max_lines, WRAP);
}

static void dot_text(FILE *out, const char *s)
{
	dot_bytes(out, s, strlen(s));
}

static void title(FILE *out, const struct report *r)
{
	char buf[768], when[64];
	report_date(r->start_time, when, sizeof when);
	fputs("  labelloc=t; labeljust=l; fontname=\"sans-serif\"; fontsize=16;\n  label=\"", out);
	dot_wrapped(out, "pysbx run: ", "", 1);
	dot_wrapped_at(out, r->command ? r->command : "?", "\\l", 3, 2 * WRAP);
	snprintf(buf, sizeof buf, "%s, policy %s", when, r->policy ? r->policy : "?");
	dot_wrapped_at(out, buf, "\\l", 2, 2 * WRAP);
	dot_wrapped_at(out, report_mode(r, buf, sizeof buf), "\\l", 2, 2 * WRAP);
	if (r->weaker) {
		dot_text(out, "weaker guarantees: ");
		dot_wrapped_at(out, r->weaker, "\\l", 3, 2 * WRAP);
	}
	snprintf(buf, sizeof buf, "exit code %ld", r->exit_code);
	dot_wrapped(out, r->have_summary ? buf : "exit code unknown (the log is incomplete)", "\\l",
	            1);
	dot_text(out, "log: ");
	dot_wrapped_at(out, logread_integrity(&r->lr, buf, sizeof buf), "\\l", 4, 2 * WRAP);
	fputs("\";\n", out);
}

/* A box above the picture that nobody can miss. */
static void alert(FILE *out, const struct report *r)
{
	char buf[768];
	bool any = logread_altered(&r->lr) || !r->lr.complete || r->lr.n_tamper;
	if (!any)
		return;
	fputs("  alert [shape=box, style=\"filled,bold\", penwidth=3, color=\"" RED "\", "
	      "fillcolor=\"#ffe0e0\", fontcolor=\"" RED "\", fontsize=18, label=\"", out);
	if (logread_altered(&r->lr)) {
		dot_text(out, "LOG ");
		dot_wrapped(out, logread_integrity(&r->lr, buf, sizeof buf), "\\l", 6);
	}
	if (logread_completeness(&r->lr, buf, sizeof buf)) {
		dot_text(out, "LOG ");
		dot_wrapped(out, buf, "\\l", 6);
	}
	for (size_t i = 0; i < r->lr.n_tamper && i < LOGREAD_TAMPER_MAX; i++)
		dot_wrapped(out, logread_tamper_text(&r->lr, i, buf, sizeof buf), "\\l", 6);
	fputs("\"];\n", out);
}

static void legend(FILE *out)
{
	fputs("  subgraph cluster_legend {\n"
	      "    label=\"legend\"; fontsize=12; color=\"#999999\"; style=rounded;\n"
	      "    node [fontsize=10];\n"
	      "    lg_p [label=\"process: pid, program,\\nargv, how it ended\"];\n"
	      "    lg_d [label=\"process with denied calls\", color=\"" RED "\", penwidth=2];\n"
	      "    lg_r [label=\"process that ran a program\\nthe policy denies (audit)\", "
	      "style=\"dashed,filled\", fillcolor=\"#ffe8cc\", color=\"" ORANGE "\", penwidth=2];\n"
	      "    lg_n [shape=note, color=\"" RED "\", fontcolor=\"" RED "\", "
	      "label=\"DENIED: an attempt\\nthe monitor stopped\"];\n"
	      "    lg_w [shape=note, style=dashed, color=\"" ORANGE "\", fontcolor=\"" ORANGE "\", "
	      "label=\"WOULD DENY (RAN): an attempt\\nthe policy denies, let run (audit)\"];\n"
	      "    lg_p -> lg_d -> lg_r -> lg_n -> lg_w [style=invis];\n"
	      "  }\n", out);
}

static void process(FILE *out, const struct report *r, const struct rproc *p)
{
	fprintf(out, "  p%zu [label=\"", p->first);
	char head[64];
	snprintf(head, sizeof head, "%ld ", p->pid);
	dot_text(out, head);
	dot_wrapped(out, p->program ? p->program : "(no exec)", "\\n", 2);
	if (p->argv)
		dot_wrapped(out, p->argv, "\\n", ARGV_LINES);
	dot_text(out, p->exit ? p->exit : r->lr.complete ? "no exit recorded"
	                                                 : "no exit: the log ends first");
	if (p->ran_denied)
		fputs("\\nran a program the policy denies", out);
	if (p->denied)
		fprintf(out, "\\n%u denied", p->denied);
	if (p->would)
		fprintf(out, "\\n%u would-be denial%s", p->would, p->would == 1 ? "" : "s");
	fputs("\"", out);
	if (p->ran_denied)
		fputs(", style=\"dashed,filled\", fillcolor=\"#ffe8cc\", color=\"" ORANGE "\", "
		      "penwidth=2", out);
	else if (p->denied)
		fputs(", color=\"" RED "\", penwidth=2", out);
	fputs("];\n", out);
	const struct rproc *pp = p->parent ? report_proc(r, p->parent) : NULL;
	if (pp && pp != p)
		fprintf(out, "  p%zu -> p%zu;\n", pp->first, p->first);
}

static void attempt(FILE *out, const struct report *r, size_t ai)
{
	const struct rattempt *a = &r->att[ai];
	const struct rdenial *d0 = &r->den[a->first];
	const struct rproc *p = report_proc(r, a->pid);
	bool ran = !a->enforced;
	fprintf(out, "  a%zu [shape=note, fontsize=11, color=\"%s\", fontcolor=\"%s\"%s, label=\"",
	        ai, ran ? ORANGE : RED, ran ? ORANGE : RED, ran ? ", style=dashed" : "");
	fprintf(out, "%s (attempt %zu, log line %zu)\\l", ran ? "WOULD DENY (RAN)" : "DENIED",
	        ai + 1, d0->line);
	dot_wrapped(out, d0->text, "\\l", 8);
	const struct rframe *py = a->py_from != SIZE_MAX ? r->den[a->py_from].py : a->ppy;
	size_t n_py = a->py_from != SIZE_MAX ? r->den[a->py_from].n_py : a->n_ppy;
	if (n_py) {
		dot_text(out, "at ");
		dot_wrapped(out, py[0].text, "\\l", 2);
		if (report_caller(py, n_py)) {
			dot_text(out, "called from ");
			dot_wrapped(out, report_caller(py, n_py), "\\l", 2);
		}
		if (a->py_from == SIZE_MAX)
			dot_wrapped(out, a->py_parent, "\\l", 2);
	}
	if (a->n > 1)
		fprintf(out, "+ %zu more denial%s of the same attempt\\l", a->n - 1,
		        a->n == 2 ? "" : "s");
	fputs("\"];\n", out);
	if (p)
		fprintf(out, "  p%zu -> a%zu [color=\"%s\"%s];\n", p->first, ai, ran ? ORANGE : RED,
		        ran ? ", style=dashed" : "");
}

void report_dot(FILE *out, const struct report *r)
{
	fputs("digraph pysbx {\n  rankdir=LR;\n"
	      "  node [shape=box, fontname=\"monospace\", fontsize=10];\n", out);
	title(out, r);
	alert(out, r);
	legend(out);
	for (size_t i = 0; i < r->n_procs; i++)
		process(out, r, &r->procs[i]);
	for (size_t i = 0; i < r->n_att; i++)
		attempt(out, r, i);
	fputs("}\n", out);
}
