/*
 * AArch64 disassembly with Capstone, one handle per machine, for fault
 * verdicts and findings ("the instruction at PC and around it").
 */
#ifndef EMULATOR_DISASM_H
#define EMULATOR_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/capstone.h>

#include "common/error.h"

struct disasm {
	csh handle;
	cs_insn *insn;
	bool open;
};

bool disasm_init(struct disasm *d, struct error *err);
void disasm_free(struct disasm *d);
/* "ldr x0, [x1, #8]" for the 4-byte instruction word at addr. */
void disasm_word(struct disasm *d, uint64_t addr, uint32_t word, char *out,
		 size_t size);

/* General registers as an address computation reads them. */
struct disasm_regs {
	uint64_t x[31];
	uint64_t sp;
};

/*
 * If the instruction accesses memory, sets *ea to the address of its first
 * byte given registers r (pre-, post-index and register offsets with shift
 * or extension) and returns true.  *ends_block is set for branches.
 */
bool disasm_memory_address(struct disasm *d, uint64_t addr, uint32_t word,
			   const struct disasm_regs *r, uint64_t *ea,
			   bool *ends_block);

#endif /* EMULATOR_DISASM_H */
