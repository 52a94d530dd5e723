// SPDX-License-Identifier: MIT
/*
 * IOREQ servers: creation, ranges, enabling, destruction and the request
 * page a device model maps (ioreq.h has the ownership rules). The rules
 * and error codes are Xen 4.17's (xen/common/ioreq.c, arch/arm/ioreq.c),
 * with one addition: a server may not claim guest RAM or a range the
 * hypervisor emulates itself (docs/xen-abi.md).
 */
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/heap.h>
#include <xenith/ioreq.h>
#include <xenith/lib.h>
#include <xenith/lifecycle.h>

#define PAGE_SIZE 4096ULL

_Static_assert(sizeof(struct ioreq_server) + MAX_DOM_VCPUS * sizeof(uint32_t) <= PAGE_SIZE,
	       "a server fits a page");
_Static_assert(IOREQ_MAX_RANGES * sizeof(struct range) == PAGE_SIZE, "a range set is a page");

bool ioreq_may_emulate(const struct domain *caller, const struct domain *d)
{
	return caller->is_control || (d->cfg->has_dm && d->cfg->dm_domid == caller->id);
}

void ioreq_domain_init(struct domain *d)
{
	spin_lock_init(&d->ioreq.lock, LOCK_IOREQ);
}

static void *page_va(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

/* Server id of d that caller may operate (lock held): 0, -XEN_ENOENT
 * if there is none, -XEN_EPERM if another domain is its emulator. */
static int lookup(struct domain *d, struct domain *caller, uint16_t id)
{
	if (id >= IOREQ_MAX_SERVERS || !d->ioreq.srv[id])
		return -XEN_ENOENT;
	return d->ioreq.srv[id]->emulator == caller ? 0 : -XEN_EPERM;
}

int ioreq_check_server(struct domain *d, struct domain *caller, uint16_t id)
{
	int rc;

	spin_lock(&d->ioreq.lock);
	rc = lookup(d, caller, id);
	spin_unlock(&d->ioreq.lock);
	return rc;
}

static void account(struct domain *d, int pages)
{
	__atomic_add_fetch(&d->heap_pages, (unsigned int)pages, __ATOMIC_RELAXED);
}

/* The ports a server has in d (lock held): the first n vCPUs'. */
static void close_ports(struct domain *d, struct ioreq_server *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		evtchn_close_xen_port(&d->evtchn, s->port[i]);
}

static void free_server(struct domain *d, struct ioreq_server *s)
{
	int pages = 1;

	for (int t = 0; t < IOREQ_NR_TYPES; t++)
		if (s->ranges[t].r) {
			heap_free_page((uint64_t)(uintptr_t)s->ranges[t].r);
			pages++;
		}
	domain_put(s->emulator);
	heap_free_page((uint64_t)(uintptr_t)s);
	account(d, -pages);
}

/* Takes server id off d (lock held) and returns it for free_server. */
static struct ioreq_server *unlink_server(struct domain *d, uint16_t id)
{
	struct ioreq_server *s = d->ioreq.srv[id];

	if (s->enabled)
		__atomic_sub_fetch(&d->ioreq.nr_enabled, 1, __ATOMIC_RELEASE);
	d->ioreq.srv[id] = NULL;
	close_ports(d, s, d->nr_vcpus);
	ioreq_fail_server(d, id);
	return s;
}

/* The request page of slot id (lock held): made at the slot's first
 * server and kept for the domain's life (ioreq.h). */
static int slot_page(struct domain *d, uint16_t id)
{
	if (d->ioreq.page_pa[id])
		return 0;
	d->ioreq.page_pa[id] = heap_alloc_page();
	if (!d->ioreq.page_pa[id])
		return -XEN_ENOMEM;
	account(d, 1);
	return 0;
}

/* One port per vCPU of d, offered to the emulator, the hypervisor's own
 * end (Xen allocates them at creation too). */
static int alloc_ports(struct domain *d, struct ioreq_server *s)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		long port = evtchn_alloc_xen_port_vcpu(&d->evtchn, (uint16_t)s->emulator->id, i);

		if (port < 0) {
			close_ports(d, s, i);
			return (int)port;
		}
		s->port[i] = (uint32_t)port;
	}
	return 0;
}

int ioreq_create(struct domain *d, struct domain *caller, uint16_t *id)
{
	struct ioreq_server *s;
	uint16_t i;
	int rc;

	if (!d->nr_vcpus)
		return -XEN_EINVAL;   /* no vCPUs yet: nothing could wait */
	spin_lock(&d->ioreq.lock);
	for (i = 0; i < IOREQ_MAX_SERVERS && d->ioreq.srv[i]; i++)
		;
	rc = i == IOREQ_MAX_SERVERS ? -XEN_ENOSPC : slot_page(d, i);
	s = rc ? NULL : page_va(heap_alloc_page());
	if (!rc && !s)
		rc = -XEN_ENOMEM;
	if (!rc && !domain_get_ref(caller)) {
		heap_free_page((uint64_t)(uintptr_t)s);
		rc = -XEN_ESRCH;   /* the device model is dying */
	} else if (!rc) {
		s->emulator = caller;
		rc = alloc_ports(d, s);
		if (rc) {
			domain_put(caller);
			heap_free_page((uint64_t)(uintptr_t)s);
		}
	}
	if (!rc) {
		memset(page_va(d->ioreq.page_pa[i]), 0, PAGE_SIZE);
		account(d, 1);
		d->ioreq.srv[i] = s;
		*id = i;
	}
	spin_unlock(&d->ioreq.lock);
	return rc;
}

int ioreq_destroy(struct domain *d, struct domain *caller, uint16_t id)
{
	struct ioreq_server *s = NULL;
	int rc;

	spin_lock(&d->ioreq.lock);
	rc = lookup(d, caller, id);
	if (!rc)
		s = unlink_server(d, id);
	spin_unlock(&d->ioreq.lock);
	if (s)
		free_server(d, s);
	return rc;
}

/* Enabling publishes each vCPU's port in its slot (Xen's vp_eport), where
 * the device model reads it to bind. */
int ioreq_set_state(struct domain *d, struct domain *caller, uint16_t id, bool on)
{
	struct ioreq_server *s;
	int rc;

	spin_lock(&d->ioreq.lock);
	rc = lookup(d, caller, id);
	s = rc ? NULL : d->ioreq.srv[id];
	if (s && s->enabled != on) {
		volatile struct ioreq *page = page_va(d->ioreq.page_pa[id]);

		if (on)
			for (unsigned int i = 0; i < d->nr_vcpus; i++)
				page[i].vp_eport = s->port[i];
		s->enabled = on;
		if (on)
			__atomic_add_fetch(&d->ioreq.nr_enabled, 1, __ATOMIC_RELEASE);
		else
			__atomic_sub_fetch(&d->ioreq.nr_enabled, 1, __ATOMIC_RELEASE);
		if (on)
			ioreq_unpark(d);
	}
	spin_unlock(&d->ioreq.lock);
	return rc;
}

static bool overlaps(uint64_t s, uint64_t e, uint64_t base, uint64_t size)
{
	return size && s <= base + size - 1 && base <= e;
}

/* What of the hypervisor's or the guest's own [s, e] touches: guest RAM,
 * or a device the hypervisor emulates (vGIC, vpl011); NULL if nothing. */
static const char *forbidden_range(const struct domain *d, uint64_t s, uint64_t e)
{
	if (overlaps(s, e, GUEST_RAM0_BASE, GUEST_RAM0_SIZE) ||
	    overlaps(s, e, GUEST_RAM1_BASE, GUEST_RAM1_SIZE))
		return "guest RAM";
	for (int i = 0; i < d->nr_ram; i++)
		if (overlaps(s, e, d->ram[i].ipa, d->ram[i].size))
			return "guest RAM";
	for (int i = 0; i < d->mmio.n; i++)
		if (overlaps(s, e, d->mmio.r[i].base, d->mmio.r[i].size))
			return "a device the hypervisor emulates";
	if (overlaps(s, e, d->layout.gnttab_base, d->layout.gnttab_size))
		return "the grant-table window";
	return NULL;
}

static int range_op(struct domain *d, struct ioreq_server *s, uint32_t type,
		    uint64_t start, uint64_t end, bool map)
{
	struct rangeset *rs = &s->ranges[type];

	if (!map)
		return rs->r ? rangeset_remove(rs, start, end) : -XEN_ENOENT;
	if (!rs->r) {
		rs->r = page_va(heap_alloc_page());
		if (!rs->r)
			return -XEN_ENOMEM;
		rs->max = IOREQ_MAX_RANGES;
		account(d, 1);
	}
	return rangeset_add(rs, start, end);
}

int ioreq_map_range(struct domain *d, struct domain *caller, uint16_t id,
		    uint32_t type, uint64_t s, uint64_t e, bool map)
{
	const char *what = NULL;
	int rc;

	if (s > e)
		return -XEN_EINVAL;
	spin_lock(&d->ioreq.lock);
	rc = lookup(d, caller, id);
	if (!rc && type >= IOREQ_NR_TYPES)
		rc = -XEN_EINVAL;
	if (!rc && map && type == IOREQ_RANGE_MEMORY)
		what = forbidden_range(d, s, e);
	if (what)
		rc = -XEN_EINVAL;
	if (!rc)
		rc = range_op(d, d->ioreq.srv[id], type, s, e, map);
	if (!rc && map)
		ioreq_unpark(d);
	spin_unlock(&d->ioreq.lock);
	if (what)
		printk("d%u: ioreq server %u of d%u may not claim [%#llx, %#llx]: it covers %s\n",
		       d->id, id, caller->id, (unsigned long long)s, (unsigned long long)e, what);
	return rc;
}

int ioreq_resource_frame(struct domain *d, struct domain *caller, uint32_t id,
			 uint64_t frame, uint64_t *pa)
{
	int rc;

	if (id > UINT16_MAX)
		return -XEN_EINVAL;
	spin_lock(&d->ioreq.lock);
	rc = lookup(d, caller, (uint16_t)id);
	if (!rc && frame == 0)
		rc = -XEN_ENOENT;     /* the buffered page: none on Arm */
	else if (!rc && frame != 1)
		rc = -XEN_EINVAL;
	if (!rc)
		*pa = d->ioreq.page_pa[id];
	spin_unlock(&d->ioreq.lock);
	return rc;
}

/* Servers of d, then every server d is the emulator of elsewhere. */
void ioreq_release(struct domain *d)
{
	struct domain *o;

	for_each_domain(o) {
		for (uint16_t id = 0; id < IOREQ_MAX_SERVERS; id++) {
			struct ioreq_server *s = NULL;

			spin_lock(&o->ioreq.lock);
			if (o->ioreq.srv[id] && (o == d || o->ioreq.srv[id]->emulator == d))
				s = unlink_server(o, id);
			spin_unlock(&o->ioreq.lock);
			if (s)
				free_server(o, s);
		}
	}
}

void ioreq_free_pages(struct domain *d)
{
	for (int i = 0; i < IOREQ_MAX_SERVERS; i++)
		if (d->ioreq.page_pa[i]) {
			heap_free_page(d->ioreq.page_pa[i]);
			d->ioreq.page_pa[i] = 0;
		}
}
