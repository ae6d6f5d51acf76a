/* `ffa-harness diff`: see diff_usage in diff_cmd.c. */
#ifndef HARNESS_DIFF_CMD_H
#define HARNESS_DIFF_CMD_H

int diff_main(int argc, char **argv);

#endif /* HARNESS_DIFF_CMD_H */
