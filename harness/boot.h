/* `ffa-harness boot`: see boot_usage in boot.c and docs/cli.md. */
#ifndef HARNESS_BOOT_H
#define HARNESS_BOOT_H

int boot_main(int argc, char **argv);

#endif /* HARNESS_BOOT_H */
