/*
 * Boot flow of the reference client: console, identity MMU and caches,
 * FF-A discovery, the MM payload size, then the agent loop.
 */
#include "abi/agent.h"
#include "refclient.h"

void boot_banner(void);
void agent_hello(void);
void refclient_main(uintptr_t dtb) __attribute__((noreturn));

/* Boot-time only (the seeded "runtime calls a boot helper" bug calls it). */
void boot_banner(void)
{
	uart_puts("ffa-harness reference client\n");
}

void refclient_main(uintptr_t dtb)
{
	boot_banner();
	uart_printf("device tree at %p, shared buffer 0x%x (+0x%x, offset "
		    "%u)\n",
		    (void *)dtb, FFA_SHARED_MM_BUF_ADDR, FFA_SHARED_MM_BUF_SIZE,
		    FFA_SHARED_MM_BUF_OFFSET);
	if (SEEDED_BUG != 0) {
		uart_printf("seeded bug variant %d\n", SEEDED_BUG);
	}
	mmu_enable_identity();
	if (MM_TRANSPORT_OPTEE ? optee_probe() != 0 : ffa_discover() != 0) {
		uart_puts(MM_TRANSPORT_OPTEE
				  ? "OP-TEE probe failed; powering off\n"
				  : "FF-A discovery failed; powering off\n");
		psci_system_off();
	}
	if (mm_init_payload_size() != EFI_SUCCESS) {
		uart_puts("EFI: MM partition does not answer; powering off\n");
		psci_system_off();
	}
	memtest_run();
	notiftest_run();
	if (BUG(EXITS_BOOT_SERVICES_ALONE) &&
	    var_exit_boot_services() == EFI_SUCCESS) {
		/* Exited without being asked, then goes on in boot code. */
		boot_banner();
	}
	agent_hello();
	uart_puts("agent: ready\n");
	agent_start();
}
