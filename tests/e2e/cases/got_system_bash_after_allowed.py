# expect: blocked
# stdin: touch "$MARK"\n
# A denied program after an allowed one in the same command.
import os
os.system("true; bash")
