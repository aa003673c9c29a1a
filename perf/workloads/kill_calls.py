"""kill_calls: 10,000 allowed dangerous calls, os.kill(os.getpid(), 0).

kill() is a dangerous function (the paper's Table 3) but signal 0 to the job's own
process is allowed by the default policy, so under pysbx every call costs one trap
and one ptrace round trip and then runs. Signal 0 delivers nothing, so the payload
is harmless whatever the monitor does. Prints the time per call, measured inside
the process, as JSON on stdout; the runner subtracts the bare time per call.
"""
import json
import os
import statistics
import sys
import time

CALLS = 10_000
BATCH = 1_000


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else CALLS
    pid = os.getpid()
    kill = os.kill
    batches = []
    start = time.perf_counter()
    for _ in range(calls // BATCH):
        t = time.perf_counter()
        for _ in range(BATCH):
            kill(pid, 0)
        batches.append((time.perf_counter() - t) / BATCH)
    total = time.perf_counter() - start
    print(json.dumps({"calls": calls // BATCH * BATCH,
                      "per_call_us": total / (calls // BATCH * BATCH) * 1e6,
                      "median_batch_per_call_us": statistics.median(batches) * 1e6}))


if __name__ == "__main__":
    main()
