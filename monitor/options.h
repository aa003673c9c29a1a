/* options: pysbx-trace's command line. */
#ifndef PYSBX_OPTIONS_H
#define PYSBX_OPTIONS_H

#include <stdbool.h>

struct options {
	const char *policy_path;  /* -c FILE; NULL: the built-in default */
	const char *log_path;     /* -o FILE */
	bool audit;               /* --audit: record, do not enforce */
	int verbose;              /* -v */
	bool print_policy;        /* --print-policy */
	bool backtrace;           /* -b: native and Python stacks with every call */
	char **argv;              /* the job's command */
};

/* Parses argv.  Returns 0 to run, 1 when --help/--version was printed,
 * -1 on a usage error (already reported on stderr). */
int options_parse(int argc, char **argv, struct options *o);

#endif
