/*
 * Snapshot planning and scenario prints (harness/snapshot.c,
 * harness/scenario_fingerprint.c): which scenarios may share a run's
 * prefix, how long it is, and how positions translate between them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario.h"
#include "harness/snapshot.h"

static struct scenario_set set;

static void load(const char *file, const char *yaml)
{
	struct scenario_errors errs = {0};
	bool ok = scenario_load_string(file, yaml, strlen(yaml), &set, &errs);

	ck_assert_msg(ok, "%s", errs.count != 0 ? errs.messages[0] : "?");
	scenario_errors_free(&errs);
}

static void setup(void)
{
	memset(&set, 0, sizeof(set));
}

static void teardown(void)
{
	scenario_set_free(&set);
}

static struct snapshot_plan plan_all(void)
{
	const struct scenario **scs = calloc(set.count, sizeof(*scs));
	struct snapshot_plan plan;

	for (size_t i = 0; i < set.count; i++) {
		scs[i] = &set.items[i];
	}
	snapshot_plan(scs, set.count, &plan);
	free(scs);
	return plan;
}

/* Five U-Boot scenarios: four boot alike (expectations are not part of
 * a step's print), two also share the second step; the fifth's boot step
 * expects a stop, which changes how the run goes on after the boot, not
 * the boot's first part. */
static const char uboot_suite[] =
	"- name: a\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt}\n"
	"    - console: {type: version}\n"
	"- name: b\n"
	"  description: the same boot, written further down the file\n"
	"  firmware: uboot-debian\n"
	"  tags: [x]\n"
	"  steps:\n"
	"    - boot: {until: prompt}\n"
	"    - console: {type: version}\n"
	"      expect:\n"
	"        console: \"U-Boot\"\n"
	"- name: c\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt}\n"
	"    - console: {type: poweroff}\n"
	"- name: d\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt}\n"
	"      expect: {console: \"U-Boot\"}\n"
	"- name: e\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt}\n"
	"      expect: {stop: power-off}\n";

START_TEST(same_first_steps_group_with_the_steps_all_share)
{
	struct snapshot_plan plan;

	load("dir/u.yaml", uboot_suite);
	plan = plan_all();
	/* a to d share their boot step; e's boot starts alike: all five
	 * share the boot's first part, a to d as one sub. */
	ck_assert_uint_eq(plan.count, 1);
	ck_assert(plan.groups[0].boot_phase);
	ck_assert_uint_eq(plan.groups[0].prefix, 0);
	ck_assert_uint_eq(plan.groups[0].count, 5);
	ck_assert_uint_eq(plan.groups[0].sub_count, 2);
	ck_assert_uint_eq(plan.groups[0].subs[0].count, 4);
	ck_assert_uint_eq(plan.groups[0].subs[0].members[0], 0);
	ck_assert_uint_eq(plan.groups[0].subs[0].members[1], 1);
	ck_assert_uint_eq(plan.groups[0].subs[0].members[2], 2);
	ck_assert_uint_eq(plan.groups[0].subs[0].members[3], 3);
	/* c's second step differs: one step for the sub. */
	ck_assert_uint_eq(plan.groups[0].subs[0].prefix, 1);
	ck_assert_uint_eq(plan.groups[0].subs[1].count, 1);
	ck_assert_uint_eq(plan.groups[0].subs[1].members[0], 4);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(plan.groups[0].members[i], i);
	}
	/* b's second step has an expectation a's has not: still alike. */
	ck_assert_uint_eq(snapshot_shared_steps(&set.items[0], &set.items[1]),
			  2);
	ck_assert_uint_eq(snapshot_shared_steps(&set.items[0], &set.items[0]),
			  2);
	ck_assert_uint_eq(snapshot_shared_steps(&set.items[0], &set.items[3]),
			  1);
	/* expect.stop decides whether the run goes on: not alike. */
	ck_assert_uint_eq(snapshot_shared_steps(&set.items[0], &set.items[4]),
			  0);
	snapshot_plan_free(&plan);
}
END_TEST

START_TEST(header_differences_and_directories_keep_scenarios_apart)
{
	static const char other_platform[] =
		"- name: e\n"
		"  firmware: uboot-debian\n"
		"  platform: qemu-virt-ffa\n"
		"  steps:\n"
		"    - boot: {until: prompt}\n";
	static const char quoted[] =
		"- name: f\n"
		"  firmware: 'uboot-debian'\n"
		"  steps:\n"
		"    - boot: {until: prompt}\n";
	struct snapshot_plan plan;

	load("dir/u.yaml", uboot_suite);
	load("dir/p.yaml", other_platform);
	load("dir/q.yaml", quoted);
	load("elsewhere/u.yaml", uboot_suite);
	ck_assert_uint_eq(set.count, 12);
	plan = plan_all();
	/* dir/u.yaml's five, and elsewhere/u.yaml's five. */
	ck_assert_uint_eq(plan.count, 2);
	ck_assert_uint_eq(plan.groups[0].count, 5);
	ck_assert_uint_eq(plan.groups[1].count, 5);
	ck_assert_uint_eq(plan.groups[1].members[0], 7);
	snapshot_plan_free(&plan);
}
END_TEST

START_TEST(the_rest_of_a_header_class_shares_set_up_only)
{
	static const char refclient[] =
		"- name: r1\n"
		"  steps:\n"
		"    - get_variable: {name: A, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}\n"
		"- name: r2\n"
		"  steps:\n"
		"    - get_variable: {name: B, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}\n"
		"- name: r3\n"
		"  steps:\n"
		"    - get_variable: {name: C, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}\n";
	struct snapshot_plan plan;

	load("r.yaml", refclient);
	plan = plan_all();
	ck_assert_uint_eq(plan.count, 1);
	ck_assert_uint_eq(plan.groups[0].count, 3);
	ck_assert_uint_eq(plan.groups[0].prefix, 0);
	snapshot_plan_free(&plan);
}
END_TEST

START_TEST(opt_out_and_store_files_run_from_reset)
{
	static const char yaml[] =
		"- name: s1\n"
		"  snapshot: false\n"
		"  steps:\n"
		"    - get_variable: {name: A, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}\n"
		"- name: s2\n"
		"  spmc: {store: {file: s.store}}\n"
		"  steps:\n"
		"    - get_variable: {name: A, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}\n"
		"- name: s3\n"
		"  spmc: {store: {file: s.store}}\n"
		"  steps:\n"
		"    - get_variable: {name: A, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}\n"
		"- name: s4\n"
		"  snapshot: true\n"
		"  steps:\n"
		"    - get_variable: {name: A, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}\n";
	struct snapshot_plan plan;

	load("s.yaml", yaml);
	ck_assert_ptr_nonnull(snapshot_excluded(&set.items[0]));
	ck_assert_ptr_nonnull(strstr(snapshot_excluded(&set.items[0]),
				     "snapshot: false"));
	ck_assert_ptr_nonnull(strstr(snapshot_excluded(&set.items[1]),
				     "store"));
	ck_assert_ptr_null(snapshot_excluded(&set.items[3]));
	plan = plan_all();
	/* s1 says no and s2, s3 persist: s4 is alone. */
	ck_assert_uint_eq(plan.count, 0);
	snapshot_plan_free(&plan);
}
END_TEST

/*
 * Which boots share their first part: the budget, the countdown text and
 * stopping at the console decide it; the agent, the prompt text and the
 * steps after do not.  Groups that share more than the boot keep it.
 */
static const char boot_phases[] =
	"- name: prompt\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt, prompt: \"=> \"}\n"
	"- name: agent-1\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {efi_agent: builtin}\n"
	"    - get_variable: {name: A}\n"
	"- name: agent-2\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {efi_agent: builtin}\n"
	"    - get_variable: {name: B}\n"
	"- name: deep-1\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt}\n"
	"    - console: {type: version}\n"
	"    - console: {type: poweroff}\n"
	"- name: deep-2\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt}\n"
	"    - console: {type: version}\n"
	"    - console: {type: reset}\n"
	"- name: no-countdown\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt, interrupt_autoboot: \"Hit\"}\n"
	"- name: to-the-end\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: stop}\n"
	"- name: budget\n"
	"  firmware: uboot-debian\n"
	"  steps:\n"
	"    - boot: {until: prompt, max_instructions: 1000}\n";

START_TEST(boots_alike_to_their_first_stop_share_it)
{
	struct snapshot_plan plan;
	const struct snapshot_group *g;

	load("b.yaml", boot_phases);
	ck_assert(snapshot_boot_phase_alike(&set.items[0], &set.items[1], 0));
	ck_assert(!snapshot_boot_phase_alike(&set.items[0], &set.items[5], 0));
	ck_assert(!snapshot_boot_phase_alike(&set.items[6], &set.items[6], 0));
	ck_assert(!snapshot_boot_phase_alike(&set.items[0], &set.items[7], 0));
	ck_assert(!snapshot_boot_phase_alike(&set.items[1], &set.items[1], 1));
	plan = plan_all();
	/* deep-1 and deep-2 keep their two steps; the prompt scenario and
	 * the agents' group share the boot's first part; the last three
	 * share their set-up only. */
	ck_assert_uint_eq(plan.count, 3);
	for (size_t i = 0; i < plan.count; i++) {
		g = &plan.groups[i];
		if (g->boot_phase) {
			ck_assert_uint_eq(g->count, 3);
			ck_assert_uint_eq(g->members[0], 0);
			ck_assert_uint_eq(g->members[1], 1);
			ck_assert_uint_eq(g->members[2], 2);
			ck_assert_uint_eq(g->sub_count, 2);
		} else if (g->prefix == 2) {
			ck_assert_uint_eq(g->count, 2);
			ck_assert_uint_eq(g->members[0], 3);
		} else {
			ck_assert_uint_eq(g->prefix, 0);
			ck_assert_uint_eq(g->count, 3);
			ck_assert_uint_eq(g->members[0], 5);
		}
	}
	ck_assert(plan.groups[0].boot_phase + plan.groups[1].boot_phase +
			  plan.groups[2].boot_phase ==
		  1);
	snapshot_plan_free(&plan);
}
END_TEST

START_TEST(positions_translate_node_for_node)
{
	const struct scenario_step *a, *b;
	struct source_mark m;

	load("dir/u.yaml", uboot_suite);
	a = &set.items[0].steps[0]; /* line 4 */
	b = &set.items[1].steps[0]; /* line 11 */
	ck_assert_int_eq(a->mark.line, 4);
	ck_assert_int_eq(b->mark.line, 11);
	m = scenario_translate_mark(a, b, a->mark);
	ck_assert_int_eq(m.line, b->mark.line);
	ck_assert_int_eq(m.column, b->mark.column);
	/* "prompt", the value of until: line 4 column 21. */
	m = scenario_translate_mark(a, b, (struct source_mark){4, 21});
	ck_assert_int_eq(m.line, 11);
	ck_assert_int_eq(m.column, 21);
	/* Not a node of a: left alone. */
	m = scenario_translate_mark(a, b, (struct source_mark){2, 3});
	ck_assert_int_eq(m.line, 2);
	ck_assert_int_eq(m.column, 3);
}
END_TEST

Suite *snapshot_suite(void);

Suite *snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("plan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, same_first_steps_group_with_the_steps_all_share);
	tcase_add_test(tc,
		       header_differences_and_directories_keep_scenarios_apart);
	tcase_add_test(tc, the_rest_of_a_header_class_shares_set_up_only);
	tcase_add_test(tc, opt_out_and_store_files_run_from_reset);
	tcase_add_test(tc, boots_alike_to_their_first_stop_share_it);
	tcase_add_test(tc, positions_translate_node_for_node);
	suite_add_tcase(s, tc);
	return s;
}
