/* launch: starting the job under ptrace.
 *
 *   fork --> child: own process group, dies with pysbx-trace, waits on a pipe
 *        --> parent: PTRACE_SEIZE (options inherited by every descendant),
 *            hands the terminal to the job's group, releases the child
 *        --> child: execvp(PROGRAM) -- the first exec stop is the loop's
 *
 * The child is traced before it execs anything, so no instruction of the job
 * runs unwatched.  A failed exec is reported through a close-on-exec pipe.
 */
#ifndef PYSBX_LAUNCH_H
#define PYSBX_LAUNCH_H

#include <sys/types.h>

struct launch {
	pid_t pid;        /* the job's first process */
	int exec_errno;   /* set when PROGRAM could not be executed */
	int tty;          /* the terminal handed to the job, or -1 */
	pid_t tty_pgrp;   /* the terminal's foreground group before */
	int report;       /* the failed exec's errno comes through it; EOF: it ran */
};

/* Starts the job and releases it into its exec.  Returns 0, or a negative
 * errno when pysbx-trace itself failed (nothing of the job is left running).
 * The caller may work while the exec runs, then calls launch_wait_exec(). */
int launch_job(char **argv, long ptrace_opts, struct launch *l);
/* Waits until the exec has happened or failed; sets l->exec_errno. */
void launch_wait_exec(struct launch *l);
/* Gives the terminal back to pysbx-trace's group after the job. */
void launch_restore_tty(const struct launch *l);

#endif
