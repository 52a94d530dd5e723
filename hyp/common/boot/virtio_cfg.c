// SPDX-License-Identifier: MIT
/*
 * Virtio-mmio devices of a dom0less domain (Xenith's binding: no Xen
 * release has one; docs/configuration.md, "Virtio devices"):
 *
 *   domU1 {
 *       compatible = "xen,domain";
 *       ...
 *       virtio@2000000 {
 *           compatible = "xenith,virtio-mmio";
 *           reg = <0x0 0x2000000 0x0 0x200>;   (optional, the domain's cells)
 *           interrupts = <33>;                  (optional, the INTID)
 *           xenith,grant-usage = <1>;           (optional, VirtIO-Grant)
 *       };
 *   };
 *
 * The guest's tree gets a standard "virtio,mmio" node there, as libxl
 * writes one for an xl-created guest. The domain node's
 * "xenith,device-model = <&other>" names a domain (a driver domain) that
 * may be this domain's device model besides the control domain: create
 * ioreq servers for it, map their request pages and raise its SPIs, but
 * not map its memory (VirtIO-Grant: the guest grants its buffers). The device is served by a backend
 * in dom0 through an ioreq server; until one claims the window, a vCPU
 * that touches it waits (common/ioreq/forward.c). Windows and SPIs are
 * those Xen reserves for virtio in a guest (public/arch-arm.h): device i
 * (in node order) defaults to 0x02000000 + i * 0x200 and SPI 33 + i.
 * With grant usage (libxl's default when the backend is not dom0: here,
 * when the domain names a device model and has Xen's interfaces,
 * xen,enhanced) the guest's node gets
 * "iommus = <&xen_iommu backend>", the binding Linux's grant-dma-ops
 * reads, so that its driver hands the device grant references only.
 */
#include <xenith/config.h>
#include <xenith/fdt.h>
#include "cfg_msg.h"
#include "dctx.h"

#define VIRTIO_COMPAT "xenith,virtio-mmio"

/* The window of device i: reg, or the default. 0, or -1 with the domain
 * failed naming the node. */
static int virtio_reg(struct dctx *c, int node, unsigned int i, uint64_t *base)
{
	struct reg_read r;
	enum reg_result rr = module_range(c->fdt, c->d->node, node, &r);

	if (rr == REG_MISSING) {
		*base = GUEST_VIRTIO_MMIO_BASE + (uint64_t)i * GUEST_VIRTIO_DEV_SIZE;
		return 0;
	}
	if (rr != REG_OK)
		return MFAIL(c, node, "reg", "cannot be read (give <address size> in %s's cells)",
			     c->d->path);
	if (r.size != GUEST_VIRTIO_DEV_SIZE)
		return MFAIL(c, node, "reg", "size %#llx: a virtio-mmio window is 0x200 bytes",
			     (unsigned long long)r.size);
	if (r.start % GUEST_VIRTIO_DEV_SIZE || r.start < GUEST_VIRTIO_MMIO_BASE ||
	    r.start + r.size > GUEST_VIRTIO_MMIO_BASE + GUEST_VIRTIO_MMIO_SIZE)
		return MFAIL(c, node, "reg", "%#llx is not a 0x200-aligned window in Xen's virtio range 0x2000000-0x20fffff",
			     (unsigned long long)r.start);
	*base = r.start;
	return 0;
}

static int virtio_irq(struct dctx *c, int node, unsigned int i, uint32_t *intid)
{
	int len;

	*intid = GUEST_VIRTIO_SPI_FIRST + i;
	if (!dt_prop(c->fdt, node, "interrupts", &len))
		return 0;
	if (len != 4 || !dt_prop_u32(c->fdt, node, "interrupts", intid))
		return MFAIL(c, node, "interrupts", "one cell, the INTID, expected");
	if (*intid < GUEST_VIRTIO_SPI_FIRST || *intid > GUEST_VIRTIO_SPI_LAST)
		return MFAIL(c, node, "interrupts", "INTID %u is outside Xen's virtio SPIs %u-%u",
			     *intid, GUEST_VIRTIO_SPI_FIRST, GUEST_VIRTIO_SPI_LAST);
	return 0;
}

/* "xenith,grant-usage = <0|1>": absent, libxl's default (-1). */
static int virtio_grants(struct dctx *c, int node, int8_t *usage)
{
	uint32_t v;
	int len;

	*usage = -1;
	if (!dt_prop(c->fdt, node, "xenith,grant-usage", &len))
		return 0;
	if (len != 4 || !dt_prop_u32(c->fdt, node, "xenith,grant-usage", &v) || v > 1)
		return MFAIL(c, node, "xenith,grant-usage", "<0> or <1> expected");
	*usage = (int8_t)v;
	return 0;
}

/* Device n (just parsed) against those before it and the vGIC. */
static int virtio_check(struct dctx *c, int node, unsigned int n)
{
	const struct virtio_mmio_cfg *v = &c->d->virtio[n];

	for (unsigned int j = 0; j < n; j++) {
		if (c->d->virtio[j].base == v->base)
			return MFAIL(c, node, "reg", "window %#llx is another device's",
				     (unsigned long long)v->base);
		if (c->d->virtio[j].intid == v->intid)
			return MFAIL(c, node, "interrupts", "INTID %u is another device's", v->intid);
	}
	if (v->intid >= 32 + c->d->nr_spis)
		return MFAIL(c, node, "interrupts", "INTID %u needs nr_spis of at least %u (it is %u)",
			     v->intid, v->intid - 31, c->d->nr_spis);
	return 0;
}

/* "xenith,device-model = <phandle>": another xen,domain node. */
static int parse_device_model(struct dctx *c)
{
	struct domain_config *d = c->d;
	uint32_t ph;
	int n;

	d->dm_node = -1;
	d->has_dm = false;
	if (!dt_has_prop(c->fdt, d->node, "xenith,device-model"))
		return 0;
	if (!dt_prop_u32(c->fdt, d->node, "xenith,device-model", &ph))
		return DFAIL(c, "xenith,device-model", "one phandle expected");
	n = dt_find_phandle(c->fdt, ph);
	if (n < 0 || !dt_is_compatible(c->fdt, n, "xen,domain") ||
	    dt_parent(c->fdt, n) != c->chosen)
		return DFAIL(c, "xenith,device-model", "the phandle names no xen,domain node");
	if (n == d->node)
		return DFAIL(c, "xenith,device-model", "names the domain itself");
	d->dm_node = n;
	d->has_dm = true;
	return 0;
}

void resolve_device_models(struct system_config *cfg)
{
	for (int i = 0; i < cfg->nr_domains; i++) {
		struct domain_config *d = &cfg->dom[i];

		for (int j = 0; d->has_dm && j < cfg->nr_domains; j++)
			if (!cfg->dom[j].dom0 && cfg->dom[j].node == d->dm_node)
				d->dm_domid = cfg->dom[j].domid;
	}
}

int parse_virtio(struct dctx *c)
{
	struct domain_config *d = c->d;

	if (parse_device_model(c))
		return -1;
	d->nr_virtio = 0;
	for (int n = dt_first_child(c->fdt, d->node); n >= 0; n = dt_next_sibling(c->fdt, n)) {
		struct virtio_mmio_cfg *v;

		if (!dt_is_compatible(c->fdt, n, VIRTIO_COMPAT))
			continue;
		if (d->nr_virtio == MAX_DOM_VIRTIO)
			return MFAIL(c, n, "compatible", "more than %d virtio devices (Xen's virtio SPIs)",
				     MAX_DOM_VIRTIO);
		v = &d->virtio[d->nr_virtio];
		if (virtio_reg(c, n, (unsigned int)d->nr_virtio, &v->base) ||
		    virtio_irq(c, n, (unsigned int)d->nr_virtio, &v->intid) ||
		    virtio_grants(c, n, &v->grant_usage) ||
		    virtio_check(c, n, (unsigned int)d->nr_virtio))
			return -1;
		d->nr_virtio++;
	}
	return 0;
}
