#!/usr/bin/env bash
# A bounded AFL++ campaign on the persistent harness: a main instance plus
# one secondary per extra core, for FUZZ_SECS seconds. afl-fuzz exits 0 even
# when it saved crashes, so they are counted here; any crash fails the run
# and is left in fuzz/out/*/crashes for `fuzz/harness` replay (make
# fuzz-replay with the file copied into fuzz/corpus once fixed).
set -euo pipefail
bin=${1:?harness binary}
secs=${FUZZ_SECS:-60}
out=fuzz/out
cores=${FUZZ_CORES:-$(nproc)}
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1
rm -rf "$out"
pids=()
afl-fuzz -i fuzz/corpus -o "$out" -M main -V "$secs" -- "$bin" >/dev/null 2>&1 & pids+=($!)
for i in $(seq 2 "$cores"); do
  afl-fuzz -i fuzz/corpus -o "$out" -S "sec$i" -V "$secs" -- "$bin" >/dev/null 2>&1 & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
execs=$(awk -F: '/^execs_done/ {s+=$2} END {print s+0}' "$out"/*/fuzzer_stats)
crashes=$(find "$out" -path '*/crashes/id*' | wc -l)
echo "fuzz: ${secs}s on $cores cores, $execs execs, $crashes crashes"
[ "$crashes" -eq 0 ]
