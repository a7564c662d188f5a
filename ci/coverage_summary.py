"""Prints the headline coverage numbers of `make coverage` (gcovr's summaries)."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
for name, label in (("host", "host build (core + cmd + sim)"), ("arm", "ARM kernel under QEMU"),
                    ("summary", "merged")):
    f = out / (f"{name}-summary.json" if name != "summary" else "summary.json")
    s = json.loads(f.read_text())
    print(f"coverage {label:<32} lines {s['line_percent']:5.1f}% "
          f"({s['line_covered']}/{s['line_total']})  branches {s['branch_percent']:5.1f}% "
          f"({s['branch_covered']}/{s['branch_total']})")
print(f"coverage: HTML in {out}/host/index.html, {out}/arm/index.html, {out}/index.html")
