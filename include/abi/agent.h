/*
 * The agent protocol: how firmware under test (the reference client, or the
 * EFI agent application inside UEFI firmware) asks ffa-harness for its next
 * scenario step and reports what happened.  docs/agent-protocol.md is the
 * prose version of this header.
 *
 * Transport: fast SMC64 calls in the SMCCC OEM service range (owner 3), so
 * that the same trap that carries FF-A carries the agent.  Bulk data travels
 * in a mailbox in the agent's memory, announced once with AGENT_FID_HELLO.
 */
#ifndef ABI_AGENT_H
#define ABI_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"

#define AGENT_PROTOCOL_VERSION 1u

/*
 * HELLO: x1 = AGENT_PROTOCOL_VERSION, x2 = enum agent_kind, x3 = mailbox
 * address, x4 = mailbox size, x5/x6 = base and size of the agent's own image
 * (memory an OS-like agent owns after ExitBootServices; 0 when none).
 * Returns x0 = AGENT_OK or an AGENT_ERR_*, x1 = the harness's version.
 */
#define AGENT_FID_HELLO UINT32_C(0xc300ff00)
/*
 * NEXT: no arguments.  Returns x0 = AGENT_OK and x1 = enum agent_op once the
 * harness has written a struct agent_step at the start of the mailbox.
 */
#define AGENT_FID_NEXT UINT32_C(0xc300ff01)
/*
 * REPORT: x1 = the op being reported; a struct agent_result is at the start
 * of the mailbox.  Returns x0 = AGENT_OK or AGENT_ERR_*.
 */
#define AGENT_FID_REPORT UINT32_C(0xc300ff02)
/*
 * PANIC: the agent caught an exception it cannot handle.  x1 = ESR, x2 =
 * ELR, x3 = FAR, x4 = exception vector offset.  Does not return.
 */
#define AGENT_FID_PANIC UINT32_C(0xc300ff03)

#define AGENT_FUNC_FIRST UINT32_C(0xff00)
#define AGENT_FUNC_LAST UINT32_C(0xff03)

#define AGENT_OK 0
#define AGENT_ERR_VERSION (-1)
#define AGENT_ERR_MAILBOX (-2)
#define AGENT_ERR_STATE (-3)
#define AGENT_ERR_RESULT (-4)

enum agent_kind {
	AGENT_KIND_REFERENCE_CLIENT = 1,
	AGENT_KIND_EFI_APPLICATION = 2,
};

enum agent_op {
	AGENT_OP_NONE = 0,
	AGENT_OP_GET_VARIABLE = 1,
	AGENT_OP_GET_NEXT_VARIABLE_NAME = 2,
	AGENT_OP_SET_VARIABLE = 3,
	AGENT_OP_QUERY_VARIABLE_INFO = 4,
	AGENT_OP_EXIT_BOOT_SERVICES = 5,
	AGENT_OP_SET_VIRTUAL_ADDRESS_MAP = 6,
	AGENT_OP_PRINT = 7,
	AGENT_OP_POWER_OFF = 8,
	AGENT_OP_RESET = 9,
	AGENT_OP_GET_MEMORY_MAP = 10,
	AGENT_OP_COUNT
};

/* struct agent_step.flags: pass NULL instead of the buffer (error paths). */
#define AGENT_STEP_NULL_NAME (UINT32_C(1) << 0)
#define AGENT_STEP_NULL_DATA (UINT32_C(1) << 1)
#define AGENT_STEP_NULL_ATTRIBUTES (UINT32_C(1) << 2)
#define AGENT_STEP_NULL_SIZE (UINT32_C(1) << 3)
#define AGENT_STEP_NULL_GUID (UINT32_C(1) << 4)

/* Harness to agent, at mailbox offset 0; payload = name (UCS-2) then data. */
struct agent_step {
	uint32_t op;
	uint32_t flags;
	struct efi_guid guid;
	uint32_t attributes;
	uint32_t reserved;
	uint64_t name_size;   /* bytes of name in the payload, with NUL */
	uint64_t data_size;   /* bytes of data in the payload */
	uint64_t buffer_size; /* the caller's buffer size (DataSize in, NameSize in) */
	uint64_t arg[4];      /* op-specific */
};
_Static_assert(sizeof(struct agent_step) == 88, "agent_step is 88 bytes");
#define AGENT_STEP_PAYLOAD_OFFSET 88u

/* struct agent_result.flags: what the payload holds. */
#define AGENT_RESULT_PAYLOAD_DATA 0u    /* GetVariable data */
#define AGENT_RESULT_PAYLOAD_NAME 1u    /* GetNextVariableName name */
#define AGENT_RESULT_PAYLOAD_REGIONS 2u /* struct agent_region[] */
#define AGENT_RESULT_PAYLOAD_EFI_MEMMAP 3u
#define AGENT_RESULT_PAYLOAD_NONE 4u

/* Agent to harness, at mailbox offset 0; payload follows. */
struct agent_result {
	uint32_t op;
	uint32_t flags;
	uint64_t status; /* EFI_STATUS as the API returned it */
	struct efi_guid guid;
	uint32_t attributes;
	uint32_t reserved;
	uint64_t name_size;
	uint64_t data_size;
	uint64_t value[4]; /* QueryVariableInfo: max, remaining, max size */
	uint64_t payload_size;
};
_Static_assert(sizeof(struct agent_result) == 96, "agent_result is 96 bytes");
#define AGENT_RESULT_PAYLOAD_OFFSET 96u

/* For AGENT_RESULT_PAYLOAD_EFI_MEMMAP: value[0] = descriptor size,
 * value[1] = descriptor version, value[2] = map key. */

enum agent_region_kind {
	AGENT_REGION_RUNTIME_CODE = 1,
	AGENT_REGION_RUNTIME_DATA = 2,
	AGENT_REGION_RUNTIME_MMIO = 3,
	AGENT_REGION_OS = 4, /* memory the caller (the "OS") owns */
};

struct agent_region {
	uint64_t base;
	uint64_t size;
	uint32_t kind;
	uint32_t reserved;
};
_Static_assert(sizeof(struct agent_region) == 24, "agent_region is 24 bytes");

#endif /* ABI_AGENT_H */
