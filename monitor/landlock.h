/* landlock: what the kernel holds the job to, whatever code it runs.
 *
 * pysbx-trace builds a Landlock ruleset before it starts the job; the
 * launched child enforces it on itself before its first exec, so every
 * process of the job, root or not, lives in that domain and cannot leave it:
 *
 *   - the file-system write set: files may be written, created, removed,
 *     renamed, linked or truncated only under the paths of [files] write
 *     (default: the working directory unless it is a home or system
 *     directory, $TMPDIR, /tmp, /var/tmp, /dev/shm, a few devices and the
 *     job's terminal).  /proc is outside it: no /proc/<pid>/mem, /proc/sys.
 *   - ptrace and /proc/<pid>/mem of processes outside the domain (ABI 1);
 *   - signals (kill, pidfds, SIGIO through F_SETOWN) and abstract unix
 *     sockets reaching outside the domain (ABI 6 scopes).
 *
 * pysbx-trace itself stays outside: it may still trace, signal and write the
 * job.  Rights the kernel's ABI does not know are said once (the notes) and,
 * where a filter rule exists for them, left to the filter.
 */
#ifndef PYSBX_LANDLOCK_H
#define PYSBX_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "monitor/policy.h"

struct landlock_plan {
	int abi;             /* the kernel's Landlock ABI; 0: none */
	int ruleset;         /* the ruleset to enforce, or -1 */
	bool scoped_signals; /* ABI 6: the kernel keeps signals inside the job */
	char **write;        /* the write set, resolved (for people, the log and checks) */
	size_t n_write;
	char notes[512];     /* what is not enforced and why; "" when everything is */
};

/* Who the job is: used to find home directories, which the job may not write
 * even when it starts in one. */
struct landlock_who {
	uid_t uid;           /* the job's user (--user), else pysbx-trace's */
	const char *home;    /* that user's home, or NULL */
};

/* Builds the ruleset for policy p.  Returns 0 (plan->ruleset may still be -1
 * when the kernel has no Landlock: see plan->notes), or a negative errno with
 * a message in err. */
int landlock_prepare(const struct policy *p, const struct landlock_who *who,
                     struct landlock_plan *plan, char *err, size_t errlen);
/* In the launched child, before its exec: no_new_privs, then the domain.
 * Returns 0 or a negative errno. */
int landlock_enforce(const struct landlock_plan *plan);
/* Whether the job may write path (resolved by the caller) under the plan. */
bool landlock_may_write(const struct landlock_plan *plan, const char *path);
void landlock_free(struct landlock_plan *plan);

/* Whether dir is one the job must not write even when it is its working
 * directory: /, a system directory, a home directory or one holding homes. */
bool landlock_home_or_system(const char *dir, const struct landlock_who *who);

#endif
