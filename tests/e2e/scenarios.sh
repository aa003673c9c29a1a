# Scenario tests for run-e2e: each t_NAME takes the interpreter and calls ok/bad.
# Sourced by run-e2e, which defines TRACE, ok, bad.

# A scratch directory removed when the test ends.
scratch() { mktemp -d /tmp/pysbx-e2e.XXXXXX; }

# Waits up to $2 tenths of a second for file $1.
wait_for() {
  local i=0
  while [ ! -e "$1" ] && [ $i -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
  [ -e "$1" ]
}

t_program_not_found() {
  local rc
  "$TRACE" /nonexistent/program 2>/dev/null; rc=$?
  [ $rc = 127 ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc, wanted 127"
}

t_program_not_executable() {
  local d rc; d=$(scratch)
  echo 'not a program' >"$d/data"; chmod 644 "$d/data"
  "$TRACE" "$d/data" 2>/dev/null; rc=$?
  [ $rc = 126 ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc, wanted 126"
  rm -rf "$d"
}

# A malformed policy stops everything before the job starts, naming file:line.
t_malformed_policy() {
  local py=$1 d rc; d=$(scratch)
  printf '[functions]\nsystem = check\nexecve = maybe\n' >"$d/bad.ini"
  "$TRACE" -c "$d/bad.ini" "$py" -c "open('$d/MARK', 'w')" 2>"$d/err"; rc=$?
  if [ $rc != 125 ]; then bad "$FUNCNAME" "exit $rc, wanted 125"
  elif [ -e "$d/MARK" ]; then bad "$FUNCNAME" "the job ran"
  elif ! grep -q "bad.ini:3" "$d/err"; then bad "$FUNCNAME" "message lacks bad.ini:3: $(cat "$d/err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# A policy file that does not exist is refused the same way.
t_missing_policy() {
  local py=$1 d rc; d=$(scratch)
  "$TRACE" -c "$d/none.ini" "$py" -c "open('$d/MARK', 'w')" 2>/dev/null; rc=$?
  [ $rc = 125 ] && [ ! -e "$d/MARK" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc"
  rm -rf "$d"
}

# A policy can end the whole job on a call.
t_policy_kill_action() {
  local py=$1 d rc; d=$(scratch)
  "$TRACE" --print-policy | sed 's/^setuid = deny/setuid = kill/' >"$d/p.ini"
  "$TRACE" -c "$d/p.ini" "$py" -c "
import os
try: os.setuid(os.getuid())
except OSError: pass
open('$d/MARK', 'w')" 2>/dev/null; rc=$?
  [ $rc = 137 ] && [ ! -e "$d/MARK" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc"
  rm -rf "$d"
}

# SIGTERM sent to pysbx-trace reaches the job, which decides its own fate.
t_sigterm_reaches_job() {
  local py=$1 d rc pid; d=$(scratch)
  "$TRACE" "$py" -c "
import signal, sys, time
def h(s, f):
    open('$d/got', 'w'); sys.exit(3)
signal.signal(signal.SIGTERM, h)
open('$d/ready', 'w')
time.sleep(20)" & pid=$!
  if wait_for "$d/ready" 100; then kill -TERM $pid; fi
  wait $pid; rc=$?
  [ $rc = 3 ] && [ -e "$d/got" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc"
  rm -rf "$d"
}

# A job that stopped itself (SIGSTOP to itself, and to its own new group)
# still ends on SIGTERM sent to pysbx-trace, as an untraced stopped process
# would: no hung job.  The verdict is the exit status and whether pysbx-trace
# was still running 5 s later.
t_sigterm_ends_stopped_job() {
  local py=$1 d rc pid how; d=$(scratch)
  for how in "os.kill(os.getpid(), signal.SIGSTOP)" "os.setpgid(0, 0); os.kill(0, signal.SIGSTOP)"; do
    rm -f "$d/ready"
    "$TRACE" "$py" -c "
import os, signal
open('$d/ready', 'w')
$how
open('$d/resumed', 'w')" & pid=$!
    wait_for "$d/ready" 100; sleep 0.5
    kill -TERM $pid
    for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    if kill -0 $pid 2>/dev/null; then
      bad "$FUNCNAME" "still running 5 s after SIGTERM ($how)"; kill -KILL $pid; wait $pid 2>/dev/null
      rm -rf "$d"; return
    fi
    wait $pid; rc=$?
    if [ $rc != 143 ] || [ -e "$d/resumed" ]; then
      bad "$FUNCNAME" "exit $rc ($how)"; rm -rf "$d"; return
    fi
  done
  ok "$FUNCNAME"; rm -rf "$d"
}

# The job stops its terminal's output (IXON off, tcflow TCOOFF) and makes
# denied calls: pysbx-trace's denial lines cannot be written.  pysbx-trace
# must not hang on them: it ends with the job, its event log complete.  The
# verdict is whether pysbx-trace exited within 15 s (it waits at most 2 s for
# a stopped terminal) and the log's last event.
t_stderr_terminal_stopped() {
  local py=$1 d; d=$(scratch)
  (cd "$d" && timeout 60 "$py" -c '
import fcntl, os, subprocess, sys, termios, time
m, s = os.openpty()
def ctty():
    os.setsid(); fcntl.ioctl(0, termios.TIOCSCTTY, 0)
job = r"""
import os, stat, termios
a = termios.tcgetattr(2); a[0] &= ~termios.IXON; termios.tcsetattr(2, termios.TCSANOW, a)
termios.tcflow(2, termios.TCOOFF)
mode = stat.S_IMODE(os.stat("/etc/hostname").st_mode)
for i in range(20):
    try:
        os.chmod("/etc/hostname", mode)
    except OSError:
        pass
"""
p = subprocess.Popen([sys.argv[1], "-o", "run.jsonl", sys.argv[2], "-c", job], stdin=s, stdout=s,
                     stderr=s, preexec_fn=ctty)
try:
    p.wait(15)
    print("exited", p.returncode)
except subprocess.TimeoutExpired:
    print("hung")
    p.kill(); p.wait()
termios.tcflow(m, termios.TCOON)' "$TRACE" "$py" >"$d/out" 2>"$d/err")
  if [ "$(cat "$d/out")" = "exited 0" ] && tail -n 1 "$d/run.jsonl" 2>/dev/null | grep -q '"event":"summary"'; then
    ok "$FUNCNAME"
  else bad "$FUNCNAME" "$(cat "$d/out" "$d/err")"; fi
  rm -rf "$d"
}

# The job sets O_NONBLOCK on the stderr pipe it shares with pysbx-trace, fills
# the pipe while the reader waits, and makes a denied call: pysbx-trace's
# line must still reach the reader (it writes through a description of its
# own).  The verdict is the reader's count of the denial line.
t_stderr_pipe_nonblocking() {
  local py=$1 d n; d=$(scratch)
  n=$(cd "$d" && timeout 30 "$TRACE" "$py" -c "
import fcntl, os
fl = fcntl.fcntl(2, fcntl.F_GETFL)
fcntl.fcntl(2, fcntl.F_SETFL, fl | os.O_NONBLOCK)
try:
    while True:
        os.write(2, b'x' * 4096)
except BlockingIOError:
    pass
try:
    os.kill(1, 0)
except OSError:
    pass
fcntl.fcntl(2, fcntl.F_SETFL, fl)" 2>&1 >/dev/null | (sleep 2; grep -c 'pysbx: denied kill'))
  [ "$n" = 1 ] && ok "$FUNCNAME" || bad "$FUNCNAME" "the reader saw $n denial lines"
  rm -rf "$d"
}

# pysbx-trace killed outright: no process of the job survives it.
t_monitor_killed() {
  local py=$1 d pid jobpid; d=$(scratch)
  "$TRACE" "$py" -c "
import os, time
os.fork()
open('$d/pid.%d' % os.getpid(), 'w')
time.sleep(1.5)
open('$d/MARK.%d' % os.getpid(), 'w')" & pid=$!
  wait_for "$d/pid.*" 0; sleep 0.5
  kill -KILL $pid; wait $pid 2>/dev/null
  sleep 2
  local left=""
  # a zombie runs nothing (this machine's init can be slow to reap)
  for f in "$d"/pid.*; do jobpid=${f##*.}
    [ -d "/proc/$jobpid" ] && ! grep -q '^State:.*Z' "/proc/$jobpid/status" 2>/dev/null && left="$left $jobpid"
  done
  if ls "$d"/MARK.* >/dev/null 2>&1; then bad "$FUNCNAME" "the job went on"
  elif [ -n "$left" ]; then bad "$FUNCNAME" "processes left:$left"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# A job stops itself and a child of its own continues it (group-stop under ptrace).
t_stop_and_continue() {
  local py=$1 rc out
  out=$(timeout 20 "$TRACE" "$py" -c "
import os, signal, time
parent = os.getpid()
if os.fork() == 0:
    time.sleep(0.5); os.kill(parent, signal.SIGCONT); os._exit(0)
os.kill(parent, signal.SIGSTOP)
os.wait()
print('OK')"); rc=$?
  [ $rc = 0 ] && [ "$out" = OK ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc, output '$out'"
}

# The event log: valid JSON on every line, flushed, and the denial is in it.
t_json_log() {
  local py=$1 d; d=$(scratch)
  "$TRACE" -o "$d/ev.jsonl" "$py" -c "import os; os.system('bash'); os.system('ls >/dev/null')" </dev/null 2>/dev/null
  if "$py" - "$d/ev.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
calls = [e for e in ev if e["event"] == "call" and e["function"] == "system"]
assert [(c["args"][0], c["decision"]) for c in calls] == [("bash", "deny"), ("ls >/dev/null", "allow")], calls
assert all(c["rule"].startswith("policy.ini") and c["object"] for c in calls), calls
assert ev[0]["event"] == "start" and ev[-1]["event"] == "summary", (ev[0], ev[-1])
PY
  then ok "$FUNCNAME"; else bad "$FUNCNAME" "log check failed"; fi
  rm -rf "$d"
}

# Hostile bytes in an argument still give valid JSON and one stderr line.
t_json_hostile_bytes() {
  local py=$1 d; d=$(scratch)
  "$TRACE" -o "$d/ev.jsonl" "$py" -c "
import ctypes, os
os.system('bash \x01\x1b[2J\n\"\\\\ \xff')" </dev/null 2>"$d/err"
  if "$py" -c "
import json, sys
for l in open('$d/ev.jsonl', 'rb'): json.loads(l)
" && [ "$(grep -c '^pysbx: denied' "$d/err")" = 1 ] && [ "$(drop_notes <"$d/err" | wc -l)" = 1 ]; then ok "$FUNCNAME"
  else bad "$FUNCNAME" "invalid log or split stderr line"; fi
  rm -rf "$d"
}

# The job's environment passes through untouched.
t_environment_untouched() {
  local py=$1 out
  out=$(env -i PATH=/usr/bin:/bin PYSBX_PROBE='a b' "$TRACE" "$py" -c "
import os; print(sorted(os.environ.items()))")
  local want
  want=$(env -i PATH=/usr/bin:/bin PYSBX_PROBE='a b' "$py" -c "
import os; print(sorted(os.environ.items()))")
  [ "$out" = "$want" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "got $out"
}

# The start-up runs on one CPU and stopped threads are resumed on the
# monitor's (monitor/pin.h); the job's own code must see the CPU set
# pysbx-trace was given, in the launched interpreter, after intercepted calls,
# in its threads, and in a program started through a shell (released at the
# shell's exec stop).
t_cpu_set_untouched() {
  local py=$1 ncpu all out want code
  ncpu=$(nproc --all)
  [ "$ncpu" -ge 2 ] || { ok "$FUNCNAME (one CPU: nothing to see)"; return; }
  all="0-$((ncpu - 1))"
  # os.kill(pid, 0) is an intercepted call: each thread is resumed by pin_cont
  code="import os, threading
def look():
    os.kill(os.getpid(), 0)
    r.append(sorted(os.sched_getaffinity(0)))
r = [sorted(os.sched_getaffinity(0))]
look()
t = threading.Thread(target=look); t.start(); t.join()
print(r)"
  want=$(taskset -c "$all" "$py" -c "$code")
  out=$(taskset -c "$all" "$TRACE" "$py" -c "$code")
  [ "$out" = "$want" ] || { bad "$FUNCNAME" "all CPUs: got $out, want $want"; return; }
  want=$(taskset -c 1 "$py" -c "$code")
  out=$(taskset -c 1 "$TRACE" "$py" -c "$code")
  [ "$out" = "$want" ] || { bad "$FUNCNAME" "CPU 1: got $out, want $want"; return; }
  out=$(taskset -c "$all" "$TRACE" /bin/sh -c "exec \"$py\" -c 'import os; print(sorted(os.sched_getaffinity(0)))'")
  want=$(taskset -c "$all" "$py" -c 'import os; print(sorted(os.sched_getaffinity(0)))')
  [ "$out" = "$want" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "through sh: got $out, want $want"
}

# The same for what the job creates and changes right after a resume: a
# child forked or spawned just after an intercepted call inherits the job's
# set, not the monitor's CPU, and a set the job gives itself just after one
# is the set it keeps.  (The thread is queued on the monitor's CPU with a
# narrowed set: the set must be back before any of the job's code runs.)
t_cpu_set_children() {
  local py=$1 ncpu all out
  ncpu=$(nproc --all)
  [ "$ncpu" -ge 2 ] || { ok "$FUNCNAME (one CPU: nothing to see)"; return; }
  all="0-$((ncpu - 1))"
  out=$(taskset -c "$all" "$TRACE" "$py" -c "
import os, subprocess, sys
full = os.sched_getaffinity(0)
bad = []
def forks(n, what):
    # an intercepted call, then a fork right after its resume
    for i in range(n):
        os.kill(os.getpid(), 0)
        pid = os.fork()
        if pid == 0:
            os._exit(0 if os.sched_getaffinity(0) == full else 1)
        if os.waitpid(pid, 0)[1]:
            bad.append('%s %d' % (what, i))
forks(30, 'fork')
def after_exits(n):
    # children exiting while the parent runs, then a parent that waited: the
    # monitor's reap of an exit wakes the parent queued on its CPU, and the
    # parent's own code (and what it forks) must never see that, even when
    # it is running on the other CPU at the reap (rounds of eight exits, the
    # parent looking at its set in a tight loop meanwhile)
    for r in range(20):
        procs = [subprocess.Popen(['true']) for _ in range(8)]
        while any(p.poll() is None for p in procs):
            for k in range(200):
                if os.sched_getaffinity(0) != full:
                    bad.append('parent during exits %d' % r)
                    break
            pid = os.fork()
            if pid == 0:
                os._exit(0 if os.sched_getaffinity(0) == full else 1)
            if os.waitpid(pid, 0)[1]:
                bad.append('fork during exits %d' % r)
    for i in range(n):
        subprocess.run(['true'])
        pid = os.fork()
        if pid == 0:
            os._exit(0 if os.sched_getaffinity(0) == full else 1)
        if os.waitpid(pid, 0)[1] or os.sched_getaffinity(0) != full:
            bad.append('after a child exit %d' % i)
after_exits(20)
for i in range(10):
    r = subprocess.run([sys.executable, '-c', 'import os; print(sorted(os.sched_getaffinity(0)))'],
                       capture_output=True, text=True)
    if r.stdout.strip() != str(sorted(full)):
        bad.append('spawn %d: %s' % (i, r.stdout.strip()))
one = {max(full)}
for i in range(30):
    os.kill(os.getpid(), 0)
    os.sched_setaffinity(0, one)
    os.kill(os.getpid(), 0)
    if os.sched_getaffinity(0) != one:
        bad.append('own set %d: %s' % (i, sorted(os.sched_getaffinity(0))))
    os.sched_setaffinity(0, full)
# a real-time thread is never narrowed (it would run before its set is back)
try:
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(2))  # above pysbx-trace
except PermissionError:
    pass
forks(20, 'real-time fork')
os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
if os.sched_getaffinity(0) != full:
    bad.append('job at the end: %s' % sorted(os.sched_getaffinity(0)))
print(bad or 'ok')" 2>&1 | drop_notes)
  [ "$out" = ok ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$out"
}

# --audit -b: an attack is recorded (not enforced), with its native frames and
# the Python line that made it; the payload is harmless because audit runs it.
t_audit_records_attack() {
  local py=$1 d; d=$(scratch)
  cat >"$d/job.py" <<'PY'
import os

def payload():
    return os.system("bash -c true")   # line 4

print("rc", payload())
PY
  (cd "$d" && "$TRACE" --audit -b -o "$d/run.jsonl" "$py" job.py >"$d/out" 2>"$d/err")
  if "$py" - "$d/run.jsonl" "$d/out" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
c = [e for e in ev if e["event"] == "call" and e["function"] == "system"][0]
assert c["decision"] == "deny" and c["enforced"] is False, c
assert c["args"] == ["bash -c true"], c["args"]
bt = c["backtrace"]
assert len(bt) >= 3 and any(f["symbol"] for f in bt) and all(f["object"] for f in bt[:2]), bt
py = c["python_stack"]
if (3, 8) <= sys.version_info[:2] <= (3, 13):    # the interpreters pystack understands
    assert py[0]["file"].endswith("job.py") and py[0]["line"] == 4 and py[0]["function"] == "payload", py
    assert py[1]["line"] == 6 and py[1]["function"] == "<module>", py
else:
    assert py == "unavailable", py
assert "rc 0" in open(sys.argv[2]).read()      # audit denied nothing: bash ran
PY
  then ok "$FUNCNAME"; else bad "$FUNCNAME" "log check failed"; fi
  rm -rf "$d"
}

# --check-log under a looser and a stricter policy; exit status says whether anything changed.
t_check_log() {
  local py=$1 d r0 r1 r2; d=$(scratch)
  "$TRACE" -o "$d/run.jsonl" "$py" -c "import os; os.system('bash'); os.system('ls >/dev/null')" </dev/null 2>/dev/null
  "$TRACE" --check-log "$d/run.jsonl" >"$d/same" 2>&1; r0=$?
  "$TRACE" --print-policy | sed 's/^system = check/system = allow/' >"$d/loose.ini"
  "$TRACE" -c "$d/loose.ini" --check-log "$d/run.jsonl" >"$d/loose" 2>&1; r1=$?
  "$TRACE" --print-policy | sed 's/^system = check/system = deny/' >"$d/strict.ini"
  "$TRACE" -c "$d/strict.ini" --check-log "$d/run.jsonl" >"$d/strict" 2>&1; r2=$?
  if [ $r0 = 0 ] && [ $r1 = 1 ] && [ $r2 = 1 ] &&
     grep -q ': newly allowed: system("bash")' "$d/loose" && ! grep -q ': newly denied' "$d/loose" &&
     grep -q ': newly denied: system("ls >/dev/null")' "$d/strict" && ! grep -q ': newly allowed' "$d/strict"
  then ok "$FUNCNAME"; else bad "$FUNCNAME" "exits $r0 $r1 $r2: $(cat "$d/loose" "$d/strict" | head -5)"; fi
  rm -rf "$d"
}

# --learn: the learned policy runs the same job again with no denial, and is
# tighter than the default (a program the job never ran is denied).
t_learn_reuse() {
  local py=$1 d rc; d=$(scratch)
  cat >"$d/job.py" <<'PY'
import os, subprocess, multiprocessing as mp
def sq(x): return x * x
if __name__ == "__main__":
    os.system("ls | wc -l > /dev/null")
    subprocess.run(["true"])
    p = subprocess.Popen(["sleep", "5"]); p.terminate(); p.wait()
    with mp.get_context("fork").Pool(2) as pool: pool.map(sq, range(10))
    print("OK")
PY
  (cd "$d" && "$TRACE" -o run1.jsonl "$py" job.py >/dev/null 2>&1 &&
   "$TRACE" --learn run1.jsonl >learned.ini &&
   "$TRACE" -c learned.ini -o run2.jsonl "$py" job.py >out2 2>/dev/null); rc=$?
  local denied; denied=$(grep -c '"decision":"deny"' "$d/run2.jsonl" 2>/dev/null)
  local tight; tight=$(cd "$d" && "$TRACE" -c learned.ini "$py" -c "import os; print(os.system('id >/dev/null'))" 2>/dev/null)
  if [ $rc = 0 ] && [ "$denied" = 0 ] && grep -q OK "$d/out2" && [ "$tight" = -1 ]; then ok "$FUNCNAME"
  else bad "$FUNCNAME" "rc $rc, $denied denials in the second run, id -> '$tight'"; fi
  rm -rf "$d"
}

# --report: the denial and the process tree; --format dot renders with Graphviz.
t_report() {
  local py=$1 d; d=$(scratch)
  "$TRACE" -o "$d/run.jsonl" "$py" -c "import os; os.system('ls >/dev/null'); os.system('bash')" </dev/null 2>/dev/null
  "$TRACE" --report "$d/run.jsonl" >"$d/report.txt"
  "$TRACE" --report "$d/run.jsonl" --format dot >"$d/tree.dot"
  if grep -q 'system("bash")' "$d/report.txt" && grep -q '/usr/bin/ls' "$d/report.txt" &&
     command -v dot >/dev/null && dot -Tsvg "$d/tree.dot" -o "$d/tree.svg" && grep -q '<svg' "$d/tree.svg"
  then ok "$FUNCNAME"; else bad "$FUNCNAME" "report or dot failed: $(head -c 300 "$d/report.txt")"; fi
  rm -rf "$d"
}
