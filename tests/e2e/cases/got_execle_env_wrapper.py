# expect: blocked
# env is allowed, the bash it runs is not (checked at its own exec).
import os
os.execle("/usr/bin/env", "env", "bash", "-c", "touch " + os.environ["MARK"], dict(os.environ))
