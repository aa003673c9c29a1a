# pysbx: build, test, install.
#
#   make            bin/pysbx-trace and bin/pysbx-scan
#   make check      unit tests (cmocka), end-to-end tests, and the shared corpus when ../shared exists
#   make e2e-all    the end-to-end tests on every CPython 3.8-3.13 the machine has
#   make transparency  CPython's regression tests bare, --audit and default (tests/transparency)
#   make deps       install the Debian build dependencies (apt-get)
#   make demo       build, then run pysbx-trace on an example job
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      performance comparison (perf/run); never part of check
#   SANITIZE=1      build everything with ASan+UBSan into build-san/ (make check SANITIZE=1)

CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
PYTHON  ?= /usr/bin/python3

# Linked in: libelf, inih and libseccomp, statically (they are small, and a
# monitor that loads fewer shared objects starts faster); capstone and
# libunwind are loaded at run time when a scan or -b needs them.
PKGS        := libelf inih libseccomp
LOADED_PKGS := capstone libunwind-ptrace
DEB_DEPS    := build-essential pkg-config libelf-dev libunwind-dev libinih-dev libcmocka-dev \
               libseccomp-dev libcapstone-dev liblzma-dev python3 python3-dev graphviz groff-base \
               man-db time
# The library flags are looked up when a recipe first uses them, not when
# this file is read: `make deps demo` installs the packages (and pkg-config)
# before the first compile asks for them.  `lazy` expands its command once
# and keeps the result for the rest of the run.
lazy        = $(eval $(1) := $$(shell $(2)))$($(1))
PKG_CFLAGS  = $(call lazy,PKG_CFLAGS_,pkg-config --cflags $(PKGS) $(LOADED_PKGS) 2>/dev/null)
PKG_LIBS    = -Wl,-Bstatic $(call lazy,PKG_LIBS_,pkg-config --static --libs $(PKGS) 2>/dev/null) -Wl,-Bdynamic -ldl
CMOCKA_LIBS = $(call lazy,CMOCKA_LIBS_,pkg-config --libs cmocka 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -fno-strict-aliasing $(PKG_CFLAGS)
CPPFLAGS += -D_GNU_SOURCE -I.
LDLIBS   += $(PKG_LIBS)

ifeq ($(SANITIZE),1)
B        := build-san
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
else
B        := build
endif
BIN := $(if $(filter 1,$(SANITIZE)),$(B)/bin,bin)

# Each folder is one library; a program is a thin main linked against them.
ELFSCAN_SRC := $(filter-out elfscan/scan_main.c,$(wildcard elfscan/*.c))
INJECT_SRC  := $(wildcard inject/*.c) $(wildcard inject/*.S)
# monitor/logtools/ (the readers of the event log: --report, --check-log,
# --learn) is a room of its own in the source tree, linked into the same library.
MONITOR_SRC := $(filter-out monitor/main.c,$(wildcard monitor/*.c monitor/logtools/*.c)) $(wildcard monitor/*.S)
obj = $(patsubst %.S,$(B)/%.o,$(patsubst %.c,$(B)/%.o,$(1)))

LIBS := $(B)/libmonitor.a $(B)/libinject.a $(B)/libelfscan.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: all check unit e2e corpus deps demo install clean bench bench-smoke bench-check fuzz valgrind-check
all: $(BIN)/pysbx-trace $(BIN)/pysbx-scan

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The built-in default policy is policy.ini itself, assembled in with .incbin.
$(B)/monitor/policy_blob.o: policy.ini $(wildcard profiles/*.ini)

$(B)/libelfscan.a: $(call obj,$(ELFSCAN_SRC))
$(B)/libinject.a:  $(call obj,$(INJECT_SRC))
$(B)/libmonitor.a: $(call obj,$(MONITOR_SRC))
$(B)/lib%.a:
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(BIN)/pysbx-trace: $(B)/monitor/main.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/pysbx-scan: $(B)/elfscan/scan_main.o $(B)/libelfscan.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A unit test links what it names in TEST_OBJS_<module> (so one module's test does
# not wait on the others), or all libraries when it names nothing.
TEST_OBJS_elfscan := $(B)/libelfscan.a
TEST_OBJS_shsplit := $(B)/monitor/shsplit.o
TEST_OBJS_initstack := $(B)/monitor/initstack.o $(B)/inject/mem.o
TEST_OBJS_unixdiag := $(B)/monitor/unixdiag.o
test_objs = $(if $(TEST_OBJS_$(1)),$(TEST_OBJS_$(1)),$(LIBS))
.SECONDEXPANSION:
$(B)/tests/test_%: tests/unit/test_%.c $$(call test_objs,$$*) | fixtures
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(call test_objs,$*) $(LDLIBS) $(CMOCKA_LIBS)

# Python stacks: generated CPython layout offsets (monitor/pystack.mk).
-include monitor/pystack.mk

# Fuzzing (libFuzzer, clang): `make fuzz` runs each harness for FUZZ_SECONDS.
-include tests/fuzz/fuzz.mk

# Test fixtures (small ELF files and the like) are built by tests/fixtures/fixtures.mk.
FIXTURES :=
-include tests/fixtures/fixtures.mk
.PHONY: fixtures
fixtures: $(FIXTURES)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do \
	  echo "== $$t"; FIXTURES=$(B)/fixtures PYSBX_POLICY_INI=$(CURDIR)/policy.ini $$t; done

e2e: all fixtures
	TIMEOUT_SCALE=$(if $(filter 1,$(SANITIZE)),4,1) \
	  PYSBX_TRACE=$(CURDIR)/$(BIN)/pysbx-trace PYSBX_SCAN=$(CURDIR)/$(BIN)/pysbx-scan \
	  FIXTURES=$(CURDIR)/$(B)/fixtures tests/e2e/run-e2e

# The e2e suite on every interpreter the machine has: Debian's python3 and
# pyenv's CPython 3.8-3.13 (tests/e2e/run-e2e, PYTHONS=all); CI runs it.
.PHONY: e2e-all
e2e-all: all fixtures
	TIMEOUT_SCALE=$(if $(filter 1,$(SANITIZE)),4,1) PYTHONS=all \
	  PYSBX_TRACE=$(CURDIR)/$(BIN)/pysbx-trace PYSBX_SCAN=$(CURDIR)/$(BIN)/pysbx-scan \
	  FIXTURES=$(CURDIR)/$(B)/fixtures tests/e2e/run-e2e

# CPython's own regression tests bare, under --audit and under the default
# policy: the same results but for the intended denials listed in
# tests/transparency/expected.json (27 minutes on four interpreters; CI runs two).
# TRANSPARENCY_PYTHONS="LABEL=PATH ..." picks the interpreters.
.PHONY: transparency
transparency: all
	tests/transparency/check --out $(CURDIR)/$(B)/transparency --trace $(CURDIR)/$(BIN)/pysbx-trace

# Real workloads bare and under pysbx-trace, side by side (psutil's process
# tests, jupyter nbconvert under --profile notebook, pip, a setuptools C
# extension, multiprocessing): a report, skipping what the machine lacks;
# lines that differ by design are listed with their reasons (INTENDED).
.PHONY: workloads
workloads: all
	tests/transparency/workloads --trace $(CURDIR)/$(BIN)/pysbx-trace

# The shared corpus is optional: the project's own tests never need it.
corpus: all
	@if [ -x ../shared/corpus/run-corpus ]; then \
	  ../shared/corpus/run-corpus ../shared/corpus/cases -- $(CURDIR)/$(BIN)/pysbx-trace && \
	  if [ -d ../shared/corpus/containment ]; then \
	    ../shared/corpus/run-corpus ../shared/corpus/containment -- $(CURDIR)/$(BIN)/pysbx-trace; fi; \
	else echo "corpus: ../shared/corpus not present, skipped"; fi

.PHONY: man-check
man-check: all
	PYSBX_TRACE=$(CURDIR)/$(BIN)/pysbx-trace PYSBX_SCAN=$(CURDIR)/$(BIN)/pysbx-scan tests/man-check

# The e2e suite and the shared corpus as an unprivileged user, without CAP_SYS_PTRACE,
# in user namespaces, in bubblewrap, under strace -f and in Docker (as root: it sets them up).
.PHONY: deploy-check
deploy-check: all fixtures
	tests/deploy/matrix -j 2

valgrind-check: all
	PYSBX_TRACE=$(CURDIR)/$(BIN)/pysbx-trace tests/valgrind-check

# The benchmark runner in its smoke mode (one run of three workloads): no
# timing is judged, only that the suite still runs.
bench-check: all
	perf/run --smoke >/dev/null

check: unit e2e man-check bench-check corpus

deps:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y $(DEB_DEPS)

demo: all
	@echo '== pysbx-trace $(PYTHON) tests/e2e/jobs/demo.py'
	$(BIN)/pysbx-trace $(PYTHON) tests/e2e/jobs/demo.py

bench: all
	perf/run

bench-smoke: all
	perf/run --smoke

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	  $(DESTDIR)$(PREFIX)/share/pysbx
	install -m 755 $(BIN)/pysbx-trace $(BIN)/pysbx-scan $(DESTDIR)$(PREFIX)/bin/
	install -m 644 policy.ini $(DESTDIR)$(PREFIX)/share/pysbx/policy.ini
	for m in man/*.1; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/ || true; done
	for m in man/*.5; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/ || true; done

clean:
	rm -rf build build-san bin

-include $(shell find $(B) -name '*.d' 2>/dev/null)
