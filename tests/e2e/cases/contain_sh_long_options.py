# expect: blocked
# Shell options from the shell's own grammar: "-o interactive -o stdin FILE"
# looks like a script run, but sh reads its commands from its input; so do
# "-eo stdin FILE" and "-s".
import os, subprocess
script = os.path.join(os.getcwd(), "s.sh")
open(script, "w").write("true\n")
payload = "echo shell-read-stdin >> %s\n" % os.environ["MARK"]
for argv in (["sh", "-o", "interactive", "-o", "stdin", script], ["sh", "-eo", "stdin", script],
             ["sh", "-vs"], ["sh", "--", "-s"]):
    try:
        subprocess.run(argv, input=payload.encode(), timeout=10)
    except OSError as e:
        print("refused:", argv, e)
