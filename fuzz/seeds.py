#!/usr/bin/env python3
"""fuzz/seeds.py: writes the seed corpus of the op harness (fuzz/corpus/ops)
and of the line harness (fuzz/corpus/lines), and the AFL++ dictionary
(fuzz/vmk.dict). Each seed is a scenario a kernel developer would name,
written in the harness's op format (fuzz/harness.c: 12 bytes per op,
little-endian fields):

    code, cpu, a, b : u8      c, d : u16      e : u32

Run it after changing the op format: `python3 fuzz/seeds.py`."""
import os
import struct

(MAP, MAP1, UNMAP, UNMAP1, PROTECT, PT, ALLOC, FREE, AS, PEEK, POKE, EXEC,
 FILL, SUM, TRANSLATE, FLUSH, ASID, FAIL, HEAP, KMALLOC, PHYSMAP, KPEEK,
 CACHE, QUERY) = range(24)

# attribute bits of field d
W, X, PRIV, NOCACHE, DEVICE, UNINIT, LOCK, INTR = 1, 2, 4, 0x18, 0x60, 0x80, 0x300, 0xc00
GLOBAL = 0x3000
FRAME = 0x80          # field b of map: use frame slot (b & 31)
PG = 1                # field c counts 4K pages


def op(code, a=0, b=0, c=0, d=0, e=0, cpu=0):
    return struct.pack("<BBBBHHI", code, cpu, a, b, c, d, e)


def on(cpu, o):                               # the op o, run on CPU cpu
    return o[:1] + bytes([cpu]) + o[2:]


def alloc(slot, count, align_log=0):          # pmm alloc count (1..16), 4K << align_log
    return op(ALLOC, a=count - 1, b=align_log, c=slot)


def map_pages(page, slot, pages, attrs=W):    # map page*4K -> frame slot, pages*4K
    return op(MAP, a=(pages - 1) << 2, b=FRAME | slot, c=page, d=attrs, e=0x80)


def map_dev(page, pages, attrs=W, dev=0):
    return op(MAP, a=(pages - 1) << 2, c=page, d=attrs, e=dev)


def map_mb(page, mbs, attrs=W, dev=0):        # map mbs MiB of device space, 1M-aligned
    return op(MAP, a=(0x30 | (mbs - 1)) << 2, b=0x08, c=page, d=attrs, e=dev)


def map1(page, size_idx, attrs=W, dev=0, slot=None):
    b = 0 if slot is None else FRAME | slot
    return op(MAP1, a=size_idx | (0 if slot is None else 0x80), b=b, c=page, d=attrs, e=dev if slot is None else 0x80)


def unmap(page, pages):
    return op(UNMAP, c=page, d=pages - 1)


def peek(page, off=0, user=0):
    return op(PEEK, b=user, c=page, d=off)


def poke(page, val, off=0, user=0):
    return op(POKE, b=user, c=page, d=off, e=val)


SEEDS = {
    "map_peek_poke": [alloc(0, 4), map_pages(0x400, 0, 4), poke(0x400, 0x1111),
                      peek(0x400), peek(0x401, user=1), op(QUERY, a=3)],
    "stale_tlb_unmap": [alloc(0, 1), alloc(1, 1), map_pages(0x400, 0, 1), poke(0x400, 0xaaaa),
                        peek(0x400), unmap(0x400, 1), map_pages(0x400, 1, 1), peek(0x400)],
    "protect_ro": [alloc(0, 1), map_pages(0x400, 0, 1, W), poke(0x400, 5),
                   op(PROTECT, a=0, c=0x400, d=0), poke(0x400, 6), peek(0x400)],
    "split_1m_section": [map_mb(0x100, 1, W, dev=0x100000), peek(0x180),
                         op(PROTECT, a=0, c=0x180, d=W), peek(0x1c0),
                         unmap(0x180, 1), peek(0x180), peek(0x181), op(UNMAP1, c=0x1ff)],
    "split_16m": [map1(0x1000, 3, W, dev=0x01000000), peek(0x1400), unmap(0x1400, 16),
                  peek(0x1400), peek(0x1410), op(TRANSLATE, c=0x1800)],
    "large_64k": [alloc(0, 16, 4), map1(0x410, 1, W, slot=0), poke(0x415, 7), peek(0x415),
                  op(PROTECT, a=3, c=0x414, d=W | X), op(EXEC, c=0x414), unmap(0x418, 2), peek(0x418)],
    "pt_map_unmap": [op(PT, c=0x300), alloc(0, 2), map_pages(0x310, 0, 2), peek(0x310),
                     op(PT, a=1, c=0x300), peek(0x310), op(PT, c=0x300)],
    "spaces_asid": [alloc(0, 1), map_pages(0x400, 0, 1), poke(0x400, 1), op(AS, a=0),
                    op(AS, a=1, c=2), peek(0x400), op(AS, a=1, c=1), peek(0x400),
                    op(AS, a=2, c=2), op(QUERY, a=1)],
    "asid_rollover": [op(ASID, a=0), alloc(0, 1), map_pages(0x400, 0, 1), peek(0x400),
                      op(AS, a=0), op(AS, a=0), op(AS, a=0),
                      op(AS, a=1, c=2), peek(0x400), op(AS, a=1, c=3), peek(0x400),
                      op(AS, a=1, c=4), peek(0x400), op(AS, a=1, c=1), peek(0x400),
                      op(AS, a=1, c=2), op(AS, a=1, c=3), op(AS, a=1, c=1), peek(0x400)],
    "fail_nomem": [op(FAIL, a=1), alloc(0, 2), op(FAIL, a=2), op(AS, a=0), op(FAIL, a=3),
                   map_dev(0x400, 1), op(FAIL, a=1), op(HEAP, d=0x3000), op(QUERY, a=0)],
    # three maps use up the free L2 quarters, then one needs two fresh
    # table pages and the injected failure hits the second: rollback
    "rollback_tables": [op(MAP, a=0x33 << 2, c=0x180, d=W, e=0x10000),
                        op(MAP, a=0x31 << 2, c=0x980, d=W, e=0x10000),
                        op(MAP, a=0x31 << 2, c=0xd80, d=W, e=0x10000),
                        op(FAIL, a=2), op(MAP, a=0x33 << 2, c=0x1180, d=W, e=0x10000),
                        op(QUERY, a=0), op(MAP, a=0x33 << 2, c=0x1180, d=W, e=0x10000),
                        unmap(0x180, 512)],
    "remap_zeroes": [alloc(0, 1), map_pages(0x400, 0, 1), op(FILL, a=63, b=0x10, c=0x400, e=0x55555555),
                     unmap(0x400, 1), map_pages(0x400, 0, 1), op(SUM, a=63, b=0x10, c=0x400),
                     op(SUM, a=31, b=0x10, c=0x400, d=0x800), peek(0x400, off=0xffc)],
    "heap_shrink_busy": [op(HEAP, d=0xfff), op(KMALLOC, b=0x40, d=0xfff), op(HEAP, a=1, d=0xfff),
                         op(KMALLOC, a=1, c=0), op(HEAP, a=1, d=0xfff)],
    "heap_kmalloc": [op(HEAP, d=0x1fff), op(KMALLOC, d=100), op(KMALLOC, d=2000),
                     op(HEAP, a=1, d=0xfff), op(HEAP, a=1, d=0x7ff), op(KMALLOC, a=1, c=0),
                     op(HEAP, a=1, d=0x4fff),
                     op(KMALLOC, a=1, c=0)],
    "physmap_refs": [op(PHYSMAP, b=0, d=0xfff, e=0), op(PHYSMAP, b=0, d=0x7ff, e=0x100),
                     op(KPEEK, b=0x80), op(PHYSMAP, a=1, c=0), op(KPEEK, b=0x80),
                     op(PHYSMAP, a=1, c=0), op(KPEEK, b=0x80), op(QUERY, a=2)],
    "physmap_frame": [alloc(3, 2), op(PHYSMAP, b=0x81, c=3, d=0x1fff), op(KPEEK, a=1, b=0x80, e=4),
                      op(KPEEK, b=0, c=3, e=4), op(FREE, c=3), op(PHYSMAP, a=1, c=0), op(FREE, c=3)],
    "interrupt_lock": [map_dev(0x500, 2, W | INTR), peek(0x500), poke(0x501, 3),
                       op(FILL, a=63, c=0x500), map_dev(0x510, 1, W | LOCK), unmap(0x510, 1),
                       op(PROTECT, a=0, c=0x510, d=W), unmap(0x510, 1)],
    "fill_sum_fault": [alloc(0, 2), map_pages(0x400, 0, 2), op(FILL, a=63, c=0x400, e=0x01010101),
                       op(SUM, a=63, c=0x400), op(SUM, a=63, c=0x401, d=0xf00), op(CACHE, a=4, c=0x400)],
    "device_xn_priv": [map_dev(0x600, 1, W | X | DEVICE), map_dev(0x600, 1, W | DEVICE),
                       op(EXEC, c=0x600), map_dev(0x601, 1, PRIV | X), peek(0x601, user=1),
                       op(EXEC, c=0x601), op(TRANSLATE, a=1, b=1, c=0x601)],
    "free_busy": [alloc(0, 2), map_pages(0x400, 0, 2), op(FREE, c=0), unmap(0x400, 2),
                  op(FREE, c=0), op(FREE, b=0x20, c=0), op(FREE, b=0, c=5, e=77)],
    "flushes": [alloc(0, 1), map_pages(0x400, 0, 1), peek(0x400), op(FLUSH, a=0),
                op(FLUSH, a=1, c=1), op(FLUSH, a=2, c=0x400), op(AS, a=2, c=1), op(AS, a=1, c=9)],
    "destroy_other": [op(AS, a=0), op(AS, a=1, c=2), alloc(0, 1), map_pages(0x400, 0, 1),
                      peek(0x400), op(AS, a=1, c=1), op(AS, a=2, c=2), op(AS, a=0),
                      op(AS, a=1, c=2), peek(0x400)],
    # Several CPUs (FZ_CPUS >= 2): CPU 1 caches an entry, CPU 0 changes
    # the tables, CPU 1 must not keep it (broadcast maintenance)
    "smp_unmap_page": [alloc(0, 1), map_pages(0x400, 0, 1), on(1, peek(0x400)),
                       unmap(0x400, 1), on(1, peek(0x400))],
    "smp_protect_page": [alloc(0, 1), map_pages(0x400, 0, 1, W), on(1, poke(0x400, 3)),
                         op(PROTECT, a=0, c=0x400, d=0), on(1, poke(0x400, 4))],
    # (both ends read again: on QEMU a TLBIASID that stays on CPU 0 leaves
    # CPU 1's entry for the last page, not for the first)
    "smp_unmap_many": [map_dev(0x400, 32, W), on(1, peek(0x400)), on(1, peek(0x41f)),
                       unmap(0x400, 32), on(1, peek(0x400)), on(1, peek(0x41f))],
    "smp_protect_global": [alloc(0, 1), map_pages(0x400, 0, 1, W | GLOBAL), on(1, poke(0x400, 3)),
                           op(PROTECT, a=0, c=0x400, d=GLOBAL), on(1, poke(0x400, 4))],
    "smp_unmap_global": [alloc(0, 1), map_pages(0x400, 0, 1, W | GLOBAL), on(1, peek(0x400)),
                         unmap(0x400, 1), on(1, peek(0x400))],
    # rollover with a small limit while CPU 1 runs a space and caches an
    # entry of another: CPU 1's ASID stays reserved, and CPU 1 flushes
    # before it runs the space that gets the recycled ASID
    "smp_rollover": [op(ASID, a=1), op(AS, a=0), op(AS, a=0), op(AS, a=0),
                     on(1, op(AS, a=1, c=2)), alloc(0, 1), on(1, map_pages(0x400, 0, 1)),
                     on(1, peek(0x400)), on(1, op(AS, a=1, c=1)), op(AS, a=1, c=3),
                     op(AS, a=1, c=4), on(1, op(AS, a=1, c=4)), on(1, peek(0x400)),
                     on(1, op(AS, a=1, c=1)), op(AS, a=1, c=2), op(QUERY, a=1)],
    # asid limit below the ASID of a space both CPUs run: CPU 1's
    # reservation keeps it (above the limit) until the space is left
    "smp_limit_shared": [op(AS, a=0)] * 5 + [op(AS, a=1, c=i) for i in (2, 3, 4, 5, 6)] +
                        [on(1, op(AS, a=1, c=6)), op(ASID, a=0), op(AS, a=1, c=1),
                         on(1, op(AS, a=1, c=2)), op(QUERY, a=1)],
    # seed 001's C API (CPU byte bit 7): map_range, map_single_page,
    # unmap_range (AddressNotMapped on an empty range), on both CPUs
    "seed_api_paging": [alloc(0, 2), on(0x80, map_pages(0x400, 0, 1)), peek(0x400),
                        on(0x80, map1(0x410, 0, W, slot=0)), on(0x80, map_pages(0x400, 0, 1)),
                        on(0x81, peek(0x410)), on(0x80, unmap(0x400, 1)), on(0x80, unmap(0x400, 1)),
                        on(0x81, unmap(0x410, 1)), peek(0x410), op(PT, c=0x300),
                        on(0x80, unmap(0x300, 4))],
    # seed 001's unmap_single_page, seed 004's mem_vmap_map and
    # mem_vmap_translate (CPU byte bits 7 and 6), seed 000's physmap
    # map(PhysicalMapRequest) and unmap (bit 7), judged as the requests
    "seed_api_vmap_physmap": [alloc(0, 4), on(0xc0, map_pages(0x400, 0, 2)),
                              on(0xc0, map_pages(0x400, 0, 1)), on(0x80, op(TRANSLATE, c=0x401, d=0x123)),
                              on(0x80, op(TRANSLATE, c=0x402)), on(0x80, op(UNMAP1, c=0x401)),
                              on(0x80, op(UNMAP1, c=0x401)), peek(0x400),
                              on(0x80, op(PHYSMAP, b=0, d=0xfff, e=0)),
                              on(0x80, op(PHYSMAP, b=0, d=0x7ff, e=0x100)), op(KPEEK, b=0x80),
                              on(0x80, op(PHYSMAP, a=1, c=0)), on(0x80, op(PHYSMAP, a=1, c=0)),
                              on(0x80, op(PHYSMAP, a=1, b=0x80, e=3))],
    # seed 004's mem_vmap_unmap (returns nothing: judged by what the space
    # lost) and mem_vmap_switch_to (bits 7 and 6): an unmap, an empty
    # range, a locked page and a split that runs out of memory (nothing
    # changes), a switch to a new space, to none, and back
    "seed_api_vmap_unmap_switch": [map_mb(0x600, 4), on(0xc0, unmap(0x600, 1)), on(0xc0, unmap(0x700, 1)),
                                   on(0xc0, unmap(0x800, 1)), op(FAIL, a=1), on(0xc0, unmap(0x900, 1)),
                                   peek(0x900), alloc(0, 2), map_pages(0x400, 0, 2),
                                   map_dev(0x500, 1, W | LOCK), on(0xc0, unmap(0x400, 2)), peek(0x401),
                                   on(0xc0, unmap(0x400, 1)), on(0xc0, unmap(0x500, 1)),
                                   op(AS, a=0), on(0xc0, op(AS, a=1, c=2)), peek(0x500),
                                   on(0xc0, op(AS, a=1, c=5)), on(0xc0, op(AS, a=1, c=1)), peek(0x500)],
    # the fuzz smoke's find (2026-12-07), as AFL++ wrote it: a global unmap
    # empties the other space's tables (their page went back although the
    # held reserve had counted its quarters), then the requesting space's
    # section split, under `fail nomem`, found no table: vg_change panicked
    "global_unmap_split_held_reserve": [bytes.fromhex(
        "00000000050301f1f1f1090cf1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f11b001111111111"
        "1111111111111100cc0080fe01000000dc01801101000000c2c200000001f8100000cc00"
        "801103fffd00b90000000000000100170000000000fa0000190cc3c2c2c2c2c2c2d7c2c2"
        "c2c2b7c2c2c21d0002000000cc00801101000000c2c2c2c2c2c2c2c2bac2c3c2c2d7c2b0"
        "c2")],
    # a 10-minute campaign's find (2026-12-07), as AFL++ wrote it: the heap
    # grown over most of RAM, seed 004's mem_vmap_unmap of a range whose 1M
    # section must split finds no page and changes nothing; the request
    # would answer NO_MEMORY (the harness's model once took it for a lost
    # unmap)
    "vmap_unmap_split_out_of_memory": [bytes.fromhex(
        "00000000050500200101011a120100efff00000034f12d00ddf11b00111111111111117f"
        "00f1f1f1f1f10801000000dc01801101000000c2c23211bb3d011a120100efff00000034"
        "f1c2c2c2c2c2c2c2c2c2c2c20a0000000000c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c297c2"
        "c2c200001980fd00b9cbe9c2c2c2c2c2c2c2c2f1f1f1f1c2c2c2c2c2c285c2b0bac2c3")],
    # a global 1M section goes into every space: an empty L2 that `pt map`
    # left in another space's region refuses it (ALREADY_MAPPED), as one in
    # the space's own does
    "global_section_over_pinned_l2": [op(PT, c=0x0), op(AS, a=0), op(AS, a=1, c=2),
                                      map1(0x0, 2, GLOBAL), map1(0x0, 2), op(AS, a=1, c=1),
                                      map1(0x0, 2, GLOBAL), op(PT, a=1, c=0x0),
                                      map1(0x0, 2, GLOBAL), peek(0x0)],
    # a global page lands in the empty L2 `pt map` left in space 1; its
    # unmap from space 2 empties and frees that table too
    "global_unmap_frees_pinned_l2": [op(PT, c=0x0), op(AS, a=0), op(AS, a=1, c=2),
                                     map_dev(0x0, 1, GLOBAL), unmap(0x0, 1), op(AS, a=1, c=1),
                                     op(PT, a=1, c=0x0), map1(0x0, 2, GLOBAL),
                                     op(PT, a=1, c=0x0)],
    # a pmm alloc that finds no aligned run hands out nothing: the pending
    # injected failure keeps its count (PROTOCOL: every page handed out
    # counts once)
    "fail_nomem_refused_alloc": [op(ALLOC, a=6, b=8, c=1), op(ALLOC, a=6, b=8, c=2),
                                 op(ALLOC, a=6, b=8, c=3), op(FAIL, a=9),
                                 op(ALLOC, a=6, b=8, c=4), op(ALLOC, a=0, c=5), op(FAIL, a=0)],
    # an interrupt marker alone in its region's L2: the fault walk caches
    # the L1 descriptor, and unmapping the marker notes no page, so only
    # the table's own note drops that walk-cache entry before the free
    "table_free_marker": [map_dev(0x505, 1, W | INTR), peek(0x505), unmap(0x505, 1),
                          peek(0x505), op(QUERY, a=0)],
}

LINES = {
    "basic": b"info\nmap 0x400000 0x10000000 4K read,write\npeek 0x400000\ncheck\n",
    "errors": b"map 0x400001 0x0 4K read\nfoo\n\nmap 1 2\n" + b"x" * 300 + b"\npeek 0x1\r\n\x01\n",
    "numbers": b"pmm alloc 0x10 64K\npmm alloc 4294967296\nheap grow 1M\nphysmap map 0x9000000 0x1000\n",
    "cr": b"info\rpeek 0x80000000\r\nas new\n  as   switch   2 \nunmap 0x0 0x80000000\n",
}

DICT = [
    ("map_rw", op(MAP, d=W)), ("map1_16m", op(MAP1, a=3)), ("unmap", op(UNMAP)),
    ("alloc", op(ALLOC)), ("as_new", op(AS, a=0)), ("as_switch2", op(AS, a=1, c=2)),
    ("peek", op(PEEK)), ("poke", op(POKE)), ("asid2", op(ASID, a=0)), ("fail1", op(FAIL, a=1)),
    ("attr_device", struct.pack("<H", DEVICE | W)), ("attr_intr", struct.pack("<H", INTR)),
    ("attr_lock", struct.pack("<H", LOCK | W)), ("attr_exec", struct.pack("<H", X | W)),
    ("attr_priv", struct.pack("<H", PRIV)), ("attr_nocache", struct.pack("<H", NOCACHE | W)),
    ("pa_16m", struct.pack("<I", 0x01000000)), ("pa_1m", struct.pack("<I", 0x00100000)),
    ("pa_64k", struct.pack("<I", 0x00010000)), ("page_1m", struct.pack("<H", 0x100)),
    ("page_16m", struct.pack("<H", 0x1000)),
]
LINE_DICT = ["map", "map1", "unmap", "unmap1", "protect", "translate", "hwtranslate",
             "peek", "poke", "fill", "sum", "exec", "cache", "pt", "as", "asid", "pmm",
             "fail", "flush", "check", "heap", "kmalloc", "kfree", "physmap", "info", "help",
             "read,write", "execute", "privileged", "nocache", "device", "uninit", "lock",
             "interrupt", "grow_up", "grow_down", "global", "0x", "4K", "64K", "1M", "16M",
             "user", "switch", "destroy", "new", "alloc", "free", "stats", "limit", "nomem"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for sub, table in (("ops", {k: b"".join(v) for k, v in SEEDS.items()}), ("lines", LINES)):
        d = os.path.join(here, "corpus", sub)
        os.makedirs(d, exist_ok=True)
        for name, data in table.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    with open(os.path.join(here, "vmk.dict"), "w") as f:
        f.write("# AFL++ dictionary of the op harness (written by fuzz/seeds.py)\n")
        for name, data in DICT:
            f.write('%s="%s"\n' % (name, "".join("\\x%02x" % b for b in data)))
    with open(os.path.join(here, "line.dict"), "w") as f:
        f.write("# AFL++ dictionary of the line harness (written by fuzz/seeds.py)\n")
        for i, w in enumerate(LINE_DICT):
            f.write('w%d="%s"\n' % (i, w))


if __name__ == "__main__":
    main()
