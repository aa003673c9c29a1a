# expect: ok
# requires: psutil
# psutil reads the job's processes and their children through /proc; its
# wait on a child that is gone gets the kernel's answer, not a refusal.
import os, subprocess, psutil
me = psutil.Process()
child = subprocess.Popen(["sleep", "5"])
kids = [p.pid for p in me.children()]
assert child.pid in kids, kids
assert me.memory_info().rss > 0 and me.num_threads() >= 1
psutil.Process(child.pid).terminate()
assert psutil.Process(child.pid).wait(timeout=5) is not None
assert not psutil.pid_exists(child.pid)
print("OK", len(psutil.pids()) > 1)
