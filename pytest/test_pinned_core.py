"""The core-level choices PROTOCOL 1.1 pins ("Choices pinned in version
1.1"): pmm free of a mapped frame, protect over part of a large page,
`lock` against `pt unmap` and `as destroy`, cache operations over an
unmapped page."""
import pytest

from scenario import (DEV, K, M, PAGE, alloc, attrs, check_after, err, expect_tr, fault,  # noqa: F401
                      free, hx, not_mapped, ok, stats)

VA = 0x01000000


# ------------------------------------------------ pmm free of a mapped frame

def test_pmm_free_of_a_frame_mapped_in_the_current_space_is_busy(target):
    s = target
    pa = alloc(s, 4)
    ok(s, f"map {hx(VA)} {hx(pa + 2 * PAGE)} 4K read")
    before = stats(s)
    err(s, f"pmm free {hx(pa)} 4", "BUSY")
    err(s, f"pmm free {hx(pa + 2 * PAGE)}", "BUSY")
    assert stats(s) == before
    free(s, pa, 2)                         # the unmapped part may go
    ok(s, f"unmap {hx(VA)} 4K")
    free(s, pa + 2 * PAGE, 2)


def test_pmm_free_of_a_frame_mapped_only_in_another_space_is_busy(target):
    s = target
    pa = alloc(s)
    assert ok(s, "as new").int("as") == 2
    ok(s, "as switch 2")
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read")
    ok(s, "as switch 1")
    err(s, f"pmm free {hx(pa)}", "BUSY")
    ok(s, "as destroy 2")
    free(s, pa)


def test_pmm_free_of_a_frame_in_a_physmap_mapping_is_busy(target):
    s = target
    pa = alloc(s)
    virt = ok(s, f"physmap map {hx(pa)} 4K read,write").int("virt")
    before = stats(s)
    err(s, f"pmm free {hx(pa)}", "BUSY")
    assert stats(s) == before
    assert ok(s, f"physmap unmap {hx(virt)}").int("refs") == 0
    free(s, pa)


# ------------------------------------------- protect splits a large page

@pytest.mark.parametrize("size,piece", [(64 * K, PAGE), (M, PAGE), (16 * M, M)],
                         ids=["64K", "1M", "16M"])
def test_protect_over_part_of_a_large_page_splits_it_first(target, size, piece):
    s = target
    before = stats(s)
    pa = alloc(s, size // PAGE, size)
    ok(s, f"map1 {hx(VA)} {hx(pa)} {hx(size)} read,write")
    ok(s, f"protect {hx(VA + piece)} {hx(piece)} read")
    expect_tr(s, VA + piece, pa + piece, piece, attrs())
    expect_tr(s, VA, pa, piece, attrs("write"))
    expect_tr(s, VA + 2 * piece, pa + 2 * piece, piece, attrs("write"))
    fault(s, f"poke {hx(VA + piece)} 1", VA + piece,
          "permission_page" if piece == PAGE else "permission_section", "write")
    ok(s, f"poke {hx(VA + 2 * piece)} 1")
    ok(s, f"unmap {hx(VA)} {hx(size)}")
    free(s, pa, size // PAGE)
    assert stats(s) == before


# --------------------------------------------------------------- lock

def test_pt_unmap_over_a_locked_page_is_busy(target):
    s = target
    pa = alloc(s, 2)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read")
    ok(s, f"map {hx(VA + 0x80000)} {hx(pa + PAGE)} 4K read,lock")
    before = stats(s)
    err(s, f"pt unmap {hx(VA)}", "BUSY")
    assert stats(s) == before
    expect_tr(s, VA, pa, PAGE, attrs())
    expect_tr(s, VA + 0x80000, pa + PAGE, PAGE, attrs("lock"))
    ok(s, f"protect {hx(VA + 0x80000)} 4K read")
    assert ok(s, f"pt unmap {hx(VA)}").int("unmapped") == 2 * PAGE
    free(s, pa, 2)


def test_as_destroy_removes_locked_pages(target):
    s = target
    before = stats(s)
    pa = alloc(s, 17)
    assert ok(s, "as new").int("as") == 2
    ok(s, "as switch 2")
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,lock")
    ok(s, f"map {hx(VA + M)} {hx(pa + PAGE)} 64K read,write,lock")
    ok(s, "as switch 1")
    err(s, f"pmm free {hx(pa)} 17", "BUSY")
    free_before = stats(s)["free"]
    freed = ok(s, "as destroy 2").int("freed")
    assert freed >= 2 and stats(s)["free"] == free_before + freed
    free(s, pa, 17)
    assert stats(s) == before


# ----------------------------------------------------- cache operations

@pytest.mark.parametrize("op", ["clean", "invalidate", "flush", "unify"])
def test_cache_op_over_an_unmapped_page_faults(target, op):
    s = target
    pa = alloc(s)
    ok(s, f"map {hx(VA)} {hx(pa)} 4K read,write")
    fault(s, f"cache {op} {hx(VA)} 8K", VA + PAGE, "translation_page", "read")
    fault(s, f"cache {op} {hx(VA + M)} 64", VA + M, "translation_section", "read")
    ok(s, f"cache {op} {hx(VA)} 4K")
    ok(s, f"unmap {hx(VA)} 4K")
    free(s, pa)
