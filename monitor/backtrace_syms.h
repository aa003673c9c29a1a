/* backtrace_syms: names for native frames, from an object's own symbols.
 *
 * The function symbols of an ELF file: its .symtab when it is not stripped,
 * its .dynsym, and the .symtab inside .gnu_debugdata (MiniDebugInfo: an
 * xz-compressed ELF with the local function symbols a stripped file lost)
 * when liblzma can be loaded.  A frame is named after a symbol only when its
 * address lies inside it (st_value <= address < st_value + st_size); an
 * address no symbol covers has no name, and the caller says object+offset
 * rather than send a reader to the nearest symbol before it.
 *
 * Hostile input: the files are the job's objects.  libelf checks every index
 * and offset it reads; names, symbol counts and the decompressed size of
 * .gnu_debugdata are bounded; a file that cannot be read gives no names.
 */
#ifndef PYSBX_BACKTRACE_SYMS_H
#define PYSBX_BACKTRACE_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elfscan/elfscan.h"

struct btsyms;

/* Which tables gave symbols. */
enum {
	BTSYMS_SYMTAB = 1u << 0,
	BTSYMS_DYNSYM = 1u << 1,
	BTSYMS_DEBUGDATA = 1u << 2,     /* the .symtab of .gnu_debugdata */
	BTSYMS_DEBUGDATA_BAD = 1u << 3, /* .gnu_debugdata was there and could not be used */
};

/* Reads the function symbols of the ELF file open at fd.  Returns 0 with
 * *out set (possibly holding no symbols), or a negative errno (-ENOEXEC: not
 * an ELF file libelf can read). */
int btsyms_read(int fd, struct btsyms **out);
void btsyms_free(struct btsyms *s);

/* The function containing vaddr (an address of the file's own, i.e. minus
 * the load bias), with *offset = vaddr - its start; NULL when none does. */
const char *btsyms_find(const struct btsyms *s, uint64_t vaddr, uint64_t *offset);

size_t btsyms_count(const struct btsyms *s);
unsigned btsyms_sources(const struct btsyms *s);   /* BTSYMS_* */

/* Whether .gnu_debugdata can be decompressed here (built with lzma.h and
 * liblzma.so.5 loadable). */
bool btsyms_have_lzma(void);

/* The symbols of the file at path, read once per file: NULL when it cannot
 * be read, or when it is no longer the file id describes (the identity its
 * scan recorded: replaced since it was mapped). */
const struct btsyms *btsyms_cached(const char *path, const struct elfscan_id *id);
void btsyms_cache_clear(void);

#endif
