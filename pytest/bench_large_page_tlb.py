"""Cost of the TLB maintenance of a large page on QEMU, through the protocol.

    python3 pytest/bench_large_page_tlb.py KERNEL[,KERNEL...] N

Boots one QEMU per kernel (side by side, so that they share the machine's
load), maps a 64K, 1M and 16M page (private, then global) in each, and
N times: `protect` the page (execute on, off) and then `sum` 64 other 4K
pages (what a wide flush makes refill). Prints the medians per kernel.

The figures in kernel/mm/pt/pt_tlb.c came from four builds of the kernel
that differed only in tlb_note_large (kernel/mm/pt/pt_tlb.c) for pages
above 4K: one TLBIMVA at the base (the old code, stale on QEMU); a
TLBIMVA(A) for every 4K page of it; TLBIASID (TLBIALL if global); TLBIALL.
Not a test (pytest does not collect it): a measurement on demand.
"""
import sys, time, statistics
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from rig import QemuConfig, Session
K, M = 1024, 1024 * 1024
VA, W = 0x01000000, 0x00400000
N = int(sys.argv[2])
res = {}
sess = {k: Session(QemuConfig(kernel=Path(k).resolve())) for k in sys.argv[1].split(",")}
for s in sess.values():
    s.start()
    wpa = s.ok("pmm alloc 64").int("pa")
    s.ok(f"map {W:#x} {wpa:#x} 256K read,write")
for size, name in ((64 * K, "64K"), (M, "1M"), (16 * M, "16M")):
    for glob in ("", ",global"):
        pas = {}
        for k, s in sess.items():
            pa = s.ok(f"pmm alloc {size // 4096} {size:#x}").int("pa"); pas[k] = pa
            s.ok(f"map1 {VA:#x} {pa:#x} {size:#x} read,write,execute{glob}")
        t = {k: ([], []) for k in sess}
        for i in range(N):
            for k, s in sess.items():      # interleaved: same load on each
                a = time.perf_counter(); s.ok(f"protect {VA:#x} {size:#x} read,write{'' if i % 2 else ',execute'}{glob}")
                b = time.perf_counter(); s.ok(f"sum {W:#x} 256K"); c = time.perf_counter()
                t[k][0].append(b - a); t[k][1].append(c - b)
        for k, s in sess.items():
            s.ok(f"unmap1 {VA:#x}"); s.ok(f"pmm free {pas[k]:#x} {size // 4096}")
            print(k.split('/')[-2], name + ("g" if glob else " "), f"protect_med_us={statistics.median(t[k][0])*1e6:.0f}",
                  f"sum64pages_med_us={statistics.median(t[k][1])*1e6:.0f}", flush=True)
for s in sess.values():
    s.ok("info"); r = s.request("check"); s.stop()
