// SPDX-License-Identifier: MIT
/*
 * config_validate: the whole-system checks, on the dom0less trees and on
 * configurations built directly as structs for the edge cases (a module
 * ending exactly at the end of RAM, adjacent modules, reserved memory).
 */
#include <libfdt.h>

#include "check.h"
#include "dt_fixture.h"
#include <xenith/config.h>
#include <xenith/fdt.h>
#include "cfg_storage.h"

static struct host_info host;
static struct system_config cfg;
static char err[CFG_ERR_LEN];

/* Parse everything and validate; returns the number of domains. */
static int load(void *fdt)
{
	if (host_parse(fdt, &host, err, sizeof(err))) {
		fprintf(stderr, "host_parse: %s\n", err);
		exit(2);
	}
	host.gic_nr_lines = 288;
	int n = config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	config_validate(&host, &cfg);
	return n;
}

static void test_good_config(void)
{
	void *fdt = load_dtb("dom0less", 0, NULL);

	CHECK_EQ(load(fdt), 2);
	CHECK(cfg.dom[0].ok);
	CHECK(cfg.dom[1].ok);
	/* No pool nodes: both in Pool-0, all 4 CPUs, credit2. */
	CHECK_EQ(cfg.nr_pools, 1);
	CHECK_EQ(cfg.dom[0].pool, 0);
	CHECK_EQ(cfg.dom[1].pool, 0);
	free(fdt);
}

static void test_cpus(void)
{
	/* sched=null: one CPU per vCPU in Pool-0. */
	void *fdt = load_dtb("bad-too-many-cpus", 0, NULL);

	CHECK_EQ(load(fdt), 3);
	CHECK_EQ(cfg.pool[0].sched, SCHED_NULL);
	CHECK(cfg.dom[0].ok);
	CHECK(!cfg.dom[1].ok);
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: cpus: 2 vCPUs requested but pool Pool-0 (null scheduler) has 4 CPUs and 3 vCPUs are already placed in it");
	/* The rejected domain took nothing: domU3 has the last CPU. */
	CHECK(cfg.dom[2].ok);
	free(fdt);

	/* credit2 (the default) schedules any number of vCPUs on the
	 * pool's CPUs: 4 + 1 and 8 + 1 vCPUs on 4 CPUs are accepted. */
	fdt = editable("dom0less");
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 4);
	load(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK(cfg.dom[1].ok);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 8);
	load(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK(cfg.dom[1].ok);
	/* Up to Xen's GUEST_MAX_VCPUS (128) per domain. */
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 128);
	load(fdt);
	CHECK(cfg.dom[0].ok);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 129);
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: cpus: 129 vCPUs requested, at most 128 are supported");
	CHECK(cfg.dom[1].ok);
	/* The same under null: 1 vCPU + 2 vCPUs on 4 CPUs fit; 4 + 1 do not. */
	fdt_setprop_string(fdt, node(fdt, "/chosen"), "xen,xen-bootargs", "sched=null");
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 3);
	load(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK(cfg.dom[1].ok);
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 4);
	load(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: cpus: 1 vCPU requested but pool Pool-0 (null scheduler) has 4 CPUs and 4 vCPUs are already placed in it");
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "cpus", 5);
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: cpus: 5 vCPUs requested but pool Pool-0 (null scheduler) has 4 CPUs and 0 vCPUs are already placed in it");
	CHECK(cfg.dom[1].ok);
	free(fdt);
}

static void test_memory_values(void)
{
	void *fdt = editable("dom0less");
	int d1 = node(fdt, "/chosen/domU1");

	fdt_setprop_u64(fdt, d1, "memory", 0);
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: memory: 0 KiB is not a valid amount of RAM");
	CHECK(cfg.dom[1].ok);
	fdt_setprop_u64(fdt, d1, "memory", 1023);
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: memory: 1023 KiB is not a multiple of 4 KiB (the page size)");
	fdt_setprop_u64(fdt, d1, "memory", 0x3fc00000ULL + 4); /* 1020 GiB + 4 KiB */
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: memory: 1069547524 KiB does not fit in guest RAM banks (at most 1068498944 KiB)");
	free(fdt);
}

static void test_memory_total(void)
{
	void *fdt = editable("dom0less");

	/* 2 GiB of host RAM: 1.5 GiB + 1 GiB (+ P2M pools) does not fit. */
	fdt_setprop_u64(fdt, node(fdt, "/chosen/domU1"), "memory", 1536 * 1024);
	fdt_setprop_u64(fdt, node(fdt, "/chosen/domU2"), "memory", 1024 * 1024);
	fdt_delprop(fdt, node(fdt, "/chosen/domU2"), "xen,domain-p2m-mem-mb");
	load(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK_EQ(cfg.dom[0].p2m_mem_mb, 9);
	CHECK(!cfg.dom[1].ok);
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: memory: 1048576 KiB RAM + 6 MiB P2M pool needed but only 515072 KiB of host RAM left (2097152 KiB usable, 1582080 KiB given to earlier domains)");

	/* Reserved regions are not usable: with 448 MiB reserved, domU2 no
	 * longer fits after domU1. */
	fdt_setprop_u64(fdt, node(fdt, "/chosen/domU2"), "memory", 128 * 1024);
	load(fdt);
	CHECK(cfg.dom[1].ok);
	fdt_add_mem_rsv(fdt, 0x40000000, 0x1c000000);
	load(fdt);
	CHECK(cfg.dom[0].ok);
	CHECK(!cfg.dom[1].ok);
	CHECK_CONTAINS(cfg.dom[1].err, "(1638400 KiB usable, 1582080 KiB given to earlier domains)");
	/* Reserved memory outside RAM does not count. */
	fdt_del_mem_rsv(fdt, 0);
	fdt_add_mem_rsv(fdt, 0x10000000, 0x20000000);
	load(fdt);
	CHECK(cfg.dom[1].ok);
	free(fdt);
}

static void test_module_overlaps(void)
{
	void *fdt = load_dtb("bad-overlap", 0, NULL);

	CHECK_EQ(load(fdt), 2);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: multiboot,ramdisk: reg [0x48100000, 0x48300000) overlaps /chosen/domU1/kernel");
	/* domU1 is rejected, but its kernel image is still in memory. */
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: multiboot,kernel: reg [0x481ff000, 0x482ff000) overlaps /chosen/domU1/kernel");
	free(fdt);

	fdt = editable("dom0less");
	uint32_t reg[4] = { 0, cpu_to_fdt32(0x1000), 0, cpu_to_fdt32(0x100000) };
	fdt_setprop(fdt, node(fdt, "/chosen/domU1/module@48000000"), "reg", reg, sizeof(reg));
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: multiboot,kernel: reg [0x1000, 0x101000) is not inside host RAM");
	/* Ending exactly at the end of RAM is fine; straddling it is not. */
	reg[1] = cpu_to_fdt32(0xbff00000);
	fdt_setprop(fdt, node(fdt, "/chosen/domU1/module@48000000"), "reg", reg, sizeof(reg));
	load(fdt);
	CHECK(cfg.dom[0].ok);
	reg[1] = cpu_to_fdt32(0xbff80000);
	fdt_setprop(fdt, node(fdt, "/chosen/domU1/module@48000000"), "reg", reg, sizeof(reg));
	load(fdt);
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: multiboot,kernel: reg [0xbff80000, 0xc0080000) is not inside host RAM");
	free(fdt);
}

/* ---- struct-level edge cases -------------------------------------------- */

/* A configuration with one pool, Pool-0, of the given CPUs. */
static void one_pool(uint32_t cpus, enum sched_kind sched)
{
	memset(&cfg, 0, sizeof(cfg));
	with_storage(&cfg);
	cfg.nr_pools = 1;
	snprintf(cfg.pool[0].path, sizeof(cfg.pool[0].path), "Pool-0");
	cfg.pool[0].node = -1;
	cfg.pool[0].cpus = cpus;
	cfg.pool[0].sched = sched;
	cfg.pool[0].ok = true;
}

static struct domain_config *add_dom(const char *path, uint32_t vcpus,
				     uint64_t mem_kb)
{
	struct domain_config *d = &cfg.dom[cfg.nr_domains++];

	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->domid = (uint32_t)cfg.nr_domains;
	d->vcpus = vcpus;
	d->mem_kb = mem_kb;
	d->p2m_mem_mb = 1;
	d->sched_weight = 256;
	d->rtds_budget_us = 4000;
	d->rtds_period_us = 10000;
	d->a653_window_us = 10000;
	d->ok = true;
	return d;
}

static void set_mod(struct boot_module *m, uint64_t start, uint64_t size,
		    const char *name)
{
	m->present = true;
	m->start = start;
	m->size = size;
	m->name = name;
}

/* Xen lets dom0less domains boot one image: the same range in several
 * domains (any kind) is one copy, shared; partial overlaps stay errors,
 * also against a shared range and against a refused domain's modules. */
static void test_shared_modules(void)
{
	memset(&host, 0, sizeof(host));
	host.nr_mem = 1;
	host.mem[0] = (struct mem_bank){ 0x40000000, 0x40000000 };
	host.nr_cpus = 2;
	one_pool(3, SCHED_CREDIT2);

	struct domain_config *a = add_dom("/chosen/a", 1, 16384);
	set_mod(&a->kernel, 0x50000000, 0x200000, "ka");
	set_mod(&a->ramdisk, 0x50400000, 0x100000, "ra");
	struct domain_config *b = add_dom("/chosen/b", 1, 16384);
	set_mod(&b->kernel, 0x50000000, 0x200000, "kb");   /* a's kernel */
	set_mod(&b->ramdisk, 0x50400000, 0x100000, "rb");  /* a's ramdisk */
	struct domain_config *c = add_dom("/chosen/c", 1, 16384);
	set_mod(&c->kernel, 0x50000000, 0x200000, "kc");
	set_mod(&c->dtb, 0x50000000, 0x200000, "dc");      /* its own kernel, as a dtb */
	struct domain_config *d = add_dom("/chosen/d", 1, 16384);
	set_mod(&d->kernel, 0x50000000, 0x100000, "kd");   /* same start, shorter */
	struct domain_config *e = add_dom("/chosen/e", 1, 16384);
	set_mod(&e->kernel, 0x50100000, 0x400000, "ke");   /* straddles both */
	struct domain_config *f = add_dom("/chosen/f", 1, 16384);
	set_mod(&f->kernel, 0x50000000, 0x200000, "kf");
	f->vcpus = 129;                                    /* refused */
	set_mod(&f->ramdisk, 0x50800000, 0x100000, "rf");
	struct domain_config *g = add_dom("/chosen/g", 1, 16384);
	set_mod(&g->kernel, 0x50880000, 0x1000, "kg");     /* inside f's ramdisk */

	config_validate(&host, &cfg);
	CHECK(a->ok && b->ok && c->ok);
	CHECK(!a->kernel.shares && !a->ramdisk.shares);
	CHECK(b->kernel.shares == &a->kernel && b->ramdisk.shares == &a->ramdisk);
	CHECK(c->kernel.shares == &a->kernel && c->dtb.shares == &a->kernel);
	CHECK_STR(d->err, "/chosen/d: multiboot,kernel: reg [0x50000000, 0x50100000) overlaps /chosen/a/ka");
	CHECK_STR(e->err, "/chosen/e: multiboot,kernel: reg [0x50100000, 0x50500000) overlaps /chosen/a/ka");
	CHECK_STR(f->err, "/chosen/f: cpus: 129 vCPUs requested, at most 128 are supported");
	CHECK_STR(g->err, "/chosen/g: multiboot,kernel: reg [0x50880000, 0x50881000) overlaps /chosen/f/rf");

	/* Validating again gives the same answer (the links are rebuilt). */
	for (int i = 0; i < cfg.nr_domains; i++)
		cfg.dom[i].ok = true;
	config_validate(&host, &cfg);
	CHECK(a->ok && b->ok && c->ok && !d->ok && !e->ok && !f->ok && !g->ok);
	CHECK(b->kernel.shares == &a->kernel);
}

static void test_struct_edges(void)
{
	memset(&host, 0, sizeof(host));
	host.nr_mem = 2;
	host.mem[0] = (struct mem_bank){ 0x40000000, 0x10000000 };
	host.mem[1] = (struct mem_bank){ 0x80000000, 0x10000000 };
	host.nr_cpus = 2;
	one_pool(3, SCHED_CREDIT2);

	struct domain_config *a = add_dom("/chosen/a", 1, 65536);
	/* Ends exactly at the end of bank 0; the ramdisk is adjacent. */
	set_mod(&a->kernel, 0x4ff00000, 0x100000, "k");
	set_mod(&a->ramdisk, 0x80000000, 0x1000, "r");
	set_mod(&a->dtb, 0x4fe00000, 0x100000, "d");
	struct domain_config *b = add_dom("/chosen/b", 1, 65536);
	/* One byte into a's kernel. */
	set_mod(&b->kernel, 0x4fe00000 - 0x1000, 0x1001, "kb");
	struct domain_config *c = add_dom("/chosen/c", 1, 65536);
	/* Spans both banks: not inside one region of RAM. */
	set_mod(&c->kernel, 0x4ff00000, 0x40200000, "kc");
	struct domain_config *e = add_dom("/chosen/e", 1, 65536);
	set_mod(&e->kernel, 0x80001000, 0x1000, "ke");
	e->ok = false; /* already rejected by config_parse */
	strcpy(e->err, "/chosen/e: memory: missing");

	config_validate(&host, &cfg);
	CHECK(a->ok);
	CHECK(!b->ok);
	CHECK_STR(b->err, "/chosen/b: multiboot,kernel: reg [0x4fdff000, 0x4fe00001) overlaps /chosen/a/d");
	CHECK(!c->ok);
	CHECK_STR(c->err, "/chosen/c: multiboot,kernel: reg [0x4ff00000, 0x90100000) is not inside host RAM");
	CHECK(!e->ok);
	CHECK_STR(e->err, "/chosen/e: memory: missing"); /* left as it was */

	/* A domain whose own dtb overlaps its own kernel. */
	one_pool(3, SCHED_CREDIT2);
	a = add_dom("/chosen/a", 2, 4096);
	set_mod(&a->kernel, 0x40000000, 0x2000, "k");
	set_mod(&a->dtb, 0x40001000, 0x1000, "dt");
	config_validate(&host, &cfg);
	CHECK_STR(a->err, "/chosen/a: multiboot,device-tree: reg [0x40001000, 0x40002000) overlaps /chosen/a/k");

	/* Exactly all memory: fits. */
	one_pool(3, SCHED_CREDIT2);
	a = add_dom("/chosen/a", 2, 2 * 0x10000000 / 1024 - 1024);
	config_validate(&host, &cfg);
	CHECK(a->ok);
	one_pool(3, SCHED_CREDIT2);
	a = add_dom("/chosen/a", 2, 2 * 0x10000000 / 1024 - 1020);
	config_validate(&host, &cfg);
	CHECK(!a->ok);
}

/* Pools as validate sees them, built as structs: the domain's pool must
 * exist and be good; null pools hold one vCPU per CPU; ARINC653 pools
 * have one CPU, single-vCPU domains and windows within the major frame. */
static void test_struct_pools(void)
{
	struct domain_config *a, *b, *c;

	memset(&host, 0, sizeof(host));
	host.nr_mem = 1;
	host.mem[0] = (struct mem_bank){ 0x40000000, 0x40000000 };
	host.nr_cpus = 4;

	/* More vCPUs than CPUs: credit2 and RTDS take them. */
	one_pool(0xf, SCHED_CREDIT2);
	a = add_dom("/chosen/a", 8, 4096);
	b = add_dom("/chosen/b", 8, 4096);
	config_validate(&host, &cfg);
	CHECK(a->ok);
	CHECK(b->ok);
	one_pool(0x1, SCHED_RTDS);
	a = add_dom("/chosen/a", 3, 4096);
	config_validate(&host, &cfg);
	CHECK(a->ok);

	/* Pool index out of range; a bad pool. */
	one_pool(0xf, SCHED_CREDIT2);
	a = add_dom("/chosen/a", 1, 4096);
	a->pool = 1;
	b = add_dom("/chosen/b", 1, 4096);
	b->pool = -1;
	cfg.nr_pools = 2;
	cfg.pool[1] = (struct pool_config){ .path = "/chosen/p", .node = 7,
		.id = 1, .ok = false,
		.err = "/chosen/p: cpupool-cpus: missing" };
	config_validate(&host, &cfg);
	CHECK_STR(a->err, "/chosen/a: domain-cpupool: pool /chosen/p is invalid (cpupool-cpus: missing)");
	CHECK_STR(b->err, "/chosen/b: domain-cpupool: pool index -1 does not exist (2 pools)");

	/* null: a rejected domain takes no CPUs, so c still fits. */
	one_pool(0x7, SCHED_NULL);
	a = add_dom("/chosen/a", 2, 4096);
	b = add_dom("/chosen/b", 2, 4096);
	c = add_dom("/chosen/c", 1, 4096);
	config_validate(&host, &cfg);
	CHECK(a->ok);
	CHECK_STR(b->err, "/chosen/b: cpus: 2 vCPUs requested but pool Pool-0 (null scheduler) has 3 CPUs and 2 vCPUs are already placed in it");
	CHECK(c->ok);
	one_pool(0x1, SCHED_NULL);
	a = add_dom("/chosen/a", 1, 4096);
	b = add_dom("/chosen/b", 1, 4096);
	config_validate(&host, &cfg);
	CHECK(a->ok);
	CHECK_STR(b->err, "/chosen/b: cpus: 1 vCPU requested but pool Pool-0 (null scheduler) has 1 CPU and 1 vCPU is already placed in it");

	/* arinc653: 64 windows per schedule, as Xen 4.17; a refused domain
	 * takes no window, so the one after it still fits. */
	one_pool(0x1, SCHED_ARINC653);
	for (int i = 0; i < 64; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/chosen/d%d", i + 1);
		add_dom(path, 1, 4096)->a653_window_us = 100;
	}
	a = add_dom("/chosen/d65", 1, 4096);
	a->a653_window_us = 100;
	config_validate(&host, &cfg);
	CHECK(cfg.dom[63].ok);
	CHECK_STR(a->err, "/chosen/d65: domain-cpupool: pool Pool-0 (arinc653 scheduler) already has 64 domains, the most one schedule holds (Xen 4.17's ARINC653_MAX_DOMAINS_PER_SCHEDULE)");
	one_pool(0x1, SCHED_ARINC653);
	for (int i = 0; i < 64; i++) {
		b = add_dom("/chosen/x", i == 10 ? 2 : 1, 4096);  /* the 11th is refused */
		b->a653_window_us = 100;
	}
	c = add_dom("/chosen/last", 1, 4096);
	config_validate(&host, &cfg);
	CHECK(!cfg.dom[10].ok);
	CHECK(c->ok);

	/* ARINC653: windows 6 + 4 ms fill a 10 ms major frame exactly; 1 us
	 * more does not fit; without a major frame everything fits. */
	one_pool(0x1, SCHED_ARINC653);
	cfg.pool[0].a653_major_us = 10000;
	a = add_dom("/chosen/a", 1, 4096);
	a->a653_window_us = 6000;
	b = add_dom("/chosen/b", 1, 4096);
	b->a653_window_us = 4000;
	c = add_dom("/chosen/c", 1, 4096);
	c->a653_window_us = 1;
	config_validate(&host, &cfg);
	CHECK(a->ok);
	CHECK(b->ok);
	CHECK_STR(c->err, "/chosen/c: xenith,arinc653-window-us: 1 us does not fit: pool Pool-0 has a major frame of 10000 us and windows of 10000 us are already placed in it");
	cfg.pool[0].a653_major_us = 0;
	a->ok = b->ok = c->ok = true;
	config_validate(&host, &cfg);
	CHECK(a->ok && b->ok && c->ok);
	/* One CPU per pool, one vCPU per domain. */
	one_pool(0x3, SCHED_ARINC653);
	a = add_dom("/chosen/a", 1, 4096);
	config_validate(&host, &cfg);
	CHECK_STR(a->err, "/chosen/a: cpus: pool Pool-0 (arinc653 scheduler) has 2 CPUs; Xen 4.17's arinc653 scheduler runs a pool on one CPU");
	one_pool(0x8, SCHED_ARINC653);
	a = add_dom("/chosen/a", 2, 4096);
	config_validate(&host, &cfg);
	CHECK_STR(a->err, "/chosen/a: cpus: 2 vCPUs, but Xen 4.17's arinc653 scheduler (pool Pool-0) runs single-vCPU domains only");
}

int main(void)
{
	RUN(test_good_config);
	RUN(test_cpus);
	RUN(test_memory_values);
	RUN(test_memory_total);
	RUN(test_module_overlaps);
	RUN(test_shared_modules);
	RUN(test_struct_edges);
	RUN(test_struct_pools);
	return check_done("test_validate");
}
