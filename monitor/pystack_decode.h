/* pystack_decode: the pure parts of pystack, on bytes already copied out of
 * the job: CPython's location tables (3.8-3.9 co_lnotab, 3.10 co_linetable,
 * 3.11- co_linetable) and str data.  No tracee access here, so the unit test
 * feeds them tables and strings made by real interpreters.
 */
#ifndef PYSBX_PYSTACK_DECODE_H
#define PYSBX_PYSTACK_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Finds the line of the code unit at byte offset addr (a multiple of 2) in a
 * 3.11 location table (co_linetable) of len bytes, whose line numbers start
 * at firstlineno (co_firstlineno).
 *
 * complete says whether tab holds the whole table or only its first len bytes.
 * Returns 0 with *line set (-1: the instruction has no location), -EAGAIN when
 * the answer lies past the end of an incomplete tab, -EINVAL when the table is
 * malformed (or ends before addr, or a line does not fit an int). */
int pystack_linetable_line(const uint8_t *tab, size_t len, bool complete,
                           int firstlineno, uint64_t addr, int *line);

/* The same for a 3.10 location table (co_linetable: pairs of a byte count
 * and a signed line delta, -128 for "no line"), addr in bytes. */
int pystack_linetable310_line(const uint8_t *tab, size_t len, bool complete,
                              int firstlineno, uint64_t addr, int *line);

/* The same for a 3.8 or 3.9 co_lnotab (pairs of a byte increment and a
 * signed line increment), addr in bytes: the line of the last pair that
 * starts at or before addr, as PyCode_Addr2Line says. */
int pystack_lnotab_line(const uint8_t *tab, size_t len, bool complete,
                        int firstlineno, uint64_t addr, int *line);

/* One of the three by PYLINES_* (pystack_layout.h); -EINVAL for another kind. */
int pystack_line_of(unsigned kind, const uint8_t *tab, size_t len, bool complete,
                    int firstlineno, uint64_t addr, int *line);

/* Writes n code points of str data of the given kind (1: latin-1, 2: UCS-2,
 * 4: UCS-4, in host byte order) as UTF-8 into out (cap >= 1 bytes), truncated
 * at a character boundary and NUL-terminated.  Control characters (C0, DEL)
 * and code points that are not characters (lone surrogates, among them the
 * U+DC80..U+DCFF by which Python keeps the undecodable bytes of a file name)
 * become '?', so the result is one printable line of valid UTF-8.  Returns
 * the length written. */
size_t pystack_utf8(const void *data, size_t n, unsigned kind, char *out, size_t cap);

/* Copies the NUL-terminated UTF-8 src into dst (cap >= 1), cut at a character
 * boundary when it does not fit. */
void pystack_copy_utf8(char *dst, size_t cap, const char *src);

#endif
