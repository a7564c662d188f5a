/* arch_cfg.h: compile-time facts about the ARMv7 target the core may ask. */
#ifndef VMK_ARCH_CFG_H
#define VMK_ARCH_CFG_H
#define ARCH_EXEC_RUNS_CODE 1   /* exec really branches to the code */
#endif
