# expect: ok
# exit: 7
# stdout-has: bye
# The job's exit status passes through.
import sys
print("bye", flush=True)
sys.exit(7)
