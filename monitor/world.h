/* world: the job_view decisions use, answered from the tracee table and /proc. */
#ifndef PYSBX_WORLD_H
#define PYSBX_WORLD_H

#include "monitor/monitor.h"

void world_init(struct monitor *m);

/* Absolute, symlink-free path of a path as process pid would see it (relative
 * paths against its cwd).  Returns a malloc'd string or NULL (errno set). */
char *world_realpath(pid_t pid, const char *path);

#endif
