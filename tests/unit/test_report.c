/* Unit tests for --report's reading of a log: denials grouped by attempt,
 * hostile logs, and the quoting of the DOT and HTML renderings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor/logtools/report.h"

#define H(t) "\"v\":1,\"time\":" #t ","
#define START "{" H(1) "\"event\":\"start\",\"pid\":10,\"argv\":[\"python3\",\"job.py\"]," \
              "\"policy\":\"p.ini\",\"audit\":true}"
#define FORK(t, pid, parent) "{" H(t) "\"event\":\"fork\",\"pid\":" #pid ",\"parent\":" #parent "}"
#define EXIT(t, pid) "{" H(t) "\"event\":\"exit\",\"pid\":" #pid ",\"status\":0}"
#define PY(file, line) "{\"file\":\"" file "\",\"line\":" #line ",\"function\":\"f\"}"
#define CALL(t, pid, layer, fn, args, dec, py) \
	"{" H(t) "\"event\":\"call\",\"pid\":" #pid ",\"tid\":" #pid ",\"layer\":\"" layer "\"," \
	"\"function\":\"" fn "\",\"args\":" args ",\"object\":\"/usr/bin/python3\"," \
	"\"decision\":\"" dec "\",\"enforced\":false,\"rule\":\"p.ini:7\",\"reason\":\"no\"," \
	"\"python_stack\":[" py "]}"
#define SUMMARY "{" H(9) "\"event\":\"summary\",\"pid\":0,\"exit_code\":0,\"calls\":6," \
                "\"denied\":0,\"would_deny\":6}"

static char path[64];

static void collect(const char *text, struct report *r)
{
	snprintf(path, sizeof path, "/tmp/test_report.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(report_collect(path, r), 0);
	unlink(path);
}

static char *render(void (*fn)(FILE *, const struct report *), const struct report *r)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	fn(m, r);
	fclose(m);
	return out;
}

static const char run[] =
	START "\n"
	CALL(2, 10, "got", "system", "[\"bash\"]", "deny", PY("job.py", 3)) "\n"
	/* the clone3 system() makes, seen by the system-call layer: still its request */
	CALL(2.5, 10, "syscall", "clone3", "[\"0x4100\",88]", "allow", "") "\n"
	FORK(3, 11, 10) "\n"
	CALL(4, 11, "exec", "execve", "[\"/bin/sh\",[\"sh\",\"-c\",\"bash\"]]", "deny", "") "\n"
	FORK(5, 12, 11) "\n"
	CALL(6, 12, "exec", "execve", "[\"/usr/bin/bash\",[\"bash\"]]", "deny", "") "\n"
	CALL(7, 10, "got", "vfork", "[]", "allow",
	     PY("/usr/lib/python3.11/subprocess.py", 1834) "," PY("job.py", 5)) "\n"
	FORK(8, 13, 10) "\n"
	CALL(9, 13, "got", "execv", "[\"/a/bash\",[\"bash\",\"-c\",\"x\"]]", "deny", "") "\n"
	CALL(10, 13, "got", "execv", "[\"/b/bash\",[\"bash\",\"-c\",\"x\"]]", "deny", "") "\n"
	CALL(11, 13, "exec", "execve", "[\"/b/bash\",[\"bash\",\"-c\",\"x\"]]", "deny", "") "\n"
	EXIT(12, 12) "\n" EXIT(12, 11) "\n" EXIT(12, 13) "\n" EXIT(12, 10) "\n"
	SUMMARY "\n";

static void denials_grouped_by_attempt(void **state)
{
	(void)state;
	struct report r;
	collect(run, &r);
	assert_int_equal(r.n_den, 6);
	assert_int_equal(r.n_att, 2);
	/* system(), then the sh and bash it started */
	assert_int_equal(r.att[0].n, 3);
	assert_int_equal(r.att[0].start_line, 2);
	assert_int_equal(r.den[1].attempt, 0);
	assert_int_equal(r.den[2].attempt, 0);
	/* a vfork child's PATH search and exec stop; its Python line is the parent's */
	assert_int_equal(r.att[1].n, 3);
	assert_int_equal(r.att[1].pid, 13);
	assert_int_equal(r.att[1].py_from, SIZE_MAX);
	assert_int_equal(r.att[1].n_ppy, 2);
	assert_string_equal(report_caller(r.att[1].ppy, r.att[1].n_ppy), "job.py:5 in f");
	assert_non_null(strstr(r.att[1].py_parent, "vfork"));
	assert_true(report_proc(&r, 12)->ran_denied);
	assert_false(report_proc(&r, 10)->ran_denied);
	assert_int_equal(r.would_deny, 6);
	char *text = render(report_text, &r);
	assert_non_null(strstr(text, "would-be denials: 2 attempts, 6 would-be denials in all"));
	assert_non_null(strstr(text, "(and 1 more tries of the same program and arguments"));
	assert_non_null(strstr(text, "called from job.py:5 in f"));
	free(text);
	report_release(&r);
}

static void hostile_log_renders_safely(void **state)
{
	(void)state;
	struct report r;
	const char *log =
		START "\n"
		FORK(2, 20, 21) "\n" FORK(3, 21, 20) "\n"   /* a parent loop */
		"{" H(4) "\"event\":\"exec\",\"pid\":20,\"program\":\"<script>alert(\\\"x\\\")</script>\","
		"\"argv\":[\"a\\u001b[2J\\nb\"]}\n"
		CALL(5, 20, "got", "system", "[\"x\\\"];evil\\n\"]", "deny", PY("</code>", 1)) "\n"
		SUMMARY "\n";
	collect(log, &r);
	char *text = render(report_text, &r);
	assert_non_null(strstr(text, "20 "));
	assert_non_null(strstr(text, "21 "));
	assert_null(strchr(text, '\x1b'));
	free(text);
	char *html = render(report_html, &r);
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "&lt;script&gt;"));
	assert_null(strstr(html, "</code>:1"));
	assert_null(strchr(html, '\x1b'));
	free(html);
	char *dot = render(report_dot, &r);
	/* the quote in the command stays inside its DOT string */
	assert_non_null(strstr(dot, "system(\\\"x\\\\\\\"];evil\\\\x0a\\\")"));
	free(dot);
	report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(denials_grouped_by_attempt),
		cmocka_unit_test(hostile_log_renders_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
