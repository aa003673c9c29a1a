# expect: blocked
# stdin: touch "$MARK"\n
# os._wrap_close.__init__.__globals__ is the os module's namespace.
k = [c for c in ().__class__.__mro__[1].__subclasses__() if c.__name__.endswith('wrap_close')][0]
k.__init__.__globals__['system']('bash')
