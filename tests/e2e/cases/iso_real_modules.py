# expect: ok
# stdout-has: OK
# The default isolates extension modules and leaves real ones working, with
# processes started and signalled by Python code while they are loaded:
# numpy on its BLAS threads, psutil, lxml, yaml, and for an interpreter with
# pip's packages (untrusted, so isolated) orjson, pydantic_core and
# cryptography; and the stdlib's own extensions.  Whatever is installed for
# the interpreter is used; the others are skipped (and named).
import os, signal, subprocess, sys
ran, missing = [], []
def use(name, fn):
    try:
        fn()
        ran.append(name)
    except ImportError:
        missing.append(name)

def numpy_work():
    import numpy as np
    a = np.random.default_rng(1).standard_normal((300, 300))
    assert abs(np.linalg.det(a @ np.linalg.inv(a)) - 1) < 1e-6
def psutil_work():
    import psutil
    child = subprocess.Popen(["sleep", "30"])
    p = psutil.Process(child.pid)
    assert psutil.pid_exists(child.pid) and p.ppid() == os.getpid()
    assert child.pid in [c.pid for c in psutil.Process().children()]
    psutil.Process().memory_info(), psutil.cpu_percent(interval=None)
    p.terminate()
    assert child.wait() == -signal.SIGTERM
def lxml_work():
    from lxml import etree
    doc = etree.fromstring(b"<a><b>1</b><b>2</b></a>")
    xslt = etree.XSLT(etree.fromstring(
        b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        b'<xsl:template match="/"><n><xsl:value-of select="sum(//b)"/></n></xsl:template>'
        b'</xsl:stylesheet>'))
    assert str(xslt(doc)).strip().endswith("<n>3</n>")
def yaml_work():
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert yaml.load("a: [1, 2]\nb: {c: d}\n", Loader=loader) == {"a": [1, 2], "b": {"c": "d"}}
def orjson_work():
    import orjson
    assert orjson.loads(orjson.dumps({"a": [1, 2]})) == {"a": [1, 2]}
def pydantic_core_work():
    from pydantic_core import SchemaValidator
    assert SchemaValidator({"type": "int"}).validate_python("12") == 12
def cryptography_work():
    from cryptography.hazmat.primitives import hashes
    h = hashes.Hash(hashes.SHA256())
    h.update(b"x")
    assert len(h.finalize()) == 32
def stdlib_work():
    import _ssl, _sqlite3, _ctypes, select, zlib, multiprocessing
    assert zlib.decompress(zlib.compress(b"x" * 100)) == b"x" * 100
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(abs, [-1, -2]) == [1, 2]

for name, fn in [("numpy", numpy_work), ("psutil", psutil_work), ("lxml", lxml_work),
                 ("yaml", yaml_work), ("orjson", orjson_work),
                 ("pydantic_core", pydantic_core_work), ("cryptography", cryptography_work),
                 ("stdlib", stdlib_work)]:
    use(name, fn)
# processes and signals from Python code, every module above still loaded
assert subprocess.run(["true"]).returncode == 0
assert os.system("ls >/dev/null") == 0
os.kill(os.getpid(), 0)
print("OK ran", ",".join(ran), "| not installed:", ",".join(missing) or "-")
