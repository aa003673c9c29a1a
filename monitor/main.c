/* pysbx-trace: runs a Python job under the pysbx monitor. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <pwd.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject/mem.h"
#include "monitor/backstop.h"
#include "monitor/argpin.h"
#include "monitor/callfmt.h"
#include "monitor/landlock.h"
#include "monitor/launch.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/options.h"
#include "monitor/prefetch.h"
#include "monitor/logtools/replay.h"
#include "monitor/procfs.h"
#include "monitor/trace.h"
#include "monitor/world.h"

static volatile pid_t job_pid;

/* Signals meant for the job that reach pysbx-trace are passed on to it. */
static void forward(int sig)
{
	if (job_pid <= 0)
		return;
	kill(job_pid, sig);
	/* a stopped process is killed by a fatal signal at once, but a traced
	 * one acts on nothing until continued: a job that stopped itself must
	 * not outlast SIGTERM or ^C sent to pysbx-trace */
	if (sig != SIGUSR1 && sig != SIGUSR2)
		kill(job_pid, SIGCONT);
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
	/* a job process left in pysbx-trace's group (no tty handover) that reads
	 * the terminal from the background has the kernel stop the whole group */
	signal(SIGTTIN, SIG_IGN);
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
	low += ARGPIN_SIZE;  /* the socket-address stage goes just below (argpin.h) */
	uint32_t r = 0;
	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = (uint32_t)getpid() * 2654435761u;
	return low + (uint64_t)(r % ((top - low) / 0x1000 + 1)) * 0x1000u;
}

/* A policy problem, on stderr: the text may hold any byte a file held. */
static void say_policy_error(const char *err)
{
	struct jw b;
	jw_init(&b);
	jw_raw(&b, "pysbx-trace: ", 13);
	callfmt_text(&b, err, strlen(err));
	jw_raw(&b, "\n", 1);
	if (!b.failed)
		(void)!write(STDERR_FILENO, b.buf, b.len);
	jw_free(&b);
}

/* The word --allow or --allow-dir puts in the policy: the policy matches
 * resolved paths, so a directory or program that exists is resolved, and a
 * name without a slash is looked up in PATH the way the job's exec would;
 * a pattern (* ? [) is taken as it is.  NULL with a message in err. */
static char *allow_word(const struct opt_allow *a, char *err, size_t errlen)
{
	bool dir = !strcmp(a->key, "allow-dir");
	char *found = NULL;
	struct stat st;
	if (!dir && strpbrk(a->word, "*?["))
		return strdup(a->word);
	if (!dir && !strchr(a->word, '/')) {
		const char *path = getenv("PATH");
		char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
		for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found;
		     d = strtok_r(NULL, ":", &save)) {
			char cand[PATH_MAX];
			if (snprintf(cand, sizeof cand, "%s/%s", d, a->word) < (int)sizeof cand &&
			    stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				found = realpath(cand, NULL);
		}
		free(copy);
		if (!found)
			snprintf(err, errlen, "--allow %s: no such program in PATH", a->word);
		return found;
	}
	found = realpath(a->word, NULL);
	if (!found || stat(found, &st) < 0 || (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
		snprintf(err, errlen, "--%s %s: %s", a->key, a->word,
		         !found ? strerror(errno) : dir ? "not a directory" : "not a regular file");
		free(found);
		return NULL;
	}
	return found;
}

/* The policy's layers (options.h): the profile, or the built-in default when
 * there is neither a profile nor a -c FILE; each -c FILE; each --allow and
 * --allow-dir. */
static int load_policy(const struct options *o, struct policy **out)
{
	char err[1024] = "out of memory";
	struct policy *p = policy_new();
	int rc = p ? 0 : -ENOMEM;
	if (rc == 0 && (o->profile || !o->n_policy))
		rc = policy_add_profile(p, o->profile ? o->profile : "default", err, sizeof err);
	for (size_t i = 0; rc == 0 && i < o->n_policy; i++)
		rc = policy_add_file(p, o->policy_paths[i], err, sizeof err);
	for (size_t i = 0; rc == 0 && i < o->n_allow; i++) {
		char *w = allow_word(&o->allow[i], err, sizeof err);
		rc = w ? policy_add_arg(p, o->allow[i].key, w, o->allow[i].argi, err, sizeof err)
		       : -EINVAL;
		free(w);
	}
	if (rc == 0)
		rc = policy_finish(p, err, sizeof err);
	if (rc < 0) {
		say_policy_error(err);
		policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static void say_launch_failure(const struct launch *l, const char *prog)
{
	if (l->stage == STAGE_USER)
		fprintf(stderr, "pysbx-trace: cannot take the identity --user asked for: %s\n",
		        strerror(l->exec_errno));
	else if (l->stage == STAGE_FDS)
		fprintf(stderr, "pysbx-trace: cannot check the descriptors the job would inherit "
		        "for terminal masters: %s\n", strerror(l->exec_errno));
	else if (l->stage == STAGE_LANDLOCK)
		fprintf(stderr, "pysbx-trace: cannot enforce the Landlock domain: %s\n",
		        strerror(l->exec_errno));
	else
		fprintf(stderr, "pysbx-trace: cannot run %s: %s\n", prog, strerror(l->exec_errno));
}

/* Whether a tracer (strace, gdb) stops pysbx-trace itself: then it could be
 * stopped between narrowing a thread's CPU set and giving it back (pin.h),
 * and the job could see the narrowed set, so there is no placement. */
static bool self_traced(void)
{
	char buf[2048];
	ssize_t n = procfs_peek(getpid(), "status", buf, sizeof buf);
	const char *t = n > 0 ? strstr(buf, "\nTracerPid:") : NULL;
	return t && atoi(t + 11) != 0;
}

/* The start event, and once on stderr what is weaker than the full guarantee
 * (the Landlock notes were said already). */
static void start_event(const struct monitor *m, const struct landlock_plan *ll, pid_t pid)
{
	char weaker[768];
	snprintf(weaker, sizeof weaker, "%s", ll->notes);
	if (m->opt->audit) {
		size_t n = strlen(weaker);
		snprintf(weaker + n, sizeof weaker - n, "%saudit: nothing is enforced (no write set, "
		         "no capability dropped)", n ? "; " : "");
	} else if (!m->opt->no_pin && !pin_active()) {
		const char *rt = self_traced() ? "no real-time CPU placement (pysbx-trace is itself "
		                                 "traced): intercepted calls cost more"
		                               : "no real-time CPU placement (SCHED_FIFO refused: it "
		                                 "needs CAP_SYS_NICE or RLIMIT_RTPRIO >= 1, and in a "
		                                 "cgroup with real-time scheduling a real-time budget, "
		                                 "cpu.rt_runtime_us): intercepted calls cost more";
		fprintf(stderr, "pysbx: %s\n", rt);
		size_t n = strlen(weaker);
		snprintf(weaker + n, sizeof weaker - n, "%s%s", n ? "; " : "", rt);
	}
	struct log_guarantees g = {ll->abi, ll->scoped_signals, ll->write, ll->n_write,
	                           mem_probe(), weaker};
	log_start(pid, m->opt->argv, m->policy->file, &g);
}

static int run(struct monitor *m, const struct landlock_plan *ll, const struct run_as *user)
{
	struct launch l;
	if (!m->opt->no_pin)
		pin_startup(&m->pin, !m->opt->audit && !self_traced());
	/* audit mode changes nothing the job can see: no domain, no capability
	 * dropped (the start event still shows the write set it would have had) */
	struct launch_cfg cfg = {m->opt->argv, trace_options(), m->opt->audit ? NULL : ll, user,
	                         m->opt->audit};
	int rc = launch_job(&cfg, &l);
	if (rc < 0) {
		const char *advice = launch_seize_advice(-rc);
		fprintf(stderr, "pysbx-trace: cannot start the job under ptrace: %s%s%s\n",
		        strerror(-rc), *advice ? "; " : "", advice);
		return 125;
	}
	/* while the kernel runs the exec: work its exec stop would wait for */
	backstop_prepare(m, l.pid);
	prefetch_program(m->opt->argv[0]);
	launch_wait_exec(&l);
	job_pid = l.pid;
	install_forwarding();
	log_stderr_guard();
	if (l.exec_errno)
		say_launch_failure(&l, m->opt->argv[0]);
	m->main_pid = l.pid;
	struct proc *p = tracee_add_proc(&m->t, l.pid, 0);
	if (!p || !tracee_add_thread(&m->t, l.pid, p) || !(p->as = aspace_new())) {
		fprintf(stderr, "pysbx-trace: out of memory\n");
		kill(l.pid, SIGKILL);
		return 125;
	}
	p->main = true;
	start_event(m, ll, l.pid);
	rc = trace_run(m);
	launch_restore_tty(&l);
	return rc;
}

static bool has_cap(int cap)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) != 0)
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* --user USER[:GROUP]: the identity, looked up here (the child cannot use
 * NSS safely), with USER's supplementary groups. */
static int resolve_user(const char *spec, struct run_as *u, char **home)
{
	char name[256];
	const char *colon = strchr(spec, ':');
	snprintf(name, sizeof name, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	struct passwd *pw = getpwnam(name);
	char *end;
	long id = strtol(name, &end, 10);
	if (!pw && *name && !*end && id >= 0)
		pw = getpwuid((uid_t)id);
	if (!pw) {
		fprintf(stderr, "pysbx-trace: --user: no user '%s'\n", name);
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	*home = strdup(pw->pw_dir ? pw->pw_dir : "/");
	if (colon) {
		struct group *gr = getgrnam(colon + 1);
		long gid = strtol(colon + 1, &end, 10);
		if (!gr && colon[1] && !*end && gid >= 0)
			gr = getgrgid((gid_t)gid);
		if (!gr) {
			fprintf(stderr, "pysbx-trace: --user: no group '%s'\n", colon + 1);
			return -1;
		}
		u->gid = gr->gr_gid;
	}
	int n = 64;
	u->groups = malloc(sizeof(gid_t) * (size_t)n);
	if (u->groups && getgrouplist(pw->pw_name, u->gid, u->groups, &n) < 0) {
		gid_t *g = realloc(u->groups, sizeof(gid_t) * (size_t)n);
		u->groups = g;
		if (!g || getgrouplist(pw->pw_name, u->gid, u->groups, &n) < 0)
			n = -1;
	}
	if (!u->groups || n < 0) {
		fprintf(stderr, "pysbx-trace: --user: cannot list the groups of %s\n", name);
		return -1;
	}
	u->n_groups = n;
	if (geteuid() != 0 && pw->pw_uid != geteuid()) {
		fprintf(stderr, "pysbx-trace: --user needs pysbx-trace to run as root\n");
		return -1;
	}
	if (pw->pw_uid != geteuid() && !has_cap(CAP_SYS_PTRACE)) {
		fprintf(stderr, "pysbx-trace: --user needs CAP_SYS_PTRACE: without it a monitor "
		        "cannot read the memory of a job that runs as another user; run pysbx-trace "
		        "as %s instead (setpriv --reuid %s --regid %s --init-groups pysbx-trace ...)\n",
		        name, name, name);
		return -1;
	}
	return 0;
}

/* The job's Landlock domain, and whether the run may go on with it. */
static int prepare_landlock(const struct monitor *m, const struct run_as *user,
                            const char *home, struct landlock_plan *ll)
{
	char err[256];
	struct landlock_who who = {user ? user->uid : getuid(), home};
	if (landlock_prepare(m->policy, &who, ll, err, sizeof err) < 0) {
		fprintf(stderr, "pysbx-trace: %s\n", err);
		return -1;
	}
	bool required = m->opt->require_landlock || m->policy->require_landlock;
	if (required && !ll->scoped_signals) {
		fprintf(stderr, "pysbx-trace: Landlock is required but the kernel %s: %s\n",
		        ll->abi ? "has an ABI below 6" : "does not provide it",
		        ll->abi ? "signals cannot be scoped to the job (Linux 6.12 or later has "
		                  "ABI 6)" : "enable it with lsm=...,landlock on the kernel command "
		                  "line, or run without --require-landlock");
		landlock_free(ll);
		return -1;
	}
	if (ll->notes[0])
		fprintf(stderr, "pysbx: %s\n", ll->notes);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct monitor m = {.opt = &o};
	int rc = options_parse(argc, argv, &o);
	if (rc < 0)
		return 125;
	if (rc > 0 && o.print_policy) {
		if (load_policy(&o, &m.policy) < 0)
			return 125;
		rc = policy_print(m.policy, stdout) < 0 || fflush(stdout) != 0 ? 125 : 0;
		policy_free(m.policy);
		return rc;
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
	const char *no_filter = backstop_unavailable();
	if (no_filter) {
		fprintf(stderr, "pysbx-trace: cannot filter the job's system calls: %s\n", no_filter);
		policy_free(m.policy);
		return 125;
	}
	struct run_as user = {0}, *as = NULL;
	char *home = NULL;
	if (o.user) {
		if (resolve_user(o.user, &user, &home) < 0) {
			policy_free(m.policy);
			return 125;
		}
		as = &user;
	}
	struct landlock_plan ll;
	if (prepare_landlock(&m, as, home, &ll) < 0) {
		free(user.groups);
		free(home);
		policy_free(m.policy);
		return 125;
	}
	struct log_opts lo = {.json_path = o.log_path, .json_fd = o.log_fd, .audit = o.audit,
	                      .verbose = o.verbose};
	rc = log_init(&lo);
	if (rc < 0) {
		if (o.log_fd >= 0)
			fprintf(stderr, "pysbx-trace: --log-fd %d: %s\n", o.log_fd,
			        rc == -EBADF ? "not a descriptor open for writing" : strerror(-rc));
		else
			fprintf(stderr, "pysbx-trace: cannot open %s: %s\n", o.log_path, strerror(-rc));
		landlock_free(&ll);
		free(user.groups);
		free(home);
		policy_free(m.policy);
		return 125;
	}
	m.landlock = &ll;
	m.own_pgrp = getpgrp();
	m.cp_addr = pick_codepage_addr();
	identity_init(&m.id);
	world_init(&m);
	rc = run(&m, &ll, as);
	backstop_free();
	log_fini();
	identity_free(&m.id);
	for (size_t i = 0; i < m.n_interp; i++)
		free(m.interp_prefix[i]);
	landlock_free(&ll);
	free(user.groups);
	free(home);
	policy_free(m.policy);
	return rc;
}
