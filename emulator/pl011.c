#include "emulator/pl011.h"

#include <string.h>

/* PrimeCell identification: PL011 r1p5 (QEMU hw/char/pl011.c gives these). */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1};

void pl011_init(struct pl011 *s)
{
	memset(s, 0, sizeof(*s));
	s->cr = 0x300; /* TXE | RXE, as after reset */
	s->ifls = 0x12;
	s->idle_polls = PL011_IDLE_POLLS;
	s->answer_queries = true;
}

void pl011_free(struct pl011 *s)
{
	strbuf_free(&s->output);
	strbuf_free(&s->input);
}

size_t pl011_input_pending(const struct pl011 *s)
{
	return s->input.len - s->input_pos;
}

static void note_empty_poll(struct pl011 *s)
{
	if (pl011_input_pending(s) == 0) {
		s->empty_polls++;
	}
}

uint64_t pl011_read(struct pl011 *s, uint64_t offset, unsigned size)
{
	(void)size;
	switch (offset) {
	case PL011_DR:
		if (pl011_input_pending(s) == 0) {
			note_empty_poll(s);
			return 0;
		}
		s->empty_polls = 0;
		return (uint8_t)s->input.data[s->input_pos++];
	case PL011_RSR:
		return 0;
	case PL011_FR: {
		uint32_t fr = PL011_FR_TXFE;

		if (pl011_input_pending(s) == 0) {
			fr |= PL011_FR_RXFE;
			note_empty_poll(s);
		}
		return fr;
	}
	case PL011_IBRD:
		return s->ibrd;
	case PL011_FBRD:
		return s->fbrd;
	case PL011_LCR_H:
		return s->lcr_h;
	case PL011_CR:
		return s->cr;
	case PL011_IFLS:
		return s->ifls;
	case PL011_IMSC:
		return s->imsc;
	case PL011_DMACR:
		return s->dmacr;
	case PL011_RIS:
	case PL011_MIS:
		return 0; /* no interrupts are modelled */
	default:
		if (offset >= 0xfe0 && offset < 0x1000) {
			return pl011_id[(offset - 0xfe0) >> 2];
		}
		return 0;
	}
}

void pl011_write(struct pl011 *s, uint64_t offset, unsigned size,
		 uint64_t value)
{
	uint32_t v = (uint32_t)value;

	(void)size;
	switch (offset) {
	case PL011_DR: {
		char c = (char)(v & 0xff);

		strbuf_putc(&s->output, c);
		s->empty_polls = 0;
		memmove(s->tail, s->tail + 1, sizeof(s->tail) - 1);
		s->tail[sizeof(s->tail) - 1] = c;
		if (s->answer_queries && memcmp(s->tail, "\x1b[6n", 4) == 0) {
			pl011_feed(s, "\x1b[24;80R", 8);
			s->queries_answered++;
		}
		if (s->echo != NULL) {
			fputc((unsigned char)c, s->echo);
			if (c == '\n') {
				fflush(s->echo);
			}
		}
		break;
	}
	case PL011_IBRD:
		s->ibrd = v & 0xffff;
		break;
	case PL011_FBRD:
		s->fbrd = v & 0x3f;
		break;
	case PL011_LCR_H:
		s->lcr_h = v & 0xff;
		break;
	case PL011_CR:
		s->cr = v & 0xffff;
		break;
	case PL011_IFLS:
		s->ifls = v & 0x3f;
		break;
	case PL011_IMSC:
		s->imsc = v & 0x7ff;
		break;
	case PL011_DMACR:
		s->dmacr = v & 0x7;
		break;
	default:
		break; /* RSR/ECR clears errors, ICR clears interrupts: none */
	}
}

void pl011_feed(struct pl011 *s, const char *bytes, size_t len)
{
	/* Drop what was consumed so that the queue does not grow forever. */
	if (s->input_pos == s->input.len) {
		strbuf_reset(&s->input);
		s->input_pos = 0;
	}
	strbuf_append(&s->input, bytes, len);
	s->empty_polls = 0;
}

bool pl011_waiting_for_input(const struct pl011 *s)
{
	return pl011_input_pending(s) == 0 && s->empty_polls >= s->idle_polls;
}

void pl011_answer_queries(struct pl011 *s, bool on)
{
	s->answer_queries = on;
}

void pl011_restart_idle(struct pl011 *s)
{
	s->empty_polls = 0;
}

const char *pl011_output(const struct pl011 *s)
{
	return strbuf_str(&s->output);
}

size_t pl011_output_len(const struct pl011 *s)
{
	return s->output.len;
}
