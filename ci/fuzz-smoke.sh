#!/usr/bin/env bash
# CI step: a short AFL++ campaign (FUZZ_SECS, default 30) that fails on any
# crash, then afl-plot's graphs of it in build/fuzz-plots/ (an artifact).
source "$(dirname "$0")/lib.sh"
mk fuzz FUZZ_SECS="${FUZZ_SECS:-30}"
if [ "${CI_DRY_RUN:-0}" = 1 ]; then
  command -v afl-plot >/dev/null && command -v gnuplot >/dev/null
  echo "ci: afl-plot and gnuplot present"
  exit 0
fi
rm -rf build/fuzz-plots
for d in fuzz/out/*/; do
  afl-plot "$d" "build/fuzz-plots/$(basename "$d")" >/dev/null
done
echo "ci: fuzz plots in build/fuzz-plots/"
