#!/usr/bin/env bash
# fuzz/bench.sh: execs/s per core of the op harness beside the empty
# persistent-mode harness (the floor of AFL++ on this machine), each under
# afl-fuzz for FUZZ_BENCH_SECS on the seed corpus plus fuzz/bench-corpus
# if present (a typical campaign queue, see README).
#
# The machine is shared, so besides the wall-clock rate it prints the rate
# per CPU second actually spent (afl-fuzz and its target): that is what one
# core of its own would do.
set -uo pipefail
B=${BUILD:-build}
secs=${FUZZ_BENCH_SECS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_BENCH_UNTIL_CRASH=0
corpus=${FUZZ_BENCH_CORPUS:-fuzz/corpus/ops}

cpu_of_tree() {   # utime+stime+cutime+cstime (ticks) of pid and its descendants
                  # (the c* fields: the persistent children that exited)
  local t=0 p
  for p in $1 $(pgrep -P "$1"); do
    [ -r /proc/$p/stat ] || continue
    t=$(( t + $(awk '{print $14 + $15 + $16 + $17}' /proc/$p/stat) ))
    for c in $(pgrep -P "$p"); do
      [ -r /proc/$c/stat ] && t=$(( t + $(awk '{print $14 + $15 + $16 + $17}' /proc/$c/stat) ))
    done
  done
  echo "$t"
}

run() {   # run NAME BINARY INPUT_DIR -> "execs wall_rate cpu_rate"
  local name=$1 bin=$2 in=$3 o="$tmp/$1"
  # pinned to one core with its target, as campaign.sh runs them
  taskset -c "${FUZZ_BENCH_CORE:-0}" afl-fuzz -i "$in" -o "$o" -t 500 -m none -- "$bin" >"$tmp/$name.log" 2>&1 &
  local pid=$!
  sleep "$secs"
  local ticks; ticks=$(cpu_of_tree "$pid")
  kill -INT "$pid"; wait "$pid" 2>/dev/null
  local execs; execs=$(awk -F' *: ' '/^execs_done/ {print $2}' "$o/default/fuzzer_stats")
  local hz; hz=$(getconf CLK_TCK)
  awk -v e="$execs" -v s="$secs" -v t="$ticks" -v hz="$hz" -v n="$name" \
    'BEGIN { c = t / hz; printf "%-14s %9d execs  %8.0f execs/s wall  %8.0f execs/s per CPU-second (%.1f CPU-s)\n", n, e, e / s, (c > 0 ? e / c : 0), c }'
}

mkdir -p "$tmp/empty_in"; printf 'x' >"$tmp/empty_in/a"
echo "fuzz-bench: ${secs}s each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run empty "$B/fuzz/empty_afl" "$tmp/empty_in"
run harness "$B/fuzz/harness_afl" "$corpus"          # FZ_CPUS=2 (the default)
[ -x "$B/fuzz/harness_afl_cpus1" ] && run harness-1cpu "$B/fuzz/harness_afl_cpus1" "$corpus"
[ -d fuzz/bench-corpus ] && run harness-queue "$B/fuzz/harness_afl" fuzz/bench-corpus
echo "fuzz-bench: replay build (gcc, no AFL), CPU time per input on the same corpus:"
/usr/bin/time -f "  %U s user for the run" "$B/host/fuzz_replay" -b 50 "$corpus"/* 2>&1
