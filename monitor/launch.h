/* launch: starting the job under ptrace.
 *
 *   clone(CLONE_UNTRACED) --> child: own process group, dies with pysbx-trace,
 *                                    waits on a pipe
 *        --> parent: PTRACE_SEIZE (options inherited by every descendant),
 *            makes itself undumpable, hands the terminal to the job's group,
 *            releases the child
 *        --> child: --user's identity, capabilities dropped, no_new_privs and
 *            the Landlock domain, then execvp(PROGRAM): the first exec stop
 *            is the loop's
 *
 * The child is traced before it execs anything, so no instruction of the job
 * runs unwatched.  CLONE_UNTRACED keeps a tracer of pysbx-trace itself
 * (strace -f, gdb) from taking the child first.  The child is dumpable until
 * the seize: a tracer without CAP_SYS_PTRACE may only seize a dumpable
 * process, and pysbx-trace turns undumpable only after.  A failure in the
 * child (its exec, the domain, the identity) comes back through a
 * close-on-exec pipe.
 */
#ifndef PYSBX_LAUNCH_H
#define PYSBX_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "monitor/landlock.h"

/* --user: the identity the job runs with. */
struct run_as {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int n_groups;
};

/* What the child does before its exec, and where it went wrong. */
enum launch_stage { STAGE_EXEC, STAGE_USER, STAGE_LANDLOCK, STAGE_FDS };

struct launch {
	pid_t pid;         /* the job's first process */
	int exec_errno;    /* set when the child failed before or at its exec ... */
	enum launch_stage stage;  /* ... at this stage */
	int tty;           /* the terminal handed to the job, or -1 */
	pid_t tty_pgrp;    /* the terminal's foreground group before */
	int report;        /* the child's failure comes through it; EOF: it exec'd */
};

struct launch_cfg {
	char **argv;
	long ptrace_opts;
	const struct landlock_plan *landlock;  /* NULL: none */
	const struct run_as *user;             /* NULL: pysbx-trace's own */
	bool audit;                            /* keep the job's capabilities */
};

/* Starts the job and releases it into its exec.  Returns 0, or a negative
 * errno when pysbx-trace itself failed (nothing of the job is left running).
 * The caller may work while the exec runs, then calls launch_wait_exec(). */
int launch_job(const struct launch_cfg *cfg, struct launch *l);
/* Waits until the exec has happened or failed; sets l->exec_errno. */
void launch_wait_exec(struct launch *l);
/* Gives the terminal back to pysbx-trace's group after the job. */
void launch_restore_tty(const struct launch *l);
/* Why PTRACE_SEIZE of the child failed with err, and what to do about it:
 * a sentence for the user (Yama, a seccomp profile, another tracer). */
const char *launch_seize_advice(int err);

#endif
