/*
 * The `inject` step of a scenario (docs/scenarios.md "inject"): exactly
 * one fault key (ffa_error, mm_return, efi_status, reply, rx_busy; on the
 * OP-TEE route teec_error, optee_rpc, optee_smc, optee_truncated) and the
 * options that say which calls it answers (on, mm_function,
 * optee_command, count, nth, skip, after_exit_boot_services).  The runner
 * turns the result into a models/inject.h rule.
 */
#include "harness/scenario_schema.h"

#include <string.h>

#include "abi/optee.h"
#include "common/strbuf.h"

/* The fault kind is written as an int by SET_TAG rows. */
_Static_assert(sizeof(enum scenario_inject_kind) == sizeof(int),
	       "SET_TAG stores an int");
_Static_assert(sizeof(enum scenario_reply_fault) == sizeof(int),
	       "FIELD_ENUM stores an int");

static const char *const inject_kind_names[INJECT_KIND_COUNT] = {
	[INJECT_FFA_ERROR] = "ffa_error",   [INJECT_MM_RETURN] = "mm_return",
	[INJECT_EFI_STATUS] = "efi_status", [INJECT_REPLY] = "reply",
	[INJECT_RX_BUSY] = "rx_busy",       [INJECT_TEEC_ERROR] = "teec_error",
	[INJECT_OPTEE_RPC] = "optee_rpc",   [INJECT_OPTEE_SMC] = "optee_smc",
	[INJECT_OPTEE_TRUNCATED] = "optee_truncated",
};

static bool is_optee_kind(enum scenario_inject_kind kind)
{
	return kind == INJECT_TEEC_ERROR || kind == INJECT_OPTEE_RPC ||
	       kind == INJECT_OPTEE_SMC || kind == INJECT_OPTEE_TRUNCATED;
}

/* "ffa_error, mm_return, ... or optee_truncated" */
static void join_kinds(struct strbuf *sb, const char *last_joint)
{
	for (size_t k = 0; k < INJECT_KIND_COUNT; k++) {
		if (k != 0) {
			strbuf_puts(sb, k + 1 == INJECT_KIND_COUNT ? last_joint
								   : ", ");
		}
		strbuf_puts(sb, inject_kind_names[k]);
	}
}

/* Documented in harness/scenario.h. */
const char *scenario_inject_kind_name(enum scenario_inject_kind kind)
{
	if ((unsigned)kind >= INJECT_KIND_COUNT) {
		return "?";
	}
	return inject_kind_names[kind];
}

static const char *const reply_faults[] = {"truncated", "corrupted",
					   "oversized", NULL};
static const int reply_values[] = {REPLY_TRUNCATED, REPLY_CORRUPTED,
				   REPLY_OVERSIZED};

static void inject_init(void *base)
{
	struct scenario_inject *in = base;

	in->count = 1;
}

/* An error at key (its path under the step's). */
static void key_error(struct loader *ld, const struct node *key,
		      const char *message)
{
	size_t saved = schema_path_key(ld, key->text);

	schema_error(ld, key->mark, "%s", message);
	schema_path_restore(ld, saved);
}

/* nth answers one call: count and skip say something else. */
static void check_nth(struct loader *ld, const struct node *n)
{
	const struct node *nth = schema_key_node(n, "nth");
	const struct node *count = schema_key_node(n, "count");
	const struct node *skip = schema_key_node(n, "skip");

	if (nth == NULL) {
		return;
	}
	if (count != NULL) {
		key_error(ld, count,
			  "count does not apply with nth, which answers only "
			  "the Nth matching call; use skip and count for "
			  "several");
	}
	if (skip != NULL) {
		key_error(ld, skip,
			  "only one of nth and skip may be given (nth: N is "
			  "skip: N-1 with count: 1)");
	}
}

/*
 * The values and options an OP-TEE fault can use (models/optee.c consults
 * the injector where it reads a message's command, and the MM function
 * only for an INVOKE_COMMAND to StMM).
 */
static void check_optee(struct loader *ld, const struct node *n,
			const struct node *kind_key,
			const struct scenario_inject *in)
{
	const struct node *cmd = schema_key_node(n, "optee_command");
	const struct node *mm = schema_key_node(n, "mm_function");
	bool optee = is_optee_kind(in->kind);

	if (!optee) {
		if (cmd != NULL) {
			key_error(ld, cmd,
				  "optee_command applies only to teec_error, "
				  "optee_rpc, optee_smc and optee_truncated");
		}
		return;
	}
	if (in->kind == INJECT_TEEC_ERROR && in->code == TEEC_SUCCESS) {
		key_error(ld, kind_key,
			  "TEEC_SUCCESS injects nothing (the message would "
			  "succeed without being served); give an error "
			  "code");
	}
	if (in->kind == INJECT_OPTEE_RPC &&
	    !optee_smc_return_is_rpc((uint32_t)in->code)) {
		key_error(ld, kind_key,
			  "optee_rpc needs an RPC code (0xffff0000.."
			  "0xfffffffe: OPTEE_SMC_RETURN_RPC_ALLOC, _FREE, "
			  "_FOREIGN_INTR, _CMD); other a0 values are "
			  "optee_smc");
	}
	if (in->kind == INJECT_OPTEE_SMC && in->code == OPTEE_SMC_RETURN_OK) {
		key_error(ld, kind_key,
			  "OPTEE_SMC_RETURN_OK injects nothing (the call "
			  "would return without being served); give an "
			  "error code");
	}
	if (mm != NULL && (in->kind == INJECT_OPTEE_RPC ||
			   in->kind == INJECT_OPTEE_SMC)) {
		key_error(ld, mm,
			  "mm_function does not apply to optee_rpc and "
			  "optee_smc: they answer before the message's "
			  "buffer is read");
	}
	if (cmd != NULL && in->optee_command.present &&
	    in->optee_command.value != OPTEE_MSG_CMD_INVOKE_COMMAND &&
	    (mm != NULL || in->kind == INJECT_OPTEE_TRUNCATED)) {
		key_error(ld, cmd,
			  mm != NULL ? "with mm_function the message is an "
				       "INVOKE_COMMAND to StMM; another "
				       "optee_command never matches"
				     : "optee_truncated cuts the output of an "
				       "INVOKE_COMMAND; another optee_command "
				       "never matches");
	}
}

/* Exactly one kind key. */
static void inject_check(struct loader *ld, const struct node *n, void *base)
{
	const struct node *first = NULL;

	for (size_t i = 0; n->type == NODE_MAPPING && i + 1 < n->count;
	     i += 2) {
		const struct node *key = n->kids[i];
		bool is_kind = false;

		for (size_t k = 0; k < INJECT_KIND_COUNT; k++) {
			if (key->type == NODE_SCALAR &&
			    strcmp(key->text, inject_kind_names[k]) == 0) {
				is_kind = true;
			}
		}
		if (!is_kind) {
			continue;
		}
		if (first != NULL && strcmp(first->text, key->text) != 0) {
			size_t saved = schema_path_key(ld, key->text);
			struct strbuf sb = STRBUF_INIT;

			join_kinds(&sb, " and ");
			schema_error(ld, key->mark,
				     "only one of %s may be given; '%s' is "
				     "already at line %d, column %d",
				     strbuf_str(&sb), first->text,
				     first->mark.line, first->mark.column);
			strbuf_free(&sb);
			schema_path_restore(ld, saved);
		} else if (first == NULL) {
			first = key;
		}
	}
	if (first == NULL && (n->type == NODE_MAPPING || schema_is_null(n))) {
		struct strbuf sb = STRBUF_INIT;

		join_kinds(&sb, ", ");
		schema_error(ld, n->mark,
			     "missing the fault to inject; expected one of: %s",
			     strbuf_str(&sb));
		strbuf_free(&sb);
	}
	check_nth(ld, n);
	/* Only when the fault's value was valid (it set the kind). */
	if (first != NULL &&
	    strcmp(inject_kind_names[((struct scenario_inject *)base)->kind],
		   first->text) == 0) {
		check_optee(ld, n, first, base);
	}
}

/* A fault key: its value, and the fault kind it selects. */
#define FAULT(k, kd, member, named_kind, inject_kind)                   \
	ROW(k, kd, struct scenario_inject, member), .named = (named_kind), \
		.sets = SET_TAG,                                        \
		.tag_at = offsetof(struct scenario_inject, kind),       \
		.tag = (inject_kind)

static const struct field inject_fields[] = {
	{FAULT("ffa_error", FIELD_NAMED_CODE, code, NAMED_FFA_ERROR,
	       INJECT_FFA_ERROR)},
	{FAULT("mm_return", FIELD_NAMED_CODE, code, NAMED_MM_RETURN,
	       INJECT_MM_RETURN)},
	{FAULT("efi_status", FIELD_NAMED_CODE, code, NAMED_EFI_STATUS,
	       INJECT_EFI_STATUS)},
	{FAULT("reply", FIELD_ENUM, reply, 0, INJECT_REPLY),
	 .choices = reply_faults, .values = reply_values},
	{FAULT("rx_busy", FIELD_TRUE, kind, 0, INJECT_RX_BUSY),
	 .what = "true (to inject nothing, drop the step)"},
	{FAULT("teec_error", FIELD_NAMED_CODE, code, NAMED_TEEC_RESULT,
	       INJECT_TEEC_ERROR)},
	{FAULT("optee_rpc", FIELD_NAMED_CODE, code, NAMED_OPTEE_SMC_RETURN,
	       INJECT_OPTEE_RPC)},
	{FAULT("optee_smc", FIELD_NAMED_CODE, code, NAMED_OPTEE_SMC_RETURN,
	       INJECT_OPTEE_SMC)},
	{FAULT("optee_truncated", FIELD_NAMED_CODE, code, NAMED_BYTE_COUNT,
	       INJECT_OPTEE_TRUNCATED)},
	{ROW("on", FIELD_SMC, struct scenario_inject, on)},
	{ROW("mm_function", FIELD_NAMED, struct scenario_inject, mm_function),
	 .named = NAMED_MM_FUNCTION},
	{ROW("optee_command", FIELD_NAMED, struct scenario_inject,
	     optee_command),
	 .named = NAMED_OPTEE_COMMAND},
	{ROW("count", FIELD_COUNT, struct scenario_inject, count)},
	{ROW("nth", FIELD_U64, struct scenario_inject, nth), .min = 1,
	 .max = UINT64_MAX},
	{ROW("skip", FIELD_U64, struct scenario_inject, skip)},
	{ROW("after_exit_boot_services", FIELD_FLAG, struct scenario_inject,
	     after_exit_boot_services)},
	{ROW("may_not_fire", FIELD_FLAG, struct scenario_inject,
	     may_not_fire)},
};

/* Documented in harness/scenario_schema.h. */
const struct schema scenario_inject_schema = {
	.what = "a mapping {ffa_error | mm_return | efi_status | reply | "
		"rx_busy | teec_error | optee_rpc | optee_smc | "
		"optee_truncated, on, mm_function, optee_command, count, nth, "
		"skip, after_exit_boot_services, may_not_fire}",
	.fields = inject_fields,
	.field_count = ARRAY_SIZE(inject_fields),
	.null_is_empty = true,
	.init = inject_init,
	.check = inject_check,
};
