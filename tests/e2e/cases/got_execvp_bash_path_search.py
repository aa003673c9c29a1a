# expect: blocked
# os.execvp searches PATH for bash.
import os
os.execvp("bash", ["bash", "-c", "touch " + os.environ["MARK"]])
