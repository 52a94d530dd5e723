// SPDX-License-Identifier: MIT
/*
 * Flattened device tree reader (see xenith/fdt.h).
 *
 * The blob comes from the boot loader and, in the configuration checker
 * and the fuzz tests, from anyone; so every read goes through next_tag()
 * or get_view(), which check offsets against the header before touching
 * a byte. Nothing is cached between calls: each accessor re-derives the
 * block bounds from the header, which costs a few loads and keeps the
 * functions pure.
 *
 * Node and property handles are offsets into the structure block, the
 * same numbers libfdt uses, so the unit tests can compare the two.
 */
#include <xenith/fdt.h>
#include <xenith/lib.h>

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

/* Header field offsets (all big-endian u32). */
#define HDR_MAGIC        0
#define HDR_TOTALSIZE    4
#define HDR_OFF_STRUCT   8
#define HDR_OFF_STRINGS  12
#define HDR_OFF_RSVMAP   16
#define HDR_VERSION      20
#define HDR_LAST_COMP    24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT  36
#define HDR_LEN_V16      36
#define HDR_LEN_V17      40

/* Bounds of the blob's blocks, derived from its header. */
struct view {
	const uint8_t *base;
	uint32_t total;
	uint32_t soff, slen;     /* structure block */
	uint32_t stroff, strlen; /* strings block */
	uint32_t rsvoff;         /* memory reservation map */
};

static uint32_t hdr(const void *fdt, int field)
{
	return dt_be32((const uint8_t *)fdt + field);
}

/* True if [off, off + len) lies inside [0, total). 64-bit: no overflow. */
static bool in_range(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

/*
 * Reads and checks the header. Only the header is trusted afterwards for
 * bounds, which is why dt_check() must have compared totalsize with the
 * real buffer size first.
 */
static int get_view(const void *fdt, struct view *v)
{
	if (!fdt || hdr(fdt, HDR_MAGIC) != FDT_MAGIC)
		return DT_ERR_BADMAGIC;

	uint32_t version = hdr(fdt, HDR_VERSION);
	uint32_t hlen = version >= 17 ? HDR_LEN_V17 : HDR_LEN_V16;

	v->base = fdt;
	v->total = hdr(fdt, HDR_TOTALSIZE);
	v->soff = hdr(fdt, HDR_OFF_STRUCT);
	v->stroff = hdr(fdt, HDR_OFF_STRINGS);
	v->strlen = hdr(fdt, HDR_SIZE_STRINGS);
	v->rsvoff = hdr(fdt, HDR_OFF_RSVMAP);
	/* v16 has no size_dt_struct: the block may run to the end. */
	v->slen = version >= 17 ? hdr(fdt, HDR_SIZE_STRUCT)
				: v->total - v->soff;

	if (version < 16 || hdr(fdt, HDR_LAST_COMP) > 17)
		return DT_ERR_BADHEADER;
	/* Offsets are handed out as int, so the blob must fit in one. */
	if (v->total < hlen || v->total > 0x7fffffffU)
		return DT_ERR_BADHEADER;
	if ((v->soff & 3) || (v->rsvoff & 7) ||
	    v->soff < hlen || v->stroff < hlen || v->rsvoff < hlen)
		return DT_ERR_BADHEADER;
	if (!in_range(v->soff, v->slen, v->total) ||
	    !in_range(v->stroff, v->strlen, v->total) ||
	    !in_range(v->rsvoff, 16, v->total))
		return DT_ERR_BADHEADER;
	return 0;
}

/*
 * Decodes the token at structure offset `off`; stores the offset of the
 * following token in *next. Returns the tag or DT_ERR_BADSTRUCT if the
 * token (including a node name or property value) leaves the block.
 */
static int next_tag(const struct view *v, int off, int *next)
{
	const uint8_t *s = v->base + v->soff;
	uint32_t plen;
	size_t n;

	if (off < 0 || (off & 3) || !in_range((uint32_t)off, 4, v->slen))
		return DT_ERR_BADSTRUCT;
	uint32_t tag = dt_be32(s + off);

	switch (tag) {
	case FDT_BEGIN_NODE:
		n = strnlen((const char *)s + off + 4, v->slen - off - 4);
		if (off + 4 + n >= v->slen)
			return DT_ERR_BADSTRUCT; /* name not terminated */
		*next = (int)ALIGN_UP(off + 4 + n + 1, 4);
		break;
	case FDT_PROP:
		if (!in_range((uint32_t)off, 12, v->slen))
			return DT_ERR_BADSTRUCT;
		plen = dt_be32(s + off + 4);
		if (!in_range((uint64_t)off + 12, ALIGN_UP((uint64_t)plen, 4),
			      v->slen))
			return DT_ERR_BADSTRUCT;
		*next = (int)(off + 12 + ALIGN_UP(plen, 4));
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		*next = off + 4;
		break;
	default:
		return DT_ERR_BADSTRUCT;
	}
	return (int)tag;
}

/* Checks that `node` is the offset of an FDT_BEGIN_NODE token. */
static int check_node(const struct view *v, int node)
{
	int next;
	int tag = next_tag(v, node, &next);

	if (tag < 0)
		return tag;
	return tag == FDT_BEGIN_NODE ? 0 : DT_ERR_BADSTRUCT;
}

/* Name of the property at `off` from the strings block, or NULL. */
static const char *prop_name(const struct view *v, int off)
{
	const char *strs = (const char *)v->base + v->stroff;
	uint32_t nameoff = dt_be32(v->base + v->soff + off + 8);

	if (nameoff >= v->strlen ||
	    strnlen(strs + nameoff, v->strlen - nameoff) >= v->strlen - nameoff)
		return NULL;
	return strs + nameoff;
}

/* ---- whole-blob check ------------------------------------------------ */

/* Memory reservation map must end with a (0, 0) entry inside the blob. */
static int check_rsvmap(const struct view *v)
{
	for (uint64_t off = v->rsvoff; in_range(off, 16, v->total); off += 16) {
		if (!dt_read_cells(v->base + off, 2) &&
		    !dt_read_cells(v->base + off + 8, 2))
			return 0;
	}
	return DT_ERR_BADHEADER;
}

/* Checks one token of the structure walk; updates *depth. */
static int check_token(const struct view *v, int off, int tag, int *depth,
		       bool *root_done)
{
	switch (tag) {
	case FDT_BEGIN_NODE:
		if (*root_done || (off != 0 && *depth == 0))
			return DT_ERR_BADSTRUCT; /* a second root */
		if (++*depth > DT_MAX_DEPTH)
			return DT_ERR_DEPTH;
		return 0;
	case FDT_END_NODE:
		if (*depth == 0)
			return DT_ERR_BADSTRUCT;
		if (--*depth == 0)
			*root_done = true;
		return 0;
	case FDT_PROP:
		if (*depth == 0 || !prop_name(v, off))
			return DT_ERR_BADSTRUCT;
		return 0;
	default: /* FDT_NOP */
		return 0;
	}
}

static int check_struct(const struct view *v)
{
	int off = 0, next, depth = 0;
	bool root_done = false;

	if (check_node(v, 0))
		return DT_ERR_BADSTRUCT; /* the root must come first */
	for (;;) {
		int tag = next_tag(v, off, &next);

		if (tag < 0)
			return tag;
		if (tag == FDT_END)
			return root_done ? 0 : DT_ERR_BADSTRUCT;
		int err = check_token(v, off, tag, &depth, &root_done);
		if (err)
			return err;
		off = next;
	}
}

int dt_check(const void *fdt, size_t bufsize)
{
	struct view v;
	int err;

	if (!fdt || bufsize < 4 || hdr(fdt, HDR_MAGIC) != FDT_MAGIC)
		return DT_ERR_BADMAGIC;
	if (bufsize < HDR_LEN_V17 && (bufsize < HDR_LEN_V16 ||
				      hdr(fdt, HDR_VERSION) >= 17))
		return DT_ERR_BADHEADER;
	err = get_view(fdt, &v);
	if (err)
		return err;
	if (v.total > bufsize)
		return DT_ERR_BADHEADER;
	err = check_rsvmap(&v);
	return err ? err : check_struct(&v);
}

uint32_t dt_total_size(const void *fdt)
{
	return hdr(fdt, HDR_TOTALSIZE);
}

const char *dt_strerror(int err)
{
	switch (err) {
	case 0:
		return "no error";
	case DT_ERR_NOTFOUND:
		return "not found";
	case DT_ERR_BADMAGIC:
		return "not a device tree (bad magic)";
	case DT_ERR_BADHEADER:
		return "device tree header inconsistent";
	case DT_ERR_BADSTRUCT:
		return "device tree structure block malformed";
	case DT_ERR_NOSPACE:
		return "buffer too small";
	case DT_ERR_DEPTH:
		return "device tree nested too deeply";
	default:
		return "unknown device tree error";
	}
}

/* ---- memory reservation map -------------------------------------------- */

int dt_mem_rsv_count(const void *fdt)
{
	struct view v;
	int err = get_view(fdt, &v);
	int n = 0;

	if (err)
		return err;
	for (uint64_t off = v.rsvoff; in_range(off, 16, v.total); off += 16) {
		if (!dt_read_cells(v.base + off, 2) &&
		    !dt_read_cells(v.base + off + 8, 2))
			return n;
		n++;
	}
	return DT_ERR_BADHEADER;
}

bool dt_mem_rsv(const void *fdt, int idx, uint64_t *addr, uint64_t *size)
{
	struct view v;
	int n = dt_mem_rsv_count(fdt);

	if (n < 0 || idx < 0 || idx >= n || get_view(fdt, &v))
		return false;
	*addr = dt_read_cells(v.base + v.rsvoff + 16 * (uint64_t)idx, 2);
	*size = dt_read_cells(v.base + v.rsvoff + 16 * (uint64_t)idx + 8, 2);
	return true;
}

/* ---- node navigation ----------------------------------------------------- */

int dt_root(const void *fdt)
{
	struct view v;
	int err = get_view(fdt, &v);

	return err ? err : check_node(&v, 0);
}

/*
 * Next node in document order after `node`, adjusting *depth by the
 * nesting change (+1 for a child, 0 for a sibling, negative when climbing
 * out). Returns DT_ERR_NOTFOUND at the end of the tree.
 */
static int next_node(const struct view *v, int node, int *depth)
{
	int off, tag;

	tag = next_tag(v, node, &off);
	if (tag != FDT_BEGIN_NODE)
		return tag < 0 ? tag : DT_ERR_BADSTRUCT;
	for (;;) {
		int cur = off;

		tag = next_tag(v, cur, &off);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE) {
			++*depth;
			return cur;
		}
		if (tag == FDT_END_NODE)
			--*depth;
		else if (tag == FDT_END)
			return DT_ERR_NOTFOUND;
	}
}

int dt_next_node(const void *fdt, int node, int *depth)
{
	struct view v;
	int err = get_view(fdt, &v);
	int dummy = 0;

	if (err)
		return err;
	if (node < 0)
		return check_node(&v, 0) ? DT_ERR_BADSTRUCT : 0;
	return next_node(&v, node, depth ? depth : &dummy);
}

int dt_first_child(const void *fdt, int node)
{
	struct view v;
	int depth = 0, err = get_view(fdt, &v);

	if (err)
		return err;
	int child = next_node(&v, node, &depth);
	if (child < 0)
		return child;
	return depth == 1 ? child : DT_ERR_NOTFOUND;
}

int dt_next_sibling(const void *fdt, int node)
{
	struct view v;
	int depth = 0, err = get_view(fdt, &v);

	if (err)
		return err;
	/* Skip the node's own subtree; stop when back at depth 0. */
	for (;;) {
		node = next_node(&v, node, &depth);
		if (node < 0)
			return node;
		if (depth <= 0)
			return depth == 0 ? node : DT_ERR_NOTFOUND;
	}
}

const char *dt_name(const void *fdt, int node)
{
	struct view v;

	if (get_view(fdt, &v) || check_node(&v, node))
		return NULL;
	return (const char *)v.base + v.soff + node + 4;
}

/*
 * Walks from the root to `node`, recording the offsets of its ancestors
 * in stack[0..depth-1]. Returns the node's depth (root: 0) or an error.
 */
static int ancestors(const struct view *v, int node, int *stack)
{
	int off = 0, depth = 0;

	if (check_node(v, node) || check_node(v, 0))
		return DT_ERR_BADSTRUCT;
	while (off != node) {
		int prev = depth;
		int nxt = next_node(v, off, &depth);

		if (nxt < 0)
			return nxt;
		if (depth <= 0 || depth > DT_MAX_DEPTH)
			return depth > 0 ? DT_ERR_DEPTH : DT_ERR_NOTFOUND;
		/* Going down records the parent; climbing keeps the stack. */
		if (depth > prev)
			stack[depth - 1] = off;
		off = nxt;
	}
	return depth;
}

int dt_parent(const void *fdt, int node)
{
	struct view v;
	int stack[DT_MAX_DEPTH];
	int err = get_view(fdt, &v);

	if (err)
		return err;
	int depth = ancestors(&v, node, stack);
	if (depth <= 0)
		return depth == 0 ? DT_ERR_NOTFOUND : depth;
	return stack[depth - 1];
}

/* Appends s to buf at *pos; false if it does not fit (with the NUL). */
static bool append(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + n + 1 > len)
		return false;
	memcpy(buf + *pos, s, n + 1);
	*pos += n;
	return true;
}

int dt_get_path(const void *fdt, int node, char *buf, size_t len)
{
	struct view v;
	int stack[DT_MAX_DEPTH + 1];
	size_t pos = 0;
	int err = get_view(fdt, &v);

	if (err)
		return err;
	int depth = ancestors(&v, node, stack);
	if (depth < 0)
		return depth;
	if (depth == 0)
		return append(buf, len, &pos, "/") ? 1 : DT_ERR_NOSPACE;
	stack[depth] = node;
	if (len)
		buf[0] = '\0';
	/* stack[0] is the root, whose name is empty. */
	for (int i = 1; i <= depth; i++) {
		if (!append(buf, len, &pos, "/") ||
		    !append(buf, len, &pos, dt_name(fdt, stack[i])))
			return DT_ERR_NOSPACE;
	}
	return (int)pos;
}

/*
 * Does node name `name` match path component comp[0..n)? As in libfdt:
 * exactly, or "name@unit" when the component carries no unit address.
 */
static bool name_matches(const char *name, const char *comp, size_t n)
{
	if (strncmp(name, comp, n) != 0)
		return false;
	if (name[n] == '\0')
		return true;
	for (size_t i = 0; i < n; i++) {
		if (comp[i] == '@')
			return false;
	}
	return name[n] == '@';
}

/* First child of `node` matching comp[0..n), or DT_ERR_NOTFOUND. */
static int find_child(const void *fdt, int node, const char *comp, size_t n)
{
	for (int c = dt_first_child(fdt, node); c >= 0;
	     c = dt_next_sibling(fdt, c)) {
		if (name_matches(dt_name(fdt, c), comp, n))
			return c;
	}
	return DT_ERR_NOTFOUND;
}

int dt_path(const void *fdt, const char *path)
{
	int node = dt_root(fdt);

	if (node < 0)
		return node;
	if (!path || path[0] != '/')
		return DT_ERR_NOTFOUND; /* aliases are the caller's business */
	while (*path) {
		while (*path == '/')
			path++;
		size_t n = 0;
		while (path[n] && path[n] != '/')
			n++;
		if (n == 0)
			break;
		node = find_child(fdt, node, path, n);
		if (node < 0)
			return node;
		path += n;
	}
	return node;
}

/* ---- properties ----------------------------------------------------------- */

/*
 * From token offset `off` inside a node's property list, the offset of
 * the next FDT_PROP token (skipping NOPs), or DT_ERR_NOTFOUND when the
 * node's properties end.
 */
static int prop_from(const struct view *v, int off)
{
	for (;;) {
		int next;
		int tag = next_tag(v, off, &next);

		if (tag < 0)
			return tag;
		if (tag == FDT_PROP)
			return off;
		if (tag != FDT_NOP)
			return DT_ERR_NOTFOUND;
		off = next;
	}
}

int dt_first_prop(const void *fdt, int node)
{
	struct view v;
	int next, err = get_view(fdt, &v);

	if (err)
		return err;
	if (next_tag(&v, node, &next) != FDT_BEGIN_NODE)
		return DT_ERR_BADSTRUCT;
	return prop_from(&v, next);
}

int dt_next_prop(const void *fdt, int prop)
{
	struct view v;
	int next, err = get_view(fdt, &v);

	if (err)
		return err;
	if (next_tag(&v, prop, &next) != FDT_PROP)
		return DT_ERR_BADSTRUCT;
	return prop_from(&v, next);
}

const void *dt_prop_at(const void *fdt, int prop, const char **name,
		       int *len)
{
	struct view v;
	int next, err = get_view(fdt, &v);
	const char *pname;

	if (!err && next_tag(&v, prop, &next) != FDT_PROP)
		err = DT_ERR_BADSTRUCT;
	pname = err ? NULL : prop_name(&v, prop);
	if (!err && !pname)
		err = DT_ERR_BADSTRUCT;
	if (err) {
		if (len)
			*len = err;
		return NULL;
	}
	if (name)
		*name = pname;
	if (len)
		*len = (int)dt_be32(v.base + v.soff + prop + 4);
	return v.base + v.soff + prop + 12;
}

const void *dt_prop(const void *fdt, int node, const char *name, int *len)
{
	int p = dt_first_prop(fdt, node);

	for (; p >= 0; p = dt_next_prop(fdt, p)) {
		const char *pname;
		int plen;
		const void *val = dt_prop_at(fdt, p, &pname, &plen);

		if (val && strcmp(pname, name) == 0) {
			if (len)
				*len = plen;
			return val;
		}
	}
	if (len)
		*len = p; /* DT_ERR_NOTFOUND, or why the walk stopped */
	return NULL;
}

bool dt_has_prop(const void *fdt, int node, const char *name)
{
	return dt_prop(fdt, node, name, NULL) != NULL;
}

bool dt_prop_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
	int len;
	const void *p = dt_prop(fdt, node, name, &len);

	if (!p || len != 4)
		return false;
	*out = dt_be32(p);
	return true;
}

bool dt_prop_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const void *p = dt_prop(fdt, node, name, &len);

	if (!p || (len != 4 && len != 8))
		return false;
	*out = dt_read_cells(p, len / 4);
	return true;
}

const char *dt_prop_str(const void *fdt, int node, const char *name)
{
	int len;
	const char *p = dt_prop(fdt, node, name, &len);

	if (!p || len <= 0 || strnlen(p, (size_t)len) >= (size_t)len)
		return NULL;
	return p;
}

bool dt_is_compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const char *p = dt_prop(fdt, node, "compatible", &len);

	if (!p)
		return false;
	/* A string list: NUL-separated; an unterminated tail never matches. */
	while (len > 0) {
		size_t n = strnlen(p, (size_t)len);

		if (n < (size_t)len && strcmp(p, compat) == 0)
			return true;
		p += n + 1;
		len -= (int)n + 1;
	}
	return false;
}

int dt_find_compatible(const void *fdt, int from, const char *compat)
{
	int node = from;

	for (;;) {
		node = dt_next_node(fdt, node, NULL);
		if (node < 0)
			return node;
		if (dt_is_compatible(fdt, node, compat))
			return node;
	}
}

int dt_find_phandle(const void *fdt, uint32_t phandle)
{
	uint32_t ph;

	/* 0 and ~0 are never valid phandles (DT spec). */
	if (phandle == 0 || phandle == ~0U)
		return DT_ERR_NOTFOUND;
	for (int node = dt_root(fdt); node >= 0;
	     node = dt_next_node(fdt, node, NULL)) {
		if ((dt_prop_u32(fdt, node, "phandle", &ph) ||
		     dt_prop_u32(fdt, node, "linux,phandle", &ph)) &&
		    ph == phandle)
			return node;
	}
	return DT_ERR_NOTFOUND;
}

uint32_t dt_addr_cells(const void *fdt, int node)
{
	uint32_t v;

	return dt_prop_u32(fdt, node, "#address-cells", &v) ? v : 2;
}

uint32_t dt_size_cells(const void *fdt, int node)
{
	uint32_t v;

	return dt_prop_u32(fdt, node, "#size-cells", &v) ? v : 1;
}

bool dt_reg(const void *fdt, int parent, int node, int idx,
	    uint64_t *addr, uint64_t *size)
{
	uint32_t ac = dt_addr_cells(fdt, parent);
	uint32_t sc = dt_size_cells(fdt, parent);
	int len;
	const uint8_t *p = dt_prop(fdt, node, "reg", &len);

	/* Only 1- and 2-cell numbers fit in 64 bits (sizes may be 0 cells). */
	if (!p || ac < 1 || ac > 2 || sc > 2 || idx < 0)
		return false;
	uint32_t entry = 4 * (ac + sc);
	if (((uint64_t)idx + 1) * entry > (uint64_t)len)
		return false;
	p += (size_t)idx * entry;
	*addr = dt_read_cells(p, (int)ac);
	*size = sc ? dt_read_cells(p + 4 * ac, (int)sc) : 0;
	return true;
}
