/* Prints one row of monitor/pystack_layouts.c: the offsets pystack reads in a
 * CPython 3.8 ... 3.13, taken from that version's own headers.
 *
 * A maintainer's tool, not part of the build (the build machine has the
 * headers of one Python at most): to add a version or check a row,
 *
 *   cc -I$(python3.X -c 'import sysconfig; print(sysconfig.get_paths()["include"])') \
 *      -o layouts monitor/pystack-gen/layouts.c && ./layouts
 *
 * and compare with the table.  `make pystack-layouts` does it for every
 * interpreter it finds (monitor/pystack.mk), and tests/unit/test_pystack.c
 * checks every row against the live interpreters of the machine.
 *
 * Py_BUILD_CORE exposes the internal structs (_PyRuntimeState,
 * PyInterpreterState, _PyInterpreterFrame).  Bit-field positions
 * (PyASCIIObject.state) have no offsetof: they are found by setting each
 * field in a zeroed object and looking at which bits changed.
 */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <frameobject.h>
#if PY_MINOR_VERSION >= 11
#include <internal/pycore_frame.h>
#endif
#if PY_MINOR_VERSION >= 9
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>
#else
#include <internal/pycore_pystate.h>
#endif

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#if PY_MAJOR_VERSION != 3 || PY_MINOR_VERSION < 8 || PY_MINOR_VERSION > 13
#error "pystack knows CPython 3.8 to 3.13"
#endif

#define F(field, v) printf("\t\t.%s = %llu,\n", field, (unsigned long long)(v))
#define OFF(field, type, member) F(field, offsetof(type, member))
#define NONE(field) printf("\t\t.%s = PYOFF_NONE,\n", field)

/* Mask of one bit-field of PyASCIIObject.state, in the 32-bit word at
 * offsetof(state). */
#define STATE_BIT(field, ones)                                               \
	({                                                                   \
		PyASCIIObject o;                                             \
		uint32_t w;                                                  \
		memset(&o, 0, sizeof o);                                     \
		o.state.field = (ones);                                      \
		memcpy(&w, (char *)&o + offsetof(PyASCIIObject, state), 4);  \
		w;                                                           \
	})

int main(void)
{
	printf("\t{\t/* from the CPython %s headers */\n", PY_VERSION);
	F("minor", PY_MINOR_VERSION);
#if PY_MINOR_VERSION >= 11
	printf("\t\t.frames = PYFRAMES_INTERP,\n");
	printf("\t\t.lines = PYLINES_311,\n");
	F("lasti_unit", sizeof(_Py_CODEUNIT));
#elif PY_MINOR_VERSION == 10
	printf("\t\t.frames = PYFRAMES_OBJECT,\n");
	printf("\t\t.lines = PYLINES_310,\n");
	F("lasti_unit", sizeof(_Py_CODEUNIT));  /* f_lasti counts code units */
#else
	printf("\t\t.frames = PYFRAMES_OBJECT,\n");
	printf("\t\t.lines = PYLINES_LNOTAB,\n");
	F("lasti_unit", 1);                      /* f_lasti counts bytes */
#endif

	/* every object */
	OFF("ob_type", PyObject, ob_type);
	OFF("ob_size", PyVarObject, ob_size);
	OFF("tp_name", PyTypeObject, tp_name);
	OFF("tp_basicsize", PyTypeObject, tp_basicsize);
	OFF("tp_itemsize", PyTypeObject, tp_itemsize);
	OFF("tp_flags", PyTypeObject, tp_flags);

	/* _PyRuntime, PyInterpreterState */
	OFF("rt_interp_head", _PyRuntimeState, interpreters.head);
	OFF("is_next", PyInterpreterState, next);
#if PY_MINOR_VERSION >= 11
	OFF("is_threads_head", PyInterpreterState, threads.head);
#else
	OFF("is_threads_head", PyInterpreterState, tstate_head);
#endif
#if PY_MINOR_VERSION >= 9
	OFF("is_runtime", PyInterpreterState, runtime);
#else
	NONE("is_runtime");
#endif

	/* PyThreadState */
	OFF("ts_prev", PyThreadState, prev);
	OFF("ts_next", PyThreadState, next);
	OFF("ts_interp", PyThreadState, interp);
#if PY_MINOR_VERSION >= 13
	OFF("ts_frame", PyThreadState, current_frame);
	NONE("cf_current_frame");
#elif PY_MINOR_VERSION >= 11
	OFF("ts_frame", PyThreadState, cframe);
	OFF("cf_current_frame", _PyCFrame, current_frame);
#else
	OFF("ts_frame", PyThreadState, frame);
	NONE("cf_current_frame");
#endif
	OFF("ts_thread_id", PyThreadState, thread_id);
#if PY_MINOR_VERSION >= 11
	OFF("ts_native_thread_id", PyThreadState, native_thread_id);
#else
	NONE("ts_native_thread_id");
#endif

	/* frames */
#if PY_MINOR_VERSION >= 11
#if PY_MINOR_VERSION >= 13
	OFF("fr_code", _PyInterpreterFrame, f_executable);
	OFF("fr_instr", _PyInterpreterFrame, instr_ptr);
#else
	OFF("fr_code", _PyInterpreterFrame, f_code);
	OFF("fr_instr", _PyInterpreterFrame, prev_instr);
#endif
	OFF("fr_previous", _PyInterpreterFrame, previous);
	OFF("fr_owner", _PyInterpreterFrame, owner);
	OFF("fr_size", _PyInterpreterFrame, localsplus);
	F("owned_by_generator", FRAME_OWNED_BY_GENERATOR);
#if PY_MINOR_VERSION >= 12
	F("owned_by_cstack", FRAME_OWNED_BY_CSTACK);
	F("owner_max", FRAME_OWNED_BY_CSTACK);
#else
	NONE("owned_by_cstack");
	F("owner_max", FRAME_OWNED_BY_FRAME_OBJECT);
#endif
	NONE("frame_basicsize");
#else
	OFF("fr_code", PyFrameObject, f_code);
	OFF("fr_instr", PyFrameObject, f_lasti);
	OFF("fr_previous", PyFrameObject, f_back);
	NONE("fr_owner");
	F("fr_size", offsetof(PyFrameObject, f_lasti) + sizeof(int));
	NONE("owned_by_generator");
	NONE("owned_by_cstack");
	F("owner_max", 0);
	F("frame_basicsize", sizeof(PyFrameObject));
#endif

	/* PyCodeObject: from 3.11 on a variable-size object whose code units
	 * start at co_code_adaptive (its type's basicsize) */
#if PY_MINOR_VERSION >= 11
	OFF("co_basicsize", PyCodeObject, co_code_adaptive);
#else
	F("co_basicsize", sizeof(PyCodeObject));
#endif
	OFF("co_firstlineno", PyCodeObject, co_firstlineno);
	OFF("co_filename", PyCodeObject, co_filename);
#if PY_MINOR_VERSION >= 11
	OFF("co_name", PyCodeObject, co_qualname);
	OFF("co_linetable", PyCodeObject, co_linetable);
	OFF("co_firsttraceable", PyCodeObject, _co_firsttraceable);
	OFF("co_code_adaptive", PyCodeObject, co_code_adaptive);
	F("co_itemsize", sizeof(_Py_CODEUNIT));
#else
	OFF("co_name", PyCodeObject, co_name);
#if PY_MINOR_VERSION == 10
	OFF("co_linetable", PyCodeObject, co_linetable);
#else
	OFF("co_linetable", PyCodeObject, co_lnotab);
#endif
	NONE("co_firsttraceable");
	NONE("co_code_adaptive");
	F("co_itemsize", 0);
#endif

	/* bytes: its type's basicsize counts the terminating NUL */
	OFF("bytes_sval", PyBytesObject, ob_sval);
	F("bytes_basicsize", offsetof(PyBytesObject, ob_sval) + 1);

	/* str: PyASCIIObject, PyCompactUnicodeObject, PyUnicodeObject */
	F("str_basicsize", sizeof(PyUnicodeObject));
	OFF("str_length", PyASCIIObject, length);
	OFF("str_state", PyASCIIObject, state);
	F("str_ascii_size", sizeof(PyASCIIObject));
	F("str_compact_size", sizeof(PyCompactUnicodeObject));
	OFF("str_data_any", PyUnicodeObject, data.any);
	printf("\t\t.state_kind = 0x%x,\n", STATE_BIT(kind, 7));
	printf("\t\t.state_compact = 0x%x,\n", STATE_BIT(compact, 1));
	printf("\t\t.state_ascii = 0x%x,\n", STATE_BIT(ascii, 1));
#if PY_MINOR_VERSION >= 12
	printf("\t\t.state_ready = 0,\n");  /* every str is ready */
#else
	printf("\t\t.state_ready = 0x%x,\n", STATE_BIT(ready, 1));
#endif
	printf("\t},\n");
	return ferror(stdout) ? 1 : 0;
}
