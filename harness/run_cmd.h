/*
 * `ffa-harness run` (scenarios in fresh machines, in parallel worker
 * processes, with reports) and `ffa-harness check` (validate scenario files
 * without running them).  docs/cli.md documents both.
 */
#ifndef HARNESS_RUN_CMD_H
#define HARNESS_RUN_CMD_H

int run_main(int argc, char **argv);
int check_main(int argc, char **argv);

#endif /* HARNESS_RUN_CMD_H */
