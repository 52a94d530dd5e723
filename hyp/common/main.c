// SPDX-License-Identifier: MIT
/*
 * Boot: parse the host device tree, validate the dom0less configuration,
 * construct every valid domain, bring up the other CPUs, run.
 * A domain with a bad configuration is reported and skipped; the others
 * boot. Only a host tree we cannot use at all stops the machine.
 */
#include <xenith/arch-api.h>
#include <xenith/cmdline.h>
#include <xenith/config.h>
#include <xenith/console.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/fdt.h>
#include <xenith/grace.h>
#include <xenith/heap.h>
#include <xenith/boot_modules.h>
#include <xenith/lib.h>
#include <xenith/page_alloc.h>
#include <xenith/sched.h>

#ifndef EARLY_UART_BASE
#define EARLY_UART_BASE 0x09000000ULL /* QEMU virt; make EARLY_UART_BASE=... */
#endif

void start_xenith(uint64_t fdt_pa, uint64_t load_pa) __attribute__((noreturn));
void start_secondary(unsigned int cpu) __attribute__((noreturn));

static struct host_info host;
static struct system_config sys;
static struct ram_map ram;
static struct mem_bank static_heap[MAX_MEM_BANKS];
static char errbuf[CFG_ERR_LEN];

/* sched-fp=lazy|eager: how a context switch moves FP/SIMD state. */
static void fp_switch_mode(void)
{
	char mode[8];

	if (cmdline_str(host.xen_bootargs, "sched-fp", mode, sizeof(mode)) < 0)
		return;
	if (!strcmp(mode, "eager")) {
		arch_fp_switch_eager(true);
		printk("sched-fp=eager: FP/SIMD registers switched on every context switch\n");
	} else if (strcmp(mode, "lazy")) {
		printk("sched-fp=%s: unknown (lazy or eager); using lazy\n", mode);
	}
}

static void print_host(void)
{
	for (int i = 0; i < host.nr_mem; i++)
		printk("RAM: 0x%llx - 0x%llx (%llu MiB)\n",
		       (unsigned long long)host.mem[i].base,
		       (unsigned long long)(host.mem[i].base + host.mem[i].size),
		       (unsigned long long)(host.mem[i].size >> 20));
	printk("CPUs: %d, GICv3: dist 0x%llx redist 0x%llx, UART: pl011 0x%llx irq %u\n",
	       host.nr_cpus, (unsigned long long)host.gicd_base,
	       (unsigned long long)host.gicr_base,
	       (unsigned long long)host.uart_base, host.uart_irq);
}

static bool modules_kept = true;
/* What the tree reserves, for giving the modules back after construction
 * (boot_modules.h); static_heap_mode: the heap is only what
 * xen,static-heap says, so nothing is given back. CPU0 at boot. */
static struct boot_ranges boot_ranges;
static bool static_heap_mode;

static void reserve_range(void *arg, uint64_t start, uint64_t size, bool module)
{
	(void)arg;
	if (!ram_map_reserve(&ram, start, size))
		modules_kept = false;
	boot_range_record(&boot_ranges, start, size, module);
}

static void give_one(void *arg, uint64_t pa, uint64_t bytes)
{
	*(uint64_t *)arg += heap_add_boot_range(pa, bytes);
}

/* Once every domain is built, as Xen 4.17 frees its boot modules: their
 * contents now live in the domains. */
static void give_back_modules(void)
{
	struct mem_bank keep[MAX_MEM_BANKS + 2];
	uint64_t freed = 0;
	int nkeep = 0;

	if (static_heap_mode)
		return;
	keep[nkeep++] = host.xen_image;
	keep[nkeep++] = host.fdt_blob;
	for (int i = 0; i < host.nr_reserved && nkeep < (int)ARRAY_SIZE(keep); i++)
		keep[nkeep++] = host.reserved[i];
	boot_modules_plan(&boot_ranges, host.mem, host.nr_mem, keep, nkeep, give_one, &freed);
	if (freed)
		printk("Boot modules: %llu KiB given back to the heap\n",
		       (unsigned long long)(freed >> 10));
}

/* Everything in host RAM that the allocator must not hand out: the
 * hypervisor, the device tree, reserved regions and every boot module
 * (found before the domains are parsed, since parsing needs memory). */
static void reserve_in_use(const void *fdt, uint64_t fdt_pa)
{
	uint64_t start, end;

	/* With /chosen xen,static-heap, the allocator has only those ranges. */
	int heap = config_static_heap(fdt, &host, static_heap, MAX_MEM_BANKS, errbuf,
				      sizeof(errbuf));

	/* A bad static heap makes the configuration unusable (config_parse
	 * says so again): nothing is built, so host RAM is safe to use for
	 * the little boot still allocates. */
	if (heap < 0)
		heap = 0;
	static_heap_mode = heap > 0;
	if (heap) {
		ram_map_init(&ram, static_heap, heap);
		for (int i = 0; i < heap; i++)
			printk("Static heap: 0x%llx - 0x%llx (%llu MiB)\n",
			       (unsigned long long)static_heap[i].base,
			       (unsigned long long)(static_heap[i].base + static_heap[i].size),
			       (unsigned long long)(static_heap[i].size >> 20));
	} else {
		ram_map_init(&ram, host.mem, host.nr_mem);
	}
	arch_image_range(&start, &end);
	ram_map_reserve(&ram, start, end - start);
	ram_map_reserve(&ram, fdt_pa, dt_total_size(fdt));
	host.xen_image = (struct mem_bank){ start, end - start };
	host.fdt_blob = (struct mem_bank){ fdt_pa, dt_total_size(fdt) };
	for (int i = 0; i < host.nr_reserved; i++)
		ram_map_reserve(&ram, host.reserved[i].base, host.reserved[i].size);
	/* Boot modules, and static memory and static shared memory, which
	 * are their domains' only. */
	config_for_each_reserved_range(fdt, reserve_range, NULL);
	if (!modules_kept)
		printk("Boot modules: more than %d distinct ranges in memory; "
		       "no domain is built\n", MAX_FREE_RANGES);
}

/* Room for every "xen,domain" node's configuration, sized from the tree. */
static bool config_storage(const void *fdt)
{
	int n = config_count_domains(fdt);
	uint64_t bytes = (uint64_t)n * sizeof(struct domain_config);
	uint64_t pa;

	if (!n || !modules_kept)
		return modules_kept;
	pa = ram_map_alloc(&ram, ALIGN_UP(bytes, 4096), 4096);
	if (!pa) {
		printk("/chosen: %d domains: not enough host RAM to hold their configuration\n", n);
		return false;
	}
	sys.dom = (struct domain_config *)(uintptr_t)pa;
	sys.dom_cap = n;
	return true;
}

static void parse_config(const void *fdt)
{
	int n = config_parse(fdt, &host, &sys, errbuf, sizeof(errbuf));

	if (n < 0) {
		printk("%s\n", errbuf);
		sys.nr_domains = 0; /* nothing unvalidated is built */
		return;
	}
	config_validate(&host, &sys);
	if (sys.warn[0])
		printk("%s\n", sys.warn);
	for (int i = 0; i < sys.nr_pools; i++)
		if (!sys.pool[i].ok)
			printk("%s\n", sys.pool[i].err);
	if (n && sys.dom[0].dom0)
		printk("dom0: kernel %s, %llu MiB, %u vCPU%s, command line \"%s\"\n",
		       sys.dom[0].kernel.name ? sys.dom[0].kernel.name : "?",
		       (unsigned long long)(sys.dom[0].mem_kb >> 10), sys.dom[0].vcpus,
		       sys.dom[0].vcpus == 1 ? "" : "s",
		       sys.dom[0].kernel.bootargs ? sys.dom[0].kernel.bootargs : "");
	printk("dom0less: %d domain%s in the device tree\n", n, n == 1 ? "" : "s");
	for (int i = 0; i < sys.nr_domains; i++)
		if (!sys.dom[i].ok)
			printk("%s\n", sys.dom[i].err);
}

static void build_domains(const void *fdt)
{
	uint64_t t0 = arch_time_ns(), free0 = ram_map_free_bytes(&ram), us;
	unsigned int shared = 0;

	if (domains_init((unsigned int)sys.nr_domains, &ram)) {
		printk("/chosen: not enough host RAM for a table of %d domains\n",
		       sys.nr_domains);
		return;
	}
	if (sys.nr_domains && sys.dom[0].dom0 && sys.dom[0].ok &&
	    dom0_place_memory(&sys.dom[0], &ram)) {
		printk("%s\n", sys.dom[0].err);
		sys.dom[0].ok = false;
	}
	for (int i = 0; i < sys.nr_domains; i++) {
		if (sys.dom[i].ok && domain_create(&sys.dom[i], &host, &ram, fdt))
			sys.dom[i].ok = false;
		shared += sys.dom[i].ok && sys.dom[i].kernel.shares;
	}
	us = (arch_time_ns() - t0) / 1000;
	if (!nr_domains) {
		printk("No domain to run: the CPUs will idle.\n");
		return;
	}
	printk("Built %u domain%s in %llu.%03llu ms (%llu MiB of host RAM)%s\n",
	       nr_domains, nr_domains == 1 ? "" : "s",
	       (unsigned long long)(us / 1000), (unsigned long long)(us % 1000),
	       (unsigned long long)((free0 - ram_map_free_bytes(&ram)) >> 20),
	       shared ? ", some sharing a boot module" : "");
}

/* What the hypervisor keeps of host RAM for itself (guest RAM excluded). */
static void print_footprint(void)
{
	uint64_t start, end, pools = 0, per_dom = 0, tables;

	struct domain *d;

	arch_image_range(&start, &end);
	for_each_domain(d) {
		pools += d->p2m_pool.pages * 4096;
		per_dom += domain_overhead(d);
	}
	/* Configurations, sized from the tree; the domain table's leaves and
	 * the heap's owner table. */
	tables = ALIGN_UP((uint64_t)sys.dom_cap * sizeof(struct domain_config), 4096) +
		 (uint64_t)domain_table_leaves() * 4096 + heap_owner_bytes();
	printk("Hypervisor memory: %llu KiB (image and data %llu KiB, P2M pools %llu KiB, "
	       "domains and vCPUs %llu KiB, configuration %llu KiB)\n",
	       (unsigned long long)((end - start + pools + per_dom + tables) >> 10),
	       (unsigned long long)((end - start) >> 10),
	       (unsigned long long)(pools >> 10), (unsigned long long)(per_dom >> 10),
	       (unsigned long long)(tables >> 10));
	if (nr_domains)
		printk("Per domain: %llu KiB of hypervisor memory beyond guest RAM and P2M pool "
		       "(structures, vCPUs, shared_info, grant frames)\n",
		       (unsigned long long)(per_dom / nr_domains >> 10));
	printk("Free host RAM after construction: %llu MiB\n",
	       (unsigned long long)(heap_free_bytes() >> 20));
}

/* Every domain static, and no toolstack to create more: nothing is
 * allocated after boot (Xen 4.17's static configuration). */
static void seal_if_static(void)
{
	struct domain *d;

	for_each_domain(d)
		if (!d->cfg->nr_static_mem || d->is_control)
			return;
	if (!nr_domains)
		return;
	heap_seal();
	printk("Static configuration: every domain is static; the allocator is sealed "
	       "(%llu KiB left, nothing is allocated after boot)\n",
	       (unsigned long long)(heap_free_bytes() >> 10));
}

static void start_cpus(void)
{
	for (int cpu = 1; cpu < host.nr_cpus; cpu++) {
		int rc = arch_cpu_start((unsigned)cpu, host.cpu_mpidr[cpu]);

		if (rc) {
			printk("CPU%d (MPIDR 0x%llx) failed to start: %d\n", cpu,
			       (unsigned long long)host.cpu_mpidr[cpu], rc);
			sched_cpu_down((unsigned int)cpu);
		}
	}
}

void start_xenith(uint64_t fdt_pa, uint64_t load_pa)
{
	const void *fdt = (const void *)(uintptr_t)fdt_pa;
	int rc;

	console_init_early(EARLY_UART_BASE);
	printk("Xenith hypervisor starting (Xen 4.17 guest ABI), loaded at 0x%llx\n",
	       (unsigned long long)load_pa);
	rc = dt_check(fdt, 0x200000);
	if (rc)
		panic("host device tree at 0x%llx: %s", (unsigned long long)fdt_pa,
		      dt_strerror(rc));
	if (host_parse(fdt, &host, errbuf, sizeof(errbuf)))
		panic("host device tree: %s", errbuf);
	console_set_uart(host.uart_base);
	arch_init_primary(fdt, &host);
	host.gic_nr_lines = arch_irq_nr_lines(); /* default nr_spis */
	print_host();
	if (host.xen_bootargs)
		printk("Command line: %s\n", host.xen_bootargs);
	boot_scrub = cmdline_bool(host.xen_bootargs, "bootscrub", true);
	fp_switch_mode();
	if (!boot_scrub)
		printk("bootscrub=off: guest RAM is not scrubbed at boot\n");
	reserve_in_use(fdt, fdt_pa);
	heap_init(&ram);
	grace_cpu_up(0);
	if (config_storage(fdt))
		parse_config(fdt);
	sched_init(&sys, host.nr_cpus);
	ctl_init(&host, &sys); /* what sysctl reports of the machine */
	sched_print_pools();
	build_domains(fdt);
	domains_bind_static_evtchns(&sys);
	give_back_modules();
	print_footprint();
	seal_if_static();
	start_cpus();
	printk("Freed %llu KiB of boot-only code and constants (no longer mapped)\n",
	       (unsigned long long)(arch_free_init() >> 10));
	if (domain_by_id(0) && domain_by_id(0)->is_control)
		console_focus_dom0(domain_by_id(0));
	domains_start();
	sched_run_cpu();
}

void start_secondary(unsigned int cpu)
{
	arch_init_secondary(cpu);
	grace_cpu_up(cpu);
	sched_run_cpu();
}
