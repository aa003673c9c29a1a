/* verdict: what an object the loader mapped is, for the policy.
 *
 *   trusted    [objects] trust (path pattern or the job's interpreter tree) or
 *              trust-sha256 (content): never refused; [module] sections may
 *              loosen its rules
 *   refused    untrusted, and its scan shows something [objects] refuse names
 *   isolated   everything else
 *
 * Every object, whatever its verdict, has its GOT redirected and its calls
 * attributed to it: trust changes what it may do, not whether it is watched.
 * An untrusted object's [module] rules also bind the calls made while it is
 * on the stack (decide.c); a trusted one's bind the calls it makes itself.
 */
#ifndef PYSBX_VERDICT_H
#define PYSBX_VERDICT_H

#include <stdbool.h>

#include "elfscan/elfscan.h"
#include "monitor/monitor.h"

enum obj_verdict { OBJ_ISOLATED, OBJ_TRUSTED, OBJ_REFUSED };

struct obj_judgement {
	enum obj_verdict verdict;
	const struct rule *rule;  /* the trust or refuse line that decided, or NULL */
	char why[240];
};

/* Scan options an object needs before it can be judged: the content hash when
 * the policy trusts by hash (trust decided), the raw system calls when an
 * untrusted object may be refused for them. */
unsigned verdict_scan_opts(const struct policy *p, bool trusted);

/* Whether path (or, with a hash, the content) is trusted. */
bool verdict_trusted(const struct monitor *m, const char *path, const struct elfscan_report *r,
                     const struct rule **rule);

/* Judges an object from its scan (made with verdict_scan_opts). */
void verdict_judge(const struct monitor *m, const char *path, const struct elfscan_report *r,
                   struct obj_judgement *j);

const char *verdict_obj_name(enum obj_verdict v);

/* Whether object o (of address space as) is what [module extensions] binds:
 * untrusted, and a Python extension module (it defines PyInit_*) or a
 * library one needs (DT_NEEDED, directly or through other such libraries).
 * A library loaded by the job's own ctypes is not: the Python code that
 * loaded it could make its calls itself. */
bool verdict_extension(const struct aspace *as, const struct object *o);

#endif
