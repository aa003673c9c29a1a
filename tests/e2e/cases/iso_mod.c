/* An extension module that reaches dangerous functions by every route an
 * isolated module has: directly, through the Python C API, through a Python
 * callable it calls, from a thread it starts, and by routes attribution
 * cannot follow (a callback left for later, a thread started from Python
 * code).  Built under several names: -DMODNAME=name.  Every payload is a
 * command the test chooses (marker files only) or a signal 0. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* system(cmd) from the module's own code: its own GOT slot. */
static PyObject *m_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	errno = 0;
	long rc = system(cmd);
	return result(rc, errno);
}

/* os.system(cmd) through the C API: libc is called from the interpreter. */
static PyObject *m_capi_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	PyObject *os = PyImport_ImportModule("os");
	if (!os)
		return NULL;
	PyObject *r = PyObject_CallMethod(os, "system", "s", cmd);
	Py_DECREF(os);
	return r;
}

/* callable(*rest), synchronously: the callable runs under the module's frame. */
static PyObject *m_call(PyObject *self, PyObject *args)
{
	(void)self;
	if (PyTuple_Size(args) < 1)
		return NULL;
	PyObject *fn = PyTuple_GetItem(args, 0);
	PyObject *rest = PyTuple_GetSlice(args, 1, PyTuple_Size(args));
	if (!rest)
		return NULL;
	PyObject *r = PyObject_CallObject(fn, rest);
	Py_DECREF(rest);
	return r;
}

struct job {
	const char *cmd;
	long rc;
	int err;
	int capi;   /* the thread goes through the C API (it takes the GIL) */
};

static void *thread_main(void *arg)
{
	struct job *j = arg;
	if (!j->capi) {
		errno = 0;
		j->rc = system(j->cmd);
		j->err = errno;
		return NULL;
	}
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *os = PyImport_ImportModule("os");
	PyObject *r = os ? PyObject_CallMethod(os, "system", "s", j->cmd) : NULL;
	j->rc = r ? PyLong_AsLong(r) : -2;
	Py_XDECREF(r);
	Py_XDECREF(os);
	if (PyErr_Occurred())
		PyErr_Clear();
	PyGILState_Release(g);
	return NULL;
}

/* A thread of the module's own (pthread_create) runs cmd, by libc or, with
 * capi true, through the interpreter. */
static PyObject *m_thread_system(PyObject *self, PyObject *args)
{
	struct job j = {0};
	pthread_t t;
	(void)self;
	if (!PyArg_ParseTuple(args, "sp", &j.cmd, &j.capi))
		return NULL;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = pthread_create(&t, NULL, thread_main, &j);
	if (rc == 0)
		pthread_join(t, NULL);
	Py_END_ALLOW_THREADS
	if (rc)
		return result(-3, rc);
	return result(j.rc, j.err);
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

/* threading.Thread(target=os.system, args=(cmd,)): a thread started from
 * Python code, which runs after the call returns; returns the thread. */
static PyObject *m_pythread_system(PyObject *self, PyObject *args)
{
	const char *cmd;
	(void)self;
	if (!PyArg_ParseTuple(args, "s", &cmd))
		return NULL;
	PyObject *os = PyImport_ImportModule("os");
	PyObject *threading = PyImport_ImportModule("threading");
	PyObject *fn = os ? PyObject_GetAttrString(os, "system") : NULL;
	PyObject *t = NULL;
	if (threading && fn) {
		PyObject *kw = Py_BuildValue("{s:O,s:(s)}", "target", fn, "args", cmd);
		PyObject *cls = PyObject_GetAttrString(threading, "Thread");
		PyObject *noargs = PyTuple_New(0);
		if (kw && cls && noargs)
			t = PyObject_Call(cls, noargs, kw);
		Py_XDECREF(kw);
		Py_XDECREF(cls);
		Py_XDECREF(noargs);
	}
	if (t) {
		PyObject *r = PyObject_CallMethod(t, "start", NULL);
		if (!r)
			Py_CLEAR(t);
		Py_XDECREF(r);
	}
	Py_XDECREF(fn);
	Py_XDECREF(os);
	Py_XDECREF(threading);
	return t;
}

/* fork() from the module's own code; the child exits at once. */
static PyObject *m_fork(PyObject *self, PyObject *args)
{
	(void)self;
	(void)args;
	errno = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	int err = errno;
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return result(pid > 0 ? 0 : pid, err);
}

/* kill(pid, sig) from the module's own code. */
static PyObject *m_kill(PyObject *self, PyObject *args)
{
	int pid, sig;
	(void)self;
	if (!PyArg_ParseTuple(args, "ii", &pid, &sig))
		return NULL;
	errno = 0;
	long rc = kill(pid, sig);
	return result(rc, errno);
}

/* kill through libc's syscall(): the GOT slot of syscall, then the system
 * call from libc's wrapper. */
static PyObject *m_syscall_kill(PyObject *self, PyObject *args)
{
	int pid, sig;
	(void)self;
	if (!PyArg_ParseTuple(args, "ii", &pid, &sig))
		return NULL;
	errno = 0;
	long rc = syscall(SYS_kill, pid, sig);
	return result(rc, errno);
}

/* kill by a system call instruction in the module's own code: no libc, no
 * GOT slot; returns -errno as the kernel does. */
static PyObject *m_raw_kill(PyObject *self, PyObject *args)
{
	int pid, sig;
	long ret;
	(void)self;
	if (!PyArg_ParseTuple(args, "ii", &pid, &sig))
		return NULL;
	__asm__ volatile("syscall" : "=a"(ret) : "a"((long)SYS_kill), "D"((long)pid), "S"((long)sig)
	                 : "rcx", "r11", "memory");
	return result(ret, 0);
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
	{"syscall_kill", m_syscall_kill, METH_VARARGS, NULL},
	{"raw_kill", m_raw_kill, METH_VARARGS, NULL},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, STR(MODNAME), NULL, -1, methods};

PyMODINIT_FUNC CAT(PyInit_, MODNAME)(void)
{
	return PyModule_Create(&def);
}
