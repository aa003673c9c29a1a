# expect: blocked
# build: obj_thread_own_tables.c owntables.so
# A thread with a descriptor table or a working directory of its own (clone
# without CLONE_FILES or CLONE_FS): the job's own file in its write set has
# the number (or the relative name) the monitor looks at, while the thread's
# call uses an outside file the job owns, set to the mode it already has.
# A call that reaches the outside file leaves the marker.
import ctypes, os, sys
lib = ctypes.CDLL(os.path.abspath("owntables.so"))
lib.own_cwd_chmod.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
outside = None
for p in ("/etc/hostname", os.path.realpath(sys.executable), os.path.expanduser("~/.profile"),
          os.path.expanduser("~")):
    try:
        if os.stat(p).st_uid == os.geteuid():
            outside = p
            break
    except OSError:
        pass
if outside is None:
    print("no outside file of the job's own: nothing to reach")
    sys.exit(0)
mode = os.stat(outside).st_mode & 0o7777
name = os.path.basename(outside)
open(name, "w").close()                       # the same name in the write set
o = os.open(outside, os.O_RDONLY)
i = os.open(name, os.O_RDONLY)
reached = []
rc = lib.own_table_fchmod(o, i, mode)
print("own table:", rc)
if rc == 0:
    reached.append("fchmod through a descriptor table of its own")
rc = lib.own_cwd_chmod(os.path.dirname(outside).encode(), name.encode(), mode)
print("own cwd:", rc)
if rc == 0:
    reached.append("chmod through a working directory of its own")
if reached:
    open(os.environ["MARK"], "w").write("reached %s: %s\n" % (outside, reached))
