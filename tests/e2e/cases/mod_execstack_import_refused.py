# expect: ok
# build: obj_execstack_ext.c xstack.so -z execstack
# import of a refused extension raises ImportError saying why; the job goes on.
try:
    import xstack
    print("imported")
except ImportError as e:
    print("OK" if "refused by pysbx" in str(e) and "executable stack" in str(e) else e)
