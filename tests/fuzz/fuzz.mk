# libFuzzer harnesses (tests/fuzz/README.md).  Included by the top Makefile.
#
#   make fuzz                 build every harness, run each for FUZZ_SECONDS
#                             (make -j2 fuzz: two at a time)
#   make fuzz-smoke           each for FUZZ_SMOKE_SECONDS (CI)
#   make fuzz-regress         replay tests/fuzz/regress/NAME/* through fuzz_NAME
#   make fuzz-build           only build
#   make fuzz-cov             line coverage of the library code by the corpus
#                             (llvm-cov; build-fuzz/logs/NAME.cov.txt)
#   make fuzz-run-NAME        one harness (FUZZ_SECONDS)
#
# Everything is built by clang into build-fuzz/ from the sources (never the gcc
# objects): the library code with coverage instrumentation and ASan+UBSan, the
# harnesses with libFuzzer's main.  The corpus a run grows is kept in
# build-fuzz/corpus/NAME; the seeds (committed ones, policy.ini, the fixtures
# and a sample of the system's shared objects) are copied into
# build-fuzz/seed/NAME at run time.  A crash leaves its input in
# build-fuzz/artifacts/NAME/ and the run's output in build-fuzz/logs/NAME.log.

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 600
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_ELF_SEEDS     ?= 48
FUZZ_ARGS          ?=

FB          := build-fuzz
FUZZ_NAMES  := elfscan policy shsplit jsonw decide initstack logread
FUZZ_BINS   := $(addprefix $(FB)/fuzz_,$(FUZZ_NAMES))

FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
FUZZ_CFLAGS = -g -O1 -std=gnu11 -Wall -Wextra $(FUZZ_SAN) \
               $(shell pkg-config --cflags libelf inih capstone 2>/dev/null)
FUZZ_CPPFLAGS := -D_GNU_SOURCE -I.
FUZZ_LDLIBS = $(call lazy,FUZZ_LDLIBS_,pkg-config --libs libelf inih capstone 2>/dev/null)

# The library sources each harness links (compiled by clang).
FUZZ_SRC_elfscan := $(ELFSCAN_SRC)
FUZZ_SRC_policy  := monitor/policy.c monitor/funcs.c monitor/policy_blob.S
FUZZ_SRC_shsplit := monitor/shsplit.c
FUZZ_SRC_jsonw   := monitor/jsonw.c
FUZZ_SRC_decide  := monitor/decide.c monitor/policy.c monitor/funcs.c monitor/shsplit.c \
                    monitor/policy_blob.S
FUZZ_SRC_initstack := monitor/initstack.c inject/mem.c
FUZZ_SRC_logread := $(wildcard monitor/logtools/*.c) monitor/callfmt.c monitor/jsonw.c \
                    monitor/decide.c monitor/policy.c monitor/funcs.c monitor/shsplit.c \
                    monitor/facts.c monitor/policy_blob.S elfscan/sha256.c monitor/args.c \
                    inject/mem.c inject/arch_x86_64.c monitor/procfs.c monitor/identity.c

# Longest input, and the time one input may take before it counts as a hang
# (generous: an ELF input with 80000 system call sites takes 0.15 s alone but
# took 20 s once while the two cores were shared with benchmarks).
# ELF inputs are whole files (the seeds are up to 200 KB, the fixture with
# 100000 system calls 210 KB); the text inputs
# are bounded by what the monitor would read (a policy line is at most 199
# characters, commands are typically short but nesting needs room); a stack
# image by the monitor's read of it (INITSTACK_WINDOW, 64 KB).
FUZZ_MAXLEN_elfscan := 262144
FUZZ_MAXLEN_policy  := 16384
FUZZ_MAXLEN_shsplit := 8192
FUZZ_MAXLEN_jsonw   := 4096
FUZZ_MAXLEN_decide  := 8192
FUZZ_MAXLEN_initstack := 65536
FUZZ_MAXLEN_logread := 65536
FUZZ_TIMEOUT_elfscan := 60
FUZZ_TIMEOUT_policy  := 10
FUZZ_TIMEOUT_shsplit := 10
FUZZ_TIMEOUT_jsonw   := 10
FUZZ_TIMEOUT_decide  := 10
FUZZ_TIMEOUT_initstack := 10
FUZZ_TIMEOUT_logread := 10
# Token dictionaries (libFuzzer -dict) for the text formats.
FUZZ_DICT_policy  := tests/fuzz/dict/policy.dict
FUZZ_DICT_shsplit := tests/fuzz/dict/shsplit.dict
FUZZ_DICT_decide  := tests/fuzz/dict/shsplit.dict

# Code whose branches do not depend on the input's meaning is sanitized but
# not instrumented for coverage: hashing every ELF input with comparison
# tracing on took a third of the scanner harness's time.
FUZZ_NOCOV_SRC := elfscan/sha256.c

fuzz_obj = $(patsubst %.S,$(FB)/obj/%.o,$(patsubst %.c,$(FB)/obj/%.o,$(1)))

# Library objects: instrumented for coverage, but without libFuzzer's main.
$(FB)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) \
	  $(if $(filter $<,$(FUZZ_NOCOV_SRC)),,-fsanitize=fuzzer-no-link) -MMD -MP -c -o $@ $<

$(FB)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FB)/obj/monitor/policy_blob.o: policy.ini

define FUZZ_HARNESS
$(FB)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz.h $(call fuzz_obj,$(FUZZ_SRC_$(1)))
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CPPFLAGS) $$(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer -o $$@ $$< \
	  $(call fuzz_obj,$(FUZZ_SRC_$(1))) $$(FUZZ_LDLIBS)

.PHONY: fuzz-run-$(1) fuzz-smoke-$(1) fuzz-seed-$(1)
fuzz-run-$(1): $(FB)/fuzz_$(1) fuzz-seed-$(1)
	$$(call fuzz_run,$(1),$$(FUZZ_SECONDS))
fuzz-smoke-$(1): $(FB)/fuzz_$(1) fuzz-seed-$(1)
	$$(call fuzz_run,$(1),$$(FUZZ_SMOKE_SECONDS))
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_HARNESS,$(n))))

# fuzz_run NAME SECONDS: the corpus dir first (new inputs go there), then the
# seeds; the summary lines (cov, ft, execs) end up in the log as well.
fuzz_run = @mkdir -p $(FB)/corpus/$(1) $(FB)/artifacts/$(1) $(FB)/logs && \
	echo "== fuzz_$(1) for $(2) s (log: $(FB)/logs/$(1).log)" && \
	$(FB)/fuzz_$(1) -max_total_time=$(2) -max_len=$(FUZZ_MAXLEN_$(1)) \
	  -timeout=$(FUZZ_TIMEOUT_$(1)) -rss_limit_mb=2048 -print_final_stats=1 \
	  -artifact_prefix=$(FB)/artifacts/$(1)/ \
	  $(if $(FUZZ_DICT_$(1)),-dict=$(FUZZ_DICT_$(1))) \
	  $(FUZZ_ARGS) $(FB)/corpus/$(1) $(FB)/seed/$(1) > $(FB)/logs/$(1).log 2>&1; \
	rc=$$?; grep -E 'DONE +cov|^stat::|^==[0-9]+==ERROR|^SUMMARY|property failed|artifact_prefix|Test unit written' \
	  $(FB)/logs/$(1).log | sed 's/^/   /'; exit $$rc

# Seeds: the committed ones (tests/fuzz/seeds/NAME), plus what only exists on
# this machine or is built.
fuzz_seed = rm -rf $(FB)/seed/$(1) && mkdir -p $(FB)/seed/$(1) && \
	if [ -d tests/fuzz/seeds/$(1) ]; then cp tests/fuzz/seeds/$(1)/* $(FB)/seed/$(1)/; fi

fuzz-seed-elfscan: fixtures
	@$(call fuzz_seed,elfscan)
	@find $(B)/fixtures -type f -exec cp {} $(FB)/seed/elfscan/ \;
	@find -L /usr/lib/x86_64-linux-gnu -maxdepth 1 -name '*.so*' -type f -size -200k \
	  2>/dev/null | sort | awk 'NR % 3 == 1' | head -n $(FUZZ_ELF_SEEDS) | \
	  while read -r f; do cp -L "$$f" $(FB)/seed/elfscan/sys-$$(basename "$$f"); done
	@# shapes the fixtures lack: DT_HASH only or both hash tables, executables
	@$(FX_CC) -Wl,--hash-style=sysv -o $(FB)/seed/elfscan/gen-sysv-hash.so tests/fixtures/versioned.c
	@$(FX_CC) -Wl,--hash-style=both -o $(FB)/seed/elfscan/gen-both-hash.so tests/fixtures/imports.c
	@printf 'int main(void) { return 0; }\n' > $(FB)/seed/main.c
	@$(CC) -O1 -no-pie -o $(FB)/seed/elfscan/gen-exec-nopie $(FB)/seed/main.c
	@$(CC) -O1 -pie -fPIE -Wl,-z,now -o $(FB)/seed/elfscan/gen-exec-pie-now $(FB)/seed/main.c
	@echo "   elfscan seeds: $$(ls $(FB)/seed/elfscan | wc -l) files"
fuzz-seed-policy:
	@$(call fuzz_seed,policy)
	@cp policy.ini $(FB)/seed/policy/policy.ini
fuzz-seed-shsplit:
	@$(call fuzz_seed,shsplit)
fuzz-seed-jsonw:
	@$(call fuzz_seed,jsonw)
fuzz-seed-decide:
	@$(call fuzz_seed,decide)
fuzz-seed-initstack:
	@$(call fuzz_seed,initstack)
fuzz-seed-logread:
	@$(call fuzz_seed,logread)

# Coverage: the same harnesses built with clang's source-based coverage (no
# sanitizers), run once over the corpus and the seeds, reported per file.
FUZZ_LLVM_COV      ?= llvm-cov
FUZZ_LLVM_PROFDATA ?= llvm-profdata
FC := $(FB)/cov
fuzz_cov_obj = $(patsubst %.S,$(FC)/obj/%.o,$(patsubst %.c,$(FC)/obj/%.o,$(1)))
FUZZ_COV_CFLAGS = -g -O0 -std=gnu11 -fprofile-instr-generate -fcoverage-mapping \
                   $(shell pkg-config --cflags libelf inih capstone 2>/dev/null)

$(FC)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_COV_CFLAGS) -c -o $@ $<
$(FC)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) -c -o $@ $<
$(FC)/obj/monitor/policy_blob.o: policy.ini

define FUZZ_COVERAGE
$(FC)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz.h $(call fuzz_cov_obj,$(FUZZ_SRC_$(1)))
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CPPFLAGS) $$(FUZZ_COV_CFLAGS) -fsanitize=fuzzer -o $$@ $$< \
	  $(call fuzz_cov_obj,$(FUZZ_SRC_$(1))) $$(FUZZ_LDLIBS)

.PHONY: fuzz-cov-$(1)
fuzz-cov-$(1): $(FC)/fuzz_$(1) fuzz-seed-$(1)
	@mkdir -p $(FB)/corpus/$(1) $(FB)/logs
	@rm -f $(FC)/$(1).profraw
	@LLVM_PROFILE_FILE=$(FC)/$(1).profraw $(FC)/fuzz_$(1) -runs=0 -max_len=$$(FUZZ_MAXLEN_$(1)) \
	  $(FB)/corpus/$(1) $(FB)/seed/$(1) > $(FC)/$(1).run.log 2>&1
	@$$(FUZZ_LLVM_PROFDATA) merge -sparse -o $(FC)/$(1).profdata $(FC)/$(1).profraw
	@$$(FUZZ_LLVM_COV) report $(FC)/fuzz_$(1) -instr-profile=$(FC)/$(1).profdata \
	  $(filter %.c,$(FUZZ_SRC_$(1))) > $(FB)/logs/$(1).cov.txt
	@echo "== fuzz_$(1) coverage (lines, by file: $(FB)/logs/$(1).cov.txt)"
	@awk '/^TOTAL/ { print "   regions " $$$$4 ", functions " $$$$7 ", lines " $$$$10 ", branches " $$$$13 }' \
	  $(FB)/logs/$(1).cov.txt
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_COVERAGE,$(n))))

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-regress fuzz-clean fuzz-cov
fuzz-build: $(FUZZ_BINS)
fuzz: $(addprefix fuzz-run-,$(FUZZ_NAMES))
fuzz-smoke: fuzz-regress $(addprefix fuzz-smoke-,$(FUZZ_NAMES))
fuzz-cov: $(addprefix fuzz-cov-,$(FUZZ_NAMES))

# Every saved input that once crashed a harness must now pass through it.
fuzz-regress: $(FUZZ_BINS)
	@set -e; for d in tests/fuzz/regress/*/; do \
	  [ -d "$$d" ] || continue; n=$$(basename $$d); \
	  ls $$d | grep -q . || continue; \
	  echo "== fuzz_$$n: $$(ls $$d | wc -l) saved inputs"; \
	  $(FB)/fuzz_$$n $$d* > $(FB)/regress-$$n.log 2>&1 || \
	    { cat $(FB)/regress-$$n.log; echo "fuzz-regress: fuzz_$$n failed"; exit 1; }; \
	done

fuzz-clean:
	rm -rf $(FB)

-include $(shell find $(FB)/obj -name '*.d' 2>/dev/null)
