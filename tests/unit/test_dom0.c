// SPDX-License-Identifier: MIT
/*
 * dom0 as Xen 4.17 boots it: its configuration from the modules directly
 * under /chosen and the dom0_* options (dom0_cfg.c), its device tree (the
 * host's, rewritten as Xen's handle_node() does) and the devices it is
 * given (dom0_dt.c). The tree is QEMU virt's, where every rule meets a
 * real node: the hypervisor's UART, the GIC and its ITS, the timer, the
 * PMU (a PPI), virtio-mmio and the RTC (SPIs), a PCI host bridge.
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
static uint8_t out[0x10000];

static int parse(void *fdt)
{
	if (host_parse(fdt, &host, err, sizeof(err))) {
		fprintf(stderr, "host_parse: %s\n", err);
		exit(2);
	}
	host.gic_nr_lines = 288;
	return config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
}

static void set_bootargs(void *fdt, const char *args)
{
	fdt_setprop_string(fdt, node(fdt, "/chosen"), "xen,xen-bootargs", args);
}

static void test_config(void)
{
	void *fdt = editable("dom0");
	const struct domain_config *d = &test_dom_storage[0];

	CHECK_EQ(parse(fdt), 2);
	CHECK(d->ok);
	CHECK(d->dom0);
	CHECK_EQ(d->domid, 0);
	CHECK_STR(d->path, "dom0");
	CHECK_EQ(d->mem_kb, 512 * 1024);
	CHECK_EQ(d->vcpus, 2);
	CHECK_EQ(d->nr_spis, 256);   /* every host SPI */
	CHECK(!d->vpl011);
	CHECK_EQ(d->kernel.start, 0x50000000);
	CHECK_EQ(d->kernel.size, 0x1f70000);
	CHECK_EQ(d->ramdisk.start, 0x52000000);
	CHECK_STR(d->kernel.bootargs, "console=hvc0 earlycon=xenboot");
	CHECK_EQ(cfg.dom[1].domid, 1);
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(config_count_domains(fdt), 2);
	/* Xen's defaults: 512 MiB, every CPU of Pool-0. */
	set_bootargs(fdt, "console=dtuart");
	parse(fdt);
	CHECK_EQ(d->mem_kb, 512 * 1024);
	CHECK_EQ(d->vcpus, 4);
	set_bootargs(fdt, "dom0_mem=1G dom0_max_vcpus=200");
	parse(fdt);
	CHECK_EQ(d->mem_kb, 1024 * 1024);
	CHECK_EQ(d->vcpus, MAX_DOM_VCPUS);
	set_bootargs(fdt, "dom0_mem=262144");   /* no unit: KiB, as Xen */
	parse(fdt);
	CHECK_EQ(d->mem_kb, 256 * 1024);
	set_bootargs(fdt, "dom0_mem=lots");
	parse(fdt);
	CHECK(!d->ok);
	CHECK_STR(d->err, "dom0: dom0_mem: \"lots\" is not a size (a number with K, M, G or T)");
	set_bootargs(fdt, "dom0_mem=3M");
	parse(fdt);
	CHECK_STR(d->err, "dom0: dom0_mem: 3M is not a multiple of 2 MiB");
	set_bootargs(fdt, "dom0_max_vcpus=two");
	parse(fdt);
	CHECK_STR(d->err, "dom0: dom0_max_vcpus: \"two\" is not a number");
	free(fdt);
}

/* The command line: the kernel module's bootargs, else xen,dom0-bootargs,
 * else /chosen bootargs. */
static void test_bootargs(void)
{
	void *fdt = editable("dom0");
	int chosen = node(fdt, "/chosen");

	fdt_setprop_string(fdt, node(fdt, "/chosen/module@50000000"), "bootargs", "root=/dev/ram0");
	parse(fdt);
	CHECK_STR(cfg.dom[0].kernel.bootargs, "root=/dev/ram0");
	fdt_delprop(fdt, node(fdt, "/chosen/module@50000000"), "bootargs");
	fdt_delprop(fdt, chosen, "xen,dom0-bootargs");
	fdt_setprop_string(fdt, chosen, "bootargs", "console=hvc0 quiet");
	parse(fdt);
	CHECK_STR(cfg.dom[0].kernel.bootargs, "console=hvc0 quiet");
	fdt_setprop(fdt, chosen, "xen,dom0-bootargs", "abc", 3);
	parse(fdt);
	CHECK(!cfg.dom[0].ok);
	CHECK_STR(cfg.dom[0].err, "/chosen: xen,dom0-bootargs: not a NUL-terminated string");
	free(fdt);
}

/* Older trees: bare "multiboot,module" nodes, the first the kernel and
 * the second the ramdisk (Xen's kind_guess); and the errors. */
static void test_modules(void)
{
	static const char bare[] = "multiboot,module";
	void *fdt = editable("dom0");

	fdt_setprop(fdt, node(fdt, "/chosen/module@50000000"), "compatible", bare, sizeof(bare));
	fdt_setprop(fdt, node(fdt, "/chosen/module@52000000"), "compatible", bare, sizeof(bare));
	parse(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].kernel.start, 0x50000000);
	CHECK_EQ(cfg.dom[0].ramdisk.start, 0x52000000);
	fdt_setprop_string(fdt, node(fdt, "/chosen/module@52000000"), "compatible", "xen,linux-zimage");
	parse(fdt);
	CHECK(!cfg.dom[0].ok);
	CHECK_STR(cfg.dom[0].err, "/chosen/module@52000000: compatible: a second dom0 kernel (the first is module@50000000)");
	fdt_delprop(fdt, node(fdt, "/chosen/module@52000000"), "reg");
	fdt_setprop_string(fdt, node(fdt, "/chosen/module@52000000"), "compatible", "multiboot,ramdisk");
	parse(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/module@52000000: reg: missing");
	/* Without a kernel under /chosen there is no dom0. */
	fdt_del_node(fdt, node(fdt, "/chosen/module@52000000"));
	fdt_del_node(fdt, node(fdt, "/chosen/module@50000000"));
	CHECK_EQ(parse(fdt), 1);
	CHECK(!cfg.dom[0].dom0);
	CHECK_EQ(cfg.dom[0].domid, 1);
	free(fdt);
}

/* dom0's layout as domain.c makes it: 512 MiB 1:1 at 0x60000000, the
 * grant table on the hypervisor's image. */
static void layout(struct domain_config *d, struct guest_layout *l)
{
	struct kernel_info ki = { 0, 0x1f70000, 0xa };

	d->static_mem[0] = (struct mem_bank){ 0x60000000, 0x20000000 };
	d->nr_static_mem = 1;
	d->direct_map = true;
	if (guest_layout_compute(d, &ki, GUEST_DTB_MAX, l, err, sizeof(err))) {
		fprintf(stderr, "layout: %s\n", err);
		exit(2);
	}
	guest_layout_devices(d, &host, l);
	l->evtchn_intid = dom0_evtchn_intid(&host);
	l->gnttab_base = 0x40200000;
	l->gnttab_size = 0x40000;
}

static const uint32_t *cells_of(const void *fdt, const char *path, const char *prop, int *n)
{
	int len;
	const uint32_t *p = fdt_getprop(fdt, fdt_path_offset(fdt, path), prop, &len);

	*n = p ? len / 4 : 0;
	return p;
}

static void test_tree(void)
{
	void *fdt = editable("dom0");
	struct guest_layout l;
	const uint32_t *c;
	int n, size;

	parse(fdt);
	layout(&cfg.dom[0], &l);
	size = dom0_dt_build(&cfg.dom[0], &host, &l, fdt, out, sizeof(out));
	CHECK(size > 0);
	CHECK_EQ(fdt_check_full(out, (size_t)size), 0);
	/* What the hypervisor keeps, or Xen drops, is gone. */
	CHECK(fdt_path_offset(out, "/pl011@9000000") < 0);
	CHECK(fdt_path_offset(out, "/pmu") < 0);
	CHECK(fdt_path_offset(out, "/intc@8000000") < 0);
	CHECK(fdt_path_offset(out, "/chosen/module@50000000") < 0);
	CHECK(fdt_getprop(out, fdt_path_offset(out, "/chosen"), "xen,xen-bootargs", NULL) == NULL);
	CHECK(fdt_getprop(out, fdt_path_offset(out, "/chosen"), "stdout-path", NULL) == NULL);
	/* Devices stay, and so do the domU's node (Xen copies it). */
	CHECK(fdt_path_offset(out, "/virtio_mmio@a000000") >= 0);
	CHECK(fdt_path_offset(out, "/pl031@9010000") >= 0);
	CHECK(fdt_path_offset(out, "/pcie@10000000") >= 0);
	CHECK(fdt_path_offset(out, "/chosen/domU1") >= 0);
	CHECK(fdt_path_offset(out, "/chosen/domU1/module@53000000") < 0);
	CHECK_STR(fdt_getprop(out, fdt_path_offset(out, "/chosen"), "bootargs", NULL),
		  "console=hvc0 earlycon=xenboot");
	c = cells_of(out, "/chosen", "linux,initrd-start", &n);
	CHECK_EQ(n, 2);
	CHECK_EQ(((uint64_t)fdt32_to_cpu(c[0]) << 32) | fdt32_to_cpu(c[1]), l.initrd_ipa);
	/* The GIC: the host's distributor and first redistributor region, no ITS. */
	CHECK_EQ(fdt_node_check_compatible(out, fdt_path_offset(out, "/interrupt-controller"),
					   "arm,gic-v3"), 0);
	CHECK_EQ(fdt_first_subnode(out, fdt_path_offset(out, "/interrupt-controller")),
		 -FDT_ERR_NOTFOUND);
	c = cells_of(out, "/interrupt-controller", "reg", &n);
	CHECK_EQ(n, 8);
	CHECK_EQ(fdt32_to_cpu(c[1]), 0x8000000);
	CHECK_EQ(fdt32_to_cpu(c[5]), 0x80a0000);
	/* The timer: the host's PPIs 13, 14, 11 (INTIDs 29, 30, 27). */
	c = cells_of(out, "/timer", "interrupts", &n);
	CHECK_EQ(n, 9);
	CHECK_EQ(fdt32_to_cpu(c[1]), 13);
	CHECK_EQ(fdt32_to_cpu(c[4]), 14);
	CHECK_EQ(fdt32_to_cpu(c[7]), 11);
	/* /hypervisor: the grant region, then the extended regions (the rest
	 * of host RAM in pieces of at least 64 MiB); event channels on PPI 0. */
	c = cells_of(out, "/hypervisor", "reg", &n);
	CHECK_EQ(n, 12);
	CHECK_EQ(fdt32_to_cpu(c[1]), 0x40200000);
	CHECK_EQ(fdt32_to_cpu(c[3]), 0x40000);
	CHECK_EQ(fdt32_to_cpu(c[5]), 0x40400000);
	CHECK_EQ(fdt32_to_cpu(c[7]), 0x1fc00000);
	CHECK_EQ(fdt32_to_cpu(c[9]), 0x80000000);
	CHECK_EQ(fdt32_to_cpu(c[11]), 0x40000000);
	c = cells_of(out, "/hypervisor", "interrupts", &n);
	CHECK_EQ(n, 3);
	CHECK_EQ(fdt32_to_cpu(c[0]), 1);
	CHECK_EQ(fdt32_to_cpu(c[1]), 0);
	CHECK_EQ(fdt32_to_cpu(c[2]), 0xf08);
	c = cells_of(out, "/memory@60000000", "reg", &n);
	CHECK_EQ(n, 4);
	CHECK_EQ(fdt32_to_cpu(c[3]), 0x20000000);
	CHECK(fdt_path_offset(out, "/cpus/cpu@1") >= 0);
	CHECK(fdt_path_offset(out, "/cpus/cpu@2") < 0);
	CHECK(fdt_path_offset(out, "/psci") >= 0);
	/* Too small a buffer is an error, not an overflow. */
	CHECK_EQ(dom0_dt_build(&cfg.dom[0], &host, &l, fdt, out, 4096), DT_ERR_NOSPACE);
	free(fdt);
}

struct given {
	uint64_t pa[256], size[256];
	uint32_t irq[256];
	bool level[256];
	int nr_ranges, nr_irqs;
};

static int got_range(void *arg, uint64_t pa, uint64_t size)
{
	struct given *g = arg;

	if (g->nr_ranges < 256) {
		g->pa[g->nr_ranges] = pa;
		g->size[g->nr_ranges++] = size;
	}
	return 0;
}

static int got_irq(void *arg, uint32_t intid, bool level)
{
	struct given *g = arg;

	if (g->nr_irqs < 256) {
		g->level[g->nr_irqs] = level;
		g->irq[g->nr_irqs++] = intid;
	}
	return 0;
}

static int find_range(const struct given *g, uint64_t pa)
{
	for (int i = 0; i < g->nr_ranges; i++)
		if (g->pa[i] == pa)
			return i;
	return -1;
}

static int find_irq(const struct given *g, uint32_t intid)
{
	for (int i = 0; i < g->nr_irqs; i++)
		if (g->irq[i] == intid)
			return i;
	return -1;
}

static void test_devices(void)
{
	static const struct dom0_device_ops ops = { got_range, got_irq };
	static struct given g;
	void *fdt = editable("dom0");
	int i;

	parse(fdt);
	memset(&g, 0, sizeof(g));
	CHECK_EQ(dom0_devices(fdt, &host, &ops, &g), 0);
	CHECK(find_range(&g, 0x9000000) < 0);   /* the hypervisor's UART */
	CHECK(find_range(&g, 0x8000000) < 0);   /* the GIC */
	CHECK(find_range(&g, 0x9010000) >= 0);  /* pl031 */
	CHECK(find_range(&g, 0xa000000) >= 0);  /* virtio-mmio */
	CHECK(find_range(&g, 0x4010000000ULL) >= 0);  /* PCI ECAM */
	CHECK(find_range(&g, 0x10000000) >= 0);  /* its 32-bit window */
	CHECK(find_irq(&g, 33) < 0);             /* the UART's SPI */
	i = find_irq(&g, 34);                    /* pl031: level */
	CHECK(i >= 0 && g.level[i]);
	i = find_irq(&g, 48);                    /* virtio-mmio: edge */
	CHECK(i >= 0 && !g.level[i]);
	for (uint32_t intid = 35; intid <= 38; intid++)   /* PCI INTx */
		CHECK(find_irq(&g, intid) >= 0);
	/* A device using a PPI is not dom0's. */
	fdt_setprop_u32(fdt, node(fdt, "/pl031@9010000"), "interrupts", 0);
	{
		uint32_t ppi[3] = { cpu_to_fdt32(1), cpu_to_fdt32(7), cpu_to_fdt32(4) };

		fdt_setprop(fdt, node(fdt, "/pl031@9010000"), "interrupts", ppi, sizeof(ppi));
	}
	memset(&g, 0, sizeof(g));
	CHECK_EQ(dom0_devices(fdt, &host, &ops, &g), 0);
	CHECK(find_range(&g, 0x9010000) < 0);
	free(fdt);
}

/* A bus with "ranges" translates its children's reg; one without maps
 * nothing (its children are not memory-mapped). */
static void test_translation(void)
{
	static const struct dom0_device_ops ops = { got_range, got_irq };
	static struct given g;
	void *fdt = editable("dom0");
	int bus = fdt_add_subnode(fdt, 0, "soc");
	int dev;
	/* child 0 (1 cell) -> parent 0x1c000000 (2 cells), 1 MiB (1 cell) */
	uint32_t ranges[4] = { 0, 0, cpu_to_fdt32(0x1c000000), cpu_to_fdt32(0x100000) };
	uint32_t reg[2] = { cpu_to_fdt32(0x2000), cpu_to_fdt32(0x1000) };

	fdt_setprop_u32(fdt, bus, "#address-cells", 1);
	fdt_setprop_u32(fdt, bus, "#size-cells", 1);
	fdt_setprop(fdt, bus, "ranges", ranges, sizeof(ranges));
	dev = fdt_add_subnode(fdt, bus, "uart@2000");
	fdt_setprop(fdt, dev, "reg", reg, sizeof(reg));
	parse(fdt);
	memset(&g, 0, sizeof(g));
	CHECK_EQ(dom0_devices(fdt, &host, &ops, &g), 0);
	CHECK(find_range(&g, 0x1c002000) >= 0);
	fdt_delprop(fdt, fdt_path_offset(fdt, "/soc"), "ranges");
	memset(&g, 0, sizeof(g));
	CHECK_EQ(dom0_devices(fdt, &host, &ops, &g), 0);
	CHECK(find_range(&g, 0x1c002000) < 0);
	CHECK(find_range(&g, 0x2000) < 0);
	free(fdt);
}

int main(void)
{
	RUN(test_config);
	RUN(test_bootargs);
	RUN(test_modules);
	RUN(test_tree);
	RUN(test_devices);
	RUN(test_translation);
	return check_done("test_dom0");
}
