#!/bin/sh
# D4: --audit ("deny nothing") still drops capabilities, applies the Landlock
# write set and renames LD_LIBRARY_PATH; the first two print no line at all.
# Run as root (bare, every line says ok), then prefixed with pysbx-trace --audit.
T=${PYSBX_TRACE:-bin/pysbx-trace}
PY=${PY:-/usr/bin/python3}
cd "${TMPDIR:-/tmp}"
for mode in bare audit; do
  pre=""; [ $mode = audit ] && pre="$T --audit"
  echo "== $mode"
  $pre $PY - <<'PYEOF'
import os, socket, subprocess, tempfile
def t(what, f):
    try: f(); print(what, "ok")
    except OSError as e: print(what, e)
t("sethostname(same name)", lambda: socket.sethostname(socket.gethostname()))
fd, name = tempfile.mkstemp()
t("setxattr trusted.*", lambda: os.setxattr(name, b"trusted.pysbx", b"1")); os.unlink(name)
t("write under $HOME", lambda: open(os.path.expanduser("~/.pysbx-audit-probe"), "w").close())
os.environ["LD_LIBRARY_PATH"] = "/nonexistent"
print("child sees LD_LIBRARY_PATH:", "LD_LIBRARY_PATH=" in subprocess.run(["env"], capture_output=True, text=True).stdout)
PYEOF
done
rm -f ~/.pysbx-audit-probe
