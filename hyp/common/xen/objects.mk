objs-y += common/xen/guest_access.o common/xen/xen_domain.o \
	common/xen/version.o common/xen/memory.o common/xen/grant_table.o \
	common/xen/vcpu_op.o common/xen/sched_op.o common/xen/hvm.o \
	common/xen/console_io.o common/xen/evtchn_op.o \
	common/xen/domctl.o common/xen/sysctl.o common/xen/foreign.o common/xen/grant_map.o
