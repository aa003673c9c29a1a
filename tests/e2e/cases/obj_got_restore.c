/* An exploit's move: write the real address of libc's system() back into this
 * object's own GOT slot through /proc/self/mem, then call it.  The real
 * address is found the way exploits find it: libc's base from the loader's
 * list and the symbol's offset from libc's file. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mark.h"

struct lib { uintptr_t base; char path[512]; };

static int find_libc(struct dl_phdr_info *i, size_t n, void *ctx)
{
	struct lib *l = ctx;
	(void)n;
	if (strstr(i->dlpi_name, "libc.so")) {
		l->base = i->dlpi_addr;
		strncpy(l->path, i->dlpi_name, sizeof l->path - 1);
	}
	return 0;
}

/* st_value of a dynamic symbol in an ELF file (no error handling a fixture
 * does not need). */
static uintptr_t sym_offset(const char *path, const char *name)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	fstat(fd, &st);
	unsigned char *f = malloc(st.st_size);
	read(fd, f, st.st_size);
	close(fd);
	Elf64_Ehdr *e = (Elf64_Ehdr *)f;
	Elf64_Shdr *sh = (Elf64_Shdr *)(f + e->e_shoff);
	uintptr_t v = 0;
	for (int i = 0; i < e->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		Elf64_Sym *s = (Elf64_Sym *)(f + sh[i].sh_offset);
		const char *str = (const char *)(f + sh[sh[i].sh_link].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof *s; k++)
			if (!strcmp(str + s[k].st_name, name) && s[k].st_value)
				v = s[k].st_value;
	}
	free(f);
	return v;
}

static uintptr_t *got_slot_of_system(void)
{
	uintptr_t *slot;
	__asm__("lea system@GOTPCREL(%%rip), %0" : "=r"(slot));
	return slot;
}

static uintptr_t *got_slot_of_setuid(void)
{
	uintptr_t *slot;
	__asm__("lea setuid@GOTPCREL(%%rip), %0" : "=r"(slot));
	return slot;
}

static void restore(uintptr_t *slot, uintptr_t real)
{
	int fd = open("/proc/self/mem", O_RDWR);
	pwrite(fd, &real, sizeof real, (off_t)(uintptr_t)slot);
	close(fd);
}

long restored_system(void)
{
	struct lib l = {0};
	dl_iterate_phdr(find_libc, &l);
	restore(got_slot_of_system(), l.base + sym_offset(l.path, "system"));
	return system("bash -c 'touch \"$MARK\"'");
}

long restored_setuid(void)
{
	struct lib l = {0};
	dl_iterate_phdr(find_libc, &l);
	restore(got_slot_of_setuid(), l.base + sym_offset(l.path, "setuid"));
	return setuid(getuid());
}
