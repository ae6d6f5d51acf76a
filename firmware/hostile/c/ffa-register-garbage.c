/*
 * Every FF-A function number (0x60..0x97), in its SMC32 and SMC64 forms,
 * with garbage in the upper half of x0 and in x1..x17, then in x1..x7,
 * x1..x3 and x1 only (the rest zero, so that the must-be-zero checks pass
 * and the handlers see the garbage), after a correct FFA_VERSION.  The
 * SPMC must answer every call with a
 * defined FF-A return and stay consistent; the harness must record
 * findings, never crash.  The garbage is a fixed xorshift sequence, so the
 * findings are the same every run (the table in
 * tests/integration/test-hostile-corpus.sh).
 */
#include "hostile.h"

void hostile_main(void);

/* The last register with garbage, per round. */
static const unsigned last_garbage[] = {17, 7, 3, 1};

static uint64_t state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t garbage(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* Whether x0 is a shape an FF-A answer can have. */
static int defined_answer(uint32_t fid, uint64_t x0)
{
	if ((fid & 0xffff) == 0x63) { /* FFA_VERSION answers in w0 */
		return 1;
	}
	return x0 == FFA_ERROR || x0 == FFA_SUCCESS_32 ||
	       x0 == FFA_SUCCESS_64 || x0 == FFA_MSG_SEND_DIRECT_RESP_32 ||
	       x0 == FFA_MSG_SEND_DIRECT_RESP_64 ||
	       x0 == FFA_MSG_SEND_DIRECT_RESP2;
}

void hostile_main(void)
{
	struct smccc_regs r;
	uint64_t undefined = 0;
	uint64_t calls = 0;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION", r.x[0], FFA_VERSION_1_2);
	for (unsigned round = 0; round < 4; round++) {
		for (uint32_t n = FFA_FUNC_FIRST; n <= FFA_FUNC_LAST; n++) {
			for (unsigned wide = 0; wide < 2; wide++) {
				uint32_t fid = wide ? FFA_FID64(n)
						    : FFA_FID32(n);

				r.x[0] = (garbage() << 32) | fid;
				for (unsigned i = 1; i < SMCCC_REG_COUNT; i++) {
					r.x[i] = i <= last_garbage[round]
							 ? garbage()
							 : 0;
				}
				smccc_call(&r);
				calls++;
				undefined += !defined_answer(fid, r.x[0]);
			}
		}
	}
	say_hex("calls", calls);
	expect_eq("every answer has a defined shape", undefined, 0);
	power_off();
}
