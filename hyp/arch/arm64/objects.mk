objs-y += arch/arm64/head.o arch/arm64/entry.o arch/arm64/mmu.o \
	arch/arm64/setup.o arch/arm64/traps.o arch/arm64/inject.o \
	arch/arm64/smp.o arch/arm64/psci.o arch/arm64/p2m.o \
	arch/arm64/gicv3.o arch/arm64/vgic.o arch/arm64/vgic_mmio.o arch/arm64/vcpu.o arch/arm64/vmid.o \
	arch/arm64/timer.o arch/arm64/irq.o \
	arch/arm64/sysreg.o arch/arm64/spectre.o arch/arm64/fpsimd.o
