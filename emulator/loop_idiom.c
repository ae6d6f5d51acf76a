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

static bool fill_words(uint64_t head_pc, const uint32_t head[3],
		       uint64_t body_pc, const uint32_t body[3],
		       struct loop_idiom *out)
{
	unsigned t = rd(head[0]), end = rn(head[0]), i = rm(head[0]);
	unsigned v = rd(body[0]), b = rn(body[0]);

	if ((head[0] & SUB_REG_MASK) != SUB_REG_BITS ||
	    (head[1] & CMP_7_MASK) != CMP_7_BITS || rn(head[1]) != t ||
	    (head[2] & B_HI_MASK) != B_HI_BITS ||
	    b_cond_target(head_pc + 8, head[2]) != body_pc ||
	    (body[0] & STR_REG_MASK) != STR_REG_BITS || rm(body[0]) != i ||
	    (body[1] & ADD_8_MASK) != ADD_8_BITS || rd(body[1]) != i ||
	    rn(body[1]) != i || (body[2] & B_MASK) != B_BITS ||
	    b_target(body_pc + 8, body[2]) != head_pc) {
		return false;
	}
	/* Only the index and the head's temporary change in the loop. */
	if (t == XZR || end == XZR || i == XZR || v == XZR || b == XZR ||
	    i == t || i == end || i == v || i == b || t == end || t == v ||
	    t == b) {
		return false;
	}
	*out = (struct loop_idiom){
		.kind = LOOP_IDIOM_FILL_WORDS,
		.end_reg = end,
		.index_reg = i,
		.base_reg = b,
		.value_reg = v,
		.temp_reg = t,
		.step = 8,
		.insns_per_iteration = 2 * LOOP_IDIOM_BLOCK_INSNS,
	};
	return true;
}

bool loop_idiom_match(uint64_t head_pc, const uint32_t head[3],
		      uint64_t body_pc, const uint32_t body[3],
		      struct loop_idiom *out)
{
	out->kind = LOOP_IDIOM_NONE;
	return fill_words(head_pc, head, body_pc, body, out);
}

uint64_t loop_idiom_iterations(const struct loop_idiom *l, uint64_t end,
			       uint64_t index)
{
	uint64_t left = end - index; /* what the head compares, wrapping */

	if (l->kind != LOOP_IDIOM_FILL_WORDS || left <= 7) {
		return 0;
	}
	/* left, left - 8, ... stay above 7 for left / 8 iterations. */
	return left / 8;
}
