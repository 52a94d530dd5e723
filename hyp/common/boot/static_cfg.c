// SPDX-License-Identifier: MIT
/*
 * Xen 4.17's static configuration bindings (docs/misc/arm/device-tree/
 * booting.txt: "Static Allocation", "Static Heap Memory", "Static Shared
 * Memory", "Static Event Channel"), each property checked on its own;
 * what involves several domains is in static_check.c.
 *
 * Cells as Xen's early scan reads them: a property uses its node's
 * parent's #address-cells/#size-cells, inherited from further up when
 * absent (2 and 1 at the root). So "xen,static-mem" uses /chosen's,
 * "xen,static-heap" the root's, "xen,shared-mem" the domain node's. The
 * 4.16 properties #xen,static-mem-address-cells/-size-cells are ignored,
 * as in 4.17.
 */
#include "cfg_msg.h"
#include "static_cfg.h"

#define PAGE_MASK 0xfffULL

#define SFAIL(d, prop, ...) \
	cfg_fail((d)->err, sizeof((d)->err), (d)->path, (prop), __VA_ARGS__)

/* Reads <addr size> pairs (cells of `parent`) from prop of `node`. The
 * count, or -1 with a message naming what is wrong in *why. */
static int read_ranges(const void *fdt, int parent, int node, const char *prop,
		       struct mem_bank *out, int max, const char **why)
{
	uint32_t ac = cfg_cells(fdt, parent, "#address-cells", 2);
	uint32_t sc = cfg_cells(fdt, parent, "#size-cells", 1);
	int len, n;
	const uint8_t *p = dt_prop(fdt, node, prop, &len);

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		*why = "cannot decode with these #address-cells/#size-cells (1 or 2 each)";
		return -1;
	}
	if (!p || len <= 0 || len % (int)(4 * (ac + sc))) {
		*why = "not a list of <address size> pairs";
		return -1;
	}
	n = len / (int)(4 * (ac + sc));
	if (n > max) {
		*why = "too many ranges";
		return -1;
	}
	for (int i = 0; i < n; i++, p += 4 * (ac + sc)) {
		out[i].base = dt_read_cells(p, (int)ac);
		out[i].size = dt_read_cells(p + 4 * ac, (int)sc);
	}
	return n;
}

/* A range the hypervisor will map for a guest: page aligned, not empty,
 * not wrapping. NULL or what is wrong. */
static const char *bad_range(uint64_t base, uint64_t size)
{
	if (!size)
		return "size is 0";
	if ((base | size) & PAGE_MASK)
		return "not aligned to 4 KiB (the page size)";
	if (base + size < base)
		return "wraps around";
	return NULL;
}

/* ---- xen,static-mem and direct-map ------------------------------------------ */

static int parse_static_mem(const void *fdt, int chosen, struct domain_config *d)
{
	const char *why = NULL;
	uint64_t sum = 0;
	int n;

	if (!dt_has_prop(fdt, d->node, "xen,static-mem"))
		return 0;
	n = read_ranges(fdt, chosen, d->node, "xen,static-mem", d->static_mem,
			MAX_STATIC_BANKS, &why);
	if (n < 0)
		return SFAIL(d, "xen,static-mem", "%s%s", why,
			     !strcmp(why, "too many ranges") ? " (at most 16)" :
			     " (cells of /chosen)");
	for (int i = 0; i < n; i++) {
		const struct mem_bank *b = &d->static_mem[i];

		why = bad_range(b->base, b->size);
		if (why)
			return SFAIL(d, "xen,static-mem", "range %d [0x%llx, +0x%llx): %s", i,
				     (unsigned long long)b->base,
				     (unsigned long long)b->size, why);
		for (int k = 0; k < i; k++)
			if (cfg_overlap(b->base, b->size, d->static_mem[k].base,
					d->static_mem[k].size))
				return SFAIL(d, "xen,static-mem", "ranges %d and %d overlap", k, i);
		sum += b->size;
	}
	d->nr_static_mem = n;
	if (sum != d->mem_kb * 1024)
		return SFAIL(d, "memory", "%llu KiB, but the xen,static-mem ranges add up to %llu KiB (they must be equal)",
			     (unsigned long long)d->mem_kb, (unsigned long long)(sum >> 10));
	return 0;
}

static int parse_direct_map(const void *fdt, struct domain_config *d)
{
	d->direct_map = dt_has_prop(fdt, d->node, "direct-map");
	if (d->direct_map && !d->nr_static_mem)
		return SFAIL(d, "direct-map", "needs xen,static-mem (Xen 4.17 maps a domain 1:1 only onto static memory)");
	return 0;
}

/* ---- static shared memory ----------------------------------------------------- */

static int shm_fail(const void *fdt, struct domain_config *d, int node,
		    const char *prop, const char *msg)
{
	char path[128];

	return cfg_fail(d->err, sizeof(d->err), cfg_path(fdt, node, path, sizeof(path)),
			prop, "%s", msg);
}

static int parse_shm_node(const void *fdt, struct domain_config *d, int node)
{
	uint32_t ac = cfg_cells(fdt, d->node, "#address-cells", 2);
	uint32_t sc = cfg_cells(fdt, d->node, "#size-cells", 1);
	struct shm_config *s;
	const char *id, *role, *why;
	const uint8_t *p;
	int len;

	if (d->nr_shm == MAX_DOM_SHM)
		return shm_fail(fdt, d, node, "compatible", "more than 16 shared-memory nodes in one domain");
	s = &d->shm[d->nr_shm];
	memset(s, 0, sizeof(*s));
	s->node = node;
	id = dt_prop(fdt, node, "xen,shm-id", &len);
	if (!id)
		return shm_fail(fdt, d, node, "xen,shm-id", "missing");
	if (len <= 1 || strnlen(id, (size_t)len) != (size_t)len - 1)
		return shm_fail(fdt, d, node, "xen,shm-id", "not a non-empty NUL-terminated string");
	if (len > SHM_ID_MAX)
		return shm_fail(fdt, d, node, "xen,shm-id", "longer than 15 characters (Xen's limit)");
	memcpy(s->id, id, (size_t)len);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return shm_fail(fdt, d, node, "xen,shared-mem", "cannot decode with the domain node's #address-cells/#size-cells (1 or 2 each)");
	p = dt_prop(fdt, node, "xen,shared-mem", &len);
	if (!p)
		return shm_fail(fdt, d, node, "xen,shared-mem", "missing");
	if (len == (int)(4 * (ac + sc)))
		return shm_fail(fdt, d, node, "xen,shared-mem", "<address size> without a guest address: it must be <host-address guest-address size> (the host address must be chosen)");
	if (len != (int)(4 * (2 * ac + sc)))
		return shm_fail(fdt, d, node, "xen,shared-mem", "must be <host-address guest-address size>");
	s->paddr = dt_read_cells(p, (int)ac);
	s->gaddr = dt_read_cells(p + 4 * ac, (int)ac);
	s->size = dt_read_cells(p + 8 * ac, (int)sc);
	why = bad_range(s->paddr, s->size);
	if (!why)
		why = bad_range(s->gaddr, s->size);
	if (why)
		return shm_fail(fdt, d, node, "xen,shared-mem", why);
	role = dt_prop(fdt, node, "role", &len);
	if (role) {
		if (len == 6 && !memcmp(role, "owner", 6))
			s->role = SHM_ROLE_OWNER;
		else if (len == 9 && !memcmp(role, "borrower", 9))
			s->role = SHM_ROLE_BORROWER;
		else
			return shm_fail(fdt, d, node, "role", "must be \"owner\" or \"borrower\"");
	}
	d->nr_shm++;
	return 0;
}

/* ---- static event channels ------------------------------------------------------ */

/* xen,evtchn = <port phandle> of node: the port and the peer node. */
static int evtchn_prop(const void *fdt, int node, uint32_t *port, int *peer)
{
	int len;
	const uint8_t *p = dt_prop(fdt, node, "xen,evtchn", &len);

	if (!p || len < 8)
		return -1;
	*port = dt_be32(p);
	*peer = dt_find_phandle(fdt, dt_be32(p + 4));
	return 0;
}

static int parse_evtchn_node(const void *fdt, struct domain_config *d, int node)
{
	struct static_evtchn *e;
	uint32_t back_port;
	int back;

	if (d->nr_evtchn == MAX_DOM_EVTCHN)
		return shm_fail(fdt, d, node, "compatible", "more than 32 static event channels in one domain");
	e = &d->evtchn[d->nr_evtchn];
	memset(e, 0, sizeof(*e));
	e->node = node;
	e->peer_dom = -1;
	if (!dt_has_prop(fdt, node, "xen,evtchn"))
		return shm_fail(fdt, d, node, "xen,evtchn", "missing");
	if (evtchn_prop(fdt, node, &e->port, &e->peer_node))
		return shm_fail(fdt, d, node, "xen,evtchn", "must be <port phandle>");
	if (e->port == 0 || e->port > STATIC_EVTCHN_MAX_PORT)
		return shm_fail(fdt, d, node, "xen,evtchn", "port must be 1..1023 (a domU's event-channel ports at boot)");
	if (e->peer_node < 0)
		return shm_fail(fdt, d, node, "xen,evtchn", "the phandle names no node");
	if (e->peer_node == node)
		return shm_fail(fdt, d, node, "xen,evtchn", "the phandle names this node itself");
	if (!dt_is_compatible(fdt, e->peer_node, "xen,evtchn-v1"))
		return shm_fail(fdt, d, node, "xen,evtchn", "the phandle names a node that is not a xen,evtchn-v1 node");
	if (evtchn_prop(fdt, e->peer_node, &back_port, &back) || back != node)
		return shm_fail(fdt, d, node, "xen,evtchn", "the peer node's xen,evtchn does not name this node back");
	e->peer_parent = dt_parent(fdt, e->peer_node);
	if (e->peer_parent < 0 || !dt_is_compatible(fdt, e->peer_parent, "xen,domain"))
		return shm_fail(fdt, d, node, "xen,evtchn", "the peer node is not in a xen,domain node (a dom0 side is not supported)");
	for (int i = 0; i < d->nr_evtchn; i++)
		if (d->evtchn[i].port == e->port)
			return shm_fail(fdt, d, node, "xen,evtchn", "port already bound by another xen,evtchn-v1 node of this domain");
	e->peer_port = back_port;
	d->nr_evtchn++;
	return 0;
}

/* ---- a domain ------------------------------------------------------------------------ */

int static_parse_domain(const void *fdt, int chosen, struct domain_config *d)
{
	if (parse_static_mem(fdt, chosen, d) || parse_direct_map(fdt, d))
		return -1;
	for (int n = dt_first_child(fdt, d->node); n >= 0; n = dt_next_sibling(fdt, n)) {
		if (dt_is_compatible(fdt, n, "xen,domain-shared-memory-v1") &&
		    parse_shm_node(fdt, d, n))
			return -1;
		if (dt_is_compatible(fdt, n, "xen,evtchn-v1") && parse_evtchn_node(fdt, d, n))
			return -1;
	}
	return 0;
}

int static_parse_heap(const void *fdt, int chosen, const struct host_info *h,
		      struct mem_bank *banks, int max, char *err, size_t errlen)
{
	const char *why = NULL;
	int n;

	if (chosen < 0 || !dt_has_prop(fdt, chosen, "xen,static-heap"))
		return 0;
	n = read_ranges(fdt, dt_parent(fdt, chosen), chosen, "xen,static-heap", banks,
			max, &why);
	if (n < 0)
		return cfg_fail(err, errlen, "/chosen", "xen,static-heap", "%s (cells of /)", why);
	for (int i = 0; i < n; i++) {
		why = bad_range(banks[i].base, banks[i].size);
		if (!why && !cfg_inside_one_bank(h->mem, h->nr_mem, banks[i].base, banks[i].size))
			why = "not inside one host RAM region";
		for (int k = 0; !why && k < i; k++)
			if (cfg_overlap(banks[i].base, banks[i].size, banks[k].base, banks[k].size))
				why = "overlaps an earlier range";
		if (why)
			return cfg_fail(err, errlen, "/chosen", "xen,static-heap",
					"range %d [0x%llx, +0x%llx): %s", i,
					(unsigned long long)banks[i].base,
					(unsigned long long)banks[i].size, why);
	}
	return n;
}

/* ---- before parsing: what the allocator must not hand out ----------------------- */

void static_ranges_of(const void *fdt, int chosen, int node,
		      void (*fn)(void *arg, uint64_t start, uint64_t size), void *arg)
{
	struct mem_bank b[MAX_STATIC_BANKS];
	const char *why;
	int nr = dt_has_prop(fdt, node, "xen,static-mem")
		? read_ranges(fdt, chosen, node, "xen,static-mem", b, MAX_STATIC_BANKS, &why)
		: 0;

	for (int i = 0; i < nr; i++)
		if (!bad_range(b[i].base, b[i].size))
			fn(arg, b[i].base, b[i].size);
	for (int c = dt_first_child(fdt, node); c >= 0; c = dt_next_sibling(fdt, c)) {
		struct domain_config d;

		if (!dt_is_compatible(fdt, c, "xen,domain-shared-memory-v1"))
			continue;
		memset(&d, 0, sizeof(d));
		d.node = node;
		if (!parse_shm_node(fdt, &d, c))
			fn(arg, d.shm[0].paddr, d.shm[0].size);
	}
}

int config_static_heap(const void *fdt, const struct host_info *h, struct mem_bank *banks,
		       int max, char *err, size_t errlen)
{
	return static_parse_heap(fdt, dt_path(fdt, "/chosen"), h, banks, max, err, errlen);
}
