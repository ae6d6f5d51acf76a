#include "models/inject.h"

#include <string.h>

#include "abi/ffa.h"

void inject_init(struct injector *inj)
{
	memset(inj, 0, sizeof(*inj));
}

bool inject_add(struct injector *inj, const struct inject_rule *rule)
{
	if (inj->count == INJECT_MAX_RULES) {
		return false;
	}
	inj->rules[inj->count] = *rule;
	inj->rules[inj->count].hits = 0;
	inj->count++;
	return true;
}

/*
 * Rules are tried in the order they were added; the first live match wins.
 * A rule still skipping lets the call through (counting it) and the later
 * rules are tried: the call is not its to answer yet.
 */
static struct inject_rule *fire(struct injector *inj, enum inject_kind kind,
				uint32_t fid, uint32_t default_fid,
				uint64_t mm_function)
{
	for (size_t i = 0; i < inj->count; i++) {
		struct inject_rule *r = &inj->rules[i];
		uint32_t on = r->on_fid != 0 ? r->on_fid : default_fid;

		if (r->kind != kind || (!r->every && r->remaining == 0) ||
		    (r->after_exit_boot_services &&
		     !lifecycle_exiting_or_later(inj->lifecycle)) ||
		    (fid != 0 && on != 0 && on != fid) ||
		    (r->has_mm_function && r->mm_function != mm_function)) {
			continue;
		}
		if (r->skip != 0) {
			r->skip--;
			continue;
		}
		if (!r->every) {
			r->remaining--;
		}
		r->hits++;
		return r;
	}
	return NULL;
}

/*
 * FF-A errors default to the doorbell (either width); rules naming another
 * function fire on that function.
 */
struct inject_rule *inject_ffa_error(struct injector *inj, uint32_t fid,
				     uint64_t mm_function)
{
	bool doorbell = fid == FFA_MSG_SEND_DIRECT_REQ_64 ||
			fid == FFA_MSG_SEND_DIRECT_REQ_32;

	return fire(inj, INJECT_KIND_FFA_ERROR, fid,
		    doorbell ? fid : FFA_MSG_SEND_DIRECT_REQ_64, mm_function);
}

struct inject_rule *inject_rx_busy(struct injector *inj)
{
	return fire(inj, INJECT_KIND_RX_BUSY, 0, 0, UINT64_MAX);
}

struct inject_rule *inject_mm(struct injector *inj, enum inject_kind kind,
			      uint64_t mm_function)
{
	return fire(inj, kind, 0, 0, mm_function);
}
