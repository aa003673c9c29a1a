/* options: pysbx-trace's command line. */
#ifndef PYSBX_OPTIONS_H
#define PYSBX_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define OPT_MAX_LAYERS 32

/* --allow PROGRAM, --allow-dir DIR: a word for the policy's [programs] list. */
struct opt_allow {
	const char *key;          /* "allow" or "allow-dir" */
	const char *word;
	int argi;                 /* its position in argv */
};

struct options {
	/* The policy, built in this order: the profile (or, with neither, the
	 * built-in default), each -c FILE, each --allow/--allow-dir. */
	const char *profile;      /* --profile NAME, or NULL */
	const char *policy_paths[OPT_MAX_LAYERS];  /* -c FILE ... */
	size_t n_policy;
	struct opt_allow allow[OPT_MAX_LAYERS];
	size_t n_allow;
	const char *log_path;     /* -o FILE */
	bool audit;               /* --audit: record, do not enforce */
	int verbose;              /* -v */
	bool no_pin;              /* --no-pin: no CPU pin, no real-time policy (pin.h) */
	bool print_policy;        /* --print-policy */
	bool backtrace;           /* -b: native and Python stacks with every call */
	const char *check_log;    /* --check-log FILE */
	const char *learn;        /* --learn FILE */
	const char *report;       /* --report FILE */
	int format;               /* --format: 0 text, 1 dot, 2 html (replay.h) */
	const char *user;         /* --user USER[:GROUP] */
	int log_fd;               /* --log-fd N; -1: none */
	bool require_landlock;    /* --require-landlock */
	char **argv;              /* the job's command */
};

/* Parses argv.  Returns 0 to run a job, 2 to work on a log (check_log, learn,
 * report), 1 when --help/--version/--print-policy was asked, -1 on a usage
 * error (already reported on stderr). */
int options_parse(int argc, char **argv, struct options *o);

#endif
