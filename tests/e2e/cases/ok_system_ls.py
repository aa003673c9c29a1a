# expect: ok
# An allowed command runs and returns 0.
import os
print("OK" if os.system("ls > /dev/null") == 0 else "wrong")
