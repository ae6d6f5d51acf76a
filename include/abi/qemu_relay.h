/*
 * The EL3 relay's ABI (firmware/el3-relay on qemu-system-aarch64, host side
 * emulator/qemu.c): the parameter block the host patches into the relay
 * image, and the per-CPU mailbox slots in non-secure guest RAM through
 * which every SMC of the normal world reaches the host.
 *
 * Protocol for one SMC on CPU c (slot c):
 *   relay: fills x[], el, mpidr, elr, seq; writes state = REQUEST; DSB;
 *          writes the byte c to the secure UART (the doorbell); polls state.
 *   host:  reads the doorbell byte, reads the slot, answers: x[], action
 *          (and target/entry/context for START); writes state = ANSWER.
 *   relay: reads the answer, writes state = IDLE, performs the action.
 * A parked secondary CPU waits in WFI for state = START (written by the
 * host when another CPU's PSCI CPU_ON is answered; the host also sets
 * `wake` in the caller's slot, and the caller's relay sends the parked CPU
 * SGI RELAY_WAKE_SGI) and enters the normal world at `entry` with x0 =
 * `context` (PSCI 1.1 section 5.6 CPU_ON).
 *
 * When the host's answer sets `ns_sgi`, the relay also raises that SGI in
 * non-secure group 1 on its own CPU before it returns (FF-A's
 * schedule-receiver interrupt): a write of ICC_ASGI1R_EL1 at EL3, which
 * generates a group 1 SGI for the Security state the PE is not in (GICv3
 * architecture, IHI 0069, ICC_ASGI1R_EL1; TF-A's `gicv3_raise_sgi()` uses
 * it for GICV3_G1NS from EL3).
 *
 * Freestanding: shared by the host program and the relay firmware.  The
 * layout is pinned below; both sides access each field with its natural
 * alignment, so a 32-bit write of `state` is single-copy atomic (Arm ARM
 * B2.2.1) and QEMU, which backs guest RAM with the shared file, makes it
 * visible to the host.
 */
#ifndef ABI_QEMU_RELAY_H
#define ABI_QEMU_RELAY_H

#include <stddef.h>
#include <stdint.h>

/* Where things are on QEMU's virt machine (hw/arm/virt.c memmap). */
#define RELAY_RAM_BASE UINT64_C(0x40000000)
#define RELAY_SECURE_UART UINT64_C(0x09040000) /* secure-only PL011 */
#define RELAY_SECURE_RAM UINT64_C(0x0e000000)  /* relay stacks and data */
#define RELAY_GICD UINT64_C(0x08000000)
#define RELAY_GICR UINT64_C(0x080a0000)
#define RELAY_GICR_STRIDE UINT64_C(0x20000) /* per CPU, GICv3 */

#define RELAY_MAX_CPUS 8u
/*
 * The SGI that wakes a parked CPU: a secure group 0 SGI, from the range
 * Linux leaves to the secure world (it uses SGIs 0..7 for IPIs,
 * arch/arm64/kernel/smp.c).
 */
#define RELAY_WAKE_SGI 15u
#define RELAY_SLOT_SIZE 512u
/*
 * The mailbox is the top RELAY_MAILBOX_RESERVE bytes of guest RAM; the
 * device tree's memory node stops below it, so neither U-Boot (which
 * relocates itself to the top of the RAM it is told of) nor Linux ever
 * touches it.  2 MiB keeps the memory node aligned for both.
 */
#define RELAY_MAILBOX_RESERVE UINT64_C(0x200000)

/*
 * The device tree the normal world reads: QEMU writes its own at the base
 * of RAM at every reset (hw/arm/boot.c, as a ROM region that a second
 * image cannot overlap), and it lacks /psci and CPU enable-methods and
 * describes all of RAM.  The host writes its patched copy into the mailbox
 * reserve, at RELAY_DTB_OFFSET, before QEMU starts, and the primary CPU of
 * the relay copies it over QEMU's before entering the normal world.
 */
#define RELAY_DTB_OFFSET UINT64_C(0x10000)
#define RELAY_DTB_MAX (RELAY_MAILBOX_RESERVE - RELAY_DTB_OFFSET)

/* Parameter block: at RELAY_PARAMS_OFFSET in the relay image. */
#define RELAY_PARAMS_OFFSET 0x40u
#define RELAY_PARAMS_MAGIC UINT64_C(0x59414c4552334c45) /* "EL3RELAY" */
#define RELAY_ABI_VERSION 2u /* 2: ns_sgi */

struct relay_params {
	uint64_t magic;        /* RELAY_PARAMS_MAGIC, checked by the host */
	uint32_t abi_version;  /* RELAY_ABI_VERSION */
	uint32_t cpu_count;    /* slots in the mailbox; -smp */
	uint64_t mailbox;      /* guest PA of slot 0 */
	uint64_t entry;        /* normal-world entry of the primary CPU */
	uint64_t entry_x0;     /* x0 at that entry (the DTB address) */
	uint64_t flags;        /* RELAY_FLAG_* */
	uint64_t dtb_src;      /* guest PA of the host's device tree, or 0 */
	uint64_t dtb_size;     /* bytes copied from dtb_src to entry_x0 */
};

#define RELAY_FLAG_ENTER_EL1 UINT64_C(1) /* enter at EL1, not EL2 */

enum relay_state {
	RELAY_STATE_IDLE = 0,    /* nothing pending */
	RELAY_STATE_REQUEST = 1, /* relay -> host: an SMC waits */
	RELAY_STATE_ANSWER = 2,  /* host -> relay: x[] and action are set */
	RELAY_STATE_START = 3,   /* host -> parked CPU: enter entry/context */
};

enum relay_action {
	RELAY_ACTION_RETURN = 0,    /* write x[] back, return to the caller */
	RELAY_ACTION_POWER_OFF = 1, /* stop the machine (QEMU exits) */
	RELAY_ACTION_RESET = 2,     /* reset the machine */
	RELAY_ACTION_HALT = 3,      /* this CPU parks for good */
	RELAY_ACTION_CPU_OFF = 4,   /* this CPU parks until the next START */
};

/* ESR_EL3.EC values the relay distinguishes (Arm ARM D17.2.37). */
#define RELAY_EC_SMC64 0x17u
#define RELAY_ESR_EC(esr) (((esr) >> 26) & 0x3fu)

/*
 * A trap that is not an SMC from a lower EL (an exception taken at EL3, an
 * AArch32 caller, a system-register trap) reaches the host as a request
 * whose x0 is this value; esr and far say what happened.  The host answers
 * HALT: the relay cannot resume such a caller.
 */
#define RELAY_FAULT_FID UINT64_C(0xffffffffdeadfa17)

struct relay_slot {
	uint32_t state;  /* enum relay_state */
	uint32_t action; /* enum relay_action, written by the host */
	uint32_t cpu;    /* slot index = CPU index (MPIDR Aff0) */
	uint32_t el;     /* exception level of the caller (1 or 2) */
	uint64_t seq;    /* SMCs relayed by this CPU, 1-based */
	uint64_t mpidr;  /* MPIDR_EL1 of the caller */
	uint64_t elr;    /* ELR_EL3: the instruction after the SMC */
	uint64_t spsr;   /* SPSR_EL3 of the caller */
	uint64_t x[18];  /* in: x0..x17 at the SMC; out: the answer */
	uint64_t entry;  /* START: the entry point (normal world) */
	uint64_t context; /* START: x0 at that entry */
	uint64_t start_el; /* START: 1 or 2 */
	uint64_t esr;    /* ESR_EL3 of the trap (EC 0x17: SMC64) */
	uint64_t far;    /* FAR_EL3, for a fault */
	uint64_t wake;   /* ANSWER: 1 + a CPU the relay must wake, or 0 */
	uint32_t ns_sgi; /* ANSWER: 1 + the INTID of an NS group 1 SGI to
			    raise on this CPU, or 0 */
	uint8_t pad[RELAY_SLOT_SIZE - 244];
};

_Static_assert(sizeof(struct relay_params) == 64, "relay_params layout");
_Static_assert(offsetof(struct relay_params, mailbox) == 16, "mailbox");
_Static_assert(offsetof(struct relay_params, entry_x0) == 32, "entry_x0");
_Static_assert(offsetof(struct relay_params, dtb_src) == 48, "dtb_src");
_Static_assert(sizeof(struct relay_slot) == RELAY_SLOT_SIZE, "slot size");
_Static_assert(offsetof(struct relay_slot, state) == 0, "state");
_Static_assert(offsetof(struct relay_slot, action) == 4, "action");
_Static_assert(offsetof(struct relay_slot, el) == 12, "el");
_Static_assert(offsetof(struct relay_slot, seq) == 16, "seq");
_Static_assert(offsetof(struct relay_slot, x) == 48, "x");
_Static_assert(offsetof(struct relay_slot, entry) == 192, "entry");
_Static_assert(offsetof(struct relay_slot, start_el) == 208, "start_el");
_Static_assert(offsetof(struct relay_slot, far) == 224, "far");
_Static_assert(offsetof(struct relay_slot, wake) == 232, "wake");
_Static_assert(offsetof(struct relay_slot, ns_sgi) == 240, "ns_sgi");
_Static_assert(RELAY_MAX_CPUS * RELAY_SLOT_SIZE <= RELAY_DTB_OFFSET,
	       "mailbox fits its reserve");

#endif /* ABI_QEMU_RELAY_H */
