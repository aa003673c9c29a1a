"""denied_system: a shell escape, os.system("bash -c true"), repeated.

pysbx's default policy denies bash (an interactive shell program), so under the
monitor every call is stopped at system() and returns -1 at once: this measures the
cost of a denial. A monitor that denies nothing (strace, pysbx --audit) runs it,
and "bash -c true" then runs no command and reads no input (stdin is /dev/null too).

A bare run must never start bash: with --bare the command is os.system("true"),
the cost of one harmless shell command. So the bare figure is a reference for what
an allowed system() costs, not the same work: compare the absolute times per call,
never a ratio. Prints per-call time and what happened as JSON on stdout.
"""
import json
import os
import sys
import time

CALLS = 30
DENIED_CMD = "bash -c true"
BARE_CMD = "true"


def main():
    bare = "--bare" in sys.argv[1:]
    args = [a for a in sys.argv[1:] if a != "--bare"]
    calls = int(args[0]) if args else CALLS
    cmd = BARE_CMD if bare else DENIED_CMD
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)          # nothing may ever read commands from a terminal
    outcomes = {"ran": 0, "denied": 0, "failed": 0}
    start = time.perf_counter()
    for _ in range(calls):
        try:
            status = os.system(cmd)
        except PermissionError:  # an in-process audit hook refuses by raising
            outcomes["denied"] += 1
            continue
        if status == -1:         # system() itself failed: pysbx's denial
            outcomes["denied"] += 1
        elif status == 0:
            outcomes["ran"] += 1
        else:
            outcomes["failed"] += 1
    total = time.perf_counter() - start
    print(json.dumps({"cmd": cmd, "calls": calls, "per_call_us": total / calls * 1e6, **outcomes}))


if __name__ == "__main__":
    main()
