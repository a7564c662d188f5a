#!/usr/bin/env python3
"""fuzz/mutants.py (`make mutants`): planted bugs, and which test layer
kills each one, in how many seconds.

Each mutant is a text substitution (file, exact old snippet, new snippet),
not a line-number patch, so it survives other people's edits of the core;
a snippet that is not found exactly once fails the run loudly (fix the
mutant). Mutants are applied one at a time to a scratch copy of the work
tree (tracked and untracked files) under $TMPDIR/vmk-mutants/<pid>/<id>
(one folder a run, so two runs at once do not build in each other's), built
there, and run through the layers:

    fuzz     the seed corpus through the replay build (for a mutant of
             kernel/arch/armv7 only, which the host harness cannot run:
             also the seeds' command scripts through QEMU), then an AFL++
             campaign (main + CMPLOG secondary, 2 cores) until the first
             crash or --fuzz-secs (default 300)
    unit     make unit
    host     make pytest PYTEST_ARGS='--target=host -x -q'
    qemu     make pytest PYTEST_ARGS='--target=qemu -x -q'

A layer kills a mutant when it fails; a mutated tree that does not build
kills nothing (the mutant is broken, or the run is: fix it). Every mutant must be killed, and the
fuzz layer alone must kill each within the budget; otherwise exit 1.

    python3 fuzz/mutants.py [--only id,id] [--layers fuzz,unit,host,qemu]
                            [--fuzz-secs 300] [--list] [--keep]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (id, what it breaks, file, old, new)
MUTANTS = [
    ("vmap-unmap-one-page", "seed 004's mem_vmap_unmap unmaps only the range's first page",
     "kernel/mm/seed_api.c",
     "(void)vm_unmap_in(inner->as, virt, len, &unmapped);",
     "(void)vm_unmap_in(inner->as, virt, 4096, &unmapped);"),
    ("vmap-switch-noop", "seed 004's mem_vmap_switch_to answers ok without switching",
     "kernel/mm/seed_api.c",
     "return vm_as_switch(inner->as);",
     "return vm_as_info(inner->as, &(struct vm_as_info){0});"),
    ("tlb-unmap-4k", "missing TLBIMVA when a 4K page is unmapped",
     "kernel/mm/pt/pt_edit.c",
     "            if ((room >> cls) & 1u) {\n                tlb_note(b, base | (i << 12), cls);\n                room = tlb_room(b);\n            }\n", ""),
    ("tlb-unmap-large", "missing TLB invalidation when a 64K/1M/16M page is unmapped",
     "kernel/mm/pt/pt_edit.c",
     "        frames_drop(c->fr, d & ~(size - 1), size);\n        tlb_note_large(c->b, va, size, leaf_global(d, k));\n",
     "        frames_drop(c->fr, d & ~(size - 1), size);\n"),
    ("tlb-protect", "protect changes descriptors without invalidating",
     [("kernel/mm/pt/pt_protect.c",
       "        *p = pend_encode(d, SZ_4K);\n        tlb_note(c->b, va, leaf_global(d, k));\n",
       "        *p = pend_encode(d, SZ_4K);\n"),
      ("kernel/mm/pt/pt_protect.c",
       "    if (k != PK_MARK)\n        tlb_note_large(c->b, va, size, leaf_global(d, k));\n    return true;",
       "    return true;")], None, None),
    ("tlb-split-bbm", "a split (break-before-make) without the TLB invalidation",
     "kernel/mm/pt/pt_edit.c",
     "        tlb_note_large(&b, va, size, global);   /* the old page may be cached */\n", ""),
    ("tlb-table-free", "an L2 table freed with its walk-cache entry left",
     "kernel/mm/pt/pt_tlb.c",
     "    tlb_note(b, va, false);\n    b->free[b->n_free++] = l2;",
     "    b->free[b->n_free++] = l2;"),
    ("l2-freed-linked", "an emptied L2 table freed while the L1 still links it",
     "kernel/mm/pt/pt_edit.c",
     "        l1[idx] = 0;\n        arch_pt_written(&l1[idx], 4);\n        count_tables(c->r, -1);\n        tlb_note_table",
     "        arch_pt_written(&l1[idx], 4);\n        count_tables(c->r, -1);\n        tlb_note_table"),
    ("tlb-wrong-asid", "TLBIMVA with the wrong ASID",
     "kernel/mm/pt/pt_tlb.c",
     "arch_tlb_flush_va(b->ng[i], b->r->asid);",
     "arch_tlb_flush_va(b->ng[i], b->r->asid + 1);"),
    ("tlb-kernel-none", "kernel-half changes (heap shrink, physmap unmap) never invalidated",
     "kernel/mm/pt/pt_tlb.c",
     "    b->live = r->is_kernel || r->asid != 0;",
     "    b->live = r->asid != 0;"),
    ("asid-gen-check", "an ASID of an old generation kept after rollover",
     "kernel/mm/asid.c",
     "if (*gen == as_st.generation && *asid != 0)",
     "if (*asid != 0)"),
    ("asid-limit-off-by-one", "ASID allocation one past the limit",
     "kernel/mm/asid.c",
     "u32 a = (as_st.hint - 1 + i) % as_st.limit + 1;",
     "u32 a = (as_st.hint - 1 + i) % (as_st.limit + 1) + 1;"),
    ("asid-limit-no-retire", "asid limit keeps using ASIDs above the new limit",
     "kernel/mm/asid.c",
     "            rollover();\n            break;",
     "            break;"),
    ("split-section-short", "splitting a 1M section drops its last 4K page",
     "kernel/mm/pt/pt_edit.c",
     "    for (u32 i = 0; i < L2_ENTRIES; i++)\n        e[i] = x + i * step;",
     "    for (u32 i = 0; i < L2_ENTRIES - 1; i++)\n        e[i] = x + i * step;"),
    ("split-16m-step", "splitting a 16M page gives sections the wrong frames",
     "kernel/mm/pt/pt_edit.c",
     "leaf_encode(SZ_1M, pa, attrs), mark ? 0 : SZ_1M,",
     "leaf_encode(SZ_1M, pa, attrs), mark ? 0 : SZ_64K,"),
    ("ap-readonly-kernel-writable", "read-only user pages get AP=010 (kernel may write)",
     "kernel/mm/pt/pt_desc.c",
     "f.ap = priv ? (wr ? 1 : 5) : (wr ? 3 : 6);",
     "f.ap = priv ? (wr ? 1 : 5) : (wr ? 3 : 2);"),
    ("xn-device-exec", "device mappings executable: device+execute accepted, XN from execute only",
     [("kernel/mm/pt/pt_desc.c",
       "    if ((attrs & ATTR_DEVICE) && (attrs & (ATTR_EXECUTE | ATTR_NOCACHE)))\n        return E_BAD_ARG;",
       "    if ((attrs & ATTR_DEVICE) && (attrs & ATTR_NOCACHE))\n        return E_BAD_ARG;"),
      ("kernel/mm/pt/pt_desc.c",
       "f.xn = dev || !(attrs & ATTR_EXECUTE);",
       "f.xn = !(attrs & ATTR_EXECUTE);")], None, None),
    ("ng-all-global", "user mappings written global (nG clear)",
     "kernel/mm/pt/pt_desc.c",
     "f.ng = !(attrs & ATTR_GLOBAL);",
     "f.ng = 0;"),
    ("pmm-double-free", "pmm free accepts pages that are already free",
     "kernel/mm/pmm.c",
     "        if (pmm.pi[k].use != use)\n            return E_BAD_ARG;\n    }\n    if (use == PG_FRAME && !run_cut",
     "        if (pmm.pi[k].use != use && pmm.pi[k].use != PG_FREE)\n            return E_BAD_ARG;\n    }\n    if (use == PG_FRAME && !run_cut"),
    ("pmm-align", "pmm alloc ignores the alignment",
     "kernel/mm/pmm.c",
     "u64 a = ((pfn0 + next_free(i) + ap - 1) & ~(ap - 1)) - pfn0;",
     "u64 a = next_free(i);"),
    ("fail-nomem-count", "fault injection counts a run of k pages as one allocation",
     "kernel/mm/pmm.c",
     "        pmm.fail_in -= count;",
     "        pmm.fail_in -= 1;"),
    ("frames-ref-first", "map takes no reference on a run's first frame",
     "kernel/mm/pmm.c",
     "    for (i = first; i < lim; i++)\n        if (counted(&pmm.pi[i]))\n            pmm.pi[i].mapcount++;",
     "    for (i = first + 1; i < lim; i++)\n        if (counted(&pmm.pi[i]))\n            pmm.pi[i].mapcount++;"),
    ("physmap-refs", "physmap unmap drops the window while a reference remains",
     "kernel/mm/kspace/physmap.c",
     "    if (--m->refs == 0) {",
     "    if (--m->refs <= 1) {"),
    ("rollback-l2-reserve", "a map that runs out of pages keeps the tables it reserved",
     "kernel/mm/pt/pt_l2.c",
     "        if (pmm_alloc(1, PAGE_SIZE, PG_TABLE, &page)) {\n            l2_settle();\n            return E_NO_MEMORY;",
     "        if (pmm_alloc(1, PAGE_SIZE, PG_TABLE, &page)) {\n            return E_NO_MEMORY;"),
    ("unmap-ignores-lock", "unmap removes locked pages",
     "kernel/mm/vm.c",
     "    if (swattr_any(id, va, va + len, ATTR_LOCK))\n        return E_BUSY;\n    if (!swattr_can_set())",
     "    if (!swattr_can_set())"),
    ("zero-half", "map zeroes only half of each RAM frame",
     "kernel/mm/vm.c",
     "        for (u32 i = 0; i < PAGE_SIZE / 4; i++)\n            w[i] = 0;",
     "        for (u32 i = 0; i < PAGE_SIZE / 8; i++)\n            w[i] = 0;"),
    ("heap-shrink-live", "heap shrink over a live kmalloc block",
     "kernel/mm/kspace/heap.c",
     "if (!t || t->used || t->size < span)",
     "if (!t || t->size < span)"),
    ("emulate-past-page", "fill/sum emulate an interrupt page's words past its end",
     "kernel/mm/access.c",
     "*left && *va != end;",
     "*left;"),
]

# The multi-CPU planted bugs (pytest/test_smp.py's), and the rollover that
# forgets its flush in the per-CPU form asid.c has now.
from mutants_smp import ASID_ROLLOVER_NOFLUSH, MUTANTS_SMP  # noqa: E402

MUTANTS += [ASID_ROLLOVER_NOFLUSH] + MUTANTS_SMP

LAYERS = {
    "unit": (["unit"], 600),
    "host": (["pytest", "PYTEST_ARGS=--target=host -x -q -n 2"], 900),
    "qemu": (["pytest", "PYTEST_ARGS=--target=qemu -x -q"], 1800),
}


def subs(path, old, new) -> list:
    """A mutant's substitutions as (file, old, new): one, or the list that
    stands in its path field (several substitutions, one mutant)."""
    return path if isinstance(path, list) else [(path, old, new)]


def files(path) -> list:
    """The files a mutant's path field names."""
    return [s[0] for s in subs(path, None, None)]


def apply(tree: Path, path, old, new) -> None:
    for p, o, n in subs(path, old, new):
        apply_one(tree, p, o, n)


def apply_one(tree: Path, path: str, old: str, new: str) -> None:
    f = tree / path
    if not f.exists():
        raise SystemExit(f"mutants: {path} does not exist (moved?): fix the mutant")
    text = f.read_text()
    n = text.count(old)
    if n != 1:
        raise SystemExit(f"mutants: snippet found {n} times in {path} (want exactly 1):\n{old}")
    f.write_text(text.replace(old, new))


def scratch(mid: str) -> Path:
    base = Path(os.environ.get("TMPDIR", "/tmp")) / "vmk-mutants" / str(os.getpid()) / mid
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           check=True, capture_output=True).stdout.split(b"\0")
    for rel in files:
        if not rel:
            continue
        src = ROOT / rel.decode()
        if src.is_file():
            dst = base / rel.decode()
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    # Reuse the objects already built here: make then rebuilds only what
    # the mutated file touches (VERSION is pinned, see make_cmd).
    if (ROOT / "build").is_dir():
        shutil.copytree(ROOT / "build", base / "build", symlinks=True,
                        ignore=shutil.ignore_patterns("mutant-fuzz", "smoke", "junit.xml"))
    return base


def make_cmd(*args):
    v = (ROOT / "build/version").read_text().strip() if (ROOT / "build/version").exists() else "0"
    return ["make", f"VERSION={v}", *args]


def run(cmd, cwd, timeout, env=None):
    t0 = time.time()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=env, start_new_session=True, text=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, time.time() - t0, out
    return p.returncode, time.time() - t0, out


def arm_only(path) -> bool:
    """The mutant changes only code the host build does not have."""
    return all(p.startswith("kernel/arch/armv7/") for p in files(path))


def seeds_on_qemu(tree: Path, seeds):
    """How the seeds' command scripts (fuzz_replay -s) fail on the mutated
    kernel in QEMU (fuzz/replay.py), or None: the fuzz corpus's reach into
    ARMv7 code, which the host harness cannot run. Unmutated, every seed
    script replays on QEMU (pytest/test_fuzz_scripts.py)."""
    rc, _, out = run(make_cmd("-j2", "build/vmk.elf"), tree, 900)
    if rc != 0:
        return "build fails: " + out[-300:]
    scripts = tree / "build/seed-scripts"
    scripts.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        rc, _, text = run(["build/host/fuzz_replay", "-s", str(s)], tree, 60)
        f = scripts / f"{s.name}.txt"
        f.write_text(text)
        rc, _, out = run([sys.executable, "fuzz/replay.py", "--target", "qemu", str(f)], tree, 120)
        if rc != 0:
            why = "timeout" if rc is None else out.strip().splitlines()[-1] if out.strip() else f"exit {rc}"
            return f"seed {s.name}: on qemu: {why}"
    return None


def fuzz_layer(tree: Path, secs: int, arm: bool = False):
    """(killed, seconds, how) for the fuzz layer. arm: the mutant is in
    ARMv7-only code, so the seeds also replay on QEMU before AFL++."""
    t0 = time.time()
    rc, _, out = run(make_cmd("-j2", "build/host/fuzz_replay"), tree, 900)
    if rc != 0:
        return False, 0.0, "build fails: " + out[-300:]
    t1 = time.time()
    seeds = sorted((tree / "fuzz/corpus/ops").iterdir())
    for s in seeds:
        rc, _, out = run(["build/host/fuzz_replay", str(s)], tree, 60)
        if rc != 0:
            why = next((l for l in out.splitlines() if l.startswith("# FINDING")), out[-200:])
            return True, time.time() - t1, f"seed {s.name}: {why}"
    if arm:
        how = seeds_on_qemu(tree, seeds)
        if how:
            return not how.startswith("build fails"), time.time() - t1, how
    t2 = time.time()
    rc, _, out = run(make_cmd("-j2", "build/fuzz/harness_afl", "build/fuzz/harness_cmplog"), tree, 900)
    if rc != 0:
        return False, 0.0, "build fails: " + out[-300:]
    build = time.time() - t2
    t1 += build                      # the clock runs while fuzzing, not building
    o = tree / "build/mutant-fuzz"
    env = dict(os.environ, AFL_SKIP_CPUFREQ="1", AFL_NO_UI="1", AFL_NO_AFFINITY="1",
               AFL_FAST_CAL="1", AFL_BENCH_UNTIL_CRASH="1", AFL_CMPLOG_ONLY_NEW="1",
               AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1", AFL_SYNC_TIME="1")
    common = ["-i", "fuzz/corpus/ops", "-o", str(o), "-t", "500", "-m", "none",
              "-V", str(secs)]
    # each pinned to a core with its target, as fuzz/campaign.sh runs them
    procs = [subprocess.Popen(["taskset", "-c", "0", "afl-fuzz", *common, "-M", "main", "-x", "fuzz/vmk.dict", "--",
                               "build/fuzz/harness_afl"], cwd=tree, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True),
             subprocess.Popen(["taskset", "-c", str(1 % (os.cpu_count() or 1)),
                               "afl-fuzz", *common, "-S", "cmplog", "-c", "build/fuzz/harness_cmplog",
                               "--", "build/fuzz/harness_afl"], cwd=tree, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)]
    found = None
    try:
        while time.time() - t1 < secs + 30:
            crashes = sorted(o.glob("*/crashes/id*"))
            if crashes:
                found = crashes[0]
                break
            if all(p.poll() is not None for p in procs):
                break
            time.sleep(1)
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
    dt = time.time() - t1
    if not found:
        return False, dt, f"no crash in {secs}s (build {build:.0f}s)"
    rc, _, out = run(["build/host/fuzz_replay", str(found)], tree, 60)
    why = next((l for l in out.splitlines() if l.startswith("# FINDING")), "crash")
    # A crash that the unmutated build finds too is not the mutant's: a bug
    # of the harness's model or of the core. It kills nothing; it is kept.
    rc0, _, out0 = run([str(ROOT / "build/host/fuzz_replay"), str(found)], ROOT, 60)
    if rc0 != 0:
        keep = ROOT / "build/mutant-false" / f"{tree.name}--{found.name.replace(',', '_')}"
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(found, keep)
        why0 = next((l for l in out0.splitlines() if l.startswith("# FINDING")), "crash")
        print(f"mutants: WARNING: {tree.name}: AFL++'s crash reproduces without the mutant "
              f"(kept as {keep}): {why0}", flush=True)
        return False, dt, f"false crash (reproduces unmutated, {keep.name}): {why0}"
    return True, dt, f"afl: {why}"


def incremental_only(chosen) -> int:
    """Seeds through a replay build with FUZZ_NO_FULL_CHECK: which mutants
    the per-op oracles alone (reply, nochange, walk, tlb, frames) kill."""
    survived = 0
    for mid, what, path, old, new in chosen:
        tree = scratch(mid)
        apply(tree, path, old, new)
        rc, _, out = run(make_cmd("build/host/fuzz_replay", "FUZZ_DEFS=-DFUZZ_NO_FULL_CHECK"), tree, 900)
        how = "build fails"
        if rc == 0:
            how = "survived"
            for s in sorted((tree / "fuzz/corpus/ops").iterdir()):
                rc, _, out = run(["build/host/fuzz_replay", str(s)], tree, 60)
                if rc != 0:
                    how = next((l for l in out.splitlines() if l.startswith("# FINDING")), "crash")
                    how = f"seed {s.name}: {how}"
                    break
        survived += how in ("survived", "build fails")   # a build failure kills nothing
        print(f"  {mid:28} {how[:140]}", flush=True)
        shutil.rmtree(tree, ignore_errors=True)
    print(f"incremental oracles alone, seeds only: {len(chosen) - survived} of {len(chosen)} killed")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="")
    ap.add_argument("--layers", default="fuzz,unit,host")
    ap.add_argument("--fuzz-secs", type=int, default=300)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--no-full-check", action="store_true",
                    help="only the seeds, through a replay build without the full check: "
                         "what the incremental oracles find on their own")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json", type=Path, default=ROOT / "build/mutants.json")
    ap.add_argument("--table", nargs="*", type=Path, default=None,
                    help="print the table merged from these result files and stop")
    a = ap.parse_args(argv)
    if a.table is not None:
        merged: dict[str, dict] = {}
        for f in a.table:
            for r in json.loads(f.read_text()):
                merged.setdefault(r["id"], {}).update(r)
        return table(list(merged.values()), a.fuzz_secs)
    chosen = [m for m in MUTANTS if not a.only or m[0] in a.only.split(",")]
    if a.list:
        for m in MUTANTS:
            f = ",".join(files(m[2]))
            print(f"{m[0]:28} {f:30} {m[1]}")
        return 0
    layers = a.layers.split(",")
    if a.no_full_check:
        return incremental_only(chosen)
    results = []
    if a.json.exists():
        try:
            results = [r for r in json.loads(a.json.read_text())
                       if r["id"] not in {m[0] for m in chosen}]
        except (ValueError, KeyError):
            results = []
    print(f"mutants: {len(chosen)} of {len(MUTANTS)}, layers {','.join(layers)}", flush=True)
    for mid, what, path, old, new in chosen:
        tree = scratch(mid)
        apply(tree, path, old, new)
        row = {"id": mid, "what": what,
               "file": ",".join(files(path))}
        if any(l != "fuzz" for l in layers):
            rc, _, out = run(make_cmd("-j2", "all"), tree, 900)
            if rc != 0:
                row["build"] = out[-400:]
        for layer in layers:
            if layer == "fuzz":
                killed, dt, how = fuzz_layer(tree, a.fuzz_secs, arm_only(path))
            elif "build" in row:     # a mutant must build: a failure kills nothing
                killed, dt, how = False, 0.0, "build fails: " + row["build"][-200:]
            else:
                cmd, to = LAYERS[layer]
                rc, dt, out = run(make_cmd(*cmd), tree, to)
                killed, how = rc != 0, ("timeout" if rc is None else f"exit {rc}")
            row[layer] = {"killed": killed, "secs": round(dt, 1), "how": how}
            print(f"  {mid:28} {layer:5} {'KILLED' if killed else 'survived':8} {dt:6.1f}s  {how[:110]}",
                  flush=True)
        results.append(row)
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(results, indent=1))
        if not a.keep:
            shutil.rmtree(tree, ignore_errors=True)
    return table(results, a.fuzz_secs)


def table(results, fuzz_secs) -> int:
    order = {m[0]: i for i, m in enumerate(MUTANTS)}
    results.sort(key=lambda r: order.get(r["id"], 999))
    all_layers = [l for l in ("fuzz", "unit", "host", "qemu") if any(l in r for r in results)]
    print("\n| mutant | what it breaks | " + " | ".join(all_layers) + " | fuzz: found by |")
    print("|---|---|" + "---|" * len(all_layers) + "---|")
    bad = 0
    for r in results:
        cells = []
        for l in all_layers:
            c = r.get(l)
            cells.append("-" if c is None else (f"killed {c['secs']:.0f}s" if c["killed"] else
                         "build fails" if c["how"].startswith("build fails") or r.get("build") else "survived"))
        f = r.get("fuzz", {}).get("how", "")
        by = ("seed " + f.split()[1].rstrip(":")) if f.startswith("seed") else ("AFL++" if f.startswith("afl") else "-")
        by += " (on QEMU)" if ": on qemu:" in f else ""
        print(f"| {r['id']} | {r['what']} | " + " | ".join(cells) + f" | {by} |")
        killed_any = any(r.get(l, {}).get("killed") for l in all_layers)
        fuzz = r.get("fuzz")
        if not killed_any or (fuzz and (not fuzz["killed"] or fuzz["secs"] > fuzz_secs)):
            bad += 1
    print(f"\nmutants: {len(results) - bad} of {len(results)} killed (fuzz layer within {fuzz_secs}s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
