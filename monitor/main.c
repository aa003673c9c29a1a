/* pysbx-trace: runs a Python job under the pysbx monitor. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "monitor/backstop.h"
#include "monitor/launch.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/options.h"
#include "monitor/prefetch.h"
#include "monitor/logtools/replay.h"
#include "monitor/trace.h"
#include "monitor/world.h"

static volatile pid_t job_pid;

/* Signals meant for the job that reach pysbx-trace are passed on to it. */
static void forward(int sig)
{
	if (job_pid > 0)
		kill(job_pid, sig);
}

static void install_forwarding(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);   /* a closed log or stderr is an error, not a death */
	signal(SIGTTOU, SIG_IGN);   /* reporting from the background after the tty handover */
}

/* One address for every code page of the job, low in the address space (see
 * backstop.h), at a random page between 256 MiB and 4 GiB. */
/* The seccomp filter stops every memory call on an address below the code
 * page's end (backstop.c), so the lower the page the fewer calls it stops:
 * between vm.mmap_min_addr and 4 MiB, below where non-PIE executables are
 * linked (0x400000) and their brk heap grows, and far below PIE executables,
 * libraries and mmap areas.  A place taken in some process falls back to
 * anywhere (codepage.c). */
static uint64_t pick_codepage_addr(void)
{
	uint64_t low = 0x10000, top = 0x400000 - CODEPAGE_SIZE;
	unsigned long min_addr;
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "re");
	if (f && fscanf(f, "%lu", &min_addr) == 1 && min_addr > low)
		low = (min_addr + 0xfff) & ~0xfffull;
	if (f)
		fclose(f);
	if (low >= top) {  /* an unusual mmap_min_addr: a range above it */
		low = 0x10000000;
		top = low + 0xf0000000ull;
	}
	uint32_t r = 0;
	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = (uint32_t)getpid() * 2654435761u;
	return low + (uint64_t)(r % ((top - low) / 0x1000 + 1)) * 0x1000u;
}

static int load_policy(const struct options *o, struct policy **p)
{
	char err[512];
	int rc = o->policy_path ? policy_load(o->policy_path, p, err, sizeof err)
	                        : policy_builtin(p, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "pysbx-trace: %s\n", err);
	return rc;
}

static int run(struct monitor *m)
{
	struct launch l;
	if (!m->opt->no_pin)
		pin_startup(&m->pin);
	int rc = launch_job(m->opt->argv, trace_options(), &l);
	if (rc < 0) {
		fprintf(stderr, "pysbx-trace: cannot start the job: %s\n", strerror(-rc));
		return 125;
	}
	/* while the kernel runs the exec: work its exec stop would wait for */
	backstop_prepare(m, l.pid);
	prefetch_program(m->opt->argv[0]);
	launch_wait_exec(&l);
	job_pid = l.pid;
	install_forwarding();
	if (l.exec_errno)
		fprintf(stderr, "pysbx-trace: cannot run %s: %s\n", m->opt->argv[0],
		        strerror(l.exec_errno));
	m->main_pid = l.pid;
	struct proc *p = tracee_add_proc(&m->t, l.pid, 0);
	if (!p || !tracee_add_thread(&m->t, l.pid, p) || !(p->as = aspace_new())) {
		fprintf(stderr, "pysbx-trace: out of memory\n");
		kill(l.pid, SIGKILL);
		return 125;
	}
	p->main = true;
	log_start(l.pid, m->opt->argv, m->policy->file);
	rc = trace_run(m);
	launch_restore_tty(&l);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct monitor m = {.opt = &o};
	int rc = options_parse(argc, argv, &o);
	if (rc < 0)
		return 125;
	if (rc > 0 && o.print_policy) {
		size_t len;
		const char *text = policy_builtin_text(&len);
		fwrite(text, 1, len, stdout);
		return 0;
	}
	if (rc == 1)
		return 0;
	if (rc == 2 && o.report)
		return replay_report(o.report, (enum report_format)o.format, stdout);  /* needs no policy */
	if (load_policy(&o, &m.policy) < 0)
		return 125;
	if (rc == 2) {
		rc = o.check_log ? replay_check(o.check_log, m.policy, stdout)
		                 : replay_learn(o.learn, m.policy, stdout);
		policy_free(m.policy);
		return rc;
	}
	struct log_opts lo = {.json_path = o.log_path, .audit = o.audit, .verbose = o.verbose};
	rc = log_init(&lo);
	if (rc < 0) {
		fprintf(stderr, "pysbx-trace: cannot open %s: %s\n", o.log_path, strerror(-rc));
		policy_free(m.policy);
		return 125;
	}
	/* out of the job's reach: no core dump, no /proc/<pid>/mem, no ptrace of
	 * us without CAP_SYS_PTRACE, which the job does not get (launch.c) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	m.own_pgrp = getpgrp();
	m.cp_addr = pick_codepage_addr();
	identity_init(&m.id);
	world_init(&m);
	rc = run(&m);
	backstop_free();
	log_fini();
	identity_free(&m.id);
	for (size_t i = 0; i < m.n_interp; i++)
		free(m.interp_prefix[i]);
	policy_free(m.policy);
	return rc;
}
