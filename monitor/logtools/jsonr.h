/* jsonr: reading one JSON document (a line of an event log) into a tree.
 *
 * Strict JSON (RFC 8259): a malformed line is an error with its column, never
 * a crash.  Strings are decoded to UTF-8 bytes; \u00XX escapes below 0x100
 * that the log writer used for bytes that were not UTF-8 decode back to those
 * bytes.  Nesting is bounded.
 */
#ifndef PYSBX_JSONR_H
#define PYSBX_JSONR_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool b;
	double num;
	char *str;            /* J_STR: NUL-terminated (may hold NULs: see len) */
	size_t len;           /* J_STR: bytes; J_ARR/J_OBJ: members */
	struct jval *items;   /* J_ARR: len values; J_OBJ: len values */
	char **keys;          /* J_OBJ: len keys */
};

/* Parses text[0..len).  Returns 0 with *out, or -EINVAL with the column in
 * *col and a reason in err, or -ENOMEM. */
int jsonr_parse(const char *text, size_t len, struct jval *out, size_t *col, const char **err);
void jsonr_free(struct jval *v);

/* Lookups that tolerate a missing or mistyped member: NULL / fallback. */
const struct jval *jsonr_get(const struct jval *obj, const char *key);
const char *jsonr_str(const struct jval *obj, const char *key);
double jsonr_num(const struct jval *obj, const char *key, double fallback);
bool jsonr_bool(const struct jval *obj, const char *key, bool fallback);

#endif
