/* replay: working on a recorded event log (--check-log, --learn, --report).
 *
 * Every decided call in a log carries its arguments, the calling object and
 * the facts its decision asked about the world (facts.h), so a call can be
 * decided again under another policy exactly as it was seen during the run.
 * Logs are read through logread.h, which refuses what is not a log and tells
 * whether it is complete and unaltered; every tool says so prominently.
 */
#ifndef PYSBX_REPLAY_H
#define PYSBX_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "monitor/call.h"
#include "monitor/facts.h"
#include "monitor/jsonw.h"
#include "monitor/logtools/jsonr.h"
#include "monitor/logtools/logread.h"
#include "monitor/policy.h"

/* Exit statuses of the log tools (pysbx-trace(1)). */
#define REPLAY_UNREADABLE 125   /* not a log; --learn: an altered log */
#define REPLAY_UNTRUSTED 2      /* --report, --check-log: altered or incomplete */

/* Rebuilds a call event into c (and its facts into f).  Returns 0, or -EINVAL
 * for an event that names no known function. */
int replay_call(const struct jval *ev, struct call *c, struct facts *f);
void replay_release(struct call *c, struct facts *f);

/* Decides a recorded call under policy p; *uncertain when the record lacked an
 * answer the new decision needed. */
void replay_decide(const struct policy *p, struct call *c, struct facts *f,
                   struct decision *d, bool *uncertain);

/* A recorded call as the monitor's stderr line shows it (callfmt.h), from
 * what (NULL: omitted) on, with the recorded reason, rule and Python line;
 * py: include the Python line. */
void replay_render(struct jw *b, const struct jval *ev, const char *what, bool py);

/* The log's name for people (escaped), in a static buffer. */
const char *replay_name(const char *path);

/* --check-log: prints the calls whose decision changes under p; returns 0
 * when none does, 1 when some do, REPLAY_UNTRUSTED when the log is altered or
 * incomplete, REPLAY_UNREADABLE when it cannot be read. */
int replay_check(const char *path, const struct policy *p, FILE *out);

/* --learn: writes the tightest policy that allows what the run did and never
 * more than p allows.  0, or REPLAY_UNREADABLE (also for an altered log). */
int replay_learn(const char *path, const struct policy *p, FILE *out);

enum report_format { REPORT_TEXT, REPORT_DOT, REPORT_HTML };

/* --report: a readable summary, a Graphviz picture, or a self-contained HTML
 * page.  0, REPLAY_UNTRUSTED or REPLAY_UNREADABLE. */
int replay_report(const char *path, enum report_format fmt, FILE *out);

#endif
