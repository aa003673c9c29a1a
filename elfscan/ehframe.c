/* Function start addresses from .eh_frame_hdr (PT_GNU_EH_FRAME).
 *
 * The system call sweep (syscalls.c) disassembles only the functions whose
 * bytes could hold a system call instruction; it needs places where an
 * instruction certainly begins to start decoding from, and the unwind table
 * has one for every function compiled with unwind information (all of them,
 * on Debian's x86-64).  The header's search table is what the unwinder
 * binary-searches at run time:
 *
 *   u8 version (1), u8 eh_frame_ptr_enc, u8 fde_count_enc, u8 table_enc,
 *   eh_frame_ptr, fde_count, then fde_count pairs (initial_loc, fde)
 *
 * Only the encodings every linker writes are read (pointer and count as 4
 * bytes, table as 4-byte offsets from the header); anything else, like no
 * header at all, gives no starts, and the sweep then reads the whole
 * executable segment as it always could.  Starts are hints: a wrong one
 * costs a resynchronised sweep, never a missed byte range (syscalls.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/internal.h"

#define DW_EH_PE_udata4   0x03
#define DW_EH_PE_sdata4   0x0b
#define DW_EH_PE_pcrel    0x10
#define DW_EH_PE_datarel  0x30

static bool four_bytes(unsigned enc)
{
	return enc == DW_EH_PE_udata4 || enc == DW_EH_PE_sdata4 ||
	       enc == (DW_EH_PE_pcrel | DW_EH_PE_sdata4) ||
	       enc == (DW_EH_PE_datarel | DW_EH_PE_sdata4);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The PT_GNU_EH_FRAME segment, if it lies inside the file. */
static bool find_hdr(struct scan *s, GElf_Phdr *out)
{
	for (size_t i = 0; i < s->phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(s->elf, (int)i, &ph) || ph.p_type != PT_GNU_EH_FRAME)
			continue;
		if (ph.p_offset > s->size || ph.p_filesz > s->size - ph.p_offset ||
		    ph.p_filesz < 12)
			return false;
		*out = ph;
		return true;
	}
	return false;
}

int scan_func_starts(struct scan *s, uint64_t **starts, size_t *n)
{
	GElf_Phdr ph;
	const uint8_t *h;
	uint32_t count;
	uint64_t *v;
	bool sorted = true;

	*starts = NULL;
	*n = 0;
	if (!s->img || !find_hdr(s, &ph))
		return 0;
	h = s->img + ph.p_offset;
	if (h[0] != 1 || !four_bytes(h[1]) || h[2] != DW_EH_PE_udata4 ||
	    h[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return 0;
	memcpy(&count, h + 8, sizeof(count));
	if (count == 0 || count > (ph.p_filesz - 12) / 8)
		return 0;
	v = malloc(count * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		int32_t loc;
		memcpy(&loc, h + 12 + 8ull * i, sizeof(loc));
		v[i] = ph.p_vaddr + (uint64_t)(int64_t)loc;
		if (i && v[i] < v[i - 1])
			sorted = false;
	}
	if (!sorted)  /* the unwinder needs it sorted; a hostile file need not be */
		qsort(v, count, sizeof(*v), cmp_u64);
	*starts = v;
	*n = count;
	return 0;
}
