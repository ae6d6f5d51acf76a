/*
 * Scenarios: the typed form of a scenario YAML file (docs/scenarios.md is
 * the user's reference, scenarios/scenario.schema.json the editor schema).
 *
 * One file holds one scenario (a mapping) or several (a sequence of
 * mappings).  Every parsed node keeps its 1-based line and column so that a
 * verdict or a finding points back at the scenario line that caused it.
 * Loading is strict: unknown keys, wrong types, bad GUIDs, bad hex, and
 * missing required fields are errors naming file, line, column, the key
 * path ("steps[2].set_variable.attributes") and what was expected.
 */
#ifndef HARNESS_SCENARIO_H
#define HARNESS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/smccc.h"
#include "common/strbuf.h"

struct source_mark {
	int line;   /* 1-based; 0 = not from a file */
	int column; /* 1-based */
};

/* Optional bytes: text ("data: abc", UTF-8 bytes without NUL), UCS-2 text
 * ("data_ucs2: abc", with NUL), or hex ("data_hex: 0a0b"). */
struct scenario_bytes {
	bool present;
	uint8_t *data;
	size_t len;
	struct source_mark mark;
};

/* An optional unsigned value with where it was written. */
struct scenario_u64 {
	bool present;
	uint64_t value;
	struct source_mark mark;
};

struct scenario_text {
	char *value; /* NULL when absent */
	struct source_mark mark;
};

/* --- Scenario header ------------------------------------------------------ */

enum scenario_firmware_kind {
	SCENARIO_FIRMWARE_DEFAULT, /* not given: the built-in reference client */
	SCENARIO_FIRMWARE_BUILTIN, /* "refclient", "refclient:<variant>",
				      "uboot-debian" (docs/scenarios.md) */
	SCENARIO_FIRMWARE_IMAGE,   /* a path, relative to the scenario file */
};

struct scenario_firmware {
	enum scenario_firmware_kind kind;
	char *name;  /* BUILTIN */
	char *image; /* IMAGE: path as written */
	char *format; /* "auto", "elf", "raw"; NULL = auto */
	struct scenario_u64 load_addr;
	struct source_mark mark;
};

struct scenario_partition {
	struct scenario_text name;
	struct scenario_u64 id;
	bool has_uuid;
	struct ffa_uuid uuid;
	struct scenario_u64 properties;
	struct scenario_u64 exec_ctx_count;
	struct scenario_text model; /* "mm-variable", "echo", "test" */
	struct source_mark mark;
};

struct scenario_variable {
	char *name; /* UTF-8 */
	struct efi_guid guid;
	uint32_t attributes;
	struct scenario_bytes data;
	struct source_mark mark;
};

struct scenario_spmc {
	struct scenario_text ffa_version; /* "1.0", "1.1", "1.2" */
	struct scenario_u64 nwd_id;
	/* shared_buffer: {address, size, offset} */
	struct scenario_u64 shared_buffer_address;
	struct scenario_u64 shared_buffer_size;
	struct scenario_u64 shared_buffer_offset;
	struct scenario_partition *partitions; /* NULL: the default MM SP */
	size_t partition_count;
	/* store: */
	struct scenario_u64 store_capacity;          /* NV bytes */
	struct scenario_u64 store_volatile_capacity;
	struct scenario_u64 store_max_variable_size;
	struct scenario_text store_file;    /* relative to the scenario */
	struct scenario_text store_preload; /* relative to the scenario */
	struct scenario_variable *variables; /* preloaded */
	size_t variable_count;
};

/*
 * machine: qemu (docs/qemu-backend.md): the run goes to qemu-system-aarch64
 * with the EL3 relay instead of the Unicorn machine; `qemu:` tunes it.
 */
enum scenario_machine {
	SCENARIO_MACHINE_UNICORN, /* default */
	SCENARIO_MACHINE_QEMU,
};

struct scenario_qemu {
	struct scenario_u64 cpus;    /* -smp, 1..8 */
	struct scenario_text cpu;    /* "cortex-a57" or "max" */
	struct scenario_u64 memory;  /* -m in bytes */
	struct scenario_text kernel_args; /* appended to the kernel's */
	/* Which kernel of the Linux bundle: "debian" (default) or
	 * "ffa-builtin" (arm_ffa built in, make linux-kernel-ffa-builtin). */
	struct scenario_text kernel;
	/* The bundle's kernel for U-Boot to start with bootefi (implied by
	 * `firmware: linux`). */
	bool linux;
	struct scenario_u64 boot_modules; /* bool: /init loads arm_ffa */
	struct scenario_u64 el1;          /* bool: enter at EL1 */
	struct scenario_u64 icount;       /* bool: -icount shift=0,sleep=off */
	struct source_mark mark;
};

/* Checks (issue 5); all optional. */
struct scenario_checks {
	struct scenario_text cache_model; /* "cortex-a57", "cortex-a53",
					     "strict" */
	struct scenario_u64 wide_maintenance_fails; /* bool as 0/1 */
	struct scenario_u64 rxtx_unmapped_at_ebs;   /* bool: firmware must */
	/* Extra watched ranges for the cache model: {address, size}. */
	struct scenario_u64 *watch_address;
	struct scenario_u64 *watch_size;
	size_t watch_count;
};

/* --- Steps ---------------------------------------------------------------- */

enum scenario_step_kind {
	STEP_BOOT,
	STEP_GET_VARIABLE,
	STEP_SET_VARIABLE,
	STEP_GET_NEXT_VARIABLE_NAME,
	STEP_QUERY_VARIABLE_INFO,
	STEP_EXIT_BOOT_SERVICES,
	STEP_SET_VIRTUAL_ADDRESS_MAP,
	STEP_GET_MEMORY_MAP,
	STEP_CONSOLE,
	STEP_INJECT,
	STEP_PRINT,
	STEP_POWER_OFF,
	STEP_RESET,
	/* Linux on the QEMU backend (the initramfs's line protocol). */
	STEP_SHELL,
	STEP_LOAD_MODULE,
	STEP_EFIVARFS_READ,
	STEP_EFIVARFS_WRITE,
	STEP_DMESG,
	STEP_KIND_COUNT
};

/* boot: run until the agent asks for a step, or until the console prompt. */
enum scenario_boot_until {
	BOOT_UNTIL_AGENT,  /* default */
	BOOT_UNTIL_PROMPT, /* console idle after `prompt` text (if given) */
	BOOT_UNTIL_STOP,   /* run to the end (power off, fault) */
	BOOT_UNTIL_SHELL,  /* QEMU: Linux's /init is ready for commands */
};

struct scenario_boot {
	enum scenario_boot_until until;
	bool until_given; /* written (on QEMU the default is shell or stop) */
	struct scenario_text prompt; /* e.g. "=> " */
	struct scenario_u64 max_insns;
	/* Send a key when this text appears (U-Boot's autoboot countdown). */
	struct scenario_text interrupt_autoboot;
	/*
	 * Start the EFI agent inside UEFI firmware: "builtin" (the agent built
	 * here) or a path to another one.  The runner waits for the prompt,
	 * places the image at efi_agent_address and types `bootefi`.
	 */
	struct scenario_text efi_agent;
	struct scenario_u64 efi_agent_address;
};

/* Arguments of the variable services.  Absent fields take defaults in the
 * runner (guid: EFI global variable GUID, buffer_size: 1024). */
struct scenario_variable_call {
	struct scenario_text name; /* UTF-8; "" allowed (GetNext start) */
	bool has_guid;
	struct efi_guid guid;
	struct source_mark guid_mark;
	bool has_attributes;
	uint32_t attributes;
	struct source_mark attributes_mark;
	struct scenario_bytes data;
	struct scenario_u64 buffer_size;
	/* Pass NULL instead of a pointer (AGENT_STEP_NULL_* flags). */
	uint32_t null_flags;
};

struct scenario_console {
	struct scenario_text type;  /* line to type, Enter appended */
	struct scenario_text wait;  /* then wait until this text appears */
	struct scenario_u64 max_insns; /* bound for the wait */
	bool no_enter;              /* type without Enter */
};

enum scenario_inject_kind {
	INJECT_FFA_ERROR,  /* the SPMC answers FFA_ERROR(code) */
	INJECT_MM_RETURN,  /* the MM SP answers x3 = code, buffer untouched */
	INJECT_EFI_STATUS, /* ReturnStatus = status, store untouched */
	INJECT_REPLY,      /* truncated, corrupted or oversized reply */
	INJECT_RX_BUSY,    /* PARTITION_INFO_GET finds RX busy */
	/* The OP-TEE route (docs/optee.md, "Fault injection"). */
	INJECT_TEEC_ERROR,      /* the message's ret = code, nothing done */
	INJECT_OPTEE_RPC,       /* the yielding call asks RPC code first */
	INJECT_OPTEE_SMC,       /* a0 = code instead of serving the call */
	INJECT_OPTEE_TRUNCATED, /* an output memref's size cut to code */
	INJECT_KIND_COUNT
};

enum scenario_reply_fault {
	REPLY_TRUNCATED, /* MessageLength cut short of the payload */
	REPLY_CORRUPTED, /* payload bytes flipped after the header */
	REPLY_OVERSIZED, /* MessageLength larger than the request's */
};

/* shell, load_module, dmesg: a command for Linux's shell. */
struct scenario_shell {
	struct scenario_text command; /* shell: the command line */
	struct scenario_text module;  /* load_module: a module name */
	struct scenario_text args;    /* load_module: its parameters */
	struct scenario_u64 timeout;  /* seconds; the scenario's otherwise */
};

struct scenario_inject {
	enum scenario_inject_kind kind;
	int64_t code;                 /* FF-A error, MM code or EFI status */
	enum scenario_reply_fault reply;
	struct scenario_text on;      /* FF-A function name; default: the
					 direct request (FFA_ERROR) or
					 PARTITION_INFO_GET (RX_BUSY) */
	struct scenario_u64 mm_function; /* only doorbells carrying it */
	struct scenario_u64 optee_command; /* OP-TEE kinds: only messages
					      with this command */
	uint64_t count;               /* 0 = every match ("all") */
	/* Which matching calls: let the first skip.value through, or answer
	 * only the nth.value-th (counting from 1; count is then 1). */
	struct scenario_u64 nth;
	struct scenario_u64 skip;
	bool after_exit_boot_services;
	bool may_not_fire;            /* never firing is not a failure */
};

/* One register expectation of an SMC. */
struct scenario_smc_match {
	struct scenario_text function; /* "FFA_RXTX_MAP_64" or "0xc4000066" */
	uint32_t fid;                  /* resolved by the loader */
	struct scenario_u64 x[SMCCC_REG_COUNT]; /* x1..x17 checked if present */
	struct scenario_u64 out_x0;    /* and what x0 came back as */
	struct scenario_u64 el;        /* the caller's exception level */
	struct scenario_u64 cpu;       /* the calling CPU */
	struct scenario_u64 sri;       /* the call marked this schedule-
					  receiver interrupt pending */
	struct source_mark mark;
};

struct scenario_expect_mm {
	bool present;
	struct scenario_u64 function;     /* which doorbell of the step;
					     absent = the last one */
	struct scenario_text name;
	bool has_guid;
	struct efi_guid guid;
	struct source_mark guid_mark;
	struct scenario_u64 attributes;
	struct scenario_bytes data;       /* data after the name */
	struct scenario_u64 data_size;
	struct scenario_u64 name_size;
	struct scenario_u64 message_length;
	/* raw: {offset, bytes, mask} over the request as the SP read it. */
	struct scenario_u64 raw_offset;
	struct scenario_bytes raw_bytes;
	struct scenario_bytes raw_mask;
	struct scenario_u64 mm_return;    /* x3 of the response */
	struct scenario_u64 return_status; /* ReturnStatus of the reply */
	struct source_mark mark;
};

struct scenario_expect {
	bool present;
	struct source_mark mark;
	/* What the firmware (agent) reported. */
	struct scenario_u64 status; /* EFI_STATUS */
	struct scenario_bytes data;
	struct scenario_u64 data_size;
	struct scenario_u64 attributes;
	struct scenario_text name;  /* GetNextVariableName result */
	bool has_guid;
	struct efi_guid guid;
	struct source_mark guid_mark;
	struct scenario_u64 name_size;
	struct scenario_u64 maximum_storage_size;   /* QueryVariableInfo */
	struct scenario_u64 remaining_storage_size;
	struct scenario_u64 maximum_variable_size;
	/* SMCs made during the step: `calls` must appear in this order (other
	 * calls may come between), `no_calls` must not appear at all. */
	struct scenario_smc_match *calls;
	size_t call_count;
	struct scenario_smc_match *no_calls;
	size_t no_call_count;
	struct scenario_expect_mm mm;
	/* Console output of the step. */
	struct scenario_text console;       /* contains */
	struct scenario_text console_regex; /* POSIX extended regex */
	struct scenario_text console_absent;
	/* How the run stopped (power_off, reset, console steps). */
	struct scenario_text stop; /* "power-off", "reset", "fault", ... */
	/* Linux steps: the command's exit status and output. */
	struct scenario_u64 exit_status;
	struct scenario_text output;        /* contains */
	struct scenario_text output_regex;  /* POSIX extended regex */
	struct scenario_text output_absent;
	/* The lifecycle phase at the step's end, and the evidence of its
	 * last change (models/lifecycle.h names). */
	struct scenario_text phase;
	struct scenario_text phase_evidence;
	/* Firmware-rule findings this step must produce (codes).  They are
	 * expected, so they do not fail the scenario. */
	struct scenario_text *findings;
	size_t finding_count;
};

struct scenario_step {
	enum scenario_step_kind kind;
	struct source_mark mark;
	struct scenario_boot boot;
	struct scenario_variable_call var;
	struct scenario_console console;
	struct scenario_inject inject;
	struct scenario_text print;
	struct scenario_shell shell;
	struct scenario_expect expect;
	/* The step's YAML with positions left out, and the position of each
	 * node in the same walk order (harness/scenario_fingerprint.c):
	 * equal prints mean equal runs, marks translate between them. */
	struct strbuf fingerprint;
	struct source_mark *node_marks;
	size_t node_mark_count;
};

struct scenario {
	char *file; /* as given to the loader */
	struct source_mark mark;
	char *name;
	char *description;
	char **tags;
	size_t tag_count;
	struct scenario_firmware firmware;
	struct scenario_text platform;
	enum scenario_machine machine;
	struct source_mark machine_mark;
	bool has_qemu; /* a `qemu:` mapping was given */
	struct scenario_qemu qemu;
	struct scenario_spmc spmc;
	struct scenario_checks checks;
	struct scenario_u64 max_insns;
	struct scenario_u64 timeout_seconds;
	/* Firmware findings expected anywhere in the run (codes). */
	struct scenario_text *expect_findings;
	size_t expect_finding_count;
	struct scenario_step *steps;
	size_t step_count;
	/* `snapshot: false`: always run from reset (harness/snapshot.c). */
	bool no_snapshot;
	/* Every header key that changes how the run goes (all but name,
	 * description, tags, expect_findings, snapshot and steps), with
	 * positions left out: equal prints set up equal runs. */
	struct strbuf header_print;
};

struct scenario_set {
	struct scenario *items;
	size_t count;
};

/* All the errors of one load, each "FILE:LINE:COL: message". */
struct scenario_errors {
	char **messages;
	size_t count;
};

/*
 * Loads path into *out (appending to what is there).  On any error, nothing
 * is appended, every error found is in errs (as many as can be found
 * without guessing; a YAML syntax error stops the load), and false is
 * returned.
 */
bool scenario_load_file(const char *path, struct scenario_set *out,
			struct scenario_errors *errs);
/* The same from memory; name is used in messages. */
bool scenario_load_string(const char *name, const char *text, size_t len,
			  struct scenario_set *out,
			  struct scenario_errors *errs);
void scenario_set_free(struct scenario_set *set);
void scenario_errors_free(struct scenario_errors *errs);

/*
 * A position inside step `from` (a check's line and column) as the same
 * node's position in step `to`, whose print is equal; m itself when it is
 * not a node of `from` (harness/scenario_fingerprint.c).
 */
struct source_mark scenario_translate_mark(const struct scenario_step *from,
					   const struct scenario_step *to,
					   struct source_mark m);

const char *scenario_step_kind_name(enum scenario_step_kind kind);
const char *scenario_inject_kind_name(enum scenario_inject_kind kind);

#endif /* HARNESS_SCENARIO_H */
