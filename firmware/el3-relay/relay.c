/*
 * EL3 relay for qemu-system-aarch64 (virt, secure=on, virtualization=on):
 * the only secure-world code in the machine.  It sets up EL3 for a normal
 * world at EL2, parks the secondary CPUs, and forwards every SMC of the
 * normal world to the ffa-harness host process through the per-CPU
 * mailbox slot and the doorbell byte described in abi/qemu_relay.h.  It
 * answers nothing itself: PSCI, FF-A and the rest are the host's models.
 *
 * Facts: Arm ARM (DDI 0487) D13.2 for SCR_EL3, CPTR_EL3, ZCR_EL3 and
 * SMCR_EL3; GICv3 architecture (IHI 0069) 12.9 for GICD_CTLR and GICR_WAKER,
 * and its ICC_ASGI1R_EL1 for the schedule-receiver SGI;
 * QEMU hw/arm/virt.c for the memory map and the secure PL061 whose line 0
 * powers the machine off and line 1 resets it; PSCI (DEN0022) 5.6 for the
 * state a CPU_ON entry starts in, and TF-A lib/psci/psci_common.c
 * (`psci_get_ns_ep_info()`) for entering at EL2 when EL2 exists.
 */
#include <stdint.h>

#include "abi/qemu_relay.h"

#define MMIO32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SCR_EL3 bits (Arm ARM D13.2.118). */
#define SCR_NS (UINT64_C(1) << 0)
#define SCR_RES1 (UINT64_C(3) << 4)
#define SCR_HCE (UINT64_C(1) << 8)
#define SCR_RW (UINT64_C(1) << 10)
#define SCR_APK (UINT64_C(1) << 16)
#define SCR_API (UINT64_C(1) << 17)
#define SCR_ENSCXT (UINT64_C(1) << 25)
#define SCR_ATA (UINT64_C(1) << 26)
#define SCR_FGTEN (UINT64_C(1) << 27)
#define SCR_ECVEN (UINT64_C(1) << 28)
#define SCR_HXEN (UINT64_C(1) << 38)
/*
 * Everything the normal world of `-cpu max` may use is left to it; QEMU
 * ignores the enables of features the CPU lacks (target/arm/helper.c
 * `scr_write()`), so one value serves cortex-a57 and max.
 */
#define SCR_NORMAL_WORLD                                                     \
	(SCR_NS | SCR_RES1 | SCR_HCE | SCR_RW | SCR_APK | SCR_API |         \
	 SCR_ENSCXT | SCR_ATA | SCR_FGTEN | SCR_ECVEN | SCR_HXEN)

/* CPTR_EL3: EZ (SVE) and ESM (SME) on, nothing trapped. */
#define CPTR_EZ (UINT64_C(1) << 8)
#define CPTR_ESM (UINT64_C(1) << 12)

#define SPSR_MASK_DAIF (UINT64_C(0xf) << 6)
#define SPSR_EL2H UINT64_C(0x9)
#define SPSR_EL1H UINT64_C(0x5)
#define SCTLR_EL2_RES1 UINT64_C(0x30c50830) /* MMU and caches off */
#define HCR_RW (UINT64_C(1) << 31)

/* GICv3 (IHI 0069 12.9, 12.11). */
#define GICD_CTLR 0x0000u
#define GICD_TYPER 0x0004u
#define GICD_IGROUPR 0x0080u
#define GICD_CTLR_RWP (UINT32_C(1) << 31)
#define GICD_CTLR_GRP1NS (UINT32_C(1) << 1)
#define GICD_CTLR_ARE_S (UINT32_C(1) << 4)
#define GICD_CTLR_ARE_NS (UINT32_C(1) << 5)
#define GICR_WAKER 0x0014u
#define GICR_WAKER_SLEEP (UINT32_C(1) << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (UINT32_C(1) << 2)
#define GICR_SGI_IGROUPR0 (0x10000u + 0x0080u)
#define GICR_SGI_ISENABLER0 (0x10000u + 0x0100u)
#define GICR_SGI_ICENABLER0 (0x10000u + 0x0180u)
#define GICR_SGI_IPRIORITYR (0x10000u + 0x0400u)
#define GICD_CTLR_GRP0 (UINT32_C(1) << 0)

/* PL011 (DDI 0183) and PL061 (DDI 0190) registers. */
#define UART_DR 0x000u
#define UART_FR 0x018u
#define UART_CR 0x030u
#define UART_FR_TXFF (UINT32_C(1) << 5)
#define RELAY_SECURE_GPIO UINT64_C(0x090b0000)
#define GPIO_DIR 0x400u
#define GPIO_LINE_POWEROFF 0u
#define GPIO_LINE_RESET 1u

extern const struct relay_params relay_params;
void relay_main(uint64_t cpu);
void relay_sync(uint64_t *frame);
void relay_fault(uint64_t *frame);
void relay_enter(uint64_t entry, uint64_t x0, uint64_t spsr)
	__attribute__((noreturn));

#define SYSREG_READ(name)                                                    \
	({                                                                   \
		uint64_t v_;                                                 \
		__asm__ volatile("mrs %0, " name : "=r"(v_));                \
		v_;                                                          \
	})
#define SYSREG_WRITE(name, v)                                                \
	__asm__ volatile("msr " name ", %0" ::"r"((uint64_t)(v)))

static inline void dsb(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static volatile struct relay_slot *slot_of(uint64_t cpu)
{
	return (volatile struct relay_slot *)(uintptr_t)(relay_params.mailbox +
							 cpu * RELAY_SLOT_SIZE);
}

static __attribute__((noreturn)) void park_forever(void)
{
	for (;;) {
		__asm__ volatile("wfi");
	}
}

static void doorbell(uint64_t cpu)
{
	while ((MMIO32(RELAY_SECURE_UART + UART_FR) & UART_FR_TXFF) != 0) {
	}
	MMIO32(RELAY_SECURE_UART + UART_DR) = (uint32_t)cpu;
}

/* Lines 0 and 1 of the secure PL061 drive QEMU's gpio-pwr device. */
static __attribute__((noreturn)) void gpio_pulse(unsigned line)
{
	MMIO32(RELAY_SECURE_GPIO + GPIO_DIR) |= UINT32_C(1) << line;
	/* The data register's address bits 9:2 mask the lines written. */
	MMIO32(RELAY_SECURE_GPIO + ((UINT64_C(1) << line) << 2)) =
		UINT32_C(1) << line;
	park_forever();
}

static void el3_setup(void)
{
	uint64_t pfr0 = SYSREG_READ("id_aa64pfr0_el1");
	uint64_t pfr1 = SYSREG_READ("id_aa64pfr1_el1");

	SYSREG_WRITE("cptr_el3", CPTR_EZ | CPTR_ESM);
	isb();
	if (((pfr0 >> 32) & 0xf) != 0) {
		SYSREG_WRITE("S3_6_C1_C2_0", 0xf); /* ZCR_EL3: longest VL */
	}
	if (((pfr1 >> 24) & 0xf) != 0) {
		SYSREG_WRITE("S3_6_C1_C2_6", 0xf); /* SMCR_EL3: longest SVL */
	}
	SYSREG_WRITE("mdcr_el3", 0);
	SYSREG_WRITE("scr_el3", SCR_NORMAL_WORLD);
	SYSREG_WRITE("sctlr_el2", SCTLR_EL2_RES1);
	/* ICC_SRE_EL3 and ICC_SRE_EL2: system registers on, lower ELs may. */
	SYSREG_WRITE("S3_6_C12_C12_5", 0xf);
	isb();
	SYSREG_WRITE("S3_4_C12_C9_5", 0xf);
	isb();
}

/* This CPU's redistributor: awake, its SGIs and PPIs non-secure group 1. */
static void gic_cpu_setup(uint64_t cpu)
{
	uint64_t rd = RELAY_GICR + cpu * RELAY_GICR_STRIDE;

	MMIO32(rd + GICR_WAKER) &= ~GICR_WAKER_SLEEP;
	while ((MMIO32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP) != 0) {
	}
	MMIO32(rd + GICR_SGI_IGROUPR0) = 0xffffffffu;
}

/*
 * Before a CPU parks (at reset, or after CPU_OFF, when Linux has made
 * every SGI non-secure group 1): RELAY_WAKE_SGI becomes group 0, enabled,
 * of the highest priority, and the CPU interface lets it signal.
 */
static void gic_park_setup(uint64_t cpu)
{
	uint64_t rd = RELAY_GICR + cpu * RELAY_GICR_STRIDE;

	MMIO32(rd + GICR_SGI_IGROUPR0) &= ~(UINT32_C(1) << RELAY_WAKE_SGI);
	*(volatile uint8_t *)(uintptr_t)(rd + GICR_SGI_IPRIORITYR +
					 RELAY_WAKE_SGI) = 0;
	MMIO32(rd + GICR_SGI_ISENABLER0) = UINT32_C(1) << RELAY_WAKE_SGI;
	SYSREG_WRITE("S3_0_C4_C6_0", 0xff); /* ICC_PMR_EL1: let all in */
	SYSREG_WRITE("S3_0_C12_C12_6", 1);  /* ICC_IGRPEN0_EL1 */
	isb();
}

/* After the wake-up: the SGI goes back to the normal world's group 1. */
static void gic_unpark(uint64_t cpu)
{
	uint64_t rd = RELAY_GICR + cpu * RELAY_GICR_STRIDE;

	SYSREG_WRITE("S3_0_C12_C12_6", 0); /* ICC_IGRPEN0_EL1 */
	MMIO32(rd + GICR_SGI_IGROUPR0) |= UINT32_C(1) << RELAY_WAKE_SGI;
	isb();
}

/* Wakes a parked CPU with RELAY_WAKE_SGI (ICC_SGI0R_EL1, Aff0 list). */
static void wake_cpu(uint64_t cpu)
{
	dsb();
	SYSREG_WRITE("S3_0_C12_C11_7", ((uint64_t)RELAY_WAKE_SGI << 24) |
					       (UINT64_C(1) << cpu));
	isb();
}

/*
 * Raises SGI `intid` in non-secure group 1 on this CPU: at EL3 the PE is
 * in Secure state, and ICC_ASGI1R_EL1 generates a group 1 SGI for the
 * other Security state (IHI 0069, ICC_ASGI1R_EL1; QEMU
 * hw/intc/arm_gicv3_cpuif.c `icc_asgi1r_write()`).  The target list is
 * this CPU's Aff0 bit; the SGI is pending when the caller resumes.
 */
static void raise_ns_sgi(uint64_t cpu, uint32_t intid)
{
	dsb();
	SYSREG_WRITE("S3_0_C12_C11_6", ((uint64_t)(intid & 0xf) << 24) |
					       (UINT64_C(1) << cpu));
	isb();
}

/* The distributor: affinity routing, every SPI non-secure group 1. */
static void gic_dist_setup(void)
{
	uint32_t lines = ((MMIO32(RELAY_GICD + GICD_TYPER) & 0x1f) + 1) * 32;

	MMIO32(RELAY_GICD + GICD_CTLR) = GICD_CTLR_ARE_S | GICD_CTLR_ARE_NS |
					 GICD_CTLR_GRP1NS | GICD_CTLR_GRP0;
	while ((MMIO32(RELAY_GICD + GICD_CTLR) & GICD_CTLR_RWP) != 0) {
	}
	for (uint32_t i = 1; i < lines / 32; i++) {
		MMIO32(RELAY_GICD + GICD_IGROUPR + 4 * i) = 0xffffffffu;
	}
}

static __attribute__((noreturn)) void enter_normal_world(uint64_t entry,
							 uint64_t x0,
							 uint64_t el)
{
	if (el == 1) {
		SYSREG_WRITE("hcr_el2", HCR_RW);
		relay_enter(entry, x0, SPSR_MASK_DAIF | SPSR_EL1H);
	}
	relay_enter(entry, x0, SPSR_MASK_DAIF | SPSR_EL2H);
}

/* Replaces QEMU's device tree by the host's (abi/qemu_relay.h). */
static void copy_dtb(void)
{
	const volatile uint64_t *src =
		(const volatile uint64_t *)(uintptr_t)relay_params.dtb_src;
	volatile uint64_t *dst =
		(volatile uint64_t *)(uintptr_t)relay_params.entry_x0;

	if (relay_params.dtb_src == 0 || relay_params.dtb_size == 0) {
		return;
	}
	for (uint64_t i = 0; i < (relay_params.dtb_size + 7) / 8; i++) {
		dst[i] = src[i];
	}
	dsb();
}

/* A parked CPU waits for the host to start it (PSCI CPU_ON). */
static __attribute__((noreturn)) void park_until_start(uint64_t cpu)
{
	volatile struct relay_slot *s = slot_of(cpu);
	uint64_t entry;
	uint64_t context;
	uint64_t el;

	/*
	 * WFI returns when RELAY_WAKE_SGI is pending (it is not taken: all of
	 * DAIF is masked at EL3); acknowledging it clears it.  A wake-up that
	 * is not for a START (a spurious one) just waits again.
	 */
	gic_park_setup(cpu);
	while (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) !=
	       RELAY_STATE_START) {
		__asm__ volatile("wfi");
		if (SYSREG_READ("S3_0_C12_C8_0") == RELAY_WAKE_SGI) {
			SYSREG_WRITE("S3_0_C12_C8_1", RELAY_WAKE_SGI);
		}
	}
	dsb();
	entry = s->entry;
	context = s->context;
	el = s->start_el;
	s->state = RELAY_STATE_IDLE;
	dsb();
	gic_unpark(cpu);
	enter_normal_world(entry, context, el);
}

void relay_main(uint64_t cpu)
{
	el3_setup();
	if (cpu >= relay_params.cpu_count ||
	    relay_params.magic != RELAY_PARAMS_MAGIC ||
	    relay_params.mailbox == 0) {
		park_forever();
	}
	gic_cpu_setup(cpu);
	if (cpu != 0) {
		park_until_start(cpu);
	}
	MMIO32(RELAY_SECURE_UART + UART_CR) = 0x301; /* UARTEN, TXE, RXE */
	copy_dtb();
	gic_dist_setup();
	enter_normal_world(relay_params.entry, relay_params.entry_x0,
			   (relay_params.flags & RELAY_FLAG_ENTER_EL1) != 0
				   ? 1
				   : 2);
}

/*
 * The caller's EL from SPSR_EL3 (Arm ARM C5.2.19): M[3:2] for AArch64; for
 * AArch32 (M[4] set) User mode is EL0, Hyp mode EL2, the others EL1.
 */
static uint32_t caller_el(uint64_t spsr)
{
	uint64_t mode = spsr & 0x1f;

	if ((spsr & 0x10) == 0) {
		return (uint32_t)((spsr >> 2) & 3);
	}
	return mode == 0x10 ? 0 : mode == 0x1a ? 2 : 1;
}

/*
 * Hands the trap to the host and waits for its answer; returns the action.
 * frame[0..17] are the caller's x0..x17 and receive the answer.
 */
static uint32_t relay_to_host(uint64_t *frame, uint64_t x0)
{
	uint64_t mpidr = SYSREG_READ("mpidr_el1");
	uint64_t cpu = mpidr & 0xff;
	uint64_t spsr = SYSREG_READ("spsr_el3");
	volatile struct relay_slot *s = slot_of(cpu);
	uint32_t action;

	s->cpu = (uint32_t)cpu;
	s->el = caller_el(spsr);
	s->seq = s->seq + 1;
	s->mpidr = mpidr;
	s->elr = SYSREG_READ("elr_el3");
	s->spsr = spsr;
	s->esr = SYSREG_READ("esr_el3");
	s->far = SYSREG_READ("far_el3");
	s->x[0] = x0;
	for (unsigned i = 1; i < 18; i++) {
		s->x[i] = frame[i];
	}
	s->action = RELAY_ACTION_RETURN;
	dsb();
	s->state = RELAY_STATE_REQUEST;
	dsb();
	doorbell(cpu);
	while (s->state != RELAY_STATE_ANSWER) {
	}
	dsb();
	for (unsigned i = 0; i < 18; i++) {
		frame[i] = s->x[i];
	}
	action = s->action;
	if (s->wake != 0) {
		uint64_t target = s->wake - 1;

		s->wake = 0;
		wake_cpu(target);
	}
	if (s->ns_sgi != 0) {
		uint32_t intid = s->ns_sgi - 1;

		s->ns_sgi = 0;
		raise_ns_sgi(cpu, intid);
	}
	s->state = RELAY_STATE_IDLE;
	dsb();
	return action;
}

static void perform(uint32_t action)
{
	uint64_t cpu = SYSREG_READ("mpidr_el1") & 0xff;

	switch (action) {
	case RELAY_ACTION_RETURN:
		return;
	case RELAY_ACTION_POWER_OFF:
		gpio_pulse(GPIO_LINE_POWEROFF);
	case RELAY_ACTION_RESET:
		gpio_pulse(GPIO_LINE_RESET);
	case RELAY_ACTION_CPU_OFF:
		park_until_start(cpu);
	case RELAY_ACTION_HALT:
	default:
		park_forever();
	}
}

void relay_sync(uint64_t *frame)
{
	uint64_t esr = SYSREG_READ("esr_el3");

	if (RELAY_ESR_EC(esr) != RELAY_EC_SMC64) {
		relay_fault(frame);
		return;
	}
	perform(relay_to_host(frame, frame[0]));
}

void relay_fault(uint64_t *frame)
{
	relay_to_host(frame, RELAY_FAULT_FID);
	park_forever();
}
