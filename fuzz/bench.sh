#!/usr/bin/env bash
# fuzz/bench.sh: execs/s per core of the op harness beside the empty
# persistent-mode harness (the floor of AFL++ on this machine), each under
# afl-fuzz for FUZZ_BENCH_SECS on the seed corpus plus fuzz/bench-corpus
# if present (a typical campaign queue, see README).
#
# Each run is pinned to one core with its target (as campaign.sh runs
# them), so the wall-clock rate is the rate of one core; the ratio to the
# empty harness is what `make bench` holds to its target.
set -uo pipefail
B=${BUILD:-build}
secs=${FUZZ_BENCH_SECS:-20}
# afl-fuzz's output on a tmpfs when there is one (see _afl_out_dir in
# rig/bench_suite.py: a fresh queue's new files cost ~10% on ext4)
shm=; [ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm
tmp=$(mktemp -d ${shm:+-p "$shm"})
trap 'rm -rf "$tmp"' EXIT
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_BENCH_UNTIL_CRASH=0
corpus=${FUZZ_BENCH_CORPUS:-fuzz/corpus/ops}

run() {   # run NAME BINARY INPUT_DIR: prints execs and execs/s; sets rate
  local name=$1 bin=$2 in=$3 o="$tmp/$1"
  # pinned to one core with its target, as campaign.sh runs them
  taskset -c "${FUZZ_BENCH_CORE:-0}" afl-fuzz -i "$in" -o "$o" -t 500 -m none -- "$bin" >"$tmp/$name.log" 2>&1 &
  local pid=$!
  sleep "$secs"
  kill -INT "$pid"; wait "$pid" 2>/dev/null
  local execs; execs=$(awk -F' *: ' '/^execs_done/ {print $2}' "$o/default/fuzzer_stats")
  rate=$(( execs / secs ))
  printf "%-14s %9d execs  %8d execs/s (one core)\n" "$name" "$execs" "$rate"
}

mkdir -p "$tmp/empty_in"; printf 'x' >"$tmp/empty_in/a"
echo "fuzz-bench: ${secs}s each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run empty "$B/fuzz/empty_afl" "$tmp/empty_in"; floor=$rate
run harness "$B/fuzz/harness_afl" "$corpus"          # FZ_CPUS=2 (the default)
awk -v h="$rate" -v f="$floor" 'BEGIN { printf "fuzz-bench: op harness / empty harness = %.2f (target 0.4: 30,000 execs/s of a 75k floor)\n", h / f }'
[ -x "$B/fuzz/harness_afl_cpus1" ] && run harness-1cpu "$B/fuzz/harness_afl_cpus1" "$corpus"
[ -d fuzz/bench-corpus ] && run harness-queue "$B/fuzz/harness_afl" fuzz/bench-corpus
echo "fuzz-bench: replay build (gcc, no AFL), CPU time per input on the same corpus:"
/usr/bin/time -f "  %U s user for the run" "$B/host/fuzz_replay" -b 50 "$corpus"/* 2>&1
