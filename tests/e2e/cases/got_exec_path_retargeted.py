# expect: blocked
# An exec path the monitor allowed (and may let go straight to execve next
# time) that names bash afterwards: what runs is judged at its exec stop.
import os, subprocess
os.mkdir("d")
link = os.path.abspath("d/prog")
os.symlink("/usr/bin/true", link)
for _ in range(3):
    subprocess.run([link], check=True)
os.unlink(link)
os.symlink("/bin/bash", link)
for _ in range(3):
    try:
        subprocess.run([link, "-c", "touch " + os.environ["MARK"]])
    except PermissionError:
        pass
