"""Every fuzz input is also a command script: each seed of the op harness
(fuzz/corpus/ops), printed by the replay build (`fuzz_replay -s`), replays
with every reply as the harness's model said on vmsim and on QEMU
(fuzz/replay.py exits 0), the seed-API seeds included (their C calls are
printed as the requests they map to). And a script that the model does not
hold to is caught: a changed `# want` value makes replay.py exit 1 on both
targets."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REPLAY = REPO / "build/host/fuzz_replay"
SEEDS = sorted((REPO / "fuzz/corpus/ops").iterdir())


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    subprocess.run(["make", "-s", "build/host/fuzz_replay"], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    out = tmp_path_factory.mktemp("fuzz-scripts")
    made = {}
    for seed in SEEDS:
        p = subprocess.run([str(REPLAY), "-s", str(seed)], capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 0, p.stderr
        assert "FINDING" not in p.stdout
        made[seed.name] = out / (seed.name + ".txt")
        made[seed.name].write_text(p.stdout)
    return made


def replay(kind: str, script: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "fuzz/replay.py"), "--target", kind,
                           str(script)], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("seed", [s.name for s in SEEDS])
def test_seed_script_replays_as_the_model_said(target_kind, scripts, seed):
    r = replay(target_kind, scripts[seed])
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith(f"does not reproduce on {target_kind}")


def test_seed_api_script_names_each_call(scripts):
    text = scripts["seed_api_vmap_physmap"].read_text()
    for call in ("mem_vmap_map(", "mem_vmap_translate(", "unmap_single_page(",
                 "physmap map(PhysicalMapRequest", "physmap unmap("):
        assert f"# seed_api: {call}" in text, call
    # each call is followed by the request it maps to
    assert re.search(r"# seed_api: unmap_single_page\(0x401000\) -> ok\nunmap1 0x401000\n", text)


def test_seed_api_script_judges_vmap_unmap_and_switch_as_their_requests(scripts):
    """mem_vmap_unmap returns nothing: the script still says what its
    request answers, ok with what was unmapped, or the error under which
    nothing changed."""
    text = scripts["seed_api_vmap_unmap_switch"].read_text()
    for call, request in (
            (r"mem_vmap_unmap\(as 1, 0x400000, 0x2000\) -> ok", r"unmap 0x400000 0x2000   # want unmapped=0x2000"),
            (r"mem_vmap_unmap\(as 1, 0x400000, 0x1000\) -> ok", r"unmap 0x400000 0x1000   # want unmapped=0x0"),
            (r"mem_vmap_unmap\(as 1, 0x500000, 0x1000\) -> BUSY", r"unmap 0x500000 0x1000   # expect err BUSY"),
            (r"mem_vmap_unmap\(as 1, 0x900000, 0x1000\) -> NO_MEMORY", r"unmap 0x900000 0x1000   # expect err NO_MEMORY"),
            (r"mem_vmap_switch_to\(as 2\) -> ok", r"as switch 2   # want asid<=0xff"),
            (r"mem_vmap_switch_to\(as 5\) -> BAD_AS", r"as switch 5   # expect err BAD_AS")):
        assert re.search(rf"# seed_api: {call}\n{request}\n", text), call


def test_a_wrong_want_is_caught(target_kind, scripts, tmp_path):
    text = scripts["map_peek_poke"].read_text()
    wants = re.findall(r"# want val=(0x[0-9a-f]+)", text)
    assert wants, "map_peek_poke checks a value"
    bad = tmp_path / "bad.txt"
    bad.write_text(text.replace(f"# want val={wants[0]}",
                                f"# want val={int(wants[0], 16) ^ 1:#x}", 1))
    r = replay(target_kind, bad)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"reproduces on {target_kind}" in r.stdout


def test_verbose_replay_prints_each_request_and_its_reply(target_kind, scripts):
    r = subprocess.run([sys.executable, str(REPO / "fuzz/replay.py"), "--target", target_kind,
                        "-v", str(scripts["map_peek_poke"])], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    requests = [l for l in r.stdout.splitlines() if l.startswith("> ")]
    assert requests[0].startswith("> pmm alloc ") or requests[0].startswith("> map ")
    # every request is followed by its reply, ending in its final line
    lines = r.stdout.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("> "):
            tail = next(x for x in lines[i + 1:] if not x.startswith("  - ") and not x.startswith("  ! "))
            assert tail.startswith("  ok") or tail.startswith("  err "), (l, tail)


@pytest.mark.parametrize("bound,reproduces", [(1, True), (2, False)])
def test_a_want_bound_is_held_to_the_reply(target_kind, tmp_path, bound, reproduces):
    """`# want key<=N`: the harness's bound on a value it cannot predict
    exactly (an ASID under `asid limit`)."""
    s = tmp_path / "bound.txt"
    s.write_text(f"as new\nas switch 2   # want asid<={bound:#x}\n")
    r = replay(target_kind, s)
    assert r.returncode == (1 if reproduces else 0), r.stdout + r.stderr
    if reproduces:
        assert "asid=2, expected at most 0x1" in r.stdout


# One op of 12 bytes: code, cpu, a, b, c (u16), d (u16), e (u32); code 6 is
# `pmm alloc` (a % 16 + 1 pages), code 8 `as` (a % 3 == 0: `as new`).
PMM_ALLOC_4 = bytes([6, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0])
AS_NEW = bytes([8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])


@pytest.fixture(scope="module")
def replay_that_always_finds(scripts, tmp_path_factory):
    """The replay build with its end-of-input `check` made to fail: every
    input ends with a finding, so its script ends with the probes."""
    out = tmp_path_factory.mktemp("fuzz-finds")
    src = (REPO / "fuzz/harness.c").read_text()
    old = "    if (vm_check(&c, &what))\n"
    assert src.count(old) == 1
    (out / "harness.c").write_text(src.replace(old, "    if (vm_check(&c, &what) || 1)\n"))
    cmds = subprocess.run(["make", "-s", "-n", "-B", "build/host/fuzz_replay"], cwd=REPO,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    link = next(c for c in cmds if " fuzz/harness.c " in c and "-o build/host/fuzz_replay" in c)
    link = link.replace(" fuzz/harness.c ", f" {out / 'harness.c'} ") \
               .replace("-o build/host/fuzz_replay", f"-o {out / 'finds'}")
    subprocess.run(link, shell=True, cwd=REPO, check=True)
    return out / "finds"


@pytest.mark.parametrize("op", [PMM_ALLOC_4, AS_NEW], ids=["pmm_alloc_4", "as_new"])
def test_a_finding_with_no_failure_pending_probes_no_allocations(replay_that_always_finds,
                                                                 tmp_path, op):
    """With no injected failure pending, a finding's script ends with
    `check`, not with single-page allocations: an op that took pages made
    the count of them wrap to ~4 billion lines (triage timed out)."""
    (tmp_path / "in").write_bytes(op)
    with subprocess.Popen([str(replay_that_always_finds), "-s", str(tmp_path / "in")],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as p:
        lines = [ln.rstrip("\n") for ln, _ in zip(p.stdout, range(1000))]
        p.kill()
    assert "# FINDING oracle=check" in "\n".join(lines)
    assert not [ln for ln in lines if ln.startswith("pmm alloc 1 0x1000")]
    assert lines[-1] == "check"
