// SPDX-License-Identifier: MIT
/*
 * guest_dt_build: the domU device tree. The output for the dom0less
 * example must match, node by node and property by property, the tree
 * written out by hand in dts/expect-guest-domU1.dts (Xen 4.17's layout,
 * A.3 of the ABI notes), and must be byte-identical to the same tree
 * built with libfdt's sequential writer in the same order (which is how
 * Xen builds it). Variants cover the optional parts.
 */
#include <libfdt.h>

#include "check.h"
#include <xenith/config.h>
#include <xenith/fdt.h>
#include "cfg_storage.h"

static struct host_info host;
static struct system_config cfg;
static char err[CFG_ERR_LEN];
static uint8_t out[GUEST_DTB_MAX];

/* Parse the dom0less example and lay out domain idx with a 26 MiB
 * kernel, as the hypervisor would. */
static void setup(int idx, struct guest_layout *l)
{
	/* host_info points into the blob, so it lives until the next setup. */
	static void *fdt;
	struct kernel_info ki = { 0, 0x1a00000, 0xa };

	free(fdt);
	fdt = load_dtb("dom0less", 0, NULL);
	if (host_parse(fdt, &host, err, sizeof(err)) ||
	    config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err)) < 0) {
		fprintf(stderr, "setup: %s\n", err);
		exit(2);
	}
	config_validate(&host, &cfg);
	if (guest_layout_compute(&cfg.dom[idx], &ki, GUEST_DTB_MAX, l, err,
				 sizeof(err))) {
		fprintf(stderr, "layout: %s\n", err);
		exit(2);
	}
}

/* Walks both trees in document order: same names, depths, properties
 * (names, order, values). */
static void compare_trees(const void *a, const void *b)
{
	int da = 0, db = 0;
	int na = fdt_next_node(a, -1, &da), nb = fdt_next_node(b, -1, &db);

	for (; na >= 0 && nb >= 0;
	     na = fdt_next_node(a, na, &da), nb = fdt_next_node(b, nb, &db)) {
		CHECK_STR(fdt_get_name(a, na, NULL), fdt_get_name(b, nb, NULL));
		CHECK_EQ(da, db);
		int pa = fdt_first_property_offset(a, na);
		int pb = fdt_first_property_offset(b, nb);
		for (; pa >= 0 && pb >= 0;
		     pa = fdt_next_property_offset(a, pa),
		     pb = fdt_next_property_offset(b, pb)) {
			const char *sa, *sb;
			int la, lb;
			const void *va = fdt_getprop_by_offset(a, pa, &sa, &la);
			const void *vb = fdt_getprop_by_offset(b, pb, &sb, &lb);

			CHECK_STR(sa, sb);
			CHECK_EQ(la, lb);
			CHECK(la == lb && memcmp(va, vb, (size_t)la) == 0);
		}
		CHECK(pa < 0 && pb < 0); /* same number of properties */
	}
	CHECK(na < 0 && nb < 0); /* same number of nodes */
}

/* ---- the same tree through libfdt, in Xen's order ------------------------- */

static void lf_irq(uint32_t *c, uint32_t irq, uint32_t type)
{
	c[0] = cpu_to_fdt32(irq < 32 ? 1 : 0);
	c[1] = cpu_to_fdt32(irq - (irq < 32 ? 16 : 32));
	c[2] = cpu_to_fdt32(0xf00 | type);
}

static void lf_range(uint32_t *c, uint64_t base, uint64_t size)
{
	c[0] = cpu_to_fdt32((uint32_t)(base >> 32));
	c[1] = cpu_to_fdt32((uint32_t)base);
	c[2] = cpu_to_fdt32((uint32_t)(size >> 32));
	c[3] = cpu_to_fdt32((uint32_t)size);
}

static void lf_cpus(void *f, const struct domain_config *d)
{
	fdt_begin_node(f, "cpus");
	fdt_property_u32(f, "#address-cells", 1);
	fdt_property_u32(f, "#size-cells", 0);
	for (uint32_t i = 0; i < d->vcpus; i++) {
		char name[32];
		uint32_t aff = (i & 0xf) | ((i >> 4) << 8);

		snprintf(name, sizeof(name), "cpu@%x", aff);
		fdt_begin_node(f, name);
		fdt_property(f, "compatible", host.cpu_compatible, host.cpu_compatible_len);
		fdt_property_string(f, "device_type", "cpu");
		fdt_property_u32(f, "reg", aff);
		if (host.cpu_clock_freq)
			fdt_property_u32(f, "clock-frequency", host.cpu_clock_freq);
		fdt_property_string(f, "enable-method", "psci");
		fdt_end_node(f);
	}
	fdt_end_node(f);
}

static void lf_devices(void *f, const struct domain_config *d)
{
	uint32_t c[9], r[8];

	lf_range(r, 0x03001000, 0x10000);
	lf_range(r + 4, 0x03020000, 0x1000000);
	fdt_begin_node(f, "interrupt-controller@3001000");
	fdt_property_u32(f, "#address-cells", 0);
	fdt_property_u32(f, "#interrupt-cells", 3);
	fdt_property(f, "interrupt-controller", NULL, 0);
	fdt_property_string(f, "compatible", "arm,gic-v3");
	fdt_property(f, "reg", r, 32);
	fdt_property_u32(f, "linux,phandle", 65000);
	fdt_property_u32(f, "phandle", 65000);
	fdt_end_node(f);
	lf_irq(c, 29, 8);
	lf_irq(c + 3, 30, 8);
	lf_irq(c + 6, 27, 8);
	fdt_begin_node(f, "timer");
	fdt_property_string(f, "compatible", "arm,armv8-timer");
	fdt_property(f, "interrupts", c, 36);
	fdt_property_u32(f, "interrupt-parent", 65000);
	if (host.timer_freq)
		fdt_property_u32(f, "clock-frequency", host.timer_freq);
	fdt_end_node(f);
	if (d->vpl011) {
		lf_range(r, 0x22000000, 0x1000);
		lf_irq(c, 32, 4);
		fdt_begin_node(f, "sbsa-uart@22000000");
		fdt_property_string(f, "compatible", "arm,sbsa-uart");
		fdt_property(f, "reg", r, 16);
		fdt_property(f, "interrupts", c, 12);
		fdt_property_u32(f, "interrupt-parent", 65000);
		fdt_property_u32(f, "current-speed", 115200);
		fdt_end_node(f);
	}
	if (d->enhanced != ENHANCED_NONE) {
		static const char compat[] = "xen,xen-4.17\0xen,xen";

		lf_range(r, 0x38000000, 0x1000000);
		lf_irq(c, 31, 8);
		fdt_begin_node(f, "hypervisor");
		fdt_property(f, "compatible", compat, sizeof(compat));
		fdt_property(f, "reg", r, 16);
		fdt_property(f, "interrupts", c, 12);
		fdt_property_u32(f, "interrupt-parent", 65000);
		fdt_end_node(f);
	}
}

static int libfdt_reference(const struct domain_config *d,
			    const struct guest_layout *l, void *f, int cap)
{
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	uint32_t r[8];

	fdt_create(f, cap);
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 2);
	fdt_begin_node(f, "chosen");
	if (d->kernel.bootargs && d->kernel.bootargs[0])
		fdt_property_string(f, "bootargs", d->kernel.bootargs);
	fdt_property_u64(f, "linux,initrd-start", l->initrd_size ? l->initrd_ipa : 0);
	fdt_property_u64(f, "linux,initrd-end",
			 l->initrd_size ? l->initrd_ipa + l->initrd_size : 0);
	fdt_end_node(f);
	fdt_begin_node(f, "psci");
	fdt_property(f, "compatible", psci, sizeof(psci));
	fdt_property_string(f, "method", "hvc");
	fdt_property_u32(f, "cpu_off", 1);
	fdt_property_u32(f, "cpu_on", 2);
	fdt_end_node(f);
	lf_cpus(f, d);
	fdt_begin_node(f, "memory@40000000");
	fdt_property_string(f, "device_type", "memory");
	for (int i = 0; i < l->nr_ram; i++)
		lf_range(r + 4 * i, l->ram[i].base, l->ram[i].size);
	fdt_property(f, "reg", r, 16 * l->nr_ram);
	fdt_end_node(f);
	lf_devices(f, d);
	fdt_end_node(f);
	if (fdt_finish(f))
		return -1;
	return (int)fdt_totalsize(f);
}

/* Builds with guest_dt_build and with libfdt; must be identical. */
static void check_identical(const struct domain_config *d,
			    const struct guest_layout *l)
{
	static uint8_t ref[GUEST_DTB_MAX];
	int n = guest_dt_build(d, &host, l, out, sizeof(out));
	int m = libfdt_reference(d, l, ref, sizeof(ref));

	CHECK(n > 0);
	CHECK_EQ(n, m);
	CHECK(n == m && memcmp(out, ref, (size_t)n) == 0);
	CHECK_EQ(fdt_check_full(out, (size_t)(n > 0 ? n : 0)), 0);
	CHECK_EQ(dt_check(out, (size_t)(n > 0 ? n : 0)), 0);
}

static void test_domU1_matches_xen(void)
{
	struct guest_layout l;

	setup(0, &l);
	int n = guest_dt_build(&cfg.dom[0], &host, &l, out, sizeof(out));
	CHECK(n > 0 && n < 4096); /* fits Xen's DOMU_DTB_SIZE */
	void *expect = load_dtb("expect-guest-domU1", 0, NULL);
	compare_trees(out, expect);
	free(expect);
	check_identical(&cfg.dom[0], &l);

	/* Depth-1 node order is what guests may rely on. */
	static const char *const order[] = {
		"chosen", "psci", "cpus", "memory@40000000",
		"interrupt-controller@3001000", "timer", "sbsa-uart@22000000",
		"hypervisor",
	};
	int i = 0, child;
	fdt_for_each_subnode(child, out, 0) {
		if (i < 8)
			CHECK_STR(fdt_get_name(out, child, NULL), order[i]);
		i++;
	}
	CHECK_EQ(i, 8);
}

static void test_domU2_minimal(void)
{
	struct guest_layout l;

	setup(1, &l);
	check_identical(&cfg.dom[1], &l);
	int n = guest_dt_build(&cfg.dom[1], &host, &l, out, sizeof(out));
	CHECK(n > 0);
	/* No vpl011, no xen,enhanced: neither node. */
	CHECK(fdt_path_offset(out, "/sbsa-uart@22000000") < 0);
	CHECK(fdt_path_offset(out, "/hypervisor") < 0);
	/* No bootargs; Xen's initrd placeholders stay 0 without an initrd. */
	int chosen = fdt_path_offset(out, "/chosen"), len;
	CHECK(fdt_getprop(out, chosen, "bootargs", NULL) == NULL);
	const void *v = fdt_getprop(out, chosen, "linux,initrd-start", &len);
	CHECK(v && len == 8 && dt_read_cells(v, 2) == 0);
	v = fdt_getprop(out, chosen, "linux,initrd-end", &len);
	CHECK(v && len == 8 && dt_read_cells(v, 2) == 0);
	CHECK(fdt_path_offset(out, "/cpus/cpu@1") < 0);
}

static void test_variants(void)
{
	struct guest_layout l;

	setup(0, &l);
	struct domain_config d = cfg.dom[0];

	/* Host clock frequencies are passed on. */
	host.cpu_clock_freq = 1000000000;
	host.timer_freq = 62500000;
	d.enhanced = ENHANCED_ENABLED;
	check_identical(&d, &l);
	uint32_t v;
	int n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	CHECK(n > 0);
	CHECK(dt_prop_u32(out, dt_path(out, "/timer"), "clock-frequency", &v));
	CHECK_EQ(v, 62500000);
	CHECK(dt_prop_u32(out, dt_path(out, "/cpus/cpu@1"), "clock-frequency", &v));
	CHECK_EQ(v, 1000000000);
	CHECK(dt_path(out, "/hypervisor") > 0);
	host.cpu_clock_freq = 0;
	host.timer_freq = 0;

	/* vCPU 17 is cpu@101 (Aff1 = 1, Aff0 = 1). */
	d.vcpus = 18;
	check_identical(&d, &l);
	n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	CHECK(n > 0);
	int cpu = dt_path(out, "/cpus/cpu@101");
	CHECK(cpu > 0);
	CHECK(dt_prop_u32(out, cpu, "reg", &v));
	CHECK_EQ(v, 0x101);
	CHECK_EQ(guest_vcpu_affinity(17), 0x101);
	CHECK_EQ(guest_vcpu_affinity(15), 0xf);
	CHECK_EQ(guest_vcpu_affinity(127), 0x70f);

	/* Two RAM banks in one reg. */
	d.vcpus = 2;
	d.mem_kb = 4 * 1024 * 1024;
	struct kernel_info ki = { 0, 0x1a00000, 0xa };
	CHECK_EQ(guest_layout_compute(&d, &ki, GUEST_DTB_MAX, &l, err, sizeof(err)), 0);
	check_identical(&d, &l);
	n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	int mem = dt_path(out, "/memory@40000000"), len;
	const uint8_t *reg = dt_prop(out, mem, "reg", &len);
	CHECK_EQ(len, 32);
	CHECK(reg && dt_read_cells(reg + 16, 2) == 0x200000000ULL);
	CHECK(reg && dt_read_cells(reg + 24, 2) == 0x40000000ULL);
}

/* Xenith's dom0less virtio devices: the node libxl writes for a virtio
 * disk (virtio@<base>, "virtio,mmio", 0x200 bytes, edge SPI, dma-coherent),
 * last at the root; eleven still fit. */
static void test_virtio_nodes(void)
{
	struct guest_layout l;
	struct domain_config d;
	int n, node, len;
	const uint8_t *p;

	setup(0, &l);
	d = cfg.dom[0];
	d.nr_virtio = MAX_DOM_VIRTIO;
	for (int i = 0; i < MAX_DOM_VIRTIO; i++)
		d.virtio[i] = (struct virtio_mmio_cfg){ GUEST_VIRTIO_MMIO_BASE + 0x200ULL * (unsigned)i,
							GUEST_VIRTIO_SPI_FIRST + (unsigned)i, 0 };
	n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	CHECK(n > 0);
	CHECK_EQ(fdt_check_full(out, (size_t)(n > 0 ? n : 0)), 0);
	node = fdt_path_offset(out, "/virtio@2000200");
	CHECK(node > 0);
	CHECK_STR(fdt_getprop(out, node, "compatible", NULL), "virtio,mmio");
	p = fdt_getprop(out, node, "reg", &len);
	CHECK(p && len == 16 && dt_read_cells(p, 2) == 0x2000200 && dt_read_cells(p + 8, 2) == 0x200);
	p = fdt_getprop(out, node, "interrupts", &len);
	CHECK(p && len == 12 && dt_read_cells(p, 1) == 0 && dt_read_cells(p + 4, 1) == 2 &&
	      dt_read_cells(p + 8, 1) == 0xf01);
	CHECK(fdt_getprop(out, node, "dma-coherent", &len) && len == 0);
	CHECK(fdt_path_offset(out, "/virtio@2001400") > 0);   /* the eleventh */
	CHECK(!fdt_getprop(out, node, "iommus", NULL));
	CHECK(fdt_path_offset(out, "/xen_iommu") < 0);   /* no device uses grants */

	/* VirtIO-Grant: one xen,grant-dma node, named by each device that uses
	 * grants with its backend's domid (dom0, or the device model). */
	d.virtio[1].grant_usage = 1;
	d.virtio[2].grant_usage = -1;   /* libxl's default: no device model, off */
	n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	CHECK(n > 0);
	node = fdt_path_offset(out, "/xen_iommu");
	CHECK(node > 0);
	CHECK_STR(fdt_getprop(out, node, "compatible", NULL), "xen,grant-dma");
	p = fdt_getprop(out, node, "#iommu-cells", &len);
	CHECK(p && len == 4 && dt_read_cells(p, 1) == 1);
	p = fdt_getprop(out, node, "phandle", &len);
	CHECK(p && len == 4 && dt_read_cells(p, 1) == 65001);
	p = fdt_getprop(out, fdt_path_offset(out, "/virtio@2000200"), "iommus", &len);
	CHECK(p && len == 8 && dt_read_cells(p, 1) == 65001 && dt_read_cells(p + 4, 1) == 0);
	CHECK(!fdt_getprop(out, fdt_path_offset(out, "/virtio@2000400"), "iommus", NULL));
	d.has_dm = true;
	d.dm_domid = 3;
	d.virtio[1].grant_usage = 0;
	n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	CHECK(n > 0);
	p = fdt_getprop(out, fdt_path_offset(out, "/virtio@2000400"), "iommus", &len);
	CHECK(p && len == 8 && dt_read_cells(p, 1) == 65001 && dt_read_cells(p + 4, 1) == 3);
	CHECK(!fdt_getprop(out, fdt_path_offset(out, "/virtio@2000200"), "iommus", NULL));
	CHECK(fdt_path_offset(out, "/xen_iommu") > 0);
	/* Without Xen's interfaces (no xen,enhanced) the default is off: such
	 * a Linux would never find the grant DMA layer. */
	d.enhanced = ENHANCED_NONE;
	n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	CHECK(n > 0);
	CHECK(!fdt_getprop(out, fdt_path_offset(out, "/virtio@2000400"), "iommus", NULL));
	CHECK(fdt_path_offset(out, "/xen_iommu") < 0);
}

static void test_limits(void)
{
	struct guest_layout l;

	setup(0, &l);
	int n = guest_dt_build(&cfg.dom[0], &host, &l, out, sizeof(out));
	CHECK(n > 0);
	/* One byte short: an error, and no byte written past the end. */
	static uint8_t small[GUEST_DTB_MAX + 1];
	memset(small, 0xcc, sizeof(small));
	CHECK_EQ(guest_dt_build(&cfg.dom[0], &host, &l, small, (size_t)n - 1),
		 DT_ERR_NOSPACE);
	CHECK_EQ(small[n - 1], 0xcc);
	CHECK_EQ(guest_dt_build(&cfg.dom[0], &host, &l, small, (size_t)n), n);
	CHECK(memcmp(small, out, (size_t)n) == 0);

	/* MAX_DOM_VCPUS and 2 KiB of bootargs still fit GUEST_DTB_MAX. */
	static char args[2048];
	memset(args, 'a', sizeof(args) - 1);
	struct domain_config d = cfg.dom[0];
	d.vcpus = MAX_DOM_VCPUS;
	d.kernel.bootargs = args;
	n = guest_dt_build(&d, &host, &l, out, sizeof(out));
	CHECK(n > 0 && n <= GUEST_DTB_MAX);

	/* Without the host CPU's compatible there is nothing to copy. */
	struct host_info h2 = host;
	h2.cpu_compatible = NULL;
	CHECK_EQ(guest_dt_build(&cfg.dom[0], &h2, &l, out, sizeof(out)), DT_ERR_NOTFOUND);
}

int main(void)
{
	RUN(test_domU1_matches_xen);
	RUN(test_domU2_minimal);
	RUN(test_variants);
	RUN(test_virtio_nodes);
	RUN(test_limits);
	return check_done("test_guest_dt");
}
