#!/usr/bin/env bash
# fuzz/cmin.sh (make fuzz-cmin): the smallest set of a campaign's queue
# entries that keeps its coverage, into <out>/cmin; copy the ones worth
# keeping into fuzz/corpus/ops (they must replay clean: make fuzz-replay).
set -euo pipefail
bin=${1:?harness}
out=${FUZZ_OUT:-fuzz/out}
mkdir -p "$out"
# afl-cmin refuses to work in /tmp: the inputs are gathered beside the output
tmp=$(mktemp -d "$out/cmin-in.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
cp fuzz/corpus/ops/* "$tmp"/
for q in "$out"/*/queue; do cp "$q"/id* "$tmp"/ 2>/dev/null || true; done
rm -rf "$out/cmin"
AFL_SKIP_CPUFREQ=1 afl-cmin -i "$tmp" -o "$out/cmin" -m none -t 1000 -- "$bin"
echo "fuzz-cmin: $(ls "$tmp" | wc -l) inputs -> $(ls "$out/cmin" | wc -l) in $out/cmin"
