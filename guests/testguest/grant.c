// SPDX-License-Identifier: MIT
/*
 * Grant tables between two bare-metal guests (v1).
 *
 * grant_offer  peer=D: maps its grant table's first frame over a page of
 *              its own, and offers D: ref 8 a page with a pattern
 *              (read-write), ref 9 another (read-only), ref 10 a page to
 *              a domain that is not D. Prints "grant: offered", then
 *              watches ref 8's flags: "grant: ref 8 in use" while D maps
 *              it (GTF_reading|GTF_writing), "grant: ref 8 released"
 *              after, and "grant: peer wrote ok" if D's mark reached it.
 *              When it sees ref 8 in use it writes an acknowledgement into
 *              the page, and D holds the mapping until that arrives: the
 *              two guests run on their own CPUs, and without the handshake
 *              a granter whose CPU is late misses the whole mapping.
 * grant_map    peer=D: maps, copies and unmaps D's grants, and tries what
 *              must fail, printing "grant: <case> = <status>" each (the
 *              same numbers under Xen 4.17 and Xenith), then "GRANT DONE".
 */
#include "tg.h"
#include "../rt/xen.h"

#define XEN_HC_grant_table_op 20
#define XENMAPSPACE_grant_table 1
#define GNTTABOP_map_grant_ref   0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_copy            5
#define GNTMAP_device_map  (1U << 0)
#define GNTMAP_host_map    (1U << 1)
#define GNTMAP_readonly    (1U << 2)
#define GTF_permit_access  1U
#define GTF_readonly       (1U << 2)
#define GTF_reading        (1U << 3)
#define GTF_writing        (1U << 4)
#define GNTCOPY_source_gref 1U
#define GNTCOPY_dest_gref   2U
#define MARK_AT    1024    /* the mapper writes MARK here */
#define MARK       0x5a
#define ACK_AT     2048    /* the granter writes ACK here on seeing ref 8 in use */
#define ACK        0xa5

struct grant_entry_v1 {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};

struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;
	uint32_t ref;
	uint16_t dom;
	int16_t status;
	uint32_t handle;
	uint64_t dev_bus_addr;
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map");

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	uint32_t handle;
	int16_t status;
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap");

struct gnttab_copy_ptr {
	uint64_t u;
	uint16_t domid;
	uint16_t offset;
	uint32_t pad;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "copy");

#define PAGE __attribute__((aligned(4096)))
static uint8_t table_page[4096] PAGE;     /* the granter's grant frame 0 */
static uint8_t offered[3][4096] PAGE;     /* ref 8, 9, 10 */
static uint8_t window[3][4096] PAGE;      /* where the mapper maps */
static uint8_t copybuf[4096] PAGE;

static uint8_t pattern(unsigned int page, unsigned int i)
{
	return (uint8_t)(page * 71 + i * 13 + 5);
}

static bool setup(void)
{
	uint64_t base, end;

	if (!ram_info(&base, &end)) {
		say("grant: no memory node");
		return false;
	}
	mmu_enable_identity(base, end);
	return true;
}

static uint64_t gfn_of(const void *p)
{
	return (uint64_t)(uintptr_t)p >> 12;
}

/* ---- the granting side ----------------------------------------------------- */

static void offer(volatile struct grant_entry_v1 *e, const void *page, uint16_t dom,
		  uint16_t extra)
{
	e->domid = dom;
	e->frame = (uint32_t)gfn_of(page);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	e->flags = (uint16_t)(GTF_permit_access | extra);
}

void mode_grant_offer(void)
{
	uint16_t peer = (uint16_t)arg_num("peer", 2);
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = gfn_of(table_page),
	};
	volatile struct grant_entry_v1 *gt = (volatile struct grant_entry_v1 *)table_page;
	bool seen = false;
	int64_t rc;

	if (!setup())
		return;
	for (unsigned int p = 0; p < 3; p++)
		for (unsigned int i = 0; i < 4096; i++)
			offered[p][i] = pattern(p, i);
	rc = xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap,
			   (uint64_t)(uintptr_t)&xatp, 0, 0, 0);
	if (rc) {
		say("grant: grant frame 0 not mapped: %lld", (long long)rc);
		return;
	}
	offer(&gt[8], offered[0], peer, 0);
	offer(&gt[9], offered[1], peer, GTF_readonly);
	offer(&gt[10], offered[2], (uint16_t)(peer + 5), 0);
	say("grant: offered");
	for (int t = 0; t < 1500; t++) {
		uint16_t f = gt[8].flags;

		if (!seen && (f & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing)) {
			say("grant: ref 8 in use");
			seen = true;
			((volatile uint8_t *)offered[0])[ACK_AT] = ACK;
		} else if (seen && !(f & (GTF_reading | GTF_writing))) {
			say("grant: ref 8 released");
			say("grant: peer wrote %s", offered[0][MARK_AT] == MARK ? "ok" : "nothing");
			return;
		}
		delay_ms(10);
	}
	say("grant: ref 8 %s", seen ? "never released" : "never used");
}

/* ---- the mapping side -------------------------------------------------------- */

static int16_t map(uint16_t dom, uint32_t ref, void *where, uint32_t flags, uint32_t *handle)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)(uintptr_t)where, .flags = flags, .ref = ref, .dom = dom,
	};
	int64_t rc = xen_hypercall(XEN_HC_grant_table_op, GNTTABOP_map_grant_ref,
				   (uint64_t)(uintptr_t)&op, 1, 0, 0);

	if (handle)
		*handle = op.handle;
	return rc ? (int16_t)rc : op.status;
}

static int16_t unmap(void *where, uint32_t handle)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = (uint64_t)(uintptr_t)where, .handle = handle,
	};
	int64_t rc = xen_hypercall(XEN_HC_grant_table_op, GNTTABOP_unmap_grant_ref,
				   (uint64_t)(uintptr_t)&op, 1, 0, 0);

	return rc ? (int16_t)rc : op.status;
}

static int16_t copy(struct gnttab_copy *op)
{
	int64_t rc = xen_hypercall(XEN_HC_grant_table_op, GNTTABOP_copy,
				   (uint64_t)(uintptr_t)op, 1, 0, 0);

	return rc ? (int16_t)rc : op->status;
}

static bool same(const volatile uint8_t *p, unsigned int page, unsigned int from, unsigned int n)
{
	for (unsigned int i = from; i < from + n; i++)
		if (p[i] != pattern(page, i))
			return false;
	return true;
}

static void copy_cases(uint16_t peer)
{
	struct gnttab_copy op = {
		.source = { .u = 8, .domid = peer, .offset = 100 },
		.dest = { .u = gfn_of(copybuf), .domid = DOMID_SELF, .offset = 200 },
		.len = 64, .flags = GNTCOPY_source_gref,
	};

	say("grant: copy from gref = %d", copy(&op));
	say("grant: copied content %s",
	    same(copybuf + 200 - 100, 0, 100, 64) ? "ok" : "BAD");
	op = (struct gnttab_copy){
		.source = { .u = gfn_of(copybuf), .domid = DOMID_SELF },
		.dest = { .u = 9, .domid = peer }, .len = 16, .flags = GNTCOPY_dest_gref,
	};
	say("grant: copy to read-only gref = %d", copy(&op));
	op.dest.u = 8;
	op.dest.offset = 4000;
	op.len = 200;
	say("grant: copy past the page = %d", copy(&op));
	op = (struct gnttab_copy){
		.source = { .u = gfn_of(offered[0]), .domid = peer },
		.dest = { .u = gfn_of(copybuf), .domid = DOMID_SELF }, .len = 16,
	};
	say("grant: copy from another's frame = %d", copy(&op));
}

/* Until the granter has seen ref 8 mapped (bounded: its silence fails the scenario). */
static void wait_for_ack(const volatile uint8_t *page)
{
	for (int t = 0; t < 1000 && page[ACK_AT] != ACK; t++)
		delay_ms(10);
}

void mode_grant_map(void)
{
	uint16_t peer = (uint16_t)arg_num("peer", 1);
	uint32_t h_rw = 0, h_ro = 0;
	int16_t st = -1;

	if (!setup())
		return;
	/* Until the peer has offered (it boots at the same time). */
	for (int t = 0; t < 1000 && st; t++) {
		st = map(peer, 8, window[0], GNTMAP_host_map, &h_rw);
		if (st)
			delay_ms(10);
	}
	say("grant: map rw = %d", st);
	if (st)
		return;
	/* All but the byte the granter may already have acknowledged in. */
	say("grant: content %s", same(window[0], 0, 0, ACK_AT) &&
	    same(window[0], 0, ACK_AT + 1, 4096 - ACK_AT - 1) ? "ok" : "BAD");
	window[0][MARK_AT] = MARK;   /* the granter looks for it */
	say("grant: map read-only grant read-only = %d",
	    map(peer, 9, window[1], GNTMAP_host_map | GNTMAP_readonly, &h_ro));
	say("grant: read-only content %s", same(window[1], 1, 0, 4096) ? "ok" : "BAD");
	say("grant: map read-only grant writable = %d",
	    map(peer, 9, window[2], GNTMAP_host_map, 0));
	say("grant: map a grant to another domain = %d",
	    map(peer, 10, window[2], GNTMAP_host_map, 0));
	say("grant: map a bad ref = %d", map(peer, 100000, window[2], GNTMAP_host_map, 0));
	say("grant: map from no domain = %d", map(0x7fe0, 8, window[2], GNTMAP_host_map, 0));
	say("grant: map without flags = %d", map(peer, 8, window[2], 0, 0));
	say("grant: map for a device = %d",
	    map(peer, 8, window[2], GNTMAP_host_map | GNTMAP_device_map, 0));
	copy_cases(peer);
	wait_for_ack(window[0]);
	say("grant: unmap elsewhere = %d", unmap(window[2], h_rw));
	say("grant: unmap = %d", unmap(window[0], h_rw));
	say("grant: unmap again = %d", unmap(window[0], h_rw));
	say("grant: unmap read-only = %d", unmap(window[1], h_ro));
	say("GRANT DONE");
}
