# The C hostile images (firmware/hostile/c/), included by firmware.mk:
# firmware that misuses FF-A and MM communicate on purpose, then powers off.
# Each firmware/hostile/c/<name>.c becomes $(FW_OUT)/hostile/<name>.elf,
# next to the assembly ones; start.S and lib.c are shared by all of them,
# and they link the firmware library (firmware/lib, $(FWLIB)).
# tests/integration/test-hostile-corpus.sh runs every image.

HOSTILE_C_DIR := firmware/hostile/c
HOSTILE_C_COMMON := $(HOSTILE_C_DIR)/start.S $(HOSTILE_C_DIR)/lib.c
HOSTILE_C_SRCS := $(filter-out $(HOSTILE_C_COMMON),\
	$(wildcard $(HOSTILE_C_DIR)/*.c))
HOSTILE_C_ELFS := $(patsubst $(HOSTILE_C_DIR)/%.c,$(FW_OUT)/hostile/%.elf,\
	$(HOSTILE_C_SRCS))
HOSTILE_C_OBJ := $(FW_OUT)/hostile/c-obj
HOSTILE_C_COMMON_OBJS := $(HOSTILE_C_OBJ)/start.o $(HOSTILE_C_OBJ)/lib.o
HOSTILE_C_DEPS := $(HOSTILE_C_DIR)/hostile.h $(wildcard include/abi/*.h) \
	$(FWLIB_DIR)/fwlib.h firmware/hostile/hostile.mk
HOSTILE_C_CFLAGS := $(FW_CFLAGS) -I$(HOSTILE_C_DIR)

$(HOSTILE_C_OBJ)/start.o: $(HOSTILE_C_DIR)/start.S $(HOSTILE_C_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(FW_CC) $(HOSTILE_C_CFLAGS) -c $< -o $@

$(HOSTILE_C_OBJ)/%.o: $(HOSTILE_C_DIR)/%.c $(HOSTILE_C_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(FW_CC) $(HOSTILE_C_CFLAGS) -c $< -o $@

# A static pattern rule: it wins over firmware.mk's rule for hostile/*.S.
$(HOSTILE_C_ELFS): $(FW_OUT)/hostile/%.elf: $(HOSTILE_C_OBJ)/%.o \
		$(HOSTILE_C_COMMON_OBJS) $(HOSTILE_C_DIR)/link.ld $(FWLIB)
	@echo "  FW      $@"
	$(Q)$(FW_LD) $(FW_LDFLAGS) -T $(HOSTILE_C_DIR)/link.ld -o $@ \
		$(HOSTILE_C_COMMON_OBJS) $< $(FWLIB)

firmware: $(HOSTILE_C_ELFS)
