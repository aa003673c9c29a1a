/* logread: bounded reading, checking and digest verification of an event
 * log (see logread.h). */
#include "monitor/logtools/logread.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "elfscan/sha256.h"
#include "monitor/callfmt.h"
#include "monitor/jsonw.h"

#define BAD_LINES_SHOWN 10   /* bad lines reported one by one, then counted */

/* The digest chain: every line ends with ,"chain":"<64 hex>"} and the digest
 * is SHA-256 over the previous line's digest (64 hex characters; 64 '0' for
 * the first line) followed by the line's bytes up to ,"chain":". */
#define CHAIN_KEY ",\"chain\":\""
#define CHAIN_KEY_LEN 10
#define CHAIN_HEX 64
#define CHAIN_TAIL (CHAIN_KEY_LEN + CHAIN_HEX + 2)   /* key, digest, "} */

/* --- bounded line reading ---------------------------------------------------- */

struct lines {
	FILE *f;
	char chunk[1 << 16];
	size_t at, end;
	bool eof;
	int err;
	/* the current line: CHAIN_HEX bytes of room in front for hashing */
	char *buf;
	size_t cap;
};

/* Fills the chunk; false at the end of the file or on an error. */
static bool refill(struct lines *l)
{
	if (l->eof)
		return false;
	l->at = 0;
	l->end = fread(l->chunk, 1, sizeof l->chunk, l->f);
	if (l->end == 0) {
		l->eof = true;
		if (ferror(l->f))
			l->err = errno ? errno : EIO;
		return false;
	}
	return true;
}

static int grow(struct lines *l, size_t need)
{
	if (need <= l->cap)
		return 0;
	size_t cap = l->cap ? l->cap : 4096;
	while (cap < need)
		cap *= 2;
	char *p = realloc(l->buf, cap);
	if (!p)
		return -ENOMEM;
	l->buf = p;
	l->cap = cap;
	return 0;
}

/* The next line into l->buf + CHAIN_HEX, without its '\n'.  Returns 1 with
 * *len, *newline (it ended with '\n') and *toolong (only its first
 * LOGREAD_LINE_MAX bytes were kept, the rest skipped); 0 at the end; a
 * negative errno on a read error. */
static int next_line(struct lines *l, size_t *len, bool *newline, bool *toolong)
{
	size_t n = 0;
	bool any = false;
	*newline = *toolong = false;
	for (;;) {
		if (l->at == l->end && !refill(l))
			break;
		any = true;
		char *s = l->chunk + l->at;
		size_t avail = l->end - l->at;
		char *nl = memchr(s, '\n', avail);
		size_t take = nl ? (size_t)(nl - s) : avail;
		size_t keep = take;
		if (n + keep > LOGREAD_LINE_MAX) {
			keep = LOGREAD_LINE_MAX - n;
			*toolong = true;
		}
		if (grow(l, CHAIN_HEX + n + keep + 1) < 0)
			return -ENOMEM;
		memcpy(l->buf + CHAIN_HEX + n, s, keep);
		n += keep;
		l->at += take + (nl ? 1 : 0);
		if (nl) {
			*newline = true;
			break;
		}
	}
	if (l->err)
		return -l->err;
	if (!any)
		return 0;
	if (grow(l, CHAIN_HEX + n + 1) < 0)
		return -ENOMEM;
	l->buf[CHAIN_HEX + n] = 0;
	*len = n;
	return 1;
}

/* --- digests ----------------------------------------------------------------- */

static bool lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Where the chain member starts in line s[0..n) (the length of P), or -1
 * when the line does not end with one. */
static long chain_at(const char *s, size_t n)
{
	if (n < CHAIN_TAIL + 1)
		return -1;
	size_t p = n - CHAIN_TAIL;
	if (memcmp(s + p, CHAIN_KEY, CHAIN_KEY_LEN) || s[n - 2] != '"' || s[n - 1] != '}' ||
	    !lower_hex(s + p + CHAIN_KEY_LEN, CHAIN_HEX))
		return -1;
	return (long)p;
}

static void to_hex(const uint8_t d[32], char out[CHAIN_HEX])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
}

/* --- the reader's state ------------------------------------------------------ */

struct rd {
	struct logread *lr;
	const char *name;
	char prev[CHAIN_HEX];    /* the previous line's digest */
	bool chain_seen_later;   /* a digest after an unchained first line */
	bool started;
	size_t summary_line;
	bool failed;             /* refused: message on stderr */
};

__attribute__((format(printf, 3, 4)))
static void refuse(struct rd *r, size_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	struct jw b;
	jw_init(&b);
	callfmt_text(&b, r->name, strlen(r->name));
	if (line)
		fprintf(stderr, "pysbx-trace: %s:%zu: %s\n", b.failed ? "?" : b.buf, line, msg);
	else
		fprintf(stderr, "pysbx-trace: %s: %s\n", b.failed ? "?" : b.buf, msg);
	jw_free(&b);
	r->failed = true;
}

__attribute__((format(printf, 3, 4)))
static void altered(struct rd *r, size_t line, const char *fmt, ...)
{
	struct logread *lr = r->lr;
	if (!lr->n_altered++) {
		va_list ap;
		lr->altered_line = line;
		va_start(ap, fmt);
		vsnprintf(lr->altered_why, sizeof lr->altered_why, fmt, ap);
		va_end(ap);
	}
}

static void bad_line(struct rd *r, size_t line, size_t col, const char *why)
{
	struct logread *lr = r->lr;
	if (!lr->bad++)
		lr->first_bad = line;
	if (lr->bad > BAD_LINES_SHOWN)
		return;
	struct jw b;
	jw_init(&b);
	callfmt_text(&b, r->name, strlen(r->name));
	if (col)
		fprintf(stderr, "pysbx-trace: %s:%zu:%zu: %s, line skipped\n", b.failed ? "?" : b.buf,
		        line, col, why);
	else
		fprintf(stderr, "pysbx-trace: %s:%zu: %s, line skipped\n", b.failed ? "?" : b.buf,
		        line, why);
	jw_free(&b);
}

/* Checks line `no` (at s, n bytes; CHAIN_HEX bytes of room before s) against
 * the chain. */
static void verify(struct rd *r, char *s, size_t n, size_t no)
{
	struct logread *lr = r->lr;
	long p = chain_at(s, n);
	if (no == 1) {
		lr->chained = p >= 0;
		memset(r->prev, '0', CHAIN_HEX);
	}
	if (!lr->chained) {
		if (p >= 0 && !r->chain_seen_later) {
			r->chain_seen_later = true;
			altered(r, 1, "line 1 carries no digest but line %zu does: the first "
			        "line was replaced or its digest removed", no);
		}
		return;
	}
	/* SHA-256(previous digest, P): the previous digest goes in the room
	 * before the line (restored after: callers parse the line) */
	char saved[CHAIN_HEX], got[CHAIN_HEX];
	uint8_t d[32];
	size_t body = p >= 0 ? (size_t)p : n && s[n - 1] == '}' ? n - 1 : n;
	memcpy(saved, s - CHAIN_HEX, CHAIN_HEX);
	memcpy(s - CHAIN_HEX, r->prev, CHAIN_HEX);
	sha256(s - CHAIN_HEX, CHAIN_HEX + body, d);
	memcpy(s - CHAIN_HEX, saved, CHAIN_HEX);
	to_hex(d, got);
	if (p < 0) {
		altered(r, no, "line %zu carries no digest", no);
		/* go on as if its digest had only been removed */
		memcpy(r->prev, got, CHAIN_HEX);
		return;
	}
	const char *stated = s + p + CHAIN_KEY_LEN;
	if (memcmp(got, stated, CHAIN_HEX))
		altered(r, no, "line %zu's digest does not match its contents or the lines "
		        "before it", no);
	/* go on from the digest the line states: one changed line is reported
	 * alone, not every line after it */
	memcpy(r->prev, stated, CHAIN_HEX);
}

/* --- what an event must look like --------------------------------------------- */

#define T(x) (1u << (x))

static const struct member {
	const char *event;   /* NULL: every event */
	const char *key;
	unsigned types;
	bool required;
} members[] = {
	{NULL, "v", T(J_NUM), true},
	{NULL, "time", T(J_NUM), true},
	{NULL, "event", T(J_STR), true},
	{NULL, "pid", T(J_NUM), true},
	{NULL, "chain", T(J_STR), false},
	{"start", "argv", T(J_ARR), true},
	{"start", "policy", T(J_STR) | T(J_NULL), false},
	{"start", "audit", T(J_BOOL), false},
	{"exec", "program", T(J_STR) | T(J_NULL), true},
	{"exec", "argv", T(J_ARR), false},
	{"fork", "parent", T(J_NUM), true},
	{"thread", "parent", T(J_NUM), true},
	{"exit", "status", T(J_NUM), false},
	{"exit", "signal", T(J_NUM), false},
	{"object", "path", T(J_STR) | T(J_NULL), true},
	{"object", "verdict", T(J_STR), true},
	{"object", "reason", T(J_STR) | T(J_NULL), false},
	{"redirect", "slots", T(J_NUM), false},
	{"call", "tid", T(J_NUM), false},
	{"call", "layer", T(J_STR), false},
	{"call", "function", T(J_STR), true},
	{"call", "via", T(J_STR), false},
	{"call", "args", T(J_ARR), true},
	{"call", "program", T(J_OBJ), false},
	{"call", "object", T(J_STR) | T(J_NULL), false},
	{"call", "object_trusted", T(J_BOOL), false},
	{"call", "decision", T(J_STR), true},
	{"call", "enforced", T(J_BOOL), false},
	{"call", "rule", T(J_STR) | T(J_NULL), false},
	{"call", "reason", T(J_STR) | T(J_NULL), false},
	{"call", "facts", T(J_ARR), false},
	{"call", "backtrace", T(J_ARR), false},
	{"call", "python_stack", T(J_ARR) | T(J_STR), false},
	{"syscall", "nr", T(J_NUM), false},
	{"syscall", "name", T(J_STR) | T(J_NULL), false},
	{"syscall", "decision", T(J_STR), false},
	{"syscall", "enforced", T(J_BOOL), false},
	{"syscall", "why", T(J_STR) | T(J_NULL), false},
	{"summary", "exit_code", T(J_NUM), true},
	{"summary", "calls", T(J_NUM), false},
	{"summary", "denied", T(J_NUM), false},
	{"summary", "would_deny", T(J_NUM), false},
	{"tamper", "what", T(J_STR), true},
	{"tamper", "restored", T(J_BOOL), true},
};

static bool integral(double v)
{
	return v >= -2147483648.0 && v <= 2147483647.0 && v == (double)(long)v;
}

/* NULL when ev is an event of this schema, else what is wrong with it. */
static const char *check_event(const struct jval *ev, char *why, size_t n)
{
	if (ev->type != J_OBJ)
		return "not a JSON object";
	const char *event = jsonr_str(ev, "event");
	for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
		const struct member *m = &members[i];
		if (m->event && (!event || strcmp(m->event, event)))
			continue;
		const struct jval *v = jsonr_get(ev, m->key);
		if (!v) {
			if (!m->required)
				continue;
			snprintf(why, n, "no \"%s\" member", m->key);
			return why;
		}
		if (!(m->types & T(v->type))) {
			snprintf(why, n, "member \"%s\" has the wrong type", m->key);
			return why;
		}
	}
	if (!integral(jsonr_num(ev, "pid", 0.5)))
		return "member \"pid\" is not a process id";
	const char *dec = jsonr_str(ev, "decision");
	if (dec && strcmp(dec, "allow") && strcmp(dec, "deny") && strcmp(dec, "kill"))
		return "member \"decision\" is not allow, deny or kill";
	return NULL;
}

static void keep_tamper(struct logread *lr, const struct jval *ev, size_t line)
{
	if (lr->n_tamper < LOGREAD_TAMPER_MAX) {
		struct logread_tamper *t = &lr->tamper[lr->n_tamper];
		t->line = line;
		t->what = strdup(jsonr_str(ev, "what"));
		t->restored = jsonr_bool(ev, "restored", false);
	}
	lr->n_tamper++;
}

/* One parsed, checked line.  Returns fn's result, or -1 when the log is
 * refused. */
static int on_event(struct rd *r, const struct jval *ev, size_t no, logread_fn fn, void *ctx)
{
	struct logread *lr = r->lr;
	const char *event = jsonr_str(ev, "event");
	double v = jsonr_num(ev, "v", 0);
	if (v != LOGREAD_SCHEMA) {
		refuse(r, no, "schema version %g; this pysbx-trace reads version %d", v,
		       LOGREAD_SCHEMA);
		return -1;
	}
	if (!r->started) {
		if (strcmp(event, "start")) {
			struct jw b;
			jw_init(&b);
			callfmt_text(&b, event, strlen(event));
			refuse(r, no, "not a pysbx event log: the first event is '%.40s', not 'start'",
			       b.failed ? "?" : b.buf);
			jw_free(&b);
			return -1;
		}
		r->started = true;
		lr->audit = jsonr_bool(ev, "audit", false);
	} else if (!strcmp(event, "start"))
		altered(r, no, "a second start event at line %zu (two logs in one file?)", no);
	if (r->summary_line)
		altered(r, no, "line %zu follows the summary, which the monitor writes last", no);
	if (!strcmp(event, "summary")) {
		lr->complete = true;
		r->summary_line = no;
	} else if (!strcmp(event, "tamper"))
		keep_tamper(lr, ev, no);
	lr->events++;
	lr->last_line = no;
	snprintf(lr->last_event, sizeof lr->last_event, "%s", event);
	lr->last_pid = (long)jsonr_num(ev, "pid", 0);
	lr->last_time = jsonr_num(ev, "time", 0);
	return fn ? fn(ctx, ev, no) : 0;
}

static bool too_many_bad(const struct logread *lr)
{
	return lr->bad * LOGREAD_BAD_SHARE > lr->lines;
}

int logread_stream(FILE *f, const char *name, logread_fn fn, void *ctx, struct logread *lr)
{
	struct lines l = {.f = f};
	struct rd r = {.lr = lr, .name = name};
	size_t len = 0;
	bool newline, toolong;
	int rc = 0, got;
	memset(lr, 0, sizeof *lr);
	lr->path = name;
	while (rc == 0 && (got = next_line(&l, &len, &newline, &toolong)) > 0) {
		size_t no = ++lr->lines;
		char *s = l.buf + CHAIN_HEX;
		if (toolong) {
			if (no == 1) {
				refuse(&r, 1, "not a pysbx event log: the first line is longer than %u "
				       "MiB", LOGREAD_LINE_MAX >> 20);
				rc = -1;
				break;
			}
			bad_line(&r, no, 0, "line longer than the monitor ever writes");
			if (lr->chained)
				altered(&r, no, "line %zu is too long to be the monitor's", no);
			continue;
		}
		struct jval ev;
		size_t col;
		const char *why;
		char whybuf[96];
		if (jsonr_parse(s, len, &ev, &col, &why) < 0) {
			if (no == 1) {
				refuse(&r, 1, "not a pysbx event log (column %zu: %s)", col, why);
				rc = -1;
				break;
			}
			if (!newline) {  /* the last line, cut short: incomplete, not altered */
				lr->cut = true;
				lr->lines--;
				break;
			}
			verify(&r, s, len, no);
			bad_line(&r, no, col, why);
			continue;
		}
		verify(&r, s, len, no);
		if ((why = check_event(&ev, whybuf, sizeof whybuf))) {
			if (no == 1)
				refuse(&r, 1, "not a pysbx event log: %s", why);
			else
				bad_line(&r, no, 0, why);
			jsonr_free(&ev);
			if (no == 1) {
				rc = -1;
				break;
			}
			continue;
		}
		rc = on_event(&r, &ev, no, fn, ctx);
		jsonr_free(&ev);
		/* a file of garbage is refused early, not after all of it */
		if (rc == 0 && lr->bad > 100 && too_many_bad(lr)) {
			refuse(&r, lr->first_bad, "%zu of the first %zu lines are not events of a "
			       "pysbx log (more than 1 in %d)", lr->bad, lr->lines, LOGREAD_BAD_SHARE);
			rc = -1;
		}
	}
	if (rc == 0 && got < 0) {
		refuse(&r, 0, "cannot read: %s", strerror(-got));
		rc = -1;
	} else if (rc == 0 && lr->lines == 0 && !lr->cut) {
		refuse(&r, 1, "empty file: not an event log (no start event)");
		rc = -1;
	} else if (rc == 0 && !r.started) {
		refuse(&r, 1, "not a pysbx event log: no start event");
		rc = -1;
	} else if (rc == 0 && too_many_bad(lr)) {
		refuse(&r, lr->first_bad, "%zu of %zu lines are not events of a pysbx log (more "
		       "than 1 in %d)", lr->bad, lr->lines, LOGREAD_BAD_SHARE);
		rc = -1;
	}
	if (lr->bad > BAD_LINES_SHOWN && !r.failed)
		fprintf(stderr, "pysbx-trace: ... %zu bad lines in all\n", lr->bad);
	free(l.buf);
	return rc;
}

int logread_file(const char *path, logread_fn fn, void *ctx, struct logread *lr)
{
	struct rd r = {.lr = lr, .name = path};
	struct stat st;
	memset(lr, 0, sizeof *lr);
	lr->path = path;
	FILE *f = fopen(path, "re");
	if (!f) {
		refuse(&r, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		refuse(&r, 0, "is a directory, not an event log");
		fclose(f);
		return -1;
	}
	int rc = logread_stream(f, path, fn, ctx, lr);
	fclose(f);
	return rc;
}

void logread_free(struct logread *lr)
{
	for (size_t i = 0; i < lr->n_tamper && i < LOGREAD_TAMPER_MAX; i++)
		free(lr->tamper[i].what);
	lr->n_tamper = 0;
}

/* --- telling people ------------------------------------------------------------ */

bool logread_altered(const struct logread *lr)
{
	return lr->n_altered > 0;
}

const char *logread_standing(const struct logread *lr)
{
	return lr->n_altered ? "ALTERED" : !lr->complete ? "INCOMPLETE"
	     : lr->chained ? "verified" : "not verifiable";
}

const char *logread_integrity(const struct logread *lr, char *buf, size_t n)
{
	if (lr->n_altered > 1)
		snprintf(buf, n, "ALTERED: %s; %zu lines in all fail the check: this is not the "
		         "log the monitor wrote", lr->altered_why, lr->n_altered);
	else if (lr->n_altered)
		snprintf(buf, n, "ALTERED: %s: this is not the log the monitor wrote",
		         lr->altered_why);
	else if (lr->chained)
		snprintf(buf, n, "digest chain verified over %zu lines", lr->lines);
	else
		snprintf(buf, n, "not verifiable (no digest chain: written by an older pysbx, "
		         "or its digests were removed)");
	return buf;
}

const char *logread_completeness(const struct logread *lr, char *buf, size_t n)
{
	if (lr->complete)
		return NULL;
	char when[32] = "?";
	time_t t = (time_t)lr->last_time;
	struct tm tm;
	if (lr->last_time > 0 && localtime_r(&t, &tm))
		snprintf(when + strftime(when, sizeof when, "%H:%M:%S", &tm), 8, ".%03d",
		         (int)((lr->last_time - (double)t) * 1000) % 1000);
	snprintf(buf, n, "INCOMPLETE: no summary event; the log ends at line %zu, with event "
	         "'%s' of pid %ld at %s%s: the monitor was stopped before the job ended, or "
	         "the file was cut short", lr->last_line, lr->last_event, lr->last_pid, when,
	         lr->cut ? ", and the last line is cut short" : "");
	return buf;
}

const char *logread_tamper_text(const struct logread *lr, size_t i, char *buf, size_t n)
{
	const struct logread_tamper *t = &lr->tamper[i];
	struct jw b;
	jw_init(&b);
	if (t->what)
		callfmt_text(&b, t->what, strlen(t->what));
	snprintf(buf, n, "TAMPERING: the monitor found its log file changed during the run "
	         "(line %zu): %s; %s", t->line, b.failed || !b.buf ? "" : b.buf,
	         t->restored ? "it restored the file from its own copy"
	                     : "it could NOT restore the file");
	jw_free(&b);
	return buf;
}

void logread_warn(const struct logread *lr)
{
	char buf[768];
	struct jw b;
	jw_init(&b);
	callfmt_text(&b, lr->path, strlen(lr->path));
	const char *name = b.failed || !b.buf ? "?" : b.buf;
	if (logread_altered(lr))
		fprintf(stderr, "pysbx-trace: %s: %s\n", name, logread_integrity(lr, buf, sizeof buf));
	if (logread_completeness(lr, buf, sizeof buf))
		fprintf(stderr, "pysbx-trace: %s: %s\n", name, buf);
	for (size_t i = 0; i < lr->n_tamper && i < LOGREAD_TAMPER_MAX; i++)
		fprintf(stderr, "pysbx-trace: %s: %s\n", name, logread_tamper_text(lr, i, buf,
		                                                                    sizeof buf));
	if (lr->n_tamper > LOGREAD_TAMPER_MAX)
		fprintf(stderr, "pysbx-trace: %s: ... %zu tamper events in all\n", name, lr->n_tamper);
	jw_free(&b);
}
