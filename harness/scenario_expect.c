/*
 * The `expect:` mapping of a step (docs/scenarios.md "expect"): what the
 * firmware reported, the SMCs of the step (`calls`, `no_calls`), the MM
 * request the partition read (`mm`), console text, how the run stopped and
 * the firmware findings the step must produce.  harness/expect.c checks
 * them against the run.
 */
#include "harness/scenario_schema.h"

static const char *const stop_reasons[] = {
	"power-off",	      "reset",   "fault",	 "hang",
	"instruction-budget", "timeout", "agent-panic", "console-idle",
	NULL};

/* As models/lifecycle.c names them (tests/check_lifecycle.c compares). */
static const char *const phases[] = {
	"boot", "ready-to-boot", "exit-boot-services", "runtime",
	"virtual-address-map", NULL};
static const char *const phase_evidence[] = {
	"mm-ready-to-boot",
	"mm-exit-boot-service",
	"firmware-exit-boot-services-returned",
	"agent-exit-boot-services",
	"firmware-set-virtual-address-map",
	"agent-set-virtual-address-map",
	NULL};

/* --- calls, no_calls ------------------------------------------------------ */

#define X_ROW(i)                                                        \
	{                                                               \
		ROW("x" #i, FIELD_U64, struct scenario_smc_match, x[i]) \
	}

static const struct field smc_match_fields[] = {
	{ROW("function", FIELD_SMC, struct scenario_smc_match, function),
	 .required = true, .sets = SET_FID,
	 .aux = offsetof(struct scenario_smc_match, fid)},
	X_ROW(1),  X_ROW(2),  X_ROW(3),	 X_ROW(4),  X_ROW(5),  X_ROW(6),
	X_ROW(7),  X_ROW(8),  X_ROW(9),	 X_ROW(10), X_ROW(11), X_ROW(12),
	X_ROW(13), X_ROW(14), X_ROW(15), X_ROW(16), X_ROW(17),
	{ROW("returns", FIELD_U64, struct scenario_smc_match, out_x0)},
	{ROW("el", FIELD_U64, struct scenario_smc_match, el), .max = 3,
	 .what = "an exception level (0 to 3)"},
	{ROW("cpu", FIELD_U64, struct scenario_smc_match, cpu), .max = 7,
	 .what = "a CPU index (0 to 7)"},
	{ROW("sri", FIELD_U64, struct scenario_smc_match, sri)},
};

static const struct schema smc_match_schema = {
	.what = "an SMC function name or a mapping {function, x1..x17, "
		"returns, el, cpu, sri}",
	.fields = smc_match_fields,
	.field_count = ARRAY_SIZE(smc_match_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario_smc_match, mark),
};

/*
 * calls / no_calls: a sequence whose entries are names or mappings
 * {function, x1..x17, returns}; array at offset, count at aux.
 */
static void parse_calls(struct loader *ld, const struct node *v, void *base,
			const struct field *f)
{
	struct scenario_smc_match **array =
		AT(base, f->offset, struct scenario_smc_match *);
	size_t *count = AT(base, f->aux, size_t);

	if (v->type != NODE_SEQUENCE) {
		schema_expected(ld, v, "a sequence of SMC function names or "
				       "mappings {function, x1..x17, "
				       "returns}");
		return;
	}
	*array = xcalloc(v->count != 0 ? v->count : 1, sizeof(**array));
	*count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		struct scenario_smc_match *m = &(*array)[i];
		const struct node *item = v->kids[i];
		size_t saved = schema_path_index(ld, i);

		if (item->type == NODE_MAPPING) {
			schema_walk(ld, item, &smc_match_schema, m);
		} else if (item->type == NODE_SCALAR &&
			   !schema_is_null(item)) {
			m->mark = item->mark;
			schema_want_smc(ld, item, &m->function, &m->fid);
		} else {
			schema_expected(ld, item, smc_match_schema.what);
		}
		schema_path_restore(ld, saved);
	}
}

/* --- mm ------------------------------------------------------------------- */

static void raw_check(struct loader *ld, const struct node *n, void *base)
{
	const struct scenario_expect_mm *mm = base;

	(void)n;
	if (mm->raw_bytes.present && mm->raw_bytes.len == 0) {
		size_t saved = schema_path_key(ld, "bytes");

		schema_error(ld, mm->raw_bytes.mark,
			     "expected at least one byte, got none");
		schema_path_restore(ld, saved);
	}
	if (mm->raw_bytes.present && mm->raw_mask.present &&
	    mm->raw_mask.len != mm->raw_bytes.len) {
		size_t saved = schema_path_key(ld, "mask");

		schema_error(ld, mm->raw_mask.mark,
			     "expected as many mask bytes as bytes (%zu), "
			     "got %zu",
			     mm->raw_bytes.len, mm->raw_mask.len);
		schema_path_restore(ld, saved);
	}
}

static const struct field raw_fields[] = {
	{ROW("offset", FIELD_U64, struct scenario_expect_mm, raw_offset)},
	{ROW("bytes", FIELD_BYTES, struct scenario_expect_mm, raw_bytes),
	 .required = true, .bytes = BYTES_HEX},
	{ROW("mask", FIELD_BYTES, struct scenario_expect_mm, raw_mask),
	 .bytes = BYTES_HEX},
};

/* raw: fills struct scenario_expect_mm itself. */
static const struct schema raw_schema = {
	.what = "a mapping {offset, bytes, mask}",
	.fields = raw_fields,
	.field_count = ARRAY_SIZE(raw_fields),
	.check = raw_check,
};

#define MM_ROW(k, kd, member)                                           \
	ROW(k, kd, struct scenario_expect_mm, member)

static const struct field expect_mm_fields[] = {
	{MM_ROW("function", FIELD_NAMED, function),
	 .named = NAMED_MM_FUNCTION},
	{MM_ROW("name", FIELD_TEXT, name)},
	{MM_ROW("guid", FIELD_GUID, guid), .sets = SET_PRESENT | SET_MARK,
	 .present_at = offsetof(struct scenario_expect_mm, has_guid),
	 .mark_at = offsetof(struct scenario_expect_mm, guid_mark)},
	{MM_ROW("attributes", FIELD_NAMED, attributes),
	 .named = NAMED_ATTRIBUTES},
	{MM_ROW("data", FIELD_BYTES, data), .bytes = BYTES_TEXT},
	{MM_ROW("data_hex", FIELD_BYTES, data), .bytes = BYTES_HEX},
	{MM_ROW("data_ucs2", FIELD_BYTES, data), .bytes = BYTES_UCS2},
	{MM_ROW("data_size", FIELD_U64, data_size)},
	{MM_ROW("name_size", FIELD_U64, name_size)},
	{MM_ROW("message_length", FIELD_U64, message_length)},
	{.key = "raw", .kind = FIELD_NESTED, .offset = 0, .sub = &raw_schema},
	{MM_ROW("mm_return", FIELD_NAMED, mm_return),
	 .named = NAMED_MM_RETURN},
	{MM_ROW("return_status", FIELD_NAMED, return_status),
	 .named = NAMED_EFI_STATUS},
};

static const struct schema expect_mm_schema = {
	.what = "a mapping of MM request expectations {function, name, guid, "
		"...}",
	.fields = expect_mm_fields,
	.field_count = ARRAY_SIZE(expect_mm_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario_expect_mm, mark),
};

/* --- expect --------------------------------------------------------------- */

#define E_ROW(k, kd, member) ROW(k, kd, struct scenario_expect, member)

static const struct field expect_fields[] = {
	{E_ROW("status", FIELD_NAMED, status), .named = NAMED_EFI_STATUS},
	{E_ROW("data", FIELD_BYTES, data), .bytes = BYTES_TEXT},
	{E_ROW("data_hex", FIELD_BYTES, data), .bytes = BYTES_HEX},
	{E_ROW("data_ucs2", FIELD_BYTES, data), .bytes = BYTES_UCS2},
	{E_ROW("data_size", FIELD_U64, data_size)},
	{E_ROW("attributes", FIELD_NAMED, attributes),
	 .named = NAMED_ATTRIBUTES},
	{E_ROW("name", FIELD_TEXT, name)},
	{E_ROW("guid", FIELD_GUID, guid), .sets = SET_PRESENT | SET_MARK,
	 .present_at = offsetof(struct scenario_expect, has_guid),
	 .mark_at = offsetof(struct scenario_expect, guid_mark)},
	{E_ROW("name_size", FIELD_U64, name_size)},
	{E_ROW("maximum_storage_size", FIELD_SIZE, maximum_storage_size)},
	{E_ROW("remaining_storage_size", FIELD_SIZE, remaining_storage_size)},
	{E_ROW("maximum_variable_size", FIELD_SIZE, maximum_variable_size)},
	{E_ROW("calls", FIELD_CUSTOM, calls), .custom = parse_calls,
	 .aux = offsetof(struct scenario_expect, call_count)},
	{E_ROW("no_calls", FIELD_CUSTOM, no_calls), .custom = parse_calls,
	 .aux = offsetof(struct scenario_expect, no_call_count)},
	{E_ROW("mm", FIELD_NESTED, mm), .sub = &expect_mm_schema,
	 .sets = SET_PRESENT,
	 .present_at = offsetof(struct scenario_expect, mm.present)},
	{E_ROW("console", FIELD_TEXT, console)},
	{E_ROW("console_regex", FIELD_REGEX, console_regex)},
	{E_ROW("console_absent", FIELD_TEXT, console_absent), .min = 1},
	{E_ROW("exit_status", FIELD_U64, exit_status), .max = 255,
	 .what = "an exit status (0 to 255)"},
	{E_ROW("output", FIELD_TEXT, output)},
	{E_ROW("output_regex", FIELD_REGEX, output_regex)},
	{E_ROW("output_absent", FIELD_TEXT, output_absent), .min = 1},
	{E_ROW("stop", FIELD_TEXT, stop), .choices = stop_reasons},
	{E_ROW("phase", FIELD_TEXT, phase), .choices = phases},
	{E_ROW("phase_evidence", FIELD_TEXT, phase_evidence),
	 .choices = phase_evidence},
	{E_ROW("findings", FIELD_TEXT_LIST, findings),
	 .aux = offsetof(struct scenario_expect, finding_count),
	 .what = "a sequence of finding codes", .item = "a finding code",
	 .item_nonempty = "a finding code"},
};

/* Documented in harness/scenario_schema.h. */
const struct schema scenario_expect_schema = {
	.what = "a mapping of expectations {status, data, calls, mm, "
		"console, stop, findings, ...}",
	.fields = expect_fields,
	.field_count = ARRAY_SIZE(expect_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario_expect, mark),
};
