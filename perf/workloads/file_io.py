"""file_io: create, write, stat, list, read and delete many small files.

A few thousand files of 0-4 KiB in a private temporary directory, several passes:
open/write/close, listdir, stat, open/read/close, rename, unlink. Many cheap system
calls, none of them dangerous: a monitor that stops on system calls pays here.

The files go to /dev/shm (tmpfs) when it is there, so that the system calls are
measured and not the disk: on the project's VMs creating a file in /tmp costs from
0.1 to 3 ms depending on the moment, which would drown any monitor's cost.
PYSBX_PERF_TMPDIR overrides the place.

Like every workload it prints the time of its work alone (worktime.py): here the
per-operation cost of the I/O without the interpreter's start-up.
"""
import os
import sys
import tempfile
import worktime

FILES = 1500
PASSES = 4


def one_pass(root, n):
    names = []
    for i in range(n):
        p = os.path.join(root, f"f{i:05d}.dat")
        with open(p, "wb") as f:
            f.write(bytes([i & 0xFF]) * (i % 4096))
        names.append(p)
    total = 0
    for entry in os.scandir(root):
        total += entry.stat().st_size
    for p in names:
        with open(p, "rb") as f:
            total -= len(f.read())
    for p in names:
        os.rename(p, p + ".old")
        os.unlink(p + ".old")
    return total


def scratch_dir():
    chosen = os.environ.get("PYSBX_PERF_TMPDIR")
    if chosen:
        return chosen
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK):
        return "/dev/shm"
    return None


def main():
    passes = int(sys.argv[1]) if len(sys.argv) > 1 else PASSES
    with tempfile.TemporaryDirectory(prefix="pysbx-perf-", dir=scratch_dir()) as root:
        for _ in range(passes):
            if one_pass(root, FILES) != 0 or os.listdir(root):
                sys.exit("file_io: sizes or leftovers differ")


if __name__ == "__main__":
    worktime.run(main)
