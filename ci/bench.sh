#!/usr/bin/env bash
# CI step: `make bench`, every ratio against its target. The JSON goes to
# build/bench.json (an artifact); a missed target fails the step.
source "$(dirname "$0")/lib.sh"
if [ "${CI_DRY_RUN:-0}" = 1 ]; then mk bench-deps; exit 0; fi
mkdir -p build
make -s bench BENCH_ARGS="${BENCH_ARGS:---quick}" > build/bench.json
