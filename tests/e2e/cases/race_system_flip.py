# expect: blocked
# timeout: 120
# interpreters: first
# A thread flips system()'s command between an allowed and a denied program
# while another thread calls it: the shell's exec stop sees what really runs.
import ctypes, os, threading
libc = ctypes.CDLL(None)
mark = os.environ["MARK"].encode()
good = b"true -c 'touch " + mark + b"'"
bad = b"bash -c 'touch " + mark + b"'"
buf = ctypes.create_string_buffer(good)
stop = False
def flip():
    while not stop:
        ctypes.memmove(buf, bad, 4)
        ctypes.memmove(buf, good, 4)
t = threading.Thread(target=flip)
t.start()
for _ in range(300):
    libc.system(buf)
stop = True
t.join()
