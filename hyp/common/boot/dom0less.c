// SPDX-License-Identifier: MIT
/*
 * config_parse: Xen 4.17's dom0less bindings (docs/misc/arm/device-tree/
 * booting.txt, "Creating Multiple Domains directly from Xen") read into
 * struct domain_config, one per "xen,domain" node under /chosen.
 *
 * This file checks each property on its own (type, range); the CPU pools
 * the domains name are read first (cpupool.c); what depends on the whole
 * system (vCPUs in null pools, memory totals, overlapping modules) is in
 * validate.c. A domain with a bad property is marked !ok with a one-line
 * message and the others are still parsed, so one boot reports all of
 * them. Properties this file does not know are ignored, as Xen does.
 */
#include "cfg_msg.h"
#include "cpupool.h"
#include "dctx.h"
#include "static_cfg.h"

/* Xen's vGIC rounds nr_spis up to 32 and accepts at most 1020 - 32. */
#define VGIC_MAX_SPIS 988
/* Used for the default nr_spis when the GIC driver did not fill
 * host_info.gic_nr_lines: QEMU virt's GICv3 has 288 lines. */
#define FALLBACK_GIC_LINES 288

/* ---- domain properties -------------------------------------------------- */

static int parse_cpus(struct dctx *c)
{
	int len;
	const void *p = dt_prop(c->fdt, c->d->node, "cpus", &len);

	if (!p)
		return DFAIL(c, "cpus", "missing");
	if (len != 4)
		return DFAIL(c, "cpus", "must be one 32-bit cell, not %d bytes", len);
	c->d->vcpus = dt_be32(p);
	if (c->d->vcpus == 0)
		return DFAIL(c, "cpus", "0 is not a valid vCPU count");
	return 0;
}

/* booting.txt says "a 64-bit integer" (and Xen 4.17 reads exactly that);
 * a single cell is accepted too, since it is unambiguous. */
static int parse_memory(struct dctx *c)
{
	int len;
	const void *p = dt_prop(c->fdt, c->d->node, "memory", &len);

	if (!p)
		return DFAIL(c, "memory", "missing");
	if (len != 4 && len != 8)
		return DFAIL(c, "memory", "must be a 64-bit (or 32-bit) count of KiB, not %d bytes",
			     len);
	c->d->mem_kb = dt_read_cells(p, len / 4);
	return 0;
}

/* Optional u32; *present says whether it was there. */
static int optional_u32(struct dctx *c, const char *prop, uint32_t *out,
			bool *present)
{
	int len;
	const void *p = dt_prop(c->fdt, c->d->node, prop, &len);

	*present = p != NULL;
	if (!p)
		return 0;
	if (len != 4)
		return DFAIL(c, prop, "must be one 32-bit cell, not %d bytes", len);
	*out = dt_be32(p);
	return 0;
}

/*
 * Default as in Xen 4.17 create_domUs(): all SPIs of the host GIC, and at
 * least enough to reach the vpl011 SPI. An explicit value must fit the
 * vGIC (Xen rounds it up to a multiple of 32, then caps at 988).
 */
static int parse_nr_spis(struct dctx *c)
{
	struct domain_config *d = c->d;
	bool present;
	uint32_t lines = c->h->gic_nr_lines ? c->h->gic_nr_lines
					    : FALLBACK_GIC_LINES;

	if (optional_u32(c, "nr_spis", &d->nr_spis, &present))
		return -1;
	if (!present) {
		lines = MIN(lines, 1020U);
		d->nr_spis = lines > 32 ? lines - 32 : 0;
		if (d->vpl011)
			d->nr_spis = MAX(d->nr_spis, GUEST_VPL011_SPI + 1U);
		return 0;
	}
	if (ALIGN_UP((uint64_t)d->nr_spis, 32) > VGIC_MAX_SPIS)
		return DFAIL(c, "nr_spis", "%u is more than the vGIC supports (at most 960)",
			     d->nr_spis);
	if (d->vpl011 && d->nr_spis < GUEST_VPL011_SPI + 1U)
		return DFAIL(c, "nr_spis", "%u leaves no SPI for vpl011 (it uses SPI %d)",
			     d->nr_spis, GUEST_VPL011_SPI);
	return 0;
}

/*
 * Default as in Xen 4.17 domain_p2m_pages(): 1 MiB per vCPU, 4 KiB per
 * MiB of RAM, 512 KiB for extended regions, rounded up to whole MiB.
 */
uint32_t default_p2m_mb(uint64_t mem_kb, uint32_t vcpus)
{
	uint64_t kb = 4 * (256 * (uint64_t)vcpus + mem_kb / 1024 + 128);
	uint64_t mb = (kb + 1023) / 1024;

	return mb > UINT32_MAX ? UINT32_MAX : (uint32_t)mb;
}

static int parse_p2m(struct dctx *c)
{
	struct domain_config *d = c->d;
	bool present;

	if (optional_u32(c, "xen,domain-p2m-mem-mb", &d->p2m_mem_mb, &present))
		return -1;
	if (!present)
		d->p2m_mem_mb = default_p2m_mb(d->mem_kb, d->vcpus);
	else if (d->p2m_mem_mb == 0)
		return DFAIL(c, "xen,domain-p2m-mem-mb", "0 MiB leaves no room for the stage-2 page tables");
	return 0;
}

/*
 * As Xen 4.17 construct_domU(): empty value or "enabled" = PV interfaces
 * with xenstore (which needs a dom0, or Xen panics), "no-xenstore" = PV
 * without xenstore, "disabled" or absent = none. Xen silently treats any
 * other value as absent; here it is an error, since a typo would
 * otherwise quietly remove the guest's PV drivers.
 */
static int parse_enhanced(struct dctx *c)
{
	int len;
	const char *v = dt_prop(c->fdt, c->d->node, "xen,enhanced", &len);

	c->d->enhanced = ENHANCED_NONE;
	if (!v)
		return 0;
	if (len > 0 && strnlen(v, (size_t)len) >= (size_t)len)
		return DFAIL(c, "xen,enhanced", "not a NUL-terminated string");
	if (len == 0 || strcmp(v, "enabled") == 0) {
		if (!c->has_dom0)
			return DFAIL(c, "xen,enhanced", "\"enabled\" needs xenstore in a dom0, and there is none; use \"no-xenstore\"");
		c->d->enhanced = ENHANCED_ENABLED;
	} else if (strcmp(v, "no-xenstore") == 0) {
		c->d->enhanced = ENHANCED_NO_XENSTORE;
	} else if (strcmp(v, "disabled") != 0) {
		return DFAIL(c, "xen,enhanced", "\"%s\" is not one of \"enabled\", \"no-xenstore\", \"disabled\"",
			     v);
	}
	return 0;
}

/* Xen properties that would change where the guest's RAM comes from;
 * silently ignoring them would build a different guest. */
/* Xen 4.17's static allocation bindings: static_cfg.c. */
static int parse_static(struct dctx *c)
{
	return static_parse_domain(c->fdt, c->chosen, c->d);
}

/* ---- scheduling ---------------------------------------------------------- */

/*
 * domain-cpupool: the phandle of a "xen,cpupool" node under /chosen;
 * absent = Pool-0, the boot CPU's pool. Xen 4.17 ignores a phandle that
 * leads nowhere (the domain goes to Pool-0); here it is an error, since
 * the domain would run under a scheduler nobody chose for it.
 */
static const char pool_prop[] = "domain-cpupool";

/* No domain-cpupool: Pool-0, unless the pool node that named the boot
 * CPU (which Pool-0 would have been) is bad. */
int default_pool(struct dctx *c)
{
	int n = cpupool_by_node(c->cfg, c->boot_bad);

	if (n >= 0)
		return DFAIL(c, pool_prop, "absent, so the domain is in the boot CPU's pool %s, which is invalid (%s)",
			     c->cfg->pool[n].path,
			     cpupool_reason(&c->cfg->pool[n]));
	c->d->pool = 0;
	return 0;
}

static int parse_pool(struct dctx *c)
{
	const char *prop = pool_prop;
	struct domain_config *d = c->d;
	const struct pool_config *p;
	int len, n, idx;
	const void *v = dt_prop(c->fdt, d->node, prop, &len);
	uint32_t ph;

	if (!v)
		return default_pool(c);
	if (len != 4)
		return DFAIL(c, prop, "must be one phandle (4 bytes), not %d bytes", len);
	ph = dt_be32(v);
	n = dt_find_phandle(c->fdt, ph);
	if (n < 0)
		return DFAIL(c, prop, "0x%x is not a xen,cpupool node (no node has this phandle)", ph);
	if (!dt_is_compatible(c->fdt, n, "xen,cpupool"))
		return DFAIL(c, prop, "0x%x is not a xen,cpupool node (it is %s)",
			     ph, cfg_path(c->fdt, n, c->path, sizeof(c->path)));
	idx = cpupool_by_node(c->cfg, n);
	if (idx < 0)
		return DFAIL(c, prop, "0x%x (%s) is not a xen,cpupool node under /chosen",
			     ph, cfg_path(c->fdt, n, c->path, sizeof(c->path)));
	p = &c->cfg->pool[idx];
	if (!p->ok)
		return DFAIL(c, prop, "pool %s is invalid (%s)", p->path,
			     cpupool_reason(p));
	d->pool = idx;
	return 0;
}

/* One of Xenith's scheduling parameters: u32, dflt when absent, and in
 * [lo, hi]; `what` describes the range in the message. */
static int sched_param(struct dctx *c, const char *prop, uint32_t *out,
		       uint32_t dflt, uint32_t lo, uint32_t hi,
		       const char *what)
{
	bool present;

	*out = dflt;
	if (optional_u32(c, prop, out, &present))
		return -1;
	if (*out < lo || *out > hi)
		return DFAIL(c, prop, "%u is out of range (%s)", *out, what);
	return 0;
}

/*
 * The parameters Xen 4.17 sets only through xl (sched-credit2,
 * sched-rtds) or the ARINC653 schedule, with Xen's defaults and limits:
 * credit2 weight 1..65535 (a 16-bit field, 0 meaning "unchanged") and
 * cap at most 100 per vCPU (credit2.c); RTDS period and budget at least
 * 10 us, budget at most the period (rt.c; its maximum period, 2^62 ns,
 * is beyond any 32-bit count of us). Each is checked whatever the pool's
 * scheduler, so a mistake shows before the domain is moved.
 */
int parse_sched_params(struct dctx *c)
{
	struct domain_config *d = c->d;
	uint32_t max_cap = (uint32_t)MIN(100ULL * d->vcpus, 65535ULL);
	char cap_range[48];

	snprintf(cap_range, sizeof(cap_range), "0 for none, or up to %u: 100 per vCPU",
		 max_cap);
	if (sched_param(c, "xenith,sched-weight", &d->sched_weight, 256, 1,
			65535, "1 to 65535") ||
	    sched_param(c, "xenith,sched-cap", &d->sched_cap, 0, 0, max_cap,
			cap_range) ||
	    sched_param(c, "xenith,rtds-period-us", &d->rtds_period_us, 10000,
			10, UINT32_MAX, "at least 10 us") ||
	    sched_param(c, "xenith,rtds-budget-us", &d->rtds_budget_us, 4000,
			10, UINT32_MAX, "at least 10 us") ||
	    sched_param(c, "xenith,arinc653-window-us", &d->a653_window_us,
			10000, 1, UINT32_MAX, "at least 1 us"))
		return -1;
	if (d->rtds_budget_us > d->rtds_period_us)
		return DFAIL(c, "xenith,rtds-budget-us", "%u us is more than the period (%u us)",
			     d->rtds_budget_us, d->rtds_period_us);
	return 0;
}

/* ---- module sub-nodes ---------------------------------------------------- */

/* Which domain slot a module node fills, with its compatible for messages. */
static struct boot_module *module_slot(struct dctx *c, int node,
				       const char **kind)
{
	static const char *const kinds[] = {
		"multiboot,kernel", "multiboot,ramdisk", "multiboot,device-tree",
	};
	struct boot_module *slots[] = {
		&c->d->kernel, &c->d->ramdisk, &c->d->dtb,
	};

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (dt_is_compatible(c->fdt, node, kinds[i])) {
			*kind = kinds[i];
			return slots[i];
		}
	}
	return NULL;
}

enum reg_result module_range(const void *fdt, int parent, int node,
				    struct reg_read *r)
{
	const uint8_t *p = dt_prop(fdt, node, "reg", &r->len);

	r->ac = cfg_cells(fdt, parent, "#address-cells", 2);
	r->sc = cfg_cells(fdt, parent, "#size-cells", 1);
	if (!p)
		return REG_MISSING;
	if (r->ac < 1 || r->ac > 2 || r->sc < 1 || r->sc > 2)
		return REG_CELLS;
	if ((uint32_t)r->len < 4 * (r->ac + r->sc))
		return REG_SHORT;
	r->start = dt_read_cells(p, (int)r->ac);
	r->size = dt_read_cells(p + 4 * r->ac, (int)r->sc);
	if (r->size == 0)
		return REG_ZERO;
	return r->start + r->size < r->start ? REG_WRAP : REG_OK;
}

/* The module's (start, size) from reg, in the domain node's cells. */
int module_reg(struct dctx *c, int node, struct boot_module *m)
{
	struct reg_read r;

	switch (module_range(c->fdt, c->d->node, node, &r)) {
	case REG_MISSING:
		return MFAIL(c, node, "reg", "missing");
	case REG_CELLS:
		return MFAIL(c, node, "reg", "cannot decode with #address-cells %u, #size-cells %u (set both to 1 or 2 in %s)",
			     r.ac, r.sc, c->d->path);
	case REG_SHORT:
		return MFAIL(c, node, "reg", "%d bytes is too short for #address-cells %u + #size-cells %u",
			     r.len, r.ac, r.sc);
	case REG_ZERO:
		return MFAIL(c, node, "reg", "size is 0");
	case REG_WRAP:
		return MFAIL(c, node, "reg", "range wraps around");
	case REG_OK:
		break;
	}
	m->start = r.start;
	m->size = r.size;
	return 0;
}

static int parse_module(struct dctx *c, int node)
{
	const char *kind;
	struct boot_module *m = module_slot(c, node, &kind);

	if (!m)
		return 0; /* other children (e.g. passthrough) are not ours */
	if (m->present)
		return MFAIL(c, node, "compatible", "second %s module in %s (first: %s)",
			     kind, c->d->path, m->name);
	/* Xen skips a partial device tree without reg. */
	if (m == &c->d->dtb && !dt_has_prop(c->fdt, node, "reg"))
		return 0;
	if (module_reg(c, node, m))
		return -1;
	m->present = true;
	m->node = node;
	m->name = dt_name(c->fdt, node);
	if (m == &c->d->kernel && dt_has_prop(c->fdt, node, "bootargs")) {
		m->bootargs = dt_prop_str(c->fdt, node, "bootargs");
		if (!m->bootargs)
			return MFAIL(c, node, "bootargs", "not a NUL-terminated string");
	}
	return 0;
}

/* A child in the older style (a bare "multiboot,module", or the dom0
 * names "xen,linux-zimage"), which Xen never takes as a domU kernel;
 * worth a hint in the message. */
static bool has_legacy_module(const void *fdt, int dom)
{
	for (int n = dt_first_child(fdt, dom); n >= 0;
	     n = dt_next_sibling(fdt, n)) {
		if (dt_is_compatible(fdt, n, "multiboot,ramdisk") ||
		    dt_is_compatible(fdt, n, "multiboot,device-tree"))
			continue;
		if (dt_is_compatible(fdt, n, "multiboot,module") ||
		    dt_is_compatible(fdt, n, "xen,multiboot-module") ||
		    dt_is_compatible(fdt, n, "xen,linux-zimage"))
			return true;
	}
	return false;
}

/*
 * Xen 4.17 finds a domU's kernel only through "multiboot,kernel" (the
 * older "multiboot,module"-only form is guessed for dom0, never for a
 * domU), so the same rule applies here.
 */
static int parse_modules(struct dctx *c)
{
	for (int n = dt_first_child(c->fdt, c->d->node); n >= 0;
	     n = dt_next_sibling(c->fdt, n)) {
		if (parse_module(c, n))
			return -1;
	}
	if (c->d->kernel.present)
		return 0;
	if (has_legacy_module(c->fdt, c->d->node))
		return DFAIL(c, "multiboot,kernel", "no kernel module (a child is in the older style; a domU kernel needs compatible = \"multiboot,kernel\", \"multiboot,module\")");
	return DFAIL(c, "multiboot,kernel", "no kernel module");
}

/* ---- domains ------------------------------------------------------------- */

/*
 * "/<chosen>/<domain>", what dt_get_path gives for a child of /chosen,
 * built from the two names: dt_get_path would walk from the root to the
 * domain node, i.e. through nearly the whole tree, /chosen coming last.
 * (It differs only where dt_get_path fails, in a tree nested deeper than
 * dt_check allows; then both fall back to "/chosen/<name>".)
 */
static void set_path(struct dctx *c)
{
	struct domain_config *d = c->d;
	const char *name = dt_name(c->fdt, d->node);
	int n = snprintf(d->path, sizeof(d->path), "/%s/%s",
			 dt_name(c->fdt, c->chosen), name);

	if (n < 0 || (size_t)n >= sizeof(d->path))
		snprintf(d->path, sizeof(d->path), "/chosen/%.80s", name);
}

static void parse_domain(struct dctx *c)
{
	struct domain_config *d = c->d;

	set_path(c);
	d->vpl011 = dt_has_prop(c->fdt, d->node, "vpl011");
	/* Order: the properties every domain needs first; the scheduling
	 * parameters need the vCPU count. */
	d->ok = !(parse_cpus(c) || parse_memory(c) || parse_modules(c) ||
		  parse_nr_spis(c) || parse_p2m(c) || parse_enhanced(c) ||
		  parse_static(c) || parse_pool(c) ||
		  parse_sched_params(c) || parse_virtio(c));
	if (d->ok)
		d->err[0] = '\0';
}

/*
 * Is there a dom0 kernel: a module directly under /chosen, as Xen's
 * bootfdt.c registers it ("multiboot,kernel"/"xen,linux-zimage", or the
 * first bare "multiboot,module", which Xen guesses to be the kernel)?
 */
static bool has_dom0_kernel(const void *fdt, int chosen)
{
	static const char *const compat[] = {
		"multiboot,kernel", "xen,linux-zimage", "multiboot,module",
		"xen,multiboot-module",
	};

	for (int n = dt_first_child(fdt, chosen); n >= 0;
	     n = dt_next_sibling(fdt, n)) {
		for (size_t i = 0; i < ARRAY_SIZE(compat); i++) {
			if (dt_is_compatible(fdt, n, compat[i]) &&
			    !dt_is_compatible(fdt, n, "multiboot,ramdisk") &&
			    !dt_is_compatible(fdt, n, "multiboot,device-tree"))
				return true;
		}
	}
	return false;
}

static void modules_of(const void *fdt, int parent,
		       void (*fn)(void *arg, uint64_t start, uint64_t size, bool module),
		       void *arg)
{
	struct reg_read r;

	static const char *const compat[] = {
		"multiboot,module", "multiboot,kernel", "multiboot,ramdisk",
		"multiboot,device-tree", "xen,multiboot-module",
		"xen,linux-zimage", "xen,linux-initrd",
	};

	for (int n = dt_first_child(fdt, parent); n >= 0; n = dt_next_sibling(fdt, n))
		for (size_t i = 0; i < ARRAY_SIZE(compat); i++)
			if (dt_is_compatible(fdt, n, compat[i])) {
				if (module_range(fdt, parent, n, &r) == REG_OK)
					fn(arg, r.start, r.size, true);
				break;
			}
}

/* static_ranges_of's calls, told apart from the modules'. */
struct range_fn {
	void (*fn)(void *arg, uint64_t start, uint64_t size, bool module);
	void *arg;
};

static void static_range(void *arg, uint64_t start, uint64_t size)
{
	const struct range_fn *f = arg;

	f->fn(f->arg, start, size, false);
}

void config_for_each_reserved_range(const void *fdt,
				    void (*fn)(void *arg, uint64_t start, uint64_t size,
					       bool module),
				    void *arg)
{
	int chosen = dt_path(fdt, "/chosen");
	struct range_fn f = { fn, arg };

	if (chosen < 0)
		return;
	modules_of(fdt, chosen, fn, arg);
	for (int n = dt_first_child(fdt, chosen); n >= 0; n = dt_next_sibling(fdt, n))
		if (dt_is_compatible(fdt, n, "xen,domain")) {
			modules_of(fdt, n, fn, arg);
			static_ranges_of(fdt, chosen, n, static_range, &f);
		}
}

int config_count_domains(const void *fdt)
{
	int chosen = dt_path(fdt, "/chosen");
	int n = 0;

	if (chosen < 0)
		return 0;
	for (int node = dt_first_child(fdt, chosen); node >= 0;
	     node = dt_next_sibling(fdt, node))
		n += dt_is_compatible(fdt, node, "xen,domain");
	return n + has_dom0_kernel(fdt, chosen);
}

int config_parse(const void *fdt, const struct host_info *h,
		 struct system_config *cfg, char *err, size_t errlen)
{
	int chosen = dt_path(fdt, "/chosen");
	struct dctx c = { .fdt = fdt, .h = h, .cfg = cfg, .chosen = chosen };
	struct domain_config *dom = cfg->dom;
	int cap = cfg->dom_cap;

	memset(cfg, 0, sizeof(*cfg));
	cfg->dom = dom;
	cfg->dom_cap = cap;
	if (chosen < 0)
		return cfg_fail(err, errlen, "/chosen", "node", "%s",
				chosen == DT_ERR_NOTFOUND ? "missing"
							  : dt_strerror(chosen));
	/* Pools first: domains name them. */
	if (cpupool_parse(fdt, h, chosen, cfg, &c.boot_bad, err, errlen) < 0)
		return -1;
	cfg->nr_static_heap = static_parse_heap(fdt, chosen, h, cfg->static_heap,
						 MAX_MEM_BANKS, err, errlen);
	if (cfg->nr_static_heap < 0) {
		cfg->nr_static_heap = 0;
		return -1;
	}
	c.has_dom0 = has_dom0_kernel(fdt, chosen);
	if (c.has_dom0 && cap > 0) {
		c.d = &cfg->dom[cfg->nr_domains++];
		memset(c.d, 0, sizeof(*c.d));
		c.d->ok = dom0_parse(&c) == 0;
		if (c.d->ok)
			c.d->err[0] = '\0';
	}
	for (int n = dt_first_child(fdt, chosen); n >= 0;
	     n = dt_next_sibling(fdt, n)) {
		if (!dt_is_compatible(fdt, n, "xen,domain"))
			continue;
		if (cfg->nr_domains == cap ||
		    cfg->nr_domains - c.has_dom0 == (int)MAX_DOMAINS) {
			char path[128];
			int had = cfg->nr_domains - c.has_dom0;

			/* The configuration as a whole is refused: nothing
			 * parsed so far may be built, unvalidated. */
			cfg->nr_domains = 0;
			return cfg_fail(err, errlen,
					cfg_path(fdt, n, path, sizeof(path)),
					"compatible", "more than %d domains (%s)", had,
					had == (int)MAX_DOMAINS
						? "Xen's domid space ends at 0x7fef"
						: "no room to hold more");
		}
		c.d = &cfg->dom[cfg->nr_domains++];
		memset(c.d, 0, sizeof(*c.d));
		c.d->node = n;
		c.d->domid = (uint32_t)(cfg->nr_domains - c.has_dom0); /* 0 is dom0's */
		parse_domain(&c);
	}
	resolve_device_models(cfg);
	return cfg->nr_domains;
}
