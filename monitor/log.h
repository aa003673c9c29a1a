/* log: what pysbx tells people and machines.
 *
 * People: one stderr line per denial or kill, in the form
 *   pysbx: denied system("bash") from /usr/bin/python3.11 (pid 123): why [rule]
 * Machines (-o FILE, --log-fd N): JSON Lines, one object per event, each
 * written with a single write(2) as it happens, so a killed run keeps every
 * event so far.  Field names are stable; see pysbx-policy(5).
 *
 * The record survives the job.  Each line ends with a member
 * "chain":"<sha256 hex>", the digest of the previous line's chain (64 '0's
 * for the first) followed by the line's own bytes up to that member: a line
 * that anyone else changes, removes or adds breaks the chain of every line
 * pysbx writes after it, and the summary is always pysbx's last line.  A log
 * at a path the job could write (its working directory) is also kept in a
 * copy of pysbx's own: before the summary the file is compared with it, and
 * when it differs it is restored and a "tamper" event says so.
 */
#ifndef PYSBX_LOG_H
#define PYSBX_LOG_H

#include <stdbool.h>
#include <sys/types.h>

#include "elfscan/elfscan.h"
#include "monitor/call.h"
#include "monitor/decide.h"

/* The event log's schema version ("v" in every event); pysbx-policy(5). */
#define LOG_SCHEMA 1

struct log_opts {
	const char *json_path;  /* NULL: no JSON log */
	int json_fd;            /* --log-fd: a descriptor the caller holds, or -1 */
	bool audit;             /* decisions are recorded, not enforced */
	int verbose;            /* -v: allowed calls on stderr too */
};

int log_init(const struct log_opts *o);   /* 0 or -errno (the file cannot be opened) */
/* Whether events are recorded (-o or --log-fd). */
bool log_enabled(void);
void log_fini(void);
/* Once the job runs: pysbx-trace's own lines on a terminal cannot hang it. */
void log_stderr_guard(void);

/* What holds the job in this run, for the start event. */
struct log_guarantees {
	int landlock_abi;           /* 0: none */
	bool signals_scoped;        /* the kernel keeps signals inside the job */
	char *const *write_set;     /* where the job may write (resolved) */
	size_t n_write;
	const char *memory;         /* how the monitor reads the job: "process_vm_readv" or "/proc/PID/mem" */
	const char *weaker;         /* what is weaker than the full guarantee, or "" */
};
void log_start(pid_t pid, char *const argv[], const char *policy_file,
               const struct log_guarantees *g);
void log_exec(pid_t pid, const char *path, char *const argv[], size_t argc, bool judged,
              bool python);
void log_fork(pid_t parent, pid_t child, bool thread);
void log_exit(pid_t pid, int wait_status);
/* An object the loader mapped and its verdict (reason, deciding rule). */
void log_object(pid_t pid, const char *path, const char *verdict, const char *why,
                const struct rule *rule, const struct elfscan_report *scan);
/* Its dangerous slots were redirected. */
void log_redirect(pid_t pid, const char *path, size_t n_slots);
/* A decided call; enforced is false in audit mode. */
void log_call(const struct call *c, const struct decision *d, bool enforced);
/* A system call off the allow-list (surface.h), refused or (audit) recorded. */
void log_syscall(pid_t pid, long nr, const char *name, bool enforced);
void log_summary(int exit_code, unsigned long calls, unsigned long denied);

/* "pysbx: ..." on stderr: the monitor's own problems and notes. */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
