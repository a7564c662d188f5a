# `make mutants-unit` (and so `make mutants`): each unit test of vm, asid, swattr, heap, physmap,
# seed_api, pmm, pt_walk, pt_check, pt_globals, pt_protect, pt_l2, the simulator's walker and walk cache
# (walker, vmsim) and the check's hardware pass (check_hw) fails for the
# bug it is about: puts every mutant of
# kernel/test/mutants/*.py into its source in turn, rebuilds and runs the
# module's test, restores (kernel/test/mutate.py). A few minutes; not part
# of `make test`. Do not edit kernel/mm while it runs.
.PHONY: mutants-unit
mutants-unit: $(SIM_OBJ)
	$(Q)$(PYTHON) kernel/test/mutate.py $(sort $(wildcard kernel/test/mutants/*.py))
