/* SPDX-License-Identifier: MIT */
/*
 * The control interface as the test guests call it: Xen 4.17's domctl
 * (36) and sysctl (35) at interface version 0x15, the arm64 layouts of
 * the operations the guests use (testguest ctl.c and life.c, the probe's
 * ctl.c). One copy for all guests, written from Xen 4.17's public
 * headers (domctl.h, sysctl.h) and kept apart from the hypervisor's
 * (hyp/include/public/control.h), so that a mistake in one is not
 * repeated in the other: the runs under Xen 4.17 check this side.
 */
#pragma once

#include <stdint.h>

#define HC_SYSCTL 35
#define HC_DOMCTL 36
#define CTL_VERSION 0x15

/* domctl */
struct ctl_createdomain {      /* xen_domctl_createdomain */
	uint32_t ssidref;
	uint8_t handle[16];
	uint32_t flags, iommu_opts, max_vcpus, max_evtchn_port;
	int32_t max_grant_frames, max_maptrack_frames;
	uint32_t grant_opts, vmtrace_size, cpupool_id;
	uint8_t gic_version, pad;
	uint16_t tee_type;
	uint32_t nr_spis, clock_frequency;
};
_Static_assert(sizeof(struct ctl_createdomain) == 68, "createdomain");

struct ctl_dinfo {             /* xen_domctl_getdomaininfo */
	uint16_t domain, pad1;
	uint32_t flags;
	uint64_t tot_pages, max_pages, outstanding_pages, shr_pages, paged_pages;
	uint64_t shared_info_frame, cpu_time;
	uint32_t nr_online_vcpus, max_vcpu_id, ssidref;
	uint8_t handle[16];
	uint32_t cpupool;
	uint8_t gpaddr_bits, pad2[7];
	uint8_t arch_config[12];
	uint32_t pad3;
};
_Static_assert(sizeof(struct ctl_dinfo) == 120, "getdomaininfo");
_Static_assert(__builtin_offsetof(struct ctl_dinfo, nr_online_vcpus) == 64, "online");
_Static_assert(__builtin_offsetof(struct ctl_dinfo, handle) == 76, "handle");
_Static_assert(__builtin_offsetof(struct ctl_dinfo, arch_config) == 104, "arch_config");

struct ctl_domctl {            /* xen_domctl */
	uint32_t cmd, version;
	uint16_t domain, pad[3];
	union {
		struct ctl_createdomain create;
		struct ctl_dinfo info;
		uint32_t max_vcpus;
		uint64_t max_memkb;
		uint8_t handle[16];
		uint64_t pool_size;          /* set_paging_mempool_size */
		uint32_t address_size;
		struct {                     /* getvcpuinfo */
			uint32_t vcpu;
			uint8_t online, blocked, running, pad;
			uint64_t cpu_time;
			uint32_t cpu, pad2;
		} vcpu;
		struct { uint32_t vcpu, pad; uint64_t ctxt; } ctx;   /* setvcpucontext */
		struct { uint64_t start, nr; } flush;                /* cacheflush */
		uint8_t raw[128];
	} u;
};
_Static_assert(sizeof(struct ctl_domctl) == 144, "domctl");

enum { DC_create = 1, DC_destroy = 2, DC_pause = 3, DC_unpause = 4, DC_info = 5,
       DC_max_mem = 11, DC_setvcpucontext = 12, DC_vcpuinfo = 14, DC_max_vcpus = 15,
       DC_handle = 17, DC_set_address_size = 35, DC_cacheflush = 71,
       DC_set_pool = 86 };

/* sysctl */
struct ctl_physinfo {          /* xen_sysctl_physinfo */
	uint32_t threads_per_core, cores_per_socket, nr_cpus, max_cpu_id;
	uint32_t nr_nodes, max_node_id, cpu_khz, capabilities, arch_capabilities, pad;
	uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, max_mfn;
	uint32_t hw_cap[8];
};
_Static_assert(sizeof(struct ctl_physinfo) == 112, "physinfo");
_Static_assert(__builtin_offsetof(struct ctl_physinfo, free_pages) == 48, "free_pages");

struct ctl_sysctl {            /* xen_sysctl */
	uint32_t cmd, version;
	union {
		struct ctl_physinfo phys;
		uint32_t sched_id;
		struct {                     /* getdomaininfolist */
			uint16_t first, pad;
			uint32_t max;
			uint64_t buffer;
			uint32_t num, pad2;
		} list;
		struct {                     /* cpupool_op */
			uint32_t op, pool, sched_id, domid, cpu, n_dom;
			uint64_t bitmap;
			uint32_t nr_bits, pad;
		} pool;
		struct {                     /* cputopoinfo */
			uint32_t num, pad;
			uint64_t array;
		} topo;
		struct {                     /* numainfo */
			uint32_t num, pad;
			uint64_t meminfo, distance;
		} numa;
		uint8_t raw[128];
	} u;
};
_Static_assert(sizeof(struct ctl_sysctl) == 136, "sysctl");
_Static_assert(__builtin_offsetof(struct ctl_sysctl, u.pool.bitmap) == 8 + 24, "cpumap");

enum { SC_readconsole = 1, SC_physinfo = 3, SC_sched_id = 4, SC_list = 6,
       SC_topo = 16, SC_numa = 17, SC_pool = 18 };
