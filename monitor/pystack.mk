# pystack: Python stacks for -b.  The CPython layouts are a table in the
# source (monitor/pystack_layouts.c), so the build needs no Python headers.
#
#   make pystack-layouts   prints the table's rows again from the headers of
#                          every CPython 3.8-3.13 found here (/usr/include and
#                          pyenv), for a maintainer to compare or to add a version

PYSTACK_LAYOUT_PYTHONS ?= $(wildcard /usr/bin/python3.[0-9] /usr/bin/python3.1[0-9] \
                            $(HOME)/.pyenv/versions/3.*/bin/python3)

.PHONY: pystack-layouts
pystack-layouts:
	@mkdir -p $(B)/monitor/pystack-gen
	@for py in $(PYSTACK_LAYOUT_PYTHONS); do \
	  inc=$$($$py -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null) || continue; \
	  [ -e "$$inc/Python.h" ] || continue; \
	  plat=$$($$py -c 'import sysconfig; print(sysconfig.get_paths()["platinclude"])'); \
	  $(CC) -std=gnu11 -Wall -Wextra -I"$$inc" -I"$$plat" -o $(B)/monitor/pystack-gen/layouts \
	    monitor/pystack-gen/layouts.c 2>/dev/null || { echo "/* $$py: headers do not build */"; continue; }; \
	  echo "/* $$py */"; $(B)/monitor/pystack-gen/layouts; \
	done

# The unit test links only what it uses (the monitor library is others' work
# in progress): pystack, tracee memory, and elfscan to find the symbols.
TEST_OBJS_pystack := $(B)/monitor/pystack.o $(B)/monitor/pystack_decode.o \
                     $(B)/monitor/pystack_pages.o $(B)/monitor/pystack_layouts.o \
                     $(B)/inject/mem.o $(B)/libelfscan.a

# Native frame names read .gnu_debugdata (MiniDebugInfo, xz) when lzma.h is
# here at build time (Debian's liblzma-dev); liblzma itself is loaded at run
# time, the first time a file has such a section.
BTSYMS_LZMA = $(call lazy,BTSYMS_LZMA_,pkg-config --exists liblzma 2>/dev/null && echo -DPYSBX_HAVE_LZMA)
$(B)/monitor/backtrace_syms.o: CPPFLAGS += $(BTSYMS_LZMA)

TEST_OBJS_btsyms := $(B)/monitor/backtrace_syms.o $(B)/libelfscan.a
