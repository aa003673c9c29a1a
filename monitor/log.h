/* log: what pysbx tells people and machines.
 *
 * People: one stderr line per denial or kill, in the form
 *   pysbx: denied system("bash") from /usr/bin/python3.11 (pid 123): why [rule]
 * Machines (-o FILE): JSON Lines, one object per event, each written with a
 * single write(2) as it happens, so a killed run keeps every event so far.
 * Field names are stable; see pysbx-policy(5).
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
	bool audit;             /* decisions are recorded, not enforced */
	int verbose;            /* -v: allowed calls on stderr too */
};

int log_init(const struct log_opts *o);   /* 0 or -errno (the file cannot be opened) */
void log_fini(void);

void log_start(pid_t pid, char *const argv[], const char *policy_file);
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
void log_summary(int exit_code, unsigned long calls, unsigned long denied);

/* "pysbx: ..." on stderr: the monitor's own problems and notes. */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
