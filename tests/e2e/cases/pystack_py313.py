# expect: blocked
# python: 3.13
# trace-args: -b
# stdin: touch "$MARK"\n
# stderr-has: job.py:13 in Job.payload
# -b: the denial line names the Python line that asked for it, with the
# function's qualified name (CPython 3.13, its layout from _Py_DebugOffsets).
import os


class Job:
    def payload(self):
        os.system("bash")


def main():
    Job().payload()
    print("OK")


main()
