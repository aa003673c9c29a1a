/* A harmless-looking library that needs the IFUNC object (DT_NEEDED). */
#include "mark.h"
int chosen(void);
int use(void) { return chosen(); }
__attribute__((constructor)) static void ctor(void) { mark(); }
