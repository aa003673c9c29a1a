# expect: ok
# A command that writes a script and runs it ("... > s.sh; sh s.sh"): the
# script does not exist when the command is judged, so sh is judged at its
# own exec, when it does.
import os, subprocess
print(subprocess.run("echo 'echo OK' > s.sh; sh s.sh", shell=True, capture_output=True,
                     text=True).stdout, end="")
assert os.system("printf 'exit 0\\n' > t.sh && sh t.sh") == 0
