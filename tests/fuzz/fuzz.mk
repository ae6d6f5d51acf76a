# libFuzzer targets (tests/fuzz/fuzz_*.c), included by the top-level
# Makefile after its own variables.
#
#   make fuzz            build every target into $(OUT)/fuzz/ and run each
#                        for FUZZ_SECONDS (default 60) from its seed corpus;
#                        fails if any target crashed, leaked or hung
#   make fuzz-regress    replay every file of tests/fuzz/corpus/<target>/
#                        and tests/fuzz/regressions/<target>/ once (fast;
#                        for make check)
#   make fuzz-build      only build
#   make fuzz-<target>   run one target (fuzz-fuzz_mm), same variables
#
# Variables: FUZZ_SECONDS, FUZZ_TIMEOUT (seconds one input may take before
# it counts as a hang, default 10), FUZZ_ARGS (more libFuzzer options),
# FUZZ_TARGETS (a subset).
#
# The project's sources are compiled again with clang, coverage for the
# fuzzer, ASan and UBSan (never the release library); the targets link
# them from $(FUZZ_DIR)/libffaharness-fuzz.a.  Each run fuzzes a work copy
# of the seed corpus ($(FUZZ_DIR)/work/<target>/, kept between runs, the
# checked-in corpus is only read), and crash inputs are written to
# $(FUZZ_DIR)/artifacts/<target>/.  Once a crash is fixed, its input goes
# to tests/fuzz/regressions/<target>/ so that fuzz-regress replays it.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_ARGS ?=
FUZZ_DIR := $(OUT)/fuzz
FUZZ_ALL_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL_TARGETS)

FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# Others' files are built with their own (gcc) warning set elsewhere; here
# clang's extra warnings in them must not stop the fuzz build.
FUZZ_LIB_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Wno-sign-compare \
	-Wno-unknown-warning-option $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	$(shell $(PKG_CONFIG) --cflags $(HOST_PKGS) 2>/dev/null)
FUZZ_CFLAGS := -std=c11 -O1 -g \
	$(filter-out -Wno-format-truncation,$(WARNINGS)) $(FUZZ_SAN) \
	$(shell $(PKG_CONFIG) --cflags $(HOST_PKGS) 2>/dev/null)
FUZZ_LDFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer

FUZZ_LIB_SRCS := $(LIB_SRCS) tests/fake_guest_mem.c
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIB := $(FUZZ_DIR)/libffaharness-fuzz.a
FUZZ_BINS := $(FUZZ_ALL_TARGETS:%=$(FUZZ_DIR)/%)

.PHONY: fuzz fuzz-build fuzz-regress $(FUZZ_ALL_TARGETS:%=fuzz-%)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzz)"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_LIB_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

# Kept, so that a second make does not rebuild them.
.SECONDARY: $(FUZZ_ALL_TARGETS:%=$(FUZZ_DIR)/tests/fuzz/%.o) \
	$(FUZZ_DIR)/tests/fuzz/asan_options.o

# Every target links the sanitizer defaults of tests/fuzz/asan_options.c.
FUZZ_ASAN_OPTIONS_OBJ := $(FUZZ_DIR)/tests/fuzz/asan_options.o

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/tests/fuzz/fuzz_%.o $(FUZZ_ASAN_OPTIONS_OBJ) \
		$(FUZZ_LIB)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $< $(FUZZ_ASAN_OPTIONS_OBJ) \
		$(FUZZ_LIB) $(LIBS)

fuzz-build: $(FUZZ_BINS)

# $(1) = target.  Refreshes the work corpus from the seeds, fuzzes for
# FUZZ_SECONDS, prints libFuzzer's final statistics; a crash, leak or hang
# makes the recipe fail after showing the end of the log.
define fuzz_run
	@mkdir -p $(FUZZ_DIR)/work/$(1) $(FUZZ_DIR)/artifacts/$(1) \
		$(FUZZ_DIR)/logs
	$(Q)cp -n tests/fuzz/corpus/$(1)/* $(FUZZ_DIR)/work/$(1)/
	@echo "  FUZZ    $(1) for $(FUZZ_SECONDS) s"
	$(Q)if $(FUZZ_DIR)/$(1) -max_total_time=$(FUZZ_SECONDS) \
		-timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/$(1)/ \
		$$(test -f tests/fuzz/$(1).dict && \
		   echo -dict=tests/fuzz/$(1).dict) \
		$(FUZZ_ARGS) $(FUZZ_DIR)/work/$(1) \
		>$(FUZZ_DIR)/logs/$(1).log 2>&1; then \
		grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' \
			$(FUZZ_DIR)/logs/$(1).log | sed 's/^/          /'; \
	else \
		tail -n 60 $(FUZZ_DIR)/logs/$(1).log; \
		echo "fuzz: $(1) failed; log $(FUZZ_DIR)/logs/$(1).log," \
			"inputs in $(FUZZ_DIR)/artifacts/$(1)/"; \
		exit 1; \
	fi
endef

define fuzz_target_rule
fuzz-$(1): $(FUZZ_DIR)/$(1)
	$$(call fuzz_run,$(1))
endef
$(foreach t,$(FUZZ_ALL_TARGETS),$(eval $(call fuzz_target_rule,$(t))))

# Every target runs even when an earlier one failed; then the verdict.
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
	$(Q)failed=""; \
	for t in $(FUZZ_TARGETS); do \
		$(MAKE) --no-print-directory SKIP_DEPS=1 fuzz-$$t || \
			failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: crashed:$$failed"; exit 1; \
	fi; \
	echo "fuzz: $(words $(FUZZ_TARGETS)) targets, no crash"

# Each input once, in file mode (no mutation, nothing written).  A target
# with no input at all fails: a skip is not a pass.
fuzz-regress: $(FUZZ_BINS)
	@mkdir -p $(FUZZ_DIR)/logs
	$(Q)for t in $(FUZZ_ALL_TARGETS); do \
		files=$$(find tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t \
			-type f 2>/dev/null | sort); \
		if [ -z "$$files" ]; then \
			echo "fuzz-regress: $$t has no inputs"; exit 1; \
		fi; \
		if ! $(FUZZ_DIR)/$$t -timeout=$(FUZZ_TIMEOUT) $$files \
			>$(FUZZ_DIR)/logs/$$t-regress.log 2>&1; then \
			tail -n 60 $(FUZZ_DIR)/logs/$$t-regress.log; \
			echo "fuzz-regress: $$t failed"; exit 1; \
		fi; \
		want=$$(echo "$$files" | wc -l); \
		ran=$$(grep -c '^Executed ' $(FUZZ_DIR)/logs/$$t-regress.log); \
		if [ "$$ran" -ne "$$want" ]; then \
			echo "fuzz-regress: $$t ran $$ran of $$want inputs"; \
			exit 1; \
		fi; \
		echo "  FUZZ    $$t: $$ran inputs replayed"; \
	done

-include $(FUZZ_LIB_OBJS:.o=.d) \
	$(FUZZ_ALL_TARGETS:%=$(FUZZ_DIR)/tests/fuzz/%.d)
