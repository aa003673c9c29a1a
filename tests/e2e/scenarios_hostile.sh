# Hostile-job scenarios (issue 7): sourced by run-e2e with scenarios.sh.

# A job that ignores SIGTERM: pysbx-trace forwards it, then follows the job's
# fate (the job goes on and ends on its own).
t_sigterm_ignored_by_job() {
  local py=$1 d rc pid; d=$(scratch)
  "$TRACE" "$py" -c "
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open('$d/ready', 'w')
time.sleep(1.5)
open('$d/done', 'w')" & pid=$!
  wait_for "$d/ready" 100 && kill -TERM $pid
  wait $pid; rc=$?
  [ $rc = 0 ] && [ -e "$d/done" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc"
  rm -rf "$d"
}

# The launched process exits while a descendant still runs: the job is over,
# what it left running is ended (documented in pysbx-trace(1)).
t_main_exits_first() {
  local py=$1 d rc; d=$(scratch)
  timeout 20 "$TRACE" "$py" -c "
import os, time
if os.fork() == 0:
    open('$d/child.%d' % os.getpid(), 'w'); time.sleep(3); open('$d/MARK', 'w'); os._exit(0)
time.sleep(0.5)" ; rc=$?
  sleep 3.5
  local f left=""; for f in "$d"/child.*; do [ -d "/proc/${f##*.}" ] && left=${f##*.}; done
  [ $rc = 0 ] && [ ! -e "$d/MARK" ] && [ -z "$left" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "exit $rc, left '$left'"
  rm -rf "$d"
}

# argv and environment at the kernel's limits pass through.
t_argv_env_limits() {
  local py=$1 out
  out=$("$TRACE" "$py" -c "
import os, subprocess
arg = 'a' * (128 * 1024 - 1)                    # MAX_ARG_STRLEN - 1
env = dict(os.environ, BIG='b' * (128 * 1024 - 5))
r = subprocess.run(['printf', '%s', arg], env=env, capture_output=True)
many = ['x'] * 20000
s = subprocess.run(['true'] + many)
print('OK' if r.stdout == arg.encode() and s.returncode == 0 else (len(r.stdout), s.returncode))" 2>&1 | drop_notes)
  [ "$out" = OK ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$(echo "$out" | tail -2)"
}

# 100 MB on stdout and stderr: every byte arrives.
t_big_output_complete() {
  local py=$1 d; d=$(scratch)
  "$TRACE" "$py" "$here/cases/hostile_big_output.py" >"$d/out" 2>"$d/err"
  local o e; o=$(stat -c %s "$d/out"); e=$(size_without_notes "$d/err")
  [ "$o" = $((50 * 1048576 + 4)) ] && [ "$e" = $((50 * 1048576)) ] && ok "$FUNCNAME" ||
    bad "$FUNCNAME" "stdout $o, stderr $e bytes"
  rm -rf "$d"
}

# The monitor's memory stays bounded: peak RSS over 100,000 intercepted calls
# and over 5,000 processes stays under 64 MB (it is a few MB).
t_monitor_memory_bounded() {
  local py=$1 d; d=$(scratch)
  /usr/bin/time -f %M -o "$d/calls" "$TRACE" "$py" -c "
import os
for _ in range(100000): os.kill(os.getpid(), 0)" 2>/dev/null
  /usr/bin/time -f %M -o "$d/procs" "$TRACE" "$py" -c "
import os
for _ in range(5000):
    pid = os.fork()
    if pid == 0: os._exit(0)
    os.waitpid(pid, 0)" 2>/dev/null
  local a b; a=$(tail -1 "$d/calls"); b=$(tail -1 "$d/procs")
  # /usr/bin/time reports the largest of the monitor and the job; both small
  [ "${a:-999999}" -lt 65536 ] && [ "${b:-999999}" -lt 65536 ] && ok "$FUNCNAME" ||
    bad "$FUNCNAME" "peak RSS ${a}KB and ${b}KB"
  rm -rf "$d"
}
