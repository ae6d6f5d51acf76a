/*
 * The scenario mapping itself (docs/scenarios.md "The scenario"): name,
 * description, tags, firmware, platform, budgets, the SPMC (partitions,
 * shared buffer, variable store, preloaded variables), checks, expected
 * findings and the steps (harness/scenario_steps.c).
 */
#include "harness/scenario_schema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "models/spmc.h"

/* --- spmc ----------------------------------------------------------------- */

static const char *const ffa_versions[] = {"1.0", "1.1", "1.2", NULL};
static const char *const sp_models[] = {"mm-variable", "echo", "test", NULL};

#define S_ROW(k, kd, member) ROW(k, kd, struct scenario_spmc, member)

static const struct field shared_buffer_fields[] = {
	{S_ROW("address", FIELD_U64, shared_buffer_address)},
	{S_ROW("size", FIELD_SIZE, shared_buffer_size), .min = 1,
	 .max = UINT64_MAX},
	{S_ROW("offset", FIELD_U64, shared_buffer_offset)},
};

/* shared_buffer: fills struct scenario_spmc itself. */
static const struct schema shared_buffer_schema = {
	.what = "a mapping {address, size, offset}",
	.fields = shared_buffer_fields,
	.field_count = ARRAY_SIZE(shared_buffer_fields),
};

#define P_ROW(k, kd, member) ROW(k, kd, struct scenario_partition, member)

static const struct field partition_fields[] = {
	{P_ROW("name", FIELD_TEXT, name)},
	{P_ROW("id", FIELD_U64, id), .required = true, .min = 0x8000,
	 .max = 0xffff, .what = "a secure partition ID (0x8000 to 0xffff)"},
	{P_ROW("uuid", FIELD_FFA_UUID, uuid), .required = true,
	 .sets = SET_PRESENT,
	 .present_at = offsetof(struct scenario_partition, has_uuid)},
	{P_ROW("properties", FIELD_U64, properties), .max = UINT32_MAX,
	 .what = "a 32-bit number"},
	{P_ROW("execution_contexts", FIELD_U64, exec_ctx_count), .min = 1,
	 .max = 65535},
	{P_ROW("model", FIELD_TEXT, model), .choices = sp_models},
};

static const struct schema partition_schema = {
	.what = "a partition mapping {name, id, uuid, properties, "
		"execution_contexts, model}",
	.fields = partition_fields,
	.field_count = ARRAY_SIZE(partition_fields),
	.size = sizeof(struct scenario_partition),
	.marked = true,
	.mark_offset = offsetof(struct scenario_partition, mark),
};

static void variable_init(void *base)
{
	struct scenario_variable *var = base;

	var->guid = (struct efi_guid)EFI_GLOBAL_VARIABLE_GUID;
}

#define VAR_ROW(k, kd, member) ROW(k, kd, struct scenario_variable, member)

static const struct field variable_fields[] = {
	{VAR_ROW("name", FIELD_STRING, name), .required = true, .min = 1,
	 .ucs2 = true},
	{VAR_ROW("guid", FIELD_GUID, guid)},
	{VAR_ROW("attributes", FIELD_NAMED_U32, attributes), .required = true,
	 .named = NAMED_ATTRIBUTES},
	{VAR_ROW("data", FIELD_BYTES, data), .bytes = BYTES_TEXT},
	{VAR_ROW("data_hex", FIELD_BYTES, data), .bytes = BYTES_HEX},
	{VAR_ROW("data_ucs2", FIELD_BYTES, data), .bytes = BYTES_UCS2},
};

static const struct schema variable_schema = {
	.what = "a variable mapping {name, guid, attributes, data}",
	.fields = variable_fields,
	.field_count = ARRAY_SIZE(variable_fields),
	.size = sizeof(struct scenario_variable),
	.marked = true,
	.mark_offset = offsetof(struct scenario_variable, mark),
	.init = variable_init,
};

static const struct field store_fields[] = {
	{S_ROW("capacity", FIELD_SIZE, store_capacity)},
	{S_ROW("volatile_capacity", FIELD_SIZE, store_volatile_capacity)},
	{S_ROW("max_variable_size", FIELD_SIZE, store_max_variable_size)},
	{S_ROW("file", FIELD_TEXT, store_file), .min = 1},
	{S_ROW("preload", FIELD_TEXT, store_preload), .min = 1},
};

/* store: fills struct scenario_spmc itself. */
static const struct schema store_schema = {
	.what = "a mapping {capacity, volatile_capacity, max_variable_size, "
		"file, preload}",
	.fields = store_fields,
	.field_count = ARRAY_SIZE(store_fields),
};

/* Rules across entries: partition IDs and variables are unique. */
static void spmc_check(struct loader *ld, const struct node *n, void *base)
{
	const struct scenario_spmc *spmc = base;
	size_t saved = schema_path_key(ld, "partitions");

	if (spmc->partition_count > SPMC_MAX_PARTITIONS) {
		schema_error(ld, schema_get(n, "partitions")->mark,
			     "expected at most %d partitions, got %zu",
			     SPMC_MAX_PARTITIONS, spmc->partition_count);
	}
	for (size_t j = 0; j < spmc->partition_count; j++) {
		const struct scenario_partition *b = &spmc->partitions[j];

		for (size_t i = 0; b->id.present && i < j; i++) {
			const struct scenario_partition *a =
				&spmc->partitions[i];

			if (a->id.present && a->id.value == b->id.value) {
				size_t inner = schema_path_index(ld, j);
				size_t id = schema_path_key(ld, "id");

				schema_error(ld, b->id.mark,
					     "partition ID 0x%llx is already "
					     "used by partitions[%zu]",
					     (unsigned long long)b->id.value,
					     i);
				schema_path_restore(ld, id);
				schema_path_restore(ld, inner);
				break;
			}
		}
	}
	schema_path_restore(ld, saved);
	saved = schema_path_key(ld, "variables");
	for (size_t j = 0; j < spmc->variable_count; j++) {
		const struct scenario_variable *b = &spmc->variables[j];

		for (size_t i = 0; b->name != NULL && i < j; i++) {
			const struct scenario_variable *a = &spmc->variables[i];

			if (a->name != NULL && strcmp(a->name, b->name) == 0 &&
			    efi_guid_equal(&a->guid, &b->guid)) {
				size_t inner = schema_path_index(ld, j);

				schema_error(ld, b->mark,
					     "variable '%s' with this GUID is "
					     "already in variables[%zu]",
					     b->name, i);
				schema_path_restore(ld, inner);
				break;
			}
		}
	}
	schema_path_restore(ld, saved);
}

static const struct field spmc_fields[] = {
	{S_ROW("ffa_version", FIELD_TEXT, ffa_version),
	 .choices = ffa_versions},
	{S_ROW("endpoint_id", FIELD_U64, nwd_id), .max = 0x7fff,
	 .what = "a normal-world endpoint ID (0 to 0x7fff)"},
	{.key = "shared_buffer", .kind = FIELD_NESTED, .offset = 0,
	 .sub = &shared_buffer_schema},
	{S_ROW("partitions", FIELD_LIST, partitions), .sub = &partition_schema,
	 .aux = offsetof(struct scenario_spmc, partition_count)},
	{.key = "store", .kind = FIELD_NESTED, .offset = 0,
	 .sub = &store_schema},
	{S_ROW("variables", FIELD_LIST, variables), .sub = &variable_schema,
	 .aux = offsetof(struct scenario_spmc, variable_count)},
};

static const struct schema spmc_schema = {
	.what = "a mapping {ffa_version, endpoint_id, shared_buffer, "
		"partitions, store, variables}",
	.fields = spmc_fields,
	.field_count = ARRAY_SIZE(spmc_fields),
	.check = spmc_check,
};

/* --- checks --------------------------------------------------------------- */

static const char *const cache_models[] = {"cortex-a57", "cortex-a53",
					   "strict", NULL};

struct watch_entry {
	struct scenario_u64 address;
	struct scenario_u64 size;
};

static const struct field watch_fields[] = {
	{ROW("address", FIELD_U64, struct watch_entry, address),
	 .required = true},
	{ROW("size", FIELD_SIZE, struct watch_entry, size), .required = true,
	 .min = 1, .max = UINT64_MAX},
};

static const struct schema watch_schema = {
	.what = "a watched range {address, size}",
	.fields = watch_fields,
	.field_count = ARRAY_SIZE(watch_fields),
};

/* watch: entries go to two parallel arrays of struct scenario_checks. */
static void parse_watch(struct loader *ld, const struct node *v, void *base,
			const struct field *f)
{
	struct scenario_checks *c = base;

	(void)f;
	if (v->type != NODE_SEQUENCE) {
		schema_expected(ld, v, "a sequence of watched ranges "
				       "{address, size}");
		return;
	}
	c->watch_address = xcalloc(v->count + 1, sizeof(*c->watch_address));
	c->watch_size = xcalloc(v->count + 1, sizeof(*c->watch_size));
	c->watch_count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		struct watch_entry w = {{false, 0, {0, 0}}, {false, 0, {0, 0}}};
		size_t saved = schema_path_index(ld, i);

		schema_walk(ld, v->kids[i], &watch_schema, &w);
		c->watch_address[i] = w.address;
		c->watch_size[i] = w.size;
		schema_path_restore(ld, saved);
	}
}

#define CH_ROW(k, kd, member) ROW(k, kd, struct scenario_checks, member)

static const struct field checks_fields[] = {
	{CH_ROW("cache_model", FIELD_TEXT, cache_model),
	 .choices = cache_models},
	{CH_ROW("wide_maintenance_fails", FIELD_BOOL,
		wide_maintenance_fails)},
	{CH_ROW("rxtx_unmapped_at_ebs", FIELD_BOOL, rxtx_unmapped_at_ebs)},
	{.key = "watch", .kind = FIELD_CUSTOM, .custom = parse_watch},
};

static const struct schema checks_schema = {
	.what = "a mapping {cache_model, wide_maintenance_fails, "
		"rxtx_unmapped_at_ebs, watch}",
	.fields = checks_fields,
	.field_count = ARRAY_SIZE(checks_fields),
};

/* --- qemu ------------------------------------------------------------------ */

static const char *const qemu_cpus[] = {"cortex-a57", "max", NULL};
/* harness/runner_qemu.c bundle_kernels[]. */
static const char *const qemu_kernels[] = {"debian", "ffa-builtin", NULL};

#define Q_ROW(k, kd, member) ROW(k, kd, struct scenario_qemu, member)

static const struct field qemu_fields[] = {
	{Q_ROW("cpus", FIELD_U64, cpus), .min = 1, .max = 8,
	 .what = "a number of CPUs (1 to 8)"},
	{Q_ROW("cpu", FIELD_TEXT, cpu), .choices = qemu_cpus},
	{Q_ROW("memory", FIELD_SIZE, memory), .min = 64u << 20,
	 .max = 8ull << 30, .what = "a RAM size (64M to 8G)"},
	{Q_ROW("kernel_args", FIELD_TEXT, kernel_args), .min = 1},
	{Q_ROW("kernel", FIELD_TEXT, kernel), .choices = qemu_kernels},
	{Q_ROW("linux", FIELD_FLAG, linux)},
	{Q_ROW("boot_modules", FIELD_BOOL, boot_modules)},
	{Q_ROW("el1", FIELD_BOOL, el1)},
	{Q_ROW("icount", FIELD_BOOL, icount)},
};

static const struct schema qemu_schema = {
	.what = "a mapping {cpus, cpu, memory, kernel_args, kernel, linux, "
		"boot_modules, el1, icount}",
	.fields = qemu_fields,
	.field_count = ARRAY_SIZE(qemu_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario_qemu, mark),
};

static const char *const machines[] = {"unicorn", "qemu", NULL};
static const int machine_values[] = {SCENARIO_MACHINE_UNICORN,
				     SCENARIO_MACHINE_QEMU};

/* --- firmware ------------------------------------------------------------- */

static const char *const image_formats[] = {"auto", "elf", "raw", NULL};

#define FW_ROW(k, kd, member) ROW(k, kd, struct scenario_firmware, member)

static const struct field firmware_fields[] = {
	{FW_ROW("image", FIELD_STRING, image), .required = true, .min = 1},
	{FW_ROW("format", FIELD_STRING, format), .choices = image_formats},
	{FW_ROW("load_address", FIELD_U64, load_addr)},
};

static const struct schema firmware_schema = {
	.what = "a mapping {image, format, load_address}",
	.fields = firmware_fields,
	.field_count = ARRAY_SIZE(firmware_fields),
};

/*
 * "refclient", "uboot-debian", "uboot-ffa", "uboot-optee", "linux" (the
 * last three on machine: qemu), or "refclient:" and a variant name.
 */
static bool builtin_firmware_name(const char *s)
{
	static const char prefix[] = "refclient:";
	const char *variant = s + sizeof(prefix) - 1;

	if (strcmp(s, "refclient") == 0 || strcmp(s, "uboot-debian") == 0 ||
	    strcmp(s, "uboot-ffa") == 0 || strcmp(s, "uboot-optee") == 0 ||
	    strcmp(s, "linux") == 0) {
		return true;
	}
	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0 || *variant == '\0') {
		return false;
	}
	for (const char *p = variant; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.') {
			return false;
		}
	}
	return true;
}

/* firmware: a built-in name or a mapping {image, format, load_address}. */
static void parse_firmware(struct loader *ld, const struct node *v,
			   void *base, const struct field *f)
{
	static const char what[] =
		"a built-in firmware (refclient, refclient:<variant>, "
		"uboot-debian, uboot-ffa, uboot-optee, linux) or a mapping "
		"{image, format, "
		"load_address}";
	struct scenario_firmware *fw = AT(base, f->offset,
					  struct scenario_firmware);

	if (v->type == NODE_MAPPING) {
		fw->kind = SCENARIO_FIRMWARE_IMAGE;
		fw->mark = v->mark;
		schema_walk(ld, v, &firmware_schema, fw);
		return;
	}
	if (v->type != NODE_SCALAR || schema_is_null(v) ||
	    strlen(v->text) != v->len || !builtin_firmware_name(v->text)) {
		schema_expected(ld, v, what);
		return;
	}
	fw->kind = SCENARIO_FIRMWARE_BUILTIN;
	fw->mark = v->mark;
	free(fw->name);
	fw->name = xstrdup(v->text);
}

/* --- Scenario ------------------------------------------------------------- */

#define SC_ROW(k, kd, member) ROW(k, kd, struct scenario, member)

static const struct field scenario_fields[] = {
	{SC_ROW("name", FIELD_STRING, name), .required = true, .min = 1},
	{SC_ROW("description", FIELD_STRING, description)},
	{SC_ROW("tags", FIELD_STRING_LIST, tags),
	 .aux = offsetof(struct scenario, tag_count),
	 .what = "a sequence of tags", .item = "a tag",
	 .item_nonempty = "a non-empty tag"},
	{SC_ROW("firmware", FIELD_CUSTOM, firmware), .custom = parse_firmware},
	{SC_ROW("platform", FIELD_TEXT, platform), .min = 1},
	{SC_ROW("machine", FIELD_ENUM, machine), .choices = machines,
	 .values = machine_values, .sets = SET_MARK,
	 .mark_at = offsetof(struct scenario, machine_mark)},
	{SC_ROW("qemu", FIELD_NESTED, qemu), .sub = &qemu_schema,
	 .sets = SET_PRESENT,
	 .present_at = offsetof(struct scenario, has_qemu)},
	{SC_ROW("max_instructions", FIELD_U64, max_insns), .min = 1,
	 .max = UINT64_MAX},
	{SC_ROW("timeout", FIELD_U64, timeout_seconds), .min = 1,
	 .max = UINT64_MAX, .what = "a number of seconds (at least 1)"},
	{SC_ROW("spmc", FIELD_NESTED, spmc), .sub = &spmc_schema},
	{SC_ROW("checks", FIELD_NESTED, checks), .sub = &checks_schema},
	{SC_ROW("expect_findings", FIELD_TEXT_LIST, expect_findings),
	 .aux = offsetof(struct scenario, expect_finding_count),
	 .what = "a sequence of finding codes", .item = "a finding code",
	 .item_nonempty = "a finding code"},
	{SC_ROW("snapshot", FIELD_FLAG, no_snapshot), .invert = true},
	{SC_ROW("steps", FIELD_CUSTOM, steps), .required = true,
	 .custom = scenario_steps_parse},
};

/* A step's kind name, for messages. */
static const char *kind_name(const struct scenario_step *st)
{
	return scenario_step_kind_name(st->kind);
}

/*
 * What runs on which machine (docs/qemu-backend.md): QEMU has Linux's
 * shell but no agent (the variable steps need one); Unicorn runs no
 * operating system.  `run --backend` may still move a scenario; the runner
 * then reports such a step as an error.
 */
static void machine_check(struct loader *ld, const struct node *n,
			  void *base)
{
	const struct scenario *sc = base;
	bool qemu = sc->machine == SCENARIO_MACHINE_QEMU;
	const struct scenario_firmware *fw = &sc->firmware;

	if (sc->has_qemu && !qemu) {
		size_t saved = schema_path_key(ld, "qemu");

		schema_error(ld, sc->qemu.mark,
			     "applies only to machine: qemu");
		schema_path_restore(ld, saved);
	}
	if (fw->kind == SCENARIO_FIRMWARE_BUILTIN && fw->name != NULL) {
		bool qemu_only = strcmp(fw->name, "linux") == 0 ||
				 strcmp(fw->name, "uboot-ffa") == 0 ||
				 strcmp(fw->name, "uboot-optee") == 0;
		bool unicorn_only = strncmp(fw->name, "refclient", 9) == 0;
		size_t saved = schema_path_key(ld, "firmware");

		if (qemu_only && !qemu) {
			schema_error(ld, fw->mark,
				     "%s runs only on machine: qemu",
				     fw->name);
		} else if (unicorn_only && qemu) {
			schema_error(ld, fw->mark,
				     "%s needs the Unicorn machine; "
				     "machine: qemu runs linux, uboot-ffa, "
				     "uboot-optee, uboot-debian or an image",
				     fw->name);
		}
		schema_path_restore(ld, saved);
	}
	for (size_t i = 0; i < sc->step_count; i++) {
		const struct scenario_step *st = &sc->steps[i];
		bool linux_step = st->kind >= STEP_SHELL &&
				  st->kind < STEP_KIND_COUNT;
		bool agent_step = st->kind != STEP_BOOT &&
				  st->kind != STEP_CONSOLE &&
				  st->kind != STEP_INJECT &&
				  st->kind != STEP_POWER_OFF && !linux_step;
		size_t saved = schema_path_key(ld, "steps");
		size_t inner = schema_path_index(ld, i);

		if (linux_step && !qemu) {
			schema_error(ld, st->mark,
				     "%s runs a command in Linux, which only "
				     "machine: qemu boots",
				     kind_name(st));
		} else if (agent_step && qemu) {
			schema_error(ld, st->mark,
				     "%s needs the agent, which machine: qemu "
				     "lacks (Linux steps: shell, load_module, "
				     "efivarfs_read, efivarfs_write, dmesg)",
				     kind_name(st));
		} else if (st->kind == STEP_BOOT &&
			   ((st->boot.until == BOOT_UNTIL_SHELL && !qemu) ||
			    (qemu && st->boot.until == BOOT_UNTIL_AGENT &&
			     st->boot.until_given))) {
			schema_error(ld, st->mark,
				     qemu ? "boot until: agent needs the agent, "
					    "which machine: qemu lacks"
					  : "boot until: shell needs Linux on "
					    "machine: qemu");
		}
		schema_path_restore(ld, inner);
		schema_path_restore(ld, saved);
	}
	(void)n;
}

/* Documented in harness/scenario_schema.h. */
const struct schema scenario_header_schema = {
	.what = "a scenario mapping {name, steps, ...}",
	.fields = scenario_fields,
	.field_count = ARRAY_SIZE(scenario_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario, mark),
	.check = machine_check,
};

