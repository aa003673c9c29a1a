# expect: blocked
# sh -c around a denied program.
import os
os.system("sh -c \"bash -c 'touch $MARK'\"")
