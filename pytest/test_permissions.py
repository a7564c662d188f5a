"""Permissions: privileged vs user, read-only, execute; the fault events
name the access, the mode and the architectural status."""
import pytest

from scenario import (DEV, K, M, PAGE, PERM_STATUS, alloc, check_after,  # noqa: F401
                      err, expect_tr, fault, free, hwfault, hx, is_qemu, ok, peek, poke,
                      stats)

SIZES = [4 * K, 64 * K, M, 16 * M]
IDS = ["4K", "64K", "1M", "16M"]
VA = 0x02000000          # 16M aligned


def map_frames(s, size, attr_list):
    """Maps one page of `size` of fresh frames at VA; (pa, pages)."""
    n = size // PAGE
    pa = alloc(s, n, size)
    ok(s, f"map1 {hx(VA)} {hx(pa)} {hx(size)} {attr_list}")
    return pa, n


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_privileged_page_faults_user_accesses(target, size):
    s = target
    before = stats(s)
    pa, n = map_frames(s, size, "read,write,privileged")
    status = PERM_STATUS[size]
    va = VA + size - 8
    poke(s, va, 0x5a5a)
    assert peek(s, va) == 0x5a5a
    fault(s, f"peek {hx(va)} user", va, status, "read", "user")
    fault(s, f"poke {hx(va)} 0x1 user", va, status, "write", "user")
    assert peek(s, va) == 0x5a5a          # the store did not happen
    hwfault(s, f"hwtranslate {hx(va)} user", va, status)
    hwfault(s, f"hwtranslate {hx(va)} user write", va, status)
    assert ok(s, f"hwtranslate {hx(va)} write").int("pa") == pa + size - 8
    ok(s, f"unmap {hx(VA)} {hx(size)}")
    free(s, pa, n)
    assert stats(s) == before


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_read_only_page_faults_stores_in_both_modes(target, size):
    s = target
    before = stats(s)
    pa, n = map_frames(s, size, "read")
    status = PERM_STATUS[size]
    va = VA + size // 2
    assert peek(s, va) == 0
    assert peek(s, va, user=True) == 0
    fault(s, f"poke {hx(va)} 0x77", va, status, "write", "kernel")
    fault(s, f"poke {hx(va)} 0x77 user", va, status, "write", "user")
    r = s.request(f"fill {hx(va)} 8 0x77")
    assert r.code == "FAULT" and r["status"] == status, str(r)
    assert peek(s, va) == 0
    hwfault(s, f"hwtranslate {hx(va)} write", va, status)
    hwfault(s, f"hwtranslate {hx(va)} user write", va, status)
    assert ok(s, f"hwtranslate {hx(va)} user").int("pa") == pa + size // 2
    ok(s, f"unmap {hx(VA)} {hx(size)}")
    free(s, pa, n)
    assert stats(s) == before


def test_privileged_read_only_page_is_kernel_read_only(target):
    s = target
    pa, n = map_frames(s, PAGE, "read,privileged")
    assert peek(s, VA) == 0
    fault(s, f"peek {hx(VA)} user", VA, "permission_page", "read", "user")
    fault(s, f"poke {hx(VA)} 0x1", VA, "permission_page", "write", "kernel")
    fault(s, f"poke {hx(VA)} 0x1 user", VA, "permission_page", "write", "user")
    expect_tr(s, VA, pa, PAGE, ("read", "privileged"))
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, pa, n)


def test_user_read_write_page_allows_user_accesses(target):
    s = target
    pa, n = map_frames(s, PAGE, "read,write")
    poke(s, VA + 4, 0xfeed, user=True)
    assert peek(s, VA + 4, user=True) == 0xfeed
    assert peek(s, pa + 4 + 0x40000000) == 0xfeed
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, pa, n)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_fetch_from_a_page_without_execute_faults(target, size):
    s = target
    pa, n = map_frames(s, size, "read,write")
    va = VA + size - 4
    fault(s, f"exec {hx(va)}", va, PERM_STATUS[size], "exec", "kernel", "prefetch")
    ok(s, f"unmap {hx(VA)} {hx(size)}")
    free(s, pa, n)


def test_fetch_from_an_unmapped_page_is_a_translation_fault(target):
    s = target
    fault(s, f"exec {hx(VA)}", VA, "translation_section", "exec", "kernel", "prefetch")
    ok(s, f"map1 {hx(VA)} {hx(DEV)} 4K read,execute")
    fault(s, f"exec {hx(VA + PAGE)}", VA + PAGE, "translation_page", "exec", "kernel",
          "prefetch")
    ok(s, f"unmap1 {hx(VA)}")


def test_device_memory_is_never_executable(target):
    s = target
    ok(s, f"map1 {hx(VA)} {hx(DEV)} 4K read,device")
    fault(s, f"exec {hx(VA)}", VA, "permission_page", "exec", "kernel", "prefetch")
    err(s, f"map1 {hx(VA + PAGE)} {hx(DEV)} 4K read,device,execute", "BAD_ARG")
    ok(s, f"unmap1 {hx(VA)}")


def test_exec_runs_code_from_an_executable_page(target):
    """`mov r0, #42; bx lr` stored into a write+execute page: qemu runs it
    (r0=0x2a), vmsim checks the fetch only (no r0)."""
    s = target
    pa, n = map_frames(s, PAGE, "read,write,execute")
    poke(s, VA + 0x100, 0xe3a0002a)
    poke(s, VA + 0x104, 0xe12fff1e)
    ok(s, f"cache unify {hx(VA + 0x100)} 8")
    r = ok(s, f"exec {hx(VA + 0x100)}")
    assert r.int("va") == VA + 0x100 and not r.events
    if is_qemu(s):
        assert r.int("r0") == 0x2a
    else:
        assert "r0" not in r
    # Dropping execute makes the same fetch fault.
    ok(s, f"protect {hx(VA)} 0x1000 read,write")
    fault(s, f"exec {hx(VA + 0x100)}", VA + 0x100, "permission_page", "exec", "kernel",
          "prefetch")
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, pa, n)


def test_exec_returns_what_the_code_computes(target):
    """A second function at another address of an executable section."""
    s = target
    if not is_qemu(s):
        pytest.skip("vmsim runs no ARM code")
    pa, n = map_frames(s, M, "read,write,execute")
    code = [0xe3a00c01,          # mov r0, #0x100
            0xe2800023,          # add r0, r0, #0x23
            0xe12fff1e]          # bx lr
    for i, w in enumerate(code):
        poke(s, VA + 0x80000 + 4 * i, w)
    ok(s, f"cache unify {hx(VA + 0x80000)} 12")
    assert ok(s, f"exec {hx(VA + 0x80000)}").int("r0") == 0x123
    ok(s, f"unmap {hx(VA)} 1M")
    free(s, pa, n)


def test_exec_needs_aligned_addresses(target):
    s = target
    err(s, f"exec {hx(VA + 2)}", "ALIGN")
    err(s, f"peek {hx(VA + 2)}", "ALIGN")
    err(s, f"poke {hx(VA + 1)} 1", "ALIGN")


def test_fill_stores_up_to_the_faulting_word(target):
    """PROTOCOL: memory that `fill` stored before it faulted stays stored."""
    s = target
    pa = alloc(s, 2)
    ok(s, f"map {hx(VA)} {hx(pa)} 0x1000 read,write")
    ok(s, f"map {hx(VA + PAGE)} {hx(pa + PAGE)} 0x1000 read")
    fault(s, f"fill {hx(VA + 0xff0)} 0x20 0x99", VA + PAGE, "permission_page", "write")
    for off in (0xff0, 0xff4, 0xff8, 0xffc):
        assert peek(s, VA + off) == 0x99
    assert peek(s, VA + PAGE) == 0
    assert peek(s, VA + 0xfec) == 0
    r = s.request(f"sum {hx(VA + 0xff8)} 0x10")
    assert r.code is None and r.int("sum") == 0x132
    ok(s, f"unmap {hx(VA + PAGE)} 0x1000")
    fault(s, f"sum {hx(VA + 0xff8)} 0x10", VA + PAGE, "translation_page", "read")
    ok(s, f"unmap {hx(VA)} 0x1000")
    free(s, pa, 2)


def test_kernel_half_is_privileged_to_user_accesses(target):
    s = target
    base = s.ready.int("ram_base")
    assert ok(s, "peek 0x80000000").int("va") == 0x80000000
    fault(s, "peek 0x80000000 user", 0x80000000, "permission_section", "read", "user")
    hwfault(s, "hwtranslate 0x80000000 user", 0x80000000, "permission_section")
    assert ok(s, "hwtranslate 0x80000000").int("pa") == base
