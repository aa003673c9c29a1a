/* pystack: the Python stack of a stopped thread, read from outside the job.
 *
 * For CPython 3.8 to 3.13, statically linked or with a shared libpython:
 * from _PyRuntime to the interpreters, to the thread state of the thread, to
 * its frames (file, line, function).  The version comes from the interpreter
 * (Py_Version, 3.11 on; before, the API functions each version added), the
 * layout from the interpreter's own _Py_DebugOffsets where it publishes them
 * (3.13) and from a table keyed by version otherwise (pystack_layout.h), and
 * is checked against the interpreter's type objects before it is used.  An
 * interpreter whose layout is not understood gives -ENOTSUP: "unavailable",
 * never a guess.  Every read is bounded and every pointer checked.
 */
#ifndef PYSBX_PYSTACK_H
#define PYSBX_PYSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "monitor/pystack_layout.h"

struct pyframe {
	char file[256];
	char func[128];   /* co_qualname (3.11 on), co_name before */
	int line;         /* -1 when unknown */
};

/* What pystack needs to know about one address space; filled by
 * pystack_probe, opaque to callers. */
struct pystack_info {
	uint64_t runtime;   /* &_PyRuntime in the job */
	unsigned version;   /* PY_VERSION_HEX (3.8-3.10: 0x030X0000, the micro
	                       version is not published) */
	int layout;         /* the minor version whose layout is used, or -1 */
	bool debug_offsets; /* the layout came from the interpreter's _Py_DebugOffsets ... */
	bool table_agrees;  /* ... and the table's row for its version says the same */
	/* the types every object read is checked against */
	uint64_t code_type, str_type, bytes_type, frame_type;
	struct pystack_layout lay;
};

/* The address of a symbol the interpreter's objects define in the job (the
 * executable or libpython), or 0. */
typedef uint64_t pystack_lookup_fn(void *ctx, const char *name);

/* Checks that the interpreter in the address space of thread tid is one whose
 * layout pystack knows, finding its symbols through lookup.  Returns 0 and
 * fills info; -EAGAIN when the interpreter is not loaded yet (no _PyRuntime:
 * probe again later); -ENOTSUP (info->version says which version, when it is
 * known); -ESRCH; or another negative errno. */
int pystack_probe(pid_t tid, pystack_lookup_fn *lookup, void *ctx, struct pystack_info *info);

/* Reads up to max frames, innermost first, of the Python thread running on
 * native thread tid (stopped by the caller, who traces it).  Returns the
 * number of frames (0: the thread runs no Python code), or a negative errno
 * (-ENOTSUP: layout not understood). */
int pystack_read(pid_t tid, const struct pystack_info *info, struct pyframe *out, size_t max);
/* The same for the Python thread of native thread owner, read through thread
 * tid: a vfork child (tid) runs in its parent's memory, on the stack of the
 * parent thread (owner) that is waiting in the same call, whose Python line
 * is the one that asked for the child's exec. */
int pystack_read_for(pid_t tid, pid_t owner, const struct pystack_info *info,
                     struct pyframe *out, size_t max);

#endif
