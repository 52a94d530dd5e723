// SPDX-License-Identifier: MIT
/*
 * Boot-time CPU pools: Xen 4.17's "xen,cpupool" nodes under /chosen
 * (docs/misc/arm/device-tree/cpupools.txt) and its sched= option, read
 * into system_config.pool[] and numbered as Xen 4.17 numbers them
 * (btcpupools_dtb_parse and btcpupools_allocate_pools in
 * xen/common/sched/boot-cpupool.c):
 *
 *  1. every pool node gets an id in tree order: 0, 1, 2, ...;
 *  2. the CPUs no pool node names form one more pool, with the next id
 *     and the default scheduler;
 *  3. the pool holding the boot CPU (host CPU 0) swaps ids with pool 0,
 *     so that the boot CPU is in Pool-0.
 *
 * Xen panics on any mistake in a pool node. Here the node is marked bad
 * with a one-line message and keeps its id, so the other pools keep the
 * ids they will have once it is fixed; it gets no CPUs (those it named
 * count as named by no pool, step 2), and only the domains that belong
 * in it are refused (dom0less.c, validate.c). The rest is documented in
 * docs/configuration.md, "CPU pools and schedulers".
 */
#include "cfg_msg.h"
#include "cpupool.h"
#include <xenith/cmdline.h>

static const char *const sched_names[NR_SCHED_KINDS] = {
	[SCHED_CREDIT2] = "credit2",
	[SCHED_NULL] = "null",
	[SCHED_RTDS] = "rtds",
	[SCHED_ARINC653] = "arinc653",
};

const char *sched_name(enum sched_kind k)
{
	return (unsigned int)k < NR_SCHED_KINDS ? sched_names[k] : "?";
}

int sched_from_name(const char *name, size_t len)
{
	for (int i = 0; i < NR_SCHED_KINDS; i++) {
		if (strlen(sched_names[i]) == len &&
		    !strncmp(name, sched_names[i], len))
			return i;
	}
	return -1;
}

_Static_assert(MAX_CPUS < 32, "a pool's CPUs are a 32-bit mask");

/* Xen 4.17's one scheduler Xenith does not have; named in messages so
 * that a working Xen configuration gets a precise answer. */
static const char xen_credit[] = "credit";

struct pctx {
	const void *fdt;
	const struct host_info *h;
	struct system_config *cfg;
	int chosen;
	int nr_nodes;                   /* pool nodes read so far */
	uint32_t named[MAX_POOL_NODES]; /* CPUs each node named first */
	char path[128];                 /* scratch for node paths */
};

/* Marks the pool bad with "<pool path>: <prop>: <msg>"; only its first
 * mistake is reported, as for a domain. Evaluates to -1. */
#define PFAIL(p, prop, ...)                                                \
	((p)->ok ? ((p)->ok = false,                                       \
		    cfg_fail((p)->err, sizeof((p)->err), (p)->path, (prop), \
			     __VA_ARGS__))                                 \
		 : -1)

/* ---- the default scheduler ---------------------------------------------- */

/*
 * sched= as Xen 4.17's scheduler_init() takes it: a name it does not know
 * gets a warning and the built-in default, credit2. Xen's own credit
 * scheduler is not in Xenith, so sched=credit is treated the same way,
 * with its own warning.
 */
static void parse_default_sched(struct pctx *c)
{
	struct system_config *cfg = c->cfg;
	char name[16];
	int n = cmdline_str(c->h->xen_bootargs, "sched", name, sizeof(name));
	int k = n >= 0 && (size_t)n < sizeof(name)
			? sched_from_name(name, (size_t)n) : -1;
	const char *chosen;

	cfg->default_sched = k >= 0 ? (enum sched_kind)k : SCHED_CREDIT2;
	if (n < 0 || k >= 0)
		return;
	chosen = cfg_path(c->fdt, c->chosen, c->path, sizeof(c->path));
	if (strcmp(name, xen_credit) == 0)
		cfg_fail(cfg->warn, sizeof(cfg->warn), chosen, "xen,xen-bootargs",
			 "sched=credit: Xen's credit scheduler is not supported by Xenith; using credit2");
	else
		cfg_fail(cfg->warn, sizeof(cfg->warn), chosen, "xen,xen-bootargs",
			 "sched=%s%s: unknown scheduler; using credit2 (as Xen 4.17 does)",
			 name, (size_t)n < sizeof(name) ? "" : "...");
}

/* ---- one pool node ---------------------------------------------------------- */

/* "/<chosen>/<name>", as dom0less.c names a domain node. */
static void set_path(struct pctx *c, struct pool_config *p)
{
	const char *name = dt_name(c->fdt, p->node);
	int n = snprintf(p->path, sizeof(p->path), "/%s/%s",
			 dt_name(c->fdt, c->chosen), name);

	if (n < 0 || (size_t)n >= sizeof(p->path))
		snprintf(p->path, sizeof(p->path), "/chosen/%.80s", name);
}

static int parse_sched(struct pctx *c, struct pool_config *p)
{
	int len, k;
	const char *v = dt_prop(c->fdt, p->node, "cpupool-sched", &len);

	p->sched = c->cfg->default_sched;
	if (!v)
		return 0;
	if (len == 0 || v[0] == '\0')
		return PFAIL(p, "cpupool-sched", "empty (name a scheduler, or leave the property out for the default)");
	if (strnlen(v, (size_t)len) >= (size_t)len)
		return PFAIL(p, "cpupool-sched", "not a NUL-terminated string");
	k = sched_from_name(v, strlen(v));
	if (k >= 0) {
		p->sched = (enum sched_kind)k;
		return 0;
	}
	if (strcmp(v, xen_credit) == 0)
		return PFAIL(p, "cpupool-sched", "\"credit\" (Xen's credit scheduler) is not supported by Xenith; use \"credit2\"");
	return PFAIL(p, "cpupool-sched", "unknown scheduler \"%s\" (known: credit2, null, rtds, arinc653)",
		     v);
}

/*
 * Host CPU index of the node with phandle ph; -1 (the pool marked bad)
 * unless it is one of the enabled cpu nodes host_parse kept. Their
 * phandles are known, so only a mistake costs a walk of the tree.
 */
static int phandle_cpu(struct pctx *c, struct pool_config *p, uint32_t ph)
{
	int n;
	const char *type;

	for (int i = 0; ph && i < c->h->nr_cpus; i++) {
		if (c->h->cpu_phandle[i] == ph)
			return i;
	}
	n = dt_find_phandle(c->fdt, ph);
	if (n < 0)
		return PFAIL(p, "cpupool-cpus", "0x%x is not the phandle of any node", ph);
	type = dt_prop_str(c->fdt, n, "device_type");
	cfg_path(c->fdt, n, c->path, sizeof(c->path));
	if (!type || strcmp(type, "cpu") != 0)
		return PFAIL(p, "cpupool-cpus", "0x%x (%s) is not a cpu node", ph, c->path);
	if (!cfg_node_enabled(c->fdt, n))
		return PFAIL(p, "cpupool-cpus", "%s is disabled", c->path);
	return PFAIL(p, "cpupool-cpus", "%s is not one of the CPUs Xenith runs on (the first %d enabled cpu nodes of /cpus)",
		     c->path, MAX_CPUS);
}

/* Host CPU's node path, for messages only (it walks the tree). */
static const char *cpu_path(struct pctx *c, int cpu)
{
	return cfg_path(c->fdt, c->h->cpu_node[cpu], c->path, sizeof(c->path));
}

/* The earlier pool node that named cpu, or -1. */
static int named_by(const struct pctx *c, int cpu)
{
	for (int i = 0; i < c->nr_nodes; i++) {
		if (c->named[i] & (1U << cpu))
			return i;
	}
	return -1;
}

/*
 * cpupool-cpus: each phandle must lead to a CPU no pool node named
 * before. Stops at the first mistake, where Xen panics; the CPUs named
 * until then stay this node's, so a later node naming one of them is the
 * one at fault, whether or not this one is good.
 */
static int parse_cpus(struct pctx *c, int idx)
{
	struct pool_config *p = &c->cfg->pool[idx];
	int len;
	const uint8_t *v = dt_prop(c->fdt, p->node, "cpupool-cpus", &len);

	if (!v)
		return PFAIL(p, "cpupool-cpus", "missing");
	if (len == 0)
		return PFAIL(p, "cpupool-cpus", "empty (list the phandles of the pool's cpu nodes)");
	if (len % 4)
		return PFAIL(p, "cpupool-cpus", "%d bytes is not a list of phandles (4 bytes each)", len);
	/* Each pass names a new CPU or stops, so at most MAX_CPUS + 1. */
	for (int i = 0; i < len / 4; i++) {
		int cpu = phandle_cpu(c, p, dt_be32(v + 4 * i));
		int other;

		if (cpu < 0)
			return -1;
		if (c->named[idx] & (1U << cpu))
			return PFAIL(p, "cpupool-cpus", "%s is listed twice",
				     cpu_path(c, cpu));
		other = named_by(c, cpu);
		if (other >= 0)
			return PFAIL(p, "cpupool-cpus", "%s is already in pool %s",
				     cpu_path(c, cpu), c->cfg->pool[other].path);
		c->named[idx] |= 1U << cpu;
	}
	return 0;
}

/*
 * The ARINC653 parts: Xenith's major frame, and Xen 4.17's one-CPU limit
 * (its arinc653 scheduler keeps one schedule and one major-frame clock per
 * pool, and Kconfig calls it a scheduler "for single cores").
 */
static int parse_a653(struct pctx *c, struct pool_config *p, uint32_t cpus)
{
	static const char prop[] = "xenith,arinc653-major-frame-us";
	int len, n = cpupool_weight(cpus);
	const uint8_t *v = dt_prop(c->fdt, p->node, prop, &len);

	if (v && len != 4)
		return PFAIL(p, prop, "must be one 32-bit cell, not %d bytes", len);
	p->a653_major_us = v ? dt_be32(v) : 0;
	if (p->sched == SCHED_ARINC653 && n > 1)
		return PFAIL(p, "cpupool-cpus", "%d CPUs, but Xen 4.17's arinc653 scheduler runs a pool on one CPU",
			     n);
	return 0;
}

/* In Xen's order (scheduler, then CPUs); every step runs even after a
 * mistake, so that a bad node still holds the CPUs it named. */
static void parse_node(struct pctx *c, int node)
{
	int idx = c->nr_nodes;
	struct pool_config *p = &c->cfg->pool[idx];

	p->node = node;
	p->id = (uint32_t)idx;
	p->ok = true;
	set_path(c, p);
	parse_sched(c, p);
	parse_cpus(c, idx);
	parse_a653(c, p, c->named[idx]);
	c->nr_nodes++;
}

/* ---- numbering ------------------------------------------------------------ */

/* Steps 2 and 3: the extra pool, then the boot CPU's pool becomes pool 0
 * (ids equal indexes until then, so the swap also keeps pool[i].id == i). */
static void number_pools(struct pctx *c, int *boot_bad)
{
	struct system_config *cfg = c->cfg;
	uint32_t all = (1U << c->h->nr_cpus) - 1, held = 0;
	int boot = -1;

	*boot_bad = -1;
	cfg->nr_pools = c->nr_nodes;
	for (int i = 0; i < c->nr_nodes; i++) {
		struct pool_config *p = &cfg->pool[i];

		p->cpus = p->ok ? c->named[i] : 0;
		if (!p->ok && (c->named[i] & 1))
			*boot_bad = p->node;
		if (p->cpus & 1)
			boot = i;
		held |= p->cpus;
	}
	if (boot < 0 || (all & ~held)) {
		struct pool_config *x = &cfg->pool[cfg->nr_pools];

		memset(x, 0, sizeof(*x));
		x->node = -1;
		x->id = (uint32_t)cfg->nr_pools;
		x->sched = cfg->default_sched;
		x->cpus = all & ~held;
		x->ok = true;
		if (boot < 0)
			boot = cfg->nr_pools;
		cfg->nr_pools++;
	}
	if (boot > 0) {
		struct pool_config t = cfg->pool[0];

		cfg->pool[0] = cfg->pool[boot];
		cfg->pool[boot] = t;
		cfg->pool[0].id = 0;
		cfg->pool[boot].id = (uint32_t)boot;
	}
	for (int i = 0; i < cfg->nr_pools; i++) {
		if (cfg->pool[i].node < 0)
			snprintf(cfg->pool[i].path, sizeof(cfg->pool[i].path),
				 "Pool-%d", i);
	}
}

int cpupool_parse(const void *fdt, const struct host_info *h, int chosen,
		  struct system_config *cfg, int *boot_bad, char *err,
		  size_t errlen)
{
	struct pctx c = { .fdt = fdt, .h = h, .cfg = cfg, .chosen = chosen };

	*boot_bad = -1;
	parse_default_sched(&c);
	for (int n = dt_first_child(fdt, chosen); n >= 0;
	     n = dt_next_sibling(fdt, n)) {
		if (!dt_is_compatible(fdt, n, "xen,cpupool"))
			continue;
		if (c.nr_nodes == MAX_POOL_NODES)
			return cfg_fail(err, errlen,
					cfg_path(fdt, n, c.path, sizeof(c.path)),
					"compatible", "more than %d CPU pools",
					MAX_POOL_NODES);
		parse_node(&c, n);
	}
	number_pools(&c, boot_bad);
	return cfg->nr_pools;
}

int cpupool_by_node(const struct system_config *cfg, int node)
{
	for (int i = 0; i < cfg->nr_pools; i++) {
		if (node >= 0 && cfg->pool[i].node == node)
			return i;
	}
	return -1;
}

const char *cpupool_reason(const struct pool_config *p)
{
	size_t n = strlen(p->path);

	if (!strncmp(p->err, p->path, n) && p->err[n] == ':' &&
	    p->err[n + 1] == ' ')
		return p->err + n + 2;
	return p->err;
}
