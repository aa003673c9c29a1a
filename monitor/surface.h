/* surface: the system calls a job may make at all.
 *
 * The seccomp filter is default-deny: a system call runs only when it is on
 * this allow-list, or is one of the dangerous functions of funcs.h (decided by
 * the policy, with argument rules where they decide).  Everything else -- a
 * call that reaches outside the process (perf_event_open, userfaultfd, kcmp,
 * process_madvise, the new mount API, keyrings, ...), an obsolete one, and
 * every call a newer kernel adds -- is refused with ENOSYS and reported once
 * per call number.  The list was drawn from Docker's default profile and
 * systemd's @system-service group, cut down to what Python workloads were
 * seen making (perf/syscall-survey/), each entry reviewed for what it can
 * reach.
 */
#ifndef PYSBX_SURFACE_H
#define PYSBX_SURFACE_H

#include <stdbool.h>
#include <stddef.h>

struct surface_call {
	const char *name;
	int nr;            /* x86-64 number, for calls newer than libseccomp's tables */
};

/* The allow-list. */
extern const struct surface_call surface_allowed[];
extern const size_t surface_allowed_count;

/* The system call number of an allow-list entry, or -1 when it does not
 * exist here. */
int surface_nr(const struct surface_call *c);
/* Whether nr is on the allow-list (linear: used only at stops). */
bool surface_is_allowed(long nr);
/* A system call's name for messages ("syscall 1234" when unknown); buf has
 * room for 32 bytes. */
const char *surface_name(long nr, char *buf);

#endif
