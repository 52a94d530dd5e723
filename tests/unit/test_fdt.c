// SPDX-License-Identifier: MIT
/*
 * common/boot/fdt.c and fdt_write.c against the system libfdt: the reader
 * must agree with fdt_getprop & co. on every node of real trees, the
 * writer must produce what libfdt's sequential writer produces, and no
 * malformed or randomly mutated blob may make the reader read outside the
 * buffer (every blob sits in its own exact-size heap block, so ASan
 * catches a single byte too far).
 */
#include <libfdt.h>

#include "check.h"
#include <xenith/config.h>
#include <xenith/fdt.h>
#include "cfg_storage.h"

/* A blob copied into a heap block of exactly `size` bytes. */
static uint8_t *exact_copy(const void *src, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	memcpy(p, src, size);
	return p;
}

/* A blob copied to `shift` bytes past a malloc'd (so 16-byte aligned)
 * address, ending exactly at the end of the block; *raw is what to free.
 * Aligned and unaligned blobs take different load paths in the reader. */
static uint8_t *shifted_copy(const void *src, size_t size, int shift,
			     void **raw)
{
	uint8_t *p = malloc(size + (size_t)shift + 1);

	*raw = p;
	memcpy(p + shift, src, size);
	return p + shift;
}

static void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* ---- reader vs libfdt ------------------------------------------------------ */

/* Every property of `node`: same offsets, names, values and lengths. */
static void compare_props(const void *fdt, int node)
{
	int mine = dt_first_prop(fdt, node);
	int theirs;

	fdt_for_each_property_offset(theirs, fdt, node) {
		const char *name, *myname = NULL;
		int len, mylen, plen;
		const void *val = fdt_getprop_by_offset(fdt, theirs, &name, &len);

		CHECK_EQ(mine, theirs);
		const void *myval = dt_prop_at(fdt, mine, &myname, &mylen);
		CHECK(myval == val);
		CHECK_STR(myname, name);
		CHECK_EQ(mylen, len);
		/* Lookup by name finds the same bytes as libfdt. */
		CHECK(dt_prop(fdt, node, name, &plen) == fdt_getprop(fdt, node, name, NULL));
		CHECK(dt_has_prop(fdt, node, name));
		mine = dt_next_prop(fdt, mine);
	}
	CHECK_EQ(mine, DT_ERR_NOTFOUND);
	CHECK(dt_prop(fdt, node, "no-such-property", NULL) == NULL);
}

/* Each string of the node's compatible must match, and a prefix not. */
static void compare_compatible(const void *fdt, int node)
{
	int len;
	const char *c = fdt_getprop(fdt, node, "compatible", &len);

	for (int off = 0; c && off < len; off += (int)strlen(c + off) + 1) {
		CHECK(dt_is_compatible(fdt, node, c + off));
		CHECK_EQ(fdt_node_check_compatible(fdt, node, c + off), 0);
	}
	CHECK(!dt_is_compatible(fdt, node, "arm"));
}

static void compare_node(const void *fdt, int node)
{
	char p1[256], p2[256];
	int ns = fdt_next_subnode(fdt, node);
	int fc = fdt_first_subnode(fdt, node);

	CHECK_EQ(fdt_get_path(fdt, node, p1, sizeof(p1)), 0);
	CHECK_EQ(dt_get_path(fdt, node, p2, sizeof(p2)), strlen(p1));
	CHECK_STR(p2, p1);
	CHECK_EQ(dt_path(fdt, p1), node);
	CHECK_STR(dt_name(fdt, node), fdt_get_name(fdt, node, NULL));
	CHECK_EQ(dt_parent(fdt, node), node ? fdt_parent_offset(fdt, node)
					    : DT_ERR_NOTFOUND);
	CHECK_EQ(dt_first_child(fdt, node), fc < 0 ? DT_ERR_NOTFOUND : fc);
	if (node)
		CHECK_EQ(dt_next_sibling(fdt, node), ns < 0 ? DT_ERR_NOTFOUND : ns);
	CHECK_EQ(dt_addr_cells(fdt, node), fdt_address_cells(fdt, node));
	CHECK_EQ(dt_size_cells(fdt, node), fdt_size_cells(fdt, node));
	compare_props(fdt, node);
	compare_compatible(fdt, node);
}

/* reg entries decoded by hand from libfdt's view, vs dt_reg. */
static void compare_reg(const void *fdt, int node)
{
	int parent = fdt_parent_offset(fdt, node), len;
	const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
	uint64_t a, s;

	if (parent < 0 || !reg)
		return;
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc > 2)
		return;
	int entry = 4 * (ac + sc), i;
	for (i = 0; (i + 1) * entry <= len; i++) {
		CHECK(dt_reg(fdt, parent, node, i, &a, &s));
		CHECK_EQ(a, dt_read_cells(reg + i * entry, ac));
		CHECK_EQ(s, sc ? dt_read_cells(reg + i * entry + 4 * ac, sc) : 0);
	}
	CHECK(!dt_reg(fdt, parent, node, i, &a, &s));
	CHECK(!dt_reg(fdt, parent, node, -1, &a, &s));
}

static void compare_with_libfdt(const char *name)
{
	size_t size;
	uint8_t *blob = load_dtb(name, 0, &size);
	uint8_t *fdt = exact_copy(blob, size);
	int depth = 0, mine = dt_next_node(fdt, -1, NULL), nodes = 0;

	CHECK_EQ(fdt_check_full(fdt, size), 0);
	CHECK_EQ(dt_check(fdt, size), 0);
	CHECK_EQ(dt_total_size(fdt), size);
	CHECK_EQ(dt_root(fdt), 0);
	CHECK_EQ(dt_mem_rsv_count(fdt), fdt_num_mem_rsv(fdt));
	for (int node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		CHECK_EQ(mine, node);
		compare_node(fdt, node);
		compare_reg(fdt, node);
		mine = dt_next_node(fdt, mine, NULL);
		nodes++;
	}
	CHECK_EQ(mine, DT_ERR_NOTFOUND);
	CHECK(nodes > 10);
	/* Search functions, for every compatible string present. */
	static const char *const compat[] = {
		"arm,pl011", "arm,gic-v3", "arm,armv8-timer", "arm,cortex-a57",
		"xen,domain", "multiboot,kernel", "virtio,mmio", "nope",
	};
	for (size_t i = 0; i < sizeof(compat) / sizeof(compat[0]); i++) {
		int a = -1, b = -1;

		do {
			a = dt_find_compatible(fdt, a, compat[i]);
			b = fdt_node_offset_by_compatible(fdt, b, compat[i]);
			CHECK_EQ(a, b < 0 ? DT_ERR_NOTFOUND : b);
		} while (a >= 0 && b >= 0);
	}
	for (uint32_t ph = 0x8000; ph < 0x8010; ph++) {
		int b = fdt_node_offset_by_phandle(fdt, ph);
		CHECK_EQ(dt_find_phandle(fdt, ph), b < 0 ? DT_ERR_NOTFOUND : b);
	}
	CHECK_EQ(dt_find_phandle(fdt, 0), DT_ERR_NOTFOUND);
	CHECK_EQ(dt_find_phandle(fdt, 0xffffffff), DT_ERR_NOTFOUND);
	free(fdt);
	free(blob);
}

/* ---- reader details on the QEMU tree ------------------------------------- */

static void test_paths(void)
{
	size_t size;
	uint8_t *fdt = load_dtb("qemu-virt", 0, &size);

	CHECK_EQ(dt_path(fdt, "/"), 0);
	CHECK_EQ(dt_path(fdt, "/cpus/cpu@1"), fdt_path_offset(fdt, "/cpus/cpu@1"));
	/* Unit address may be left out; "cpu-map" is not "cpu". */
	CHECK_EQ(dt_path(fdt, "/cpus/cpu"), fdt_path_offset(fdt, "/cpus/cpu@0"));
	CHECK_EQ(dt_path(fdt, "/pl011"), fdt_path_offset(fdt, "/pl011@9000000"));
	CHECK_EQ(dt_path(fdt, "//cpus//cpu@2/"), fdt_path_offset(fdt, "/cpus/cpu@2"));
	CHECK_EQ(dt_path(fdt, "/intc@8000000/its@8080000"),
		 fdt_path_offset(fdt, "/intc/its"));
	CHECK_EQ(dt_path(fdt, "/cpus/cpu@7"), DT_ERR_NOTFOUND);
	CHECK_EQ(dt_path(fdt, "/cpus/cpu@"), DT_ERR_NOTFOUND);
	CHECK_EQ(dt_path(fdt, "/cpu"), DT_ERR_NOTFOUND);
	CHECK_EQ(dt_path(fdt, "cpus"), DT_ERR_NOTFOUND); /* not absolute */
	CHECK_EQ(dt_path(fdt, ""), DT_ERR_NOTFOUND);
	CHECK_EQ(dt_path(fdt, NULL), DT_ERR_NOTFOUND);

	char small[8];
	int cpu1 = dt_path(fdt, "/cpus/cpu@1");
	CHECK_EQ(dt_get_path(fdt, cpu1, small, sizeof(small)), DT_ERR_NOSPACE);
	CHECK_EQ(dt_get_path(fdt, 0, small, sizeof(small)), 1);
	CHECK_STR(small, "/");
	CHECK_EQ(dt_get_path(fdt, 0, small, 1), DT_ERR_NOSPACE);
	/* Not a node offset: an error, not a guess. */
	CHECK(dt_name(fdt, 4) == NULL);
	CHECK(dt_name(fdt, 3) == NULL);
	CHECK(dt_name(fdt, -1) == NULL);
	CHECK(dt_name(fdt, 1 << 30) == NULL);
	CHECK(dt_parent(fdt, 4) < 0);
	CHECK(dt_first_child(fdt, 1 << 20) < 0);
	CHECK(dt_next_sibling(fdt, -8) < 0);
	CHECK(dt_first_prop(fdt, 2) < 0);
	CHECK(dt_next_prop(fdt, 0) < 0); /* a node, not a property */
	int len = 0;
	CHECK(dt_prop_at(fdt, 0, NULL, &len) == NULL);
	CHECK(len < 0);
	free(fdt);
}

static void test_prop_helpers(void)
{
	size_t size;
	uint8_t *fdt = load_dtb("dom0less", 0, &size);
	int d1 = dt_path(fdt, "/chosen/domU1"), d2 = dt_path(fdt, "/chosen/domU2");
	int gic = dt_path(fdt, "/intc@8000000");
	uint32_t v32;
	uint64_t v64;

	CHECK(d1 > 0 && d2 > 0 && gic > 0);
	CHECK(dt_prop_u32(fdt, d1, "cpus", &v32));
	CHECK_EQ(v32, 2);
	CHECK(!dt_prop_u32(fdt, d1, "memory", &v32)); /* 8 bytes */
	CHECK(dt_prop_u64(fdt, d1, "memory", &v64));
	CHECK_EQ(v64, 0x80000);
	CHECK(dt_prop_u64(fdt, d2, "cpus", &v64)); /* 4 bytes is fine too */
	CHECK_EQ(v64, 1);
	CHECK(!dt_prop_u64(fdt, gic, "reg", &v64)); /* 32 bytes */
	CHECK(!dt_prop_u32(fdt, d1, "vpl011", &v32)); /* empty */
	CHECK(dt_has_prop(fdt, d1, "vpl011"));
	CHECK(!dt_has_prop(fdt, d2, "vpl011"));
	CHECK_STR(dt_prop_str(fdt, d1, "xen,enhanced"), "no-xenstore");
	CHECK(dt_prop_str(fdt, d1, "vpl011") == NULL); /* empty: no string */
	CHECK_STR(dt_prop_str(fdt, d1, "cpus"), ""); /* <2> starts with a NUL */
	CHECK(dt_prop_str(fdt, d1, "absent") == NULL);
	CHECK(dt_is_compatible(fdt, d1, "xen,domain"));
	CHECK(!dt_is_compatible(fdt, d1, "xen,domai"));
	CHECK(!dt_is_compatible(fdt, dt_path(fdt, "/cpus"), "x"));
	CHECK_EQ(dt_addr_cells(fdt, d2), 2);
	CHECK_EQ(dt_size_cells(fdt, d2), 1);
	/* Property lookup on an error handle just fails. */
	int len = 0;
	CHECK(dt_prop(fdt, -3, "x", &len) == NULL);
	CHECK(len < 0);
	free(fdt);
}

/* ---- one-pass scan and helpers -------------------------------------------- */

/* What a visitor checks each node against: the accessors one by one. */
struct scan_check {
	const char *const *props;
	int nprops;
	int expect;   /* next node dt_next_node gives (-1: the root) */
	int depth;    /* its depth, as dt_next_node counts it */
	int visited;
	int stop_at;  /* visit number at which to return 7, or -1 */
	int wrong;    /* answers that differ (one CHECK per walk, not per node) */
};

static int check_visit(const void *fdt, const struct dt_node_info *n, void *arg)
{
	struct scan_check *sc = arg;
	int len;

	sc->expect = dt_next_node(fdt, sc->expect, &sc->depth);
	sc->wrong += n->node != sc->expect;
	sc->wrong += n->depth != sc->depth;
	sc->wrong += n->parent != dt_parent(fdt, n->node);
	sc->wrong += n->name != dt_name(fdt, n->node);
	for (int i = 0; i < sc->nprops; i++) {
		sc->wrong += n->val[i] != dt_prop(fdt, n->node, sc->props[i], &len);
		sc->wrong += n->len[i] != (n->val[i] ? len : DT_ERR_NOTFOUND);
	}
	return ++sc->visited == sc->stop_at ? 7 : 0;
}

/* dt_for_each_node against dt_next_node, dt_parent and dt_prop. */
static int scan_and_check(const void *fdt, int stop_at)
{
	static const char *const props[] = {
		"compatible", "reg", "status", "device_type",
	};
	struct scan_check sc = {
		.props = props, .nprops = 4, .expect = -1, .stop_at = stop_at,
	};
	int rc = dt_for_each_node(fdt, props, 4, check_visit, &sc);

	if (rc == 0) /* every node visited */
		sc.wrong += dt_next_node(fdt, sc.expect, NULL) >= 0;
	CHECK_EQ(sc.wrong, 0);
	return rc;
}

/* Counts visits; no properties asked for. */
static int count_visit(const void *fdt, const struct dt_node_info *n,
		       void *arg)
{
	(void)fdt;
	(void)n;
	++*(int *)arg;
	return 0;
}

static void test_for_each_node(void)
{
	static const char *const names[] = { "qemu-virt", "dom0less", "board" };

	for (size_t t = 0; t < sizeof(names) / sizeof(names[0]); t++) {
		size_t size;
		uint8_t *blob = load_dtb(names[t], 0, &size);
		int nodes = 0, libfdt_nodes = 0, depth = 0;

		CHECK_EQ(scan_and_check(blob, -1), 0);
		/* A visitor's nonzero value stops the walk and comes back. */
		CHECK_EQ(scan_and_check(blob, 3), 7);
		CHECK_EQ(dt_for_each_node(blob, NULL, 0, count_visit, &nodes), 0);
		for (int n = fdt_next_node(blob, -1, &depth); n >= 0 && depth >= 0;
		     n = fdt_next_node(blob, n, &depth))
			libfdt_nodes++;
		CHECK_EQ(nodes, libfdt_nodes);
		CHECK_EQ(dt_for_each_node(blob, NULL, DT_SCAN_PROPS + 1,
					  count_visit, &nodes), DT_ERR_NOSPACE);
		free(blob);
	}
	CHECK_EQ(dt_for_each_node(NULL, NULL, 0, count_visit, NULL),
		 DT_ERR_BADMAGIC);
}

static void test_list_match(void)
{
	static const char list[] = "arm,pl011\0arm,primecell\0\0x";
	static const char *const want[] = {
		"arm,primecell", "arm,pl011", "arm,pl01", "arm", "", "x",
	};

	/* sizeof - 1: "x" is the unterminated tail, which never matches. */
	CHECK_EQ(dt_list_match(list, sizeof(list) - 1, want, 6), 0x13);
	CHECK_EQ(dt_list_match(list, sizeof(list), want, 6), 0x33);
	CHECK_EQ(dt_list_match(list, 9, want, 6), 0); /* "arm,pl011" cut */
	CHECK_EQ(dt_list_match(list, 10, want, 6), 0x2);
	CHECK_EQ(dt_list_match(list, 0, want, 6), 0);
	CHECK_EQ(dt_list_match(list, -4, want, 6), 0);
	CHECK_EQ(dt_list_match(NULL, 10, want, 6), 0);
	CHECK_EQ(dt_list_match(list, sizeof(list), want, 0), 0);

	const char *many[40];
	for (int i = 0; i < 40; i++)
		many[i] = i == 31 || i == 35 ? "arm,pl011" : "no";
	CHECK_EQ(dt_list_match(list, sizeof(list), many, 40), 1U << 31);
}

static void test_name_matches(void)
{
	CHECK(dt_name_matches("cpus", "cpus"));
	CHECK(dt_name_matches("cpu@0", "cpu"));
	CHECK(dt_name_matches("cpu@0", "cpu@0"));
	CHECK(!dt_name_matches("cpu@0", "cpu@1"));
	CHECK(!dt_name_matches("cpu@0", "cpu@"));
	CHECK(!dt_name_matches("cpu-map", "cpu"));
	CHECK(!dt_name_matches("cpu", "cpus"));
	CHECK(!dt_name_matches("cpus", "cpu"));
	CHECK(!dt_name_matches("a@1@2", "a@1"));
	CHECK(dt_name_matches("", ""));
	CHECK(dt_name_matches("@1", ""));
	CHECK(!dt_name_matches("x", ""));
	/* The rule dt_path applies to each component: the first root child
	 * it accepts is what dt_path finds. */
	static const char *const comps[] = {
		"cpus", "cpu", "memory", "memory@40000000", "pl011", "chosen",
		"intc", "psci", "timer", "virtio_mmio", "nope",
	};
	uint8_t *fdt = load_dtb("qemu-virt", 0, NULL);

	for (size_t i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
		char path[64];
		int first = DT_ERR_NOTFOUND;

		for (int c = dt_first_child(fdt, 0); c >= 0 && first < 0;
		     c = dt_next_sibling(fdt, c)) {
			if (dt_name_matches(dt_name(fdt, c), comps[i]))
				first = c;
		}
		snprintf(path, sizeof(path), "/%s", comps[i]);
		CHECK_EQ(dt_path(fdt, path), first);
	}
	free(fdt);
}

/* Every answer of the reader is the same for a copy of the blob at an
 * odd address (byte loads) as for an aligned one (word loads). */
static void compare_shifted(const uint8_t *a, const uint8_t *b)
{
	char pa[256], pb[256];
	int la, lb;

	CHECK_EQ(dt_root(a), dt_root(b));
	for (int n = dt_next_node(a, -1, NULL); n >= 0; n = dt_next_node(a, n, NULL)) {
		CHECK_STR(dt_name(a, n), dt_name(b, n));
		CHECK_EQ(dt_parent(a, n), dt_parent(b, n));
		CHECK_EQ(dt_first_child(a, n), dt_first_child(b, n));
		CHECK_EQ(dt_get_path(a, n, pa, sizeof(pa)), dt_get_path(b, n, pb, sizeof(pb)));
		CHECK_STR(pa, pb);
		CHECK_EQ(dt_path(a, pa), dt_path(b, pb));
		for (int p = dt_first_prop(a, n); p >= 0; p = dt_next_prop(a, p)) {
			const char *na, *nb;
			const uint8_t *va = dt_prop_at(a, p, &na, &la);
			const uint8_t *vb = dt_prop_at(b, p, &nb, &lb);

			CHECK(va && vb && va - a == vb - b);
			CHECK_EQ(la, lb);
			CHECK_STR(na, nb);
			CHECK(dt_prop(b, n, nb, &lb) == vb);
		}
		CHECK_EQ(dt_is_compatible(a, n, "arm,pl011"), dt_is_compatible(b, n, "arm,pl011"));
	}
	CHECK_EQ(dt_find_compatible(a, -1, "arm,gic-v3"), dt_find_compatible(b, -1, "arm,gic-v3"));
}

static void test_unaligned(void)
{
	static const char *const names[] = { "qemu-virt", "dom0less", "board" };

	for (size_t t = 0; t < sizeof(names) / sizeof(names[0]); t++) {
		size_t size;
		uint8_t *blob = load_dtb(names[t], 0, &size);

		for (int shift = 1; shift < 8; shift++) {
			void *raw;
			uint8_t *b = shifted_copy(blob, size, shift, &raw);

			CHECK_EQ(dt_check(b, size), 0);
			compare_shifted(blob, b);
			CHECK_EQ(scan_and_check(b, -1), 0);
			free(raw);
		}
		free(blob);
	}
}

/* ---- writer --------------------------------------------------------------------- */

/* The same tree through our writer (w != NULL) or libfdt's (fdt). */
struct both {
	struct dt_writer *w;
	void *fdt;
};

static void b_begin(struct both *b, const char *n)
{
	if (b->w)
		dt_wr_begin_node(b->w, n);
	else
		fdt_begin_node(b->fdt, n);
}

static void b_end(struct both *b)
{
	if (b->w)
		dt_wr_end_node(b->w);
	else
		fdt_end_node(b->fdt);
}

static void b_prop(struct both *b, const char *n, const void *v, int len)
{
	if (b->w)
		dt_wr_prop(b->w, n, v, (size_t)len);
	else
		fdt_property(b->fdt, n, v, len);
}

static void b_u32(struct both *b, const char *n, uint32_t v)
{
	if (b->w)
		dt_wr_prop_u32(b->w, n, v);
	else
		fdt_property_u32(b->fdt, n, v);
}

static void b_u64(struct both *b, const char *n, uint64_t v)
{
	if (b->w)
		dt_wr_prop_u64(b->w, n, v);
	else
		fdt_property_u64(b->fdt, n, v);
}

static void b_str(struct both *b, const char *n, const char *s)
{
	if (b->w)
		dt_wr_prop_str(b->w, n, s);
	else
		fdt_property_string(b->fdt, n, s);
}

static void b_empty(struct both *b, const char *n)
{
	if (b->w)
		dt_wr_prop_empty(b->w, n);
	else
		fdt_property(b->fdt, n, NULL, 0);
}

/* A tree using every writer call, names sharing tails ("size-cells"
 * inside "#size-cells") and values of every padding length. */
static void sample_tree(struct both *b)
{
	b_begin(b, "");
	b_u32(b, "#address-cells", 2);
	b_u32(b, "#size-cells", 2);
	b_begin(b, "chosen");
	b_str(b, "bootargs", "console=ttyAMA0 root=/dev/ram0");
	b_u64(b, "linux,initrd-start", 0x48200000);
	b_u64(b, "linux,initrd-end", 0x4a1c3000);
	b_end(b);
	b_begin(b, "cpus");
	b_u32(b, "#address-cells", 1);
	b_u32(b, "#size-cells", 0);
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%x", i);
		b_begin(b, name);
		b_prop(b, "compatible", "arm,cortex-a57", 15);
		b_str(b, "device_type", "cpu");
		b_u32(b, "reg", (uint32_t)i);
		b_end(b);
	}
	b_end(b);
	b_begin(b, "odd-lengths");
	for (int len = 0; len < 9; len++) {
		char name[16];

		snprintf(name, sizeof(name), "p%d", len);
		b_prop(b, name, "abcdefgh", len);
	}
	b_empty(b, "size-cells");
	b_empty(b, "interrupt-controller");
	b_end(b);
	b_end(b);
}

static int build_ours(void *buf, size_t cap)
{
	struct dt_writer w;
	struct both b = { .w = &w };

	dt_wr_init(&w, buf, cap);
	sample_tree(&b);
	return dt_wr_finish(&w);
}

static int build_libfdt(void *buf, size_t cap)
{
	struct both b = { .fdt = buf };

	fdt_create(buf, (int)cap);
	fdt_finish_reservemap(buf);
	sample_tree(&b);
	fdt_finish(buf);
	return fdt_totalsize(buf);
}

static void test_writer_matches_libfdt(void)
{
	static uint8_t ours[4096], theirs[4096];
	int n = build_ours(ours, sizeof(ours));
	int m = build_libfdt(theirs, sizeof(theirs));

	CHECK(n > 0);
	CHECK_EQ(n, m);
	/* Same layout, same string sharing: byte for byte identical. */
	CHECK(n == m && memcmp(ours, theirs, (size_t)n) == 0);
	CHECK_EQ(fdt_check_full(ours, (size_t)n), 0);
	CHECK_EQ(dt_check(ours, (size_t)n), 0);
	int node = fdt_path_offset(ours, "/chosen"), len;
	CHECK_STR(fdt_getprop(ours, node, "bootargs", NULL),
		  "console=ttyAMA0 root=/dev/ram0");
	const uint8_t *v = fdt_getprop(ours, node, "linux,initrd-end", &len);
	CHECK_EQ(len, 8);
	CHECK_EQ(dt_read_cells(v, 2), 0x4a1c3000);
	node = fdt_path_offset(ours, "/odd-lengths");
	CHECK(fdt_getprop(ours, node, "p5", &len) != NULL);
	CHECK_EQ(len, 5);
	CHECK(fdt_getprop(ours, node, "size-cells", &len) != NULL);
	CHECK_EQ(len, 0);
	/* Reading our own output with our reader. */
	CHECK_EQ(dt_path(ours, "/cpus/cpu@2"), fdt_path_offset(ours, "/cpus/cpu@2"));
}

/* The exact size fits; one byte less is DT_ERR_NOSPACE; nothing is
 * written beyond the capacity. */
static void test_writer_capacity(void)
{
	static uint8_t buf[4096 + 16];
	int need = build_ours(buf, 4096);

	for (int cap = 0; cap < need; cap += (cap < 80 ? 1 : 37)) {
		memset(buf, 0xa5, sizeof(buf));
		CHECK_EQ(build_ours(buf, (size_t)cap), DT_ERR_NOSPACE);
		CHECK_EQ(buf[cap], 0xa5);
	}
	CHECK_EQ(build_ours(buf, (size_t)need - 1), DT_ERR_NOSPACE);
	CHECK_EQ(build_ours(buf, (size_t)need), need);
	CHECK_EQ(dt_check(buf, (size_t)need), 0);
}

static void test_writer_misuse(void)
{
	static uint8_t buf[1024];
	struct dt_writer w;

	dt_wr_init(&w, buf, sizeof(buf));
	dt_wr_prop_u32(&w, "x", 1); /* outside any node */
	dt_wr_begin_node(&w, "");
	dt_wr_end_node(&w);
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_BADSTRUCT);

	dt_wr_init(&w, buf, sizeof(buf));
	dt_wr_begin_node(&w, "");
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_BADSTRUCT); /* unclosed */

	dt_wr_init(&w, buf, sizeof(buf));
	dt_wr_end_node(&w);
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_BADSTRUCT); /* unbalanced */

	dt_wr_init(&w, buf, sizeof(buf));
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_BADSTRUCT); /* no root */

	dt_wr_init(&w, buf, sizeof(buf));
	dt_wr_begin_node(&w, "");
	dt_wr_end_node(&w);
	dt_wr_begin_node(&w, "second-root");
	dt_wr_end_node(&w);
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_BADSTRUCT);

	dt_wr_init(&w, buf, sizeof(buf));
	for (int i = 0; i <= DT_MAX_DEPTH; i++)
		dt_wr_begin_node(&w, i ? "n" : "");
	for (int i = 0; i <= DT_MAX_DEPTH; i++)
		dt_wr_end_node(&w);
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_DEPTH);

	/* Exactly DT_MAX_DEPTH levels (root included) is fine. */
	dt_wr_init(&w, buf, sizeof(buf));
	for (int i = 0; i < DT_MAX_DEPTH; i++)
		dt_wr_begin_node(&w, i ? "n" : "");
	for (int i = 0; i < DT_MAX_DEPTH; i++)
		dt_wr_end_node(&w);
	int n = dt_wr_finish(&w);
	CHECK(n > 0);
	CHECK_EQ(dt_check(buf, (size_t)n), 0);
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_BADSTRUCT); /* finished already */

	dt_wr_init(&w, NULL, 0);
	dt_wr_begin_node(&w, "");
	dt_wr_end_node(&w);
	CHECK_EQ(dt_wr_finish(&w), DT_ERR_NOSPACE);
}

/* ---- malformed blobs ------------------------------------------------------- */

/* Runs every reader entry point over the blob; must not crash. Returns
 * the number of nodes seen. Only call when dt_check accepted the blob. */
static int walk_all(const void *fdt)
{
	char path[512];
	int nodes = 0;
	uint64_t a, s;

	for (int n = dt_next_node(fdt, -1, NULL); n >= 0 && nodes < 100000;
	     n = dt_next_node(fdt, n, NULL), nodes++) {
		const char *name = dt_name(fdt, n);
		int parent = dt_parent(fdt, n);

		if (dt_get_path(fdt, n, path, sizeof(path)) > 0)
			(void)dt_path(fdt, path);
		(void)dt_first_child(fdt, n);
		(void)dt_next_sibling(fdt, n);
		for (int p = dt_first_prop(fdt, n); p >= 0; p = dt_next_prop(fdt, p)) {
			const char *pn;
			int len;

			if (dt_prop_at(fdt, p, &pn, &len))
				(void)dt_prop(fdt, n, pn, &len);
		}
		(void)dt_prop_str(fdt, n, "compatible");
		(void)dt_is_compatible(fdt, n, "arm,pl011");
		for (int i = 0; parent >= 0 && i < 4; i++)
			(void)dt_reg(fdt, parent, n, i, &a, &s);
		(void)name;
	}
	(void)dt_find_phandle(fdt, 0x8005);
	(void)dt_find_compatible(fdt, -1, "xen,domain");
	(void)scan_and_check(fdt, -1);
	for (int i = 0; dt_mem_rsv(fdt, i, &a, &s) && i < 1000; i++)
		;
	return nodes;
}

/* The whole boot path must also survive anything dt_check accepts. */
static void parse_all(const void *fdt)
{
	static struct system_config cfg;
	struct host_info h;
	char err[CFG_ERR_LEN];

	if (host_parse(fdt, &h, err, sizeof(err)) == 0) {
		if (config_parse(fdt, &h, with_storage(&cfg), err, sizeof(err)) >= 0)
			config_validate(&h, &cfg);
	}
}

/* Checks `blob` (copied to an exact-size block) and walks it if valid. */
static int check_and_walk(const void *blob, size_t size)
{
	uint8_t *copy = exact_copy(blob, size);
	int rc = dt_check(copy, size);

	if (rc == 0) {
		walk_all(copy);
		parse_all(copy);
	}
	free(copy);
	return rc;
}

static void test_truncated(void)
{
	size_t size;
	uint8_t *blob = load_dtb("dom0less", 0, &size);

	/* Every prefix: the header's totalsize no longer fits. */
	for (size_t len = 0; len < size; len++)
		CHECK(check_and_walk(blob, len) < 0);
	CHECK_EQ(check_and_walk(blob, size), 0);
	CHECK_EQ(dt_check(NULL, 100), DT_ERR_BADMAGIC);
	/* Prefixes whose header is patched to claim exactly that size:
	 * consistent lies, which the structure checks must catch. */
	int ok = 0;
	for (size_t len = 40; len < size; len += 7) {
		uint8_t *copy = exact_copy(blob, len);

		put_be32(copy + 4, (uint32_t)len);
		if (dt_check(copy, len) == 0) {
			ok++;
			walk_all(copy);
		}
		free(copy);
	}
	CHECK_EQ(ok, 0);
	free(blob);
}

/* Sets header field `off` to v and returns dt_check's verdict. */
static int with_header(const uint8_t *blob, size_t size, int off, uint32_t v)
{
	uint8_t *copy = exact_copy(blob, size);
	int rc;

	put_be32(copy + off, v);
	rc = dt_check(copy, size);
	if (rc == 0)
		walk_all(copy);
	free(copy);
	return rc;
}

static void test_bad_headers(void)
{
	size_t size;
	uint8_t *b = load_dtb("qemu-virt", 0, &size);
	uint32_t total = (uint32_t)size;
	uint32_t soff = dt_be32(b + 8), stroff = dt_be32(b + 12);
	uint32_t rsv = dt_be32(b + 16), strsize = dt_be32(b + 32);
	uint32_t structsize = dt_be32(b + 36);

	CHECK_EQ(with_header(b, size, 0, 0xd00dfeee), DT_ERR_BADMAGIC);
	CHECK_EQ(with_header(b, size, 4, total + 1), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 4, 12), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 4, 0xffffffff), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 8, total), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 8, soff + 2), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 8, 0xfffffffc), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 8, 0), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 12, total - 1), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 12, 0xffffff00), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 16, rsv + 4), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 16, total - 8), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 20, 15), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 24, 18), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 32, strsize + 0x10000), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 32, 0xffffffff), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 36, total), DT_ERR_BADHEADER);
	CHECK_EQ(with_header(b, size, 36, 0xfffffff0), DT_ERR_BADHEADER);
	/* A strings block too short for the names used. */
	CHECK_EQ(with_header(b, size, 32, strsize / 2), DT_ERR_BADSTRUCT);
	/* A structure block cut before FDT_END. */
	CHECK_EQ(with_header(b, size, 36, structsize - 4), DT_ERR_BADSTRUCT);
	CHECK_EQ(with_header(b, size, 36, 0), DT_ERR_BADSTRUCT);
	/* Version 16 has no size_dt_struct; the block runs to the end. */
	CHECK_EQ(with_header(b, size, 20, 16), 0);
	/* Too small for a header at all. */
	CHECK_EQ(dt_check(b, 39), DT_ERR_BADHEADER);
	CHECK_EQ(dt_check(b, 3), DT_ERR_BADMAGIC);
	(void)stroff;
	free(b);
}

/* Builds a raw structure block by hand: tokens as given. */
static size_t raw_blob(uint8_t *buf, const uint32_t *tok, int ntok,
		       const char *strs, size_t strlen_)
{
	size_t soff = 56, slen = 4 * (size_t)ntok;
	size_t stroff = soff + slen, total = stroff + strlen_;

	memset(buf, 0, total);
	put_be32(buf, 0xd00dfeed);
	put_be32(buf + 4, (uint32_t)total);
	put_be32(buf + 8, (uint32_t)soff);
	put_be32(buf + 12, (uint32_t)stroff);
	put_be32(buf + 16, 40);
	put_be32(buf + 20, 17);
	put_be32(buf + 24, 16);
	put_be32(buf + 32, (uint32_t)strlen_);
	put_be32(buf + 36, (uint32_t)slen);
	for (int i = 0; i < ntok; i++)
		put_be32(buf + soff + 4 * i, tok[i]);
	memcpy(buf + stroff, strs, strlen_);
	return total;
}

#define BEGIN 1
#define END_NODE 2
#define PROP 3
#define NOP 4
#define END 9
#define RAW(expect, ...)                                                    \
	do {                                                                \
		static const uint32_t t_[] = { __VA_ARGS__ };               \
		uint8_t b_[256];                                            \
		size_t n_ = raw_blob(b_, t_, sizeof(t_) / 4, "reg\0", 4);   \
		CHECK_EQ(check_and_walk(b_, n_), (expect));                 \
	} while (0)

static void test_bad_structure(void)
{
	/* Root "" is one zero word after the BEGIN token. */
	RAW(0, BEGIN, 0, END_NODE, END);
	RAW(0, BEGIN, 0, NOP, PROP, 0, 0, END_NODE, NOP, END);
	RAW(0, BEGIN, 0, PROP, 4, 0, 0x12345678, END_NODE, END);
	/* A name offset into the middle of a string is legal ("g"). */
	RAW(0, BEGIN, 0, PROP, 4, 2, 0, END_NODE, END);
	RAW(DT_ERR_BADSTRUCT, NOP, BEGIN, 0, END_NODE, END); /* root first */
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, END_NODE);               /* no END */
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, END);                    /* unclosed */
	RAW(DT_ERR_BADSTRUCT, END_NODE, END);                    /* no root */
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, END_NODE, END_NODE, END);
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, END_NODE, BEGIN, 0, END_NODE, END);
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, 7, END_NODE, END);       /* bad token */
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, PROP, 4, 99, 0, END_NODE, END);
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, PROP, 4, 4, 0, END_NODE, END);
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, PROP, 400, 0, 0, END_NODE, END);
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, PROP, 0xfffffffc, 0, END_NODE, END);
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0, PROP, 0, END_NODE, END); /* cut prop */
	RAW(DT_ERR_BADSTRUCT, BEGIN, 0x61616161, 0x61616161);     /* no NUL */
}

static void test_too_deep(void)
{
	static uint8_t buf[4096];

	/* libfdt's writer has no depth limit, so it can build 40 levels. */
	fdt_create(buf, sizeof(buf));
	fdt_finish_reservemap(buf);
	for (int i = 0; i < 40; i++)
		fdt_begin_node(buf, i ? "d" : "");
	for (int i = 0; i < 40; i++)
		fdt_end_node(buf);
	fdt_finish(buf);
	CHECK_EQ(fdt_check_full(buf, fdt_totalsize(buf)), 0);
	CHECK_EQ(dt_check(buf, fdt_totalsize(buf)), DT_ERR_DEPTH);
	/* Accessors still answer (errors, not overflows) when asked. */
	char path[512];
	int deep = fdt_path_offset(buf, "/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d");
	CHECK(deep > 0);
	CHECK_EQ(dt_get_path(buf, deep, path, sizeof(path)), DT_ERR_DEPTH);
	CHECK_EQ(dt_parent(buf, deep), DT_ERR_DEPTH);
}

/* ---- fuzzing ----------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	/* xorshift64*: fixed seed, so every run fuzzes the same blobs. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* One random change: a byte, a bit, a word set to an edge value, or a
 * header field nudged. */
static void mutate(uint8_t *b, size_t size)
{
	static const uint32_t edge[] = {
		0, 1, 2, 3, 4, 9, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff,
	};
	uint32_t pos = rnd() % (uint32_t)size;

	switch (rnd() % 5) {
	case 0:
		b[pos] = (uint8_t)rnd();
		break;
	case 1:
		b[pos] ^= (uint8_t)(1u << (rnd() % 8));
		break;
	case 2:
		if (pos + 4 <= size)
			put_be32(b + (pos & ~3u), edge[rnd() % 10]);
		break;
	case 3: {
		uint32_t f = 4 + 4 * (rnd() % 9);
		put_be32(b + f, dt_be32(b + f) + (rnd() % 64) - 32);
		break;
	}
	default: /* a token-sized word inside the structure block */
		if (pos + 4 <= size)
			put_be32(b + (pos & ~3u), 1 + rnd() % 9);
		break;
	}
}

static void fuzz(const char *name, int iterations)
{
	size_t size;
	uint8_t *orig = load_dtb(name, 0, &size);
	int accepted = 0;

	for (int it = 0; it < iterations; it++) {
		size_t len = size;
		uint8_t *b;

		fuzz_runs++;
		/* Sometimes also cut the buffer short. */
		if (rnd() % 8 == 0)
			len = rnd() % size;
		void *raw;
		b = shifted_copy(orig, len, (int)(rnd() % 4), &raw);
		for (int m = 1 + rnd() % 4; len >= 40 && m > 0; m--)
			mutate(b, len);
		if (dt_check(b, len) == 0) {
			accepted++;
			walk_all(b);
			parse_all(b);
		} else if (len >= 40 && dt_be32(b + 4) <= len) {
			/* Malformed, but the accessors may be used (their
			 * bounds are the header's): the scan must still agree
			 * with them, and stay inside the blob. */
			(void)scan_and_check(b, -1);
		}
		free(raw);
	}
	/* Most single-byte changes (in values) leave the blob valid. */
	CHECK(accepted > iterations / 10);
	CHECK(accepted < iterations);
	free(orig);
}

int main(void)
{
	CASE("compare_with_libfdt qemu-virt", compare_with_libfdt("qemu-virt"));
	CASE("compare_with_libfdt dom0less", compare_with_libfdt("dom0less"));
	CASE("compare_with_libfdt board", compare_with_libfdt("board"));
	RUN(test_paths);
	RUN(test_prop_helpers);
	RUN(test_for_each_node);
	RUN(test_list_match);
	RUN(test_name_matches);
	RUN(test_unaligned);
	RUN(test_writer_matches_libfdt);
	RUN(test_writer_capacity);
	RUN(test_writer_misuse);
	RUN(test_truncated);
	RUN(test_bad_headers);
	RUN(test_bad_structure);
	RUN(test_too_deep);
	CASE("fuzz dom0less", fuzz("dom0less", 3000));
	CASE("fuzz board", fuzz("board", 2000));
	return check_done("test_fdt");
}
