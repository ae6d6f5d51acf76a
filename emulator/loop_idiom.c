#include "emulator/loop_idiom.h"

/*
 * A64 encodings (Arm Architecture Reference Manual for A-profile, C4.1):
 * register fields are Rd/Rt bits 0-4, Rn bits 5-9, Rm bits 16-20.
 */
#define SUB_REG_MASK UINT32_C(0xffe0fc00) /* SUB Xd, Xn, Xm (LSL #0) */
#define SUB_REG_BITS UINT32_C(0xcb000000)
#define CMP_7_MASK UINT32_C(0xfffffc1f) /* SUBS XZR, Xn, #7 */
#define CMP_7_BITS UINT32_C(0xf1001c1f)
#define B_HI_MASK UINT32_C(0xff00001f) /* B.HI label */
#define B_HI_BITS UINT32_C(0x54000008)
#define STR_REG_MASK UINT32_C(0xffe0fc00) /* STR Xt, [Xn, Xm] */
#define STR_REG_BITS UINT32_C(0xf8206800)
#define ADD_8_MASK UINT32_C(0xfffffc00) /* ADD Xd, Xn, #8 */
#define ADD_8_BITS UINT32_C(0x91002000)
#define B_MASK UINT32_C(0xfc000000) /* B label */
#define B_BITS UINT32_C(0x14000000)
#define CMP_REG_MASK UINT32_C(0xffe0fc1f) /* SUBS XZR, Xn, Xm (LSL #0) */
#define CMP_REG_BITS UINT32_C(0xeb00001f)
#define B_NE_MASK UINT32_C(0xff00001f) /* B.NE label */
#define B_NE_BITS UINT32_C(0x54000001)
#define LDRB_REG_MASK UINT32_C(0xffe0fc00) /* LDRB Wt, [Xn, Xm] */
#define LDRB_REG_BITS UINT32_C(0x38606800)
#define STRB_REG_MASK UINT32_C(0xffe0fc00) /* STRB Wt, [Xn, Xm] */
#define STRB_REG_BITS UINT32_C(0x38206800)
#define ADD_1_MASK UINT32_C(0xfffffc00) /* ADD Xd, Xn, #1 */
#define ADD_1_BITS UINT32_C(0x91000400)

#define XZR 31u /* or SP: refused everywhere */

static unsigned rd(uint32_t w)
{
	return w & 31u;
}

static unsigned rn(uint32_t w)
{
	return (w >> 5) & 31u;
}

static unsigned rm(uint32_t w)
{
	return (w >> 16) & 31u;
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	uint64_t sign = UINT64_C(1) << (bits - 1);

	return (int64_t)((v ^ sign) - sign);
}

/* The target of B.cond at pc. */
static uint64_t b_cond_target(uint64_t pc, uint32_t w)
{
	return pc + (uint64_t)(sign_extend((w >> 5) & 0x7ffffu, 19) * 4);
}

/* The target of B at pc. */
static uint64_t b_target(uint64_t pc, uint32_t w)
{
	return pc + (uint64_t)(sign_extend(w & 0x3ffffffu, 26) * 4);
}

/* Whether r is one of the n others. */
static bool is_one_of(unsigned r, const unsigned *others, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		if (others[k] == r) {
			return true;
		}
	}
	return false;
}

static bool fill_words(const struct loop_block *head,
		       const struct loop_block *body, struct loop_idiom *out)
{
	const uint32_t *h = head->words, *b = body->words;
	unsigned t = rd(h[0]), end = rn(h[0]), i = rm(h[0]);
	unsigned v = rd(b[0]), base = rn(b[0]);
	const unsigned regs[] = {t, end, i, v, base};

	if (head->count != 3 || body->count != 3 ||
	    (h[0] & SUB_REG_MASK) != SUB_REG_BITS ||
	    (h[1] & CMP_7_MASK) != CMP_7_BITS || rn(h[1]) != t ||
	    (h[2] & B_HI_MASK) != B_HI_BITS ||
	    b_cond_target(head->pc + 8, h[2]) != body->pc ||
	    (b[0] & STR_REG_MASK) != STR_REG_BITS || rm(b[0]) != i ||
	    (b[1] & ADD_8_MASK) != ADD_8_BITS || rd(b[1]) != i ||
	    rn(b[1]) != i || (b[2] & B_MASK) != B_BITS ||
	    b_target(body->pc + 8, b[2]) != head->pc) {
		return false;
	}
	/* Only the index and the head's temporary change in the loop. */
	if (is_one_of(XZR, regs, 5) ||
	    is_one_of(i, (const unsigned[]){t, end, v, base}, 4) ||
	    is_one_of(t, (const unsigned[]){end, v, base}, 3)) {
		return false;
	}
	*out = (struct loop_idiom){
		.kind = LOOP_IDIOM_FILL_WORDS,
		.end_reg = end,
		.index_reg = i,
		.base_reg = base,
		.value_reg = v,
		.temp_reg = t,
		.step = 8,
		.insns_per_iteration = 6,
	};
	return true;
}

static bool copy_bytes(const struct loop_block *head,
		       const struct loop_block *body, struct loop_idiom *out)
{
	const uint32_t *h = head->words, *b = body->words;
	unsigned i = rd(b[2]), t = rd(b[0]), src = rn(b[0]), dst = rn(b[1]);
	unsigned end = rn(h[0]) == i ? rm(h[0]) : rn(h[0]);
	const unsigned regs[] = {i, t, src, dst, end};

	if (head->count != 2 || body->count != 4 ||
	    (h[0] & CMP_REG_MASK) != CMP_REG_BITS ||
	    (rn(h[0]) != i && rm(h[0]) != i) ||
	    (h[1] & B_NE_MASK) != B_NE_BITS ||
	    b_cond_target(head->pc + 4, h[1]) != body->pc ||
	    (b[0] & LDRB_REG_MASK) != LDRB_REG_BITS || rm(b[0]) != i ||
	    (b[1] & STRB_REG_MASK) != STRB_REG_BITS || rm(b[1]) != i ||
	    rd(b[1]) != t || (b[2] & ADD_1_MASK) != ADD_1_BITS ||
	    rn(b[2]) != i || (b[3] & B_MASK) != B_BITS ||
	    b_target(body->pc + 12, b[3]) != head->pc) {
		return false;
	}
	/* Only the index and the byte in flight change in the loop. */
	if (is_one_of(XZR, regs, 5) ||
	    is_one_of(i, (const unsigned[]){t, src, dst, end}, 4) ||
	    is_one_of(t, (const unsigned[]){src, dst, end}, 3)) {
		return false;
	}
	*out = (struct loop_idiom){
		.kind = LOOP_IDIOM_COPY_BYTES,
		.end_reg = end,
		.index_reg = i,
		.base_reg = dst,
		.source_reg = src,
		.temp_reg = t,
		.step = 1,
		.insns_per_iteration = 6,
	};
	return true;
}

bool loop_idiom_match(const struct loop_block *head,
		      const struct loop_block *body, struct loop_idiom *out)
{
	out->kind = LOOP_IDIOM_NONE;
	return fill_words(head, body, out) || copy_bytes(head, body, out);
}

uint64_t loop_idiom_iterations(const struct loop_idiom *l, uint64_t end,
			       uint64_t index)
{
	uint64_t left = end - index; /* what the head compares, wrapping */

	switch (l->kind) {
	case LOOP_IDIOM_FILL_WORDS:
		/* left, left - 8, ... stay above 7 for left / 8 turns. */
		return left > 7 ? left / 8 : 0;
	case LOOP_IDIOM_COPY_BYTES:
		return left; /* one a byte until Xi == Xend */
	default:
		return 0;
	}
}
