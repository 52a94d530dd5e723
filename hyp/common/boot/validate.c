// SPDX-License-Identifier: MIT
/*
 * config_validate: the checks that need the whole system, run before any
 * domain is built so that a bad configuration is reported in full and
 * nothing is half-constructed.
 *
 * Domains are taken in domid order. Each check that fails marks that
 * domain !ok with a one-line message; a rejected domain then takes no
 * CPUs or memory, so later domains are judged against what will actually
 * be built. Its modules still count for overlaps: they are in memory.
 */
#include "cfg_msg.h"

/* What the domains accepted so far have taken. */
struct tally {
	int next_cpu;          /* physical CPUs are handed out in order */
	uint64_t mem_left_kb;  /* host RAM minus reserved minus given */
	uint64_t given_kb;     /* guest RAM + P2M pools of accepted domains */
	uint64_t host_kb;      /* host RAM minus reserved, for messages */
};

#define VFAIL(d, prop, ...) \
	cfg_fail((d)->err, sizeof((d)->err), (d)->path, (prop), __VA_ARGS__)

static const char *const kind_name[] = {
	"multiboot,kernel", "multiboot,ramdisk", "multiboot,device-tree",
};

static const struct boot_module *module(const struct domain_config *d,
					int i)
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

static bool inside_ram(const struct host_info *h, uint64_t start,
		       uint64_t size)
{
	for (int i = 0; i < h->nr_mem; i++) {
		const struct mem_bank *b = &h->mem[i];

		if (start >= b->base && start - b->base <= b->size &&
		    size <= b->size - (start - b->base))
			return true;
	}
	return false;
}

/* Module i of d against every module of `other` (which may be d itself,
 * then only the modules before i). Fails naming the first overlap. */
static int check_overlap_with(struct domain_config *d, int i,
			      const struct domain_config *other)
{
	const struct boot_module *m = module(d, i);
	int n = other == d ? i : 3;

	for (int j = 0; j < n; j++) {
		const struct boot_module *o = module(other, j);

		if (o->present && cfg_overlap(m->start, m->size, o->start, o->size))
			return VFAIL(d, kind_name[i], "reg [0x%llx, 0x%llx) overlaps %s/%s",
				     (unsigned long long)m->start,
				     (unsigned long long)(m->start + m->size),
				     other->path, o->name ? o->name : kind_name[j]);
	}
	return 0;
}

static int check_modules(const struct host_info *h, struct system_config *cfg,
			 int idx)
{
	struct domain_config *d = &cfg->dom[idx];

	for (int i = 0; i < 3; i++) {
		const struct boot_module *m = module(d, i);

		if (!m->present)
			continue;
		if (!inside_ram(h, m->start, m->size))
			return VFAIL(d, kind_name[i], "reg [0x%llx, 0x%llx) is not inside host RAM",
				     (unsigned long long)m->start,
				     (unsigned long long)(m->start + m->size));
		/* Loaded images overlap in memory whether or not the other
		 * domain is built, so rejected domains count here too. */
		for (int k = 0; k < idx; k++) {
			if (check_overlap_with(d, i, &cfg->dom[k]))
				return -1;
		}
		if (check_overlap_with(d, i, d))
			return -1;
	}
	return 0;
}

/* ---- system totals ------------------------------------------------------------ */

static int check_cpus(const struct host_info *h, struct domain_config *d,
		      const struct tally *t)
{
	int left = h->nr_cpus - t->next_cpu;

	if ((int64_t)d->vcpus > left)
		return VFAIL(d, "cpus", "%u vCPUs requested but only %d physical CPU%s left",
			     d->vcpus, left, left == 1 ? "" : "s");
	return 0;
}

/* Guest RAM and the domain's P2M pool both come out of host RAM. */
static uint64_t mem_need_kb(const struct domain_config *d)
{
	return d->mem_kb + (uint64_t)d->p2m_mem_mb * 1024;
}

static int check_mem_total(struct domain_config *d, const struct tally *t)
{
	if (mem_need_kb(d) > t->mem_left_kb)
		return VFAIL(d, "memory", "%llu KiB RAM + %u MiB P2M pool needed but only %llu KiB of host RAM left (%llu KiB usable, %llu KiB given to earlier domains)",
			     (unsigned long long)d->mem_kb, d->p2m_mem_mb,
			     (unsigned long long)t->mem_left_kb,
			     (unsigned long long)t->host_kb,
			     (unsigned long long)t->given_kb);
	return 0;
}

/* Only once every check passed does the domain take its share. */
static void take(struct domain_config *d, struct tally *t)
{
	d->first_cpu = t->next_cpu;
	t->next_cpu += (int)d->vcpus;
	t->mem_left_kb -= mem_need_kb(d);
	t->given_kb += mem_need_kb(d);
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

void config_validate(const struct host_info *h, struct system_config *cfg)
{
	struct tally t = { .host_kb = usable_kb(h) };

	t.mem_left_kb = t.host_kb;
	for (int i = 0; i < cfg->nr_domains; i++) {
		struct domain_config *d = &cfg->dom[i];

		if (!d->ok)
			continue;
		d->ok = !(check_vcpus(d) || check_memory(d) ||
			  check_modules(h, cfg, i) || check_cpus(h, d, &t) ||
			  check_mem_total(d, &t));
		if (d->ok)
			take(d, &t);
	}
}
