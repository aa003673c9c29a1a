/* bkpt: software breakpoints (see bkpt.h). */
#include "inject/bkpt.h"

#include "inject/arch.h"
#include "inject/mem.h"

int bkpt_insert(pid_t tid, int memfd, struct bkpt *b, uint64_t addr)
{
	uint8_t trap = ARCH_TRAP_BYTE;
	int rc = mem_read(tid, addr, &b->orig, 1);
	if (rc < 0)
		return rc;
	rc = mem_write(memfd, addr, &trap, 1);
	if (rc < 0)
		return rc;
	b->addr = addr;
	b->active = true;
	return 0;
}

int bkpt_remove(int memfd, struct bkpt *b)
{
	if (!b->active)
		return 0;
	b->active = false;
	return mem_write(memfd, b->addr, &b->orig, 1);
}

bool bkpt_hit(const struct bkpt *b, uint64_t pc)
{
	return b->active && pc - ARCH_TRAP_LEN == b->addr;
}
