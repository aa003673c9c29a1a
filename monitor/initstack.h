/* initstack: a new image's arguments, environment and execfn, read from its
 * stack at the exec stop.
 *
 * At the exec stop the kernel has laid out the new stack and run nothing on
 * it: at the stack pointer argc, the argv and envp pointers, the auxiliary
 * vector, and above them the strings themselves, argv's and envp's each in
 * one contiguous run (what /proc/<pid>/cmdline and environ show).  One read
 * of that region replaces reading three /proc files (a dozen system calls a
 * child).  Everything read is checked: pointers must fall inside what was
 * read, strings must end there, the runs must be contiguous; anything else is
 * an error and the caller reads /proc instead.
 */
#ifndef PYSBX_MONITOR_INITSTACK_H
#define PYSBX_MONITOR_INITSTACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define INITSTACK_WINDOW (64u * 1024u)  /* read from the stack pointer up */

struct initstack {
	const char *buf;      /* the bytes read, buf[0] at address sp */
	size_t len;
	uint64_t sp;
	const char *args;     /* argv strings, each NUL-terminated, like cmdline */
	size_t args_len;
	const char *env;      /* envp strings, like environ */
	size_t env_len;
	uint64_t env_addr;    /* where env is in the process (0 when empty) */
	const char *execfn;   /* AT_EXECFN's string, or NULL when absent */
};

/* Parses s->buf/len/sp (set by the caller).  0, or -E2BIG when something
 * lies beyond what was read, -EINVAL when the layout is not an initial
 * stack's. */
int initstack_parse(struct initstack *s);

/* Reads up to INITSTACK_WINDOW bytes of pid's memory from sp into buf (at
 * least that large) and parses them.  The results point into buf. */
int initstack_read(pid_t pid, uint64_t sp, char *buf, struct initstack *s);

#endif
