// SPDX-License-Identifier: MIT
/*
 * host_parse: what the host device tree says about the machine.
 *
 * Reads the nodes Xen 4.17 reads at boot on Arm (xen/arch/arm/bootfdt.c
 * and the GIC, timer, PSCI and UART drivers): RAM, reserved regions, the
 * CPUs, the GICv3, the generic timer, PSCI, the PL011 console and the Xen
 * command line. Anything the hypervisor cannot run without is an error
 * naming the node and property; optional things are left 0.
 */
#include "cfg_msg.h"

/* Parsing context: the blob plus where to report the first error. */
struct hctx {
	const void *fdt;
	struct host_info *h;
	char *err;
	size_t errlen;
	char path[128]; /* scratch for node paths in messages */
};

#define HFAIL(c, node, prop, ...)                                         \
	cfg_fail((c)->err, (c)->errlen,                                   \
		 cfg_path((c)->fdt, (node), (c)->path, sizeof((c)->path)), \
		 (prop), __VA_ARGS__)

/* Appends one region to a bank array; error if the array is full. */
static int add_bank(struct hctx *c, int node, const char *prop,
		    struct mem_bank *banks, int *nr, uint64_t base,
		    uint64_t size)
{
	if (!size)
		return 0; /* nothing to record, as Xen skips empty banks */
	if (*nr >= MAX_MEM_BANKS)
		return HFAIL(c, node, prop, "more than %d regions", MAX_MEM_BANKS);
	if (base + size < base)
		return HFAIL(c, node, prop, "region at 0x%llx wraps around",
			     (unsigned long long)base);
	banks[*nr].base = base;
	banks[*nr].size = size;
	++*nr;
	return 0;
}

/* Every (address, size) pair of `node`'s reg, decoded with `parent`'s cells. */
static int add_reg_banks(struct hctx *c, int parent, int node,
			 struct mem_bank *banks, int *nr)
{
	uint64_t base, size;

	if (!dt_has_prop(c->fdt, node, "reg"))
		return 0;
	if (!dt_reg(c->fdt, parent, node, 0, &base, &size))
		return HFAIL(c, node, "reg", "cannot be decoded with #address-cells %u, #size-cells %u",
			     dt_addr_cells(c->fdt, parent), dt_size_cells(c->fdt, parent));
	for (int i = 0; dt_reg(c->fdt, parent, node, i, &base, &size); i++) {
		if (add_bank(c, node, "reg", banks, nr, base, size))
			return -1;
	}
	return 0;
}

/* Xen takes a top-level node as RAM if its name is "memory[@...]"; the DT
 * spec says device_type = "memory". Either is accepted. */
static bool is_memory_node(const void *fdt, int node)
{
	const char *name = dt_name(fdt, node);
	const char *type = dt_prop_str(fdt, node, "device_type");

	if (type && strcmp(type, "memory") == 0)
		return true;
	return name && strncmp(name, "memory", 6) == 0 &&
	       (name[6] == '\0' || name[6] == '@');
}

static int parse_memory(struct hctx *c)
{
	int root = dt_root(c->fdt);

	for (int n = dt_first_child(c->fdt, root); n >= 0;
	     n = dt_next_sibling(c->fdt, n)) {
		if (!is_memory_node(c->fdt, n) || !cfg_node_enabled(c->fdt, n))
			continue;
		if (add_reg_banks(c, root, n, c->h->mem, &c->h->nr_mem))
			return -1;
	}
	if (c->h->nr_mem == 0)
		return HFAIL(c, root, "memory", "no RAM described (no memory node with a non-empty reg)");
	return 0;
}

/* /memreserve/ entries, then every /reserved-memory child with a reg. */
static int parse_reserved(struct hctx *c)
{
	struct host_info *h = c->h;
	int n = dt_mem_rsv_count(c->fdt);
	uint64_t base, size;

	for (int i = 0; i < n && dt_mem_rsv(c->fdt, i, &base, &size); i++) {
		if (add_bank(c, dt_root(c->fdt), "/memreserve/", h->reserved,
			     &h->nr_reserved, base, size))
			return -1;
	}
	int rm = dt_path(c->fdt, "/reserved-memory");
	if (rm < 0)
		return 0;
	for (int ch = dt_first_child(c->fdt, rm); ch >= 0;
	     ch = dt_next_sibling(c->fdt, ch)) {
		/* A disabled node reserves nothing; one without reg asks for
		 * a dynamic allocation, which has no fixed place to avoid. */
		if (!cfg_node_enabled(c->fdt, ch))
			continue;
		if (add_reg_banks(c, rm, ch, h->reserved, &h->nr_reserved))
			return -1;
	}
	return 0;
}

static bool is_cpu_node(const void *fdt, int node)
{
	const char *type = dt_prop_str(fdt, node, "device_type");

	return type && strcmp(type, "cpu") == 0;
}

/* Records one enabled cpu node; CPUs beyond MAX_CPUS are left offline,
 * as Xen leaves CPUs beyond NR_CPUS. */
static int add_cpu(struct hctx *c, int cpus, int node)
{
	struct host_info *h = c->h;
	uint64_t mpidr, unused;

	if (!dt_reg(c->fdt, cpus, node, 0, &mpidr, &unused))
		return HFAIL(c, node, "reg", "missing or not decodable as an MPIDR");
	if (h->nr_cpus == 0) {
		int len;

		h->cpu_compatible = dt_prop(c->fdt, node, "compatible", &len);
		h->cpu_compatible_len = h->cpu_compatible ? len : 0;
		if (!h->cpu_compatible || len <= 0)
			return HFAIL(c, node, "compatible", "missing (copied into guest cpu nodes)");
		dt_prop_u32(c->fdt, node, "clock-frequency", &h->cpu_clock_freq);
	}
	if (h->nr_cpus < MAX_CPUS)
		h->cpu_mpidr[h->nr_cpus++] = mpidr;
	return 0;
}

static int parse_cpus(struct hctx *c)
{
	int cpus = dt_path(c->fdt, "/cpus");

	if (cpus < 0)
		return cfg_fail(c->err, c->errlen, "/cpus", "node", "missing");
	for (int n = dt_first_child(c->fdt, cpus); n >= 0;
	     n = dt_next_sibling(c->fdt, n)) {
		if (!is_cpu_node(c->fdt, n) || !cfg_node_enabled(c->fdt, n))
			continue;
		if (add_cpu(c, cpus, n))
			return -1;
	}
	if (c->h->nr_cpus == 0)
		return HFAIL(c, cpus, "device_type", "no enabled node with device_type \"cpu\"");
	return 0;
}

/* First enabled node compatible with `compat`, or DT_ERR_NOTFOUND. */
static int find_enabled(const void *fdt, const char *compat)
{
	int n = -1;

	while ((n = dt_find_compatible(fdt, n, compat)) >= 0) {
		if (cfg_node_enabled(fdt, n))
			return n;
	}
	return n;
}

/*
 * The idx-th interrupt of `node` as a GIC INTID, assuming the GIC's three
 * cells <type number flags>: type 0 = SPI (32 + n), 1 = PPI (16 + n).
 */
static bool gic_intid(const void *fdt, int node, int idx, uint32_t *intid)
{
	int len;
	const uint8_t *p = dt_prop(fdt, node, "interrupts", &len);

	if (!p || idx < 0 || (idx + 1) * 12 > len)
		return false;
	uint32_t type = dt_be32(p + 12 * idx);
	uint32_t num = dt_be32(p + 12 * idx + 4);
	if (type > 1 || num > (type ? 15U : 987U))
		return false;
	*intid = num + (type ? 16 : 32);
	return true;
}

/* Resolves /chosen stdout-path ("/pl011@9000000:115200" or "serial0")
 * to a node; DT_ERR_NOTFOUND if absent or unresolvable. */
static int stdout_node(const void *fdt)
{
	int chosen = dt_path(fdt, "/chosen");
	const char *sp = chosen >= 0 ? dt_prop_str(fdt, chosen, "stdout-path")
				     : NULL;
	char path[128];
	size_t n = 0;

	if (!sp)
		return DT_ERR_NOTFOUND;
	while (sp[n] && sp[n] != ':' && n + 1 < sizeof(path)) {
		path[n] = sp[n];
		n++;
	}
	path[n] = '\0';
	if (path[0] == '/')
		return dt_path(fdt, path);
	int aliases = dt_path(fdt, "/aliases");
	const char *target = aliases >= 0 ? dt_prop_str(fdt, aliases, path)
					  : NULL;
	return target ? dt_path(fdt, target) : DT_ERR_NOTFOUND;
}

static int parse_uart(struct hctx *c)
{
	struct host_info *h = c->h;
	int node = stdout_node(c->fdt);

	/* The console named by stdout-path, if it is a PL011 we can drive;
	 * otherwise the first enabled PL011. */
	if (node < 0 || !dt_is_compatible(c->fdt, node, "arm,pl011") ||
	    !cfg_node_enabled(c->fdt, node))
		node = find_enabled(c->fdt, "arm,pl011");
	if (node < 0)
		return HFAIL(c, dt_root(c->fdt), "compatible", "no enabled \"arm,pl011\" UART for the console");
	if (!dt_reg(c->fdt, dt_parent(c->fdt, node), node, 0, &h->uart_base,
		    &h->uart_size))
		return HFAIL(c, node, "reg", "missing or malformed");
	if (!gic_intid(c->fdt, node, 0, &h->uart_irq))
		return HFAIL(c, node, "interrupts", "missing or not a GIC <type number flags> triplet");
	return 0;
}

static int parse_gic(struct hctx *c)
{
	struct host_info *h = c->h;
	int node = find_enabled(c->fdt, "arm,gic-v3");

	if (node < 0)
		return HFAIL(c, dt_root(c->fdt), "compatible", "no enabled \"arm,gic-v3\" interrupt controller");
	int parent = dt_parent(c->fdt, node);
	if (!dt_reg(c->fdt, parent, node, 0, &h->gicd_base, &h->gicd_size))
		return HFAIL(c, node, "reg", "missing the distributor (entry 0)");
	if (!dt_reg(c->fdt, parent, node, 1, &h->gicr_base, &h->gicr_size))
		return HFAIL(c, node, "reg", "missing the redistributors (entry 1)");
	if (!gic_intid(c->fdt, node, 0, &h->gic_maint_irq) ||
	    h->gic_maint_irq >= 32)
		return HFAIL(c, node, "interrupts", "missing the maintenance interrupt (a PPI)");
	return 0;
}

/* Timer interrupts in binding order: secure phys, non-secure phys,
 * virtual, hypervisor phys. */
static int parse_timer(struct hctx *c)
{
	struct host_info *h = c->h;
	int node = find_enabled(c->fdt, "arm,armv8-timer");

	if (node < 0)
		node = find_enabled(c->fdt, "arm,armv7-timer");
	if (node < 0)
		return HFAIL(c, dt_root(c->fdt), "compatible", "no enabled \"arm,armv8-timer\" timer");
	if (!gic_intid(c->fdt, node, 2, &h->timer_irq_virt))
		return HFAIL(c, node, "interrupts", "missing the virtual timer (3rd entry)");
	if (!gic_intid(c->fdt, node, 3, &h->timer_irq_hyp))
		return HFAIL(c, node, "interrupts", "missing the hypervisor timer (4th entry)");
	dt_prop_u32(c->fdt, node, "clock-frequency", &h->timer_freq);
	return 0;
}

static int parse_psci(struct hctx *c)
{
	int node = find_enabled(c->fdt, "arm,psci-1.0");

	if (node < 0)
		node = find_enabled(c->fdt, "arm,psci-0.2");
	if (node < 0)
		node = find_enabled(c->fdt, "arm,psci");
	if (node < 0)
		node = dt_path(c->fdt, "/psci");
	if (node < 0) {
		/* Without PSCI nothing can start secondary CPUs. */
		if (c->h->nr_cpus > 1)
			return cfg_fail(c->err, c->errlen, "/psci", "node",
					"missing, needed to start %d CPUs",
					c->h->nr_cpus);
		c->h->psci_smc = true;
		return 0;
	}
	const char *m = dt_prop_str(c->fdt, node, "method");
	if (!m)
		return HFAIL(c, node, "method", "missing");
	if (strcmp(m, "smc") && strcmp(m, "hvc"))
		return HFAIL(c, node, "method", "\"%s\" is neither \"smc\" nor \"hvc\"", m);
	c->h->psci_smc = strcmp(m, "smc") == 0;
	return 0;
}

static void parse_chosen(struct hctx *c)
{
	int chosen = dt_path(c->fdt, "/chosen");

	if (chosen >= 0)
		c->h->xen_bootargs = dt_prop_str(c->fdt, chosen, "xen,xen-bootargs");
}

int host_parse(const void *fdt, struct host_info *h, char *err, size_t errlen)
{
	struct hctx c = { .fdt = fdt, .h = h, .err = err, .errlen = errlen };
	int rc = dt_root(fdt);

	memset(h, 0, sizeof(*h));
	if (rc < 0)
		return cfg_fail(err, errlen, "/", "device tree", "%s", dt_strerror(rc));
	if (parse_memory(&c) || parse_reserved(&c) || parse_cpus(&c) ||
	    parse_uart(&c) || parse_gic(&c) || parse_timer(&c) ||
	    parse_psci(&c))
		return -1;
	parse_chosen(&c);
	return 0;
}
