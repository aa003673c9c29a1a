# expect: ok
# build: iso_mod.c evilmod.so -DMODNAME=evilmod -lpthread
# stderr-has: on behalf of
# The exec stop knows who asked for a vfork child's exec: an extension module
# calls libc's system() found in libc's own symbol table (no GOT slot sees
# it); libc's vfork child execs the shell, and its exec stop judges the exec
# on behalf of the objects on the parent's stack at the vfork: the module,
# which may not run programs.  The child exits 126 before it runs anything.
# The interpreter's own os.system in the same job runs.
import os, evilmod
rc, err = evilmod.hidden_system(f"touch {os.environ['MARK']}")
own = os.system("true")
print("OK" if os.WIFEXITED(rc) and os.WEXITSTATUS(rc) == 126 and own == 0 else (rc, err, own))
