/* report_html: the run as one self-contained HTML page, to hand on
 * (--report --format html).
 *
 * One file: the style is inline, the process tree is an inline SVG drawn
 * here, there is no script, and a Content-Security-Policy forbids the page
 * every fetch, so it shows the same offline, in a mail client or in an
 * archive, and nothing in it can reach the network.  Every text came from
 * callfmt (no control bytes, valid UTF-8) and is escaped here for HTML.
 *
 * Sections: the log's standing (altered, incomplete, tampering: red boxes at
 * the top), the run's header, the process tree picture, the denials grouped
 * by attempt with their Python and native stacks, the objects loaded with
 * their verdicts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/logtools/report.h"

#define SVG_ROW 34        /* pixels per process */
#define SVG_INDENT 26     /* pixels per level */
#define SVG_CHAR 7.3      /* width of a character of the 12 px monospace font */
#define SVG_LABEL_MAX 80  /* characters of a process label */
#define DEPTH_SHOWN 32    /* levels indented; deeper ones stay at this one */

static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

/* Characters (not bytes) in s. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* At most max characters of s, escaped; "..." when cut. */
static void esc_cut(FILE *out, const char *s, size_t max)
{
	size_t n = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80 && n++ == max) {
			fputs("...", out);
			return;
		}
		char one[2] = {*s, 0};
		esc(out, one);
	}
}

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em auto;max-width:78em;padding:0 1em;color:#222}"
	"h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}"
	"code,.mono{font-family:monospace;font-size:0.92em;word-break:break-all}"
	".alert{border:3px solid #c00000;background:#ffe0e0;color:#900000;font-weight:bold;"
	"padding:.7em 1em;margin:.6em 0;font-size:1.1em}"
	".ok{border:1px solid #3a7d3a;background:#e8f5e8;padding:.4em 1em}"
	".note{border:1px solid #999;background:#f4f4f4;padding:.4em 1em}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;"
	"text-align:left;vertical-align:top}th{background:#f0f0f0}"
	".head th{width:9em}.audit{color:#a04c00;font-weight:bold}"
	".enforced{color:#1a1a8a;font-weight:bold}"
	".attempt{border-left:6px solid #c00000;padding:.2em 1em;margin:1em 0;background:#fff6f6}"
	".attempt.ran{border-left:6px dashed #d96800;background:#fff8ee}"
	".attempt h3{font-size:1em;margin:.4em 0}.tag{font-weight:bold;padding:0 .4em}"
	".denied .tag{color:#fff;background:#c00000}.ran .tag{color:#fff;background:#d96800}"
	".py{color:#1a5c1a}details{margin:.3em 0}summary{cursor:pointer;color:#444}"
	"ol.stack{margin:.2em 0;font-family:monospace;font-size:.9em}"
	".v-refused{color:#c00000;font-weight:bold}.v-isolated{color:#a04c00}"
	".v-trusted{color:#3a7d3a}footer{margin-top:2em;color:#777;font-size:.85em}";

static void standing(FILE *out, const struct report *r)
{
	char buf[768];
	if (logread_altered(&r->lr)) {
		fputs("<div class=\"alert\" id=\"altered\">LOG ", out);
		esc(out, logread_integrity(&r->lr, buf, sizeof buf));
		fputs("</div>\n", out);
	}
	if (logread_completeness(&r->lr, buf, sizeof buf)) {
		fputs("<div class=\"alert\" id=\"incomplete\">LOG ", out);
		esc(out, buf);
		fputs("</div>\n", out);
	}
	for (size_t i = 0; i < r->lr.n_tamper && i < LOGREAD_TAMPER_MAX; i++) {
		fputs("<div class=\"alert tamper\">", out);
		esc(out, logread_tamper_text(&r->lr, i, buf, sizeof buf));
		fputs("</div>\n", out);
	}
	if (!logread_altered(&r->lr)) {
		fprintf(out, "<div class=\"%s\" id=\"integrity\">Log: ", r->lr.chained ? "ok" : "note");
		esc(out, logread_integrity(&r->lr, buf, sizeof buf));
		fputs("</div>\n", out);
	}
}

static void row(FILE *out, const char *key, const char *value, const char *cls)
{
	fprintf(out, "<tr><th>%s</th><td%s%s%s>", key, cls ? " class=\"" : "", cls ? cls : "",
	        cls ? "\"" : "");
	esc(out, value);
	fputs("</td></tr>\n", out);
}

static void header(FILE *out, const struct report *r)
{
	char buf[512], t0[64], t1[64];
	fputs("<table class=\"head\">\n", out);
	row(out, "log", r->name, "mono");
	row(out, "command", r->command ? r->command : "?", "mono");
	row(out, "policy", r->policy ? r->policy : "?", "mono");
	row(out, "mode", report_mode(r, buf, sizeof buf), r->audit ? "audit" : "enforced");
	if (r->weaker)
		row(out, "weaker guarantees", r->weaker, NULL);
	report_date(r->start_time, t0, sizeof t0);
	report_hms(r->end_time, t1, sizeof t1);
	snprintf(buf, sizeof buf, "%s; %s %s", t0, r->have_summary ? "ended" : "last event", t1);
	row(out, "time", buf, NULL);
	snprintf(buf, sizeof buf, "%ld", r->exit_code);
	row(out, "exit code", r->have_summary ? buf : "unknown: the log is incomplete", NULL);
	snprintf(buf, sizeof buf, "%lu decided, %lu denied, %lu would have been denied; %zu "
	         "processes", r->calls, r->denied, r->would_deny, r->n_procs);
	row(out, "calls", buf, NULL);
	fputs("</table>\n", out);
}

/* --- the process tree as SVG ---------------------------------------------------- */

static void label_of(const struct report *r, const struct rproc *p, char *buf, size_t n)
{
	snprintf(buf, n, "%ld %s  [%s]", p->pid, p->program ? p->program : "(no exec)",
	         p->exit ? p->exit : r->lr.complete ? "no exit recorded" : "no exit: log ends");
}

static void tree(FILE *out, const struct report *r)
{
	struct rplace *pl = report_tree(r);
	size_t n = r->n_procs, *row_of = calloc(r->n_procs + 1, sizeof *row_of);
	char label[1024];
	if (!pl || !row_of) {
		fputs("<p>(out of memory: no picture)</p>\n", out);
		goto out;
	}
	double width = 400;
	for (size_t k = 0; k < n; k++) {
		row_of[pl[k].proc] = k;
		label_of(r, &r->procs[pl[k].proc], label, sizeof label);
		size_t c = chars(label) > SVG_LABEL_MAX ? SVG_LABEL_MAX + 3 : chars(label);
		size_t dep = pl[k].depth > DEPTH_SHOWN ? DEPTH_SHOWN : pl[k].depth;
		double right = 10 + (double)dep * SVG_INDENT + 12 + (double)c * SVG_CHAR + 260;
		if (right > width)
			width = right;
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"tree-picture\" width=\"%.0f\" "
	        "height=\"%zu\" font-family=\"monospace\" font-size=\"12\" role=\"img\" "
	        "aria-label=\"process tree\">\n", width, n * SVG_ROW + 16);
	for (size_t k = 0; k < n; k++) {
		const struct rproc *p = &r->procs[pl[k].proc];
		size_t dep = pl[k].depth > DEPTH_SHOWN ? DEPTH_SHOWN : pl[k].depth;
		double x = 10 + (double)dep * SVG_INDENT, y = 8 + (double)k * SVG_ROW;
		const struct rproc *pp = p->parent ? report_proc(r, p->parent) : NULL;
		if (pp && pp != p && dep > 0) {   /* an elbow from the parent */
			double px = 10 + (double)(dep - 1) * SVG_INDENT + 10;
			double py = 8 + (double)row_of[pp->first] * SVG_ROW + 24;
			fprintf(out, "<path d=\"M%.0f %.0f V%.0f H%.0f\" fill=\"none\" stroke=\"#888\"/>\n",
			        px, py, y + 12, x);
		}
		label_of(r, p, label, sizeof label);
		size_t c = chars(label) > SVG_LABEL_MAX ? SVG_LABEL_MAX + 3 : chars(label);
		double w = 12 + (double)c * SVG_CHAR;
		const char *stroke = p->ran_denied ? "#d96800" : p->denied ? "#c00000" : "#666";
		const char *fill = p->ran_denied ? "#ffe8cc" : p->denied ? "#ffe0e0" : "#f6f6f6";
		fputs("<g><title>", out);
		esc(out, p->argv ? p->argv : "");
		fprintf(out, "</title><rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"24\" rx=\"3\" "
		        "fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n", x, y, w, fill, stroke,
		        p->ran_denied || p->denied ? "2" : "1",
		        p->ran_denied ? " stroke-dasharray=\"5,3\"" : "");
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">", x + 6, y + 16);
		esc_cut(out, label, SVG_LABEL_MAX);
		fputs("</text>", out);
		double bx = x + w + 10;
		if (p->denied)
			fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#c00000\" font-weight=\"bold\">"
			        "%u denied</text>", bx, y + 16, p->denied);
		else if (p->ran_denied)
			fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#d96800\" font-weight=\"bold\">"
			        "would deny (ran): %u</text>", bx, y + 16, p->would);
		else if (p->would)
			fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#d96800\" font-weight=\"bold\">"
			        "%u would-be denial%s</text>", bx, y + 16, p->would, p->would == 1 ? "" : "s");
		fputs("</g>\n", out);
	}
	fputs("</svg>\n<p class=\"note\">Red: calls of the process were denied.  Orange, dashed: "
	      "the process ran a program the policy denies (an audit run let it).  Hover a box "
	      "for its argv.</p>\n", out);
out:
	free(pl);
	free(row_of);
}

/* --- attempts ------------------------------------------------------------------- */

static void stack(FILE *out, const char *what, const struct rframe *f, size_t n)
{
	if (!n)
		return;
	fprintf(out, "<details><summary>%s (%zu frame%s, innermost first)</summary>"
	        "<ol class=\"stack\">", what, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		fputs("<li>", out);
		esc(out, f[i].text);
		fputs("</li>", out);
	}
	fputs("</ol></details>\n", out);
}

static void stacks_of(FILE *out, const struct rdenial *d)
{
	stack(out, "Python stack", d->py, d->n_py);
	if (d->py_unavailable)
		fputs("<p class=\"note\">Python stack unavailable: this interpreter's layout is not "
		      "understood.</p>\n", out);
	stack(out, "native backtrace", d->bt, d->n_bt);
}

static void attempt(FILE *out, const struct report *r, size_t ai)
{
	const struct rattempt *a = &r->att[ai];
	const struct rdenial *d0 = &r->den[a->first];
	char hms[32];
	bool ran = !a->enforced;
	report_hms(d0->time, hms, sizeof hms);
	fprintf(out, "<section class=\"attempt %s\" id=\"attempt-%zu\">\n<h3><span class=\"tag\">"
	        "%s</span> Attempt %zu: pid %ld, log line %zu, %s, %zu denial%s</h3>\n",
	        ran ? "ran" : "denied", ai + 1, ran ? "WOULD DENY (RAN)" : "DENIED", ai + 1, a->pid,
	        d0->line, hms, a->n, a->n == 1 ? "" : "s");
	fputs("<p><code class=\"call\">", out);
	esc(out, d0->text);
	fputs("</code></p>\n", out);
	const struct rframe *py = a->py_from != SIZE_MAX ? r->den[a->py_from].py : a->ppy;
	size_t n_py = a->py_from != SIZE_MAX ? r->den[a->py_from].n_py : a->n_ppy;
	if (n_py) {
		fputs("<p class=\"py\">Python: <code>", out);
		esc(out, py[0].text);
		fputs("</code>", out);
		if (report_caller(py, n_py)) {
			fputs(", called from <code>", out);
			esc(out, report_caller(py, n_py));
			fputs("</code>", out);
		}
		if (a->py_from == SIZE_MAX) {
			fputs(" (", out);
			esc(out, a->py_parent);
			fputs(")", out);
		}
		fputs("</p>\n", out);
		if (a->py_from == SIZE_MAX)
			stack(out, "the parent's Python stack", a->ppy, a->n_ppy);
	}
	stacks_of(out, d0);
	if (a->py_from != SIZE_MAX && a->py_from != a->first)
		stack(out, "Python stack (from a later denial of the attempt)", r->den[a->py_from].py,
		      r->den[a->py_from].n_py);
	if (a->n == 1) {
		fputs("</section>\n", out);
		return;
	}
	fputs("<p>Also part of this attempt:</p>\n<ul>\n", out);
	size_t again = 0;
	for (size_t j = a->first + 1; j < r->n_den; j++) {
		const struct rdenial *d = &r->den[j];
		if (d->attempt != ai)
			continue;
		if (d->pid == d0->pid && !d->exec_stop && d->argv_key && d0->argv_key &&
		    !strcmp(d->argv_key, d0->argv_key)) {
			again++;
			continue;
		}
		fprintf(out, "<li>line %zu: <code>", d->line);
		esc(out, d->text);
		fputs("</code>", out);
		if (d->n_py || d->n_bt) {
			fputs("\n", out);
			stacks_of(out, d);
		}
		fputs("</li>\n", out);
	}
	if (again)
		fprintf(out, "<li>the same program and arguments tried at %zu more path%s (a PATH "
		        "search)</li>\n", again, again == 1 ? "" : "s");
	fputs("</ul>\n</section>\n", out);
}

/* --- objects ---------------------------------------------------------------------- */

static void objects(FILE *out, const struct report *r)
{
	static const char *const order_[] = {"refused", "isolated", "trusted", NULL};
	fprintf(out, "<h2 id=\"objects\">Objects loaded: %lu trusted, %lu isolated, %lu refused</h2>\n",
	        r->n_verdict[0], r->n_verdict[1], r->n_verdict[2]);
	if (!r->n_obj) {
		fputs("<p>none recorded</p>\n", out);
		return;
	}
	fputs("<table class=\"objects\">\n<tr><th>verdict</th><th>object</th><th>why</th>"
	      "<th>rule</th><th>loads</th></tr>\n", out);
	for (size_t pass = 0; pass < 4; pass++)
		for (size_t i = 0; i < r->n_obj; i++) {
			const struct robject *o = &r->obj[i];
			bool known = false;
			for (size_t k = 0; order_[k]; k++)
				known |= !strcmp(o->verdict, order_[k]);
			if (pass < 3 ? strcmp(o->verdict, order_[pass]) : known)
				continue;
			fputs("<tr><td class=\"v-", out);
			esc(out, o->verdict);
			fputs("\">", out);
			esc(out, o->verdict);
			fputs("</td><td class=\"mono\">", out);
			esc(out, o->path);
			fputs("</td><td>", out);
			esc(out, o->reason);
			fputs("</td><td class=\"mono\">", out);
			esc(out, o->rule);
			fprintf(out, "</td><td>%u</td></tr>\n", o->loads);
		}
	fputs("</table>\n", out);
}

void report_html(FILE *out, const struct report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n<title>pysbx report: ", out);
	esc(out, r->name);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>pysbx report: ", style);
	esc(out, r->command ? r->command : r->name);
	fputs("</h1>\n", out);
	standing(out, r);
	header(out, r);
	fputs("<h2 id=\"tree\">Process tree</h2>\n", out);
	tree(out, r);
	fprintf(out, "<h2 id=\"attempts\">%s, by attempt: %zu attempt%s, %zu %s</h2>\n",
	        r->audit ? "Would-be denials" : "Denials", r->n_att, r->n_att == 1 ? "" : "s",
	        r->n_den, r->audit ? "would-be denials in all" : "denials in all");
	if (!r->n_att)
		fputs("<p>none</p>\n", out);
	for (size_t i = 0; i < r->n_att; i++)
		attempt(out, r, i);
	objects(out, r);
	fputs("<footer>Written by pysbx-trace --report --format html from ", out);
	esc(out, r->name);
	fputs(".  One self-contained file: no script, no fetch, nothing outside it.</footer>\n"
	      "</body>\n</html>\n", out);
}
