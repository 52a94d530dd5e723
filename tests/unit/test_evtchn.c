// SPDX-License-Identifier: MIT
/*
 * common/evtchn*.c on the host: three domains with plain memory for
 * shared_info, vcpu_info, FIFO control blocks and event arrays, a fake
 * hypervisor (lookup table, upcall counters, map_gfn over a few "RAM"
 * pages) and a fake guest that consumes events the way Linux 6.1 does.
 * The fake spinlock (fakearch/arch/spinlock.h) aborts on a self-deadlock
 * and reports every lock so the domid lock order is checked too.
 */
#include <stdalign.h>

#include <xenith/errno.h>
#include <xenith/evtchn.h>

#include "check.h"

#define PAGE 4096
#define RAM_GFN 0x40000ULL
#define RAM_PAGES 6
/* Guest pages: where the fake guest keeps its vcpu_infos (vCPU v at
 * 64 * v), its control blocks (vCPU v at 128 * v), its event array. */
#define PG_VCPU_INFO 0
#define PG_CONTROL   1
#define PG_ARRAY     2
#define PG_ARRAY2    3
#define NR_DOMS 3
/* vCPUs a test domain may have (the hypervisor sizes this per domain). */
#define EVTCHN_MAX_VCPUS 8

struct tdom {
	struct evtchn_domain ed;
	struct evtchn_vcpu ev[EVTCHN_MAX_VCPUS];
	uint8_t *shinfo;
	uint8_t *ram;
	unsigned int upcalls[EVTCHN_MAX_VCPUS];
	bool armed[EVTCHN_MAX_VCPUS];  /* upcall_pending cleared since last */
	unsigned int bad_upcalls;      /* upcalls without a 0 -> 1 edge */
	bool cb_set[EVTCHN_MAX_VCPUS]; /* guest did init_control */
	uint32_t qhead[EVTCHN_MAX_VCPUS][EVTCHN_FIFO_MAX_QUEUES]; /* Linux's */
};

static struct tdom *doms[NR_DOMS];
static const uint16_t dom_ids[NR_DOMS] = { 1, 2, 7 };
static const unsigned int dom_vcpus[NR_DOMS] = { 2, 2, 3 };
#define A (doms[0])
#define B (doms[1])
#define C (doms[2])

/* ---- fake hypervisor ---- */

static struct tdom *tdom_of(struct evtchn_domain *ed)
{
	return (struct tdom *)((char *)ed - offsetof(struct tdom, ed));
}

static struct evtchn_domain *fake_lookup(uint16_t domid)
{
	for (int i = 0; i < NR_DOMS; i++)
		if (doms[i] && doms[i]->ed.domid == domid)
			return &doms[i]->ed;
	return NULL;
}

static void fake_upcall(struct evtchn_domain *ed, unsigned int v)
{
	struct tdom *d = tdom_of(ed);

	if (v >= ed->nr_vcpus || !d->armed[v] || !evtchn_upcall_pending(ed, v))
		d->bad_upcalls++;
	d->armed[v] = false;
	d->upcalls[v]++;
}

static void *fake_map_gfn(struct evtchn_domain *ed, uint64_t gfn)
{
	if (gfn < RAM_GFN || gfn >= RAM_GFN + RAM_PAGES)
		return NULL;
	return tdom_of(ed)->ram + (gfn - RAM_GFN) * PAGE;
}

static const struct evtchn_env fake_env = {
	.lookup = fake_lookup,
	.upcall = fake_upcall,
	.map_gfn = fake_map_gfn,
};

/* Lock order: a second lock must belong to a higher domid. */
void (*fake_spin_hook)(spinlock_t *l, int taking);
static int held[4], nheld;
static unsigned int lock_order_errors, nested_locks;

static int domid_of_lock(spinlock_t *l)
{
	for (int i = 0; i < NR_DOMS; i++)
		if (doms[i] && l == &doms[i]->ed.lock)
			return doms[i]->ed.domid;
	return -1;
}

static void lock_hook(spinlock_t *l, int taking)
{
	int id = domid_of_lock(l);

	if (taking) {
		if (nheld && held[nheld - 1] >= id)
			lock_order_errors++;
		if (nheld)
			nested_locks++;
		if (nheld < 4)
			held[nheld++] = id;
		return;
	}
	for (int i = 0; i < nheld; i++)
		if (held[i] == id) {
			held[i] = held[--nheld];
			return;
		}
	lock_order_errors++;
}

static void free_doms(void)
{
	for (int i = 0; i < NR_DOMS; i++) {
		if (!doms[i])
			continue;
		free(doms[i]->shinfo);
		free(doms[i]->ram);
		free(doms[i]);
		doms[i] = NULL;
	}
}

static void setup(void)
{
	free_doms();
	for (int i = 0; i < NR_DOMS; i++) {
		struct tdom *d = calloc(1, sizeof(*d));

		d->shinfo = aligned_alloc(PAGE, PAGE);
		d->ram = aligned_alloc(PAGE, RAM_PAGES * PAGE);
		memset(d->shinfo, 0, PAGE);
		memset(d->ram, 0, RAM_PAGES * PAGE);
		for (int v = 0; v < EVTCHN_MAX_VCPUS; v++)
			d->armed[v] = true;
		evtchn_domain_init(&d->ed, dom_ids[i], dom_vcpus[i], d->ev,
				   d->shinfo, &fake_env);
		doms[i] = d;
	}
	fake_spin_hook = lock_hook;
}

/* ---- hypercalls, as the glue makes them ---- */

static long op(struct tdom *d, int cmd, void *arg)
{
	long rc = evtchn_op(&d->ed, 0, cmd, arg);

	if (nheld)  /* every lock released on return */
		lock_order_errors++;
	return rc;
}

static long alloc_unbound(struct tdom *d, uint16_t dom, uint16_t remote,
			  uint32_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	long rc = op(d, EVTCHNOP_alloc_unbound, &a);

	if (port)
		*port = rc ? 0 : a.port;
	return rc;
}

static long bind_inter(struct tdom *d, uint16_t rdom, uint32_t rport,
		       uint32_t *lport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = rdom,
					     .remote_port = rport };
	long rc = op(d, EVTCHNOP_bind_interdomain, &b);

	if (lport)
		*lport = rc ? 0 : b.local_port;
	return rc;
}

static long bind_virq(struct tdom *d, uint32_t virq, uint32_t vcpu,
		      uint32_t *port)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
	long rc = op(d, EVTCHNOP_bind_virq, &b);

	if (port)
		*port = rc ? 0 : b.port;
	return rc;
}

static long bind_ipi(struct tdom *d, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };
	long rc = op(d, EVTCHNOP_bind_ipi, &b);

	if (port)
		*port = rc ? 0 : b.port;
	return rc;
}

static long send(struct tdom *d, uint32_t port)
{
	struct evtchn_send s = { .port = port };

	return op(d, EVTCHNOP_send, &s);
}

static long close_port(struct tdom *d, uint32_t port)
{
	struct evtchn_close c = { .port = port };

	return op(d, EVTCHNOP_close, &c);
}

static long unmask(struct tdom *d, uint32_t port)
{
	struct evtchn_unmask u = { .port = port };

	return op(d, EVTCHNOP_unmask, &u);
}

static long bind_vcpu(struct tdom *d, uint32_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

	return op(d, EVTCHNOP_bind_vcpu, &b);
}

static long status(struct tdom *d, uint16_t dom, uint32_t port,
		   struct evtchn_status *s)
{
	memset(s, 0xaa, sizeof(*s));
	s->dom = dom;
	s->port = port;
	return op(d, EVTCHNOP_status, s);
}

static long set_prio(struct tdom *d, uint32_t port, uint32_t prio)
{
	struct evtchn_set_priority p = { .port = port, .priority = prio };

	return op(d, EVTCHNOP_set_priority, &p);
}

static long init_control(struct tdom *d, uint64_t gfn, uint32_t off,
			 uint32_t vcpu, uint8_t *link_bits)
{
	struct evtchn_init_control ic = { .control_gfn = gfn, .offset = off,
					  .vcpu = vcpu };
	long rc = op(d, EVTCHNOP_init_control, &ic);

	if (link_bits)
		*link_bits = ic.link_bits;
	return rc;
}

static long expand(struct tdom *d, uint64_t gfn)
{
	struct evtchn_expand_array e = { .array_gfn = gfn };

	return op(d, EVTCHNOP_expand_array, &e);
}

static long reset(struct tdom *d, uint16_t dom)
{
	struct evtchn_reset r = { .dom = dom };

	return op(d, EVTCHNOP_reset, &r);
}

/* ---- the guest's side ---- */

static struct xen_shared_info *si(struct tdom *d)
{
	return (struct xen_shared_info *)d->shinfo;
}

static struct xen_vcpu_info *vi(struct tdom *d, unsigned int v)
{
	return d->ed.vcpu[v].info;
}

static bool l2_pending(struct tdom *d, uint32_t port)
{
	return si(d)->evtchn_pending[port / 64] >> (port % 64) & 1;
}

static bool l2_sel(struct tdom *d, unsigned int v, uint32_t port)
{
	return vi(d, v) && (vi(d, v)->evtchn_pending_sel >> (port / 64) & 1);
}

static void l2_set_mask(struct tdom *d, uint32_t port, bool on)
{
	uint64_t bit = 1ULL << (port % 64);

	if (on)
		si(d)->evtchn_mask[port / 64] |= bit;
	else
		si(d)->evtchn_mask[port / 64] &= ~bit;
}

static uint32_t *word(struct tdom *d, uint32_t port)
{
	return (uint32_t *)(d->ram + PG_ARRAY * PAGE) + port;
}

static struct evtchn_fifo_control_block *cb(struct tdom *d, unsigned int v)
{
	return (struct evtchn_fifo_control_block *)(d->ram + PG_CONTROL * PAGE +
						    128 * v);
}

#define W_P (1U << EVTCHN_FIFO_PENDING)
#define W_M (1U << EVTCHN_FIFO_MASKED)
#define W_L (1U << EVTCHN_FIFO_LINKED)
#define W_B (1U << EVTCHN_FIFO_BUSY)

static bool pending(struct tdom *d, uint32_t port)
{
	return d->ed.fifo ? (*word(d, port) & W_P) != 0 : l2_pending(d, port);
}

/* The guest clears evtchn_upcall_pending before it looks for events. */
static void guest_ack(struct tdom *d, unsigned int v)
{
	if (!vi(d, v))
		return;
	__atomic_store_n(&vi(d, v)->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	d->armed[v] = true;
}

/* VCPUOP_register_vcpu_info as vcpu_op.c does it: copy, then switch. */
static void register_vcpu_info(struct tdom *d, unsigned int v)
{
	void *p = d->ram + PG_VCPU_INFO * PAGE + 64 * v;
	struct xen_vcpu_info *old = vi(d, v);

	if (old)
		memcpy(p, old, sizeof(*old));
	else
		memset(p, 0, sizeof(*old));
	d->armed[v] = !((struct xen_vcpu_info *)p)->evtchn_upcall_pending;
	evtchn_set_vcpu_info(&d->ed, v, p);
}

/* Linux's 2-level upcall: take the selector, then every pending and
 * unmasked port of the selected words, acknowledging each. */
static int l2_scan(struct tdom *d, unsigned int v, uint32_t *out, int max)
{
	struct xen_shared_info *s = si(d);
	uint64_t sel;
	int n = 0;

	if (!vi(d, v))
		return 0;
	guest_ack(d, v);
	sel = __atomic_exchange_n(&vi(d, v)->evtchn_pending_sel, 0,
				  __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = (unsigned int)__builtin_ctzll(sel);
		uint64_t bits = s->evtchn_pending[w] & ~s->evtchn_mask[w];

		sel &= sel - 1;
		while (bits) {
			unsigned int b = (unsigned int)__builtin_ctzll(bits);

			bits &= bits - 1;
			__atomic_fetch_and(&s->evtchn_pending[w], ~(1ULL << b),
					   __ATOMIC_SEQ_CST);
			if (n < max)
				out[n] = w * 64 + b;
			n++;
		}
	}
	return n;
}

/* Linux's clear_linked(): unlink the word, return where it pointed. */
static uint32_t clear_linked(uint32_t *w)
{
	uint32_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST), next;

	do
		next = old & ~(W_L | EVTCHN_FIFO_LINK_MASK);
	while (!__atomic_compare_exchange_n(w, &old, next, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return old & EVTCHN_FIFO_LINK_MASK;
}

/* Linux's FIFO upcall: one event at a time from the highest-priority
 * ready queue, re-reading the ready word after each. */
static int fifo_drain(struct tdom *d, unsigned int v, uint32_t *out, int max)
{
	struct evtchn_fifo_control_block *c = cb(d, v);
	uint32_t ready;
	int n = 0;

	if (!d->cb_set[v])
		return 0;
	guest_ack(d, v);
	ready = __atomic_exchange_n(&c->ready, 0, __ATOMIC_SEQ_CST);
	while (ready) {
		unsigned int q = (unsigned int)__builtin_ctz(ready);
		uint32_t port = d->qhead[v][q] ? d->qhead[v][q] : c->head[q];
		uint32_t link = clear_linked(word(d, port));

		if (!link)
			ready &= ~(1U << q);
		if ((*word(d, port) & (W_P | W_M)) == W_P) {
			__atomic_fetch_and(word(d, port), ~W_P, __ATOMIC_SEQ_CST);
			if (n < max)
				out[n] = port;
			n++;
		}
		d->qhead[v][q] = link;
		ready |= __atomic_exchange_n(&c->ready, 0, __ATOMIC_SEQ_CST);
	}
	return n;
}

static int consume(struct tdom *d, unsigned int v, uint32_t *out, int max)
{
	return d->ed.fifo ? fifo_drain(d, v, out, max) : l2_scan(d, v, out, max);
}

/* Linux masks in guest memory and unmasks there too unless the port is
 * pending, when it asks the hypervisor (which then re-raises it). */
static void guest_mask(struct tdom *d, uint32_t port)
{
	if (d->ed.fifo)
		__atomic_fetch_or(word(d, port), W_M, __ATOMIC_SEQ_CST);
	else
		l2_set_mask(d, port, true);
}

static void guest_unmask(struct tdom *d, uint32_t port)
{
	if (pending(d, port))
		unmask(d, port);
	else if (d->ed.fifo)
		__atomic_fetch_and(word(d, port), ~W_M, __ATOMIC_SEQ_CST);
	else
		l2_set_mask(d, port, false);
}

/* The guest switches to FIFO: a control block per vCPU, one array page
 * (fresh, zeroed memory, as a guest would allocate). */
static bool go_fifo_rc(struct tdom *d)
{
	bool ok = true;

	memset(d->ram + PG_CONTROL * PAGE, 0, 2 * PAGE);
	memset(d->qhead, 0, sizeof(d->qhead));
	for (unsigned int v = 0; v < d->ed.nr_vcpus; v++) {
		ok &= init_control(d, RAM_GFN + PG_CONTROL, 128 * v, v, NULL) == 0;
		d->cb_set[v] = true;
	}
	return ok && expand(d, RAM_GFN + PG_ARRAY) == 0;
}

static void go_fifo(struct tdom *d)
{
	CHECK(go_fifo_rc(d));
}

/* A pair: a's port offered to b, bound by b. */
static void pair(struct tdom *a, struct tdom *b, uint32_t *pa, uint32_t *pb)
{
	CHECK_EQ(alloc_unbound(a, DOMID_SELF, b->ed.domid, pa), 0);
	CHECK_EQ(bind_inter(b, a->ed.domid, *pa, pb), 0);
}

static void drain_all(void)
{
	uint32_t out[8];

	for (int i = 0; i < NR_DOMS; i++)
		for (unsigned int v = 0; v < doms[i]->ed.nr_vcpus; v++)
			consume(doms[i], v, out, 8);
}

/* ---- tests ---- */

static void test_sizes(void)
{
	static const struct { int cmd; size_t size; } sizes[] = {
		{ EVTCHNOP_bind_interdomain, 12 }, { EVTCHNOP_bind_virq, 12 },
		{ EVTCHNOP_bind_pirq, 12 }, { EVTCHNOP_close, 4 },
		{ EVTCHNOP_send, 4 }, { EVTCHNOP_status, 24 },
		{ EVTCHNOP_alloc_unbound, 8 }, { EVTCHNOP_bind_ipi, 8 },
		{ EVTCHNOP_bind_vcpu, 8 }, { EVTCHNOP_unmask, 4 },
		{ EVTCHNOP_reset, 2 }, { EVTCHNOP_init_control, 24 },
		{ EVTCHNOP_expand_array, 8 }, { EVTCHNOP_set_priority, 8 },
	};
	uint64_t buf[8] = { 0 };

	setup();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		CHECK_EQ(evtchn_op_size(sizes[i].cmd), sizes[i].size);
	CHECK_EQ(evtchn_op_size(14), 0);
	CHECK_EQ(evtchn_op_size(-1), 0);
	CHECK_EQ(op(A, 14, buf), -XEN_ENOSYS);
	CHECK_EQ(op(A, 99, buf), -XEN_ENOSYS);
}

static void test_initial_state(void)
{
	struct evtchn_status s;

	setup();
	CHECK_EQ(status(A, DOMID_SELF, 0, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_closed);
	CHECK_EQ(s.vcpu, 0);
	CHECK_EQ(close_port(A, 0), -XEN_EINVAL);
	CHECK_EQ(send(A, 0), -XEN_EINVAL);
	CHECK_EQ(bind_vcpu(A, 0, 0), -XEN_EINVAL);
	CHECK_EQ(unmask(A, 0), 0);
	/* One bucket of 64 ports exists from the start. */
	CHECK_EQ(status(A, DOMID_SELF, 63, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_closed);
	CHECK_EQ(status(A, DOMID_SELF, 64, &s), -XEN_EINVAL);
	CHECK_EQ(status(A, DOMID_SELF, 1024, &s), -XEN_EINVAL);
	CHECK(!evtchn_upcall_pending(&A->ed, 0));
	CHECK(!evtchn_upcall_pending(&A->ed, 1));
	CHECK(!evtchn_upcall_pending(&A->ed, 9));
	CHECK(vi(A, 0) == (void *)A->shinfo);
	CHECK(vi(A, 1) == NULL);
}

static void test_interdomain_2l(void)
{
	struct evtchn_status s;
	uint32_t pa, pb, out[4];

	setup();
	CHECK_EQ(alloc_unbound(A, DOMID_SELF, B->ed.domid, &pa), 0);
	CHECK_EQ(pa, 1);
	CHECK_EQ(status(A, DOMID_SELF, pa, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_unbound);
	CHECK_EQ(s.u.unbound.dom, B->ed.domid);
	CHECK_EQ(s.vcpu, 0);

	/* Binding raises the new local port at once. */
	CHECK_EQ(bind_inter(B, A->ed.domid, pa, &pb), 0);
	CHECK_EQ(pb, 1);
	CHECK(l2_pending(B, pb));
	CHECK(l2_sel(B, 0, pb));
	CHECK_EQ(B->upcalls[0], 1);
	CHECK(evtchn_upcall_pending(&B->ed, 0));
	CHECK_EQ(consume(B, 0, out, 4), 1);
	CHECK_EQ(out[0], pb);
	CHECK(!evtchn_upcall_pending(&B->ed, 0));

	CHECK_EQ(status(A, DOMID_SELF, pa, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(s.u.interdomain.dom, B->ed.domid);
	CHECK_EQ(s.u.interdomain.port, pb);
	CHECK_EQ(status(B, B->ed.domid, pb, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(s.u.interdomain.dom, A->ed.domid);
	CHECK_EQ(s.u.interdomain.port, pa);

	/* A -> B */
	CHECK_EQ(send(A, pa), 0);
	CHECK(l2_pending(B, pb));
	CHECK(!l2_pending(A, pa));
	CHECK_EQ(B->upcalls[0], 2);
	/* Still pending: a second send changes nothing. */
	CHECK_EQ(send(A, pa), 0);
	CHECK_EQ(B->upcalls[0], 2);
	CHECK_EQ(consume(B, 0, out, 4), 1);
	CHECK_EQ(out[0], pb);

	/* B -> A */
	CHECK_EQ(send(B, pb), 0);
	CHECK(l2_pending(A, pa));
	CHECK_EQ(A->upcalls[0], 1);
	/* The guest cleared only upcall_pending: the port bit is still set,
	 * so Xen does not signal again. */
	guest_ack(A, 0);
	CHECK_EQ(send(B, pb), 0);
	CHECK_EQ(A->upcalls[0], 1);
	CHECK(!evtchn_upcall_pending(&A->ed, 0));
	CHECK_EQ(consume(A, 0, out, 4), 1);
	CHECK_EQ(send(B, pb), 0);
	CHECK_EQ(A->upcalls[0], 2);

	/* dom = own id works like DOMID_SELF; remote SELF means us. */
	CHECK_EQ(alloc_unbound(A, A->ed.domid, DOMID_SELF, &pa), 0);
	CHECK_EQ(status(A, DOMID_SELF, pa, &s), 0);
	CHECK_EQ(s.u.unbound.dom, A->ed.domid);
	CHECK_EQ(A->bad_upcalls + B->bad_upcalls, 0);
}

static void test_masks_2l(void)
{
	uint32_t pa, pb, out[4];

	setup();
	pair(A, B, &pa, &pb);
	drain_all();
	register_vcpu_info(B, 1);
	drain_all();

	l2_set_mask(B, pb, true);
	CHECK_EQ(send(A, pa), 0);
	CHECK(l2_pending(B, pb));
	CHECK(!l2_sel(B, 0, pb));
	CHECK_EQ(B->upcalls[0], 1);
	CHECK(!evtchn_upcall_pending(&B->ed, 0));
	CHECK_EQ(consume(B, 0, out, 4), 0);

	/* Unmasking a pending port delivers it. */
	CHECK_EQ(unmask(B, pb), 0);
	CHECK(l2_sel(B, 0, pb));
	CHECK_EQ(B->upcalls[0], 2);
	CHECK_EQ(consume(B, 0, out, 4), 1);
	CHECK_EQ(out[0], pb);

	/* Unmasking an already unmasked pending port: nothing new (Xen
	 * only acts on a mask bit it clears itself). */
	CHECK_EQ(send(A, pa), 0);
	guest_ack(B, 0);
	vi(B, 0)->evtchn_pending_sel = 0;
	CHECK_EQ(unmask(B, pb), 0);
	CHECK_EQ(B->upcalls[0], 3);
	CHECK(!evtchn_upcall_pending(&B->ed, 0));
	si(B)->evtchn_pending[0] = 0;

	/* Unmask goes to the port's vCPU. */
	CHECK_EQ(bind_vcpu(B, pb, 1), 0);
	l2_set_mask(B, pb, true);
	CHECK_EQ(send(A, pa), 0);
	CHECK_EQ(B->upcalls[1], 1);  /* from registering vCPU 1 */
	CHECK_EQ(unmask(B, pb), 0);
	CHECK_EQ(B->upcalls[1], 2);
	CHECK(l2_sel(B, 1, pb));
	CHECK(!l2_sel(B, 0, pb));
	/* Unmasking a port that is not pending does not signal. */
	CHECK_EQ(consume(B, 1, out, 4), 1);
	l2_set_mask(B, pb, true);
	CHECK_EQ(unmask(B, pb), 0);
	CHECK_EQ(B->upcalls[1], 2);
	CHECK_EQ(A->bad_upcalls + B->bad_upcalls, 0);
}

static void test_close(void)
{
	struct evtchn_status s;
	uint32_t pa, pb, pa2, p1, p2, ipi, virq;
	unsigned int before;

	setup();
	pair(A, B, &pa, &pb);
	drain_all();
	CHECK_EQ(close_port(A, pa), 0);
	CHECK_EQ(status(A, DOMID_SELF, pa, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_closed);
	/* The peer waits again, offered back to us. */
	CHECK_EQ(status(B, DOMID_SELF, pb, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_unbound);
	CHECK_EQ(s.u.unbound.dom, A->ed.domid);
	CHECK_EQ(send(A, pa), -XEN_EINVAL);
	CHECK_EQ(close_port(A, pa), -XEN_EINVAL);
	before = A->upcalls[0];
	CHECK_EQ(send(B, pb), 0);  /* unbound: dropped */
	CHECK_EQ(A->upcalls[0], before);
	CHECK(!l2_pending(A, pa));
	CHECK(!l2_pending(B, pb));

	/* So A can take it again; the lowest free port is reused. */
	CHECK_EQ(bind_inter(A, B->ed.domid, pb, &pa2), 0);
	CHECK_EQ(pa2, pa);
	CHECK(l2_pending(A, pa2));
	CHECK_EQ(status(B, DOMID_SELF, pb, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(s.u.interdomain.port, pa2);

	/* Closing from the other side; closing clears our own pending. */
	CHECK_EQ(close_port(B, pb), 0);
	CHECK_EQ(status(A, DOMID_SELF, pa2, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_unbound);
	CHECK_EQ(s.u.unbound.dom, B->ed.domid);
	CHECK(l2_pending(A, pa2));
	CHECK_EQ(close_port(A, pa2), 0);
	CHECK(!l2_pending(A, pa2));

	/* Loopback within one domain. */
	drain_all();
	CHECK_EQ(alloc_unbound(A, DOMID_SELF, DOMID_SELF, &p1), 0);
	CHECK_EQ(bind_inter(A, DOMID_SELF, p1, &p2), 0);
	CHECK(p1 != p2);
	CHECK_EQ(status(A, DOMID_SELF, p1, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(s.u.interdomain.dom, A->ed.domid);
	CHECK_EQ(s.u.interdomain.port, p2);
	drain_all();
	CHECK_EQ(send(A, p1), 0);
	CHECK(l2_pending(A, p2));
	CHECK(!l2_pending(A, p1));
	CHECK_EQ(send(A, p2), 0);
	CHECK(l2_pending(A, p1));
	CHECK_EQ(close_port(A, p2), 0);
	CHECK(!l2_pending(A, p2));
	CHECK_EQ(status(A, DOMID_SELF, p1, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_unbound);
	CHECK_EQ(s.u.unbound.dom, A->ed.domid);
	CHECK_EQ(close_port(A, p1), 0);

	/* IPI and VIRQ ports close too; the VIRQ can then be bound again. */
	CHECK_EQ(bind_ipi(A, 0, &ipi), 0);
	CHECK_EQ(close_port(A, ipi), 0);
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 0, &virq), 0);
	CHECK_EQ(close_port(A, virq), 0);
	CHECK(!evtchn_send_virq(&A->ed, 0, VIRQ_CONSOLE));
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 0, &virq), 0);
	CHECK(evtchn_send_virq(&A->ed, 0, VIRQ_CONSOLE));
}

static void test_status(void)
{
	struct evtchn_status s;
	uint32_t ipi, virq, pa, pb;

	setup();
	register_vcpu_info(A, 1);
	CHECK_EQ(bind_ipi(A, 1, &ipi), 0);
	CHECK_EQ(status(A, DOMID_SELF, ipi, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_ipi);
	CHECK_EQ(s.vcpu, 1);
	CHECK_EQ(s.u.virq, 0xaaaaaaaa);  /* untouched, as in Xen */
	CHECK_EQ(s.dom, DOMID_SELF);
	CHECK_EQ(s.port, ipi);

	CHECK_EQ(bind_virq(A, VIRQ_TIMER, 1, &virq), 0);
	CHECK_EQ(status(A, A->ed.domid, virq, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_virq);
	CHECK_EQ(s.u.virq, VIRQ_TIMER);
	CHECK_EQ(s.vcpu, 1);

	pair(A, B, &pa, &pb);
	CHECK_EQ(bind_vcpu(A, pa, 1), 0);
	CHECK_EQ(status(A, DOMID_SELF, pa, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(s.vcpu, 1);
	CHECK_EQ(s.u.interdomain.dom, B->ed.domid);
	CHECK_EQ(s.u.interdomain.port, pb);

	/* A closed port reports vCPU 0 again. */
	CHECK_EQ(close_port(A, pa), 0);
	CHECK_EQ(status(A, DOMID_SELF, pa, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_closed);
	CHECK_EQ(s.vcpu, 0);
	CHECK_EQ(s.u.virq, 0xaaaaaaaa);
}

static void test_permissions(void)
{
	struct evtchn_status s;
	uint32_t pa, pb, ipi, p, mine;
	unsigned int before;

	setup();
	/* Allocating in, or querying, another domain. */
	CHECK_EQ(alloc_unbound(A, B->ed.domid, A->ed.domid, &p), -XEN_EPERM);
	CHECK_EQ(alloc_unbound(A, C->ed.domid, DOMID_SELF, &p), -XEN_EPERM);
	CHECK_EQ(alloc_unbound(A, 99, DOMID_SELF, &p), -XEN_ESRCH);
	CHECK_EQ(alloc_unbound(A, 0x7ff1, DOMID_SELF, &p), -XEN_ESRCH);

	/* B's ports 1..4 are IPIs, port 5 talks to A. */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(bind_ipi(B, 0, NULL), 0);
	pair(A, B, &pa, &pb);
	CHECK_EQ(pb, 5);
	CHECK_EQ(status(A, B->ed.domid, pb, &s), -XEN_EPERM);
	CHECK_EQ(status(A, B->ed.domid, 500, &s), -XEN_EINVAL);  /* port first */
	CHECK_EQ(status(A, 99, 1, &s), -XEN_ESRCH);

	/* Binding: only a port offered to us, only while unbound. */
	CHECK_EQ(alloc_unbound(A, DOMID_SELF, B->ed.domid, &p), 0);
	CHECK_EQ(bind_inter(C, A->ed.domid, p, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_inter(B, A->ed.domid, pa, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_ipi(A, 0, &ipi), 0);
	CHECK_EQ(bind_inter(B, A->ed.domid, ipi, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_inter(B, A->ed.domid, 0, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_inter(B, A->ed.domid, 2000, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_inter(B, A->ed.domid, 60, NULL), -XEN_EINVAL); /* free */
	CHECK_EQ(bind_inter(B, 99, p, NULL), -XEN_ESRCH);
	CHECK_EQ(bind_inter(B, A->ed.domid, p, NULL), 0);  /* still offered */

	/* A names B's port 5 (A has nothing there): all refused, B intact. */
	drain_all();
	l2_set_mask(B, pb, true);
	CHECK_EQ(send(B, 1), 0);  /* B's own IPI, pending on B */
	CHECK_EQ(A->ed.ch[pb].state, ECS_FREE);
	before = B->upcalls[0];
	CHECK_EQ(send(A, pb), -XEN_EINVAL);
	CHECK_EQ(close_port(A, pb), -XEN_EINVAL);
	CHECK_EQ(bind_vcpu(A, pb, 1), -XEN_EINVAL);
	CHECK_EQ(unmask(A, pb), 0);  /* A's own free port: no effect */
	CHECK_EQ(set_prio(A, pb, 3), -XEN_ENOSYS);
	CHECK_EQ(reset(A, B->ed.domid), -XEN_EPERM);
	CHECK(si(B)->evtchn_mask[0] >> pb & 1);
	CHECK(!l2_pending(B, pb));
	CHECK_EQ(B->upcalls[0], before);
	CHECK_EQ(status(B, DOMID_SELF, pb, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(s.vcpu, 0);
	CHECK_EQ(B->ed.ch[1].state, ECS_IPI);

	/* And when A has a port of the same number, only A's is touched. */
	CHECK_EQ(bind_ipi(A, 0, &mine), 0);
	while (mine < pb) {
		CHECK_EQ(bind_ipi(A, 0, &mine), 0);
	}
	CHECK_EQ(mine, pb);
	CHECK_EQ(send(A, mine), 0);
	CHECK(l2_pending(A, mine));
	CHECK(!l2_pending(B, pb));
	CHECK_EQ(close_port(A, mine), 0);
	CHECK_EQ(status(B, DOMID_SELF, pb, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
}

static void test_virq(void)
{
	struct evtchn_status s;
	uint32_t con, t0, t1, out[4];

	setup();
	register_vcpu_info(A, 1);
	drain_all();
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 0, &con), 0);
	CHECK(evtchn_send_virq(&A->ed, 0, VIRQ_CONSOLE));
	CHECK(l2_pending(A, con));
	CHECK_EQ(A->upcalls[0], 1);
	CHECK_EQ(consume(A, 0, out, 4), 1);
	CHECK_EQ(out[0], con);

	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 0, NULL), -XEN_EEXIST);
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 1, NULL), -XEN_EINVAL); /* global */
	CHECK_EQ(bind_virq(A, NR_VIRQS, 0, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_virq(A, 0xffffffffU, 0, NULL), -XEN_EINVAL);
	CHECK_EQ(bind_virq(A, VIRQ_TIMER, 2, NULL), -XEN_ENOENT);
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 7, NULL), -XEN_EINVAL); /* EINVAL first */
	CHECK_EQ(bind_virq(A, VIRQ_TIMER, 1, &t1), 0);
	CHECK_EQ(bind_virq(A, VIRQ_TIMER, 0, &t0), 0);
	CHECK(t0 != t1);
	CHECK_EQ(bind_virq(A, VIRQ_TIMER, 1, NULL), -XEN_EEXIST);

	/* Per-vCPU VIRQs go to their vCPU and cannot move. */
	CHECK(evtchn_send_virq(&A->ed, 1, VIRQ_TIMER));
	CHECK(l2_pending(A, t1));
	CHECK(!l2_pending(A, t0));
	CHECK_EQ(A->upcalls[1], 2);  /* registration, then this */
	CHECK_EQ(bind_vcpu(A, t1, 0), -XEN_EINVAL);
	CHECK(!evtchn_send_virq(&A->ed, 0, VIRQ_DEBUG));
	CHECK(!evtchn_send_virq(&A->ed, 5, VIRQ_TIMER));
	CHECK(!evtchn_send_virq(&A->ed, 0, 30));
	CHECK_EQ(send(A, t1), -XEN_EINVAL);  /* VIRQ ports are not sent on */

	/* A global VIRQ sent "on" vCPU 1 is the vCPU 0 binding; it goes
	 * where the port was rebound. */
	CHECK_EQ(consume(A, 1, out, 4), 1);
	CHECK(evtchn_send_virq(&A->ed, 1, VIRQ_CONSOLE));
	CHECK(l2_sel(A, 0, con));
	CHECK_EQ(consume(A, 0, out, 4), 1);
	CHECK_EQ(bind_vcpu(A, con, 1), 0);
	CHECK(evtchn_send_virq(&A->ed, 0, VIRQ_CONSOLE));
	CHECK_EQ(A->upcalls[1], 3);
	CHECK_EQ(status(A, DOMID_SELF, con, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_virq);
	CHECK_EQ(s.u.virq, VIRQ_CONSOLE);
	CHECK_EQ(s.vcpu, 1);

	CHECK_EQ(close_port(A, t1), 0);
	CHECK(!evtchn_send_virq(&A->ed, 1, VIRQ_TIMER));
	CHECK(evtchn_send_virq(&A->ed, 0, VIRQ_TIMER));
	CHECK_EQ(bind_virq(A, VIRQ_TIMER, 1, NULL), 0);
	CHECK_EQ(A->bad_upcalls, 0);
}

static void test_ipi_and_vcpu_info(void)
{
	struct evtchn_status s;
	uint32_t ipi, out[4];

	setup();
	CHECK_EQ(bind_ipi(A, 2, NULL), -XEN_ENOENT);
	CHECK_EQ(bind_ipi(A, 1, &ipi), 0);
	CHECK_EQ(bind_vcpu(A, ipi, 0), -XEN_EINVAL);
	CHECK_EQ(status(A, DOMID_SELF, ipi, &s), 0);
	CHECK_EQ(s.vcpu, 1);

	/* vCPU 1 has no vcpu_info yet: the port is pending, nobody told. */
	CHECK_EQ(send(A, ipi), 0);
	CHECK(l2_pending(A, ipi));
	CHECK_EQ(A->upcalls[1], 0);
	CHECK(!evtchn_upcall_pending(&A->ed, 1));
	/* Registering claims everything and raises the upcall. */
	register_vcpu_info(A, 1);
	CHECK_EQ(vi(A, 1)->evtchn_pending_sel, ~0ULL);
	CHECK(evtchn_upcall_pending(&A->ed, 1));
	CHECK_EQ(A->upcalls[1], 1);
	CHECK_EQ(consume(A, 1, out, 4), 1);
	CHECK_EQ(out[0], ipi);
	CHECK_EQ(send(A, ipi), 0);
	CHECK_EQ(A->upcalls[1], 2);
	CHECK(l2_sel(A, 1, ipi));
	CHECK(!evtchn_upcall_pending(&A->ed, 0));

	/* vCPU 0 leaves the legacy slot: state is copied, nothing lost. */
	CHECK_EQ(consume(A, 1, out, 4), 1);
	register_vcpu_info(A, 0);
	CHECK(vi(A, 0) == (void *)(A->ram + PG_VCPU_INFO * PAGE));
	CHECK_EQ(A->upcalls[0], 1);
	CHECK_EQ(vi(A, 0)->evtchn_pending_sel, ~0ULL);
	/* Already pending when moved: no second interrupt (Xen's edge). */
	evtchn_set_vcpu_info(&A->ed, 0, vi(A, 0));
	CHECK_EQ(A->upcalls[0], 1);
	evtchn_set_vcpu_info(&A->ed, 5, vi(A, 0));  /* no such vCPU: ignored */
	CHECK_EQ(A->bad_upcalls, 0);
}

static void test_bind_vcpu(void)
{
	struct evtchn_status s;
	uint32_t pa, pb, u;

	setup();
	register_vcpu_info(B, 1);
	pair(A, B, &pa, &pb);
	drain_all();
	CHECK_EQ(bind_vcpu(B, pb, 1), 0);
	CHECK_EQ(send(A, pa), 0);
	CHECK_EQ(B->upcalls[1], 2);
	CHECK(l2_sel(B, 1, pb));
	CHECK(!l2_sel(B, 0, pb));
	CHECK_EQ(bind_vcpu(B, pb, 2), -XEN_ENOENT);
	CHECK_EQ(bind_vcpu(B, 2000, 0), -XEN_EINVAL);
	CHECK_EQ(bind_vcpu(B, 2000, 5), -XEN_ENOENT);  /* vCPU checked first */
	CHECK_EQ(bind_vcpu(B, 40, 0), -XEN_EINVAL);     /* free port */
	CHECK_EQ(alloc_unbound(B, DOMID_SELF, C->ed.domid, &u), 0);
	CHECK_EQ(bind_vcpu(B, u, 1), 0);
	CHECK_EQ(status(B, DOMID_SELF, u, &s), 0);
	CHECK_EQ(s.vcpu, 1);
	CHECK_EQ(close_port(B, u), 0);
	CHECK_EQ(alloc_unbound(B, DOMID_SELF, C->ed.domid, &u), 0);
	CHECK_EQ(status(B, DOMID_SELF, u, &s), 0);
	CHECK_EQ(s.vcpu, 0);
}

static void test_exhaustion(void)
{
	struct evtchn_status s;
	uint32_t p, last = 0;
	int n = 0;
	bool in_order = true;

	setup();
	while (bind_ipi(A, 0, &p) == 0) {
		in_order &= p == last + 1;
		last = p;
		n++;
	}
	CHECK_EQ(n, EVTCHN_MAX_PORTS - 1);
	CHECK(in_order);
	CHECK_EQ(bind_ipi(A, 0, NULL), -XEN_ENOSPC);
	CHECK_EQ(alloc_unbound(A, DOMID_SELF, B->ed.domid, NULL), -XEN_ENOSPC);
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 0, NULL), -XEN_ENOSPC);
	/* The port is taken before the remote port is looked at. */
	CHECK_EQ(bind_inter(A, B->ed.domid, 3000, NULL), -XEN_ENOSPC);
	CHECK_EQ(op(A, EVTCHNOP_bind_pirq,
		    &(struct evtchn_bind_pirq){ .pirq = 5 }), -XEN_ENOSPC);
	CHECK_EQ(op(A, EVTCHNOP_bind_pirq,
		    &(struct evtchn_bind_pirq){ .pirq = 1024 }), -XEN_EINVAL);
	/* Xen looks for a free port in the target before refusing. */
	CHECK_EQ(alloc_unbound(B, A->ed.domid, B->ed.domid, NULL), -XEN_ENOSPC);
	CHECK_EQ(status(A, DOMID_SELF, 1023, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_ipi);

	CHECK_EQ(close_port(A, 500), 0);
	CHECK_EQ(alloc_unbound(B, A->ed.domid, B->ed.domid, NULL), -XEN_EPERM);
	CHECK_EQ(alloc_unbound(A, DOMID_SELF, B->ed.domid, &p), 0);
	CHECK_EQ(p, 500);
	CHECK_EQ(bind_ipi(A, 0, NULL), -XEN_ENOSPC);
}

static void test_invalid_args(void)
{
	struct evtchn_status s;
	uint32_t p;
	uint8_t lb = 0;

	setup();
	for (uint32_t bad = 1024; bad; bad = bad == 1024 ? 0xffffffffU : 0) {
		CHECK_EQ(send(A, bad), -XEN_EINVAL);
		CHECK_EQ(close_port(A, bad), -XEN_EINVAL);
		CHECK_EQ(unmask(A, bad), -XEN_EINVAL);
		CHECK_EQ(bind_vcpu(A, bad, 0), -XEN_EINVAL);
		CHECK_EQ(set_prio(A, bad, 0), -XEN_EINVAL);
		CHECK_EQ(status(A, DOMID_SELF, bad, &s), -XEN_EINVAL);
	}
	/* Ports beyond the first bucket appear when one is handed out. */
	CHECK_EQ(close_port(A, 100), -XEN_EINVAL);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(bind_ipi(A, 0, &p), 0);
	CHECK_EQ(p, 64);
	CHECK_EQ(status(A, DOMID_SELF, 127, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_closed);
	CHECK_EQ(close_port(A, 100), -XEN_EINVAL);
	CHECK_EQ(status(A, DOMID_SELF, 128, &s), -XEN_EINVAL);

	/* Physical IRQs do not exist on Arm. */
	CHECK_EQ(op(A, EVTCHNOP_bind_pirq,
		    &(struct evtchn_bind_pirq){ .pirq = 3 }), -XEN_ENOMEM);
	CHECK_EQ(reset(A, 99), -XEN_ESRCH);

	/* 2-level has no priorities; FIFO calls need init_control first. */
	CHECK_EQ(set_prio(A, p, 3), -XEN_ENOSYS);
	CHECK_EQ(expand(A, RAM_GFN + PG_ARRAY), -XEN_EOPNOTSUPP);
	CHECK_EQ(init_control(A, RAM_GFN + PG_CONTROL, 0, 2, &lb), -XEN_ENOENT);
	CHECK_EQ(lb, EVTCHN_FIFO_LINK_BITS);
	CHECK_EQ(init_control(A, RAM_GFN + PG_CONTROL, PAGE - 72 + 8, 0, NULL),
		 -XEN_EINVAL);
	CHECK_EQ(init_control(A, RAM_GFN + PG_CONTROL, 4, 0, NULL), -XEN_EINVAL);
	CHECK_EQ(init_control(A, 0x1234, 0, 0, NULL), -XEN_EINVAL);
	CHECK(!A->ed.fifo);
	CHECK_EQ(init_control(A, RAM_GFN + PG_CONTROL, PAGE - 72, 0, &lb), 0);
	CHECK_EQ(lb, EVTCHN_FIFO_LINK_BITS);
	CHECK(A->ed.fifo);
	CHECK_EQ(init_control(A, RAM_GFN + PG_CONTROL, 0, 0, NULL), -XEN_EINVAL);
	CHECK_EQ(expand(A, 0x1234), -XEN_EINVAL);
	CHECK_EQ(set_prio(A, p, 16), -XEN_EINVAL);
	CHECK_EQ(set_prio(A, 0, 3), -XEN_EACCES);
	CHECK_EQ(set_prio(A, 100, 3), -XEN_EACCES);  /* valid but free */
	CHECK_EQ(set_prio(A, p, 15), 0);
	/* Xen accepts up to 128 array pages whatever the port limit. */
	for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++)
		CHECK_EQ(expand(A, RAM_GFN + PG_ARRAY + (i & 1)), 0);
	CHECK_EQ(expand(A, RAM_GFN + PG_ARRAY), -XEN_ENOSPC);
}

/* Pending, linked and the link of a FIFO event word. */
static bool w_is(struct tdom *d, uint32_t port, uint32_t bits, uint32_t link)
{
	uint32_t w = *word(d, port);

	return (w & (W_P | W_M | W_L | W_B)) == bits &&
	       (w & EVTCHN_FIFO_LINK_MASK) == link;
}

static void test_fifo_queues(void)
{
	uint32_t pa, pb, i1, i2, i3, out[8];
	uint64_t l2_before[128];

	setup();
	pair(A, B, &pa, &pb);
	drain_all();
	go_fifo(A);
	memcpy(l2_before, si(A)->evtchn_pending, sizeof(l2_before));
	CHECK_EQ(A->ed.ch[pa].priority, EVTCHN_FIFO_PRIORITY_DEFAULT);

	/* An interdomain event from a 2-level domain into a FIFO one. */
	CHECK_EQ(send(B, pb), 0);
	CHECK(w_is(A, pa, W_P | W_L, 0));
	CHECK_EQ(cb(A, 0)->head[7], pa);
	CHECK_EQ(cb(A, 0)->ready, 1U << 7);
	CHECK_EQ(A->upcalls[0], 1);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 1);
	CHECK_EQ(out[0], pa);
	CHECK(w_is(A, pa, 0, 0));

	/* Three on one queue: a chain through LINK, one upcall. */
	CHECK_EQ(bind_ipi(A, 0, &i1), 0);
	CHECK_EQ(bind_ipi(A, 0, &i2), 0);
	CHECK_EQ(bind_ipi(A, 0, &i3), 0);
	CHECK_EQ(send(A, i1), 0);
	CHECK_EQ(send(A, i2), 0);
	CHECK_EQ(send(A, i3), 0);
	CHECK_EQ(cb(A, 0)->head[7], i1);
	CHECK(w_is(A, i1, W_P | W_L, i2));
	CHECK(w_is(A, i2, W_P | W_L, i3));
	CHECK(w_is(A, i3, W_P | W_L, 0));
	CHECK_EQ(cb(A, 0)->ready, 1U << 7);
	CHECK_EQ(A->upcalls[0], 2);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 3);
	CHECK(out[0] == i1 && out[1] == i2 && out[2] == i3);
	CHECK_EQ(cb(A, 0)->ready, 0);

	/* Priorities: one queue each, consumed highest first. */
	CHECK_EQ(set_prio(A, i1, 12), 0);
	CHECK_EQ(set_prio(A, i2, 3), 0);
	CHECK_EQ(send(A, i1), 0);
	CHECK_EQ(send(A, i2), 0);
	CHECK_EQ(send(A, i3), 0);
	CHECK_EQ(cb(A, 0)->ready, (1U << 3) | (1U << 7) | (1U << 12));
	CHECK_EQ(cb(A, 0)->head[3], i2);
	CHECK_EQ(cb(A, 0)->head[7], i3);
	CHECK_EQ(cb(A, 0)->head[12], i1);
	CHECK_EQ(A->upcalls[0], 3);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 3);
	CHECK(out[0] == i2 && out[1] == i3 && out[2] == i1);

	/* Masked: pending but not linked, until unmasked. */
	guest_mask(A, i3);
	CHECK_EQ(send(A, i3), 0);
	CHECK(w_is(A, i3, W_P | W_M, 0));
	CHECK_EQ(cb(A, 0)->ready, 0);
	CHECK_EQ(A->upcalls[0], 3);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 0);
	CHECK_EQ(unmask(A, i3), 0);
	CHECK(w_is(A, i3, W_P | W_L, 0));
	CHECK_EQ(cb(A, 0)->ready, 1U << 7);
	CHECK_EQ(A->upcalls[0], 4);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 1);
	CHECK_EQ(out[0], i3);

	/* Masked after being linked: the guest skips it and unlinks it;
	 * unmasking the still-pending word queues it again. */
	CHECK_EQ(send(A, i3), 0);
	guest_mask(A, i3);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 0);
	CHECK(w_is(A, i3, W_P | W_M, 0));
	guest_unmask(A, i3);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 1);
	CHECK_EQ(out[0], i3);

	/* The guest unlinked the tail: the next event starts a new chain
	 * from head, and the ready bit (still set) raises no new upcall. */
	CHECK_EQ(send(A, i3), 0);
	CHECK_EQ(clear_linked(word(A, i3)), 0);
	CHECK_EQ(set_prio(A, pa, 7), 0);
	CHECK_EQ(send(B, pb), 0);
	CHECK_EQ(cb(A, 0)->head[7], pa);
	CHECK(w_is(A, pa, W_P | W_L, 0));
	CHECK(w_is(A, i3, W_P, 0));
	CHECK_EQ(A->upcalls[0], 7);
	/* A linked tail gets the link, and BUSY is left clear. */
	CHECK_EQ(send(A, i3), 0);
	CHECK(w_is(A, pa, W_P | W_L, i3));
	CHECK(w_is(A, i3, W_P | W_L, 0));
	CHECK_EQ(fifo_drain(A, 0, out, 8), 2);
	CHECK(out[0] == pa && out[1] == i3);

	/* FIFO leaves the 2-level bitmaps alone. */
	CHECK(memcmp(l2_before, si(A)->evtchn_pending, sizeof(l2_before)) == 0);
	CHECK_EQ(A->bad_upcalls, 0);
}

static void test_fifo_saved_pending(void)
{
	uint32_t pa, pb, ipi, ipi1, out[8];

	setup();
	pair(A, B, &pa, &pb);
	drain_all();
	/* Pending in the 2-level bitmap when B switches over. */
	CHECK_EQ(send(A, pa), 0);
	CHECK(l2_pending(B, pb));
	CHECK_EQ(init_control(B, RAM_GFN + PG_CONTROL, 0, 0, NULL), 0);
	B->cb_set[0] = true;
	guest_ack(B, 0);
	/* No event array yet: events are remembered, not delivered. */
	CHECK_EQ(bind_ipi(B, 0, &ipi), 0);
	CHECK_EQ(send(B, ipi), 0);
	CHECK_EQ(cb(B, 0)->ready, 0);
	CHECK_EQ(B->upcalls[0], 2);  /* bind, then the 2-level send */
	CHECK(B->ed.ch[pb].fifo_pending && B->ed.ch[ipi].fifo_pending);
	CHECK_EQ(expand(B, RAM_GFN + PG_ARRAY), 0);
	CHECK_EQ(B->upcalls[0], 3);
	CHECK(w_is(B, pb, W_P | W_L, ipi));
	CHECK(w_is(B, ipi, W_P | W_L, 0));
	CHECK_EQ(fifo_drain(B, 0, out, 8), 2);
	CHECK(out[0] == pb && out[1] == ipi);

	/* A vCPU without a control block drops its events (as Xen). */
	CHECK_EQ(bind_ipi(B, 1, &ipi1), 0);
	register_vcpu_info(B, 1);
	CHECK_EQ(send(B, ipi1), 0);
	CHECK(w_is(B, ipi1, 0, 0));
	CHECK_EQ(init_control(B, RAM_GFN + PG_CONTROL, 128, 1, NULL), 0);
	B->cb_set[1] = true;
	CHECK_EQ(send(B, ipi1), 0);
	CHECK(w_is(B, ipi1, W_P | W_L, 0));
	CHECK_EQ(cb(B, 1)->head[7], ipi1);
	CHECK_EQ(cb(B, 1)->ready, 1U << 7);
	CHECK_EQ(cb(B, 0)->ready, 0);
	/* (registration raised vCPU 1 once; it had not acknowledged) */
	CHECK_EQ(B->upcalls[1], 1);
	CHECK_EQ(fifo_drain(B, 1, out, 8), 1);
	CHECK_EQ(B->bad_upcalls, 0);
}

static void test_fifo_reuse_and_move(void)
{
	uint32_t pa, pb, p, q, out[8];

	setup();
	register_vcpu_info(A, 1);
	go_fifo(A);
	pair(B, A, &pb, &pa);
	drain_all();

	/* A closed port still on a queue is not handed out again. */
	CHECK_EQ(bind_ipi(A, 0, &p), 0);
	CHECK_EQ(send(A, p), 0);
	CHECK_EQ(close_port(A, p), 0);
	CHECK(w_is(A, p, W_L, 0));
	CHECK_EQ(bind_ipi(A, 0, &q), 0);
	CHECK(q != p);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 0);  /* unlinked, not delivered */
	CHECK_EQ(close_port(A, q), 0);
	CHECK_EQ(bind_ipi(A, 0, &q), 0);
	CHECK_EQ(q, p);

	/* Moving a consumed tail to another vCPU: its old queue forgets
	 * it, so a later event there does not chain onto the other queue. */
	CHECK_EQ(send(B, pb), 0);
	CHECK_EQ(cb(A, 0)->head[7], pa);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 1);
	CHECK_EQ(bind_vcpu(A, pa, 1), 0);
	CHECK_EQ(send(B, pb), 0);
	CHECK_EQ(cb(A, 1)->head[7], pa);
	CHECK_EQ(cb(A, 1)->ready, 1U << 7);
	CHECK_EQ(send(A, q), 0);
	CHECK_EQ(cb(A, 0)->head[7], q);
	CHECK(w_is(A, pa, W_P | W_L, 0));
	CHECK_EQ(fifo_drain(A, 1, out, 8), 1);
	CHECK_EQ(out[0], pa);
	CHECK_EQ(fifo_drain(A, 0, out, 8), 1);
	CHECK_EQ(out[0], q);
	CHECK_EQ(A->bad_upcalls, 0);
}

static void test_reset(void)
{
	struct evtchn_status s;
	uint32_t pa, pb, ipi, virq;

	setup();
	pair(A, B, &pa, &pb);
	go_fifo(A);
	CHECK_EQ(bind_ipi(A, 1, &ipi), 0);
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 0, &virq), 0);
	CHECK_EQ(reset(A, DOMID_SELF), 0);
	CHECK(!A->ed.fifo);
	for (uint32_t p = 1; p < 64; p++) {
		CHECK_EQ(status(A, DOMID_SELF, p, &s), 0);
		if (s.status != EVTCHNSTAT_closed)
			break;
	}
	CHECK_EQ(s.status, EVTCHNSTAT_closed);
	CHECK_EQ(status(B, DOMID_SELF, pb, &s), 0);
	CHECK_EQ(s.status, EVTCHNSTAT_unbound);
	CHECK_EQ(s.u.unbound.dom, A->ed.domid);
	CHECK(!evtchn_send_virq(&A->ed, 0, VIRQ_CONSOLE));
	CHECK_EQ(set_prio(A, 1, 3), -XEN_ENOSYS);
	CHECK_EQ(expand(A, RAM_GFN + PG_ARRAY), -XEN_EOPNOTSUPP);
	CHECK_EQ(bind_virq(A, VIRQ_CONSOLE, 0, NULL), 0);
	CHECK_EQ(reset(A, A->ed.domid), 0);
	go_fifo(A);
	CHECK(A->ed.fifo);
}

/* Both directions between every pair: the second lock taken is always
 * that of the higher domid, and no lock is left held. */
static void test_lock_order(void)
{
	uint32_t p[6], q[6];
	int k = 0;

	setup();
	nested_locks = lock_order_errors = 0;
	for (int i = 0; i < NR_DOMS; i++)
		for (int j = 0; j < NR_DOMS; j++) {
			if (i == j)
				continue;
			pair(doms[i], doms[j], &p[k], &q[k]);
			CHECK_EQ(send(doms[i], p[k]), 0);
			CHECK_EQ(send(doms[j], q[k]), 0);
			k++;
		}
	for (int i = 0, n = 0; i < NR_DOMS; i++)
		for (int j = 0; j < NR_DOMS; j++) {
			if (i == j)
				continue;
			/* half closed from each side */
			if (n % 2)
				CHECK_EQ(close_port(doms[i], p[n]), 0);
			else
				CHECK_EQ(close_port(doms[j], q[n]), 0);
			n++;
		}
	CHECK(nested_locks >= 24);
	CASE("lock order kept in every case", CHECK_EQ(lock_order_errors, 0));
	CHECK_EQ(nheld, 0);
}

/* ---- randomized operations against invariants ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 33) % n;
}

static char why[256];

#define FAIL_IF(cond, ...)                                                \
	do {                                                               \
		if (cond) {                                                \
			snprintf(why, sizeof(why), __VA_ARGS__);           \
			return false;                                      \
		}                                                          \
	} while (0)

static bool check_ports(struct tdom *d)
{
	const struct evtchn_domain *ed = &d->ed;

	FAIL_IF(ed->ch[0].state != ECS_RESERVED, "dom%u port 0", ed->domid);
	FAIL_IF(ed->valid_ports % 64 || ed->valid_ports > EVTCHN_MAX_PORTS,
		"dom%u valid_ports %u", ed->domid, ed->valid_ports);
	for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
		const struct evtchn *ch = &ed->ch[p];
		struct evtchn_domain *rd;

		FAIL_IF(ch->state != ECS_FREE && p >= ed->valid_ports,
			"dom%u port %u beyond valid", ed->domid, p);
		FAIL_IF(ch->notify_vcpu >= ed->nr_vcpus, "dom%u port %u vcpu",
			ed->domid, p);
		if (ch->state == ECS_FREE)
			FAIL_IF(p < ed->valid_ports && pending(d, p),
				"dom%u free port %u pending", ed->domid, p);
		if (ch->state == ECS_INTERDOMAIN) {
			rd = fake_lookup(ch->remote_dom);
			FAIL_IF(!rd, "dom%u port %u peer", ed->domid, p);
			FAIL_IF(rd->ch[ch->remote_port].state != ECS_INTERDOMAIN ||
					rd->ch[ch->remote_port].remote_dom != ed->domid ||
					rd->ch[ch->remote_port].remote_port != p,
				"dom%u port %u not mirrored", ed->domid, p);
		}
		if (ch->state == ECS_VIRQ) {
			bool per_vcpu = ch->virq == VIRQ_TIMER ||
					ch->virq == VIRQ_DEBUG ||
					ch->virq == VIRQ_XENOPROF ||
					ch->virq == VIRQ_XENPMU;
			unsigned int v = per_vcpu ? ch->notify_vcpu : 0;

			FAIL_IF(ed->vcpu[v].virq_port[ch->virq] != p,
				"dom%u virq port %u unmapped", ed->domid, p);
		}
	}
	for (unsigned int v = 0; v < EVTCHN_MAX_VCPUS; v++)
		for (unsigned int q = 0; q < NR_VIRQS; q++) {
			uint32_t p = ed->vcpu[v].virq_port[q];

			FAIL_IF(p && (ed->ch[p].state != ECS_VIRQ ||
				      ed->ch[p].virq != q),
				"dom%u virq %u map -> %u", ed->domid, q, p);
		}
	return true;
}

/* 2-level: every deliverable event is selected on some vCPU that has
 * its upcall pending; a selector only exists with the upcall up. */
static bool check_2l(struct tdom *d)
{
	struct xen_shared_info *s = si(d);

	for (unsigned int v = 0; v < d->ed.nr_vcpus; v++)
		FAIL_IF(vi(d, v) && vi(d, v)->evtchn_pending_sel &&
				!vi(d, v)->evtchn_upcall_pending,
			"dom%u vcpu%u selector without upcall", d->ed.domid, v);
	for (uint32_t p = 1; p < d->ed.valid_ports; p++) {
		bool seen = false;

		if (!(s->evtchn_pending[p / 64] & ~s->evtchn_mask[p / 64] &
		      (1ULL << (p % 64))))
			continue;
		for (unsigned int v = 0; v < d->ed.nr_vcpus; v++)
			seen |= l2_sel(d, v, p);
		FAIL_IF(!seen, "dom%u port %u pending but not selected",
			d->ed.domid, p);
	}
	return true;
}

/* FIFO: every linked word is on exactly one ready queue's chain, and
 * every pending unmasked word is linked; ready implies upcall. */
static bool check_fifo(struct tdom *d)
{
	static uint8_t seen[EVTCHN_MAX_PORTS];

	memset(seen, 0, sizeof(seen));
	for (unsigned int v = 0; v < d->ed.nr_vcpus; v++) {
		struct evtchn_fifo_control_block *c = cb(d, v);

		FAIL_IF(c->ready && !vi(d, v)->evtchn_upcall_pending,
			"dom%u vcpu%u ready without upcall", d->ed.domid, v);
		for (unsigned int q = 0; q < 16; q++) {
			uint32_t p = (c->ready >> q & 1) ? c->head[q] : 0;

			for (int n = 0; p; n++) {
				FAIL_IF(n > EVTCHN_MAX_PORTS || p >= EVTCHN_MAX_PORTS ||
						seen[p] || !(*word(d, p) & W_L),
					"dom%u vcpu%u q%u chain at %u", d->ed.domid,
					v, q, p);
				seen[p] = 1;
				p = *word(d, p) & EVTCHN_FIFO_LINK_MASK;
			}
		}
	}
	for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++) {
		uint32_t w = *word(d, p);

		FAIL_IF((w & W_L) && !seen[p], "dom%u port %u linked, unreachable",
			d->ed.domid, p);
		FAIL_IF((w & (W_P | W_M)) == W_P && !(w & W_L),
			"dom%u port %u pending, unmasked, unlinked", d->ed.domid, p);
		FAIL_IF(w & W_B, "dom%u port %u left busy", d->ed.domid, p);
	}
	return true;
}

static bool invariants(void)
{
	FAIL_IF(nheld || lock_order_errors, "locks: held %d, errors %u", nheld,
		lock_order_errors);
	for (int i = 0; i < NR_DOMS; i++) {
		struct tdom *d = doms[i];

		FAIL_IF(d->bad_upcalls, "dom%u upcall without edge", d->ed.domid);
		if (!check_ports(d))
			return false;
		if (d->ed.fifo ? !check_fifo(d) : !check_2l(d))
			return false;
	}
	return true;
}

static uint16_t pick_dom(struct tdom *self)
{
	static const uint16_t extra[] = { DOMID_SELF, 99 };
	uint32_t r = rnd(NR_DOMS + 2);

	if (r < NR_DOMS)
		return doms[r]->ed.domid;
	(void)self;
	return extra[r - NR_DOMS];
}

/* A port of d: mostly a bound one, sometimes any (even invalid). */
static uint32_t pick_port(struct tdom *d)
{
	if (rnd(3)) {
		for (int tries = 0; tries < 8; tries++) {
			uint32_t p = 1 + rnd(d->ed.valid_ports - 1);

			if (d->ed.ch[p].state != ECS_FREE)
				return p;
		}
	}
	return rnd(d->ed.valid_ports + 16);
}

/* An unbound port of some domain offered to d, if there is one. */
static bool pick_offer(struct tdom *d, uint16_t *rdom, uint32_t *rport)
{
	struct tdom *r = doms[rnd(NR_DOMS)];

	for (uint32_t p = 1; p < r->ed.valid_ports; p++)
		if (r->ed.ch[p].state == ECS_UNBOUND &&
		    r->ed.ch[p].remote_dom == d->ed.domid) {
			*rdom = r == d ? DOMID_SELF : r->ed.domid;
			*rport = p;
			return true;
		}
	return false;
}

static unsigned int ok_count[16];

/* After a successful send the target port must be pending. */
static bool send_and_check(struct tdom *d, uint32_t port, long *out)
{
	struct evtchn ch = d->ed.ch[port < EVTCHN_MAX_PORTS ? port : 0];
	bool valid = port < d->ed.valid_ports;
	long rc = *out = send(d, port);
	long want = valid && (ch.state == ECS_INTERDOMAIN ||
			      ch.state == ECS_IPI || ch.state == ECS_UNBOUND)
			? 0 : -XEN_EINVAL;
	struct tdom *t = ch.state == ECS_INTERDOMAIN
			 ? tdom_of(fake_lookup(ch.remote_dom)) : d;
	uint32_t tp = ch.state == ECS_INTERDOMAIN ? ch.remote_port : port;

	FAIL_IF(rc != want, "send dom%u port %u: %ld, want %ld", d->ed.domid,
		port, rc, want);
	FAIL_IF(rc == 0 && ch.state != ECS_UNBOUND && !pending(t, tp),
		"send dom%u port %u: dom%u port %u not pending", d->ed.domid,
		port, t->ed.domid, tp);
	return true;
}

static bool close_and_check(struct tdom *d, uint32_t port, long *out)
{
	struct evtchn ch = d->ed.ch[port < EVTCHN_MAX_PORTS ? port : 0];
	bool valid = port < d->ed.valid_ports;
	long rc = *out = close_port(d, port);
	long want = valid && ch.state > ECS_RESERVED ? 0 : -XEN_EINVAL;

	FAIL_IF(rc != want, "close dom%u port %u: %ld, want %ld", d->ed.domid,
		port, rc, want);
	if (rc == 0 && ch.state == ECS_INTERDOMAIN) {
		struct evtchn_domain *rd = fake_lookup(ch.remote_dom);

		FAIL_IF(rd->ch[ch.remote_port].state != ECS_UNBOUND ||
				rd->ch[ch.remote_port].remote_dom != d->ed.domid,
			"close dom%u port %u: peer not unbound", d->ed.domid, port);
	}
	FAIL_IF(rc == 0 && d->ed.ch[port].state != ECS_FREE, "close: not free");
	return true;
}

static bool random_step(void)
{
	struct tdom *d = doms[rnd(NR_DOMS)];
	unsigned int v = rnd(d->ed.nr_vcpus + 1);
	uint32_t out[64], port = pick_port(d), p;
	struct evtchn_status s;
	unsigned int kind = rnd(16);
	uint16_t rdom;
	long rc = 0;

	switch (kind) {
	case 0:
		rc = alloc_unbound(d, rnd(4) ? DOMID_SELF : pick_dom(d),
				   pick_dom(d), &p);
		break;
	case 1:
	case 2:
		if (!pick_offer(d, &rdom, &p) || !rnd(8)) {
			rdom = pick_dom(d);
			p = rnd(80);
		}
		rc = bind_inter(d, rdom, p, NULL);
		break;
	case 3:
		if (!close_and_check(d, port, &rc))
			return false;
		break;
	case 4:
	case 5:
		if (!send_and_check(d, port, &rc))
			return false;
		break;
	case 6:
		rc = unmask(d, port);
		FAIL_IF(rc != (port < d->ed.valid_ports ? 0 : -XEN_EINVAL),
			"unmask %ld", rc);
		break;
	case 7:
		if (port < d->ed.valid_ports) {
			if (rnd(2))
				guest_mask(d, port);
			else
				guest_unmask(d, port);
		}
		break;
	case 8:
		rc = bind_vcpu(d, port, v);
		break;
	case 9:
		rc = bind_virq(d, rnd(NR_VIRQS + 2), v, NULL);
		break;
	case 10:
		rc = bind_ipi(d, v, NULL);
		break;
	case 11:
		rc = status(d, rnd(4) ? DOMID_SELF : pick_dom(d), port, &s);
		FAIL_IF(rc == 0 && s.status == EVTCHNSTAT_closed &&
				d->ed.ch[port].state > ECS_RESERVED,
			"status closed for a bound port");
		break;
	case 12:
		rc = evtchn_send_virq(&d->ed, v, rnd(NR_VIRQS)) ? 0 : -1;
		break;
	case 13:
	case 14:
		if (v < d->ed.nr_vcpus)
			consume(d, v, out, 64);
		break;
	case 15:
		if (d->ed.fifo) {
			rc = set_prio(d, port, rnd(18));
		} else if (!rnd(40)) {
			FAIL_IF(!go_fifo_rc(d), "go_fifo dom%u", d->ed.domid);
		}
		if (!rnd(60)) {
			/* Back to 2-level; the guest starts over with clean
			 * bitmaps and a scan of every vCPU. */
			rc = reset(d, DOMID_SELF);
			FAIL_IF(rc, "reset dom%u: %ld", d->ed.domid, rc);
			memset(si(d)->evtchn_pending, 0, 512);
			memset(d->cb_set, 0, sizeof(d->cb_set));
			for (unsigned int u = 0; u < d->ed.nr_vcpus; u++)
				consume(d, u, out, 64);
		}
		break;
	}
	if (rc == 0)
		ok_count[kind]++;
	return invariants();
}

static void test_random(void)
{
	static const uint64_t seeds[] = { 0x5eed1234abcdULL, 42, 0xfeedfaceULL };

	memset(ok_count, 0, sizeof(ok_count));
	for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		int step;

		setup();
		nested_locks = lock_order_errors = 0;
		rng_state = seeds[k];
		for (int i = 0; i < NR_DOMS; i++)
			for (unsigned int v = 0; v < doms[i]->ed.nr_vcpus; v++)
				register_vcpu_info(doms[i], v);
		go_fifo(B);
		why[0] = 0;
		for (step = 0; step < 20000; step++)
			if (!random_step())
				break;
		fuzz_runs += (unsigned long)step;
		if (!CHECK(step == 20000))
			fprintf(stderr, "    seed %#llx step %d: %s\n",
				(unsigned long long)seeds[k], step, why);
		CHECK(nested_locks > 0);
	}
	if (getenv("EVTCHN_VERBOSE"))
		for (unsigned int kind = 0; kind < 16; kind++)
			printf("kind %u: %u\n", kind, ok_count[kind]);
	/* Each kind of operation succeeded many times. */
	for (unsigned int kind = 0; kind < 16; kind++)
		if (!CHECK(ok_count[kind] > 50))
			fprintf(stderr, "    op kind %u: %u successes\n", kind,
				ok_count[kind]);
}

int main(void)
{
	RUN(test_sizes);
	RUN(test_initial_state);
	RUN(test_interdomain_2l);
	RUN(test_masks_2l);
	RUN(test_close);
	RUN(test_status);
	RUN(test_permissions);
	RUN(test_virq);
	RUN(test_ipi_and_vcpu_info);
	RUN(test_bind_vcpu);
	RUN(test_exhaustion);
	RUN(test_invalid_args);
	RUN(test_fifo_queues);
	RUN(test_fifo_saved_pending);
	RUN(test_fifo_reuse_and_move);
	RUN(test_reset);
	RUN(test_lock_order);
	RUN(test_random);
	CASE("lock order kept in every case", CHECK_EQ(lock_order_errors, 0));
	RUN(free_doms);
	return check_done("test_evtchn");
}
