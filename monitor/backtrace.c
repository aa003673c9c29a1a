/* backtrace: remote unwinding with libunwind-ptrace (see backtrace.h). */
#include "monitor/backtrace.h"

#include <errno.h>
#include <libunwind-ptrace.h>
#include <stdlib.h>
#include <string.h>

#include "inject/mem.h"
#include "monitor/loader.h"

static const char *object_at(const struct aspace *as, uint64_t pc)
{
	for (size_t i = 0; as && i < as->n_objs; i++)
		if (as->objs[i].live && pc >= as->objs[i].lo && pc < as->objs[i].hi)
			return as->objs[i].path;
	return NULL;
}

static size_t unwind(pid_t tid, const struct aspace *as, struct btframe *out, size_t max)
{
	size_t n = 0;
	unw_addr_space_t uas = unw_create_addr_space(&_UPT_accessors, 0);
	void *ui = uas ? _UPT_create(tid) : NULL;
	unw_cursor_t c;
	if (ui && unw_init_remote(&c, uas, ui) == 0) {
		do {
			unw_word_t ip, off = 0;
			if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
				break;
			struct btframe *f = &out[n++];
			f->pc = ip;
			f->object = object_at(as, ip);
			if (unw_get_proc_name(&c, f->symbol, sizeof f->symbol, &off) < 0)
				f->symbol[0] = 0;
			f->offset = f->symbol[0] ? off : 0;
		} while (n < max && unw_step(&c) > 0);
	}
	if (ui)
		_UPT_destroy(ui);
	if (uas)
		unw_destroy_addr_space(uas);
	return n;
}

size_t backtrace_read(struct thread *th, const arch_regs *r, bool at_entry,
                      struct btframe *out, size_t max)
{
	arch_regs start = *r;
	uint64_t ret;
	if (at_entry) {
		/* the function was entered through a trap in the code page, which
		 * has no unwind information: start from its caller instead */
		if (mem_read_word(th->tid, arch_return_slot(r), &ret) < 0)
			return 0;
		arch_return_to(&start, ret, arch_retval(r));
		if (arch_set_regs(th->tid, &start) < 0)
			return 0;
	}
	size_t n = unwind(th->tid, th->proc ? th->proc->as : NULL, out, max);
	if (at_entry)
		arch_set_regs(th->tid, r);  /* the caller sets the final registers anyway */
	return n;
}

/* The Python stack of the thread, when its interpreter is one pystack knows
 * (probed once per address space). */
static void python_stack(struct thread *th, struct call *c)
{
	struct aspace *as = th->proc ? th->proc->as : NULL;
	c->n_py = -1;
	if (!as || !as->python)
		return;
	if (!as->py_state) {
		uint64_t rt = loader_symbol(as, "_PyRuntime"), ver = loader_symbol(as, "Py_Version");
		if (!rt || !ver)
			return;  /* the interpreter is not loaded yet (a call during start-up) */
		int rc = pystack_probe(th->tid, rt, ver, &as->py);
		if (rc == -ESRCH)
			return;  /* the thread went away: probe again at the next call */
		as->py_state = rc == 0 ? 1 : -1;
	}
	if (as->py_state < 0 || !(c->py = calloc(PYSTACK_MAX, sizeof *c->py)))
		return;
	int n = pystack_read(th->tid, &as->py, c->py, PYSTACK_MAX);
	c->n_py = n < 0 ? -1 : n;
}

void backtrace_collect(struct thread *th, const arch_regs *r, bool at_entry, struct call *c)
{
	c->traced = true;
	c->bt = calloc(BACKTRACE_MAX, sizeof *c->bt);
	if (c->bt)
		c->n_bt = backtrace_read(th, r, at_entry, c->bt, BACKTRACE_MAX);
	python_stack(th, c);
}
