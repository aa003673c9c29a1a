/* report: what --report knows about a run, shared by its three renderings
 * (text in report.c, Graphviz in report_dot.c, HTML in report_html.c).
 *
 * Every string a person will read is already rendered by callfmt (escaped,
 * safe for a terminal); the DOT and HTML writers only add their own quoting.
 *
 * Denials are grouped into attempts: what one request of the job set off.
 * An attempt starts at a denial that nothing before explains; a later denial
 * joins it when it is the same request seen again (the same process trying
 * the same program and argv: a PATH search, then the exec stop), or happens in
 * a process the request created (a child forked by the attempt's process
 * before that process's code made its next call through a GOT slot, and
 * everything under that child: system()'s sh and what sh ran).
 */
#ifndef PYSBX_REPORT_H
#define PYSBX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "monitor/logtools/logread.h"

struct rframe {             /* one frame of a stack, rendered */
	char *text;             /* "job.py:4 in payload" or "object: symbol+0x12 (0x401000)" */
};

struct rproc {
	long pid, parent;
	size_t fork_line;       /* the fork event, 0 for the first process */
	size_t last_call_line;  /* the process's latest call event so far (collecting) */
	char *program;          /* the last program it exec'd, rendered */
	char *argv;             /* its argv, rendered */
	char *exit;             /* "exit 0", "signal 9"; NULL: no exit recorded */
	unsigned denied;        /* enforced denials (and kills) */
	unsigned would;         /* would-be denials (audit) */
	bool ran_denied;        /* an exec the policy would deny went ahead (audit) */
	size_t first;           /* order of appearance */
	/* grouping, while collecting (SIZE_MAX: none) */
	size_t born_in;         /* the attempt that created this process */
	size_t own_att;         /* the latest attempt this process started */
	size_t last_den;        /* its latest denial */
	bool att_open;          /* own_att's request is still under way: no call since */
};

struct rdenial {
	size_t line;
	double time;
	long pid;
	bool enforced;
	bool exec_stop;         /* the exec layer */
	char *text;             /* the stderr line, from WHAT on, without the Python line */
	char *argv_key;         /* program and argv as logged, for grouping; may be NULL */
	struct rframe *py;      /* Python stack, innermost first */
	size_t n_py;
	bool py_unavailable;
	struct rframe *bt;      /* native backtrace, innermost first */
	size_t n_bt;
	size_t attempt;         /* index into attempts */
};

struct rattempt {
	size_t first, n;        /* denials first .. in order; n of them */
	long pid;               /* the process of the first */
	size_t start_line;      /* the log line of the first */
	bool enforced;          /* any of its denials was enforced */
	size_t py_from;         /* denial whose Python stack stands for the attempt, or SIZE_MAX */
	char *py_parent;        /* else the parent's stack at the fork ("vfork at job.py:5"), or NULL */
	struct rframe *ppy;     /* that parent's stack */
	size_t n_ppy;
};

struct robject {
	char *raw;              /* the path as logged */
	char *path;             /* rendered */
	char *verdict;          /* trusted, isolated, refused (rendered) */
	char *reason;
	char *rule;
	unsigned loads;         /* times it was mapped (processes) */
};

/* An index from keys to positions in an array (open addressing). */
struct rindex {
	size_t *slot;           /* position + 1; 0: empty */
	size_t cap;
};

struct report {
	char *name;             /* the log, escaped */
	struct logread lr;
	char *command;          /* the start event's argv, rendered */
	char *policy;
	char *weaker;           /* the start event's weaker guarantees, or NULL */
	bool audit;
	double start_time, end_time;
	long exit_code;
	bool have_summary;
	unsigned long calls, denied, would_deny;   /* from the summary, or counted */
	bool counted_would;     /* would_deny counted, the summary had none */
	struct rproc *procs;
	size_t n_procs;
	struct rindex proc_idx, obj_idx;
	struct rdenial *den;
	size_t n_den;
	struct rattempt *att;
	size_t n_att;
	struct robject *obj;
	size_t n_obj;
	unsigned long n_verdict[3];   /* trusted, isolated, refused */
	unsigned long counted_calls, counted_denied, counted_would_deny;
	bool failed;            /* out of memory somewhere */
};

/* The process tree in the order a person reads it: depth first, children in
 * the order they appeared, every process once (a parent loop in a hostile
 * log included: what the walk from the roots misses starts a tree of its
 * own).  NULL when out of memory; free() it. */
struct rplace {
	size_t proc;            /* index into procs */
	size_t depth;
};
struct rplace *report_tree(const struct report *r);

/* Reads the log into r; -1 when it cannot be read (message on stderr). */
int report_collect(const char *path, struct report *r);
void report_release(struct report *r);

struct rproc *report_proc(const struct report *r, long pid);
/* Time as HH:MM:SS.mmm (local) and as YYYY-MM-DD HH:MM:SS. */
void report_hms(double t, char *buf, size_t n);
void report_date(double t, char *buf, size_t n);
/* "AUDIT: nothing was denied" or "ENFORCED" and the counts, one line. */
const char *report_mode(const struct report *r, char *buf, size_t n);

/* When the innermost frame of f is the interpreter's library or an installed
 * package (subprocess.py, ...), the first frame that is not: the job's own
 * line that led there.  NULL otherwise. */
const char *report_caller(const struct rframe *f, size_t n);

void report_text(FILE *out, const struct report *r);
void report_dot(FILE *out, const struct report *r);
void report_html(FILE *out, const struct report *r);

#endif
