# expect: ok
# build: iso_mod.c evilmod.so -DMODNAME=evilmod -lpthread
# policy-append: [module untrusted]\nsystem = deny
# A module calls os.system through the C API from a stack of its own making
# whose words above it are hostile (random, addresses looping through the
# stack itself, addresses in its own code): the walk stops safely where it
# must (an error, the frame bound), frames it cannot walk count as code in no
# loaded object ([module untrusted] binds it), every call is denied, and the
# job and the monitor go on.
import os, evilmod
cmd = f"touch {os.environ['MARK']}"
got = [evilmod.hostile_system(cmd, pat) for pat in (0, 1, 2) for _ in range(3)]
own = os.system("true")
print("OK" if got == [-1] * 9 and own == 0 else (got, own))
