"""Kernel W^X: no megabyte of the direct map is both writable and
executable. On QEMU the image's code and constants (ELF entry to
__text_end, whole megabytes) are read+execute and nothing can write them;
all other RAM is read+write and never executable. vmsim runs no code from
RAM: all of its direct map is read+write, never executable (docs/WX.md)."""
import struct

from scenario import M, check_after, hwfault, hx, ok  # noqa: F401
from test_kernel_access import kernel_elf

DIRECT = 0x40000000


def entry_va(s) -> int:
    """VA of the kernel's ELF entry (its physical address + 0x40000000)."""
    data = kernel_elf(s).read_bytes()
    return struct.unpack_from("<I", data, 24)[0] + DIRECT


def test_no_direct_map_section_is_writable_and_executable(target):
    s = target
    base, size = s.ready.int("ram_base"), s.ready.int("ram_size")
    code = []
    for pa in range(base, base + size, M):
        r = ok(s, f"translate {hx(pa + DIRECT)}")
        a = set(r.attrs())
        assert r.int("size") == M and {"privileged", "global"} <= a, r.final.raw
        assert not {"write", "execute"} <= a, f"W and X: {r.final.raw}"
        assert a & {"write", "execute"}, r.final.raw
        if "execute" in a:
            code.append(pa)
    if s.kind == "qemu":
        assert code and code == list(range(code[0], code[0] + M * len(code), M)), code
    else:
        assert code == []


def test_kernel_code_is_read_only_and_data_never_executes(target):
    s = target
    if s.kind != "qemu":
        va = DIRECT + s.ready.int("ram_base")
        assert "execute" not in ok(s, f"translate {hx(va)}").attrs()
        return
    va = entry_va(s)
    r = ok(s, f"translate {hx(va)}")
    assert "execute" in r.attrs() and "write" not in r.attrs(), r.final.raw
    hwfault(s, f"hwtranslate {hx(va)} write", va, "permission_section")
    assert ok(s, f"hwtranslate {hx(va)}").int("pa") == va - DIRECT
    # The megabyte after the code holds data, stacks and tables: writable,
    # not executable.
    after = (va & ~(M - 1)) + M
    while "execute" in ok(s, f"translate {hx(after)}").attrs():
        after += M
    r = ok(s, f"translate {hx(after)}")
    assert "write" in r.attrs() and "execute" not in r.attrs(), r.final.raw
    ok(s, f"hwtranslate {hx(after)} write")
    # The vector page keeps read+execute.
    v = ok(s, "translate 0xffff0000")
    assert "execute" in v.attrs() and "write" not in v.attrs(), v.final.raw
