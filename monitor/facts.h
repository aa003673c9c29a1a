/* facts: what a decision asked about the world, and the answers.
 *
 * Recorded with every decided call in the event log, so that --check-log can
 * decide the call again under another policy exactly as it was seen: the
 * replaying view answers from the record.  A question the record cannot
 * answer (a stricter policy asks something the run never asked) is answered
 * the cautious way and the re-decision is marked uncertain.
 */
#ifndef PYSBX_FACTS_H
#define PYSBX_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/decide.h"
#include "monitor/logtools/jsonr.h"
#include "monitor/jsonw.h"

#define FACTS_MAX 48

enum fact_kind { FACT_IN_JOB, FACT_PGRP_IN_JOB, FACT_PGRP_OF, FACT_PIDFD, FACT_RESOLVE,
                 FACT_SCRIPT, FACT_CODEPAGE, FACT_EXISTS, FACT_WRITE_TARGET,
                 FACT_SOCKET_TARGET, FACT_SIGIO_OWNER,
                 FACT_TTY_TARGET };

struct fact {
	enum fact_kind kind;
	long a, b;          /* pid / pgid / caller, fd */
	char *word;         /* resolve: the word; script: the path */
	bool search;        /* resolve: PATH search */
	long answer;        /* bool, pid or pgid, or resolve's return */
	char *resolved;     /* resolve */
	bool interpreter, fresh;
	char *known_as;
	uint64_t lo, hi;    /* codepage */
};

struct facts {
	struct fact v[FACTS_MAX];
	size_t n;
	const struct job_view *inner;  /* recording: the live view */
	bool missing;                   /* replaying: a question had no recorded answer */
	char *known_as;                 /* replaying: the program's, kept alive here */
};

/* A view that asks f->inner and records each answer in f. */
struct job_view facts_recorder(struct facts *f, const struct job_view *inner);
/* A view that answers from f (filled by facts_from_json). */
struct job_view facts_replayer(struct facts *f);

void facts_to_json(const struct facts *f, struct jw *j);
int facts_from_json(struct facts *f, const struct jval *arr);
void facts_free(struct facts *f);

#endif
