"""Former home of the grammar, kept for older imports: see rig/grammar.py
(the grammar now comes from the kernel's `help`)."""
from .grammar import (ATTRS_ARG, COMMAND, COMMANDS, FORMS, LITERALS, NUM, REQUEST, USER, WRITE,  # noqa: F401
                      Form, Grammar, complete, form_for, subcommands)
