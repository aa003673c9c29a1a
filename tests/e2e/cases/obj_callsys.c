/* A plain library function reached through ctypes, calling system() through
 * its own lazily bound PLT slot. */
#include <errno.h>
#include "mark.h"
long run(const char *cmd)
{
	errno = 0;
	long rc = system(cmd);
	record("run", rc, errno);
	return rc;
}
