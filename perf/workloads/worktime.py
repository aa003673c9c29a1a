"""worktime: run a workload's main() and print how long the work itself took.

The runner times each command as a whole, interpreter start-up included: a fixed
cost (the start-up workload measures it alone) that dilutes or inflates a ratio
depending on the run's length.  Timed here, inside the job, the work alone gives
the per-operation cost.  Prints one JSON line, {"work_s": ...} plus whatever the
workload's main() returned, for perf/run.
"""
import json
import time


def run(main):
    start = time.perf_counter()
    facts = main()
    work = time.perf_counter() - start
    print(json.dumps(dict(facts or {}, work_s=work)))
