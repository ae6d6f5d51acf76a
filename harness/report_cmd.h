/* `ffa-harness report`: see report_usage in report_cmd.c. */
#ifndef HARNESS_REPORT_CMD_H
#define HARNESS_REPORT_CMD_H

int report_main(int argc, char **argv);

#endif /* HARNESS_REPORT_CMD_H */
