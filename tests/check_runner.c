/*
 * Unit tests of harness/runner.c: scenarios from memory run in-process
 * against the built reference client (FFAH_FW_DIR, set by `make unit`),
 * checking the verdicts, where findings land, and the lifecycle the runner
 * drives: the agent's ExitBootServices report, and the firmware's own exit
 * seen by harness/exit_watch.c with the runtime guard armed there.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "harness/runner.h"
#include "harness/session.h"
#include "harness/scenario.h"

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct scenario_set set;
static struct scenario_run *run;

static struct scenario_run *run_text(const char *yaml, const char *image)
{
	struct scenario_errors errs = {0};
	struct runner_options o = {0};
	char path[512];

	ck_assert_msg(scenario_load_string("t.yaml", yaml, strlen(yaml), &set,
					   &errs),
		      "%s", errs.count != 0 ? errs.messages[0] : "?");
	scenario_errors_free(&errs);
	if (image != NULL) {
		snprintf(path, sizeof(path), "%s/%s", getenv("FFAH_FW_DIR"),
			 image);
		o.image = path;
	}
	run = runner_run(&set.items[set.count - 1], &o);
	ck_assert_ptr_nonnull(run);
	return run;
}

static void teardown(void)
{
	runner_run_free(run);
	run = NULL;
	scenario_set_free(&set);
	memset(&set, 0, sizeof(set));
}

static size_t phase_events(const struct scenario_run *r, const char *to,
			   const char *evidence)
{
	const struct trace *t = &r->session->trace;
	size_t n = 0;

	for (size_t i = 0; i < t->count; i++) {
		if (t->events[i].kind == TRACE_PHASE &&
		    strcmp(t->events[i].phase_to, to) == 0 &&
		    strcmp(t->events[i].evidence, evidence) == 0) {
			n++;
		}
	}
	return n;
}

static const char exit_scenario[] =
	"name: exit\n"
	"checks: {rxtx_unmapped_at_ebs: true}\n"
	"steps:\n"
	"  - boot\n"
	"  - exit_boot_services:\n"
	"    expect: {status: EFI_SUCCESS}\n"
	"  - get_variable: {name: Nope}\n"
	"    expect: {status: EFI_NOT_FOUND}\n"
	"  - power_off\n";

START_TEST(clean_client_passes_and_walks_the_lifecycle)
{
	run_text(exit_scenario, NULL);
	ck_assert_int_eq(run->verdict, VERDICT_PASS);
	ck_assert_uint_eq(run->session->findings.count, 0);
	ck_assert_uint_eq(phase_events(run, "exit-boot-services",
				       "mm-exit-boot-service"),
			  1);
	/* The client's own exit function returns before the agent reports. */
	ck_assert_uint_eq(phase_events(run, "runtime",
				       "firmware-exit-boot-services-returned"),
			  1);
	ck_assert_int_eq(
		secure_world_lifecycle(run->session->world)->phase,
		LIFECYCLE_RUNTIME);
}
END_TEST

START_TEST(failing_expectation_is_a_fail_in_its_step)
{
	run_text("name: f\nsteps:\n  - boot\n"
		 "  - get_variable: {name: Nope}\n"
		 "    expect: {status: EFI_SUCCESS}\n",
		 NULL);
	ck_assert_int_eq(run->verdict, VERDICT_FAIL);
	ck_assert_int_eq(run->steps[0].verdict, VERDICT_PASS);
	ck_assert_int_eq(run->steps[1].verdict, VERDICT_FAIL);
}
END_TEST

START_TEST(exit_without_agent_arms_the_guard_at_the_return)
{
	const struct finding *fd;

	run_text("name: alone\nsteps:\n  - boot\n",
		 "refclient-exits-boot-services-alone.elf");
	ck_assert_int_eq(run->verdict, VERDICT_FIRMWARE);
	fd = findings_find(&run->session->findings,
			   "runtime.execute-outside-runtime-code");
	ck_assert_ptr_nonnull(fd);
	ck_assert_uint_eq(phase_events(run, "runtime",
				       "firmware-exit-boot-services-returned"),
			  1);
	ck_assert_int_eq(fd->step, 0);
}
END_TEST

START_TEST(unmapped_rxtx_auditor_fires_through_the_runner)
{
	run_text(exit_scenario, "refclient-no-rxtx-unmap-at-ebs.elf");
	ck_assert_int_eq(run->verdict, VERDICT_FIRMWARE);
	ck_assert_ptr_nonnull(
		findings_find(&run->session->findings,
			      "ffa.rxtx-mapped-after-exit-boot-services"));
}
END_TEST

Suite *runner_suite(void);

Suite *runner_suite(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("runner");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, clean_client_passes_and_walks_the_lifecycle);
	tcase_add_test(tc, failing_expectation_is_a_fail_in_its_step);
	tcase_add_test(tc, exit_without_agent_arms_the_guard_at_the_return);
	tcase_add_test(tc, unmapped_rxtx_auditor_fires_through_the_runner);
	suite_add_tcase(s, tc);
	return s;
}
