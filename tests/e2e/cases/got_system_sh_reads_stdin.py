# expect: blocked
# stdin: touch "$MARK"\n
# sh reading commands from its input is an interactive shell.
import os
os.system("sh")
