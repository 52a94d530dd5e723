// SPDX-License-Identifier: MIT
/*
 * dom0's device tree and devices, as Xen 4.17 makes them (handle_node()
 * and its helpers in xen/arch/arm/domain_build.c): the host's tree, node
 * by node and property by property, less what the hypervisor keeps for
 * itself, with its own GIC, timer, /cpus, /psci, /memory and /hypervisor
 * nodes. Every node dom0 gets is also a device it owns: its "reg" ranges
 * are mapped 1:1 and its SPIs routed to it.
 *
 * One walk decides both (dom0_walk), so that dom0 never sees a node
 * whose device it was not given, nor gets a device it cannot see.
 */
#include "cfg_msg.h"
#include "guest_dt_parts.h"

#define MAX_DEPTH 16
#define SZ_2M (2ULL << 20)
#define EXT_REGION_MIN (64ULL << 20)  /* Xen's add_ext_regions() */
#define MAX_EXT_REGIONS 16

/* Nodes Xen drops with their subtree (skip_matches). */
static const char *const skip_compat[] = {
	"xen,xen", "xen,multiboot-module", "multiboot,module", "arm,psci",
	"arm,psci-0.2", "arm,psci-1.0", "arm,cortex-a7-pmu", "arm,cortex-a15-pmu",
	"arm,cortex-a53-edac", "arm,armv8-pmuv3", "arm,armv7-timer-mem",
};
static const char *const timer_compat[] = { "arm,armv8-timer", "arm,armv7-timer" };
static const char *const gic_compat[] = {
	"arm,gic-v3", "arm,gic-400", "arm,cortex-a15-gic", "arm,gic-v2",
};

struct walk {
	const void *fdt;
	const struct host_info *h;
	const struct domain_config *d;
	const struct guest_layout *l;
	struct dt_writer *w;                 /* building the tree, or */
	const struct dom0_device_ops *ops;   /* giving dom0 its devices */
	void *arg;
	int root, chosen, gic;
	uint32_t gic_phandle;
	uint32_t gic_cells;                  /* the GIC's #address-cells (interrupt-map) */
	int err;
};

/* ---- interrupts ------------------------------------------------------------- */

/* The trigger in a GIC specifier's flags: 1 and 2 are edges, 4 and 8
 * levels (an absent trigger is taken as level, the safe side). */
static bool level_flags(uint32_t flags)
{
	return (flags & 0x3) == 0;
}

/* The interrupt parent of node (its own "interrupt-parent" or the nearest
 * ancestor's), as a phandle; 0 if none. parents[] is the path from the
 * root down to node's parent. */
static uint32_t irq_parent(const struct walk *c, int node, const int *parents, int depth)
{
	uint32_t ph;

	if (dt_prop_u32(c->fdt, node, "interrupt-parent", &ph))
		return ph;
	for (int i = depth - 1; i >= 0; i--)
		if (dt_prop_u32(c->fdt, parents[i], "interrupt-parent", &ph))
			return ph;
	return 0;
}

/* Calls fn for each GIC interrupt of node (its INTID and whether it is
 * level-triggered); interrupts of other controllers are not the host
 * GIC's and are left alone, as Xen does. Stops at the first nonzero. */
static int for_each_irq(const struct walk *c, int node, const int *parents, int depth,
			int (*fn)(const struct walk *c, uint32_t intid, bool level))
{
	int len, rc = 0;
	const uint8_t *p = dt_prop(c->fdt, node, "interrupts", &len);

	if (p && irq_parent(c, node, parents, depth) == c->gic_phandle) {
		for (int i = 0; (i + 1) * 12 <= len && !rc; i++) {
			uint32_t type = dt_be32(p + 12 * i), num = dt_be32(p + 12 * i + 4);
			uint32_t flags = dt_be32(p + 12 * i + 8);

			if (type > 1)
				continue;
			rc = fn(c, num + (type ? 16 : 32), level_flags(flags));
		}
	}
	p = dt_prop(c->fdt, node, "interrupts-extended", &len);
	for (int off = 0; p && off + 16 <= len && !rc; off += 16) {
		uint32_t ph = dt_be32(p + off), type = dt_be32(p + off + 4);

		if (ph != c->gic_phandle)
			break;   /* another controller: its cell count is unknown here */
		if (type <= 1)
			rc = fn(c, dt_be32(p + off + 8) + (type ? 16 : 32),
				level_flags(dt_be32(p + off + 12)));
	}
	return rc;
}

static int is_ppi(const struct walk *c, uint32_t intid, bool level)
{
	(void)c;
	(void)level;
	return intid >= 16 && intid < 32;
}

static int route_spi(const struct walk *c, uint32_t intid, bool level)
{
	if (intid < 32 || !c->ops)
		return 0;
	return c->ops->irq(c->arg, intid, level);
}

/* A PCI host bridge's legacy interrupts, from its interrupt-map: child
 * unit address (3 cells) and pin (1), the parent's phandle, unit address
 * (the GIC's #address-cells) and interrupt (3). */
static int route_pci_irqs(const struct walk *c, int node)
{
	int len;
	const uint8_t *p = dt_prop(c->fdt, node, "interrupt-map", &len);
	uint32_t entry = 4 * (3 + 1 + 1 + c->gic_cells + 3);

	for (int off = 0; p && off + (int)entry <= len; off += (int)entry) {
		const uint8_t *e = p + off + 16;
		uint32_t type, num;

		if (dt_be32(e) != c->gic_phandle)
			return 0;
		e += 4 + 4 * c->gic_cells;
		type = dt_be32(e);
		num = dt_be32(e + 4);
		if (type == 0 && route_spi(c, num + 32, level_flags(dt_be32(e + 8))))
			return -1;
	}
	return 0;
}

/* ---- addresses -------------------------------------------------------------- */

/* Translates a bus address of node's parent up to a CPU physical address
 * through the ancestors' "ranges"; false if some ancestor has none (the
 * device is not memory-mapped) or uses more than 2 cells. */
static bool translate(const struct walk *c, const int *parents, int depth, uint64_t *addr)
{
	for (int i = depth - 1; i > 0; i--) {
		int bus = parents[i], len;
		const uint8_t *r = dt_prop(c->fdt, bus, "ranges", &len);
		uint32_t cac = dt_addr_cells(c->fdt, bus), csc = dt_size_cells(c->fdt, bus);
		uint32_t pac = dt_addr_cells(c->fdt, parents[i - 1]);
		uint32_t entry = 4 * (cac + pac + csc);
		bool found = false;

		if (!r)
			return false;
		if (!len)
			continue;
		if (cac > 2 || pac > 2 || csc > 2 || !cac || !pac)
			return false;
		for (int off = 0; off + (int)entry <= len && !found; off += (int)entry) {
			uint64_t child = dt_read_cells(r + off, (int)cac);
			uint64_t parent = dt_read_cells(r + off + 4 * cac, (int)pac);
			uint64_t size = dt_read_cells(r + off + 4 * (cac + pac), (int)csc);

			if (*addr >= child && *addr - child < size) {
				*addr = *addr - child + parent;
				found = true;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

static int map_regs(const struct walk *c, int node, const int *parents, int depth)
{
	uint64_t addr, size;

	if (!c->ops || depth < 1)
		return 0;
	for (int i = 0; dt_reg(c->fdt, parents[depth - 1], node, i, &addr, &size); i++) {
		if (!size || !translate(c, parents, depth, &addr))
			continue;
		if (c->ops->map(c->arg, addr, size))
			return -1;
	}
	return 0;
}

/* A bus whose children are found by probing (PCI): what its "ranges"
 * open onto, 3-cell PCI addresses to CPU addresses (Xen's
 * map_device_children). */
static int map_pci_windows(const struct walk *c, int node, const int *parents, int depth)
{
	int len;
	const uint8_t *r = dt_prop(c->fdt, node, "ranges", &len);
	uint32_t pac = dt_addr_cells(c->fdt, parents[depth - 1]);
	uint32_t csc = dt_size_cells(c->fdt, node);
	uint32_t entry = 4 * (3 + pac + csc);

	if (!c->ops || !r || pac > 2 || csc > 2)
		return 0;
	for (int off = 0; off + (int)entry <= len; off += (int)entry) {
		uint64_t addr = dt_read_cells(r + off + 12, (int)pac);
		uint64_t size = dt_read_cells(r + off + 12 + 4 * pac, (int)csc);

		if (size && c->ops->map(c->arg, addr, size))
			return -1;
	}
	return route_pci_irqs(c, node);
}

/* ---- which nodes dom0 gets -------------------------------------------------- */

static bool is_hyp_uart(const struct walk *c, int node, int parent)
{
	uint64_t base, size;

	return dt_is_compatible(c->fdt, node, "arm,pl011") &&
	       dt_reg(c->fdt, parent, node, 0, &base, &size) && base == c->h->uart_base;
}

enum fate { COPY, SKIP, MAKE_GIC, MAKE_TIMER };

static enum fate fate_of(const struct walk *c, int node, const int *parents, int depth)
{
	const char *type = dt_prop_str(c->fdt, node, "device_type");

	if (cfg_compatible_any(c->fdt, node, skip_compat, ARRAY_SIZE(skip_compat)) ||
	    (depth == 1 && !strcmp(dt_name(c->fdt, node), "cpus")) ||
	    (type && !strcmp(type, "memory")))
		return SKIP;
	if (node == c->gic)
		return MAKE_GIC;
	if (cfg_compatible_any(c->fdt, node, gic_compat, ARRAY_SIZE(gic_compat)))
		return SKIP;   /* a secondary GIC: Xen drives one */
	if (cfg_compatible_any(c->fdt, node, timer_compat, ARRAY_SIZE(timer_compat)))
		return MAKE_TIMER;
	if (depth >= 1 && is_hyp_uart(c, node, parents[depth - 1]))
		return SKIP;   /* the hypervisor's console */
	/* The vGIC cannot give a host PPI to a guest. */
	if (for_each_irq(c, node, parents, depth, is_ppi))
		return SKIP;
	/* Xen reuses these paths for its own nodes. */
	if (depth == 1 && (!strcmp(dt_name(c->fdt, node), "hypervisor") ||
			   !strcmp(dt_name(c->fdt, node), "psci")))
		return SKIP;
	return COPY;
}

/* ---- Xen's own nodes -------------------------------------------------------- */

/* (address, size) in the root's cells (1 or 2 each). */
static int put_range(const struct walk *c, uint32_t *cells, uint64_t base, uint64_t size)
{
	uint32_t ac = dt_addr_cells(c->fdt, c->root), sc = dt_size_cells(c->fdt, c->root);
	int n = 0;

	if (ac == 2)
		cells[n++] = (uint32_t)(base >> 32);
	cells[n++] = (uint32_t)base;
	if (sc == 2)
		cells[n++] = (uint32_t)(size >> 32);
	cells[n++] = (uint32_t)size;
	return n;
}

/* The GIC as the host has it (dom0's vGIC sits at the host's addresses):
 * the distributor and the one redistributor region the vGIC emulates. */
static void make_gic(struct walk *c)
{
	int len;
	const void *compat = dt_prop(c->fdt, c->gic, "compatible", &len);
	uint32_t reg[8], v;
	int n;

	dt_wr_begin_node(c->w, "interrupt-controller");
	if (c->gic_phandle)
		dt_wr_prop_u32(c->w, "phandle", c->gic_phandle);
	if (dt_prop_u32(c->fdt, c->gic, "#address-cells", &v))
		dt_wr_prop_u32(c->w, "#address-cells", v);
	if (dt_prop_u32(c->fdt, c->gic, "#size-cells", &v))
		dt_wr_prop_u32(c->w, "#size-cells", v);
	dt_wr_prop_u32(c->w, "#interrupt-cells", 3);
	dt_wr_prop_empty(c->w, "interrupt-controller");
	if (compat)
		dt_wr_prop(c->w, "compatible", compat, (size_t)len);
	dt_wr_prop_u32(c->w, "#redistributor-regions", 1);
	n = put_range(c, reg, c->l->gicd_base, c->h->gicd_size);
	n += put_range(c, reg + n, c->l->gicr_base, c->l->gicr_size);
	dt_wr_prop_cells(c->w, "reg", reg, n);
	dt_wr_end_node(c->w);
}

static void put_interrupts(struct walk *c, const uint32_t *cells, int n)
{
	dt_wr_prop_cells(c->w, "interrupts", cells, n);
	dt_wr_prop_u32(c->w, "interrupt-parent", c->gic_phandle);
}

/* dom0 sees the host's timer PPIs (its timers are the hardware's). */
static void make_timer(struct walk *c)
{
	uint32_t irqs[9];

	gic_irq(irqs, c->h->timer_irq_phys_s, IRQ_TYPE_LEVEL_LOW);
	gic_irq(irqs + 3, c->h->timer_irq_phys_ns, IRQ_TYPE_LEVEL_LOW);
	gic_irq(irqs + 6, c->h->timer_irq_virt, IRQ_TYPE_LEVEL_LOW);
	dt_wr_begin_node(c->w, "timer");
	dt_wr_prop_str(c->w, "compatible", "arm,armv8-timer");
	put_interrupts(c, irqs, 9);
	if (c->h->timer_freq)
		dt_wr_prop_u32(c->w, "clock-frequency", c->h->timer_freq);
	dt_wr_end_node(c->w);
}

/* Removes [base, base + size) from the sorted, disjoint ranges r[0..*n). */
static void carve(struct mem_bank *r, int *n, int max, uint64_t base, uint64_t size)
{
	for (int i = 0; i < *n; i++) {
		uint64_t s = r[i].base, e = r[i].base + r[i].size, cut_end = base + size;

		if (cut_end <= s || base >= e)
			continue;
		if (base > s && cut_end < e && *n < max) {
			memmove(&r[i + 2], &r[i + 1], (size_t)(*n - i - 1) * sizeof(*r));
			r[i + 1] = (struct mem_bank){ cut_end, e - cut_end };
			(*n)++;
			r[i].size = base - s;
			i++;
			continue;
		}
		if (base <= s) {
			r[i].base = MIN(cut_end, e);
			r[i].size = e - r[i].base;
		} else {
			r[i].size = base - s;
		}
	}
}

/*
 * Extended regions (Xen's find_unallocated_memory, without an IOMMU):
 * host RAM dom0 does not have, less reserved memory and the grant-table
 * region, 2 MiB aligned, each at least 64 MiB. dom0 maps foreign pages
 * and grants there instead of ballooning its own RAM out.
 */
static int ext_regions(const struct walk *c, struct mem_bank *out)
{
	struct mem_bank r[MAX_EXT_REGIONS * 2];
	int n = 0, k = 0;

	for (int i = 0; i < c->h->nr_mem && n < (int)ARRAY_SIZE(r); i++)
		r[n++] = c->h->mem[i];
	for (int i = 0; i < c->l->nr_ram; i++)
		carve(r, &n, (int)ARRAY_SIZE(r), c->l->ram[i].base, c->l->ram[i].size);
	for (int i = 0; i < c->h->nr_reserved; i++)
		carve(r, &n, (int)ARRAY_SIZE(r), c->h->reserved[i].base, c->h->reserved[i].size);
	carve(r, &n, (int)ARRAY_SIZE(r), c->l->gnttab_base, c->l->gnttab_size);
	for (int i = 0; i < n && k < MAX_EXT_REGIONS; i++) {
		uint64_t s = ALIGN_UP(r[i].base, SZ_2M), e = r[i].base + r[i].size;

		if (s >= e || ((e - s) & ~(SZ_2M - 1)) < EXT_REGION_MIN)
			continue;
		out[k++] = (struct mem_bank){ s, (e - s) & ~(SZ_2M - 1) };
	}
	return k;
}

static void make_hypervisor(struct walk *c)
{
	static const char compat[] = "xen,xen-4.17\0xen,xen";
	struct mem_bank ext[MAX_EXT_REGIONS];
	uint32_t reg[4 * (MAX_EXT_REGIONS + 1)], irq[3];
	int n = put_range(c, reg, c->l->gnttab_base, c->l->gnttab_size);
	int k = ext_regions(c, ext);

	for (int i = 0; i < k; i++)
		n += put_range(c, reg + n, ext[i].base, ext[i].size);
	gic_irq(irq, c->l->evtchn_intid, IRQ_TYPE_LEVEL_LOW);
	dt_wr_begin_node(c->w, "hypervisor");
	dt_wr_prop(c->w, "compatible", compat, sizeof(compat));
	dt_wr_prop_cells(c->w, "reg", reg, n);
	put_interrupts(c, irq, 3);
	dt_wr_end_node(c->w);
}

static void make_memory(struct walk *c)
{
	uint32_t reg[4 * MAX_STATIC_BANKS];
	int n = 0;

	begin_unit(c->w, "memory", c->l->ram[0].base);
	dt_wr_prop_str(c->w, "device_type", "memory");
	for (int i = 0; i < c->l->nr_ram; i++)
		n += put_range(c, reg + n, c->l->ram[i].base, c->l->ram[i].size);
	dt_wr_prop_cells(c->w, "reg", reg, n);
	dt_wr_end_node(c->w);
}

/* ---- copying ------------------------------------------------------------------ */

static bool chosen_drops(const char *name)
{
	static const char *const drop[] = {
		"xen,xen-bootargs", "xen,dom0-bootargs", "bootargs", "linux,initrd-start",
		"linux,initrd-end", "stdout-path", "linux,uefi-system-table",
		"linux,uefi-mmap-start", "linux,uefi-mmap-size", "linux,uefi-mmap-desc-size",
		"linux,uefi-mmap-desc-ver",
	};

	for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
		if (!strcmp(name, drop[i]))
			return true;
	return false;
}

/* The node's properties, as Xen's write_properties(): "xen,passthrough"
 * is dropped and turns the device's status to "disabled"; /chosen gets
 * dom0's command line and initrd instead of the hypervisor's. */
static void copy_props(struct walk *c, int node)
{
	const void *status = NULL;
	int status_len = 0;
	bool passthrough = false;

	for (int p = dt_first_prop(c->fdt, node); p >= 0; p = dt_next_prop(c->fdt, p)) {
		const char *name;
		int len;
		const void *v = dt_prop_at(c->fdt, p, &name, &len);

		if (!v || (node == c->chosen && chosen_drops(name)))
			continue;
		if (!strcmp(name, "xen,passthrough")) {
			passthrough = true;
			continue;
		}
		if (!strcmp(name, "status")) {
			status = v;
			status_len = len;
			continue;
		}
		dt_wr_prop(c->w, name, v, (size_t)len);
	}
	if (passthrough)
		dt_wr_prop_str(c->w, "status", "disabled");
	else if (status)
		dt_wr_prop(c->w, "status", status, (size_t)status_len);
	if (node == c->chosen) {
		const char *args = c->d->kernel.bootargs;

		if (args && args[0])
			dt_wr_prop_str(c->w, "bootargs", args);
		if (c->l->initrd_size) {
			dt_wr_prop_u64(c->w, "linux,initrd-start", c->l->initrd_ipa);
			dt_wr_prop_u64(c->w, "linux,initrd-end", c->l->initrd_ipa + c->l->initrd_size);
		}
	}
}

static int walk_node(struct walk *c, int node, int *parents, int depth);

static int walk_children(struct walk *c, int node, int *parents, int depth)
{
	if (depth >= MAX_DEPTH)
		return -1;
	parents[depth] = node;
	for (int n = dt_first_child(c->fdt, node); n >= 0; n = dt_next_sibling(c->fdt, n))
		if (walk_node(c, n, parents, depth + 1))
			return -1;
	return 0;
}

static int give_device(struct walk *c, int node, int *parents, int depth)
{
	const char *type = dt_prop_str(c->fdt, node, "device_type");

	if (dt_has_prop(c->fdt, node, "xen,passthrough"))
		return 0;   /* kept for a domU, only described to dom0 */
	if (map_regs(c, node, parents, depth) ||
	    for_each_irq(c, node, parents, depth, route_spi))
		return -1;
	if (type && !strcmp(type, "pci"))
		return map_pci_windows(c, node, parents, depth);
	return 0;
}

static int walk_node(struct walk *c, int node, int *parents, int depth)
{
	switch (fate_of(c, node, parents, depth)) {
	case SKIP:
		return 0;
	case MAKE_GIC:
		if (c->w)
			make_gic(c);
		return 0;
	case MAKE_TIMER:
		if (c->w)
			make_timer(c);
		return 0;
	case COPY:
		break;
	}
	if (give_device(c, node, parents, depth))
		return -1;
	if (c->w) {
		dt_wr_begin_node(c->w, dt_name(c->fdt, node));
		copy_props(c, node);
	}
	if (walk_children(c, node, parents, depth))
		return -1;
	if (c->w)
		dt_wr_end_node(c->w);
	return 0;
}

static int walk_init(struct walk *c)
{
	int n;

	c->root = dt_root(c->fdt);
	c->chosen = dt_path(c->fdt, "/chosen");
	c->gic = -1;
	for (n = dt_next_node(c->fdt, -1, NULL); n >= 0; n = dt_next_node(c->fdt, n, NULL))
		if (dt_is_compatible(c->fdt, n, "arm,gic-v3") && cfg_node_enabled(c->fdt, n))
			break;
	if (c->root < 0 || n < 0)
		return DT_ERR_NOTFOUND;
	c->gic = n;
	if (!dt_prop_u32(c->fdt, n, "phandle", &c->gic_phandle))
		dt_prop_u32(c->fdt, n, "linux,phandle", &c->gic_phandle);
	c->gic_cells = dt_addr_cells(c->fdt, n);
	if (c->gic_cells > 2)
		c->gic_cells = 0;
	return 0;
}

int dom0_devices(const void *host_fdt, const struct host_info *h,
		 const struct dom0_device_ops *ops, void *arg)
{
	struct walk c = { .fdt = host_fdt, .h = h, .ops = ops, .arg = arg };
	int parents[MAX_DEPTH];

	if (walk_init(&c))
		return -1;
	return walk_children(&c, c.root, parents, 0);
}

uint32_t dom0_evtchn_intid(const struct host_info *h)
{
	/* The first PPI the timers do not use (Xen's vgic_allocate_ppi after
	 * the hardware domain's timers reserved theirs). */
	for (uint32_t intid = 16; intid < 32; intid++)
		if (intid != h->timer_irq_phys_s && intid != h->timer_irq_phys_ns &&
		    intid != h->timer_irq_virt && intid != h->timer_irq_hyp &&
		    intid != h->gic_maint_irq)
			return intid;
	return 16 + GUEST_EVTCHN_PPI;
}

int dom0_dt_build(const struct domain_config *d, const struct host_info *h,
		  const struct guest_layout *l, const void *host_fdt, void *buf, size_t cap)
{
	struct dt_writer w;
	struct walk c = { .fdt = host_fdt, .h = h, .d = d, .l = l, .w = &w };
	int parents[MAX_DEPTH];

	if (walk_init(&c) || !h->cpu_compatible || l->nr_ram < 1)
		return DT_ERR_NOTFOUND;
	dt_wr_init(&w, buf, cap);
	dt_wr_begin_node(&w, "");
	copy_props(&c, c.root);
	if (walk_children(&c, c.root, parents, 0))
		return DT_ERR_DEPTH;
	make_hypervisor(&c);
	make_psci(&w);
	make_cpus(&w, d, h);
	make_memory(&c);
	dt_wr_end_node(&w);
	return dt_wr_finish(&w);
}
