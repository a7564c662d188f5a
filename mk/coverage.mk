# Coverage: `make coverage` writes two reports and their merge (gcovr):
#   build/coverage/host/index.html    host build (core + command layer +
#                                     simulator) from the unit tests, pytest
#                                     on host and the fuzz corpus replay
#   build/coverage/arm/index.html     the ARM kernel itself, from pytest on
#                                     QEMU: GCC's freestanding gcov
#                                     (kernel/arch/armv7/gcov.c), .gcda out
#                                     through semihosting, runs added up by
#                                     ci/gcda_merge.py
#   build/coverage/index.html         both merged
# Separate build trees (build/cov-host, build/cov-arm): normal builds are
# untouched. COV_PYTEST_ARGS adds pytest options (e.g. -k boot).

COV_HOST := $(BUILD)/cov-host
COV_ARM  := $(BUILD)/cov-arm
COV_OUT  := $(BUILD)/coverage
COV_PYTEST_ARGS ?=
COV_XDIST := $(if $(shell $(PYTHON) -c 'import xdist' 2>/dev/null && echo y),-n 2)

# --- ARM: instrumented objects, gcov.c not (it writes the counters out)
COV_ARM_OBJ := $(patsubst %,$(COV_ARM)/obj/%.o,$(ARM_SRC))
COV_ARM_DEFS := -DVMK_COVERAGE -DVMK_GCOV_DIR='"$(abspath $(COV_ARM))/runs"'
COV_ARM_INSTR := -fprofile-arcs -ftest-coverage -fprofile-info-section -fprofile-update=single \
                 -fdata-sections
COV_LIBGCOV = $(shell $(ARM_CC) -march=armv7-a -marm -mfloat-abi=soft -print-file-name=libgcov.a)

$(COV_ARM)/obj/%.c.o: %.c $(HDRS)
	$(call say,CC,$< [cov])
	@mkdir -p $(dir $@)
	$(Q)$(ARM_CC) $(ARM_CFLAGS) $(COV_ARM_DEFS) \
	    $(if $(filter kernel/arch/armv7/gcov.c,$<),,$(COV_ARM_INSTR)) $(DEPFLAGS) -c $< -o $@
$(COV_ARM)/obj/%.S.o: %.S $(HDRS)
	$(call say,AS,$< [cov])
	@mkdir -p $(dir $@)
	$(Q)$(ARM_CC) $(ARM_CFLAGS) $(COV_ARM_DEFS) $(DEPFLAGS) -D__ASSEMBLY__ -c $< -o $@
# vmk.ld plus a .gcov_info output section with its bounds (before
# .ARM.exidx), and the counters gathered at the start of .bss with theirs
$(COV_ARM)/vmk-cov.ld: kernel/arch/armv7/vmk.ld
	@mkdir -p $(dir $@)
	$(Q)awk '/^    \.ARM\.exidx/ { print "    .gcov_info : AT(ADDR(.gcov_info) - PV_OFFSET) {"; \
	    print "        __gcov_info_start = .;"; print "        KEEP(*(.gcov_info))"; \
	    print "        __gcov_info_end = .;"; print "    }"; print "" } \
	    /^        \*\(\.bss \.bss\.\* COMMON\)/ { print "        . = ALIGN(8);"; \
	    print "        __gcov_ctr_start = .;"; print "        *(.bss.__gcov0.*)"; \
	    print "        __gcov_ctr_end = .;" } { print }' $< > $@
	@grep -q __gcov_info_start $@ && grep -q __gcov_ctr_start $@ || \
	    { echo "coverage: vmk.ld has no .ARM.exidx or .bss input line to extend" >&2; rm -f $@; exit 1; }
$(COV_ARM)/vmk.elf: $(COV_ARM_OBJ) $(COV_ARM)/vmk-cov.ld
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_CFLAGS) -nostdlib -static -T $(COV_ARM)/vmk-cov.ld -Wl,--build-id=none \
	    $(COV_ARM_OBJ) $(COV_LIBGCOV) -lgcc -o $@

.PHONY: coverage coverage-host coverage-arm coverage-report
coverage: deps
	@$(MAKE) coverage-host
	@$(MAKE) coverage-arm
	@$(MAKE) coverage-report

# --- host: the same Makefile rules with HOSTB moved and gcc --coverage, -O0
COV_HOST_MAKE = $(MAKE) HOSTB=$(COV_HOST) HOST_CC='$(HOST_CC) --coverage -DVMK_COVERAGE' \
                DEPFLAGS='-MMD -MP -O0'
coverage-host:
	@find $(COV_HOST) -name '*.gcda' -delete 2>/dev/null || true
	@$(COV_HOST_MAKE) $(COV_HOST)/vmsim
	@$(COV_HOST_MAKE) unit
	@$(COV_HOST_MAKE) fuzz-replay
	$(PYTHON) -m pytest pytest -p no:cacheprovider -q --target=host \
	    --vmsim $(COV_HOST)/vmsim $(COV_XDIST) --junitxml=$(COV_OUT)/junit-host.xml $(COV_PYTEST_ARGS) \
	    || echo "coverage: pytest on host had failures (kept going; see $(COV_OUT)/junit-host.xml)"

coverage-arm: $(COV_ARM)/vmk.elf
	@rm -rf $(COV_ARM)/runs; mkdir -p $(COV_ARM)/runs $(COV_OUT)
	@find $(COV_ARM) -name '*.gcda' -delete
	$(PYTHON) -m pytest pytest -p no:cacheprovider -q --target=qemu \
	    --kernel $(COV_ARM)/vmk.elf $(COV_XDIST) --junitxml=$(COV_OUT)/junit-qemu.xml $(COV_PYTEST_ARGS) \
	    || echo "coverage: pytest on QEMU had failures (kept going; see $(COV_OUT)/junit-qemu.xml)"
	$(PYTHON) ci/gcda_merge.py $(COV_ARM)/runs

GCOVR := gcovr -r . --filter kernel/ --exclude kernel/test/ --exclude-unreachable-branches
coverage-report:
	@mkdir -p $(COV_OUT)/host $(COV_OUT)/arm
	@$(GCOVR) --gcov-executable gcov --object-directory $(COV_HOST) $(COV_HOST) \
	    --json $(COV_OUT)/host.json
	@$(GCOVR) --gcov-executable arm-none-eabi-gcov --object-directory $(COV_ARM) $(COV_ARM) \
	    --json $(COV_OUT)/arm.json
	@for r in host arm; do \
	    $(GCOVR) -a $(COV_OUT)/$$r.json --html-details $(COV_OUT)/$$r/index.html \
	        --html-title "vmk coverage: $$r" >/dev/null; \
	    $(GCOVR) -a $(COV_OUT)/$$r.json --json-summary $(COV_OUT)/$$r-summary.json >/dev/null; done
	@$(GCOVR) -a $(COV_OUT)/host.json -a $(COV_OUT)/arm.json --html-details $(COV_OUT)/index.html \
	    --html-title "vmk coverage: host + ARM kernel" >/dev/null
	@$(GCOVR) -a $(COV_OUT)/host.json -a $(COV_OUT)/arm.json --json-summary $(COV_OUT)/summary.json >/dev/null
	@$(PYTHON) ci/coverage_summary.py $(COV_OUT)
