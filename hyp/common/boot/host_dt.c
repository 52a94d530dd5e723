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

/*
 * The tree is read in one walk (dt_for_each_node, as Xen's bootfdt.c
 * reads it with device_tree_for_each_node): the walk adds the RAM banks
 * and notes the nodes the later steps need, which then go straight to
 * them. FDT has no sibling links, so each dt_path or dt_find_compatible
 * would walk everything before its answer, and a walk costs thousands of
 * instructions.
 */

/* Top-level nodes read later, each the first root child that
 * dt_path("/<name>") would find. */
enum { TOP_RESERVED, TOP_CPUS, TOP_CHOSEN, TOP_ALIASES, TOP_PSCI, NR_TOP };
static const char *const top_name[NR_TOP] = {
	"reserved-memory", "cpus", "chosen", "aliases", "psci",
};

/* Devices found by compatible: for each string the first enabled node in
 * document order (as Xen's drivers take them), and its parent. */
enum {
	DEV_PL011, DEV_GICV3, DEV_TIMER_V8, DEV_TIMER_V7,
	DEV_PSCI_1_0, DEV_PSCI_0_2, DEV_PSCI, NR_DEV
};
static const char *const dev_compat[NR_DEV] = {
	"arm,pl011", "arm,gic-v3", "arm,armv8-timer", "arm,armv7-timer",
	"arm,psci-1.0", "arm,psci-0.2", "arm,psci",
};

/* Properties the walk reads for every node. */
enum { P_COMPATIBLE, P_DEVICE_TYPE, NR_PROPS };
static const char *const walk_props[NR_PROPS] = {
	"compatible", "device_type",
};

/* Parsing context: the blob, where to report the first error, and the
 * nodes the walk found (DT_ERR_NOTFOUND where there is none). */
struct hctx {
	const void *fdt;
	struct host_info *h;
	char *err;
	size_t errlen;
	char path[128]; /* scratch for node paths in messages */
	int root;           /* offset of the root node */
	bool root_closed;   /* the walk left the root (a malformed tree) */
	int top[NR_TOP];
	int dev[NR_DEV], dev_parent[NR_DEV];
	uint32_t dev_found; /* bit i: dev[i] is set */
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

/* A property the walk read, as a string: NULL unless NUL-terminated
 * within its length (dt_prop_str's rule). */
static const char *walk_str(const struct dt_node_info *n, int prop)
{
	const char *p = n->val[prop];
	int len = n->len[prop];

	return p && len > 0 && strnlen(p, (size_t)len) < (size_t)len ? p : NULL;
}

/* Xen takes a top-level node as RAM if its name is "memory[@...]"; the DT
 * spec says device_type = "memory". Either is accepted. */
static bool is_memory_node(const struct dt_node_info *n)
{
	const char *type = walk_str(n, P_DEVICE_TYPE);

	if (type && strcmp(type, "memory") == 0)
		return true;
	return strncmp(n->name, "memory", 6) == 0 &&
	       (n->name[6] == '\0' || n->name[6] == '@');
}

/* A child of the root: noted if it is the first of a top-level name;
 * RAM banks if it is an enabled memory node, in document order as Xen
 * adds them. Nonzero (an error was reported) stops the walk. */
static int visit_top(struct hctx *c, const struct dt_node_info *n)
{
	for (int i = 0; i < NR_TOP; i++) {
		if (c->top[i] < 0 && dt_name_matches(n->name, top_name[i]))
			c->top[i] = n->node;
	}
	if (!is_memory_node(n) || !cfg_node_enabled(c->fdt, n->node))
		return 0;
	return add_reg_banks(c, c->root, n->node, c->h->mem, &c->h->nr_mem)
	       ? 1 : 0;
}

/* Any node: the answer for each device string it is the first enabled
 * match of. */
static void visit_device(struct hctx *c, const struct dt_node_info *n)
{
	uint32_t m = dt_list_match(n->val[P_COMPATIBLE], n->len[P_COMPATIBLE],
				   dev_compat, NR_DEV) & ~c->dev_found;

	if (!m || !cfg_node_enabled(c->fdt, n->node))
		return;
	c->dev_found |= m;
	for (int i = 0; i < NR_DEV; i++) {
		if (m & (1U << i)) {
			c->dev[i] = n->node;
			c->dev_parent[i] = n->parent;
		}
	}
}

static int visit(const void *fdt, const struct dt_node_info *n, void *arg)
{
	struct hctx *c = arg;

	(void)fdt; /* c->fdt */
	visit_device(c, n);
	/* Only a tree dt_check rejects has nodes after the root's end (at
	 * depth <= 0); dt_path never reaches them, nor their children. */
	if (n->depth <= 0 && n->node != c->root)
		c->root_closed = true;
	return n->depth == 1 && !c->root_closed ? visit_top(c, n) : 0;
}

/* The walk, then the verdict on RAM. A fault in the walk (a malformed
 * tree; dt_check rejects those) leaves what lies beyond it unfound, as
 * it did for each dt_path and dt_find_compatible. */
static int scan_tree(struct hctx *c, int root)
{
	c->root = root;
	for (int i = 0; i < NR_TOP; i++)
		c->top[i] = DT_ERR_NOTFOUND;
	for (int i = 0; i < NR_DEV; i++)
		c->dev[i] = c->dev_parent[i] = DT_ERR_NOTFOUND;
	if (dt_for_each_node(c->fdt, walk_props, NR_PROPS, visit, c) > 0)
		return -1; /* a memory node's error, already reported */
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
	int rm = c->top[TOP_RESERVED];
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

/* The node's phandle: "phandle", or the older "linux,phandle" (dtc -H
 * legacy), as dt_find_phandle looks them up; 0 if it has none. */
static uint32_t node_phandle(const void *fdt, int node)
{
	uint32_t ph;

	if (dt_prop_u32(fdt, node, "phandle", &ph) ||
	    dt_prop_u32(fdt, node, "linux,phandle", &ph))
		return ph;
	return 0;
}

/* Records one enabled cpu node, with its offset and phandle for the CPU
 * pools that name it; CPUs beyond MAX_CPUS are left offline, as Xen
 * leaves CPUs beyond NR_CPUS. */
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
	if (h->nr_cpus < MAX_CPUS) {
		h->cpu_node[h->nr_cpus] = node;
		h->cpu_phandle[h->nr_cpus] = node_phandle(c->fdt, node);
		h->cpu_mpidr[h->nr_cpus++] = mpidr;
	}
	return 0;
}

static int parse_cpus(struct hctx *c)
{
	int cpus = c->top[TOP_CPUS];

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
static int stdout_node(const struct hctx *c)
{
	const void *fdt = c->fdt;
	int chosen = c->top[TOP_CHOSEN];
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
	int aliases = c->top[TOP_ALIASES];
	const char *target = aliases >= 0 ? dt_prop_str(fdt, aliases, path)
					  : NULL;
	return target ? dt_path(fdt, target) : DT_ERR_NOTFOUND;
}

static int parse_uart(struct hctx *c)
{
	struct host_info *h = c->h;
	int node = stdout_node(c), parent;

	/* The console named by stdout-path, if it is a PL011 we can drive;
	 * otherwise the first enabled PL011. */
	if (node < 0 || !dt_is_compatible(c->fdt, node, "arm,pl011") ||
	    !cfg_node_enabled(c->fdt, node))
		node = c->dev[DEV_PL011];
	if (node < 0)
		return HFAIL(c, dt_root(c->fdt), "compatible", "no enabled \"arm,pl011\" UART for the console");
	/* Usually the stdout-path node is that first PL011, whose parent the
	 * walk already found. */
	parent = node == c->dev[DEV_PL011] ? c->dev_parent[DEV_PL011]
					   : dt_parent(c->fdt, node);
	if (!dt_reg(c->fdt, parent, node, 0, &h->uart_base, &h->uart_size))
		return HFAIL(c, node, "reg", "missing or malformed");
	if (!gic_intid(c->fdt, node, 0, &h->uart_irq))
		return HFAIL(c, node, "interrupts", "missing or not a GIC <type number flags> triplet");
	return 0;
}

static int parse_gic(struct hctx *c)
{
	struct host_info *h = c->h;
	int node = c->dev[DEV_GICV3];

	if (node < 0)
		return HFAIL(c, dt_root(c->fdt), "compatible", "no enabled \"arm,gic-v3\" interrupt controller");
	int parent = c->dev_parent[DEV_GICV3];
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
	int node = c->dev[DEV_TIMER_V8];

	if (node < 0)
		node = c->dev[DEV_TIMER_V7];
	if (node < 0)
		return HFAIL(c, dt_root(c->fdt), "compatible", "no enabled \"arm,armv8-timer\" timer");
	if (!gic_intid(c->fdt, node, 0, &h->timer_irq_phys_s) ||
	    !gic_intid(c->fdt, node, 1, &h->timer_irq_phys_ns))
		return HFAIL(c, node, "interrupts", "missing the physical timers (1st and 2nd entries)");
	if (!gic_intid(c->fdt, node, 2, &h->timer_irq_virt))
		return HFAIL(c, node, "interrupts", "missing the virtual timer (3rd entry)");
	if (!gic_intid(c->fdt, node, 3, &h->timer_irq_hyp))
		return HFAIL(c, node, "interrupts", "missing the hypervisor timer (4th entry)");
	dt_prop_u32(c->fdt, node, "clock-frequency", &h->timer_freq);
	return 0;
}

static int parse_psci(struct hctx *c)
{
	int node = c->dev[DEV_PSCI_1_0];

	if (node < 0)
		node = c->dev[DEV_PSCI_0_2];
	if (node < 0)
		node = c->dev[DEV_PSCI];
	if (node < 0)
		node = c->top[TOP_PSCI];
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
	int chosen = c->top[TOP_CHOSEN];

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
	if (scan_tree(&c, rc) || parse_reserved(&c) || parse_cpus(&c) ||
	    parse_uart(&c) || parse_gic(&c) || parse_timer(&c) ||
	    parse_psci(&c))
		return -1;
	parse_chosen(&c);
	return 0;
}
