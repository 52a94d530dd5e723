// SPDX-License-Identifier: MIT
/*
 * Flattened device tree reader (see xenith/fdt.h).
 *
 * The blob comes from the boot loader and, in the configuration checker
 * and the fuzz tests, from anyone; so every read goes through next_tag()
 * or get_view(), which check offsets against the header before touching
 * a byte. Nothing is cached between calls: each public accessor derives
 * the block bounds from the header once (get_view) and hands that view to
 * the internal helpers, so a walk over many nodes or properties costs one
 * header check, not one per step.
 *
 * Walks carry a node's "body" (the offset of the first token after its
 * name) along with the node, so that each node name is scanned once per
 * walk rather than once when found and again when stepped into.
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
	const uint8_t *s;        /* structure block (base + soff) */
	const char *strs;        /* strings block (base + stroff) */
	uint32_t total;
	uint32_t soff, slen;     /* structure block */
	uint32_t stroff, strlen; /* strings block */
	uint32_t rsvoff;         /* memory reservation map */
	bool aligned;            /* blob 4-byte aligned in memory */
};

/* The native-order 32-bit word at p, which is 4-byte aligned: one load.
 * (A memcpy from a pointer declared aligned, rather than a cast: with
 * the cast GCC merged this path with dt_be32's into byte loads.) */
static inline uint32_t load32_aligned(const uint8_t *p)
{
	uint32_t w;

	__builtin_memcpy(&w, __builtin_assume_aligned(p, 4), 4);
	return w;
}

/* Big-endian u32 at offset `off` (a multiple of 4) of a block whose start
 * has the blob's alignment. Under -mstrict-align dt_be32 is four byte
 * loads; a 4-byte aligned blob, which is what boot loaders pass, takes
 * one load and a byte swap instead. */
static inline uint32_t word_at(const uint8_t *block, uint32_t off,
			       bool aligned)
{
	if (!aligned)
		return dt_be32(block + off);

	uint32_t w = load32_aligned(block + off);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap32(w);
#endif
	return w;
}

static uint32_t hdr(const void *fdt, int field)
{
	return dt_be32((const uint8_t *)fdt + field);
}

/* Structure-block token word at `off` (4-aligned, already in range). */
static inline uint32_t sword(const struct view *v, uint32_t off)
{
	return word_at(v->s, off, v->aligned);
}

/* True if [off, off + len) lies inside [0, total). 64-bit: no overflow. */
static inline bool in_range(uint64_t off, uint64_t len, uint64_t total)
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
	if (!fdt)
		return DT_ERR_BADMAGIC;

	const uint8_t *b = fdt;
	bool al = ((uintptr_t)b & 3) == 0;

	if (word_at(b, HDR_MAGIC, al) != FDT_MAGIC)
		return DT_ERR_BADMAGIC;

	uint32_t version = word_at(b, HDR_VERSION, al);
	uint32_t hlen = version >= 17 ? HDR_LEN_V17 : HDR_LEN_V16;

	v->base = b;
	v->aligned = al;
	v->total = word_at(b, HDR_TOTALSIZE, al);
	v->soff = word_at(b, HDR_OFF_STRUCT, al);
	v->stroff = word_at(b, HDR_OFF_STRINGS, al);
	v->strlen = word_at(b, HDR_SIZE_STRINGS, al);
	v->rsvoff = word_at(b, HDR_OFF_RSVMAP, al);
	/* v16 has no size_dt_struct: the block may run to the end. */
	v->slen = version >= 17 ? word_at(b, HDR_SIZE_STRUCT, al)
				: v->total - v->soff;
	if (version < 16 || word_at(b, HDR_LAST_COMP, al) > 17)
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
	v->s = b + v->soff;
	v->strs = (const char *)b + v->stroff;
	return 0;
}

/*
 * Offset of the first token after a node name that starts at structure
 * offset `off` (a multiple of 4): the name's NUL rounded up to a word.
 * DT_ERR_BADSTRUCT if the name does not end inside the block. Only which
 * word holds the NUL matters, so an aligned blob is scanned a word at a
 * time (the usual "has a zero byte" test; byte order does not matter).
 */
static inline int name_end(const struct view *v, uint32_t off)
{
	uint32_t slen = v->slen;

	if (v->aligned) {
		for (; slen - off >= 4; off += 4) {
			uint32_t w = load32_aligned(v->s + off);

			if ((w - 0x01010101U) & ~w & 0x80808080U)
				return (int)(off + 4);
		}
	}
	/* Unaligned blob, or the last 1-3 bytes of the block. */
	for (; off < slen; off++) {
		if (!v->s[off])
			return (int)ALIGN_UP(off + 1, 4);
	}
	return DT_ERR_BADSTRUCT;
}

/*
 * Decodes the token at structure offset `off`; stores the offset of the
 * following token in *next. Returns the tag or DT_ERR_BADSTRUCT if the
 * token (including a node name or property value) leaves the block.
 *
 * Every walk steps through here, token by token, so it is inlined into
 * the loops and written for the common case: slen < 2^31 (get_view), so
 * a negative `off` fails the same unsigned test as one past the end, and
 * no sum below can wrap.
 */
static inline __attribute__((always_inline))
int next_tag(const struct view *v, int off, int *next)
{
	uint32_t o = (uint32_t)off, slen = v->slen;

	if ((o & 3) || slen < 4 || o > slen - 4)
		return DT_ERR_BADSTRUCT;

	uint32_t tag = sword(v, o);

	if (tag == FDT_PROP) {
		/* Length word, name offset, then the value padded to 4. */
		if (slen - o < 12)
			return DT_ERR_BADSTRUCT;
		uint32_t room = slen - o - 12, plen = sword(v, o + 4);
		if (plen > room || ALIGN_UP(plen, 4) > room)
			return DT_ERR_BADSTRUCT;
		*next = (int)(o + 12 + ALIGN_UP(plen, 4));
	} else if (tag == FDT_BEGIN_NODE) {
		int end = name_end(v, o + 4);

		if (end < 0)
			return end; /* name not terminated */
		*next = end;
	} else if (tag == FDT_END_NODE || tag == FDT_NOP || tag == FDT_END) {
		*next = (int)(o + 4);
	} else {
		return DT_ERR_BADSTRUCT;
	}
	return (int)tag;
}

/* Body of `node` (offset of its first token after the name), or an error
 * if `node` is not the offset of an FDT_BEGIN_NODE token. */
static int node_body(const struct view *v, int node)
{
	int body;
	int tag = next_tag(v, node, &body);

	if (tag < 0)
		return tag;
	return tag == FDT_BEGIN_NODE ? body : DT_ERR_BADSTRUCT;
}

/* Checks that `node` is the offset of an FDT_BEGIN_NODE token. */
static int check_node(const struct view *v, int node)
{
	int body = node_body(v, node);

	return body < 0 ? body : 0;
}

/* Name of a node whose BEGIN_NODE token was checked (so it is terminated
 * inside the block). */
static const char *checked_name(const struct view *v, int node)
{
	return (const char *)v->s + node + 4;
}

/*
 * One past the last NUL in the strings block (0 if there is none). A name
 * starting below it ends inside the block, so this one number replaces a
 * strnlen per property name. The block normally ends with a NUL, so this
 * is usually a single load.
 */
static uint32_t strings_end(const struct view *v)
{
	uint32_t n = v->strlen;

	while (n && v->strs[n - 1])
		n--;
	return n;
}

/* Name offset of the property token at `off` (checked to be a whole
 * FDT_PROP token). */
static uint32_t prop_nameoff(const struct view *v, int off)
{
	return sword(v, (uint32_t)off + 8);
}

/* Is the string at p equal to s, reading p no further than p[max - 1]?
 * Unterminated within max: no. Compares in place, so most mismatches
 * cost one character (no strnlen first). */
static inline bool bounded_eq(const char *p, uint32_t max, const char *s)
{
	for (uint32_t i = 0; i < max; i++) {
		if (p[i] != s[i])
			return false;
		if (!p[i])
			return true;
	}
	return false;
}

/* Does the strings-block entry at `nameoff` equal `name`? A name not
 * terminated inside the block never matches (as strnlen-then-strcmp). */
static inline bool name_is(const struct view *v, uint32_t nameoff,
			   const char *name)
{
	return nameoff < v->strlen &&
	       bounded_eq(v->strs + nameoff, v->strlen - nameoff, name);
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

/* Structure walk state of check_struct. */
struct check_state {
	int depth;
	bool root_done;
	uint32_t names_end; /* strings_end() of the blob */
};

/* Checks one token of the structure walk; updates the state. */
static int check_token(const struct view *v, int off, int tag,
		       struct check_state *st)
{
	switch (tag) {
	case FDT_BEGIN_NODE:
		if (st->root_done || (off != 0 && st->depth == 0))
			return DT_ERR_BADSTRUCT; /* a second root */
		if (++st->depth > DT_MAX_DEPTH)
			return DT_ERR_DEPTH;
		return 0;
	case FDT_END_NODE:
		if (st->depth == 0)
			return DT_ERR_BADSTRUCT;
		if (--st->depth == 0)
			st->root_done = true;
		return 0;
	case FDT_PROP:
		if (st->depth == 0 || prop_nameoff(v, off) >= st->names_end)
			return DT_ERR_BADSTRUCT;
		return 0;
	default: /* FDT_NOP */
		return 0;
	}
}

static int check_struct(const struct view *v)
{
	struct check_state st = { .names_end = strings_end(v) };
	int off = 0, next;

	if (check_node(v, 0))
		return DT_ERR_BADSTRUCT; /* the root must come first */
	for (;;) {
		int tag = next_tag(v, off, &next);

		if (tag < 0)
			return tag;
		if (tag == FDT_END)
			return st.root_done ? 0 : DT_ERR_BADSTRUCT;
		int err = check_token(v, off, tag, &st);
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

/* Number of entries before the (0, 0) terminator, or DT_ERR_BADHEADER. */
static int rsv_count(const struct view *v)
{
	int n = 0;

	for (uint64_t off = v->rsvoff; in_range(off, 16, v->total); off += 16) {
		if (!dt_read_cells(v->base + off, 2) &&
		    !dt_read_cells(v->base + off + 8, 2))
			return n;
		n++;
	}
	return DT_ERR_BADHEADER;
}

int dt_mem_rsv_count(const void *fdt)
{
	struct view v;
	int err = get_view(fdt, &v);

	return err ? err : rsv_count(&v);
}

bool dt_mem_rsv(const void *fdt, int idx, uint64_t *addr, uint64_t *size)
{
	struct view v;

	if (get_view(fdt, &v))
		return false;
	int n = rsv_count(&v);
	if (n < 0 || idx < 0 || idx >= n)
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
 * From token offset `off`, the next FDT_BEGIN_NODE in document order:
 * *depth drops by one for each FDT_END_NODE passed and rises by one for
 * the node found, whose body goes to *body. DT_ERR_NOTFOUND at FDT_END.
 */
static int walk_next(const struct view *v, int off, int *depth, int *body)
{
	/* A local copy keeps the bounds in registers through the loop. */
	const struct view lv = *v;
	int d = *depth, next, tag;

	for (;; off = next) {
		tag = next_tag(&lv, off, &next);
		if (tag == FDT_END_NODE)
			d--;
		else if (tag != FDT_PROP && tag != FDT_NOP)
			break;
	}
	*depth = d;
	if (tag != FDT_BEGIN_NODE)
		return tag < 0 ? tag : DT_ERR_NOTFOUND; /* FDT_END */
	*depth = d + 1;
	*body = next;
	return off;
}

/*
 * Next node in document order after `node`, adjusting *depth by the
 * nesting change (+1 for a child, 0 for a sibling, negative when climbing
 * out). Returns DT_ERR_NOTFOUND at the end of the tree.
 */
static int next_node(const struct view *v, int node, int *depth)
{
	int body = node_body(v, node);

	return body < 0 ? body : walk_next(v, body, depth, &body);
}

/* First node of a document-order walk that starts before the root
 * (dt_next_node with node < 0): the root, with its body in *body. */
static int walk_start(const struct view *v, int *body)
{
	*body = node_body(v, 0);
	return *body < 0 ? DT_ERR_BADSTRUCT : 0;
}

int dt_next_node(const void *fdt, int node, int *depth)
{
	struct view v;
	int body, dummy = 0;
	int err = get_view(fdt, &v);

	if (err)
		return err;
	if (node < 0)
		return walk_start(&v, &body);
	return next_node(&v, node, depth ? depth : &dummy);
}

/* First child of the node whose body is `body` (its body to *cbody), or
 * DT_ERR_NOTFOUND. */
static int child_from(const struct view *v, int body, int *cbody)
{
	int depth = 0;
	int child = walk_next(v, body, &depth, cbody);

	if (child < 0)
		return child;
	return depth == 1 ? child : DT_ERR_NOTFOUND;
}

/*
 * Next sibling of the node whose body is `body`: skips the node's
 * subtree, token by token (FDT has no sibling links), and stops at the
 * first node back at the same depth. The sibling's body goes to *sbody.
 */
static int sibling_from(const struct view *v, int body, int *sbody)
{
	int depth = 0;

	for (;;) {
		int node = walk_next(v, body, &depth, &body);

		if (node < 0)
			return node;
		if (depth <= 0) {
			*sbody = body;
			return depth == 0 ? node : DT_ERR_NOTFOUND;
		}
	}
}

int dt_first_child(const void *fdt, int node)
{
	struct view v;
	int body, err = get_view(fdt, &v);

	if (err)
		return err;
	body = node_body(&v, node);
	return body < 0 ? body : child_from(&v, body, &body);
}

int dt_next_sibling(const void *fdt, int node)
{
	struct view v;
	int body, err = get_view(fdt, &v);

	if (err)
		return err;
	body = node_body(&v, node);
	return body < 0 ? body : sibling_from(&v, body, &body);
}

const char *dt_name(const void *fdt, int node)
{
	struct view v;

	if (get_view(fdt, &v) || check_node(&v, node))
		return NULL;
	return checked_name(&v, node);
}

/*
 * Walks from the root to `node`, recording the offsets of its ancestors
 * in stack[0..depth-1]. Returns the node's depth (root: 0) or an error.
 */
static int ancestors(const struct view *v, int node, int *stack)
{
	int off = 0, depth = 0, body = node_body(v, 0);

	if (check_node(v, node) || body < 0)
		return DT_ERR_BADSTRUCT;
	while (off != node) {
		int prev = depth;
		int nxt = walk_next(v, body, &depth, &body);

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
	/* stack[0] is the root, whose name is empty; ancestors() checked
	 * every node on the way. */
	for (int i = 1; i <= depth; i++) {
		if (!append(buf, len, &pos, "/") ||
		    !append(buf, len, &pos, checked_name(&v, stack[i])))
			return DT_ERR_NOSPACE;
	}
	return (int)pos;
}

/*
 * `name` starts with the n characters of path component comp: does it
 * match? As in libfdt: exactly, or as "comp@unit" when the component
 * carries no unit address.
 */
static bool unit_matches(const char *name, const char *comp, size_t n)
{
	if (name[n] == '\0')
		return true;
	if (name[n] != '@')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (comp[i] == '@')
			return false;
	}
	return true;
}

/* Does node name `name` match path component comp[0..n) (which holds no
 * NUL, so the compare also stops at the end of name)? */
static bool name_matches(const char *name, const char *comp, size_t n)
{
	size_t i = 0;

	while (i < n && name[i] == comp[i])
		i++;
	return i == n && unit_matches(name, comp, n);
}

/* First child of `node` matching comp[0..n), or DT_ERR_NOTFOUND. */
static int find_child(const struct view *v, int node, const char *comp,
		      size_t n)
{
	int body = node_body(v, node);

	if (body < 0)
		return DT_ERR_NOTFOUND;
	for (int c = child_from(v, body, &body); c >= 0;
	     c = sibling_from(v, body, &body)) {
		if (name_matches(checked_name(v, c), comp, n))
			return c;
	}
	return DT_ERR_NOTFOUND;
}

int dt_path(const void *fdt, const char *path)
{
	struct view v;
	int node = get_view(fdt, &v);

	if (node == 0)
		node = check_node(&v, 0); /* as dt_root() */
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
		node = find_child(&v, node, path, n);
		if (node < 0)
			return node;
		path += n;
	}
	return node;
}

bool dt_name_matches(const char *name, const char *comp)
{
	size_t n = 0;

	while (comp[n] && name[n] == comp[n])
		n++;
	return !comp[n] && unit_matches(name, comp, n);
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

	if (!err && next_tag(&v, prop, &next) != FDT_PROP)
		err = DT_ERR_BADSTRUCT;
	if (!err && prop_nameoff(&v, prop) >= strings_end(&v))
		err = DT_ERR_BADSTRUCT; /* name not terminated in the block */
	if (err) {
		if (len)
			*len = err;
		return NULL;
	}
	if (name)
		*name = v.strs + prop_nameoff(&v, prop);
	if (len)
		*len = (int)sword(&v, (uint32_t)prop + 4);
	return v.s + prop + 12;
}

/*
 * Property `name` among the properties starting at token offset `off`
 * (a node's body): value and length, or NULL with *len = DT_ERR_NOTFOUND
 * or the error that stopped the walk. Properties whose name does not end
 * inside the strings block are skipped, as dt_prop_at rejects them.
 */
static const void *prop_in(const struct view *v, int off, const char *name,
			   int *len)
{
	for (;;) {
		int next, tag = next_tag(v, off, &next);

		if (tag == FDT_PROP) {
			if (name_is(v, prop_nameoff(v, off), name)) {
				*len = (int)sword(v, (uint32_t)off + 4);
				return v->s + off + 12;
			}
		} else if (tag != FDT_NOP) {
			*len = tag < 0 ? tag : DT_ERR_NOTFOUND;
			return NULL;
		}
		off = next;
	}
}

/* dt_prop on a view; len must not be NULL. */
static const void *find_prop(const struct view *v, int node, const char *name,
			     int *len)
{
	int body;

	if (next_tag(v, node, &body) != FDT_BEGIN_NODE) {
		*len = DT_ERR_BADSTRUCT;
		return NULL;
	}
	return prop_in(v, body, name, len);
}

const void *dt_prop(const void *fdt, int node, const char *name, int *len)
{
	struct view v;
	int l, err = get_view(fdt, &v);
	const void *val = err ? NULL : find_prop(&v, node, name, &l);

	if (len)
		*len = err ? err : l;
	return val;
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

/*
 * Which of compats[0..n) (n <= 32) are among the strings of the string
 * list p[0..len): bit i for compats[i]. Each entry is compared in place
 * with every wanted string, never past len, so an entry not terminated
 * within len never matches.
 */
static uint32_t list_match(const char *p, int len, const char *const *compats,
			   int n)
{
	uint32_t mask = 0;

	while (len > 0) {
		int l = 0;

		for (int i = 0; i < n; i++) {
			if (bounded_eq(p, (uint32_t)len, compats[i]))
				mask |= 1U << i;
		}
		while (l < len && p[l])
			l++; /* to the entry's NUL */
		p += l + 1;
		len -= l + 1;
	}
	return mask;
}

/* list_match against the "compatible" of the node whose body is `body`. */
static uint32_t compat_mask(const struct view *v, int body,
			    const char *const *compats, int n)
{
	int len;
	const char *p = prop_in(v, body, "compatible", &len);

	return p ? list_match(p, len, compats, n) : 0;
}

bool dt_is_compatible(const void *fdt, int node, const char *compat)
{
	struct view v;
	int body;

	if (get_view(fdt, &v))
		return false;
	body = node_body(&v, node);
	return body >= 0 && compat_mask(&v, body, &compat, 1);
}

uint32_t dt_list_match(const char *list, int len, const char *const *strs,
		       int n)
{
	return list && n > 0 ? list_match(list, len, strs, MIN(n, 32)) : 0;
}

/* dt_find_compatible on a view. */
static int find_compat(const struct view *v, int from, const char *compat)
{
	int body, depth = 0, node;

	if (from < 0) {
		node = walk_start(v, &body);
	} else {
		body = node_body(v, from);
		node = body < 0 ? body : walk_next(v, body, &depth, &body);
	}
	for (; node >= 0; node = walk_next(v, body, &depth, &body)) {
		if (compat_mask(v, body, &compat, 1))
			return node;
	}
	return node;
}

int dt_find_compatible(const void *fdt, int from, const char *compat)
{
	struct view v;
	int err = get_view(fdt, &v);

	return err ? err : find_compat(&v, from, compat);
}

int dt_find_phandle(const void *fdt, uint32_t phandle)
{
	struct view v;
	int body, depth = 0, len;

	/* 0 and ~0 are never valid phandles (DT spec). */
	if (phandle == 0 || phandle == ~0U || get_view(fdt, &v))
		return DT_ERR_NOTFOUND;
	for (int node = walk_start(&v, &body); node >= 0;
	     node = walk_next(&v, body, &depth, &body)) {
		const uint8_t *p = prop_in(&v, body, "phandle", &len);

		if (!p || len != 4)
			p = prop_in(&v, body, "linux,phandle", &len);
		if (p && len == 4 && dt_be32(p) == phandle)
			return node;
	}
	return DT_ERR_NOTFOUND;
}

/* ---- one-pass scan ------------------------------------------------------- */

/*
 * State of dt_for_each_node's walk. It visits what dt_next_node would
 * (every node up to FDT_END) and gives each the depth dt_next_node counts
 * and the parent dt_parent would return. The two differ from a plain
 * stack only in trees dt_check rejects: once a node deeper than
 * DT_MAX_DEPTH, or one outside the root, has been passed, dt_parent
 * fails with that error for every node after it; `bad` keeps it.
 */
struct scan {
	const void *fdt;
	const char *const *props;
	int nprops;
	dt_visit_fn visit;
	void *arg;
	struct dt_node_info cur;     /* the node whose properties are passing */
	bool open;                   /* cur not yet handed to the visitor */
	int depth;                   /* nodes open at the walk's position */
	int bad;                     /* 0, or the error dt_parent would give */
	int stack[DT_MAX_DEPTH + 1]; /* stack[d]: the last node at depth d */
};

/* Hands the current node to the visitor, once its properties have been
 * passed (they come before its children). */
static int scan_flush(struct scan *sc)
{
	if (!sc->open)
		return 0;
	sc->open = false;
	return sc->visit(sc->fdt, &sc->cur, sc->arg);
}

/* Parent of a node at depth d (the root: 0), as dt_parent gives it. */
static int scan_parent(struct scan *sc, int node, int d)
{
	bool outside = node != 0 && d <= 0; /* after the root closed */

	if (!sc->bad && (outside || d > DT_MAX_DEPTH))
		sc->bad = outside ? DT_ERR_NOTFOUND : DT_ERR_DEPTH;
	if (d >= 0 && d <= DT_MAX_DEPTH)
		sc->stack[d] = node;
	if (node == 0)
		return DT_ERR_NOTFOUND; /* the root has none */
	return sc->bad ? sc->bad : sc->stack[d - 1];
}

/* A node starts at `off`: it becomes the current one. */
static void scan_begin(const struct view *v, struct scan *sc, int off)
{
	int d = sc->depth++;

	sc->cur.node = off;
	sc->cur.depth = d;
	sc->cur.parent = scan_parent(sc, off, d);
	sc->cur.name = checked_name(v, off);
	for (int i = 0; i < sc->nprops; i++) {
		sc->cur.val[i] = NULL;
		sc->cur.len[i] = DT_ERR_NOTFOUND;
	}
	sc->open = true;
}

/* A property of the current node: kept if asked for and the first of
 * its name (the one dt_prop would return). */
static void scan_prop(const struct view *v, struct scan *sc, int off)
{
	uint32_t nameoff = prop_nameoff(v, off);

	if (nameoff >= v->strlen)
		return; /* no name: matches none */

	char first = v->strs[nameoff]; /* rules out most at once */

	for (int i = 0; i < sc->nprops; i++) {
		if (!sc->cur.val[i] && sc->props[i][0] == first &&
		    name_is(v, nameoff, sc->props[i])) {
			sc->cur.val[i] = v->s + off + 12;
			sc->cur.len[i] = (int)sword(v, (uint32_t)off + 4);
		}
	}
}

/* One token of the walk; nonzero stops it. */
static int scan_token(const struct view *v, struct scan *sc, int off, int tag)
{
	int rc;

	switch (tag) {
	case FDT_BEGIN_NODE:
		rc = scan_flush(sc);
		if (!rc)
			scan_begin(v, sc, off);
		return rc;
	case FDT_PROP:
		/* After a child node, a property is in no node's list. */
		if (sc->open)
			scan_prop(v, sc, off);
		return 0;
	case FDT_END_NODE:
		sc->depth--;
		return scan_flush(sc);
	default: /* FDT_NOP; FDT_END is the caller's */
		return 0;
	}
}

int dt_for_each_node(const void *fdt, const char *const *props, int nprops,
		     dt_visit_fn visit, void *arg)
{
	struct view v;
	struct scan sc = {
		.fdt = fdt, .props = props, .nprops = nprops,
		.visit = visit, .arg = arg,
	};
	int off = 0, rc = get_view(fdt, &v);

	if (rc)
		return rc;
	if (nprops < 0 || nprops > DT_SCAN_PROPS)
		return DT_ERR_NOSPACE;
	if (check_node(&v, 0))
		return DT_ERR_BADSTRUCT; /* the walk starts at the root */
	while (!rc) {
		int next, tag = next_tag(&v, off, &next);

		if (tag < 0 || tag == FDT_END) {
			/* The node being read still gets what was found. */
			rc = scan_flush(&sc);
			return rc ? rc : (tag < 0 ? tag : 0);
		}
		rc = scan_token(&v, &sc, off, tag);
		off = next;
	}
	return rc;
}

/* Property u32 on a view, or dflt if absent or not 4 bytes. */
static uint32_t u32_or(const struct view *v, int node, const char *name,
		       uint32_t dflt)
{
	int len;
	const uint8_t *p = find_prop(v, node, name, &len);

	return p && len == 4 ? dt_be32(p) : dflt;
}

uint32_t dt_addr_cells(const void *fdt, int node)
{
	struct view v;

	return get_view(fdt, &v) ? 2 : u32_or(&v, node, "#address-cells", 2);
}

uint32_t dt_size_cells(const void *fdt, int node)
{
	struct view v;

	return get_view(fdt, &v) ? 1 : u32_or(&v, node, "#size-cells", 1);
}

bool dt_reg(const void *fdt, int parent, int node, int idx,
	    uint64_t *addr, uint64_t *size)
{
	struct view v;
	int len;

	if (get_view(fdt, &v))
		return false;

	uint32_t ac = u32_or(&v, parent, "#address-cells", 2);
	uint32_t sc = u32_or(&v, parent, "#size-cells", 1);
	const uint8_t *p = find_prop(&v, node, "reg", &len);

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
