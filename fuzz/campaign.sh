#!/usr/bin/env bash
# fuzz/campaign.sh: an AFL++ campaign on every core (make fuzz, fuzz-smoke).
#
#   FUZZ_SECS=n     stop after n seconds (0: until Ctrl-C)       default 60
#   FUZZ_CORES=n    instances (main + n-1 secondaries)           default nproc
#   FUZZ_OUT=dir    output/sync directory; an existing one is resumed
#   FUZZ_FRESH=1    start dir afresh (fuzz-smoke does)
#   FUZZ_SYNC=dir   sync directory shared with other machines' instances
#                   (see README "Fuzzing"); FUZZ_NAME names this machine
#
# Instances: main (plain build, dictionary), then CMPLOG, laf-intel and
# ASan+UBSan secondaries in turn, one per extra core; the line harness runs
# beside them (its own directory, out/lines) for FUZZ_LINE_SECS.
# The seeds are replayed first by the gcc build: a seed that finds
# something fails the run loudly (afl-fuzz would skip it with a message).
# afl-fuzz exits 0 even when it saved crashes: they are counted here, and
# any crash fails the run (exit 1), naming the files and `make fuzz-triage`.
set -uo pipefail
B=${BUILD:-build}
secs=${FUZZ_SECS:-60}
cores=${FUZZ_CORES:-$(nproc)}
out=${FUZZ_OUT:-fuzz/out}
name=${FUZZ_NAME:-main}
line_secs=${FUZZ_LINE_SECS:-$(( secs > 0 ? (secs + 5) / 6 : 0 ))}
# Each instance is pinned to one core with its target (taskset; AFL++'s
# own binding gives up when no core is free, as on a shared CI machine):
# afl-fuzz and the target wake each other twice per exec, and across cores
# in a VM that costs ~80 us a round trip against ~3 us on one core (the
# empty harness: 12k execs/s unpinned, 79k pinned, measured here).
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_CMPLOG_ONLY_NEW=1
export AFL_AUTORESUME=1 AFL_SYNC_TIME=${AFL_SYNC_TIME:-1}   # minutes between syncs (AFL++: 30)

echo "fuzz: replaying the seeds (fuzz/corpus) first"
if ! "$B/host/fuzz_replay" fuzz/corpus/ops/* || ! "$B/host/fuzz_line_replay" fuzz/corpus/lines/*; then
  echo "fuzz: FAIL: a seed of the regression corpus finds a bug (above); the campaign did not start" >&2
  exit 1
fi

[ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$out"
mkdir -p "$out"
sync_dir=${FUZZ_SYNC:-$out}
[ -d "$out/$name" ] && echo "fuzz: resuming $out (FUZZ_FRESH=1 starts afresh)"

pids=()
stop() { for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done; }
trap 'echo; echo "fuzz: stopping"; stop' INT TERM

common=(-t 500 -m none)
[ "$secs" -gt 0 ] && common+=(-V "$secs")
ncpu=$(nproc)
next_core=0
start() {   # start NAME LOG afl-fuzz-args...  (on the next core in turn)
  local n=$1 log=$2; shift 2
  taskset -c $(( next_core % ncpu )) afl-fuzz "$@" >"$log" 2>&1 &
  next_core=$(( next_core + 1 ))
  pids+=($!)
  echo "fuzz: started $n (log $log)"
}
if [ "$name" = main ]; then role=(-M main); else role=(-S "$name"); fi
start "$name" "$out/$name.log" -i fuzz/corpus/ops -o "$sync_dir" "${role[@]}" \
  -x fuzz/vmk.dict "${common[@]}" -- "$B/fuzz/harness_afl"
kinds=(cmplog laf asan)
for i in $(seq 2 "$cores"); do
  k=${kinds[$(( (i - 2) % 3 ))]}
  n="$name-$k$i"
  case $k in
    cmplog) args=(-c "$B/fuzz/harness_cmplog" -l 2AT -- "$B/fuzz/harness_afl") ;;
    laf)    args=(-- "$B/fuzz/harness_laf") ;;
    asan)   args=(-- "$B/fuzz/harness_asan") ;;
  esac
  start "$n" "$out/$n.log" -i fuzz/corpus/ops -o "$sync_dir" -S "$n" "${common[@]}" "${args[@]}"
done
line_pid=
if [ "$line_secs" -gt 0 ] || [ "$secs" -eq 0 ]; then
  lcommon=(-t 500 -m none); [ "$line_secs" -gt 0 ] && lcommon+=(-V "$line_secs")
  start lines "$out/lines.log" -i fuzz/corpus/lines -o "$out/lines" -M "$name" \
    -x fuzz/line.dict "${lcommon[@]}" -- "$B/fuzz/harness_line_afl"
  line_pid=${pids[-1]}
fi

# Progress every 5 s. With AFL_NO_UI afl-fuzz writes fuzzer_stats only
# every minute, so the live figures come from the file system: queue and
# crash files, and the execs count in the name of the newest queue entry
# (execs:N, a lower bound of what the instance has run).
t0=$(date +%s)
stats() {   # prints "execs corpus crashes"
  local e=0 c=0 k=0 d n x s
  for d in "$sync_dir"/*/ "$out"/lines/*/; do
    [ -d "$d/queue" ] || continue
    n=$(ls "$d/queue" | grep -c '^id:')
    c=$((c + n))
    x=$(ls "$d/queue" | grep '^id:' | tail -n 1 | sed -n 's/.*execs:\([0-9]*\).*/\1/p')
    s=$(awk -F' *: ' '/^execs_done/ {print $2}' "$d/fuzzer_stats" 2>/dev/null)
    x=${x:-0}; s=${s:-0}
    e=$((e + (s > x ? s : x)))
  done
  k=$(find "$sync_dir" "$out/lines" -path '*/crashes/id*' 2>/dev/null | wc -l)
  echo "$e $c $k"
}
alive() { for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while alive; do
  sleep 5
  read -r e c k < <(stats)
  dt=$(( $(date +%s) - t0 )); [ "$dt" -gt 0 ] || dt=1
  echo "fuzz: ${dt}s  execs>=$e (~$((e / dt / cores))/s/core)  corpus=$c  crashes=$k"
done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done

for log in "$out"/*.log; do
  if grep -q "PROGRAM ABORT" "$log"; then
    echo "fuzz: FAIL: an instance did not run ($log):" >&2; grep -A3 "PROGRAM ABORT" "$log" >&2; exit 1
  fi
done
read -r e c k < <(stats)
dt=$(( $(date +%s) - t0 )); [ "$dt" -gt 0 ] || dt=1
# The rate from AFL++'s own final counts (execs_done over run_time of this
# machine's op-harness instances): the wall clock above also counts the
# polling step and the instances' shutdown.
rate=$(cat "$sync_dir/$name/fuzzer_stats" "$sync_dir/$name"-*/fuzzer_stats 2>/dev/null |
       awk -F' *: ' '/^execs_done/ {e += $2} /^run_time/ {t += $2} END {printf "%d", t ? e / t : 0}')
echo "fuzz: summary: ${dt}s on $cores cores: $e execs, op harness $rate execs/s per core, corpus $c, $k crashes"
for f in "$sync_dir"/*/fuzzer_stats "$out"/lines/*/fuzzer_stats; do
  [ -f "$f" ] && awk -F' *: ' '/^afl_banner|^execs_done|^execs_per_sec|^saved_crashes|^saved_hangs|^stability/ {printf "%s=%s ", $1, $2} END {print ""}' "$f" | sed 's/^/  /'
done
if [ "$k" -gt 0 ]; then
  echo "fuzz: FAIL: $k crashing inputs saved:" >&2
  find "$sync_dir" "$out/lines" -path '*/crashes/id*' 2>/dev/null | head -20 | sed 's/^/  /' >&2
  echo "fuzz: see them as command scripts: make fuzz-triage FUZZ_OUT=$out" >&2
  exit 1
fi
echo "fuzz: no crash"
