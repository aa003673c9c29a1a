# expect: ok
# A zombie of the job whose parent is gone (the job killed it; init adopts
# the zombie until it reaps it) is still the job's: signalling it gets the
# kernel's answer (success, or ESRCH once reaped), not "outside the job"
# (psutil's test_zombie_process).
import errno, os, signal, subprocess, sys, time
r, w = os.pipe()
src = ("import os, time\npid = os.fork()\nif pid == 0:\n    os._exit(0)\n"
       "os.write(%d, b'%%d\\n' %% pid)\ntime.sleep(60)\n" % w)
parent = subprocess.Popen([sys.executable, "-c", src], pass_fds=(w,))
zombie = int(os.read(r, 64))
parent.kill()
parent.wait()
def state(pid):
    try:
        return open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None
seen = state(zombie)
for sig in (0, signal.SIGCONT):
    try:
        os.kill(zombie, sig)
    except OSError as e:
        if e.errno != errno.ESRCH:
            print("kill(%d, %d): %s (state %s)" % (zombie, sig, e.strerror, seen))
            sys.exit(1)
print("OK", "zombie" if seen == "Z" else "reaped")
