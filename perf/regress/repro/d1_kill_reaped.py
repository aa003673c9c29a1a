# D1: kill() of the job's own child after it was reaped.
# bare: ProcessLookupError (ESRCH).  pysbx-trace: PermissionError (EPERM) and
# "denied kill(N, 10) ...: process N is outside the job".
import os, signal, time
pid = os.fork()
if pid == 0:
    os._exit(0)
time.sleep(0.2)                      # a zombie: kill() succeeds, bare and under pysbx
os.kill(pid, signal.SIGUSR1)
os.waitpid(pid, 0)                   # reaped: the pid names nothing now
try:
    os.kill(pid, signal.SIGUSR1)
    print("kill after reap: ok")
except OSError as e:
    print("kill after reap:", type(e).__name__, e)
