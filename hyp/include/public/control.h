/* SPDX-License-Identifier: MIT */
/*
 * The control interface of the Xen ABI on arm64: domctl (hypercall 36)
 * and sysctl (35), as far as Xenith offers them, at Xen 4.17's interface
 * versions. Numbers and layouts are Xen 4.17's (xen/include/public/
 * domctl.h, sysctl.h, arch-arm.h, version.h); the text is ours.
 *
 * Layout rules of that ABI on arm64: every 64-bit field is 8-byte aligned
 * (Xen's uint64_aligned_t), a guest handle is a 64-bit field (an address
 * in the caller's virtual address space), a domain id (domid_t) is 16
 * bits. Every offset below was worked out by hand from Xen's field lists
 * and is checked here at compile time and again, against the same
 * numbers, in tests/unit/test_ctl.c: a guest hands these over as raw
 * bytes, so a silent padding change would corrupt them.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36

#define XEN_DOMCTL_INTERFACE_VERSION 0x15
#define XEN_SYSCTL_INTERFACE_VERSION 0x15

/* Reserved domain ids (xen.h; DOMID_FIRST_RESERVED, 0x7ff0, is in
 * xenith/config.h): they name no ordinary domain. */
#define DOMID_IO      0x7ff1
#define DOMID_INVALID 0x7ff4

/* ---- domctl ------------------------------------------------------------ */

/* Sub-operations (xen_domctl.cmd) Xenith knows by number. */
#define XEN_DOMCTL_createdomain        1
#define XEN_DOMCTL_destroydomain       2
#define XEN_DOMCTL_pausedomain         3
#define XEN_DOMCTL_unpausedomain       4
#define XEN_DOMCTL_getdomaininfo       5
#define XEN_DOMCTL_setvcpuaffinity     9
#define XEN_DOMCTL_max_mem            11
#define XEN_DOMCTL_setvcpucontext     12
#define XEN_DOMCTL_getvcpuinfo        14
#define XEN_DOMCTL_max_vcpus          15
#define XEN_DOMCTL_scheduler_op       16
#define XEN_DOMCTL_setdomainhandle    17
#define XEN_DOMCTL_getvcpuaffinity    25
#define XEN_DOMCTL_set_address_size   35
#define XEN_DOMCTL_assign_device      37
#define XEN_DOMCTL_test_assign_device 45
#define XEN_DOMCTL_deassign_device    47
#define XEN_DOMCTL_vm_event_op        56
#define XEN_DOMCTL_setnodeaffinity    68
#define XEN_DOMCTL_cacheflush         71
#define XEN_DOMCTL_vuart_op           81
#define XEN_DOMCTL_get_paging_mempool_size 85
#define XEN_DOMCTL_set_paging_mempool_size 86

/* xen_domctl_getdomaininfo.flags */
#define XEN_DOMINF_dying      (1U << 0)
#define XEN_DOMINF_hvm_guest  (1U << 1)
#define XEN_DOMINF_shutdown   (1U << 2)
#define XEN_DOMINF_paused     (1U << 3)
#define XEN_DOMINF_blocked    (1U << 4)
#define XEN_DOMINF_running    (1U << 5)
#define XEN_DOMINF_debugged   (1U << 6)
#define XEN_DOMINF_xs_domain  (1U << 7)
#define XEN_DOMINF_hap        (1U << 8)
/* The guest's shutdown reason sits in bits 16-23 (bits 16-31 all set
 * while it has none: Xen keeps ~0 there). */
#define XEN_DOMINF_shutdownshift 16
#define XEN_DOMINF_shutdownmask  255
#define XEN_INVALID_MAX_VCPU_ID  (~0U)

/* struct xen_arch_domainconfig on Arm (arch-arm.h). */
#define XEN_DOMCTL_CONFIG_GIC_NATIVE 0
#define XEN_DOMCTL_CONFIG_GIC_V2     1
#define XEN_DOMCTL_CONFIG_GIC_V3     2
#define XEN_DOMCTL_CONFIG_TEE_NONE   0
#define XEN_DOMCTL_CONFIG_TEE_OPTEE  1

struct xen_arch_domainconfig {
	uint8_t gic_version;       /*  0 */
	uint8_t pad;               /*  1: implicit in Xen's */
	uint16_t tee_type;         /*  2 */
	uint32_t nr_spis;          /*  4 */
	uint32_t clock_frequency;  /*  8 */
};                                 /* 12, 4-byte aligned */

/* xen_domctl_createdomain.flags (XEN_DOMCTL_CDF_*) */
#define XEN_DOMCTL_CDF_hvm          (1U << 0)
#define XEN_DOMCTL_CDF_hap          (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off      (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain    (1U << 4)
#define XEN_DOMCTL_CDF_iommu        (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt  (1U << 6)
#define XEN_DOMCTL_CDF_vpmu         (1U << 7)
#define XEN_DOMCTL_IOMMU_no_sharept (1U << 0)
#define XEN_DOMCTL_GRANT_version_mask 0xf

struct xen_domctl_createdomain {
	uint32_t ssidref;          /*  0 */
	uint8_t handle[16];        /*  4 */
	uint32_t flags;            /* 20: XEN_DOMCTL_CDF_* */
	uint32_t iommu_opts;       /* 24 */
	uint32_t max_vcpus;        /* 28 */
	uint32_t max_evtchn_port;  /* 32 */
	int32_t max_grant_frames;  /* 36: < 0: the hypervisor's default */
	int32_t max_maptrack_frames; /* 40: < 0: the default */
	uint32_t grant_opts;       /* 44: the grant version in bits 0-3 */
	uint32_t vmtrace_size;     /* 48 */
	uint32_t cpupool_id;       /* 52 */
	struct xen_arch_domainconfig arch; /* 56: gic_version may come back filled */
};                                 /* 68, 4-byte aligned */

struct xen_domctl_max_vcpus {
	uint32_t max;              /*  0: must be createdomain's max_vcpus */
};

struct xen_domctl_vcpucontext {
	uint32_t vcpu;             /*  0 */
	uint32_t pad;              /*  4 */
	uint64_t ctxt;             /*  8: guest handle to vcpu_guest_context, 0: reset */
};                                 /* 16 */

/* XEN_DOMCTL_scheduler_op */
#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3

struct xen_domctl_scheduler_op {
	uint32_t sched_id;         /*  0: XEN_SCHEDULER_*, the domain's pool's */
	uint32_t cmd;              /*  4: XEN_DOMCTL_SCHEDOP_* */
	union {                    /*  8 */
		struct {
			uint16_t weight;
			uint16_t cap;      /* % of one CPU, 0: none */
		} credit2;
		struct {
			uint32_t period;   /* us */
			uint32_t budget;
			uint32_t flags;
		} rtds;
		struct {
			uint64_t vcpus;    /* guest handle */
			uint32_t nr_vcpus;
			uint32_t padding;
		} v;
	} u;
};                                 /* 24 */

#define XEN_VCPUAFFINITY_HARD  (1U << 0)
#define XEN_VCPUAFFINITY_SOFT  (1U << 1)
#define XEN_VCPUAFFINITY_FORCE (1U << 2)

struct xenctl_bitmap;

struct xen_domctl_address_size {
	uint32_t size;             /*  0: 32 or 64 */
};

struct xen_domctl_cacheflush {
	uint64_t start_pfn;        /*  0 */
	uint64_t nr_pfns;          /*  8 */
};

/* XEN_DOMCTL_vuart_op: a vpl011 whose backend runs in another domain. */
#define XEN_DOMCTL_VUART_OP_INIT     0
#define XEN_DOMCTL_VUART_TYPE_VPL011 0
struct xen_domctl_vuart_op {
	uint32_t cmd;              /*  0 */
	uint32_t type;             /*  4 */
	uint64_t gfn;              /*  8: the ring page, in the domain */
	uint16_t console_domid;    /* 16: the backend's domain */
	uint8_t pad[2];            /* 18: must be 0 */
	uint32_t evtchn;           /* 20: OUT, the port offered to it */
};
_Static_assert(sizeof(struct xen_domctl_vuart_op) == 24, "xen_domctl_vuart_op");

struct xen_domctl_paging_mempool {
	uint64_t size;             /*  0: bytes */
};

/* The arm64 vCPU state setvcpucontext hands over (arch-arm.h): every
 * register 64 bits (a union with its AArch32 name in Xen's). */
struct vcpu_guest_core_regs {
	uint64_t x[31];            /*   0 */
	uint64_t pc64;             /* 248: ELR_EL2 */
	uint64_t cpsr;             /* 256: SPSR_EL2 */
	uint64_t spsr_el1;         /* 264 */
	uint32_t spsr_fiq, spsr_irq, spsr_und, spsr_abt; /* 272: AArch32 only */
	uint64_t sp_el0;           /* 288 */
	uint64_t sp_el1;           /* 296 */
	uint64_t elr_el1;          /* 304 */
};                                 /* 312 */

#define VGCF_online (1U << 0)

struct vcpu_guest_context {
	uint32_t flags;            /*   0: VGCF_* */
	uint32_t pad;              /*   4 */
	struct vcpu_guest_core_regs user_regs; /* 8 */
	uint64_t sctlr;            /* 320 */
	uint64_t ttbcr;            /* 328: TCR_EL1 */
	uint64_t ttbr0;            /* 336 */
	uint64_t ttbr1;            /* 344 */
};                                 /* 352 */

struct xen_domctl_getdomaininfo {
	uint16_t domain;           /*   0 */
	uint16_t pad1;             /*   2 */
	uint32_t flags;            /*   4: XEN_DOMINF_* */
	uint64_t tot_pages;        /*   8 */
	uint64_t max_pages;        /*  16 */
	uint64_t outstanding_pages; /* 24 */
	uint64_t shr_pages;        /*  32 */
	uint64_t paged_pages;      /*  40 */
	uint64_t shared_info_frame; /* 48: on Arm the host frame */
	uint64_t cpu_time;         /*  56: ns run, all vCPUs */
	uint32_t nr_online_vcpus;  /*  64 */
	uint32_t max_vcpu_id;      /*  68 */
	uint32_t ssidref;          /*  72 */
	uint8_t handle[16];        /*  76 */
	uint32_t cpupool;          /*  92 */
	uint8_t gpaddr_bits;       /*  96 */
	uint8_t pad2[7];           /*  97 */
	struct xen_arch_domainconfig arch_config; /* 104 */
	uint32_t pad3;             /* 116: implicit in Xen's (8-byte alignment) */
};                                 /* 120 */

struct xen_domctl_max_mem {
	uint64_t max_memkb;        /*  0 */
};

struct xen_domctl_getvcpuinfo {
	uint32_t vcpu;             /*  0: IN */
	uint8_t online;            /*  4 */
	uint8_t blocked;           /*  5 */
	uint8_t running;           /*  6 */
	uint8_t pad;               /*  7 */
	uint64_t cpu_time;         /*  8: ns */
	uint32_t cpu;              /* 16 */
	uint32_t pad2;             /* 20 */
};                                 /* 24 */

struct xen_domctl_setdomainhandle {
	uint8_t handle[16];
};

struct xen_domctl {
	uint32_t cmd;              /*  0 */
	uint32_t interface_version; /* 4 */
	uint16_t domain;           /*  8 */
	uint16_t pad[3];           /* 10 */
	union {                    /* 16 */
		struct xen_domctl_getdomaininfo getdomaininfo;
		struct xen_domctl_max_mem max_mem;
		struct xen_domctl_getvcpuinfo getvcpuinfo;
		struct xen_domctl_setdomainhandle setdomainhandle;
		struct xen_domctl_createdomain createdomain;
		struct xen_domctl_max_vcpus max_vcpus;
		struct xen_domctl_vcpucontext vcpucontext;
		struct xen_domctl_scheduler_op scheduler_op;
		struct xen_domctl_address_size address_size;
		struct xen_domctl_cacheflush cacheflush;
		struct xen_domctl_paging_mempool paging_mempool;
		struct xen_domctl_vuart_op vuart_op;
		uint8_t raw[128];
		uint64_t align;
	} u;
};                                 /* 144 */

/* ---- sysctl ------------------------------------------------------------ */

#define XEN_SYSCTL_readconsole        1
#define XEN_SYSCTL_physinfo           3
#define XEN_SYSCTL_sched_id           4
#define XEN_SYSCTL_getdomaininfolist  6
#define XEN_SYSCTL_cputopoinfo       16
#define XEN_SYSCTL_numainfo          17
#define XEN_SYSCTL_cpupool_op        18

/* xen_sysctl_physinfo.capabilities */
#define XEN_SYSCTL_PHYSCAP_hvm       (1U << 0)
#define XEN_SYSCTL_PHYSCAP_pv        (1U << 1)
#define XEN_SYSCTL_PHYSCAP_directio  (1U << 2)
#define XEN_SYSCTL_PHYSCAP_hap       (1U << 3)
#define XEN_SYSCTL_PHYSCAP_shadow    (1U << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1U << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace   (1U << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu      (1U << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 (1U << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2 (1U << 9)

/* Scheduler ids (domctl.h), for sched_id and cpupool_op. */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9

struct xen_sysctl_physinfo {
	uint32_t threads_per_core; /*   0 */
	uint32_t cores_per_socket; /*   4 */
	uint32_t nr_cpus;          /*   8: online */
	uint32_t max_cpu_id;       /*  12 */
	uint32_t nr_nodes;         /*  16 */
	uint32_t max_node_id;      /*  20 */
	uint32_t cpu_khz;          /*  24 */
	uint32_t capabilities;     /*  28: XEN_SYSCTL_PHYSCAP_* */
	uint32_t arch_capabilities; /* 32 */
	uint32_t pad;              /*  36 */
	uint64_t total_pages;      /*  40 */
	uint64_t free_pages;       /*  48 */
	uint64_t scrub_pages;      /*  56 */
	uint64_t outstanding_pages; /* 64 */
	uint64_t max_mfn;          /*  72 */
	uint32_t hw_cap[8];        /*  80 */
};                                 /* 112 */

struct xen_sysctl_sched_id {
	uint32_t sched_id;         /*  0: XEN_SCHEDULER_* */
};

struct xen_sysctl_getdomaininfolist {
	uint16_t first_domain;     /*  0: IN */
	uint16_t pad;              /*  2 */
	uint32_t max_domains;      /*  4: IN */
	uint64_t buffer;           /*  8: IN, xen_domctl_getdomaininfo[] */
	uint32_t num_domains;      /* 16: OUT */
	uint32_t pad2;             /* 20 */
};                                 /* 24 */

/* A bitmap the caller provides: nr_bits bits at bitmap, bit i of byte
 * i / 8 is entry i. */
struct xenctl_bitmap {
	uint64_t bitmap;           /*  0: guest handle to uint8_t[] */
	uint32_t nr_bits;          /*  8 */
	uint32_t pad;              /* 12 */
};                                 /* 16 */

struct xen_domctl_vcpuaffinity {
	uint32_t vcpu;             /*  0 */
	uint32_t flags;            /*  4: XEN_VCPUAFFINITY_* */
	struct xenctl_bitmap cpumap_hard; /* 8: IN/OUT */
	struct xenctl_bitmap cpumap_soft; /* 24 */
};                                 /* 40 */

struct xen_domctl_nodeaffinity {
	struct xenctl_bitmap nodemap;  /* 0 */
};                                 /* 16 */

#define XEN_SYSCTL_CPUPOOL_OP_CREATE     1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY    2
#define XEN_SYSCTL_CPUPOOL_OP_INFO       3
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU     4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU      5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN 6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO   7

struct xen_sysctl_cpupool_op {
	uint32_t op;               /*  0 */
	uint32_t cpupool_id;       /*  4: INFO: the first pool with this id or above */
	uint32_t sched_id;         /*  8 */
	uint32_t domid;            /* 12 */
	uint32_t cpu;              /* 16 */
	uint32_t n_dom;            /* 20 */
	struct xenctl_bitmap cpumap; /* 24 */
};                                 /* 40 */

#define XEN_INVALID_CORE_ID   (~0U)
#define XEN_INVALID_SOCKET_ID (~0U)
#define XEN_INVALID_NODE_ID   (~0U)

struct xen_sysctl_cputopo {
	uint32_t core;             /*  0 */
	uint32_t socket;           /*  4 */
	uint32_t node;             /*  8 */
};                                 /* 12 */

struct xen_sysctl_cputopoinfo {
	uint32_t num_cpus;         /*  0: IN entries at cputopo, OUT CPUs */
	uint32_t pad;              /*  4 */
	uint64_t cputopo;          /*  8: xen_sysctl_cputopo[], or 0 */
};                                 /* 16 */

struct xen_sysctl_meminfo {
	uint64_t memsize;          /*  0: bytes */
	uint64_t memfree;          /*  8 */
};                                 /* 16 */

struct xen_sysctl_numainfo {
	uint32_t num_nodes;        /*  0: IN entries, OUT nodes */
	uint32_t pad;              /*  4 */
	uint64_t meminfo;          /*  8: xen_sysctl_meminfo[], or 0 */
	uint64_t distance;         /* 16: uint32_t[num_nodes^2], or 0 */
};                                 /* 24 */

struct xen_sysctl {
	uint32_t cmd;              /*  0 */
	uint32_t interface_version; /* 4 */
	union {                    /*  8 */
		struct xen_sysctl_physinfo physinfo;
		struct xen_sysctl_sched_id sched_id;
		struct xen_sysctl_getdomaininfolist getdomaininfolist;
		struct xen_sysctl_cpupool_op cpupool_op;
		struct xen_sysctl_cputopoinfo cputopoinfo;
		struct xen_sysctl_numainfo numainfo;
		uint8_t raw[128];
		uint64_t align;
	} u;
};                                 /* 136 */

/* Arm's node distance without NUMA (Xen 4.17: one node, distance 20). */
#define XEN_ARM_NODE_DISTANCE 20

/* ---- xen_version and memory_op additions -------------------------------- */

/* XENVER_build_id's argument: len (IN, bytes at buf), then buf. */
struct xen_build_id_hdr {
	uint32_t len;
};
#define XEN_COMMANDLINE_SIZE 1024      /* xen_commandline_t */
#define XEN_DENIED_STRING "<denied>"   /* what a denied string query reads */

#define XENMEM_get_sharing_freed_pages  18
#define XENMEM_get_sharing_shared_pages 19

/* ---- layout checks: every number above, worked out by hand ---------------- */
#define CTL_AT(t, f, off) _Static_assert(offsetof(struct t, f) == (off), #t "." #f)
#define CTL_SIZE(t, n) _Static_assert(sizeof(struct t) == (n), "sizeof " #t)

CTL_SIZE(xen_arch_domainconfig, 12);
CTL_AT(xen_arch_domainconfig, tee_type, 2);
CTL_AT(xen_arch_domainconfig, nr_spis, 4);
CTL_AT(xen_arch_domainconfig, clock_frequency, 8);
_Static_assert(_Alignof(struct xen_arch_domainconfig) == 4, "arch config alignment");

CTL_SIZE(xen_domctl_getdomaininfo, 120);
CTL_AT(xen_domctl_getdomaininfo, flags, 4);
CTL_AT(xen_domctl_getdomaininfo, tot_pages, 8);
CTL_AT(xen_domctl_getdomaininfo, shared_info_frame, 48);
CTL_AT(xen_domctl_getdomaininfo, cpu_time, 56);
CTL_AT(xen_domctl_getdomaininfo, nr_online_vcpus, 64);
CTL_AT(xen_domctl_getdomaininfo, ssidref, 72);
CTL_AT(xen_domctl_getdomaininfo, handle, 76);
CTL_AT(xen_domctl_getdomaininfo, cpupool, 92);
CTL_AT(xen_domctl_getdomaininfo, gpaddr_bits, 96);
CTL_AT(xen_domctl_getdomaininfo, arch_config, 104);

CTL_SIZE(xen_domctl_getvcpuinfo, 24);
CTL_AT(xen_domctl_getvcpuinfo, online, 4);
CTL_AT(xen_domctl_getvcpuinfo, running, 6);
CTL_AT(xen_domctl_getvcpuinfo, cpu_time, 8);
CTL_AT(xen_domctl_getvcpuinfo, cpu, 16);

CTL_SIZE(xen_domctl_createdomain, 68);
CTL_AT(xen_domctl_createdomain, handle, 4);
CTL_AT(xen_domctl_createdomain, flags, 20);
CTL_AT(xen_domctl_createdomain, max_vcpus, 28);
CTL_AT(xen_domctl_createdomain, max_grant_frames, 36);
CTL_AT(xen_domctl_createdomain, grant_opts, 44);
CTL_AT(xen_domctl_createdomain, cpupool_id, 52);
CTL_AT(xen_domctl_createdomain, arch, 56);
CTL_SIZE(xen_domctl_vcpucontext, 16);
CTL_AT(xen_domctl_vcpucontext, ctxt, 8);
CTL_SIZE(xen_domctl_scheduler_op, 24);
CTL_AT(xen_domctl_scheduler_op, u, 8);
CTL_SIZE(xen_domctl_cacheflush, 16);
CTL_SIZE(xen_domctl_paging_mempool, 8);
CTL_SIZE(vcpu_guest_core_regs, 312);
CTL_AT(vcpu_guest_core_regs, pc64, 248);
CTL_AT(vcpu_guest_core_regs, spsr_el1, 264);
CTL_AT(vcpu_guest_core_regs, sp_el0, 288);
CTL_AT(vcpu_guest_core_regs, elr_el1, 304);
CTL_SIZE(vcpu_guest_context, 352);
CTL_AT(vcpu_guest_context, user_regs, 8);
CTL_AT(vcpu_guest_context, sctlr, 320);
CTL_AT(vcpu_guest_context, ttbr1, 344);

CTL_SIZE(xen_domctl, 144);
CTL_AT(xen_domctl, interface_version, 4);
CTL_AT(xen_domctl, domain, 8);
CTL_AT(xen_domctl, u, 16);

CTL_SIZE(xen_sysctl_physinfo, 112);
CTL_AT(xen_sysctl_physinfo, cpu_khz, 24);
CTL_AT(xen_sysctl_physinfo, arch_capabilities, 32);
CTL_AT(xen_sysctl_physinfo, total_pages, 40);
CTL_AT(xen_sysctl_physinfo, max_mfn, 72);
CTL_AT(xen_sysctl_physinfo, hw_cap, 80);

CTL_SIZE(xen_sysctl_getdomaininfolist, 24);
CTL_AT(xen_sysctl_getdomaininfolist, max_domains, 4);
CTL_AT(xen_sysctl_getdomaininfolist, buffer, 8);
CTL_AT(xen_sysctl_getdomaininfolist, num_domains, 16);

CTL_SIZE(xenctl_bitmap, 16);
CTL_SIZE(xen_domctl_vcpuaffinity, 40);
CTL_AT(xen_domctl_vcpuaffinity, cpumap_hard, 8);
CTL_AT(xen_domctl_vcpuaffinity, cpumap_soft, 24);
CTL_SIZE(xen_domctl_nodeaffinity, 16);
CTL_SIZE(xen_sysctl_cpupool_op, 40);
CTL_AT(xen_sysctl_cpupool_op, n_dom, 20);
CTL_AT(xen_sysctl_cpupool_op, cpumap, 24);

CTL_SIZE(xen_sysctl_cputopo, 12);
CTL_SIZE(xen_sysctl_cputopoinfo, 16);
CTL_AT(xen_sysctl_cputopoinfo, cputopo, 8);
CTL_SIZE(xen_sysctl_meminfo, 16);
CTL_SIZE(xen_sysctl_numainfo, 24);
CTL_AT(xen_sysctl_numainfo, meminfo, 8);
CTL_AT(xen_sysctl_numainfo, distance, 16);

CTL_SIZE(xen_sysctl, 136);
CTL_AT(xen_sysctl, u, 8);

#undef CTL_AT
#undef CTL_SIZE
