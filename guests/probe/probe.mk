# SPDX-License-Identifier: MIT
# The latency probe of `make bench` (guests/probe, docs/performance.md).
# Included by guests/Makefile; uses its compiler flags and pattern rules.
# Output: $(OUT)/probe.{elf,bin}, and $(OUT)/probe-shm.{elf,bin}: the same
# with PROBE_SHM (evtchn=ping|pong, static shared memory), a separate
# image so that probe.bin's size and layout, which the other figures
# include, do not change with it; $(OUT)/probe-dom0.{elf,bin}, likewise
# separate: the probe with PROBE_CTL (tests=ctl, the control domain's
# calls, ctl.c) linked at dom0's RAM base. The probe has its own entry code and vectors
# (probe/head.S) instead of rt/head.S, its own link address (probe.ld),
# and the rest of the runtime.

PROBE_SRCS := rt/lib.c rt/console.c rt/fdt.c rt/exc.c rt/mmu.c \
	probe/head.S probe/measure.S probe/gic.c probe/evtchn.c probe/main.c
PROBE_OBJS := $(patsubst %,$(OUT)/%.o,$(PROBE_SRCS))

all: $(OUT)/probe.bin $(OUT)/probe-shm.bin $(OUT)/probe-dom0.bin

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

# The probe as dom0 (bench runs *-dom0): main.c and measure.S with
# PROBE_CTL, plus ctl.c; linked at DOM0_BASE (guests/Makefile: dom0's RAM
# for dom0_mem=512M on the bench's 2 GiB board, under Xen 4.17 and Xenith)
# + 2 MiB.
PROBE_DOM0_OBJS := $(filter-out $(OUT)/probe/main.c.o $(OUT)/probe/measure.S.o,$(PROBE_OBJS)) \
	$(OUT)/probe/main-ctl.c.o $(OUT)/probe/measure-ctl.S.o $(OUT)/probe/ctl.c.o

$(OUT)/probe/main-ctl.c.o: $(SRC)/probe/main.c $(SRC)/Makefile $(SRC)/probe/probe.mk
	@mkdir -p $(dir $@)
	@echo "  CC      guests/probe/main.c (PROBE_CTL)"
	@$(CC) $(CFLAGS) -DPROBE_CTL -c $< -o $@

$(OUT)/probe/measure-ctl.S.o: $(SRC)/probe/measure.S $(SRC)/Makefile $(SRC)/probe/probe.mk
	@mkdir -p $(dir $@)
	@echo "  AS      guests/probe/measure.S (PROBE_CTL)"
	@$(CC) $(ASFLAGS) -DPROBE_CTL -MMD -MP -c $< -o $@

$(OUT)/probe/ctl.c.o: $(SRC)/probe/ctl.c $(SRC)/Makefile $(SRC)/probe/probe.mk
	@mkdir -p $(dir $@)
	@echo "  CC      guests/probe/ctl.c (PROBE_CTL)"
	@$(CC) $(CFLAGS) -DPROBE_CTL -c $< -o $@

$(OUT)/probe-dom0.elf: $(PROBE_DOM0_OBJS) $(SRC)/probe/probe.ld $(SRC)/probe/probe.mk
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -Wl,--defsym=PROBE_BASE=$(DOM0_BASE) $(PROBE_LDFLAGS) \
		$(PROBE_DOM0_OBJS) -lgcc -o $@

$(OUT)/probe-dom0.bin: $(OUT)/probe-dom0.elf
	@$(OBJCOPY) -O binary $< $@

-include $(OUT)/probe/main-ctl.c.d $(OUT)/probe/measure-ctl.S.d $(OUT)/probe/ctl.c.d
