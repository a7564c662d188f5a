#!/usr/bin/env bash
# fuzz/plot.sh (make fuzz-plot): afl-plot PNGs of every instance of a
# campaign into <out>/plots/<instance>/ (needs gnuplot: ci/deps.sh).
set -uo pipefail
out=${1:-fuzz/out}
command -v gnuplot >/dev/null || { echo "fuzz-plot: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 1; }
n=0
for d in "$out"/*/ "$out"/lines/*/; do
  [ -f "$d/plot_data" ] || continue
  name=$(basename "$d"); [ "$d" != "${d#"$out"/lines/}" ] && name="lines-$name"
  mkdir -p "$out/plots/$name"
  if afl-plot "$d" "$out/plots/$name" >/dev/null 2>"$out/plots/$name.err"; then
    echo "fuzz-plot: $out/plots/$name/index.html"; n=$((n + 1))
  else
    echo "fuzz-plot: $name: $(grep -o 'Error.*' "$out/plots/$name.err" | head -n 1)"
  fi
done
[ "$n" -gt 0 ] || { echo "fuzz-plot: no instance under $out has enough plot_data to draw (afl-plot wants a campaign of a minute or more)" >&2; exit 1; }
