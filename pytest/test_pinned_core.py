"""More scenarios of the core-level choices PROTOCOL 1.1 pins ("Choices
pinned in version 1.1"; test_pinned.py has one per choice): pmm free of
part of a run, of a frame mapped only in another space, protect splitting
a large page (the faults it gives), `as destroy` of locked pages."""
import pytest

from scenario import (K, M, PAGE, alloc, attrs, check_after, err, expect_tr, fault,  # noqa: F401
                      free, hx, ok, stats)

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
