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

INCLUDES := -Ikernel/include -Ikernel/mm -Ikernel/cmd
WARN     := -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0)

ARM_CFLAGS  := -march=armv7-a -marm -mfloat-abi=soft -ffreestanding -fno-builtin \
               -fno-common -fno-stack-protector -nostdlib -O2 -g -std=gnu11 $(WARN) \
               $(INCLUDES) -Ikernel/arch/armv7 -DVMK_VERSION='"$(VERSION)"'
ARM_LDFLAGS := -nostdlib -static -T kernel/arch/armv7/vmk.ld -Wl,--build-id=none
HOST_CFLAGS ?= -O2 -g -std=gnu11 $(WARN) $(INCLUDES) -Ikernel/arch/host \
               -DVMK_VERSION='"$(VERSION)"'

CORE_SRC := $(wildcard kernel/mm/*.c kernel/cmd/*.c)
ARM_SRC  := $(CORE_SRC) $(wildcard kernel/arch/armv7/*.c kernel/arch/armv7/*.S)
SIM_SRC  := $(CORE_SRC) $(filter-out kernel/arch/host/vmsim_main.c,$(wildcard kernel/arch/host/*.c))
UNIT_SRC := $(wildcard kernel/test/test_*.c)
UNIT_BIN := $(patsubst kernel/test/%.c,$(HOSTB)/%,$(UNIT_SRC))

ARM_OBJ  := $(patsubst %,$(BUILD)/arm/%.o,$(ARM_SRC))
SIM_OBJ  := $(patsubst %,$(HOSTB)/obj/%.o,$(SIM_SRC))
HDRS     := $(wildcard kernel/include/*.h kernel/mm/*.h kernel/cmd/*.h \
              kernel/arch/armv7/*.h kernel/arch/host/*.h) $(BUILD)/version

.PHONY: all deps run test unit pytest debug clean bench fuzz fuzz-replay
all: $(BUILD)/vmk.elf $(HOSTB)/vmsim

deps:
	@bash ci/deps.sh

# Rewritten only when `git describe` changes, so `info` never shows a stale version.
$(BUILD)/version: FORCE
	@mkdir -p $(BUILD); echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
FORCE:

$(BUILD)/arm/%.c.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CFLAGS) -c $< -o $@
$(BUILD)/arm/%.S.o: %.S $(HDRS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(BUILD)/vmk.elf: $(ARM_OBJ) kernel/arch/armv7/vmk.ld
	$(ARM_CC) $(ARM_CFLAGS) $(ARM_LDFLAGS) $(ARM_OBJ) -lgcc -o $@

$(HOSTB)/obj/%.c.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@
$(HOSTB)/vmsim: $(SIM_OBJ) $(HOSTB)/obj/kernel/arch/host/vmsim_main.c.o
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@
$(HOSTB)/test_%: kernel/test/test_%.c $(SIM_OBJ) kernel/test/unit.h
	$(HOST_CC) $(HOST_CFLAGS) -Ikernel/test $< $(SIM_OBJ) -o $@
$(HOSTB)/bench_core: kernel/test/bench_core.c $(SIM_OBJ)
	$(HOST_CC) $(HOST_CFLAGS) $< $(SIM_OBJ) -o $@

FUZZ_CC ?= afl-clang-fast
$(HOSTB)/fuzz_replay: fuzz/harness.c $(SIM_OBJ)
	$(HOST_CC) $(HOST_CFLAGS) $< $(SIM_OBJ) -o $@
$(BUILD)/fuzz/harness_afl: fuzz/harness.c $(SIM_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O2 -g -std=gnu11 $(INCLUDES) -Ikernel/arch/host fuzz/harness.c $(SIM_SRC) -o $@

# The regression corpus replays in every `make test`; `make fuzz` runs a
# bounded AFL++ campaign (FUZZ_SECS) and fails if it saved a crash.
fuzz-replay: $(HOSTB)/fuzz_replay
	./$(HOSTB)/fuzz_replay fuzz/corpus/*
FUZZ_SECS ?= 60
fuzz: $(BUILD)/fuzz/harness_afl
	FUZZ_SECS=$(FUZZ_SECS) bash fuzz/campaign.sh $(BUILD)/fuzz/harness_afl

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; ./$$t; done

QEMU_CMD = qemu-system-arm -M virt -cpu $(CPU) -m $(MEM) -nodefaults -display none \
           -kernel $(BUILD)/vmk.elf -chardev stdio,id=s0 \
           -semihosting-config enable=on,target=native,chardev=s0

run: deps all
	$(PYTHON) -m rig shell --target qemu --cpu $(CPU) --mem $(MEM)

pytest: all
	$(PYTHON) -m pytest pytest -p no:cacheprovider --junitxml=$(BUILD)/junit.xml $(PYTEST_ARGS)

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) pytest

debug: all
	$(QEMU_CMD) -s -S & \
	gdb-multiarch $(BUILD)/vmk.elf -ex 'target remote :1234' -ex 'break kmain'; \
	kill %1 2>/dev/null || true

bench: all $(HOSTB)/bench_core
	@$(PYTHON) -m rig bench --core $(HOSTB)/bench_core

clean:
	rm -rf $(BUILD)
