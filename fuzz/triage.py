#!/usr/bin/env python3
"""fuzz/triage.py (`make fuzz-triage`): every crash of a campaign as a
minimal command script, grouped, and replayed on both targets.

For each crashes/id* under FUZZ_OUT (default fuzz/out): afl-tmin shrinks it
(keeping the crash), the replay build prints it as a command script with
the harness's finding (`# FINDING oracle=<o> op=<request> step=<n>: why`),
and crashes are grouped by (oracle, op): the smallest of each group is
kept as <out>/triage/<oracle>--<op>.txt, whose first lines say what was
found and how many crashes fell in the group. Each kept script is then
replayed with fuzz/replay.py on vmsim and on QEMU (--targets), and the
summary says where it reproduces.

    python3 fuzz/triage.py [--out fuzz/out] [--targets host,qemu] [--no-tmin]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "build/host/fuzz_replay"
AFL = ROOT / "build/fuzz/harness_afl"
FIND = re.compile(r"# FINDING oracle=(\S+) op=(.+?) step=(\d+): (.*)")


def script_of(path: Path):
    p = subprocess.run([str(REPLAY), "-s", str(path)], capture_output=True, text=True, timeout=60)
    m = FIND.search(p.stdout) or FIND.search(p.stderr)
    return p.stdout, m


def tmin(src: Path, dst: Path) -> Path:
    try:
        p = subprocess.run(["taskset", "-c", "0", "afl-tmin", "-i", str(src), "-o", str(dst), "-t", "1000", "-m", "none",
                            "--", str(AFL)], capture_output=True, text=True, timeout=120,
                           env={"AFL_SKIP_CPUFREQ": "1", "AFL_NO_AFFINITY": "1",
                                "PATH": "/usr/bin:/bin:/usr/local/bin"})
        if p.returncode == 0 and dst.exists() and dst.stat().st_size:
            return dst
    except subprocess.TimeoutExpired:
        pass
    return src


def replay(script: Path, target: str) -> str:
    try:
        p = subprocess.run([sys.executable, str(ROOT / "fuzz/replay.py"), "--target", target,
                            str(script)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "timeout"
    last = (p.stdout.strip().splitlines() or ["?"])
    if p.returncode == 1:
        why = next((l for l in last if l.startswith("line ") or "panic" in l), last[-1])
        return f"REPRODUCES ({why[:100]})"
    return "does not reproduce" if p.returncode == 0 else f"could not run ({last[-1][:80]})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "fuzz/out")
    ap.add_argument("--targets", default="host,qemu")
    ap.add_argument("--no-tmin", action="store_true")
    a = ap.parse_args(argv)
    crashes = sorted(p for p in a.out.glob("*/crashes/id*") if p.is_file())
    tri = a.out / "triage"
    tri.mkdir(parents=True, exist_ok=True)
    if not crashes:
        print(f"fuzz-triage: no crashes under {a.out}")
        return 0
    groups: dict[tuple[str, str], list] = {}
    for i, c in enumerate(crashes):
        small = c if a.no_tmin else tmin(c, tri / f"min-{i:04d}")
        text, m = script_of(small)
        if not m and small != c:
            small = c
            text, m = script_of(c)
        key = (m.group(1), m.group(2)) if m else ("no-finding", "-")
        why = m.group(4) if m else "the replay build finds nothing (flaky or harness-only)"
        groups.setdefault(key, []).append((small.stat().st_size, c, small, text, why))
        print(f"fuzz-triage: {c.relative_to(a.out)} -> {key[0]} / {key[1]} ({small.stat().st_size} bytes)",
              flush=True)
    rows = []
    for (oracle, op), items in sorted(groups.items()):
        items.sort(key=lambda t: t[0])
        size, crash, small, text, why = items[0]
        name = f"{oracle}--{op.replace(' ', '_')}.txt"
        f = tri / name
        head = (f"# {oracle} oracle on `{op}`: {why}\n"
                f"# {len(items)} crash(es) in this group; smallest input {crash} ({size} bytes)\n"
                f"# replay: python3 fuzz/replay.py --target host|qemu {f}\n")
        f.write_text(head + "".join(l + "\n" for l in text.splitlines() if not l.startswith("# fuzz/")
                                     and not l.startswith("# /")))
        where = {t: replay(f, t) for t in a.targets.split(",") if t}
        rows.append((name, oracle, op, len(items), why, where))
    print(f"\nfuzz-triage: {len(crashes)} crashes in {len(rows)} groups, scripts in {tri}")
    for name, oracle, op, n, why, where in rows:
        print(f"- {name}: {n} crash(es): {why}")
        for t, r in where.items():
            print(f"    {t}: {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
