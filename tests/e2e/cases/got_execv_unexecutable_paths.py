# expect: ok
# An execv that cannot succeed fails with the kernel's errno (the exec fast
# path answers it in the job, without a stop); one that can is still decided:
# subprocess along a long PATH of missing and non-executable entries reaches
# true, and bash behind the same PATH is still refused with EPERM.
import errno, os, subprocess, tempfile

work = tempfile.mkdtemp()
plain = os.path.join(work, "true")            # a non-executable file named true
open(plain, "w").close()
results = []
for path, want in (("/nonexistent/x", errno.ENOENT), (plain, errno.EACCES),
                   ("", errno.ENOENT), (plain + "/x", errno.ENOTDIR)):
    try:
        os.execv(path, ["x"])
        results.append(f"{path!r} ran")
    except OSError as e:
        if e.errno != want:
            results.append(f"{path!r}: errno {e.errno}, want {want}")
dirs = [os.path.join(work, f"missing{i}") for i in range(20)] + [work, "/usr/bin", "/bin"]
env = dict(os.environ, PATH=":".join(dirs))
if subprocess.run(["true"], env=env).returncode != 0:
    results.append("true along PATH failed")
try:
    subprocess.run(["bash", "-c", "touch " + os.environ["MARK"]], env=env)
    results.append("bash ran")
except PermissionError:
    pass
print("OK" if not results and not os.path.exists(os.environ["MARK"]) else results)
