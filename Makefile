# vmk: build, run and test. `make` builds the kernel and the host simulator;
# `make run` boots the kernel in QEMU with a shell; `make test` runs every
# test. Both install what is missing first (ci/deps.sh, Debian packages).

PYTHON  ?= /usr/bin/python3
CPU     ?= cortex-a15
MEM     ?= 256M
BUILD   := build
HOSTB   := $(BUILD)/host

CROSS   ?= arm-none-eabi-
ARM_CC  := $(CROSS)gcc
HOST_CC ?= gcc

# Every folder of the core is on the include path, so a header keeps its
# name wherever its module lives; sources are found in subfolders too.
CORE_DIRS := $(shell find kernel/mm kernel/cmd -type d | sort)
INCLUDES  := -Ikernel/include $(addprefix -I,$(CORE_DIRS))
WARN     := -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0)

ARM_CFLAGS  := -march=armv7-a -marm -mfloat-abi=soft -ffreestanding -fno-builtin \
               -fno-common -fno-stack-protector -nostdlib -O2 -g -std=gnu11 $(WARN) \
               $(INCLUDES) -Ikernel/arch/armv7 -DVMK_VERSION='"$(VERSION)"'
ARM_LDFLAGS := -nostdlib -static -T kernel/arch/armv7/vmk.ld -Wl,--build-id=none
# Functions and loops aligned: the host figures of `make bench` (ns per
# page) otherwise move with where an unrelated change puts the hot loops
# (map+unmap of 64K pages: 39 -> 54 ns after pt_walk.c grew, same
# instruction count; 38 aligned).
HOST_CFLAGS ?= -O2 -g -std=gnu11 -falign-functions=64 -falign-loops=32 $(WARN) \
               $(INCLUDES) -Ikernel/arch/host -DVMK_VERSION='"$(VERSION)"'

CORE_SRC := $(sort $(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c)))
ARM_SRC  := $(CORE_SRC) $(wildcard kernel/arch/armv7/*.c kernel/arch/armv7/*.S)
SIM_SRC  := $(CORE_SRC) $(filter-out kernel/arch/host/vmsim_main.c,$(wildcard kernel/arch/host/*.c))
UNIT_SRC := $(wildcard kernel/test/test_*.c)
UNIT_BIN := $(patsubst kernel/test/%.c,$(HOSTB)/%,$(UNIT_SRC))

ARM_OBJ  := $(patsubst %,$(BUILD)/arm/%.o,$(ARM_SRC))
SIM_OBJ  := $(patsubst %,$(HOSTB)/obj/%.o,$(SIM_SRC))
# Header dependencies come from the compiler (-MMD -MP, the .d files);
# only the version stamp is named by hand.
DEPFLAGS := -MMD -MP
HDRS     := $(BUILD)/version

# Quiet by default: one short line per step; `make V=1` prints the commands.
V ?= 0
ifeq ($(V),0)
  Q   := @
  say  = @printf '  %-6s %s\n' $(1) $(2)
  MAKEFLAGS += --no-print-directory
else
  Q   :=
  say  = @:
endif

.PHONY: all deps run test unit pytest debug clean
all: $(BUILD)/vmk.elf $(HOSTB)/vmsim

deps:
	@bash ci/deps.sh

# Rewritten only when `git describe` changes, so `info` never shows a stale version.
$(BUILD)/version: FORCE
	@mkdir -p $(BUILD); echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
FORCE:

$(BUILD)/arm/%.c.o: %.c $(HDRS)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(ARM_CC) $(ARM_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(BUILD)/arm/%.S.o: %.S $(HDRS)
	$(call say,AS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(ARM_CC) $(ARM_CFLAGS) $(DEPFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(BUILD)/vmk.elf: $(ARM_OBJ) kernel/arch/armv7/vmk.ld
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_CFLAGS) $(ARM_LDFLAGS) $(ARM_OBJ) -lgcc -o $@

$(HOSTB)/obj/%.c.o: %.c $(HDRS)
	$(call say,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(HOSTB)/vmsim: $(SIM_OBJ) $(HOSTB)/obj/kernel/arch/host/vmsim_main.c.o
	$(call say,LD,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $^ -o $@
$(HOSTB)/test_%: kernel/test/test_%.c $(SIM_OBJ) $(HDRS)
	$(call say,HOSTCC,$<)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -MT $@ -MF $@.d -Ikernel/test $< $(SIM_OBJ) -o $@
$(HOSTB)/bench_core: kernel/test/bench_core.c $(SIM_OBJ) $(HDRS)
	$(call say,HOSTCC,$<)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -MT $@ -MF $@.d $< $(SIM_OBJ) -o $@

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; ./$$t; done

QEMU_CMD = qemu-system-arm -M virt -cpu $(CPU) -m $(MEM) -nodefaults -display none \
           -kernel $(BUILD)/vmk.elf -chardev stdio,id=s0 \
           -semihosting-config enable=on,target=native,chardev=s0

run: deps all
	$(PYTHON) -m rig shell --target qemu --cpu $(CPU) --mem $(MEM)

# pytest runs pyproject.toml's testpaths (scenarios, rig self-tests, the C
# unit tests and the fuzz corpus, each a JUnit testcase in build/junit.xml)
# unless PYTEST_ARGS names paths: PYTEST_ARGS=pytest/test_pt.py, --lf, -k ...
# (The fuzz replay binaries are prerequisites too: mk/rig.mk.)
pytest: all $(UNIT_BIN)
	$(PYTHON) -m pytest --junitxml=$(BUILD)/junit.xml $(PYTEST_ARGS)

# Everything once: the C unit tests and the fuzz replay run as pytest items
# (host-marked: `--target=qemu` skips them), on pytest-xdist workers
# (PYTEST_XDIST=-n0 for one process).
PYTEST_XDIST ?= -n auto
test: deps
	@$(MAKE) all
	@$(MAKE) layers
	@$(MAKE) fuzz-smoke
	@$(MAKE) pytest PYTEST_ARGS="$(PYTEST_XDIST) -q $(PYTEST_ARGS)"

clean:
	rm -rf $(BUILD)

# Feature fragments (fuzzing, benchmarks, coverage, …) live in mk/*.mk.
-include $(sort $(wildcard mk/*.mk))
# Compiler-made header dependencies.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
