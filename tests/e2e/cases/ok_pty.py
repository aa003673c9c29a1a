# expect: ok
# A child on a pseudo-terminal.
import os, pty
pid, fd = pty.fork()
if pid == 0:
    os.execvp("echo", ["echo", "from-pty"])
out = b""
while True:
    try:
        chunk = os.read(fd, 100)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
print("OK" if b"from-pty" in out else out)
