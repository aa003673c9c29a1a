# a pty: openpty + termios, pty.fork running a program, pty.spawn
import os, pty, termios, tty, subprocess
m, s = pty.openpty()
attrs = termios.tcgetattr(s); tty.setraw(s); termios.tcsetattr(s, termios.TCSANOW, attrs)
os.get_terminal_size(s)
p = subprocess.Popen(["ls", "/"], stdin=s, stdout=s, stderr=s, start_new_session=True); p.wait()
os.read(m, 4096); os.close(s); os.close(m)
pid, fd = pty.fork()
if pid == 0:
    os.execvp("true", ["true"])
try:
    os.read(fd, 100)
except OSError:
    pass
os.waitpid(pid, 0)
print("pty ok")
