// SPDX-License-Identifier: MIT
/*
 * guest_dt_build: the device tree Xen 4.17 writes for a dom0less domU
 * (prepare_dtb_domU() in xen/arch/arm/domain_build.c), GICv3 flavour.
 *
 * Node order, names and property order follow Xen exactly, because guest
 * OSes find nodes by name (Linux looks for a depth-1 "hypervisor") and
 * tests compare our blob with Xen's. See docs xen-arm-guest-abi.md A.3.
 */
#include "cfg_msg.h"
#include "guest_dt_parts.h"

#define ROOT_ADDR_CELLS 2
#define ROOT_SIZE_CELLS 2
#define PSCI_0_1_CPU_OFF 1 /* the PSCI 0.1 function IDs Xen advertises */
#define PSCI_0_1_CPU_ON  2
#define GUEST_TIMER_VIRT_PPI    27
#define GUEST_TIMER_PHYS_S_PPI  29
#define GUEST_TIMER_PHYS_NS_PPI 30

void gic_irq(uint32_t cell[3], uint32_t irq, uint32_t type)
{
	bool ppi = irq < 32;

	cell[0] = ppi ? 1 : 0;
	cell[1] = irq - (ppi ? 16 : 32);
	cell[2] = (0xf << 8) | type;
}

/* One (address, size) pair in the root's 2 + 2 cells. */
static void range(uint32_t *cells, uint64_t base, uint64_t size)
{
	cells[0] = (uint32_t)(base >> 32);
	cells[1] = (uint32_t)base;
	cells[2] = (uint32_t)(size >> 32);
	cells[3] = (uint32_t)size;
}

void begin_unit(struct dt_writer *w, const char *prefix, uint64_t addr)
{
	char name[48];

	snprintf(name, sizeof(name), "%s@%llx", prefix, (unsigned long long)addr);
	dt_wr_begin_node(w, name);
}

/*
 * Xen creates the initrd properties whenever the kernel module exists
 * (make_chosen_node tests the kernel, not the initrd) and fills them in
 * only when there is an initrd, so without one a domU sees both as 0.
 * Reproduced as is; Linux ignores an empty initrd range.
 */
static void make_chosen(struct dt_writer *w, const struct domain_config *d,
			const struct guest_layout *l)
{
	const char *args = d->kernel.bootargs;
	uint64_t start = l->initrd_size ? l->initrd_ipa : 0;
	uint64_t end = l->initrd_size ? l->initrd_ipa + l->initrd_size : 0;

	dt_wr_begin_node(w, "chosen");
	if (args && args[0])
		dt_wr_prop_str(w, "bootargs", args);
	if (d->kernel.present && d->kernel.size) {
		dt_wr_prop_u64(w, "linux,initrd-start", start);
		dt_wr_prop_u64(w, "linux,initrd-end", end);
	}
	dt_wr_end_node(w);
}

void make_psci(struct dt_writer *w)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

	dt_wr_begin_node(w, "psci");
	dt_wr_prop(w, "compatible", compat, sizeof(compat));
	dt_wr_prop_str(w, "method", "hvc");
	dt_wr_prop_u32(w, "cpu_off", PSCI_0_1_CPU_OFF);
	dt_wr_prop_u32(w, "cpu_on", PSCI_0_1_CPU_ON);
	dt_wr_end_node(w);
}

void make_cpus(struct dt_writer *w, const struct domain_config *d,
	       const struct host_info *h)
{
	dt_wr_begin_node(w, "cpus");
	dt_wr_prop_u32(w, "#address-cells", 1);
	dt_wr_prop_u32(w, "#size-cells", 0);
	for (uint32_t i = 0; i < d->vcpus; i++) {
		uint64_t aff = guest_vcpu_affinity(i);

		begin_unit(w, "cpu", aff);
		dt_wr_prop(w, "compatible", h->cpu_compatible,
			   (size_t)h->cpu_compatible_len);
		dt_wr_prop_str(w, "device_type", "cpu");
		dt_wr_prop_u32(w, "reg", (uint32_t)aff);
		if (h->cpu_clock_freq)
			dt_wr_prop_u32(w, "clock-frequency", h->cpu_clock_freq);
		dt_wr_prop_str(w, "enable-method", "psci");
		dt_wr_end_node(w);
	}
	dt_wr_end_node(w);
}

static void make_memory(struct dt_writer *w, const struct guest_layout *l)
{
	uint32_t reg[4 * MAX_STATIC_BANKS];

	begin_unit(w, "memory", l->ram[0].base);
	dt_wr_prop_str(w, "device_type", "memory");
	for (int i = 0; i < l->nr_ram; i++)
		range(reg + 4 * i, l->ram[i].base, l->ram[i].size);
	dt_wr_prop_cells(w, "reg", reg, 4 * l->nr_ram);
	dt_wr_end_node(w);
}

/* Static shared memory, as Xen 4.17's make_resv_memory_node writes it:
 * one /reserved-memory node (ranges, then the root's cells), a child
 * "xen-shmem@<guest address>" per region. xen,offset is always 0 in
 * 4.17 (its TODO for borrowers). */
static void make_shm(struct dt_writer *w, const struct domain_config *d)
{
	static const char compat[] = "xen,shared-memory-v1";
	uint32_t reg[4];

	if (!d->nr_shm)
		return;
	dt_wr_begin_node(w, "reserved-memory");
	dt_wr_prop_empty(w, "ranges");
	dt_wr_prop_u32(w, "#address-cells", ROOT_ADDR_CELLS);
	dt_wr_prop_u32(w, "#size-cells", ROOT_SIZE_CELLS);
	for (int i = 0; i < d->nr_shm; i++) {
		const struct shm_config *s = &d->shm[i];

		begin_unit(w, "xen-shmem", s->gaddr);
		dt_wr_prop(w, "compatible", compat, sizeof(compat));
		range(reg, s->gaddr, s->size);
		dt_wr_prop_cells(w, "reg", reg, 4);
		dt_wr_prop_str(w, "xen,id", s->id);
		dt_wr_prop_u64(w, "xen,offset", 0);
		dt_wr_end_node(w);
	}
	dt_wr_end_node(w);
}

static void make_gicv3(struct dt_writer *w, const struct guest_layout *l)
{
	uint32_t reg[8];

	range(reg, l->gicd_base, GUEST_GICD_SIZE);
	range(reg + 4, l->gicr_base, l->gicr_size);
	begin_unit(w, "interrupt-controller", l->gicd_base);
	dt_wr_prop_u32(w, "#address-cells", 0);
	dt_wr_prop_u32(w, "#interrupt-cells", 3);
	dt_wr_prop_empty(w, "interrupt-controller");
	dt_wr_prop_str(w, "compatible", "arm,gic-v3");
	dt_wr_prop_cells(w, "reg", reg, 8);
	dt_wr_prop_u32(w, "linux,phandle", GUEST_PHANDLE_GIC);
	dt_wr_prop_u32(w, "phandle", GUEST_PHANDLE_GIC);
	dt_wr_end_node(w);
}

/* The timer is emulated: the guest always sees the standard PPIs,
 * level-low, whatever the host uses. */
static void make_timer(struct dt_writer *w, const struct host_info *h)
{
	uint32_t irqs[9];

	gic_irq(irqs, GUEST_TIMER_PHYS_S_PPI, IRQ_TYPE_LEVEL_LOW);
	gic_irq(irqs + 3, GUEST_TIMER_PHYS_NS_PPI, IRQ_TYPE_LEVEL_LOW);
	gic_irq(irqs + 6, GUEST_TIMER_VIRT_PPI, IRQ_TYPE_LEVEL_LOW);
	dt_wr_begin_node(w, "timer");
	dt_wr_prop_str(w, "compatible", "arm,armv8-timer");
	dt_wr_prop_cells(w, "interrupts", irqs, 9);
	dt_wr_prop_u32(w, "interrupt-parent", GUEST_PHANDLE_GIC);
	if (h->timer_freq)
		dt_wr_prop_u32(w, "clock-frequency", h->timer_freq);
	dt_wr_end_node(w);
}

/* Does device v use grants (its own setting, else libxl's rule: a
 * backend outside dom0, here only for a guest with a grant table)? */
static bool virtio_grants(const struct domain_config *d, const struct virtio_mmio_cfg *v)
{
	if (v->grant_usage >= 0)
		return v->grant_usage != 0;
	return d->has_dm && d->enhanced != ENHANCED_NONE;
}

/* The node Xen 4.18's libxl writes once when a virtio device uses
 * grants, which each such device's "iommus" names (Linux's
 * xen,grant-dma binding: one cell, the backend's domid). */
static void make_grant_dma(struct dt_writer *w, const struct domain_config *d)
{
	for (int i = 0; i < d->nr_virtio; i++)
		if (virtio_grants(d, &d->virtio[i])) {
			dt_wr_begin_node(w, "xen_iommu");
			dt_wr_prop_str(w, "compatible", "xen,grant-dma");
			dt_wr_prop_u32(w, "#iommu-cells", 1);
			dt_wr_prop_u32(w, "phandle", GUEST_PHANDLE_IOMMU);
			dt_wr_end_node(w);
			return;
		}
}

/* The node libxl writes for a virtio disk, for each device of the
 * domain's configuration (boot/virtio_cfg.c); the backend of a device
 * with grants is the domain's device model, else dom0. */
static void make_virtio(struct dt_writer *w, const struct domain_config *d)
{
	for (int i = 0; i < d->nr_virtio; i++) {
		uint32_t reg[4], irq[3], iommus[2] = { GUEST_PHANDLE_IOMMU, d->has_dm ? d->dm_domid : 0 };

		range(reg, d->virtio[i].base, GUEST_VIRTIO_DEV_SIZE);
		gic_irq(irq, d->virtio[i].intid, IRQ_TYPE_EDGE_RISING);
		begin_unit(w, "virtio", d->virtio[i].base);
		dt_wr_prop_str(w, "compatible", "virtio,mmio");
		dt_wr_prop_cells(w, "reg", reg, 4);
		dt_wr_prop_cells(w, "interrupts", irq, 3);
		dt_wr_prop_u32(w, "interrupt-parent", GUEST_PHANDLE_GIC);
		dt_wr_prop(w, "dma-coherent", "", 0);
		if (virtio_grants(d, &d->virtio[i]))
			dt_wr_prop_cells(w, "iommus", iommus, 2);
		dt_wr_end_node(w);
	}
}

static void make_vpl011(struct dt_writer *w, const struct guest_layout *l)
{
	uint32_t reg[4], irq[3];

	range(reg, l->uart_base, GUEST_PL011_SIZE);
	gic_irq(irq, 32 + l->uart_spi, IRQ_TYPE_LEVEL_HIGH);
	begin_unit(w, "sbsa-uart", l->uart_base);
	dt_wr_prop_str(w, "compatible", "arm,sbsa-uart");
	dt_wr_prop_cells(w, "reg", reg, 4);
	dt_wr_prop_cells(w, "interrupts", irq, 3);
	dt_wr_prop_u32(w, "interrupt-parent", GUEST_PHANDLE_GIC);
	dt_wr_prop_u32(w, "current-speed", 115200);
	dt_wr_end_node(w);
}

/* Name must be exactly "hypervisor": Linux's early scan compares it whole.
 * Extended regions (reg entries after the grant table) are not offered
 * yet, so a guest uses ballooned pages for foreign mappings. */
static void make_hypervisor(struct dt_writer *w, const struct guest_layout *l)
{
	static const char compat[] = "xen,xen-4.17\0xen,xen";
	uint32_t reg[4], irq[3];

	range(reg, GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE);
	gic_irq(irq, l->evtchn_intid, IRQ_TYPE_LEVEL_LOW);
	dt_wr_begin_node(w, "hypervisor");
	dt_wr_prop(w, "compatible", compat, sizeof(compat));
	dt_wr_prop_cells(w, "reg", reg, 4);
	dt_wr_prop_cells(w, "interrupts", irq, 3);
	dt_wr_prop_u32(w, "interrupt-parent", GUEST_PHANDLE_GIC);
	dt_wr_end_node(w);
}

int guest_dt_build(const struct domain_config *d, const struct host_info *h,
		   const struct guest_layout *l, void *buf, size_t cap)
{
	struct dt_writer w;

	if (!h->cpu_compatible || h->cpu_compatible_len <= 0 || l->nr_ram < 1)
		return DT_ERR_NOTFOUND;
	dt_wr_init(&w, buf, cap);
	dt_wr_begin_node(&w, "");
	dt_wr_prop_u32(&w, "#address-cells", ROOT_ADDR_CELLS);
	dt_wr_prop_u32(&w, "#size-cells", ROOT_SIZE_CELLS);
	make_chosen(&w, d, l);
	make_psci(&w);
	make_cpus(&w, d, h);
	make_memory(&w, l);
	make_shm(&w, d);
	make_gicv3(&w, l);
	make_timer(&w, h);
	if (d->vpl011)
		make_vpl011(&w, l);
	if (d->enhanced != ENHANCED_NONE)
		make_hypervisor(&w, l);
	make_grant_dma(&w, d);
	make_virtio(&w, d);
	dt_wr_end_node(&w);
	return dt_wr_finish(&w);
}
