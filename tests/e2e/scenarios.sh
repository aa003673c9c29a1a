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
  for f in "$d"/pid.*; do jobpid=${f##*.}; [ -d "/proc/$jobpid" ] && left="$left $jobpid"; done
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
" && [ "$(grep -c '^pysbx: denied' "$d/err")" = 1 ] && [ "$(wc -l <"$d/err")" = 1 ]; then ok "$FUNCNAME"
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
