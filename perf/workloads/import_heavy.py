"""import_heavy: import the whole standard library, then numpy when installed.

Every extension module of the interpreter's lib-dynload directory (each import is
a dlopen of a new object: the monitor scans it and redirects its GOT before its
code runs), every other top-level standard-library module, and numpy with its
linalg, fft and random parts (several more shared objects, BLAS among them).
Modules that act when imported (open a browser, print) are left out; modules
missing on this system are skipped. Measures the per-object cost of dlopen.
"""
import importlib
import os
import sys
import sysconfig
import warnings
import worktime

# Importing these does something visible, or drags in a test suite or a GUI.
SKIP = {"antigravity", "this", "__hello__", "__phello__", "__main__", "idlelib", "turtledemo",
        "test", "turtle", "tkinter", "_tkinter"}
NUMPY = ["numpy", "numpy.linalg", "numpy.fft", "numpy.random", "numpy.polynomial", "numpy.ma"]


def extension_modules():
    d = sysconfig.get_config_var("DESTSHARED") or ""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    try:
        names = os.listdir(d)
    except OSError:
        return []
    return sorted(n[:-len(suffix)] for n in names if n.endswith(suffix))


def main():
    warnings.simplefilter("ignore")
    names = extension_modules()
    exts = len(names)
    names += sorted(n for n in sys.stdlib_module_names if n not in names)
    names += NUMPY
    loaded = failed = 0
    for name in names:
        if name in SKIP or name in sys.modules:
            continue
        try:
            importlib.import_module(name)
            loaded += 1
        except Exception:   # absent here (Windows-only, optional package): not the point
            failed += 1
    return {"extensions": exts, "imported": loaded, "unavailable": failed,
            "numpy": "numpy" in sys.modules}


if __name__ == "__main__":
    worktime.run(main)
