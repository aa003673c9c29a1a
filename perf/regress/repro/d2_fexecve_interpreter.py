# D2: the job's own interpreter run again through fexecve (an fd) is refused,
# although `interpreter = yes` lets it run by path.  Matters when the
# interpreter lives outside allow-dir (pyenv, a venv's base, /opt/...).
# Run with a pyenv python: pysbx-trace $(pyenv prefix 3.12.1)/bin/python3 d2_fexecve_interpreter.py
import os, sys
for how in ("path", "fd"):
    pid = os.fork()
    if pid == 0:
        try:
            if how == "fd":
                os.execve(os.open(sys.executable, os.O_RDONLY), [sys.executable, "-c", "pass"], os.environ)
            os.execv(sys.executable, [sys.executable, "-c", "pass"])
        except OSError as e:
            print(f"exec by {how}:", e)
            os._exit(3)
    print(f"exec by {how}: exit status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
