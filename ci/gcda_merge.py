"""Adds up the .gcda streams that QEMU runs of the coverage kernel wrote.

    python3 ci/gcda_merge.py RUNS_DIR

RUNS_DIR holds <run>.<path with '/' as '#'> files (kernel/arch/armv7/gcov.c);
each path's runs are added as libgcov adds a run to a .gcda (counters,
runs and sum_max summed; byte for byte what gcov-tool merge writes) and written to <path>, beside the object's .gcno, where gcov looks.
The format is GCC 12's: a header (magic, version, stamp, checksum), then
records (tag, length in bytes, data), then a zero word; a counter record
whose length is negative stands for that many bytes of zero counters.
"""
from __future__ import annotations

import struct
import sys
from collections import defaultdict
from pathlib import Path

MAGIC = 0x67636461            # "gcda"
TAG_FUNCTION = 0x01000000
TAG_OBJECT_SUMMARY = 0xA1000000
TAG_COUNTER_BASE = 0x01A10000
HEADER_WORDS = 4


def parse(data: bytes) -> tuple[tuple[int, ...], list[list]]:
    """(header words, [[tag, payload]]), counters as lists of ints; the
    stream must end with its end marker (a zero word)."""
    if len(data) < 16:
        raise ValueError("short .gcda")
    header = struct.unpack_from("<4I", data, 0)
    if header[0] != MAGIC:
        raise ValueError(f"not a .gcda (magic {header[0]:#x})")
    recs, off = [], 16
    while off + 8 <= len(data):
        tag, length = struct.unpack_from("<Ii", data, off)
        if tag == 0:
            break
        off += 8
        if tag & 0xFFFF0000 == TAG_COUNTER_BASE or (tag & 0xFF000000 == 0x01000000 and tag != TAG_FUNCTION):
            if length < 0:            # all zero, no payload
                values = [0] * (-length // 8)
            else:
                words = struct.unpack_from(f"<{length // 4}I", data, off)
                values = [words[i] | words[i + 1] << 32 for i in range(0, len(words), 2)]
                off += length
            recs.append([tag, values])
        else:
            if length < 0:
                raise ValueError(f"negative length for tag {tag:#x}")
            recs.append([tag, list(struct.unpack_from(f"<{length // 4}I", data, off))])
            off += length
    if data[off:] != b"\0\0\0\0":
        raise ValueError("no end marker (a run killed while it wrote?)")
    return header, recs


def merge(into: list[list], other: list[list]) -> None:
    if len(into) != len(other) or any(a[0] != b[0] or len(a[1]) != len(b[1])
                                       for a, b in zip(into, other)):
        raise ValueError("runs of different builds")
    for a, b in zip(into, other):
        if a[0] == TAG_OBJECT_SUMMARY:
            a[1] = [a[1][0] + b[1][0], a[1][1] + b[1][1]]
        elif a[0] & 0xFF000000 == 0x01000000 and a[0] != TAG_FUNCTION:
            a[1] = [x + y for x, y in zip(a[1], b[1])]
        elif a[1] != b[1]:
            raise ValueError(f"record {a[0]:#x} differs between runs")


def serialize(header: tuple[int, ...], recs: list[list]) -> bytes:
    out = [struct.pack("<4I", *header)]
    for tag, values in recs:
        if tag & 0xFF000000 == 0x01000000 and tag != TAG_FUNCTION:
            if not any(values):         # as libgcov: no payload, negative length
                out.append(struct.pack("<Ii", tag, -8 * len(values)))
                continue
            words = []
            for v in values:
                words += [v & 0xFFFFFFFF, (v >> 32) & 0xFFFFFFFF]
        else:
            words = values
        out.append(struct.pack(f"<Ii{len(words)}I", tag, 4 * len(words), *words))
    out.append(b"\0\0\0\0")
    return b"".join(out)


def main(argv: list[str]) -> int:
    runs_dir = Path(argv[0])
    groups: dict[str, list[Path]] = defaultdict(list)
    for f in runs_dir.iterdir():
        run, dot, rest = f.name.partition(".")
        if dot and rest.endswith(".gcda"):
            groups[rest.replace("#", "/")].append(f)
    runs = {f.name.partition(".")[0] for fs in groups.values() for f in fs}
    skipped = 0
    for path, files in sorted(groups.items()):
        header = recs = None
        for f in files:
            try:
                h, r = parse(f.read_bytes())
            except (ValueError, struct.error):
                skipped += 1          # a run killed in the middle of its dump
                continue
            if recs is None:
                header, recs = h, r
            elif h[2] != header[2]:
                skipped += 1          # another build's stamp
            else:
                merge(recs, r)
        if recs is not None:
            Path(path).write_bytes(serialize(header, recs))
    print(f"gcda_merge: {len(runs)} runs, {len(groups)} objects, {skipped} partial files skipped",
          file=sys.stderr)
    return 0 if groups else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
