# expect: blocked
# shell=True with a denied program: sh -c is judged with its command.
import subprocess
subprocess.run("bash -c 'touch \"$MARK\"'", shell=True)
