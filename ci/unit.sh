#!/usr/bin/env bash
# CI step: the stages of `make test` between the build and pytest: the C
# unit tests of the core on the simulator, the fuzz regression corpus
# replay, and whatever else `make test` runs there (read from its recipe).
source "$(dirname "$0")/lib.sh"
for t in $(test_stages); do
  case "$t" in all|pytest) ;; *) mk "$t" ;; esac
done
