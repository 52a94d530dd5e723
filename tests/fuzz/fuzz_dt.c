// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the device-tree reader (common/boot/fdt.c), the host,
 * CPU pool and dom0less parsers and the validator (host_dt.c, cpupool.c,
 * dom0less.c, validate.c), then, for every domain the validator accepts,
 * the guest layout and the guest device tree the hypervisor would write
 * (kernel.c, guest_dt.c, fdt_write.c). The sequence is tools/xenith-check.c's:
 * dt_check, host_parse, config_parse, config_validate.
 *
 * An input is either
 *   - a DTB blob (it starts with the FDT magic d0 0d fe ed), used as is, or
 *   - a small "tree program" that the FDT writer turns into a well-formed
 *     blob first, so the fuzzer reaches the parsers' logic with arbitrary
 *     node names, property names, lengths and values instead of spending
 *     its time on broken headers (see build_tree()).
 * Either way the blob sits in a heap block of exactly its size, at an
 * offset of 0..3 from an aligned address (the reader has aligned and
 * unaligned load paths), so ASan sees a single byte read too far.
 *
 * Checked beyond "no crash, no sanitizer report, no hang":
 *   - every node and property the iterators give can be read back, and
 *     dt_get_path/dt_path agree on the node;
 *   - the CPU pools: pool[i].id == i, Pool-0 is good, every host CPU is
 *     in exactly one good pool and a bad pool has none; a null pool
 *     holds no more accepted vCPUs than CPUs;
 *   - a domain the validator accepts has 1..MAX_DOM_VCPUS vCPUs and is
 *     in a good pool (an ARINC653 one: one CPU, one vCPU);
 *   - the guest device tree the writer produces passes dt_check and has
 *     a root and a /chosen.
 * A failed check aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenith/cmdline.h>
#include <xenith/config.h>
#include <xenith/fdt.h>
#include "../unit/cfg_storage.h"

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

/* Sinks results so the reads are not optimised away. */
static volatile uint64_t sink;

/* ---- tree programs --------------------------------------------------- */

/* Names the parsers look for: a program names them by index. */
static const char *const names[] = {
	"", "compatible", "reg", "#address-cells", "#size-cells", "chosen",
	"cpus", "cpu@0", "cpu@1", "memory@40000000", "memory", "device_type",
	"status", "okay", "disabled", "interrupts", "clock-frequency",
	"stdout-path", "aliases", "serial0", "psci", "method", "smc", "hvc",
	"arm,psci-1.0", "arm,psci-0.2", "arm,gic-v3", "arm,pl011",
	"arm,armv8-timer", "timer", "intc@8000000", "pl011@9000000",
	"reserved-memory", "xen,xen-bootargs", "xen,domain", "domU1", "domU2",
	"module@0", "multiboot,kernel", "multiboot,ramdisk",
	"multiboot,device-tree", "multiboot,module", "bootargs", "cpus",
	"vpl011", "nr_spis", "xen,domain-p2m-mem-mb", "xen,enhanced",
	"no-xenstore", "enabled", "direct-map", "xen,static-mem",
	"xen,multiboot-module", "xen,linux-zimage", "phandle",
	"interrupt-parent", "#interrupt-cells", "ranges", "enable-method",
	"psci", "/pl011@9000000", "serial0:115200n8", "/chosen/domU1",
	"xen,cpupool", "cpupool-cpus", "cpupool-sched", "domain-cpupool",
	"credit2", "null", "rtds", "arinc653", "credit", "pool0", "pool1",
	"linux,phandle", "xenith,sched-weight", "xenith,sched-cap",
	"xenith,rtds-budget-us", "xenith,rtds-period-us",
	"xenith,arinc653-window-us", "xenith,arinc653-major-frame-us",
	"sched=null", "sched=arinc653",
};
#define NR_NAMES (sizeof(names) / sizeof(names[0]))

struct reader {
	const uint8_t *p;
	size_t n;
};

static unsigned int take(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

/* A name: an index into names[] (byte < 0xc0), or a literal of up to 31
 * bytes (0xc0 | length) taken from the input (NUL-terminated here). */
static const char *take_name(struct reader *r, char *buf)
{
	unsigned int b = take(r);
	size_t len;

	if (b < 0xc0)
		return names[b % NR_NAMES];
	len = b & 0x1f;
	if (len > r->n)
		len = r->n;
	memcpy(buf, r->p, len);
	buf[len] = 0;
	r->p += len;
	r->n -= len;
	return buf;
}

/*
 * Program, one opcode byte at a time (opcode % 8):
 *   0, 1  begin a node: name
 *   2     end the current node
 *   3     property: name, length byte, that many value bytes
 *   4     property of one u32 cell: name, 4 bytes
 *   5     property of two cells (u64): name, 8 bytes
 *   6     string property: name, value name
 *   7     "reg"-like: name, count byte (1..4), then count * 16 bytes
 * Unclosed nodes are closed at the end. Returns the blob size or < 0.
 */
static int build_tree(const uint8_t *data, size_t size, uint8_t *out,
		      size_t cap)
{
	struct reader r = { data, size };
	struct dt_writer w;
	char nbuf[32], vbuf[32];
	uint8_t val[256];
	int depth = 1;

	dt_wr_init(&w, out, cap);
	dt_wr_begin_node(&w, "");
	while (r.n && !w.err) {
		unsigned int op = take(&r) % 8, len;
		const char *name;

		switch (op) {
		case 0:
		case 1:
			if (depth >= DT_MAX_DEPTH - 1)
				break;
			name = take_name(&r, nbuf);
			dt_wr_begin_node(&w, name);
			depth++;
			break;
		case 2:
			if (depth > 1) {
				dt_wr_end_node(&w);
				depth--;
			}
			break;
		case 3:
			name = take_name(&r, nbuf);
			len = take(&r);
			if (len > r.n)
				len = (unsigned int)r.n;
			memcpy(val, r.p, len);
			r.p += len;
			r.n -= len;
			dt_wr_prop(&w, name, val, len);
			break;
		case 4:
		case 5:
			name = take_name(&r, nbuf);
			len = op == 4 ? 4 : 8;
			memset(val, 0, len);
			for (unsigned int i = 0; i < len; i++)
				val[i] = (uint8_t)take(&r);
			dt_wr_prop(&w, name, val, len);
			break;
		case 6:
			name = take_name(&r, nbuf);
			dt_wr_prop_str(&w, name, take_name(&r, vbuf));
			break;
		case 7:
			name = take_name(&r, nbuf);
			len = 16 * (1 + take(&r) % 4);
			for (unsigned int i = 0; i < len; i++)
				val[i] = (uint8_t)take(&r);
			dt_wr_prop(&w, name, val, len);
			break;
		}
	}
	while (depth-- > 0)
		dt_wr_end_node(&w);
	return dt_wr_finish(&w);
}

/* ---- the reader ------------------------------------------------------ */

static int visit(const void *fdt, const struct dt_node_info *n, void *arg)
{
	(void)fdt;
	(*(int *)arg)++;
	sink += (uint64_t)n->depth + (uint64_t)n->parent + strlen(n->name);
	for (int i = 0; i < 3; i++)
		if (n->val[i])
			sink += ((const uint8_t *)n->val[i])[n->len[i] ? n->len[i] - 1 : 0];
	return 0;
}

/* A path dt_path can follow back: one '/' per level and no empty name
 * (the writer and dt_check accept "" and "a/b" as node names). */
static bool plain_path(const char *path, int depth)
{
	int slashes = 0;

	if (depth <= 0 || strstr(path, "//"))
		return false;
	for (const char *p = path; *p; p++)
		slashes += *p == '/';
	return slashes == depth && path[strlen(path) - 1] != '/';
}

/* Every node and property of the tree, by every accessor there is. */
static void walk(const void *fdt)
{
	static const char *const scan[] = { "compatible", "reg", "status" };
	static const char *const compat[] = { "xen,domain", "multiboot,kernel" };
	char path[256];
	int node, depth = 0, visited = 0, nodes = 0, prev = -1;
	uint64_t a, s;

	for (int i = 0; i < dt_mem_rsv_count(fdt) && i < 64; i++) {
		CHECK(dt_mem_rsv(fdt, i, &a, &s));
		sink += a + s;
	}
	for (node = dt_next_node(fdt, -1, &depth); node >= 0 && nodes < 4096;
	     node = dt_next_node(fdt, node, &depth), nodes++) {
		const char *name = dt_name(fdt, node);
		/* dt_parent and dt_path scan from the root: quadratic over a
		 * big tree, so only for its first nodes. */
		bool deep = nodes < 12;
		int parent = deep ? dt_parent(fdt, node) : DT_ERR_NOTFOUND;
		int len, plen, prop, props = 0;

		CHECK(node > prev);
		prev = node;
		if (!name)
			break;
		sink += strlen(name);
		/* Every accessor on every node costs a scan each; past the
		 * first nodes the walk only checks it can go on. */
		if (nodes >= 24)
			continue;
		if (deep && dt_get_path(fdt, node, path, sizeof(path)) >= 0 &&
		    plain_path(path, depth)) {
			int found = dt_path(fdt, path);

			/* dt_path finds the first node of that path, which
			 * may be an earlier one with the same name; with two
			 * siblings of one name it may find none. */
			CHECK(found == DT_ERR_NOTFOUND ||
			      (found >= 0 && found <= node && dt_name(fdt, found)));
		}
		for (prop = dt_first_prop(fdt, node); prop >= 0 && props < 1024;
		     prop = dt_next_prop(fdt, prop), props++) {
			const char *pname = NULL;
			const uint8_t *v = dt_prop_at(fdt, prop, &pname, &len);

			if (!v)
				break;
			CHECK(pname != NULL && len >= 0);
			if (len)
				sink += v[0] + v[len - 1];
			sink += strlen(pname);
			/* By name: some property of that name is found. */
			if (props < 8) {
				CHECK(dt_prop(fdt, node, pname, &plen) != NULL);
				CHECK(dt_has_prop(fdt, node, pname));
			}
		}
		sink += dt_addr_cells(fdt, node) + dt_size_cells(fdt, node);
		if (parent >= 0)
			for (int i = 0; i < 4 && dt_reg(fdt, parent, node, i, &a, &s); i++)
				sink += a + s;
		sink += dt_is_compatible(fdt, node, "arm,pl011");
		if (dt_prop_str(fdt, node, "compatible"))
			sink++;
		{
			uint32_t u;
			uint64_t q;

			sink += dt_prop_u32(fdt, node, "phandle", &u) ? u : 0;
			sink += dt_prop_u64(fdt, node, "reg", &q) ? q : 0;
		}
		if (depth > 0 && dt_first_child(fdt, node) >= 0)
			sink += (uint64_t)dt_next_sibling(fdt, dt_first_child(fdt, node));
	}
	dt_for_each_node(fdt, scan, 3, visit, &visited);
	for (size_t i = 0; i < sizeof(compat) / sizeof(compat[0]); i++) {
		int n = -1;

		for (int k = 0; k < 16; k++) {
			int next = dt_find_compatible(fdt, n, compat[i]);

			if (next < 0)
				break;
			CHECK(next > n);
			n = next;
		}
	}
	sink += (uint64_t)dt_find_phandle(fdt, 1);
	sink += (uint64_t)dt_path(fdt, "/chosen/domU1/module") +
		(uint64_t)dt_path(fdt, "/cpus/cpu@1");
}

/* ---- parse, validate, build ------------------------------------------ */

static void check_guest_dt(const void *blob, int size)
{
	int root;

	CHECK(size > 0 && size <= GUEST_DTB_MAX);
	CHECK(dt_check(blob, (size_t)size) == 0);
	root = dt_root(blob);
	CHECK(root == 0);
	CHECK(dt_path(blob, "/chosen") > 0);
}

/* Pool invariants (config.h): ids are indexes, Pool-0 is good, every
 * host CPU is in exactly one good pool, bad pools have no CPUs. */
static void check_pools(const struct host_info *host,
			const struct system_config *cfg)
{
	uint32_t seen = 0;

	CHECK(cfg->nr_pools >= 1 && cfg->nr_pools <= MAX_POOLS);
	CHECK(cfg->pool[0].id == 0 && cfg->pool[0].ok);
	for (int i = 0; i < cfg->nr_pools; i++) {
		const struct pool_config *p = &cfg->pool[i];

		CHECK(p->id == (uint32_t)i);
		CHECK(memchr(p->path, 0, sizeof(p->path)) != NULL);
		CHECK(memchr(p->err, 0, sizeof(p->err)) != NULL);
		CHECK(p->ok ? p->err[0] == 0 : p->err[0] != 0 && p->cpus == 0);
		CHECK((unsigned int)p->sched < NR_SCHED_KINDS);
		CHECK(!(p->cpus & seen));
		seen |= p->cpus;
	}
	CHECK(seen == (1U << host->nr_cpus) - 1);
}

/* Accepted domains: in a good pool; null pools not overcommitted;
 * ARINC653 pools on one CPU with single-vCPU domains. */
static void check_domain_pools(const struct system_config *cfg)
{
	uint32_t null_vcpus[MAX_POOLS] = { 0 };

	for (int i = 0; i < cfg->nr_domains; i++) {
		const struct domain_config *d = &cfg->dom[i];
		const struct pool_config *p;

		if (!d->ok)
			continue;
		CHECK(d->pool >= 0 && d->pool < cfg->nr_pools);
		p = &cfg->pool[d->pool];
		CHECK(p->ok);
		CHECK(d->sched_weight >= 1 && d->sched_weight <= 65535);
		CHECK(d->sched_cap <= 100 * d->vcpus);
		CHECK(d->rtds_budget_us >= 10 && d->rtds_budget_us <= d->rtds_period_us);
		CHECK(d->a653_window_us >= 1);
		if (p->sched == SCHED_NULL) {
			null_vcpus[d->pool] += d->vcpus;
			CHECK(null_vcpus[d->pool] <= (uint32_t)__builtin_popcount(p->cpus));
		}
		if (p->sched == SCHED_ARINC653)
			CHECK(d->vcpus == 1 && __builtin_popcount(p->cpus) == 1);
	}
}

/* dom0's RAM as domain.c places it (1:1); here a fixed range, since
 * the tree's RAM may be anything. */
static void dom0_place(struct domain_config *d)
{
	d->static_mem[0] = (struct mem_bank){ 0x60000000, d->mem_kb << 10 };
	d->nr_static_mem = 1;
	d->direct_map = true;
}

static int dom0_range(void *arg, uint64_t pa, uint64_t size)
{
	(void)arg;
	CHECK(size != 0);
	sink += pa;
	return 0;
}

static int dom0_irq(void *arg, uint32_t intid, bool level)
{
	(void)arg;
	CHECK(intid >= 32 && intid < 1020 + 32);
	sink += level;
	return 0;
}

/* dom0's devices and device tree from a hostile host tree: never beyond
 * the buffer, always a tree dt_check accepts. */
static void fuzz_dom0(const void *fdt, const struct domain_config *d,
		      const struct host_info *host, struct guest_layout *l)
{
	static const struct dom0_device_ops ops = { dom0_range, dom0_irq };
	static uint8_t out[0x10000];
	int n;

	l->evtchn_intid = dom0_evtchn_intid(host);
	CHECK(l->evtchn_intid >= 16 && l->evtchn_intid < 32);
	sink += dom0_devices(fdt, host, &ops, NULL);
	n = dom0_dt_build(d, host, l, fdt, out, sizeof(out));
	if (n > 0)
		CHECK(dt_check(out, (size_t)n) == 0 && dt_total_size(out) == (uint32_t)n);
}

static void parse(const void *fdt)
{
	static struct system_config cfg;
	static uint8_t gdt[GUEST_DTB_MAX];
	struct host_info host;
	char err[CFG_ERR_LEN];
	int n;

	if (host_parse(fdt, &host, err, sizeof(err))) {
		CHECK(memchr(err, 0, sizeof(err)) != NULL);
		return;
	}
	CHECK(host.nr_cpus >= 0 && host.nr_cpus <= MAX_CPUS);
	CHECK(host.nr_mem >= 0 && host.nr_mem <= MAX_MEM_BANKS);
	CHECK(host.nr_reserved >= 0 && host.nr_reserved <= MAX_MEM_BANKS);
	sink += cmdline_bool(host.xen_bootargs, "bootscrub", true);
	for (int i = 0; i < host.nr_cpus; i++)
		CHECK(host.cpu_node[i] > 0 && dt_name(fdt, host.cpu_node[i]));
	/* The GIC driver's value on QEMU virt (the parser leaves it 0). */
	host.gic_nr_lines = 288;
	memset(&cfg, 0, sizeof(cfg));
	n = config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	if (n < 0) {
		CHECK(memchr(err, 0, sizeof(err)) != NULL);
		return;
	}
	CHECK(n == cfg.nr_domains && n <= cfg.dom_cap);
	CHECK(memchr(cfg.warn, 0, sizeof(cfg.warn)) != NULL);
	check_pools(&host, &cfg);
	config_validate(&host, &cfg);
	check_domain_pools(&cfg);
	for (int i = 0; i < cfg.nr_domains; i++) {
		struct domain_config *d = &cfg.dom[i];
		struct kernel_info ki = { 0, 0, 0xa };
		struct guest_layout l;

		CHECK(memchr(d->path, 0, sizeof(d->path)) != NULL);
		CHECK(memchr(d->err, 0, sizeof(d->err)) != NULL);
		if (!d->ok)
			continue;
		CHECK(d->vcpus >= 1 && d->vcpus <= MAX_DOM_VCPUS);
		CHECK(d->kernel.present);
		/* What domain_create() does next, with a kernel image whose
		 * header asks for nothing more than its file size. */
		ki.image_size = d->kernel.size;
		if (d->dom0)
			dom0_place(d);
		if (guest_layout_compute(d, &ki, GUEST_DTB_MAX, &l, err, sizeof(err)))
			continue;
		if (d->dom0) {
			fuzz_dom0(fdt, d, &host, &l);
			continue;
		}
		n = guest_dt_build(d, &host, &l, gdt, sizeof(gdt));
		if (n > 0)
			check_guest_dt(gdt, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t built[16384];
	const uint8_t *src = data;
	size_t len = size;
	unsigned int shift;
	uint8_t *raw, *fdt;

	if (size > 65536)
		return -1;
	if (size < 4 || dt_be32(data) != 0xd00dfeed) {
		int n = build_tree(data, size, built, sizeof(built));

		if (n < 0)
			return 0;
		src = built;
		len = (size_t)n;
		CHECK(dt_check(built, len) == 0);
	}
	shift = (unsigned int)(size & 3);
	raw = malloc(len + shift);
	fdt = raw + shift;
	memcpy(fdt, src, len);
	if (dt_check(fdt, len) == 0) {
		CHECK(dt_total_size(fdt) <= len);
		walk(fdt);
		parse(fdt);
	} else {
		/* Nothing else may be asked of a tree dt_check rejects. */
		sink += strlen(dt_strerror(dt_check(fdt, len)));
	}
	free(raw);
	return 0;
}
