# expect: blocked
# python: 3.11 shared
# trace-args: -b
# stdin: touch "$MARK"\n
# stderr-has: job.py:13 in Job.payload
# -b: the denial line names the Python line that asked for it, with the
# function's qualified name (CPython 3.11, a shared-libpython build).
import os


class Job:
    def payload(self):
        os.system("bash")


def main():
    Job().payload()
    print("OK")


main()
