// SPDX-License-Identifier: MIT
/*
 * The virtio disks Xen 4.17's libxl declares for this domain to serve:
 * /local/domain/<us>/backend/virtio_disk/<domid>/<devid>, with "params"
 * (the file or device), "mode" (r or w), "base" and "irq" (decimal:
 * the window and SPI libxl gave the device in the guest's tree) and
 * "state" 1. libxl waits for state 2 (InitWait) and starts nothing
 * itself: that is this daemon's. A device goes when its directory goes,
 * when the toolstack asks it to close (state 5; it answers 6, Closed),
 * or when its domain dies; everything mapped of the guest is unmapped
 * then, so that the guest's memory can go back to Xen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vbe.h"

#define XS_INITWAIT "2"
#define XS_CLOSING  5
#define XS_CLOSED   "6"

static struct vdev *devs;
uint16_t self_domid;

struct vdev *vdev_list(void)
{
	return devs;
}

static char *path_of(uint16_t domid, uint16_t devid, const char *key)
{
	static char p[160];

	snprintf(p, sizeof(p), "/local/domain/%u/backend/virtio_disk/%u/%u%s%s", self_domid, domid,
		 devid, key ? "/" : "", key ? key : "");
	return p;
}

/* A key of the device's backend directory (malloc'd), or NULL. */
static char *key(uint16_t domid, uint16_t devid, const char *k)
{
	unsigned int len;

	return xs_read(vbe.xs, XBT_NULL, path_of(domid, devid, k), &len);
}

static long key_num(uint16_t domid, uint16_t devid, const char *k, long dflt)
{
	char *s = key(domid, devid, k), *end;
	long v = dflt;

	if (s) {
		v = strtol(s, &end, 10);
		if (*end || end == s)
			v = dflt;
	}
	free(s);
	return v;
}

static struct vdev *find(uint16_t domid, uint16_t devid)
{
	for (struct vdev *d = devs; d; d = d->next)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

static void drop(struct vdev *d, const char *why)
{
	struct vdev **pp;

	vlog("%s: stopped (%s)", d->name, why);
	ioserv_stop(d);
	gmem_release(&d->mem);
	d->ops->close(d);
	for (pp = &devs; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	free(d);
}

struct vdev *vdev_new(const struct vdev_ops *ops, uint16_t domid, uint16_t devid,
		      uint64_t base, uint32_t irq, const char *arg, bool readonly,
		      bool from_xs, bool grants)
{
	struct vdev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->domid = domid;
	d->devid = devid;
	d->fd = d->pty = d->pty_slave = d->logfd = -1;
	d->ops = ops;
	d->base = base;
	d->irq = irq;
	d->from_xs = from_xs;
	snprintf(d->name, sizeof(d->name), "d%u %s %u", domid, ops->kind, devid);
	if (grants && !vbe.xgt)
		vlog("%s: grants asked, but /dev/xen/gntdev is not there", d->name);
	if (ops->open(d, arg, readonly)) {
		free(d);
		return NULL;
	}
	if (gmem_init(&d->mem, domid, grants) || ioserv_start(d)) {
		gmem_release(&d->mem);
		ops->close(d);
		free(d);
		return NULL;
	}
	d->next = devs;
	devs = d;
	vlog("%s: %s%s", d->name, d->what, grants ? ", grant references only" : "");
	return d;
}

static void add(uint16_t domid, uint16_t devid)
{
	char *params = key(domid, devid, "params"), *mode = key(domid, devid, "mode");
	long base = key_num(domid, devid, "base", -1), irq = key_num(domid, devid, "irq", -1);

	if (!params || base < 0 || irq < 32 || base % VBE_WINDOW)
		vlog("d%u virtio-blk %u: backend directory incomplete (params %s, base %ld, irq %ld)",
		     domid, devid, params ? params : "missing", base, irq);
	else if (vdev_new(&blk_ops, domid, devid, (uint64_t)base, (uint32_t)irq, params,
			  !mode || strcmp(mode, "w"), true,
			  key_num(domid, devid, "grant_usage", 0) == 1))
		xs_write(vbe.xs, XBT_NULL, path_of(domid, devid, "state"), XS_INITWAIT, 1);
	free(params);
	free(mode);
}

static void scan_device(uint16_t domid, uint16_t devid)
{
	struct vdev *d = find(domid, devid);
	long state = key_num(domid, devid, "state", -1);

	if (d && state == XS_CLOSING) {
		drop(d, "the toolstack closes it");
		xs_write(vbe.xs, XBT_NULL, path_of(domid, devid, "state"), XS_CLOSED, 1);
	} else if (!d && state == 1) {
		add(domid, devid);
	}
}

void xs_scan(void)
{
	char dir[96];
	unsigned int nd, nv;
	char **doms;

	/* Devices whose directory went. */
	for (struct vdev *d = devs, *next; d; d = next) {
		next = d->next;
		if (d->from_xs && key_num(d->domid, d->devid, "state", -1) < 0)
			drop(d, "its backend directory was removed");
	}
	snprintf(dir, sizeof(dir), "/local/domain/%u/backend/virtio_disk", self_domid);
	doms = xs_directory(vbe.xs, XBT_NULL, dir, &nd);
	for (unsigned int i = 0; doms && i < nd; i++) {
		char sub[128];
		char **ids;

		snprintf(sub, sizeof(sub), "%s/%s", dir, doms[i]);
		ids = xs_directory(vbe.xs, XBT_NULL, sub, &nv);
		for (unsigned int j = 0; ids && j < nv; j++)
			scan_device((uint16_t)atoi(doms[i]), (uint16_t)atoi(ids[j]));
		free(ids);
	}
	free(doms);
}

/* A device's domain is gone: toolstack domains leave xenstore, a
 * dom0less domain without xenstore is asked of the hypervisor. */
static bool gone(const struct vdev *d)
{
	unsigned int n;

	if (d->from_xs)
		return !xs_is_domain_introduced(vbe.xs, d->domid);
	return xendevicemodel_nr_vcpus(vbe.dm, d->domid, &n) != 0;
}

void xs_check_domains(void)
{
	for (struct vdev *d = devs, *next; d; d = next) {
		next = d->next;
		if (gone(d))
			drop(d, "its domain is gone");
	}
}
