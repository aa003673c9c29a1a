/* pystack_layout: where CPython 3.8 ... 3.13 keep what pystack reads.
 *
 * One row per minor version (monitor/pystack_layouts.c), printed from that
 * version's headers by monitor/pystack-gen/layouts.c and checked against the
 * live interpreters of the machine by tests/unit/test_pystack.c.  A 3.13
 * interpreter publishes most of its row itself (_Py_DebugOffsets at the start
 * of _PyRuntime): pystack_probe takes those values from the interpreter and
 * keeps the table only for what it does not publish.
 *
 * Offsets are bytes from the start of the object; PYOFF_NONE marks a field
 * the version does not have.
 */
#ifndef PYSBX_PYSTACK_LAYOUT_H
#define PYSBX_PYSTACK_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define PYOFF_NONE UINT32_MAX

/* How a thread's frames are chained. */
enum {
	/* 3.8-3.10: PyFrameObject (a heap object of type PyFrame_Type) linked
	 * by f_back; f_lasti is an int, in bytes or code units (lasti_unit) */
	PYFRAMES_OBJECT = 1,
	/* 3.11-: _PyInterpreterFrame on the thread's data stack, linked by
	 * previous; a pointer into the code's units (prev_instr, 3.13
	 * instr_ptr), an owner byte */
	PYFRAMES_INTERP,
};

/* The location table format (pystack_decode.h). */
enum {
	PYLINES_LNOTAB = 1,  /* 3.8-3.9 co_lnotab */
	PYLINES_310,         /* 3.10 co_linetable */
	PYLINES_311,         /* 3.11- co_linetable */
};

struct pystack_layout {
	uint32_t minor;              /* 3.minor */
	uint32_t frames, lines;      /* PYFRAMES_*, PYLINES_* */
	uint32_t lasti_unit;         /* bytes per step of the frame's instruction index */

	/* PyObject, PyVarObject, PyTypeObject */
	uint32_t ob_type, ob_size;
	uint32_t tp_name, tp_basicsize, tp_itemsize, tp_flags;

	/* _PyRuntime.interpreters.head; PyInterpreterState */
	uint32_t rt_interp_head;
	uint32_t is_next, is_threads_head;
	uint32_t is_runtime;         /* back to _PyRuntime (3.9-) */

	/* PyThreadState */
	uint32_t ts_prev, ts_next, ts_interp;
	uint32_t ts_frame;           /* the innermost frame, or (3.11, 3.12) its _PyCFrame ... */
	uint32_t cf_current_frame;   /* ... whose current_frame is */
	uint32_t ts_thread_id;       /* pthread_self() of the thread */
	uint32_t ts_native_thread_id;  /* its kernel thread id (3.11-) */

	/* a frame: PyFrameObject or _PyInterpreterFrame */
	uint32_t fr_code;            /* f_code (3.13: f_executable) */
	uint32_t fr_instr;           /* f_lasti (int), prev_instr or instr_ptr (pointer) */
	uint32_t fr_previous;        /* f_back, previous */
	uint32_t fr_owner;           /* owner (char) */
	uint32_t fr_size;            /* bytes of a frame read */
	uint32_t owned_by_generator, owned_by_cstack, owner_max;
	uint32_t frame_basicsize;    /* PyFrame_Type's tp_basicsize (PYFRAMES_OBJECT) */

	/* PyCodeObject */
	uint32_t co_basicsize, co_itemsize;  /* PyCode_Type's */
	uint32_t co_firstlineno, co_filename;
	uint32_t co_name;            /* co_qualname where there is one (3.11-) */
	uint32_t co_linetable;       /* co_lnotab before 3.10 */
	uint32_t co_firsttraceable;  /* 3.11- */
	uint32_t co_code_adaptive;   /* the code units, inline (3.11-) */

	/* PyBytesObject */
	uint32_t bytes_sval, bytes_basicsize;

	/* str: PyASCIIObject, PyCompactUnicodeObject, PyUnicodeObject */
	uint32_t str_basicsize;
	uint32_t str_length, str_state;
	uint32_t str_ascii_size, str_compact_size, str_data_any;
	uint32_t state_kind, state_compact, state_ascii, state_ready;  /* masks; ready 0: none (3.12-) */
};

/* The table's row for CPython 3.minor, or NULL. */
const struct pystack_layout *pystack_layout_for(unsigned minor);

/* Every row, for tests. */
extern const struct pystack_layout pystack_layouts[];
extern const size_t pystack_n_layouts;

#endif
