#include "emulator/pl031.h"

/* PrimeCell identification of a PL031 (QEMU hw/rtc/pl031.c gives these). */
static const uint8_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1};

void pl031_init(struct pl031 *s)
{
	s->offset = PL031_EPOCH;
	s->match = 0;
	s->imsc = 0;
}

uint32_t pl031_read(struct pl031 *s, uint64_t offset, uint64_t now_seconds)
{
	switch (offset) {
	case PL031_DR:
		return s->offset + (uint32_t)now_seconds;
	case PL031_MR:
		return s->match;
	case PL031_LR:
		return s->offset + (uint32_t)now_seconds;
	case PL031_CR:
		return 1; /* always enabled */
	case PL031_IMSC:
		return s->imsc;
	case PL031_RIS:
	case PL031_MIS:
		return 0;
	default:
		if (offset >= 0xfe0 && offset < 0x1000) {
			return pl031_id[(offset - 0xfe0) >> 2];
		}
		return 0;
	}
}

void pl031_write(struct pl031 *s, uint64_t offset, uint32_t value,
		 uint64_t now_seconds)
{
	switch (offset) {
	case PL031_LR:
		/* Loading sets the clock: keep it counting from there. */
		s->offset = value - (uint32_t)now_seconds;
		break;
	case PL031_MR:
		s->match = value;
		break;
	case PL031_IMSC:
		s->imsc = value & 1u;
		break;
	default:
		break; /* CR can only start it; ICR clears nothing modelled */
	}
}
