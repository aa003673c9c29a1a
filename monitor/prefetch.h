/* prefetch: scans made while the job runs, ahead of the stop that needs them.
 *
 * A job's start-up stops it three times for scans: at the exec stop (the
 * interpreter, to know it is one, and its dynamic loader, to hook it) and at
 * the loader's first RT_CONSISTENT (every library mapped at start-up).  The
 * job sits stopped while they are made.  Yet the files are known earlier: the
 * program is named on the command line, its loader and libraries are in its
 * headers.  Scanned while the job's process is busy elsewhere (in the kernel's
 * exec, or in ld.so mapping and relocating), on the other core, they cost the
 * job nothing:
 *
 *     monitor   fork  scan python, ld.so   [exec stop]  scan libc, libm...      [RT_CONSISTENT]
 *     job             exec() in the kernel   (stopped)  ld.so maps, relocates       (stopped)
 *
 * A prefetched scan only goes into the scan cache, keyed by file identity
 * (device, inode, size, mtime, ctime).  The stop that needs a scan still looks
 * it up by the identity of the file actually mapped (/proc/PID/exe,
 * /proc/PID/map_files), so a wrong guess (another file, one rewritten since)
 * is a cache miss, scanned at the stop as before: prefetching can waste
 * time, never change a verdict.
 */
#ifndef PYSBX_MONITOR_PREFETCH_H
#define PYSBX_MONITOR_PREFETCH_H

#include "elfscan/elfscan.h"
#include "monitor/monitor.h"

/* Scans the program execvp() will run for argv0 (looked up in PATH like
 * execvp) and its program interpreter, as the exec stop will. */
void prefetch_program(const char *argv0);

/* Scans the libraries the loader will map for an executable (its DT_NEEDED,
 * then theirs, found the way ld.so looks: RPATH/RUNPATH with $ORIGIN, then the
 * system's library directories), with the options the first RT_CONSISTENT
 * scans them with.  exe_path is the executable's path (for $ORIGIN). */
void prefetch_libraries(const struct monitor *m, const struct elfscan_report *exe,
                        const char *exe_path);

#endif
