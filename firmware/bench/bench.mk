# Benchmark firmware (`make bench`, scripts/bench.sh, docs/performance.md).
# Included by firmware/firmware.mk.  One image per mode, all from bench.c:
#
#   $(FW_OUT)/bench/bench-<mode>.elf     BENCH_MODE = mode_<mode>
#
# The modes are described at the top of firmware/bench/bench.c.  Each
# image links the firmware library (firmware/lib, $(FWLIB)).

BENCH_MODES := empty loop smc mm-base mm mm-nomaint-base mm-nomaint \
	compute compute-shared agent
BENCH_ELFS := $(patsubst %,$(FW_OUT)/bench/bench-%.elf,$(BENCH_MODES))
BENCH_DEPS := firmware/bench/bench.c firmware/bench/start.S \
	firmware/bench/bench.ld firmware/bench/bench.mk \
	$(wildcard include/abi/*.h) $(FWLIB_DIR)/fwlib.h $(FWLIB)

$(FW_OUT)/bench/bench-%.elf: $(BENCH_DEPS)
	@mkdir -p $(dir $@).o-$*
	@echo "  FW      $@"
	$(Q)$(FW_CC) $(FW_CFLAGS) -DBENCH_MODE=mode_$(subst -,_,$*) \
		-c firmware/bench/bench.c -o $(dir $@).o-$*/bench.o
	$(Q)$(FW_CC) $(FW_CFLAGS) -c firmware/bench/start.S \
		-o $(dir $@).o-$*/start.o
	$(Q)$(FW_LD) $(FW_LDFLAGS) -T firmware/bench/bench.ld -o $@ \
		$(dir $@).o-$*/start.o $(dir $@).o-$*/bench.o $(FWLIB)

firmware: $(BENCH_ELFS)
