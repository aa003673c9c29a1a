/* decide: every decision, for every layer, in one place.
 *
 * Pure code over a decoded call, the policy, and a narrow view of the job's
 * world (which processes are the job's, how a program name resolves), so the
 * same function judges a GOT trap, a system call and an exec stop, and unit
 * tests can judge made-up calls.
 */
#ifndef PYSBX_DECIDE_H
#define PYSBX_DECIDE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "monitor/call.h"
#include "monitor/policy.h"

enum verdict { V_ALLOW, V_DENY, V_KILL };

struct decision {
	enum verdict verdict;
	const struct rule *rule;   /* the policy line that decided */
	const char *on_behalf;     /* the object on the stack whose [module] rule decided,
	                              when not the caller; NULL otherwise */
	char why[256];             /* a short reason, for people */
	int err;                   /* a denial's errno: the kernel's own answer where pysbx
	                              has no reason of its own (ESRCH, EBADF); 0 is EPERM */
};

/* What a decision may ask about the world.  All callbacks are required. */
struct job_view {
	void *ctx;
	/* pid (a process or thread id) belongs to the job's tree */
	bool (*in_job)(void *ctx, pid_t pid);
	/* every member of process group pgid belongs to the job (pgid > 0) */
	bool (*pgrp_in_job)(void *ctx, pid_t pgid);
	/* process group of the caller (for kill(0, ...)) */
	pid_t (*pgrp_of)(void *ctx, pid_t pid);
	/* the process a pidfd of the caller refers to, or -1 */
	pid_t (*pidfd_pid)(void *ctx, pid_t caller, int fd);
	/* resolves a program word as the caller's exec would (PATH search when it
	 * has no slash), filling prog->resolved / prog->interpreter; 0 or -ENOENT */
	int (*resolve)(void *ctx, pid_t caller, const char *word, bool path_search,
	               struct program *prog);
	/* a shell's script operand names a regular file (relative to the caller's cwd) */
	bool (*is_script)(void *ctx, pid_t caller, const char *path);
	/* the code page of the caller's address space, [*lo, *hi); false if none */
	bool (*codepage)(void *ctx, pid_t caller, uint64_t *lo, uint64_t *hi);
	/* reads len bytes of the caller's memory (thread tid); 0 or -errno.  May be
	 * NULL (replaying a log: no memory to read, the check denies) */
	int (*read_mem)(void *ctx, pid_t tid, uint64_t addr, void *buf, size_t len);
	/* a process (pid > 0) or process group (-pgid) exists at all */
	bool (*exists)(void *ctx, pid_t pid);
	/* the file path names relative to dirfd (AT_FDCWD: the cwd), or dirfd
	 * itself when path is NULL, as the caller would resolve it: 0 in the
	 * job's write set (or no write set holds the job), 1 outside it, -errno
	 * when it cannot be resolved.  May be NULL (the check denies) */
	int (*write_target)(void *ctx, pid_t caller, int dirfd, const char *path, bool nofollow);
	/* a named unix socket path (absolute, as pinned) as the caller's connect
	 * would reach it: 0 a socket a process of the job is bound to (or no
	 * write set holds the job), 1 another one, -errno when connect would
	 * find none.  May be NULL (the check denies) */
	int (*socket_target)(void *ctx, pid_t caller, const char *path);
	/* the SIGIO owner of the caller's descriptor fd: 0 none, or a process
	 * or group of the job; 1 outside the job; -errno when it cannot be
	 * told (-EBADF: no such descriptor).  May be NULL (the check denies) */
	int (*sigio_owner)(void *ctx, pid_t caller, int fd);
	/* the terminal behind the caller's descriptor fd (a master: its slave):
	 * 0 when the signals it sends its foreground group can reach only the
	 * job (that group is the job's; or it has none; or no process pysbx
	 * can see has it as controlling terminal and a job process holds its
	 * master), 1 otherwise, -errno (-ENOTTY:
	 * no terminal, -EBADF).  May be NULL (the check denies) */
	int (*tty_target)(void *ctx, pid_t caller, int fd);
};

/* The errno a denied call gets: the decision's, else EPERM. */
static inline int decision_errno(const struct decision *d)
{
	return d->err ? d->err : EPERM;
}

/* Decides a call.  Always fills d; denies when anything needed is missing. */
void decide_call(const struct policy *p, const struct call *c, const struct job_view *v,
                 struct decision *d);

/* Whether the untrusted objects on the call's stack could make its decision
 * stricter: some [module] section gives the function a stricter action than
 * the caller's own rule.  Only then is the stack walked. */
bool decide_stack_matters(const struct policy *p, const struct call *c);

/* The system-call argument holding the path of a metadata call (chmod,
 * chown, setxattr, utimes...: CK_META), or -1 when it names its file by a
 * descriptor only.  The system-call layer pins it (argpin.h). */
int decide_meta_path(int fid);

/* The size of the value at argument 2 that the check of fcntl or ioctl
 * (funcs[fid], command or request cmd) reads from the job's memory: a
 * process or group id, FIOASYNC's flag, struct f_owner_ex; 0 when it reads
 * none.  The system-call layer pins it (argpin.h): another thread of the job
 * could change it between the check and the kernel's read. */
size_t decide_owner_arg(int fid, uint64_t cmd);

/* Decides a program (exec-like calls and exec stops): deny list, shells,
 * allowed directories, the interpreter.  Returns true when allowed. */
bool decide_program(const struct policy *p, const struct program *prog,
                    const struct job_view *v, pid_t caller, struct decision *d);

/* Whether an allowed program's verdict rests on the file alone: found, not
 * created during the job, not a shell (whose verdict depends on how it was
 * asked to read commands).  Such a path may be allowed again without asking
 * (codepage.h: the exec fast path). */
bool decide_program_plain(const struct policy *p, const struct program *prog);

/* The argument check alone, whatever the policy's action: run to record what
 * a check would have asked (facts.h). */
void decide_args(const struct policy *p, const struct call *c, const struct job_view *v,
                 struct decision *d);

const char *verdict_name(enum verdict v);

#endif
