// SPDX-License-Identifier: MIT
/*
 * dm_op (hypercall 41): the device-model operations Xen 4.17 accepts on
 * Arm (xen/arch/arm/dm.c), in its order of checks: the buffers, the
 * target (-ESRCH, itself -EPERM), the privilege (XSM_DM_PRIV: the control
 * domain, or the target's device-model domain, ioreq_may_emulate()), the
 * op header, the op's payload, the header's pad, then the op. Ops Xen has
 * only on x86 answer -EOPNOTSUPP, as there.
 */
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/ioreq.h>
#include <xenith/xen_ops.h>

#define DMOP_create_ioreq_server       1
#define DMOP_get_ioreq_server_info     2
#define DMOP_map_io_range              3
#define DMOP_unmap_io_range            4
#define DMOP_set_ioreq_server_state    5
#define DMOP_destroy_ioreq_server      6
#define DMOP_set_irq_level             19
#define DMOP_nr_vcpus                  20
#define DMOP_NR                        21
#define DMOP_no_gfns                   1U

struct dm_op_buf {            /* xen_dm_op_buf_t on arm64 */
	uint64_t h;
	uint64_t size;
};

struct dm_op {                /* struct xen_dm_op: 8-byte header, 24-byte union */
	uint32_t op;
	uint32_t pad;
	union {
		struct { uint8_t bufioreq, pad[3]; uint16_t id; } create;
		struct { uint16_t id, flags; uint32_t port; uint64_t gfn, bufgfn; } info;
		struct { uint16_t id, pad; uint32_t type; uint64_t start, end; } range;
		struct { uint16_t id; uint8_t enabled, pad; } state;
		struct { uint16_t id, pad; } destroy;
		struct { uint32_t irq; uint8_t level, pad[3]; } irq;
		struct { uint32_t vcpus; } nr_vcpus;
		uint8_t raw[24];
	} u;
};
_Static_assert(sizeof(struct dm_op) == 32, "struct xen_dm_op");

/* Payload bytes each op reads (and writes back), Xen's op_size table;
 * 0 for ops Arm does not have. */
static const uint8_t op_size[DMOP_NR] = {
	[DMOP_create_ioreq_server] = 6,
	[DMOP_get_ioreq_server_info] = 24,
	[DMOP_map_io_range] = 24,
	[DMOP_unmap_io_range] = 24,
	[DMOP_set_ioreq_server_state] = 4,
	[DMOP_destroy_ioreq_server] = 4,
	[DMOP_set_irq_level] = 8,
	[DMOP_nr_vcpus] = 4,
};

/* The op's payload goes back to the caller (the ops with OUT fields). */
static bool writes_back(uint32_t op)
{
	return op == DMOP_create_ioreq_server || op == DMOP_get_ioreq_server_info ||
	       op == DMOP_nr_vcpus;
}

static int set_irq_level(struct domain *d, const struct dm_op *o)
{
	/* Xen 4.17 ignores a non-zero pad here (it breaks out of its check
	 * loop and then succeeds); so do we. */
	if (o->u.irq.level > 1)
		return -XEN_EINVAL;
	return arch_vgic_dm_irq(d, o->u.irq.irq, o->u.irq.level) ? -XEN_EINVAL : 0;
}

static int get_info(struct domain *d, struct domain *caller, struct dm_op *o)
{
	int rc;

	if (o->u.info.flags & ~DMOP_no_gfns)
		return -XEN_EINVAL;
	rc = ioreq_check_server(d, caller, o->u.info.id);
	/* Legacy gfn-mapped pages do not exist on Arm: map the resource. */
	if (!rc && !(o->u.info.flags & DMOP_no_gfns))
		rc = -XEN_EOPNOTSUPP;
	return rc;
}

static int dispatch(struct domain *d, struct domain *caller, struct dm_op *o)
{
	switch (o->op) {
	case DMOP_create_ioreq_server:
		if (o->u.create.pad[0] | o->u.create.pad[1] | o->u.create.pad[2])
			return -XEN_EINVAL;
		if (o->u.create.bufioreq)
			return -XEN_EINVAL;   /* no buffered requests on Arm */
		return ioreq_create(d, caller, &o->u.create.id);
	case DMOP_get_ioreq_server_info:
		return get_info(d, caller, o);
	case DMOP_map_io_range:
	case DMOP_unmap_io_range:
		if (o->u.range.pad)
			return -XEN_EINVAL;
		return ioreq_map_range(d, caller, o->u.range.id, o->u.range.type,
				       o->u.range.start, o->u.range.end,
				       o->op == DMOP_map_io_range);
	case DMOP_set_ioreq_server_state:
		if (o->u.state.pad)
			return -XEN_EINVAL;
		return ioreq_set_state(d, caller, o->u.state.id, o->u.state.enabled != 0);
	case DMOP_destroy_ioreq_server:
		if (o->u.destroy.pad)
			return -XEN_EINVAL;
		return ioreq_destroy(d, caller, o->u.destroy.id);
	case DMOP_set_irq_level:
		return set_irq_level(d, o);
	case DMOP_nr_vcpus:
		o->u.nr_vcpus.vcpus = d->max_vcpus;
		return 0;
	default:
		return -XEN_EOPNOTSUPP;
	}
}

/* The op in buf, for target d. */
static int64_t run_op(struct vcpu *v, struct domain *d, const struct dm_op_buf *buf)
{
	struct dm_op o = { 0 };
	int rc;

	if (buf->size < 8 || copy_from_guest(&o, buf->h, 8))
		return -XEN_EFAULT;
	if (o.op >= DMOP_NR)
		return -XEN_EOPNOTSUPP;
	if (buf->size < 8 + (uint64_t)op_size[o.op] ||
	    copy_from_guest(&o.u, buf->h + 8, op_size[o.op]))
		return -XEN_EFAULT;
	if (o.pad)
		return -XEN_EINVAL;
	rc = dispatch(d, v->dom, &o);
	if (!rc && writes_back(o.op) && copy_to_guest(buf->h + 8, &o.u, op_size[o.op]))
		return -XEN_EFAULT;
	return rc;
}

int64_t do_dm_op(struct vcpu *v, uint16_t domid, uint64_t nr_bufs64, uint64_t bufs)
{
	uint32_t nr_bufs = (uint32_t)nr_bufs64;   /* Xen's prototype: unsigned int */
	struct dm_op_buf buf[2];
	struct domain *d;
	int64_t rc;

	if (!nr_bufs)
		return -XEN_ENODATA;   /* Xen 4.17.7 (4.17.0 read an unset buffer) */
	if (nr_bufs > 2)
		return -XEN_E2BIG;
	if (copy_from_guest(buf, bufs, nr_bufs * sizeof(buf[0])))
		return -XEN_EFAULT;
	if (domain_is_self(v->dom, domid))
		return domid == DOMID_SELF ? -XEN_ESRCH : -XEN_EPERM;
	d = domain_get(domid);
	if (!d)
		return -XEN_ESRCH;
	rc = ioreq_may_emulate(v->dom, d) ? run_op(v, d, &buf[0]) : -XEN_EPERM;
	domain_put(d);
	return rc;
}
