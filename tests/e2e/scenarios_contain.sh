# Containment scenarios (sourced by run-e2e): attacks that need an outside
# process, a terminal or a log, each harmless if it succeeds (a victim process
# of the test's own that records the signal, text queued on the test's own
# pseudo-terminal, a log in the job's directory).

# An outside process, not part of the job: it leaves the marker $1 when any
# catchable signal reaches it.  Sets victim to its pid.
start_victim() {
  local py=$1 mark=$2
  "$py" -c 'import os, signal, sys, time
def hit(s, f):
    open(sys.argv[1], "a").write("victim got signal %d\n" % s); os._exit(0)
for s in (signal.SIGHUP, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM,
          signal.SIGALRM, signal.SIGIO, signal.SIGURG, signal.SIGWINCH):
    signal.signal(s, hit)
open(sys.argv[1] + ".ready", "w").close()
time.sleep(60)' "$mark" </dev/null >/dev/null 2>&1 &
  victim=$!
  for _ in $(seq 50); do [ -e "$mark.ready" ] && break; sleep 0.1; done
  rm -f "$mark.ready"
}

stop_victim() {
  kill -9 "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
}

# The case's verdict: the victim left no marker and is alive; then it goes,
# with the case's directory $2.
victim_verdict() {
  sleep 0.3
  if [ -e "$2/MARK" ] || ! kill -0 "$victim" 2>/dev/null; then bad "$1" "$(cat "$2/MARK" 2>/dev/null || echo victim died)"
  else ok "$1"; fi
  stop_victim; rm -rf "$2"
}

# SIGIO without kill(): the job names an outside process as the owner of a
# pipe (F_SETOWN, and F_SETOWN_EX with F_SETSIG), turns on O_ASYNC and writes.
t_contain_sigio_owner() {
  local py=$1 d; d=$(scratch)
  start_victim "$py" "$d/MARK"
  (cd "$d" && VICTIM=$victim timeout 30 "$TRACE" "$py" -c "
import fcntl, os, signal, struct, time
v = int(os.environ['VICTIM'])
for how in ('own', 'own_ex'):
    r, w = os.pipe()
    try:
        if how == 'own':
            fcntl.fcntl(r, fcntl.F_SETOWN, v)
        else:
            fcntl.fcntl(r, 15, struct.pack('ii', 1, v))      # F_SETOWN_EX, F_OWNER_PID
            fcntl.fcntl(r, 10, signal.SIGUSR2)               # F_SETSIG
        fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_ASYNC)
        os.write(w, b'x')
    except OSError as e:
        print(how, 'refused:', e)
time.sleep(0.5)" >"$d/out" 2>"$d/err")
  victim_verdict "$FUNCNAME" "$d"
}

# SIGIO routes on a descriptor the job inherited from an outside process that
# made itself the descriptor's SIGIO owner (O_ASYNC off): the job turns on
# O_ASYNC (F_SETFL, then FIOASYNC) or picks the signal (F_SETSIG, here
# SIGUSR2; SIGKILL would do as well) and writes.  The outside process records
# any signal.  The job's own pipe, owned by the job, still gets its SIGUSR1.
# The SIGIO owner is read with pidfd_getfd; where the machine refuses it
# (Docker's default profile without CAP_SYS_PTRACE) the job's own SIGIO
# routes are refused too (fail closed).
pidfd_getfd_works() {
  "$1" -c "
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
pid = os.fork()
if pid == 0:
    time.sleep(10)
    os._exit(0)
pfd = libc.syscall(434, pid, 0)                  # pidfd_open (3.8 has no os.pidfd_open)
ok = pfd >= 0 and libc.syscall(438, pfd, 0, 0) >= 0
os.kill(pid, 9); os.waitpid(pid, 0)
sys.exit(0 if ok else 1)" </dev/null >/dev/null 2>&1
}

t_contain_sigio_inherited() {
  local py=$1 d; d=$(scratch)
  cat >"$d/job.py" <<'JOB'
import fcntl, os, signal, struct, sys, termios, time
r, w = int(sys.argv[1]), int(sys.argv[2])
def route(name, call):
    try:
        call()
        os.write(w, b'x')
        print(name, 'done')
    except OSError as e:
        print(name, 'refused', e.errno)
fl = fcntl.fcntl(r, fcntl.F_GETFL)
route('setfl', lambda: fcntl.fcntl(r, fcntl.F_SETFL, fl | os.O_ASYNC))
route('fioasync', lambda: fcntl.ioctl(r, termios.FIOASYNC, struct.pack('i', 1)))
route('setsig', lambda: fcntl.fcntl(r, 10, signal.SIGUSR2))
got = []
signal.signal(signal.SIGUSR1, lambda n, f: got.append(n))
mr, mw = os.pipe()
try:
    fcntl.fcntl(mr, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(mr, 10, signal.SIGUSR1)
    fcntl.fcntl(mr, fcntl.F_SETFL, fcntl.fcntl(mr, fcntl.F_GETFL) | os.O_ASYNC)
    os.write(mw, b'x')
    time.sleep(0.2)
    print('own', 'ok' if got else 'no signal')
except OSError as e:
    print('own refused', e.errno)
JOB
  local own='own ok'
  pidfd_getfd_works "$py" || own='own refused 1'

  (cd "$d" && timeout 30 "$py" -c "
import fcntl, os, signal, subprocess, sys, time
for s in (signal.SIGIO, signal.SIGUSR1, signal.SIGUSR2, signal.SIGURG):
    signal.signal(s, lambda n, f: open('MARK', 'a').write('outside got signal %d\n' % n))
r, w = os.pipe()
fcntl.fcntl(r, fcntl.F_SETOWN, os.getpid())
p = subprocess.run(sys.argv[1:] + ['job.py', str(r), str(w)], pass_fds=(r, w))
time.sleep(0.5)
print('job exit', p.returncode)" "$TRACE" "$py" >"$d/out" 2>"$d/err")
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "$(cat "$d/MARK")"
  elif [ "$(grep -cE '^(setfl|fioasync|setsig) refused 1$' "$d/out")" != 3 ] || ! grep -qx "$own" "$d/out"; then
    bad "$FUNCNAME" "$(cat "$d/out" "$d/err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# The values these checks read are in the job's memory: a second thread
# flips FIOASYNC's flag (0 when checked, 1 when the kernel reads it) on a
# descriptor an outside process owns, and F_SETOWN_EX's pid (the job's own,
# then the outside process's) on a pipe already in O_ASYNC mode.  Each loop
# stops at its first win (the kernel's state shows it) or after 3 s; a win
# then sends SIGIO to the outside process, which leaves the marker.
t_contain_sigio_race() {
  local py=$1 d setown='setown_ex ([0-9]*, False)'; d=$(scratch)
  pidfd_getfd_works "$py" || setown='setown_ex own O_ASYNC refused'
  cat >"$d/job.py" <<'JOB'
import ctypes, fcntl, os, sys, termios, threading, time
r, w, outside = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
class Owner(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("pid", ctypes.c_int)]
def race(flip, call, won):
    stop = []
    def flipper():
        while not stop:
            flip()
    t = threading.Thread(target=flipper)
    t.start()
    tries, end = 0, time.monotonic() + 3
    while time.monotonic() < end and not won():
        call()
        tries += 1
    stop.append(1)
    t.join()
    return tries, won()
flag = ctypes.c_int(0)
def flip_flag():
    flag.value ^= 1
print('fioasync', race(flip_flag, lambda: libc.ioctl(r, termios.FIOASYNC, ctypes.byref(flag)),
                       lambda: bool(fcntl.fcntl(r, fcntl.F_GETFL) & os.O_ASYNC)))
os.write(w, b'x')
mr, mw = os.pipe()
try:
    fcntl.fcntl(mr, fcntl.F_SETFL, fcntl.fcntl(mr, fcntl.F_GETFL) | os.O_ASYNC)
except PermissionError:
    print('setown_ex own O_ASYNC refused')
    sys.exit(0)
owner = Owner(1, os.getpid())                      # F_OWNER_PID
def flip_pid():
    owner.pid = outside if owner.pid == os.getpid() else os.getpid()
print('setown_ex', race(flip_pid, lambda: libc.fcntl(mr, 15, ctypes.byref(owner)),  # F_SETOWN_EX
                        lambda: fcntl.fcntl(mr, fcntl.F_GETOWN) == outside))
os.write(mw, b'x')
JOB
  (cd "$d" && timeout 60 "$py" -c "
import fcntl, os, signal, subprocess, sys, time
signal.signal(signal.SIGIO, lambda n, f: open('MARK', 'a').write('outside got SIGIO\n'))
r, w = os.pipe()
fcntl.fcntl(r, fcntl.F_SETOWN, os.getpid())
p = subprocess.run(sys.argv[1:] + ['job.py', str(r), str(w), str(os.getpid())], pass_fds=(r, w))
time.sleep(0.5)
print('job exit', p.returncode)" "$TRACE" "$py" >"$d/out" 2>"$d/err")
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "$(cat "$d/MARK" "$d/out")"
  elif ! grep -q '^fioasync ([0-9]*, False)$' "$d/out" || ! grep -qx "$setown" "$d/out"; then
    bad "$FUNCNAME" "$(cat "$d/out" "$d/err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# Process groups outside the job: the job joins pysbx-trace's own group (from
# there a read of the terminal in the background has the kernel stop the
# whole group, pysbx-trace with it).  Refused, while groups of the job's own
# (a child's, and joining it from another child) work; and pysbx-trace
# ignores SIGTTIN, which a job process left in its group could still cause.
t_contain_process_group_outside() {
  local py=$1 d; d=$(scratch)
  (cd "$d" && timeout 30 "$TRACE" "$py" -c "
import os, time
mon = os.getppid()
try:
    os.setpgid(0, os.getpgid(mon))
    print('join call ok')
except PermissionError:
    print('join refused')
print('same group' if os.getpgrp() == os.getpgid(mon) else 'apart')
kids = []
for i in range(2):
    pid = os.fork()
    if pid == 0:
        time.sleep(0.5)
        os._exit(0)
    kids.append(pid)
os.setpgid(kids[0], kids[0])
os.setpgid(kids[1], kids[0])
print('own groups', 'ok' if os.getpgid(kids[1]) == kids[0] else 'bad')
ign = int([l for l in open('/proc/%d/status' % mon) if l.startswith('SigIgn')][0].split()[1], 16)
print('ttin', 'ignored' if ign & (1 << 20) else 'default')
for k in kids:
    os.waitpid(k, 0)" >"$d/out" 2>"$d/err")
  if [ "$(tr '\n' ' ' <"$d/out")" = "join refused apart own groups ok ttin ignored " ]; then ok "$FUNCNAME"
  else bad "$FUNCNAME" "$(cat "$d/out" "$d/err")"; fi
  rm -rf "$d"
}

# A terminal signals its foreground group itself: an outside process on a
# pty of its own session (its controlling terminal, /dev/pts being in the
# write set) gets SIGWINCH when the job resizes that pty.  Refused; the job's
# own ptys (openpty, its slave and its master, as test_pty does) resize.
t_contain_tty_resize_outside() {
  local py=$1 d; d=$(scratch)
  "$py" -c 'import os, signal, sys, time
m, s = os.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    os.close(os.open(os.ttyname(s), os.O_RDWR))      # its controlling terminal
    signal.signal(signal.SIGWINCH, lambda n, f: open(sys.argv[1], "a").write("victim got SIGWINCH\n"))
    open(sys.argv[1] + ".tty", "w").write(os.ttyname(s))
    time.sleep(60)
    os._exit(0)
print(pid)
os._exit(0)' "$d/MARK" >"$d/victim.pid" </dev/null 2>/dev/null
  victim=$(cat "$d/victim.pid")
  for _ in $(seq 50); do [ -s "$d/MARK.tty" ] && break; sleep 0.1; done
  (cd "$d" && VTTY=$(cat "$d/MARK.tty") timeout 30 "$TRACE" "$py" -c "
import fcntl, os, struct, termios
ws = struct.pack('HHHH', 30, 100, 0, 0)
fd = os.open(os.environ['VTTY'], os.O_RDWR | os.O_NOCTTY)
try:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, ws)
    print('outside resized')
except PermissionError:
    print('outside refused')
# O_ASYNC on a terminal with no SIGIO owner makes its foreground group the
# owner: the victim's, where Landlock (ABI 6+) is not there to stop the signal
for on in (lambda: fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC),
           lambda: fcntl.ioctl(fd, termios.FIOASYNC, struct.pack('i', 1))):
    try:
        on()
    except PermissionError:
        pass
owner = struct.unpack('ii', fcntl.fcntl(fd, 16, bytes(8)))[1]   # F_GETOWN_EX
print('sigio owner', 'none' if owner == 0 else 'set')
m, s = os.openpty()
for end in (s, m):
    fcntl.ioctl(end, termios.TIOCSWINSZ, ws)
print('own', struct.unpack('HHHH', fcntl.ioctl(s, termios.TIOCGWINSZ, bytes(8)))[:2])" >"$d/out" 2>"$d/err")
  sleep 0.3
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "$(cat "$d/MARK")"
  elif [ "$(tr '\n' ' ' <"$d/out")" != "outside refused sigio owner none own (30, 100) " ]; then
    bad "$FUNCNAME" "$(cat "$d/out" "$d/err")"
  else ok "$FUNCNAME"; fi
  kill -9 "$victim" 2>/dev/null
  rm -rf "$d"
}

# A pty master the job was passed (its launcher's), whose terminal is an
# outside session's: resizing it (SIGWINCH), or TIOCSIG (SIGINT, SIGQUIT or
# SIGTSTP), signals that session's foreground group, and what is written to
# it is that session's input (^C, a line for its shell).  Holding a master is
# not owning its terminal: the job gets /dev/null in its place.
t_contain_tty_master_passed() {
  local py=$1 d; d=$(scratch)
  cat >"$d/job.py" <<'JOB'
import fcntl, os, struct, sys, termios
m = int(sys.argv[1])
for name, req, arg in (('resize', termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0)),
                       ('tiocsig', 0x40045436, 2)):   # TIOCSIG(SIGINT), a value
    try:
        fcntl.ioctl(m, req, arg)
        print(name, 'done')
    except OSError as e:
        print(name, 'refused', e.errno)
try:   # typed input: ^C to the foreground group, a line to whatever reads it
    os.write(m, b'\x03typed line\n')
except OSError as e:
    print('write refused', e.errno)
JOB
  (cd "$d" && timeout 30 "$py" -c "
import os, select, signal, subprocess, sys, time
m, s = os.openpty()
victim = os.fork()
if victim == 0:
    os.setsid()
    t = os.open(os.ttyname(s), os.O_RDWR)             # its controlling terminal
    for n in (signal.SIGWINCH, signal.SIGINT):
        signal.signal(n, lambda n, f: open('MARK', 'a').write('victim got signal %d\n' % n))
    open('ready', 'w').close()
    end = time.time() + 20
    while time.time() < end:
        if select.select([t], [], [], 1)[0]:
            open('MARK', 'a').write('victim read %r\n' % os.read(t, 100))
    os._exit(0)
os.close(s)
for _ in range(50):
    if os.path.exists('ready'):
        break
    time.sleep(0.1)
subprocess.run(sys.argv[1:] + ['job.py', str(m)], pass_fds=(m,))
time.sleep(0.3)
os.kill(victim, 9)
os.waitpid(victim, 0)" "$TRACE" "$py" >"$d/out" 2>"$d/err")
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "$(cat "$d/MARK" "$d/out")"
  elif grep -q done "$d/out" || [ "$(grep -c refused "$d/out")" != 2 ]; then
    bad "$FUNCNAME" "$(cat "$d/out" "$d/err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# script(1) runs a job on a terminal of its own (util-linux; a minimal image
# may lack it).
have_script() {
  command -v script >/dev/null && return 0
  echo "SKIP $1 (no script(1))"; return 1
}

# /dev/tty is the job's own terminal when the job runs on one (here a pty
# of script(1)): resizing it and O_ASYNC on it work as on the terminal's
# own device, as bare; O_ASYNC and F_SETSIG on devices that are no terminal
# too.
t_devtty_own_terminal() {
  local py=$1 d; have_script "$FUNCNAME" || return; d=$(scratch)
  cat >"$d/job.py" <<'JOB'
import fcntl, os, termios
t = os.open('/dev/tty', os.O_RDWR)
ws = fcntl.ioctl(t, termios.TIOCGWINSZ, bytes(8))
fcntl.ioctl(t, termios.TIOCSWINSZ, ws)
fcntl.fcntl(t, fcntl.F_SETFL, fcntl.fcntl(t, fcntl.F_GETFL) | os.O_ASYNC)
for dev in ('/dev/null', '/dev/urandom'):      # devices that are no terminal
    n = os.open(dev, os.O_RDONLY)
    fcntl.fcntl(n, fcntl.F_SETFL, fcntl.fcntl(n, fcntl.F_GETFL) | os.O_ASYNC)
    fcntl.fcntl(n, 10, 0)                      # F_SETSIG
print('devtty ok')
JOB
  (cd "$d" && timeout 30 script -qc "'$TRACE' '$py' job.py" /dev/null </dev/null >"$d/out" 2>&1)
  if grep -q 'devtty ok' "$d/out"; then ok "$FUNCNAME"
  else bad "$FUNCNAME" "$(cat "$d/out")"; fi
  rm -rf "$d"
}

# /dev/tty stands for the terminal it was opened on: a job process that
# makes a session of its own, with a terminal of its own, still holds the
# outside one through it.  Here the job does not have the terminal's
# foreground (its stdin is not the terminal, so pysbx-trace keeps it), and
# neither the job nor such a child may resize it or become its SIGIO route.
t_contain_devtty_other_session() {
  local py=$1 d; have_script "$FUNCNAME" || return; d=$(scratch)
  cat >"$d/job.py" <<'JOB'
import fcntl, os, struct, termios
t = os.open('/dev/tty', os.O_RDWR)
size = lambda: struct.unpack('HHHH', fcntl.ioctl(t, termios.TIOCGWINSZ, bytes(8)))[:2]
before = size()
def attempts(who):
    for name, fn in (('resize', lambda: fcntl.ioctl(t, termios.TIOCSWINSZ,
                                                    struct.pack('HHHH', 33, 111, 0, 0))),
                     ('async', lambda: fcntl.fcntl(t, fcntl.F_SETFL,
                                                   fcntl.fcntl(t, fcntl.F_GETFL) | os.O_ASYNC))):
        try:
            fn()
            print(who, name, 'done')
        except OSError as e:
            print(who, name, 'refused', e.errno)
attempts('job')
pid = os.fork()
if pid == 0:
    os.setsid()
    m, s = os.openpty()
    fcntl.ioctl(s, termios.TIOCSCTTY, 0)       # a controlling terminal of its own
    attempts('child')
    os._exit(0)
os.waitpid(pid, 0)
owner = struct.unpack('ii', fcntl.fcntl(t, 16, bytes(8)))[1]   # F_GETOWN_EX
print('size', 'same' if size() == before else 'changed', 'owner', 'none' if owner == 0 else 'set')
JOB
  (cd "$d" && timeout 30 script -qc "'$TRACE' '$py' job.py </dev/null" /dev/null </dev/null >"$d/out" 2>&1)
  if ! grep -q '^size same owner none' "$d/out" || grep -qE '^(job|child) .* done' "$d/out" ||
     [ "$(grep -cE '^(job|child) .* refused [0-9]+' "$d/out")" != 4 ]; then
    bad "$FUNCNAME" "$(cat "$d/out")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# Netlink user sockets carry datagrams between any processes: an outside
# process listens on NETLINK_USERSOCK, and the job sends to its port.  Only
# the netlink protocols that read the kernel's state are the job's.
t_contain_netlink_usersock() {
  local py=$1 d; d=$(scratch)
  "$py" -c 'import os, socket, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 2)
s.bind((0, 0))
open(sys.argv[1] + ".port", "w").write(str(s.getsockname()[0]))
s.settimeout(6)
try:
    data = s.recv(4096)
    open(sys.argv[1], "w").write("outside got %r\n" % data[16:])
except OSError:
    pass' "$d/MARK" </dev/null >/dev/null 2>&1 &
  local listener=$!
  for _ in $(seq 50); do [ -s "$d/MARK.port" ] && break; sleep 0.1; done
  (cd "$d" && timeout 30 "$TRACE" "$py" -c "
import socket, struct
try:
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 2)
    text = b'pysbx e2e probe'
    s.sendto(struct.pack('=IHHII', 16 + len(text), 0x10, 0, 1, 0) + text,
             (int(open('MARK.port').read()), 0))
    print('sent')
except OSError as e:
    print('refused:', e)" >"$d/out" 2>"$d/err")
  kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "$(cat "$d/MARK")"; else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# The fd number the monitor judged is not the one the kernel uses: one thread
# flips descriptor N between a pidfd of the job's own child and the outside
# process's /proc directory while another sends pidfd_send_signal(N).
t_contain_pidfd_flip() {
  local py=$1 d; d=$(scratch)
  start_victim "$py" "$d/MARK"
  (cd "$d" && VICTIM=$victim timeout 30 "$TRACE" "$py" -c "
import ctypes, os, signal, threading, time
libc = ctypes.CDLL(None, use_errno=True)
child = os.fork()
if child == 0:
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    time.sleep(5)
    os._exit(0)
own = os.pidfd_open(child)
try:
    outside = os.open('/proc/%s' % os.environ['VICTIM'], os.O_RDONLY | os.O_DIRECTORY)
except OSError as e:
    outside = own
    print('no /proc fd:', e)
N = 100
stop = []
def flip():
    while not stop:
        os.dup2(own, N)
        os.dup2(outside, N)
threading.Thread(target=flip, daemon=True).start()
end = time.time() + 1.5
while time.time() < end:
    libc.syscall(424, N, signal.SIGUSR2, None, 0)
stop.append(1)
os.kill(child, 9)
os.waitpid(child, 0)" >"$d/out" 2>"$d/err")
  victim_verdict "$FUNCNAME" "$d"
}

# Terminal injection: the job, on a terminal of its own session, pushes a
# command line into the terminal's input (TIOCSTI) and a console paste
# (TIOCLINUX); whoever read the terminal next (the shell that started it)
# would run it.  The test reads what is queued there afterwards.
t_contain_terminal_injection() {
  local py=$1 d; d=$(scratch)
  (cd "$d" && timeout 30 "$py" -c '
import fcntl, os, select, subprocess, sys, termios
m, s = os.openpty()
def ctty():
    os.setsid(); fcntl.ioctl(0, termios.TIOCSCTTY, 0)
job = r"""
import fcntl, termios
for c in "echo injected\n":
    try:
        fcntl.ioctl(0, termios.TIOCSTI, c.encode())
    except OSError as e:
        print("refused:", e); break
try:
    fcntl.ioctl(0, 0x541C, bytes([3, 0, 0, 0, 0, 0, 0]))   # TIOCLINUX: paste selection
except OSError as e:
    print("refused:", e)
"""
rc = subprocess.call([sys.argv[1], sys.argv[2], "-c", job], stdin=s, stdout=open("out", "wb"),
                     stderr=open("err", "wb"), preexec_fn=ctty)
attr = termios.tcgetattr(s); attr[3] &= ~termios.ICANON; attr[6][termios.VMIN] = 0; attr[6][termios.VTIME] = 0
termios.tcsetattr(s, termios.TCSANOW, attr)
queued = b""
while select.select([s], [], [], 0.3)[0]:
    chunk = os.read(s, 4096)
    if not chunk: break
    queued += chunk
if b"injected" in queued:
    open("MARK", "w").write("queued: %r\n" % queued)' "$TRACE" "$py")
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "$(cat "$d/MARK")"; else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# The log in the job's write set: the job truncates it and appends a forged
# summary (and closes the log's directory, or one above it, with chmod 0); or
# it moves the log's directory, or one above it, away and leaves, at the path
# the user named, a log of its own with a digest chain of its own (above: a
# link in the moved directory's place).  Afterwards the
# log at that path holds pysbx's own record: the denial, one summary, a
# tamper event, and an unbroken digest chain.
t_contain_log_forgery() {
  local py=$1 d how why; d=$(scratch)
  for how in in-place moved-dir closed-dir moved-parent closed-parent; do
    mkdir -p "$d/run/logs"
    (cd "$d" && timeout 30 "$TRACE" -o "$d/run/logs/run.jsonl" "$py" -c "
import hashlib, json, os, time
os.system('bash -c true')
log = '$d/run/logs/run.jsonl'
if '$how' in ('in-place', 'closed-dir', 'closed-parent'):
    with open(log, 'r+') as f:
        f.truncate(0)
        f.write(json.dumps({'v': 1, 'event': 'summary', 'denied': 0}) + '\\n')
    if '$how' != 'in-place':   # no way in for a restore as the job's user
        os.chmod('$d/run/logs' if '$how' == 'closed-dir' else '$d/run', 0)
else:
    # a whole log with a chain of its own, where the user will look for it;
    # pysbx's file goes with the directory it was in (or one above it)
    start = open(log).readline()
    lines, chain = [], '0' * 64
    for body in (start[:start.rfind(',\"chain\":\"')],
                 json.dumps({'v': 1, 'time': time.time(), 'event': 'summary', 'pid': 0,
                             'exit_code': 0, 'calls': 1, 'denied': 0})[:-1]):
        chain = hashlib.sha256((chain + body).encode()).hexdigest()
        lines.append(body + ',\"chain\":\"%s\"}' % chain)
    if '$how' == 'moved-dir':
        os.rename('$d/run/logs', '$d/run/logs.moved')
        os.mkdir('$d/run/logs')
        open(log, 'w').write('\\n'.join(lines) + '\\n')
    else:                      # a link in the place of a directory above
        os.rename('$d/run', '$d/run.old')
        os.makedirs('$d/fake/logs')
        open('$d/fake/logs/run.jsonl', 'w').write('\\n'.join(lines) + '\\n')
        os.symlink('fake', '$d/run')
" >"$d/out" 2>"$d/err")
    why=$("$py" -c "
import hashlib, json, sys
chain, summaries, denials, tamper = '0' * 64, 0, 0, 0
for n, line in enumerate(open(sys.argv[1], 'rb'), 1):
    cut = line.rfind(b',\"chain\":\"')
    if cut < 0:
        sys.exit('line %d has no chain' % n)
    chain = hashlib.sha256(chain.encode() + line[:cut]).hexdigest()
    if line[cut:].strip() != (',\"chain\":\"%s\"}' % chain).encode():
        sys.exit('chain broken at line %d' % n)
    e = json.loads(line)
    summaries += e['event'] == 'summary'
    denials += e.get('decision') == 'deny'
    tamper += e['event'] == 'tamper'
if (summaries, tamper) != (1, 1) or not denials:
    sys.exit('%d summaries, %d tamper events, %d denials' % (summaries, tamper, denials))
" "$d/run/logs/run.jsonl" 2>&1)
    [ -n "$why" ] && break
    chmod -R u+rwx "$d" 2>/dev/null
    rm -rf "$d/run" "$d/run.old" "$d/fake"
  done
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$how: $why"
  chmod -R u+rwx "$d" 2>/dev/null
  rm -rf "$d"
}

# Docker's default profile without CAP_SYS_PTRACE refuses process_vm_readv:
# the monitor reads through /proc/<pid>/mem and every layer still holds
# (the GOT layer decides system(), the filter a raw system call).
t_container_profile() {
  local py=$1 d; d=$(scratch)
  [ -x "${FIXTURES:-}/container_profile" ] || { ok "$FUNCNAME (fixture not built: skipped)"; return; }
  (cd "$d" && timeout 60 "$FIXTURES/container_profile" "$TRACE" -o "$d/run.jsonl" "$py" -c "
import ctypes, os
os.system('bash -c \"echo > $d/MARK\"')
ctypes.CDLL(None).system(b'bash -c \"echo ctypes >> $d/MARK\"')
os.system('true')" >"$d/out" 2>"$d/err")
  local mem; mem=$("$py" -c "import json, sys; print(json.loads(open(sys.argv[1]).readline())['memory'])" "$d/run.jsonl" 2>&1)
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "bash ran: $(cat "$d/MARK")"
  elif [ "$mem" != "/proc/PID/mem" ]; then bad "$FUNCNAME" "memory read by '$mem'"
  elif [ "$(grep -c '^pysbx: denied system(' "$d/err")" != 2 ]; then bad "$FUNCNAME" "GOT layer: $(head -3 "$d/err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# System V IPC reaches outside: an outside process of the test's own holds a
# shared memory segment; the job attaches to it by its id (ids are small
# numbers: guessable) and reads it.  Attaching at all is the escape.
t_contain_sysv_ipc() {
  local py=$1 d; d=$(scratch)
  "$py" -c 'import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
shmid = libc.shmget(0, 4096, 0o1600)            # IPC_PRIVATE, IPC_CREAT | 0600
open(sys.argv[1], "w").write(str(shmid))
time.sleep(20)
libc.shmctl(shmid, 0, None)                    # IPC_RMID' "$d/id" </dev/null >/dev/null 2>&1 &
  local holder=$!
  for _ in $(seq 50); do [ -s "$d/id" ] && break; sleep 0.1; done
  (cd "$d" && SHMID=$(cat "$d/id") timeout 30 "$TRACE" "$py" -c "
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
addr = libc.shmat(int(os.environ['SHMID']), None, 0o10000)   # SHM_RDONLY
if addr not in (None, ctypes.c_void_p(-1).value):
    open('$d/MARK', 'w').write('attached to an outside segment\n')
print('shmat errno', ctypes.get_errno())" >"$d/out" 2>"$d/err")
  if [ -e "$d/MARK" ]; then bad "$FUNCNAME" "$(cat "$d/MARK")"; else ok "$FUNCNAME"; fi
  "$py" -c 'import ctypes, sys; ctypes.CDLL(None).shmctl(int(open(sys.argv[1]).read()), 0, None)' "$d/id" 2>/dev/null
  kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
  rm -rf "$d"
}

# --log-fd N: the events go to a descriptor the caller holds; the job does not
# inherit it, and the record is complete.
t_log_fd() {
  local py=$1 d; d=$(scratch)
  (cd "$d" && timeout 30 "$TRACE" --log-fd 3 "$py" -c "
import os
print('inherited' if os.path.exists('/proc/self/fd/3') else 'not inherited')
os.system('bash -c true')" 3>"$d/run.jsonl" >"$d/out" 2>"$d/err")
  local why
  why=$("$py" -c "
import json, sys
ev = [json.loads(l)['event'] for l in open(sys.argv[1])]
if open(sys.argv[2]).read().strip() != 'not inherited': sys.exit('the job got the log descriptor')
if ev[0] != 'start' or ev[-1] != 'summary' or 'call' not in ev: sys.exit('events: %s' % ev[:3])
" "$d/run.jsonl" "$d/out" 2>&1)
  [ -z "$why" ] && ok "$FUNCNAME" || bad "$FUNCNAME" "$why"
  rm -rf "$d"
}

# --user: the job runs as that user (pysbx-trace as root only; Debian's
# interpreter, which every user can run).
t_user_option() {
  local py=/usr/bin/python3 d; d=$(scratch)
  if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then ok "$FUNCNAME (needs root: skipped)"; rm -rf "$d"; return; fi
  chmod 755 "$d"
  local out rc
  out=$(cd "$d" && timeout 30 "$TRACE" --user nobody "$py" -c "import os; print(os.getuid(), os.getgid())" 2>"$d/err")
  rc=$?
  if [ "$out" = "$(id -u nobody) $(id -g nobody)" ]; then ok "$FUNCNAME"
  # where it cannot be done (no CAP_SYS_PTRACE; a user namespace that maps one
  # uid) it is refused before the job starts, with the cause
  elif [ $rc = 125 ] && [ -z "$out" ] && grep -qE 'needs CAP_SYS_PTRACE|cannot take the identity' "$d/err" &&
       ! "$py" -c 'import sys
eff = int([l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1], 16)
full = open("/proc/self/uid_map").read().split() == ["0", "0", "4294967295"]
sys.exit(0 if full and eff & (1 << 19) and eff & (1 << 7) else 1)'; then
    ok "$FUNCNAME (refused here, with the cause)"
  else bad "$FUNCNAME" "ran as '$out' (exit $rc): $(head -2 "$d/err")"; fi
  rm -rf "$d"
}

# Named unix sockets of outside processes: a server of the test's own (not
# part of the job), bound in a directory the job may write (as a tmux or X11
# server is, in /tmp), leaves the marker on any connection or datagram.  The
# job tries every route to it: the path absolute and relative, a symlink, a
# /proc/self/fd magic link, sendto, sendmsg, sendmmsg, a raw connect, and a
# thread that flips the address between the job's own socket and the
# server's while another connects with it.  Its own sockets keep working.
t_contain_unix_socket_outside() {
  local py=$1 d srv; d=$(scratch)
  mkdir "$d/outside"
  "$py" -c 'import os, select, socket, sys
d = sys.argv[1]
s = socket.socket(socket.AF_UNIX); s.bind(d + "/outside/s.sock"); s.listen(64)
g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); g.bind(d + "/outside/d.sock")
open(d + "/ready", "w").close()
while True:
    for r in select.select([s, g], [], [])[0]:
        what = "connection" if r is s else "datagram"
        if r is s: r.accept()
        else: r.recv(100)
        open(d + "/MARK", "a").write("outside server got a %s\n" % what)' "$d" </dev/null >/dev/null 2>&1 &
  srv=$!
  for _ in $(seq 50); do [ -e "$d/ready" ] && break; sleep 0.1; done
  (cd "$d" && timeout 60 "$TRACE" "$py" -c '
import ctypes, errno, os, socket, struct, threading, time
libc = ctypes.CDLL(None, use_errno=True)
out = os.path.abspath("outside/s.sock"); dg = os.path.abspath("outside/d.sock")
def tried(what, fn):
    try:
        fn(); print("REACHED", what)
    except OSError as e:
        print("refused:", what, e.strerror)
def conn(path):
    s = socket.socket(socket.AF_UNIX); s.connect(path); s.close()
tried("absolute", lambda: conn(out))
tried("relative", lambda: conn("outside/s.sock"))
os.symlink(out, "link.sock")
tried("symlink", lambda: conn("link.sock"))
fd = os.open(out, os.O_PATH)
tried("magic link", lambda: conn("/proc/self/fd/%d" % fd))
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
tried("sendto", lambda: u.sendto(b"x", dg))
tried("sendmsg", lambda: u.sendmsg([b"x"], [], 0, dg))
def sun(path):
    raw = path.encode()
    return struct.pack("H", socket.AF_UNIX) + raw + b"\0" * (108 - len(raw))
name = ctypes.create_string_buffer(sun(dg), 110)
iov = (ctypes.c_char * 1)(b"x")
iovec = struct.pack("QQ", ctypes.addressof(iov), 1)
iovb = ctypes.create_string_buffer(iovec, 16)
mm = ctypes.create_string_buffer(struct.pack("QiIQQQQiII", ctypes.addressof(name), 110, 0,
                                             ctypes.addressof(iovb), 1, 0, 0, 0, 0, 0), 64 * 2)
ctypes.memmove(ctypes.addressof(mm) + 64, ctypes.addressof(mm), 64)
def mmsg():
    if libc.sendmmsg(u.fileno(), mm, 2, 0) < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
tried("sendmmsg", mmsg)
def raw_connect(buf):
    s = socket.socket(socket.AF_UNIX)
    rc = libc.syscall(42, s.fileno(), buf, 110)
    err = ctypes.get_errno(); s.close()
    if rc < 0:
        raise OSError(err, os.strerror(err))
tried("raw connect", lambda: raw_connect(ctypes.create_string_buffer(sun(out), 110)))
# the job own socket, and a thread flipping one buffer between the two
own = os.path.abspath("own.sock")
l = socket.socket(socket.AF_UNIX); l.bind(own); l.listen(1024)
c = socket.socket(socket.AF_UNIX); c.connect(own); a, _ = l.accept(); c.send(b"ok")
print("own stream:", a.recv(2))
o = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); o.bind(os.path.abspath("own.dg"))
u.sendto(b"ok", os.path.abspath("own.dg")); print("own datagram:", o.recv(2))
buf = ctypes.create_string_buffer(sun(own), 110)
good, evil = sun(own), sun(out)
stop = []
def flip():
    while not stop:
        ctypes.memmove(buf, evil, 110); ctypes.memmove(buf, good, 110)
threading.Thread(target=flip, daemon=True).start()
end, n = time.time() + 1.5, 0
while time.time() < end:
    try:
        raw_connect(buf); n += 1
    except OSError:
        pass
    while True:
        try:
            l.setblocking(False); l.accept()[0].close()
        except BlockingIOError:
            break
stop.append(1)
print("flipped connects that reached the own socket:", n)
' >"$d/out" 2>"$d/err")
  sleep 0.3
  kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
  [ -n "$verbose" ] && cat "$d/out" "$d/err"
  if [ -e "$d/MARK" ] || grep -q REACHED "$d/out"; then bad "$FUNCNAME" "$(cat "$d/MARK" "$d/out" 2>/dev/null | head -20)"
  elif ! grep -q "own stream: b'ok'" "$d/out" || ! grep -q "own datagram: b'ok'" "$d/out"; then
    bad "$FUNCNAME" "the job's own sockets: $(head -c 600 "$d/out" "$d/err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}

# A file's metadata through a path another thread flips: one thread rewrites
# a path buffer between a file of the write set and one the job owns outside
# it, while another sets the times through that buffer (utimensat).  The
# write set here is one directory of the test's own, so the outside file is
# the test's too; the outside file's times tell whether a call reached it.
t_contain_metadata_flip() {
  local py=$1 d; d=$(scratch)
  mkdir "$d/w" && touch "$d/w/own.txt" "$d/outside.txt"
  printf '[files]\nwrite = %s/w /dev/shm /dev/null\n' "$d" >"$d/policy.ini"
  local before; before=$(stat -c %Y "$d/outside.txt")
  (cd "$d/w" && timeout 30 "$TRACE" --profile default -c "$d/policy.ini" "$py" -c '
import ctypes, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
own, out = (p.encode().ljust(200, b"\0") for p in (sys.argv[1], sys.argv[2]))
buf = ctypes.create_string_buffer(own, 200)
times = (ctypes.c_long * 4)(1234567890, 0, 1234567890, 0)
stop = []
def flip():
    while not stop:
        ctypes.memmove(buf, out, 200); ctypes.memmove(buf, own, 200)
threading.Thread(target=flip, daemon=True).start()
end, ok = time.time() + 1.5, 0
while time.time() < end:
    ok += libc.utimensat(-100, buf, times, 0) == 0
stop.append(1)
print("calls that reached a file:", ok)' "$d/w/own.txt" "$d/outside.txt" >"$d/out" 2>"$d/err")
  [ -n "$verbose" ] && cat "$d/out"
  if [ "$(stat -c %Y "$d/outside.txt")" != "$before" ]; then bad "$FUNCNAME" "the outside file's times changed: $(cat "$d/out")"
  elif [ "$(stat -c %Y "$d/w/own.txt")" != 1234567890 ]; then bad "$FUNCNAME" "the own file was not reached: $(head -c 600 "$d/out" "$d/err")"
  else ok "$FUNCNAME"; fi
  rm -rf "$d"
}
