# expect: ok
# The job's own unix sockets work as they do bare: a multiprocessing manager
# and a Listener in its own processes, a datagram socket it bound, sendmmsg
# (one message a call under the monitor: the caller's loop sends the rest,
# and each msg_len is filled in), a TCP connection to itself, and the kernel's
# own answers for a socket that is not there and a file that is no socket.
import ctypes, errno, multiprocessing as mp, os, socket, struct, tempfile
from multiprocessing.connection import Client, Listener

def serve(path):
    with Listener(path, "AF_UNIX") as l, l.accept() as c:
        c.send(c.recv() * 2)

def sendmmsg_all(sock, payloads):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.sendmmsg.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_uint, ctypes.c_int]
    keep = [ctypes.create_string_buffer(p, len(p)) for p in payloads]
    iovs = [ctypes.create_string_buffer(struct.pack("QQ", ctypes.addressof(b), len(p)), 16)
            for b, p in zip(keep, payloads)]
    vec = ctypes.create_string_buffer(64 * len(payloads))
    for i, iov in enumerate(iovs):
        ctypes.memmove(ctypes.addressof(vec) + 64 * i,
                       struct.pack("QiIQQQQiI", 0, 0, 0, ctypes.addressof(iov), 1, 0, 0, 0, 0), 56)
    sent = 0
    while sent < len(payloads):
        n = libc.sendmmsg(sock.fileno(), ctypes.addressof(vec) + 64 * sent, len(payloads) - sent, 0)
        if n <= 0:
            raise OSError(ctypes.get_errno(), "sendmmsg")
        for i in range(sent, sent + n):
            got = struct.unpack_from("I", vec.raw, 64 * i + 56)[0]
            assert got == len(payloads[i]), ("msg_len", i, got)
        sent += n

if __name__ == "__main__":
    d = tempfile.mkdtemp()
    with mp.Manager() as m:
        shared = m.dict(); shared["a"] = 1
        assert dict(shared) == {"a": 1}
    path = os.path.join(d, "listener")
    p = mp.get_context("fork").Process(target=serve, args=(path,)); p.start()
    for _ in range(100):
        if os.path.exists(path): break
        __import__("time").sleep(0.05)
    with Client(path, "AF_UNIX") as c:
        c.send("ab"); assert c.recv() == "abab"
    p.join()
    g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); g.bind(os.path.join(d, "dg"))
    u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    u.sendto(b"one", os.path.join(d, "dg")); assert g.recv(10) == b"one"
    u.connect(os.path.join(d, "dg")); u.sendmsg([b"two"]); assert g.recv(10) == b"two"
    sendmmsg_all(u, [b"m0", b"m11", b"m222"])
    assert [g.recv(10) for _ in range(3)] == [b"m0", b"m11", b"m222"]
    t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(1)
    c = socket.create_connection(t.getsockname()); t.accept()[0].send(b"tcp"); assert c.recv(3) == b"tcp"
    # a unix address longer than struct sockaddr_un, without a NUL: the kernel's EINVAL
    libc = ctypes.CDLL(None, use_errno=True)
    libc.connect.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    s = socket.socket(socket.AF_UNIX)
    for n in (110, 111, 128, 129):
        raw = struct.pack("H", socket.AF_UNIX) + b"A" * (n - 2)
        rc = libc.connect(s.fileno(), raw, n)
        err = ctypes.get_errno()
        assert rc == -1 and err in ((errno.ENOENT,) if n == 110 else (errno.EINVAL,)), (n, rc, err)
    for target, want in ((os.path.join(d, "none"), errno.ENOENT), (__file__, errno.ECONNREFUSED)):
        try:
            socket.socket(socket.AF_UNIX).connect(target); raise SystemExit("connected to %s" % target)
        except OSError as e:
            assert e.errno == want, (target, e)
    print("OK")
