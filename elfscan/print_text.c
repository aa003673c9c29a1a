/* The text report, for people.  Strings from the file are hostile: control
 * characters are escaped so that a name cannot drive the terminal. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/internal.h"

static void text_str(FILE *f, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	if (!str) {
		fputs("(none)", f);
		return;
	}
	while (*p) {
		size_t n = print_utf8_len(p);
		if (n == 0 || *p < 0x20 || *p == 0x7f || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			fprintf(f, "\\x%02x", *p);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
}

#define TEXT_MAX_SITES 40
#define TEXT_MAX_LIST 10

static void text_header(const struct elfscan_report *r, FILE *f)
{
	char fl[4];

	fprintf(f, "  type %s, machine %u, entry 0x%" PRIx64 "\n",
	        print_type_name(r->e_type), r->e_machine, r->entry);
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
		print_seg_flags(r->segs[i].flags, fl);
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
	for (size_t i = 0; i < ELFSCAN_N_FLAGS; i++)
		if (r->flags & (1u << i))
			fprintf(f, " %s", print_flag_names[i]);
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
	fprintf(f, "  %s at 0x%" PRIx64 "%s\n", print_kind_name(s->kind), s->offset,
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
		if (!print_is_dangerous(r->slots[i].name))
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
		n_danger += print_is_dangerous(r->slots[i].name);
	}
	fprintf(f, "  dangerous imports (%zu):%s\n", n_danger, n_danger ? "" : " none");
	for (size_t i = 0; i < r->n_slots; i++)
		if (print_is_dangerous(r->slots[i].name))
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
	for (size_t i = 0; i < n && i < TEXT_MAX_LIST; i++)
		fprintf(f, " 0x%" PRIx64, w[i]);
	fputs(n > TEXT_MAX_LIST ? " ... (--json lists all)\n" : "\n", f);
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
		fprintf(f, "    0x%" PRIx64 " %s ", s->vaddr, print_insn_name(s->insn));
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
