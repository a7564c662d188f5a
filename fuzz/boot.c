/*
 * boot.c: the booted state every fuzz input starts from.
 *
 * fuzz_snapshot_reset() brings the simulated machine and the core to the
 * state right after boot (vmsim's `ready`). The first call resets the
 * machine for real (sim_reset) and snapshots it (kernel/arch/host/
 * snapshot.c); later calls restore the snapshot, which costs a few page
 * copies instead of re-zeroing RAM. Then mm_init brings the core up (it
 * forgets all earlier state by contract) and the command layer's event
 * sink is installed, as kmain does.
 *
 * The machine has FZ_CPUS CPUs (sim_set_cpus before the snapshot, so a
 * restore brings every CPU's registers and TLB back).
 *
 * FUZZ_NO_SNAPSHOT: sim_reset every time (for measuring the difference).
 */
#include <stdio.h>
#include <stdlib.h>
#include "access.h"
#include "cmd.h"
#include "mm.h"
#include "sim.h"
#include "fuzz_console.h"


void fuzz_snapshot_reset(void)
{
    static int taken;
    struct arch_boot b;
#ifdef FUZZ_NO_SNAPSHOT
    sim_reset(FZ_RAM_BYTES, 64);
    sim_set_cpus(FZ_CPUS);
    (void)taken;
#else
    if (!taken) {
        sim_reset(FZ_RAM_BYTES, 64);
        sim_set_cpus(FZ_CPUS);       /* before mm_init, in the snapshot */
        sim_snapshot_take();
        taken = 1;
    } else {
        sim_snapshot_restore();
    }
#endif
    arch_boot_info(&b);
    if (mm_init(&b)) {
        fprintf(stderr, "fuzz: mm_init failed\n");
        abort();
    }
    access_set_sink(cmd_print_event);
}
