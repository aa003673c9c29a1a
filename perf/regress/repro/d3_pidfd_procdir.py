# D3: a pidfd opened on /proc/<own pid> (pidfd_send_signal(2): "obtained by
# opening a /proc/pid directory") is refused for the job's own process;
# a pidfd from pidfd_open() on the same process is accepted.  And a
# descriptor that is no pidfd at all gets EPERM instead of the kernel's EBADF.
import os, signal
signal.signal(signal.SIGUSR1, lambda *a: None)
for what, fd in (("pidfd_open(getpid())", lambda: os.pidfd_open(os.getpid())),
                 ("open('/proc/<pid>')", lambda: os.open(f"/proc/{os.getpid()}", os.O_DIRECTORY)),
                 ("fd 0 (not a pidfd)", lambda: 0)):
    try:
        signal.pidfd_send_signal(fd(), signal.SIGUSR1)
        print(what, ": sent")
    except OSError as e:
        print(what, ":", e)
