/* options: pysbx-trace's command line (keep in step with man/pysbx-trace.1). */
#include "monitor/options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION "0.1"

static const char usage[] =
	"usage: pysbx-trace [options] [--] PROGRAM [ARGS...]\n"
	"       pysbx-trace --print-policy [--profile NAME] [-c FILE]... [--allow PROGRAM]...\n"
	"       pysbx-trace [-c FILE] --check-log LOG\n"
	"       pysbx-trace [-c FILE] --learn LOG > job-policy.ini\n"
	"       pysbx-trace --report LOG [--format text|dot|html]\n"
	"\n"
	"Runs PROGRAM (a Python job) under the pysbx monitor: dangerous calls made\n"
	"by the job (system, exec*, kill, setuid, mount, ...) are checked against a\n"
	"policy from outside the job's address space.\n"
	"\n"
	"options:\n"
	"  -c, --policy FILE   use the policy in FILE instead of the built-in one; given\n"
	"                      again, each FILE is a layer on the ones before it\n"
	"      --profile NAME  start from a shipped profile: default (the built-in\n"
	"                      policy.ini), judge (no program but the interpreter) or\n"
	"                      notebook (bash as a shell); -c FILEs are layers on it\n"
	"      --allow PROGRAM allow PROGRAM (a path, a pattern, or a name found in PATH)\n"
	"      --allow-dir DIR allow the programs under DIR\n"
	"  -o, --output FILE   write every event as JSON Lines to FILE\n"
	"      --log-fd N      write the events to descriptor N (the job does not inherit it)\n"
	"      --user USER[:GROUP]  run the job as USER (pysbx-trace must be root)\n"
	"      --require-landlock   refuse to run where the kernel cannot enforce the\n"
	"                      file-system write set and the signal scope (Landlock ABI 6)\n"
	"      --audit         decide and record everything, deny nothing\n"
	"  -b, --backtrace     record the native and Python stacks of every intercepted call\n"
	"  -v, --verbose       also report allowed calls on stderr\n"
	"      --no-pin        leave pysbx-trace's CPU and scheduling policy alone\n"
	"      --print-policy  print the policy (merged from -c, --profile, --allow and\n"
	"                      --allow-dir) with the FILE:LINE of every key, and exit\n"
	"      --check-log LOG decide every call of a recorded run again under the policy,\n"
	"                      print what changes; exit status 0 when nothing does\n"
	"      --learn LOG     write the tightest policy that allows what the run did and\n"
	"                      nothing the policy denies\n"
	"      --report LOG    summarise a recorded run: processes, denials, objects\n"
	"      --format FMT    with --report: text (default), dot (Graphviz) or html (one\n"
	"                      self-contained page)\n"
	"  -h, --help          show this help and exit\n"
	"      --version       show the version and exit\n"
	"\n"
	"Exit status: the job's own (128+N if it was killed by signal N); 125 when\n"
	"pysbx-trace fails, 126 when PROGRAM cannot be executed, 127 when it is not found.\n"
	"The log tools exit 125 when LOG is not a readable event log (--learn also when\n"
	"it was altered), and --report and --check-log 2 when it is altered or incomplete.\n";

enum { OPT_AUDIT = 256, OPT_VERSION, OPT_PRINT_POLICY, OPT_CHECK_LOG, OPT_LEARN, OPT_REPORT,
       OPT_FORMAT, OPT_NO_PIN, OPT_USER, OPT_LOG_FD, OPT_REQUIRE_LANDLOCK, OPT_PROFILE,
       OPT_ALLOW, OPT_ALLOW_DIR };

int options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{"policy", required_argument, NULL, 'c'},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"allow", required_argument, NULL, OPT_ALLOW},
		{"allow-dir", required_argument, NULL, OPT_ALLOW_DIR},
		{"output", required_argument, NULL, 'o'},
		{"audit", no_argument, NULL, OPT_AUDIT},
		{"verbose", no_argument, NULL, 'v'},
		{"no-pin", no_argument, NULL, OPT_NO_PIN},
		{"user", required_argument, NULL, OPT_USER},
		{"log-fd", required_argument, NULL, OPT_LOG_FD},
		{"require-landlock", no_argument, NULL, OPT_REQUIRE_LANDLOCK},
		{"backtrace", no_argument, NULL, 'b'},
		{"print-policy", no_argument, NULL, OPT_PRINT_POLICY},
		{"check-log", required_argument, NULL, OPT_CHECK_LOG},
		{"learn", required_argument, NULL, OPT_LEARN},
		{"report", required_argument, NULL, OPT_REPORT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	int c;
	memset(o, 0, sizeof *o);
	o->log_fd = -1;
	/* "+": options end at PROGRAM; its own options are its own */
	while ((c = getopt_long(argc, argv, "+c:o:vbh", longs, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (o->n_policy == OPT_MAX_LAYERS) {
				fprintf(stderr, "pysbx-trace: -c: at most %d policy files\n", OPT_MAX_LAYERS);
				return -1;
			}
			o->policy_paths[o->n_policy++] = optarg;
			break;
		case OPT_PROFILE:
			if (o->profile) {
				fputs("pysbx-trace: --profile: one profile only (layer files on it with -c)\n",
				      stderr);
				return -1;
			}
			o->profile = optarg;
			break;
		case OPT_ALLOW:
		case OPT_ALLOW_DIR:
			if (o->n_allow == OPT_MAX_LAYERS) {
				fprintf(stderr, "pysbx-trace: at most %d --allow and --allow-dir\n",
				        OPT_MAX_LAYERS);
				return -1;
			}
			o->allow[o->n_allow++] = (struct opt_allow){c == OPT_ALLOW ? "allow" : "allow-dir",
			                                            optarg, optind - 1};
			break;
		case 'o': o->log_path = optarg; break;
		case 'v': o->verbose++; break;
		case 'b': o->backtrace = true; break;
		case OPT_AUDIT: o->audit = true; break;
		case OPT_NO_PIN: o->no_pin = true; break;
		case OPT_USER: o->user = optarg; break;
		case OPT_REQUIRE_LANDLOCK: o->require_landlock = true; break;
		case OPT_LOG_FD: {
			char *end;
			long fd = strtol(optarg, &end, 10);
			if (*optarg == 0 || *end || fd < 0 || fd > 1000000) {
				fputs("pysbx-trace: --log-fd: expected a descriptor number\n", stderr);
				return -1;
			}
			o->log_fd = (int)fd;
			break;
		}
		case OPT_PRINT_POLICY: o->print_policy = true; break;
		case OPT_CHECK_LOG: o->check_log = optarg; break;
		case OPT_LEARN: o->learn = optarg; break;
		case OPT_REPORT: o->report = optarg; break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = 0;
			else if (!strcmp(optarg, "dot"))
				o->format = 1;
			else if (!strcmp(optarg, "html"))
				o->format = 2;
			else {
				fputs("pysbx-trace: --format: expected text, dot or html\n", stderr);
				return -1;
			}
			break;
		case 'h': fputs(usage, stdout); return 1;
		case OPT_VERSION: printf("pysbx-trace %s\n", VERSION); return 1;
		default:
			fputs("Try 'pysbx-trace --help'.\n", stderr);
			return -1;
		}
	}
	if (o->print_policy)
		return 1;
	int modes = !!o->check_log + !!o->learn + !!o->report;
	if (modes > 1 || (modes && optind < argc)) {
		fputs("pysbx-trace: --check-log, --learn and --report take a log, not a program\n",
		      stderr);
		return -1;
	}
	if (modes)
		return 2;
	if (optind >= argc) {
		fputs("pysbx-trace: no program given\nTry 'pysbx-trace --help'.\n", stderr);
		return -1;
	}
	o->argv = argv + optind;
	return 0;
}
