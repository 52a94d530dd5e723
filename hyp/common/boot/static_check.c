// SPDX-License-Identifier: MIT
/*
 * static_validate: the checks of static memory, static shared memory and
 * static event channels that involve more than one node. Xen 4.17 panics
 * on nearly all of these (and hits a BUG() on overlapping static ranges);
 * here each refuses only the domain concerned, with one line naming the
 * node and property, and the others boot.
 *
 * Domains are taken in domid order, as in config_validate: a range is
 * judged against what the domains accepted so far claim, so of two
 * domains that claim the same memory, the later is refused. A refused
 * domain claims nothing. Event channels are checked last, and again until
 * nothing changes: a domain refused for any reason takes the channels to
 * it down, and their other ends with them.
 */
#include "cfg_msg.h"
#include "static_cfg.h"

#define VFAIL(d, prop, ...) \
	cfg_fail((d)->err, sizeof((d)->err), (d)->path, (prop), __VA_ARGS__)

static bool hits(const struct mem_bank *banks, int n, uint64_t base, uint64_t size)
{
	for (int i = 0; i < n; i++)
		if (banks[i].size && cfg_overlap(base, size, banks[i].base, banks[i].size))
			return true;
	return false;
}

/* What a host range of domain d must stay clear of, other than the
 * domains accepted before it: NULL, or what it hits. */
static const char *host_conflict(const struct host_info *h,
				 const struct system_config *cfg, uint64_t base,
				 uint64_t size)
{
	if (!cfg_inside_one_bank(h->mem, h->nr_mem, base, size))
		return "is not inside one host RAM region";
	if (hits(h->reserved, h->nr_reserved, base, size))
		return "overlaps a reserved-memory region of the host";
	if (hits(&h->xen_image, 1, base, size))
		return "overlaps the hypervisor";
	if (hits(&h->fdt_blob, 1, base, size))
		return "overlaps the host device tree";
	if (hits(cfg->static_heap, cfg->nr_static_heap, base, size))
		return "overlaps the static heap (/chosen xen,static-heap)";
	for (int i = 0; i < cfg->nr_domains; i++) {
		const struct domain_config *o = &cfg->dom[i];
		const struct boot_module *m[] = { &o->kernel, &o->ramdisk, &o->dtb };

		for (int k = 0; k < 3; k++)
			if (m[k]->present && cfg_overlap(base, size, m[k]->start, m[k]->size))
				return "overlaps a boot module";
	}
	return NULL;
}

/* Does [base, size) overlap memory an accepted domain before `upto`
 * claims: its static RAM, or a shared region other than id `id`? */
static const struct domain_config *claimed_by(const struct system_config *cfg, int upto,
					      uint64_t base, uint64_t size, const char *id)
{
	for (int i = 0; i < upto; i++) {
		const struct domain_config *o = &cfg->dom[i];

		if (!o->ok)
			continue;
		if (hits(o->static_mem, o->nr_static_mem, base, size))
			return o;
		for (int k = 0; k < o->nr_shm; k++)
			if ((!id || strcmp(id, o->shm[k].id)) &&
			    cfg_overlap(base, size, o->shm[k].paddr, o->shm[k].size))
				return o;
	}
	return NULL;
}

static int check_static_mem(const struct host_info *h, const struct system_config *cfg,
			    int idx)
{
	struct domain_config *d = &cfg->dom[idx];

	for (int i = 0; i < d->nr_static_mem; i++) {
		const struct mem_bank *b = &d->static_mem[i];
		const char *why = host_conflict(h, cfg, b->base, b->size);
		const struct domain_config *o;

		if (why)
			return VFAIL(d, "xen,static-mem", "[0x%llx, 0x%llx) %s",
				     (unsigned long long)b->base,
				     (unsigned long long)(b->base + b->size), why);
		o = claimed_by(cfg, idx, b->base, b->size, NULL);
		if (o)
			return VFAIL(d, "xen,static-mem", "[0x%llx, 0x%llx) overlaps memory %s already has",
				     (unsigned long long)b->base,
				     (unsigned long long)(b->base + b->size), o->path);
		/* Its own shared regions must not be inside its RAM. */
		for (int k = 0; k < d->nr_shm; k++)
			if (cfg_overlap(b->base, b->size, d->shm[k].paddr, d->shm[k].size))
				return VFAIL(d, "xen,static-mem", "[0x%llx, 0x%llx) overlaps its own shared region %s",
					     (unsigned long long)b->base,
					     (unsigned long long)(b->base + b->size), d->shm[k].id);
	}
	return 0;
}

/* Guest-physical RAM of d as the guest will see it (for the shared
 * regions' guest addresses): its static ranges when direct-mapped, else
 * Xen's two banks holding `memory`. */
static bool hits_guest_ram(const struct domain_config *d, uint64_t gaddr, uint64_t size)
{
	uint64_t bytes = d->mem_kb * 1024;
	struct mem_bank ram[2] = {
		{ GUEST_RAM0_BASE, MIN(bytes, GUEST_RAM0_SIZE) },
		{ GUEST_RAM1_BASE, bytes > GUEST_RAM0_SIZE ? bytes - GUEST_RAM0_SIZE : 0 },
	};

	if (d->direct_map)
		return hits(d->static_mem, d->nr_static_mem, gaddr, size);
	return hits(ram, 2, gaddr, size);
}

/* The first node (of an accepted domain before `upto`, or of d before
 * index k) that uses shared-memory id `id`, or NULL. */
static const struct shm_config *first_use(const struct system_config *cfg, int upto,
					  const struct domain_config *d, int k,
					  const char *id, const struct domain_config **who)
{
	for (int i = 0; i < upto; i++) {
		const struct domain_config *o = &cfg->dom[i];

		for (int j = 0; o->ok && j < o->nr_shm; j++)
			if (!strcmp(o->shm[j].id, id)) {
				*who = o;
				return &o->shm[j];
			}
	}
	for (int j = 0; j < k; j++)
		if (!strcmp(d->shm[j].id, id)) {
			*who = d;
			return &d->shm[j];
		}
	return NULL;
}

/* Does an earlier use of `id` (accepted domains before upto, d's nodes
 * before k) have this role? */
static bool has_role(const struct system_config *cfg, int upto,
		     const struct domain_config *d, int k, const char *id,
		     enum shm_role role)
{
	for (int i = 0; i <= upto; i++) {
		const struct domain_config *o = i < upto ? &cfg->dom[i] : d;
		int n = i < upto ? o->nr_shm : k;

		for (int j = 0; (i == upto || o->ok) && j < n; j++)
			if (!strcmp(o->shm[j].id, id) && o->shm[j].role == role)
				return true;
	}
	return false;
}

/* Guest-physical ranges of the devices the hypervisor emulates for d
 * (its vGIC and vpl011, where its layout puts them) and the grant-table
 * region: a shared region there would hide them. */
static bool hits_guest_devices(const struct host_info *h, const struct domain_config *d,
			       uint64_t gaddr, uint64_t size)
{
	bool direct = d->direct_map;
	struct mem_bank dev[] = {
		{ direct ? h->gicd_base : GUEST_GICD_BASE, GUEST_GICD_SIZE },
		{ direct ? h->gicr_base : GUEST_GICR_BASE, direct ? h->gicr_size : GUEST_GICR_SIZE },
		{ direct ? h->uart_base : GUEST_PL011_BASE, GUEST_PL011_SIZE },
		{ GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE },
	};

	return hits(dev, (int)ARRAY_SIZE(dev), gaddr, size);
}

/* Guest-physical space the stage-2 tables can map (39 bits). */
#define GUEST_IPA_LIMIT (1ULL << 39)

static int check_shm(const struct host_info *h, const struct system_config *cfg, int idx)
{
	struct domain_config *d = &cfg->dom[idx];

	for (int k = 0; k < d->nr_shm; k++) {
		const struct shm_config *s = &d->shm[k], *f;
		const struct domain_config *who = NULL, *o;
		const char *why;

		f = first_use(cfg, idx, d, k, s->id, &who);
		if (f && who == d)
			return VFAIL(d, "xen,shm-id", "\"%s\" used twice in this domain", s->id);
		if (f && (f->paddr != s->paddr || f->size != s->size))
			return VFAIL(d, "xen,shared-mem", "\"%s\" is [0x%llx, +0x%llx) in %s: one id, one region",
				     s->id, (unsigned long long)f->paddr,
				     (unsigned long long)f->size, who->path);
		if (s->role == SHM_ROLE_OWNER &&
		    has_role(cfg, idx, d, k, s->id, SHM_ROLE_OWNER))
			return VFAIL(d, "role", "\"%s\" already has an owner", s->id);
		if ((s->role == SHM_ROLE_OWNER && has_role(cfg, idx, d, k, s->id, SHM_ROLE_NONE)) ||
		    (s->role == SHM_ROLE_NONE && has_role(cfg, idx, d, k, s->id, SHM_ROLE_OWNER)))
			return VFAIL(d, "role", "\"%s\": one node names an owner and another none (then the hypervisor owns it): choose one",
				     s->id);
		if (!f) {
			why = host_conflict(h, cfg, s->paddr, s->size);
			if (why)
				return VFAIL(d, "xen,shared-mem", "\"%s\" [0x%llx, 0x%llx) %s", s->id,
					     (unsigned long long)s->paddr,
					     (unsigned long long)(s->paddr + s->size), why);
			o = claimed_by(cfg, idx, s->paddr, s->size, s->id);
			if (o)
				return VFAIL(d, "xen,shared-mem", "\"%s\" [0x%llx, 0x%llx) overlaps memory %s already has",
					     s->id, (unsigned long long)s->paddr,
					     (unsigned long long)(s->paddr + s->size), o->path);
		}
		if (hits_guest_ram(d, s->gaddr, s->size))
			return VFAIL(d, "xen,shared-mem", "\"%s\": guest address range [0x%llx, 0x%llx) overlaps the domain's RAM",
				     s->id, (unsigned long long)s->gaddr,
				     (unsigned long long)(s->gaddr + s->size));
		if (hits_guest_devices(h, d, s->gaddr, s->size))
			return VFAIL(d, "xen,shared-mem", "\"%s\": guest address range [0x%llx, 0x%llx) overlaps the domain's GIC, UART or grant-table region",
				     s->id, (unsigned long long)s->gaddr,
				     (unsigned long long)(s->gaddr + s->size));
		if (s->gaddr + s->size > GUEST_IPA_LIMIT)
			return VFAIL(d, "xen,shared-mem", "\"%s\": guest address range ends past 2^39, beyond the guest-physical space",
				     s->id);
		for (int j = 0; j < k; j++) {
			if (cfg_overlap(s->gaddr, s->size, d->shm[j].gaddr, d->shm[j].size))
				return VFAIL(d, "xen,shared-mem", "\"%s\": guest address range overlaps \"%s\"'s",
					     s->id, d->shm[j].id);
			if (strcmp(s->id, d->shm[j].id) &&
			    cfg_overlap(s->paddr, s->size, d->shm[j].paddr, d->shm[j].size))
				return VFAIL(d, "xen,shared-mem", "\"%s\": host range overlaps \"%s\"'s",
					     s->id, d->shm[j].id);
		}
	}
	return 0;
}

/* A direct-mapped domain has the host's layout: its vpl011 is at the
 * hypervisor's UART with that UART's SPI, its redistributors in the
 * host's first region. */
static int check_direct_map(const struct host_info *h, struct domain_config *d)
{
	uint32_t spi = h->uart_irq >= 32 ? h->uart_irq - 32 : 0;

	if (!d->direct_map)
		return 0;
	if (d->vpl011 && d->nr_spis <= spi)
		return VFAIL(d, "nr_spis", "%u is too few for the vpl011 of a direct-mapped domain, which has the host UART's SPI %u",
			     d->nr_spis, spi);
	if (d->vpl011 && h->uart_size && h->uart_size < GUEST_PL011_SIZE)
		return VFAIL(d, "vpl011", "the host UART's region (0x%llx bytes) is smaller than a vpl011's 4 KiB (a direct-mapped domain's vpl011 takes its place)",
			     (unsigned long long)h->uart_size);
	for (int i = 0; i < d->nr_static_mem; i++) {
		const struct mem_bank *b = &d->static_mem[i];
		struct mem_bank gnttab = { GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE };

		if (hits(&gnttab, 1, b->base, b->size))
			return VFAIL(d, "direct-map", "RAM [0x%llx, 0x%llx) would cover the guest's grant-table region [0x%llx, +0x%llx)",
				     (unsigned long long)b->base,
				     (unsigned long long)(b->base + b->size),
				     (unsigned long long)GUEST_GNTTAB_BASE,
				     (unsigned long long)GUEST_GNTTAB_SIZE);
		if (b->base + b->size > GUEST_IPA_LIMIT)
			return VFAIL(d, "direct-map", "RAM [0x%llx, 0x%llx) ends past 2^39, beyond the guest-physical space",
				     (unsigned long long)b->base,
				     (unsigned long long)(b->base + b->size));
	}
	if (h->gicr_size && (uint64_t)d->vcpus * GUEST_GICR_STRIDE > h->gicr_size)
		return VFAIL(d, "cpus", "%u vCPUs, but a direct-mapped domain has the host's redistributor region, with room for %llu",
			     d->vcpus, (unsigned long long)(h->gicr_size / GUEST_GICR_STRIDE));
	return 0;
}

int static_check_domain(const struct host_info *h, const struct system_config *cfg,
			int idx)
{
	return check_static_mem(h, cfg, idx) || check_shm(h, cfg, idx) ||
	       check_direct_map(h, &cfg->dom[idx]) ? -1 : 0;
}

/* ---- event channels ----------------------------------------------------------------- */

static int domain_of_node(const struct system_config *cfg, int node)
{
	for (int i = 0; i < cfg->nr_domains; i++)
		if (cfg->dom[i].node == node)
			return i;
	return -1;
}

/* A channel of d whose other end cannot be bound refuses d. True if it
 * refused d. */
static bool check_evtchn(struct system_config *cfg, struct domain_config *d)
{
	for (int k = 0; k < d->nr_evtchn; k++) {
		struct static_evtchn *e = &d->evtchn[k];
		const struct domain_config *p;

		e->peer_dom = domain_of_node(cfg, e->peer_parent);
		p = e->peer_dom >= 0 ? &cfg->dom[e->peer_dom] : NULL;
		if (!p) {
			VFAIL(d, "xen,evtchn", "port %u: the peer node is not in a domain",
			      e->port);
			return true;
		}
		if (!p->ok) {
			VFAIL(d, "xen,evtchn", "port %u: its peer %s is refused", e->port,
			      p->path);
			return true;
		}
	}
	return false;
}

void static_validate(const struct host_info *h, struct system_config *cfg)
{
	bool changed = true;

	(void)h;
	while (changed) {
		changed = false;
		for (int i = 0; i < cfg->nr_domains; i++)
			if (cfg->dom[i].ok && check_evtchn(cfg, &cfg->dom[i])) {
				cfg->dom[i].ok = false;
				changed = true;
			}
	}
}
