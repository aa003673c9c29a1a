# expect: ok
# Pipelines, redirections, builtins and assignments of allowed programs.
import os
rc = os.system("cd . && FOO=bar echo hello | tr a-z A-Z > out.txt 2>/dev/null")
print("OK" if rc == 0 and open("out.txt").read() == "HELLO\n" else f"rc={rc}")
