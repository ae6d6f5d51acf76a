/*
 * The firmware's own ExitBootServices, seen without the agent's help, so
 * that the lifecycle reaches "runtime" when the firmware exits boot
 * services by itself (U-Boot's `bootefi selftest`, an OS loader) and the
 * runtime guard knows what the firmware may still use:
 *
 *   UEFI firmware: the EFI system table is found in RAM (its signature, and
 *   pointers to boot- and runtime-services tables that carry theirs; UEFI
 *   2.10 sections 4.3 to 4.5).  The entries of GetMemoryMap,
 *   ExitBootServices and SetVirtualAddressMap are watched: the arguments
 *   of the last GetMemoryMap are kept, ExitBootServices' return address is
 *   watched, and when it returns EFI_SUCCESS the memory map the caller
 *   last obtained (and passed the key of) is read from the caller's buffer.
 *   Not seen: a map the caller obtained before an earlier, failed
 *   attempt's buffer was reused for something else; firmware that exits
 *   through another path than its boot-services table.
 *
 *   ELF images with symbols: a function named in a table (the reference
 *   client's var_exit_boot_services) is watched the same way; the runtime
 *   regions then come from its __rt_* link symbols.
 *
 * The Unicorn backend only: it needs to stop at code addresses.
 */
#ifndef HARNESS_EXIT_WATCH_H
#define HARNESS_EXIT_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/session.h"

struct exit_watch;

struct exit_watch *exit_watch_new(struct session *s);
void exit_watch_free(struct exit_watch *w);
/*
 * Looks for what to watch: the image's symbols first, else a UEFI system
 * table in RAM.  Cheap once something was found; returns true then.
 */
bool exit_watch_look(struct exit_watch *w);
/* The memory map captured at the firmware's own exit (UEFI), if any. */
bool exit_watch_memory_map(const struct exit_watch *w, const uint8_t **map,
			   size_t *len, uint64_t *desc_size);
/*
 * Limits the (armed) runtime guard to the firmware's runtime-service
 * calls: for UEFI firmware whose ExitBootServices caller is part of the
 * firmware image itself (U-Boot's `bootefi selftest`), so that the caller's
 * own code, which is boot-services code, is not taken for the firmware's.
 */
void exit_watch_scope_to_runtime_calls(struct exit_watch *w);
/* True when the watched exit was the reference client's (ELF symbols). */
bool exit_watch_by_symbol(const struct exit_watch *w);

#endif /* HARNESS_EXIT_WATCH_H */
