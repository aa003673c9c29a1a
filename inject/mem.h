/* mem: reading and writing a stopped tracee's memory.
 *
 * Reads use process_vm_readv (one system call, no descriptor), or
 * /proc/<tid>/mem where that is refused (mem_probe), and never cross into a
 * page they were not asked for, so a string that ends just before an
 * unmapped page reads fine and a pointer into unmapped memory gives -EFAULT.
 * Writes go through /proc/<pid>/mem, which (unlike process_vm_writev) writes
 * through read-only mappings: code, full-RELRO GOTs and the code page.
 *
 * Errors: -EFAULT the address is not readable, -ESRCH the tracee is gone,
 * -ENAMETOOLONG a string has no terminator within the bound.
 */
#ifndef PYSBX_MEM_H
#define PYSBX_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Finds out once how reads work here; returns "process_vm_readv" or
 * "/proc/PID/mem" (for the start event). */
const char *mem_probe(void);
/* Drops what mem keeps for thread tid: call at its exec and its exit (a
 * /proc/<tid>/mem descriptor stays bound to the old address space). */
void mem_forget(pid_t tid);

int mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);
/* Reads [addr, addr + len) up to the first page that cannot be read; returns
 * the bytes read (> 0) or a negative errno. */
ssize_t mem_read_upto(pid_t tid, uint64_t addr, void *buf, size_t len);
int mem_read_word(pid_t tid, uint64_t addr, uint64_t *word);

/* Reads a NUL-terminated string of at most cap-1 bytes into buf (cap >= 1).
 * Returns its length, or a negative errno. */
ssize_t mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t cap);

/* Opens /proc/<pid>/mem for writing (close-on-exec).  The descriptor stays
 * bound to the address space it was opened on: reopen after an exec. */
int mem_open(pid_t pid);
int mem_write(int memfd, uint64_t addr, const void *buf, size_t len);
int mem_write_word(int memfd, uint64_t addr, uint64_t word);

#endif
