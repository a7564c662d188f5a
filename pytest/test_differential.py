"""Differential test: the same random request sequences on vmsim and QEMU,
every reply compared, and a divergence shrunk to a minimal script.

vmsim's TLB is a real ASID-tagged cache and QEMU's is not (it drops its
TLB on every ASID change and names translated code by 4K page), so the two
disagree exactly where the kernel relies on one machine's luck: a missing
flush, a stale global entry, stale code after a large page changes.

What legitimately differs is normalised, nothing else:
  - `exec` replies carry r0 on QEMU only (vmsim runs no code): r0 dropped;
  - physical addresses (the kernels' images differ in size, so frames sit
    elsewhere): `pa=`/`phys=` in a frame run the sequence allocated become
    `F<run>+<offset>`, other RAM addresses `ram`;
  - `pmm stats` free/kernel and `check` pages: counted from the first
    reply of the run (the images differ by a constant number of pages).
`info` (version, addresses) and `ready` are not compared.

The sequences stay where both machines are defined alike: frames come from
runs allocated first and pre-filled with `bx lr`, every RAM map is
`uninit` (so code pages hold only `bx lr` and the `mov r0, #imm` words a
step writes), code is only written and run in the first half of a page
(a run of `mov`s always meets a `bx lr`), grow_up/grow_down only in their
own region where nothing is executed, and no device memory is accessed
(QEMU aborts on unassigned addresses, vmsim reads zeroes).

A fixed set of 16 seeds runs in `make test` (a few seconds). More on demand:
    VMK_DIFF_SEEDS=200 VMK_DIFF_STEPS=120 make pytest PYTEST_ARGS='-k differential'
    VMK_DIFF_SEED=1234 ...        one given seed
A divergence is shrunk (ddmin, within VMK_DIFF_SHRINK_SECS, default 90)
and written to build/diff/seed-<n>.txt: the script, and both replies of
its last request.
"""
from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

import pytest

from rig import Session
from rig.errors import RigError

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "diff"
K, M = 1024, 1024 * 1024
BX_LR = 0xE12FFF1E
MOV_R0 = 0xE3A00000

FIXED_SEEDS = list(range(1, 17))
STEPS = int(os.environ.get("VMK_DIFF_STEPS", "70"))
SHRINK_SECS = float(os.environ.get("VMK_DIFF_SHRINK_SECS", "90"))

#: Frame runs allocated by every sequence first: (name, pages, align).
#: All 16M aligned: a frame's alignment decides page sizes and ALIGN
#: errors, and must not depend on where each kernel's allocator starts.
POOL = (("P4", 16, 16 * M), ("P64", 48, 16 * M), ("P1M", 512, 16 * M),
        ("P16M", 4096, 16 * M))
POOL_PAGES = {name: pages for name, pages, _ in POOL}
#: Where mappings go: code-safe regions, and the region for growth.
REGIONS = (0x00100000, 0x00400000, 0x01000000, 0x02000000)
GROW_REGION = 0x03000000
ATTRS = ("write", "execute", "privileged", "nocache", "global", "lock")


def seeds() -> list[int]:
    if "VMK_DIFF_SEED" in os.environ:
        return [int(os.environ["VMK_DIFF_SEED"], 0)]
    if "VMK_DIFF_SEEDS" in os.environ:
        return list(range(1, int(os.environ["VMK_DIFF_SEEDS"]) + 1))
    return FIXED_SEEDS


# ------------------------------------------------------------- generating

def prologue() -> list[str]:
    """Allocates the pool and fills every frame with `bx lr`."""
    steps = []
    for name, pages, align in POOL:
        steps.append(f"pmm alloc {pages} {align:#x}")
    for name, pages, _ in POOL:
        steps += [f"map 0x70000000 ${name} {pages * 4 * K:#x} read,write,uninit",
                  f"fill 0x70000000 {pages * 4 * K:#x} {BX_LR:#x}",
                  f"unmap 0x70000000 {pages * 4 * K:#x}"]
    return steps


def _attrs(rng: random.Random, extra=()) -> str:
    names = [a for a in ATTRS if rng.random() < 0.3] + list(extra)
    return ",".join(["read"] + names + ["uninit"])


def _frame(rng: random.Random, size: int) -> tuple[str, int]:
    """A pool run and an offset in it that can back `size` bytes."""
    fits = [(n, p) for n, p in POOL_PAGES.items() if p * 4 * K >= size]
    name, pages = rng.choice(fits)
    room = pages * 4 * K - size
    step = 4 * K if rng.random() < 0.3 else max(4 * K, min(16 * M, size))
    off = rng.randrange(0, room + 1, step) if room else 0
    return name, off


#: Offsets in a region: few, so that requests meet on the same pages.
OFFSETS = (0, 0x1000, 0x2000, 0x10000, 0x11000, 0xff000, 0x100000, 0x110000)


def _va(rng: random.Random, size: int = 4 * K, region: Optional[int] = None) -> int:
    base = region if region is not None else rng.choice(REGIONS)
    return base + rng.choice(OFFSETS)


def _size(rng: random.Random) -> int:
    return rng.choice((4 * K, 4 * K, 8 * K, 64 * K, 68 * K, M, M + 4 * K, 16 * M))


def step(rng: random.Random) -> list[str]:
    """One random step: a request, or a few that belong together."""
    kind = rng.choices(
        ("map", "map1", "unmap", "unmap1", "protect", "translate", "hwtr", "peek",
         "poke", "sum", "fill", "exec", "cache", "as", "pt", "flush", "grow",
         "interrupt", "stats", "fail", "asid", "physmap", "spaces", "code"),
        weights=(10, 6, 6, 4, 6, 5, 4, 5, 4, 2, 2, 4, 2, 5, 2, 2, 3, 1, 3, 2, 1, 1,
                 2, 2))[0]
    if kind == "spaces":
        # The same VA seen from two spaces: cached in one, used in another.
        va, other = _va(rng), rng.randrange(1, 4)
        name, off = _frame(rng, 4 * K)
        return [f"map {va:#x} ${name}+{off:#x} 0x1000 {_attrs(rng)}", f"peek {va:#x}",
                "as new", f"as switch {other}", f"peek {va:#x}", f"translate {va:#x}",
                f"map {va:#x} ${name}+{off:#x} 0x1000 {_attrs(rng)}",
                f"poke {va:#x} {BX_LR:#x}", f"as switch {rng.randrange(1, 4)}",
                f"unmap {va:#x} 0x1000", f"peek {va:#x}"]
    if kind == "code":
        # Code run from a page that then changes.
        size = rng.choice((4 * K, 64 * K, M, 16 * M))
        va = 0x01000000 if size == 16 * M else rng.choice(REGIONS)
        name, off = _frame(rng, size)
        at = va + rng.choice((0, 0x8000, size - 4 * K)) % size + 0x40
        change = rng.choice((f"protect {va:#x} {size:#x} read,write,uninit",
                             f"unmap1 {va:#x}", f"unmap {va + 0x8000 % size:#x} 0x1000"))
        return [f"map1 {va:#x} ${name}+{off:#x} {size:#x} {_attrs(rng, ('execute',))}",
                f"poke {at:#x} {MOV_R0 | 42:#x}", f"cache unify {at:#x} 4",
                f"exec {at:#x}", change, f"exec {at:#x}", f"unmap {va:#x} {size:#x}"]
    if kind in ("map", "map1"):
        size = _size(rng) if kind == "map" else rng.choice((4 * K, 64 * K, M, 16 * M))
        va = _va(rng, size) if size < 16 * M else rng.choice((0x01000000, 0x02000000))
        name, off = _frame(rng, size)
        return [f"{kind} {va:#x} ${name}+{off:#x} {size:#x} {_attrs(rng)}"]
    if kind == "unmap":
        return [f"unmap {_va(rng):#x} {_size(rng):#x}"]
    if kind == "unmap1":
        return [f"unmap1 {_va(rng):#x}"]
    if kind == "protect":
        return [f"protect {_va(rng):#x} {_size(rng):#x} {_attrs(rng)[:-7]}"]
    if kind == "translate":
        return [f"translate {_va(rng) + rng.randrange(0, 4 * K, 4):#x}"]
    if kind == "hwtr":
        return [f"hwtranslate {_va(rng):#x}" + rng.choice(("", " user", " write", " user write"))]
    if kind == "peek":
        return [f"peek {_va(rng) + rng.randrange(0, 4 * K, 4):#x}" + rng.choice(("", " user"))]
    if kind == "poke":
        val = rng.choice((BX_LR, MOV_R0 | rng.randrange(256)))
        return [f"poke {_va(rng) + rng.randrange(0, 2 * K, 4):#x} {val:#x}" + rng.choice(("", " user"))]
    if kind == "sum":
        return [f"sum {_va(rng):#x} {rng.choice((4, 64, 4 * K, 8 * K)):#x}"]
    if kind == "fill":
        return [f"fill {_va(rng):#x} {rng.choice((4, 64, 4 * K)):#x} {BX_LR:#x}"]
    if kind == "exec":
        va = _va(rng) + rng.randrange(0, 2 * K, 8)
        imm = rng.randrange(256)
        return [f"poke {va:#x} {MOV_R0 | imm:#x}", f"poke {va + 4:#x} {BX_LR:#x}",
                f"cache unify {va:#x} 8", f"exec {va:#x}"]
    if kind == "cache":
        op = rng.choice(("clean", "invalidate", "flush", "unify"))
        return [f"cache {op} {_va(rng):#x} {rng.choice((64, 4 * K, 8 * K)):#x}"]
    if kind == "as":
        n = rng.randrange(1, 5)
        return [rng.choice(("as new", f"as switch {n}", f"as switch {n}", f"as destroy {n}",
                            "as list"))]
    if kind == "pt":
        return [f"pt {rng.choice(('map', 'unmap'))} {_va(rng):#x}"]
    if kind == "flush":
        return [rng.choice(("flush all", f"flush as {rng.randrange(1, 4)}",
                            f"flush page {_va(rng):#x}"))]
    if kind == "grow":
        va = _va(rng, region=GROW_REGION)
        if rng.random() < 0.4:
            name, off = _frame(rng, 4 * K)
            g = rng.choice(("grow_up", "grow_down"))
            return [f"map {va:#x} ${name}+{off:#x} 0x1000 {_attrs(rng, (g,))}"]
        return [rng.choice((f"peek {va - 4:#x}", f"poke {va + 4 * K:#x} 0x1",
                            f"peek {va + 4 * K + 8:#x}"))]
    if kind == "interrupt":
        return [f"map {_va(rng):#x} 0 {rng.choice((4 * K, 64 * K)):#x} read,interrupt"
                + rng.choice(("", ",global", ",write"))]
    if kind == "stats":
        return [rng.choice(("pmm stats", "check", "check", "asid stats"))]
    if kind == "fail":
        return [f"fail nomem {rng.randrange(1, 4)}"]
    if kind == "asid":
        return [f"asid limit {rng.randrange(2, 6)}"]
    name, off = _frame(rng, 4 * K)
    return [f"physmap map ${name}+{off:#x} 0x1000 read,write", "physmap list"]


def sequence(seed: int, steps: int = STEPS) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < steps:
        out += step(rng)
    return out


# -------------------------------------------------------------- running

class Run:
    """One target running one script, replies normalised."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.pool: dict[str, int] = {}
        self.runs: list[tuple[int, int]] = []     # (pa, bytes) of pmm allocs
        self.base: dict[str, int] = {}
        ram = session.ready.int("ram_base"), session.ready.int("ram_size")
        self.ram = ram

    def resolve(self, line: str) -> str:
        return re.sub(r"\$(P\w+?)\+(0x[0-9a-f]+)|\$(P\w+)",
                      lambda m: hex(self.pool[m.group(1) or m.group(3)] +
                                    int(m.group(2) or "0", 16)), line)

    def _pa(self, v: int) -> str:
        for i, (pa, n) in enumerate(self.runs):
            if pa <= v < pa + n:
                return f"F{i}+{v - pa:#x}"
        lo, size = self.ram
        return "ram" if lo <= v < lo + size else hex(v)

    def norm(self, request: str, raw: str) -> str:
        word = request.split()[0]
        if word == "exec":
            raw = re.sub(r" r0=0x[0-9a-f]+", "", raw)
        raw = re.sub(r"\b(pa|phys)=(0x[0-9a-f]+)",
                     lambda m: f"{m.group(1)}={self._pa(int(m.group(2), 16))}", raw)
        for key in ("free", "kernel", "pages"):
            if request in ("pmm stats", "check") and raw.startswith("ok"):
                m = re.search(rf"\b{key}=(\d+)", raw)
                if m:
                    first = self.base.setdefault(f"{request}.{key}", int(m.group(1)))
                    raw = raw.replace(m.group(0), f"{key}=+{int(m.group(1)) - first}")
        return raw

    def request(self, line: str) -> list[str]:
        r = self.s.request(self.resolve(line))
        if line.startswith("pmm alloc") and r.ok:
            self.runs.append((r.int("pa"), r.int("count") * 4 * K))
            if len(self.pool) < len(POOL):
                self.pool[POOL[len(self.pool)][0]] = r.int("pa")
        return [self.norm(line, raw) for raw in r.lines]


def replay(session_factory: Callable[[], Session], script: Sequence[str]) -> list[list[str]]:
    """Replies of every request of prologue + script (a panic or a dead
    target ends the list with its message)."""
    s = session_factory()
    out: list[list[str]] = []
    try:
        run = Run(s)
        for line in prologue():
            run.request(line)
        for line in script:
            try:
                out.append(run.request(line))
            except RigError as e:
                out.append([f"{type(e).__name__}: {str(e).splitlines()[0]}"])
                break
    finally:
        s.stop()
    return out


def first_divergence(a: list[list[str]], b: list[list[str]]) -> Optional[int]:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def shrink(script: list[str], diverges: Callable[[list[str]], bool],
           budget: float = SHRINK_SECS) -> list[str]:
    """ddmin: a smaller script that still diverges (1-minimal if the
    budget allows)."""
    deadline = time.monotonic() + budget
    n = 2
    while len(script) >= 2 and time.monotonic() < deadline:
        chunk = max(1, len(script) // n)
        for start in range(0, len(script), chunk):
            trial = script[:start] + script[start + chunk:]
            if trial and diverges(trial):
                script = trial
                n = max(n - 1, 2)
                break
            if time.monotonic() >= deadline:
                return script
        else:
            if chunk == 1:
                break
            n = min(len(script), n * 2)
    return script


# ---------------------------------------------------------------- tests

def test_shrink_finds_the_two_requests_that_matter():
    """The shrinker alone, on a pretend divergence that needs request 3
    followed by request 11."""
    script = [f"r{i}" for i in range(40)]
    need = lambda s: "r3" in s and "r11" in s and s.index("r3") < s.index("r11")
    assert shrink(script, need, budget=10) == ["r3", "r11"]


def test_normalising_keeps_what_matters():
    class S:
        ready = type("R", (), {"int": lambda self, k: {"ram_base": 0x40000000,
                                                       "ram_size": 0x10000000}[k]})()
    r = Run(S())
    r.runs = [(0x40300000, 0x10000)]
    assert r.norm("translate 0x1000", "ok va=0x1000 pa=0x40304000 size=0x1000 attrs=read") == \
        "ok va=0x1000 pa=F0+0x4000 size=0x1000 attrs=read"
    assert r.norm("exec 0x100", "ok va=0x100 r0=0x2a") == "ok va=0x100"
    assert r.norm("exec 0x100", "err FAULT va=0x100 status=permission_page") == \
        "err FAULT va=0x100 status=permission_page"
    assert r.norm("pt map 0x0", "ok pa=0x40299400") == "ok pa=ram"
    assert r.norm("translate 0x0", "ok va=0x0 pa=0x81000000 size=0x1000 attrs=read") == \
        "ok va=0x0 pa=0x81000000 size=0x1000 attrs=read"


@pytest.mark.qemu
@pytest.mark.host
@pytest.mark.parametrize("seed", seeds())
def test_vmsim_and_qemu_answer_random_sequences_alike(request, configs, seed):
    if request.config.getoption("--target") != "both":
        pytest.skip("needs both targets")
    def factory(kind):
        def make():
            s = Session(configs[kind])
            missing = s.config.missing()
            if missing:
                pytest.fail(f"{kind} target missing: " + "; ".join(missing))
            s.start()
            return s
        return make

    ram = configs["qemu"].ram_size
    if ram < 128 * M:
        pytest.skip("the frame pool needs 128M of RAM")
    configs = {"qemu": configs["qemu"], "host": configs["host"].replace(ram=ram)}
    host, qemu = factory("host"), factory("qemu")
    script = sequence(seed) + ["check"]
    a, b = replay(host, script), replay(qemu, script)
    at = first_divergence(a, b)
    if at is None:
        # Alike, and both must also be sound: no broken invariant on the way
        # (a core bug shows on both machines the same).
        bad = [(script[i], r) for i, r in enumerate(a)
               if any("err CORRUPT" in l or "Panic" in l for l in r)]
        assert not bad, f"seed {seed}: {bad[0][0]!r} answered {bad[0][1]}"
        assert a[-1][-1].startswith("ok"), f"seed {seed}: final check {a[-1]}"
        return
    script = script[:at + 1]

    def diverges(trial):
        return first_divergence(replay(host, trial), replay(qemu, trial)) is not None

    small = shrink(script, diverges)
    ha, qa = replay(host, small), replay(qemu, small)
    i = first_divergence(ha, qa)
    i = len(small) - 1 if i is None else i
    report = ["# prologue (frame pool)"] + prologue() + ["# script"] + small[:i + 1] + [
        "# host replied", *("#   " + l for l in (ha[i] if i < len(ha) else ["(nothing)"])),
        "# qemu replied", *("#   " + l for l in (qa[i] if i < len(qa) else ["(nothing)"]))]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"seed-{seed}.txt").write_text("\n".join(report) + "\n")
    pytest.fail(f"seed {seed}: vmsim and QEMU diverge at request {at} "
                f"(shrunk to {i + 1} requests, build/diff/seed-{seed}.txt):\n" +
                "\n".join(report), pytrace=False)
