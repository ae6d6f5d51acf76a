#include "emulator/disasm.h"

#include <stdio.h>
#include <string.h>

bool disasm_init(struct disasm *d, struct error *err)
{
	cs_err rc;

	memset(d, 0, sizeof(*d));
	rc = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &d->handle);
	if (rc != CS_ERR_OK) {
		return error_setf(err, "capstone: %s", cs_strerror(rc));
	}
	/* Operand details feed disasm_memory_address(). */
	cs_option(d->handle, CS_OPT_DETAIL, CS_OPT_ON);
	d->insn = cs_malloc(d->handle);
	if (d->insn == NULL) {
		cs_close(&d->handle);
		return error_setf(err, "capstone: cs_malloc failed");
	}
	d->open = true;
	return true;
}

void disasm_free(struct disasm *d)
{
	if (!d->open) {
		return;
	}
	cs_free(d->insn, 1);
	cs_close(&d->handle);
	d->open = false;
}

void disasm_word(struct disasm *d, uint64_t addr, uint32_t word, char *out,
		 size_t size)
{
	uint8_t bytes[4] = {(uint8_t)word, (uint8_t)(word >> 8),
			    (uint8_t)(word >> 16), (uint8_t)(word >> 24)};
	const uint8_t *code = bytes;
	size_t len = sizeof(bytes);
	uint64_t a = addr;

	if (d->open && cs_disasm_iter(d->handle, &code, &len, &a, d->insn)) {
		snprintf(out, size, "%s %s", d->insn->mnemonic,
			 d->insn->op_str);
	} else {
		snprintf(out, size, ".inst 0x%08x", (unsigned)word);
	}
}

/* The value of a Capstone register operand; false if not a general one. */
static bool reg_value(arm64_reg reg, const struct disasm_regs *r,
		      uint64_t *out)
{
	if (reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28) {
		*out = r->x[reg - ARM64_REG_X0];
	} else if (reg == ARM64_REG_X29 || reg == ARM64_REG_X30) {
		*out = r->x[reg == ARM64_REG_X29 ? 29 : 30];
	} else if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30) {
		*out = (uint32_t)r->x[reg - ARM64_REG_W0];
	} else if (reg == ARM64_REG_SP) {
		*out = r->sp;
	} else if (reg == ARM64_REG_WSP) {
		*out = (uint32_t)r->sp;
	} else if (reg == ARM64_REG_XZR || reg == ARM64_REG_WZR) {
		*out = 0;
	} else {
		return false;
	}
	return true;
}

/* Applies an index register's extension and shift ([x0, w1, sxtw #3]). */
static uint64_t index_value(const cs_arm64_op *op, uint64_t v)
{
	switch (op->ext) {
	case ARM64_EXT_UXTW:
		v = (uint32_t)v;
		break;
	case ARM64_EXT_SXTW:
		v = (uint64_t)(int64_t)(int32_t)v;
		break;
	default:
		break;
	}
	if (op->shift.type == ARM64_SFT_LSL) {
		v <<= op->shift.value;
	}
	return v;
}

bool disasm_memory_address(struct disasm *d, uint64_t addr, uint32_t word,
			   const struct disasm_regs *r, uint64_t *ea,
			   bool *ends_block)
{
	uint8_t bytes[4] = {(uint8_t)word, (uint8_t)(word >> 8),
			    (uint8_t)(word >> 16), (uint8_t)(word >> 24)};
	const uint8_t *code = bytes;
	size_t len = sizeof(bytes);
	uint64_t a = addr;
	const cs_arm64 *arm;

	*ends_block = false;
	if (!d->open || !cs_disasm_iter(d->handle, &code, &len, &a, d->insn) ||
	    d->insn->detail == NULL) {
		return false;
	}
	*ends_block = cs_insn_group(d->handle, d->insn, CS_GRP_JUMP) ||
		      cs_insn_group(d->handle, d->insn, CS_GRP_CALL) ||
		      cs_insn_group(d->handle, d->insn, CS_GRP_RET);
	arm = &d->insn->detail->arm64;
	for (uint8_t i = 0; i < arm->op_count; i++) {
		const cs_arm64_op *op = &arm->operands[i];
		uint64_t base, index = 0;
		bool post_index;

		if (op->type != ARM64_OP_MEM ||
		    !reg_value(op->mem.base, r, &base)) {
			continue;
		}
		if (op->mem.index != ARM64_REG_INVALID) {
			if (!reg_value(op->mem.index, r, &index)) {
				return false;
			}
			index = index_value(op, index);
		}
		/* Post-index ("[x1], #8") lists the offset as its own operand. */
		post_index = arm->writeback && i + 1 < arm->op_count &&
			     arm->operands[i + 1].type == ARM64_OP_IMM;
		*ea = base + index + (post_index ? 0 : (uint64_t)(int64_t)op->mem.disp);
		return true;
	}
	return false;
}
