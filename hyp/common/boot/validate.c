// SPDX-License-Identifier: MIT
/*
 * config_validate: the checks that need the whole system, run before any
 * domain is built so that a bad configuration is reported in full and
 * nothing is half-constructed.
 *
 * Domains are taken in domid order. Each check that fails marks that
 * domain !ok with a one-line message; a rejected domain then takes no
 * place in its pool and no memory, so later domains are judged against
 * what will actually be built. Its modules still count for overlaps:
 * they are in memory.
 *
 * vCPUs are scheduled on the CPUs of their domain's pool, so their
 * number is not limited by the CPUs, except under the null scheduler
 * (one CPU per vCPU) and ARINC653 (Xen 4.17's runs one CPU per pool and
 * single-vCPU domains).
 */
#include "cfg_msg.h"
#include "cpupool.h"
#include "static_cfg.h"

/* What the domains accepted so far have taken. */
struct tally {
	uint64_t mem_left_kb;  /* host RAM minus reserved minus given */
	uint64_t given_kb;     /* guest RAM + P2M pools of accepted domains */
	uint64_t host_kb;      /* host RAM minus reserved, for messages */
	uint32_t pool_vcpus[MAX_POOLS];     /* vCPUs placed in each pool */
	uint64_t pool_window_us[MAX_POOLS]; /* ARINC653 windows placed */
	uint32_t pool_domains[MAX_POOLS];   /* domains placed */
	/* Module ranges in memory so far, each range once: a module is
	 * compared with the distinct ranges, not with every module, so
	 * domains sharing one image cost one comparison each. */
	struct boot_module *distinct, *distinct_tail; /* in memory order of the tree */
};

#define VFAIL(d, prop, ...) \
	cfg_fail((d)->err, sizeof((d)->err), (d)->path, (prop), __VA_ARGS__)

static const char *const kind_name[] = {
	"multiboot,kernel", "multiboot,ramdisk", "multiboot,device-tree",
};

static struct boot_module *module(struct domain_config *d, int i)
{
	return i == 0 ? &d->kernel : i == 1 ? &d->ramdisk : &d->dtb;
}

/* ---- per-domain limits ----------------------------------------------------- */

static int check_vcpus(struct domain_config *d)
{
	if (d->vcpus > MAX_DOM_VCPUS)
		return VFAIL(d, "cpus", "%u vCPUs requested, at most %d are supported",
			     d->vcpus, MAX_DOM_VCPUS);
	return 0;
}

static int check_memory(struct domain_config *d)
{
	const uint64_t max_kb = (GUEST_RAM0_SIZE + GUEST_RAM1_SIZE) / 1024;

	if (d->mem_kb == 0)
		return VFAIL(d, "memory", "0 KiB is not a valid amount of RAM");
	if (d->mem_kb % 4)
		return VFAIL(d, "memory", "%llu KiB is not a multiple of 4 KiB (the page size)",
			     (unsigned long long)d->mem_kb);
	if (d->mem_kb > max_kb)
		return VFAIL(d, "memory", "%llu KiB does not fit in guest RAM banks (at most %llu KiB)",
			     (unsigned long long)d->mem_kb,
			     (unsigned long long)max_kb);
	return 0;
}

/* ---- modules ------------------------------------------------------------------ */

/* Records m's range unless it is already in the chain (shared). */
static void add_distinct(const struct domain_config *d, struct boot_module *m,
			 struct tally *t)
{
	m->owner = d;
	if (m->shares)
		return;
	for (const struct boot_module *o = t->distinct; o; o = o->next_distinct)
		if (o->start == m->start && o->size == m->size) {
			m->shares = o;
			return;
		}
	m->next_distinct = NULL;
	if (t->distinct_tail)
		t->distinct_tail->next_distinct = m;
	else
		t->distinct = m;
	t->distinct_tail = m;
}

/* Module m of d against each distinct range seen so far: the same range
 * is shared (one copy in memory, as Xen allows); any other overlap is an
 * error naming the first module it meets. */
static int check_overlap(struct domain_config *d, int i, struct boot_module *m,
			 const struct tally *t)
{
	for (const struct boot_module *o = t->distinct; o; o = o->next_distinct) {
		if (o->start == m->start && o->size == m->size) {
			if (!m->shares)
				m->shares = o;
			continue;
		}
		if (cfg_overlap(m->start, m->size, o->start, o->size))
			return VFAIL(d, kind_name[i], "reg [0x%llx, 0x%llx) overlaps %s/%s",
				     (unsigned long long)m->start,
				     (unsigned long long)(m->start + m->size),
				     o->owner->path, o->name ? o->name : "module");
	}
	return 0;
}

static int check_modules(const struct host_info *h, struct domain_config *d,
			 struct tally *t)
{
	for (int i = 0; i < 3; i++) {
		struct boot_module *m = module(d, i);

		if (!m->present)
			continue;
		if (!cfg_inside_one_bank(h->mem, h->nr_mem, m->start, m->size))
			return VFAIL(d, kind_name[i], "reg [0x%llx, 0x%llx) is not inside host RAM",
				     (unsigned long long)m->start,
				     (unsigned long long)(m->start + m->size));
		if (check_overlap(d, i, m, t))
			return -1;
		/* The domain's own later modules are checked against it. */
		add_distinct(d, m, t);
	}
	return 0;
}

/* ---- pools -------------------------------------------------------------------- */

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* The null scheduler gives each vCPU a CPU of its own for good (Xen's
 * would leave the vCPUs beyond the pool's CPUs waiting, never run). */
static int check_null(struct domain_config *d, const struct pool_config *p,
		      uint32_t placed)
{
	int cpus = cpupool_weight(p->cpus);

	if ((uint64_t)placed + d->vcpus > (uint64_t)cpus)
		return VFAIL(d, "cpus", "%u vCPU%s requested but pool %s (null scheduler) has %d CPU%s and %u vCPU%s %s already placed in it",
			     d->vcpus, plural(d->vcpus), p->path, cpus,
			     plural((uint64_t)cpus), placed, plural(placed),
			     placed == 1 ? "is" : "are");
	return 0;
}

/* Xen 4.17's arinc653 scheduler: one CPU per pool (its Kconfig: "for
 * single cores"; one schedule and one major-frame clock per pool) and
 * single-vCPU domains (SUPPORT.md); the windows must fit in the major
 * frame (arinc653_sched_set()), when one is given. */
static int check_a653(struct domain_config *d, const struct pool_config *p,
		      uint64_t placed_us, uint32_t placed_doms)
{
	int cpus = cpupool_weight(p->cpus);

	if (cpus != 1)
		return VFAIL(d, "cpus", "pool %s (arinc653 scheduler) has %d CPU%s; Xen 4.17's arinc653 scheduler runs a pool on one CPU",
			     p->path, cpus, plural((uint64_t)cpus));
	if (d->vcpus != 1)
		return VFAIL(d, "cpus", "%u vCPUs, but Xen 4.17's arinc653 scheduler (pool %s) runs single-vCPU domains only",
			     d->vcpus, p->path);
	if (placed_doms == A653_MAX_WINDOWS)
		return VFAIL(d, "domain-cpupool", "pool %s (arinc653 scheduler) already has %d domains, the most one schedule holds (Xen 4.17's ARINC653_MAX_DOMAINS_PER_SCHEDULE)",
			     p->path, A653_MAX_WINDOWS);
	if (p->a653_major_us && placed_us + d->a653_window_us > p->a653_major_us)
		return VFAIL(d, "xenith,arinc653-window-us", "%u us does not fit: pool %s has a major frame of %u us and windows of %llu us are already placed in it",
			     d->a653_window_us, p->path, p->a653_major_us,
			     (unsigned long long)placed_us);
	return 0;
}

static int check_pool(const struct system_config *cfg,
		      struct domain_config *d, const struct tally *t)
{
	const struct pool_config *p;

	if (d->pool < 0 || d->pool >= cfg->nr_pools)
		return VFAIL(d, "domain-cpupool", "pool index %d does not exist (%d pool%s)",
			     d->pool, cfg->nr_pools, plural((uint64_t)cfg->nr_pools));
	p = &cfg->pool[d->pool];
	if (!p->ok)
		return VFAIL(d, "domain-cpupool", "pool %s is invalid (%s)",
			     p->path, cpupool_reason(p));
	if (p->sched == SCHED_NULL)
		return check_null(d, p, t->pool_vcpus[d->pool]);
	if (p->sched == SCHED_ARINC653)
		return check_a653(d, p, t->pool_window_us[d->pool],
				  t->pool_domains[d->pool]);
	return 0;
}

/* ---- system totals ------------------------------------------------------------ */

/* Guest RAM and the domain's P2M pool both come out of host RAM; with a
 * static heap, only what the allocator gives (the P2M pool, and RAM that
 * is not static) comes out of the heap. */
static uint64_t mem_need_kb(const struct system_config *cfg, const struct domain_config *d)
{
	bool from_heap = !cfg->nr_static_heap || !d->nr_static_mem;

	return (from_heap ? d->mem_kb : 0) + (uint64_t)d->p2m_mem_mb * 1024;
}

static int check_mem_total(const struct system_config *cfg, struct domain_config *d,
			   const struct tally *t)
{
	if (mem_need_kb(cfg, d) <= t->mem_left_kb)
		return 0;
	if (cfg->nr_static_heap && d->nr_static_mem)
		return VFAIL(d, "xen,domain-p2m-mem-mb", "%u MiB P2M pool needed but only %llu KiB of the static heap left (%llu KiB in it, %llu KiB given to earlier domains)",
			     d->p2m_mem_mb, (unsigned long long)t->mem_left_kb,
			     (unsigned long long)t->host_kb,
			     (unsigned long long)t->given_kb);
	return VFAIL(d, "memory", "%llu KiB RAM + %u MiB P2M pool needed but only %llu KiB of %s left (%llu KiB usable, %llu KiB given to earlier domains)",
			     (unsigned long long)d->mem_kb, d->p2m_mem_mb,
			     (unsigned long long)t->mem_left_kb,
			     cfg->nr_static_heap ? "the static heap" : "host RAM",
			     (unsigned long long)t->host_kb,
			     (unsigned long long)t->given_kb);
}

/* Only once every check passed does the domain take its share. */
static void take(const struct system_config *cfg, struct domain_config *d, struct tally *t)
{
	t->pool_vcpus[d->pool] += d->vcpus;
	t->pool_window_us[d->pool] += d->a653_window_us;
	t->pool_domains[d->pool]++;
	t->mem_left_kb -= mem_need_kb(cfg, d);
	t->given_kb += mem_need_kb(cfg, d);
}

/* Bytes of [base, base + size) covered by host RAM. */
static uint64_t ram_overlap(const struct host_info *h, uint64_t base,
			    uint64_t size)
{
	uint64_t total = 0;

	for (int i = 0; i < h->nr_mem; i++) {
		uint64_t lo = MAX(base, h->mem[i].base);
		uint64_t hi = MIN(base + size, h->mem[i].base + h->mem[i].size);

		if (hi > lo)
			total += hi - lo;
	}
	return total;
}

/* Host RAM not reserved, in KiB (reserved regions may overlap each other;
 * the sum then undercounts what is left, which errs on the safe side). */
static uint64_t usable_kb(const struct host_info *h)
{
	uint64_t ram = 0, rsv = 0;

	for (int i = 0; i < h->nr_mem; i++)
		ram += h->mem[i].size;
	for (int i = 0; i < h->nr_reserved; i++)
		rsv += ram_overlap(h, h->reserved[i].base, h->reserved[i].size);
	return rsv < ram ? (ram - rsv) / 1024 : 0;
}

/* A domain refused before or by these checks still has its modules in
 * memory: later domains must not overlap them either. */
static void add_modules(struct domain_config *d, struct tally *t)
{
	for (int i = 0; i < 3; i++) {
		struct boot_module *m = module(d, i);

		if (m->present && !m->owner)
			add_distinct(d, m, t);
	}
}

void config_validate(const struct host_info *h, struct system_config *cfg)
{
	struct tally t = { .host_kb = usable_kb(h) };

	/* With a static heap, everything the allocator gives comes from it. */
	if (cfg->nr_static_heap) {
		t.host_kb = 0;
		for (int i = 0; i < cfg->nr_static_heap; i++)
			t.host_kb += cfg->static_heap[i].size / 1024;
	}

	t.mem_left_kb = t.host_kb;
	for (int i = 0; i < cfg->nr_domains; i++)
		for (int k = 0; k < 3; k++) {
			struct boot_module *m = module(&cfg->dom[i], k);

			m->shares = m->next_distinct = NULL;
			m->owner = NULL;
		}
	for (int i = 0; i < cfg->nr_domains; i++) {
		struct domain_config *d = &cfg->dom[i];

		if (d->ok)
			d->ok = !(check_vcpus(d) || check_memory(d) ||
				  check_modules(h, d, &t) ||
				  static_check_domain(h, cfg, i) ||
				  check_pool(cfg, d, &t) ||
				  check_mem_total(cfg, d, &t));
		add_modules(d, &t);
		if (d->ok)
			take(cfg, d, &t);
	}
	static_validate(h, cfg);
}
