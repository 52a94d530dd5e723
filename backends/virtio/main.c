// SPDX-License-Identifier: MIT
/*
 * xenith-virtio [-v] [--no-xenstore] [--disk domid=D,path=P[,base=B][,irq=I][,ro][,grant]]...
 *               [--console domid=D[,log=F][,base=B][,irq=I][,grant]]...
 * xenith-virtio --probe-foreign D   (may this domain map domain D's RAM?)
 *
 * Serves the virtio disks libxl declares for this domain (vbe.h), and the
 * disks given with --disk: a dom0less domain's device of Xenith's
 * "xenith,virtio-mmio" binding (docs/configuration.md), whose window and
 * SPI default to the domain's next virtio slot (0x2000000 + i * 0x200,
 * SPI 33 + i, i counting its devices on the command line). With grant
 * (VirtIO-Grant), the device takes only grant references from the
 * driver and maps nothing else of the guest; a disk libxl declares gets
 * it when its backend directory has grant_usage = 1 (Xen 4.18's key;
 * libxl 4.17 writes none). --console serves a virtio-console on a pty
 * (console.c); libxl 4.17 declares no virtio console, so it comes only
 * from the command line. Runs until killed; logs go to stderr.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vbe.h"

struct vbe vbe;
int verbose;
extern uint16_t self_domid;

void vlog(const char *fmt, ...)
{
	va_list ap;

	fputs("xenith-virtio: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Xen's interfaces; xenstore unless told there is none (a domain
 * without a store: libxenstore would wait for one for ever). */
static int open_all(bool xenstore)
{
	char *dom;
	unsigned int len;

	vbe.xce = xenevtchn_open(NULL, 0);
	vbe.dm = xendevicemodel_open(NULL, 0);
	vbe.fmem = xenforeignmemory_open(NULL, 0);
	vbe.xgt = xengnttab_open(NULL, 0);   /* only grant devices need it */
	vbe.xs = xenstore ? xs_open(0) : NULL;
	if (!vbe.xce || !vbe.dm || !vbe.fmem) {
		vlog("cannot open the Xen interfaces (%s%s%s): %s", vbe.xce ? "" : "evtchn ",
		     vbe.dm ? "" : "devicemodel ", vbe.fmem ? "" : "foreignmemory ",
		     strerror(errno));
		return -1;
	}
	if (!vbe.xs) {
		/* A driver domain without xenstore serves its --disk devices. */
		vlog("no xenstore: serving the --disk devices only");
		return 0;
	}
	dom = xs_read(vbe.xs, XBT_NULL, "domid", &len);
	self_domid = dom ? (uint16_t)atoi(dom) : 0;
	free(dom);
	return 0;
}

static void on_event(void)
{
	xenevtchn_port_or_error_t port = xenevtchn_pending(vbe.xce);

	if (port < 0)
		return;
	for (struct vdev *d = vdev_list(); d; d = d->next)
		if (ioserv_event(d, (evtchn_port_t)port))
			break;
	xenevtchn_unmask(vbe.xce, (evtchn_port_t)port);
}

static void on_watch(void)
{
	unsigned int n;
	char **w = xs_read_watch(vbe.xs, &n);

	if (!w)
		return;
	if (!strcmp(w[XS_WATCH_TOKEN], "release"))
		xs_check_domains();
	else
		xs_scan();
	free(w);
}

/* --disk domid=D,path=P[,base=B][,irq=I][,ro][,grant] and
 * --console domid=D[,log=F][,base=B][,irq=I][,grant] (values in C
 * notation): a device a dom0less domain's tree declares. */
static int parse_dev(char *spec, unsigned int nth, const struct vdev_ops *ops)
{
	bool disk = ops == &blk_ops;
	long domid = -1;
	unsigned long long base = ~0ULL;
	unsigned long irq = 0;
	const char *path = NULL;
	bool ro = false, grants = false;
	unsigned int slot = 0;

	for (char *kv = strtok(spec, ","); kv; kv = strtok(NULL, ",")) {
		char *v = strchr(kv, '=');

		if (v)
			*v++ = '\0';
		if (!strcmp(kv, "domid") && v)
			domid = strtol(v, NULL, 0);
		else if (!strcmp(kv, disk ? "path" : "log") && v)
			path = v;
		else if (!strcmp(kv, "base") && v)
			base = strtoull(v, NULL, 0);
		else if (!strcmp(kv, "irq") && v)
			irq = strtoul(v, NULL, 0);
		else if (disk && !strcmp(kv, "ro") && !v)
			ro = true;
		else if (!strcmp(kv, "grant") && !v)
			grants = true;
		else
			return -1;
	}
	if (domid < 1 || domid >= 0x7ff0 || (disk && !path))
		return -1;
	/* Defaults: the domain's next virtio slot, in the order of the
	 * options, as the domain's xenith,virtio-mmio nodes default in node
	 * order (0x2000000 + i * 0x200, SPI 33 + i). */
	for (struct vdev *d = vdev_list(); d; d = d->next)
		slot += !d->from_xs && d->domid == domid;
	if (base == ~0ULL)
		base = 0x2000000ULL + slot * VBE_WINDOW;
	if (!irq)
		irq = 33 + slot;
	if (base % VBE_WINDOW || irq < 32)
		return -1;
	/* Its "devid" is only a name: 0x7000 and up, apart from libxl's. */
	if (!vdev_new(ops, (uint16_t)domid, (uint16_t)(0x7000 + nth), base, (uint32_t)irq,
		      path ? path : "", ro, false, grants))
		vlog("d%ld: the %s %s could not be served", domid, ops->kind, path ? path : "");
	return 0;
}

/* --probe-foreign D: can this domain map domain D's first page of RAM
 * (XENMEM_add_to_physmap_batch, gmfn_foreign)? A driver domain serving
 * grant-only devices must not be able to. */
static int probe_foreign(const char *arg)
{
	uint16_t d = (uint16_t)strtoul(arg, NULL, 0);
	xen_pfn_t pfn = 0x40000;   /* GUEST_RAM0_BASE */
	int err = 0;
	void *p = xenforeignmemory_map(vbe.fmem, d, PROT_READ, 1, &pfn, &err);

	if (p) {
		xenforeignmemory_unmap(vbe.fmem, p, 1);
		if (!err) {
			vlog("foreign mapping of d%u: allowed", d);
			return 0;
		}
	}
	vlog("foreign mapping of d%u: refused (%s)", d, strerror(err ? -err : errno));
	return 0;
}

#define MAX_POLL 64

/* One poll() over the event channels, xenstore and the devices' own
 * descriptors (a console's pty), and what became ready: 0, or -1. */
static int wait_once(void)
{
	struct pollfd p[MAX_POLL] = {
		{ .fd = xenevtchn_fd(vbe.xce), .events = POLLIN },
		{ .fd = vbe.xs ? xs_fileno(vbe.xs) : -1, .events = POLLIN },
	};
	struct vdev *who[MAX_POLL] = { NULL };
	unsigned int n = 2;

	for (struct vdev *d = vdev_list(); d && n < MAX_POLL; d = d->next)
		if (d->ops->poll_fd && (p[n].fd = d->ops->poll_fd(d)) >= 0) {
			p[n].events = POLLIN;
			who[n++] = d;
		}
	if (poll(p, n, -1) < 0 && errno != EINTR) {
		vlog("poll: %s", strerror(errno));
		return -1;
	}
	if (p[0].revents & POLLIN)
		on_event();
	if (p[1].revents & POLLIN)
		on_watch();
	/* A device the events above dropped is no longer listed: serve only
	 * those still there. */
	for (unsigned int i = 2; i < n; i++)
		for (struct vdev *d = vdev_list(); d; d = d->next)
			if (d == who[i] && (p[i].revents & POLLIN))
				d->ops->on_input(d);
	return 0;
}

int main(int argc, char **argv)
{
	char watch[96];
	unsigned int ndevs = 0;

	bool xenstore = true;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--no-xenstore") || !strcmp(argv[i], "--probe-foreign"))
			xenstore = false;
	if (open_all(xenstore))
		return 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--probe-foreign") && i + 1 < argc) {
			return probe_foreign(argv[i + 1]);
		} else if (!strcmp(argv[i], "--no-xenstore")) {
			continue;
		} else if (!strcmp(argv[i], "-v")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "--disk") && i + 1 < argc &&
			   !parse_dev(argv[++i], ndevs++, &blk_ops)) {
			continue;
		} else if (!strcmp(argv[i], "--console") && i + 1 < argc &&
			   !parse_dev(argv[++i], ndevs++, &console_ops)) {
			continue;
		} else {
			fprintf(stderr, "usage: xenith-virtio [-v] [--no-xenstore] "
				"[--disk domid=D,path=P[,base=B][,irq=I][,ro][,grant]]... "
				"[--console domid=D[,log=F][,base=B][,irq=I][,grant]]...\n");
			return 2;
		}
	}
	snprintf(watch, sizeof(watch), "/local/domain/%u/backend/virtio_disk", self_domid);
	if (vbe.xs && (!xs_watch(vbe.xs, watch, "disks") ||
		       !xs_watch(vbe.xs, "@releaseDomain", "release"))) {
		vlog("cannot watch xenstore: %s", strerror(errno));
		return 1;
	}
	if (vbe.xs)
		vlog("watching %s", watch);
	for (;;)
		if (wait_once())
			return 1;
}
