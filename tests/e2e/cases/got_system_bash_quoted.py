# expect: blocked
# stdin: touch "$MARK"\n
# Quotes inside the word do not hide the program from the splitter.
import os
os.system("b''a\"s\"h")
