/*
 * The EFI agent: a UEFI application that plays the OS loader for
 * ffa-harness.  Started by the firmware (U-Boot's `bootefi`), it announces
 * itself over the agent protocol (include/abi/agent.h, OEM SMCs), then
 * performs each scenario step through the system table: the variable
 * services through RuntimeServices, GetMemoryMap and ExitBootServices (with
 * the map-key retry UEFI 2.10 section 7.4 requires), SetVirtualAddressMap
 * with an identity map, and runtime calls afterwards, reporting statuses,
 * data and the memory map back.
 *
 * After ExitBootServices it runs like an OS: on its own stack, in its own
 * image (LoaderCode/LoaderData), touching the firmware only through the
 * runtime services.  Built with clang for aarch64 Windows (PE32+) and
 * lld-link; no EDK2 or gnu-efi sources.
 */
#include <stddef.h>
#include <stdint.h>

#include "abi/agent.h"
#include "abi/efi.h"
#include "abi/efi_api.h"
#include "abi/smccc.h"

#define MAILBOX_SIZE 0x8000u
#define MAP_BUFFER_SIZE 0x4000u
#define STACK_SIZE 0x10000u

static struct efi_system_table *st;
static struct efi_boot_services *bs;
static struct efi_runtime_services *rt;
static efi_handle self;
static int at_runtime;

static uint8_t mailbox[MAILBOX_SIZE] __attribute__((aligned(64)));
static uint8_t step_copy[MAILBOX_SIZE] __attribute__((aligned(64)));
/* The memory map of ExitBootServices, kept for SetVirtualAddressMap. */
static uint8_t memory_map[MAP_BUFFER_SIZE] __attribute__((aligned(8)));
static efi_uintn map_size, map_key, descriptor_size;
static uint32_t descriptor_version;
static uint8_t os_stack[STACK_SIZE] __attribute__((aligned(16)));

/* The compiler may emit calls to these; no C library here. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n-- != 0) {
		*d++ = *s++;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n-- != 0) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

/* SMC #0 with x0..x4 in, x0..x1 out (the agent calls need no more). */
static uint64_t agent_call(uint64_t fid, uint64_t a1, uint64_t a2,
			   uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6,
			   uint64_t *x1_out)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	register uint64_t x5 __asm__("x5") = a5;
	register uint64_t x6 __asm__("x6") = a6;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
			   "+r"(x5), "+r"(x6)
			 :
			 : "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	if (x1_out != NULL) {
		*x1_out = x1;
	}
	return x0;
}

static void print_ascii(const char *s)
{
	uint16_t line[160];
	size_t n = 0;

	if (at_runtime || st->con_out == NULL) {
		return; /* no console after ExitBootServices */
	}
	while (*s != '\0' && n < 157) {
		if (*s == '\n') {
			line[n++] = '\r';
		}
		line[n++] = (uint16_t)(unsigned char)*s++;
	}
	line[n] = 0;
	st->con_out->output_string(st->con_out, line);
}

static struct agent_result *result_begin(uint32_t op)
{
	struct agent_result *res = (void *)mailbox;

	memset(res, 0, sizeof(*res));
	res->op = op;
	res->flags = AGENT_RESULT_PAYLOAD_NONE;
	return res;
}

static uint8_t *result_payload(void)
{
	return mailbox + AGENT_RESULT_PAYLOAD_OFFSET;
}

static void report(struct agent_result *res)
{
	agent_call(AGENT_FID_REPORT, res->op, 0, 0, 0, 0, 0, NULL);
}

static const uint16_t *step_name(const struct agent_step *s,
				 const uint8_t *payload)
{
	return (s->flags & AGENT_STEP_NULL_NAME) ? NULL
						 : (const uint16_t *)payload;
}

static const struct efi_guid *step_guid(const struct agent_step *s)
{
	return (s->flags & AGENT_STEP_NULL_GUID) ? NULL : &s->guid;
}

static void do_get(const struct agent_step *s, const uint8_t *payload)
{
	struct agent_result *res = result_begin(s->op);
	efi_uintn size = s->buffer_size;
	uint32_t attrs = 0;

	if (size > MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET) {
		size = MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET;
	}
	res->status = rt->get_variable(
		step_name(s, payload), step_guid(s),
		(s->flags & AGENT_STEP_NULL_ATTRIBUTES) ? NULL : &attrs,
		(s->flags & AGENT_STEP_NULL_SIZE) ? NULL : &size,
		(s->flags & AGENT_STEP_NULL_DATA) ? NULL : result_payload());
	res->attributes = attrs;
	res->data_size = size;
	if (res->status == EFI_SUCCESS) {
		res->flags = AGENT_RESULT_PAYLOAD_DATA;
		res->payload_size = size;
	}
	report(res);
}

static void do_set(const struct agent_step *s, const uint8_t *payload)
{
	struct agent_result *res = result_begin(s->op);

	res->status = rt->set_variable(
		step_name(s, payload), step_guid(s), s->attributes,
		s->data_size,
		(s->flags & AGENT_STEP_NULL_DATA) ? NULL
						  : payload + s->name_size);
	report(res);
}

static void do_get_next(const struct agent_step *s, const uint8_t *payload)
{
	struct agent_result *res = result_begin(s->op);
	uint16_t *name = (uint16_t *)result_payload();
	efi_uintn size = s->buffer_size;
	struct efi_guid guid = s->guid;

	if (size > MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET) {
		size = MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET;
	}
	memset(name, 0, size);
	memcpy(name, payload, s->name_size < size ? s->name_size : size);
	res->status = rt->get_next_variable_name(
		(s->flags & AGENT_STEP_NULL_SIZE) ? NULL : &size,
		(s->flags & AGENT_STEP_NULL_NAME) ? NULL : name,
		(s->flags & AGENT_STEP_NULL_GUID) ? NULL : &guid);
	res->name_size = size;
	if (res->status == EFI_SUCCESS) {
		res->guid = guid;
		res->flags = AGENT_RESULT_PAYLOAD_NAME;
		res->payload_size = size;
	}
	report(res);
}

static void do_query(const struct agent_step *s)
{
	struct agent_result *res = result_begin(s->op);

	res->status = rt->query_variable_info(s->attributes, &res->value[0],
					      &res->value[1], &res->value[2]);
	report(res);
}

/* Copies the map into the result payload (as much as fits). */
static void report_map(struct agent_result *res)
{
	efi_uintn room = MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET;
	efi_uintn n = map_size < room ? map_size : room;

	memcpy(result_payload(), memory_map, n);
	res->flags = AGENT_RESULT_PAYLOAD_EFI_MEMMAP;
	res->payload_size = n;
	res->value[0] = descriptor_size;
	res->value[1] = descriptor_version;
	res->value[2] = map_key;
}

static efi_status read_map(void)
{
	map_size = sizeof(memory_map);
	return bs->get_memory_map(&map_size,
				  (struct efi_memory_descriptor *)memory_map,
				  &map_key, &descriptor_size,
				  &descriptor_version);
}

static void do_get_memory_map(const struct agent_step *s)
{
	struct agent_result *res = result_begin(s->op);

	if (at_runtime) {
		res->status = EFI_UNSUPPORTED;
	} else {
		res->status = read_map();
		if (res->status == EFI_SUCCESS) {
			report_map(res);
		}
	}
	report(res);
}

static void agent_loop(void) __attribute__((noreturn));

/* On the agent's own stack after ExitBootServices: report, then go on. */
static void after_exit_boot_services(void)
{
	struct agent_result *res = result_begin(AGENT_OP_EXIT_BOOT_SERVICES);

	res->status = EFI_SUCCESS;
	report_map(res);
	report(res);
	agent_loop();
}

/* Continues in fn on the stack whose top is top; never returns. */
static void __attribute__((noreturn, noinline))
switch_stack(void *top, void (*fn)(void))
{
	__asm__ volatile("mov sp, %0\n\t"
			 "mov x29, #0\n\t"
			 "mov x30, #0\n\t"
			 "br %1"
			 :
			 : "r"(top), "r"(fn)
			 : "memory");
	__builtin_unreachable();
}

/*
 * ExitBootServices with the retry UEFI 2.10 section 7.4 requires: if the
 * map changed between GetMemoryMap and ExitBootServices (the key is
 * stale, EFI_INVALID_PARAMETER), get the map again and retry.
 */
static void do_exit_boot_services(const struct agent_step *s)
{
	efi_status status = EFI_UNSUPPORTED;

	if (!at_runtime) {
		for (int attempt = 0; attempt < 4; attempt++) {
			status = read_map();
			if (status != EFI_SUCCESS) {
				break;
			}
			status = bs->exit_boot_services(self, map_key);
			if (status != EFI_INVALID_PARAMETER) {
				break;
			}
		}
	}
	if (status == EFI_SUCCESS) {
		at_runtime = 1;
		switch_stack(os_stack + STACK_SIZE, after_exit_boot_services);
	}
	struct agent_result *res = result_begin(s->op);
	res->status = status;
	report(res);
}

/*
 * SetVirtualAddressMap with VA = PA for every runtime descriptor of the map
 * ExitBootServices used (UEFI 2.10 section 8.4).
 */
static void do_set_virtual_address_map(const struct agent_step *s)
{
	struct agent_result *res = result_begin(s->op);

	if (!at_runtime) {
		res->status = EFI_UNSUPPORTED;
		report(res);
		return;
	}
	for (efi_uintn off = 0; off + sizeof(struct efi_memory_descriptor) <=
				map_size;
	     off += descriptor_size) {
		struct efi_memory_descriptor *d =
			(struct efi_memory_descriptor *)(memory_map + off);

		d->virtual_start = d->physical_start;
	}
	res->status = rt->set_virtual_address_map(
		map_size, descriptor_size, descriptor_version,
		(struct efi_memory_descriptor *)memory_map);
	report(res);
}

static void do_print(const struct agent_step *s, const uint8_t *payload)
{
	struct agent_result *res = result_begin(s->op);
	char line[256];
	size_t n = s->data_size < sizeof(line) - 1 ? s->data_size
						  : sizeof(line) - 1;

	memcpy(line, payload + s->name_size, n);
	line[n] = '\0';
	if (at_runtime) {
		res->status = EFI_UNSUPPORTED;
	} else {
		print_ascii(line);
		print_ascii("\n");
		res->status = EFI_SUCCESS;
	}
	report(res);
}

static void agent_loop(void)
{
	for (;;) {
		const struct agent_step *s = (const void *)step_copy;
		const uint8_t *payload = step_copy + AGENT_STEP_PAYLOAD_OFFSET;
		struct agent_result *res;

		if (agent_call(AGENT_FID_NEXT, 0, 0, 0, 0, 0, 0, NULL) !=
		    AGENT_OK) {
			rt->reset_system(EFI_RESET_SHUTDOWN, EFI_SUCCESS, 0,
					 NULL);
		}
		memcpy(step_copy, mailbox, MAILBOX_SIZE);
		switch (s->op) {
		case AGENT_OP_GET_VARIABLE:
			do_get(s, payload);
			break;
		case AGENT_OP_SET_VARIABLE:
			do_set(s, payload);
			break;
		case AGENT_OP_GET_NEXT_VARIABLE_NAME:
			do_get_next(s, payload);
			break;
		case AGENT_OP_QUERY_VARIABLE_INFO:
			do_query(s);
			break;
		case AGENT_OP_EXIT_BOOT_SERVICES:
			do_exit_boot_services(s);
			break;
		case AGENT_OP_SET_VIRTUAL_ADDRESS_MAP:
			do_set_virtual_address_map(s);
			break;
		case AGENT_OP_GET_MEMORY_MAP:
			do_get_memory_map(s);
			break;
		case AGENT_OP_PRINT:
			do_print(s, payload);
			break;
		case AGENT_OP_POWER_OFF:
			rt->reset_system(EFI_RESET_SHUTDOWN, EFI_SUCCESS, 0,
					 NULL);
			break;
		case AGENT_OP_RESET:
			rt->reset_system(EFI_RESET_COLD, EFI_SUCCESS, 0, NULL);
			break;
		default:
			res = result_begin(s->op);
			res->status = EFI_UNSUPPORTED;
			report(res);
			break;
		}
	}
}

efi_status efi_main(efi_handle image, struct efi_system_table *systab);

efi_status efi_main(efi_handle image, struct efi_system_table *systab)
{
	static const struct efi_guid loaded_image_guid =
		EFI_LOADED_IMAGE_PROTOCOL_GUID;
	struct efi_loaded_image *li = NULL;
	uint64_t base = 0, size = 0;

	st = systab;
	bs = systab->boot_services;
	rt = systab->runtime_services;
	self = image;
	if (bs->handle_protocol(image, &loaded_image_guid, (void **)&li) ==
		    EFI_SUCCESS &&
	    li != NULL) {
		base = (uint64_t)(uintptr_t)li->image_base;
		size = li->image_size;
	}
	print_ascii("ffa-harness EFI agent\n");
	if (agent_call(AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION,
		       AGENT_KIND_EFI_APPLICATION, (uintptr_t)mailbox,
		       MAILBOX_SIZE, base, size, NULL) != AGENT_OK) {
		print_ascii("ffa-harness EFI agent: the harness refused HELLO\n");
		return EFI_UNSUPPORTED;
	}
	agent_loop();
}
