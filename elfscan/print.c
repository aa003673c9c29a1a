/* Printing a report: text for people, one JSON object per line for tools.
 * Every string from the file is hostile: text output escapes control
 * characters (a name must not drive the terminal), JSON output escapes them
 * and writes bytes that are not UTF-8 as \u00XX. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/internal.h"

/* Functions that end sandbox escapes (the paper's Table 3, process creation,
 * run-time loading): listed first in text output, marked in JSON. */
static const char *const dangerous[] = {
	"system", "popen", "execve", "execveat", "fexecve", "execv", "execvp",
	"execvpe", "execl", "execlp", "execle", "posix_spawn", "posix_spawnp",
	"fork", "vfork", "clone", "clone3", "syscall", "ptrace",
	"process_vm_readv", "process_vm_writev", "kill", "tgkill", "tkill",
	"pidfd_send_signal", "pidfd_getfd", "settimeofday", "clock_settime",
	"clock_adjtime", "adjtimex", "setuid", "setgid", "setreuid", "setregid",
	"setgroups", "setresuid", "setresgid", "setfsuid", "setfsgid", "capset",
	"iopl", "ioperm", "add_key", "mount", "umount", "umount2", "chroot",
	"pivot_root", "unshare", "setns", "acct", "reboot", "quotactl",
	"sethostname", "setdomainname", "bpf", "dlopen", "dlmopen", "dlsym",
	"dlvsym", "mprotect", "prctl", "seccomp", "io_uring_setup",
};

static bool is_dangerous(const char *name)
{
	for (size_t i = 0; i < sizeof(dangerous) / sizeof(dangerous[0]); i++)
		if (!strcmp(name, dangerous[i]))
			return true;
	return false;
}

/* Length of the valid UTF-8 sequence at p (no overlongs, surrogates or
 * code points past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)  /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void json_str(FILE *f, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	if (!str) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (n == 0 || *p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

/* C1 controls (U+0080..U+009F) are escaped too: some terminals obey them. */
static void text_str(FILE *f, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	if (!str) {
		fputs("(none)", f);
		return;
	}
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0 || *p < 0x20 || *p == 0x7f || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			fprintf(f, "\\x%02x", *p);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
}

static const char *kind_name(enum elfscan_slot_kind k)
{
	switch (k) {
	case ELFSCAN_JUMP_SLOT: return "JUMP_SLOT";
	case ELFSCAN_GLOB_DAT:  return "GLOB_DAT";
	case ELFSCAN_ABS64:     return "ABS64";
	}
	return "?";
}

static const char *insn_name(enum elfscan_syscall_insn k)
{
	switch (k) {
	case ELFSCAN_SYSCALL:  return "syscall";
	case ELFSCAN_INT80:    return "int 0x80";
	case ELFSCAN_SYSENTER: return "sysenter";
	}
	return "?";
}

static const char *type_name(uint16_t t)
{
	switch (t) {
	case ET_REL:  return "REL";
	case ET_EXEC: return "EXEC";
	case ET_DYN:  return "DYN";
	case ET_CORE: return "CORE";
	}
	return "?";
}

static const char *const flag_names[] = {
	"TEXTREL", "EXECSTACK", "WX", "IFUNC", "BIND_NOW", "PYTHON", "PYEXT",
};
#define N_FLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

static void seg_flags(uint32_t f, char out[4])
{
	out[0] = (f & PF_R) ? 'R' : '-';
	out[1] = (f & PF_W) ? 'W' : '-';
	out[2] = (f & PF_X) ? 'X' : '-';
	out[3] = 0;
}

/* ---- JSON ---- */

static void json_key(FILE *f, const char *k)
{
	fprintf(f, ",\"%s\":", k);
}

static void json_hex(FILE *f, const char *k, uint64_t v)
{
	fprintf(f, ",\"%s\":\"0x%" PRIx64 "\"", k, v);
}

static void json_words(FILE *f, const char *k, const uint64_t *w, size_t n)
{
	json_key(f, k);
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\"0x%" PRIx64 "\"", i ? "," : "", w[i]);
	fputc(']', f);
}

static void json_flags(FILE *f, unsigned flags)
{
	bool first = true;

	json_key(f, "flags");
	fputc('[', f);
	for (size_t i = 0; i < N_FLAGS; i++) {
		if (flags & (1u << i)) {
			fprintf(f, "%s\"%s\"", first ? "" : ",", flag_names[i]);
			first = false;
		}
	}
	fputc(']', f);
}

static void json_segments(FILE *f, const struct elfscan_report *r)
{
	char fl[4];

	json_key(f, "segments");
	fputc('[', f);
	for (size_t i = 0; i < r->n_segs; i++) {
		const struct elfscan_segment *g = &r->segs[i];
		seg_flags(g->flags, fl);
		fprintf(f, "%s{\"vaddr\":\"0x%" PRIx64 "\",\"memsz\":\"0x%" PRIx64
		        "\",\"offset\":\"0x%" PRIx64 "\",\"filesz\":\"0x%" PRIx64
		        "\",\"flags\":\"%s\"}", i ? "," : "", g->vaddr, g->memsz,
		        g->offset, g->filesz, fl);
	}
	fputc(']', f);
}

static void json_slots(FILE *f, const struct elfscan_report *r)
{
	json_key(f, "slots");
	fputc('[', f);
	for (size_t i = 0; i < r->n_slots; i++) {
		const struct elfscan_slot *s = &r->slots[i];
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		json_str(f, s->name);
		fputs(",\"version\":", f);
		json_str(f, s->version);
		fprintf(f, ",\"kind\":\"%s\",\"offset\":\"0x%" PRIx64 "\",\"addend\":%"
		        PRId64 ",\"weak\":%s,\"dangerous\":%s}", kind_name(s->kind),
		        s->offset, s->addend, s->weak ? "true" : "false",
		        is_dangerous(s->name) ? "true" : "false");
	}
	fputc(']', f);
}

/* Only the symbols that matter for a verdict; the full table is large. */
static void json_symbols(FILE *f, const struct elfscan_report *r, const char *k,
                         bool ifunc)
{
	bool first = true;

	json_key(f, k);
	fputc('[', f);
	for (size_t i = 0; i < r->n_syms; i++) {
		const struct elfscan_symbol *s = &r->syms[i];
		if (ifunc ? s->type != STT_GNU_IFUNC : strncmp(s->name, "PyInit_", 7))
			continue;
		if (!first)
			fputc(',', f);
		json_str(f, s->name);
		first = false;
	}
	fputc(']', f);
}

static void json_syscalls(FILE *f, const struct elfscan_report *r)
{
	json_key(f, "syscalls");
	fputc('[', f);
	for (size_t i = 0; i < r->n_syscalls; i++) {
		const struct elfscan_syscall_site *s = &r->syscalls[i];
		fprintf(f, "%s{\"vaddr\":\"0x%" PRIx64 "\",\"insn\":\"%s\",\"nr\":%ld}",
		        i ? "," : "", s->vaddr, insn_name(s->insn), s->nr);
	}
	fputc(']', f);
	fprintf(f, ",\"syscalls_truncated\":%s", r->syscalls_truncated ? "true" : "false");
}

void elfscan_print_json(const struct elfscan_report *r, FILE *f)
{
	fputs("{\"path\":", f);
	json_str(f, r->path);
	fprintf(f, ",\"error\":%d", r->error);
	if (r->error) {
		json_key(f, "error_msg");
		json_str(f, r->error_msg);
		fputs("}\n", f);
		return;
	}
	fprintf(f, ",\"type\":\"%s\",\"machine\":%u", type_name(r->e_type), r->e_machine);
	json_hex(f, "entry", r->entry);
	json_flags(f, r->flags);
	json_key(f, "interp");  json_str(f, r->interp);
	json_key(f, "soname");  json_str(f, r->soname);
	json_key(f, "rpath");   json_str(f, r->rpath);
	json_key(f, "runpath"); json_str(f, r->runpath);
	json_key(f, "needed");
	fputc('[', f);
	for (size_t i = 0; i < r->n_needed; i++) {
		if (i)
			fputc(',', f);
		json_str(f, r->needed[i]);
	}
	fputc(']', f);
	json_hex(f, "load_lo", r->load_lo);
	json_hex(f, "load_hi", r->load_hi);
	json_segments(f, r);
	fprintf(f, ",\"n_symbols\":%zu", r->n_syms);
	json_symbols(f, r, "ifunc_symbols", true);
	json_symbols(f, r, "pyinit", false);
	json_slots(f, r);
	json_hex(f, "init", r->init);
	json_words(f, "init_array", r->init_array, r->n_init_array);
	json_hex(f, "fini", r->fini);
	json_words(f, "fini_array", r->fini_array, r->n_fini_array);
	fprintf(f, ",\"n_ifunc\":%zu,\"n_irelative\":%zu", r->n_ifunc, r->n_irelative);
	json_syscalls(f, r);
	fputs("}\n", f);
}

/* ---- text ---- */

#define TEXT_MAX_SITES 40
#define TEXT_MAX_LIST 10

static void text_header(const struct elfscan_report *r, FILE *f)
{
	char fl[4];

	fprintf(f, "  type %s, machine %u, entry 0x%" PRIx64 "\n",
	        type_name(r->e_type), r->e_machine, r->entry);
	if (r->interp) {
		fputs("  interp: ", f);
		text_str(f, r->interp);
		fputc('\n', f);
	}
	if (!r->n_segs) {
		fputs("  load: no segments\n", f);
		return;
	}
	fprintf(f, "  load: 0x%" PRIx64 "-0x%" PRIx64 ",", r->load_lo, r->load_hi);
	for (size_t i = 0; i < r->n_segs; i++) {
		seg_flags(r->segs[i].flags, fl);
		fprintf(f, " %s@0x%" PRIx64, fl, r->segs[i].vaddr);
	}
	fputc('\n', f);
}

static void text_names(const struct elfscan_report *r, FILE *f)
{
	static const char *const labels[] = { "soname", "rpath", "runpath" };
	const char *vals[] = { r->soname, r->rpath, r->runpath };

	for (size_t i = 0; i < 3; i++) {
		if (!vals[i])
			continue;
		fprintf(f, "  %s: ", labels[i]);
		text_str(f, vals[i]);
		fputc('\n', f);
	}
	fprintf(f, "  needed (%zu):", r->n_needed);
	for (size_t i = 0; i < r->n_needed; i++) {
		fputc(' ', f);
		text_str(f, r->needed[i]);
	}
	fputs("\n  flags:", f);
	for (size_t i = 0; i < N_FLAGS; i++)
		if (r->flags & (1u << i))
			fprintf(f, " %s", flag_names[i]);
	fputs(r->flags ? "\n" : " none\n", f);
}

static void text_slot(const struct elfscan_slot *s, FILE *f)
{
	fputs("    ", f);
	text_str(f, s->name);
	if (s->version) {
		fputc('@', f);
		text_str(f, s->version);
	}
	fprintf(f, "  %s at 0x%" PRIx64 "%s\n", kind_name(s->kind), s->offset,
	        s->weak ? " (weak)" : "");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The other imported names, sorted and once each, wrapped at 80 columns. */
static void text_other(const struct elfscan_report *r, FILE *f)
{
	const char **names = malloc((r->n_slots ? r->n_slots : 1) * sizeof(*names));
	size_t n = 0, col = 17;

	if (!names)
		return;
	for (size_t i = 0; i < r->n_slots; i++)
		if (!is_dangerous(r->slots[i].name))
			names[n++] = r->slots[i].name;
	qsort(names, n, sizeof(*names), cmp_str);
	if (n)
		fputs("  other imports:", f);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		if (col + strlen(names[i]) > 78) {
			fputs("\n   ", f);
			col = 3;
		}
		fputc(' ', f);
		text_str(f, names[i]);
		col += strlen(names[i]) + 1;
	}
	if (n)
		fputc('\n', f);
	free(names);
}

static void text_slots(const struct elfscan_report *r, FILE *f)
{
	size_t kinds[3] = { 0 }, n_danger = 0;

	for (size_t i = 0; i < r->n_slots; i++) {
		kinds[r->slots[i].kind]++;
		n_danger += is_dangerous(r->slots[i].name);
	}
	fprintf(f, "  dangerous imports (%zu):%s\n", n_danger, n_danger ? "" : " none");
	for (size_t i = 0; i < r->n_slots; i++)
		if (is_dangerous(r->slots[i].name))
			text_slot(&r->slots[i], f);
	fprintf(f, "  slots: %zu (JUMP_SLOT %zu, GLOB_DAT %zu, ABS64 %zu)\n",
	        r->n_slots, kinds[ELFSCAN_JUMP_SLOT], kinds[ELFSCAN_GLOB_DAT],
	        kinds[ELFSCAN_ABS64]);
	text_other(r, f);
}

static void text_words(FILE *f, const char *label, uint64_t one,
                       const uint64_t *w, size_t n)
{
	fprintf(f, "  %s: ", label);
	if (one)
		fprintf(f, "0x%" PRIx64 " ", one);
	fprintf(f, "array[%zu]", n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, " 0x%" PRIx64, w[i]);
	fputc('\n', f);
}

static void text_code(const struct elfscan_report *r, FILE *f)
{
	fprintf(f, "  symbols: %zu defined\n", r->n_syms);
	text_words(f, "init", r->init, r->init_array, r->n_init_array);
	text_words(f, "fini", r->fini, r->fini_array, r->n_fini_array);
	fprintf(f, "  ifunc: %zu symbols, %zu IRELATIVE relocations\n",
	        r->n_ifunc, r->n_irelative);
	for (size_t i = 0, shown = 0; i < r->n_syms; i++) {
		if (r->syms[i].type != STT_GNU_IFUNC)
			continue;
		if (shown++ == TEXT_MAX_LIST) {
			fputs("    ... (--json lists all)\n", f);
			break;
		}
		fputs("    ", f);
		text_str(f, r->syms[i].name);
		fprintf(f, " at 0x%" PRIx64 "\n", r->syms[i].value);
	}
	fprintf(f, "  raw system calls: %zu%s\n", r->n_syscalls,
	        r->syscalls_truncated ? " (truncated)" : "");
	for (size_t i = 0; i < r->n_syscalls && i < TEXT_MAX_SITES; i++) {
		const struct elfscan_syscall_site *s = &r->syscalls[i];
		fprintf(f, "    0x%" PRIx64 " %s ", s->vaddr, insn_name(s->insn));
		if (s->nr >= 0)
			fprintf(f, "nr %ld\n", s->nr);
		else
			fputs("nr unknown\n", f);
	}
	if (r->n_syscalls > TEXT_MAX_SITES)
		fprintf(f, "    ... %zu more (--json lists all)\n",
		        r->n_syscalls - TEXT_MAX_SITES);
}

void elfscan_print_text(const struct elfscan_report *r, FILE *f)
{
	text_str(f, r->path);
	if (r->error) {
		fputs(": error: ", f);
		text_str(f, r->error_msg);
		fprintf(f, " (%s)\n", strerror(-r->error));
		return;
	}
	fputs(":\n", f);
	text_header(r, f);
	text_names(r, f);
	text_slots(r, f);
	text_code(r, f);
}
