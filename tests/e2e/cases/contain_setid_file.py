# expect: blocked
# A job must not leave a set-user-ID program for later (a root job owns every
# system file and could mark one).  Here an empty file in the job's own
# directory gets the set-ID bits by chmod, by open(O_CREAT, mode) and by openat2.
import os, stat
made = []
path = os.path.join(os.getcwd(), "prog")
open(path, "w").close()
for mode in (0o4755, 0o2755):
    try:
        os.chmod(path, mode)
    except OSError as e:
        print("refused:", oct(mode), e.strerror)
    if os.stat(path).st_mode & (stat.S_ISUID | stat.S_ISGID):
        made.append(oct(os.stat(path).st_mode))
try:
    os.close(os.open(path + "2", os.O_CREAT | os.O_WRONLY, 0o6755))
    if os.stat(path + "2").st_mode & (stat.S_ISUID | stat.S_ISGID):
        made.append("open " + oct(os.stat(path + "2").st_mode))
except OSError as e:
    print("refused: open", e.strerror)
if made:
    open(os.environ["MARK"], "w").write("set-ID file made: %s\n" % made)
# openat2 keeps the mode in memory (struct open_how), beyond the filter's
# sight: it must not make one either.
import ctypes, struct
libc = ctypes.CDLL(None, use_errno=True)
how = struct.pack("QQQ", os.O_CREAT | os.O_WRONLY, 0o6755, 0)
fd = libc.syscall(437, -100, (path + "3").encode(), how, len(how))
if fd >= 0:
    os.close(fd)
    if os.stat(path + "3").st_mode & (stat.S_ISUID | stat.S_ISGID):
        open(os.environ["MARK"], "a").write("openat2 made " + oct(os.stat(path + "3").st_mode))
else:
    print("refused: openat2", os.strerror(ctypes.get_errno()))
