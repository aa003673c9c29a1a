/* learn: the tightest policy that allows what a recorded run did, and never
 * more than the base policy allows (--learn).
 *
 * Every call of the log is decided again under the base policy (-c, or the
 * built-in one) from its recorded facts:
 *
 *   - a call the base denies is left out, whatever the run did with it (an
 *     --audit run let it run): the learned policy denies it too, and the
 *     header of the file lists it, so a reader sees what was tried;
 *   - a call the base allowed through its argument check (check) is learned
 *     as check: the program and argument rules keep deciding, over the
 *     programs the run was seen to run (allow = PATH) instead of whole
 *     directories;
 *   - a call the base allowed outright (allow) is learned as check when its
 *     argument check passes too, else as allow, which is no wider than the
 *     base.
 *
 * The [functions] rule of each function is the loosest any call needed; each
 * calling object gets a [module PATH] section with exactly what it needed,
 * and a final [module *] denies every other object the dangerous functions.
 * A function never called is denied, unless the base policy lets some of its
 * calls through without a stop (allow, or check for signals to oneself and
 * plain clones), which a log cannot show: then the base rule is kept.  Paths
 * that an INI line or a pattern cannot hold exactly (whitespace, control
 * bytes, too long) are left out and named in a comment: leaving out only
 * tightens.  The result is parsed before it is written: a policy pysbx could
 * not read is never handed out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/callfmt.h"
#include "monitor/decide.h"
#include "monitor/funcs.h"
#include "monitor/logtools/replay.h"

#define INI_LINE 199          /* the longest line a policy may have */
#define COMMENT_WIDTH 100     /* comments are wrapped here */
#define LEFT_OUT_SHOWN 100    /* calls listed in the header, then counted */
#define KEPT_MAX 10000        /* distinct programs, and objects with sections: more
                                 only costs time (a hostile log), and leaving them
                                 out only tightens */

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

struct left_out {
	size_t line;
	char *text;            /* the call as stderr shows it */
};

struct learn {
	const struct policy *base;
	const char *name;      /* the log, escaped */
	struct use *uses;
	size_t n_uses;
	struct program_use *progs;
	size_t n_progs;
	struct left_out *out;  /* calls the base denies */
	size_t n_out;
	unsigned long n_out_all, unknown, dropped;
	char **skipped;        /* paths no line can hold, for the comment */
	size_t n_skipped;
	bool failed;           /* out of memory */
};

static struct use *use_of(struct learn *l, int func, const char *object)
{
	for (size_t i = 0; i < l->n_uses; i++)
		if (l->uses[i].func == func && ((!object && !l->uses[i].object) ||
		    (object && l->uses[i].object && !strcmp(object, l->uses[i].object))))
			return &l->uses[i];
	if (l->n_uses >= KEPT_MAX + funcs_count) {
		l->dropped++;
		return NULL;
	}
	struct use *v = realloc(l->uses, (l->n_uses + 1) * sizeof *v);
	if (!v) {
		l->failed = true;
		return NULL;
	}
	l->uses = v;
	struct use *u = &v[l->n_uses++];
	memset(u, 0, sizeof *u);
	u->func = func;
	u->object = object ? strdup(object) : NULL;
	if (object && !u->object) {
		l->failed = true;
		l->n_uses--;
		return NULL;
	}
	return u;
}

static void count_use(struct learn *l, int func, const char *object, size_t line, bool allow)
{
	struct use *u = use_of(l, func, object);
	if (!u)
		return;
	if (!u->calls++)
		u->first = line;
	u->needs_allow |= allow;
}

static void add_program(struct learn *l, const char *path, size_t line)
{
	if (!path || path[0] != '/')
		return;
	for (size_t i = 0; i < l->n_progs; i++)
		if (!strcmp(l->progs[i].path, path))
			return;
	if (l->n_progs >= KEPT_MAX) {
		l->dropped++;
		return;
	}
	struct program_use *v = realloc(l->progs, (l->n_progs + 1) * sizeof *v);
	if (!v) {
		l->failed = true;
		return;
	}
	l->progs = v;
	v[l->n_progs].path = strdup(path);
	v[l->n_progs].first = line;
	if (v[l->n_progs].path)
		l->n_progs++;
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

static void leave_out(struct learn *l, const struct jval *ev, size_t line, const char *base_why)
{
	if (l->n_out_all++ >= LEFT_OUT_SHOWN)
		return;
	struct left_out *v = realloc(l->out, (l->n_out + 1) * sizeof *v);
	if (!v) {
		l->failed = true;
		return;
	}
	l->out = v;
	struct jw b;
	jw_init(&b);
	/* how the run recorded it, then why the base denies it */
	replay_render(&b, ev, callfmt_what(jsonr_str(ev, "decision"),
	                                   jsonr_bool(ev, "enforced", true)), true);
	if (base_why && strcmp(base_why, jsonr_str(ev, "reason") ? jsonr_str(ev, "reason") : "")) {
		jw_raw(&b, "; the base policy: ", 19);
		callfmt_text(&b, base_why, strlen(base_why));
	}
	v[l->n_out].line = line;
	v[l->n_out].text = b.failed ? NULL : b.buf;
	if (b.failed)
		jw_free(&b);
	l->n_out++;
}

/* The rule of base that decides c (decide.c's choice): the [module] section's
 * for a trusted object or a tighter one, else [functions]. */
static const struct fn_rule *deciding_rule(const struct policy *p, const struct call *c, int fid)
{
	const struct fn_rule *global = &p->fn[fid];
	const struct fn_rule *mr = policy_module_rule(p, c->object, fid, NULL);
	if (!mr || (policy_looser(mr->action, global->action) && !c->object_trusted))
		return global;
	return mr;
}

static int learn_one(void *ctx, const struct jval *ev, size_t line)
{
	struct learn *l = ctx;
	struct call c;
	struct facts f;
	struct decision d;
	bool uncertain;
	if (!strcmp(jsonr_str(ev, "event"), "syscall")) {
		/* off pysbx's allow-list: no policy can allow it, so none learns it */
		leave_out(l, ev, line, NULL);
		return 0;
	}
	if (strcmp(jsonr_str(ev, "event"), "call"))
		return 0;
	if (replay_call(ev, &c, &f) < 0) {
		l->unknown++;
		return 0;
	}
	if (funcs[c.outer >= 0 ? c.outer : c.func].selfprot || funcs[c.func].selfprot)
		goto out;  /* pysbx's own protection: not the policy's to loosen */
	replay_decide(l->base, &c, &f, &d, &uncertain);
	if (d.verdict != V_ALLOW) {
		leave_out(l, ev, line, d.why);
		goto out;
	}
	/* syscall(SYS_x, ...) under syscall = check is decided by x's rule */
	int fid = c.outer >= 0 && l->base->fn[c.outer].action != ACT_CHECK ? c.outer : c.func;
	const struct fn_rule *fr = deciding_rule(l->base, &c, fid);
	struct job_view v = facts_replayer(&f);
	struct decision args;
	decide_args(l->base, &c, &v, &args);
	bool passes = funcs[c.func].check != CK_NONE && args.verdict == V_ALLOW;
	/* allowed by check means the check passed; only an outright allow of
	 * the base can need allow */
	bool needs_allow = !passes && fr->action == ACT_ALLOW;
	count_use(l, fid, NULL, line, needs_allow);
	if (c.layer == LAYER_GOT && c.object)
		count_use(l, fid, c.object, line, needs_allow);
	if (fid != (c.outer >= 0 ? c.outer : c.func)) {
		/* syscall itself stays check, so that x's rule keeps deciding */
		count_use(l, c.outer, NULL, line, false);
		if (c.layer == LAYER_GOT && c.object)
			count_use(l, c.outer, c.object, line, false);
	}
	if (passes)
		note_programs(l, &c, &f, line);
out:
	replay_release(&c, &f);
	return 0;
}

/* --- writing ----------------------------------------------------------------- */

/* A comment, wrapped to COMMENT_WIDTH: the first line after first, the
 * others after rest.  text is escaped (callfmt) already: no control bytes. */
static void comment(FILE *out, const char *first, const char *rest, const char *text)
{
	const char *lead = first;
	size_t n = strlen(text);
	while (n) {
		size_t room = COMMENT_WIDTH - strlen(lead), take = n;
		if (take > room) {
			take = room;
			/* at a space when there is one, and never inside a character */
			for (size_t k = take; k > room / 2; k--)
				if (text[k] == ' ') {
					take = k + 1;
					break;
				}
			while (take > 1 && ((unsigned char)text[take] & 0xc0) == 0x80)
				take--;
		}
		size_t shown = take;
		while (shown && text[shown - 1] == ' ')
			shown--;   /* no trailing blanks */
		fprintf(out, "%s%.*s\n", lead, (int)shown, text);
		text += take;
		n -= take;
		lead = rest;
	}
}

/* A path as an exact fnmatch pattern (the pattern characters escaped), or
 * NULL when an INI line cannot hold it: whitespace and control bytes split or
 * end a value, ']' ends a section name, and a longer line is refused. */
static char *exact_pattern(const char *path, size_t max)
{
	size_t n = strlen(path);
	char *p = malloc(2 * n + 1), *o = p;
	if (!p)
		return NULL;
	for (const char *s = path; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= ' ' || c == 0x7f || c == ']' || c == ';' || c == '#') {
			free(p);
			return NULL;
		}
		if (c == '*' || c == '?' || c == '[' || c == '\\')
			*o++ = '\\';
		*o++ = (char)c;
	}
	*o = 0;
	if ((size_t)(o - p) > max) {
		free(p);
		return NULL;
	}
	return p;
}

static void skip_path(struct learn *l, const char *path)
{
	for (size_t i = 0; i < l->n_skipped; i++)
		if (!strcmp(l->skipped[i], path))
			return;
	char **v = realloc(l->skipped, (l->n_skipped + 1) * sizeof *v);
	if (!v)
		return;
	l->skipped = v;
	if ((v[l->n_skipped] = strdup(path)))
		l->n_skipped++;
}

static void rule_line(FILE *out, const struct learn *l, const char *name, const struct use *u)
{
	if (!u) {
		fprintf(out, "%s = deny\n", name);
		return;
	}
	fprintf(out, "%s = %s ; %lu call%s, first at line %zu\n", name,
	        u->needs_allow ? "allow" : "check", u->calls, u->calls == 1 ? "" : "s", u->first);
	(void)l;
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
			fprintf(out, "%s = %s ; not seen, but calls may pass unseen: kept from line %d "
			        "of the base\n", funcs[i].name, policy_action_name(l->base->fn[i].action),
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

static void write_modules(FILE *out, struct learn *l)
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
		char *pat = exact_pattern(obj, INI_LINE - 9);
		if (!pat) {
			skip_path(l, obj);
			continue;  /* its calls fall to [module *]: tighter, never wider */
		}
		fprintf(out, "\n[module %s]\n", pat);
		free(pat);
		for (size_t j = k; j < l->n_uses; j++)
			if (l->uses[j].object && !strcmp(l->uses[j].object, obj))
				rule_line(out, l, funcs[l->uses[j].func].name, &l->uses[j]);
	}
}

static void write_programs(FILE *out, struct learn *l)
{
	const struct policy *b = l->base;
	fputs("\n[programs]\n", out);
	list_lines(out, "deny", &b->deny_programs);
	list_lines(out, "shell", &b->shells);
	fprintf(out, "interpreter = %s\n", b->allow_interpreter ? "yes" : "no");
	fputs("; the programs the run executed, instead of whole directories\n", out);
	for (size_t i = 0; i < l->n_progs; i++) {
		char *pat = exact_pattern(l->progs[i].path, INI_LINE - 8);
		if (!pat) {
			skip_path(l, l->progs[i].path);
			continue;
		}
		char tail[48];
		int n = snprintf(tail, sizeof tail, " ; log line %zu", l->progs[i].first);
		fprintf(out, "allow = %s%s\n", pat, strlen(pat) + 8 + (size_t)n <= INI_LINE ? tail : "");
		free(pat);
	}
}

/* [files] as the base has it: where the job may write is not something a
 * log of calls can narrow, and leaving it out would not tighten it (the
 * built-in list applies then). */
static void write_files(FILE *out, const struct learn *l)
{
	const struct policy *b = l->base;
	if (!b->files_set && !b->require_landlock)
		return;
	fputs("\n[files]\n; copied from the base policy\n", out);
	if (b->files_set)
		list_lines(out, "write", &b->write_paths);
	if (b->require_landlock)
		fputs("require-landlock = yes\n", out);
}

static void write_left_out(FILE *out, const struct learn *l, bool audit)
{
	char line[160];
	if (!l->n_out_all)
		return;
	snprintf(line, sizeof line, "Left out: %lu call%s the base policy denies; the learned "
	         "policy denies %s too.", l->n_out_all, l->n_out_all == 1 ? "" : "s",
	         l->n_out_all == 1 ? "it" : "them");
	comment(out, "; ", "; ", line);
	comment(out, "; ", "; ", audit ? "This run was recorded with --audit: they RAN, nothing "
	        "stopped them.  Review them before trusting the job:"
	        : "They were denied during the run:");
	for (size_t i = 0; i < l->n_out; i++) {
		char lead[48];
		snprintf(lead, sizeof lead, ";   line %zu: ", l->out[i].line);
		comment(out, lead, ";       ", l->out[i].text ? l->out[i].text : "?");
	}
	if (l->n_out_all > l->n_out)
		fprintf(out, ";   ... and %lu more\n", l->n_out_all - l->n_out);
	fputs(";\n", out);
}

static void write_policy(FILE *out, struct learn *l, const struct logread *lr)
{
	const struct policy *b = l->base;
	char when[64], text[768];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	snprintf(text, sizeof text, "Learned by pysbx-trace --learn from %s on %s, starting from "
	         "%s.  The tightest policy that allows what the recorded run did, and nothing the "
	         "base policy denies: review it before use.  Line numbers are the log's.", l->name,
	         when, replay_name(b->file));
	comment(out, "; ", "; ", text);
	comment(out, "; ", "; ", logread_integrity(lr, text, sizeof text));
	if (logread_completeness(lr, text, sizeof text)) {
		comment(out, "; ", "; ", text);
		comment(out, "; ", "; ", "What the job did after the log ends is not learned.");
	}
	for (size_t i = 0; i < lr->n_tamper && i < LOGREAD_TAMPER_MAX; i++)
		comment(out, "; ", "; ", logread_tamper_text(lr, i, text, sizeof text));
	fputs(";\n", out);
	write_left_out(out, l, lr->audit);
	fputs("\n[policy]\ndefault = deny\n\n", out);
	write_functions(out, l);
	fputs("\n[objects]\n", out);
	list_lines(out, "trust", &b->trust);
	list_lines(out, "trust-sha256", &b->trust_sha256);
	if (b->refuse_rule.line)
		fprintf(out, "%s\n", b->refuse_rule.text);
	write_modules(out, l);
	write_catch_all(out);
	write_programs(out, l);
	write_files(out, l);
	if (l->n_skipped) {
		fputs("\n; Not written (no policy line can hold these paths exactly); calls from these\n"
		      "; objects and runs of these programs are denied by the rules above:\n", out);
		for (size_t i = 0; i < l->n_skipped; i++) {
			struct jw e;
			jw_init(&e);
			callfmt_str(&e, l->skipped[i]);
			comment(out, ";   ", ";     ", e.failed ? "?" : e.buf);
			jw_free(&e);
		}
	}
	if (l->unknown)
		fprintf(out, "\n; %lu calls of functions this pysbx does not know were not learned\n",
		        l->unknown);
	if (l->dropped)
		fprintf(out, "\n; %lu uses past %d distinct programs or objects were not learned "
		        "(denied)\n", l->dropped, KEPT_MAX);
}

static void release(struct learn *l)
{
	for (size_t i = 0; i < l->n_uses; i++)
		free(l->uses[i].object);
	for (size_t i = 0; i < l->n_progs; i++)
		free(l->progs[i].path);
	for (size_t i = 0; i < l->n_out; i++)
		free(l->out[i].text);
	for (size_t i = 0; i < l->n_skipped; i++)
		free(l->skipped[i]);
	free(l->uses);
	free(l->progs);
	free(l->out);
	free(l->skipped);
}

int replay_learn(const char *path, const struct policy *base, FILE *out)
{
	struct learn l = {.base = base};
	struct logread lr;
	char name[1024], buf[768];
	snprintf(name, sizeof name, "%s", replay_name(path));
	l.name = name;
	int rc = logread_file(path, learn_one, &l, &lr);
	if (rc < 0)
		goto out;
	logread_warn(&lr);
	if (logread_altered(&lr)) {
		fprintf(stderr, "pysbx-trace: %s: refusing to learn from an altered log\n", name);
		rc = -1;
		goto out;
	}
	/* written to memory and read back: a policy pysbx cannot read is a bug,
	 * never something to hand out */
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m || l.failed) {
		if (m)
			fclose(m);
		free(text);
		fprintf(stderr, "pysbx-trace: out of memory\n");
		rc = -1;
		goto out;
	}
	write_policy(m, &l, &lr);
	fclose(m);
	struct policy *check = NULL;
	if (policy_parse(text, len, "learned policy", &check, buf, sizeof buf) < 0) {
		fprintf(stderr, "pysbx-trace: internal error: the learned policy does not parse: %s\n",
		        buf);
		rc = -1;
	} else
		fwrite(text, 1, len, out);
	policy_free(check);
	free(text);
out:
	logread_free(&lr);
	release(&l);
	return rc < 0 ? REPLAY_UNREADABLE : 0;
}
