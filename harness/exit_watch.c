#include "harness/exit_watch.h"

#include <stdlib.h>
#include <string.h>

#include "abi/efi.h"
#include "abi/efi_api.h"
#include "common/strbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* UEFI 2.10 sections 4.3, 4.4, 4.5: "IBI SYST", "BOOTSERV", "RUNTSERV". */
#define EFI_SYSTEM_TABLE_SIGNATURE UINT64_C(0x5453595320494249)
#define EFI_BOOT_SERVICES_SIGNATURE UINT64_C(0x56524553544f4f42)
#define EFI_RUNTIME_SERVICES_SIGNATURE UINT64_C(0x56524553544e5552)

/* A captured map larger than this is not a memory map of this machine. */
#define MAX_MAP_BYTES (1u << 20)
#define SCAN_CHUNK (1u << 20)
/*
 * Read in smaller pieces: a fresh 1 MiB buffer is an mmap() whose every
 * page faults on the first copy into it (4 ms a scan here, in the leader
 * and in forked members alike); 64 KiB comes from the heap.
 */
#define SCAN_PIECE (64u << 10)
/* Scans of RAM for a system table, at most, in one run. */
#define MAX_SCANS 3

/* Functions of ELF images whose return means "boot services are over". */
static const char *const exit_symbols[] = {
	"var_exit_boot_services", /* the reference client */
};

struct exit_watch {
	struct session *s;
	bool found;
	bool by_symbol;
	unsigned scans;
	uint64_t table; /* the system table, once found */
	uint64_t get_memory_map; /* entries watched */
	uint64_t exit_boot_services;
	uint64_t set_virtual_address_map;
	uint64_t runtime_services; /* the runtime-services table */
	unsigned rt_depth;         /* runtime-service calls under way */
	uint64_t exit_return; /* where the pending exit returns, or 0 */
	uint64_t map_args[4]; /* the last GetMemoryMap's x0..x3 */
	bool have_map_args;
	uint8_t *map;
	size_t map_len;
	uint64_t desc_size;
};

struct exit_watch *exit_watch_new(struct session *s)
{
	struct exit_watch *w = xcalloc(1, sizeof(*w));

	w->s = s;
	return w;
}

void exit_watch_free(struct exit_watch *w)
{
	if (w != NULL) {
		free(w->map);
		free(w);
	}
}

static const struct guest_mem *cpu(const struct exit_watch *w)
{
	return machine_cpu_mem(w->s->machine);
}

static bool read_u64(const struct exit_watch *w, uint64_t addr, uint64_t *v)
{
	return guest_mem_read(cpu(w), addr, v, sizeof(*v));
}

static void on_get_memory_map(void *ctx, uint64_t pc)
{
	struct exit_watch *w = ctx;

	(void)pc;
	for (unsigned i = 0; i < ARRAY_SIZE(w->map_args); i++) {
		w->map_args[i] = machine_xreg(w->s->machine, i);
	}
	w->have_map_args = true;
}

/*
 * The caller's map as GetMemoryMap left it: *MemoryMapSize bytes of
 * *DescriptorSize-byte descriptors at MemoryMap (UEFI 2.10 section 7.2).
 */
static void capture_map(struct exit_watch *w)
{
	uint64_t size, desc_size;

	if (!w->have_map_args || !read_u64(w, w->map_args[0], &size) ||
	    !read_u64(w, w->map_args[3], &desc_size) || size == 0 ||
	    size > MAX_MAP_BYTES || desc_size == 0) {
		return;
	}
	free(w->map);
	w->map = xmalloc((size_t)size);
	if (!guest_mem_read(cpu(w), w->map_args[1], w->map, (size_t)size)) {
		free(w->map);
		w->map = NULL;
		return;
	}
	w->map_len = (size_t)size;
	w->desc_size = desc_size;
}

static void on_exit_return(void *ctx, uint64_t pc)
{
	struct exit_watch *w = ctx;
	uint64_t status = machine_xreg(w->s->machine, 0);

	machine_unwatch_pc(w->s->machine, pc);
	w->exit_return = 0;
	if (status != EFI_SUCCESS) {
		return; /* the caller retries with a fresh map (section 7.4) */
	}
	if (!w->by_symbol) {
		capture_map(w);
	}
	lifecycle_evidence(secure_world_lifecycle(w->s->world),
			   EVIDENCE_FIRMWARE_EXIT_RETURNED);
}

static void on_exit_entry(void *ctx, uint64_t pc)
{
	struct exit_watch *w = ctx;
	uint64_t lr = machine_xreg(w->s->machine, 30);

	(void)pc;
	if (w->exit_return != 0) {
		machine_unwatch_pc(w->s->machine, w->exit_return);
	}
	w->exit_return = lr;
	machine_watch_pc(w->s->machine, lr, on_exit_return, w);
}

static void on_set_virtual_address_map(void *ctx, uint64_t pc)
{
	struct exit_watch *w = ctx;

	(void)pc;
	lifecycle_evidence(secure_world_lifecycle(w->s->world),
			   EVIDENCE_FIRMWARE_VIRTUAL_MAP);
}

static void on_runtime_return(void *ctx, uint64_t pc)
{
	struct exit_watch *w = ctx;

	machine_unwatch_pc(w->s->machine, pc);
	if (w->rt_depth > 0 && --w->rt_depth == 0) {
		machine_guard_checks(w->s->machine, 0);
	}
}

/* A runtime service begins: the guard checks until it returns. */
static void on_runtime_entry(void *ctx, uint64_t pc)
{
	struct exit_watch *w = ctx;

	if (pc == w->set_virtual_address_map) {
		on_set_virtual_address_map(ctx, pc);
	}
	w->rt_depth++;
	/* The caller's buffers and stack are the image's memory too: data
	 * accesses cannot be judged here, code and devices can. */
	machine_guard_checks(w->s->machine,
			     GUARD_CHECK_FETCH | GUARD_CHECK_MMIO);
	machine_watch_pc(w->s->machine, machine_xreg(w->s->machine, 30),
			 on_runtime_return, w);
}

/*
 * The runtime-services table as it is once ExitBootServices has returned
 * (U-Boot switches some entries to their runtime versions in its exit
 * notification): from GetTime to QueryVariableInfo, UEFI 2.10 section 4.5.
 */
void exit_watch_scope_to_runtime_calls(struct exit_watch *w)
{
	size_t first = offsetof(struct efi_runtime_services, get_time);
	size_t last = offsetof(struct efi_runtime_services, query_variable_info);
	uint64_t entry;

	machine_guard_checks(w->s->machine, 0);
	for (size_t off = first; off <= last; off += 8) {
		if (read_u64(w, w->runtime_services + off, &entry) &&
		    guest_mem_is_ram(cpu(w), entry, 4)) {
			machine_watch_pc(w->s->machine, entry, on_runtime_entry,
					 w);
		}
	}
}

static bool look_for_symbol(struct exit_watch *w)
{
	uint64_t addr;

	if (!w->s->image_loaded) {
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(exit_symbols); i++) {
		if (image_symbol(&w->s->image, exit_symbols[i], &addr)) {
			w->exit_boot_services = addr;
			w->by_symbol = true;
			return machine_watch_pc(w->s->machine, addr,
						on_exit_entry, w);
		}
	}
	return false;
}

/*
 * A system table whose service tables carry their signatures; bs is its
 * boot-services pointer (read from it, or being written into it).
 */
static bool valid_system_table(struct exit_watch *w, uint64_t st, uint64_t bs)
{
	uint64_t rs, sig, gmm, ebs, svam;

	if (!read_u64(w,
		      st + offsetof(struct efi_system_table, runtime_services),
		      &rs) ||
	    !read_u64(w, bs, &sig) || sig != EFI_BOOT_SERVICES_SIGNATURE ||
	    !read_u64(w, rs, &sig) || sig != EFI_RUNTIME_SERVICES_SIGNATURE ||
	    !read_u64(w,
		      bs + offsetof(struct efi_boot_services, get_memory_map),
		      &gmm) ||
	    !read_u64(w,
		      bs + offsetof(struct efi_boot_services,
				    exit_boot_services),
		      &ebs) ||
	    !read_u64(w,
		      rs + offsetof(struct efi_runtime_services,
				    set_virtual_address_map),
		      &svam) ||
	    !guest_mem_is_ram(cpu(w), gmm, 4) ||
	    !guest_mem_is_ram(cpu(w), ebs, 4)) {
		return false;
	}
	w->get_memory_map = gmm;
	w->exit_boot_services = ebs;
	w->set_virtual_address_map = svam;
	w->runtime_services = rs;
	return true;
}

/* Watching an array entry only: safe from inside a memory hook. */
static bool watch_services(struct exit_watch *w)
{
	struct machine *m = w->s->machine;

	w->found = machine_watch_pc(m, w->get_memory_map, on_get_memory_map,
				    w) &&
		   machine_watch_pc(m, w->exit_boot_services, on_exit_entry,
				    w) &&
		   machine_watch_pc(m, w->set_virtual_address_map,
				    on_set_virtual_address_map, w);
	return w->found;
}

/*
 * U-Boot fills in systab.boottime only when its EFI subsystem starts
 * (efi_initialize_system_table(), lib/efi_loader/efi_boottime.c), which
 * can be in the middle of a step: the store is watched.
 */
static void on_boottime_written(void *ctx, uint64_t addr, uint64_t value)
{
	struct exit_watch *w = ctx;

	if (!w->found && value != 0 &&
	    valid_system_table(w,
			       addr - offsetof(struct efi_system_table,
					       boot_services),
			       value)) {
		watch_services(w);
	}
}

/* Top down through [base, base + SCAN_PIECE): a table's address, or 0. */
static uint64_t scan_piece(struct exit_watch *w, uint64_t base,
			   uint64_t *piece, bool *readable)
{
	uint64_t bs;

	*readable = guest_mem_read(cpu(w), base, piece, SCAN_PIECE);
	for (size_t i = SCAN_PIECE / 8; i-- > 0 && *readable;) {
		uint64_t st = base + i * 8;

		if (piece[i] != EFI_SYSTEM_TABLE_SIGNATURE ||
		    !read_u64(w,
			      st + offsetof(struct efi_system_table,
					    boot_services),
			      &bs)) {
			continue;
		}
		if (bs == 0 || valid_system_table(w, st, bs)) {
			return st; /* not started yet, or complete */
		}
	}
	return 0;
}

/*
 * Top down: U-Boot relocates itself to the top of RAM, and the copy it
 * left at its load address holds unrelocated pointers that fail
 * valid_system_table().  Returns the table's address, or 0.
 */
static uint64_t scan_for_system_table(struct exit_watch *w)
{
	const struct platform *p = w->s->cfg.platform;
	uint64_t *piece = xmalloc(SCAN_PIECE);
	uint64_t found = 0;
	bool readable = true;

	for (uint64_t end = p->ram_base + p->ram_size;
	     end > p->ram_base && found == 0 && readable; end -= SCAN_CHUNK) {
		uint64_t base = end - SCAN_CHUNK;

		if (guest_mem_untouched(cpu(w), base, SCAN_CHUNK)) {
			continue; /* zero: reading it would allocate it */
		}
		for (uint64_t at = end; at > base && found == 0 && readable;
		     at -= SCAN_PIECE) {
			found = scan_piece(w, at - SCAN_PIECE, piece, &readable);
		}
	}
	free(piece);
	return found;
}

bool exit_watch_look(struct exit_watch *w)
{
	uint64_t st;

	if (w->found || w->table != 0 || w->scans >= MAX_SCANS) {
		return w->found;
	}
	if (look_for_symbol(w)) {
		return w->found = true;
	}
	if (machine_insns(w->s->machine) == 0) {
		return false; /* nothing has run: no table yet */
	}
	w->scans++;
	st = scan_for_system_table(w);
	if (st == 0) {
		return false;
	}
	w->table = st;
	if (w->exit_boot_services != 0) {
		return watch_services(w);
	}
	machine_watch_write(w->s->machine,
			    st + offsetof(struct efi_system_table,
					  boot_services),
			    8, on_boottime_written, w);
	return false;
}

bool exit_watch_memory_map(const struct exit_watch *w, const uint8_t **map,
			   size_t *len, uint64_t *desc_size)
{
	if (w->map == NULL) {
		return false;
	}
	*map = w->map;
	*len = w->map_len;
	*desc_size = w->desc_size;
	return true;
}

bool exit_watch_by_symbol(const struct exit_watch *w)
{
	return w->by_symbol;
}

