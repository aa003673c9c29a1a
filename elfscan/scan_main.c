/* pysbx-scan: what ELF objects import, define and contain, without running
 * them.  Exit 0 when every file scanned cleanly, 1 when any did not, 2 on a
 * usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/elfscan.h"

static void usage(FILE *f)
{
	fputs("Usage: pysbx-scan [--json] FILE...\n"
	      "Report what ELF objects (Python extension modules, shared libraries,\n"
	      "programs) import and contain, without running them.\n"
	      "\n"
	      "  -j, --json   one JSON object per file, one per line\n"
	      "  -h, --help   show this help\n"
	      "\n"
	      "The text report lists the needed libraries, rpath/runpath, flags\n"
	      "(TEXTREL, EXECSTACK, WX, IFUNC, BIND_NOW, PYTHON, PYEXT), dangerous\n"
	      "imports with their GOT slots, constructors, IFUNC/IRELATIVE and raw\n"
	      "system call instructions with their numbers.\n"
	      "\n"
	      "Exit status: 0 all files scanned, 1 some file could not be scanned\n"
	      "(unreadable, not ELF, corrupt), 2 usage error.\n", f);
}

static int scan_one(const char *path, bool json)
{
	struct elfscan_report *r;
	int rc = elfscan_path(path, &r);

	if (rc) {
		/* Still one report per file, so --json output stays one line each. */
		struct elfscan_report e = { .path = (char *)path, .error = rc };
		snprintf(e.error_msg, sizeof(e.error_msg), "cannot open");
		if (json)
			elfscan_print_json(&e, stdout);
		else
			elfscan_print_text(&e, stdout);
		return 1;
	}
	if (json)
		elfscan_print_json(r, stdout);
	else
		elfscan_print_text(r, stdout);
	rc = r->error ? 1 : 0;
	elfscan_free(r);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (scan_one(argv[i], json))
			status = 1;
		if (!json && i + 1 < argc)
			putchar('\n');
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("pysbx-scan: stdout");
		return 1;
	}
	return status;
}
