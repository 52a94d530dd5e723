objs-y += common/main.o common/console.o common/domain.o common/domain_table.o common/mmio.o \
	common/vpl011.o common/page_alloc.o common/heap.o common/boot_modules.o common/page_list.o common/grace.o \
	common/lifecycle.o common/domain_mem.o common/panic.o common/cmdline.o \
	common/hypercall.o common/timer.o common/sched/core.o common/sched/credit2.o \
	common/sched/null.o common/sched/rtds.o common/sched/arinc653.o common/evtchn.o common/evtchn_2l.o common/evtchn_fifo.o \
	common/lib/string.o common/lib/printf.o common/lib/rangeset.o \
	common/ioreq/server.o common/ioreq/forward.o common/ioreq/invalidate.o common/xen/dm_op.o \
	common/boot/fdt.o common/boot/fdt_write.o common/boot/host_dt.o common/boot/dom0less.o \
	common/boot/cpupool.o common/boot/validate.o common/boot/static_cfg.o common/boot/static_check.o common/boot/kernel.o common/boot/guest_dt.o \
	common/boot/dom0_cfg.o common/boot/dom0_dt.o common/boot/virtio_cfg.o
