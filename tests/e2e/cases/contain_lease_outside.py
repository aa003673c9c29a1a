# expect: blocked
# A lease on a file outside the write set holds off every other opener of
# that file (up to lease-break-time, again and again): for a root job any
# system file.  The job takes a read lease on each outside file it owns; the
# kernel's answer says whether it got it (released at once).
import fcntl, os, signal, sys
signal.signal(signal.SIGIO, signal.SIG_IGN)
F_SETLEASE = 1024
got = []
for p in ("/etc/hostname", os.path.realpath(sys.executable), os.path.expanduser("~/.profile")):
    try:
        if os.stat(p).st_uid != os.geteuid():
            continue
        fd = os.open(p, os.O_RDONLY)
    except OSError:
        continue
    try:
        fcntl.fcntl(fd, F_SETLEASE, fcntl.F_RDLCK)
        got.append(p)
        fcntl.fcntl(fd, F_SETLEASE, fcntl.F_UNLCK)
    except OSError as e:
        print("refused:", p, e.strerror)
    os.close(fd)
# the job's own file in its directory takes one
with open("own", "w") as f:
    pass
fd = os.open("own", os.O_RDONLY)
fcntl.fcntl(fd, F_SETLEASE, fcntl.F_RDLCK)
fcntl.fcntl(fd, F_SETLEASE, fcntl.F_UNLCK)
print("own lease ok")
if got:
    open(os.environ["MARK"], "w").write("leases on %s\n" % got)
