/*
 * The QEMU machine backend: runs qemu-system-aarch64 (virt, secure=on,
 * virtualization=on, GICv3) with the EL3 relay (firmware/el3-relay) as its
 * only secure-world code, and serves every SMC of the normal world on the
 * host through a handler the caller provides.  docs/qemu-backend.md has
 * the design; include/abi/qemu_relay.h the relay protocol.
 *
 * Ownership: a `struct qemu_machine` owns the QEMU process, the guest RAM
 * (a memfd passed to QEMU as a shared memory-backend-file and mapped here),
 * the console and doorbell channels and a private temporary directory.
 * qemu_free() always kills and reaps QEMU and releases all of them; the
 * RAM has no name in any file system, so nothing can be left behind, and
 * QEMU gets SIGKILL if this process dies (PR_SET_PDEATHSIG).
 *
 * Not modelled on this backend: the cache model and the instruction-fetch
 * guard of the Unicorn machine (QEMU runs the code; see the docs).
 */
#ifndef EMULATOR_QEMU_H
#define EMULATOR_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "abi/smccc.h"
#include "common/error.h"
#include "models/guest_mem.h"

#define QEMU_MAX_IMAGES 4u
#define QEMU_DEFAULT_RAM (UINT64_C(1) << 30)

struct qemu_image {
	const char *path;
	uint64_t addr; /* load address; ELF files load at their own */
};

struct qemu_config {
	const char *qemu;  /* the binary; NULL: qemu-system-aarch64 on PATH */
	const char *relay; /* the EL3 relay image (el3-relay.bin) */
	const char *cpu;   /* -cpu; NULL: cortex-a57 */
	unsigned cpus;     /* -smp, 1..RELAY_MAX_CPUS; 0 means 1 */
	uint64_t ram_size; /* -m in bytes; 0: QEMU_DEFAULT_RAM */
	struct qemu_image images[QEMU_MAX_IMAGES];
	size_t image_count;
	uint64_t entry;    /* CPU 0's normal-world entry */
	bool enter_el1;    /* enter at EL1 instead of EL2 */
	const char *initrd; /* loaded at initrd_addr, named in /chosen */
	uint64_t initrd_addr;
	const char *bootargs; /* /chosen/bootargs, or NULL */
	bool optee;           /* /firmware/optee in the device tree */
	FILE *console_echo;   /* copy the console here as it comes, or NULL */
	const char *const *extra_args; /* appended to QEMU's command line */
	size_t extra_count;
	unsigned gdb_port; /* QEMU's gdbstub on 127.0.0.1:gdb_port; 0: none */
	bool gdb_wait;     /* -S: the CPUs wait for gdb's first continue */
	/* A QMP channel and the migration settings qemu_save() needs. */
	bool snapshot_source;
};

/* What the host asks of the calling CPU after an SMC. */
enum qemu_smc_action {
	QEMU_SMC_RETURN = 0, /* write regs back and resume the caller */
	QEMU_SMC_POWER_OFF,  /* the machine powers off */
	QEMU_SMC_RESET,      /* the machine resets (QEMU then exits) */
	QEMU_SMC_CPU_ON,     /* resume the caller and start `target` */
	QEMU_SMC_CPU_OFF,    /* park the caller until a later CPU_ON */
	QEMU_SMC_HALT,       /* park the caller for good */
};

struct qemu_answer {
	enum qemu_smc_action action;
	unsigned target;  /* CPU_ON: CPU index */
	uint64_t entry;   /* CPU_ON: entry point */
	uint64_t context; /* CPU_ON: x0 at the entry */
	/* 1 + the INTID of a non-secure group 1 SGI for the calling CPU
	 * (FF-A's schedule-receiver interrupt), or 0; with any action. */
	unsigned ns_sgi;
};

/*
 * Serves one SMC of `cpu` at exception level `el` (1 or 2); pc is the SMC
 * instruction.  regs holds x0..x17 on entry and the answer on return;
 * answer->action is QEMU_SMC_RETURN on entry.  A non-zero return ends the
 * run with QEMU_STOP_HANDLER (the calling CPU is halted).
 */
typedef int qemu_smc_fn(void *ctx, unsigned cpu, unsigned el, uint64_t pc,
			struct smccc_regs *regs, struct qemu_answer *answer);

/* Why qemu_wait() returned. */
enum qemu_stop {
	QEMU_STOP_TEXT,      /* the awaited text appeared on the console */
	QEMU_STOP_POWER_OFF, /* an SMC answered POWER_OFF; QEMU has exited */
	QEMU_STOP_RESET,     /* an SMC answered RESET; QEMU has exited */
	QEMU_STOP_EXITED,    /* QEMU exited or died on its own */
	QEMU_STOP_TIMEOUT,   /* the wait's time ran out (QEMU killed) */
	QEMU_STOP_FAULT,     /* the relay trapped something not an SMC */
	QEMU_STOP_HANDLER,   /* the SMC handler failed */
	QEMU_STOP_PROTOCOL,  /* the relay broke the mailbox protocol */
};

struct qemu_stats {
	uint64_t smcs;          /* SMCs served */
	uint64_t host_ns;       /* time spent in the handler, in total */
	uint64_t started_ns;    /* CLOCK_MONOTONIC when QEMU was started */
	uint64_t first_smc_ns;  /* ... at the first SMC (0: none) */
	uint64_t last_smc_ns;   /* ... at the last SMC */
};

/* What the relay reported with QEMU_STOP_FAULT. */
struct qemu_fault {
	unsigned cpu;
	unsigned el;
	uint64_t esr, elr, far, spsr;
};

struct qemu_machine;

/*
 * Starts QEMU (the machine runs at once).  False (NULL) with err set if
 * the configuration, an image, the relay or QEMU's start-up is bad; no
 * process or file is left then.
 */
struct qemu_machine *qemu_start(const struct qemu_config *cfg,
				qemu_smc_fn *handler, void *ctx,
				struct error *err);
/*
 * Runs the machine, serving SMCs, until `text` (NULL: none) appears on the
 * console after the previous match, or the run ends, or timeout_ms pass.
 * Once the run has ended (any stop but TEXT), every later call returns the
 * same stop at once.
 */
enum qemu_stop qemu_wait(struct qemu_machine *m, const char *text,
			 unsigned timeout_ms);
/*
 * With cfg.gdb_port: waits (up to timeout_ms) until QEMU's gdbstub
 * listens, so that a gdb started after this returns finds it.  False with
 * err set if QEMU exited first or the time ran out.
 */
bool qemu_gdb_wait_listening(struct qemu_machine *m, unsigned timeout_ms,
			     struct error *err);
/* Types len bytes at the console. */
bool qemu_type(struct qemu_machine *m, const char *text, size_t len,
	       struct error *err);
/* The console output so far (NUL-terminated). */
const char *qemu_console(const struct qemu_machine *m, size_t *len);
/* QEMU's command line, shell-quoted, as it was run. */
const char *qemu_command_line(const struct qemu_machine *m);
/* What QEMU printed on stderr (read at the end of the run). */
const char *qemu_stderr(struct qemu_machine *m);
/* Guest memory: the RAM the device tree describes, bounds-checked. */
struct guest_mem qemu_guest_mem(struct qemu_machine *m);
pid_t qemu_pid(const struct qemu_machine *m);
const struct qemu_stats *qemu_stats(const struct qemu_machine *m);
const struct qemu_fault *qemu_fault(const struct qemu_machine *m);
/* How the run ended, and QEMU's wait status if it exited (-1 if not). */
const char *qemu_stop_name(enum qemu_stop stop);
int qemu_exit_status(const struct qemu_machine *m);
/* Kills (if alive) and reaps QEMU, releases everything; NULL is fine. */
void qemu_free(struct qemu_machine *m);

/*
 * Snapshots (docs/qemu-backend.md "Snapshots").  qemu_save() stops a
 * machine started with cfg.snapshot_source (QMP `stop`), serves what is
 * still pending (doorbells, console output), and migrates QEMU's device
 * and CPU state into a memfd with the x-ignore-shared capability: guest
 * RAM, a shared memory-backend-file, stays out of the stream and is kept
 * as it is, the memfd itself.  Console input not yet read by the guest is
 * kept too.  QEMU is then reaped: the run of m is over (later waits
 * return QEMU_STOP_EXITED), and the snapshot holds no process.
 *
 * qemu_restore() starts a fresh QEMU with the same command line and
 * `-incoming` from the snapshot, over a private copy of its RAM, with the
 * console so far; the machine runs on from where it was saved.  Any
 * number of machines may be restored from one snapshot (each after a
 * fork, or in turn); each is owned and freed as from qemu_start().
 */
struct qemu_snapshot;

struct qemu_snapshot *qemu_save(struct qemu_machine *m, struct error *err);
struct qemu_machine *qemu_restore(const struct qemu_snapshot *s,
				  qemu_smc_fn *handler, void *ctx,
				  FILE *console_echo, struct error *err);
/* Bytes of QEMU's migration stream, and of guest RAM in use. */
void qemu_snapshot_sizes(const struct qemu_snapshot *s, uint64_t *state,
			 uint64_t *ram);
void qemu_snapshot_free(struct qemu_snapshot *s);

#endif /* EMULATOR_QEMU_H */
