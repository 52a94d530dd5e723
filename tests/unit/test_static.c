// SPDX-License-Identifier: MIT
/*
 * Xen 4.17's static configuration bindings (common/boot/static_cfg.c and
 * static_check.c): a good tree read back field by field, then every
 * mistake of issue #15's list as the one-line error that refuses only the
 * domain concerned.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <xenith/config.h>
#include "check.h"
#include "dt_fixture.h"
#include "cfg_storage.h"

static struct host_info host;
static struct system_config cfg;
static char err[CFG_ERR_LEN];

/* host_parse + config_parse + config_validate; config_parse's result. */
static int load(void *fdt)
{
	int n;

	if (host_parse(fdt, &host, err, sizeof(err))) {
		fprintf(stderr, "host_parse: %s\n", err);
		exit(2);
	}
	host.gic_nr_lines = 288;
	host.xen_image = (struct mem_bank){ 0x40200000, 0x200000 };
	n = config_parse(fdt, &host, with_storage(&cfg), err, sizeof(err));
	if (n >= 0)
		config_validate(&host, &cfg);
	return n;
}

static void set_cells(void *fdt, const char *path, const char *prop, const uint32_t *v, int n)
{
	fdt32_t be[16];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	fdt_setprop(fdt, node(fdt, path), prop, be, (int)(n * 4));
}

/* Loads a copy of static.dtb edited by `edit`, expects domain idx refused
 * with exactly msg, and the other domain as `other_ok` says. */
static void expect_error(void (*edit)(void *fdt), int idx, const char *msg, bool other_ok)
{
	void *fdt = editable("static");

	edit(fdt);
	CHECK_EQ(load(fdt), 2);
	CHECK(!cfg.dom[idx].ok);
	CHECK_STR(cfg.dom[idx].err, msg);
	CHECK_EQ(cfg.dom[1 - idx].ok, other_ok);
	free(fdt);
}

static void test_good(void)
{
	void *fdt = editable("static");
	const struct domain_config *a, *b;

	CHECK_EQ(load(fdt), 2);
	a = &cfg.dom[0];
	b = &cfg.dom[1];
	CHECK(a->ok && b->ok);
	CHECK_EQ(cfg.nr_static_heap, 1);
	CHECK(cfg.static_heap[0].base == 0xa0000000 && cfg.static_heap[0].size == 0x10000000);
	CHECK_EQ(a->nr_static_mem, 2);
	CHECK(a->static_mem[1].base == 0x68000000 && a->static_mem[1].size == 0x4000000);
	CHECK(!a->direct_map && b->direct_map);
	CHECK_EQ(a->nr_shm, 1);
	CHECK_STR(a->shm[0].id, "region1");
	CHECK(a->shm[0].paddr == 0x70000000 && a->shm[0].gaddr == 0x50000000 &&
	      a->shm[0].size == 0x100000 && a->shm[0].role == SHM_ROLE_OWNER);
	CHECK(b->shm[0].role == SHM_ROLE_BORROWER && b->shm[0].gaddr == 0x70000000);
	CHECK(a->nr_evtchn == 1 && a->evtchn[0].port == 10 && a->evtchn[0].peer_port == 11);
	CHECK(a->evtchn[0].peer_dom == 1 && b->evtchn[0].peer_dom == 0);
	free(fdt);

	/* Xen 4.17 reads xen,static-mem with /chosen's cells: 1/1 there. */
	fdt = editable("static");
	fdt_setprop_u32(fdt, node(fdt, "/chosen"), "#address-cells", 1);
	fdt_setprop_u32(fdt, node(fdt, "/chosen"), "#size-cells", 1);
	set_cells(fdt, "/chosen/domU1", "xen,static-mem",
		  (uint32_t[]){ 0x60000000, 0x4000000, 0x68000000, 0x4000000 }, 4);
	set_cells(fdt, "/chosen/domU2", "xen,static-mem", (uint32_t[]){ 0x74000000, 0x4000000 }, 2);
	/* The 4.16 cell properties are ignored, as 4.17 does. */
	fdt_setprop_u32(fdt, node(fdt, "/chosen/domU1"), "#xen,static-mem-address-cells", 2);
	CHECK_EQ(load(fdt), 2);
	CHECK(cfg.dom[0].ok && cfg.dom[1].ok);
	CHECK(cfg.dom[0].static_mem[1].base == 0x68000000);
	free(fdt);
}

/* ---- static memory ---- */
static void e_unaligned(void *f)
{
	set_cells(f, "/chosen/domU1", "xen,static-mem",
		  (uint32_t[]){ 0, 0x60000000, 0, 0x4000800, 0, 0x68000000, 0, 0x3fff800 }, 8);
}
static void e_sum(void *f)
{
	set_cells(f, "/chosen/domU1", "xen,static-mem", (uint32_t[]){ 0, 0x60000000, 0, 0x4000000 }, 4);
}
static void e_between(void *f)
{
	set_cells(f, "/chosen/domU2", "xen,static-mem", (uint32_t[]){ 0, 0x6a000000, 0, 0x4000000 }, 4);
}
static void e_outside(void *f)
{
	set_cells(f, "/chosen/domU2", "xen,static-mem", (uint32_t[]){ 0, 0x10000000, 0, 0x4000000 }, 4);
}
static void e_module(void *f)
{
	set_cells(f, "/chosen/domU2", "xen,static-mem", (uint32_t[]){ 0, 0x4c000000, 0, 0x4000000 }, 4);
}
static void e_heap(void *f)
{
	set_cells(f, "/chosen/domU2", "xen,static-mem", (uint32_t[]){ 0, 0xa8000000, 0, 0x4000000 }, 4);
}
static void e_xen(void *f)
{
	set_cells(f, "/chosen/domU2", "xen,static-mem", (uint32_t[]){ 0, 0x40000000, 0, 0x4000000 }, 4);
}
static void e_reserved(void *f)
{
	fdt_add_mem_rsv(f, 0x74100000, 0x1000);
}
static void e_direct_nostatic(void *f)
{
	fdt_delprop(f, node(f, "/chosen/domU2"), "xen,static-mem");
}

static void test_static_mem(void)
{
	expect_error(e_unaligned, 0, "/chosen/domU1: xen,static-mem: range 0 [0x60000000, +0x4000800): not aligned to 4 KiB (the page size)", false);
	expect_error(e_sum, 0, "/chosen/domU1: memory: 131072 KiB, but the xen,static-mem ranges add up to 65536 KiB (they must be equal)", false);
	expect_error(e_between, 1, "/chosen/domU2: xen,static-mem: [0x6a000000, 0x6e000000) overlaps memory /chosen/domU1 already has", false);
	expect_error(e_outside, 1, "/chosen/domU2: xen,static-mem: [0x10000000, 0x14000000) is not inside one host RAM region", false);
	expect_error(e_module, 1, "/chosen/domU2: xen,static-mem: [0x4c000000, 0x50000000) overlaps a boot module", false);
	expect_error(e_heap, 1, "/chosen/domU2: xen,static-mem: [0xa8000000, 0xac000000) overlaps the static heap (/chosen xen,static-heap)", false);
	expect_error(e_xen, 1, "/chosen/domU2: xen,static-mem: [0x40000000, 0x44000000) overlaps the hypervisor", false);
	expect_error(e_reserved, 1, "/chosen/domU2: xen,static-mem: [0x74000000, 0x78000000) overlaps a reserved-memory region of the host", false);
	expect_error(e_direct_nostatic, 1, "/chosen/domU2: direct-map: needs xen,static-mem (Xen 4.17 maps a domain 1:1 only onto static memory)", false);
}

/* ---- shared memory ---- */
static void e_two_owners(void *f)
{
	fdt_setprop_string(f, node(f, "/chosen/domU2/shm1"), "role", "owner");
}
static void e_size(void *f)
{
	set_cells(f, "/chosen/domU2/shm1", "xen,shared-mem",
		  (uint32_t[]){ 0, 0x70000000, 0, 0x70000000, 0, 0x200000 }, 6);
}
static void e_mixed(void *f)
{
	fdt_delprop(f, node(f, "/chosen/domU2/shm1"), "role");
}
static void e_id_long(void *f)
{
	fdt_setprop_string(f, node(f, "/chosen/domU1/shm1"), "xen,shm-id", "0123456789abcdef");
}
static void e_no_gaddr(void *f)
{
	set_cells(f, "/chosen/domU1/shm1", "xen,shared-mem", (uint32_t[]){ 0, 0x70000000, 0, 0x100000 }, 4);
}
static void e_gaddr_ram(void *f)
{
	set_cells(f, "/chosen/domU1/shm1", "xen,shared-mem",
		  (uint32_t[]){ 0, 0x70000000, 0, 0x40000000, 0, 0x100000 }, 6);
}
static void e_bad_role(void *f)
{
	fdt_setprop_string(f, node(f, "/chosen/domU1/shm1"), "role", "master");
}
static void e_shm_in_static(void *f)
{
	set_cells(f, "/chosen/domU2/shm1", "xen,shared-mem",
		  (uint32_t[]){ 0, 0x74000000, 0, 0x70000000, 0, 0x100000 }, 6);
	fdt_setprop_string(f, node(f, "/chosen/domU2/shm1"), "xen,shm-id", "other");
}

static void e_host_overlap_own(void *f)
{
	int n = fdt_add_subnode(f, node(f, "/chosen/domU1"), "shm2");

	fdt_setprop_string(f, n, "compatible", "xen,domain-shared-memory-v1");
	fdt_setprop_string(f, n, "xen,shm-id", "region2");
	set_cells(f, "/chosen/domU1/shm2", "xen,shared-mem",
		  (uint32_t[]){ 0, 0x70080000, 0, 0x58000000, 0, 0x100000 }, 6);
}
static void e_gaddr_gic(void *f)
{
	set_cells(f, "/chosen/domU1/shm1", "xen,shared-mem",
		  (uint32_t[]){ 0, 0x70000000, 0, 0x03000000, 0, 0x100000 }, 6);
}
static void e_gaddr_ipa(void *f)
{
	set_cells(f, "/chosen/domU1/shm1", "xen,shared-mem",
		  (uint32_t[]){ 0, 0x70000000, 0x80, 0, 0, 0x100000 }, 6);
}

static void test_shm(void)
{
	/* (fdt_add_subnode puts region2's node first.) */
	expect_error(e_host_overlap_own, 0, "/chosen/domU1: xen,shared-mem: \"region1\": host range overlaps \"region2\"'s", false);
	expect_error(e_gaddr_gic, 0, "/chosen/domU1: xen,shared-mem: \"region1\": guest address range [0x3000000, 0x3100000) overlaps the domain's GIC, UART or grant-table region", false);
	expect_error(e_gaddr_ipa, 0, "/chosen/domU1: xen,shared-mem: \"region1\": guest address range ends past 2^39, beyond the guest-physical space", false);
	expect_error(e_two_owners, 1, "/chosen/domU2: role: \"region1\" already has an owner", false);
	expect_error(e_size, 1, "/chosen/domU2: xen,shared-mem: \"region1\" is [0x70000000, +0x100000) in /chosen/domU1: one id, one region", false);
	expect_error(e_mixed, 1, "/chosen/domU2: role: \"region1\": one node names an owner and another none (then the hypervisor owns it): choose one", false);
	expect_error(e_id_long, 0, "/chosen/domU1/shm1: xen,shm-id: longer than 15 characters (Xen's limit)", false);
	expect_error(e_no_gaddr, 0, "/chosen/domU1/shm1: xen,shared-mem: <address size> without a guest address: it must be <host-address guest-address size> (the host address must be chosen)", false);
	expect_error(e_gaddr_ram, 0, "/chosen/domU1: xen,shared-mem: \"region1\": guest address range [0x40000000, 0x40100000) overlaps the domain's RAM", false);
	expect_error(e_bad_role, 0, "/chosen/domU1/shm1: role: must be \"owner\" or \"borrower\"", false);
	expect_error(e_shm_in_static, 1, "/chosen/domU2: xen,static-mem: [0x74000000, 0x78000000) overlaps its own shared region other", false);
}

/* ---- static event channels ---- */
static void e_port_twice(void *f)
{
	int n = fdt_add_subnode(f, node(f, "/chosen/domU1"), "evtchn2");
	uint32_t ec1 = fdt_get_phandle(f, node(f, "/chosen/domU2/evtchn"));

	fdt_setprop_string(f, n, "compatible", "xen,evtchn-v1");
	set_cells(f, "/chosen/domU1/evtchn2", "xen,evtchn", (uint32_t[]){ 10, ec1 }, 2);
}
static void e_not_back(void *f)
{
	uint32_t self = fdt_get_phandle(f, node(f, "/chosen/domU2/evtchn"));

	set_cells(f, "/chosen/domU2/evtchn", "xen,evtchn", (uint32_t[]){ 11, self + 100 }, 2);
}
static void e_port_range(void *f)
{
	uint32_t peer = fdt_get_phandle(f, node(f, "/chosen/domU2/evtchn"));

	set_cells(f, "/chosen/domU1/evtchn", "xen,evtchn", (uint32_t[]){ 1024, peer }, 2);
}
static void e_peer_refused(void *f)
{
	set_cells(f, "/chosen/domU2", "memory", (uint32_t[]){ 0, 0x8000 }, 2);
}

static void e_self(void *f)
{
	uint32_t self = fdt_get_phandle(f, node(f, "/chosen/domU1/evtchn"));

	set_cells(f, "/chosen/domU1/evtchn", "xen,evtchn", (uint32_t[]){ 10, self }, 2);
}

static void test_evtchn(void)
{
	expect_error(e_self, 0, "/chosen/domU1/evtchn: xen,evtchn: the phandle names this node itself", false);
	expect_error(e_port_twice, 0, "/chosen/domU1/evtchn2: xen,evtchn: the peer node's xen,evtchn does not name this node back", false);
	expect_error(e_not_back, 1, "/chosen/domU2/evtchn: xen,evtchn: the phandle names no node", false);
	expect_error(e_port_range, 0, "/chosen/domU1/evtchn: xen,evtchn: port must be 1..1023 (a domU's event-channel ports at boot)", false);
	/* A domain refused for its own reasons takes its peer down with it:
	 * the channel could not be bound. */
	expect_error(e_peer_refused, 0, "/chosen/domU1: xen,evtchn: port 10: its peer /chosen/domU2 is refused", false);
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: memory: 32768 KiB, but the xen,static-mem ranges add up to 65536 KiB (they must be equal)");
}

static void test_heap(void)
{
	void *fdt = editable("static");

	set_cells(fdt, "/chosen", "xen,static-heap", (uint32_t[]){ 0, 0xa0000000, 0, 0x10000800 }, 4);
	CHECK_EQ(load(fdt), -1);
	CHECK_STR(err, "/chosen: xen,static-heap: range 0 [0xa0000000, +0x10000800): not aligned to 4 KiB (the page size)");
	free(fdt);
	/* Outside RAM (the GIC on QEMU virt), and two ranges overlapping:
	 * either would let the allocator hand out what is not free RAM. */
	fdt = editable("static");
	set_cells(fdt, "/chosen", "xen,static-heap", (uint32_t[]){ 0, 0x08000000, 0, 0x100000 }, 4);
	CHECK_EQ(load(fdt), -1);
	CHECK_STR(err, "/chosen: xen,static-heap: range 0 [0x8000000, +0x100000): not inside one host RAM region");
	set_cells(fdt, "/chosen", "xen,static-heap",
		  (uint32_t[]){ 0, 0xa0000000, 0, 0x1000000, 0, 0xa0800000, 0, 0x1000000 }, 8);
	CHECK_EQ(load(fdt), -1);
	CHECK_STR(err, "/chosen: xen,static-heap: range 1 [0xa0800000, +0x1000000): overlaps an earlier range");
	free(fdt);
	/* What the allocator gives (here the P2M pools) must fit in the
	 * heap: a 3 MiB heap holds one 2 MiB pool, not two; d1's channel
	 * then goes down with d2. */
	fdt = editable("static");
	set_cells(fdt, "/chosen", "xen,static-heap", (uint32_t[]){ 0, 0xa0000000, 0, 0x300000 }, 4);
	CHECK_EQ(load(fdt), 2);
	CHECK_STR(cfg.dom[1].err, "/chosen/domU2: xen,domain-p2m-mem-mb: 2 MiB P2M pool needed but only 1024 KiB of the static heap left (3072 KiB in it, 2048 KiB given to earlier domains)");
	CHECK_STR(cfg.dom[0].err, "/chosen/domU1: xen,evtchn: port 10: its peer /chosen/domU2 is refused");
	free(fdt);
}

int main(void)
{
	RUN(test_good);
	RUN(test_static_mem);
	RUN(test_shm);
	RUN(test_evtchn);
	RUN(test_heap);
	return check_done("test_static");
}
