"""Several CPUs (PROTOCOL.md "Multiple CPUs"): every CPU has its own TLB,
current address space and ASID; mapping changes made on one CPU are seen
by every other (broadcast maintenance); ASIDs are shared, and a rollover
keeps the ASIDs that CPUs are running and makes every CPU flush before it
next switches.

Each scenario runs on vmsim --cpus 2 and 4 and on QEMU -smp 2 and 4. On
vmsim a missing broadcast or flush is a stale read, as on silicon; QEMU
keeps a TLB per vCPU, so it shows there too.

The rollover scenario checks every `as switch` against a model of the
allocator (asid.c's rules written again in Python): which ASID and
generation each switch gets, how many rollovers, and how many full TLB
invalidations each CPU made because of them.
"""
import random

import pytest

from rig import KernelPanic

from scenario import PAGE, alloc, err, fault, free, hx, ok, peek, poke, stats  # noqa: F401

VA = 0x00500000          # the page every address space maps to its own frame
SCRATCH = 0x10000000     # where frames are filled before use

CONFIGS = [
    pytest.param(("host", 2), marks=pytest.mark.host, id="host-2"),
    pytest.param(("host", 4), marks=pytest.mark.host, id="host-4"),
    pytest.param(("qemu", 2), marks=pytest.mark.qemu, id="qemu-2"),
    pytest.param(("qemu", 4), marks=pytest.mark.qemu, id="qemu-4"),
]


@pytest.fixture(params=CONFIGS)
def smp(request, launch):
    """A started target with n CPUs: (session, n). After the scenario,
    `check` passes on every CPU."""
    kind, n = request.param
    s = launch(kind, cpus=n)
    assert s.ready.int("cpus") == n, s.ready.raw
    yield s, n
    if s.alive:
        for c in range(n):
            r = s.request(f"cpu {c} check")
            assert r.ok, f"cpu {c} check after the scenario: {r.final.raw}"


def on(s, c, line):
    """`line` on CPU c, which must answer ok."""
    return ok(s, f"cpu {c} {line}")


def cpu_peek(s, c, va):
    r = on(s, c, f"peek {hx(va)}")
    assert not r.events, str(r)
    return r.int("val")


def frame(s, word):
    """A fresh frame whose words all hold `word` (filled through a scratch
    mapping of CPU 0's current address space, then unmapped)."""
    pa = alloc(s)
    ok(s, f"map {hx(SCRATCH)} {hx(pa)} 0x1000 read,write")
    ok(s, f"fill {hx(SCRATCH)} 0x1000 {hx(word)}")
    ok(s, f"unmap {hx(SCRATCH)} 0x1000")
    return pa


def cpus(s):
    """`cpus` -> list of record fields, by CPU."""
    r = ok(s, "cpus")
    recs = r.records
    assert r.int("count") == len(recs) and [f.int("cpu") for f in recs] == list(range(len(recs)))
    return recs


# ----------------------------------------------------------------- basics

def test_every_cpu_starts_in_address_space_1_and_requests_run_where_asked(smp):
    s, n = smp
    recs = cpus(s)
    assert len(recs) == n
    asid = ok(s, "info").int("asid")
    for c, f in enumerate(recs):
        assert (f.int("as"), f.int("asid"), f.int("gen"), f.int("rollover_flushes")) == (1, asid, 1, 0)
        r = on(s, c, "info")
        assert (r.int("as"), r.int("asid"), r.int("asid_gen")) == (1, asid, 1)
    err(s, f"cpu {n} info", "BAD_ARG")
    err(s, "cpu 0", "BAD_ARG")
    err(s, "cpu x info", "BAD_ARG")
    err(s, "cpus 1", "BAD_ARG")
    err(s, "cpu 1 nosuchcommand", "BAD_COMMAND")
    if n > 2:                     # only CPU 0 hands out work
        err(s, "cpu 1 cpu 2 info", "BAD_ARG")
    assert on(s, 1, "cpu 1 info").int("as") == 1


def test_a_fault_on_another_cpu_is_reported_through_the_channel(smp):
    s, n = smp
    for c in range(n):
        fault(s, f"cpu {c} peek 0x7000", 0x7000, "translation_section", "read")
        fault(s, f"cpu {c} poke 0x7000 0x1", 0x7000, "translation_section", "write")


MRC_MPIDR_R0 = 0xEE100FB0   # mrc p15, 0, r0, c0, c0, 5
LDR_R0_R0 = 0xE5900000      # ldr r0, [r0]
BX_LR = 0xE12FFF1E          # bx lr


def code_page(s, words):
    pa = alloc(s)
    ok(s, f"map 0x10000 {hx(pa)} 0x1000 read,write,execute,privileged")
    for k, w in enumerate(words):
        ok(s, f"poke {hx(0x10000 + 4 * k)} {hx(w)}")
    ok(s, f"cache unify 0x10000 {4 * len(words)}")


@pytest.mark.qemu
@pytest.mark.parametrize("n", [2, 4])
def test_exec_on_a_cpu_runs_on_that_cpu(launch, n):
    """The code reads MPIDR: its affinity is the CPU the request named."""
    s = launch("qemu", cpus=n)
    code_page(s, [MRC_MPIDR_R0, BX_LR])
    for c in reversed(range(n)):
        assert on(s, c, "exec 0x10000").int("r0") & 0xff == c


@pytest.mark.qemu
def test_an_abort_on_another_cpu_panics_through_cpu_0_with_exit_status_70(launch):
    s = launch("qemu", cpus=2)
    code_page(s, [LDR_R0_R0, BX_LR])
    with pytest.raises(KernelPanic) as e:
        s.request("cpu 1 exec 0x10000")
    assert e.value.exit_status == 70
    assert e.value.panic.raw.startswith("! panic kind=data")


# ------------------------------------------- changes seen by every CPU

def cache_everywhere(s, n, va, want):
    """Every CPU reads va (so that its TLB holds the entry) and sees want."""
    for c in range(n):
        assert cpu_peek(s, c, va) == want, f"cpu {c}"


def test_unmap_on_one_cpu_is_seen_by_every_cpu_that_cached_it(smp):
    s, n = smp
    before = stats(s)
    a, b = frame(s, 0x1111), frame(s, 0x2222)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,uninit")
    cache_everywhere(s, n, VA, 0x1111)
    ok(s, f"unmap {hx(VA)} 0x1000")
    for c in range(1, n):
        fault(s, f"cpu {c} peek {hx(VA)}", VA, "translation_section", "read")
    # and a remap on the last CPU is read by every other, CPU 0 included
    cache_everywhere_after = n - 1
    on(s, cache_everywhere_after, f"map {hx(VA)} {hx(b)} 0x1000 read,write,uninit")
    cache_everywhere(s, n, VA, 0x2222)
    on(s, cache_everywhere_after, f"map {hx(VA + PAGE)} {hx(a)} 0x1000 read,uninit")
    cache_everywhere(s, n, VA + PAGE, 0x1111)
    on(s, cache_everywhere_after, f"unmap {hx(VA)} 0x2000")
    for c in range(n):
        fault(s, f"cpu {c} peek {hx(VA + PAGE)}", VA + PAGE, "translation_section", "read")
    free(s, a)
    free(s, b)
    assert stats(s) == before


def test_unmap_of_more_pages_than_are_named_is_seen_by_every_cpu(smp):
    """20 pages (more than the kernel invalidates one by one: it then
    invalidates the whole ASID) read on every CPU, unmapped on one."""
    s, n = smp
    a = frame(s, 0x6666)
    vas = [VA + k * PAGE for k in range(20)]
    for va in vas:
        ok(s, f"map1 {hx(va)} {hx(a)} 0x1000 read,uninit")
    for va in vas[::3]:
        cache_everywhere(s, n, va, 0x6666)
    on(s, n - 1, f"unmap {hx(VA)} {hx(20 * PAGE)}")
    for c in range(n):
        for va in vas[::3]:
            fault(s, f"cpu {c} peek {hx(va)}", va, "translation_section", "read")
    free(s, a)


def test_unmap_of_a_global_page_is_seen_by_every_cpu_that_cached_it(smp):
    """A global entry matches in every ASID, so the kernel invalidates it
    in all of them (TLBIMVAAIS): on every CPU too."""
    s, n = smp
    a = frame(s, 0x7777)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,global,uninit")
    ok(s, f"map {hx(VA + PAGE)} {hx(a)} 0x1000 read,uninit")   # keeps the L2 table
    cache_everywhere(s, n, VA, 0x7777)
    on(s, n - 1, f"unmap {hx(VA)} 0x1000")
    for c in range(n):
        fault(s, f"cpu {c} peek {hx(VA)}", VA, "translation_page", "read")
    ok(s, f"unmap {hx(VA + PAGE)} 0x1000")
    free(s, a)


def test_protect_on_one_cpu_is_seen_by_every_cpu_that_cached_it(smp):
    s, n = smp
    a = frame(s, 0x3333)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,write,uninit")
    for c in range(n):
        on(s, c, f"poke {hx(VA)} {hx(0x3330 + c)}")   # a writable entry in each TLB
    on(s, 1, f"protect {hx(VA)} 0x1000 read")
    for c in range(n):
        fault(s, f"cpu {c} poke {hx(VA)} 0x1", VA, "permission_page", "write")
        assert cpu_peek(s, c, VA) == 0x3330 + n - 1
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, a)


def test_pt_unmap_on_one_cpu_is_seen_by_every_cpu_that_cached_it(smp):
    s, n = smp
    a = frame(s, 0x4444)
    ok(s, f"map {hx(VA)} {hx(a)} 0x1000 read,uninit")
    cache_everywhere(s, n, VA, 0x4444)
    assert on(s, n - 1, f"pt unmap {hx(VA)}").int("unmapped") == PAGE
    for c in range(n):
        fault(s, f"cpu {c} peek {hx(VA)}", VA, "translation_section", "read")
    free(s, a)


def test_as_destroy_on_one_cpu_leaves_no_entry_for_the_asid_that_is_reused(smp):
    """CPU 1 caches VA in X, goes back to address space 1; CPU 0 destroys
    X; Y then gets X's ASID (asid limit n, the others held by fillers) and
    maps nothing at VA: CPU 1 in Y must fault, not read X's frame."""
    s, n = smp
    ok(s, f"asid limit {n}")
    a = frame(s, 0x5555)
    x = on(s, 1, "as new").int("as")
    assert on(s, 1, f"as switch {x}").int("asid") == 2
    on(s, 1, f"map {hx(VA)} {hx(a)} 0x1000 read,uninit")
    assert cpu_peek(s, 1, VA) == 0x5555
    on(s, 1, "as switch 1")
    fillers = [ok(s, "as new").int("as") for _ in range(n - 2)]
    for k, f in enumerate(fillers):
        assert ok(s, f"as switch {f}").int("asid") == 3 + k
    ok(s, "as switch 1")
    ok(s, f"as destroy {x}")
    y = ok(s, "as new").int("as")
    r = on(s, 1, f"as switch {y}")
    assert (r.int("asid"), r.int("gen")) == (2, 1)   # X's ASID, no rollover
    fault(s, f"cpu 1 peek {hx(VA)}", VA, "translation_section", "read")
    on(s, 1, "as switch 1")
    for i in [y, *fillers]:
        ok(s, f"as destroy {i}")
    free(s, a)
    assert ok(s, "asid stats").int("rollovers") == 0


# ------------------------------------------------ one space per CPU

def spaces_with_frames(s, count, tag, model=None, replies=None):
    """count new address spaces, each mapping VA to its own frame whose
    words hold tag + id; returns {id: (frame, value)}. CPU 0 switches to
    each and back to 1; with a model, replies gets (request, got, model's)
    of each switch, for the scenario to compare after its reads."""
    out = {}
    for _ in range(count):
        i = ok(s, "as new").int("as")
        val = tag + i
        pa = frame(s, val)
        for j in (i, 1):
            r = ok(s, f"as switch {j}")
            if model:
                replies.append((f"as switch {j}", (r.int("asid"), r.int("gen")),
                                model.switch(0, j)))
            if j == i:
                ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write,uninit")
        out[i] = (pa, val)
    return out


def same_as_model(replies):
    for line, got, want in replies:
        assert got == want, f"setup {line}: got {got}, model {want}"


def test_each_cpu_runs_its_own_address_space(smp):
    s, n = smp
    sp = spaces_with_frames(s, n, 0xabc000)
    ids = sorted(sp)
    for c, i in enumerate(ids):
        on(s, c, f"as switch {i}")
    recs = cpus(s)
    assert [f.int("as") for f in recs] == ids
    assert len({f.int("asid") for f in recs}) == n          # one ASID each
    rnd = random.Random(n)
    for _ in range(4):
        order = list(range(n))
        rnd.shuffle(order)
        for c in order:
            assert cpu_peek(s, c, VA) == sp[ids[c]][1], f"cpu {c}"
            r = on(s, c, f"translate {hx(VA)}")
            assert r.int("pa") == sp[ids[c]][0]
    ok(s, "check")
    for c in range(n):
        on(s, c, "as switch 1")
    for i in ids:
        ok(s, f"as destroy {i}")
        free(s, sp[i][0])


def test_as_destroy_of_a_space_current_on_another_cpu_is_busy(smp):
    s, n = smp
    x = ok(s, "as new").int("as")
    last = n - 1
    on(s, last, f"as switch {x}")
    before = stats(s)
    for c in range(n):
        err(s, f"cpu {c} as destroy {x}", "BUSY")
    assert stats(s) == before
    assert x in [f.int("as") for f in ok(s, "as list").records]
    err(s, "as destroy 1", "BUSY")            # current on every other CPU too
    on(s, last, "as switch 1")
    ok(s, f"as destroy {x}")


# ------------------------------------------------------------ rollover

class AsidModel:
    """asid.c's allocator, for `n` CPUs, `limit` ASIDs (see asid.h)."""

    def __init__(self, n, limit, first=1):
        self.n, self.limit = n, limit
        self.gen, self.rollovers, self.hint = 1, 0, first % limit + 1
        self.used = {first}
        self.held = {1: (first, 1)}                 # as id -> (asid, gen)
        self.active = [(first, 1)] * n
        self.reserved = [None] * n
        self.pending = [False] * n
        self.flushes = [0] * n

    def _find_free(self):
        for k in range(self.limit):
            a = (self.hint - 1 + k) % self.limit + 1
            if a not in self.used:
                return a
        return 0

    def _rollover(self, me):
        self.used = set()
        self.gen += 1
        self.rollovers += 1
        self.hint = 1
        for c in range(self.n):
            p = self.active[c] or self.reserved[c]
            if c == me:              # switching away: its ASID is not kept
                p = None
            self.active[c] = None
            self.reserved[c] = p
            if p:
                self.used.add(p[0])
            self.pending[c] = True

    def switch(self, c, i):
        asid, gen = self.held.get(i, (0, 0))
        if not (gen == self.gen and asid):
            if asid and (asid, gen) in self.reserved:
                self.reserved = [(asid, self.gen) if r == (asid, gen) else r
                                 for r in self.reserved]
                gen = self.gen
            else:
                a = self._find_free()
                if not a:
                    self._rollover(c)
                    a = self._find_free()
                self.used.add(a)
                self.hint = a % self.limit + 1
                asid, gen = a, self.gen
        if self.pending[c]:
            self.pending[c] = False
            self.flushes[c] += 1
        self.active[c] = (asid, gen)
        self.held[i] = (asid, gen)
        return asid, gen


def test_asid_rollover_while_cpus_run_different_spaces_in_many_orders(smp):
    """asid limit n (the least allowed: a rollover reserves the ASIDs of
    the n - 1 other CPUs and leaves one free). 3 * n address spaces, each with VA on its own
    frame; 240 steps (100 on QEMU, whose CPUs hand over slowly), each a CPU (seeded random order) switching to a space
    (sometimes one another CPU runs) and reading VA on it and on another
    CPU. Every read sees the frame of the reading CPU's space; every switch
    gets what the model says; check holds throughout."""
    s, n = smp
    limit = n
    err(s, f"asid limit {n - 1}", "BAD_ARG")
    ok(s, f"asid limit {limit}")
    model, setup = AsidModel(n, limit, ok(s, "info").int("asid")), []
    sp = spaces_with_frames(s, 3 * limit, 0x5a0000, model, setup)
    ids = sorted(sp)
    current = [1] * n
    rnd = random.Random(1000 + n)
    for step in range(240 if s.kind == "host" else 100):
        c = rnd.randrange(n)
        other = current[(c + 1) % n]
        i = rnd.choice(ids if rnd.random() < 0.85 or other == 1 else [other])
        r = on(s, c, f"as switch {i}")
        current[c] = i
        want = model.switch(c, i)
        assert cpu_peek(s, c, VA) == sp[i][1], f"step {step}: cpu {c} in as {i} read another frame"
        d = rnd.randrange(n)
        if current[d] != 1:
            assert cpu_peek(s, d, VA) == sp[current[d]][1], \
                f"step {step}: cpu {d} in as {current[d]} read another frame"
        if step % 16 == 15:
            ok(s, f"cpu {d} check")
        same_as_model(setup)
        assert (r.int("asid"), r.int("gen")) == want, f"step {step}: cpu {c} as switch {i}"
    st = ok(s, "asid stats")
    assert (st.int("generation"), st.int("rollovers")) == (model.gen, model.rollovers)
    assert model.rollovers >= 40
    recs = cpus(s)
    assert [f.int("rollover_flushes") for f in recs] == model.flushes
    assert [f.int("as") for f in recs] == current
    for c in range(n):
        on(s, c, "as switch 1")
    for i in ids:
        ok(s, f"as destroy {i}")
        free(s, sp[i][0])


def test_rollover_keeps_the_asid_a_cpu_is_running_and_its_flushes_still_reach_it(smp):
    """CPU 1 runs P and has VA cached. CPU 0 switches through
    spaces, rolling over twice: P's ASID stays reserved (no other space
    gets it, check holds), and an unmap in P on CPU 1 still reaches CPU 1's
    TLB: the read after it faults."""
    s, n = smp
    limit = max(3, n)
    ok(s, f"asid limit {limit}")
    model, setup = AsidModel(n, limit), []
    sp = spaces_with_frames(s, 2 * limit + 1, 0x7a0000, model, setup)
    p, *others = sorted(sp)
    r = on(s, 1, f"as switch {p}")
    setup.append((f"cpu 1 as switch {p}", (r.int("asid"), r.int("gen")), model.switch(1, p)))
    p_asid, rolled = r.int("asid"), model.rollovers
    assert cpu_peek(s, 1, VA) == sp[p][1]
    for i in others:
        r = ok(s, f"as switch {i}")
        assert peek(s, VA) == sp[i][1]
        ok(s, "check")
        assert r.int("asid") != p_asid, "P's reserved ASID went to another space"
        same_as_model(setup)
        assert (r.int("asid"), r.int("gen")) == model.switch(0, i)
    assert ok(s, "asid stats").int("rollovers") == model.rollovers >= rolled + 2
    assert cpu_peek(s, 1, VA) == sp[p][1]
    on(s, 1, f"unmap {hx(VA)} 0x1000")
    fault(s, f"cpu 1 peek {hx(VA)}", VA, "translation_section", "read")
    for c in range(n):
        on(s, c, "as switch 1")
    for i in sp:
        ok(s, f"as destroy {i}")
        free(s, sp[i][0])
