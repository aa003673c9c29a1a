# expect: blocked
# stdin: touch "$MARK"\n
# system("bash") reached through the builtins dict and a joined name.
vars(__builtins__)['__imp' + 'ort__']('o' + 's').system('ba' + 'sh')
