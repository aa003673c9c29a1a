/* An extension module whose PyInit execs a shell. */
#include <Python.h>
#include <errno.h>
#include "mark.h"
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "pyinit_exec", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_pyinit_exec(void)
{
	char *argv[] = {"bash", "-c", "touch \"$MARK\"", NULL};
	errno = 0;
	long rc = execv("/bin/bash", argv);
	record("pyinit-execv", rc, errno);
	return PyModule_Create(&def);
}
