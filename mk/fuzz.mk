# mk/fuzz.mk: the fuzz harnesses, their builds and the campaign tools.
#
#   make fuzz [FUZZ_SECS=n]  AFL++ campaign on every core (main + CMPLOG,
#                            laf-intel, ASan secondaries); resumes fuzz/out
#   make fuzz-smoke          short campaign (FUZZ_SMOKE_SECS), part of `make test`
#   make fuzz-replay         the regression corpus through the gcc build
#   make fuzz-status / fuzz-plot / fuzz-cmin / fuzz-triage / fuzz-bench
#   make mutants [MUTANTS=id,...]   planted bugs, which layer kills each
#
# The harness links every host file but console.c (fuzz/fuzz_console.c
# captures replies in memory instead).

FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_CC    ?= afl-clang-fast
FUZZ_SIM   := $(filter-out kernel/arch/host/console.c,$(SIM_SRC))
FUZZ_OBJ   := $(filter-out $(HOSTB)/obj/kernel/arch/host/console.c.o,$(SIM_OBJ))
FUZZ_HSRC  := fuzz/harness.c fuzz/fuzz_console.c fuzz/boot.c
FUZZ_LSRC  := fuzz/harness_line.c fuzz/fuzz_console.c fuzz/boot.c
FUZZ_INC   := $(INCLUDES) -Ikernel/arch/host -Ifuzz -DVMK_VERSION='"fuzz"'
FUZZ_FLAGS := -O2 -g -std=gnu11 -w $(FUZZ_INC)
# The AFL++ builds are one compiler call each (no .d files) with their own
# version string: every header, not the version stamp, which changes with
# each commit and would rebuild them all.
FUZZ_HDRS  := $(shell find kernel fuzz -name '*.h')
FUZZ_DEPS  := $(FUZZ_HSRC) $(FUZZ_SIM) $(FUZZ_HDRS)
FUZZ_SECS  ?= 60
FUZZ_SMOKE_SECS ?= 30
FUZZ_DEFS  ?=     # e.g. -DFUZZ_NO_FULL_CHECK, -DFUZZ_GLOBAL_USER=1
# Coverage of the core and the simulated TLB only: fuzz/instrument.deny for
# every build, and for the op harness's builds fuzz/instrument-op.deny too
# (the command layer's text machinery and per-page lookups), joined into
# $(FUZZ_DIR)/op.deny; the line harness overrides it with the first alone.
export AFL_LLVM_DENYLIST := $(abspath $(FUZZ_DIR)/op.deny)
export AFL_QUIET := 1
# No NeverZero step on every edge (a counter that wraps to 0 at exactly
# 256k hits loses that edge for one exec): per-page and per-word loops run
# thousands of edges an input; 0.20 -> 0.187 s for 6,000 execs (above).
export AFL_LLVM_SKIP_NEVERZERO := 1
FUZZ_DEPS  += $(FUZZ_DIR)/op.deny

$(FUZZ_DIR)/op.deny: fuzz/instrument.deny fuzz/instrument-op.deny
	@mkdir -p $(dir $@)
	$(Q)cat $^ > $@

.PHONY: fuzz fuzz-smoke fuzz-replay fuzz-status fuzz-plot fuzz-cmin fuzz-triage \
        fuzz-builds fuzz-bench mutants

# gcc replay build: replays files, prints them as command scripts (-s).
$(HOSTB)/fuzz_replay: $(FUZZ_HSRC) $(FUZZ_OBJ) fuzz/fuzz_console.h $(HDRS)
	$(call say,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(FUZZ_DEFS) -Ifuzz $(FUZZ_HSRC) $(FUZZ_OBJ) -o $@
$(HOSTB)/fuzz_line_replay: $(FUZZ_LSRC) $(FUZZ_OBJ) fuzz/fuzz_console.h $(HDRS)
	$(call say,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ifuzz $(FUZZ_LSRC) $(FUZZ_OBJ) -o $@

# Profile-guided and link-time optimization (FUZZ_PGO=1, the default) of
# the op harness's AFL++ builds but the sanitizer one: the profile is that
# of an AFL++ build of the replay main over the seed corpus (fuzz/corpus/
# ops, not fuzz/bench-corpus, on which `make bench` measures), one process
# per seed, so that a seed a mutant crashes leaves the others' counts; with
# no counts at all the builds are -flto alone. 24.7 -> 21.4 us per queue
# input (the AFL++ build's replay main, best of 5 x 4,000 execs).
FUZZ_PGO      ?= 1
LLVM_PROFDATA ?= $(firstword $(shell command -v llvm-profdata llvm-profdata-14 2>/dev/null))
FUZZ_PROF     := $(FUZZ_DIR)/pgo/harness.profdata
ifeq ($(FUZZ_PGO)$(if $(LLVM_PROFDATA),1),11)
FUZZ_OPT_DEPS := $(FUZZ_PROF)
FUZZ_OPT       = -flto $$(test -s $(FUZZ_PROF) && echo -fprofile-instr-use=$(FUZZ_PROF))
endif

$(FUZZ_DIR)/pgo/gen: $(FUZZ_DEPS)
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -DFUZZ_REPLAY_MAIN -fprofile-instr-generate $(FUZZ_HSRC) $(FUZZ_SIM) -o $@
$(FUZZ_PROF): $(FUZZ_DIR)/pgo/gen $(wildcard fuzz/corpus/ops/*)
	$(call say,PROFILE,$@)
	$(Q)rm -f $(FUZZ_DIR)/pgo/*.profraw $@
	$(Q)for f in fuzz/corpus/ops/*; do \
	  LLVM_PROFILE_FILE=$(FUZZ_DIR)/pgo/%p.profraw $< "$$f" >/dev/null 2>&1 || :; done
	$(Q)set -- $(FUZZ_DIR)/pgo/*.profraw; \
	  if [ -e "$$1" ]; then $(LLVM_PROFDATA) merge -o $@ "$$@"; else : > $@; \
	  echo "fuzz: no seed ran to its end in $<: no profile, -flto alone" >&2; fi

# AFL++ builds: persistent mode with shared-memory input.
$(FUZZ_DIR)/harness_afl: $(FUZZ_DEPS) $(FUZZ_OPT_DEPS)
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_OPT) $(FUZZ_HSRC) $(FUZZ_SIM) -o $@
# The same with one CPU (FZ_CPUS=1: every op on CPU 0), for fuzz-bench.
$(FUZZ_DIR)/harness_afl_cpus1: $(FUZZ_DEPS) $(FUZZ_OPT_DEPS)
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_OPT) -DFZ_CPUS=1 $(FUZZ_HSRC) $(FUZZ_SIM) -o $@
$(FUZZ_DIR)/harness_cmplog: $(FUZZ_DEPS) $(FUZZ_OPT_DEPS)
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)AFL_LLVM_CMPLOG=1 $(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_OPT) $(FUZZ_HSRC) $(FUZZ_SIM) -o $@
$(FUZZ_DIR)/harness_laf: $(FUZZ_DEPS) $(FUZZ_OPT_DEPS)
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)AFL_LLVM_LAF_ALL=1 $(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_OPT) $(FUZZ_HSRC) $(FUZZ_SIM) -o $@
$(FUZZ_DIR)/harness_asan: $(FUZZ_DEPS)
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)AFL_USE_ASAN=1 AFL_USE_UBSAN=1 $(FUZZ_CC) $(FUZZ_FLAGS) -fno-sanitize-recover=all $(FUZZ_HSRC) $(FUZZ_SIM) -o $@
$(FUZZ_DIR)/harness_line_afl: $(FUZZ_LSRC) $(FUZZ_SIM) $(FUZZ_HDRS) fuzz/instrument.deny
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)AFL_LLVM_DENYLIST=$(CURDIR)/fuzz/instrument.deny $(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_LSRC) $(FUZZ_SIM) -o $@
# The floor: no deny list (the op harness's may not be made yet: a clean
# clone's `make bench` builds this first).
$(FUZZ_DIR)/empty_afl: fuzz/empty.c
	$(call say,AFLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)env -u AFL_LLVM_DENYLIST $(FUZZ_CC) -O2 fuzz/empty.c -o $@
# libFuzzer (and OSS-Fuzz/ClusterFuzzLite) entry point, when clang has it.
$(FUZZ_DIR)/harness_libfuzzer: $(FUZZ_DEPS)
	$(call say,CLANG,$@)
	@mkdir -p $(dir $@)
	$(Q)clang -fsanitize=fuzzer,address,undefined -DFUZZ_LIBFUZZER $(FUZZ_FLAGS) $(FUZZ_HSRC) $(FUZZ_SIM) -o $@

FUZZ_BINS := $(FUZZ_DIR)/harness_afl $(FUZZ_DIR)/harness_cmplog $(FUZZ_DIR)/harness_laf \
             $(FUZZ_DIR)/harness_asan $(FUZZ_DIR)/harness_line_afl $(FUZZ_DIR)/empty_afl
fuzz-builds: $(FUZZ_BINS) $(HOSTB)/fuzz_replay $(HOSTB)/fuzz_line_replay

# The regression corpus replays in every `make test`; a finding fails it.
fuzz-replay: $(HOSTB)/fuzz_replay $(HOSTB)/fuzz_line_replay
	./$(HOSTB)/fuzz_replay fuzz/corpus/ops/*
	./$(HOSTB)/fuzz_line_replay fuzz/corpus/lines/*

fuzz: fuzz-builds
	FUZZ_SECS=$(FUZZ_SECS) bash fuzz/campaign.sh

# The smoke run (part of `make test`): main + CMPLOG on 2 cores, the line
# harness beside them; fails on any crash.
FUZZ_SMOKE_BINS := $(FUZZ_DIR)/harness_afl $(FUZZ_DIR)/harness_cmplog $(FUZZ_DIR)/harness_line_afl \
                   $(HOSTB)/fuzz_replay $(HOSTB)/fuzz_line_replay
fuzz-smoke: $(FUZZ_SMOKE_BINS)
	FUZZ_SECS=$(FUZZ_SMOKE_SECS) FUZZ_CORES=2 FUZZ_OUT=$(FUZZ_DIR)/smoke FUZZ_FRESH=1 bash fuzz/campaign.sh

fuzz-status:
	@afl-whatsup -d -s $${FUZZ_OUT:-fuzz/out}

fuzz-plot:
	@bash fuzz/plot.sh $${FUZZ_OUT:-fuzz/out}

fuzz-cmin: $(FUZZ_DIR)/harness_afl
	bash fuzz/cmin.sh $(FUZZ_DIR)/harness_afl

fuzz-triage: $(HOSTB)/fuzz_replay $(FUZZ_DIR)/harness_afl all
	$(PYTHON) fuzz/triage.py --out $${FUZZ_OUT:-fuzz/out} $(TRIAGE_ARGS)

fuzz-bench: $(HOSTB)/fuzz_replay $(FUZZ_DIR)/harness_afl $(FUZZ_DIR)/harness_afl_cpus1 $(FUZZ_DIR)/empty_afl
	@bash fuzz/bench.sh

mutants: mutants-unit $(HOSTB)/fuzz_replay
	$(PYTHON) fuzz/mutants.py $(if $(MUTANTS),--only $(MUTANTS)) $(MUTANT_ARGS)
