/*
 * `ffa-harness qemu-boot` (harness/qemu_run.c): the QEMU backend with the
 * secure world, end to end.
 */
#ifndef HARNESS_QEMU_RUN_H
#define HARNESS_QEMU_RUN_H

int qemu_boot_main(int argc, char **argv);

#endif /* HARNESS_QEMU_RUN_H */
