/* Sorting the defined symbols by name, then version, for elfscan_find().
 *
 * Comparing whole names (qsort and strcmp) was most of a scan once the scan
 * read only the dynamic tables: libc's 3000 names share long prefixes, and
 * each of the n log n comparisons read them again.  This is Bentley and
 * Sedgewick's multikey quicksort instead: it partitions on one character at
 * a time into less / equal / greater, so a common prefix is read once per
 * partition.  Names that are equal are ordered by version, then by their
 * place in .dynsym, which makes the order total: the same as a stable sort.
 *
 * Hostile names cannot make it quadratic or deep: a partition that keeps
 * failing to shrink the less / greater sides runs out of budget and is
 * handed to qsort, and only the smaller parts are sorted by recursion (each
 * at most half), so the stack depth is at most log2 n.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/internal.h"

typedef const struct elfscan_symbol *symref;

int scan_cmp_version(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_full(symref a, symref b)
{
	int c = strcmp(a->name, b->name);

	if (c == 0)
		c = scan_cmp_version(a->version, b->version);
	return c ? c : (a > b) - (a < b);
}

static int cmp_ref(const void *pa, const void *pb)
{
	return cmp_full(*(const symref *)pa, *(const symref *)pb);
}

static void swap_ref(symref *a, size_t i, size_t j)
{
	symref t = a[i];

	a[i] = a[j];
	a[j] = t;
}

static void insertion_sort(symref *a, size_t n)
{
	for (size_t k = 1; k < n; k++)
		for (size_t j = k; j > 0 && cmp_full(a[j - 1], a[j]) > 0; j--)
			swap_ref(a, j - 1, j);
}

static unsigned char median3(unsigned char x, unsigned char y, unsigned char z)
{
	if (x < y)
		return y < z ? y : (x < z ? z : x);
	return x < z ? x : (y < z ? z : y);
}

struct part {
	symref *a;
	size_t n, d;      /* the names' first d characters are equal and not NUL */
	unsigned budget;  /* less / greater partitions left before qsort */
};

static void sort_part(struct part p)
{
	while (p.n > 1) {
		size_t lt = 0, i = 0, gt = p.n, big = 0;
		unsigned char pivot;
		struct part sub[3];

		if (p.n < 8) {
			insertion_sort(p.a, p.n);
			return;
		}
		if (p.budget == 0) {
			qsort(p.a, p.n, sizeof(*p.a), cmp_ref);
			return;
		}
		pivot = median3((unsigned char)p.a[0]->name[p.d],
		                (unsigned char)p.a[p.n / 2]->name[p.d],
		                (unsigned char)p.a[p.n - 1]->name[p.d]);
		/* [0, lt) less, [lt, i) equal, [gt, n) greater than the pivot */
		while (i < gt) {
			unsigned char c = (unsigned char)p.a[i]->name[p.d];
			if (c < pivot)
				swap_ref(p.a, lt++, i++);
			else if (c > pivot)
				swap_ref(p.a, i, --gt);
			else
				i++;
		}
		sub[0] = (struct part){ p.a, lt, p.d, p.budget - 1 };
		sub[1] = (struct part){ p.a + lt, gt - lt, p.d + 1, p.budget };
		sub[2] = (struct part){ p.a + gt, p.n - gt, p.d, p.budget - 1 };
		/* Equal up to the NUL: the same name, whatever the number of them. */
		if (pivot == 0) {
			qsort(sub[1].a, sub[1].n, sizeof(*p.a), cmp_ref);
			sub[1].n = 0;
		}
		for (size_t k = 1; k < 3; k++)
			if (sub[k].n > sub[big].n)
				big = k;
		for (size_t k = 0; k < 3; k++)
			if (k != big)
				sort_part(sub[k]);
		p = sub[big];
	}
}

/* Moves the symbols into the order ref gives (ref[i] is the one that belongs
 * at i) in place, following each cycle of the permutation once. */
static void permute(struct elfscan_symbol *syms, symref *ref, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct elfscan_symbol t;
		size_t j = i;

		if (ref[i] == &syms[i])
			continue;
		t = syms[i];
		for (;;) {
			size_t k = (size_t)(ref[j] - syms);
			ref[j] = &syms[j];
			if (k == i)
				break;
			syms[j] = syms[k];
			j = k;
		}
		syms[j] = t;
	}
}

int scan_sort_symbols(struct elfscan_report *r)
{
	size_t n = r->n_syms;
	symref *ref;
	unsigned budget = 8;

	if (n < 2)
		return 0;
	ref = malloc(n * sizeof(*ref));
	if (!ref)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		ref[i] = &r->syms[i];
	for (size_t m = n; m > 1; m /= 2)
		budget += 2;
	sort_part((struct part){ ref, n, 0, budget });
	permute(r->syms, ref, n);
	free(ref);
	return 0;
}
