// SPDX-License-Identifier: MIT
/*
 * A device's ioreq server, in the order Xen 4.17's reference backend
 * uses (create, map the request page, enable, bind each vCPU's port,
 * claim the window), and the answer to each request: the slot goes
 * READY -> INPROCESS -> IORESP_READY and the vCPU's port is notified.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "vbe.h"

#define XENMEM_resource_ioreq_server 0
#define IOREQ_PAGE_FRAME 1   /* frame 0 would be the buffered page */

static int fail(struct vdev *d, const char *what)
{
	vlog("%s: %s failed: %s", d->name, what, strerror(errno));
	ioserv_stop(d);
	return -1;
}

int ioserv_start(struct vdev *d)
{
	if (xendevicemodel_nr_vcpus(vbe.dm, d->domid, &d->nr_vcpus))
		return fail(d, "nr_vcpus");
	if (d->nr_vcpus > VBE_MAX_VCPUS) {
		errno = E2BIG;
		return fail(d, "more vCPUs than served");
	}
	if (xendevicemodel_create_ioreq_server(vbe.dm, d->domid, 0, &d->ioserv))
		return fail(d, "create_ioreq_server");
	d->have_server = true;
	d->res = xenforeignmemory_map_resource(vbe.fmem, d->domid, XENMEM_resource_ioreq_server,
					       d->ioserv, IOREQ_PAGE_FRAME, 1, (void **)&d->page,
					       PROT_READ | PROT_WRITE, 0);
	if (!d->res)
		return fail(d, "mapping the request page");
	if (xendevicemodel_set_ioreq_server_state(vbe.dm, d->domid, d->ioserv, 1))
		return fail(d, "enabling the server");
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		xenevtchn_port_or_error_t p =
			xenevtchn_bind_interdomain(vbe.xce, d->domid, d->page[i].vp_eport);

		if (p < 0)
			return fail(d, "binding a vCPU's port");
		d->port[i] = (evtchn_port_t)p;
	}
	if (xendevicemodel_map_io_range_to_ioreq_server(vbe.dm, d->domid, d->ioserv, 1, d->base,
							 d->base + VBE_WINDOW - 1))
		return fail(d, "claiming the window");
	vlog("%s: serving %#llx-%#llx, SPI %u, %u vCPUs, ioreq server %u", d->name,
	     (unsigned long long)d->base, (unsigned long long)(d->base + VBE_WINDOW - 1), d->irq,
	     d->nr_vcpus, d->ioserv);
	return 0;
}

void ioserv_stop(struct vdev *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->port[i]) {
			xenevtchn_unbind(vbe.xce, d->port[i]);
			d->port[i] = 0;
		}
	if (d->res)
		xenforeignmemory_unmap_resource(vbe.fmem, d->res);
	d->res = NULL;
	d->page = NULL;
	/* The guest may already be gone (its servers went with it). */
	if (d->have_server)
		xendevicemodel_destroy_ioreq_server(vbe.dm, d->domid, d->ioserv);
	d->have_server = false;
}

/* IOREQ_TYPE_INVALIDATE: the guest took RAM out of its address space,
 * so nothing it had there may still be mapped here. Logged the first
 * time, then with -v. */
static void invalidate(struct vdev *d)
{
	unsigned int n = gmem_invalidate(&d->mem);

	if (!d->invalidations++ || verbose)
		vlog("%s: mapcache invalidated (%u chunks unmapped)", d->name, n);
}

static void answer(struct vdev *d, struct ioreq *q)
{
	uint64_t off = q->addr - d->base, val = 0;

	if (q->type == IOREQ_TYPE_INVALIDATE) {
		invalidate(d);
		return;
	}
	if (q->type != IOREQ_TYPE_COPY || q->addr < d->base || off >= VBE_WINDOW ||
	    q->count != 1 || q->data_is_ptr) {
		vlog("%s: unexpected request type %u at %#llx", d->name, q->type,
		     (unsigned long long)q->addr);
		q->data = ~0ULL;
		return;
	}
	if (q->dir == IOREQ_READ) {
		if (mmio_read(d, off, q->size, &val))
			val = ~0ULL;
		q->data = val;
	} else {
		mmio_write(d, off, q->size, q->data);
	}
}

bool ioserv_event(struct vdev *d, evtchn_port_t port)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		volatile struct ioreq *q;

		if (d->port[i] != port)
			continue;
		q = &d->page[i];
		if (q->state == STATE_IOREQ_READY) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			q->state = STATE_IOREQ_INPROCESS;
			answer(d, (struct ioreq *)q);
			__atomic_thread_fence(__ATOMIC_RELEASE);
			q->state = STATE_IORESP_READY;
			xenevtchn_notify(vbe.xce, port);
		}
		return true;
	}
	return false;
}
