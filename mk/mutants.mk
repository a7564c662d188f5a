# `make mutants-unit` (and so `make mutants`): each unit test of vm, asid, swattr, heap, physmap and
# seed_api fails for the bug it is about: puts every mutant of
# kernel/test/mutants/*.py into its source in turn, rebuilds and runs the
# module's test, restores (kernel/test/mutate.py). A few minutes; not part
# of `make test`. Do not edit kernel/mm while it runs.
.PHONY: mutants-unit
mutants-unit: $(SIM_OBJ)
	$(Q)$(PYTHON) kernel/test/mutate.py $(sort $(wildcard kernel/test/mutants/*.py))
