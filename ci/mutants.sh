#!/usr/bin/env bash
# CI step (scheduled): the mutant check, `make mutants`: every mutant of the
# core must be killed by the tests.
source "$(dirname "$0")/lib.sh"
mk mutants
