# expect: blocked
# A script written by the command that runs it is still judged when it runs:
# a script that starts bash ends at bash's exec.
import os
os.system("printf 'bash -c \"touch %s\"\\n' > s.sh; sh s.sh" % os.environ["MARK"])
