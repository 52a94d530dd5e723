// SPDX-License-Identifier: MIT
/*
 * A bare-metal virtio-blk driver (virtio 1.x over virtio-mmio version 2,
 * one split queue of 8 entries, polled) that drives the device the way a
 * driver should, and then the ways it should not, for xenith-virtio in
 * dom0 (a dom0less domain's xenith,virtio-mmio device).
 *
 *   test=virtio
 *
 * When its device-tree node says "iommus = <&xen_iommu D>" (a
 * xen,grant-dma node, the binding Linux's grant-dma-ops reads) it uses
 * VirtIO-Grant: every address it gives the device (queue rings, headers,
 * data, status) is a grant reference of its own table granted to domain
 * D (Linux's grant-dma-ops encoding: bit 63, the reference from bit 12,
 * the offset in the page), as Linux's CONFIG_XEN_VIRTIO does; the device
 * offers VIRTIO_F_ACCESS_PLATFORM.
 *
 * Prints "virtio: <case> = <status>" for each request (0 OK, 1 IOERR,
 * 2 UNSUPP, "reset" when the device asked for a reset), and the same
 * lines under both modes but for the grant-only cases; "VIRTIO DONE".
 */
#include "tg.h"
#include "../rt/xen.h"

#define R_MAGIC        0x000
#define R_VERSION      0x004
#define R_DEVICE_ID    0x008
#define R_DEV_FEATURES 0x010
#define R_DEV_FEAT_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEAT_SEL 0x024
#define R_QUEUE_SEL    0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM    0x038
#define R_QUEUE_READY  0x044
#define R_QUEUE_NOTIFY 0x050
#define R_IRQ_STATUS   0x060
#define R_IRQ_ACK      0x064
#define R_STATUS       0x070
#define R_DESC_LO      0x080
#define R_DESC_HI      0x084
#define R_AVAIL_LO     0x090
#define R_AVAIL_HI     0x094
#define R_USED_LO      0x0a0
#define R_USED_HI      0x0a4
#define R_CONFIG       0x100

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40
#define F_VERSION_1 (1ULL << 32)
#define F_ACCESS_PLATFORM (1ULL << 33)
#define D_NEXT 1
#define D_WRITE 2
#define QN 8
#define T_IN 0
#define T_OUT 1

#define XENMAPSPACE_grant_table 1
#define GTF_permit_access 1U
#define GRANT_BIT (1ULL << 63)
#define REF_BASE 16      /* our grant references: 16 + page index */
#define REF_UNGRANTED 200

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct grant_entry_v1 { uint16_t flags, domid; uint32_t frame; };

#define PAGE __attribute__((aligned(4096)))
/* The pages the device may reach, in grant order. */
enum { P_DESC, P_AVAIL, P_USED, P_HDR, P_DATA, P_STATUS, NR_PAGES };
static uint8_t pages[NR_PAGES][4096] PAGE;
static uint8_t secret[4096] PAGE;          /* never granted, never given */
static uint8_t balloon[4096] PAGE;         /* given back to Xen, never touched */
static uint8_t table_page[4096] PAGE;      /* our grant table's frame 0 */

static uint64_t dev;
static bool grants;
static uint16_t avail_idx, used_seen;

static uint32_t rd(uint32_t off) { return *(volatile uint32_t *)(uintptr_t)(dev + off); }
static void wr(uint32_t off, uint32_t v) { *(volatile uint32_t *)(uintptr_t)(dev + off) = v; }

static uint64_t gpa(const void *p) { return (uint64_t)(uintptr_t)p; }

/* The address the device is given for byte `off` of page `p`. */
static uint64_t dma(int p, uint32_t off)
{
	if (grants)
		return GRANT_BIT | ((uint64_t)(REF_BASE + p) << 12) | off;
	return gpa(pages[p]) + off;
}

/* The node whose phandle is ph, or -1. */
static int by_phandle(uint32_t ph)
{
	struct dt_node it = { .off = -1 };
	int len;

	while (dt_next(g_fdt, &it)) {
		const void *p = dt_getprop(g_fdt, it.off, "phandle", &len);

		if (p && len == 4 && be32(p) == ph)
			return it.off;
	}
	return -1;
}

/* The first virtio,mmio node: its window, and whether its "iommus" names
 * a xen,grant-dma node (then grants, to the domain in its cell). */
static bool find_device(uint16_t *backend)
{
	struct dt_node it = { .off = -1 };
	uint64_t size;
	const uint8_t *io;
	int len;

	while (dt_next(g_fdt, &it)) {
		if (!dt_compatible(g_fdt, it.off, "virtio,mmio") || !dt_reg(g_fdt, it.off, 0, &dev, &size))
			continue;
		io = dt_getprop(g_fdt, it.off, "iommus", &len);
		grants = io && len == 8 && dt_compatible(g_fdt, by_phandle(be32(io)), "xen,grant-dma");
		*backend = grants ? (uint16_t)be32(io + 4) : 0;
		return true;
	}
	return false;
}

static bool grant_pages(uint16_t backend)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = gpa(table_page) >> 12,
	};
	volatile struct grant_entry_v1 *gt = (volatile struct grant_entry_v1 *)table_page;

	if (xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap, gpa(&xatp), 0, 0, 0))
		return false;
	for (int p = 0; p < NR_PAGES; p++) {
		gt[REF_BASE + p].domid = backend;
		gt[REF_BASE + p].frame = (uint32_t)(gpa(pages[p]) >> 12);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		gt[REF_BASE + p].flags = GTF_permit_access;
	}
	return true;
}

/* Reset, negotiate, one queue of QN entries, DRIVER_OK. */
static bool init_device(void)
{
	uint64_t feat, want = F_VERSION_1 | (grants ? F_ACCESS_PLATFORM : 0);

	wr(R_STATUS, 0);
	wr(R_STATUS, S_ACK);
	wr(R_STATUS, S_ACK | S_DRIVER);
	wr(R_DEV_FEAT_SEL, 1);
	feat = (uint64_t)rd(R_DEV_FEATURES) << 32;
	wr(R_DEV_FEAT_SEL, 0);
	feat |= rd(R_DEV_FEATURES);
	if ((feat & want) != want)
		return false;
	wr(R_DRV_FEAT_SEL, 0);
	wr(R_DRV_FEATURES, 0);
	wr(R_DRV_FEAT_SEL, 1);
	wr(R_DRV_FEATURES, (uint32_t)(want >> 32));
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(R_STATUS) & S_FEATURES_OK))
		return false;
	memset(pages[P_DESC], 0, 4096);
	memset(pages[P_AVAIL], 0, 4096);
	memset(pages[P_USED], 0, 4096);
	avail_idx = used_seen = 0;
	wr(R_QUEUE_SEL, 0);
	if (rd(R_QUEUE_NUM_MAX) < QN)
		return false;
	wr(R_QUEUE_NUM, QN);
	wr(R_DESC_LO, (uint32_t)dma(P_DESC, 0));
	wr(R_DESC_HI, (uint32_t)(dma(P_DESC, 0) >> 32));
	wr(R_AVAIL_LO, (uint32_t)dma(P_AVAIL, 0));
	wr(R_AVAIL_HI, (uint32_t)(dma(P_AVAIL, 0) >> 32));
	wr(R_USED_LO, (uint32_t)dma(P_USED, 0));
	wr(R_USED_HI, (uint32_t)(dma(P_USED, 0) >> 32));
	wr(R_QUEUE_READY, 1);
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return true;
}

/* Makes head available and waits: the status byte, or -1 if the
 * device asked for a reset, -2 if nothing came back in 2 s. */
static int submit(uint16_t head)
{
	volatile uint16_t *avail = (volatile uint16_t *)pages[P_AVAIL];
	volatile uint16_t *used_idx = (volatile uint16_t *)(pages[P_USED] + 2);

	avail[2 + avail_idx % QN] = head;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail[1] = ++avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(R_QUEUE_NOTIFY, 0);
	for (int i = 0; i < 2000; i++) {
		if (rd(R_STATUS) & S_NEEDS_RESET)
			return -1;
		if (*used_idx != used_seen) {
			used_seen = *used_idx;
			wr(R_IRQ_ACK, rd(R_IRQ_STATUS));
			return pages[P_STATUS][0];
		}
		delay_ms(1);
	}
	return -2;
}

/* A request of three descriptors: header, data (at `data`), status. */
static int request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len)
{
	struct desc *d = (struct desc *)pages[P_DESC];
	uint32_t *hdr = (uint32_t *)pages[P_HDR];

	hdr[0] = type;
	hdr[1] = 0;
	memcpy(&hdr[2], &sector, 8);
	pages[P_STATUS][0] = 0xff;
	d[0] = (struct desc){ dma(P_HDR, 0), 16, D_NEXT, 1 };
	d[1] = (struct desc){ data, len, (uint16_t)(D_NEXT | (type == T_IN ? D_WRITE : 0)), 2 };
	d[2] = (struct desc){ dma(P_STATUS, 0), 1, D_WRITE, 0 };
	return submit(0);
}

static void show(const char *what, int st)
{
	if (st == -1)
		say("virtio: %s = reset", what);
	else if (st == -2)
		say("virtio: %s = BAD no answer", what);
	else
		say("virtio: %s = %d", what, st);
}

/* After the device asked for a reset: reset it and check it works. */
static void recover(const char *after)
{
	char what[64];

	snprintf(what, sizeof(what), "read after %s and a reset", after);
	if (!init_device()) {
		say("virtio: BAD device did not come back after %s", after);
		return;
	}
	show(what, request(T_IN, 0, dma(P_DATA, 0), 512));
}

/* One page of our RAM given back (a balloon's decrease_reservation): the
 * hypervisor makes every device model drop its mappings of our memory
 * before we go on (IOREQ_TYPE_INVALIDATE), and the next request is
 * served from fresh ones. Prints the extents done (1). */
static void give_page_back(void)
{
	static uint64_t gfn;
	struct xen_memory_reservation r = {
		.extent_start = gpa(&gfn), .nr_extents = 1, .domid = DOMID_SELF,
	};

	gfn = gpa(balloon) >> 12;
	say("virtio: give a page back = %lld",
	    (long long)xen_hypercall(XEN_HC_memory_op, XENMEM_decrease_reservation, gpa(&r), 0, 0, 0));
	show("read after giving a page back", request(T_IN, 100, dma(P_DATA, 0), 512));
	if (pages[P_DATA][5] != (uint8_t)(5 * 7 + 3))
		say("virtio: BAD sector 100 differs after giving a page back");
}

static void hostile_rings(void)
{
	struct desc *d = (struct desc *)pages[P_DESC];

	/* A head index beyond the queue. */
	show("head index beyond the queue", submit(QN + 3));
	recover("a bad head");
	/* A chain that loops back to itself. */
	pages[P_STATUS][0] = 0xff;
	d[0] = (struct desc){ dma(P_HDR, 0), 16, D_NEXT, 0 };
	show("descriptor chain that loops", submit(0));
	recover("a loop");
	/* A chain without its status byte. */
	d[0] = (struct desc){ dma(P_HDR, 0), 16, 0, 0 };
	show("request without a status byte", submit(0));
	recover("no status");
}

void mode_virtio(void)
{
	uint64_t base, end, cap;
	uint16_t backend;

	if (!ram_info(&base, &end) || !find_device(&backend)) {
		say("virtio: BAD no memory node or no virtio,mmio node");
		return;
	}
	mmu_enable_identity(base, end);
	if (grants) {
		say("virtio: grant-dma to d%u (iommus)", backend);
		if (!grant_pages(backend)) {
			say("virtio: BAD grant table not mapped");
			return;
		}
	}
	say("virtio: device at %#llx magic %#x version %u id %u", (unsigned long long)dev,
	    rd(R_MAGIC), rd(R_VERSION), rd(R_DEVICE_ID));
	if (!init_device()) {
		say("virtio: BAD features or queue refused");
		return;
	}
	cap = rd(R_CONFIG) | ((uint64_t)rd(R_CONFIG + 4) << 32);
	say("virtio: capacity %llu sectors%s", (unsigned long long)cap,
	    grants ? ", grant references" : "");
	show("read sector 0", request(T_IN, 0, dma(P_DATA, 0), 512));
	pages[P_DATA][31] = 0;
	for (int i = 0; i < 31; i++)
		if (pages[P_DATA][i] < ' ' || pages[P_DATA][i] > '~')
			pages[P_DATA][i] = 0;   /* the label ends its line */
	say("virtio: label '%s'", (const char *)pages[P_DATA]);
	for (int i = 0; i < 512; i++)
		pages[P_DATA][i] = (uint8_t)(i * 7 + 3);
	show("write sector 100", request(T_OUT, 100, dma(P_DATA, 0), 512));
	memset(pages[P_DATA], 0, 512);
	show("read sector 100", request(T_IN, 100, dma(P_DATA, 0), 512));
	for (int i = 0; i < 512; i++)
		if (pages[P_DATA][i] != (uint8_t)(i * 7 + 3)) {
			say("virtio: BAD sector 100 read back differs at %d", i);
			break;
		}
	give_page_back();
	show("read past the end of the disk", request(T_IN, cap, dma(P_DATA, 0), 512));
	show("data outside guest RAM", request(T_IN, 0, grants ? GRANT_BIT | 0x10000000 :
					       0x10000000, 512));
	if (grants) {
		memset(secret, 0x5a, sizeof(secret));
		/* Its guest-physical address: the device must not reach it. */
		show("data at a page given by address, not granted", request(T_OUT, 101, gpa(secret), 512));
		show("data at a grant reference never granted",
		     request(T_OUT, 101, GRANT_BIT | ((uint64_t)REF_UNGRANTED << 12), 512));
	}
	hostile_rings();
	show("final read", request(T_IN, 0, dma(P_DATA, 0), 512));
	say("VIRTIO DONE");
}
