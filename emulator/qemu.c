/*
 * The QEMU machine backend (emulator/qemu.h; docs/qemu-backend.md).
 *
 * Channels, all created before QEMU starts:
 *   fd 3 in QEMU: the guest RAM, a memfd (`memory-backend-file` with
 *     `mem-path=/dev/fd/3,share=on`), mapped MAP_SHARED here;
 *   fd 4 in QEMU: the relay image with its parameter block filled in
 *     (`-bios /dev/fd/4`);
 *   fd 2 in QEMU: a memfd that keeps its stderr;
 *   console (first PL011) and doorbell (the secure PL011): FIFO pairs in a
 *     private directory (`-chardev pipe`), which is removed as soon as
 *     QEMU has opened them (its first output) and at the latest by
 *     qemu_free().
 * Facts: QEMU 7.2 docs/system/arm/virt.rst (secure=on: secure-only second
 * UART, flash and RAM; the secure PL061 whose line 0 powers off) and
 * hw/arm/boot.c (the device tree at the base of RAM for firmware boots).
 */
#include "emulator/qemu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include "abi/qemu_relay.h"
#include "common/fileio.h"
#include "common/strbuf.h"
#include "emulator/qmp.h"

#define MIN_RAM (UINT64_C(64) << 20)
#define MAX_RAM (UINT64_C(8) << 30)
#define POLL_SLICE_MS 50
#define EXIT_GRACE_MS 3000 /* for QEMU to exit after power off or reset */
#define DUMPDTB_TIMEOUT_MS 20000
#define MAX_ARGS 72
#define FD_RAM 3
#define FD_RELAY 4
#define FD_STATE 5 /* the migration stream of a restore */
#define QMP_TIMEOUT_MS 20000
/* Guest RAM is a shared memory-backend-file: out of the stream. */
#define IGNORE_SHARED                                                        \
	"{\"execute\":\"migrate-set-capabilities\",\"arguments\":"           \
	"{\"capabilities\":[{\"capability\":\"x-ignore-shared\","           \
	"\"state\":true}]}}"
#define MIGRATE_TIMEOUT_MS 60000

struct qemu_machine {
	struct qemu_config cfg;
	qemu_smc_fn *handler;
	void *ctx;
	char dir[64];        /* private directory of the FIFOs ("" once gone) */
	pid_t pid;           /* 0 once reaped */
	int wait_status;     /* valid once pid == 0 */
	bool reaped;
	int ram_fd, relay_fd, stderr_fd;
	int con_out, con_in, bell_out, bell_in;
	uint8_t *ram;        /* the mapping of all of guest RAM */
	uint64_t ram_size;
	uint64_t mailbox_pa; /* guest PA of slot 0 */
	struct strbuf console;
	size_t search_from;  /* where the next awaited text may start */
	struct strbuf cmdline;
	struct strbuf stderr_text;
	bool ended;
	enum qemu_stop stop;
	bool stop_requested; /* POWER_OFF or RESET answered */
	enum qemu_stop requested;
	uint64_t grace_deadline_ns;
	struct qemu_stats stats;
	struct qemu_fault fault;
	int qmp_in, qmp_out;  /* cfg.snapshot_source: the QMP channel */
	int state_fd;         /* a restore: its migration stream, or -1 */
};

struct qemu_snapshot {
	struct qemu_config cfg;
	uint64_t ram_size;
	int ram_fd;   /* guest RAM as it was saved (never mapped by QEMU again) */
	int relay_fd; /* the relay image QEMU was started with */
	int state_fd; /* QEMU's migration stream */
	uint64_t state_size;
	struct strbuf console; /* the console so far */
	size_t search_from;
	struct strbuf input;   /* typed, not yet read by the guest */
	struct strbuf cmdline;
	struct qemu_stats stats;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *qemu_stop_name(enum qemu_stop stop)
{
	static const char *const names[] = {
		[QEMU_STOP_TEXT] = "text seen",
		[QEMU_STOP_POWER_OFF] = "power off",
		[QEMU_STOP_RESET] = "reset",
		[QEMU_STOP_EXITED] = "QEMU exited on its own",
		[QEMU_STOP_TIMEOUT] = "timeout",
		[QEMU_STOP_FAULT] = "fault trapped at EL3",
		[QEMU_STOP_HANDLER] = "SMC handler error",
		[QEMU_STOP_PROTOCOL] = "relay protocol error",
	};

	if ((size_t)stop >= sizeof(names) / sizeof(names[0]) ||
	    names[stop] == NULL) {
		return "?";
	}
	return names[stop];
}

/* ---- guest memory ---- */

/* The RAM the device tree describes: the mailbox reserve is not in it. */
static uint8_t *guest_ptr(struct qemu_machine *m, uint64_t addr, uint64_t len)
{
	uint64_t usable = m->ram_size - RELAY_MAILBOX_RESERVE;

	if (addr < RELAY_RAM_BASE || addr - RELAY_RAM_BASE > usable ||
	    len > usable - (addr - RELAY_RAM_BASE)) {
		return NULL;
	}
	return m->ram + (addr - RELAY_RAM_BASE);
}

static bool mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	uint8_t *p = guest_ptr(ctx, addr, len);

	if (p == NULL) {
		return false;
	}
	memcpy(buf, p, len);
	return true;
}

static bool mem_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	uint8_t *p = guest_ptr(ctx, addr, len);

	if (p == NULL) {
		return false;
	}
	memcpy(p, buf, len);
	return true;
}

static bool mem_is_ram(void *ctx, uint64_t addr, uint64_t len)
{
	return guest_ptr(ctx, addr, len) != NULL;
}

static const struct guest_mem_ops qemu_mem_ops = {
	.read = mem_read,
	.write = mem_write,
	.is_ram = mem_is_ram,
};

struct guest_mem qemu_guest_mem(struct qemu_machine *m)
{
	return (struct guest_mem){.ops = &qemu_mem_ops, .ctx = m};
}

static volatile struct relay_slot *slot_of(struct qemu_machine *m,
					   unsigned cpu)
{
	return (volatile struct relay_slot *)(void *)(m->ram +
		(m->mailbox_pa - RELAY_RAM_BASE) + (size_t)cpu * RELAY_SLOT_SIZE);
}

/* ---- process control ---- */

static void remove_dir(struct qemu_machine *m)
{
	static const char *const names[] = {"con.in", "con.out", "bell.in",
					    "bell.out", "qmp.in", "qmp.out",
					    "qemu.dtb"};
	char path[128];

	if (m->dir[0] == '\0') {
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", m->dir, names[i]);
		unlink(path);
	}
	rmdir(m->dir);
	m->dir[0] = '\0';
}

static bool try_reap(struct qemu_machine *m)
{
	int status;

	if (m->reaped) {
		return true;
	}
	if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
		m->reaped = true;
		m->wait_status = status;
		return true;
	}
	return false;
}

/* SIGTERM, then SIGKILL after a moment; always reaps. */
static void kill_and_reap(struct qemu_machine *m)
{
	int status;

	if (m->pid <= 0 || m->reaped) {
		return;
	}
	kill(m->pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (try_reap(m)) {
			return;
		}
		usleep(10000);
	}
	kill(m->pid, SIGKILL);
	while (waitpid(m->pid, &status, 0) < 0 && errno == EINTR) {
	}
	m->reaped = true;
	m->wait_status = status;
}

/* True if process pid holds the socket with this inode. */
static bool process_holds_socket(pid_t pid, unsigned long inode)
{
	char dir[64], path[320], link[64], want[64];
	struct dirent *e;
	DIR *d;
	bool found = false;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	d = opendir(dir);
	if (d == NULL) {
		return false;
	}
	while (!found && (e = readdir(d)) != NULL) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(d);
	return found;
}

/*
 * True once QEMU listens on 127.0.0.1:port: /proc/net/tcp lists a socket
 * with local address 0100007F:PORT (hex) in state 0A (TCP_LISTEN), and its
 * inode is one of QEMU's descriptors (another process may hold the port).
 */
static bool qemu_listening(const struct qemu_machine *m, unsigned port)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	char line[256], want[32], local[64];
	unsigned state;
	unsigned long inode;
	bool found = false;

	if (f == NULL) {
		return false;
	}
	snprintf(want, sizeof(want), "0100007F:%04X", port);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		found = sscanf(line,
			       " %*u: %63s %*s %x %*s %*s %*s %*s %*s %lu",
			       local, &state, &inode) == 3 &&
			strcmp(local, want) == 0 && state == 0x0a &&
			process_holds_socket(m->pid, inode);
	}
	fclose(f);
	return found;
}

bool qemu_gdb_wait_listening(struct qemu_machine *m, unsigned timeout_ms,
			     struct error *err)
{
	for (unsigned waited = 0;; waited += 10) {
		if (qemu_listening(m, m->cfg.gdb_port)) {
			return true;
		}
		if (try_reap(m)) {
			return error_setf(err,
					  "QEMU exited before its gdbstub "
					  "listened on 127.0.0.1:%u: %s",
					  m->cfg.gdb_port, qemu_stderr(m));
		}
		if (waited >= timeout_ms) {
			return error_setf(err,
					  "QEMU's gdbstub did not listen on "
					  "127.0.0.1:%u within %u ms",
					  m->cfg.gdb_port, timeout_ms);
		}
		usleep(10000);
	}
}

int qemu_exit_status(const struct qemu_machine *m)
{
	return m->reaped ? m->wait_status : -1;
}

static void shell_quote(struct strbuf *sb, const char *arg)
{
	if (arg[0] != '\0' && strspn(arg, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789-_=,./:+@") ==
				      strlen(arg)) {
		strbuf_puts(sb, arg);
		return;
	}
	strbuf_putc(sb, '\'');
	for (const char *p = arg; *p != '\0'; p++) {
		if (*p == '\'') {
			strbuf_puts(sb, "'\\''");
		} else {
			strbuf_putc(sb, *p);
		}
	}
	strbuf_putc(sb, '\'');
}

/*
 * Forks and execs argv with fds[0] as stderr and the pairs in `pass`
 * (parent fd, child fd) inherited.  The child dies with this process.
 */
static pid_t spawn(const char *const argv[], int stderr_fd, const int pass[][2],
		   size_t npass, struct error *err)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0) {
		error_setf(err, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) {
			_exit(127);
		}
		setpgid(0, 0); /* a terminal's ^C goes to us, not QEMU */
		dup2(null, 0);
		dup2(null, 1);
		dup2(stderr_fd >= 0 ? stderr_fd : null, 2);
		/* All out of the way first, so that no target fd is a
		 * source still to be moved. */
		int high[8];

		for (size_t i = 0; i < npass && i < 8; i++) {
			high[i] = fcntl(pass[i][0], F_DUPFD, 100);
		}
		for (size_t i = 0; i < npass && i < 8; i++) {
			dup2(high[i], pass[i][1]);
		}
		/* execvp takes char *const[]; it does not write them. */
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static bool wait_with_timeout(pid_t pid, unsigned timeout_ms, int *status)
{
	for (unsigned waited = 0; waited < timeout_ms; waited += 10) {
		if (waitpid(pid, status, WNOHANG) == pid) {
			return true;
		}
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return false;
}

/* ---- device tree ---- */

static void add_machine_args(const struct qemu_machine *m, const char **argv,
			     size_t *n, char *bufs, size_t bufsz)
{
	char *smp = bufs;
	char *mem = bufs + bufsz / 2;

	snprintf(smp, bufsz / 2, "%u", m->cfg.cpus);
	snprintf(mem, bufsz / 2, "%lluM",
		 (unsigned long long)(m->ram_size >> 20));
	argv[(*n)++] = "-cpu";
	argv[(*n)++] = m->cfg.cpu;
	argv[(*n)++] = "-smp";
	argv[(*n)++] = smp;
	argv[(*n)++] = "-m";
	argv[(*n)++] = mem;
}

/*
 * QEMU's own device tree for this machine (-machine dumpdtb).  Both runs
 * use acpi=off: with firmware and ACPI, virt replaces the non-secure PL061
 * by an ACPI GED (hw/arm/virt.c `machvirt_init()`), and a tree dumped
 * without firmware would still list the PL061 (Linux then takes an external
 * abort reading its ID registers).
 */
static bool dump_dtb(struct qemu_machine *m, struct strbuf *dtb,
		     struct error *err)
{
	const char *argv[MAX_ARGS];
	char bufs[64];
	char machine[256];
	char path[128];
	size_t n = 0;
	int status;
	int errfd = memfd_create("qemu-dumpdtb-stderr", MFD_CLOEXEC);
	pid_t pid;
	bool ok;

	snprintf(path, sizeof(path), "%s/qemu.dtb", m->dir);
	snprintf(machine, sizeof(machine),
		 "virt,secure=on,virtualization=on,gic-version=3,acpi=off,"
		 "dumpdtb=%s",
		 path);
	argv[n++] = m->cfg.qemu;
	argv[n++] = "-nodefaults";
	argv[n++] = "-M";
	argv[n++] = machine;
	add_machine_args(m, argv, &n, bufs, sizeof(bufs));
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n] = NULL;
	pid = spawn(argv, errfd, NULL, 0, err);
	if (pid < 0) {
		close(errfd);
		return false;
	}
	ok = wait_with_timeout(pid, DUMPDTB_TIMEOUT_MS, &status);
	if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char text[512] = "";
		ssize_t got = pread(errfd, text, sizeof(text) - 1, 0);

		text[got > 0 ? got : 0] = '\0';
		close(errfd);
		unlink(path);
		return error_setf(err, "%s could not dump its device tree%s: %s",
				  m->cfg.qemu, ok ? "" : " (timeout)", text);
	}
	close(errfd);
	ok = file_read_all(path, dtb, RELAY_DTB_MAX, err);
	unlink(path);
	return ok;
}

#define FDT_TRY(call, what)                                                  \
	do {                                                                 \
		int rc_ = (call);                                            \
		if (rc_ < 0) {                                               \
			error_setf(err, "device tree: %s: %s", what,         \
				   fdt_strerror(rc_));                       \
			goto fail;                                           \
		}                                                            \
	} while (0)

/*
 * QEMU's tree plus what a firmware boot needs and QEMU leaves out with its
 * own PSCI off: /psci with the SMC conduit (Linux
 * Documentation/devicetree/bindings/arm/psci.yaml), enable-method on each
 * CPU, the memory node shortened by the mailbox reserve, /chosen for a
 * kernel booted directly, and /firmware/optee when OP-TEE answers.
 * Written into guest RAM at RELAY_DTB_OFFSET of the mailbox reserve;
 * returns its size, 0 on error.
 */
static uint64_t patch_dtb(struct qemu_machine *m, const struct strbuf *in,
			  uint64_t initrd_size, struct error *err)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	size_t cap = in->len + 65536;
	void *fdt = xmalloc(cap);
	uint8_t *dst = m->ram + (m->mailbox_pa - RELAY_RAM_BASE) +
		       RELAY_DTB_OFFSET;
	int node, cpus, chosen;
	uint64_t size = 0;
	fdt64_t reg[2] = {cpu_to_fdt64(RELAY_RAM_BASE),
			  cpu_to_fdt64(m->ram_size - RELAY_MAILBOX_RESERVE)};

	FDT_TRY(fdt_open_into(in->data, fdt, (int)cap), "open");
	node = fdt_path_offset(fdt, "/memory@40000000");
	FDT_TRY(node, "/memory@40000000");
	FDT_TRY(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), "memory reg");
	node = fdt_add_subnode(fdt, 0, "psci");
	FDT_TRY(node, "add /psci");
	FDT_TRY(fdt_setprop(fdt, node, "compatible", psci_compat,
			    sizeof(psci_compat)),
		"psci compatible");
	FDT_TRY(fdt_setprop_string(fdt, node, "method", "smc"), "psci method");
	cpus = fdt_path_offset(fdt, "/cpus");
	FDT_TRY(cpus, "/cpus");
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (type != NULL && strcmp(type, "cpu") == 0) {
			FDT_TRY(fdt_setprop_string(fdt, node, "enable-method",
						   "psci"),
				"enable-method");
		}
	}
	if (m->cfg.optee) {
		/* Linux optee_dt_match, binding linaro,optee-tz.yaml: a node
		 * "optee" under /firmware, method "smc" (our relay's
		 * conduit). */
		int fw = fdt_path_offset(fdt, "/firmware");

		if (fw < 0) {
			fw = fdt_add_subnode(fdt, 0, "firmware");
		}
		FDT_TRY(fw, "add /firmware");
		node = fdt_add_subnode(fdt, fw, "optee");
		FDT_TRY(node, "add /firmware/optee");
		FDT_TRY(fdt_setprop_string(fdt, node, "compatible",
					   "linaro,optee-tz"),
			"optee compatible");
		FDT_TRY(fdt_setprop_string(fdt, node, "method", "smc"),
			"optee method");
	}
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0) {
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	}
	FDT_TRY(chosen, "/chosen");
	if (m->cfg.bootargs != NULL) {
		FDT_TRY(fdt_setprop_string(fdt, chosen, "bootargs",
					   m->cfg.bootargs),
			"bootargs");
	}
	if (initrd_size != 0) {
		FDT_TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
					m->cfg.initrd_addr),
			"initrd-start");
		FDT_TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					m->cfg.initrd_addr + initrd_size),
			"initrd-end");
	}
	FDT_TRY(fdt_pack(fdt), "pack");
	size = fdt_totalsize(fdt);
	if (size > RELAY_DTB_MAX) {
		error_setf(err, "device tree of %llu bytes exceeds %llu",
			   (unsigned long long)size,
			   (unsigned long long)RELAY_DTB_MAX);
		size = 0;
		goto fail;
	}
	memcpy(dst, fdt, size);
fail:
	free(fdt);
	return size;
}

/* ---- set-up ---- */

static bool check_config(struct qemu_config *c, struct error *err)
{
	if (c->qemu == NULL) {
		c->qemu = "qemu-system-aarch64";
	}
	if (c->cpu == NULL) {
		c->cpu = "cortex-a57";
	}
	if (c->cpus == 0) {
		c->cpus = 1;
	}
	if (c->ram_size == 0) {
		c->ram_size = QEMU_DEFAULT_RAM;
	}
	if (c->relay == NULL) {
		return error_setf(err, "no EL3 relay image given");
	}
	if (c->cpus > RELAY_MAX_CPUS) {
		return error_setf(err, "%u CPUs: the relay serves 1..%u",
				  c->cpus, RELAY_MAX_CPUS);
	}
	if (c->ram_size < MIN_RAM || c->ram_size > MAX_RAM ||
	    c->ram_size % RELAY_MAILBOX_RESERVE != 0) {
		return error_setf(err,
				  "RAM size %llu: must be a multiple of 2 MiB "
				  "in 64 MiB..8 GiB",
				  (unsigned long long)c->ram_size);
	}
	if (c->extra_count > MAX_ARGS / 2) {
		return error_setf(err, "at most %d extra QEMU arguments",
				  MAX_ARGS / 2);
	}
	if (c->image_count == 0 || c->image_count > QEMU_MAX_IMAGES) {
		return error_setf(err, "1..%u images, not %zu", QEMU_MAX_IMAGES,
				  c->image_count);
	}
	for (size_t i = 0; i < c->image_count; i++) {
		if (access(c->images[i].path, R_OK) != 0) {
			return error_setf(err, "image %s: %s",
					  c->images[i].path, strerror(errno));
		}
	}
	if (c->initrd != NULL && access(c->initrd, R_OK) != 0) {
		return error_setf(err, "initrd %s: %s", c->initrd,
				  strerror(errno));
	}
	return true;
}

/* The relay image with its parameter block filled in, in a memfd. */
static bool make_relay(struct qemu_machine *m, uint64_t dtb_size,
		       struct error *err)
{
	struct strbuf bin = {0};
	struct relay_params params;
	bool ok = false;

	if (!file_read_all(m->cfg.relay, &bin, 1u << 20, err)) {
		return false;
	}
	if (bin.len < RELAY_PARAMS_OFFSET + sizeof(params)) {
		error_setf(err, "%s is too short for an EL3 relay",
			   m->cfg.relay);
		goto out;
	}
	memcpy(&params, bin.data + RELAY_PARAMS_OFFSET, sizeof(params));
	if (params.magic != RELAY_PARAMS_MAGIC ||
	    params.abi_version != RELAY_ABI_VERSION) {
		error_setf(err, "%s is not an EL3 relay of ABI version %u",
			   m->cfg.relay, RELAY_ABI_VERSION);
		goto out;
	}
	params.cpu_count = m->cfg.cpus;
	params.mailbox = m->mailbox_pa;
	params.entry = m->cfg.entry;
	params.entry_x0 = RELAY_RAM_BASE;
	params.flags = m->cfg.enter_el1 ? RELAY_FLAG_ENTER_EL1 : 0;
	params.dtb_src = m->mailbox_pa + RELAY_DTB_OFFSET;
	params.dtb_size = dtb_size;
	memcpy(bin.data + RELAY_PARAMS_OFFSET, &params, sizeof(params));
	m->relay_fd = memfd_create("el3-relay", MFD_CLOEXEC);
	if (m->relay_fd < 0 ||
	    write(m->relay_fd, bin.data, bin.len) != (ssize_t)bin.len) {
		error_setf(err, "relay memfd: %s", strerror(errno));
		goto out;
	}
	ok = true;
out:
	strbuf_free(&bin);
	return ok;
}

static bool make_ram(struct qemu_machine *m, struct error *err)
{
	m->ram_fd = memfd_create("ffa-harness-guest-ram", MFD_CLOEXEC);
	if (m->ram_fd < 0) {
		return error_setf(err, "memfd_create: %s", strerror(errno));
	}
	if (ftruncate(m->ram_fd, (off_t)m->ram_size) != 0) {
		return error_setf(err, "guest RAM of %llu bytes: %s",
				  (unsigned long long)m->ram_size,
				  strerror(errno));
	}
	m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      m->ram_fd, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return error_setf(err, "mmap of guest RAM: %s",
				  strerror(errno));
	}
	m->mailbox_pa = RELAY_RAM_BASE + m->ram_size - RELAY_MAILBOX_RESERVE;
	return true;
}

static int open_fifo(struct qemu_machine *m, const char *name,
		     struct error *err)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	if (mkfifo(path, 0600) != 0) {
		error_setf(err, "mkfifo %s: %s", path, strerror(errno));
		return -1;
	}
	/* Both ends here: no EOF or POLLHUP before QEMU opens its end. */
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		error_setf(err, "open %s: %s", path, strerror(errno));
	}
	return fd;
}

static bool make_channels(struct qemu_machine *m, struct error *err)
{
	snprintf(m->dir, sizeof(m->dir), "/tmp/ffa-harness-qemu-XXXXXX");
	if (mkdtemp(m->dir) == NULL) {
		m->dir[0] = '\0';
		return error_setf(err, "mkdtemp: %s", strerror(errno));
	}
	m->con_in = open_fifo(m, "con.in", err);
	m->con_out = m->con_in < 0 ? -1 : open_fifo(m, "con.out", err);
	m->bell_in = m->con_out < 0 ? -1 : open_fifo(m, "bell.in", err);
	m->bell_out = m->bell_in < 0 ? -1 : open_fifo(m, "bell.out", err);
	if (m->bell_out < 0) {
		return false;
	}
	if (m->cfg.snapshot_source || m->state_fd >= 0) {
		m->qmp_in = open_fifo(m, "qmp.in", err);
		m->qmp_out = m->qmp_in < 0 ? -1 : open_fifo(m, "qmp.out", err);
		if (m->qmp_out < 0) {
			return false;
		}
	}
	m->stderr_fd = memfd_create("qemu-stderr", MFD_CLOEXEC);
	if (m->stderr_fd < 0) {
		return error_setf(err, "memfd_create: %s", strerror(errno));
	}
	return true;
}

static bool launch(struct qemu_machine *m, struct error *err)
{
	int fds[3][2] = {{m->ram_fd, FD_RAM},
			 {m->relay_fd, FD_RELAY},
			 {m->state_fd, FD_STATE}};
	char qmp[192];
	const char *argv[MAX_ARGS];
	char bufs[64];
	char memobj[128];
	char con[192], bell[192];
	char gdb[32];
	char loaders[QEMU_MAX_IMAGES + 1][512];
	size_t n = 0;

	snprintf(memobj, sizeof(memobj),
		 "memory-backend-file,id=ram,size=%llu,mem-path=/dev/fd/%d,"
		 "share=on",
		 (unsigned long long)m->ram_size, FD_RAM);
	snprintf(con, sizeof(con), "pipe,id=con,path=%s/con", m->dir);
	snprintf(bell, sizeof(bell), "pipe,id=bell,path=%s/bell", m->dir);
	argv[n++] = m->cfg.qemu;
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-reboot";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-M";
	argv[n++] = "virt,secure=on,virtualization=on,gic-version=3,acpi=off,"
		    "memory-backend=ram";
	add_machine_args(m, argv, &n, bufs, sizeof(bufs));
	argv[n++] = "-object";
	argv[n++] = memobj;
	argv[n++] = "-bios";
	argv[n++] = "/dev/fd/4";
	argv[n++] = "-chardev";
	argv[n++] = con;
	argv[n++] = "-serial";
	argv[n++] = "chardev:con";
	argv[n++] = "-chardev";
	argv[n++] = bell;
	argv[n++] = "-serial";
	argv[n++] = "chardev:bell";
	for (size_t i = 0; i < m->cfg.image_count; i++) {
		snprintf(loaders[i], sizeof(loaders[i]),
			 "loader,file=%s,addr=0x%llx", m->cfg.images[i].path,
			 (unsigned long long)m->cfg.images[i].addr);
		argv[n++] = "-device";
		argv[n++] = loaders[i];
	}
	if (m->cfg.initrd != NULL) {
		snprintf(loaders[QEMU_MAX_IMAGES],
			 sizeof(loaders[QEMU_MAX_IMAGES]),
			 "loader,file=%s,addr=0x%llx,force-raw=on",
			 m->cfg.initrd,
			 (unsigned long long)m->cfg.initrd_addr);
		argv[n++] = "-device";
		argv[n++] = loaders[QEMU_MAX_IMAGES];
	}
	if (m->cfg.gdb_port != 0) {
		/* Loopback only, as the Unicorn backend's stub. */
		snprintf(gdb, sizeof(gdb), "tcp:127.0.0.1:%u",
			 m->cfg.gdb_port);
		argv[n++] = "-gdb";
		argv[n++] = gdb;
		if (m->cfg.gdb_wait) {
			argv[n++] = "-S";
		}
	}
	if (m->cfg.snapshot_source || m->state_fd >= 0) {
		/* QMP for qemu_save() and qemu_restore(), which set the
		 * x-ignore-shared capability (not a -global in QEMU 7.2). */
		snprintf(qmp, sizeof(qmp), "pipe,id=qmp,path=%s/qmp", m->dir);
		argv[n++] = "-chardev";
		argv[n++] = qmp;
		argv[n++] = "-mon";
		argv[n++] = "chardev=qmp,mode=control";
	}
	if (m->cfg.snapshot_source) {
		/* The run state stays out of the stream, so that the
		 * restored machine runs although this one was stopped. */
		argv[n++] = "-global";
		argv[n++] = "migration.store-global-state=off";
	}
	if (m->state_fd >= 0) {
		argv[n++] = "-incoming";
		argv[n++] = "defer";
	}
	for (size_t i = 0; i < m->cfg.extra_count && n < MAX_ARGS - 1; i++) {
		argv[n++] = m->cfg.extra_args[i];
	}
	argv[n] = NULL;
	for (size_t i = 0; i < n; i++) {
		if (i != 0) {
			strbuf_putc(&m->cmdline, ' ');
		}
		shell_quote(&m->cmdline, argv[i]);
	}
	m->stats.started_ns = now_ns();
	m->pid = spawn(argv, m->stderr_fd, (const int(*)[2])fds,
		       m->state_fd >= 0 ? 3 : 2, err);
	return m->pid > 0;
}

/*
 * QEMU's generic loader places an ELF file at its own addresses (and a raw
 * one at addr); the entry of an ELF64 is e_entry (ELF-64 spec, header
 * offset 24).  False if the file is not ELF64.
 */
static bool elf_entry(const char *path, uint64_t *entry)
{
	unsigned char hdr[32] = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool elf;

	if (fd < 0) {
		return false;
	}
	elf = read(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr) &&
	      memcmp(hdr, "\177ELF", 4) == 0 && hdr[4] == 2 /* ELFCLASS64 */;
	close(fd);
	if (elf) {
		memcpy(entry, hdr + 24, sizeof(*entry)); /* little-endian host */
	}
	return elf;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

struct qemu_machine *qemu_start(const struct qemu_config *cfg,
				qemu_smc_fn *handler, void *ctx,
				struct error *err)
{
	struct qemu_machine *m = xcalloc(1, sizeof(*m));
	struct strbuf dtb = {0};
	uint64_t dtb_size;
	uint64_t initrd_size = 0;

	m->cfg = *cfg;
	m->handler = handler;
	m->ctx = ctx;
	m->ram_fd = m->relay_fd = m->stderr_fd = -1;
	m->con_in = m->con_out = m->bell_in = m->bell_out = -1;
	m->qmp_in = m->qmp_out = m->state_fd = -1;
	if (!check_config(&m->cfg, err)) {
		goto fail;
	}
	m->ram_size = m->cfg.ram_size;
	if (m->cfg.entry == 0 && !elf_entry(m->cfg.images[0].path,
					    &m->cfg.entry)) {
		m->cfg.entry = m->cfg.images[0].addr;
	}
	if (m->cfg.initrd != NULL) {
		initrd_size = file_size(m->cfg.initrd);
	}
	if (!make_ram(m, err) || !make_channels(m, err) ||
	    !dump_dtb(m, &dtb, err)) {
		goto fail;
	}
	dtb_size = patch_dtb(m, &dtb, initrd_size, err);
	strbuf_free(&dtb);
	if (dtb_size == 0 || !make_relay(m, dtb_size, err)) {
		goto fail;
	}
	if (!launch(m, err)) {
		goto fail;
	}
	return m;
fail:
	strbuf_free(&dtb);
	qemu_free(m);
	return NULL;
}

/* ---- the run ---- */

static void end_run(struct qemu_machine *m, enum qemu_stop stop)
{
	if (m->ended) {
		return;
	}
	m->ended = true;
	m->stop = stop;
	kill_and_reap(m);
	remove_dir(m);
}

static void read_console(struct qemu_machine *m)
{
	char buf[4096];
	ssize_t got;

	while ((got = read(m->con_out, buf, sizeof(buf))) > 0) {
		strbuf_append(&m->console, buf, (size_t)got);
		if (m->cfg.console_echo != NULL) {
			fwrite(buf, 1, (size_t)got, m->cfg.console_echo);
			fflush(m->cfg.console_echo);
		}
		remove_dir(m); /* QEMU has opened its channels */
	}
}

static enum relay_action relay_action_of(enum qemu_smc_action a)
{
	switch (a) {
	case QEMU_SMC_RETURN:
	case QEMU_SMC_CPU_ON:
		return RELAY_ACTION_RETURN;
	case QEMU_SMC_POWER_OFF:
		return RELAY_ACTION_POWER_OFF;
	case QEMU_SMC_RESET:
		return RELAY_ACTION_RESET;
	case QEMU_SMC_CPU_OFF:
		return RELAY_ACTION_CPU_OFF;
	case QEMU_SMC_HALT:
	default:
		return RELAY_ACTION_HALT;
	}
}

static void answer(volatile struct relay_slot *s, enum relay_action action)
{
	s->action = action;
	__atomic_store_n(&s->state, RELAY_STATE_ANSWER, __ATOMIC_RELEASE);
}

/* Starts a parked CPU (PSCI CPU_ON): false if it is not parked. */
static bool start_cpu(struct qemu_machine *m, const struct qemu_answer *a)
{
	volatile struct relay_slot *t;

	if (a->target >= m->cfg.cpus) {
		return false;
	}
	t = slot_of(m, a->target);
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != RELAY_STATE_IDLE) {
		return false;
	}
	t->entry = a->entry;
	t->context = a->context;
	t->start_el = 2;
	__atomic_store_n(&t->state, RELAY_STATE_START, __ATOMIC_RELEASE);
	return true;
}

/* One doorbell: serves the SMC waiting in the slot of `cpu`. */
static void serve(struct qemu_machine *m, unsigned cpu)
{
	volatile struct relay_slot *s;
	struct smccc_regs regs;
	struct qemu_answer ans = {.action = QEMU_SMC_RETURN};
	uint64_t t0 = now_ns();
	int rc;

	if (cpu >= m->cfg.cpus) {
		end_run(m, QEMU_STOP_PROTOCOL);
		return;
	}
	s = slot_of(m, cpu);
	if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) !=
	    RELAY_STATE_REQUEST) {
		end_run(m, QEMU_STOP_PROTOCOL);
		return;
	}
	if (s->x[0] == RELAY_FAULT_FID &&
	    RELAY_ESR_EC(s->esr) != RELAY_EC_SMC64) {
		m->fault = (struct qemu_fault){
			.cpu = cpu, .el = s->el, .esr = s->esr,
			.elr = s->elr, .far = s->far, .spsr = s->spsr,
		};
		answer(s, RELAY_ACTION_HALT);
		end_run(m, QEMU_STOP_FAULT);
		return;
	}
	for (unsigned i = 0; i < 18; i++) {
		regs.x[i] = s->x[i];
	}
	rc = m->handler(m->ctx, cpu, s->el, s->elr - 4, &regs, &ans);
	m->stats.smcs++;
	if (m->stats.first_smc_ns == 0) {
		m->stats.first_smc_ns = t0;
	}
	m->stats.last_smc_ns = t0;
	if (rc != 0) {
		answer(s, RELAY_ACTION_HALT);
		end_run(m, QEMU_STOP_HANDLER);
		return;
	}
	for (unsigned i = 0; i < 18; i++) {
		s->x[i] = regs.x[i];
	}
	if (ans.action == QEMU_SMC_CPU_ON) {
		if (!start_cpu(m, &ans)) {
			/* The model said on; the relay cannot: a harness bug. */
			answer(s, RELAY_ACTION_HALT);
			end_run(m, QEMU_STOP_HANDLER);
			return;
		}
		s->wake = ans.target + 1; /* the caller's relay sends the SGI */
	}
	s->ns_sgi = ans.ns_sgi; /* the relay raises it before returning */
	if (ans.action == QEMU_SMC_POWER_OFF || ans.action == QEMU_SMC_RESET) {
		m->stop_requested = true;
		m->requested = ans.action == QEMU_SMC_POWER_OFF
				       ? QEMU_STOP_POWER_OFF
				       : QEMU_STOP_RESET;
		m->grace_deadline_ns = now_ns() + EXIT_GRACE_MS * 1000000ull;
	}
	answer(s, relay_action_of(ans.action));
	m->stats.host_ns += now_ns() - t0;
}

static void read_doorbells(struct qemu_machine *m)
{
	unsigned char buf[64];
	ssize_t got;

	while (!m->ended && (got = read(m->bell_out, buf, sizeof(buf))) > 0) {
		remove_dir(m);
		for (ssize_t i = 0; i < got && !m->ended; i++) {
			serve(m, buf[i]);
		}
	}
}

static bool find_text(struct qemu_machine *m, const char *text)
{
	const char *hit;

	if (text == NULL || m->console.len == 0) {
		return false;
	}
	hit = strstr(strbuf_str(&m->console) + m->search_from, text);
	if (hit == NULL) {
		return false;
	}
	m->search_from = (size_t)(hit - strbuf_str(&m->console)) + strlen(text);
	return true;
}

enum qemu_stop qemu_wait(struct qemu_machine *m, const char *text,
			 unsigned timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;

	for (;;) {
		struct pollfd pfd[2] = {{.fd = m->con_out, .events = POLLIN},
					{.fd = m->bell_out, .events = POLLIN}};
		uint64_t now;

		if (m->ended) {
			return m->stop;
		}
		if (find_text(m, text)) {
			return QEMU_STOP_TEXT;
		}
		if (try_reap(m)) {
			read_console(m);
			end_run(m, m->stop_requested ? m->requested
						     : QEMU_STOP_EXITED);
			continue;
		}
		now = now_ns();
		if (m->stop_requested && now >= m->grace_deadline_ns) {
			end_run(m, m->requested); /* QEMU did not exit: killed */
			continue;
		}
		if (now >= deadline) {
			end_run(m, QEMU_STOP_TIMEOUT);
			continue;
		}
		if (poll(pfd, 2, POLL_SLICE_MS) < 0 && errno != EINTR) {
			end_run(m, QEMU_STOP_PROTOCOL);
			continue;
		}
		read_doorbells(m);
		read_console(m);
	}
}

bool qemu_type(struct qemu_machine *m, const char *text, size_t len,
	       struct error *err)
{
	size_t done = 0;

	if (m->ended) {
		return error_setf(err, "cannot type: the run has ended (%s)",
				  qemu_stop_name(m->stop));
	}
	while (done < len) {
		ssize_t put = write(m->con_in, text + done, len - done);

		if (put > 0) {
			done += (size_t)put;
		} else if (put < 0 && errno != EAGAIN && errno != EINTR) {
			return error_setf(err, "console: %s", strerror(errno));
		} else {
			/* The pipe is full: let the guest read meanwhile. */
			qemu_wait(m, NULL, 10);
			if (m->ended) {
				return error_setf(err, "the run ended while "
						       "typing (%s)",
						  qemu_stop_name(m->stop));
			}
		}
	}
	return true;
}

const char *qemu_console(const struct qemu_machine *m, size_t *len)
{
	if (len != NULL) {
		*len = m->console.len;
	}
	return m->console.len != 0 ? m->console.data : "";
}

const char *qemu_command_line(const struct qemu_machine *m)
{
	return m->cmdline.len != 0 ? m->cmdline.data : "";
}

const char *qemu_stderr(struct qemu_machine *m)
{
	char buf[4096];
	ssize_t got;
	off_t off = 0;

	if (m->stderr_fd < 0 || m->stderr_text.len != 0) {
		return strbuf_str(&m->stderr_text);
	}
	while ((got = pread(m->stderr_fd, buf, sizeof(buf), off)) > 0 &&
	       m->stderr_text.len < 65536) {
		strbuf_append(&m->stderr_text, buf, (size_t)got);
		off += got;
	}
	return strbuf_str(&m->stderr_text);
}

pid_t qemu_pid(const struct qemu_machine *m)
{
	return m->pid;
}

const struct qemu_stats *qemu_stats(const struct qemu_machine *m)
{
	return &m->stats;
}

const struct qemu_fault *qemu_fault(const struct qemu_machine *m)
{
	return &m->fault;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

void qemu_free(struct qemu_machine *m)
{
	if (m == NULL) {
		return;
	}
	kill_and_reap(m);
	remove_dir(m);
	if (m->ram != NULL) {
		munmap(m->ram, m->ram_size);
	}
	close_fd(&m->ram_fd);
	close_fd(&m->relay_fd);
	close_fd(&m->stderr_fd);
	close_fd(&m->con_in);
	close_fd(&m->con_out);
	close_fd(&m->bell_in);
	close_fd(&m->bell_out);
	close_fd(&m->qmp_in);
	close_fd(&m->qmp_out);
	close_fd(&m->state_fd);
	strbuf_free(&m->console);
	strbuf_free(&m->cmdline);
	strbuf_free(&m->stderr_text);
	free(m);
}

/* ---- snapshots ---- */

static uint64_t fd_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* True if a query-migrate answer says "status": status. */
static bool migration_is(const char *answer, const char *status)
{
	char a[64], b[64];

	snprintf(a, sizeof(a), "\"status\": \"%s\"", status);
	snprintf(b, sizeof(b), "\"status\":\"%s\"", status);
	return strstr(answer, a) != NULL || strstr(answer, b) != NULL;
}

/* Polls query-migrate until the migration completed or failed. */
static bool wait_migrated(struct qmp *q, struct error *err)
{
	struct strbuf answer = STRBUF_INIT;
	bool done = false;

	for (unsigned waited = 0; !done; waited += 5) {
		const char *a;

		if (!qmp_execute(q, "{\"execute\":\"query-migrate\"}",
				 QMP_TIMEOUT_MS, &answer, err)) {
			break;
		}
		a = strbuf_str(&answer);
		if (migration_is(a, "completed")) {
			done = true;
		} else if (migration_is(a, "failed") ||
			   migration_is(a, "cancelled")) {
			error_setf(err, "QEMU's migration failed: %s", a);
			break;
		} else if (waited >= MIGRATE_TIMEOUT_MS) {
			error_setf(err, "QEMU's migration did not complete "
					"within %u ms",
				   MIGRATE_TIMEOUT_MS);
			break;
		} else {
			usleep(5000);
		}
	}
	strbuf_free(&answer);
	return done;
}

/* Console input QEMU has not read yet: what is still in our FIFO. */
static void take_pending_input(struct qemu_machine *m, struct strbuf *out)
{
	char buf[4096];
	ssize_t got;

	while ((got = read(m->con_in, buf, sizeof(buf))) > 0) {
		strbuf_append(out, buf, (size_t)got);
	}
}

/* Documented in emulator/qemu.h. */
struct qemu_snapshot *qemu_save(struct qemu_machine *m, struct error *err)
{
	struct qmp q = {.to_qemu = m->qmp_in, .from_qemu = m->qmp_out};
	struct qemu_snapshot *s;
	struct strbuf cmd = STRBUF_INIT;
	bool ok;

	if (!m->cfg.snapshot_source || m->qmp_in < 0) {
		error_setf(err, "this QEMU was not started for snapshots");
		return NULL;
	}
	if (m->ended) {
		error_setf(err, "the run has ended (%s)",
			   qemu_stop_name(m->stop));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->ram_fd = s->relay_fd = -1;
	s->state_fd = memfd_create("qemu-migration", MFD_CLOEXEC);
	/* The default bandwidth limit (32 MiB/s) would pace the stream. */
	strbuf_printf(&cmd, "{\"execute\":\"migrate\",\"arguments\":{\"uri\":"
			    "\"exec:cat >/proc/%d/fd/%d\"}}",
		      (int)getpid(), s->state_fd);
	ok = s->state_fd >= 0 &&
	     qmp_execute(&q, "{\"execute\":\"qmp_capabilities\"}",
			 QMP_TIMEOUT_MS, NULL, err) &&
	     qmp_execute(&q, "{\"execute\":\"stop\"}", QMP_TIMEOUT_MS, NULL,
			 err);
	if (ok) {
		/* Stopped: what the CPUs wrote before is in our FIFOs. */
		read_doorbells(m);
		read_console(m);
		take_pending_input(m, &s->input);
		ok = !m->ended &&
		     qmp_execute(&q, IGNORE_SHARED, QMP_TIMEOUT_MS, NULL,
				 err) &&
		     qmp_execute(&q, "{\"execute\":\"migrate-set-parameters\","
				     "\"arguments\":{\"max-bandwidth\":"
				     "1099511627776}}",
				 QMP_TIMEOUT_MS, NULL, err) &&
		     qmp_execute(&q, strbuf_str(&cmd), QMP_TIMEOUT_MS, NULL,
				 err) &&
		     wait_migrated(&q, err);
		if (ok && m->ended) {
			ok = error_setf(err, "the run ended while saving (%s)",
					qemu_stop_name(m->stop));
		}
	} else if (s->state_fd < 0) {
		error_setf(err, "memfd_create: %s", strerror(errno));
	}
	strbuf_free(&cmd);
	qmp_free(&q);
	end_run(m, QEMU_STOP_EXITED);
	if (!ok) {
		qemu_snapshot_free(s);
		return NULL;
	}
	s->cfg = m->cfg;
	s->cfg.console_echo = NULL;
	s->cfg.snapshot_source = false;
	s->ram_size = m->ram_size;
	s->ram_fd = m->ram_fd; /* QEMU is gone: nothing writes it now */
	m->ram_fd = -1;
	s->relay_fd = m->relay_fd;
	m->relay_fd = -1;
	s->state_size = fd_size(s->state_fd);
	strbuf_append(&s->console, strbuf_str(&m->console), m->console.len);
	s->search_from = m->search_from;
	strbuf_puts(&s->cmdline, qemu_command_line(m));
	s->stats = m->stats;
	return s;
}

/* Copies the pages of `from` that hold data (tmpfs keeps holes). */
static bool copy_ram(int from, uint8_t *to, uint64_t size, struct error *err)
{
	off_t pos = 0;

	while ((uint64_t)pos < size) {
		off_t data = lseek(from, pos, SEEK_DATA);
		off_t hole;

		if (data < 0) {
			if (errno == ENXIO) {
				return true; /* only holes from here */
			}
			return error_setf(err, "guest RAM: SEEK_DATA: %s",
					  strerror(errno));
		}
		hole = lseek(from, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size) {
			hole = (off_t)size;
		}
		for (off_t at = data; at < hole;) {
			ssize_t got = pread(from, to + at, (size_t)(hole - at),
					    at);

			if (got <= 0) {
				return error_setf(err, "guest RAM: read: %s",
						  got < 0 ? strerror(errno)
							  : "short file");
			}
			at += got;
		}
		pos = hole;
	}
	return true;
}

/* A descriptor of its own (its own offset) for the snapshot's stream. */
static int reopen_fd(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Documented in emulator/qemu.h. */
struct qemu_machine *qemu_restore(const struct qemu_snapshot *s,
				  qemu_smc_fn *handler, void *ctx,
				  FILE *console_echo, struct error *err)
{
	struct qemu_machine *m = xcalloc(1, sizeof(*m));
	struct qmp q;
	char incoming[128];
	bool ok;

	m->cfg = s->cfg;
	m->cfg.console_echo = console_echo;
	m->handler = handler;
	m->ctx = ctx;
	m->ram_fd = m->relay_fd = m->stderr_fd = -1;
	m->con_in = m->con_out = m->bell_in = m->bell_out = -1;
	m->qmp_in = m->qmp_out = -1;
	m->ram_size = s->ram_size;
	m->state_fd = reopen_fd(s->state_fd);
	m->relay_fd = dup(s->relay_fd);
	if (m->state_fd < 0 || m->relay_fd < 0) {
		error_setf(err, "the snapshot's files: %s", strerror(errno));
		goto fail;
	}
	if (!make_ram(m, err) || !copy_ram(s->ram_fd, m->ram, m->ram_size,
					   err) ||
	    !make_channels(m, err)) {
		goto fail;
	}
	strbuf_append(&m->console, strbuf_str(&s->console), s->console.len);
	m->search_from = s->search_from;
	m->stats = s->stats;
	if (!launch(m, err)) {
		goto fail;
	}
	q = (struct qmp){.to_qemu = m->qmp_in, .from_qemu = m->qmp_out};
	snprintf(incoming, sizeof(incoming),
		 "{\"execute\":\"migrate-incoming\",\"arguments\":"
		 "{\"uri\":\"fd:%d\"}}",
		 FD_STATE);
	ok = qmp_execute(&q, "{\"execute\":\"qmp_capabilities\"}",
			 QMP_TIMEOUT_MS, NULL, err) &&
	     qmp_execute(&q, IGNORE_SHARED, QMP_TIMEOUT_MS, NULL, err) &&
	     qmp_execute(&q, incoming, QMP_TIMEOUT_MS, NULL, err) &&
	     wait_migrated(&q, err);
	if (ok) {
		/* Loaded: run (a no-op if QEMU started the CPUs itself). */
		struct error ignored = {0};

		qmp_execute(&q, "{\"execute\":\"cont\"}", QMP_TIMEOUT_MS,
			    NULL, &ignored);
	}
	qmp_free(&q);
	if (!ok) {
		goto fail;
	}
	if (s->input.len != 0 &&
	    !qemu_type(m, s->input.data, s->input.len, err)) {
		goto fail;
	}
	return m;
fail:
	qemu_free(m);
	return NULL;
}

/* Documented in emulator/qemu.h. */
void qemu_snapshot_sizes(const struct qemu_snapshot *s, uint64_t *state,
			 uint64_t *ram)
{
	struct stat st;

	*state = s->state_size;
	*ram = fstat(s->ram_fd, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
}

/* Documented in emulator/qemu.h. */
void qemu_snapshot_free(struct qemu_snapshot *s)
{
	if (s == NULL) {
		return;
	}
	close_fd(&s->ram_fd);
	close_fd(&s->relay_fd);
	close_fd(&s->state_fd);
	strbuf_free(&s->console);
	strbuf_free(&s->input);
	strbuf_free(&s->cmdline);
	free(s);
}
