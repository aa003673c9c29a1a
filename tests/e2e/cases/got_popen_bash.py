# expect: blocked
# popen runs its command through sh as system does.
import os
os.popen("bash -c 'touch \"$MARK\"'").read()
