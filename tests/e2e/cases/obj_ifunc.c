/* An object with an IFUNC: its resolver would run while the loader relocates. */
#include "mark.h"
static int impl(void) { return 1; }
static void *resolve(void) { mark(); return (void *)impl; }
int chosen(void) __attribute__((ifunc("resolve")));
__attribute__((constructor)) static void ctor(void) { mark(); }
