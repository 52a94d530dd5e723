// SPDX-License-Identifier: MIT
/*
 * tests=ctl: the control domain's round trips (probe-dom0.bin only: the
 * probe built with PROBE_CTL and linked at dom0's RAM base, run as dom0,
 * see docs/performance.md).
 *
 * XEN_DOMCTL_getdomaininfo of a dom0less domU (target=D, default 1) and
 * XEN_SYSCTL_physinfo, interface version 0x15, each timed as the probe
 * times a hypercall (run_op: a loop between two stamps, then each call
 * stamped on its own): "BENCH domctl_getdomaininfo ..." and "BENCH
 * sysctl_physinfo ...". The argument is the same every time, as a
 * toolstack polling a domain passes it: getdomaininfo reads the domain
 * id (and gives it back), physinfo reads only the command and version.
 * One untimed call of each first, whose answer is checked and printed;
 * one after, checked again (the timed calls' return values are not).
 *
 * Layouts from Xen 4.17's public headers (domctl.h, sysctl.h), written
 * here as the testguest does (guests/testguest/ctl.c), not taken from
 * the hypervisor's.
 */
#include "probe.h"

#define HC_SYSCTL 35
#define HC_DOMCTL 36
#define CTL_VERSION 0x15
#define DOMCTL_getdomaininfo 5
#define SYSCTL_physinfo 3

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

struct ctl_domctl {
	uint32_t cmd, version;
	uint16_t domain, pad[3];
	union {
		struct ctl_dinfo info;
		uint8_t raw[128];
	} u;
};
_Static_assert(sizeof(struct ctl_domctl) == 144, "domctl");

struct ctl_physinfo {          /* xen_sysctl_physinfo */
	uint32_t threads_per_core, cores_per_socket, nr_cpus, max_cpu_id;
	uint32_t nr_nodes, max_node_id, cpu_khz, capabilities, arch_capabilities, pad;
	uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, max_mfn;
	uint32_t hw_cap[8];
};
_Static_assert(sizeof(struct ctl_physinfo) == 112, "physinfo");

struct ctl_sysctl {
	uint32_t cmd, version;
	union {
		struct ctl_physinfo phys;
		uint8_t raw[128];
	} u;
};
_Static_assert(sizeof(struct ctl_sysctl) == 136, "sysctl");

/* Each on a page of its own, in RAM (Normal memory once the MMU is on). */
static struct ctl_domctl dop __attribute__((aligned(4096)));
static struct ctl_sysctl sop __attribute__((aligned(4096)));

extern char _text[], _end[];

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static bool getdomaininfo(uint16_t target, const char *when)
{
	int64_t rc;

	memset(&dop, 0, sizeof(dop));
	dop.cmd = DOMCTL_getdomaininfo;
	dop.version = CTL_VERSION;
	dop.domain = target;
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	if (rc || dop.u.info.domain != target || dop.domain != target) {
		printk("UNEXPECTED ctl getdomaininfo d%u (%s): rc=%lld domain=%u\n", target,
		       when, (long long)rc, dop.u.info.domain);
		return false;
	}
	printk("BENCH info ctl_getdomaininfo %s domain=%u flags=%#x tot_pages=%llu "
	       "max_pages=%llu online=%u\n", when, dop.u.info.domain, dop.u.info.flags,
	       (unsigned long long)dop.u.info.tot_pages,
	       (unsigned long long)dop.u.info.max_pages, dop.u.info.nr_online_vcpus);
	return true;
}

static bool physinfo(const char *when)
{
	int64_t rc;

	memset(&sop, 0, sizeof(sop));
	sop.cmd = SYSCTL_physinfo;
	sop.version = CTL_VERSION;
	rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
	if (rc || !sop.u.phys.nr_cpus || !sop.u.phys.total_pages) {
		printk("UNEXPECTED ctl physinfo (%s): rc=%lld nr_cpus=%u\n", when, (long long)rc,
		       sop.u.phys.nr_cpus);
		return false;
	}
	printk("BENCH info ctl_physinfo %s nr_cpus=%u total_pages=%llu free_pages=%llu\n",
	       when, sop.u.phys.nr_cpus, (unsigned long long)sop.u.phys.total_pages,
	       (unsigned long long)sop.u.phys.free_pages);
	return true;
}

void test_ctl(uint16_t target, uint64_t nloop, uint64_t nonce)
{
	static const struct op domctl = OP("domctl_getdomaininfo", domctl);
	static const struct op sysctl = OP("sysctl_physinfo", sysctl);

	/* The image is all the memory shared with the hypervisor: its 1 GiB
	 * block mapped Normal, as a dom0 kernel maps its RAM. */
	mmu_enable_identity(ptr(_text), ptr(_end));
	if (!getdomaininfo(target, "before"))
		return;
	probe_run_op(&domctl, ptr(&dop), nloop, nonce);
	if (!getdomaininfo(target, "after") || !physinfo("before"))
		return;
	probe_run_op(&sysctl, ptr(&sop), nloop, nonce);
	physinfo("after");
}
