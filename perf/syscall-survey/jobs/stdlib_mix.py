# everyday stdlib: files, tempfile, shutil, zip/tar, sockets (TCP, UDP, unix), select/epoll,
# signals and timers, mmap, resource, locale, hashlib, time
import hashlib, mmap, os, resource, select, shutil, signal, socket, tarfile, tempfile, time, zipfile
d = tempfile.mkdtemp()
p = os.path.join(d, "f"); open(p, "w").write("x" * 10000)
shutil.copy(p, p + "2"); shutil.copytree(d, d + "-c"); shutil.move(p + "2", p + "3")
os.symlink(p, p + "l"); os.link(p, p + "h"); os.chmod(p, 0o600); os.utime(p); os.stat(p); os.truncate(p, 5000)
with zipfile.ZipFile(p + ".zip", "w") as z: z.write(p)
with tarfile.open(p + ".tgz", "w:gz") as t: t.add(d + "-c")
with open(p, "r+b") as f:
    mm = mmap.mmap(f.fileno(), 0); mm[0:1] = b"y"; mm.flush(); mm.close()
shutil.rmtree(d); shutil.rmtree(d + "-c")
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.create_connection(s.getsockname()); a, _ = s.accept(); c.sendall(b"x"); a.recv(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); u.sendto(b"y", u.getsockname()); u.recvfrom(10)
x, y = socket.socketpair(); x.send(b"z"); y.recv(1)
socket.getaddrinfo("localhost", 80); socket.gethostname()
try:
    s6 = socket.socket(socket.AF_INET6); s6.bind(("::1", 0)); s6.close()
except OSError:
    pass
ep = select.epoll(); ep.register(a, select.EPOLLIN); ep.poll(0); select.select([a], [], [], 0); select.poll().poll(0)
signal.signal(signal.SIGALRM, lambda *a: None); signal.setitimer(signal.ITIMER_REAL, 0.01); time.sleep(0.05)
signal.alarm(0); signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1]); os.kill(os.getpid(), signal.SIGUSR1)
signal.sigtimedwait([signal.SIGUSR1], 1)
resource.getrlimit(resource.RLIMIT_NOFILE); resource.getrusage(resource.RUSAGE_SELF); os.cpu_count(); os.sched_getaffinity(0)
hashlib.sha256(b"x").hexdigest(); os.urandom(16); time.monotonic(); time.process_time(); os.times(); os.getloadavg()
print("stdlib ok")
