#!/usr/bin/env python3
"""Aggregate `strace -f -Y -qq` output (stdin) into one JSON summary (argv[1]).

Records, per system call name: how often it was made, how often it failed and
with which errno, and which process names (comm, from -Y) made it; and, for the
calls whose arguments matter to a seccomp allow-list, the distinct values of
those arguments.  Unknown calls appear as strace prints them (syscall_0x1c8).
"""
import json, re, sys
from collections import Counter, defaultdict

LINE = re.compile(r'^(\d+)(?:<([^>]*)>)?\s+(?:(<\.\.\. (\w+) resumed>)|(\w+)\()(.*)$')
RESULT = re.compile(r'\)\s+= (-?\d+|\?|0x[0-9a-f]+)(?: (E[A-Z0-9]+))?')

def split_args(s):
    """Top-level comma split of strace's argument text (until the closing paren)."""
    out, depth, cur, q, i = [], 0, [], False, 0
    while i < len(s):
        c = s[i]
        if q:
            cur.append(c)
            if c == '\\': cur.append(s[i + 1:i + 2]); i += 1
            elif c == '"': q = False
        elif c == '"': q = True; cur.append(c)
        elif c in '([{': depth += 1; cur.append(c)
        elif c in ')]}':
            if depth == 0: break
            depth -= 1; cur.append(c)
        elif c == ',' and depth == 0: out.append(''.join(cur).strip()); cur = []
        else: cur.append(c)
        i += 1
    tail = ''.join(cur).replace('<unfinished ...>', '').strip()
    if tail: out.append(tail)
    return out

def arg(a, i):
    return a[i] if len(a) > i else '?'

def pidclass(p):
    return {'0': 'pgrp(0)', '-1': 'all(-1)'}.get(p, 'pgrp(<0)' if p.startswith('-') else 'pid')

def keys(name, a):
    """(key, value) pairs worth recording for this call."""
    if name == 'clone':
        for x in a:
            if x.startswith('flags='): yield 'clone.flags', x[6:]
    elif name == 'clone3':
        m = re.search(r'flags=([^,}]+)', arg(a, 0)); yield 'clone3.flags', m.group(1) if m else arg(a, 0)
    elif name == 'fcntl':
        c = arg(a, 1); yield 'fcntl.cmd', c
        if c in ('F_SETFL', 'F_SETOWN', 'F_SETOWN_EX', 'F_SETSIG', 'F_SETLEASE', 'F_NOTIFY'):
            yield 'fcntl.set', c + ' ' + arg(a, 2)
    elif name == 'ioctl': yield 'ioctl.request', arg(a, 1)
    elif name == 'prctl':
        yield 'prctl.option', arg(a, 0) + (' ' + arg(a, 1) if arg(a, 0) in ('PR_SET_SECCOMP', 'PR_CAP_AMBIENT', 'PR_SET_MM') else '')
    elif name in ('socket', 'socketpair'):
        yield name + '.family', arg(a, 0)
        yield name + '.type', arg(a, 0) + ' ' + re.sub(r'\|SOCK_(CLOEXEC|NONBLOCK)', '', arg(a, 1)) + ' ' + arg(a, 2)
    elif name == 'personality': yield 'personality', arg(a, 0)
    elif name == 'madvise': yield 'madvise.advice', arg(a, 2)
    elif name == 'process_madvise': yield 'process_madvise.advice', arg(a, 3)
    elif name == 'seccomp': yield 'seccomp.op', arg(a, 0) + ' ' + arg(a, 1)
    elif name in ('mmap', 'mprotect', 'pkey_mprotect'):
        prot = arg(a, 2)
        if 'PROT_EXEC' in prot:
            what = prot + (' ' + arg(a, 3) + (' anon' if arg(a, 4) == '-1' else ' file') if name == 'mmap' else '')
            yield name + '.exec', what
        if 'PROT_WRITE' in prot and 'PROT_EXEC' in prot: yield 'W+X', name
    elif name in ('kill', 'tkill'): yield name, pidclass(arg(a, 0)) + ' ' + arg(a, 1)
    elif name == 'tgkill': yield 'tgkill.sig', arg(a, 2)
    elif name in ('rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'pidfd_send_signal'): yield name + '.sig', arg(a, 1 if name != 'rt_tgsigqueueinfo' else 2)
    elif name == 'unshare': yield 'unshare.flags', arg(a, 0)
    elif name == 'setns': yield 'setns.nstype', arg(a, 1)
    elif name == 'ptrace': yield 'ptrace.request', arg(a, 0)
    elif name == 'futex': yield 'futex.op', re.sub(r'FUTEX_PRIVATE_FLAG\|?|\|?FUTEX_CLOCK_REALTIME', '', arg(a, 1))
    elif name == 'prlimit64': yield 'prlimit64', ('self ' if arg(a, 0) == '0' else 'pid ') + arg(a, 1) + (' set' if arg(a, 2) != 'NULL' else ' get')
    elif name in ('setrlimit',): yield 'setrlimit', arg(a, 0)
    elif name in ('setsockopt', 'getsockopt'): yield name, arg(a, 1) + ' ' + arg(a, 2)
    elif name == 'mremap': yield 'mremap.flags', arg(a, 3)
    elif name == 'waitid': yield 'waitid.idtype', arg(a, 0)
    elif name == 'memfd_create': yield 'memfd_create.flags', arg(a, 1)
    elif name == 'arch_prctl': yield 'arch_prctl', arg(a, 0)
    elif name == 'membarrier': yield 'membarrier', arg(a, 0)
    elif name == 'getrandom': yield 'getrandom.flags', arg(a, 2)
    elif name in ('sched_setaffinity', 'sched_setscheduler', 'sched_setparam', 'sched_setattr', 'setpriority', 'ioprio_set'):
        yield name, 'self' if arg(a, 0 if name != 'setpriority' and name != 'ioprio_set' else 1) == '0' else 'other'
    elif name in ('execve', 'execveat'):
        p = arg(a, 0 if name == 'execve' else 1); yield 'exec.program', p.strip('"').rsplit('/', 1)[-1]
    elif name in ('timer_create', 'clock_nanosleep', 'timerfd_create'): yield name + '.clock', arg(a, 0)
    elif name == 'setitimer': yield 'setitimer', arg(a, 0)
    elif name == 'epoll_ctl': yield 'epoll_ctl.op', arg(a, 1)
    elif name in ('openat', 'open', 'openat2'):
        fl = arg(a, 2 if name != 'open' else 1)
        if 'O_PATH' in fl or 'O_TMPFILE' in fl: yield name + '.special', fl
    elif name == 'keyctl': yield 'keyctl.op', arg(a, 0)
    elif name == 'bpf': yield 'bpf.cmd', arg(a, 0)
    elif name == 'capset': yield 'capset', arg(a, 1)[:80]
    elif name == 'mount': yield 'mount', arg(a, 2) + ' ' + arg(a, 3)

def main():
    calls = defaultdict(lambda: {'n': 0, 'err': Counter(), 'comm': Counter()})
    argv = defaultdict(Counter)
    pending = {}
    for line in sys.stdin:
        m = LINE.match(line)
        if not m: continue
        pid, comm, resumed, rname, name, rest = m.groups()
        if resumed:
            name = pending.pop(pid, rname)
        else:
            c = calls[name]; c['n'] += 1; c['comm'][(comm or '?')] += 1
            for k, v in keys(name, split_args(rest)):
                argv[k][v] += 1
            if rest.rstrip().endswith('<unfinished ...>'):
                pending[pid] = name; continue
        r = RESULT.search(line)
        if r and r.group(2): calls[name]['err'][r.group(2)] += 1
    out = {'calls': {k: {'n': v['n'], 'err': dict(v['err']), 'comm': dict(v['comm'].most_common(12))}
                     for k, v in sorted(calls.items())},
           'args': {k: dict(v.most_common(60)) for k, v in sorted(argv.items())}}
    with open(sys.argv[1], 'w') as f: json.dump(out, f, indent=0, sort_keys=True)

if __name__ == '__main__':
    main()
