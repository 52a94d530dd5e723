# SPDX-License-Identifier: MIT
# The latency probe of `make bench` (guests/probe, docs/performance.md).
# Included by guests/Makefile; uses its compiler flags and pattern rules.
# Output: $(OUT)/probe.{elf,bin}, and $(OUT)/probe-shm.{elf,bin}: the same
# with PROBE_SHM (evtchn=ping|pong, static shared memory), a separate
# image so that probe.bin's size and layout, which the other figures
# include, do not change with it. The probe has its own entry code and vectors
# (probe/head.S) instead of rt/head.S, its own link address (probe.ld),
# and the rest of the runtime.

PROBE_SRCS := rt/lib.c rt/console.c rt/fdt.c rt/exc.c rt/mmu.c \
	probe/head.S probe/measure.S probe/gic.c probe/evtchn.c probe/main.c
PROBE_OBJS := $(patsubst %,$(OUT)/%.o,$(PROBE_SRCS))

all: $(OUT)/probe.bin $(OUT)/probe-shm.bin

PROBE_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-T,$(SRC)/probe/probe.ld -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

$(OUT)/probe.elf: $(PROBE_OBJS) $(SRC)/probe/probe.ld $(SRC)/probe/probe.mk
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(PROBE_LDFLAGS) $(PROBE_OBJS) -lgcc -o $@

$(OUT)/probe.bin: $(OUT)/probe.elf
	@$(OBJCOPY) -O binary $< $@

-include $(PROBE_OBJS:.o=.d)

PROBE_SHM_OBJS := $(filter-out $(OUT)/probe/evtchn.c.o,$(PROBE_OBJS)) \
	$(OUT)/probe/evtchn-shm.c.o

$(OUT)/probe/evtchn-shm.c.o: $(SRC)/probe/evtchn.c $(SRC)/Makefile $(SRC)/probe/probe.mk
	@mkdir -p $(dir $@)
	@echo "  CC      guests/probe/evtchn.c (PROBE_SHM)"
	@$(CC) $(CFLAGS) -DPROBE_SHM -c $< -o $@

$(OUT)/probe-shm.elf: $(PROBE_SHM_OBJS) $(SRC)/probe/probe.ld $(SRC)/probe/probe.mk
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(PROBE_LDFLAGS) $(PROBE_SHM_OBJS) -lgcc -o $@

$(OUT)/probe-shm.bin: $(OUT)/probe-shm.elf
	@$(OBJCOPY) -O binary $< $@

-include $(OUT)/probe/evtchn-shm.c.d
