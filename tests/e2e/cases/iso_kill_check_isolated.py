# expect: blocked
# exit: 137
# build: iso_mod.c isolib_ic.so -DPLAIN -lpthread
# policy-append: [module */isolib_ic.so]\nsystem = kill
# A [module] rule tightens system from check (its [functions] action) to kill
# for a isolated library: the call ends the whole job (exit 137) before it runs.
import ctypes, os
lib = ctypes.CDLL(os.path.abspath("isolib_ic.so"))
lib.iso_system(f"touch {os.environ['MARK']}".encode())
open(os.environ["MARK"], "w").close()  # reached only if the job was not ended
