"""The kernel's half (address space 0, 0x80000000 and up): the direct map,
reading the kernel image through it, refusals to write or map there,
faults on unmapped kernel addresses, the vector page, and an abort the
kernel did not ask for (panic, exit status 70)."""
import struct

import pytest

from rig import KernelPanic
from rig.config import REPO_ROOT

DIRECT_MAP = 0x80000000
RAM_BASE = 0x40000000
SECTION = 0x100000
VECTORS = 0xFFFF0000
PT_LOAD, PF_X = 1, 1
TRANSLATION_SECTION_FS = 0b00101  # DFSR.FS of a section translation fault
PERMISSION_SECTION_FS = 0b01101


def ram_end_va(session) -> int:
    """First VA past the direct map of `session`'s RAM."""
    return DIRECT_MAP + session.ready.int("ram_size")


def fault_status_bits(fsr: int) -> int:
    """FS[4:0] of a short-descriptor DFSR/IFSR."""
    return (fsr & 0xF) | ((fsr >> 6) & 0x10)


# ---------------------------------------------------------------- the ELF

def elf_text_segment(path):
    """(p_paddr, p_vaddr, first 64 bytes) of the kernel's first executable
    PT_LOAD segment, read with struct from the ELF32 program headers."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 1, "not an ELF32 file"
    e_phoff, = struct.unpack_from("<I", data, 28)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 42)
    loads = []
    for i in range(e_phnum):
        (p_type, p_offset, p_vaddr, p_paddr, p_filesz, _memsz, p_flags,
         _align) = struct.unpack_from("<8I", data, e_phoff + i * e_phentsize)
        if p_type == PT_LOAD and p_filesz >= 64:
            loads.append((not p_flags & PF_X, p_paddr, p_vaddr,
                          data[p_offset:p_offset + 64]))
    assert loads, "no PT_LOAD segment of 64 bytes or more"
    _, paddr, vaddr, head = min(loads)
    return paddr, vaddr, head


# ----------------------------------------------------------- direct map

def test_direct_map_starts_with_a_privileged_global_section(shared_target):
    r = shared_target.ok("translate 0x80000000")
    assert r.int("va") == DIRECT_MAP
    assert r.int("pa") == RAM_BASE
    assert r.int("size") == SECTION
    attrs = r.attrs()
    assert {"read", "privileged", "global"} <= set(attrs), attrs
    assert not {"device", "interrupt", "uninit"} & set(attrs), attrs


def test_direct_map_is_va_minus_0x40000000_up_to_the_end_of_ram(shared_target):
    end = ram_end_va(shared_target)
    for va in (0x80000000, 0x80123454, end - SECTION, end - 4):
        sw = shared_target.ok(f"translate {va:#x}")
        hw = shared_target.ok(f"hwtranslate {va:#x}")
        assert sw.int("pa") & ~(SECTION - 1) == (va - 0x40000000) & ~(SECTION - 1), sw.raw
        assert hw.int("pa") == va - 0x40000000, hw.final.raw
        assert sw.int("size") == SECTION


def test_hwtranslate_of_the_direct_map_base(shared_target):
    r = shared_target.ok("hwtranslate 0x80000000")
    assert (r.int("va"), r.int("pa")) == (DIRECT_MAP, RAM_BASE)


def test_translate_past_the_end_of_ram_is_not_mapped(shared_target):
    end = ram_end_va(shared_target)
    if end >= 0xC0000000:
        pytest.skip("1G of RAM: the direct map reaches the heap")
    assert shared_target.request(f"translate {end:#x}").code == "NOT_MAPPED"


def kernel_elf(session):
    kernel = session.config.kernel
    return kernel if kernel.is_absolute() else REPO_ROOT / kernel


def stable_va(session) -> int:
    """A kernel-half VA whose words do not change while we read them: the
    kernel's text on QEMU, the first page of RAM (boot tables) on vmsim."""
    if session.kind == "qemu":
        return elf_text_segment(kernel_elf(session))[0] + 0x40000000
    return DIRECT_MAP


def test_peek_and_sum_read_the_kernel_image(target_kind, shared_target):
    if target_kind != "qemu":
        pytest.skip("vmsim has no kernel image")
    paddr, vaddr, head = elf_text_segment(kernel_elf(shared_target))
    va = paddr + 0x40000000
    if vaddr >= DIRECT_MAP:
        assert vaddr == va, f"image linked at {vaddr:#x}, loaded at PA {paddr:#x}"
    first, = struct.unpack_from("<I", head)
    assert shared_target.ok(f"peek {va:#x}").int("val") == first
    r = shared_target.ok(f"sum {va:#x} 64")
    assert r.int("len") == 64
    assert r.int("sum") == sum(struct.unpack("<16I", head)) & 0xFFFFFFFF


def test_sum_equals_the_sum_of_peeks(shared_target):
    base = stable_va(shared_target)
    words = [shared_target.ok(f"peek {base + 4 * i:#x}").int("val") for i in range(16)]
    r = shared_target.ok(f"sum {base:#x} 0x40")
    assert (r.int("va"), r.int("len")) == (base, 0x40)
    assert r.int("sum") == sum(words) & 0xFFFFFFFF


@pytest.mark.parametrize("line", ["peek 0x80000002", "peek 0x80000001", "peek 0x80000003",
                                  "sum 0x80000002 4", "sum 0x80000000 6"])
def test_misaligned_kernel_access_is_align(shared_target, line):
    assert shared_target.request(line).code == "ALIGN"


# ------------------------------------------------------- no writes there

@pytest.mark.parametrize("line", ["poke 0x80000000 1", "poke 0x80010000 0",
                                  "poke 0xc0000000 1", "poke 0xffff0000 0",
                                  "fill 0x80000000 4 0", "fill 0x80100000 0x1000 0xdeadbeef",
                                  "fill 0xffff0000 4 0"])
def test_poke_and_fill_outside_physmap_are_range(shared_target, line):
    va = line.split()[1]
    before = shared_target.request(f"sum {va} 4").lines
    assert shared_target.request(line).code == "RANGE"
    assert shared_target.request(f"sum {va} 4").lines == before


@pytest.mark.parametrize("line", ["map 0x80000000 0x09000000 4K read",
                                  "map1 0x80000000 0x09000000 4K read",
                                  "map 0xc0000000 0x09000000 4K read,device",
                                  "unmap 0x80000000 4K", "unmap1 0x80000000",
                                  "protect 0x80000000 4K read", "pt map 0x80000000",
                                  "pt unmap 0x80000000", "exec 0x80000000",
                                  "exec 0xffff0000"])
def test_mapping_commands_in_the_kernel_half_are_range(shared_target, line):
    assert shared_target.request(line).code == "RANGE"
    r = shared_target.ok("translate 0x80000000")
    assert r.int("pa") == RAM_BASE


def test_kernel_half_survives_the_refusals(shared_target):
    assert shared_target.request("check").ok


# --------------------------------------------------------------- faults

def test_peek_past_the_direct_map_faults_with_an_event(target):
    end = ram_end_va(target)
    if end >= 0xC0000000:
        pytest.skip("1G of RAM: the direct map reaches the heap")
    r = target.request(f"peek {end:#x}")
    assert r.code == "FAULT", r.final.raw
    (fault,) = r.events
    assert fault.name == "fault"
    assert fault["kind"] == "data"
    assert fault.int("va") == end
    assert fault["status"] == "translation_section"
    assert fault["access"] == "read"
    assert fault["mode"] == "kernel"
    fsr = fault.int("fsr")
    assert fault_status_bits(fsr) == TRANSLATION_SECTION_FS, hex(fsr)
    assert not fsr & (1 << 11), "WnR set on a read"
    assert r.int("va") == end and r["status"] == "translation_section"
    assert target.request("info").ok
    assert target.request("check").ok


def test_peek_0x90000000_on_256m_is_a_translation_section_fault(target):
    if target.ready.int("ram_size") != 256 << 20:
        pytest.skip("needs 256M of RAM")
    r = target.request("peek 0x90000000")
    assert [e.raw.split(" fsr=")[0] for e in r.events] == [
        "! fault kind=data va=0x90000000"]
    assert r.events[0].raw.split(" fsr=")[1].split(" ", 1)[1] == (
        "status=translation_section access=read mode=kernel")
    head, _, text = r.final.raw.partition(" -- ")   # 1.1: a reason follows
    assert head == "err FAULT va=0x90000000 status=translation_section" and text
    assert target.request("info").ok


def test_hwtranslate_past_the_direct_map_faults(target):
    end = ram_end_va(target)
    if end >= 0xC0000000:
        pytest.skip("1G of RAM: the direct map reaches the heap")
    r = target.request(f"hwtranslate {end:#x}")
    assert r.code == "FAULT"
    assert r.int("va") == end and r["status"] == "translation_section"
    assert target.request("info").ok


def test_user_peek_of_the_kernel_is_a_permission_fault(target):
    r = target.request("peek 0x80000000 user")
    assert r.code == "FAULT", r.final.raw
    (fault,) = r.events
    assert (fault["kind"], fault["access"], fault["mode"]) == ("data", "read", "user")
    assert fault["status"] == "permission_section"
    assert fault_status_bits(fault.int("fsr")) == PERMISSION_SECTION_FS
    assert r["status"] == "permission_section" and r.int("va") == DIRECT_MAP
    assert target.request("check").ok


def test_user_hwtranslate_of_the_kernel_is_a_permission_fault(shared_target):
    r = shared_target.request("hwtranslate 0x80000000 user")
    assert r.code == "FAULT" and r["status"] == "permission_section", r.final.raw


# -------------------------------------------------------------- vectors

def test_vector_page_is_a_privileged_executable_small_page(shared_target):
    r = shared_target.ok("translate 0xffff0000")
    assert r.int("size") == 0x1000
    assert {"privileged", "execute"} <= set(r.attrs()), r.attrs()
    hw = shared_target.ok("hwtranslate 0xffff0000")
    assert hw.int("pa") == r.int("pa")


def test_the_page_below_the_vectors_is_not_mapped(shared_target):
    assert shared_target.request("translate 0xfffef000").code == "NOT_MAPPED"


# ---------------------------------------------------------------- panic

LDR_R0_R0 = 0xE5900000   # ldr r0, [r0]
BX_LR = 0xE12FFF1E       # bx lr


@pytest.mark.qemu
def test_abort_in_executed_code_panics_with_exit_status_70(launch):
    s = launch("qemu")
    pa = s.ok("pmm alloc").int("pa")
    s.ok(f"map 0x10000 {pa:#x} 4K read,write,execute,privileged")
    s.ok(f"poke 0x10000 {LDR_R0_R0:#x}")
    s.ok(f"poke 0x10004 {BX_LR:#x}")
    s.ok("cache unify 0x10000 8")
    assert s.ok("peek 0x10000").int("val") == LDR_R0_R0
    with pytest.raises(KernelPanic) as e:
        s.request("exec 0x10000")
    assert e.value.exit_status == 70
    assert e.value.panic.raw.startswith("! panic")
    assert s.history[-1].crashed
