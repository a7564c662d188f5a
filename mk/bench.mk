# Benchmarks: `make bench` measures every figure beside its floor in one
# run (rig/bench_suite.py), a table on stderr and one JSON document on
# stdout, exit 1 when a ratio misses its target. Everything it runs is
# built first, quietly, with the build's own output sent to stderr, so
# `make bench > bench.json` is JSON even from a clean clone.
#   BENCH_ARGS=--quick      fewer repetitions
#   BENCH_TEST=1            also time `make test`, serial and with xdist
#   make bench-baseline     rewrite ci/bench-baseline.json from a run

BENCH_FLOOR_ELF := $(BUILD)/bench/ready.elf
# Expanded when used: mk/fuzz.mk, which sets FUZZ_CC and FUZZ_DIR and
# builds the empty harness (fuzz/empty.c), is read after this.
BENCH_DEPS = $(BUILD)/vmk.elf $(HOSTB)/vmsim $(HOSTB)/bench_core $(BENCH_FLOOR_ELF) \
              $(if $(shell command -v $(FUZZ_CC) 2>/dev/null),$(FUZZ_DIR)/empty_afl $(FUZZ_DIR)/harness_afl)
BENCH_ARGS ?=
ifneq ($(BENCH_TEST),)
  BENCH_ARGS += --test-time
endif

.PHONY: bench bench-baseline bench-deps
bench-deps:
	@$(MAKE) -s deps >&2
	@$(MAKE) -s $(BENCH_DEPS) >&2

bench: bench-deps
	@$(PYTHON) -m rig.bench_suite $(BENCH_ARGS)

bench-baseline: bench-deps
	@$(PYTHON) -m rig.bench_suite $(BENCH_ARGS) --write-baseline ci/bench-baseline.json >/dev/null || true

# The floor of launch-to-ready: prints `ready` over semihosting and waits.
$(BENCH_FLOOR_ELF): kernel/test/bench/ready.S kernel/test/bench/ready.ld
	$(call say,AS,$@)
	@mkdir -p $(dir $@)
	$(Q)$(ARM_CC) -march=armv7-a -marm -nostdlib -static -T kernel/test/bench/ready.ld \
	    -Wl,--build-id=none $< -o $@

