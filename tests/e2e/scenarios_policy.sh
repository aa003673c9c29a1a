# Scenario tests of policy layering (pysbx-policy(5) "Layers"): several -c,
# --profile, --allow, --allow-dir, --print-policy; and what the lines say.  Sourced by run-e2e.

# Layers: a file on the default adds a directory; --print-policy names where
# every key came from; the program runs only with the layer.
t_policy_layers() {
  local py=$1 d rc out; d=$(scratch)
  mkdir "$d/bin"; cp /bin/true "$d/bin/tool"
  printf '[programs]\nallow-dir += %s/bin\n[functions]\nkill = deny\n' "$d" >"$d/site.ini"
  out=$("$TRACE" --profile default -c "$d/site.ini" --print-policy 2>&1)
  if ! grep -q "^allow-dir = $d/bin ; $d/site.ini:2\$" <<<"$out" ||
     ! grep -q '^kill = deny ; .*site.ini:4$' <<<"$out" ||
     ! grep -q '^setuid = deny ; policy.ini (built in):[0-9]*$' <<<"$out"; then
    bad "$FUNCNAME" "--print-policy lacks the layers' lines: $(head -c 600 <<<"$out")"; rm -rf "$d"; return
  fi
  # the printed policy is the same policy
  "$TRACE" --profile default -c "$d/site.ini" --print-policy >"$d/merged.ini"
  local job="import subprocess; print(subprocess.run(['$d/bin/tool']).returncode)"
  out=$(cd "$d" && "$TRACE" --profile default -c "$d/site.ini" "$py" -c "$job" 2>/dev/null)
  local out2; out2=$(cd "$d" && "$TRACE" -c "$d/merged.ini" "$py" -c "$job" 2>/dev/null)
  local out3; out3=$(cd "$d" && "$TRACE" "$py" -c "
import subprocess
try: subprocess.run(['$d/bin/tool'])
except PermissionError: print('refused')" 2>/dev/null)
  if [ "$out" != 0 ] || [ "$out2" != 0 ]; then bad "$FUNCNAME" "tool did not run with the layer: '$out' '$out2'"
  elif [ "$out3" != refused ]; then bad "$FUNCNAME" "tool ran without the layer: '$out3'"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# --allow-dir and --allow on the command line; a denied program cannot be
# allowed that way.
t_allow_options() {
  local py=$1 d rc out err; d=$(scratch)
  mkdir "$d/bin"; cp /bin/true "$d/bin/tool"; cp /bin/true "$d/bin/other"
  local job="
import subprocess
for t in ('tool', 'other'):
    try: print(t, subprocess.run(['$d/bin/' + t]).returncode)
    except PermissionError: print(t, 'refused')"
  out=$(cd "$d" && "$TRACE" --allow "$d/bin/tool" "$py" -c "$job" 2>/dev/null | tr '\n' ' ')
  local out2; out2=$(cd "$d" && "$TRACE" --allow-dir "$d/bin" "$py" -c "$job" 2>/dev/null | tr '\n' ' ')
  err=$("$TRACE" --allow bash "$py" -c "open('$d/MARK', 'w')" 2>&1); rc=$?
  if [ "$out" != "tool 0 other refused " ]; then bad "$FUNCNAME" "--allow: '$out'"
  elif [ "$out2" != "tool 0 other 0 " ]; then bad "$FUNCNAME" "--allow-dir: '$out2'"
  elif [ $rc != 125 ] || [ -e "$d/MARK" ] || ! grep -q "bash is a denied program" <<<"$err"; then
    bad "$FUNCNAME" "--allow bash: exit $rc: $err"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# An empty policy file is refused, unless it says it means it.
t_empty_policy() {
  local py=$1 d rc err out; d=$(scratch)
  printf '; nothing here\n' >"$d/empty.ini"
  err=$("$TRACE" -c "$d/empty.ini" "$py" -c "open('$d/MARK', 'w')" 2>&1); rc=$?
  printf '[policy]\nempty = yes\n' >"$d/none.ini"
  out=$(cd "$d" && "$TRACE" -c "$d/none.ini" "$py" -c "
import os; print(os.system('true'))" 2>/dev/null)
  if [ $rc != 125 ] || [ -e "$d/MARK" ] || ! grep -q "empty.ini:1: no key = value line" <<<"$err"; then
    bad "$FUNCNAME" "empty file: exit $rc: $err"
  elif [ "$out" != -1 ]; then bad "$FUNCNAME" "empty = yes: system() gave '$out', wanted -1 (denied)"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# The judge profile: the interpreter may run again, nothing else.
t_judge_profile() {
  local py=$1 out
  out=$(cd /tmp && "$TRACE" --profile judge "$py" -c "
import os, subprocess, sys
r = [subprocess.run([sys.executable, '-c', 'pass']).returncode, os.system('true')]
try: subprocess.run(['/bin/true']); r.append('ran')
except PermissionError: r.append('refused')
print(r)" 2>/dev/null)
  [ "$out" = "[0, -1, 'refused']" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "got '$out'"
}

# /usr/bin/env python3 finding a pyenv-style shim (#!/usr/bin/env bash): the
# denial says bash is why.
t_env_shim_says_bash() {
  local py=$1 d err; d=$(scratch)
  mkdir "$d/shims"
  printf '#!/usr/bin/env bash\nexec %s "$@"\n' "$py" >"$d/shims/python3"; chmod 755 "$d/shims/python3"
  err=$(cd "$d" && "$TRACE" "$py" -c "
import os, subprocess
env = dict(os.environ, PATH='$d/shims:' + os.environ['PATH'])
print(subprocess.run(['/usr/bin/env', 'python3', '-c', 'pass'], env=env).returncode)" 2>&1)
  if grep -q "shims/python3 is a script for bash (#!/usr/bin/env bash), and bash is a denied program \[policy.ini (built in):[0-9]*\]" <<<"$err" &&
     grep -qx 126 <<<"$err"; then ok "$FUNCNAME"
  else bad "$FUNCNAME" "$(head -c 600 <<<"$err")"; fi
  rm -rf "$d"
}

# Audit mode says each decision once: a call let through is not said again
# at its system call, nor a command at the execs it leads to; and every line
# names its rule.
t_audit_one_line_per_decision() {
  local py=$1 d err n; d=$(scratch)
  err=$(cd "$d" && "$TRACE" --audit -o "$d/run.jsonl" "$py" -c "
import ctypes, os
try: os.setuid(os.getuid())
except OSError: pass
try: os.kill(1, 0)
except OSError: pass
os.system('bash -c true')
ctypes.CDLL(None).mount(b'a', b'b', b'c', 0, None)" 2>&1 | grep -a '^pysbx: would deny')
  n=$(grep -c . <<<"$err")
  local logged; logged=$(grep -c '"decision":"deny"' "$d/run.jsonl")
  if [ "$n" != 4 ]; then bad "$FUNCNAME" "$n lines, wanted 4: $err"
  elif grep -av '\[[^]]*\]$' <<<"$err" | grep -q .; then bad "$FUNCNAME" "a line without its rule: $err"
  elif [ "$logged" -le 4 ]; then bad "$FUNCNAME" "the event log has $logged denials: every decision belongs there"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# Bytes the job chose are escaped on stderr, in call lines and in notes (a
# refused library's path): no terminal escape, no byte that is not UTF-8.
t_messages_escaped() {
  local py=$1 d err; d=$(scratch)
  gcc -shared -fPIC -o "$d/xstack.so" "$here/cases/obj_execstack_ext.c" -z execstack \
    -I"$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')" 2>/dev/null ||
    { bad "$FUNCNAME" "fixture did not build"; rm -rf "$d"; return; }
  err=$(cd "$d" && "$TRACE" "$py" -c "
import ctypes, os, shutil
name = b'x\x1b[2J\xff\xe2\x80\xae.so'
shutil.copy(b'xstack.so', name)
try: ctypes.CDLL(os.fsdecode(os.path.abspath(name)))
except Exception: pass
os.system(b'bash \x1b]0;pwn\x07 \xff')" 2>&1)
  if LC_ALL=C grep -aq $'[\x1b\x07\xff]' <<<"$err"; then bad "$FUNCNAME" "raw bytes on stderr: $(cat -v <<<"$err")"
  elif ! grep -aqF 'x\x1b[2J\xff\u202e.so' <<<"$err"; then bad "$FUNCNAME" "the refused path is not shown escaped: $(cat -v <<<"$err")"
  elif ! grep -aqF 'system("bash \x1b]0;pwn\x07 \xff")' <<<"$err"; then bad "$FUNCNAME" "the call is not shown escaped: $(cat -v <<<"$err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}
