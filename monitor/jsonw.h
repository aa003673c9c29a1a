/* jsonw: building one JSON object in memory, with strings escaped so any bytes
 * (control characters, invalid UTF-8 from a hostile job) give valid JSON.
 * Bytes that are not valid UTF-8 are written as \u00XX. */
#ifndef PYSBX_JSONW_H
#define PYSBX_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jw {
	char *buf;
	size_t len, cap;
	bool comma;    /* a value was written at this level: the next needs a comma */
	bool failed;   /* out of memory: the document is incomplete */
};

void jw_init(struct jw *j);
void jw_free(struct jw *j);
void jw_reset(struct jw *j);

void jw_obj_begin(struct jw *j);
void jw_obj_end(struct jw *j);
void jw_arr_begin(struct jw *j);
void jw_arr_end(struct jw *j);
void jw_key(struct jw *j, const char *key);

void jw_str(struct jw *j, const char *s);           /* NULL writes null */
void jw_strn(struct jw *j, const char *s, size_t n);
void jw_int(struct jw *j, long long v);
void jw_uint(struct jw *j, unsigned long long v);
void jw_hex(struct jw *j, unsigned long long v);    /* as a string "0x..." */
void jw_double(struct jw *j, double v);
void jw_bool(struct jw *j, bool v);
void jw_null(struct jw *j);

/* Appends bytes as they are (for text that is not JSON). */
void jw_raw(struct jw *j, const char *s, size_t n);
/* Appends the escaped form of s[0..n) without quotes (also used for stderr). */
void jw_escape(struct jw *j, const char *s, size_t n);

#endif
