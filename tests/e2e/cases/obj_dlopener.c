/* A library that loads another one itself and calls into it. */
#include <dlfcn.h>
long run_inner(const char *lib, const char *cmd)
{
	void *h = dlopen(lib, RTLD_NOW);
	if (!h)
		return -1000;
	long (*run)(const char *) = (long (*)(const char *))dlsym(h, "run");
	return run ? run(cmd) : -1001;
}
