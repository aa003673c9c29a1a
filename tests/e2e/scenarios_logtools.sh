# Log tools scenarios (issue 15): --report (text, dot, html), --check-log and
# --learn on real logs and on logs spoiled on purpose.  Sourced by run-e2e.
#
# Chained logs come from tests/fixtures/chainlog.py, which adds the digest
# chain to a real log exactly as pysbx-policy(5) specifies it and makes the
# edits (a changed byte, a dropped line, a removed digest, a cut file) that
# the readers must catch.

CHAINLOG="$root/tests/fixtures/chainlog.py"

# The suspicious job of issue 15: ls, then bash through os.system,
# subprocess and ctypes.
lt_job() {
  cat >"$1/job.py" <<'PY'
import ctypes, os, subprocess
os.system("ls >/dev/null")
print("system:", os.system("bash -c 'echo pwned-by-system'"))
try:
    print("subprocess:", subprocess.run(["bash", "-c", "echo pwned-by-subprocess"]).returncode)
except OSError as e:
    print("subprocess:", e.strerror)
libc = ctypes.CDLL(None)
print("ctypes:", libc.system(b"bash -c 'echo pwned-by-ctypes'"))
PY
}

# Records the job with --audit -b into $1/run.jsonl (stderr in $1/run.err).
lt_record() {
  local d=$1 py=$2
  lt_job "$d"
  (cd "$d" && "$TRACE" --audit -b -o run.jsonl "$py" job.py >run.out 2>run.err </dev/null)
}

# Runs tool "$@" on a log; sets rc, and out/err files in $d.
lt_tool() {
  "$TRACE" "$@" >"$d/t.out" 2>"$d/t.err"; rc=$?
}

# Every tool refuses what is not a log: 125, "pysbx-trace: FILE:LINE: why",
# nothing on standard output.
t_logtools_refuse_bad_logs() {
  local py=$1 d rc f m why="" good; d=$(scratch)
  [ "$py" = "$first" ] || { rm -rf "$d"; return; }
  good=$d/good.jsonl
  "$TRACE" -o "$good" "$py" -c "import os; os.system('true')" 2>/dev/null
  : >"$d/empty.jsonl"
  head -c 5000 /dev/urandom >"$d/random.jsonl"
  mkdir "$d/adir"
  sed 's/"v":1/"v":99/' "$good" >"$d/v99.jsonl"
  sed 's/"pid":\([0-9]*\)/"pid":"\1"/' "$good" >"$d/types.jsonl"
  sed 1d "$good" >"$d/nostart.jsonl"
  { head -n 1 "$good"; for _ in 1 2 3; do echo 'not json at all'; done; tail -n +2 "$good"; } \
    >"$d/garbage.jsonl"
  printf '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1\n' \
    >"$d/deep.jsonl"
  for f in empty:1 random:1 adir: v99:1 types:1 nostart:1 garbage: deep:1 missing:; do
    local name=${f%%:*} line=${f#*:} path="$d/${f%%:*}"
    [ "$name" = adir ] || path="$path.jsonl"
    for m in --report --check-log --learn; do
      lt_tool $m "$path"
      if [ $rc != 125 ]; then why="$why $m $name: exit $rc;"
      elif [ -s "$d/t.out" ]; then why="$why $m $name: wrote to stdout;"
      elif ! grep -q "^pysbx-trace: $path:$line" "$d/t.err"; then
        why="$why $m $name: '$(head -c 200 "$d/t.err")';"
      fi
    done
  done
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# A log cut short (no summary; the last line half written) is incomplete in
# every tool, with where it ends; exit 2 for --report and --check-log.
t_logtools_incomplete() {
  local py=$1 d rc why="" n; d=$(scratch)
  lt_record "$d" "$py"
  n=$(wc -l <"$d/run.jsonl")
  head -n $((n / 2)) "$d/run.jsonl" >"$d/cut.jsonl"
  head -c $(( $(stat -c %s "$d/run.jsonl") * 2 / 3 )) "$d/run.jsonl" >"$d/half.jsonl"
  for f in cut half; do
    lt_tool --report "$d/$f.jsonl"
    [ $rc = 2 ] && grep -q '^!! LOG INCOMPLETE: no summary event; the log ends at line [0-9]*, with event' "$d/t.out" &&
      grep -q '^exit code: unknown' "$d/t.out" && grep -q 'INCOMPLETE' "$d/t.err" &&
      ! grep -q '\[running\]' "$d/t.out" || why="$why report $f: rc $rc;"
    [ $f = half ] && ! grep -q 'last line is cut short' "$d/t.out" && why="$why half: cut line not told;"
    lt_tool --check-log "$d/$f.jsonl"
    [ $rc = 2 ] && grep -q 'INCOMPLETE' "$d/t.out" || why="$why check-log $f: rc $rc;"
    lt_tool --learn "$d/$f.jsonl"
    [ $rc = 0 ] && grep -q '^; INCOMPLETE' "$d/t.out" && grep -q INCOMPLETE "$d/t.err" ||
      why="$why learn $f: rc $rc;"
  done
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# The digest chain: verified when whole; every edit is "altered" at the right
# line in every tool, and --learn refuses (125); a log with no chain at all
# reads as "not verifiable"; a cut chained log is incomplete, not altered.
t_logtools_chain() {
  local py=$1 d rc why="" c call; d=$(scratch)
  lt_record "$d" "$py"
  c=$d/c.jsonl
  "$CHAINLOG" chain "$d/run.jsonl" "$c" && "$CHAINLOG" verify "$c" - >/dev/null || why="chain;"
  lt_tool --report "$c"
  [ $rc = 0 ] && grep -q '^log: digest chain verified over [0-9]* lines' "$d/t.out" || why="$why verified: rc $rc;"
  lt_tool --check-log "$c"
  [ $rc = 0 ] && grep -q 'log verified$' "$d/t.out" || why="$why check verified: rc $rc;"
  lt_tool --learn "$c"
  [ $rc = 0 ] && grep -q '^; digest chain verified' "$d/t.out" || why="$why learn verified: rc $rc;"
  # the first denied system() call: its decision turned into allow
  call=$(grep -n '"function":"system".*"decision":"deny"' "$c" | head -1 | cut -d: -f1)
  "$CHAINLOG" "edit:$call:\"decision\":\"deny\"=>\"decision\":\"allow\"" "$c" "$d/edit.jsonl"
  # still an event (only its digest tells)
  "$TRACE" --report "$d/edit.jsonl" 2>&1 >/dev/null | grep -q 'line skipped' && why="$why edit broke the line;"
  "$CHAINLOG" drop:5 "$c" "$d/drop.jsonl"
  "$CHAINLOG" strip:1 "$c" "$d/strip1.jsonl"
  "$CHAINLOG" strip:7 "$c" "$d/strip7.jsonl"
  "$CHAINLOG" append "$c" "$d/append.jsonl"
  local f want
  for f in "edit:line $call's digest does not match" "drop:line 5's digest does not match" \
           "strip1:line 1 carries no digest but line 2 does" "strip7:line 7 carries no digest" \
           "append:line $(( $(wc -l <"$c") + 1 )) follows the summary"; do
    want=${f#*:}; f=${f%%:*}
    lt_tool --report "$d/$f.jsonl"
    [ $rc = 2 ] && grep -qF "!! LOG ALTERED: $want" "$d/t.out" && grep -qF "ALTERED: $want" "$d/t.err" ||
      why="$why report $f: rc $rc $(head -c 150 "$d/t.err");"
    lt_tool --report "$d/$f.jsonl" --format dot
    [ $rc = 2 ] && grep -qF "LOG ALTERED: " "$d/t.out" || why="$why dot $f: rc $rc;"
    lt_tool --check-log "$d/$f.jsonl"
    [ $rc = 2 ] && grep -qF "ALTERED: $want" "$d/t.out" || why="$why check $f: rc $rc;"
    lt_tool --learn "$d/$f.jsonl"
    [ $rc = 125 ] && [ ! -s "$d/t.out" ] && grep -q 'refusing to learn from an altered log' "$d/t.err" ||
      why="$why learn $f: rc $rc;"
  done
  "$CHAINLOG" stripall "$c" "$d/old.jsonl"
  lt_tool --report "$d/old.jsonl"
  [ $rc = 0 ] && grep -q '^log: not verifiable (no digest chain' "$d/t.out" || why="$why stripall: rc $rc;"
  "$CHAINLOG" cut:20 "$c" "$d/cut.jsonl"
  lt_tool --report "$d/cut.jsonl"
  [ $rc = 2 ] && grep -q '^!! LOG INCOMPLETE' "$d/t.out" && ! grep -q ALTERED "$d/t.out" ||
    why="$why cut: rc $rc;"
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# A tamper event (the monitor found its log changed and restored it) is told
# in every tool; the would_deny count of the summary is the report's.
t_logtools_tamper_event() {
  local py=$1 d rc why=""; d=$(scratch)
  [ "$py" = "$first" ] || { rm -rf "$d"; return; }
  lt_record "$d" "$py"
  "$CHAINLOG" "chain+tamper:truncated by pid 4242:restored" "$d/run.jsonl" "$d/t1.jsonl"
  "$CHAINLOG" "chain+tamper:rewritten by pid 4243:lost" "$d/run.jsonl" "$d/t2.jsonl"
  lt_tool --report "$d/t1.jsonl"
  grep -q '^!! TAMPERING: .*truncated by pid 4242; it restored the file' "$d/t.out" || why="$why report;"
  lt_tool --report "$d/t2.jsonl" --format dot
  grep -q 'TAMPERING: .*rewritten by pid 4243; it could NOT restore' "$d/t.out" || why="$why dot;"
  lt_tool --report "$d/t2.jsonl" --format html
  grep -q 'class="alert tamper">TAMPERING' "$d/t.out" || why="$why html;"
  lt_tool --check-log "$d/t1.jsonl"
  grep -q 'TAMPERING' "$d/t.out" || why="$why check-log;"
  lt_tool --learn "$d/t1.jsonl"
  [ $rc = 0 ] && grep -q '^; TAMPERING' "$d/t.out" && grep -q TAMPERING "$d/t.err" || why="$why learn;"
  "$CHAINLOG" chain+would "$d/run.jsonl" "$d/w.jsonl"
  lt_tool --report "$d/w.jsonl"
  local n; n=$(grep -o '"would_deny":[0-9]*' "$d/w.jsonl" | cut -d: -f2)
  grep -q "^calls: [0-9]* decided, 0 denied, $n would have been denied$" "$d/t.out" || why="$why would_deny;"
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# --learn on an audit run that tried bash: the learned policy keeps denying
# bash (it learns check, not allow), lists the left-out calls at the top, and
# a run under it decides every call as --check-log predicted from the log.
t_learn_audit_keeps_denials() {
  local py=$1 d rc why=""; d=$(scratch)
  lt_record "$d" "$py"
  (cd "$d" && "$TRACE" --learn run.jsonl >learned.ini 2>learn.err); rc=$?
  [ $rc = 0 ] || why="learn rc $rc;"
  grep -Eq '^(system|execv|execve|execvp|posix_spawn) = allow' "$d/learned.ini" && why="$why learned allow;"
  grep -q '^; Left out: [0-9]* calls the base policy denies' "$d/learned.ini" || why="$why no left-out list;"
  grep -q "^;   line [0-9]*: would deny system(\"bash -c 'echo pwned-by-system'\")" "$d/learned.ini" ||
    why="$why system call not listed;"
  (cd "$d" && "$TRACE" -c learned.ini --check-log run.jsonl >predict.txt 2>&1)
  (cd "$d" && "$TRACE" -c learned.ini -o rerun.jsonl "$py" job.py >rerun.out 2>rerun.err </dev/null)
  grep -q 'pwned' "$d/rerun.out" && why="$why bash ran under the learned policy;"
  grep -q '^system: 0' "$d/rerun.out" && why="$why system returned 0;"
  # every call of the re-run: the decision --check-log predicted for the same
  # call in the log (the recorded one, unless it printed "newly ...")
  "$py" - "$d/run.jsonl" "$d/predict.txt" "$d/rerun.jsonl" >"$d/compare.txt" 2>&1 <<'PY' || why="$why $(tail -3 "$d/compare.txt");"
import json, re, sys
def events(path):
    for no, line in enumerate(open(path, encoding="utf-8", errors="surrogateescape"), 1):
        yield no, json.loads(line)
def plain(v):   # pointers differ from run to run (ASLR): not part of a call's identity
    if isinstance(v, str) and v.startswith("0x"):
        return "<pointer>"
    return [plain(x) for x in v] if isinstance(v, list) else v
def key(e):
    return (e["function"], e.get("layer"), e.get("via"), json.dumps(plain(e.get("args"))))
def argv_key(e):   # an exec-like call without its path: a PATH search's tries share it
    a = e.get("args") or []
    return (e["function"], e.get("layer"), json.dumps([x for x in a if isinstance(x, list)]))
predicted = {}
for no, e in events(sys.argv[1]):
    if e["event"] == "call":
        predicted[no] = e["decision"]
for line in open(sys.argv[2]):
    m = re.match(r".*:(\d+): newly (allowed|denied): ", line)
    if m:
        predicted[int(m.group(1))] = "allow" if m.group(2) == "allowed" else "deny"
want, denied_argv = {}, set()
for no, e in events(sys.argv[1]):
    if e["event"] == "call":
        want.setdefault(key(e), set()).add(predicted[no])
        if predicted[no] == "deny":
            denied_argv.add(argv_key(e))
seen = {"allow": 0, "deny": 0}
bad = 0
for no, e in events(sys.argv[3]):
    if e["event"] != "call":
        continue
    k = key(e)
    if k not in want:
        # a PATH search goes on past a denied try that the audit run let
        # succeed: more tries of the same denied argv, denied alike
        if not (e["decision"] == "deny" and argv_key(e) in denied_argv):
            print("rerun line %d: a call the log never had: %s" % (no, k)); bad += 1
    elif e["decision"] not in want[k]:
        print("rerun line %d: %s, predicted %s: %s" % (no, e["decision"], want[k], k)); bad += 1
    seen[e["decision"]] = seen.get(e["decision"], 0) + 1
bash = [e for _, e in events(sys.argv[3]) if e["event"] == "call" and "bash" in json.dumps(e["args"])]
if not bash or any(e["decision"] != "deny" for e in bash):
    print("bash not denied in every call of the re-run"); bad += 1
ls = [e for _, e in events(sys.argv[3]) if e["event"] == "call" and '"ls' in json.dumps(e["args"])]
if not ls or any(e["decision"] != "allow" for e in ls):
    print("ls not allowed in the re-run"); bad += 1
print("calls:", seen, "mismatches:", bad)
sys.exit(1 if bad else 0)
PY
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# One rendering: the denial of the ctypes call reads the same on stderr, in
# --report and in --check-log, "a pointer dlsym gave" included.
t_logtools_one_rendering() {
  local py=$1 d line why=""; d=$(scratch)
  lt_record "$d" "$py"
  line=$(grep -o "system(\"bash -c 'echo pwned-by-ctypes'\") from a pointer dlsym gave .*\]" "$d/run.err" | head -1)
  [ -n "$line" ] || why="not on stderr;"
  "$TRACE" --report "$d/run.jsonl" >"$d/report.txt" 2>/dev/null
  "$TRACE" --print-policy | sed 's/^system = check/system = allow/' >"$d/loose.ini"
  "$TRACE" -c "$d/loose.ini" --check-log "$d/run.jsonl" >"$d/check.txt" 2>/dev/null
  grep -qF "would deny $line" "$d/report.txt" || why="$why report differs;"
  # the new decision's reason differs; the call, its origin and pid do not
  grep -qF "newly allowed: ${line%%: bash is a denied program*}: " "$d/check.txt" || why="$why check-log differs;"
  grep -q '^would-be denials: 3 attempts, [0-9]* would-be denials in all' "$d/report.txt" ||
    why="$why not 3 attempts: $(grep attempts "$d/report.txt");"
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# Hostile bytes in a denied command (escape sequences, a newline that would
# start a forged line, a bidirectional override) reach no reader raw.
t_logtools_hostile_bytes() {
  local py=$1 d f why=""; d=$(scratch)
  [ "$py" = "$first" ] || { rm -rf "$d"; return; }
  cat >"$d/job.py" <<'PY'
import os
os.system("bash -c 'x\x1b]0;title\x07\x1b[2J\nFORGED: pysbx report line\r\u202eevil\xff'")
PY
  (cd "$d" && "$TRACE" -o run.jsonl "$py" job.py >/dev/null 2>run.err </dev/null)
  "$TRACE" --report "$d/run.jsonl" >"$d/text" 2>&1
  "$TRACE" --report "$d/run.jsonl" --format dot >"$d/dot" 2>&1
  "$TRACE" --report "$d/run.jsonl" --format html >"$d/html" 2>&1
  "$TRACE" --print-policy | sed 's/^system = check/system = allow/' >"$d/loose.ini"
  "$TRACE" -c "$d/loose.ini" --check-log "$d/run.jsonl" >"$d/check" 2>&1
  for f in run.err text dot html check; do
    LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$d/$f" && why="$why $f: control bytes;"
    grep -q '^FORGED' "$d/$f" && why="$why $f: forged line;"
    grep -q $'\xe2\x80\xae' "$d/$f" && why="$why $f: bidi override;"
    # as stderr shows it (in DOT, with its backslashes doubled)
    if [ $f = dot ]; then grep -qF '\\x1b]0;title\\x07' "$d/$f"
    else grep -qF '\x1b]0;title\x07\x1b[2J\x0aFORGED' "$d/$f"; fi || why="$why $f: not escaped as on stderr;"
  done
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# The picture of an audit run: titled as one, with a legend, one note per
# attempt, the processes that ran a denied program drawn dashed; dot renders it.
t_report_dot_picture() {
  local py=$1 d why="" notes; d=$(scratch)
  lt_record "$d" "$py"
  "$TRACE" --report "$d/run.jsonl" --format dot >"$d/run.dot" 2>/dev/null
  grep -q '^  label="pysbx run: ' "$d/run.dot" || why="no title;"
  grep -q 'AUDIT: nothing was denied' "$d/run.dot" || why="$why not said to be an audit;"
  grep -q 'subgraph cluster_legend' "$d/run.dot" || why="$why no legend;"
  notes=$(grep -c '^  a[0-9]* \[shape=note' "$d/run.dot")
  [ "$notes" = 3 ] || why="$why $notes notes, wanted 3;"
  grep -q 'WOULD DENY (RAN)' "$d/run.dot" || why="$why would-deny notes unmarked;"
  grep -q '^  p[0-9]* \[label=".*bash.*ran a program the policy denies.*style="dashed,filled"' "$d/run.dot" ||
    why="$why bash process not drawn as ran;"
  dot -Tsvg "$d/run.dot" -o "$d/run.svg" 2>"$d/dot.err" && grep -q '<svg' "$d/run.svg" ||
    why="$why dot failed: $(head -c 200 "$d/dot.err");"
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# The HTML report in a real browser: one file with nothing to fetch, rendered
# by headless Chromium; the rendered page holds the run, the attempts and the
# tree.  Skipped when chromium is not installed.
t_report_html_in_chromium() {
  local py=$1 d why="" chrome; d=$(scratch)
  [ "$py" = "$first" ] || { rm -rf "$d"; return; }
  chrome=$(command -v chromium || command -v chromium-browser)
  if [ -z "$chrome" ]; then echo "SKIP $FUNCNAME (chromium not installed)"; rm -rf "$d"; return; fi
  lt_record "$d" "$py"
  "$CHAINLOG" chain "$d/run.jsonl" "$d/c.jsonl"
  "$TRACE" --report "$d/c.jsonl" --format html >"$d/report.html" 2>"$d/html.err" || why="html rc $?;"
  "$CHAINLOG" "edit:3:trusted=>refused" "$d/c.jsonl" "$d/alt.jsonl"
  "$TRACE" --report "$d/alt.jsonl" --format html >"$d/altered.html" 2>/dev/null
  grep -Eqi '(src|href|action)=|url\(|@import|<script|<link|<iframe' "$d/report.html" && why="$why refers outside itself;"
  local flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
               --disable-component-update --disable-sync --window-size=1400,2000)
  timeout 90 "$chrome" "${flags[@]}" --user-data-dir="$(mktemp -d "$d/profile.XXXX")" \
    --dump-dom "file://$d/report.html" >"$d/dom.html" 2>"$d/chrome.err"
  timeout 90 "$chrome" "${flags[@]}" --user-data-dir="$(mktemp -d "$d/profile.XXXX")" \
    --screenshot="$d/report.png" "file://$d/report.html" >/dev/null 2>>"$d/chrome.err"
  timeout 90 "$chrome" "${flags[@]}" --user-data-dir="$(mktemp -d "$d/profile.XXXX")" \
    --dump-dom "file://$d/altered.html" >"$d/dom-altered.html" 2>>"$d/chrome.err"
  local want
  for want in 'WOULD DENY (RAN)</span> Attempt 1' 'Attempt 3' 'pwned-by-system' 'pwned-by-subprocess' \
              'a pointer dlsym gave' 'id="tree-picture"' 'digest chain verified' 'AUDIT: nothing was denied' \
              'called from' 'native backtrace' 'class="v-trusted"'; do
    grep -qF "$want" "$d/dom.html" || why="$why page lacks '$want';"
  done
  grep -qF 'id="altered">LOG ALTERED: line 3' "$d/dom-altered.html" || why="$why altered page unmarked;"
  [ "$(head -c 8 "$d/report.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    [ "$(stat -c %s "$d/report.png")" -gt 20000 ] || why="$why no screenshot;"
  [ -n "${PYSBX_KEEP_SCREENSHOT:-}" ] && cp "$d/report.png" "$PYSBX_KEEP_SCREENSHOT"
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why $(grep -v dbus "$d/chrome.err" | head -c 300)"
  rm -rf "$d"
}
