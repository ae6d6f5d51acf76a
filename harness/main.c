/*
 * ffa-harness: test normal-world firmware against an emulated FF-A SPMC and
 * MM secure partition.  Commands are rows of one table.
 */
#include <stdio.h>
#include <string.h>

#include "common/version.h"
#include "harness/boot.h"
#include "harness/cli.h"
#include "harness/console_cmd.h"
#include "harness/diff_cmd.h"
#include "harness/qemu_run.h"
#include "harness/report_cmd.h"
#include "harness/run_cmd.h"

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"run", run_main, "run scenarios and write reports"},
	{"check", check_main, "validate scenario files without running them"},
	{"diff", diff_main, "what changed between two result files"},
	{"report", report_main, "write JUnit, Markdown or HTML from a result file"},
	{"boot", boot_main, "boot an image, type at its console, check output"},
	{"qemu-boot", qemu_boot_main,
	 "the same on qemu-system-aarch64 with the EL3 relay"},
	{"console", console_main,
	 "the firmware's console on this terminal, findings live"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ffa-harness COMMAND [options]\n"
		     "       ffa-harness --version | --help\n\n"
		     "Runs AArch64 firmware on an emulated CPU against an "
		     "emulated FF-A SPMC\nand MM secure partition, replays "
		     "YAML scenarios and writes reports.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	}
	fprintf(out, "\n`ffa-harness COMMAND --help` documents each command.\n"
		     "\nExit status of every command: 0 pass, 1 fail, 2 "
		     "invalid input, 3 internal\nerror.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_EXIT_PASS;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("ffa-harness %s\n", FFA_HARNESS_VERSION);
		return CLI_EXIT_PASS;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			return commands[i].main(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "ffa-harness: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_INVALID_INPUT;
}
