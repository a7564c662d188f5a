/* arch_cfg.h: compile-time facts about the host simulator the core may ask. */
#ifndef VMK_ARCH_CFG_H
#define VMK_ARCH_CFG_H
#define ARCH_EXEC_RUNS_CODE 0   /* exec only checks the instruction fetch */
#endif
