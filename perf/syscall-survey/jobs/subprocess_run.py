# subprocess.run of ls, true, sh -c; os.system; os.popen; Popen with pipes
import os, subprocess
subprocess.run(["ls", "/"], stdout=subprocess.DEVNULL, check=True)
subprocess.run(["true"], check=True)
subprocess.run(["sh", "-c", "echo hi | cat > /dev/null"], check=True)
subprocess.run("ls -l /tmp | wc -l", shell=True, stdout=subprocess.DEVNULL, check=True)
out = subprocess.check_output(["sh", "-c", "echo $$"], text=True)
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
assert p.communicate(b"data", timeout=10)[0] == b"data"
os.system("true")
os.popen("ls /").read()
subprocess.run(["true"], close_fds=False, start_new_session=True, check=True)
subprocess.run(["true"], preexec_fn=lambda: None, check=True)
try:
    subprocess.run(["sleep", "5"], timeout=0.2)
except subprocess.TimeoutExpired:
    pass
print("subprocess ok")
