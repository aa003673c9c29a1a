/* An object that reaches dangerous functions by every route an isolated
 * module has: directly, through the Python C API, through a Python callable
 * it calls, from a thread it starts, by libc's syscall() reached without a
 * GOT slot, by its own system call instruction, from a stack of its own
 * making; and by routes attribution cannot follow (a callback left for later,
 * a thread started from Python code).
 *
 * Built as an extension module (-DMODNAME=name: PyInit_name, the iso_*
 * functions wrapped for Python) or, with -DPLAIN, as a library for ctypes
 * with no PyInit (not an extension: only [module PATTERN] binds it).  Every
 * payload is a command the test chooses (marker files only) or a signal 0. */
#define _GNU_SOURCE
#ifndef PLAIN
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- plain C: for ctypes, and under the Python wrappers --------------------- */

/* Results as the functions report them; errno is kept for the caller. */
long iso_system(const char *cmd)
{
	errno = 0;
	return system(cmd);
}

/* fork(); the child exits at once.  0, or -1 with errno. */
long iso_fork(void)
{
	errno = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid > 0 ? 0 : -1;
}

long iso_kill(int pid, int sig)
{
	errno = 0;
	return kill(pid, sig);
}

/* kill by a system call instruction of this object's own: -errno.  Left
 * out with -DNO_RAW (refuse = syscall refuses an object with one when its
 * rules deny kill). */
long iso_raw_kill(int pid, int sig)
{
	long ret = -38;
#ifndef NO_RAW
	__asm__ volatile("syscall" : "=a"(ret) : "a"((long)SYS_kill), "D"((long)pid), "S"((long)sig)
	                 : "rcx", "r11", "memory");
#else
	(void)pid;
	(void)sig;
#endif
	return ret;
}

/* libc's syscall() found in libc's own symbol table, not through a GOT slot
 * or dlsym: the system call is made from libc's wrapper, with this object's
 * frame above it. */
struct find {
	const char *name;
	void *addr;
};

static int find_in(struct dl_phdr_info *info, size_t size, void *data)
{
	struct find *f = data;
	const ElfW(Dyn) *dyn = NULL;
	(void)size;
	if (!strstr(info->dlpi_name, "libc.so"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	const ElfW(Sym) *sym = NULL;
	const char *str = NULL;
	for (; dyn && dyn->d_tag != DT_NULL; dyn++)
		if (dyn->d_tag == DT_SYMTAB)
			sym = (const ElfW(Sym) *)dyn->d_un.d_ptr;
		else if (dyn->d_tag == DT_STRTAB)
			str = (const char *)dyn->d_un.d_ptr;
	/* the symbol table ends where the string table begins (GNU ld's order) */
	for (; sym && str && (const char *)sym < str; sym++)
		if (sym->st_name && ELF64_ST_TYPE(sym->st_info) == STT_FUNC && sym->st_value &&
		    !strcmp(str + sym->st_name, f->name)) {
			f->addr = (void *)(info->dlpi_addr + sym->st_value);
			return 1;
		}
	return 0;
}

static void *libc_function(const char *name)
{
	struct find f = {name, NULL};
	dl_iterate_phdr(find_in, &f);
	return f.addr;
}

long iso_hidden_syscall_kill(int pid, int sig)
{
	void *fn = libc_function("syscall");
	if (!fn)
		return -1000;
	long (*sc)(long, ...) = (long (*)(long, ...))fn;
	errno = 0;
	long rc = sc(SYS_kill, (long)pid, (long)sig);
	return rc < 0 ? -errno : rc;
}

/* libc's system() found the same way: no GOT slot sees it, and the program
 * it runs is exec'd by a vfork child of libc's (the exec stop judges it, on
 * behalf of the objects on this thread's stack at the vfork). */
long iso_hidden_system(const char *cmd)
{
	void *fn = libc_function("system");
	if (!fn)
		return -1000;
	int (*sys)(const char *) = (int (*)(const char *))fn;
	errno = 0;
	return sys(cmd);
}

struct job {
	const char *cmd;
	long rc;
	int err;
	int capi;   /* through the C API (the thread takes the GIL) */
};

#ifndef PLAIN
static long capi_system(const char *cmd);
#endif

static void *thread_main(void *arg)
{
	struct job *j = arg;
#ifndef PLAIN
	if (j->capi) {
		PyGILState_STATE g = PyGILState_Ensure();
		j->rc = capi_system(j->cmd);
		PyGILState_Release(g);
		return NULL;
	}
#endif
	errno = 0;
	j->rc = system(j->cmd);
	j->err = errno;
	return NULL;
}

/* A thread of this object's own (pthread_create) runs cmd. */
static long thread_system(const char *cmd, int capi, int *err)
{
	struct job j = {cmd, -3, 0, capi};
	pthread_t t;
	int rc = pthread_create(&t, NULL, thread_main, &j);
	if (rc) {
		*err = rc;
		return -3;
	}
	pthread_join(t, NULL);
	*err = j.err;
	return j.rc;
}

long iso_thread_system(const char *cmd)
{
	int err;
	long rc = thread_system(cmd, 0, &err);
	errno = err;
	return rc;
}

#ifndef PLAIN
/* --- the extension module --------------------------------------------------- */

#ifndef MODNAME
#define MODNAME isomod
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

/* (rc, errno) */
static PyObject *result(long rc, int err)
{
	return Py_BuildValue("(li)", rc, err);
}

/* os.system(cmd) through the C API: libc is called by the interpreter. */
static long capi_system(const char *cmd)
{
	PyObject *os = PyImport_ImportModule("os");
	PyObject *r = os ? PyObject_CallMethod(os, "system", "s", cmd) : NULL;
	long rc = r ? PyLong_AsLong(r) : -2;
	Py_XDECREF(r);
	Py_XDECREF(os);
	if (PyErr_Occurred())
		PyErr_Clear();
	return rc;
}

static PyObject *m_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	long rc = iso_system(cmd);
	return result(rc, errno);
}

static PyObject *m_capi_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	return PyLong_FromLong(capi_system(cmd));
}

/* callable(*rest), synchronously: the callable runs under this frame. */
static PyObject *m_call(PyObject *self, PyObject *args)
{
	(void)self;
	if (PyTuple_Size(args) < 1)
		return NULL;
	PyObject *rest = PyTuple_GetSlice(args, 1, PyTuple_Size(args));
	PyObject *r = rest ? PyObject_CallObject(PyTuple_GetItem(args, 0), rest) : NULL;
	Py_XDECREF(rest);
	return r;
}

/* thread_system(cmd, capi): a pthread of the module's runs cmd by libc, or
 * through the interpreter. */
static PyObject *m_thread_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	int capi, err = 0;
	long rc;
	(void)self;
	if (!PyArg_ParseTuple(args, "sp", &cmd, &capi))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = thread_system(cmd, capi, &err);
	Py_END_ALLOW_THREADS
	return result(rc, err);
}

/* atexit.register(os.system, cmd): the interpreter runs it at exit, with no
 * frame of the module on the stack. */
static PyObject *m_defer_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	PyObject *os = PyImport_ImportModule("os");
	PyObject *atexit = PyImport_ImportModule("atexit");
	PyObject *fn = os ? PyObject_GetAttrString(os, "system") : NULL;
	PyObject *r = atexit && fn ? PyObject_CallMethod(atexit, "register", "Os", fn, cmd) : NULL;
	Py_XDECREF(fn);
	Py_XDECREF(os);
	Py_XDECREF(atexit);
	if (!r)
		return NULL;
	Py_DECREF(r);
	Py_RETURN_NONE;
}

/* threading.Thread(target=os.system, args=(cmd,)).start(): a thread started
 * by Python code, running after this call returned; returns the thread. */
static PyObject *m_pythread_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	PyObject *os = PyImport_ImportModule("os");
	PyObject *threading = PyImport_ImportModule("threading");
	PyObject *fn = os ? PyObject_GetAttrString(os, "system") : NULL;
	PyObject *cls = threading ? PyObject_GetAttrString(threading, "Thread") : NULL;
	PyObject *kw = fn ? Py_BuildValue("{s:O,s:(s)}", "target", fn, "args", cmd) : NULL;
	PyObject *noargs = PyTuple_New(0);
	PyObject *t = cls && kw && noargs ? PyObject_Call(cls, noargs, kw) : NULL;
	PyObject *r = t ? PyObject_CallMethod(t, "start", NULL) : NULL;
	if (!r)
		Py_CLEAR(t);
	Py_XDECREF(r);
	Py_XDECREF(noargs);
	Py_XDECREF(kw);
	Py_XDECREF(cls);
	Py_XDECREF(fn);
	Py_XDECREF(threading);
	Py_XDECREF(os);
	return t;
}

static PyObject *m_fork(PyObject *self, PyObject *args)
{
	(void)self;
	(void)args;
	long rc = iso_fork();
	return result(rc, errno);
}

static PyObject *m_kill(PyObject *self, PyObject *args)
{
	int pid, sig;
	(void)self;
	if (!PyArg_ParseTuple(args, "ii", &pid, &sig))
		return NULL;
	long rc = iso_kill(pid, sig);
	return result(rc, errno);
}

static PyObject *m_raw_kill(PyObject *self, PyObject *args)
{
	int pid, sig;
	(void)self;
	if (!PyArg_ParseTuple(args, "ii", &pid, &sig))
		return NULL;
	return PyLong_FromLong(iso_raw_kill(pid, sig));
}

static PyObject *m_hidden_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	long rc = iso_hidden_system(cmd);
	return result(rc, errno);
}

static PyObject *m_hidden_syscall_kill(PyObject *self, PyObject *args)
{
	int pid, sig;
	(void)self;
	if (!PyArg_ParseTuple(args, "ii", &pid, &sig))
		return NULL;
	return PyLong_FromLong(iso_hidden_syscall_kill(pid, sig));
}

/* os.system(cmd) through the C API, called on a stack of the module's own
 * making whose words above the entry are hostile: pattern 0 random words, 1
 * addresses of the stack itself (a loop), 2 addresses inside this module's
 * code.  The unwinder meets them past this module's frame. */
#define HSTACK (512u * 1024u)

static const char *hostile_cmd;
static long hostile_rc;

static void hostile_body(void)
{
	hostile_rc = capi_system(hostile_cmd);
}

static PyObject *m_hostile_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	int pattern;
	(void)self;
	if (!PyArg_ParseTuple(args, "si", &cmd, &pattern))
		return NULL;
	uint64_t *stack = malloc(HSTACK);
	if (!stack)
		return PyErr_NoMemory();
	size_t words = HSTACK / 8, top = words / 2;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (size_t i = top; i < words; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		stack[i] = pattern == 0 ? seed
		         : pattern == 1 ? (uint64_t)(uintptr_t)&stack[top + (seed % (words - top))]
		                        : (uint64_t)(uintptr_t)hostile_body + (seed % 64);
	}
	hostile_cmd = cmd;
	hostile_rc = -4;
	void *sp = &stack[top];
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
	                 "mov %0, %%rsp\n\t"
	                 "call *%1\n\t"
	                 "mov %%rbx, %%rsp"
	                 : : "r"(sp), "r"(hostile_body)
	                 : "rbx", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
	                   "memory", "cc");
	free(stack);
	return PyLong_FromLong(hostile_rc);
}

static PyMethodDef methods[] = {
	{"system", m_system, METH_VARARGS, NULL},
	{"capi_system", m_capi_system, METH_VARARGS, NULL},
	{"call", m_call, METH_VARARGS, NULL},
	{"thread_system", m_thread_system, METH_VARARGS, NULL},
	{"defer_system", m_defer_system, METH_VARARGS, NULL},
	{"pythread_system", m_pythread_system, METH_VARARGS, NULL},
	{"fork", m_fork, METH_NOARGS, NULL},
	{"kill", m_kill, METH_VARARGS, NULL},
	{"raw_kill", m_raw_kill, METH_VARARGS, NULL},
	{"hidden_syscall_kill", m_hidden_syscall_kill, METH_VARARGS, NULL},
	{"hidden_system", m_hidden_system, METH_VARARGS, NULL},
	{"hostile_system", m_hostile_system, METH_VARARGS, NULL},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, STR(MODNAME), NULL, -1, methods};

PyMODINIT_FUNC CAT(PyInit_, MODNAME)(void)
{
	return PyModule_Create(&def);
}
#endif
