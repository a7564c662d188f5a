# `make layers`: no link-level cycle between core source files (the host
# objects of kernel/mm and kernel/cmd, by their nm symbol tables; see
# kernel/test/layers.py). kernel/mm and kernel/cmd together must be a DAG
# (the handlers reach the table and the dispatcher through the grammar_ctx
# the dispatcher passes in, not by name). Also
# checks that docs/ARCHITECTURE.md and README's Layout name the tree
# (kernel/test/docs_tree.py). Part of `make test`.
LAYER_MM  := $(filter $(HOSTB)/obj/kernel/mm/%,$(SIM_OBJ))
LAYER_CMD := $(filter $(HOSTB)/obj/kernel/cmd/%,$(SIM_OBJ))

.PHONY: layers
layers: $(LAYER_MM) $(LAYER_CMD)
	$(Q)$(PYTHON) kernel/test/layers.py --selftest > /dev/null
	$(Q)$(PYTHON) kernel/test/layers.py $(LAYER_MM)
	$(Q)$(PYTHON) kernel/test/layers.py --quiet $(LAYER_MM) $(LAYER_CMD)
	$(Q)$(PYTHON) kernel/test/docs_tree.py
