/* verdict: trusted, isolated or refused objects (see verdict.h). */
#include "monitor/verdict.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/funcs.h"

unsigned verdict_scan_opts(const struct policy *p, bool trusted)
{
	unsigned opts = p->trust_sha256.n ? ELFSCAN_SHA256 : 0;
	if (!trusted && (p->refuse & (REFUSE_SYSCALL | REFUSE_UNKNOWN_SYSCALL)))
		opts |= ELFSCAN_SYSCALLS;
	return opts;
}

/* The interpreter's own objects: its executable, its libpython and its
 * lib-dynload modules, not the third-party packages installed beside them
 * (site-packages). */
static bool interpreter_tree(const struct monitor *m, const char *path)
{
	for (size_t i = 0; i < m->n_interp; i++) {
		const char *pre = m->interp_prefix[i];
		size_t n = pre ? strlen(pre) : 0;
		char pat[3][PATH_MAX];
		if (n < 2 || strncmp(path, pre, n) != 0)
			continue;
		snprintf(pat[0], sizeof pat[0], "%s/lib/libpython3*.so*", pre);
		snprintf(pat[1], sizeof pat[1], "%s/lib/python3*/lib-dynload/*", pre);
		snprintf(pat[2], sizeof pat[2], "%s/bin/python3*", pre);
		for (int k = 0; k < 3; k++)
			if (fnmatch(pat[k], path, FNM_PATHNAME) == 0)
				return true;
	}
	return false;
}

static void hex(const uint8_t *b, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

bool verdict_trusted(const struct monitor *m, const char *path, const struct elfscan_report *r,
                     const struct rule **rule)
{
	const struct policy *p = m->policy;
	for (size_t i = 0; i < p->trust.n; i++) {
		const char *w = p->trust.v[i].word;
		bool hit = strcmp(w, "interpreter") == 0 ? interpreter_tree(m, path)
		                                        : fnmatch(w, path, 0) == 0;
		if (hit) {
			*rule = &p->trust.v[i].rule;
			return true;
		}
	}
	if (r && r->has_sha256 && p->trust_sha256.n) {
		char h[65];
		hex(r->sha256, h);
		const struct rule_word *w = policy_list_find(&p->trust_sha256, h);
		if (w) {
			*rule = &w->rule;
			return true;
		}
	}
	return false;
}

__attribute__((format(printf, 4, 5)))
static void set(struct obj_judgement *j, enum obj_verdict v, const struct rule *rule,
                const char *fmt, ...)
{
	va_list ap;
	j->verdict = v;
	j->rule = rule;
	va_start(ap, fmt);
	vsnprintf(j->why, sizeof j->why, fmt, ap);
	va_end(ap);
}

/* A raw system call the policy denies this object, or one the scan cannot
 * number.  The object's own [module] rules count where they are stricter:
 * its raw system calls would be decided by them, and refusing the object
 * keeps the ones no filter stop sees (fork, when [functions] allows it) out
 * of it.  A library is not known here to be one an extension needs: only
 * the extension module itself is judged as one. */
static bool bad_syscall(const struct policy *p, const char *path, const struct elfscan_report *r,
                        char *what, size_t n)
{
	const struct module_subject o = {path, false, (r->flags & ELFSCAN_PYEXT) != 0};
	for (size_t i = 0; i < r->n_syscalls; i++) {
		const struct elfscan_syscall_site *s = &r->syscalls[i];
		if (s->insn != ELFSCAN_SYSCALL) {
			snprintf(what, n, "a 32-bit system call instruction at %#llx",
			         (unsigned long long)s->vaddr);
			return p->refuse & (REFUSE_SYSCALL | REFUSE_UNKNOWN_SYSCALL);
		}
		if (s->nr < 0) {
			if (!(p->refuse & REFUSE_UNKNOWN_SYSCALL))
				continue;
			snprintf(what, n, "a raw system call of unknown number at %#llx",
			         (unsigned long long)s->vaddr);
			return true;
		}
		int fid = funcs_by_sysnr(s->nr);
		if (fid < 0 || !(p->refuse & REFUSE_SYSCALL))
			continue;
		enum action a = p->fn[fid].action;
		const struct fn_rule *mr = policy_subject_rule(p, &o, fid, NULL);
		if (mr && policy_looser(a, mr->action))
			a = mr->action;
		if (a == ACT_DENY || a == ACT_KILL) {
			snprintf(what, n, "a raw %s system call (%ld) at %#llx", funcs[fid].name, s->nr,
			         (unsigned long long)s->vaddr);
			return true;
		}
	}
	return false;
}

void verdict_judge(const struct monitor *m, const char *path, const struct elfscan_report *r,
                   struct obj_judgement *j)
{
	const struct policy *p = m->policy;
	const struct rule *rule = NULL;
	char what[160];
	if (verdict_trusted(m, path, r, &rule)) {
		set(j, OBJ_TRUSTED, rule, "trusted by %s", rule->text);
		return;
	}
	const struct rule *rr = &p->refuse_rule;
	if (!r || r->error)
		set(j, OBJ_REFUSED, rr, "it cannot be scanned: %s", r ? r->error_msg : "unreadable");
	else if ((p->refuse & REFUSE_IFUNC) && (r->flags & ELFSCAN_IFUNC))
		set(j, OBJ_REFUSED, rr, "untrusted object with IFUNC code (%zu IFUNC symbols, "
		    "%zu IRELATIVE relocations), which runs during relocation", r->n_ifunc,
		    r->n_irelative);
	else if ((p->refuse & REFUSE_EXECSTACK) && (r->flags & ELFSCAN_EXECSTACK))
		set(j, OBJ_REFUSED, rr, "untrusted object asking for an executable stack");
	else if ((p->refuse & REFUSE_TEXTREL) && (r->flags & ELFSCAN_TEXTREL))
		set(j, OBJ_REFUSED, rr, "untrusted object with relocations in its code (TEXTREL)");
	else if ((p->refuse & REFUSE_WX) && (r->flags & ELFSCAN_WX))
		set(j, OBJ_REFUSED, rr, "untrusted object with a writable and executable segment");
	else if (bad_syscall(p, path, r, what, sizeof what))
		set(j, OBJ_REFUSED, rr, "untrusted object with %s", what);
	else
		set(j, OBJ_ISOLATED, NULL, "untrusted: isolated");
}

const char *verdict_obj_name(enum obj_verdict v)
{
	return v == OBJ_TRUSTED ? "trusted" : v == OBJ_REFUSED ? "refused" : "isolated";
}

/* The name other objects' DT_NEEDED entries give o: its soname, else its
 * file name (how the loader matched it). */
static const char *needed_name(const struct object *o)
{
	const char *slash = strrchr(o->path, '/');
	if (o->scan->soname)
		return o->scan->soname;
	return slash ? slash + 1 : o->path;
}

static bool untrusted_scanned(const struct object *o)
{
	return o->live && !o->trusted && o->scan && !o->scan->error;
}

/* Upwards from o through the objects that need it, each looked at once (a
 * hostile job may load many libraries needing each other), until an
 * extension module is found.  Work: the untrusted objects times their
 * DT_NEEDED entries, at most once each. */
bool verdict_extension(const struct aspace *as, const struct object *o)
{
	if (!as || !o || !untrusted_scanned(o))
		return false;
	if (o->scan->flags & ELFSCAN_PYEXT)
		return true;
	bool *seen = calloc(as->n_objs, sizeof *seen);
	size_t *todo = calloc(as->n_objs + 1, sizeof *todo);
	size_t n_todo = 0;
	bool found = false;
	if (!seen || !todo) {
		found = true;  /* not known: bound as the stricter would be */
		goto out;
	}
	todo[n_todo++] = (size_t)(o - as->objs);
	while (n_todo && !found) {
		const struct object *cur = &as->objs[todo[--n_todo]];
		const char *name = needed_name(cur);
		for (size_t i = 0; i < as->n_objs && !found; i++) {
			const struct object *x = &as->objs[i];
			if (seen[i] || x == cur || !untrusted_scanned(x))
				continue;
			for (size_t k = 0; k < x->scan->n_needed; k++) {
				if (strcmp(x->scan->needed[k], name))
					continue;
				seen[i] = true;
				if (x->scan->flags & ELFSCAN_PYEXT)
					found = true;
				else
					todo[n_todo++] = i;
				break;
			}
		}
	}
out:
	free(seen);
	free(todo);
	return found;
}
