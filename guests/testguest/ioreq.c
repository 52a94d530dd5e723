// SPDX-License-Identifier: MIT
/*
 * IOREQ servers between two bare-metal guests: dom0 is the device model
 * (the backend) of a small device in domU's address space, the way a
 * virtio-mmio backend in dom0's user space serves a guest (Xen 4.17's
 * dm_op, XENMEM_acquire_resource, a port per vCPU).
 *
 * ioreq_backend  peer=D (dom0): first the device-model calls that must
 *                fail, each printed "ioreq: <case> = <rc>"; then creates a
 *                server for D, maps its request page, claims
 *                [0x02000000, 0x020001ff], enables it, binds each vCPU's
 *                port and serves: the device is 256 bytes of memory
 *                (offsets 0x00-0xff, any access size), plus
 *                  0x100 w  the front's racing is over
 *                  0x108 r  never answered: the backend destroys the
 *                           server instead (the waiting vCPU must come
 *                           back, with all ones)
 *                  0x110 w  raise SPI 33 (XEN_DMOP_set_irq_level)
 *                  0x118 r  requests served so far
 *                  0x120 r  never answered: the backend closes the
 *                           vCPU's port instead (as a device model that
 *                           dies)
 *                  0x128 w  bind the closed port again (written by
 *                           another vCPU, once the front has seen its
 *                           reads fail: no timing decides the order)
 *                Every request is checked (its slot, port, type, size,
 *                address); anything wrong prints a line with BAD. A
 *                mapcache invalidation (IOREQ_TYPE_INVALIDATE: size 4, a
 *                write of ~0) is answered and counted.
 * ioreq_front    (domU, several vCPUs): waits until the device answers
 *                (its accesses abort until the server is enabled, if it
 *                starts before that: the host's scheduling decides), then every vCPU at once, for
 *                rounds=N rounds, stores and loads its own bytes in 8-,
 *                2- and 1-byte accesses (a signed byte load must come back
 *                sign-extended) and counts mismatches, each vCPU giving
 *                GIVE_BACK pages of its RAM back to Xen on the way (each
 *                an invalidation its vCPU waits for); then vCPU 0 asks
 *                for the interrupt and waits for it, tries dm_op itself
 *                (a domU: -EPERM), reads the register whose answer never
 *                comes because the port is closed (all ones; the next
 *                read too, at once; then vCPU 1 asks for the port to be
 *                bound again and the device answers again), reads
 *                the register that is never answered, and after the
 *                server is gone takes an abort.
 */
#include "tg.h"
#include "../rt/xen.h"

#define HC_DM_OP            41
#define DMOP_create         1
#define DMOP_get_info       2
#define DMOP_map_range      3
#define DMOP_unmap_range    4
#define DMOP_set_state      5
#define DMOP_destroy        6
#define DMOP_set_irq_level  19
#define DMOP_nr_vcpus       20
#define XENMEM_acquire_resource 28
#define RES_IOREQ_SERVER    0
#define RANGE_MEMORY        1

#define DEV_BASE   0x02000000ull
#define DEV_SIZE   0x200ull
#define REG_PHASE  0x100
#define REG_STALL  0x108
#define REG_IRQ    0x110
#define REG_COUNT  0x118
#define REG_CLOSE  0x120
#define REG_REBIND 0x128
#define DEV_SPI    33
#define MAX_VCPUS  8

#define ST_NONE 0
#define ST_READY 1
#define ST_INPROCESS 2
#define ST_RESP 3

struct ioreq {
	uint64_t addr, data;
	uint32_t count, size, vp_eport;
	uint16_t pad;
	uint8_t flags, type;
};
_Static_assert(sizeof(struct ioreq) == 32, "ioreq");

struct dm_buf {
	uint64_t h, size;
};

struct dm_op {
	uint32_t op, pad;
	uint8_t u[24];
};

struct acquire {
	uint16_t domid, type;
	uint32_t id, nr_frames, pad;
	uint64_t frame, frame_list;
};

#define PAGE __attribute__((aligned(4096)))
static struct dm_op op PAGE;
static struct dm_buf bufs[3];
static struct acquire acq PAGE;
static uint64_t frames[2];
static volatile struct ioreq ioreq_page[128] PAGE;   /* replaced by the server's */

static uint64_t ptr(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ---- the device-model calls -------------------------------------------------- */

static void op_clear(uint32_t code)
{
	memset(&op, 0, sizeof(op));
	op.op = code;
}

static int64_t dm(uint16_t dom, unsigned int nr, uint64_t size)
{
	bufs[0] = (struct dm_buf){ ptr(&op), size };
	bufs[1] = (struct dm_buf){ ptr(&op), size };
	bufs[2] = bufs[1];
	return xen_hypercall(HC_DM_OP, dom, nr, ptr(bufs), 0, 0);
}

static int64_t dm_op(uint16_t dom)
{
	return dm(dom, 1, sizeof(op));
}

static void put16(unsigned int off, uint16_t v) { memcpy(&op.u[off], &v, 2); }
static void put32(unsigned int off, uint32_t v) { memcpy(&op.u[off], &v, 4); }
static void put64(unsigned int off, uint64_t v) { memcpy(&op.u[off], &v, 8); }
static uint16_t get16(unsigned int off) { uint16_t v; memcpy(&v, &op.u[off], 2); return v; }
static uint32_t get32(unsigned int off) { uint32_t v; memcpy(&v, &op.u[off], 4); return v; }

static int64_t map_range(uint16_t dom, uint16_t id, uint32_t type, uint64_t s, uint64_t e,
			 bool map)
{
	op_clear(map ? DMOP_map_range : DMOP_unmap_range);
	put16(0, id);
	put32(4, type);
	put64(8, s);
	put64(16, e);
	return dm_op(dom);
}

static int64_t set_state(uint16_t dom, uint16_t id, uint8_t on)
{
	op_clear(DMOP_set_state);
	put16(0, id);
	op.u[2] = on;
	return dm_op(dom);
}

static int64_t destroy(uint16_t dom, uint16_t id)
{
	op_clear(DMOP_destroy);
	put16(0, id);
	return dm_op(dom);
}

static int64_t create(uint16_t dom, uint16_t *id)
{
	int64_t rc;

	op_clear(DMOP_create);
	put16(4, 0xffff);
	rc = dm_op(dom);
	*id = get16(4);
	return rc;
}

static int64_t acquire(uint16_t dom, uint32_t id, uint64_t frame, uint32_t nr, uint64_t list)
{
	memset(&acq, 0, sizeof(acq));
	acq.domid = dom;
	acq.type = RES_IOREQ_SERVER;
	acq.id = id;
	acq.frame = frame;
	acq.nr_frames = nr;
	acq.frame_list = list;
	return xen_hypercall(XEN_HC_memory_op, XENMEM_acquire_resource, ptr(&acq), 0, 0, 0);
}

static void show(const char *what, int64_t rc)
{
	say("ioreq: %s = %lld", what, (long long)rc);
}

/* What must fail before any server exists, in Xen 4.17's order. */
static void refusals(uint16_t peer, uint16_t self)
{
	op_clear(DMOP_nr_vcpus);
	show("no buffers", dm(peer, 0, sizeof(op)));
	show("three buffers", dm(peer, 3, sizeof(op)));
	show("target itself", dm_op(self));
	show("target DOMID_SELF", dm_op(DOMID_SELF));
	show("target d99", dm_op(99));
	show("buffer of 7 bytes", dm(peer, 1, 7));
	op_clear(DMOP_map_range);
	show("map_range in 8 bytes", dm(peer, 1, 8));
	op_clear(21);
	show("op 21", dm_op(peer));
	op_clear(17);
	show("op 17 (x86 relocate_memory)", dm_op(peer));
	op_clear(DMOP_nr_vcpus);
	op.pad = 1;
	show("header pad", dm_op(peer));
	op_clear(DMOP_create);
	op.u[0] = 1;
	show("create with buffered requests", dm_op(peer));
	op_clear(DMOP_get_info);
	op.u[2] = 1;
	show("get_info of no server", dm_op(peer));
	show("destroy of no server", destroy(peer, 0));
	show("set_state of id 8", set_state(peer, 8, 1));
	show("acquire of no server", acquire(peer, 0, 1, 1, ptr(frames)));
	op_clear(DMOP_set_irq_level);
	put32(0, 31);
	op.u[4] = 1;
	show("irq 31", dm_op(peer));
	put32(0, DEV_SPI);
	op.u[4] = 2;
	show("irq level 2", dm_op(peer));
}

/* What must fail with a server there (id), and what Xen answers. */
static void server_refusals(uint16_t peer, uint16_t id)
{
	op_clear(DMOP_get_info);
	put16(0, id);
	show("get_info with gfns", dm_op(peer));
	op_clear(DMOP_get_info);
	put16(0, id);
	op.u[2] = 1;
	show("get_info without gfns", dm_op(peer));
	op.u[2] = 3;
	show("get_info flags 3", dm_op(peer));
	show("acquire size query", acquire(peer, id, 0, 0, 0));
	say("ioreq: acquire frames = %u", acq.nr_frames);
	show("acquire frame 0", acquire(peer, id, 0, 1, ptr(frames)));
	show("acquire frame 2", acquire(peer, id, 2, 1, ptr(frames)));
	show("range start after end", map_range(peer, id, RANGE_MEMORY, 0x2000, 0x1000, true));
	show("range type 3", map_range(peer, id, 3, 0x1000, 0x1fff, true));
	show("range over guest RAM", map_range(peer, id, RANGE_MEMORY, 0x40000000, 0x40000fff, true));
	show("range over the vGIC", map_range(peer, id, RANGE_MEMORY, 0x03001000, 0x03001fff, true));
	show("unmap of nothing", map_range(peer, id, RANGE_MEMORY, 0x1000, 0x1fff, false));
}

/* ---- the backend ----------------------------------------------------------- */

static uint8_t mem[256];
static uint32_t ports[MAX_VCPUS], local[MAX_VCPUS];
static unsigned int nvcpus;
static uint64_t served, bad, invalidations;
static int closed = -1;   /* the vCPU whose port the backend closed */

#define IOREQ_TYPE_INVALIDATE 8

static uint64_t dev_read(uint64_t off, uint32_t size)
{
	uint64_t v = 0;

	if (off == REG_COUNT)
		return served;
	if (off + size <= sizeof(mem))
		memcpy(&v, &mem[off], size);
	return v;
}

/* The device model "dies" for vCPU i: its port closed. */
static void close_port(unsigned int i)
{
	struct evtchn_port_arg c = { .port = local[i] };

	delay_ms(50);   /* the front's vCPU is blocked in its read */
	show("close a waiting vCPU's port", evtchn_op(EVTCHNOP_close, &c));
	closed = (int)i;
}

/* ... and comes back: the closed port bound again. */
static void rebind(uint16_t peer)
{
	struct evtchn_bind_interdomain b = { .remote_dom = peer };

	if (closed < 0)
		return;
	b.remote_port = ports[closed];
	show("bind it again", evtchn_op(EVTCHNOP_bind_interdomain, &b));
	local[closed] = b.local_port;
	closed = -1;
}

static void dev_write(uint64_t off, uint32_t size, uint64_t v, uint16_t peer, bool *phase)
{
	if (off + size <= sizeof(mem)) {
		memcpy(&mem[off], &v, size);
	} else if (off == REG_PHASE) {
		*phase = true;
	} else if (off == REG_REBIND) {
		rebind(peer);
	} else if (off == REG_IRQ) {
		op_clear(DMOP_set_irq_level);
		put32(0, DEV_SPI);
		op.u[4] = 1;
		show("raise SPI 33", dm_op(peer));
	}
}

/* A mapcache invalidation as Xen sends it: everything (~0), a write of
 * 4 bytes, on the vCPU's port. */
static bool invalidation_ok(unsigned int i, volatile struct ioreq *q, uint8_t f)
{
	bool ok = q->size == 4 && q->data == ~0ull && q->vp_eport == ports[i] && !(f & 0x20);

	if (!ok && bad++ < 5)
		say("ioreq: BAD invalidation vcpu %u size %u data %#llx port %u", i, q->size,
		    (unsigned long long)q->data, q->vp_eport);
	return ok;
}

static bool request_ok(unsigned int i, volatile struct ioreq *q)
{
	bool ok = q->type == 1 && q->count == 1 && q->vp_eport == ports[i] &&
		  (q->size == 1 || q->size == 2 || q->size == 4 || q->size == 8) &&
		  q->addr >= DEV_BASE && q->addr + q->size <= DEV_BASE + DEV_SIZE;

	if (!ok && bad++ < 5)
		say("ioreq: BAD request vcpu %u addr %#llx size %u type %u port %u", i,
		    (unsigned long long)q->addr, q->size, q->type, q->vp_eport);
	return ok;
}

/* Serves until the front reads the stall register; true if it did. */
static bool serve(uint16_t peer)
{
	bool phase = false;

	for (;;) {
		for (unsigned int i = 0; i < nvcpus; i++) {
			volatile struct ioreq *q = &ioreq_page[i];
			struct evtchn_port_arg send = { .port = local[i] };
			uint8_t f = __atomic_load_n(&q->flags, __ATOMIC_ACQUIRE);
			uint64_t off;

			if ((f & 0xf) != ST_READY)
				continue;
			q->flags = (uint8_t)((f & ~0xf) | ST_INPROCESS);
			if (q->type == IOREQ_TYPE_INVALIDATE) {
				invalidations += invalidation_ok(i, q, f);
			} else if (!request_ok(i, q)) {
				q->data = 0;
			} else {
				off = q->addr - DEV_BASE;
				if (off == REG_STALL && (f & 0x20))
					return true;   /* never answered */
				if (off == REG_CLOSE && (f & 0x20)) {
					q->flags = (uint8_t)(f & ~0xf);   /* dropped */
					close_port(i);
					continue;
				}
				if (f & 0x20)
					q->data = dev_read(off, q->size);
				else
					dev_write(off, q->size, q->data, peer, &phase);
			}
			served++;
			__atomic_store_n(&q->flags, (uint8_t)((f & ~0xf) | ST_RESP), __ATOMIC_RELEASE);
			evtchn_op(EVTCHNOP_send, &send);
		}
	}
}

static bool setup_mmu(void)
{
	uint64_t base, end;

	if (!ram_info(&base, &end))
		return false;
	mmu_enable_identity(base, end);
	return true;
}

static bool start_server(uint16_t peer, uint16_t *id)
{
	int64_t rc;

	op_clear(DMOP_nr_vcpus);
	rc = dm_op(peer);
	nvcpus = get32(0);
	say("ioreq: nr_vcpus rc=%lld vcpus=%u", (long long)rc, nvcpus);
	if (rc || !nvcpus || nvcpus > MAX_VCPUS)
		return false;
	show("create", create(peer, id));
	say("ioreq: server id %u", *id);
	server_refusals(peer, *id);
	frames[0] = ptr(ioreq_page) >> 12;
	show("acquire frame 1", acquire(peer, *id, 1, 1, ptr(frames)));
	show("claim the device", map_range(peer, *id, RANGE_MEMORY, DEV_BASE, DEV_BASE + DEV_SIZE - 1, true));
	show("claim it again", map_range(peer, *id, RANGE_MEMORY, DEV_BASE + 8, DEV_BASE + 15, true));
	show("enable", set_state(peer, *id, 1));
	for (unsigned int i = 0; i < nvcpus; i++) {
		struct evtchn_bind_interdomain b = { .remote_dom = peer };

		ports[i] = ioreq_page[i].vp_eport;
		b.remote_port = ports[i];
		rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
		local[i] = b.local_port;
		if (rc || !ports[i]) {
			say("ioreq: BAD port of vcpu %u: %u, bind rc=%lld", i, ports[i], (long long)rc);
			return false;
		}
	}
	say("ioreq: ports bound for %u vcpus", nvcpus);
	return true;
}

void mode_ioreq_backend(void)
{
	uint16_t peer = (uint16_t)arg_num("peer", 1), id = 0xffff, id2 = 0xffff;

	if (!setup_mmu())
		return;
	refusals(peer, 0);
	if (!start_server(peer, &id))
		return;
	say("ioreq: serving");
	if (serve(peer)) {
		delay_ms(50);   /* the front's vCPU is blocked in its read */
		show("destroy while a vCPU waits", destroy(peer, id));
	}
	show("set_state after destroy", set_state(peer, id, 1));
	show("create again", create(peer, &id2));
	say("ioreq: server id again %u", id2);
	show("destroy again", destroy(peer, id2));
	say("ioreq: mapcache invalidations %llu", (unsigned long long)invalidations);
	say("IOREQ BACK DONE served=%llu bad=%llu", (unsigned long long)served,
	    (unsigned long long)bad);
}

/* ---- the front --------------------------------------------------------------- */

static volatile uint32_t go, done[MAX_VCPUS], rebind_asked;
static volatile uint64_t mismatches[MAX_VCPUS], given_back[MAX_VCPUS];
static unsigned int front_rounds;

/* Pages each vCPU gives back while it races (never touched). */
#define GIVE_BACK 3
static uint8_t to_give[MAX_VCPUS][GIVE_BACK][4096] PAGE;

/* Gives page n of vCPU id back (XENMEM_decrease_reservation): the
 * hypervisor sends the device model a mapcache invalidation and the vCPU
 * waits for its answer before the call returns. */
static void give_back(unsigned int id, unsigned int n)
{
	static uint64_t gfn[MAX_VCPUS];
	struct xen_memory_reservation r = {
		.extent_start = ptr(&gfn[id]), .nr_extents = 1, .domid = DOMID_SELF,
	};

	gfn[id] = ptr(to_give[id][n]) >> 12;
	given_back[id] += xen_hypercall(XEN_HC_memory_op, XENMEM_decrease_reservation, ptr(&r),
					0, 0, 0) == 1;
}

static inline void st64(uint64_t a, uint64_t v) { __asm__ volatile("str %0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline void st16(uint64_t a, uint16_t v) { __asm__ volatile("strh %w0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline void st8(uint64_t a, uint8_t v) { __asm__ volatile("strb %w0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline uint64_t ld64(uint64_t a) { uint64_t v; __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline uint64_t ld16(uint64_t a) { uint64_t v = ~0ull; __asm__ volatile("ldrh %w0, [%1]" : "+r"(v) : "r"(a) : "memory"); return v; }
static inline uint64_t lds8(uint64_t a) { uint64_t v; __asm__ volatile("ldrsb %0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }

static void race(unsigned int id)
{
	uint64_t miss = 0;

	while (!go)
		;
	for (unsigned int r = 0; r < front_rounds; r++) {
		uint64_t v64 = ((uint64_t)id << 56) | ((uint64_t)r << 16) | 0xa5a5;
		uint16_t v16 = (uint16_t)(0x8000 | (r * 7 + id));
		uint8_t v8 = (uint8_t)(0x80 | ((r + id) & 0x7f));

		st64(DEV_BASE + 8 * id, v64);
		miss += ld64(DEV_BASE + 8 * id) != v64;
		st16(DEV_BASE + 0x80 + 2 * id, v16);
		miss += ld16(DEV_BASE + 0x80 + 2 * id) != v16;   /* upper bits cleared */
		st8(DEV_BASE + 0xc0 + id, v8);
		miss += lds8(DEV_BASE + 0xc0 + id) != (uint64_t)(int64_t)(int8_t)v8;
		if (r % 64 == 32 && r / 64 < GIVE_BACK)
			give_back(id, r / 64);
	}
	mismatches[id] = miss;
	dsb();
	done[id] = 1;
}

/* vCPU 1 asks the backend to bind vCPU 0's port again when vCPU 0 says
 * so (vCPU 0's own accesses fail at once while its port is closed). */
static void front_secondary(uint64_t idx)
{
	race((unsigned int)idx);
	if (idx == 1) {
		while (!rebind_asked)
			__asm__ volatile("wfe");   /* vCPU 0's SEV, or a trap */
		st64(DEV_BASE + REG_REBIND, 1);
	}
	for (;;)
		__asm__ volatile("wfi");
}

static bool wait_device(void)
{
	struct fault_record fr;
	uint64_t v;
	unsigned int aborts = 0;

	for (int i = 0; i < 400; i++) {
		if (!try_load64(DEV_BASE + REG_COUNT, &v, &fr)) {
			say("ioreq: device answers after %s", aborts ? "aborts" : "no abort");
			return true;
		}
		aborts++;
		delay_ms(25);
	}
	say("ioreq: BAD device never answered");
	return false;
}

static void front_irq(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1) & 0xff00ffffffull;
	uint32_t intid = 1023;

	if (!gic_init(g_fdt) || !gic_enable_spi(DEV_SPI, mpidr)) {
		say("ioreq: BAD no GIC");
		return;
	}
	st64(DEV_BASE + REG_IRQ, 1);
	for (int i = 0; i < 1000 && intid != DEV_SPI; i++) {
		intid = gic_ack();
		if (intid == 1023)
			delay_ms(1);
	}
	if (intid == DEV_SPI) {
		gic_eoi(intid);
		say("ioreq: SPI 33 delivered");
	} else {
		say("ioreq: BAD SPI 33 not delivered (%u)", intid);
	}
}

void mode_ioreq_front(void)
{
	uint64_t mpidr[MAX_VCPUS], v, total = 0, given = 0;
	unsigned int n = dt_cpu_mpidrs(mpidr, MAX_VCPUS);
	struct fault_record fr;

	front_rounds = (unsigned int)arg_num("rounds", 200);
	if (!wait_device())
		return;
	secondary_hook = front_secondary;
	for (unsigned int i = 1; i < n; i++)
		if (psci_call(PSCI_CPU_ON_64, mpidr[i], (uint64_t)(uintptr_t)secondary_entry, i))
			say("ioreq: BAD CPU_ON %u", i);
	go = 1;
	race(0);
	for (unsigned int i = 0; i < n; i++) {
		while (!done[i])
			;
		total += mismatches[i];
		given += given_back[i];
	}
	say("ioreq: %u vcpus x %u rounds raced, mismatches=%llu", n, front_rounds,
	    (unsigned long long)total);
	say("ioreq: pages given back while racing %llu", (unsigned long long)given);
	st64(DEV_BASE + REG_PHASE, 1);
	front_irq();
	op_clear(DMOP_nr_vcpus);
	show("domU dm_op", dm_op(0));
	v = ld64(DEV_BASE + REG_CLOSE);
	say("ioreq: read whose port was closed came back with %#llx", (unsigned long long)v);
	v = ld64(DEV_BASE + REG_COUNT);
	say("ioreq: next read while unbound came back with %#llx", (unsigned long long)v);
	rebind_asked = n > 1;
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
	for (int i = 0; i < 1000 && v == ~0ull; i++) {
		delay_ms(10);
		v = ld64(DEV_BASE + REG_COUNT);
	}
	say("ioreq: device %s after the port was bound again", v != ~0ull ? "answers" : "BAD silent");
	v = ld64(DEV_BASE + REG_STALL);
	say("ioreq: stalled read came back with %#llx", (unsigned long long)v);
	say("ioreq: after destroy the access %s",
	    try_load64(DEV_BASE, &v, &fr) ? "aborts" : "BAD does not abort");
	say("IOREQ FRONT DONE");
}
