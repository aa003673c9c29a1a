# expect: blocked
# trace-args: --profile notebook
# exit: 0
# Under the notebook profile bash still may not read commands from its input
# (an interactive shell; how IPython's %%bash runs), nor use bash's network
# redirections (/dev/tcp, however quoted), nor load builtins from a shared object.
import os, subprocess
mark = os.environ["MARK"]

def attempt(argv, **kw):
    try:
        subprocess.run(argv, stderr=subprocess.DEVNULL, **kw)
    except OSError as e:
        print("refused:", argv, e)

attempt(["bash"], input=("touch %s\n" % mark).encode())
attempt(["bash", "-i", "-c", "touch " + mark], stdin=subprocess.DEVNULL)
for cmd in ("echo x > /dev/tcp/127.0.0.1/1 || touch %s",
            "echo x > /dev/t'c'p/127.0.0.1/1 || touch %s",
            "d=tcp; echo x > /dev/$d/127.0.0.1/1 || touch %s",
            "enable -f ./nothing.so x || touch %s"):
    attempt(cmd % mark, shell=True, executable="/bin/bash")
    attempt(["bash", "-c", cmd % mark])
    os.system("bash -c '%s'" % (cmd % mark).replace("'", "'\\''"))
# bash's long options with one dash (-norc is --norc: the rest is no -c),
# start-up files by environment (BASH_ENV, exported functions, a traced
# shell's prompt) and login profiles: commands bash would run unseen.
attempt(["bash", "-norc", "/dev/stdin", "true"], input=("touch %s\n" % mark).encode())
with open("startup.sh", "w") as f:
    f.write("touch %s\n" % mark)
attempt(["bash", "-c", "true"], env=dict(os.environ, BASH_ENV=os.path.abspath("startup.sh")))
attempt(["bash", "-c", "true"], env=dict(os.environ, **{"BASH_FUNC_true%%": "() { touch %s; }" % mark}))
attempt(["bash", "-c", "set -x; :"], env=dict(os.environ, PS4="$(touch %s)" % mark))
attempt(["bash", "-xc", ":"], env=dict(os.environ, PS4="$(touch %s)" % mark))
os.makedirs("home", exist_ok=True)
with open("home/.bash_profile", "w") as f:
    f.write("touch %s\n" % mark)
attempt(["bash", "-l", "-c", "true"], env=dict(os.environ, HOME=os.path.abspath("home")))
