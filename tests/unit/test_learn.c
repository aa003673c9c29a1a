/* Unit tests for --learn: the learned policy allows what the run did and
 * never what the base policy denies.  Logs are written to a temporary file
 * from events made up here; the base is the shipped policy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor/decide.h"
#include "monitor/funcs.h"
#include "monitor/logtools/replay.h"

#define HEAD "\"v\":1,\"time\":1.0,"
#define START "{" HEAD "\"event\":\"start\",\"pid\":10,\"argv\":[\"python3\",\"job.py\"]," \
              "\"policy\":\"policy.ini (built in)\",\"audit\":true}"
#define RESOLVE(word, path, known) \
	"{\"q\":\"resolve\",\"a\":10,\"word\":\"" word "\",\"search\":true,\"resolved\":\"" path \
	"\",\"interpreter\":false,\"fresh\":false,\"known_as\":" known ",\"answer\":0}"
#define SYSTEM(cmd, dec, fact) \
	"{" HEAD "\"event\":\"call\",\"pid\":10,\"tid\":10,\"layer\":\"got\",\"function\":\"system\"," \
	"\"args\":[\"" cmd "\"],\"object\":\"/usr/bin/python3.11\",\"object_trusted\":true," \
	"\"decision\":\"" dec "\",\"enforced\":false,\"rule\":\"policy.ini (built in):190\"," \
	"\"reason\":\"r\",\"facts\":[" fact "]}"
#define SUMMARY "{" HEAD "\"event\":\"summary\",\"pid\":0,\"exit_code\":0,\"calls\":2,\"denied\":0}"

static struct policy *builtin;

static int setup(void **state)
{
	char err[256];
	(void)state;
	return policy_builtin(&builtin, err, sizeof err) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	policy_free(builtin);
	return 0;
}

static char path[64];

static const char *write_log(const char *text)
{
	snprintf(path, sizeof path, "/tmp/test_learn.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* --learn on text with base; the policy written (NULL when refused). */
static char *learn(const char *text, const struct policy *base, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	*rc = replay_learn(write_log(text), base, m);
	fclose(m);
	unlink(path);
	return out;
}

/* Decides system(cmd) (with its recorded resolution) under p. */
static enum verdict decide_system(const struct policy *p, const char *event)
{
	struct jval ev;
	size_t col;
	const char *why;
	struct call c;
	struct facts f;
	struct decision d;
	bool uncertain;
	assert_int_equal(jsonr_parse(event, strlen(event), &ev, &col, &why), 0);
	assert_int_equal(replay_call(&ev, &c, &f), 0);
	replay_decide(p, &c, &f, &d, &uncertain);
	replay_release(&c, &f);
	jsonr_free(&ev);
	return d.verdict;
}

static const char ls_call[] = SYSTEM("ls", "allow", RESOLVE("ls", "/usr/bin/ls", "null"));
static const char bash_call[] = SYSTEM("bash", "deny", RESOLVE("bash", "/usr/bin/bash", "\"bash\""));

static void audit_denial_is_not_learned(void **state)
{
	(void)state;
	int rc;
	char log[4096];
	snprintf(log, sizeof log, START "\n%s\n%s\n" SUMMARY "\n", ls_call, bash_call);
	char *text = learn(log, builtin, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(text);
	assert_non_null(strstr(text, "\nsystem = check ; 1 call, first at line 2\n"));
	assert_null(strstr(text, "system = allow"));
	assert_non_null(strstr(text, "; Left out: 1 call the base policy denies"));
	assert_non_null(strstr(text, ";   line 3: would deny system(\"bash\")"));
	assert_non_null(strstr(text, "they RAN"));
	assert_non_null(strstr(text, "\nallow = /usr/bin/ls ; log line 2\n"));

	/* the learned policy decides the run's calls: ls yes, bash no */
	struct policy *p;
	char err[256];
	assert_int_equal(policy_parse(text, strlen(text), "learned.ini", &p, err, sizeof err), 0);
	assert_int_equal(decide_system(p, ls_call), V_ALLOW);
	assert_int_equal(decide_system(p, bash_call), V_DENY);
	policy_free(p);
	free(text);
}

static void base_allow_stays_no_wider(void **state)
{
	(void)state;
	/* a base that allows system outright: bash was allowed by it, so the
	 * learned policy may allow it -- no more than the base does */
	size_t len;
	const char *b = policy_builtin_text(&len);
	char *loose = strndup(b, len);
	char *at = strstr(loose, "\nsystem = check");
	memcpy(at, "\nsystem = allow", 15);
	struct policy *base;
	char err[256];
	assert_int_equal(policy_parse(loose, len, "loose.ini", &base, err, sizeof err), 0);
	char log[4096];
	int rc;
	snprintf(log, sizeof log, START "\n%s\n" SUMMARY "\n", ls_call);
	char *text = learn(log, base, &rc);
	assert_non_null(strstr(text, "\nsystem = check ; 1 call"));   /* tighter than the base */
	free(text);
	snprintf(log, sizeof log, START "\n%s\n%s\n" SUMMARY "\n", ls_call, bash_call);
	text = learn(log, base, &rc);
	assert_non_null(strstr(text, "\nsystem = allow ; 2 calls"));
	assert_null(strstr(text, "Left out"));
	free(text);
	policy_free(base);
	free(loose);
}

static void altered_log_refused(void **state)
{
	(void)state;
	int rc;
	/* a chained first line, then a line without a digest */
	char log[4096];
	snprintf(log, sizeof log, "%.*s,\"chain\":\"%064d\"}\n%s\n" SUMMARY "\n",
	         (int)strlen(START) - 1, START, 0, ls_call);
	char *text = learn(log, builtin, &rc);
	assert_int_equal(rc, REPLAY_UNREADABLE);
	assert_true(!text || !*text);
	free(text);
}

static void paths_no_line_can_hold_are_left_out(void **state)
{
	(void)state;
	int rc;
	/* programs the base allows (under /usr/bin) whose paths a policy line
	 * cannot hold exactly: a pattern character, a space, a newline */
	const char *log = START "\n"
		SYSTEM("a", "allow", RESOLVE("a", "/usr/bin/x*", "null")) "\n"
		SYSTEM("b", "allow", RESOLVE("b", "/usr/bin/my tool", "null")) "\n"
		SYSTEM("c", "allow", RESOLVE("c", "/usr/bin/c\\n[functions]\\nsystem = allow", "null"))
		"\n" SUMMARY "\n";
	char *text = learn(log, builtin, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "\nallow = /usr/bin/x\\* ; log line 2\n"));
	assert_null(strstr(text, "\nallow = /usr/bin/my"));
	assert_null(strstr(text, "\nsystem = allow"));
	assert_non_null(strstr(text, ";   \"/usr/bin/my tool\"\n"));
	assert_non_null(strstr(text, ";   \"/usr/bin/c\\x0a[functions]\\x0asystem = allow\"\n"));
	struct policy *p;
	char err[256];
	assert_int_equal(policy_parse(text, strlen(text), "learned.ini", &p, err, sizeof err), 0);
	policy_free(p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audit_denial_is_not_learned),
		cmocka_unit_test(base_allow_stays_no_wider),
		cmocka_unit_test(altered_log_refused),
		cmocka_unit_test(paths_no_line_can_hold_are_left_out),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
