/* Shared by the module fixtures: leave evidence that code of the object ran. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Creates $MARK (the runner checks it never appears). */
static void mark(void)
{
	const char *m = getenv("MARK");
	if (m)
		close(open(m, O_WRONLY | O_CREAT, 0644));
}

/* Records a result in ./result for the job to read back. */
static void record(const char *what, long rc, int err)
{
	FILE *f = fopen("result", "a");
	if (f) {
		fprintf(f, "%s rc=%ld errno=%d\n", what, rc, err);
		fclose(f);
	}
}
