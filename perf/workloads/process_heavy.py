"""process_heavy: start many short child processes with subprocess.run(["true"]).

Each iteration forks (CPython uses vfork where it can) and execs /bin/true, then
waits for it. Under a monitor every child is traced, every exec is checked, and
the process start cost is paid again and again: the worst case for pysbx short of
dangerous calls. The program run is harmless whatever the monitor decides.
"""
import shutil
import subprocess
import sys
import worktime

COUNT = 800


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    true = shutil.which("true") or "/bin/true"
    for _ in range(count):
        subprocess.run([true], check=True, stdin=subprocess.DEVNULL)


if __name__ == "__main__":
    worktime.run(main)
