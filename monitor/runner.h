/* runner: programs that run another program without exec'ing it.
 *
 * The dynamic loader run as a program (ld.so PROGRAM), valgrind and
 * qemu-user load PROGRAM themselves: the exec stop sees only the runner.
 * pysbx reads the runner's command line the way the runner does and judges
 * PROGRAM as if it had been exec'd; a command line it cannot read that way
 * is refused.  The runner opens PROGRAM by its name after the exec stop, so
 * the name must be one the job cannot change meanwhile: absolute, and with
 * no directory on the way (nor any directory a symlink leads through) in
 * the job's write set.
 */
#ifndef PYSBX_RUNNER_H
#define PYSBX_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "elfscan/elfscan.h"

enum runner_kind { RUNNER_NONE, RUNNER_LDSO, RUNNER_VALGRIND, RUNNER_QEMU };

struct runner_target {
	size_t prog;          /* index of PROGRAM in argv */
	const char *argv0;    /* the argv[0] PROGRAM gets (ld.so --argv0), or NULL */
	bool loads_code;      /* libraries ahead of PROGRAM: --preload, --audit, --library-path */
	const char *why;      /* when PROGRAM cannot be found: why */
};

/* Which runner an image is: the dynamic loader by what it is (no program
 * interpreter of its own, defines _dl_debug_state), the others by name. */
enum runner_kind runner_kind(const struct elfscan_report *img, const char *exe);
/* Finds PROGRAM in the runner's argv.  0, or -1 with t->why set. */
int runner_parse(enum runner_kind k, char *const argv[], size_t argc, struct runner_target *t);
const char *runner_name(enum runner_kind k);

#endif
