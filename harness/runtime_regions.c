/*
 * The runtime regions of a run and the guard armed with them: what
 * firmware may still use once ExitBootServices has returned, learnt from
 * the agent's report (the reference client's regions, or the UEFI memory
 * map the EFI agent was handed), from the memory map the firmware's own
 * caller got (harness/exit_watch.c), or from the reference client's link
 * symbols; every memory-map entry and image section also names its range
 * for findings.
 */
#include "harness/runtime_regions.h"

#include <stdlib.h>
#include <string.h>

#include "abi/agent.h"
#include "abi/efi.h"
#include "common/strbuf.h"

static const char *const efi_memory_type_names[EFI_MEMORY_TYPE_COUNT] = {
	"EfiReservedMemoryType", "EfiLoaderCode", "EfiLoaderData",
	"EfiBootServicesCode", "EfiBootServicesData",
	"EfiRuntimeServicesCode", "EfiRuntimeServicesData",
	"EfiConventionalMemory", "EfiUnusableMemory", "EfiACPIReclaimMemory",
	"EfiACPIMemoryNVS", "EfiMemoryMappedIO",
	"EfiMemoryMappedIOPortSpace", "EfiPalCode", "EfiPersistentMemory",
};

static void add_name(struct scenario_run *run, uint64_t base, uint64_t size,
		     const char *name)
{
	run->names = xrealloc(run->names,
			      (run->name_count + 1) * sizeof(*run->names));
	run->names[run->name_count++] =
		(struct runtime_region){base, size, 0, name};
}

void regions_add(struct scenario_run *run, uint64_t base, uint64_t size,
		 uint32_t kind, const char *name)
{
	run->regions = xrealloc(run->regions,
				(run->region_count + 1) * sizeof(*run->regions));
	run->regions[run->region_count++] =
		(struct runtime_region){base, size, kind, name};
}

/*
 * The UEFI memory map an EFI firmware handed the agent at
 * ExitBootServices: runtime code and data, runtime MMIO, and the loader's
 * own memory (the OS-like caller) stay usable; every descriptor also names
 * its range for findings.
 */
bool regions_from_memory_map(struct scenario_run *run,
			     const struct session *s, const uint8_t *map,
			     size_t map_len, uint64_t stride, struct error *err)
{
	if (stride < sizeof(struct efi_memory_descriptor)) {
		return error_setf(err,
				  "the memory map's descriptor size %llu is "
				  "too small",
				  (unsigned long long)stride);
	}
	for (uint64_t off = 0; off + sizeof(struct efi_memory_descriptor) <=
			       map_len;
	     off += stride) {
		struct efi_memory_descriptor d;
		uint32_t kind = 0;
		uint64_t size;

		memcpy(&d, map + off, sizeof(d));
		size = d.number_of_pages * EFI_PAGE_SIZE;
		if (d.type >= EFI_MEMORY_TYPE_COUNT || size == 0 ||
		    d.number_of_pages > (UINT64_MAX >> 12)) {
			continue;
		}
		switch (d.type) {
		case EFI_RUNTIME_SERVICES_CODE:
			kind = AGENT_REGION_RUNTIME_CODE;
			break;
		case EFI_RUNTIME_SERVICES_DATA:
			kind = AGENT_REGION_RUNTIME_DATA;
			break;
		case EFI_MEMORY_MAPPED_IO:
			if ((d.attribute & EFI_MEMORY_RUNTIME) != 0) {
				kind = AGENT_REGION_RUNTIME_MMIO;
			}
			break;
		case EFI_LOADER_CODE:
		case EFI_LOADER_DATA:
			kind = AGENT_REGION_OS;
			break;
		default:
			break;
		}
		add_name(run, d.physical_start, size,
			 efi_memory_type_names[d.type]);
		if (kind != 0) {
			regions_add(run, d.physical_start, size, kind,
				   efi_memory_type_names[d.type]);
		}
	}
	if (secure_world_agent(s->world)->image_size != 0) {
		const struct agent *a = secure_world_agent(s->world);

		regions_add(run, a->image_base, a->image_size, AGENT_REGION_OS,
			    "the EFI agent's image");
	}
	return true;
}

bool regions_from_report(struct scenario_run *run, const struct session *s,
			 const struct step_run *sr, struct error *err)
{
	if (sr->result.flags == AGENT_RESULT_PAYLOAD_EFI_MEMMAP) {
		return regions_from_memory_map(run, s, sr->payload,
					       sr->payload_len,
					       sr->result.value[0], err);
	}
	if (sr->result.flags != AGENT_RESULT_PAYLOAD_REGIONS) {
		return true;
	}
	for (size_t i = 0; i + sizeof(struct agent_region) <= sr->payload_len;
	     i += sizeof(struct agent_region)) {
		struct agent_region r;

		memcpy(&r, sr->payload + i, sizeof(r));
		regions_add(run, r.base, r.size, r.kind, NULL);
	}
	return true;
}

/* Names of the image's sections, so that findings say what was touched. */
static size_t section_names(const struct session *s, struct guard_range *out,
			    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; s->image_loaded && i < s->image.section_count &&
			   n < max;
	     i++) {
		const struct image_section *sec = &s->image.sections[i];

		if (sec->size == 0) {
			continue;
		}
		out[n++] = (struct guard_range){sec->addr, sec->size, 0,
						sec->name};
	}
	return n;
}

bool regions_arm_guard(struct scenario_run *run, struct session *s,
		       struct error *err)
{
	static const char *const kinds[] = {"runtime", "runtime code",
					    "runtime data", "runtime MMIO",
					    "OS memory"};
	struct guard_range *allowed, *names;
	size_t n = 0, name_count;
	bool ok;

	if (run->region_count == 0) {
		return true; /* no regions reported: nothing to police */
	}
	allowed = xcalloc(run->region_count + 1, sizeof(*allowed));
	for (size_t i = 0; i < run->region_count; i++) {
		const struct runtime_region *r = &run->regions[i];
		unsigned access = GUARD_DATA;

		if (r->kind == AGENT_REGION_RUNTIME_CODE) {
			access = GUARD_EXEC | GUARD_DATA;
		} else if (r->kind == AGENT_REGION_OS) {
			access = GUARD_EXEC | GUARD_DATA;
		}
		allowed[n++] = (struct guard_range){
			r->base, r->size, access,
			r->name != NULL ? r->name
			: r->kind < 5	? kinds[r->kind]
					: "runtime"};
	}
	allowed[n++] = (struct guard_range){s->cfg.shared_buf_addr,
					    s->cfg.shared_buf_size, GUARD_DATA,
					    "MM shared buffer"};
	names = xcalloc(run->name_count + 64, sizeof(*names));
	name_count = section_names(s, names, 64);
	for (size_t i = 0; i < run->name_count; i++) {
		names[name_count++] = (struct guard_range){
			run->names[i].base, run->names[i].size, 0,
			run->names[i].name};
	}
	ok = machine_guard_runtime(s->machine, allowed, n, names, name_count,
				   err);
	free(allowed);
	free(names);
	return ok;
}

/*
 * The reference client's runtime regions from its link symbols (the same
 * three it reports to the agent: runtime code, runtime data, the console).
 */
void regions_from_symbols(struct scenario_run *run, const struct session *s)
{
	static const struct {
		const char *start, *end;
		uint32_t kind;
	} rows[] = {
		{"__rt_text_start", "__rt_text_end", AGENT_REGION_RUNTIME_CODE},
		{"__rt_data_start", "__rt_data_end", AGENT_REGION_RUNTIME_DATA},
	};
	const struct platform *pf = s->cfg.platform;
	uint64_t start, end;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (image_symbol(&s->image, rows[i].start, &start) &&
		    image_symbol(&s->image, rows[i].end, &end) &&
		    end > start) {
			regions_add(run, start, end - start, rows[i].kind,
				    NULL);
		}
	}
	regions_add(run, pf->uart_base, 0x1000, AGENT_REGION_RUNTIME_MMIO,
		    NULL);
}

