// SPDX-License-Identifier: MIT
/* sched_op and vm_assist. */
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/evtchn.h>
#include <xenith/sched.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

static int64_t shutdown(struct vcpu *v, uint64_t arg)
{
	uint32_t reason;

	if (copy_from_guest(&reason, arg, sizeof(reason)))
		return -XEN_EFAULT;
	if (reason > SHUTDOWN_watchdog)
		return -XEN_EINVAL;
	domain_shutdown(v->dom, (enum shutdown_reason)reason);
	return 0;
}

/* struct sched_poll on arm64: a guest handle, nr_ports, timeout. */
struct sched_poll {
	uint64_t ports;
	uint32_t nr_ports;
	uint32_t pad;
	uint64_t timeout;   /* absolute system time in ns, 0: none */
};

#define POLL_MAX_PORTS 128

/* 1 if one of the ports is pending, 0 if none, or a Xen error. */
static int any_port_pending(struct vcpu *v, const struct sched_poll *p)
{
	for (uint32_t i = 0; i < p->nr_ports; i++) {
		uint32_t port;

		if (copy_from_guest(&port, p->ports + 4ULL * i, sizeof(port)))
			return -XEN_EFAULT;
		if (!evtchn_port_valid(&v->dom->evtchn, port))
			return -XEN_EINVAL;
		if (evtchn_port_pending(&v->dom->evtchn, port))
			return 1;
	}
	return 0;
}

/*
 * As Xen 4.17: returns at once if a port is already pending; otherwise
 * the vCPU blocks until one becomes pending (even masked), any interrupt
 * arrives, or the timeout passes. Every wake returns 0.
 */
static int64_t poll(struct vcpu *v, uint64_t arg)
{
	struct sched_poll p;
	int rc;

	if (copy_from_guest(&p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.nr_ports > POLL_MAX_PORTS)
		return -XEN_EINVAL;
	rc = any_port_pending(v, &p);
	if (rc)
		return rc < 0 ? rc : 0;
	if (p.timeout)
		timer_set(&v->sched.poll_timer, p.timeout);
	sched_poll_begin(v);
	/* As Xen: an interrupt already pending ends the poll only if the
	 * guest has interrupts unmasked; a new one wakes it either way. */
	if (arch_hypercall_irqs_masked())
		sched_block_nocheck(v);
	else
		sched_block(v);
	/* A port raised between the check and the block found us running. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (any_port_pending(v, &p))
		sched_wake(v);
	return 0;
}

int64_t do_sched_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
		sched_vcpu_yield(v);
		return 0;
	case SCHEDOP_block:
		/* As Xen 4.17 on Arm: blocking enables event delivery (the
		 * guest returns with interrupts unmasked), and there is no
		 * wait at all if an interrupt is pending. */
		arch_hypercall_enable_events();
		arch_vcpu_block(v);
		return 0;
	case SCHEDOP_poll:
		return poll(v, arg);
	case SCHEDOP_shutdown:
		return shutdown(v, arg);
	default:
		return -XEN_ENOSYS;
	}
}

int64_t do_vm_assist(struct vcpu *v, unsigned int cmd, unsigned int type)
{
	if (cmd > VMASST_CMD_disable || type != VMASST_TYPE_runstate_update_flag)
		return -XEN_EINVAL;
	v->dom->runstate_update_flag = cmd == VMASST_CMD_enable;
	return 0;
}
