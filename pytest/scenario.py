"""Helpers shared by the memory-management scenario suites.

Each helper takes a started rig Session (the `target` fixture) and speaks
PROTOCOL.md; each assertion names the request and shows the reply, so a
failing scenario reads like the transcript it came from.

After every test that used `target`, the kernel's `check` must still
answer `ok`: the rig's pytest plugin does it in `target` itself (the
fixture `check_after`, re-exported here so that older imports still work).
"""
from __future__ import annotations

from typing import Iterable, Optional

K = 1024
M = 1024 * K
PAGE = 4 * K
SIZES = (4 * K, 64 * K, M, 16 * M)
#: PROTOCOL.md's attribute names in the order replies print them.
ORDER = ("read", "write", "execute", "privileged", "nocache", "device", "uninit",
         "lock", "interrupt", "grow_up", "grow_down", "global")
#: Direct map of the kernel's half: VA = PA + DIRECT.
DIRECT = 0x40000000
#: Device space (outside RAM on every -m from 64M to 1G), 16M aligned.
DEV = 0x81000000
#: DFSR/IFSR status codes (FS[3:0]) and the WnR bit.
FS = {"translation_section": 0x5, "translation_page": 0x7,
      "permission_section": 0xd, "permission_page": 0xf}
WNR = 0x800
#: The status a size's faults report.
PERM_STATUS = {4 * K: "permission_page", 64 * K: "permission_page",
               M: "permission_section", 16 * M: "permission_section"}


def hx(v: int) -> str:
    return f"{v:#x}"


def attrs(*names: str) -> tuple[str, ...]:
    """`names` in reply order, `read` added (it is implied)."""
    want = set(names) | {"read"}
    return tuple(n for n in ORDER if n in want)


# ----------------------------------------------------------------- requests

def ok(s, line: str):
    """The reply to `line`, which must be `ok` (ReplyError otherwise)."""
    return s.ok(line)


def err(s, line: str, code: str):
    """The reply to `line`, which must be `err <code>`."""
    reply = s.request(line)
    assert not reply.ok and reply.code == code, \
        f"{line!r}: expected err {code}, got {reply.final.raw!r}\n{reply}"
    return reply


def stats(s) -> dict:
    """`pmm stats` as a dict of ints."""
    r = ok(s, "pmm stats")
    st = {k: r.int(k) for k in ("total", "free", "tables", "heap", "frames", "kernel")}
    assert st["total"] == sum(v for k, v in st.items() if k != "total"), r.final.raw
    return st


def check(s) -> dict:
    """`check` must answer ok; its counts."""
    r = s.request("check")
    assert r.ok, f"check failed: {r.final.raw}"
    return {k: r.int(k) for k in ("tables", "mappings", "pages")}


def alloc(s, count: int = 1, align: int = PAGE) -> int:
    """`pmm alloc count align` -> pa (checked aligned)."""
    r = ok(s, f"pmm alloc {count} {hx(align)}")
    pa = r.int("pa")
    assert r.int("count") == count and pa % align == 0, r.final.raw
    return pa


def free(s, pa: int, count: int = 1) -> None:
    ok(s, f"pmm free {hx(pa)} {count}")


def tr(s, va: int):
    """`translate va`: its fields, or None for NOT_MAPPED."""
    r = s.request(f"translate {hx(va)}")
    if not r.ok:
        assert r.code == "NOT_MAPPED", r.final.raw
        return None
    return r.fields


def expect_tr(s, va: int, pa: int, size: int, want_attrs: Optional[Iterable[str]] = None):
    """translate va must give exactly pa and size (and attrs if given), and
    the MMU (hwtranslate) the same pa for non-interrupt pages."""
    r = ok(s, f"translate {hx(va)}")
    assert (r.int("va"), r.int("pa"), r.int("size")) == (va, pa, size), \
        f"translate {hx(va)}: want pa={hx(pa)} size={hx(size)}, got {r.final.raw}"
    if want_attrs is not None:
        assert r.attrs() == tuple(want_attrs), f"translate {hx(va)}: {r.final.raw}"
    if "interrupt" not in r.attrs():
        h = ok(s, f"hwtranslate {hx(va)}")
        assert (h.int("va"), h.int("pa")) == (va, pa), f"hwtranslate: {h.final.raw}"
    return r


def not_mapped(s, va: int, status: Optional[str] = None) -> None:
    """va is unmapped to the software walk and to the MMU."""
    err(s, f"translate {hx(va)}", "NOT_MAPPED")
    h = s.request(f"hwtranslate {hx(va)}")
    assert h.code == "FAULT" and h.int("va") == va, h.final.raw
    if status is not None:
        assert h["status"] == status and h.int("fsr") == FS[status], h.final.raw
    else:
        assert h["status"] in ("translation_section", "translation_page"), h.final.raw


def peek(s, va: int, user: bool = False) -> int:
    r = ok(s, f"peek {hx(va)}" + (" user" if user else ""))
    assert r.int("va") == va and not r.events, str(r)
    return r.int("val")


def poke(s, va: int, val: int, user: bool = False) -> None:
    r = ok(s, f"poke {hx(va)} {hx(val)}" + (" user" if user else ""))
    assert r.int("va") == va and not r.events, str(r)


def fault(s, line: str, va: int, status: str, access: str, mode: str = "kernel",
          kind: str = "data"):
    """`line` must print exactly one `! fault` with these values (fsr is the
    architectural DFSR/IFSR: status code, WnR for stores, domain 0) and end
    `err FAULT va= status=`."""
    r = s.request(line)
    assert r.code == "FAULT", f"{line!r}: expected err FAULT, got\n{r}"
    assert (r.int("va"), r["status"]) == (va, status), f"{line!r}: {r.final.raw}"
    evs = r.events
    assert len(evs) == 1 and evs[0].name == "fault", f"{line!r}:\n{r}"
    f = evs[0]
    fsr = FS[status] | (WNR if access == "write" else 0)
    got = (f["kind"], f.int("va"), f.int("fsr"), f["status"], f["access"], f["mode"])
    assert got == (kind, va, fsr, status, access, mode), \
        f"{line!r}: want kind={kind} va={hx(va)} fsr={hx(fsr)} status={status} " \
        f"access={access} mode={mode}, got {f.raw}"
    return r


def hwfault(s, line: str, va: int, status: str):
    """`hwtranslate …` must answer `err FAULT va= status= fsr=` (fsr: the
    status code only, as PAR gives it)."""
    r = s.request(line)
    assert r.code == "FAULT", f"{line!r}: expected err FAULT, got {r.final.raw}"
    assert (r.int("va"), r["status"], r.int("fsr")) == (va, status, FS[status]), \
        f"{line!r}: want status={status} fsr={hx(FS[status])}, got {r.final.raw}"
    return r


def as_list(s) -> dict:
    """`as list` -> {as id: record fields}."""
    r = ok(s, "as list")
    recs = {f.int("as"): f for f in r.records}
    assert r.int("count") == len(recs), str(r)
    return recs


def info(s):
    return ok(s, "info").fields


def is_qemu(s) -> bool:
    return s.kind == "qemu"


def ram(s) -> tuple[int, int]:
    """(ram_base, ram_size) from the ready line."""
    return s.ready.int("ram_base"), s.ready.int("ram_size")


# ----------------------------------------------------------------- fixture

from rig.pytest_plugin import check_after  # noqa: E402,F401  (run by `target`)


def fill_table_page(s, base: int = 0x7e000000) -> list:
    """`pt map`s 1M regions from `base` up until no table page has a free
    1 KiB quarter, so that the next L2 table takes a fresh page (and `fail
    nomem 1` hits it). Returns the VAs to `pt unmap` afterwards."""
    vas = []
    last = stats(s)["tables"]
    left = None
    while left != 0:
        va = base + len(vas) * M
        ok(s, f"pt map {hx(va)}")
        vas.append(va)
        now = stats(s)["tables"]
        left = 3 if now > last else (left - 1 if left is not None else None)
        last = now
        assert len(vas) <= 8, "pt map never took a fresh table page"
    return vas


def unfill_table_page(s, vas) -> None:
    for va in vas:
        assert ok(s, f"pt unmap {hx(va)}").int("unmapped") == 0
