/* monitor: the state of one pysbx-trace run, shared by the event handlers. */
#ifndef PYSBX_MONITOR_H
#define PYSBX_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "monitor/decide.h"
#include "monitor/identity.h"
#include "monitor/landlock.h"
#include "monitor/options.h"
#include "monitor/pin.h"
#include "monitor/policy.h"
#include "monitor/tracee.h"

#define MAX_INTERPRETERS 16

struct file_id {
	dev_t dev;
	ino_t ino;
};

struct monitor {
	const struct options *opt;
	struct policy *policy;
	struct tracees t;
	struct job_view view;

	pid_t main_pid;          /* the process launched */
	int main_status;         /* its wait status, once main_done */
	bool main_done;
	pid_t own_pgrp;          /* pysbx-trace's process group: never the job's */
	uint64_t cp_addr;        /* where every process of the job gets its code page */

	/* the Python interpreters that started the job (policy: interpreter = yes) */
	struct file_id interp[MAX_INTERPRETERS];
	char *interp_prefix[MAX_INTERPRETERS];  /* its installation: /usr, a pyenv version */
	size_t n_interp;

	const struct landlock_plan *landlock;  /* the job's domain (landlock.h) */
	struct identity id;      /* denied programs by content; the job's start */
	struct pin pin;          /* the start-up on one CPU (pin.h) */
	unsigned long n_calls, n_denied;
	bool ending;             /* the job is being ended: by policy or a fatal error */
};

/* Decides a call with the live view; when the event log is on, the facts the
 * decision (or the argument check the policy skipped) asked are kept in
 * c->facts for the log. */
void monitor_decide(struct monitor *m, struct call *c, struct decision *d);

/* Ends the whole job now (SIGKILL to every process). */
void monitor_end_job(struct monitor *m, const char *why);
/* Whether a file is one of the job's interpreters. */
bool monitor_is_interpreter(const struct monitor *m, dev_t dev, ino_t ino);

#endif
