# expect: blocked
# python: 3.8
# trace-args: -b
# stdin: touch "$MARK"\n
# stderr-has: job.py:12 in payload
# -b: the denial line names the Python line that asked for it (CPython 3.8:
# frame objects; a code object has no qualified name before 3.11).
import os


def payload():
    os.system("bash")


def main():
    payload()
    print("OK")


main()
