# expect: ok
# popen of an allowed command.
import os
print("OK" if os.popen("echo hello").read() == "hello\n" else "wrong")
