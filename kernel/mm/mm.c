/*
 * mm.c: bringing the memory-management core up, and back to its initial
 * state, in one call.
 */
#include "mm.h"
#include "access.h"
#include "asid.h"
#include "kspace.h"
#include "pagetable.h"
#include "pmm.h"
#include "swattr.h"
#include "vm.h"

static struct arch_boot mm_machine;   /* copy of what arch reported */
static struct pt_root  mm_kernel;    /* the kernel's root: vm reads it, kspace
                                        maps into it, pt_kernel_init fills it */

const struct arch_boot *mm_boot(void) { return &mm_machine; }

int mm_init(const struct arch_boot *b)
{
    mm_machine = *b;
    pmm_init(b->ram_base, b->ram_size, b->kernel_end);
    pt_init();
    asid_init();
    swattr_init();
    mm_kernel = (struct pt_root){ .l1 = b->kernel_l1, .lo = KERNEL_BASE,
                                  .hi = 0, .asid = 0, .is_kernel = true };
    vm_init(&mm_kernel);
    kspace_init(&mm_kernel);
    access_set_sink(0);
    int rc = pt_kernel_init(&mm_kernel, b);
    u32 id;
    if (!rc) rc = vm_as_new(&id);
    if (!rc) rc = vm_as_switch(id);
    if (!rc) rc = vm_cpus_start(id, b->cpus);   /* current on every CPU */
    return rc;
}
