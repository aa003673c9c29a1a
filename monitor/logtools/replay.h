/* replay: working on a recorded event log (--check-log, --learn, --report).
 *
 * Every decided call in a log carries its arguments, the calling object and
 * the facts its decision asked about the world (facts.h), so a call can be
 * decided again under another policy exactly as it was seen during the run.
 */
#ifndef PYSBX_REPLAY_H
#define PYSBX_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "monitor/call.h"
#include "monitor/facts.h"
#include "monitor/logtools/jsonr.h"
#include "monitor/policy.h"

/* Calls fn for each event of the log, with its line number.  Malformed
 * lines are reported on stderr and skipped (a killed run may end with half a
 * line).  Returns 0, the first nonzero fn result, or a negative errno when the
 * file cannot be read. */
int replay_each(const char *path, int (*fn)(void *ctx, const struct jval *ev, size_t line),
                void *ctx);

/* Rebuilds a call event into c (and its facts into f).  Returns 0, or -EINVAL
 * for an event that names no known function. */
int replay_call(const struct jval *ev, struct call *c, struct facts *f);
void replay_release(struct call *c, struct facts *f);

/* Decides a recorded call under policy p; *uncertain when the record lacked an
 * answer the new decision needed. */
void replay_decide(const struct policy *p, struct call *c, struct facts *f,
                   struct decision *d, bool *uncertain);

/* --check-log: prints the calls whose decision changes under p; returns 0
 * when none does, 1 when some do, 125 when the log cannot be read. */
int replay_check(const char *path, const struct policy *p, FILE *out);

/* --learn: writes the tightest policy that allows what the run did. */
int replay_learn(const char *path, const struct policy *base, FILE *out);

/* --report: a readable summary, or (dot) a Graphviz picture of the process
 * tree with denials marked. */
int replay_report(const char *path, bool dot, FILE *out);

#endif
