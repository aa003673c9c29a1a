/* Unit tests for jsonr, the strict JSON reader of the log tools. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/logtools/jsonr.h"

static int parse(const char *s, struct jval *v)
{
	size_t col;
	const char *why;
	return jsonr_parse(s, strlen(s), v, &col, &why);
}

static void values_and_lookups(void **state)
{
	(void)state;
	struct jval v;
	assert_int_equal(parse("{\"a\":1.5,\"b\":\"x\",\"c\":[true,null],\"d\":false}", &v), 0);
	assert_true(jsonr_num(&v, "a", 0) == 1.5);
	assert_string_equal(jsonr_str(&v, "b"), "x");
	assert_int_equal(jsonr_get(&v, "c")->len, 2);
	assert_false(jsonr_bool(&v, "d", true));
	/* a missing or mistyped member: the fallback */
	assert_null(jsonr_str(&v, "a"));
	assert_true(jsonr_num(&v, "b", -1) == -1);
	jsonr_free(&v);
}

static void escapes_decode_to_bytes(void **state)
{
	(void)state;
	struct jval v;
	/* \u00XX above 0x7f is a raw byte of the job's (the writer's escape) */
	assert_int_equal(parse("\"a\\n\\u00ff\\u00e9\\u20ac\\ud83d\\ude00\"", &v), 0);
	assert_memory_equal(v.str, "a\n\xff\xe9\xe2\x82\xac\xf0\x9f\x98\x80", 11);
	assert_int_equal(v.len, 11);
	jsonr_free(&v);
	assert_int_equal(parse("\"\\u0000\"", &v), 0);
	assert_int_equal(v.len, 1);
	jsonr_free(&v);
}

static void malformed_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":}", "[1,]", "01", "1.", "-", "tru", "\"\\x\"",
		"\"\\ud800\"", "\"\\udc00\"", "\"a\nb\"", "{} {}", "{\"a\":1,}", "\"\\u12\"",
		"[1 2]", "nul", "1e", "{1:2}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct jval v;
		assert_int_not_equal(parse(bad[i], &v), 0);
	}
}

static void nesting_bounded(void **state)
{
	(void)state;
	char deep[200];
	struct jval v;
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	assert_int_not_equal(jsonr_parse(deep, 200, &v, &(size_t){0}, &(const char *){NULL}), 0);
	memset(deep, '[', 30);
	memset(deep + 30, ']', 30);
	assert_int_equal(jsonr_parse(deep, 60, &v, &(size_t){0}, &(const char *){NULL}), 0);
	jsonr_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_and_lookups),
		cmocka_unit_test(escapes_decode_to_bytes),
		cmocka_unit_test(malformed_refused),
		cmocka_unit_test(nesting_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
