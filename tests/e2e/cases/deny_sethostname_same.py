# expect: ok
# sethostname to the current name.
import socket
try:
    socket.sethostname(socket.gethostname())
    print("allowed")
except PermissionError:
    print("OK")
