/* SPDX-License-Identifier: MIT */
/*
 * xenith-virtio: a virtio-mmio backend daemon for dom0, on Debian's own
 * Xen 4.17 libraries. It serves the virtio disks Xen 4.17's toolstack
 * declares (xl.cfg: disk = [ '..., specification=virtio,
 * backendtype=standalone, ...' ]): for each one libxl writes under this
 * domain's backend/virtio_disk/<domid>/<devid>, the daemon creates an
 * ioreq server for the guest's window (base, 0x200 bytes), answers its
 * register accesses as a virtio-mmio (version 2) device, moves data
 * between the guest's virtqueues and the backing file, and raises the
 * device's SPI. Single-threaded: one poll() loop over the event channels
 * and xenstore.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xenevtchn.h>
#include <xendevicemodel.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/hvm/ioreq.h>

#define VBE_MAX_VCPUS   128
#define VBE_MAX_QUEUES  2
#define VBE_QUEUE_MAX   256        /* QueueNumMax */
#define VBE_WINDOW      0x200      /* libxl's VIRTIO_MMIO_DEV_SIZE */
#define CHUNK_PAGES     512        /* guest memory is mapped 2 MiB at a time */
#define CHUNK_SHIFT     21

extern int verbose;
void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The daemon's handles, opened once. */
struct vbe {
	xenevtchn_handle *xce;
	xendevicemodel_handle *dm;
	xenforeignmemory_handle *fmem;
	xengnttab_handle *xgt;     /* NULL if gntdev is not there */
	struct xs_handle *xs;
};
extern struct vbe vbe;

/* ---- guest memory (gmem.c) ---- */
struct gmem_chunk {
	uint8_t *va;               /* NULL: not mapped yet */
	uint64_t bad[CHUNK_PAGES / 64];   /* pages that failed to map */
};
struct gmem {
	uint16_t domid;
	/* VirtIO-Grant: every address the driver gives is a grant reference
	 * (bit 63 set, the reference in bits 12 and up, Linux's
	 * grant-dma-ops encoding) and is reached through gntdev, one page at
	 * a time; nothing of the guest is foreign-mapped. */
	bool grants;
	uint64_t base;             /* guest RAM window mapped on demand */
	unsigned int nr_chunks;
	struct gmem_chunk *chunk;
};
int gmem_init(struct gmem *g, uint16_t domid, bool grants);
void gmem_release(struct gmem *g);
/* Unmaps every chunk (they map again when next touched): how many. */
unsigned int gmem_invalidate(struct gmem *g);
/* Copies between the guest's physical memory and ours: 0, or -1 if a
 * byte of [gpa, gpa + len) is not guest RAM that could be mapped. */
int gmem_read(struct gmem *g, uint64_t gpa, void *buf, size_t len);
int gmem_write(struct gmem *g, uint64_t gpa, const void *buf, size_t len);

/* ---- virtqueues (vq.c) ---- */
struct vq {
	uint32_t num, ready;
	uint64_t desc, avail, used;
	uint16_t last_avail;
	uint16_t used_idx;         /* ours: the guest's copy is not trusted */
};
/* One buffer of a chain, as the device sees it. */
struct vq_buf {
	uint64_t gpa;
	uint32_t len;
	bool write;                /* device-writable */
};
#define VQ_MAX_CHAIN 130
struct vq_chain {
	uint16_t head;
	unsigned int n;
	struct vq_buf buf[VQ_MAX_CHAIN];
};
/* The next chain the driver made available: 1, 0 if none, -1 if the
 * queue is malformed (the reason is logged). */
int vq_next(struct gmem *g, struct vq *q, struct vq_chain *c, const char *who);
/* Gives a chain back with `written` bytes: 0, or -1. */
int vq_push(struct gmem *g, struct vq *q, uint16_t head, uint32_t written);

/* ---- devices (mmio.c: the transport; blk.c: the disk) ---- */
struct vdev;
struct vdev_ops {
	const char *kind;          /* "virtio-blk": names the device in messages */
	uint32_t device_id;
	uint64_t features;         /* device-specific feature bits */
	unsigned int nr_queues;
	/* Config space read (offset from 0x100, size 1/2/4/8). */
	uint64_t (*config_read)(struct vdev *d, uint64_t off, unsigned int size);
	/* The driver notified queue q: process what it made available. */
	void (*notify)(struct vdev *d, unsigned int q);
	/* Opens the device's back end (a disk's file, a console's pty): 0 or
	 * -1 (logged). close undoes it. */
	int (*open)(struct vdev *d, const char *arg, bool readonly);
	void (*close)(struct vdev *d);
	/* A descriptor the main loop polls for the device (-1: none now), and
	 * what to do when it is readable. Optional. */
	int (*poll_fd)(struct vdev *d);
	void (*on_input)(struct vdev *d);
};

struct vdev {
	uint16_t domid, devid;
	uint64_t base;
	uint32_t irq;
	const struct vdev_ops *ops;
	char name[48];             /* "d3 virtio-blk 51712" for messages */
	char what[320];            /* what ops->open made of its argument, for the log */
	/* the ioreq server */
	ioservid_t ioserv;
	bool have_server;
	xenforeignmemory_resource_handle *res;
	struct ioreq *page;        /* one slot per guest vCPU */
	unsigned int nr_vcpus;
	evtchn_port_t port[VBE_MAX_VCPUS];   /* ours, bound to the guest's */
	/* virtio-mmio registers */
	uint32_t status, dev_feat_sel, drv_feat_sel, queue_sel, isr, config_gen;
	uint64_t drv_features;
	uint64_t extra_features;   /* offered beyond ops->features (a read-only disk) */
	struct vq q[VBE_MAX_QUEUES];
	struct gmem mem;
	/* the disk */
	int fd;
	bool readonly;
	uint64_t sectors;
	char path[256];
	/* the console: a pty whose slave users open (the daemon keeps the
	 * slave open too, so the master never hangs up), guest output also
	 * appended to a log file; input waits in `in` for receive buffers */
	int pty, pty_slave, logfd;
	char in[256];
	size_t in_len;
	bool from_xs;              /* declared by libxl (else on the command line) */
	unsigned long invalidations;   /* mapcache invalidations asked */
	struct vdev *next;
};

int mmio_read(struct vdev *d, uint64_t off, unsigned int size, uint64_t *val);
void mmio_write(struct vdev *d, uint64_t off, unsigned int size, uint64_t val);
/* Used buffers were added: interrupt the driver. */
void vdev_interrupt(struct vdev *d);
/* The device is broken (a malformed queue): tell the driver it needs a
 * reset (virtio 1.x DEVICE_NEEDS_RESET). */
void vdev_needs_reset(struct vdev *d, const char *why);
/* A device's turn on queue q: while `more` (NULL: always) says there is
 * something to do, the next chain the driver made available goes to
 * `one`, which returns the bytes it wrote into the chain, or -1 once it
 * has broken the device (vdev_needs_reset); each chain goes back used
 * and the driver is interrupted once at the end. */
void vdev_serve(struct vdev *d, struct vq *q, int64_t (*one)(struct vdev *, const struct vq_chain *),
		bool (*more)(const struct vdev *));

extern const struct vdev_ops blk_ops;
/* console.c: virtio-console (one port) on a pty; arg: a log file or "". */
extern const struct vdev_ops console_ops;

/* ---- the ioreq server of a device (ioserv.c) ---- */
int ioserv_start(struct vdev *d);
void ioserv_stop(struct vdev *d);
/* A port became pending: serve what d's vCPU slot holds. */
bool ioserv_event(struct vdev *d, evtchn_port_t port);

/* ---- devices libxl declares (xs.c) ---- */
/* A served device; from_xs: declared by libxl in xenstore, else given on
 * the command line (a dom0less domain's). arg is what ops->open takes.
 * NULL if it could not start. */
struct vdev *vdev_new(const struct vdev_ops *ops, uint16_t domid, uint16_t devid,
		      uint64_t base, uint32_t irq, const char *arg, bool readonly,
		      bool from_xs, bool grants);
void xs_scan(void);
void xs_check_domains(void);
struct vdev *vdev_list(void);
