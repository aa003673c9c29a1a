"""Run a Python program or -c command with perf/audithook.py's hook installed first.

    python3 perf/audithook_run.py script.py [args...]
    python3 perf/audithook_run.py -c CODE [args...]

Behaves like ``python3 script.py`` / ``python3 -c CODE``: __main__ is the script,
sys.argv and sys.path[0] are what the interpreter would have set.
"""
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import audithook  # noqa: E402

del sys.path[0]
audithook.install()


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: audithook_run.py SCRIPT [ARGS...] | -c CODE [ARGS...]")
    if sys.argv[1] == "-c":
        source, filename = sys.argv[2], "<string>"
        sys.argv = ["-c"] + sys.argv[3:]
        sys.path[0] = ""
    else:
        filename = sys.argv[1]
        with open(filename, "rb") as f:
            source = f.read()
        sys.argv = sys.argv[1:]
        sys.path[0] = os.path.dirname(os.path.abspath(filename))
    module = types.ModuleType("__main__")
    module.__file__ = filename if filename != "<string>" else None
    if module.__file__ is None:
        del module.__file__
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    exec(compile(source, filename, "exec"), module.__dict__)


main()
