/* A Python extension module asking for an executable stack (built -z execstack). */
#include <Python.h>
#include "mark.h"
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "xstack", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_xstack(void) { mark(); return PyModule_Create(&def); }
__attribute__((constructor)) static void ctor(void) { mark(); }
