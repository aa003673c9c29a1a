/* elfscan core: reading the file, bounds-checked access to it, the report's
 * lifetime, and the order in which the other parts run. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfscan/internal.h"

/* Records the first reason the file is unusable; later ones are consequences. */
int scan_fail(struct scan *s, int err, const char *fmt, ...)
{
	va_list ap;

	if (!s->r->error) {
		s->r->error = err;
		va_start(ap, fmt);
		vsnprintf(s->r->error_msg, sizeof(s->r->error_msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* preads exactly n bytes.  The file was at least off+n bytes long at fstat, so
 * an early end means it shrank since: the file's fault, a verdict.  Any other
 * failure is ours. */
static int fill(struct scan *s, uint64_t off, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(s->fd, (char *)dst + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return s->sys_error = -errno;
		if (k == 0)
			return scan_fail(s, -ESTALE, "file shrank while it was read");
		got += (size_t)k;
	}
	return 0;
}

/* Copies n bytes at file offset off; 0, -EINVAL when they are not all in the
 * file, or the failure of the read.  Without the whole image, a small read
 * comes from a window read at off (walks go forward, so the next one is
 * usually in it); a large one is read straight into dst. */
int scan_read(struct scan *s, uint64_t off, void *dst, size_t n)
{
	int rc;

	if (off > s->size || n > s->size - off)
		return -EINVAL;
	if (n == 0)
		return 0;
	if (s->img) {
		memcpy(dst, s->img + off, n);
		return 0;
	}
	if (n > SCAN_WINDOW)
		return fill(s, off, dst, n);
	if (off < s->win_off || off + n > s->win_off + s->win_len) {
		size_t len = s->size - off < SCAN_WINDOW ? s->size - off : SCAN_WINDOW;
		if (!s->win && !(s->win = malloc(SCAN_WINDOW)))
			return s->sys_error = -ENOMEM;
		s->win_len = 0;
		if ((rc = fill(s, off, s->win, len)))
			return rc;
		s->win_off = off;
		s->win_len = len;
	}
	memcpy(dst, s->win + (off - s->win_off), n);
	return 0;
}

/* Makes sp->p point at the span's bytes: into the image, or into a buffer read
 * for it that lives as long as the scan. */
int scan_load(struct scan *s, struct span *sp)
{
	unsigned char *buf;
	int rc;

	if (sp->off > s->size || sp->size > s->size - sp->off)
		return scan_fail(s, -EINVAL, "truncated: 0x%" PRIx64 " bytes at 0x%"
		                 PRIx64 " extend past end of file", sp->size, sp->off);
	if (s->img) {
		sp->p = s->img + sp->off;
		return 0;
	}
	if ((rc = scan_grow(&s->bufs, &s->cap_bufs, s->n_bufs + 1, sizeof(*s->bufs))))
		return s->sys_error = rc;
	buf = malloc(sp->size ? sp->size : 1);
	if (!buf)
		return s->sys_error = -ENOMEM;
	s->bufs[s->n_bufs++] = buf;
	if ((rc = fill(s, sp->off, buf, sp->size)))
		return rc;
	sp->p = buf;
	return 0;
}

/* A string of the dynamic string table; NULL when off is outside it.  The copy
 * ends in a NUL (checked when it was made), so any offset inside is a string. */
const char *scan_str(const struct scan *s, uint64_t off)
{
	if (!s->box->strtab || off >= s->strsz)
		return NULL;
	return s->box->strtab + off;
}

/* Maps [vaddr, vaddr+size) to file bytes the way the loader sees memory: the
 * last PT_LOAD containing vaddr (later mappings overlay earlier ones), and all
 * of the range inside that segment's file image. */
int scan_vaddr(struct scan *s, uint64_t vaddr, uint64_t size, const char *what,
               struct span *out)
{
	const struct elfscan_segment *seg = NULL;
	uint64_t rel;

	for (size_t i = 0; i < s->r->n_segs; i++) {
		const struct elfscan_segment *g = &s->r->segs[i];
		if (vaddr >= g->vaddr && vaddr - g->vaddr < g->filesz)
			seg = g;
	}
	if (!seg)
		return scan_fail(s, -EINVAL, "%s at 0x%" PRIx64 " is not in the file "
		                 "image of any loaded segment", what, vaddr);
	rel = vaddr - seg->vaddr;
	if (size > seg->filesz - rel)
		return scan_fail(s, -EINVAL, "truncated: %s at 0x%" PRIx64 " (0x%"
		                 PRIx64 " bytes) extends past the end of its segment",
		                 what, vaddr, size);
	out->off = seg->offset + rel;
	out->size = size;
	out->avail = seg->filesz - rel;
	out->present = true;
	return 0;
}

/* Makes room for n elements in a growable array (*arrp, *cap). */
int scan_grow(void *arrp, size_t *cap, size_t n, size_t elem)
{
	void **pp = arrp;
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (n <= *cap)
		return 0;
	while (ncap < n) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*pp, ncap * elem);
	if (!p)
		return -ENOMEM;
	*pp = p;
	*cap = ncap;
	return 0;
}

/* Frees everything but path and identity, so an error report holds nothing
 * that could be mistaken for a result. */
static void drop_contents(struct report_box *b)
{
	struct elfscan_report *r = &b->pub;

	free(r->interp);
	free(r->needed);
	free(r->segs);
	free(r->syms);
	free(r->slots);
	free(r->init_array);
	free(r->fini_array);
	free(r->syscalls);
	free(b->strtab);
	b->strtab = NULL;
	free(b->sym_head);
	free(b->sym_next);
	b->sym_head = b->sym_next = NULL;
	memset((char *)r + offsetof(struct elfscan_report, e_type), 0,
	       sizeof(*r) - offsetof(struct elfscan_report, e_type));
}

void elfscan_free(struct elfscan_report *r)
{
	struct report_box *b = (struct report_box *)r;

	if (!r)
		return;
	drop_contents(b);
	free(r->path);
	free(b);
}

/* fstat gives the identity; the bytes are read in full when whole is set,
 * else range by range as the parse asks for them. */
static int load_file(struct scan *s, bool whole)
{
	struct elfscan_report *r = s->r;
	struct stat st;

	if (fstat(s->fd, &st) < 0)
		return -errno;
	r->id.dev = st.st_dev;
	r->id.ino = st.st_ino;
	r->id.size = st.st_size;
	r->id.mtime = st.st_mtim;
	r->id.ctime = st.st_ctim;
	if (!S_ISREG(st.st_mode))
		return scan_fail(s, -ENOEXEC, "not a regular file");
	if (st.st_size == 0)
		return scan_fail(s, -ENOEXEC, "empty file");
	if ((uint64_t)st.st_size > SCAN_MAX_FILE)
		return scan_fail(s, -EFBIG, "file too large (%lld bytes)",
		                 (long long)st.st_size);
	s->size = (size_t)st.st_size;
	if (!whole)
		return 0;
	s->img = malloc(s->size);
	if (!s->img)
		return -ENOMEM;
	return fill(s, 0, s->img, s->size);
}

static void set_flags(struct scan *s)
{
	struct elfscan_report *r = s->r;

	if (s->dt.has_textrel || (s->dt.flags & DF_TEXTREL))
		r->flags |= ELFSCAN_TEXTREL;
	if (s->dt.has_bind_now || (s->dt.flags & DF_BIND_NOW) ||
	    (s->dt.flags_1 & DF_1_NOW))
		r->flags |= ELFSCAN_BIND_NOW;
	if (r->n_ifunc || r->n_irelative)
		r->flags |= ELFSCAN_IFUNC;
	if (scan_defines(r, "Py_BytesMain") || scan_defines(r, "Py_Initialize"))
		r->flags |= ELFSCAN_PYTHON;
	for (size_t i = 0; i < r->n_syms; i++) {
		if (!strncmp(r->syms[i].name, "PyInit_", 7) && r->syms[i].name[7]) {
			r->flags |= ELFSCAN_PYEXT;
			break;
		}
	}
}

/*   ELF header -> program headers (segments) -> dynamic section -> section
 *   headers -> symbols and versions -> init/fini -> relocations (GOT slots,
 *   init/fini words) -> flags -> code
 * Sections come after the dynamic section because .dynsym is recognised by
 * its address matching DT_SYMTAB. */
static int scan_image(struct scan *s, unsigned opts)
{
	int rc;

	if ((rc = scan_headers(s)))
		return rc;
	if (s->dynamic.present && (rc = scan_dynamic(s)))
		return rc;
	if ((rc = scan_sections(s)))
		return rc;
	if (s->dt.present) {
		if ((rc = scan_symbols(s)) ||
		    (rc = scan_init_fini(s)) || (rc = scan_relocs(s)))
			return rc;
	}
	set_flags(s);
	if (!(opts & ELFSCAN_SYSCALLS))
		return 0;
	s->r->syscalls_scanned = true;
	return scan_syscalls(s);
}

static void scan_cleanup(struct scan *s)
{
	if (s->elf)
		elf_end(s->elf);
	free(s->img);
	free(s->win);
	for (size_t i = 0; i < s->n_bufs; i++)
		free(s->bufs[i]);
	free(s->bufs);
	free(s->vername);
}

int elfscan_fd(int fd, const char *path, struct elfscan_report **out)
{
	return elfscan_fd_opts(fd, path, ELFSCAN_ALL, out);
}

int elfscan_fd_opts(int fd, const char *path, unsigned opts, struct elfscan_report **out)
{
	struct scan s = { 0 };
	struct report_box *b;
	int rc;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	s.box = b;
	s.r = &b->pub;
	s.r->path = strdup(path ? path : "(fd)");
	if (!s.r->path) {
		rc = -ENOMEM;
		goto out;
	}
	s.fd = fd;
	rc = load_file(&s, opts & (ELFSCAN_SYSCALLS | ELFSCAN_SHA256));
	if (rc == 0 && (opts & ELFSCAN_SHA256)) {
		sha256(s.img, s.size, s.r->sha256);
		s.r->has_sha256 = true;
	}
	if (rc == 0)
		rc = scan_image(&s, opts);
	/* A file's fault is a verdict in the report; ours is the return value
	 * (even when the parse went on to blame the file for a failed read). */
	if (s.sys_error)
		rc = s.sys_error;
	if (rc && (s.r->error == 0 || s.sys_error))
		goto out;
	if (s.r->error)
		drop_contents(b);
	rc = 0;
	*out = s.r;
	b = NULL;
out:
	scan_cleanup(&s);
	if (b)
		elfscan_free(&b->pub);
	return rc;
}

int elfscan_open(const char *path)
{
	/* O_NONBLOCK: a FIFO must not hang the scan; it is rejected as not regular. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

int elfscan_path(const char *path, struct elfscan_report **out)
{
	int fd, rc;

	*out = NULL;
	if ((fd = elfscan_open(path)) < 0)
		return fd;
	rc = elfscan_fd(fd, path, out);
	close(fd);
	return rc;
}
