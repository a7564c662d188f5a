#!/usr/bin/env bash
# CI step: C unit tests of the core on the simulator, and the replay of the
# fuzz regression corpus (the two C stages of `make test`).
source "$(dirname "$0")/lib.sh"
mk unit
mk fuzz-replay
