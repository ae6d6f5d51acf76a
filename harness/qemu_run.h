/*
 * `ffa-harness qemu-boot` (harness/qemu_run.c): the QEMU backend with the
 * secure world, end to end.
 */
#ifndef HARNESS_QEMU_RUN_H
#define HARNESS_QEMU_RUN_H

#include <stdint.h>

#include "abi/smccc.h"
#include "emulator/qemu.h"
#include "models/secure_world.h"

int qemu_boot_main(int argc, char **argv);

/*
 * One relayed SMC of `cpu` at `el` through the secure world: regs in and
 * out, and what the CPUs must do (PSCI CPU_ON/OFF, power off, reset) in
 * *answer, and the schedule-receiver SGI (answer->ns_sgi) when the SMC
 * raised it.  `qemu-boot` and the scenario runner (harness/runner_qemu.c)
 * both answer through here.
 */
void qemu_world_answer(struct secure_world *world, unsigned cpu, unsigned el,
		       uint64_t pc, struct smccc_regs *regs,
		       struct qemu_answer *answer);

#endif /* HARNESS_QEMU_RUN_H */
