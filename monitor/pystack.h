/* pystack: the Python stack of a stopped thread, read from outside the job.
 *
 * For CPython 3.11 (the statically linked Debian build and shared-libpython
 * builds alike): from _PyRuntime to the interpreter, to the thread state whose
 * native thread id is the thread's, to its frames (file, line, function).  An
 * interpreter whose layout is not understood gives -ENOTSUP: "unavailable",
 * never a guess.  Every read is bounded and every pointer checked.
 */
#ifndef PYSBX_PYSTACK_H
#define PYSBX_PYSTACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pyframe {
	char file[256];
	char func[128];   /* co_qualname */
	int line;         /* -1 when unknown */
};

/* What pystack needs to know about one address space; filled by
 * pystack_probe, opaque to callers. */
struct pystack_info {
	uint64_t runtime;   /* &_PyRuntime in the job */
	unsigned version;   /* PY_VERSION_HEX read from Py_Version */
	int layout;         /* which known layout, or -1 */
};

/* Checks that the interpreter in the address space of thread tid is one whose
 * layout pystack knows (runtime_addr: address of _PyRuntime; version_addr:
 * address of Py_Version; both from the loaded objects' symbols).  Returns 0
 * and fills info, or -ENOTSUP, or another negative errno. */
int pystack_probe(pid_t tid, uint64_t runtime_addr, uint64_t version_addr,
                  struct pystack_info *info);

/* Reads up to max frames, innermost first, of the Python thread running on
 * native thread tid.  Returns the number of frames (0: the thread runs no
 * Python code), or a negative errno (-ENOTSUP: layout not understood). */
int pystack_read(pid_t tid, const struct pystack_info *info, struct pyframe *out, size_t max);

#endif
