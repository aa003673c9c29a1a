/* logread: reading an event log the way a responder needs it read.
 *
 * Every log tool (--report, --check-log, --learn) reads through here, so they
 * agree on what a log is and on how far it can be trusted:
 *
 *   - what cannot be a log is refused (the caller exits 125) with
 *     "FILE:LINE: what was wrong": no file, a directory, an empty file, a
 *     first line that is not a start event, an unknown schema version, more
 *     than one bad line in ten;
 *   - lines that are not events (not JSON, wrong member types) are reported
 *     and skipped; a last line cut short is not counted as bad, it makes the
 *     log incomplete;
 *   - the digest chain (pysbx-policy(5), EVENT LOG) is verified line by line:
 *     a line whose digest does not match, or that lacks one in a chained log,
 *     makes the log altered, and so do events after the summary or a second
 *     start event;
 *   - a log without a summary is incomplete, with the last event seen;
 *   - tamper events (the monitor found its file changed during the run) are
 *     collected for the tools to show.
 *
 * Lines are read with a bound (LOGREAD_LINE_MAX): a hostile file of any size
 * and shape costs at most that much memory.
 */
#ifndef PYSBX_LOGREAD_H
#define PYSBX_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "monitor/logtools/jsonr.h"

#define LOGREAD_LINE_MAX (64u << 20)  /* longer than any line the monitor writes */
#define LOGREAD_SCHEMA 1              /* the "v" this reader knows (log.h's LOG_SCHEMA) */
#define LOGREAD_BAD_SHARE 10          /* refused when more than 1 line in this many is bad */
#define LOGREAD_TAMPER_MAX 16         /* tamper events kept (the rest are counted) */

struct logread_tamper {
	size_t line;
	char *what;
	bool restored;
};

struct logread {
	const char *path;            /* as given, for messages */
	size_t lines;                /* lines read */
	size_t events;               /* events handed to the caller */
	size_t bad, first_bad;       /* lines skipped, and the first of them */

	bool chained;                /* the first line carries a digest */
	size_t n_altered;            /* lines that make the log altered */
	size_t altered_line;         /* the first of them, 0 when none */
	char altered_why[192];

	bool complete;               /* a summary event was read */
	bool cut;                    /* the last line is cut short */
	size_t last_line;            /* the last event read */
	char last_event[24];
	long last_pid;
	double last_time;

	bool audit;                  /* from the start event */
	struct logread_tamper tamper[LOGREAD_TAMPER_MAX];
	size_t n_tamper;
};

typedef int (*logread_fn)(void *ctx, const struct jval *ev, size_t line);

/* Reads the log at path, calling fn with each event and its line number.
 * Returns 0, fn's first nonzero result, or -1 when the log cannot be read
 * (the reason is on stderr: "pysbx-trace: FILE:LINE: ..."). */
int logread_file(const char *path, logread_fn fn, void *ctx, struct logread *lr);
/* The same over an open stream; name is used in messages. */
int logread_stream(FILE *f, const char *name, logread_fn fn, void *ctx, struct logread *lr);
void logread_free(struct logread *lr);

/* How far the log can be trusted, in one line each, for people.
 * integrity: "ALTERED: ...", "digest chain verified over N lines" or "not
 * verifiable (no digest chain)"; completeness: "INCOMPLETE: ..." or NULL when
 * the log is complete. */
const char *logread_integrity(const struct logread *lr, char *buf, size_t n);
const char *logread_completeness(const struct logread *lr, char *buf, size_t n);
bool logread_altered(const struct logread *lr);
/* One word: "ALTERED", "INCOMPLETE", "verified" or "not verifiable". */
const char *logread_standing(const struct logread *lr);
/* Tamper event i as a sentence. */
const char *logread_tamper_text(const struct logread *lr, size_t i, char *buf, size_t n);

/* States on stderr, prominently, whatever makes the log less than a
 * complete, verified record: altered, incomplete, tampering. */
void logread_warn(const struct logread *lr);

#endif
