/*
 * Helpers of the C hostile images; see hostile.h.
 */
#include "hostile.h"

#include "abi/psci.h"

uint8_t hostile_tx[4096] __attribute__((aligned(4096)));
uint8_t hostile_rx[4096] __attribute__((aligned(4096)));

static void put_hex(uint64_t v)
{
	uart_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4) {
		uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
	}
}

void say(const char *text)
{
	uart_puts(text);
	uart_putc('\n');
}

void say_hex(const char *text, uint64_t value)
{
	uart_puts(text);
	uart_putc(' ');
	put_hex(value);
	uart_putc('\n');
}

void expect_eq(const char *what, uint64_t got, uint64_t want)
{
	if (got == want) {
		uart_puts("ok: ");
		say(what);
		return;
	}
	uart_puts("WRONG: ");
	uart_puts(what);
	uart_puts(": got ");
	put_hex(got);
	uart_puts(", want ");
	put_hex(want);
	uart_putc('\n');
}

void power_off(void)
{
	say("done");
	smc(PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0, 0, 0);
	for (;;) {
		__asm__ volatile("brk #0xf002");
	}
}

struct smccc_regs smc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
		      uint64_t x4, uint64_t x5, uint64_t x6, uint64_t x7)
{
	struct smccc_regs r = {{x0, x1, x2, x3, x4, x5, x6, x7}};

	smccc_call(&r);
	return r;
}

void ffa_setup(void)
{
	struct smccc_regs r;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION", r.x[0], FFA_VERSION_1_2);
	r = smc(FFA_RXTX_MAP_64, (uint64_t)(uintptr_t)hostile_tx,
		(uint64_t)(uintptr_t)hostile_rx, 1, 0, 0, 0, 0);
	expect_eq("FFA_RXTX_MAP", r.x[0], FFA_SUCCESS_32);
	r = smc(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_PARTITION_INFO_GET", r.x[0], FFA_SUCCESS_32);
	r = smc(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_RX_RELEASE", r.x[0], FFA_SUCCESS_32);
}

void mm_put(uint64_t offset, uint64_t message_length, uint64_t function,
	    const void *payload, size_t payload_len)
{
	static const struct efi_guid guid = MM_SMM_VARIABLE_GUID;
	uint8_t *at = (uint8_t *)(uintptr_t)(SHARED_BUF + offset);
	struct mm_communicate_header hdr = {guid, message_length};
	struct mm_variable_header vh = {function, 0};

	memcpy(at, &hdr, sizeof(hdr));
	memcpy(at + MM_COMM_HEADER_SIZE, &vh, sizeof(vh));
	memcpy(at + MM_VAR_PAYLOAD_OFFSET, payload, payload_len);
}

struct smccc_regs mm_doorbell(uint64_t offset)
{
	return smc(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, MM_SP_ID), 0,
		   offset, 0, 0, 0, 0);
}

uint64_t mm_status(uint64_t offset)
{
	struct mm_variable_header vh;

	memcpy(&vh,
	       (const uint8_t *)(uintptr_t)(SHARED_BUF + offset +
					    MM_COMM_HEADER_SIZE),
	       sizeof(vh));
	return vh.return_status;
}

void mm_put_access_variable(uint64_t function, const uint16_t *name,
			    size_t name_bytes, uint64_t name_size,
			    uint64_t data_size, uint8_t fill)
{
	static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;
	uint8_t p[MM_ACCESS_VARIABLE_NAME_OFFSET + 64 + 8];
	size_t len = MM_ACCESS_VARIABLE_NAME_OFFSET + name_bytes + 8;
	uint32_t attributes = EFI_VARIABLE_BOOTSERVICE_ACCESS;

	if (len > sizeof(p)) {
		say("WRONG: mm_put_access_variable: name too long");
		return;
	}
	memset(p, fill, len);
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &data_size, 8);
	memcpy(p + 24, &name_size, 8);
	memcpy(p + 32, &attributes, 4);
	memcpy(p + MM_ACCESS_VARIABLE_NAME_OFFSET, name, name_bytes);
	mm_put(0, MM_VAR_HEADER_SIZE + len, function, p, len);
}

void expect_mm_invalid_parameter(const char *what, uint64_t offset)
{
	struct smccc_regs r = mm_doorbell(offset);

	expect_eq(what, r.x[3], MM_RET_SUCCESS);
	expect_eq("EFI_INVALID_PARAMETER", mm_status(offset),
		  EFI_INVALID_PARAMETER);
}

void expect_rxtx_map_refused(const char *what, uint32_t fid, uint64_t tx,
			     uint64_t rx, uint32_t pages)
{
	struct smccc_regs r = smc(fid, tx, rx, pages, 0, 0, 0, 0);

	expect_eq(what, r.x[0], FFA_ERROR);
	expect_eq("INVALID_PARAMETERS", r.x[2],
		  (uint32_t)FFA_RET_INVALID_PARAMETERS);
}
