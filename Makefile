# ffa-harness: see README.md.
#
#   make            build build/ffa-harness and the firmware
#   make run        build, then run the default scenario suite
#   make check      build, then every test (unit, integration, scenarios,
#                   the same under ASan/UBSan, fuzz regressions, upstream
#                   U-Boot built with FF-A)
#   make VARIANT=debug|san ...   other build variants (build/debug, build/san)
#
# Missing Debian packages are installed by scripts/install-deps.sh, which
# this Makefile runs first (set SKIP_DEPS=1 to skip it).

VARIANT ?= release
Q ?= @

ifeq ($(filter clean distclean help,$(MAKECMDGOALS)),)
ifneq ($(SKIP_DEPS),1)
DEPS_STATUS := $(shell scripts/install-deps.sh >&2; echo $$?)
ifneq ($(DEPS_STATUS),0)
$(error scripts/install-deps.sh failed; see its output above)
endif
endif
endif

ifeq ($(VARIANT),release)
OUT := build
VARIANT_CFLAGS := -O2 -g
# Not position-independent: with Unicorn linked in statically a PIE has
# 60 000 relocations to apply at every start (6 ms, and dirty pages each
# forked worker copies); the reference-client suite runs 7 % faster.
VARIANT_LDFLAGS := -no-pie
else ifeq ($(VARIANT),debug)
OUT := build/debug
VARIANT_CFLAGS := -O0 -g3
VARIANT_LDFLAGS :=
else ifeq ($(VARIANT),san)
OUT := build/san
VARIANT_CFLAGS := -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
VARIANT_LDFLAGS := -fsanitize=address,undefined
else
$(error VARIANT must be release, debug or san)
endif

CC ?= gcc
PKG_CONFIG ?= pkg-config
HOST_PKGS := unicorn capstone yaml-0.1 jansson

WARNINGS := -Wall -Wextra -pedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings -Wundef -Wformat=2 \
	-Wno-sign-compare -Wno-format-truncation -Werror
CPPFLAGS := -I. -Iinclude -D_GNU_SOURCE -MMD -MP
CFLAGS := -std=c11 $(WARNINGS) $(VARIANT_CFLAGS) \
	$(shell $(PKG_CONFIG) --cflags $(HOST_PKGS) 2>/dev/null)
LDFLAGS := $(VARIANT_LDFLAGS)
# Debian's libunicorn-dev ships the static library: linked in, the 19 MB
# shared object's 22 000 relocations are not done at every start (about a
# tenth of a U-Boot boot; docs/performance.md).
UNICORN_A := $(wildcard $(shell $(PKG_CONFIG) --variable=libdir unicorn 2>/dev/null)/libunicorn.a)
UNICORN_LIBS := $(if $(UNICORN_A),$(UNICORN_A),$(shell $(PKG_CONFIG) --libs unicorn 2>/dev/null))
# The same for Capstone (libcapstone-dev): its shared object has 77 000
# relocations, a twentieth of a reference-client suite run.
CAPSTONE_A := $(wildcard $(shell $(PKG_CONFIG) --variable=libdir capstone 2>/dev/null)/libcapstone.a)
CAPSTONE_LIBS := $(if $(CAPSTONE_A),$(CAPSTONE_A),$(shell $(PKG_CONFIG) --libs capstone 2>/dev/null))
LIBS := $(UNICORN_LIBS) $(CAPSTONE_LIBS) $(shell $(PKG_CONFIG) --libs $(filter-out unicorn capstone,$(HOST_PKGS)) 2>/dev/null) -lfdt -lpthread -lm
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

LIB_DIRS := common emulator models harness reports
LIB_SRCS := $(filter-out harness/main.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=$(OUT)/obj/%.o)
MAIN_OBJ := $(OUT)/obj/harness/main.o
BIN := $(OUT)/ffa-harness
LIB := $(OUT)/libffaharness.a

TEST_SRCS := $(wildcard tests/*.c)
TEST_OBJS := $(TEST_SRCS:%.c=$(OUT)/obj/%.o)
TEST_BIN := $(OUT)/tests/check_ffa_harness
SUITES_INC := $(OUT)/gen/suites.inc
SUITE_NAMES := $(patsubst tests/check_%.c,%,$(filter-out tests/check_main.c,$(wildcard tests/check_*.c)))

.PHONY: all run check check-build check-san unit unit-build integration \
	mutation mutation-uboot bench \
	fuzz uboot-ffa linux-bundle linux-kernel-ffa-builtin check-linux \
	firmware clean help man install
.DEFAULT_GOAL := all

all: $(BIN) firmware

include firmware/firmware.mk

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# Unicorn's uc_hook_add() takes callbacks as void *, which -pedantic rejects.
$(OUT)/obj/emulator/machine.o $(OUT)/obj/emulator/machine_hooks.o: CFLAGS += -Wno-pedantic

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LIBS)

# The suite list is generated from the file names, so that adding a module's
# tests needs no edit of a central list.
$(SUITES_INC): $(wildcard tests/check_*.c) Makefile
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' $(foreach s,$(SUITE_NAMES),'SUITE($(s))') > $@.tmp && \
		mv $@.tmp $@

$(OUT)/obj/tests/check_main.o: $(SUITES_INC)
$(OUT)/obj/tests/check_main.o: CPPFLAGS += -I$(OUT)/gen

$(TEST_BIN): $(TEST_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TEST_OBJS) $(LIB) $(LIBS) $(CHECK_LIBS)

# Unit tests (Check).  TESTLIST="spmc varstore" selects suites.
unit: $(TEST_BIN) firmware
	$(Q)FFAH_FW_DIR=$(FW_OUT) FFAH_TESTLIST="$(TESTLIST)" $(TEST_BIN)

# Tests that run the real binary (tests/integration/*.sh).  Under `make
# check` they wait for the Linux bundle (also with -j).
integration: $(BIN) firmware | $(if $(filter check,$(MAKECMDGOALS)),linux-bundle)
	$(Q)FFAH=$(BIN) FFAH_FW_DIR=$(FW_OUT) \
		FFAH_SANITIZER_RERUN=$(if $(filter san,$(VARIANT)),1,0) \
		tests/integration/run.sh

# The man page, from the --help texts (help2man, Debian's help2man).
MAN := $(OUT)/ffa-harness.1
man: $(MAN)
$(MAN): $(BIN) scripts/man-include.sh
	@echo "  MAN     $@"
	$(Q)scripts/man-include.sh $(BIN) > $(OUT)/man-include.h2m
	$(Q)help2man --no-info --no-discard-stderr \
		--include=$(OUT)/man-include.h2m --output=$@ $(BIN)

# make install PREFIX=/usr/local (DESTDIR for staging): the binary, the
# firmware it runs, the scenario library, U-Boot test/py's hook scripts,
# the man page, bash completion.
PREFIX ?= /usr/local
install: all $(MAN)
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/lib/ffa-harness/firmware \
		$(DESTDIR)$(PREFIX)/share/ffa-harness \
		$(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(Q)install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ffa-harness
	$(Q)cd $(FW_OUT) && find . -type f \( -name '*.elf' -o -name '*.efi' \
		-o -name el3-relay.bin \) \
		! -path './.o-*' ! -path '*/obj/*' -exec install -D -m 644 {} \
		$(DESTDIR)$(PREFIX)/lib/ffa-harness/firmware/{} \;
	$(Q)cp -R scenarios $(DESTDIR)$(PREFIX)/share/ffa-harness/
	$(Q)install -d $(DESTDIR)$(PREFIX)/share/ffa-harness/u-boot-test-hooks
	$(Q)install -m 755 scripts/u-boot-test-hooks/u-boot-test-* \
		$(DESTDIR)$(PREFIX)/share/ffa-harness/u-boot-test-hooks/
	$(Q)install -m 644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/ffa-harness.1
	$(Q)install -m 644 scripts/completion/ffa-harness.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ffa-harness
	@echo "installed in $(DESTDIR)$(PREFIX)"

run: $(BIN) firmware
	$(Q)scripts/make-run.sh $(BIN) $(FW_OUT)

# Unit, integration, the sanitizer rerun, the fuzz corpora and regressions
# replayed once (tests/fuzz/fuzz.mk), and upstream U-Boot with FF-A.  The
# Linux bundle comes first (cached: seconds once built) so that the
# integration tests run the Linux scenarios on QEMU
# (tests/integration/test-qemu-linux-scenarios.sh: the arm_ffa probe and
# pKVM; test-qemu-linux-optee.sh: tee_stmm_efi over OP-TEE); `make
# check-linux` runs all of scenarios/linux.
check: check-build linux-bundle unit integration check-san fuzz-regress uboot-ffa

# What `make check` compiles (release, ASan/UBSan and the fuzz targets),
# built first on every core; the tests then run one at a time.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check-build:
ifeq ($(VARIANT),release)
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) SKIP_DEPS=1 all $(TEST_BIN)
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) VARIANT=san SKIP_DEPS=1 \
		all unit-build
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) SKIP_DEPS=1 fuzz-build
endif

# The unit-test binary alone (check-build builds it for each variant).
unit-build: $(TEST_BIN)

# The unit and integration tests again, built with ASan and UBSan: any
# report fails the run (-fno-sanitize-recover, ASan aborts by default).
# The few integration tests in tests/integration/release-only.txt (large
# repeats of what others test) are not run a second time.
check-san:
ifeq ($(VARIANT),release)
	$(Q)$(MAKE) --no-print-directory VARIANT=san SKIP_DEPS=1 unit integration
endif

# Speed, measured (docs/performance.md): results in bench/results.json.
bench: $(BIN) firmware
	$(Q)scripts/bench.sh $(BIN) $(FW_OUT)

# Upstream U-Boot 2025.01 built from Debian's trixie sources with FF-A, and
# again over OP-TEE only, and the U-Boot suites against each (docs/uboot.md).
uboot-ffa: $(BIN) firmware
	$(Q)scripts/uboot-ffa.sh $(BIN) $(OUT)/uboot-ffa

# The QEMU backend's Linux bundle (docs/qemu-backend.md): Debian's arm64
# kernel, arm_ffa and tee_stmm_efi built out of tree, a busybox initramfs
# with Debian's tee and optee modules; cached under
# FFA_LINUX_CACHE (default ~/.cache/ffa-harness/linux).
linux-bundle:
	$(Q)scripts/linux-bundle.sh $(OUT)/linux

# A small virt-only kernel with arm_ffa built in, from Debian's
# linux-source-6.12, for scenarios/linux/init-order (docs/qemu-backend.md
# "The FF-A init order"): $(OUT)/linux/ffa-builtin.  About 10 minutes
# once, cached under FFA_LINUX_CACHE/ffa-builtin; not part of make check.
linux-kernel-ffa-builtin: linux-bundle
	$(Q)scripts/linux-ffa-builtin.sh $(OUT)/linux

# Every scenario of scenarios/linux on QEMU (docs/qemu-backend.md): the
# bundle, and the FF-A and OP-TEE U-Boots for the bootefi scenarios.  The init-order
# scenarios run when make linux-kernel-ffa-builtin has built their kernel,
# else a SKIPPED line names it.  Reports in $(OUT)/linux-report.
check-linux: $(BIN) firmware linux-bundle uboot-ffa
	$(Q)scripts/check-linux.sh $(BIN) $(FW_OUT) $(OUT)

# The seeded-bug table: which finding catches each reference-client variant.
mutation: $(BIN) firmware
	$(Q)scripts/mutation.sh $(BIN) $(FW_OUT)

# The mutation corpus of real U-Boot (tests/uboot-mutants, docs/checks.md):
# each patch built into the tree of uboot-ffa and caught as its header says.
mutation-uboot: uboot-ffa
	$(Q)scripts/mutation-uboot.sh $(BIN) $(OUT)/uboot-ffa --check

clean:
	rm -rf build

help:
	@sed -n '1,12p' Makefile

# libFuzzer targets (`make fuzz`), defined in tests/fuzz/fuzz.mk.
-include tests/fuzz/fuzz.mk

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJS:.o=.d)
