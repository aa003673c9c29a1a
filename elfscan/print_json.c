/* pysbx-scan --json: one object per report, on one line.  Strings from the
 * file are hostile: control characters and bytes that are not UTF-8 are
 * written as \u00XX, so every line is valid JSON.  Addresses are hex strings
 * (JSON numbers lose precision past 2^53). */
#include <inttypes.h>
#include <string.h>

#include "elfscan/internal.h"

static void json_str(FILE *f, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	if (!str) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		size_t n = print_utf8_len(p);
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
	for (size_t i = 0; i < ELFSCAN_N_FLAGS; i++) {
		if (flags & (1u << i)) {
			fprintf(f, "%s\"%s\"", first ? "" : ",", print_flag_names[i]);
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
		print_seg_flags(g->flags, fl);
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
		        PRId64 ",\"weak\":%s,\"dangerous\":%s}", print_kind_name(s->kind),
		        s->offset, s->addend, s->weak ? "true" : "false",
		        print_is_dangerous(s->name) ? "true" : "false");
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
		        i ? "," : "", s->vaddr, print_insn_name(s->insn), s->nr);
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
	fprintf(f, ",\"type\":\"%s\",\"machine\":%u", print_type_name(r->e_type), r->e_machine);
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
