# The rig's targets (rig/, owned with pytest/conftest.py and pyproject.toml).
#
#   make debug [GDB_PORT=N] [DEBUG_UI=tmux|plain|none]
#       QEMU halted under its gdb stub (a free port unless GDB_PORT names
#       one; a busy port is refused), gdb-multiarch with build/vmk.elf, and
#       a rig shell on the command channel (a unix socket) beside it; QEMU
#       is killed when gdb quits, so the next `make debug` boots afresh.
#   make rig-selftest   the rig's own tests (rig/tests), both fake and real targets
#   make rig-install    pip-installs the rig from this checkout (`vmk-rig`)

# The fuzz corpus replays as pytest items (rig/pytest_plugin.py): files of
# fuzz/corpus/ and fuzz/corpus/ops/ through fuzz_replay, fuzz/corpus/lines/
# through fuzz_line_replay where that harness exists.
RIG_REPLAY_BINS := $(HOSTB)/fuzz_replay \
                   $(if $(wildcard fuzz/harness_line.c),$(HOSTB)/fuzz_line_replay)
pytest: $(RIG_REPLAY_BINS)

GDB_PORT ?=
DEBUG_UI ?= auto

.PHONY: debug rig-selftest rig-install
debug: all
	$(PYTHON) -m rig debug --cpu $(CPU) --mem $(MEM) --ui $(DEBUG_UI) \
	  $(if $(GDB_PORT),--gdb-port $(GDB_PORT))

rig-selftest: all
	VMK_TEST_PIP=1 $(PYTHON) -m pytest rig/tests -q $(PYTEST_ARGS)

rig-install:
	$(PYTHON) -m pip install --no-build-isolation --no-deps --user -e .
