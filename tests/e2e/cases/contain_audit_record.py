# expect: blocked
# A root job writing records into the machine's audit trail (netlink audit,
# AUDIT_USER, which a login program would send in any user's name) needs
# CAP_AUDIT_WRITE, which the job does not keep.  The kernel's own answer (its
# acknowledgement) says whether the record was taken; as a user the kernel
# refuses it anyway.
import os, socket, struct
text = b"pysbx e2e: harmless audit probe\0"
try:
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)   # NETLINK_AUDIT
    s.settimeout(5)
    s.sendto(struct.pack("=IHHII", 16 + len(text), 1005, 0x1 | 0x4, 1, 0) + text, (0, 0))
    reply = s.recv(4096)
    typ = struct.unpack("=IHHII", reply[:16])[1]
    err = struct.unpack("=i", reply[16:20])[0] if typ == 2 else None
except OSError as e:   # no audit here (a container's network namespace)
    err = "refused: %s" % e
print("acknowledged with", err)
if err == 0:
    open(os.environ["MARK"], "w").write("audit record taken\n")
