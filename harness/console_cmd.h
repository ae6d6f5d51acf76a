/* `ffa-harness console`: see console_usage in console_cmd.c and docs/cli.md. */
#ifndef HARNESS_CONSOLE_CMD_H
#define HARNESS_CONSOLE_CMD_H

int console_main(int argc, char **argv);

#endif /* HARNESS_CONSOLE_CMD_H */
