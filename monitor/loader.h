/* loader: following the dynamic loader of a Python process, and redirecting
 * the GOT slots of dangerous functions in every object it maps.
 *
 * At the exec stop the loader (ld.so) is mapped but has not run.  pysbx maps
 * the code page and puts a breakpoint on _dl_debug_state, which the loader
 * calls around every change of its list of objects:
 *
 *   exec stop --> code page + breakpoint on _dl_debug_state
 *   ld.so: map objects --> RT_ADD ........... (nothing to do yet)
 *          relocate    --> RT_CONSISTENT ---> walk the link map, scan each new
 *                                             object, redirect its slots
 *          constructors, then main(): every dangerous call traps
 *
 * At start-up RT_CONSISTENT comes after relocation and before any constructor,
 * so no code of the interpreter runs with a slot not yet redirected.
 */
#ifndef PYSBX_LOADER_H
#define PYSBX_LOADER_H

#include "inject/arch.h"
#include "monitor/monitor.h"

/* At the exec stop of a Python image: code page and loader breakpoint.
 * Returns 0, or a negative errno (the process is left as it was, or, when
 * res->died, gone). */
int loader_hook(struct monitor *m, struct thread *th, struct remote_result *res);

/* Whether a trap that left th at pc is the loader breakpoint. */
bool loader_is_event(const struct thread *th, uint64_t pc);

/* Handles the loader breakpoint: returns from _dl_debug_state in r, and on
 * RT_CONSISTENT redirects every new object.  Returns 0 or a negative errno. */
int loader_event(struct monitor *m, struct thread *th, arch_regs *r);

/* The address of a symbol defined by the loaded objects (link-map order), or 0. */
uint64_t loader_symbol(const struct aspace *as, const char *name);

/* A constructor breakpoint of a pending object: the loader has relocated the
 * new objects and is about to run their code.  Redirects them and sets r to
 * run the constructor. */
bool loader_is_init(const struct thread *th, uint64_t pc);
int loader_init(struct monitor *m, struct thread *th, arch_regs *r);

/* An allowed dlopen or dlsym is about to run: its return goes through the
 * code page's return trap (r is the thread at the function's entry; object
 * the caller). */
int loader_note_call(struct thread *th, arch_regs *r, bool dlsym, uint32_t object);
/* Whether dlsym(name) could hand out a dangerous function: name is one, or
 * an object defines it at the address of one (an alias).  When not, its
 * return needs no trap. */
bool loader_may_hand_out(const struct aspace *as, const char *name);

/* It returned: dlopen's objects are redirected; a dangerous function that
 * dlsym hands out is replaced by a trap (layer 3: ctypes, cffi).  Continues
 * at the real return address. */
bool loader_is_return(const struct thread *th, uint64_t pc);
int loader_return(struct monitor *m, struct thread *th, arch_regs *r);

#endif
