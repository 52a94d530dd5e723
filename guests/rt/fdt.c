// SPDX-License-Identifier: MIT
/*
 * Read-only flattened device tree walker for the test guests. Deliberately
 * independent of the hypervisor's DT code, so the guests check what the
 * hypervisor generated with a second implementation. Reads are byte-wise
 * and bounded by the header sizes.
 */
#include "rt.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

struct blob {
	const uint8_t *strct;
	uint32_t strct_len;
	const char *strs;
	uint32_t strs_len;
};

static bool blob(const void *fdt, struct blob *b)
{
	const uint8_t *h = fdt;
	if (!fdt || be32(h) != FDT_MAGIC)
		return false;
	uint32_t total = be32(h + 4);
	uint32_t off_struct = be32(h + 8), off_strs = be32(h + 12);
	uint32_t len_strs = be32(h + 32), len_struct = be32(h + 36);
	if (be32(h + 20) < 17 || total > 0x200000 ||
	    off_struct > total || len_struct > total - off_struct ||
	    off_strs > total || len_strs > total - off_strs)
		return false;
	b->strct = h + off_struct;
	b->strct_len = len_struct;
	b->strs = (const char *)h + off_strs;
	b->strs_len = len_strs;
	return true;
}

bool dt_valid(const void *fdt)
{
	struct blob b;
	return blob(fdt, &b);
}

static uint32_t token(const struct blob *b, int off)
{
	if (off < 0 || (uint32_t)off + 4 > b->strct_len)
		return FDT_END;
	return be32(b->strct + off);
}

/* Offset just past a BEGIN_NODE token and its padded name. */
static int after_name(const struct blob *b, int off)
{
	uint32_t p = (uint32_t)off + 4;
	while (p < b->strct_len && b->strct[p])
		p++;
	return (int)((p + 1 + 3) & ~3u);
}

/* Offset past the PROP token at off. */
static int after_prop(const struct blob *b, int off)
{
	if ((uint32_t)off + 12 > b->strct_len)
		return (int)b->strct_len;
	uint32_t len = be32(b->strct + off + 4);
	if (len > b->strct_len)
		return (int)b->strct_len;
	return (int)(((uint32_t)off + 12 + len + 3) & ~3u);
}

bool dt_next(const void *fdt, struct dt_node *it)
{
	struct blob b;
	if (!blob(fdt, &b))
		return false;
	int off, depth;
	if (it->off < 0) {
		off = 0;
		while (token(&b, off) == FDT_NOP)
			off += 4;
		if (token(&b, off) != FDT_BEGIN_NODE)
			return false;
		depth = -1;
	} else {
		off = after_name(&b, it->off);
		depth = it->depth;
		for (;;) {
			uint32_t t = token(&b, off);
			if (t == FDT_PROP) {
				off = after_prop(&b, off);
			} else if (t == FDT_NOP) {
				off += 4;
			} else if (t == FDT_END_NODE) {
				off += 4;
				if (--depth < 0)
					return false;
			} else if (t == FDT_BEGIN_NODE) {
				break;
			} else {
				return false;
			}
		}
	}
	depth++;
	if (depth >= DT_MAXDEPTH)
		return false;
	it->stack[depth] = off;
	it->off = off;
	it->depth = depth;
	it->parent = depth ? it->stack[depth - 1] : -1;
	it->name = (const char *)b.strct + off + 4;
	return true;
}

const void *dt_getprop(const void *fdt, int node, const char *name, int *len)
{
	struct blob b;
	if (!blob(fdt, &b) || token(&b, node) != FDT_BEGIN_NODE)
		return NULL;
	int off = after_name(&b, node);
	for (;;) {
		uint32_t t = token(&b, off);
		if (t == FDT_NOP) {
			off += 4;
			continue;
		}
		if (t != FDT_PROP || (uint32_t)off + 12 > b.strct_len)
			return NULL;
		uint32_t plen = be32(b.strct + off + 4);
		uint32_t noff = be32(b.strct + off + 8);
		if (noff < b.strs_len && plen <= b.strct_len - off - 12 &&
		    strncmp(b.strs + noff, name, b.strs_len - noff) == 0) {
			if (len)
				*len = (int)plen;
			return b.strct + off + 12;
		}
		off = after_prop(&b, off);
	}
}

bool dt_prop_at(const void *fdt, int node, int idx, const char **name,
		const void **val, int *len)
{
	struct blob b;
	if (!blob(fdt, &b) || token(&b, node) != FDT_BEGIN_NODE)
		return false;
	int off = after_name(&b, node);
	for (int i = 0;;) {
		uint32_t t = token(&b, off);
		if (t == FDT_NOP) {
			off += 4;
			continue;
		}
		if (t != FDT_PROP || (uint32_t)off + 12 > b.strct_len)
			return false;
		uint32_t plen = be32(b.strct + off + 4);
		uint32_t noff = be32(b.strct + off + 8);
		if (noff >= b.strs_len || plen > b.strct_len - off - 12)
			return false;
		if (i++ == idx) {
			*name = b.strs + noff;
			*val = b.strct + off + 12;
			*len = (int)plen;
			return true;
		}
		off = after_prop(&b, off);
	}
}

bool dt_compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const char *p = dt_getprop(fdt, node, "compatible", &len);
	if (!p)
		return false;
	size_t clen = strlen(compat);
	for (int i = 0; i < len;) {
		int l = 0;
		while (i + l < len && p[i + l])
			l++;
		if ((size_t)l == clen && memcmp(p + i, compat, clen) == 0)
			return true;
		i += l + 1;
	}
	return false;
}

int dt_path_of(const void *fdt, int node, char *buf, size_t len)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(fdt, &it)) {
		if (it.off != node)
			continue;
		size_t n = 0;
		struct blob b;
		blob(fdt, &b);
		if (it.depth == 0 && len > 1)
			buf[n++] = '/';
		for (int d = 1; d <= it.depth; d++) {
			const char *s = (const char *)b.strct + it.stack[d] + 4;
			if (n + 1 < len)
				buf[n++] = '/';
			while (*s && n + 1 < len)
				buf[n++] = *s++;
		}
		if (len)
			buf[n] = '\0';
		return (int)n;
	}
	return -1;
}

/* True if node name `name` matches path component comp[0..clen): exactly,
 * or ignoring the unit address when the component has none. */
static bool comp_match(const char *name, const char *comp, size_t clen)
{
	if (strncmp(name, comp, clen) != 0)
		return false;
	if (name[clen] == '\0')
		return true;
	for (size_t i = 0; i < clen; i++)
		if (comp[i] == '@')
			return false;
	return name[clen] == '@';
}

int dt_find_path(const void *fdt, const char *path)
{
	if (path[0] != '/')
		return -1;
	/* Split the path into components once. */
	const char *comp[DT_MAXDEPTH];
	size_t clen[DT_MAXDEPTH];
	int n = 0;
	for (const char *p = path + 1; *p && n < DT_MAXDEPTH;) {
		const char *e = p;
		while (*e && *e != '/')
			e++;
		if (e > p) {
			comp[n] = p;
			clen[n++] = (size_t)(e - p);
		}
		p = *e ? e + 1 : e;
	}
	struct dt_node it = { .off = -1 };
	/* matched[d]: the ancestor at depth d matched component d-1 */
	bool matched[DT_MAXDEPTH + 1];
	matched[0] = true;
	while (dt_next(fdt, &it)) {
		int d = it.depth;
		if (d == 0) {
			if (n == 0)
				return it.off;
			continue;
		}
		matched[d] = matched[d - 1] && d <= n &&
			     comp_match(it.name, comp[d - 1], clen[d - 1]);
		if (matched[d] && d == n)
			return it.off;
	}
	return -1;
}

int dt_parent_of(const void *fdt, int node)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(fdt, &it))
		if (it.off == node)
			return it.parent;
	return -1;
}

uint32_t dt_cells(const void *fdt, int node, const char *which, uint32_t dflt)
{
	int len;
	const uint8_t *p = dt_getprop(fdt, node, which, &len);
	return p && len == 4 ? be32(p) : dflt;
}

bool dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	int parent = dt_parent_of(fdt, node);
	if (parent < 0)
		return false;
	uint32_t ac = dt_cells(fdt, parent, "#address-cells", 2);
	uint32_t sc = dt_cells(fdt, parent, "#size-cells", 1);
	int len;
	const uint8_t *p = dt_getprop(fdt, node, "reg", &len);
	if (!p || ac > 2 || sc > 2 || ac + sc == 0)
		return false;
	int stride = (int)(ac + sc) * 4;
	if ((idx + 1) * stride > len)
		return false;
	p += idx * stride;
	uint64_t a = 0, s = 0;
	for (uint32_t i = 0; i < ac; i++, p += 4)
		a = (a << 32) | be32(p);
	for (uint32_t i = 0; i < sc; i++, p += 4)
		s = (s << 32) | be32(p);
	*addr = a;
	*size = s;
	return true;
}
