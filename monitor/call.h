/* call: one intercepted call, its arguments read from outside and decoded.
 *
 * The layers (GOT trap, system-call stop, exec stop) fill one of these; the
 * decision code and the log only ever look at this, never at the tracee.
 */
#ifndef PYSBX_CALL_H
#define PYSBX_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "monitor/pystack.h"

struct facts;

enum layer { LAYER_GOT, LAYER_SYSCALL, LAYER_EXEC };

/* Bounds on what is read from the tracee.  Longer is a deny, not a truncation. */
#define CALL_MAX_STR   (128u * 1024u)  /* MAX_ARG_STRLEN: no exec takes a longer string */
#define CALL_MAX_PATH  4096u
#define CALL_MAX_VEC   (256u * 1024u)  /* strings in one vector */
#define CALL_MAX_VEC_BYTES (4u << 20)
#define CALL_MAX_ARGS  8

struct call_arg {
	char fmt;        /* format character (funcs.h) */
	uint64_t raw;    /* the register or stack word */
	int err;         /* 0, or the negative errno met while reading it */
	char *str;       /* c, P, s: the string */
	char **vec;      /* v, l: NULL-terminated copy */
	size_t n;        /* number of strings in vec */
	int64_t num;     /* i, u, x, f: the value; T: the timex modes field */
};

/* The program an exec-like call or an exec would run, seen from the caller. */
struct program {
	char *given;       /* as the call named it (path, file name, /dev/fd/N) */
	char *resolved;    /* absolute path of the file, symlinks resolved; NULL if none */
	char **argv;       /* not owned */
	size_t argc;
	bool interpreter;  /* the same file as the job's Python interpreter */
	bool fresh;        /* created or changed after the job started */
	const char *known_as;  /* a copy of this denied program or shell (by content) */
	char *image;       /* exec stop: the image actually loaded, if it differs
	                      from resolved (a script's interpreter) */
};

/* One native frame (-b). */
struct btframe {
	uint64_t pc;
	const char *object;   /* the loaded object holding pc (owned by the aspace), or NULL */
	char symbol[128];     /* "" when unknown */
	uint64_t offset;      /* pc - symbol */
};

/* An untrusted object on the calling thread's native stack, beyond the
 * direct caller: its [module] rules bind the call too (decide.c). */
struct stack_object {
	const char *path;    /* owned by the aspace; NULL: code in no loaded object */
	bool extension;      /* an extension module or a library one needs */
};

#define CALL_MAX_STACK_OBJECTS 16

struct call {
	enum layer layer;
	int func;             /* funcs[] index */
	int outer;            /* reached through syscall(): that entry's index, else -1 */
	pid_t pid, tid;
	const char *object;   /* calling object: the GOT slot's, or the one holding the
	                         instruction pointer at a system-call stop; or NULL */
	bool handed_out;      /* through a pointer dlsym handed out (ctypes, cffi) */
	bool object_trusted;  /* the calling object's verdict is trusted */
	bool object_extension;  /* it is an untrusted extension module or a library
	                           one needs ([module extensions]) */
	/* Attribution: the untrusted objects on the stack beyond the caller,
	 * innermost first, each once.  Walked only when a [module] rule could
	 * make the decision stricter (backtrace_attribute). */
	struct stack_object stack[CALL_MAX_STACK_OBJECTS];
	size_t n_stack;
	bool stack_walked;
	size_t nargs;
	struct call_arg a[CALL_MAX_ARGS];
	struct program prog;  /* exec-like calls and exec stops */
	bool has_prog;

	/* -b: where the call came from */
	struct btframe *bt;   /* innermost first */
	size_t n_bt;
	struct pyframe *py;   /* innermost first */
	int n_py;             /* frames, or -1 when the interpreter is not understood */
	bool traced;          /* bt and py were collected */

	struct facts *facts;  /* what the decision asked (for the log), or NULL */
};

void call_release(struct call *c);

#endif
