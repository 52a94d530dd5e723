// SPDX-License-Identifier: MIT
/*
 * Boot-time CPU pools (common/boot/cpupool.c) and the scheduling
 * properties of domain nodes (dom0less.c), then what config_validate
 * makes of them: Xen 4.17's "xen,cpupool" binding, its pool numbering
 * (tree order, the CPUs no pool names in one more pool, the boot CPU's
 * pool swapped to id 0), one line per mistake, and only the domains in
 * a bad pool refused.
 *
 * QEMU's tree has cpu@0..3 with phandles 0x8004..0x8001 (CPU(i) below);
 * 0x8005 is the GIC.
 */
#include <libfdt.h>

#include "check.h"
#include "dt_fixture.h"
#include <xenith/config.h>
#include <xenith/fdt.h>
#include "cfg_storage.h"

#define CPU(i) (0x8004U - (i))
#define GIC_PHANDLE 0x8005U

static struct host_info host;
static struct system_config cfg;
static char err[CFG_ERR_LEN];

/* host_parse + config_parse + config_validate; returns config_parse's
 * result. */
static int load(void *fdt)
{
	int n;

	if (host_parse(fdt, &host, err, sizeof(err))) {
		fprintf(stderr, "host_parse: %s\n", err);
		exit(2);
	}
	host.gic_nr_lines = 288;
	n = config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	if (n >= 0)
		config_validate(&host, &cfg);
	return n;
}

/* A pool node to add: name, phandle of the node itself (0: none),
 * cpupool-cpus (n phandles; n < 0: no property), cpupool-sched (NULL:
 * none). */
struct pool_spec {
	const char *name;
	uint32_t phandle;
	int n;
	uint32_t cpus[6];
	const char *sched;
};

/* Adds the pools under /chosen in the order given (libfdt puts a new
 * node before its siblings, so they are added last first). */
static void add_pools(void *fdt, const struct pool_spec *ps, int count)
{
	for (int i = count - 1; i >= 0; i--) {
		const struct pool_spec *p = &ps[i];
		int n = fdt_add_subnode(fdt, node(fdt, "/chosen"), p->name);
		uint32_t be[6];

		if (n < 0) {
			fprintf(stderr, "fdt_add_subnode %s: %d\n", p->name, n);
			exit(2);
		}
		fdt_setprop_string(fdt, n, "compatible", "xen,cpupool");
		if (p->phandle)
			fdt_setprop_u32(fdt, n, "phandle", p->phandle);
		for (int k = 0; k < p->n; k++)
			be[k] = cpu_to_fdt32(p->cpus[k]);
		if (p->n >= 0)
			fdt_setprop(fdt, n, "cpupool-cpus", be, 4 * p->n);
		if (p->sched)
			fdt_setprop_string(fdt, n, "cpupool-sched", p->sched);
	}
}

static void set_dom_pool(void *fdt, const char *dom, uint32_t phandle)
{
	fdt_setprop_u32(fdt, node(fdt, dom), "domain-cpupool", phandle);
}

/* Pool with index i: path, CPUs, scheduler, ok. */
static void check_pool(int i, const char *path, uint32_t cpus,
		       enum sched_kind sched)
{
	CHECK_STR(cfg.pool[i].path, path);
	CHECK_EQ(cfg.pool[i].id, i);
	CHECK_EQ(cfg.pool[i].cpus, cpus);
	CHECK_EQ(cfg.pool[i].sched, sched);
	CHECK(cfg.pool[i].ok);
	CHECK_STR(cfg.pool[i].err, "");
}

/* Parses and expects pool `idx` to be bad with exactly `msg`. */
static void expect_pool_error(void *fdt, int idx, const char *msg)
{
	CHECK(load(fdt) >= 0);
	CHECK(cfg.nr_pools > idx);
	CHECK(!cfg.pool[idx].ok);
	CHECK_STR(cfg.pool[idx].err, msg);
	CHECK_EQ(cfg.pool[idx].cpus, 0);
	free(fdt);
}

/* ---- no pools, sched= ---------------------------------------------------- */

static void test_no_pools(void)
{
	void *fdt = load_dtb("dom0less", 0, NULL);

	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, 1);
	check_pool(0, "Pool-0", 0xf, SCHED_CREDIT2);
	CHECK_EQ(cfg.pool[0].node, -1);
	CHECK_EQ(cfg.pool[0].a653_major_us, 0);
	CHECK_EQ(cfg.default_sched, SCHED_CREDIT2);
	CHECK_STR(cfg.warn, "");
	free(fdt);
}

static void expect_sched(const char *args, enum sched_kind k,
			 const char *warn)
{
	void *fdt = editable("dom0less");

	fdt_setprop_string(fdt, node(fdt, "/chosen"), "xen,xen-bootargs", args);
	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.default_sched, k);
	CHECK_EQ(cfg.pool[0].sched, k);
	CHECK_STR(cfg.warn, warn);
	free(fdt);
}

static void test_default_sched(void)
{
	expect_sched("console=dtuart sched=null", SCHED_NULL, "");
	expect_sched("sched=rtds", SCHED_RTDS, "");
	expect_sched("sched=arinc653", SCHED_ARINC653, "");
	expect_sched("sched=credit2", SCHED_CREDIT2, "");
	expect_sched("sched=null sched=rtds", SCHED_RTDS, ""); /* last wins */
	/* Unknown: Xen warns and takes its default. */
	expect_sched("sched=fifo", SCHED_CREDIT2,
		     "/chosen: xen,xen-bootargs: sched=fifo: unknown scheduler; using credit2 (as Xen 4.17 does)");
	expect_sched("sched=averyveryverylongname", SCHED_CREDIT2,
		     "/chosen: xen,xen-bootargs: sched=averyveryverylo...: unknown scheduler; using credit2 (as Xen 4.17 does)");
	expect_sched("sched=", SCHED_CREDIT2,
		     "/chosen: xen,xen-bootargs: sched=: unknown scheduler; using credit2 (as Xen 4.17 does)");
	expect_sched("sched=credit", SCHED_CREDIT2,
		     "/chosen: xen,xen-bootargs: sched=credit: Xen's credit scheduler is not supported by Xenith; using credit2");

	/* A pool node without cpupool-sched takes the default. */
	void *fdt = editable("dom0less");
	const struct pool_spec ps[] = {
		{ "p", 0, 2, { CPU(2), CPU(3) }, NULL },
	};
	add_pools(fdt, ps, 1);
	fdt_setprop_string(fdt, node(fdt, "/chosen"), "xen,xen-bootargs", "sched=rtds");
	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, 2);
	check_pool(0, "Pool-0", 0x3, SCHED_RTDS);
	check_pool(1, "/chosen/p", 0xc, SCHED_RTDS);
	free(fdt);
}

/* ---- numbering --------------------------------------------------------------- */

/* The big.LITTLE tree: "big" comes first but the boot CPU's "little"
 * pool is Pool-0. */
static void test_big_little(void)
{
	void *fdt = load_dtb("cpupools", 0, NULL);

	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, 2);
	check_pool(0, "/chosen/little", 0x3, SCHED_CREDIT2);
	check_pool(1, "/chosen/big", 0xc, SCHED_NULL);
	CHECK_EQ(cfg.pool[0].node, fdt_path_offset(fdt, "/chosen/little"));
	CHECK_EQ(cfg.pool[1].node, fdt_path_offset(fdt, "/chosen/big"));
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].pool, 1);
	/* 4 vCPUs on Pool-0's 2 CPUs: credit2 schedules them. */
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].pool, 0);
	CHECK_EQ(cfg.dom[1].vcpus, 4);
	CHECK_EQ(cfg.dom[1].sched_weight, 512);
	CHECK_EQ(cfg.dom[1].sched_cap, 150);
	free(fdt);

	/* A cpu node with the older "linux,phandle" is found too. */
	fdt = editable("cpupools");
	fdt_delprop(fdt, node(fdt, "/cpus/cpu@3"), "phandle");
	fdt_setprop_u32(fdt, node(fdt, "/cpus/cpu@3"), "linux,phandle", CPU(3));
	CHECK_EQ(load(fdt), 2);
	check_pool(1, "/chosen/big", 0xc, SCHED_NULL);
	free(fdt);

	/* A third vCPU in the null pool does not fit. */
	fdt = editable("cpupools");
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 3);
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: cpus: 3 vCPUs requested but pool /chosen/big (null scheduler) has 2 CPUs and 0 vCPUs are already placed in it");
	CHECK(cfg.dom[1].ok);
	free(fdt);
}

/* Xen's rule: ids in tree order, the unnamed CPUs in one more pool, then
 * the boot CPU's pool swaps ids with pool 0. */
static void test_order_swap(void)
{
	void *fdt = editable("dom0less");
	const struct pool_spec ps[] = {
		{ "a", 0x100, 1, { CPU(2) }, "rtds" },
		{ "b", 0x101, 1, { CPU(0) }, "null" },
		{ "c", 0x102, 1, { CPU(3) }, NULL },
	};

	add_pools(fdt, ps, 3);
	set_dom_pool(fdt, "/chosen/domU1", 0x100);
	set_dom_pool(fdt, "/chosen/domU2", 0x102);
	CHECK_EQ(load(fdt), 2);
	/* Tree order a=0, b=1, c=2, cpu@1 in the extra pool 3; b has the
	 * boot CPU and swaps with a. */
	CHECK_EQ(cfg.nr_pools, 4);
	check_pool(0, "/chosen/b", 0x1, SCHED_NULL);
	check_pool(1, "/chosen/a", 0x4, SCHED_RTDS);
	check_pool(2, "/chosen/c", 0x8, SCHED_CREDIT2);
	check_pool(3, "Pool-3", 0x2, SCHED_CREDIT2);
	CHECK_EQ(cfg.pool[3].node, -1);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].pool, 1);
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].pool, 2);
	free(fdt);

	/* The boot CPU's pool already first: no swap. Every CPU named: no
	 * extra pool. */
	fdt = editable("dom0less");
	const struct pool_spec ps2[] = {
		{ "x", 0, 3, { CPU(1), CPU(0), CPU(3) }, NULL },
		{ "y", 0, 1, { CPU(2) }, "rtds" },
	};
	add_pools(fdt, ps2, 2);
	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, 2);
	check_pool(0, "/chosen/x", 0xb, SCHED_CREDIT2);
	check_pool(1, "/chosen/y", 0x4, SCHED_RTDS);
	free(fdt);
}

/* No pool names the boot CPU: the unnamed CPUs' pool is Pool-0. */
static void test_implicit_pool0(void)
{
	void *fdt = editable("dom0less");
	const struct pool_spec ps[] = {
		{ "a", 0x100, 1, { CPU(1) }, "null" },
		{ "b", 0x101, 2, { CPU(3), CPU(2) }, "rtds" },
	};

	add_pools(fdt, ps, 2);
	set_dom_pool(fdt, "/chosen/domU2", 0x100);
	fdt_setprop_string(fdt, node(fdt, "/chosen"), "xen,xen-bootargs", "sched=null");
	CHECK_EQ(load(fdt), 2);
	/* a=0, b=1, extra=2 with cpu@0; the extra pool swaps with a. */
	CHECK_EQ(cfg.nr_pools, 3);
	check_pool(0, "Pool-0", 0x1, SCHED_NULL);
	CHECK_EQ(cfg.pool[0].node, -1);
	check_pool(1, "/chosen/b", 0xc, SCHED_RTDS);
	check_pool(2, "/chosen/a", 0x2, SCHED_NULL);
	/* domU1 (2 vCPUs) names no pool: null Pool-0 has one CPU. */
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: cpus: 2 vCPUs requested but pool Pool-0 (null scheduler) has 1 CPU and 0 vCPUs are already placed in it");
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].pool, 2);
	free(fdt);
}

/* ---- mistakes in pool nodes ------------------------------------------------------ */

static void test_pool_cpus_errors(void)
{
	void *fdt = editable("dom0less");
	struct pool_spec ps[] = { { "p", 0, -1, { 0 }, NULL } };

	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: missing");

	fdt = editable("dom0less");
	ps[0].n = 0;
	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: empty (list the phandles of the pool's cpu nodes)");

	fdt = editable("dom0less");
	add_pools(fdt, ps, 1);
	fdt_setprop(fdt, node(fdt, "/chosen/p"), "cpupool-cpus", "\x00\x00\x80\x01\x00\x00", 6);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: 6 bytes is not a list of phandles (4 bytes each)");

	fdt = editable("dom0less");
	ps[0] = (struct pool_spec){ "p", 0, 2, { CPU(3), 0x1234 }, NULL };
	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: 0x1234 is not the phandle of any node");

	fdt = editable("dom0less");
	ps[0] = (struct pool_spec){ "p", 0, 2, { CPU(3), GIC_PHANDLE }, NULL };
	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: 0x8005 (/intc@8000000) is not a cpu node");

	fdt = editable("dom0less");
	ps[0] = (struct pool_spec){ "p", 0, 2, { CPU(2), CPU(3) }, NULL };
	add_pools(fdt, ps, 1);
	fdt_setprop_string(fdt, node(fdt, "/cpus/cpu@3"), "status", "disabled");
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: /cpus/cpu@3 is disabled");

	fdt = editable("dom0less");
	ps[0] = (struct pool_spec){ "p", 0, 3, { CPU(2), CPU(3), CPU(2) }, NULL };
	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: /cpus/cpu@2 is listed twice");
	/* Its CPUs go back to the CPUs no pool names: Pool-0, here. */
	check_pool(0, "Pool-0", 0xf, SCHED_CREDIT2);
}

/* A cpu node beyond the MAX_CPUS host_parse keeps. */
static void test_pool_offline_cpu(void)
{
	void *fdt = editable("dom0less");
	int cpus = node(fdt, "/cpus");
	struct pool_spec ps[] = { { "p", 0, 1, { 0 }, NULL } };
	int left_out = -1;

	for (int i = 4; i < 12; i++) {
		char name[16];
		int n;

		snprintf(name, sizeof(name), "cpu@%d", i);
		n = fdt_add_subnode(fdt, cpus, name);
		fdt_setprop_string(fdt, n, "device_type", "cpu");
		fdt_setprop_string(fdt, n, "compatible", "arm,cortex-a57");
		fdt_setprop_u32(fdt, n, "reg", (uint32_t)i);
		fdt_setprop_u32(fdt, n, "phandle", 0x200U + (uint32_t)i);
	}
	/* Which 8 are kept depends on libfdt's order: find one that is not. */
	if (host_parse(fdt, &host, err, sizeof(err)))
		exit(2);
	for (int i = 0; i < 12 && left_out < 0; i++) {
		uint32_t ph = i < 4 ? CPU(i) : 0x200U + (uint32_t)i;
		bool kept = false;

		for (int k = 0; k < host.nr_cpus; k++)
			kept |= host.cpu_phandle[k] == ph;
		if (!kept) {
			left_out = i;
			ps[0].cpus[0] = ph;
		}
	}
	CHECK(left_out >= 0);
	add_pools(fdt, ps, 1);
	char msg[160];
	snprintf(msg, sizeof(msg), "/chosen/p: cpupool-cpus: /cpus/cpu@%d is not one of the CPUs Xenith runs on (the first 8 enabled cpu nodes of /cpus)",
		 left_out);
	expect_pool_error(fdt, 1, msg);
}

static void test_pool_sched_errors(void)
{
	void *fdt = editable("dom0less");
	struct pool_spec ps[] = { { "p", 0, 1, { CPU(3) }, "fifo" } };

	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-sched: unknown scheduler \"fifo\" (known: credit2, null, rtds, arinc653)");

	fdt = editable("dom0less");
	ps[0].sched = "credit";
	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-sched: \"credit\" (Xen's credit scheduler) is not supported by Xenith; use \"credit2\"");

	fdt = editable("dom0less");
	ps[0].sched = "";
	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-sched: empty (name a scheduler, or leave the property out for the default)");

	fdt = editable("dom0less");
	ps[0].sched = NULL;
	add_pools(fdt, ps, 1);
	fdt_setprop(fdt, node(fdt, "/chosen/p"), "cpupool-sched", "null", 4);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-sched: not a NUL-terminated string");

	/* The scheduler is checked first, as in Xen; one message per pool. */
	fdt = editable("dom0less");
	ps[0] = (struct pool_spec){ "p", 0, 1, { 0x1234 }, "fifo" };
	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-sched: unknown scheduler \"fifo\" (known: credit2, null, rtds, arinc653)");
}

/* ARINC653: one CPU per pool; the major frame property. */
static void test_pool_a653(void)
{
	void *fdt = editable("dom0less");
	struct pool_spec ps[] = { { "p", 0x100, 2, { CPU(2), CPU(3) }, "arinc653" } };

	add_pools(fdt, ps, 1);
	expect_pool_error(fdt, 1, "/chosen/p: cpupool-cpus: 2 CPUs, but Xen 4.17's arinc653 scheduler runs a pool on one CPU");

	fdt = editable("dom0less");
	ps[0].n = 1;
	add_pools(fdt, ps, 1);
	fdt_setprop_u64(fdt, node(fdt, "/chosen/p"), "xenith,arinc653-major-frame-us", 10000);
	expect_pool_error(fdt, 1, "/chosen/p: xenith,arinc653-major-frame-us: must be one 32-bit cell, not 8 bytes");

	/* Two single-vCPU domains with 5 ms windows in a 10 ms frame; a third
	 * window does not fit. */
	fdt = editable("dom0less");
	add_pools(fdt, ps, 1);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/p"), "xenith,arinc653-major-frame-us", 10000);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 1);
	set_dom_pool(fdt, "/chosen/domU1", 0x100);
	set_dom_pool(fdt, "/chosen/domU2", 0x100);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "xenith,arinc653-window-us", 5000);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU2"), "xenith,arinc653-window-us", 5000);
	CHECK_EQ(load(fdt), 2);
	check_pool(1, "/chosen/p", 0x4, SCHED_ARINC653);
	CHECK_EQ(cfg.pool[1].a653_major_us, 10000);
	CHECK(cfg.dom[0].ok);
	CHECK(cfg.dom[1].ok);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU2"), "xenith,arinc653-window-us", 5001);
	load(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: xenith,arinc653-window-us: 5001 us does not fit: pool /chosen/p has a major frame of 10000 us and windows of 5000 us are already placed in it");
	/* Major frame 0 (the default): the sum of the windows. */
	fdt_setprop_u32(fdt, node(fdt, "/chosen/p"), "xenith,arinc653-major-frame-us", 0);
	load(fdt);
	CHECK(cfg.dom[1].ok);
	/* Two vCPUs in an ARINC653 pool. */
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 2);
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: cpus: 2 vCPUs, but Xen 4.17's arinc653 scheduler (pool /chosen/p) runs single-vCPU domains only");
	free(fdt);

	/* sched=arinc653 with the extra pool on 3 CPUs: its domains are
	 * refused (the extra pool cannot be; it holds the boot CPU). */
	fdt = editable("dom0less");
	fdt_setprop_string(fdt, node(fdt, "/chosen"), "xen,xen-bootargs", "sched=arinc653");
	ps[0].sched = "credit2";
	add_pools(fdt, ps, 1);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 1);
	CHECK_EQ(load(fdt), 2);
	check_pool(0, "Pool-0", 0xb, SCHED_ARINC653);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: cpus: pool Pool-0 (arinc653 scheduler) has 3 CPUs; Xen 4.17's arinc653 scheduler runs a pool on one CPU");
	free(fdt);
}

/* A CPU in two pools: the later pool is the bad one; its other CPUs go to
 * the unnamed CPUs' pool; ids stay; only its domains are refused. */
static void test_cpu_in_two_pools(void)
{
	void *fdt = editable("dom0less");
	const struct pool_spec ps[] = {
		{ "p", 0x100, 2, { CPU(0), CPU(1) }, NULL },
		{ "q", 0x101, 2, { CPU(2), CPU(1) }, "null" },
		{ "r", 0x102, 1, { CPU(3) }, "rtds" },
	};

	add_pools(fdt, ps, 3);
	set_dom_pool(fdt, "/chosen/domU1", 0x101);
	set_dom_pool(fdt, "/chosen/domU2", 0x102);
	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, 4);
	check_pool(0, "/chosen/p", 0x3, SCHED_CREDIT2);
	CHECK(!cfg.pool[1].ok);
	CHECK_STR(cfg.pool[1].path, "/chosen/q");
	CHECK_EQ(cfg.pool[1].id, 1);
	CHECK_EQ(cfg.pool[1].cpus, 0);
	CHECK_STR(cfg.pool[1].err, "/chosen/q: cpupool-cpus: /cpus/cpu@1 is already in pool /chosen/p");
	check_pool(2, "/chosen/r", 0x8, SCHED_RTDS);
	check_pool(3, "Pool-3", 0x4, SCHED_CREDIT2);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: domain-cpupool: pool /chosen/q is invalid (cpupool-cpus: /cpus/cpu@1 is already in pool /chosen/p)");
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].pool, 2);
	free(fdt);

	/* Bad or not, an earlier pool keeps what it named: r, naming q's
	 * cpu@2, is bad too. */
	fdt = editable("dom0less");
	const struct pool_spec ps2[] = {
		{ "q", 0, 2, { CPU(2), CPU(3) }, "fifo" },
		{ "r", 0, 1, { CPU(2) }, NULL },
	};
	add_pools(fdt, ps2, 2);
	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, 3);
	check_pool(0, "Pool-0", 0xf, SCHED_CREDIT2);
	CHECK_STR(cfg.pool[1].err, "/chosen/r: cpupool-cpus: /cpus/cpu@2 is already in pool /chosen/q");
	CHECK_STR(cfg.pool[2].err, "/chosen/q: cpupool-sched: unknown scheduler \"fifo\" (known: credit2, null, rtds, arinc653)");
	free(fdt);
}

/* The pool that names the boot CPU is bad: the domains that name no pool
 * belonged in it and are refused; the boot CPU goes to the extra pool. */
static void test_bad_boot_pool(void)
{
	void *fdt = editable("dom0less");
	const struct pool_spec ps[] = {
		{ "p", 0x100, 2, { CPU(0), CPU(1) }, "nul" },
		{ "q", 0x101, 2, { CPU(2), CPU(3) }, NULL },
	};

	add_pools(fdt, ps, 2);
	set_dom_pool(fdt, "/chosen/domU2", 0x101);
	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, 3);
	check_pool(0, "Pool-0", 0x3, SCHED_CREDIT2);
	check_pool(1, "/chosen/q", 0xc, SCHED_CREDIT2);
	CHECK_STR(cfg.pool[2].path, "/chosen/p");
	CHECK(!cfg.pool[2].ok);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: domain-cpupool: absent, so the domain is in the boot CPU's pool /chosen/p, which is invalid (cpupool-sched: unknown scheduler \"nul\" (known: credit2, null, rtds, arinc653))");
	CHECK(cfg.dom[1].ok);
	free(fdt);
}

static void test_too_many_pools(void)
{
	void *fdt = editable("dom0less");
	struct pool_spec ps[MAX_POOL_NODES + 1];

	for (int i = 0; i <= MAX_POOL_NODES; i++) {
		static char names[MAX_POOL_NODES + 1][16];

		snprintf(names[i], sizeof(names[i]), "p%d", i);
		ps[i] = (struct pool_spec){ names[i], 0, 1, { CPU(i % 4) }, NULL };
	}
	add_pools(fdt, ps, MAX_POOL_NODES);
	/* 8 nodes on 4 CPUs: the last 4 name taken CPUs, all stored. */
	CHECK_EQ(load(fdt), 2);
	CHECK_EQ(cfg.nr_pools, MAX_POOL_NODES);
	for (int i = 0; i < 4; i++)
		CHECK(cfg.pool[i].ok);
	for (int i = 4; i < MAX_POOL_NODES; i++)
		CHECK(!cfg.pool[i].ok);
	free(fdt);

	fdt = editable("dom0less");
	add_pools(fdt, ps, MAX_POOL_NODES + 1);
	CHECK_EQ(load(fdt), -1);
	CHECK_STR(err, "/chosen/p8: compatible: more than 8 CPU pools");
	free(fdt);
}

/* ---- domain nodes ------------------------------------------------------------ */

static void expect_dom_error(void *fdt, int idx, const char *msg)
{
	CHECK(load(fdt) > idx);
	CHECK(!cfg.dom[idx].ok);
	CHECK_STR(cfg.dom[idx].err, msg);
	free(fdt);
}

static void test_domain_cpupool(void)
{
	const struct pool_spec ps[] = {
		{ "p", 0x100, 1, { CPU(3) }, "fifo" },
	};
	void *fdt = editable("dom0less");

	set_dom_pool(fdt, "/chosen/domU1", 0x1234);
	expect_dom_error(fdt, 0, "/chosen/domU1: domain-cpupool: 0x1234 is not a xen,cpupool node (no node has this phandle)");

	fdt = editable("dom0less");
	set_dom_pool(fdt, "/chosen/domU2", CPU(1));
	expect_dom_error(fdt, 1, "/chosen/domU2: domain-cpupool: 0x8003 is not a xen,cpupool node (it is /cpus/cpu@1)");
	CHECK(cfg.dom[0].ok);

	fdt = editable("dom0less");
	fdt_setprop_u64(fdt, node(fdt, "/chosen/domU1"), "domain-cpupool", 0x100);
	expect_dom_error(fdt, 0, "/chosen/domU1: domain-cpupool: must be one phandle (4 bytes), not 8 bytes");

	/* A xen,cpupool node outside /chosen is not read, by Xen either. */
	fdt = editable("dom0less");
	int n = fdt_add_subnode(fdt, 0, "pool");
	fdt_setprop_string(fdt, n, "compatible", "xen,cpupool");
	fdt_setprop_u32(fdt, n, "cpupool-cpus", CPU(3));
	fdt_setprop_u32(fdt, n, "phandle", 0x300);
	set_dom_pool(fdt, "/chosen/domU1", 0x300);
	expect_dom_error(fdt, 0, "/chosen/domU1: domain-cpupool: 0x300 (/pool) is not a xen,cpupool node under /chosen");

	fdt = editable("dom0less");
	add_pools(fdt, ps, 1);
	set_dom_pool(fdt, "/chosen/domU1", 0x100);
	expect_dom_error(fdt, 0, "/chosen/domU1: domain-cpupool: pool /chosen/p is invalid (cpupool-sched: unknown scheduler \"fifo\" (known: credit2, null, rtds, arinc653))");
	CHECK(cfg.dom[1].ok);
	CHECK_EQ(cfg.dom[1].pool, 0);
}

/* ---- scheduling parameters --------------------------------------------------- */

static void set_u32(void *fdt, const char *prop, uint32_t v)
{
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), prop, v);
}

/* domU1 (2 vCPUs) with prop = v: ok, or refused with msg. */
static void expect_param(const char *prop, uint32_t v, const char *msg)
{
	void *fdt = editable("dom0less");

	set_u32(fdt, prop, v);
	CHECK_EQ(load(fdt), 2);
	if (msg) {
		CHECK_STR(cfg.dom[0].err, msg);
	} else {
		CHECK(cfg.dom[0].ok);
		CHECK_STR(cfg.dom[0].err, "");
	}
	free(fdt);
}

static void test_sched_params(void)
{
	void *fdt = editable("dom0less");

	/* Given values are kept. */
	set_u32(fdt, "xenith,sched-weight", 1);
	set_u32(fdt, "xenith,sched-cap", 200);
	set_u32(fdt, "xenith,rtds-period-us", 20000);
	set_u32(fdt, "xenith,rtds-budget-us", 20000);
	set_u32(fdt, "xenith,arinc653-window-us", 1);
	CHECK_EQ(load(fdt), 2);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].sched_weight, 1);
	CHECK_EQ(cfg.dom[0].sched_cap, 200);
	CHECK_EQ(cfg.dom[0].rtds_period_us, 20000);
	CHECK_EQ(cfg.dom[0].rtds_budget_us, 20000);
	CHECK_EQ(cfg.dom[0].a653_window_us, 1);
	/* domU2 has the defaults. */
	CHECK_EQ(cfg.dom[1].sched_weight, 256);
	CHECK_EQ(cfg.dom[1].sched_cap, 0);
	CHECK_EQ(cfg.dom[1].rtds_period_us, 10000);
	CHECK_EQ(cfg.dom[1].rtds_budget_us, 4000);
	CHECK_EQ(cfg.dom[1].a653_window_us, 10000);
	free(fdt);

	expect_param("xenith,sched-weight", 65535, NULL);
	expect_param("xenith,sched-weight", 0, "/chosen/domU1: xenith,sched-weight: 0 is out of range (1 to 65535)");
	expect_param("xenith,sched-weight", 65536, "/chosen/domU1: xenith,sched-weight: 65536 is out of range (1 to 65535)");
	expect_param("xenith,sched-cap", 0, NULL);
	expect_param("xenith,sched-cap", 201, "/chosen/domU1: xenith,sched-cap: 201 is out of range (0 for none, or up to 200: 100 per vCPU)");
	expect_param("xenith,rtds-period-us", 10, "/chosen/domU1: xenith,rtds-budget-us: 4000 us is more than the period (10 us)");
	expect_param("xenith,rtds-period-us", 9, "/chosen/domU1: xenith,rtds-period-us: 9 is out of range (at least 10 us)");
	expect_param("xenith,rtds-period-us", UINT32_MAX, NULL);
	expect_param("xenith,rtds-budget-us", 10, NULL);
	expect_param("xenith,rtds-budget-us", 9, "/chosen/domU1: xenith,rtds-budget-us: 9 is out of range (at least 10 us)");
	expect_param("xenith,rtds-budget-us", 10000, NULL);
	expect_param("xenith,rtds-budget-us", 10001, "/chosen/domU1: xenith,rtds-budget-us: 10001 us is more than the period (10000 us)");
	expect_param("xenith,arinc653-window-us", 0, "/chosen/domU1: xenith,arinc653-window-us: 0 is out of range (at least 1 us)");

	fdt = editable("dom0less");
	fdt_setprop_u64(fdt, node(fdt, "/chosen/domU1"), "xenith,sched-weight", 256);
	expect_dom_error(fdt, 0, "/chosen/domU1: xenith,sched-weight: must be one 32-bit cell, not 8 bytes");
}

int main(void)
{
	RUN(test_no_pools);
	RUN(test_default_sched);
	RUN(test_big_little);
	RUN(test_order_swap);
	RUN(test_implicit_pool0);
	RUN(test_pool_cpus_errors);
	RUN(test_pool_offline_cpu);
	RUN(test_pool_sched_errors);
	RUN(test_pool_a653);
	RUN(test_cpu_in_two_pools);
	RUN(test_bad_boot_pool);
	RUN(test_too_many_pools);
	RUN(test_domain_cpupool);
	RUN(test_sched_params);
	return check_done("test_cpupool");
}
