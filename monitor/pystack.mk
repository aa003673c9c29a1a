# pystack: CPython 3.11 layout offsets generated from the installed headers
# (python3-dev) into $(B)/monitor/pystack_layout311.h, which pystack.c includes
# as "monitor/pystack_layout311.h" (hence -I$(B)).  The generator is a host
# program built without the project's CFLAGS (no sanitizers) and run once.

PYSTACK_PY311_CFLAGS ?= $(call lazy,PYSTACK_PY311_CFLAGS_, pkg-config --cflags python-3.11 2>/dev/null || \
                          echo -I/usr/include/python3.11)
PYSTACK_GEN    := $(B)/monitor/pystack-gen/layout311
PYSTACK_LAYOUT := $(B)/monitor/pystack_layout311.h

$(PYSTACK_GEN): monitor/pystack-gen/layout311.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror $(PYSTACK_PY311_CFLAGS) -MMD -MP -o $@ $<

$(PYSTACK_LAYOUT): $(PYSTACK_GEN)
	$(PYSTACK_GEN) > $@.tmp && mv $@.tmp $@

$(B)/monitor/pystack.o: $(PYSTACK_LAYOUT)
$(B)/monitor/pystack.o: CPPFLAGS += -I$(B)

# The unit test links only what it uses (the monitor library is others' work
# in progress): pystack, tracee memory, and elfscan to find the symbols.
TEST_OBJS_pystack := $(B)/monitor/pystack.o $(B)/monitor/pystack_decode.o \
                     $(B)/monitor/pystack_pages.o $(B)/inject/mem.o $(B)/libelfscan.a

# The test reads the same offsets to scribble on a live job's interpreter.
$(B)/tests/test_pystack: $(PYSTACK_LAYOUT)
$(B)/tests/test_pystack: CPPFLAGS += -I$(B)
