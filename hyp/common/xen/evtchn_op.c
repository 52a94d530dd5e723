// SPDX-License-Identifier: MIT
/* event_channel_op: copies the argument in and out around evtchn_op(). */
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

/* Commands whose argument has OUT fields to copy back to the guest. */
static bool has_output(unsigned int cmd)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound: case EVTCHNOP_bind_interdomain:
	case EVTCHNOP_bind_virq: case EVTCHNOP_bind_ipi: case EVTCHNOP_bind_pirq:
	case EVTCHNOP_status: case EVTCHNOP_init_control:
		return true;
	default:
		return false; /* send, close, unmask, ...: nothing to return */
	}
}

int64_t do_event_channel_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	uint64_t buf[8]; /* every EVTCHNOP argument fits in 64 bytes */
	size_t size = evtchn_op_size((int)cmd);
	long rc;

	if (!size || size > sizeof(buf))
		return -XEN_ENOSYS;
	if (copy_from_guest(buf, arg, size))
		return -XEN_EFAULT;
	rc = evtchn_op(&v->dom->evtchn, v->id, (int)cmd, buf);
	if (rc == 0 && has_output(cmd) && copy_to_guest(arg, buf, size))
		return -XEN_EFAULT;
	return rc;
}
