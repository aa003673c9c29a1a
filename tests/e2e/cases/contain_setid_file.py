# expect: blocked
# A job must not leave a set-user-ID program for later (a root job owns every
# system file and could mark one).  Here an empty file in the job's own
# directory gets the set-ID bits by chmod and by open(O_CREAT, mode).
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
