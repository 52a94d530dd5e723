/* SPDX-License-Identifier: MIT */
/*
 * Boot configuration: what the host device tree says about the machine
 * (struct host_info) and about the dom0less domains to build
 * (struct domain_config). Parsing and validation are pure functions of the
 * device tree, so they run unchanged in host unit tests and in the
 * configuration checker. Nothing here allocates guest resources.
 *
 * Errors name the node, the property and what is wrong, in one line:
 *   "/chosen/domU1: memory: 0x... KiB does not fit in guest RAM banks"
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS        8
#define MAX_MEM_BANKS   8
/* Domains and vCPUs are sized from the device tree; these are Xen's own
 * limits: domids below DOMID_FIRST_RESERVED (public/xen.h), and
 * GUEST_MAX_VCPUS per Arm domain (public/arch-arm.h; also what fits in
 * the guest's redistributor region, GUEST_GICR_SIZE / GUEST_GICR_STRIDE). */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define MAX_DOMAINS     (DOMID_FIRST_RESERVED - 1)  /* domids 1 .. 0x7FEF */
#define MAX_DOM_VCPUS   128
#define CFG_ERR_LEN     200

struct mem_bank {
	uint64_t base;
	uint64_t size;
};

/* ---- the machine ----------------------------------------------------- */
struct host_info {
	struct mem_bank mem[MAX_MEM_BANKS]; /* /memory nodes, in order */
	int nr_mem;
	struct mem_bank reserved[MAX_MEM_BANKS]; /* /memreserve/ + /reserved-memory */
	int nr_reserved;

	int nr_cpus;                /* enabled cpu nodes under /cpus */
	uint64_t cpu_mpidr[MAX_CPUS];
	const char *cpu_compatible; /* first cpu's compatible (pointer into DT) */
	int cpu_compatible_len;     /* whole property length (string list) */
	uint32_t cpu_clock_freq;    /* first cpu's clock-frequency, 0 if absent */
	int cpu_node[MAX_CPUS];     /* DT offset of each enabled cpu node */
	uint32_t cpu_phandle[MAX_CPUS]; /* its phandle, 0 if none */

	uint64_t uart_base;         /* first arm,pl011 node (stdout-path preferred) */
	uint64_t uart_size;
	uint32_t uart_irq;          /* GIC INTID (SPI n -> 32+n) */

	uint64_t gicd_base, gicd_size;   /* arm,gic-v3 reg[0] */
	uint64_t gicr_base, gicr_size;   /* reg[1] (first redistributor region) */
	uint32_t gic_maint_irq;          /* INTID of the maintenance PPI */
	/* Interrupt lines of the host GIC, 32 * (GICD_TYPER.ITLinesNumber
	 * + 1) capped at 1020. Not in the DT: host_parse leaves it 0 and
	 * the GIC driver fills it before config_parse (default nr_spis). */
	uint32_t gic_nr_lines;

	uint32_t timer_irq_hyp;     /* INTID of the EL2 physical timer PPI */
	uint32_t timer_irq_phys_s;  /* INTID of the secure physical timer PPI */
	uint32_t timer_irq_phys_ns; /* INTID of the EL1 physical timer PPI */
	uint32_t timer_irq_virt;    /* INTID of the EL1 virtual timer PPI */
	uint32_t timer_freq;        /* clock-frequency of the timer node, 0 if absent */

	bool psci_smc;              /* /psci method: true = "smc", false = "hvc" */

	const char *xen_bootargs;   /* /chosen xen,xen-bootargs (may be NULL) */

	/* Where the hypervisor image and the host device tree are, for the
	 * checks of static ranges against them. Not in the DT: the boot code
	 * fills them before config_validate (size 0: unknown, as on the
	 * host checker). */
	struct mem_bank xen_image, fdt_blob;
};

/* Fills *h from the host DT. Returns 0, or -1 with a one-line message in
 * err naming the node and property at fault. */
int host_parse(const void *fdt, struct host_info *h, char *err, size_t errlen);

/* ---- the domains ----------------------------------------------------- */
struct boot_module {
	bool present;
	uint64_t start;   /* host physical address of the loaded module */
	uint64_t size;
	const char *bootargs; /* module's "bootargs" (kernel only), or NULL */
	int node;         /* DT node offset */
	const char *name; /* node name, e.g. "module@4a000000" (pointer into DT) */
	/* Set by config_validate: the first module (of this or an earlier
	 * domain) with exactly this range, whose bytes this one shares
	 * (Xen lets domains boot the same image), or NULL; and the chain of
	 * distinct ranges with their domain, for the overlap checks. */
	const struct boot_module *shares;
	struct boot_module *next_distinct;
	const struct domain_config *owner;
};

/* ---- static configuration (Xen 4.17's static allocation bindings) ---- */

#define MAX_STATIC_BANKS 16   /* xen,static-mem ranges of one domain */
#define MAX_DOM_SHM      16   /* shared-memory nodes of one domain */
#define MAX_DOM_EVTCHN   32   /* xen,evtchn-v1 nodes of one domain */
/* Virtio-mmio devices (Xen's guest virtio range, public/arch-arm.h): a
 * 1 MiB window of 0x200-byte slots and SPIs 33 to 43. */
#define GUEST_VIRTIO_MMIO_BASE 0x02000000ULL
#define GUEST_VIRTIO_MMIO_SIZE 0x00100000ULL
#define GUEST_VIRTIO_DEV_SIZE  0x200ULL
#define GUEST_VIRTIO_SPI_FIRST 33U
#define GUEST_VIRTIO_SPI_LAST  43U
#define MAX_DOM_VIRTIO   11

/* A virtio-mmio device of a dom0less domain (boot/virtio_cfg.c). */
struct virtio_mmio_cfg {
	uint64_t base;        /* its 0x200-byte window */
	uint32_t intid;       /* its SPI's INTID */
	/* VirtIO-Grant ("xenith,grant-usage"): 1 on, 0 off, -1 libxl's
	 * default (on when the domain names a device model besides dom0).
	 * On: the guest's node refers to the xen,grant-dma node with the
	 * backend's domid. */
	int8_t grant_usage;
};
#define SHM_ID_MAX       16   /* xen,shm-id, NUL included (MAX_SHM_ID_LENGTH) */
#define STATIC_EVTCHN_MAX_PORT 1023  /* a domU's max_evtchn_port at boot */

enum shm_role {
	SHM_ROLE_NONE = 0,    /* no "role": the hypervisor owns it (Xen's dom_io) */
	SHM_ROLE_OWNER,
	SHM_ROLE_BORROWER,
};

/* A "xen,domain-shared-memory-v1" child of a domain node. */
struct shm_config {
	char id[SHM_ID_MAX];  /* "xen,shm-id" */
	uint64_t paddr;       /* "xen,shared-mem" = <paddr gaddr size> */
	uint64_t gaddr;
	uint64_t size;
	enum shm_role role;   /* "role" */
	int node;
};

/* A "xen,evtchn-v1" child: xen,evtchn = <port &peer>. */
struct static_evtchn {
	uint32_t port;        /* this domain's port */
	int node;             /* this node */
	int peer_node;        /* the xen,evtchn-v1 node the phandle names */
	int peer_parent;      /* its parent: the peer's domain node */
	int peer_dom;         /* index of the peer's domain (config_validate) */
	uint32_t peer_port;   /* (config_validate) */
};

enum xen_enhanced {
	ENHANCED_NONE = 0,   /* property absent: no PV interfaces */
	ENHANCED_NO_XENSTORE,
	ENHANCED_ENABLED,
};

struct domain_config {
	char path[96];        /* DT path, e.g. "/chosen/domU1"; "dom0" for dom0 */
	int node;             /* dom0: /chosen */
	uint32_t domid;       /* 1, 2, ... in DT order; 0 for dom0 */
	/* dom0 (a kernel module directly under /chosen, dom0.c): the
	 * hardware and control domain. Its RAM is allocated 1:1 at
	 * construction (then described as static_mem with direct_map), its
	 * device tree is the host's, and the host devices the hypervisor
	 * does not use are its own. */
	bool dom0;
	uint64_t mem_kb;      /* "memory" */
	uint32_t vcpus;       /* "cpus" */
	bool vpl011;          /* "vpl011" present */
	uint32_t nr_spis;     /* "nr_spis" (default: host GIC SPIs, see docs) */
	uint32_t p2m_mem_mb;  /* "xen,domain-p2m-mem-mb" (default computed) */
	enum xen_enhanced enhanced;
	struct boot_module kernel;   /* "multiboot,kernel" */
	struct boot_module ramdisk;  /* "multiboot,ramdisk" */
	struct boot_module dtb;      /* "multiboot,device-tree" (partial DT) */

	/* Static configuration (docs/configuration.md, "Static
	 * configuration"). */
	struct mem_bank static_mem[MAX_STATIC_BANKS]; /* "xen,static-mem" */
	int nr_static_mem;    /* 0: RAM from the allocator */
	bool direct_map;      /* "direct-map": guest-physical = host-physical */
	struct shm_config shm[MAX_DOM_SHM];
	int nr_shm;
	struct static_evtchn evtchn[MAX_DOM_EVTCHN];
	int nr_evtchn;
	/* "xenith,virtio-mmio" children: served by a backend in dom0, or in
	 * the domain "xenith,device-model" names (its node, then its domid
	 * once every domain is parsed; has_dm false: only the control
	 * domain may be this domain's device model). */
	struct virtio_mmio_cfg virtio[MAX_DOM_VIRTIO];
	int nr_virtio;
	int dm_node;
	bool has_dm;
	uint32_t dm_domid;

	/* Scheduling (docs/configuration.md): the pool, and the parameters
	 * Xen 4.17 only offers through xl, in Xenith's own namespace. */
	int pool;             /* index into system_config.pool[] ("domain-cpupool"; default Pool-0) */
	uint32_t sched_weight;    /* "xenith,sched-weight" credit2 weight (256) */
	uint32_t sched_cap;       /* "xenith,sched-cap" credit2 cap, % of a CPU (0: none) */
	uint32_t rtds_budget_us;  /* "xenith,rtds-budget-us" (4000) */
	uint32_t rtds_period_us;  /* "xenith,rtds-period-us" (10000) */
	uint32_t a653_window_us;  /* "xenith,arinc653-window-us" (10000) */

	/* Filled by validation / construction. */
	bool ok;              /* false: this domain is not built */
	char err[CFG_ERR_LEN];
};

/* Schedulers, named as Xen names them in sched= and cpupool-sched. */
enum sched_kind {
	SCHED_CREDIT2 = 0,
	SCHED_NULL,
	SCHED_RTDS,
	SCHED_ARINC653,
	NR_SCHED_KINDS,
};

/* Every "xen,cpupool" node needs a CPU of its own, so there are at most
 * MAX_CPUS of them; plus the pool Xen makes of the CPUs none names. */
#define MAX_POOL_NODES MAX_CPUS
/* Windows (domains) in one arinc653 pool's schedule, as Xen 4.17's
 * ARINC653_MAX_DOMAINS_PER_SCHEDULE. */
#define A653_MAX_WINDOWS 64
#define MAX_POOLS (MAX_POOL_NODES + 1)

/* A CPU pool: Xen 4.17's "xen,cpupool" node under /chosen, or the extra
 * pool Xen makes of every CPU no good pool node names (docs/
 * configuration.md, "CPU pools and schedulers"). */
struct pool_config {
	char path[96];        /* "/chosen/pool1", or "Pool-<id>" for the extra pool */
	int node;             /* DT offset, -1 for the extra pool */
	uint32_t id;          /* Xen's cpupool id: 0 is the boot CPU's pool */
	enum sched_kind sched;   /* "cpupool-sched" (default: sched= / credit2) */
	uint32_t cpus;        /* bit i: host CPU index i (host_info.cpu_mpidr[i]) */
	uint32_t a653_major_us;  /* "xenith,arinc653-major-frame-us" (0: sum of windows) */
	bool ok;              /* false: reported in err, has no CPUs; domains in it are refused */
	char err[CFG_ERR_LEN];
};

struct system_config {
	/* One per "xen,domain" node: storage the caller provides (dom_cap
	 * entries, see config_count_domains), kept by config_parse. */
	struct domain_config *dom;
	int dom_cap;
	int nr_domains;
	struct pool_config pool[MAX_POOLS];
	int nr_pools;         /* pool[i].id == i; pool[0] (Pool-0) is always ok */
	enum sched_kind default_sched; /* sched= in xen,xen-bootargs */
	/* /chosen "xen,static-heap": the hypervisor allocates only from these. */
	struct mem_bank static_heap[MAX_MEM_BANKS];
	int nr_static_heap;
	char warn[CFG_ERR_LEN];  /* "" or a warning for the boot log (unknown sched=) */
};

/* Scheduler name as Xen spells it ("credit2", "null", "rtds",
 * "arinc653"), and back (-1 if unknown). */
const char *sched_name(enum sched_kind k);
int sched_from_name(const char *name, size_t len);

/* Calls fn, before config_parse, for every range the allocator must not
 * hand out that the tree names and that can be read: boot modules
 * ("multiboot,module" and kin, directly under /chosen or under a
 * "xen,domain" node; module true), static memory and the host ranges of
 * static shared memory (module false). */
void config_for_each_reserved_range(const void *fdt,
				    void (*fn)(void *arg, uint64_t start, uint64_t size,
					       bool module),
				    void *arg);

/* /chosen "xen,static-heap" (at most max ranges into banks), before
 * config_parse: the only memory the allocator may then use. Each range
 * inside one host RAM region, none overlapping another. The number of
 * ranges (0: none), or -1 with err (config_parse then fails the same). */
int config_static_heap(const void *fdt, const struct host_info *h, struct mem_bank *banks,
		       int max, char *err, size_t errlen);

/* "xen,domain" nodes under /chosen (0 without /chosen): how many
 * domain_config entries config_parse needs. */
int config_count_domains(const void *fdt);

/* Parses the "xen,cpupool" nodes under /chosen (every CPU ends up in
 * exactly one ok pool; a bad pool is !ok with err set), then every
 * "xen,domain" node into cfg->dom (cfg->dom and dom_cap are the caller's
 * and kept; everything else is reset). Per-domain problems mark that
 * domain !ok with err set; returns the number of domains found or -1
 * (with err) if /chosen itself is unusable, or has more domains than
 * dom_cap or MAX_DOMAINS (Xen's domid space), or more than
 * MAX_POOL_NODES pools. */
int config_parse(const void *fdt, const struct host_info *h,
		 struct system_config *cfg, char *err, size_t errlen);

/* Cross-domain checks: each domain's pool (it must be ok; null pools
 * with no more vCPUs than CPUs; ARINC653 pools on one CPU, single-vCPU
 * domains, windows within the major frame), memory totals vs host RAM,
 * module overlaps. Marks offending domains !ok. */
void config_validate(const struct host_info *h, struct system_config *cfg);

/* ---- guest memory layout and device tree ------------------------------ */

/* Xen 4.17's domU guest-physical map (xen/include/public/arch-arm.h). */
#define GUEST_GICD_BASE      0x03001000ULL
#define GUEST_GICD_SIZE      0x00010000ULL
#define GUEST_GICR_BASE      0x03020000ULL
#define GUEST_GICR_SIZE      0x01000000ULL
#define GUEST_GICR_STRIDE    0x00020000ULL
#define GUEST_PL011_BASE     0x22000000ULL
#define GUEST_PL011_SIZE     0x00001000ULL
#define GUEST_GNTTAB_BASE    0x38000000ULL
#define GUEST_GNTTAB_SIZE    0x01000000ULL
#define GUEST_RAM0_BASE      0x40000000ULL
#define GUEST_RAM0_SIZE      0xc0000000ULL
#define GUEST_RAM1_BASE      0x200000000ULL
#define GUEST_RAM1_SIZE      0xfe00000000ULL
#define GUEST_PHANDLE_GIC    65000
#define GUEST_PHANDLE_IOMMU  65001   /* the xen,grant-dma node (Xen 4.18's libxl) */
#define GUEST_VPL011_SPI     0   /* INTID 32 */
#define GUEST_EVTCHN_PPI     15  /* INTID 31 */

struct kernel_info {
	uint64_t text_offset;
	uint64_t image_size;   /* max(file size, header image_size) */
	uint64_t flags;
};

/* Probes an arm64 Image header. 0 or -1 with err. */
int kernel_probe(const void *image, uint64_t size, struct kernel_info *ki,
		 char *err, size_t errlen);

/* Where things go in guest-physical space. */
struct guest_layout {
	/* bank 0 at 0x40000000, bank 1 at 0x200000000; a direct-mapped
	 * domain's are its static ranges, at their host addresses */
	struct mem_bank ram[MAX_STATIC_BANKS];
	int nr_ram;
	uint64_t kernel_ipa;      /* load address = entry */
	uint64_t kernel_size;
	uint64_t dtb_ipa;
	uint64_t initrd_ipa;      /* 0 if none */
	uint64_t initrd_size;
	/* Emulated devices: Xen's guest map, or for a direct-mapped domain
	 * the host's GIC regions and the UART the hypervisor uses, with its
	 * interrupt (guest_layout_devices). */
	uint64_t gicd_base, gicr_base, gicr_size;
	uint64_t uart_base;
	uint32_t uart_spi;        /* SPI number (INTID - 32) */
	uint32_t evtchn_intid;    /* the event-channel upcall PPI */
	/* Where the guest maps its grant table (/hypervisor reg[0]): Xen's
	 * guest map, or for dom0 a range of host RAM it does not have. */
	uint64_t gnttab_base, gnttab_size;
};

/* Splits RAM into banks and places kernel, DTB and initrd the way Xen 4.17
 * does (kernel at bank0 + text_offset, modules at bank0 + 128 MiB, ...).
 * dtb_size is the maximum generated DT size. 0 or -1 with err. */
int guest_layout_compute(const struct domain_config *d,
			 const struct kernel_info *ki, uint64_t dtb_size,
			 struct guest_layout *l, char *err, size_t errlen);

/* Guest MPIDR affinity of vCPU `id` as Xen 4.17 assigns it (Aff0 = id % 16,
 * Aff1 = id / 16); also the guest cpu node's reg and unit address. */
static inline uint64_t guest_vcpu_affinity(unsigned int id)
{
	return (uint64_t)(id & 0xf) | ((uint64_t)((id >> 4) & 0xff) << 8);
}

/* A direct-mapped domain's devices where the host has them (Xen 4.17's
 * domain_use_host_layout: vGIC at the host GIC's addresses, vpl011 at
 * the hypervisor's own UART and its SPI); others keep Xen's guest map. */
void guest_layout_devices(const struct domain_config *d, const struct host_info *h,
			  struct guest_layout *l);

/* Writes the domU device tree Xen 4.17 would generate into buf. Returns
 * its size or a negative DT_ERR_* code. */
#define GUEST_DTB_MAX 0x8000 /* 128 vCPUs and 2 KiB of bootargs fit */
int guest_dt_build(const struct domain_config *d, const struct host_info *h,
		   const struct guest_layout *l, void *buf, size_t cap);

/* ---- dom0 (boot/dom0_dt.c) ------------------------------------------------- */

/* What dom0 is given of the host, one device at a time: each "reg"
 * range (host physical, mapped 1:1) and each SPI (INTID, level or edge).
 * Each returns 0, or nonzero to stop. */
struct dom0_device_ops {
	int (*map)(void *arg, uint64_t pa, uint64_t size);
	int (*irq)(void *arg, uint32_t intid, bool level);
};

/* Calls ops for every device of the host tree that dom0 gets: every node
 * Xen 4.17 copies into dom0's tree (not the hypervisor's UART, the GIC,
 * the timer, CPUs, memory, PSCI, PMU, boot modules, nodes using PPIs),
 * with PCI host bridges' windows and legacy interrupts. 0 or -1. */
int dom0_devices(const void *host_fdt, const struct host_info *h,
		 const struct dom0_device_ops *ops, void *arg);
/* dom0's event-channel PPI: the first the host's timers do not use (Xen
 * 4.17 allocates it the same way; 16 on QEMU virt). */
uint32_t dom0_evtchn_intid(const struct host_info *h);
/* dom0's device tree: the host's, as Xen 4.17 rewrites it (dom0_dt.c).
 * Its size or a negative DT_ERR_* code. */
int dom0_dt_build(const struct domain_config *d, const struct host_info *h,
		  const struct guest_layout *l, const void *host_fdt, void *buf, size_t cap);
