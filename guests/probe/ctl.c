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

/*
 * tests=ioreq_dm target=D: the device model of the ioreq round-trip run
 * (bench "*-ioreq"), event-driven as a device model in dom0's user space
 * is: an ioreq server for D claiming IOREQ_DEV (one page), its request
 * page mapped over ioreq_page, each vCPU's port bound; then, forever,
 * the ports' pending bits are cleared, every slot that holds a request
 * is answered (reads with IOREQ_VALUE, writes with nothing) and its
 * vCPU's port notified, and the vCPU blocks in SCHEDOP_poll until a port
 * is pending again. D's probe times its accesses (tests=ioreq). The
 * calls are Xen 4.17's dm_op (41) and XENMEM_acquire_resource, laid out
 * as in guests/testguest/ioreq.c.
 */
#define HC_DM_OP            41
#define HC_MEMORY_OP        12
#define HC_SCHED_OP         29
#define HC_EVTCHN_OP        32
#define IOREQ_DEV           0x02000000ull
#define IOREQ_VALUE         0x1234abcdull
#define MAX_DM_VCPUS        8

struct dm_buf { uint64_t h, size; };
struct dm_op { uint32_t op, pad; uint8_t u[24]; };
struct acquire { uint16_t domid, type; uint32_t id, nr_frames, pad; uint64_t frame, list; };
struct physmap { uint16_t domid, size; uint32_t space; uint64_t idx, gpfn; };
struct poll { uint64_t ports; uint32_t nr, pad; uint64_t timeout; };
struct slot {
	uint64_t addr, data;
	uint32_t count, size, port;
	uint16_t pad;
	volatile uint8_t flags;
	uint8_t type;
};

static struct dm_op dmop __attribute__((aligned(4096)));
static struct dm_buf dmbuf;
static struct acquire acq;
static struct physmap xatp;
static struct poll pollarg;
static uint64_t frame;
static uint32_t ports[MAX_DM_VCPUS];
static struct slot ioreq_page[128] __attribute__((aligned(4096)));
static volatile uint64_t shared_info[512] __attribute__((aligned(4096)));

static int64_t dm(uint16_t dom, uint32_t op, const void *u, unsigned int len)
{
	memset(&dmop, 0, sizeof(dmop));
	dmop.op = op;
	memcpy(dmop.u, u, len);
	dmbuf = (struct dm_buf){ ptr(&dmop), sizeof(dmop) };
	return xen_hypercall(HC_DM_OP, dom, 1, ptr(&dmbuf), 0, 0);
}

static int64_t dm_setup(uint16_t target, uint32_t *nvcpus)
{
	uint8_t create[6] = { 0 }, state[4] = { 0, 0, 1, 0 };
	uint64_t range[3] = { (uint64_t)1 << 32, IOREQ_DEV, IOREQ_DEV + 4095 };
	int64_t rc;

	xatp = (struct physmap){ .domid = 0x7ff0, .space = 0, .gpfn = ptr((const void *)shared_info) >> 12 };
	rc = xen_hypercall(HC_MEMORY_OP, 7, ptr(&xatp), 0, 0, 0);
	if (!rc)
		rc = dm(target, 20, NULL, 0);
	memcpy(nvcpus, dmop.u, 4);
	if (!rc && (!*nvcpus || *nvcpus > MAX_DM_VCPUS))
		rc = -1;
	if (!rc)
		rc = dm(target, 1, create, sizeof(create));    /* server 0 */
	acq = (struct acquire){ .domid = target, .type = 0, .id = 0, .nr_frames = 1,
				.frame = 1, .list = ptr(&frame) };
	frame = ptr(ioreq_page) >> 12;
	if (!rc)
		rc = xen_hypercall(HC_MEMORY_OP, 28, ptr(&acq), 0, 0, 0);
	if (!rc)
		rc = dm(target, 5, state, sizeof(state));      /* enable */
	for (uint32_t i = 0; !rc && i < *nvcpus; i++) {
		uint32_t b[3] = { target, ioreq_page[i].port, 0 };  /* bind_interdomain */

		rc = xen_hypercall(HC_EVTCHN_OP, 0, ptr(b), 0, 0, 0);
		ports[i] = b[2];
	}
	if (!rc)
		rc = dm(target, 3, range, sizeof(range));      /* claim, MEMORY */
	return rc;
}

void test_ioreq_dm(uint16_t target)
{
	volatile uint64_t *pending = &shared_info[6];    /* offset 48 */
	uint32_t nvcpus = 0;
	int64_t rc;

	mmu_enable_identity(ptr(_text), ptr(_end));
	irq_mask();   /* events are polled, never taken as interrupts */
	rc = dm_setup(target, &nvcpus);
	if (rc) {
		printk("UNEXPECTED ioreq_dm setup rc=%lld\n", (long long)rc);
		return;
	}
	printk("BENCH info ioreq_dm serving d%u vcpus=%u\n", target, nvcpus);
	pollarg = (struct poll){ .ports = ptr(ports), .nr = nvcpus };
	for (;;) {
		for (uint32_t i = 0; i < nvcpus; i++)
			atomic_and64(&pending[ports[i] / 64], ~(1ull << (ports[i] % 64)));
		for (uint32_t i = 0; i < nvcpus; i++) {
			struct slot *s = &ioreq_page[i];
			uint8_t f = s->flags;

			if ((f & 0xf) != 1)
				continue;
			__asm__ volatile("dmb ish" ::: "memory");
			if (f & 0x20)
				s->data = IOREQ_VALUE;
			__asm__ volatile("dmb ish" ::: "memory");
			s->flags = (uint8_t)((f & ~0xf) | 3);
			xen_hypercall(HC_EVTCHN_OP, 4, ptr(&ports[i]), 0, 0, 0);
		}
		xen_hypercall(HC_SCHED_OP, 3, ptr(&pollarg), 0, 0, 0);
	}
}
