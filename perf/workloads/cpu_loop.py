"""cpu_loop: about one second of plain interpreter work and nothing else.

Integer arithmetic, comparisons and a local-variable loop: the bytecode
dispatch loop of ceval with no calls into C libraries and no system calls.
The cleanest test that a monitor costs nothing while no dangerous call happens.
"""
import sys
import worktime

N = 5_000_000


def spin(n):
    acc = 0
    x = 1
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        if x & 1:
            acc += i
        else:
            acc -= x >> 16
    return acc


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N
    spin(n)


if __name__ == "__main__":
    worktime.run(main)
