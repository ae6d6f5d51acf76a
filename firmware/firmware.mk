# Firmware built here with clang --target=aarch64-none-elf and ld.lld.
# Included by the top-level Makefile; outputs go to $(FW_OUT).
#
#   lib/libfw.a              helpers shared by the images (firmware/lib)
#   refclient.elf            the reference client
#   refclient-<bug>.elf      one seeded-bug variant per name in SEEDED_BUGS
#                            (SEEDED_BUG = its position, 1-based)

FW_OUT := $(OUT)/firmware
FW_CC := clang
FW_LD := ld.lld
FW_AR := llvm-ar
FW_CFLAGS := --target=aarch64-none-elf -std=c11 -O2 -g -ffreestanding \
	-fno-builtin -nostdlib -fno-stack-protector -fno-pic -mcmodel=small \
	-mgeneral-regs-only -mstrict-align -Wall -Wextra -Werror \
	-Iinclude -Ifirmware/lib -Ifirmware/refclient
FW_LDFLAGS := -nostdlib -static --no-undefined

# The helpers shared by the reference client, the C hostile images and the
# benchmark images (firmware/lib/fwlib.h), compiled once.  An archive, so
# that each image links only the members it calls.
FWLIB_DIR := firmware/lib
FWLIB_SRCS := $(FWLIB_DIR)/smccc.S $(FWLIB_DIR)/string.c $(FWLIB_DIR)/uart.c
FWLIB_OBJS := $(patsubst $(FWLIB_DIR)/%,$(FW_OUT)/lib/%.o,$(FWLIB_SRCS))
FWLIB := $(FW_OUT)/lib/libfw.a

$(FW_OUT)/lib/%.o: $(FWLIB_DIR)/% $(FWLIB_DIR)/fwlib.h \
		$(wildcard include/abi/*.h) firmware/firmware.mk
	@mkdir -p $(dir $@)
	$(Q)$(FW_CC) $(FW_CFLAGS) -c $< -o $@

$(FWLIB): $(FWLIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(FW_AR) rcs $@ $^

# Order matters: the position is the SEEDED_BUG number (seeded_bugs.h).
SEEDED_BUGS := no-clean-before-doorbell no-invalidate-after-response \
	unpacked-access-variable runtime-calls-boot-helper \
	zero-partition-id-at-runtime wrong-error-mapping \
	direct-req-before-version message-length-without-name \
	rx-never-released accepts-larger-response \
	direct-req-32-with-64-offset setway-flush-at-runtime \
	no-rxtx-unmap-at-ebs stale-partition-id-in-boot-data \
	exits-boot-services-alone \
	mem-v1-1-layout-after-v1-0 mem-constituent-past-composite \
	mem-reclaim-before-relinquish mem-lend-without-zero-flag \
	mem-double-retrieve mem-write-after-lend mem-read-after-donate

REFCLIENT_SRCS := $(wildcard firmware/refclient/*.c) firmware/refclient/start.S
REFCLIENT_DEPS := $(REFCLIENT_SRCS) $(wildcard firmware/refclient/*.h) \
	firmware/refclient/linker.ld $(wildcard include/abi/*.h) \
	$(FWLIB_DIR)/fwlib.h $(FWLIB)

# $(1) = output ELF, $(2) = SEEDED_BUG number, $(3) = more flags
define build_refclient
	@mkdir -p $(dir $(1)).o-$(notdir $(1))
	@echo "  FW      $(1)"
	$(Q)for src in $(REFCLIENT_SRCS); do \
		$(FW_CC) $(FW_CFLAGS) -DSEEDED_BUG=$(2) $(3) -c $$src \
			-o $(dir $(1)).o-$(notdir $(1))/$$(basename $$src).o \
			|| exit 1; \
	done
	$(Q)$(FW_LD) $(FW_LDFLAGS) -T firmware/refclient/linker.ld \
		-o $(1) $(dir $(1)).o-$(notdir $(1))/*.o $(FWLIB)
endef

$(FW_OUT)/refclient.elf: $(REFCLIENT_DEPS) firmware/firmware.mk
	$(call build_refclient,$@,0)

define refclient_variant
$(FW_OUT)/refclient-$(1).elf: $(REFCLIENT_DEPS) firmware/firmware.mk
	$$(call build_refclient,$$@,$(2))
endef
$(foreach i,$(shell seq 1 $(words $(SEEDED_BUGS))),\
	$(eval $(call refclient_variant,$(word $(i),$(SEEDED_BUGS)),$(i))))

FW_VARIANTS := $(foreach b,$(SEEDED_BUGS),$(FW_OUT)/refclient-$(b).elf)

# The reference client speaking MM over OP-TEE (refclient/optee.c), and
# its seeded bugs, numbered after SEEDED_BUGS (seeded_bugs.h); run them on
# the qemu-virt-optee platform (docs/optee.md).
OPTEE_SEEDED_BUGS := optee-memref-outside-shm optee-session-never-opened \
	optee-wrong-param-type optee-shm-never-unregistered
$(FW_OUT)/refclient-optee.elf: $(REFCLIENT_DEPS) firmware/firmware.mk
	$(call build_refclient,$@,0,-DMM_TRANSPORT_OPTEE=1)
define refclient_optee_variant
$(FW_OUT)/refclient-$(1).elf: $(REFCLIENT_DEPS) firmware/firmware.mk
	$$(call build_refclient,$$@,$(2),-DMM_TRANSPORT_OPTEE=1)
endef
$(foreach i,$(shell seq 1 $(words $(OPTEE_SEEDED_BUGS))),\
	$(eval $(call refclient_optee_variant,$(word $(i),$(OPTEE_SEEDED_BUGS)),$(shell expr $(words $(SEEDED_BUGS)) + $(i)))))
FW_VARIANTS += $(FW_OUT)/refclient-optee.elf \
	$(foreach b,$(OPTEE_SEEDED_BUGS),$(FW_OUT)/refclient-$(b).elf)

# The reference client negotiating FF-A v1.1 (notifications, v1.1
# descriptors: firmware/refclient/notiftest.c), and its seeded bugs,
# numbered after OPTEE_SEEDED_BUGS (seeded_bugs.h).
NOTIF_SEEDED_BUGS := notif-set-before-bind notif-get-wrong-receiver \
	notif-bind-twice notif-destroy-with-pending
$(FW_OUT)/refclient-ffa-v1-1.elf: $(REFCLIENT_DEPS) firmware/firmware.mk
	$(call build_refclient,$@,0,-DFFA_CLIENT_V1_1=1)
define refclient_notif_variant
$(FW_OUT)/refclient-$(1).elf: $(REFCLIENT_DEPS) firmware/firmware.mk
	$$(call build_refclient,$$@,$(2),-DFFA_CLIENT_V1_1=1)
endef
$(foreach i,$(shell seq 1 $(words $(NOTIF_SEEDED_BUGS))),\
	$(eval $(call refclient_notif_variant,$(word $(i),$(NOTIF_SEEDED_BUGS)),$(shell expr $(words $(SEEDED_BUGS)) + $(words $(OPTEE_SEEDED_BUGS)) + $(i)))))
FW_VARIANTS += $(FW_OUT)/refclient-ffa-v1-1.elf \
	$(foreach b,$(NOTIF_SEEDED_BUGS),$(FW_OUT)/refclient-$(b).elf)

firmware: $(FW_OUT)/refclient.elf $(FW_VARIANTS)

# Hostile images: each firmware/hostile/<name>.S becomes <name>.elf, a
# firmware that faults, hangs or misbehaves on purpose (tests/integration).
HOSTILE_SRCS := $(wildcard firmware/hostile/*.S)
HOSTILE_ELFS := $(patsubst firmware/hostile/%.S,$(FW_OUT)/hostile/%.elf,$(HOSTILE_SRCS))

$(FW_OUT)/hostile/%.elf: firmware/hostile/%.S firmware/hostile/hostile.ld
	@mkdir -p $(dir $@)
	@echo "  FW      $@"
	$(Q)$(FW_CC) $(FW_CFLAGS) -c $< -o $@.o
	$(Q)$(FW_LD) $(FW_LDFLAGS) -T firmware/hostile/hostile.ld -o $@ $@.o

firmware: $(HOSTILE_ELFS)

# The EFI agent: a PE32+ UEFI application for AArch64 (clang for the
# aarch64 Windows target, lld-link), started inside UEFI firmware.
EFI_CFLAGS := --target=aarch64-unknown-windows -std=c11 -O2 -ffreestanding \
	-fno-builtin -fno-stack-protector -fshort-wchar -mgeneral-regs-only \
	-mstrict-align -Wall -Wextra -Werror -Iinclude
EFI_AGENT := $(FW_OUT)/efi-agent.efi

$(EFI_AGENT): firmware/efi-agent/efi_agent.c $(wildcard include/abi/*.h) \
		firmware/firmware.mk
	@mkdir -p $(dir $@)
	@echo "  EFI     $@"
	$(Q)$(FW_CC) $(EFI_CFLAGS) -c $< -o $@.obj
	$(Q)lld-link -subsystem:efi_application -entry:efi_main -nodefaultlib \
		-out:$@ $@.obj

firmware: $(EFI_AGENT)

# More firmware, each with its own rules: C hostile images, benchmark
# images (owned by their directories).
-include firmware/hostile/hostile.mk
-include firmware/bench/bench.mk

# The EL3 relay for the QEMU backend (docs/qemu-backend.md): a raw binary
# for -bios; emulator/qemu.c patches its parameter block per run.
RELAY_SRCS := firmware/el3-relay/start.S firmware/el3-relay/relay.c
EL3_RELAY := $(FW_OUT)/el3-relay.bin

$(FW_OUT)/el3-relay.elf: $(RELAY_SRCS) firmware/el3-relay/relay.ld \
		include/abi/qemu_relay.h firmware/firmware.mk
	@mkdir -p $(FW_OUT)/el3-relay
	@echo "  FW      $@"
	$(Q)for src in $(RELAY_SRCS); do \
		$(FW_CC) $(FW_CFLAGS) -c $$src \
			-o $(FW_OUT)/el3-relay/$$(basename $$src).o || exit 1; \
	done
	$(Q)$(FW_LD) $(FW_LDFLAGS) -T firmware/el3-relay/relay.ld -o $@ \
		$(FW_OUT)/el3-relay/start.S.o $(FW_OUT)/el3-relay/relay.c.o

$(EL3_RELAY): $(FW_OUT)/el3-relay.elf
	$(Q)llvm-objcopy -O binary $< $@

firmware: $(EL3_RELAY)

# The relay's fault-path test image (an SMC from AArch32 EL1).
$(FW_OUT)/el3-relay/aarch32-smc.elf: firmware/el3-relay/aarch32-smc.S \
		firmware/hostile/hostile.ld
	@mkdir -p $(dir $@)
	@echo "  FW      $@"
	$(Q)$(FW_CC) $(FW_CFLAGS) -c $< -o $@.o
	$(Q)$(FW_LD) $(FW_LDFLAGS) -T firmware/hostile/hostile.ld -o $@ $@.o

firmware: $(FW_OUT)/el3-relay/aarch32-smc.elf
