# expect: ok
# build: iso_mod.c isolib_r.so -DPLAIN -lpthread
# policy-append: [module */isolib_r.so]\nkill = deny
# refuse = syscall counts an object's own [module] rules: a library whose
# section denies kill, with a kill system call instruction of its own, is
# refused before any of its code runs (under [functions] kill is checked,
# so the same library loads without the section).
import ctypes, os
try:
    ctypes.CDLL(os.path.abspath("isolib_r.so"))
    print("loaded")
except OSError as e:
    print("OK" if "refused by pysbx" in str(e) and "raw kill system call" in str(e) else e)
