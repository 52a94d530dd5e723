// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport, version 2 (virtio 1.x, section 4.2.2): the
 * register window a guest's virtio_mmio driver reads and writes through
 * the ioreq server. Offsets and values are the specification's.
 */
#include <string.h>

#include "vbe.h"

#define MAGIC            0x74726976   /* "virt" */
#define VENDOR           0x58454e54   /* ours */
#define F_VERSION_1      (1ULL << 32)
#define F_ACCESS_PLATFORM (1ULL << 33)   /* buffers through a platform mapping: grants */

#define R_MAGIC          0x000
#define R_VERSION        0x004
#define R_DEVICE_ID      0x008
#define R_VENDOR_ID      0x00c
#define R_DEV_FEATURES   0x010
#define R_DEV_FEAT_SEL   0x014
#define R_DRV_FEATURES   0x020
#define R_DRV_FEAT_SEL   0x024
#define R_QUEUE_SEL      0x030
#define R_QUEUE_NUM_MAX  0x034
#define R_QUEUE_NUM      0x038
#define R_QUEUE_READY    0x044
#define R_QUEUE_NOTIFY   0x050
#define R_IRQ_STATUS     0x060
#define R_IRQ_ACK        0x064
#define R_STATUS         0x070
#define R_DESC_LO        0x080
#define R_DESC_HI        0x084
#define R_AVAIL_LO       0x090
#define R_AVAIL_HI       0x094
#define R_USED_LO        0x0a0
#define R_USED_HI        0x0a4
#define R_CONFIG_GEN     0x0fc
#define R_CONFIG         0x100

#define STATUS_FEATURES_OK 8
#define STATUS_NEEDS_RESET 0x40

static uint64_t offered(const struct vdev *d)
{
	return d->ops->features | d->extra_features | F_VERSION_1 |
	       (d->mem.grants ? F_ACCESS_PLATFORM : 0);
}

static struct vq *selected(struct vdev *d)
{
	return d->queue_sel < d->ops->nr_queues ? &d->q[d->queue_sel] : NULL;
}

static void reset(struct vdev *d)
{
	d->status = d->dev_feat_sel = d->drv_feat_sel = d->queue_sel = d->isr = 0;
	d->drv_features = 0;
	memset(d->q, 0, sizeof(d->q));
}

int mmio_read(struct vdev *d, uint64_t off, unsigned int size, uint64_t *val)
{
	struct vq *q = selected(d);

	if (off >= R_CONFIG) {
		*val = d->ops->config_read(d, off - R_CONFIG, size);
		return 0;
	}
	if (size != 4)
		return -1;   /* the specification: 32-bit accesses only */
	switch (off) {
	case R_MAGIC:         *val = MAGIC; break;
	case R_VERSION:       *val = 2; break;
	case R_DEVICE_ID:     *val = d->ops->device_id; break;
	case R_VENDOR_ID:     *val = VENDOR; break;
	case R_DEV_FEATURES:  *val = d->dev_feat_sel < 2 ? (uint32_t)(offered(d) >> (32 * d->dev_feat_sel)) : 0; break;
	case R_QUEUE_NUM_MAX: *val = q ? VBE_QUEUE_MAX : 0; break;
	case R_QUEUE_READY:   *val = q ? q->ready : 0; break;
	case R_IRQ_STATUS:    *val = d->isr; break;
	case R_STATUS:        *val = d->status; break;
	case R_CONFIG_GEN:    *val = d->config_gen; break;
	default:              *val = 0; break;
	}
	return 0;
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	*v = high ? (*v & 0xffffffffULL) | ((uint64_t)val << 32)
		  : (*v & ~0xffffffffULL) | val;
}

static void queue_write(struct vdev *d, struct vq *q, uint64_t off, uint32_t val)
{
	switch (off) {
	case R_QUEUE_NUM:
		/* A power of 2 up to QueueNumMax (split rings need no more). */
		if (val && val <= VBE_QUEUE_MAX && !(val & (val - 1)))
			q->num = val;
		else
			vdev_needs_reset(d, "queue size not a power of 2 up to 256");
		break;
	case R_QUEUE_READY:
		q->ready = val & 1;
		q->last_avail = q->used_idx = 0;
		break;
	case R_DESC_LO:  set_half(&q->desc, false, val); break;
	case R_DESC_HI:  set_half(&q->desc, true, val); break;
	case R_AVAIL_LO: set_half(&q->avail, false, val); break;
	case R_AVAIL_HI: set_half(&q->avail, true, val); break;
	case R_USED_LO:  set_half(&q->used, false, val); break;
	case R_USED_HI:  set_half(&q->used, true, val); break;
	}
}

void mmio_write(struct vdev *d, uint64_t off, unsigned int size, uint64_t val)
{
	uint32_t v = (uint32_t)val;
	struct vq *q = selected(d);

	if (size != 4 || off >= R_CONFIG)
		return;   /* the disk's config space is read-only */
	switch (off) {
	case R_DEV_FEAT_SEL: d->dev_feat_sel = v; break;
	case R_DRV_FEAT_SEL: d->drv_feat_sel = v; break;
	case R_DRV_FEATURES:
		if (d->drv_feat_sel < 2)
			set_half(&d->drv_features, d->drv_feat_sel == 1, v);
		break;
	case R_QUEUE_SEL:    d->queue_sel = v; break;
	case R_QUEUE_NOTIFY:
		if (v < d->ops->nr_queues && d->q[v].ready && d->q[v].num)
			d->ops->notify(d, v);
		break;
	case R_IRQ_ACK:      d->isr &= ~v; break;
	case R_STATUS:
		if (!v) {
			reset(d);
			break;
		}
		/* Only features we offered; version 1 is required. */
		if ((v & STATUS_FEATURES_OK) &&
		    ((d->drv_features & ~offered(d)) || !(d->drv_features & F_VERSION_1)))
			v &= ~STATUS_FEATURES_OK;
		d->status = v | (d->status & STATUS_NEEDS_RESET);
		break;
	default:
		if (q)
			queue_write(d, q, off, v);
		break;
	}
}

void vdev_interrupt(struct vdev *d)
{
	d->isr |= 1;
	if (xendevicemodel_set_irq_level(vbe.dm, d->domid, d->irq, 1))
		vlog("%s: raising SPI %u failed", d->name, d->irq);
}

void vdev_needs_reset(struct vdev *d, const char *why)
{
	vlog("%s: device needs a reset: %s", d->name, why);
	d->status |= STATUS_NEEDS_RESET;
	d->isr |= 2;
	d->config_gen++;
	xendevicemodel_set_irq_level(vbe.dm, d->domid, d->irq, 1);
}

void vdev_serve(struct vdev *d, struct vq *q, int64_t (*one)(struct vdev *, const struct vq_chain *),
		bool (*more)(const struct vdev *))
{
	struct vq_chain c;
	bool pushed = false;
	int got = 0;

	while ((!more || more(d)) && (got = vq_next(&d->mem, q, &c, d->name)) > 0) {
		int64_t written = one(d, &c);

		if (written < 0)
			return;
		if (vq_push(&d->mem, q, c.head, (uint32_t)written)) {
			vdev_needs_reset(d, "used ring outside guest RAM");
			return;
		}
		pushed = true;
	}
	if (got < 0)
		vdev_needs_reset(d, "malformed available ring");
	if (pushed)
		vdev_interrupt(d);
}
