"""Fault injection: `fail nomem n` makes the n-th page allocation from now
fail once. A fixed script that maps (every size), splits, protects, grows,
unmaps across two address spaces and uses the kernel's heap and window is
run once for each n = 1, 2, ... until a run meets no failure. Every request
must either succeed or answer err having changed nothing (pmm stats,
`check`, the address spaces, the window, and the software walk of the VAs
the request touches); retried, it must then succeed (the failure is spent),
so every run ends in the same state as a run without injection; and after
cleanup no page has leaked."""
import pytest

from scenario import (M, check, check_after, fill_table_page, hx, info, ok,  # noqa: F401
                      stats, unfill_table_page)

# Each step: (request template, VAs it touches in the current space).
# Templates use the frames of the setup: {sec} 1M run, {f64} 64K run,
# {f4} 4 pages, {ptr} the kmalloc result.
SCRIPT = [
    ("as new", []),
    ("map1 0x00500000 {sec} 1M read,write", [0x00500000]),
    ("map 0x00710000 {f64} 0x10000 read,write", [0x00710000, 0x0071f000]),
    ("map 0x00800000 {f4} 0x2000 read,write,grow_up", [0x00800000, 0x00801000]),
    ("map 0x01000000 0x81000000 0x1110000 read", [0x01000000, 0x02000000, 0x02100000]),
    ("pt map 0x03000000", [0x03000000]),
    ("map 0x03010000 0x81010000 0x11000 read", [0x03010000, 0x03020000]),
    ("map 0x04000000 0 0x1000 read,interrupt", [0x04000000]),
    ("unmap 0x00580000 0x1000", [0x00500000, 0x00580000, 0x00581000]),
    ("protect 0x00714000 0x1000 read", [0x00710000, 0x00714000, 0x00715000]),
    ("protect 0x01800000 0x1000 read,write", [0x01000000, 0x01800000, 0x01801000]),
    ("peek 0x00802000", [0x00802000, 0x00803000]),
    ("peek 0x00803004", [0x00803000, 0x00804000]),
    ("as switch 2", []),
    ("map1 0x00500000 {sec} 1M read,uninit", [0x00500000]),
    ("map 0x00400000 {f4} 0x1000 read,write,grow_down", [0x00400000]),
    ("unmap 0x00500000 0x1000", [0x00500000, 0x00501000]),
    ("poke 0x003ffffc 0x1234", [0x003ff000]),
    ("map 0x10000000 0x82000000 0x2000000 read", [0x10000000, 0x11000000]),
    ("unmap 0x10800000 0x10000", [0x10000000, 0x10800000, 0x10810000]),
    ("as switch 1", []),
    ("unmap 0x00700000 0x20000", [0x00710000, 0x00714000]),
    ("unmap1 0x00500000", [0x00500000, 0x00501000]),
    ("heap grow 8K", []),
    ("kmalloc 9000", []),
    ("physmap map {f4_3} 0x1000 read,write", []),
    ("physmap map 0x09000000 0x100", []),
    ("as destroy 2", []),
    ("unmap 0x01000000 0x1200000", [0x01000000, 0x01800000, 0x02100000]),
]
#: What a step may answer when its page allocation fails.
ERR_OK = {"peek": "FAULT", "poke": "FAULT"}
#: Requests that never allocate (they must never fail).
NO_ALLOC = ("as switch", "as destroy", "unmap 0x00700000", "unmap1", "unmap 0x01000000",
            "protect 0x00714000")


def prepare(s):
    """Frames for the script, allocated before the injection."""
    frames = {}
    for name, count, align in (("sec", 256, 0x100000), ("f64", 16, 0x10000), ("f4", 4, 0x1000)):
        frames[name] = ok(s, f"pmm alloc {count} {hx(align)}").int("pa")
    frames["f4_3"] = frames["f4"] + 0x3000
    return frames


def cleanup(s, frames):
    ok(s, "fail nomem 0")
    ok(s, "as switch 1")
    for a in list(ok(s, "as list").records):
        if a.int("as") != 1:
            ok(s, f"as destroy {a['as']}")
    ok(s, "unmap 0 0x80000000")
    r = s.request("pt unmap 0x03000000")
    assert r.ok or r.code == "NOT_MAPPED", r.final.raw
    for m in ok(s, "physmap list").records:
        for _ in range(m.int("refs")):
            ok(s, f"physmap unmap {m['virt']}")
    ptr = frames.get("ptr")
    if ptr is not None:
        ok(s, f"kfree {hx(ptr)}")
    top = info(s).int("heap_top")
    if top > 0xc0000000:
        ok(s, f"heap shrink {hx(top - 0xc0000000)}")
    for name, count in (("sec", 256), ("f64", 16), ("f4", 4)):
        ok(s, f"pmm free {hx(frames[name])} {count}")


def probe(s, vas):
    out = []
    for va in vas:
        r = s.request(f"translate {hx(va)}")
        out.append(r.final.raw)
    return out


def snapshot(s, vas):
    """What an `err` must leave as it was."""
    return (stats(s), check(s), ok(s, "as list").lines, ok(s, "physmap list").lines,
            ok(s, "info").final.raw, probe(s, vas))


def final_state(s):
    """The state a run ends in (compared with the run without failure)."""
    vas = sorted({va for _, vs in SCRIPT for va in vs})
    return (stats(s), check(s), ok(s, "as list").lines, ok(s, "physmap list").lines,
            ok(s, "info").final.raw, probe(s, vas))


def align_tables(s, phase):
    """Four 1 KiB L2 tables share a page, so only one L2 table in four
    allocates. `phase` picks which: table pages are filled, then `phase`
    more tables made, leaving 0, 3, 2 or 1 free quarters. Returns the VAs
    to `pt unmap` afterwards."""
    vas = fill_table_page(s)
    for i in range(phase):
        va = 0x7d000000 + i * M
        ok(s, f"pt map {hx(va)}")
        vas.append(va)
    return vas


def run(s, n, phase):
    """Runs the script with `fail nomem n` (0: none) after align_tables;
    returns (the index of the request that failed or None, the end state)."""
    start = stats(s)
    scratch = align_tables(s, phase)
    frames = prepare(s)
    if n:
        assert ok(s, f"fail nomem {n}").int("pending") == n
    failed = None
    for i, (template, vas) in enumerate(SCRIPT):
        line = template.format(**{k: hx(v) for k, v in frames.items()})
        before = snapshot(s, vas)
        r = s.request(line)
        if not r.ok:
            assert failed is None, f"n={n}: a second failure at {line!r}: {r.final.raw}"
            assert not line.startswith(NO_ALLOC), f"n={n}: {line!r} failed: {r.final.raw}"
            want = ERR_OK.get(line.split()[0], "NO_MEMORY")
            assert r.code == want, f"n={n}: {line!r} answered {r.final.raw}, not err {want}"
            assert snapshot(s, vas) == before, f"n={n}: {line!r} failed but changed state"
            failed = i
            r = s.request(line)
            assert r.ok, f"n={n}: {line!r} retried: {r.final.raw}"
        if line.startswith("kmalloc"):
            frames["ptr"] = r.int("ptr")
    end = final_state(s)
    cleanup(s, frames)
    unfill_table_page(s, scratch)
    assert stats(s) == start, f"n={n}: pages leaked"
    check(s)
    return failed, end


@pytest.mark.parametrize("phase", [0, 1, 2, 3])
def test_every_page_allocation_failure_changes_nothing(target_kind, launch, phase):
    s = launch(target_kind)
    _, reference = run(s, 0, phase)
    s.stop()
    failures = {}
    n = 1
    while True:
        if target_kind == "qemu" and (n + phase) % 3:
            n += 1          # qemu: every third n (shifted by phase)
            continue
        s = launch(target_kind)
        failed, end = run(s, n, phase)
        s.stop()
        if failed is None:
            break
        assert end == reference, f"n={n}: the run ended in another state"
        failures[n] = SCRIPT[failed][0]
        n += 1
        assert n < 400, "the injected failure is never reached"
    # The script allocates: at least the L1 of `as new` and tables.
    assert len(failures) >= 3
    if target_kind == "host":
        assert set(failures) == set(range(1, n))
        assert failures[1] == failures[2] == "as new"


def test_injection_counts_every_page_of_a_run(target):
    """`as new` takes its 8 KiB L1 at once and counts 2; a pmm run of k
    pages counts k; n falling inside a run fails the whole run."""
    s = target
    before = stats(s)
    ok(s, "fail nomem 3")
    pa = ok(s, "pmm alloc 2").int("pa")          # allocations 1, 2
    r = s.request("pmm alloc 4")                 # 3 falls inside: fails
    assert r.code == "NO_MEMORY", r.final.raw
    pb = ok(s, "pmm alloc 4").int("pa")          # spent
    ok(s, f"pmm free {hx(pa)} 2")
    ok(s, f"pmm free {hx(pb)} 4")
    assert stats(s) == before
    assert ok(s, "fail nomem 5").int("pending") == 5
    assert ok(s, "fail nomem 0").int("pending") == 0
    ok(s, "as new")                              # nothing pending: works
    ok(s, "as destroy 2")
