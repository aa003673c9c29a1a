/* Unit tests for logread: what is a log, how far it can be trusted.  Logs
 * are built in memory; chained ones get their digests here, from the
 * specification (pysbx-policy(5)). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfscan/sha256.h"
#include "monitor/logtools/logread.h"

#define START "{\"v\":1,\"time\":1.5,\"event\":\"start\",\"pid\":10,\"argv\":[\"python3\"]," \
              "\"policy\":\"p.ini\",\"audit\":true}"
#define EXEC "{\"v\":1,\"time\":1.6,\"event\":\"exec\",\"pid\":10,\"program\":\"/usr/bin/python3\"," \
             "\"argv\":[\"python3\"],\"judged\":false,\"python\":true}"
#define CALL "{\"v\":1,\"time\":1.7,\"event\":\"call\",\"pid\":10,\"tid\":10,\"layer\":\"got\"," \
             "\"function\":\"system\",\"args\":[\"bash\"],\"object\":\"/usr/bin/python3\"," \
             "\"decision\":\"deny\",\"enforced\":false,\"reason\":\"bash is a denied program\"}"
#define EXIT "{\"v\":1,\"time\":1.8,\"event\":\"exit\",\"pid\":10,\"status\":0}"
#define SUMMARY "{\"v\":1,\"time\":1.9,\"event\":\"summary\",\"pid\":0,\"exit_code\":0," \
                "\"calls\":1,\"denied\":0,\"would_deny\":1}"
#define TAMPER "{\"v\":1,\"time\":1.85,\"event\":\"tamper\",\"pid\":0,\"what\":\"truncated\"," \
               "\"restored\":true}"

struct buf {
	char *p;
	size_t n;
};

static void add(struct buf *b, const char *s, size_t n)
{
	b->p = realloc(b->p, b->n + n + 1);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

/* The lines joined, each ended by a newline; chained: each given its digest
 * (H_n = SHA-256(H_(n-1) in hex, P_n), P_n the line without its final '}'). */
static struct buf log_of(const char *const *lines, size_t n, bool chained)
{
	struct buf b = {0};
	char prev[65];
	memset(prev, '0', 64);
	prev[64] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(lines[i]);
		if (!chained) {
			add(&b, lines[i], len);
			add(&b, "\n", 1);
			continue;
		}
		char *msg = malloc(64 + len);
		uint8_t d[32];
		memcpy(msg, prev, 64);
		memcpy(msg + 64, lines[i], len - 1);
		sha256(msg, 64 + len - 1, d);
		free(msg);
		for (int k = 0; k < 32; k++)
			snprintf(prev + 2 * k, 3, "%02x", d[k]);
		add(&b, lines[i], len - 1);
		add(&b, ",\"chain\":\"", 10);
		add(&b, prev, 64);
		add(&b, "\"}\n", 3);
	}
	if (!b.p)
		add(&b, "", 0);
	return b;
}

static size_t events_seen;

static int count(void *ctx, const struct jval *ev, size_t line)
{
	(void)ctx;
	(void)line;
	assert_non_null(jsonr_str(ev, "event"));
	events_seen++;
	return 0;
}

/* Reads b as a log; the return of logread_stream. */
static int read_log(const struct buf *b, struct logread *lr)
{
	FILE *f = fmemopen(b->p, b->n ? b->n : 1, "r");
	assert_non_null(f);
	if (!b->n)
		fgetc(f);   /* fmemopen wants a size of 1 at least: start at its end */
	events_seen = 0;
	int rc = logread_stream(f, "t.jsonl", count, NULL, lr);
	fclose(f);
	return rc;
}

static const char *const whole[] = {START, EXEC, CALL, EXIT, SUMMARY};
#define N(a) (sizeof a / sizeof a[0])

static void complete_unchained_log(void **state)
{
	(void)state;
	struct logread lr;
	struct buf b = log_of(whole, N(whole), false);
	char msg[512];
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(events_seen, 5);
	assert_true(lr.complete);
	assert_false(lr.chained);
	assert_false(logread_altered(&lr));
	assert_true(lr.audit);
	assert_null(logread_completeness(&lr, msg, sizeof msg));
	assert_non_null(strstr(logread_integrity(&lr, msg, sizeof msg), "not verifiable"));
	assert_string_equal(logread_standing(&lr), "not verifiable");
	logread_free(&lr);
	free(b.p);
}

static void chain_verified(void **state)
{
	(void)state;
	struct logread lr;
	struct buf b = log_of(whole, N(whole), true);
	char msg[512];
	assert_int_equal(read_log(&b, &lr), 0);
	assert_true(lr.chained);
	assert_false(logread_altered(&lr));
	assert_string_equal(logread_integrity(&lr, msg, sizeof msg),
	                    "digest chain verified over 5 lines");
	assert_string_equal(logread_standing(&lr), "verified");
	logread_free(&lr);
	free(b.p);
}

/* Replaces the first `from` after line `line` starts with `to` (same length). */
static void edit(struct buf *b, int line, const char *from, const char *to)
{
	char *s = b->p;
	for (int i = 1; i < line; i++)
		s = strchr(s, '\n') + 1;
	char *at = strstr(s, from);
	assert_non_null(at);
	assert_int_equal(strlen(from), strlen(to));
	memcpy(at, to, strlen(to));
}

static void changed_byte_is_altered_at_its_line(void **state)
{
	(void)state;
	struct logread lr;
	struct buf b = log_of(whole, N(whole), true);
	edit(&b, 3, "\"deny\"", "\"kill\"");
	assert_int_equal(read_log(&b, &lr), 0);
	assert_true(logread_altered(&lr));
	assert_int_equal(lr.altered_line, 3);
	assert_int_equal(lr.n_altered, 1);   /* the lines after it still chain */
	assert_string_equal(logread_standing(&lr), "ALTERED");
	logread_free(&lr);
	free(b.p);
}

static void dropped_line_is_altered(void **state)
{
	(void)state;
	struct logread lr;
	struct buf b = log_of(whole, N(whole), true);
	/* remove line 2 */
	char *l2 = strchr(b.p, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
	memmove(l2, l3, strlen(l3) + 1);
	b.n = strlen(b.p);
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(lr.altered_line, 2);
	logread_free(&lr);
	free(b.p);
}

/* Removes the chain member of line `line` (,"chain":"<64 hex>" before its "}"). */
static void strip(struct buf *b, int line)
{
	char *s = b->p;
	for (int i = 1; i < line; i++)
		s = strchr(s, '\n') + 1;
	char *key = strstr(s, ",\"chain\":\"");
	assert_non_null(key);
	memmove(key, key + 75, strlen(key + 75) + 1);
	b->n = strlen(b->p);
}

static void missing_digest_is_altered(void **state)
{
	(void)state;
	struct logread lr;
	/* a chained log with one line the monitor would never write unchained */
	struct buf c = log_of(whole, N(whole), true);
	strip(&c, 3);
	assert_int_equal(read_log(&c, &lr), 0);
	assert_true(logread_altered(&lr));
	assert_int_equal(lr.altered_line, 3);
	assert_int_equal(lr.n_altered, 1);   /* read on as if only the digest was removed */
	logread_free(&lr);
	free(c.p);

	/* the first line's digest removed: the log poses as an older one */
	c = log_of(whole, N(whole), true);
	strip(&c, 1);
	assert_int_equal(read_log(&c, &lr), 0);
	assert_true(logread_altered(&lr));
	assert_int_equal(lr.altered_line, 1);
	logread_free(&lr);
	free(c.p);
}

static void no_summary_is_incomplete(void **state)
{
	(void)state;
	struct logread lr;
	char msg[512];
	struct buf b = log_of(whole, 3, true);
	assert_int_equal(read_log(&b, &lr), 0);
	assert_false(lr.complete);
	assert_false(logread_altered(&lr));
	assert_int_equal(lr.last_line, 3);
	assert_string_equal(lr.last_event, "call");
	assert_non_null(strstr(logread_completeness(&lr, msg, sizeof msg),
	                       "INCOMPLETE: no summary event; the log ends at line 3, with event "
	                       "'call' of pid 10"));
	logread_free(&lr);
	free(b.p);
}

static void cut_last_line_is_incomplete_not_bad(void **state)
{
	(void)state;
	struct logread lr;
	char msg[512];
	struct buf b = log_of(whole, N(whole), true);
	b.n -= 40;   /* the summary, cut in its middle */
	b.p[b.n] = 0;
	assert_int_equal(read_log(&b, &lr), 0);
	assert_true(lr.cut);
	assert_false(lr.complete);
	assert_int_equal(lr.bad, 0);
	assert_false(logread_altered(&lr));
	assert_non_null(strstr(logread_completeness(&lr, msg, sizeof msg), "cut short"));
	logread_free(&lr);
	free(b.p);
}

static void refused(const char *text, size_t n)
{
	struct logread lr;
	struct buf b = {0};
	add(&b, text, n);
	assert_int_equal(read_log(&b, &lr), -1);
	logread_free(&lr);
	free(b.p);
}

static void not_logs_refused(void **state)
{
	(void)state;
	refused("", 0);
	refused("\n", 1);
	refused("hello\n", 6);
	refused("[1,2,3]\n", 8);
	refused(EXEC "\n" SUMMARY "\n", strlen(EXEC SUMMARY) + 2);              /* no start */
	const char *v99 = "{\"v\":99,\"time\":1,\"event\":\"start\",\"pid\":1,\"argv\":[]}\n";
	refused(v99, strlen(v99));
	const char *str_pid = "{\"v\":1,\"time\":1,\"event\":\"start\",\"pid\":\"1\",\"argv\":[]}\n";
	refused(str_pid, strlen(str_pid));
	char random[4096];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof random; i++) {
		x = x * 1103515245u + 12345u;
		random[i] = (char)(x >> 16);
	}
	refused(random, sizeof random);
}

static void share_of_bad_lines(void **state)
{
	(void)state;
	struct logread lr;
	/* one bad line in 20 is told and skipped; 3 in 10 refuse the log */
	const char *many[20];
	many[0] = START;
	for (int i = 1; i < 19; i++)
		many[i] = EXEC;
	many[19] = SUMMARY;
	struct buf b = log_of(many, 20, false);
	edit(&b, 5, "{", "[");
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(lr.bad, 1);
	assert_int_equal(lr.first_bad, 5);
	assert_int_equal(events_seen, 19);
	logread_free(&lr);
	free(b.p);
	b = log_of(many, 10, false);
	edit(&b, 3, "{", "[");
	edit(&b, 4, "\"program\":\"/usr/bin/python3\"", "\"program\":123456789012345678"); /* a type */
	edit(&b, 6, "{", "[");
	assert_int_equal(read_log(&b, &lr), -1);
	logread_free(&lr);
	free(b.p);
}

static void hostile_lines_survive(void **state)
{
	(void)state;
	struct logread lr;
	struct buf b = {0};
	add(&b, START "\n", strlen(START) + 1);
	/* deep nesting, a NUL, invalid UTF-8, a huge number: bad lines, no crash */
	char deep[20001];
	memset(deep, '[', 20000);
	deep[20000] = 0;
	add(&b, deep, 20000);
	add(&b, "\n", 1);
	add(&b, "{\"v\":1,\0\"x\":1}\n", 15);
	const char *big_pid = "{\"v\":1,\"time\":1,\"event\":\"exec\",\"pid\":1e300,"
	                      "\"program\":\"\xff\"}\n";
	add(&b, big_pid, strlen(big_pid));
	for (int i = 0; i < 40; i++)
		add(&b, EXEC "\n", strlen(EXEC) + 1);
	add(&b, SUMMARY "\n", strlen(SUMMARY) + 1);
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(lr.bad, 3);
	assert_true(lr.complete);
	logread_free(&lr);
	free(b.p);
}

static void line_too_long(void **state)
{
	(void)state;
	struct logread lr;
	struct buf b = {0};
	add(&b, START "\n", strlen(START) + 1);
	size_t big = LOGREAD_LINE_MAX + 4096;
	char *huge = malloc(big);
	memset(huge, ' ', big);
	huge[0] = '"';
	add(&b, huge, big);
	free(huge);
	add(&b, "\n", 1);
	for (int i = 0; i < 12; i++)
		add(&b, EXEC "\n", strlen(EXEC) + 1);
	add(&b, SUMMARY "\n", strlen(SUMMARY) + 1);
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(lr.bad, 1);
	assert_int_equal(lr.first_bad, 2);
	assert_int_equal(events_seen, 14);
	logread_free(&lr);
	free(b.p);
}

static void after_summary_and_second_start_altered(void **state)
{
	(void)state;
	struct logread lr;
	const char *after[] = {START, CALL, SUMMARY, CALL};
	struct buf b = log_of(after, 4, true);
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(lr.altered_line, 4);
	logread_free(&lr);
	free(b.p);
	const char *twice[] = {START, CALL, START, SUMMARY};
	b = log_of(twice, 4, false);
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(lr.altered_line, 3);
	logread_free(&lr);
	free(b.p);
}

static void tamper_events_kept(void **state)
{
	(void)state;
	struct logread lr;
	char msg[512];
	const char *t[] = {START, CALL, TAMPER, SUMMARY};
	struct buf b = log_of(t, 4, true);
	assert_int_equal(read_log(&b, &lr), 0);
	assert_int_equal(lr.n_tamper, 1);
	assert_int_equal(lr.tamper[0].line, 3);
	assert_true(lr.tamper[0].restored);
	assert_non_null(strstr(logread_tamper_text(&lr, 0, msg, sizeof msg),
	                       "TAMPERING: the monitor found its log file changed during the run "
	                       "(line 3): truncated; it restored the file"));
	assert_false(logread_altered(&lr));
	logread_free(&lr);
	free(b.p);
}

static void directory_and_missing_file_refused(void **state)
{
	(void)state;
	struct logread lr;
	assert_int_equal(logread_file("/", count, NULL, &lr), -1);
	logread_free(&lr);
	assert_int_equal(logread_file("/nonexistent/log.jsonl", count, NULL, &lr), -1);
	logread_free(&lr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(complete_unchained_log),
		cmocka_unit_test(chain_verified),
		cmocka_unit_test(changed_byte_is_altered_at_its_line),
		cmocka_unit_test(dropped_line_is_altered),
		cmocka_unit_test(missing_digest_is_altered),
		cmocka_unit_test(no_summary_is_incomplete),
		cmocka_unit_test(cut_last_line_is_incomplete_not_bad),
		cmocka_unit_test(not_logs_refused),
		cmocka_unit_test(share_of_bad_lines),
		cmocka_unit_test(hostile_lines_survive),
		cmocka_unit_test(line_too_long),
		cmocka_unit_test(after_summary_and_second_start_altered),
		cmocka_unit_test(tamper_events_kept),
		cmocka_unit_test(directory_and_missing_file_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
