# expect: blocked
# exit: 137
# build: iso_mod.c isolib_ta.so -DPLAIN -lpthread
# policy-append: [objects]\ntrust = */isolib_ta.so\n[module */isolib_ta.so]\nfork = kill
# A [module] rule tightens fork from allow (its [functions] action) to kill
# for a trusted library: the call ends the whole job (exit 137) before it runs.
import ctypes, os
lib = ctypes.CDLL(os.path.abspath("isolib_ta.so"))
lib.iso_fork()
open(os.environ["MARK"], "w").close()  # reached only if the job was not ended
