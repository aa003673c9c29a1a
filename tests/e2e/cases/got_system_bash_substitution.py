# expect: blocked
# A program name built by the shell at run time ends at a denied exec.
import os
os.system("$(printf ba)sh -c 'touch \"$MARK\"'")
