// SPDX-License-Identifier: MIT
/*
 * config_parse: Xen 4.17's dom0less bindings. The ImageBuilder-style
 * tree must parse to exactly the configuration Xen would build, Xen's
 * defaults must come out as Xen computes them, and each malformed
 * property must give "<node>: <property>: <what is wrong>" while the
 * other domains are still parsed.
 */
#include <libfdt.h>

#include "check.h"
#include "dt_fixture.h"
#include <xenith/config.h>
#include <xenith/fdt.h>
#include "cfg_storage.h"

static struct host_info host;
static struct system_config cfg;
static char err[CFG_ERR_LEN];

/* host_parse + config_parse; returns the number of domains. */
static int parse(void *fdt)
{
	if (host_parse(fdt, &host, err, sizeof(err))) {
		fprintf(stderr, "host_parse: %s\n", err);
		exit(2);
	}
	host.gic_nr_lines = 288; /* what the GIC driver reads on QEMU virt */
	return config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
}

/* Parses and expects domain `idx` to be rejected with exactly `msg`. */
static void expect_dom_error(void *fdt, int idx, const char *msg)
{
	CHECK(parse(fdt) > idx);
	CHECK(!cfg.dom[idx].ok);
	CHECK_STR(cfg.dom[idx].err, msg);
	free(fdt);
}

static void test_imagebuilder_config(void)
{
	void *fdt = load_dtb("dom0less", 0, NULL);

	CHECK_EQ(parse(fdt), 2);
	CHECK_EQ(cfg.nr_domains, 2);
	struct domain_config *d = &cfg.dom[0];
	CHECK(d->ok);
	CHECK_STR(d->err, "");
	CHECK_STR(d->path, "/chosen/domU1");
	CHECK_EQ(d->node, fdt_path_offset(fdt, "/chosen/domU1"));
	CHECK_EQ(d->domid, 1);
	CHECK_EQ(d->mem_kb, 512 * 1024);
	CHECK_EQ(d->vcpus, 2);
	CHECK(d->vpl011);
	CHECK_EQ(d->nr_spis, 256);
	/* Xen: 4 * (256 * 2 + 512 + 128) KiB = 4608 KiB -> 5 MiB. */
	CHECK_EQ(d->p2m_mem_mb, 5);
	CHECK_EQ(d->enhanced, ENHANCED_NO_XENSTORE);
	CHECK(d->kernel.present);
	CHECK_EQ(d->kernel.start, 0x48000000);
	CHECK_EQ(d->kernel.size, 0x1a00000);
	CHECK_STR(d->kernel.bootargs, "console=ttyAMA0 root=/dev/ram0");
	CHECK_STR(d->kernel.name, "module@48000000");
	CHECK_EQ(d->kernel.node, fdt_path_offset(fdt, "/chosen/domU1/module@48000000"));
	CHECK(d->ramdisk.present);
	CHECK_EQ(d->ramdisk.start, 0x4a000000);
	CHECK_EQ(d->ramdisk.size, 0x1fc3000);
	CHECK(d->ramdisk.bootargs == NULL);
	CHECK(!d->dtb.present);
	/* No pools and no scheduling properties: Pool-0, Xen's defaults. */
	CHECK_EQ(d->pool, 0);
	CHECK_EQ(d->sched_weight, 256);
	CHECK_EQ(d->sched_cap, 0);
	CHECK_EQ(d->rtds_budget_us, 4000);
	CHECK_EQ(d->rtds_period_us, 10000);
	CHECK_EQ(d->a653_window_us, 10000);

	d = &cfg.dom[1];
	CHECK(d->ok);
	CHECK_STR(d->path, "/chosen/domU2");
	CHECK_EQ(d->domid, 2);
	CHECK_EQ(d->mem_kb, 131072);
	CHECK_EQ(d->vcpus, 1);
	CHECK(!d->vpl011);
	CHECK_EQ(d->nr_spis, 64);
	CHECK_EQ(d->p2m_mem_mb, 4);
	CHECK_EQ(d->enhanced, ENHANCED_NONE);
	/* #size-cells = <1> in this domain. */
	CHECK_EQ(d->kernel.start, 0x4c000000);
	CHECK_EQ(d->kernel.size, 0xffffff);
	CHECK(d->kernel.bootargs == NULL);
	CHECK(!d->ramdisk.present);
	CHECK(d->dtb.present);
	CHECK_EQ(d->dtb.start, 0x4d000000);
	CHECK_EQ(d->dtb.size, 0x1000);
	free(fdt);
}

static void test_no_domains(void)
{
	void *fdt = editable("qemu-virt");

	CHECK_EQ(parse(fdt), 0);
	fdt_del_node(fdt, node(fdt, "/chosen"));
	CHECK_EQ(parse(fdt), -1);
	CHECK_STR(err, "/chosen: node: missing");
	free(fdt);
}

static void test_bad_files(void)
{
	void *fdt = load_dtb("bad-missing-memory", 0, NULL);

	CHECK_EQ(parse(fdt), 2);
	CHECK(!cfg.dom[0].ok);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: memory: missing");
	CHECK(cfg.dom[1].ok); /* the other domain is unaffected */
	CHECK_EQ(cfg.dom[1].domid, 2);
	free(fdt);

	fdt = load_dtb("bad-cpus-zero", 0, NULL);
	CHECK_EQ(parse(fdt), 1);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: cpus: 0 is not a valid vCPU count");
	free(fdt);

	fdt = load_dtb("bad-missing-kernel", 0, NULL);
	CHECK_EQ(parse(fdt), 2);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: multiboot,kernel: no kernel module");
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: multiboot,kernel: no kernel module (a child is in the older style; a domU kernel needs compatible = \"multiboot,kernel\", \"multiboot,module\")");
	free(fdt);
}

static void test_memory_and_cpus(void)
{
	void *fdt = editable("dom0less");

	/* One cell is accepted too (Xen itself wants two). */
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "memory", 262144);
	CHECK_EQ(parse(fdt), 2);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].mem_kb, 262144);
	/* 64-bit values keep their high half. */
	fdt_setprop_u64(fdt, node(fdt, "/chosen/domU1"), "memory", 0x100000000ULL);
	CHECK_EQ(parse(fdt), 2);
	CHECK_EQ(cfg.dom[0].mem_kb, 0x100000000ULL);
	uint8_t three[12] = { 0 };
	fdt_setprop(fdt, node(fdt, "/chosen/domU1"), "memory", three, sizeof(three));
	expect_dom_error(fdt, 0, "/chosen/domU1: memory: must be a 64-bit (or 32-bit) count of KiB, not 12 bytes");

	fdt = editable("dom0less");
	fdt_setprop_u64(fdt, node(fdt, "/chosen/domU2"), "cpus", 2);
	expect_dom_error(fdt, 1, "/chosen/domU2: cpus: must be one 32-bit cell, not 8 bytes");

	fdt = editable("dom0less");
	fdt_delprop(fdt, node(fdt, "/chosen/domU2"), "cpus");
	expect_dom_error(fdt, 1, "/chosen/domU2: cpus: missing");
}

static void test_nr_spis(void)
{
	void *fdt = editable("dom0less");
	int d1 = node(fdt, "/chosen/domU1");

	/* Default: the host GIC's SPIs. */
	parse(fdt);
	CHECK_EQ(cfg.dom[0].nr_spis, 256);
	host.gic_nr_lines = 1020;
	config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	CHECK_EQ(cfg.dom[0].nr_spis, 988);
	host.gic_nr_lines = 2048; /* capped at 1020 lines, as Xen does */
	config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	CHECK_EQ(cfg.dom[0].nr_spis, 988);
	/* ...but at least enough for the vpl011 SPI. */
	host.gic_nr_lines = 32;
	config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	CHECK_EQ(cfg.dom[0].nr_spis, 1);
	CHECK_EQ(cfg.dom[1].nr_spis, 64); /* explicit */
	/* Unknown line count (host tools): QEMU virt's 288 lines. */
	host.gic_nr_lines = 0;
	config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	CHECK_EQ(cfg.dom[0].nr_spis, 256);

	fdt_setprop_u32(fdt, d1, "nr_spis", 960);
	CHECK_EQ(parse(fdt), 2);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].nr_spis, 960);
	fdt_setprop_u32(fdt, d1, "nr_spis", 961);
	parse(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: nr_spis: 961 is more than the vGIC supports (at most 960)");
	fdt_setprop_u32(fdt, d1, "nr_spis", 0);
	parse(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: nr_spis: 0 leaves no SPI for vpl011 (it uses SPI 0)");
	fdt_delprop(fdt, d1, "vpl011");
	parse(fdt);
	CHECK(cfg.dom[0].ok); /* no vpl011: zero SPIs is allowed */
	CHECK_EQ(cfg.dom[0].nr_spis, 0);
	fdt_setprop_u64(fdt, d1, "nr_spis", 1);
	expect_dom_error(fdt, 0, "/chosen/domU1: nr_spis: must be one 32-bit cell, not 8 bytes");
}

static void test_p2m_pool(void)
{
	void *fdt = editable("dom0less");
	int d1 = node(fdt, "/chosen/domU1");

	/* Xen: DIV_ROUND_UP(4 * (256 * vcpus + mem_MiB + 128), 1024) MiB. */
	fdt_setprop_u32(fdt, d1, "cpus", 8);
	fdt_setprop_u64(fdt, d1, "memory", 3 * 1024 * 1024);
	parse(fdt);
	CHECK_EQ(cfg.dom[0].p2m_mem_mb, 21); /* 20992 KiB */
	fdt_setprop_u32(fdt, d1, "cpus", 1);
	fdt_setprop_u64(fdt, d1, "memory", 131072);
	parse(fdt);
	CHECK_EQ(cfg.dom[0].p2m_mem_mb, 2); /* exactly 2048 KiB */
	fdt_setprop_u64(fdt, d1, "memory", 132096); /* 129 MiB */
	parse(fdt);
	CHECK_EQ(cfg.dom[0].p2m_mem_mb, 3);
	fdt_setprop_u32(fdt, d1, "xen,domain-p2m-mem-mb", 64);
	parse(fdt);
	CHECK_EQ(cfg.dom[0].p2m_mem_mb, 64);
	fdt_setprop_u32(fdt, d1, "xen,domain-p2m-mem-mb", 0);
	expect_dom_error(fdt, 0, "/chosen/domU1: xen,domain-p2m-mem-mb: 0 MiB leaves no room for the stage-2 page tables");
}

static void add_dom0_kernel(void *fdt)
{
	int n = fdt_add_subnode(fdt, node(fdt, "/chosen"), "module@60000000");
	static const char compat[] = "multiboot,kernel\0multiboot,module";
	uint32_t reg[4] = { 0, cpu_to_fdt32(0x60000000), 0, cpu_to_fdt32(0x1000000) };

	fdt_setprop(fdt, n, "compatible", compat, sizeof(compat));
	fdt_setprop(fdt, n, "reg", reg, sizeof(reg));
}

static void test_enhanced(void)
{
	void *fdt = editable("dom0less");
	int d1 = node(fdt, "/chosen/domU1");

	fdt_setprop_string(fdt, d1, "xen,enhanced", "disabled");
	parse(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].enhanced, ENHANCED_NONE);
	fdt_delprop(fdt, d1, "xen,enhanced");
	parse(fdt);
	CHECK_EQ(cfg.dom[0].enhanced, ENHANCED_NONE);
	/* "enabled" and the empty value mean xenstore, which needs dom0. */
	fdt_setprop_string(fdt, d1, "xen,enhanced", "enabled");
	parse(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: xen,enhanced: \"enabled\" needs xenstore in a dom0, and there is none; use \"no-xenstore\"");
	fdt_setprop_empty(fdt, d1, "xen,enhanced");
	parse(fdt);
	CHECK(!cfg.dom[0].ok);
	add_dom0_kernel(fdt);
	d1 = node(fdt, "/chosen/domU1");
	CHECK_EQ(parse(fdt), 3); /* dom0 comes first, the domUs keep their ids */
	CHECK(cfg.dom[0].dom0);
	CHECK_EQ(cfg.dom[0].domid, 0);
	CHECK_EQ(cfg.dom[1].domid, 1);
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].enhanced, ENHANCED_ENABLED);
	fdt_setprop_string(fdt, d1, "xen,enhanced", "enabled");
	parse(fdt);
	CHECK_EQ(cfg.dom[1].enhanced, ENHANCED_ENABLED);
	fdt_setprop_string(fdt, d1, "xen,enhanced", "no_xenstore");
	parse(fdt);
	CHECK_STR(cfg.dom[1].err, "/chosen/domU1: xen,enhanced: \"no_xenstore\" is not one of \"enabled\", \"no-xenstore\", \"disabled\"");
	fdt_setprop(fdt, d1, "xen,enhanced", "abc", 3);
	expect_dom_error(fdt, 1, "/chosen/domU1: xen,enhanced: not a NUL-terminated string");
}

static void test_modules(void)
{
	void *fdt = editable("dom0less");
	const char *k1 = "/chosen/domU1/module@48000000";

	fdt_delprop(fdt, node(fdt, k1), "reg");
	expect_dom_error(fdt, 0, "/chosen/domU1/module@48000000: reg: missing");

	fdt = editable("dom0less");
	uint32_t zero[4] = { 0, cpu_to_fdt32(0x48000000), 0, 0 };
	fdt_setprop(fdt, node(fdt, k1), "reg", zero, sizeof(zero));
	expect_dom_error(fdt, 0, "/chosen/domU1/module@48000000: reg: size is 0");

	fdt = editable("dom0less");
	uint32_t wrap[4] = { cpu_to_fdt32(0xffffffff), cpu_to_fdt32(0xfff00000), 0,
			     cpu_to_fdt32(0x200000) };
	fdt_setprop(fdt, node(fdt, k1), "reg", wrap, sizeof(wrap));
	expect_dom_error(fdt, 0, "/chosen/domU1/module@48000000: reg: range wraps around");

	fdt = editable("dom0less");
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "#address-cells", 3);
	expect_dom_error(fdt, 0, "/chosen/domU1/module@48000000: reg: cannot decode with #address-cells 3, #size-cells 2 (set both to 1 or 2 in /chosen/domU1)");

	fdt = editable("dom0less");
	fdt_setprop(fdt, node(fdt, k1), "bootargs", "abc", 3);
	expect_dom_error(fdt, 0, "/chosen/domU1/module@48000000: bootargs: not a NUL-terminated string");

	/* A second kernel is a mistake, not "the last one wins". */
	fdt = editable("dom0less");
	int r = node(fdt, "/chosen/domU1/module@4a000000");
	static const char kcompat[] = "multiboot,kernel\0multiboot,module";
	fdt_setprop(fdt, r, "compatible", kcompat, sizeof(kcompat));
	expect_dom_error(fdt, 0, "/chosen/domU1/module@4a000000: compatible: second multiboot,kernel module in /chosen/domU1 (first: module@48000000)");

	/* A partial device tree without reg is skipped, as Xen does. */
	fdt = editable("dom0less");
	fdt_delprop(fdt, node(fdt, "/chosen/domU2/module@4d000000"), "reg");
	CHECK_EQ(parse(fdt), 2);
	CHECK(cfg.dom[1].ok);
	CHECK(!cfg.dom[1].dtb.present);
	free(fdt);

	/* Children that are not modules are not our business. */
	fdt = editable("dom0less");
	fdt_add_subnode(fdt, node(fdt, "/chosen/domU1"), "passthrough");
	CHECK_EQ(parse(fdt), 2);
	CHECK(cfg.dom[0].ok);
	free(fdt);
}

static void test_cells_inherited(void)
{
	void *fdt = editable("dom0less");
	int d2 = node(fdt, "/chosen/domU2");

	/* Without its own cells, domU2 inherits /chosen's <2 2> (as Xen's
	 * bootfdt.c does), which its 3-cell reg entries are too short for. */
	fdt_delprop(fdt, d2, "#address-cells");
	fdt_delprop(fdt, d2, "#size-cells");
	expect_dom_error(fdt, 1, "/chosen/domU2/module@4c000000: reg: 12 bytes is too short for #address-cells 2 + #size-cells 2");

	fdt = editable("dom0less");
	int chosen = node(fdt, "/chosen");
	fdt_setprop_u32(fdt, chosen, "#address-cells", 1);
	fdt_setprop_u32(fdt, chosen, "#size-cells", 1);
	d2 = node(fdt, "/chosen/domU2");
	fdt_delprop(fdt, d2, "#address-cells");
	fdt_delprop(fdt, d2, "#size-cells");
	d2 = node(fdt, "/chosen/domU2");
	uint32_t reg[2] = { cpu_to_fdt32(0x4c000000), cpu_to_fdt32(0x800000) };
	fdt_setprop(fdt, node(fdt, "/chosen/domU2/module@4c000000"), "reg", reg, sizeof(reg));
	fdt_setprop(fdt, node(fdt, "/chosen/domU2/module@4d000000"), "reg", reg, 8);
	CHECK_EQ(parse(fdt), 2);
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].kernel.start, 0x4c000000);
	CHECK_EQ(cfg.dom[1].kernel.size, 0x800000);
	free(fdt);
}

static void test_static_and_unknown(void)
{
	void *fdt = editable("dom0less");

	fdt_setprop_empty(fdt, node(fdt, "/chosen/domU2"), "direct-map");
	expect_dom_error(fdt, 1, "/chosen/domU2: direct-map: needs xen,static-mem (Xen 4.17 maps a domain 1:1 only onto static memory)");

	fdt = editable("dom0less");
	uint32_t sm[4] = { 0, cpu_to_fdt32(0x60000000), 0, cpu_to_fdt32(0x8000000) };
	fdt_setprop(fdt, node(fdt, "/chosen/domU1"), "xen,static-mem", sm, sizeof(sm));
	expect_dom_error(fdt, 0, "/chosen/domU1: memory: 524288 KiB, but the xen,static-mem ranges add up to 131072 KiB (they must be equal)");

	/* Unknown properties are ignored, as Xen does. */
	fdt = editable("dom0less");
	fdt_setprop_string(fdt, node(fdt, "/chosen/domU1"), "vendor,frobnicate", "yes");
	CHECK_EQ(parse(fdt), 2);
	CHECK(cfg.dom[0].ok);
	/* domain-cpupool is read now (test_cpupool.c has the rest): a
	 * phandle that leads nowhere, which Xen 4.17 would ignore, is an
	 * error on that domain only. */
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "domain-cpupool", 0x1234);
	expect_dom_error(fdt, 0, "/chosen/domU1: domain-cpupool: 0x1234 is not a xen,cpupool node (no node has this phandle)");
	CHECK(cfg.dom[1].ok);
}

/* A copy of qemu-virt with `n` empty domain nodes domU1..domUn under
 * /chosen, in that order. */
static void *with_domains(int n)
{
	size_t size;
	void *base = load_dtb("qemu-virt", 0, &size);
	size_t cap = size + (size_t)n * 64 + 4096;
	void *fdt = malloc(cap);

	if (!fdt || fdt_open_into(base, fdt, (int)cap)) {
		fprintf(stderr, "with_domains: no room\n");
		exit(2);
	}
	free(base);
	for (int i = n; i >= 1; i--) {
		char name[16];
		int d;

		snprintf(name, sizeof(name), "domU%d", i);
		d = fdt_add_subnode(fdt, node(fdt, "/chosen"), name);
		fdt_setprop_string(fdt, d, "compatible", "xen,domain");
	}
	return fdt;
}

/* Domains are not limited by a constant: the caller sizes the storage
 * from config_count_domains (the hypervisor from host RAM), and more
 * nodes than it made room for is an error naming the first left out. */
static void test_domain_count(void)
{
	void *fdt = with_domains(TEST_DOMAINS + 1);
	struct domain_config *big;

	CHECK_EQ(config_count_domains(fdt), TEST_DOMAINS + 1);
	CHECK_EQ(parse(fdt), -1);
	CHECK_STR(err, "/chosen/domU257: compatible: more than 256 domains (no room to hold more)");
	CHECK_EQ(cfg.nr_domains, 0);

	/* Room for all of them: domids in DT order, each reported. */
	big = calloc(TEST_DOMAINS + 1, sizeof(*big));
	cfg.dom = big;
	cfg.dom_cap = TEST_DOMAINS + 1;
	CHECK_EQ(config_parse(fdt, &host, &cfg, err, sizeof(err)), TEST_DOMAINS + 1);
	CHECK(cfg.dom == big && cfg.dom_cap == TEST_DOMAINS + 1);
	for (int i = 0; i < TEST_DOMAINS + 1; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/chosen/domU%d", i + 1);
		CHECK_EQ(cfg.dom[i].domid, i + 1);
		CHECK_STR(cfg.dom[i].path, path);
		CHECK(!cfg.dom[i].ok);
		CHECK_CONTAINS(cfg.dom[i].err, ": cpus: missing");
	}
	free(big);
	free(fdt);

	/* No /chosen: nothing to count. */
	fdt = editable("qemu-virt");
	fdt_del_node(fdt, node(fdt, "/chosen"));
	CHECK_EQ(config_count_domains(fdt), 0);
	free(fdt);
}

/* Xen's domid space ends at 0x7fef (DOMID_FIRST_RESERVED - 1): a tree
 * with more domain nodes gets a named error at the first one beyond,
 * however much room the caller made. Built with libfdt's sequential
 * writer (adding 32753 nodes one by one would be quadratic). */
static void test_domid_limit(void)
{
	const int n = (int)MAX_DOMAINS + 1;
	size_t cap = (size_t)n * 48 + 4096;
	void *fdt = malloc(cap);
	struct domain_config *big = calloc((size_t)n, sizeof(*big));
	void *host_fdt = editable("qemu-virt");

	/* The machine comes from qemu-virt; the domains from this tree. */
	CHECK_EQ(host_parse(host_fdt, &host, err, sizeof(err)), 0);
	host.gic_nr_lines = 288;
	CHECK_EQ(fdt_create(fdt, (int)cap), 0);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "chosen");
	for (int i = 1; i <= n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "d%d", i);
		fdt_begin_node(fdt, name);
		fdt_property_string(fdt, "compatible", "xen,domain");
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	CHECK_EQ(fdt_finish(fdt), 0);
	CHECK_EQ(config_count_domains(fdt), n);
	cfg.dom = big;
	cfg.dom_cap = n;
	CHECK_EQ(config_parse(fdt, &host, &cfg, err, sizeof(err)), -1);
	CHECK_STR(err, "/chosen/d32752: compatible: more than 32751 domains (Xen's domid space ends at 0x7fef)");
	/* Nothing of a refused configuration is left to build. */
	CHECK_EQ(cfg.nr_domains, 0);
	CHECK_EQ(cfg.dom[MAX_DOMAINS - 1].domid, 0x7fef);
	free(big);
	free(fdt);
	free(host_fdt);
}

/* A "xenith,virtio-mmio" child of domU1 (name, reg as 2 + 2 cells or
 * none, interrupts or none); its offset. libfdt adds a subnode before
 * the others: the last one added comes first in node order. */
static int add_virtio(void *fdt, const char *name, uint64_t base, uint64_t size, int irq)
{
	int n = fdt_add_subnode(fdt, node(fdt, "/chosen/domU1"), name);

	fdt_setprop_string(fdt, n, "compatible", "xenith,virtio-mmio");
	if (size) {
		uint32_t reg[4] = { cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base),
				    cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size) };

		fdt_setprop(fdt, n, "reg", reg, sizeof(reg));
	}
	if (irq >= 0)
		fdt_setprop_u32(fdt, n, "interrupts", (uint32_t)irq);
	return n;
}

/* Xenith's dom0less virtio binding (boot/virtio_cfg.c): defaults in node
 * order, explicit windows and SPIs, and each mistake named. */
static void test_virtio(void)
{
	void *fdt = editable("dom0less");
	char name[32];

	parse(fdt);
	CHECK_EQ(cfg.dom[0].nr_virtio, 0);
	add_virtio(fdt, "virtio@20ffe00", 0x20ffe00, 0x200, 43);
	add_virtio(fdt, "virtio@1", 0, 0, -1);
	add_virtio(fdt, "virtio@0", 0, 0, -1);
	CHECK_EQ(parse(fdt), 2);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].nr_virtio, 3);
	CHECK_EQ(cfg.dom[0].virtio[0].base, 0x2000000);
	CHECK_EQ(cfg.dom[0].virtio[0].intid, 33);
	CHECK_EQ(cfg.dom[0].virtio[1].base, 0x2000200);
	CHECK_EQ(cfg.dom[0].virtio[1].intid, 34);
	CHECK_EQ(cfg.dom[0].virtio[2].base, 0x20ffe00);
	CHECK_EQ(cfg.dom[0].virtio[2].intid, 43);
	CHECK_EQ(cfg.dom[0].virtio[0].grant_usage, -1);
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].nr_virtio, 0);
	free(fdt);

	CASE("virtio window size", {
		void *f = editable("dom0less");
		add_virtio(f, "virtio@2000000", 0x2000000, 0x1000, -1);
		expect_dom_error(f, 0, "/chosen/domU1/virtio@2000000: reg: size 0x1000: a virtio-mmio window is 0x200 bytes");
	});
	CASE("virtio window outside the range", {
		void *f = editable("dom0less");
		add_virtio(f, "virtio@40000000", 0x40000000, 0x200, -1);
		expect_dom_error(f, 0, "/chosen/domU1/virtio@40000000: reg: 0x40000000 is not a 0x200-aligned window in Xen's virtio range 0x2000000-0x20fffff");
	});
	CASE("virtio window unaligned", {
		void *f = editable("dom0less");
		add_virtio(f, "virtio@2000100", 0x2000100, 0x200, -1);
		expect_dom_error(f, 0, "/chosen/domU1/virtio@2000100: reg: 0x2000100 is not a 0x200-aligned window in Xen's virtio range 0x2000000-0x20fffff");
	});
	CASE("virtio SPI outside Xen's", {
		void *f = editable("dom0less");
		add_virtio(f, "virtio@2000000", 0, 0, 32);
		expect_dom_error(f, 0, "/chosen/domU1/virtio@2000000: interrupts: INTID 32 is outside Xen's virtio SPIs 33-43");
	});
	CASE("virtio interrupts of two cells", {
		void *f = editable("dom0less");
		int n = add_virtio(f, "virtio@2000000", 0, 0, -1);
		fdt_setprop_u64(f, n, "interrupts", 33);
		expect_dom_error(f, 0, "/chosen/domU1/virtio@2000000: interrupts: one cell, the INTID, expected");
	});
	CASE("virtio grant usage", {
		void *f = editable("dom0less");
		fdt_setprop_u32(f, add_virtio(f, "a", 0, 0, -1), "xenith,grant-usage", 1);
		CHECK_EQ(parse(f), 2);
		CHECK_EQ(cfg.dom[0].virtio[0].grant_usage, 1);
		free(f);
	});
	CASE("virtio grant usage 2", {
		void *f = editable("dom0less");
		fdt_setprop_u32(f, add_virtio(f, "a", 0, 0, -1), "xenith,grant-usage", 2);
		expect_dom_error(f, 0, "/chosen/domU1/a: xenith,grant-usage: <0> or <1> expected");
	});
	CASE("virtio window twice", {
		void *f = editable("dom0less");
		add_virtio(f, "b", 0x2000000, 0x200, 40);
		add_virtio(f, "a", 0, 0, -1);
		expect_dom_error(f, 0, "/chosen/domU1/b: reg: window 0x2000000 is another device's");
	});
	CASE("virtio SPI twice", {
		void *f = editable("dom0less");
		add_virtio(f, "b", 0, 0, 40);
		add_virtio(f, "a", 0, 0, 40);
		expect_dom_error(f, 0, "/chosen/domU1/b: interrupts: INTID 40 is another device's");
	});
	CASE("virtio SPI beyond nr_spis", {
		void *f = editable("dom0less");
		fdt_setprop_u32(f, node(f, "/chosen/domU1"), "nr_spis", 4);
		add_virtio(f, "a", 0, 0, 40);
		expect_dom_error(f, 0, "/chosen/domU1/a: interrupts: INTID 40 needs nr_spis of at least 9 (it is 4)");
	});
	CASE("device model of another domain", {
		void *f = editable("dom0less");
		int d2 = node(f, "/chosen/domU2");
		uint32_t ph = fdt_get_max_phandle(f) + 1;
		fdt_setprop_u32(f, d2, "phandle", ph);
		fdt_setprop_u32(f, node(f, "/chosen/domU1"), "xenith,device-model", ph);
		CHECK_EQ(parse(f), 2);
		CHECK(cfg.dom[0].ok);
		CHECK(cfg.dom[0].has_dm);
		CHECK_EQ(cfg.dom[0].dm_domid, 2);
		CHECK(!cfg.dom[1].has_dm);
		free(f);
	});
	CASE("device model that is no domain", {
		void *f = editable("dom0less");
		uint32_t ph = fdt_get_max_phandle(f) + 1;
		fdt_setprop_u32(f, node(f, "/chosen"), "phandle", ph);
		fdt_setprop_u32(f, node(f, "/chosen/domU1"), "xenith,device-model", ph);
		expect_dom_error(f, 0, "/chosen/domU1: xenith,device-model: the phandle names no xen,domain node");
	});
	CASE("device model of itself", {
		void *f = editable("dom0less");
		int d1 = node(f, "/chosen/domU1");
		uint32_t ph = fdt_get_max_phandle(f) + 1;
		fdt_setprop_u32(f, d1, "phandle", ph);
		fdt_setprop_u32(f, d1, "xenith,device-model", ph);
		expect_dom_error(f, 0, "/chosen/domU1: xenith,device-model: names the domain itself");
	});
	CASE("twelve virtio devices", {
		void *f = editable("dom0less");
		for (int i = 11; i >= 0; i--) {
			snprintf(name, sizeof(name), "v%d", i);
			add_virtio(f, name, 0, 0, -1);
		}
		expect_dom_error(f, 0, "/chosen/domU1/v11: compatible: more than 11 virtio devices (Xen's virtio SPIs)");
	});
}

int main(void)
{
	RUN(test_imagebuilder_config);
	RUN(test_no_domains);
	RUN(test_bad_files);
	RUN(test_memory_and_cpus);
	RUN(test_nr_spis);
	RUN(test_p2m_pool);
	RUN(test_enhanced);
	RUN(test_modules);
	RUN(test_cells_inherited);
	RUN(test_static_and_unknown);
	RUN(test_domain_count);
	RUN(test_domid_limit);
	RUN(test_virtio);
	return check_done("test_dom0less");
}
