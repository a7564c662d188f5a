# `make layers`: no link-level cycle between core source files (the host
# objects of kernel/mm and kernel/cmd, by their nm symbol tables; see
# kernel/test/layers.py). kernel/mm must be a DAG; kernel/cmd's handlers and
# dispatch.c still use each other (issue 11's grammar step is to untangle
# them), so a cycle inside kernel/cmd alone is printed, not fatal. Also
# checks that docs/ARCHITECTURE.md and README's Layout name the tree
# (kernel/test/docs_tree.py). Part of `make test`.
LAYER_MM  := $(filter $(HOSTB)/obj/kernel/mm/%,$(SIM_OBJ))
LAYER_CMD := $(filter $(HOSTB)/obj/kernel/cmd/%,$(SIM_OBJ))

.PHONY: layers
layers: $(LAYER_MM) $(LAYER_CMD)
	$(Q)$(PYTHON) kernel/test/layers.py --selftest > /dev/null
	$(Q)$(PYTHON) kernel/test/layers.py $(LAYER_MM)
	$(Q)$(PYTHON) kernel/test/layers.py --quiet --allow-cycle=cmd/ $(LAYER_MM) $(LAYER_CMD)
	$(Q)$(PYTHON) kernel/test/docs_tree.py
