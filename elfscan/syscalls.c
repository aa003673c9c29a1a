/* Raw system call instructions in executable code, found by disassembling
 * (Capstone, linear sweep) rather than by searching for the bytes 0f 05,
 * which also occur inside other instructions and in data.
 *
 * Every system call instruction (syscall 0f 05, sysenter 0f 34, int 0x80
 * cd 80, with any prefixes) holds one of three byte pairs, so only the
 * functions that hold one are disassembled: the executable bytes are cut at
 * the function starts of the unwind table (ehframe.c) and a piece with no
 * such pair is skipped.  That reads a few per cent of a library instead of
 * all of it.  Without an unwind table a whole section is one piece.
 *
 * The sweep runs without Capstone's operand details (several times faster);
 * it only remembers the addresses of the last few instructions of the current
 * straight-line block.  At a system call it disassembles that short window
 * again with details and follows constants through the general registers to
 * find the value in rax.  A linear sweep cannot see jumps into the middle of
 * a block, so the number is what the fall-through path puts there.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "elfscan/internal.h"

#define WINDOW 16  /* instructions looked at before a system call */

/* Capstone is opened on the first sweep rather than linked: its 77000
 * relocations cost every start of the monitor 2-4 ms in the loader, and a
 * job whose objects are all trusted never asks for a sweep.  The pointers
 * have the types of the header's declarations. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define CAPSTONE_SONAME "libcapstone.so." STR(CS_API_MAJOR)

static struct {
	__typeof__(cs_open) *open;
	__typeof__(cs_option) *option;
	__typeof__(cs_malloc) *malloc;
	__typeof__(cs_free) *free;
	__typeof__(cs_close) *close;
	__typeof__(cs_disasm_iter) *disasm_iter;
	__typeof__(cs_regs_access) *regs_access;
} cs;

/* 0, or -ENOSYS (remembered) when the library or a function is missing. */
static int load_capstone(void)
{
	static int rc = 1;  /* not tried yet */
	void *h;

	if (rc <= 0)
		return rc;
	rc = -ENOSYS;
	h = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return rc;
	cs.open = (__typeof__(cs.open))dlsym(h, "cs_open");
	cs.option = (__typeof__(cs.option))dlsym(h, "cs_option");
	cs.malloc = (__typeof__(cs.malloc))dlsym(h, "cs_malloc");
	cs.free = (__typeof__(cs.free))dlsym(h, "cs_free");
	cs.close = (__typeof__(cs.close))dlsym(h, "cs_close");
	cs.disasm_iter = (__typeof__(cs.disasm_iter))dlsym(h, "cs_disasm_iter");
	cs.regs_access = (__typeof__(cs.regs_access))dlsym(h, "cs_regs_access");
	if (cs.open && cs.option && cs.malloc && cs.free && cs.close &&
	    cs.disasm_iter && cs.regs_access)
		rc = 0;
	return rc;
}

struct sweep {
	struct scan *s;
	csh fast, slow;
	cs_insn *fi, *si;
	size_t cap;
	uint64_t swept;  /* bytes given to the sweep so far */
	const uint64_t *starts;  /* function starts, sorted (ehframe.c) */
	size_t n_starts;
	bool full;       /* SCAN_MAX_SYSCALLS sites collected */
	/* The current region and the block being swept in it. */
	const uint8_t *code;
	uint64_t base;
	uint64_t ring[WINDOW];  /* addresses, oldest at ring[head] when full */
	unsigned n_ring, head;
};

static bool ends_block(unsigned id)
{
	switch (id) {
	case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB:
	case X86_INS_JCXZ: case X86_INS_JECXZ: case X86_INS_JRCXZ:
	case X86_INS_JE: case X86_INS_JGE: case X86_INS_JG: case X86_INS_JLE:
	case X86_INS_JL: case X86_INS_JMP: case X86_INS_JNE: case X86_INS_JNO:
	case X86_INS_JNP: case X86_INS_JNS: case X86_INS_JO: case X86_INS_JP:
	case X86_INS_JS: case X86_INS_LJMP: case X86_INS_CALL: case X86_INS_LCALL:
	case X86_INS_RET: case X86_INS_RETF: case X86_INS_RETFQ:
	case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_IRETQ:
	case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
	case X86_INS_HLT: case X86_INS_UD2: case X86_INS_UD2B: case X86_INS_INT3:
	case X86_INS_INT: case X86_INS_SYSRET: case X86_INS_SYSEXIT:
		return true;
	default:
		return false;
	}
}

/* -1 when the instruction is not a system call. */
static int syscall_insn(const cs_insn *in)
{
	if (in->id == X86_INS_SYSCALL)
		return ELFSCAN_SYSCALL;
	if (in->id == X86_INS_SYSENTER)
		return ELFSCAN_SYSENTER;
	/* The vector is the last byte, whatever prefixes come first. */
	if (in->id == X86_INS_INT && in->bytes[in->size - 1] == 0x80)
		return ELFSCAN_INT80;
	return -1;
}

/* The 16 general registers at each width, in the same order. */
static const unsigned gpr[4][16] = {
	{ X86_REG_RAX, X86_REG_RCX, X86_REG_RDX, X86_REG_RBX, X86_REG_RSP,
	  X86_REG_RBP, X86_REG_RSI, X86_REG_RDI, X86_REG_R8, X86_REG_R9,
	  X86_REG_R10, X86_REG_R11, X86_REG_R12, X86_REG_R13, X86_REG_R14,
	  X86_REG_R15 },
	{ X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX, X86_REG_ESP,
	  X86_REG_EBP, X86_REG_ESI, X86_REG_EDI, X86_REG_R8D, X86_REG_R9D,
	  X86_REG_R10D, X86_REG_R11D, X86_REG_R12D, X86_REG_R13D, X86_REG_R14D,
	  X86_REG_R15D },
	{ X86_REG_AX, X86_REG_CX, X86_REG_DX, X86_REG_BX, X86_REG_SP,
	  X86_REG_BP, X86_REG_SI, X86_REG_DI, X86_REG_R8W, X86_REG_R9W,
	  X86_REG_R10W, X86_REG_R11W, X86_REG_R12W, X86_REG_R13W, X86_REG_R14W,
	  X86_REG_R15W },
	{ X86_REG_AL, X86_REG_CL, X86_REG_DL, X86_REG_BL, X86_REG_SPL,
	  X86_REG_BPL, X86_REG_SIL, X86_REG_DIL, X86_REG_R8B, X86_REG_R9B,
	  X86_REG_R10B, X86_REG_R11B, X86_REG_R12B, X86_REG_R13B, X86_REG_R14B,
	  X86_REG_R15B },
};

/* Index 0..15 of the general register reg is part of, with *wide set for
 * the 64- and 32-bit forms (the only writes that define the whole value);
 * -1 for other registers. */
static int gpr_of(unsigned reg, bool *wide)
{
	static const unsigned high[4] = { X86_REG_AH, X86_REG_CH, X86_REG_DH,
	                                  X86_REG_BH };

	for (int w = 0; w < 4; w++)
		for (int i = 0; i < 16; i++)
			if (gpr[w][i] == reg) {
				*wide = w < 2;
				return i;
			}
	*wide = false;
	for (int i = 0; i < 4; i++)
		if (high[i] == reg)
			return i;
	return -1;
}

/* Known constant values of the general registers in the window; -1 unknown. */
struct regs {
	long v[16];
};

/* A 32-bit write zero-extends into the 64-bit register. */
static long masked(unsigned reg, int64_t v)
{
	bool wide;
	int g = gpr_of(reg, &wide);

	return (g >= 0 && gpr[1][g] == reg) ? (long)(uint32_t)v : (long)v;
}

static void forget_writes(csh h, const cs_insn *in, struct regs *rs)
{
	cs_regs rd, wr;
	uint8_t nrd, nwr;
	bool wide;

	if (cs.regs_access(h, in, rd, &nrd, wr, &nwr) != CS_ERR_OK) {
		for (int i = 0; i < 16; i++)
			rs->v[i] = -1;  /* cannot tell: assume every value is lost */
		return;
	}
	for (unsigned i = 0; i < nwr; i++) {
		int g = gpr_of(wr[i], &wide);
		if (g >= 0)
			rs->v[g] = -1;
	}
}

/* Follows `mov reg, imm`, `mov reg, reg` and `xor reg, reg` (at 32 or 64
 * bits); any other write makes the register unknown. */
static void step(csh h, const cs_insn *in, struct regs *rs)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *o = x->operands;
	bool wd, ws;
	int d, src;

	if (x->op_count == 2 && o[0].type == X86_OP_REG &&
	    (d = gpr_of(o[0].reg, &wd)) >= 0 && wd) {
		if (in->id == X86_INS_MOV && o[1].type == X86_OP_IMM) {
			rs->v[d] = masked(o[0].reg, o[1].imm);
			return;
		}
		if (o[1].type == X86_OP_REG && (src = gpr_of(o[1].reg, &ws)) >= 0 && ws) {
			if (in->id == X86_INS_MOV) {
				rs->v[d] = rs->v[src] < 0 ? -1 : masked(o[0].reg, rs->v[src]);
				return;
			}
			if ((in->id == X86_INS_XOR || in->id == X86_INS_SUB) && d == src) {
				rs->v[d] = 0;
				return;
			}
		}
	}
	forget_writes(h, in, rs);
}

/* Disassembles the window before the site again, with details. */
static long syscall_nr(struct sweep *w, uint64_t site)
{
	struct regs rs;
	uint64_t a;
	const uint8_t *p;
	size_t n;

	if (w->n_ring == 0)
		return -1;
	for (int i = 0; i < 16; i++)
		rs.v[i] = -1;
	a = w->ring[w->n_ring < WINDOW ? 0 : w->head];
	p = w->code + (a - w->base);
	n = site - a;
	while (n > 0 && cs.disasm_iter(w->slow, &p, &n, &a, w->si))
		step(w->slow, w->si, &rs);
	return rs.v[0];
}

static int add_site(struct sweep *w, const cs_insn *in, int kind)
{
	struct elfscan_report *r = w->s->r;
	struct elfscan_syscall_site *o;
	int rc;

	if (r->n_syscalls >= SCAN_MAX_SYSCALLS) {
		r->syscalls_truncated = true;
		w->full = true;
		return 0;
	}
	rc = scan_grow(&r->syscalls, &w->cap, r->n_syscalls + 1, sizeof(*o));
	if (rc)
		return rc;
	o = &r->syscalls[r->n_syscalls++];
	o->vaddr = in->address;
	o->insn = (enum elfscan_syscall_insn)kind;
	o->nr = syscall_nr(w, in->address);
	return 0;
}

static void remember(struct sweep *w, uint64_t addr)
{
	if (w->n_ring < WINDOW) {
		w->ring[w->n_ring++] = addr;
		return;
	}
	w->ring[w->head] = addr;
	w->head = (w->head + 1) % WINDOW;
}

/* Sweeps from `from` until an instruction starts at or after hi, and reports
 * the system calls at lo or above; the bytes up to end are there to decode
 * an instruction across hi.  [from, lo) is a lead-in (see sweep_region). */
static int sweep_piece(struct sweep *w, uint64_t from, uint64_t lo, uint64_t hi,
                       uint64_t end)
{
	const uint8_t *p = w->code + (from - w->base);
	size_t n = end - from;
	uint64_t a = from;
	int kind, rc;

	if (w->swept + (hi - from) > SCAN_MAX_CODE) {
		w->s->r->syscalls_truncated = true;
		hi = from + (w->swept < SCAN_MAX_CODE ? SCAN_MAX_CODE - w->swept : 0);
	}
	w->swept += hi - from;
	w->n_ring = w->head = 0;
	while (a < hi && n > 0 && !w->full) {
		if (!cs.disasm_iter(w->fast, &p, &n, &a, w->fi)) {
			/* Not an instruction: resynchronise one byte on. */
			p++, n--, a++;
			w->n_ring = w->head = 0;
			continue;
		}
		kind = w->fi->address >= lo ? syscall_insn(w->fi) : -1;
		if (kind >= 0 && (rc = add_site(w, w->fi, kind)))
			return rc;
		if (kind >= 0 || ends_block(w->fi->id))
			w->n_ring = w->head = 0;
		else
			remember(w, w->fi->address);
	}
	return 0;
}

/* Whether p[0..n) holds a byte pair that a system call instruction has. */
static bool may_hold_syscall(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] == 0x0f && (p[i + 1] == 0x05 || p[i + 1] == 0x34))
			return true;
		if (p[i] == 0xcd && p[i + 1] == 0x80)
			return true;
	}
	return false;
}

/* The first function start above a (n_starts if none). */
static size_t next_start(const struct sweep *w, uint64_t a)
{
	size_t lo = 0, hi = w->n_starts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->starts[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Cuts the region at the function starts inside it and sweeps the pieces
 * that may hold a system call.  A piece is tested with the longest
 * instruction's worth of bytes past its end, for an instruction that begins
 * in it and ends in the next.
 *
 * A start is not always where an instruction begins: glibc's signal
 * trampolines have their unwind entry one byte early, inside the padding
 * before `mov $15,%rax; syscall`, so that the unwinder's return address - 1
 * falls in it.  Each piece is therefore decoded from a lead-in: the previous
 * start, or LEAD_IN bytes back when that is further, which x86 decoding
 * falls back into step within; the lead-in also gives the system call
 * number the instructions before a piece's first one. */
#define LEAD_IN 256

static int sweep_region(struct sweep *w, const uint8_t *code, size_t size,
                        uint64_t vaddr)
{
	uint64_t end = vaddr + size, lo = vaddr, prev = vaddr;
	size_t k = next_start(w, vaddr);
	int rc;

	w->code = code;
	w->base = vaddr;
	while (lo < end && !w->full) {
		uint64_t hi = k < w->n_starts && w->starts[k] < end ? w->starts[k++] : end;
		uint64_t look = end - hi < 15 ? end : hi + 15;
		uint64_t from = lo - prev > LEAD_IN ? lo - LEAD_IN : prev;
		if (hi <= lo)
			continue;
		if (may_hold_syscall(code + (lo - vaddr), look - lo) &&
		    (rc = sweep_piece(w, from, lo, hi, end)))
			return rc;
		prev = lo;
		lo = hi;
	}
	return 0;
}

/* Executable sections when the file has them; otherwise (or when none is
 * marked executable) the executable segments, which is what gets mapped. */
static int sweep_file(struct sweep *w)
{
	struct scan *s = w->s;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	bool any = false;
	int rc;

	while (s->shnum && (scn = elf_nextscn(s->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR) ||
		    sh.sh_type == SHT_NOBITS || sh.sh_size == 0)
			continue;
		/* check_section() lets SHT_NULL sections be anywhere. */
		if (sh.sh_offset > s->size || sh.sh_size > s->size - sh.sh_offset)
			return scan_fail(s, -EINVAL, "truncated: executable section "
			                 "%zu extends past end of file", elf_ndxscn(scn));
		any = true;
		rc = sweep_region(w, s->img + sh.sh_offset, sh.sh_size, sh.sh_addr);
		if (rc)
			return rc;
	}
	for (size_t i = 0; !any && i < s->r->n_segs; i++) {
		const struct elfscan_segment *g = &s->r->segs[i];
		if (!(g->flags & PF_X) || g->filesz == 0)
			continue;
		rc = sweep_region(w, s->img + g->offset, g->filesz, g->vaddr);
		if (rc)
			return rc;
	}
	return 0;
}

static int open_cs(csh *h, cs_insn **in, bool detail)
{
	if (cs.open(CS_ARCH_X86, CS_MODE_64, h) != CS_ERR_OK)
		return -ENOMEM;
	if (detail)
		cs.option(*h, CS_OPT_DETAIL, CS_OPT_ON);
	*in = cs.malloc(*h);
	return *in ? 0 : -ENOMEM;
}

int scan_syscalls(struct scan *s)
{
	struct sweep w = { .s = s };
	uint64_t *starts = NULL;
	int rc;

	if (!s->img)  /* elfscan_fd_opts() reads the whole file for this */
		return -EINVAL;
	if ((rc = load_capstone()))
		return rc;
	rc = open_cs(&w.fast, &w.fi, false);
	if (rc == 0)
		rc = open_cs(&w.slow, &w.si, true);
	if (rc == 0)
		rc = scan_func_starts(s, &starts, &w.n_starts);
	w.starts = starts;
	if (rc == 0)
		rc = sweep_file(&w);
	free(starts);
	if (w.fi)
		cs.free(w.fi, 1);
	if (w.si)
		cs.free(w.si, 1);
	if (w.fast)
		cs.close(&w.fast);
	if (w.slow)
		cs.close(&w.slow);
	return rc;
}
