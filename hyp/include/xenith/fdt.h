/* SPDX-License-Identifier: MIT */
/*
 * Flattened device tree reader and sequential writer.
 *
 * Our own small implementation rather than libfdt: the hypervisor is built
 * with -mgeneral-regs-only and Debian's libfdt objects use SIMD registers,
 * and this code also runs on the host (unit tests, fuzzing, config checker).
 * Every accessor bounds-checks against the blob's header, so a malformed
 * tree yields an error, never an out-of-bounds read.
 *
 * Node handles are byte offsets of FDT_BEGIN_NODE tokens inside the
 * structure block, as in libfdt; negative values are DT_ERR_* codes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_ERR_NOTFOUND  (-1) /* no such node or property */
#define DT_ERR_BADMAGIC  (-2) /* not a device tree */
#define DT_ERR_BADHEADER (-3) /* header fields inconsistent or out of range */
#define DT_ERR_BADSTRUCT (-4) /* structure block malformed */
#define DT_ERR_NOSPACE   (-5) /* writer: buffer too small */
#define DT_ERR_DEPTH     (-6) /* nesting deeper than DT_MAX_DEPTH */

#define DT_MAX_DEPTH 32

/* Big-endian helpers (FDT data is big-endian). */
static inline uint32_t dt_be32(const void *p)
{
	const uint8_t *b = p;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | b[3];
}

/* Reads `cells` (1 or 2) big-endian cells at p. */
static inline uint64_t dt_read_cells(const void *p, int cells)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | dt_be32(b + 4 * i);
	return v;
}

/* 0 if the header is sane and the blob fits in bufsize, else DT_ERR_*. */
int dt_check(const void *fdt, size_t bufsize);
/* Header totalsize (call only after dt_check). */
uint32_t dt_total_size(const void *fdt);
/* Human-readable text for a DT_ERR_* code. */
const char *dt_strerror(int err);

/* Memory reservation map (/memreserve/): number of entries (or DT_ERR_*),
 * and entry idx; false if idx is out of range. */
int dt_mem_rsv_count(const void *fdt);
bool dt_mem_rsv(const void *fdt, int idx, uint64_t *addr, uint64_t *size);

/* Root node offset (always 0 on success) or error. */
int dt_root(const void *fdt);
/* Node by absolute path ("/chosen", "/cpus/cpu@0"); a component without
 * a unit address also matches "name@...", the first such child winning
 * (as in libfdt). Aliases are not resolved here. */
int dt_path(const void *fdt, const char *path);
/* True if node name `name` is what path component `comp` names, by
 * dt_path's rule: the same, or "comp@unit" when comp has no unit. */
bool dt_name_matches(const char *name, const char *comp);
int dt_first_child(const void *fdt, int node);
int dt_next_sibling(const void *fdt, int node);
/* Node name including unit address ("" for root); NULL if `node` is not
 * a node offset. */
const char *dt_name(const void *fdt, int node);
/* Next node in document order (node < 0: the root), adding the nesting
 * change to *depth if depth is not NULL (+1 child, 0 sibling, <0 up).
 * DT_ERR_NOTFOUND after the last node. */
int dt_next_node(const void *fdt, int node, int *depth);
/* Parent node offset (linear scan). */
int dt_parent(const void *fdt, int node);
/* Writes the node's full path into buf; returns length or error. */
int dt_get_path(const void *fdt, int node, char *buf, size_t len);

/* Property value and length in bytes, or NULL (and *len = DT_ERR_*). */
const void *dt_prop(const void *fdt, int node, const char *name, int *len);
/* Property iteration: handles are offsets of property tokens, as in
 * libfdt. dt_first_prop/dt_next_prop return DT_ERR_NOTFOUND at the end;
 * dt_prop_at gives name, value and length (NULL + *len = DT_ERR_*). */
int dt_first_prop(const void *fdt, int node);
int dt_next_prop(const void *fdt, int prop);
const void *dt_prop_at(const void *fdt, int prop, const char **name,
		       int *len);
/* True if the property exists (empty or not). */
bool dt_has_prop(const void *fdt, int node, const char *name);
/* Single u32 property; false if absent or not exactly 4 bytes. */
bool dt_prop_u32(const void *fdt, int node, const char *name, uint32_t *out);
/* u32 or u64 property (4 or 8 bytes); false otherwise. */
bool dt_prop_u64(const void *fdt, int node, const char *name, uint64_t *out);
/* String property; NULL unless NUL-terminated within its length. */
const char *dt_prop_str(const void *fdt, int node, const char *name);
/* True if `compat` is one of the strings of the node's "compatible". */
bool dt_is_compatible(const void *fdt, int node, const char *compat);
/* Next node in document order after `from` (-1: start at root) that is
 * compatible with `compat`; DT_ERR_NOTFOUND at the end. */
int dt_find_compatible(const void *fdt, int from, const char *compat);
/* Bit i set for each strs[i] (i < n <= 32) that is one of the strings
 * of a string-list value list[0..len), such as a "compatible" property;
 * an entry not NUL-terminated within len never matches. */
uint32_t dt_list_match(const char *list, int len, const char *const *strs,
		       int n);
/* Node with the given phandle. */
int dt_find_phandle(const void *fdt, uint32_t phandle);

/*
 * One walk over the whole tree, in the manner of Xen's
 * device_tree_for_each_node() and Linux's of_scan_flat_dt(): the visitor
 * gets every node in document order together with the values of up to
 * DT_SCAN_PROPS properties, read as the walk passes them. A boot-time
 * parse that needs many nodes then costs one pass over the blob instead
 * of a pass per lookup (FDT has no sibling links, so each dt_path or
 * dt_find_compatible walks everything before its answer).
 */
#define DT_SCAN_PROPS 4
struct dt_node_info {
	int node;         /* node offset */
	int depth;        /* as dt_next_node counts it: the root 0 */
	int parent;       /* as dt_parent gives it (the root: DT_ERR_NOTFOUND) */
	const char *name; /* with unit address; "" for the root */
	/* The properties asked for, as dt_prop would return them: NULL and
	 * DT_ERR_NOTFOUND where absent. */
	const void *val[DT_SCAN_PROPS];
	int len[DT_SCAN_PROPS];
};
/* Visitor: nonzero stops the walk, and dt_for_each_node returns it, so
 * use positive values (negative ones read as DT_ERR_*). */
typedef int (*dt_visit_fn)(const void *fdt, const struct dt_node_info *n,
			   void *arg);
/* Visits the nodes dt_next_node would give, from the root on, with
 * props[0..nprops) read for each (more than DT_SCAN_PROPS: DT_ERR_NOSPACE).
 * Returns 0 after the last node, the visitor's nonzero value, or the
 * DT_ERR_* that cut the walk short (the nodes before the fault, and the
 * one being read, have been visited). In a tree dt_check accepts, the
 * nodes are the root and its descendants; in others, depth <= 0 marks
 * nodes after the root closed. */
int dt_for_each_node(const void *fdt, const char *const *props, int nprops,
		     dt_visit_fn visit, void *arg);

/* #address-cells / #size-cells stated by `node` for its children
 * (defaults 2 and 1 per the DT spec when absent). */
uint32_t dt_addr_cells(const void *fdt, int node);
uint32_t dt_size_cells(const void *fdt, int node);
/* idx-th (addr, size) pair of node's "reg", decoded with the cells of
 * `parent`. False if absent or out of range. */
bool dt_reg(const void *fdt, int parent, int node, int idx,
	    uint64_t *addr, uint64_t *size);

/* ---- sequential writer ------------------------------------------------ */
struct dt_writer {
	uint8_t *buf;
	size_t cap;
	size_t struct_len;  /* bytes of structure block written so far */
	size_t strings_len; /* bytes of strings block (kept at end of buf) */
	int depth;
	int err;            /* first error, sticky */
};

void dt_wr_init(struct dt_writer *w, void *buf, size_t cap);
void dt_wr_begin_node(struct dt_writer *w, const char *name);
void dt_wr_end_node(struct dt_writer *w);
void dt_wr_prop(struct dt_writer *w, const char *name, const void *val,
		size_t len);
void dt_wr_prop_empty(struct dt_writer *w, const char *name);
void dt_wr_prop_u32(struct dt_writer *w, const char *name, uint32_t v);
/* n cells given in host order, stored big-endian. */
void dt_wr_prop_cells(struct dt_writer *w, const char *name,
		      const uint32_t *cells, int n);
/* One 64-bit value as two cells. */
void dt_wr_prop_u64(struct dt_writer *w, const char *name, uint64_t v);
void dt_wr_prop_str(struct dt_writer *w, const char *name, const char *s);
/* Finishes the blob (compacts strings after structure); returns the total
 * size or a DT_ERR_* code. */
int dt_wr_finish(struct dt_writer *w);
