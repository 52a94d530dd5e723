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
 * Layouts: the guests' own (rt/xen_ctl.h, shared with the testguest),
 * not the hypervisor's.
 */
#include "probe.h"
#include "../rt/xen_ctl.h"

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
	dop.cmd = DC_info;
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
	sop.cmd = SC_physinfo;
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
