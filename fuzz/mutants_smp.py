"""Planted multi-CPU bugs, in fuzz/mutants.py's format
(id, what it breaks, file, exact old snippet, new snippet), for its
MUTANTS list:  from mutants_smp import MUTANTS_SMP; MUTANTS += MUTANTS_SMP

Killed by pytest/test_smp.py (host layer for the kernel/arch/host and
kernel/mm ones, qemu layer for the kernel/arch/armv7 ones), and the host
ones by the fuzz layer too: the op harness runs each op on CPU (its byte 1
% FZ_CPUS, 2 by default) and checks every CPU's TLB; seeds smp_* of
fuzz/seeds.py. The armv7 ones are out of the host harness's reach: the
fuzz layer replays the seeds' command scripts on QEMU (-smp 2) for them.

Also: fuzz/mutants.py's "asid-rollover-noflush" names text that asid.c no
longer has (a rollover now marks every CPU; each flushes at its next
switch). Its equivalent is ASID_ROLLOVER_NOFLUSH below.
"""

MUTANTS_SMP = [
    ("smp-local-tlbimva-host", "TLBIMVA where TLBIMVAIS is needed (vmsim: this CPU's TLB only)",
     "kernel/arch/host/tlb.c",
     "    sim.stats.flush_va++;\n    flush_is(true, va, SEL_ASID_OR_GLOBAL, asid);",
     "    sim.stats.flush_va++;\n    flush(&sim_cur()->tlb, true, va, SEL_ASID_OR_GLOBAL, asid);"),
    ("smp-local-tlbiasid-host", "TLBIASID where TLBIASIDIS is needed (vmsim)",
     "kernel/arch/host/tlb.c",
     "    sim.stats.flush_asid++;\n    flush_is(false, 0, SEL_ASID, asid);",
     "    sim.stats.flush_asid++;\n    flush(&sim_cur()->tlb, false, 0, SEL_ASID, asid);"),
    ("smp-local-tlbimvaa-host", "TLBIMVAA where TLBIMVAAIS is needed (vmsim)",
     "kernel/arch/host/tlb.c",
     "    sim.stats.flush_va_all_asids++;\n    flush_is(true, va, SEL_ANY, 0);",
     "    sim.stats.flush_va_all_asids++;\n    flush(&sim_cur()->tlb, true, va, SEL_ANY, 0);"),
    ("smp-local-tlbimva-arm", "TLBIMVA where TLBIMVAIS is needed (ARMv7)",
     "kernel/arch/armv7/arch.c",
     "cp15_write(CP_TLBIMVAIS,", "cp15_write(CP_TLBIMVA,"),
    ("smp-local-tlbiasid-arm", "TLBIASID where TLBIASIDIS is needed (ARMv7)",
     "kernel/arch/armv7/arch.c",
     "cp15_write(CP_TLBIASIDIS,", "cp15_write(CP_TLBIASID,"),
    ("smp-local-tlbimvaa-arm", "TLBIMVAA where TLBIMVAAIS is needed (ARMv7)",
     "kernel/arch/armv7/arch.c",
     "cp15_write(CP_TLBIMVAAIS,", "cp15_write(CP_TLBIMVAA,"),
    ("smp-rollover-no-mark", "a rollover marks only the CPU that rolled over for a TLB flush",
     "kernel/mm/asid.c",
     "        as_st.flush_pending[c] = true;",
     "        as_st.flush_pending[c] = (c == self);"),
    ("smp-reserved-dropped", "a rollover drops the ASIDs other CPUs are running (no reservation)",
     "kernel/mm/asid.c",
     "        if (c == self)\n            p = 0;",
     "        p = 0;"),
]

ASID_ROLLOVER_NOFLUSH = (
    "asid-rollover-noflush", "ASID rollover without flushing the TLB",
    "kernel/mm/asid.c",
    "        arch_tlb_flush_all_local();\n", "")
