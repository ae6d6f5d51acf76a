/*
 * Unit tests of models/psci.c: PSCI 1.1, the SMCCC 1.2 architecture calls
 * and the absent TRNG, as U-Boot probes them (reference sections 1.3 to
 * 1.5).  Calls are hand-built `struct smc_call`s with out = copy of in.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "abi/ffa.h"
#include "abi/psci.h"
#include "abi/smccc.h"
#include "common/finding.h"
#include "models/psci.h"
#include "models/smc_call.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct findings findings;
static struct psci psci;

static void psci_setup(void)
{
	findings_init(&findings);
	psci_init(&psci, &findings);
}

static void psci_teardown(void)
{
	findings_free(&findings);
}

static struct smc_call make_call(struct smccc_regs in)
{
	struct smc_call c;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.out = in;
	c.event = NULL;
	c.action = SMC_ACTION_RETURN;
	return c;
}

static struct smc_call run_psci(struct smccc_regs in)
{
	struct smc_call c = make_call(in);

	psci_handle(&psci, &c);
	return c;
}

static struct smc_call run_arch(struct smccc_regs in)
{
	struct smc_call c = make_call(in);

	psci_arch_handle(&psci, &c);
	return c;
}

#define PSCI(...) run_psci((struct smccc_regs){.x = {__VA_ARGS__}})
#define ARCH(...) run_arch((struct smccc_regs){.x = {__VA_ARGS__}})

/* x0 as PSCI and U-Boot read it: a signed 32-bit code. */
#define ASSERT_X0(c, code) ck_assert_int_eq((int32_t)(c).out.x[0], (code))

START_TEST(psci_version_is_1_1)
{
	struct smc_call c = PSCI(PSCI_VERSION);

	ck_assert_uint_eq(c.out.x[0], 0x10001);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	ck_assert_str_eq(c.name, "PSCI_VERSION");
	ck_assert_uint_eq(psci.calls, 1);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(psci_version_defines_only_x0)
{
	struct smccc_regs in = {.x = {PSCI_VERSION}};
	struct smc_call c;

	for (size_t i = 1; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = 0xabc0 + i;
	}
	c = run_psci(in);
	for (size_t i = 1; i < SMCCC_REG_COUNT; i++) {
		ck_assert_uint_eq(c.out.x[i], 0xabc0 + i);
	}
}
END_TEST

static const struct {
	uint32_t fid;
	int32_t expect;
} psci_features_cases[] = {
	{SMCCC_VERSION, PSCI_RET_SUCCESS}, /* U-Boot's SMCCC discovery */
	{PSCI_VERSION, PSCI_RET_SUCCESS},
	{PSCI_FEATURES, PSCI_RET_SUCCESS},
	{PSCI_CPU_ON_64, PSCI_RET_SUCCESS},
	{PSCI_AFFINITY_INFO_32, PSCI_RET_SUCCESS},
	{PSCI_MIGRATE_INFO_TYPE, PSCI_RET_SUCCESS},
	{PSCI_SYSTEM_OFF, PSCI_RET_SUCCESS},
	{PSCI_SYSTEM_RESET, PSCI_RET_SUCCESS},
	{PSCI_SYSTEM_RESET2_64, PSCI_RET_SUCCESS},
	{PSCI_CPU_SUSPEND_32, PSCI_RET_NOT_SUPPORTED},
	{PSCI_CPU_SUSPEND_64, PSCI_RET_NOT_SUPPORTED},
	{PSCI_CPU_OFF, PSCI_RET_NOT_SUPPORTED},
	{PSCI_SYSTEM_SUSPEND_64, PSCI_RET_NOT_SUPPORTED},
	{0x84000005, PSCI_RET_NOT_SUPPORTED}, /* no such PSCI function */
	{SMCCC_ARCH_FEATURES, PSCI_RET_NOT_SUPPORTED},
	{TRNG_VERSION, PSCI_RET_NOT_SUPPORTED},
	{FFA_VERSION, PSCI_RET_NOT_SUPPORTED},
	{0xffffffff, PSCI_RET_NOT_SUPPORTED},
};

START_TEST(psci_features_answers_as_the_reference_says)
{
	struct smc_call c = PSCI(PSCI_FEATURES, psci_features_cases[_i].fid);

	ASSERT_X0(c, psci_features_cases[_i].expect);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(psci_features_reads_only_w1)
{
	struct smc_call c = PSCI(PSCI_FEATURES,
				 UINT64_C(0xffffffff00000000) | SMCCC_VERSION);

	ASSERT_X0(c, PSCI_RET_SUCCESS);
}
END_TEST

START_TEST(smccc_version_is_1_2)
{
	struct smc_call c = ARCH(SMCCC_VERSION);

	ck_assert_uint_eq(c.out.x[0], 0x10002);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	ck_assert_str_eq(c.name, "SMCCC_VERSION");
}
END_TEST

static const struct {
	uint32_t fid;
	int32_t expect;
} arch_features_cases[] = {
	{SMCCC_VERSION, SMCCC_RET_SUCCESS},
	{SMCCC_ARCH_FEATURES, SMCCC_RET_SUCCESS},
	{SMCCC_ARCH_SOC_ID, SMCCC_RET_NOT_SUPPORTED},
	{SMCCC_ARCH_WORKAROUND_1, SMCCC_RET_NOT_SUPPORTED},
	{SMCCC_ARCH_WORKAROUND_2, SMCCC_RET_NOT_SUPPORTED},
	{SMCCC_ARCH_WORKAROUND_3, SMCCC_RET_NOT_SUPPORTED},
	{0x80000010, SMCCC_RET_NOT_SUPPORTED},
	{PSCI_VERSION, SMCCC_RET_NOT_SUPPORTED}, /* not an arch call */
};

START_TEST(arch_features_answers_as_the_reference_says)
{
	struct smc_call c =
		ARCH(SMCCC_ARCH_FEATURES, arch_features_cases[_i].fid);

	ASSERT_X0(c, arch_features_cases[_i].expect);
	ck_assert_str_eq(c.name, "SMCCC_ARCH_FEATURES");
}
END_TEST

static const uint32_t arch_absent[] = {
	SMCCC_ARCH_SOC_ID,
	SMCCC_ARCH_FEATURE_AVAILABILITY,
	SMCCC_ARCH_WORKAROUND_1,
	SMCCC_ARCH_WORKAROUND_2,
	SMCCC_ARCH_WORKAROUND_3,
};

START_TEST(absent_arch_call_is_not_supported_and_not_a_model_gap)
{
	struct smc_call c = ARCH(arch_absent[_i]);

	ASSERT_X0(c, SMCCC_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(unknown_arch_call_is_smc_unk_and_unimplemented)
{
	struct smc_call c = ARCH(0x80000010);

	ck_assert_uint_eq(c.out.x[0], UINT64_MAX);
	ck_assert_int_eq(c.disposition, SMC_DISP_UNIMPLEMENTED);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  1);
}
END_TEST

START_TEST(system_off_powers_off)
{
	struct smc_call c = PSCI(PSCI_SYSTEM_OFF);

	ck_assert_int_eq(c.action, SMC_ACTION_POWER_OFF);
	ck_assert_int_eq(c.disposition, SMC_DISP_STOP);
	ck_assert_str_eq(c.name, "PSCI_SYSTEM_OFF");
}
END_TEST

START_TEST(system_reset_resets)
{
	struct smc_call c = PSCI(PSCI_SYSTEM_RESET);

	ck_assert_int_eq(c.action, SMC_ACTION_RESET);
	ck_assert_int_eq(c.disposition, SMC_DISP_STOP);
}
END_TEST

START_TEST(system_reset2_warm_reset_resets)
{
	struct smc_call c = PSCI(PSCI_SYSTEM_RESET2_64, 0, 0);

	ck_assert_int_eq(c.action, SMC_ACTION_RESET);
	c = PSCI(PSCI_SYSTEM_RESET2_32, 0, 0x1234);
	ck_assert_int_eq(c.action, SMC_ACTION_RESET);
}
END_TEST

START_TEST(system_reset2_reserved_type_is_invalid_params_and_returns)
{
	struct smc_call c = PSCI(PSCI_SYSTEM_RESET2_64, 1);

	ASSERT_X0(c, PSCI_RET_INVALID_PARAMS);
	ck_assert_int_eq(c.action, SMC_ACTION_RETURN);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
}
END_TEST

START_TEST(cpu_on_of_the_only_cpu_is_already_on)
{
	struct smc_call c = PSCI(PSCI_CPU_ON_64, 0, 0x40080000, 0);

	ASSERT_X0(c, PSCI_RET_ALREADY_ON);
	c = PSCI(PSCI_CPU_ON_32, 0, 0x40080000, 0);
	ASSERT_X0(c, PSCI_RET_ALREADY_ON);
}
END_TEST

START_TEST(cpu_on_of_a_missing_cpu_is_invalid_params)
{
	struct smc_call c = PSCI(PSCI_CPU_ON_64, 1, 0x40080000, 0);

	ASSERT_X0(c, PSCI_RET_INVALID_PARAMS);
	ck_assert_int_eq(c.action, SMC_ACTION_RETURN);
}
END_TEST

START_TEST(affinity_info_of_cpu_0_is_on)
{
	struct smc_call c = PSCI(PSCI_AFFINITY_INFO_64, 0, 0);

	ASSERT_X0(c, PSCI_AFFINITY_ON);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
}
END_TEST

START_TEST(affinity_info_of_other_cpu_or_level_is_invalid_params)
{
	struct smc_call c = PSCI(PSCI_AFFINITY_INFO_32, 0x100, 0);

	ASSERT_X0(c, PSCI_RET_INVALID_PARAMS);
	c = PSCI(PSCI_AFFINITY_INFO_32, 0, 1);
	ASSERT_X0(c, PSCI_RET_INVALID_PARAMS);
}
END_TEST

START_TEST(migrate_info_type_says_no_trusted_os_to_migrate)
{
	struct smc_call c = PSCI(PSCI_MIGRATE_INFO_TYPE);

	ASSERT_X0(c, 2);
}
END_TEST

static const uint32_t trng_fids[] = {
	TRNG_VERSION, TRNG_FEATURES, TRNG_GET_UUID, TRNG_RND_32, TRNG_RND_64,
};

START_TEST(trng_is_absent_by_design)
{
	struct smc_call c = PSCI(trng_fids[_i]);

	/* U-Boot: TRNG_VERSION with bit 31 set means no TRNG. */
	ck_assert_uint_ne(c.out.x[0] & 0x80000000u, 0);
	ASSERT_X0(c, SMCCC_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST


/* Multi-CPU machine (the QEMU backend): CPU index = MPIDR Aff0. */
START_TEST(cpu_count_out_of_range_is_refused)
{
	ck_assert(!psci_set_cpu_count(&psci, 0));
	ck_assert(!psci_set_cpu_count(&psci, PSCI_MAX_CPUS + 1));
	ck_assert(psci_set_cpu_count(&psci, PSCI_MAX_CPUS));
}
END_TEST

START_TEST(cpu_on_starts_a_present_cpu_once)
{
	struct smc_call c;
	struct psci_effect e;

	ck_assert(psci_set_cpu_count(&psci, 4));
	ck_assert_int_eq(psci_cpu_state(&psci, 2), PSCI_CPU_STATE_OFF);
	c = PSCI(PSCI_CPU_ON_64, 2, 0x40280000, 0x1234);
	ASSERT_X0(c, PSCI_RET_SUCCESS);
	e = psci_take_effect(&psci);
	ck_assert_int_eq(e.kind, PSCI_EFFECT_CPU_ON);
	ck_assert_uint_eq(e.cpu, 2);
	ck_assert_uint_eq(e.entry, 0x40280000);
	ck_assert_uint_eq(e.context, 0x1234);
	ck_assert_int_eq(psci_take_effect(&psci).kind, PSCI_EFFECT_NONE);
	ck_assert_int_eq(psci_cpu_state(&psci, 2), PSCI_CPU_STATE_ON);
	c = PSCI(PSCI_CPU_ON_64, 2, 0x40280000, 0);
	ASSERT_X0(c, PSCI_RET_ALREADY_ON);
	ck_assert_int_eq(psci_take_effect(&psci).kind, PSCI_EFFECT_NONE);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(cpu_on_of_a_cpu_the_machine_lacks_is_invalid_params)
{
	static const uint64_t targets[] = {4, 0xff, 0x100, 0x10000,
					   UINT64_C(0x100000000)};

	ck_assert(psci_set_cpu_count(&psci, 4));
	for (size_t i = 0; i < ARRAY_COUNT(targets); i++) {
		struct smc_call c = PSCI(PSCI_CPU_ON_64, targets[i], 0x40000000);

		ASSERT_X0(c, PSCI_RET_INVALID_PARAMS);
		ck_assert_int_eq(psci_take_effect(&psci).kind,
				 PSCI_EFFECT_NONE);
	}
}
END_TEST

START_TEST(cpu_on_32_uses_the_low_32_bits_of_the_target)
{
	struct smc_call c;

	ck_assert(psci_set_cpu_count(&psci, 2));
	c = PSCI(PSCI_CPU_ON_32, UINT64_C(0xffffffff00000001), 0x40000000);
	ASSERT_X0(c, PSCI_RET_SUCCESS);
	ck_assert_uint_eq(psci_take_effect(&psci).cpu, 1);
}
END_TEST

START_TEST(affinity_info_follows_each_cpu)
{
	struct smc_call c;

	ck_assert(psci_set_cpu_count(&psci, 3));
	c = PSCI(PSCI_AFFINITY_INFO_64, 0, 0);
	ASSERT_X0(c, PSCI_AFFINITY_ON);
	c = PSCI(PSCI_AFFINITY_INFO_64, 1, 0);
	ASSERT_X0(c, PSCI_AFFINITY_OFF);
	c = PSCI(PSCI_AFFINITY_INFO_64, 3, 0);
	ASSERT_X0(c, PSCI_RET_INVALID_PARAMS);
	c = PSCI(PSCI_AFFINITY_INFO_64, 1, 1);
	ASSERT_X0(c, PSCI_RET_INVALID_PARAMS);
	c = PSCI(PSCI_CPU_ON_64, 1, 0x40000000);
	c = PSCI(PSCI_AFFINITY_INFO_64, 1, 0);
	ASSERT_X0(c, PSCI_AFFINITY_ON);
}
END_TEST

START_TEST(cpu_off_stops_the_caller_on_a_multi_cpu_machine)
{
	struct smc_call c;
	struct psci_effect e;

	ck_assert(psci_set_cpu_count(&psci, 2));
	c = PSCI(PSCI_CPU_ON_64, 1, 0x40000000);
	(void)psci_take_effect(&psci);
	psci_set_caller(&psci, 1);
	c = PSCI(PSCI_CPU_OFF);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	e = psci_take_effect(&psci);
	ck_assert_int_eq(e.kind, PSCI_EFFECT_CPU_OFF);
	ck_assert_uint_eq(e.cpu, 1);
	ck_assert_int_eq(psci_cpu_state(&psci, 1), PSCI_CPU_STATE_OFF);
	/* Off again: it may be started again. */
	c = PSCI(PSCI_CPU_ON_64, 1, 0x40000000);
	ASSERT_X0(c, PSCI_RET_SUCCESS);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

static const uint32_t psci_unimplemented[] = {
	PSCI_CPU_SUSPEND_32,    PSCI_CPU_SUSPEND_64,    PSCI_CPU_OFF,
	PSCI_SYSTEM_SUSPEND_32, PSCI_SYSTEM_SUSPEND_64,
};

START_TEST(unimplemented_psci_row_is_not_supported_and_recorded)
{
	struct smc_call c = PSCI(psci_unimplemented[_i]);
	const struct finding *f;

	ASSERT_X0(c, PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_UNIMPLEMENTED);
	ck_assert_str_eq(c.name, psci_function_name(psci_unimplemented[_i]));
	f = findings_find(&findings, "model.unimplemented-smc");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->kind, FINDING_UNIMPLEMENTED);
	ck_assert_ptr_nonnull(strstr(f->message, c.name));
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_FIRMWARE), 0);
}
END_TEST

START_TEST(unknown_psci_function_is_smc_unk_and_unimplemented)
{
	struct smc_call c = PSCI(0x84000005);

	ck_assert_uint_eq(c.out.x[0], UINT64_MAX);
	ck_assert_int_eq(c.disposition, SMC_DISP_UNIMPLEMENTED);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  1);
}
END_TEST

static const struct {
	uint32_t fid;
	const char *name;
} names[] = {
	{PSCI_VERSION, "PSCI_VERSION"},
	{PSCI_SYSTEM_RESET2_64, "PSCI_SYSTEM_RESET2_64"},
	{TRNG_VERSION, "TRNG_VERSION"},
	{SMCCC_VERSION, "SMCCC_VERSION"},
	{SMCCC_ARCH_WORKAROUND_1, "SMCCC_ARCH_WORKAROUND_1"},
};

START_TEST(function_names_cover_psci_trng_and_arch)
{
	ck_assert_str_eq(psci_function_name(names[_i].fid), names[_i].name);
}
END_TEST

START_TEST(function_name_of_unknown_id_is_null)
{
	ck_assert_ptr_null(psci_function_name(0x84000005));
	ck_assert_ptr_null(psci_function_name(FFA_VERSION));
}
END_TEST

Suite *psci_suite(void);

Suite *psci_suite(void)
{
	Suite *s = suite_create("psci");
	TCase *tc = tcase_create("psci");

	tcase_add_checked_fixture(tc, psci_setup, psci_teardown);
	tcase_add_test(tc, psci_version_is_1_1);
	tcase_add_test(tc, psci_version_defines_only_x0);
	tcase_add_loop_test(tc, psci_features_answers_as_the_reference_says, 0,
			    (int)ARRAY_COUNT(psci_features_cases));
	tcase_add_test(tc, psci_features_reads_only_w1);
	tcase_add_test(tc, system_off_powers_off);
	tcase_add_test(tc, system_reset_resets);
	tcase_add_test(tc, system_reset2_warm_reset_resets);
	tcase_add_test(
		tc, system_reset2_reserved_type_is_invalid_params_and_returns);
	tcase_add_test(tc, cpu_on_of_the_only_cpu_is_already_on);
	tcase_add_test(tc, cpu_on_of_a_missing_cpu_is_invalid_params);
	tcase_add_test(tc, affinity_info_of_cpu_0_is_on);
	tcase_add_test(tc,
		       affinity_info_of_other_cpu_or_level_is_invalid_params);
	tcase_add_test(tc, migrate_info_type_says_no_trusted_os_to_migrate);
	tcase_add_test(tc, cpu_count_out_of_range_is_refused);
	tcase_add_test(tc, cpu_on_starts_a_present_cpu_once);
	tcase_add_test(tc, cpu_on_of_a_cpu_the_machine_lacks_is_invalid_params);
	tcase_add_test(tc, cpu_on_32_uses_the_low_32_bits_of_the_target);
	tcase_add_test(tc, affinity_info_follows_each_cpu);
	tcase_add_test(tc, cpu_off_stops_the_caller_on_a_multi_cpu_machine);
	tcase_add_loop_test(
		tc, unimplemented_psci_row_is_not_supported_and_recorded, 0,
		(int)ARRAY_COUNT(psci_unimplemented));
	tcase_add_test(tc, unknown_psci_function_is_smc_unk_and_unimplemented);
	tcase_add_loop_test(tc, trng_is_absent_by_design, 0,
			    (int)ARRAY_COUNT(trng_fids));
	tcase_add_loop_test(tc, function_names_cover_psci_trng_and_arch, 0,
			    (int)ARRAY_COUNT(names));
	tcase_add_test(tc, function_name_of_unknown_id_is_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("arch");
	tcase_add_checked_fixture(tc, psci_setup, psci_teardown);
	tcase_add_test(tc, smccc_version_is_1_2);
	tcase_add_loop_test(tc, arch_features_answers_as_the_reference_says, 0,
			    (int)ARRAY_COUNT(arch_features_cases));
	tcase_add_loop_test(
		tc, absent_arch_call_is_not_supported_and_not_a_model_gap, 0,
		(int)ARRAY_COUNT(arch_absent));
	tcase_add_test(tc, unknown_arch_call_is_smc_unk_and_unimplemented);
	suite_add_tcase(s, tc);

	return s;
}
