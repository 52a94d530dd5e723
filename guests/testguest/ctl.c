// SPDX-License-Identifier: MIT
/*
 * The control interface seen from a guest: Xen's domctl (36) and sysctl
 * (35) at interface version 0x15, and the xen_version, memory_op and
 * xsm_op calls the tools make.
 *
 *   test=ctl_denied [peer=2]
 *
 * A domU calls every domctl Xenith offers (getdomaininfo, pausedomain,
 * unpausedomain, setdomainhandle, max_mem, getvcpuinfo) on its
 * neighbour, itself, domain 0, a domain that does not exist and
 * DOMID_SELF, a few it does not offer, every sysctl (physinfo, sched_id,
 * getdomaininfolist, cpupool_op, cputopoinfo, numainfo, and unknown
 * ones), each also with a wrong interface version and with an argument
 * outside its RAM, and the xen_version/memory_op/xsm_op calls. One line
 * per call, "<name>: ctl <call> = <rc>", plus whether the hypervisor
 * wrote into the argument ("wrote" / "untouched"); the scenario checks
 * each against Xen 4.17's answer and compares the whole list with a
 * run under Xen 4.17. Then "<name>: CTL DONE" and the ticks go on.
 *
 *   test=ctl_dom0 [wait_ms=M]
 *
 * The control domain (XENFEAT_dom0): physinfo, the domain list,
 * getdomaininfo of each, sched_id, every CPU pool, the topology, then
 * pausing domain 1 for about a second (getdomaininfo says paused), its
 * unpause, an unpause too many, pausing itself, and the command line.
 * Lines are "<name>: ctl_dom0 <what> key=value ...", then
 * "<name>: CTL_DOM0 DONE".
 *
 * Layouts: rt/xen_ctl.h, the guests' own copy of Xen 4.17's, apart
 * from the hypervisor's (the run under Xen 4.17 checks this side).
 */
#include "tg.h"
#include "../rt/xen.h"
#include "../rt/xen_ctl.h"

#define HC_XSM_OP 27
#define HC_XEN_VERSION 17
#define HC_MEMORY_OP 12

/* Arguments, aligned as Xen wants them (and on pages of their own, so
 * "outside RAM" is easy to build). */
static struct ctl_domctl dop __attribute__((aligned(4096)));
static struct ctl_sysctl sop __attribute__((aligned(4096)));
static uint8_t buf[4096] __attribute__((aligned(4096)));
static uint8_t snap[256];

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* An address no guest RAM covers: the hypervisor cannot read it. */
#define OUTSIDE 0x10000000ull

static void dctl(uint32_t cmd, uint16_t dom)
{
	memset(&dop, 0, sizeof(dop));
	dop.cmd = cmd;
	dop.version = CTL_VERSION;
	dop.domain = dom;
}

static void sctl(uint32_t cmd)
{
	memset(&sop, 0, sizeof(sop));
	sop.cmd = cmd;
	sop.version = CTL_VERSION;
}

/* Calls with the argument as it is, reports rc and whether it changed. */
static int64_t call_d(const char *what)
{
	int64_t rc;

	memcpy(snap, &dop, sizeof(dop));
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	say("ctl domctl %s = %lld %s", what, (long long)rc,
	    memcmp(snap, &dop, sizeof(dop)) ? "wrote" : "untouched");
	return rc;
}

static int64_t call_s(const char *what)
{
	int64_t rc;

	memcpy(snap, &sop, sizeof(sop));
	rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
	say("ctl sysctl %s = %lld %s", what, (long long)rc,
	    memcmp(snap, &sop, sizeof(sop)) ? "wrote" : "untouched");
	return rc;
}

/* A domctl's union filled as a toolstack would for cmd. */
static void fill_d(uint32_t cmd)
{
	switch (cmd) {
	case DC_max_mem:
		dop.u.max_memkb = 1024;
		break;
	case DC_handle:
		for (int i = 0; i < 16; i++)
			dop.u.handle[i] = (uint8_t)(0xa0 + i);
		break;
	case DC_vcpuinfo:
		dop.u.vcpu.vcpu = 0;
		break;
	}
}

static const struct { uint32_t cmd; const char *name; } dops[] = {
	{ DC_info, "getdomaininfo" }, { DC_pause, "pausedomain" },
	{ DC_unpause, "unpausedomain" }, { DC_handle, "setdomainhandle" },
	{ DC_max_mem, "max_mem" }, { DC_vcpuinfo, "getvcpuinfo" },
};

static void fill_s(uint32_t cmd)
{
	switch (cmd) {
	case SC_list:
		sop.u.list.max = 16;
		sop.u.list.buffer = ptr(buf);
		break;
	case SC_pool:
		sop.u.pool.op = 3; /* INFO */
		sop.u.pool.bitmap = ptr(buf);
		sop.u.pool.nr_bits = 64;
		break;
	case SC_topo:
		sop.u.topo.num = 8;
		sop.u.topo.array = ptr(buf);
		break;
	case SC_numa:
		sop.u.numa.num = 1;
		sop.u.numa.meminfo = ptr(buf);
		sop.u.numa.distance = ptr(buf + 64);
		break;
	}
}

static const struct { uint32_t cmd; const char *name; } sops[] = {
	{ SC_physinfo, "physinfo" }, { SC_sched_id, "sched_id" },
	{ SC_list, "getdomaininfolist" }, { SC_pool, "cpupool_op" },
	{ SC_topo, "cputopoinfo" }, { SC_numa, "numainfo" },
	{ SC_readconsole, "readconsole" }, { 999, "op999" },
};

static void ram_setup(void)
{
	uint64_t base, end;

	if (!ram_info(&base, &end)) {
		base = 0x40000000;
		end = 0x48000000;
	}
	mmu_enable_identity(base, end);
}

void mode_ctl_denied(void)
{
	unsigned int peer = (unsigned int)arg_num("peer", 2);
	unsigned int self = (unsigned int)arg_num("self", 1);
	const struct { uint16_t id; const char *name; } targets[] = {
		{ (uint16_t)peer, "peer" }, { (uint16_t)self, "self" }, { 0, "d0" },
		{ 99, "d99" }, { DOMID_SELF, "DOMID_SELF" },
	};
	char what[64];
	int64_t rc;

	ram_setup();
	say("ctl: I am d%u, my neighbour d%u", self, peer);
	for (unsigned int i = 0; i < ARRAY_LEN(dops); i++) {
		for (unsigned int t = 0; t < ARRAY_LEN(targets); t++) {
			dctl(dops[i].cmd, targets[t].id);
			fill_d(dops[i].cmd);
			snprintf(what, sizeof(what), "%s %s", dops[i].name, targets[t].name);
			call_d(what);
		}
		dctl(dops[i].cmd, (uint16_t)peer);
		fill_d(dops[i].cmd);
		dop.version = 0x14;
		snprintf(what, sizeof(what), "%s peer version 0x14", dops[i].name);
		call_d(what);
	}
	dctl(999, (uint16_t)peer);
	call_d("op999 peer");
	dctl(999, 99);
	call_d("op999 d99");
	dctl(DC_create, 0);
	call_d("createdomain");
	dctl(40, (uint16_t)peer);          /* ioport_mapping: x86 only */
	call_d("ioport_mapping peer");
	dctl(DC_info, 0x7fff);
	call_d("getdomaininfo DOMID_IDLE");
	rc = xen_hypercall(HC_DOMCTL, OUTSIDE, 0, 0, 0, 0);
	say("ctl domctl outside RAM = %lld", (long long)rc);

	for (unsigned int i = 0; i < ARRAY_LEN(sops); i++) {
		sctl(sops[i].cmd);
		fill_s(sops[i].cmd);
		call_s(sops[i].name);
		sctl(sops[i].cmd);
		fill_s(sops[i].cmd);
		sop.version = 0x16;
		snprintf(what, sizeof(what), "%s version 0x16", sops[i].name);
		call_s(what);
	}
	rc = xen_hypercall(HC_SYSCTL, OUTSIDE, 0, 0, 0, 0);
	say("ctl sysctl outside RAM = %lld", (long long)rc);

	/* xen_version: the command line is privileged ("<denied>"); so is
	 * the build id; the handle is the domain's own (zero here). */
	memset(buf, 'x', 64);
	rc = xen_hypercall(HC_XEN_VERSION, 9, ptr(buf), 0, 0, 0);
	say("ctl xen_version commandline = %lld '%s' then '%c'", (long long)rc,
	    buf[0] == 'x' ? "" : (char *)buf, (char)buf[9]);
	*(uint32_t *)buf = 32;
	rc = xen_hypercall(HC_XEN_VERSION, 10, ptr(buf), 0, 0, 0);
	say("ctl xen_version build_id = %lld", (long long)rc);
	rc = xen_hypercall(HC_XEN_VERSION, 10, 0, 0, 0, 0);
	say("ctl xen_version build_id size = %lld", (long long)rc);
	memset(buf, 0xee, 16);
	rc = xen_hypercall(HC_XEN_VERSION, 8, ptr(buf), 0, 0, 0);
	say("ctl xen_version guest_handle = %lld %02x%02x..%02x", (long long)rc, buf[0],
	    buf[1], buf[15]);
	rc = xen_hypercall(HC_XEN_VERSION, 7, ptr(buf), 0, 0, 0);
	say("ctl xen_version pagesize with a buffer = %lld", (long long)rc);
	rc = xen_hypercall(HC_XEN_VERSION, 7, 0, 0, 0, 0);
	say("ctl xen_version pagesize = %lld", (long long)rc);

	rc = xen_hypercall(HC_MEMORY_OP, 18, 0, 0, 0, 0);
	say("ctl memory_op get_sharing_freed_pages = %lld", (long long)rc);
	rc = xen_hypercall(HC_MEMORY_OP, 19, 0, 0, 0, 0);
	say("ctl memory_op get_sharing_shared_pages = %lld", (long long)rc);
	rc = xen_hypercall(HC_XSM_OP, 5, ptr(buf), 0, 0, 0);
	say("ctl xsm_op = %lld", (long long)rc);
	say("CTL DONE");
}

/* ---- the control domain --------------------------------------------------- */

static uint64_t now_ms(void)
{
	return cntvct() * 1000 / cntfrq();
}

static void print_info(const char *what, const struct ctl_dinfo *di)
{
	say("ctl_dom0 %s domain=%u flags=%#x tot_pages=%llu max_pages=%llu "
	    "shared_info_frame=%#llx cpu_time=%llu", what, di->domain, di->flags,
	    (unsigned long long)di->tot_pages, (unsigned long long)di->max_pages,
	    (unsigned long long)di->shared_info_frame, (unsigned long long)di->cpu_time);
	say("ctl_dom0 %s domain=%u online=%u max_vcpu_id=%u cpupool=%u gpaddr_bits=%u "
	    "handle=%02x%02x..%02x", what, di->domain, di->nr_online_vcpus,
	    di->max_vcpu_id, di->cpupool, di->gpaddr_bits, di->handle[0], di->handle[1],
	    di->handle[15]);
}

static int64_t info_of(uint16_t dom)
{
	int64_t rc;

	dctl(DC_info, dom);
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	if (rc)
		say("ctl_dom0 getdomaininfo d%u rc=%lld", dom, (long long)rc);
	return rc;
}

void mode_ctl_dom0(void)
{
	struct { uint32_t idx, map; } fi = { 0, 0 };
	struct ctl_dinfo *list = (struct ctl_dinfo *)buf;
	struct ctl_physinfo *pi = &sop.u.phys;
	int64_t rc;
	uint64_t t;

	ram_setup();
	rc = xen_hypercall(HC_XEN_VERSION, 6, ptr(&fi), 0, 0, 0);
	say("ctl_dom0 features rc=%lld submap=%#x dom0=%u", (long long)rc, fi.map,
	    (fi.map >> 11) & 1);

	sctl(SC_physinfo);
	rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
	say("ctl_dom0 physinfo rc=%lld threads_per_core=%u cores_per_socket=%u nr_cpus=%u "
	    "max_cpu_id=%u nr_nodes=%u max_node_id=%u cpu_khz=%u", (long long)rc,
	    pi->threads_per_core, pi->cores_per_socket, pi->nr_cpus, pi->max_cpu_id,
	    pi->nr_nodes, pi->max_node_id, pi->cpu_khz);
	say("ctl_dom0 physinfo capabilities=%#x arch_capabilities=%#x total_pages=%llu "
	    "free_pages=%llu scrub_pages=%llu max_mfn=%#llx", pi->capabilities,
	    pi->arch_capabilities, (unsigned long long)pi->total_pages,
	    (unsigned long long)pi->free_pages, (unsigned long long)pi->scrub_pages,
	    (unsigned long long)pi->max_mfn);

	sctl(SC_list);
	sop.u.list.max = sizeof(buf) / sizeof(*list);
	sop.u.list.buffer = ptr(buf);
	rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
	say("ctl_dom0 getdomaininfolist rc=%lld num_domains=%u", (long long)rc,
	    sop.u.list.num);
	for (uint32_t i = 0; rc == 0 && i < sop.u.list.num; i++)
		print_info("list", &list[i]);
	for (uint16_t d = 0; info_of(d) == 0; d = (uint16_t)(dop.u.info.domain + 1))
		print_info("getdomaininfo", &dop.u.info);

	sctl(SC_sched_id);
	rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
	say("ctl_dom0 sched_id rc=%lld sched_id=%u", (long long)rc, sop.u.sched_id);
	for (uint32_t p = 0;; p = sop.u.pool.pool + 1) {
		sctl(SC_pool);
		sop.u.pool.op = 3;
		sop.u.pool.pool = p;
		sop.u.pool.bitmap = ptr(buf);
		sop.u.pool.nr_bits = 32;
		memset(buf, 0, 4);
		rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
		if (rc) {
			say("ctl_dom0 cpupool from=%u rc=%lld", p, (long long)rc);
			break;
		}
		say("ctl_dom0 cpupool id=%u sched_id=%u n_dom=%u cpumap=%#x", sop.u.pool.pool,
		    sop.u.pool.sched_id, sop.u.pool.n_dom, *(uint32_t *)buf);
	}
	sctl(SC_topo);
	rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
	say("ctl_dom0 cputopoinfo rc=%lld num_cpus=%u", (long long)rc, sop.u.topo.num);
	sctl(SC_numa);
	sop.u.numa.num = 1;
	sop.u.numa.meminfo = ptr(buf);
	sop.u.numa.distance = ptr(buf + 64);
	rc = xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0);
	say("ctl_dom0 numainfo rc=%lld num_nodes=%u memsize=%llu memfree=%llu distance=%u",
	    (long long)rc, sop.u.numa.num, (unsigned long long)((uint64_t *)buf)[0],
	    (unsigned long long)((uint64_t *)buf)[1], *(uint32_t *)(buf + 64));

	/* Pause domain 1 for a second (after wait_ms=, so that it is seen
	 * ticking first): the scenario sees its ticks stop. */
	for (t = now_ms(); now_ms() - t < arg_num("wait_ms", 0);)
		;
	dctl(DC_pause, 1);
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	say("ctl_dom0 pause d1 rc=%lld", (long long)rc);
	if (!info_of(1))
		say("ctl_dom0 paused d1 flags=%#x paused=%u", dop.u.info.flags,
		    (dop.u.info.flags >> 3) & 1);
	for (t = now_ms(); now_ms() - t < 1000;)
		;
	dctl(DC_unpause, 1);
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	say("ctl_dom0 unpause d1 rc=%lld", (long long)rc);
	dctl(DC_unpause, 1);
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	say("ctl_dom0 unpause d1 again rc=%lld", (long long)rc);
	if (!info_of(1))
		say("ctl_dom0 unpaused d1 flags=%#x paused=%u", dop.u.info.flags,
		    (dop.u.info.flags >> 3) & 1);
	dctl(DC_pause, 0);
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	say("ctl_dom0 pause self rc=%lld", (long long)rc);

	dctl(DC_max_mem, 1);
	dop.u.max_memkb = 65536;
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	say("ctl_dom0 max_mem d1 rc=%lld", (long long)rc);
	dctl(DC_handle, 1);
	for (int i = 0; i < 16; i++)
		dop.u.handle[i] = (uint8_t)(0xd0 + i);
	rc = xen_hypercall(HC_DOMCTL, ptr(&dop), 0, 0, 0, 0);
	say("ctl_dom0 setdomainhandle d1 rc=%lld", (long long)rc);
	if (!info_of(1))
		print_info("after", &dop.u.info);

	memset(buf, 0, 1024);
	rc = xen_hypercall(HC_XEN_VERSION, 9, ptr(buf), 0, 0, 0);
	buf[200] = 0;
	say("ctl_dom0 commandline rc=%lld '%s'", (long long)rc, (char *)buf);
	rc = xen_hypercall(HC_XEN_VERSION, 10, 0, 0, 0, 0);
	say("ctl_dom0 build_id rc=%lld", (long long)rc);
	say("CTL_DOM0 DONE");
}
