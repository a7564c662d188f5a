#!/usr/bin/env bash
# CI step: a short AFL++ campaign (FUZZ_SECS, default 60) that fails on any
# crash, then afl-plot's graphs of it in build/fuzz-plots/ (an artifact).
source "$(dirname "$0")/lib.sh"
mk fuzz FUZZ_SECS="${FUZZ_SECS:-60}"
if [ "${CI_DRY_RUN:-0}" = 1 ]; then
  command -v afl-plot >/dev/null && command -v gnuplot >/dev/null
  echo "ci: afl-plot and gnuplot present"
  exit 0
fi
rm -rf build/fuzz-plots
for d in fuzz/out/*/; do
  if [ "$(wc -l < "$d/plot_data")" -lt 3 ]; then   # afl-plot needs two samples
    echo "ci: $d has too few plot samples for afl-plot (run longer: FUZZ_SECS)" >&2
    continue
  fi
  mkdir -p "build/fuzz-plots/$(basename "$d")"
  afl-plot "$PWD/$d" "$PWD/build/fuzz-plots/$(basename "$d")" >/dev/null
done
echo "ci: fuzz plots in build/fuzz-plots/"
