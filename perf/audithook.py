"""An in-process guard built on CPython audit hooks (PEP 578), for comparison.

This is the configuration "audithook" of perf/run: the alternative to pysbx that
lives inside the job's own interpreter. install() adds a hook that checks the same
kinds of calls pysbx checks, with a deny list modelled on pysbx's default policy:

  os.system, subprocess.Popen, os.exec*, os.posix_spawn*, os.spawn*
      every program named must be allowed; bash and other interactive shells,
      network relays and privilege/namespace tools are denied; sh/dash only with
      -c or a script; shell command lines are split and each command word checked
  os.kill, os.killpg
      only the job's own process, its own process group and its descendants
  ctypes.dlsym
      no address of a dangerous libc function (Table 3, exec*, system, ...)

A denial raises PermissionError (audit hooks can only raise) and prints one line on
stderr. What it cannot do, and why pysbx works from outside: it sees only what the
interpreter reports (native code in a C extension calls system() unseen), it cannot
follow the programs a shell starts, and code in the same process can defeat it.
Its cost is one Python call per audit event of any kind (open, import, compile,
exec, pickle.find_class, ...), which is what the comparison measures.
"""
import os
import sys

DENIED_PROGRAMS = frozenset("""
    bash zsh ksh mksh csh tcsh fish busybox
    nc ncat netcat socat telnet
    sudo su doas pkexec nsenter unshare chroot mount umount setpriv capsh
""".split())
SHELLS_NEED_COMMAND = frozenset({"sh", "dash"})
DANGEROUS_FUNCTIONS = frozenset("""
    system popen execve execv execvp execvpe execl execlp execle fexecve execveat
    posix_spawn posix_spawnp ptrace process_vm_readv process_vm_writev kill tgkill tkill
    settimeofday clock_settime clock_adjtime adjtimex setuid setgid setreuid setregid
    setgroups setresuid setresgid setfsuid setfsgid capset iopl ioperm add_key mount
    umount umount2 chroot unshare setns acct reboot quotactl sethostname setdomainname
    bpf syscall
""".split())
# Words that run the next word as the command (``exec bash``, ``env X=1 bash``).
PREFIX_WORDS = frozenset({"exec", "command", "env", "nohup", "time", "nice", "setsid", "xargs", "builtin"})
SEPARATORS = ";&|()`\n"


class Denied(PermissionError):
    pass


def _deny(what):
    print(f"audithook: denied {what} (pid {os.getpid()})", file=sys.stderr)
    raise Denied(1, f"audithook: denied {what}")


def _name(word):
    if isinstance(word, bytes):
        word = os.fsdecode(word)
    return os.path.basename(os.fspath(word))


def _check_shell(command):
    """Check the first word of every simple command of a shell command line."""
    if isinstance(command, bytes):
        command = os.fsdecode(command)
    text = command.replace("$(", "(")
    for sep in SEPARATORS:
        text = text.replace(sep, "\0")
    for part in text.split("\0"):
        words = [w.replace("'", "").replace('"', "").replace("\\", "") for w in part.split()]
        while words and ("=" in words[0] or words[0] in PREFIX_WORDS or words[0].startswith("-")):
            words.pop(0)
        if words:
            _check_program(words[0], words, f"system({command!r})")


def _check_program(program, argv, what):
    name = _name(program)
    if name in DENIED_PROGRAMS:
        _deny(f"{what}: {name}")
    if name in SHELLS_NEED_COMMAND:
        args = [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in argv[1:]]
        if "-c" in args and args.index("-c") + 1 < len(args):
            _check_shell(args[args.index("-c") + 1])
        elif not [a for a in args if not a.startswith("-")]:
            _deny(f"{what}: {name} reading commands from its input")


def _on_exec(path, argv):
    argv = list(argv) if argv is not None else []
    _check_program(path if path is not None else argv[0], argv or [path], f"exec {_name(path or argv[0])}")


def _in_own_tree(pid):
    me = os.getpid()
    for _ in range(64):
        if pid == me:
            return True
        if pid <= 1:
            return False
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            return False
        pid = int(stat[stat.rindex(b")") + 2:].split()[1])
    return False


def _on_kill(pid, sig):
    if pid == os.getpid() or pid == 0 or (pid < -1 and -pid == os.getpgrp()) or (pid > 0 and _in_own_tree(pid)):
        return
    _deny(f"kill({pid}, {sig})")


def _on_dlsym(name):
    if isinstance(name, bytes):
        name = name.decode("ascii", "replace")
    if isinstance(name, str) and name in DANGEROUS_FUNCTIONS:
        _deny(f"dlsym({name!r})")


HANDLERS = {
    "os.system": lambda a: _check_shell(a[0]),
    "subprocess.Popen": lambda a: _on_exec(a[0], a[1] if isinstance(a[1], (list, tuple)) else [a[1]]),
    "os.exec": lambda a: _on_exec(a[0], a[1]),
    "os.posix_spawn": lambda a: _on_exec(a[0], a[1]),
    "os.spawn": lambda a: _on_exec(a[1], a[2]),
    "os.kill": lambda a: _on_kill(a[0], a[1]),
    "os.killpg": lambda a: _on_kill(-a[0] if a[0] > 1 else a[0], a[1]),
    "ctypes.dlsym": lambda a: _on_dlsym(a[1]),
    "ctypes.dlsym/handle": lambda a: _on_dlsym(a[1]),
}


def install():
    handlers = HANDLERS.get

    def hook(event, args):
        handler = handlers(event)
        if handler is not None:
            handler(args)

    sys.addaudithook(hook)
