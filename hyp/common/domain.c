// SPDX-License-Identifier: MIT
/*
 * Domain construction, generic part: the same function a toolstack's
 * create-domain call will use. It allocates guest RAM and the P2M pool,
 * asks the architecture for stage-2 and the vGIC, loads the kernel and
 * ramdisk by the Linux arm64 boot protocol and writes the guest DT.
 */
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/fdt.h>
#include <xenith/heap.h>
#include <xenith/lib.h>
#include <xenith/lifecycle.h>

#define MiB (1ULL << 20)
#define PAGE_SIZE 4096ULL

bool boot_scrub = true;
/* Copies len bytes from host src to guest-physical ipa, across the host
 * pieces backing it (static memory may be several). False if part of the
 * range is not guest RAM. */
static bool copy_to_guest_ram(struct domain *d, uint64_t ipa, const void *src, uint64_t len)
{
	while (len) {
		const struct ram_piece *r = NULL;
		uint64_t n;

		for (int i = 0; i < d->nr_ram && !r; i++)
			if (ipa >= d->ram[i].ipa && ipa - d->ram[i].ipa < d->ram[i].size)
				r = &d->ram[i];
		if (!r)
			return false;
		n = MIN(len, r->size - (ipa - r->ipa));
		memcpy((void *)(uintptr_t)(r->pa + (ipa - r->ipa)), src, n);
		arch_clean_dcache(r->pa + (ipa - r->ipa), n);
		src = (const uint8_t *)src + n;
		ipa += n;
		len -= n;
	}
	return true;
}

/*
 * What the domain being built has taken from the allocator, so that a
 * construction that fails gives all of it back. Boot builds one domain
 * at a time. Once its vCPUs join their pool (the last step) nothing is
 * given back: the pool would point into freed memory; validation makes
 * that step unable to fail.
 */
static struct {
	struct mem_bank taken[MAX_RAM_PIECES + 8];
	int nr;
} building;

static uint64_t take(struct ram_map *ram, uint64_t size, uint64_t align)
{
	uint64_t pa = ram_map_alloc(ram, size, align);

	if (pa && building.nr == (int)ARRAY_SIZE(building.taken)) {
		ram_map_free(ram, pa, size);   /* could not be given back later */
		return 0;
	}
	if (pa)
		building.taken[building.nr++] = (struct mem_bank){ pa, size };
	return pa;
}

static int fail(const struct domain_config *c, const char *what)
{
	printk("%s: %s\n", c->path, what);
	return -1;
}

/* Static memory: the host ranges, packed into the guest banks the layout
 * made of `memory` (Xen's allocate_static_memory: in tree order, a range
 * carrying on into the next bank where one is full), or 1:1. Reserved
 * at boot before any allocation (main.c), so nothing is taken here. */
static void static_pieces(struct domain *d)
{
	const struct domain_config *c = d->cfg;
	int bank = 0;
	uint64_t used = 0;

	for (int i = 0; i < c->nr_static_mem; i++) {
		uint64_t pa = c->static_mem[i].base, left = c->static_mem[i].size;

		while (left) {
			const struct mem_bank *g = &d->layout.ram[bank];
			uint64_t ipa = c->direct_map ? pa : g->base + used;
			uint64_t n = c->direct_map ? left : MIN(left, g->size - used);

			d->ram[d->nr_ram++] = (struct ram_piece){ ipa, pa, n };
			pa += n;
			left -= n;
			used += n;
			if (!c->direct_map && used == g->size) {
				bank++;
				used = 0;
			}
		}
	}
}

/* One guest bank: a single host range if one is free, else pieces of
 * decreasing power-of-two sizes (at least 2 MiB), as Xen's allocator
 * gives a domain whatever orders it has. 0, or -1 (what was taken is
 * recorded and goes back with the rest). */
static int alloc_bank(struct domain *d, struct ram_map *ram, uint64_t ipa, uint64_t size)
{
	uint64_t piece = 1ULL << (63 - __builtin_clzll(size));

	if (size < 2 * MiB) {
		uint64_t pa = d->nr_ram < MAX_RAM_PIECES ? take(ram, size, PAGE_SIZE) : 0;

		if (!pa)
			return -1;
		d->ram[d->nr_ram++] = (struct ram_piece){ ipa, pa, size };
		return 0;
	}
	while (size) {
		uint64_t n = MIN(size, piece), pa;

		if (d->nr_ram == MAX_RAM_PIECES)
			return -1;
		pa = n == size || n >= piece ? take(ram, n, 2 * MiB) : 0;
		if (!pa) {
			if (piece <= 2 * MiB)
				return -1;
			piece >>= 1;
			continue;
		}
		d->ram[d->nr_ram++] = (struct ram_piece){ ipa, pa, n };
		ipa += n;
		size -= n;
	}
	return 0;
}

static int alloc_memory(struct domain *d, struct ram_map *ram)
{
	const struct domain_config *c = d->cfg;
	uint64_t pool_pages = (uint64_t)c->p2m_mem_mb * (MiB / PAGE_SIZE);
	uint64_t pool;

	if (c->nr_static_mem)
		static_pieces(d);
	for (int i = 0; !c->nr_static_mem && i < d->layout.nr_ram; i++)
		if (alloc_bank(d, ram, d->layout.ram[i].base, d->layout.ram[i].size))
			return fail(c, "memory: not enough free host RAM for this domain");
	/* Scrub: a guest never sees what was there before (unless the
	 * command line says bootscrub=off, as on Xen), static memory too. */
	for (int i = 0; boot_scrub && i < d->nr_ram; i++)
		arch_clear_memory(d->ram[i].pa, d->ram[i].size);
	pool = take(ram, pool_pages * PAGE_SIZE, PAGE_SIZE);
	if (!pool)
		return fail(c, "xen,domain-p2m-mem-mb: not enough free host RAM for the P2M pool");
	/* No need to clear the pool: each table page is zeroed (or filled)
	 * when the stage-2 code takes it. */
	page_pool_init(&d->p2m_pool, pool, pool_pages);
	return 0;
}

/* ---- dom0 ------------------------------------------------------------------ */

#define DOM0_MIN_PIECE (4 * MiB)  /* Xen's smallest allocation for dom0 */

/* dom0's RAM, 1:1 and as low as it can be (Xen's allocate_memory_11): one
 * range if it fits anywhere, else the lowest free ranges, the first at
 * least 128 MiB (or all of dom0_mem) for the kernel and its modules. */
int dom0_place_memory(struct domain_config *c, struct ram_map *ram)
{
	uint64_t want = c->mem_kb << 10;
	/* Xen's buddy allocator aligns a block to its size: dom0 gets the
	 * same addresses as under Xen when the same RAM is free. */
	uint64_t align = 1ULL << (63 - __builtin_clzll(want));
	uint64_t pa = ram_map_alloc_low(ram, want, MIN(align, 1ULL << 30));

	if (!pa)
		pa = ram_map_alloc_low(ram, want, 2 * MiB);

	c->nr_static_mem = 0;
	if (pa) {
		c->static_mem[c->nr_static_mem++] = (struct mem_bank){ pa, want };
		want = 0;
	} else {
		uint64_t first = MIN(want, 128 * MiB);

		for (int i = 0; i < ram->n && want && c->nr_static_mem < MAX_STATIC_BANKS; i++) {
			uint64_t base = ALIGN_UP(ram->free[i].base, 2 * MiB);
			uint64_t end = ALIGN_DOWN(ram->free[i].base + ram->free[i].size, 2 * MiB);
			uint64_t n = end > base ? MIN(end - base, want) : 0;

			if (n < DOM0_MIN_PIECE || (!c->nr_static_mem && n < first) ||
			    !ram_map_reserve(ram, base, n))
				continue;
			c->static_mem[c->nr_static_mem++] = (struct mem_bank){ base, n };
			want -= n;
			i--;   /* the range changed: look at what is left of it */
		}
	}
	if (want && c->nr_static_mem) {
		while (c->nr_static_mem--)
			ram_map_free(ram, c->static_mem[c->nr_static_mem].base,
				     c->static_mem[c->nr_static_mem].size);
		c->nr_static_mem = 0;
	}
	if (!c->nr_static_mem) {
		snprintf(c->err, sizeof(c->err), "dom0: dom0_mem: %llu MiB of 1:1 RAM: not enough free host RAM",
			 (unsigned long long)(c->mem_kb >> 10));
		return -1;
	}
	c->direct_map = true;
	return 0;
}

/* A device range dom0 may have: not host RAM (unless reserved-memory,
 * carved out for firmware or devices), not the GIC (emulated at the same
 * addresses), not the hypervisor's UART. */
static bool dom0_device_ok(const struct host_info *h, uint64_t pa, uint64_t size)
{
	/* Never the hypervisor's own memory, even inside a reserved region
	 * a malformed tree names. */
	const struct mem_bank deny[] = {
		{ h->gicd_base, h->gicd_size }, { h->gicr_base, h->gicr_size },
		{ h->uart_base, h->uart_size }, h->xen_image, h->fdt_blob,
	};

	for (size_t i = 0; i < ARRAY_SIZE(deny); i++)
		if (pa < deny[i].base + deny[i].size && deny[i].base < pa + size)
			return false;
	for (int i = 0; i < h->nr_mem; i++) {
		if (pa >= h->mem[i].base + h->mem[i].size || h->mem[i].base >= pa + size)
			continue;
		for (int r = 0; r < h->nr_reserved; r++)
			if (pa >= h->reserved[r].base &&
			    pa + size <= h->reserved[r].base + h->reserved[r].size)
				return true;
		return false;
	}
	return true;
}

struct dom0_ctx {
	struct domain *d;
	const struct host_info *h;
	unsigned int regions, irqs, refused, beyond;
};

static int dom0_map(void *arg, uint64_t pa, uint64_t size)
{
	struct dom0_ctx *x = arg;
	uint64_t base = ALIGN_DOWN(pa, PAGE_SIZE), end = ALIGN_UP(pa + size, PAGE_SIZE);

	if (end <= base)
		return 0;
	if (!dom0_device_ok(x->h, base, end - base)) {
		printk("d0: device range 0x%llx - 0x%llx overlaps host RAM, the GIC or the "
		       "hypervisor's UART: not given to dom0\n",
		       (unsigned long long)pa, (unsigned long long)(pa + size));
		x->refused++;
		return 0;
	}
	if (end > (1ULL << 39)) {
		x->beyond++;   /* beyond the 39-bit guest-physical space */
		return 0;
	}
	x->regions++;
	return arch_p2m_map_mmio(x->d, base, base, end - base);
}

static int dom0_irq(void *arg, uint32_t intid, bool level)
{
	struct dom0_ctx *x = arg;

	if (arch_route_spi(x->d, intid, level)) {
		printk("d0: SPI %u cannot be given to dom0 (the hypervisor's, or beyond its vGIC)\n",
		       intid - 32);
		return 0;
	}
	x->irqs++;
	return 0;
}

/* The host devices the hypervisor does not use become dom0's. */
static int dom0_give_devices(struct domain *d, const struct host_info *h, const void *fdt)
{
	static const struct dom0_device_ops ops = { dom0_map, dom0_irq };
	struct dom0_ctx x = { .d = d, .h = h };
	int rc;

	spin_lock(&d->p2m_lock);
	rc = dom0_devices(fdt, h, &ops, &x);
	spin_unlock(&d->p2m_lock);
	if (rc)
		return fail(d->cfg, "xen,domain-p2m-mem-mb: P2M pool too small for the host devices");
	printk("d0: %u device ranges mapped 1:1, %u SPIs routed%s\n", x.regions, x.irqs,
	       x.beyond ? " (ranges beyond the 39-bit guest-physical space left out)" : "");
	return 0;
}

/* dom0's grant table sits on the hypervisor's own image, which dom0 never
 * has as RAM (Xen 4.17 uses its text section, up to its gnttab_max_frames). */
static void dom0_layout(struct domain *d, const struct host_info *h)
{
	uint64_t frames = MIN(h->xen_image.size / PAGE_SIZE, (uint64_t)GNTTAB_MAX_FRAMES);

	d->layout.evtchn_intid = dom0_evtchn_intid(h);
	d->layout.gnttab_base = h->xen_image.base;
	d->layout.gnttab_size = frames * PAGE_SIZE;
}

/* Guest RAM, then the static shared regions at their guest addresses. */
static int map_memory(struct domain *d)
{
	const struct domain_config *c = d->cfg;
	int rc = 0;

	spin_lock(&d->p2m_lock);
	for (int i = 0; i < d->nr_ram && !rc; i++)
		rc = arch_p2m_map_ram(d, d->ram[i].ipa, d->ram[i].pa, d->ram[i].size);
	for (int i = 0; i < c->nr_shm && !rc; i++)
		rc = arch_p2m_map_ram(d, c->shm[i].gaddr, c->shm[i].paddr, c->shm[i].size);
	spin_unlock(&d->p2m_lock);
	if (rc)
		return fail(d->cfg, "xen,domain-p2m-mem-mb: P2M pool too small to map guest RAM");
	for (int i = 0; i < c->nr_shm; i++)
		if (c->shm[i].role == SHM_ROLE_OWNER)
			d->shm_owned[d->nr_shm_owned++] =
				(struct mem_bank){ c->shm[i].paddr, c->shm[i].size };
	return 0;
}

/* The guest device tree is written here first, then copied: its place
 * in guest RAM may straddle two host pieces of static memory. Boot only,
 * one domain at a time. */
static uint8_t dtb_buf[GUEST_DTB_MAX] __attribute__((aligned(8), section(".noclear")));

static int load_images(struct domain *d, const struct host_info *h, const void *host_fdt)
{
	const struct domain_config *c = d->cfg;
	const struct guest_layout *l = &d->layout;
	int size;

	if (!copy_to_guest_ram(d, l->kernel_ipa, (const void *)(uintptr_t)c->kernel.start,
			       c->kernel.size) ||
	    (l->initrd_size &&
	     !copy_to_guest_ram(d, l->initrd_ipa, (const void *)(uintptr_t)c->ramdisk.start,
				c->ramdisk.size)))
		return fail(c, "memory: the kernel or ramdisk does not fit in guest RAM");
	size = c->dom0 ? dom0_dt_build(c, h, l, host_fdt, dtb_buf, sizeof(dtb_buf))
		       : guest_dt_build(c, h, l, dtb_buf, sizeof(dtb_buf));
	if (size == DT_ERR_NOSPACE && c->kernel.bootargs) {
		printk("%s: guest device tree: larger than its %u KiB with %u bytes of bootargs\n",
		       c->path, (unsigned int)(GUEST_DTB_MAX >> 10),
		       (unsigned int)strlen(c->kernel.bootargs));
		return -1;
	}
	if (size < 0) {
		printk("%s: guest device tree: %s\n", c->path, dt_strerror(size));
		return -1;
	}
	if (!copy_to_guest_ram(d, l->dtb_ipa, dtb_buf, (uint64_t)size))
		return fail(c, "memory: the device tree does not fit in guest RAM");
	return 0;
}

/* Bytes of the per-vCPU block: the vCPUs (64-byte aligned each), the
 * domain's table of them and their event-channel state. */
static uint64_t vcpu_block_size(unsigned int n)
{
	return ALIGN_UP(sizeof(struct vcpu), 64) * n +
	       ALIGN_UP(n * sizeof(struct vcpu *), 64) +
	       n * sizeof(struct evtchn_vcpu);
}

/* vCPUs come from host RAM, as many as the domain has: nothing is sized
 * for the worst case. Returns the event-channel part, or NULL. */
static struct evtchn_vcpu *alloc_vcpus(struct domain *d, struct ram_map *ram)
{
	unsigned int n = d->cfg->vcpus;
	uint64_t size = vcpu_block_size(n);
	uint64_t pa = take(ram, ALIGN_UP(size, PAGE_SIZE), PAGE_SIZE);
	uint64_t stride = ALIGN_UP(sizeof(struct vcpu), 64);

	if (!pa) {
		fail(d->cfg, "cpus: not enough free host RAM for the vCPUs");
		return NULL;
	}
	memset((void *)(uintptr_t)pa, 0, size);
	d->vcpu_pa = pa;
	d->vcpu_bytes = ALIGN_UP(size, PAGE_SIZE);
	d->vcpu = (struct vcpu **)(uintptr_t)(pa + stride * n);
	for (unsigned int i = 0; i < n; i++)
		d->vcpu[i] = (struct vcpu *)(uintptr_t)(pa + i * stride);
	d->overhead += ALIGN_UP(size, PAGE_SIZE);
	return (struct evtchn_vcpu *)(uintptr_t)(pa + stride * n +
						 ALIGN_UP(n * sizeof(struct vcpu *), 64));
}

static int create_vcpus(struct domain *d)
{
	const struct domain_config *c = d->cfg;

	for (unsigned i = 0; i < c->vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		v->dom = d;
		v->id = i;
		v->aff_hard = v->aff_soft = ~0U;
		v->power = i == 0 ? VCPU_ON_PENDING : VCPU_OFF;
		d->vcpus_joined = true;
		if (sched_add_vcpu(v))
			return fail(c, "cpus: the pool's scheduler has no room for this vCPU");
		/* vCPU 0 starts with the legacy vcpu_info slot in shared_info
		 * (byte 0 is evtchn_upcall_pending); the others get theirs
		 * when the guest registers one. */
		v->upcall_pending = d->evtchn.vcpu[i].info;
		arch_vcpu_init(v, i == 0 ? d->layout.kernel_ipa : 0,
			       i == 0 ? d->layout.dtb_ipa : 0);
	}
	return 0;
}

static void print_domain(const struct domain *d)
{
	const struct domain_config *c = d->cfg;

	printk("d%u: %s: %u vCPU%s in Pool-%u (%s), %llu MiB %sRAM at host 0x%llx, "
	       "P2M pool %llu pages (%llu used)%s\n",
	       d->id, c->path, c->vcpus, c->vcpus > 1 ? "s" : "", d->pool->id,
	       d->pool->ops->name, (unsigned long long)(c->mem_kb >> 10),
	       c->nr_static_mem ? (c->direct_map ? "static direct-mapped " : "static ") : "",
	       (unsigned long long)d->ram[0].pa,
	       (unsigned long long)d->p2m_pool.pages,
	       (unsigned long long)d->p2m_pool.used,
	       c->vpl011 ? ", vpl011" : "");
	for (int i = 0; i < c->nr_virtio; i++)
		printk("d%u: virtio-mmio device at 0x%llx, SPI %u\n", d->id,
		       (unsigned long long)c->virtio[i].base, c->virtio[i].intid);
	if (c->has_dm)
		printk("d%u: its device model may be d%u (xenith,device-model) besides dom0\n",
		       d->id, c->dm_domid);
	for (int i = 0; i < c->nr_static_mem; i++)
		printk("d%u: static memory 0x%llx - 0x%llx (%llu KiB)\n", d->id,
		       (unsigned long long)c->static_mem[i].base,
		       (unsigned long long)(c->static_mem[i].base + c->static_mem[i].size),
		       (unsigned long long)(c->static_mem[i].size >> 10));
	for (int i = 0; i < c->nr_shm; i++)
		printk("d%u: shared memory \"%s\" host 0x%llx - 0x%llx at guest 0x%llx (%s)\n",
		       d->id, c->shm[i].id, (unsigned long long)c->shm[i].paddr,
		       (unsigned long long)(c->shm[i].paddr + c->shm[i].size),
		       (unsigned long long)c->shm[i].gaddr,
		       c->shm[i].role == SHM_ROLE_OWNER ? "owner" :
		       c->shm[i].role == SHM_ROLE_BORROWER ? "borrower" :
		       "owned by the hypervisor");
	printk("d%u: kernel 0x%llx (%llu bytes), dtb 0x%llx%s\n", d->id,
	       (unsigned long long)d->layout.kernel_ipa,
	       (unsigned long long)c->kernel.size,
	       (unsigned long long)d->layout.dtb_ipa,
	       d->layout.initrd_size ? ", initrd" : "");
}

static int build(struct domain *d, const struct domain_config *c,
		 const struct host_info *h, struct ram_map *ram, const void *host_fdt)
{
	struct kernel_info ki;
	struct evtchn_vcpu *ev;
	char err[CFG_ERR_LEN];

	spin_lock_init(&d->p2m_lock, LOCK_P2M);
	spin_lock_init(&d->conio_lock, LOCK_CONIO);
	spin_lock_init(&d->vcpu_lock, LOCK_VCPUS);
	ioreq_domain_init(d);
	d->id = c->domid;
	d->cfg = c;
	if (kernel_probe((const void *)(uintptr_t)c->kernel.start, c->kernel.size,
			 &ki, err, sizeof(err))) {
		printk("%s: %s\n", c->path, err); /* err names the property */
		return -1;
	}
	if (guest_layout_compute(c, &ki, GUEST_DTB_MAX, &d->layout, err, sizeof(err))) {
		printk("%s\n", err);
		return -1;
	}
	guest_layout_devices(c, h, &d->layout);
	if (c->dom0) {
		d->is_control = true;
		dom0_layout(d, h);
	}
	d->nr_vcpus = d->max_vcpus = c->vcpus;
	d->guest_64bit = true;
	ev = alloc_vcpus(d, ram);
	if (!ev || alloc_memory(d, ram) || arch_domain_create(d) || map_memory(d) ||
	    xen_domain_init(d, ev) || (c->dom0 && dom0_give_devices(d, h, host_fdt)))
		return -1;
	if (c->vpl011)
		vpl011_init(d);
	if (load_images(d, h, host_fdt))
		return -1;
	d->pool = &sched_pools[c->pool];
	return create_vcpus(d);
}

/* The domain structure itself comes from host RAM too (page-aligned:
 * nothing else shares its cache lines). */
static struct domain *alloc_domain(const struct domain_config *c, struct ram_map *ram)
{
	uint64_t size = ALIGN_UP(sizeof(struct domain), PAGE_SIZE);
	uint64_t pa = take(ram, size, PAGE_SIZE);
	struct domain *d = (struct domain *)(uintptr_t)pa;

	if (!pa) {
		fail(c, "memory: not enough free host RAM for the domain's own structures");
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	d->overhead = size;
	d->self_pa = pa;
	d->self_bytes = size;
	return d;
}

/* A failed construction gives back everything it took: the allocator's
 * ranges (in reverse), its heap pages (shared_info, grant frames) and
 * its VMID. The boot log says how much, and that the free memory is back
 * where it was before. */
static void give_back(struct domain *d, struct ram_map *ram, uint64_t free_before)
{
	uint64_t bytes = 0;

	if (d) {
		for (unsigned int i = 0; i < d->gnttab.nr_alloc; i++)
			heap_free_page(d->gnttab.frame_pa[i]);
		if (d->shared_info_pa)
			heap_free_page(d->shared_info_pa);
		bytes += (d->gnttab.nr_alloc + (d->shared_info_pa ? 1 : 0)) * PAGE_SIZE;
		arch_domain_release(d);
	}
	while (building.nr) {
		const struct mem_bank *t = &building.taken[--building.nr];

		ram_map_free(ram, t->base, t->size);
		bytes += t->size;
	}
	printk("%s: construction failed: %llu KiB given back (free host RAM %llu KiB, "
	       "%llu KiB before)\n", d ? d->cfg->path : "?", (unsigned long long)(bytes >> 10),
	       (unsigned long long)(heap_free_bytes() >> 10),
	       (unsigned long long)(free_before >> 10));
}

int domain_create(const struct domain_config *c, const struct host_info *h,
		  struct ram_map *ram, const void *host_fdt)
{
	uint64_t free_before = heap_free_bytes();
	struct domain *d;

	if (c->domid >= DOMID_FIRST_RESERVED)
		return fail(c, "compatible: no room in the domain table");
	building.nr = 0;
	d = alloc_domain(c, ram);
	if (!d)
		return -1;
	if (build(d, c, h, ram, host_fdt)) {
		if (!d->vcpus_joined)
			give_back(d, ram, free_before);
		return -1;
	}
	if (domain_register(d))
		return fail(c, "memory: no room in the domain table");
	print_domain(d);
	return 0;
}

static const char *reason_name(enum shutdown_reason r)
{
	switch (r) {
	case SHUTDOWN_poweroff: return "powered off";
	case SHUTDOWN_reboot:   return "rebooted (not restarted: static domain)";
	case SHUTDOWN_crash:    return "crashed";
	case SHUTDOWN_watchdog: return "stopped by its watchdog";
	default:                return "shut down";
	}
}

/* Marks the domain stopped and kicks its other CPUs, which idle once they
 * see it; the domain's memory stays allocated (static partitioning). */
void domain_shutdown(struct domain *d, enum shutdown_reason why)
{
	bool all_down = true;
	enum domain_state running = DOM_RUNNING;
	struct domain *o;

	/* Two vCPUs may shut the domain down at once: one does it. */
	if (!__atomic_compare_exchange_n(&d->state, &running, DOM_SHUTDOWN, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	d->reason = why;
	vpl011_flush(d);
	printk("d%u: domain %s\n", d->id, reason_name(why));
	/* Running vCPUs (the caller's too) leave at their next exit; blocked
	 * ones are never woken again (sched_wake checks the domain). */
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		sched_vcpu_stop(d->vcpu[i]);
	for_each_domain(o)
		if (o->state != DOM_SHUTDOWN && o->dying == DOM_ALIVE)
			all_down = false;
	if (all_down)
		printk("All domains have stopped.\n");
	/* The toolstack hears of it (Xen's VIRQ_DOM_EXC) and destroys it. */
	lifecycle_notify_dom_exc();
}

/* Boot, once every domain is built and before any runs: the static
 * event channels, each pair once (from the side that comes first in the
 * tree, Xen's side 1; its peer's port starts pending). */
void domains_bind_static_evtchns(const struct system_config *sys)
{
	struct domain *d;

	for_each_domain(d) {
		const struct domain_config *c = d->cfg;

		for (int k = 0; k < c->nr_evtchn; k++) {
			const struct static_evtchn *e = &c->evtchn[k];
			const struct domain_config *pc = &sys->dom[e->peer_dom];
			struct domain *p = domain_by_id(pc->domid);
			long rc;

			/* The node first in the tree binds (Xen's side 1). */
			if (e->peer_node < e->node)
				continue;
			if (!p) {
				printk("%s: xen,evtchn: port %u: its peer %s was not built; "
				       "not bound\n", c->path, e->port, pc->path);
				continue;
			}
			rc = evtchn_bind_static(&d->evtchn, e->port, &p->evtchn, e->peer_port);
			if (rc)
				printk("%s: xen,evtchn: port %u to d%u port %u: %s\n", c->path,
				       e->port, p->id, e->peer_port,
				       rc == -XEN_EBUSY ? "a port is already in use" : "out of range");
			else
				printk("d%u: static event channel: port %u <-> d%u port %u\n",
				       d->id, e->port, p->id, e->peer_port);
		}
	}
}

/* Boot: every built domain's vCPU 0 becomes runnable. */
void domains_start(void)
{
	struct domain *d;

	for_each_domain(d)
		sched_vcpu_start(d->vcpu[0]);
}
