// SPDX-License-Identifier: MIT
/* event_channel_op: copies the argument in and out around evtchn_op(). */
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

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
	if (rc == 0 && copy_to_guest(arg, buf, size))
		return -XEN_EFAULT;
	return rc;
}
