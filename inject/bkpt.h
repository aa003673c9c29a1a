/* bkpt: software breakpoints in a tracee's code (one trap byte, original kept). */
#ifndef PYSBX_BKPT_H
#define PYSBX_BKPT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct bkpt {
	uint64_t addr;
	uint8_t orig;    /* the byte the trap replaced */
	bool active;
};

int bkpt_insert(pid_t tid, int memfd, struct bkpt *b, uint64_t addr);
int bkpt_remove(int memfd, struct bkpt *b);
/* Whether a trap that left a thread at pc came from this breakpoint. */
bool bkpt_hit(const struct bkpt *b, uint64_t pc);

#endif
