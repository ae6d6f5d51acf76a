/*
 * What every command shares: exit codes, and parsing of option values with
 * messages that name the option.
 */
#ifndef HARNESS_CLI_H
#define HARNESS_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit codes of every command (docs/cli.md). */
enum cli_exit {
	CLI_EXIT_PASS = 0,          /* everything held */
	CLI_EXIT_FAIL = 1,          /* an expectation, a finding or a fault */
	CLI_EXIT_INVALID_INPUT = 2, /* bad option, scenario, image or file */
	CLI_EXIT_INTERNAL = 3,      /* a harness bug or host failure */
};

bool cli_parse_u64(const char *option, const char *value, uint64_t *out);
bool cli_parse_size(const char *option, const char *value, uint64_t *out);
/* "ADDR:SIZE" (SIZE may have K/M suffix). */
/* --html-traces failures|all; prints the error. */
bool cli_parse_html_traces(const char *value, bool *all);
bool cli_parse_range(const char *option, const char *value, uint64_t *addr,
		     uint64_t *size);
/* --backend unicorn|qemu (harness/scenario.h enum scenario_machine). */
bool cli_parse_backend(const char *option, const char *value, int *out);
/* "1.0", "1.1", "1.2" -> FF-A version word. */
bool cli_parse_ffa_version(const char *option, const char *value,
			   uint32_t *out);


#endif /* HARNESS_CLI_H */
