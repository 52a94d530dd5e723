// SPDX-License-Identifier: MIT
/*
 * Sequential device tree writer (see xenith/fdt.h), used to build guest
 * device trees in a fixed buffer without allocating.
 *
 * Layout while writing: header and an empty reservation map at the start,
 * the structure block growing up after them, the strings block growing
 * down from the end of the buffer. A property records the distance of its
 * name from the end of the buffer; dt_wr_finish() moves the strings just
 * behind the structure block and turns those distances into offsets.
 * Errors are sticky, so callers check once, at dt_wr_finish().
 */
#include <xenith/fdt.h>
#include <xenith/lib.h>

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_END        9

#define HDR_LEN        40               /* version 17 header */
/* libfdt's sequential writer (which Xen uses) aligns the reservation map
 * to the 16-byte entry size, leaving 8 bytes of padding after the header;
 * doing the same makes our guest DTs byte-identical to Xen's. */
#define RSVMAP_OFF     48
#define STRUCT_OFF     (RSVMAP_OFF + 16) /* after the (0, 0) terminator */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void fail(struct dt_writer *w, int err)
{
	if (!w->err)
		w->err = err;
}

/* Bytes still free between the structure and the strings blocks. */
static size_t space_left(const struct dt_writer *w)
{
	size_t used = STRUCT_OFF + w->struct_len + w->strings_len;

	return used <= w->cap ? w->cap - used : 0;
}

/*
 * Reserves n bytes (rounded up to 4, zero padded) at the end of the
 * structure block; NULL (and a sticky error) if they do not fit.
 */
static uint8_t *reserve(struct dt_writer *w, size_t n)
{
	size_t padded = ALIGN_UP(n, 4);

	if (w->err)
		return NULL;
	if (padded < n || padded > space_left(w)) {
		fail(w, DT_ERR_NOSPACE);
		return NULL;
	}
	uint8_t *p = w->buf + STRUCT_OFF + w->struct_len;
	memset(p + n, 0, padded - n);
	w->struct_len += padded;
	return p;
}

static void put_token(struct dt_writer *w, uint32_t tag)
{
	uint8_t *p = reserve(w, 4);

	if (p)
		put_be32(p, tag);
}

void dt_wr_init(struct dt_writer *w, void *buf, size_t cap)
{
	*w = (struct dt_writer){ .buf = buf, .cap = cap };
	if (!buf || cap < STRUCT_OFF)
		w->err = DT_ERR_NOSPACE;
}

void dt_wr_begin_node(struct dt_writer *w, const char *name)
{
	size_t n = strlen(name) + 1;

	if (w->depth >= DT_MAX_DEPTH) {
		fail(w, DT_ERR_DEPTH);
		return;
	}
	if (w->depth == 0 && w->struct_len) {
		fail(w, DT_ERR_BADSTRUCT); /* a tree has one root */
		return;
	}
	put_token(w, FDT_BEGIN_NODE);
	uint8_t *p = reserve(w, n);
	if (p) {
		memcpy(p, name, n);
		w->depth++;
	}
}

void dt_wr_end_node(struct dt_writer *w)
{
	if (w->depth <= 0) {
		fail(w, DT_ERR_BADSTRUCT);
		return;
	}
	put_token(w, FDT_END_NODE);
	w->depth--;
}

/*
 * Distance from the end of the buffer of `name` in the strings block,
 * adding the name if it is not there yet; 0 on failure.
 */
static size_t string_ref(struct dt_writer *w, const char *name)
{
	size_t n = strlen(name) + 1;
	const uint8_t *strs = w->buf + w->cap - w->strings_len;

	/* Reuse any occurrence, including the tail of a longer name. */
	for (size_t i = 0; i + n <= w->strings_len; i++) {
		if (memcmp(strs + i, name, n) == 0)
			return w->strings_len - i;
	}
	if (n > space_left(w)) {
		fail(w, DT_ERR_NOSPACE);
		return 0;
	}
	w->strings_len += n;
	memcpy(w->buf + w->cap - w->strings_len, name, n);
	return w->strings_len;
}

/*
 * Appends a property header for `name` with a value of len bytes and
 * returns where the value goes, or NULL (sticky error set).
 */
static uint8_t *prop_space(struct dt_writer *w, const char *name, size_t len)
{
	if (w->depth <= 0) {
		fail(w, DT_ERR_BADSTRUCT); /* properties live in nodes */
		return NULL;
	}
	if (len > 0x7fffffffU) {
		fail(w, DT_ERR_NOSPACE);
		return NULL;
	}
	size_t ref = w->err ? 0 : string_ref(w, name);
	uint8_t *p = reserve(w, 12 + len);

	if (!p)
		return NULL;
	put_be32(p, FDT_PROP);
	put_be32(p + 4, (uint32_t)len);
	put_be32(p + 8, (uint32_t)ref); /* fixed up by dt_wr_finish() */
	return p + 12;
}

void dt_wr_prop(struct dt_writer *w, const char *name, const void *val,
		size_t len)
{
	uint8_t *p = prop_space(w, name, len);

	if (p && len)
		memcpy(p, val, len);
}

void dt_wr_prop_empty(struct dt_writer *w, const char *name)
{
	dt_wr_prop(w, name, NULL, 0);
}

void dt_wr_prop_u32(struct dt_writer *w, const char *name, uint32_t v)
{
	dt_wr_prop_cells(w, name, &v, 1);
}

void dt_wr_prop_cells(struct dt_writer *w, const char *name,
		      const uint32_t *cells, int n)
{
	if (n < 0) {
		fail(w, DT_ERR_BADSTRUCT);
		return;
	}
	uint8_t *p = prop_space(w, name, 4 * (size_t)n);

	for (int i = 0; p && i < n; i++)
		put_be32(p + 4 * i, cells[i]);
}

void dt_wr_prop_u64(struct dt_writer *w, const char *name, uint64_t v)
{
	uint32_t cells[2] = { (uint32_t)(v >> 32), (uint32_t)v };

	dt_wr_prop_cells(w, name, cells, 2);
}

void dt_wr_prop_str(struct dt_writer *w, const char *name, const char *s)
{
	dt_wr_prop(w, name, s, strlen(s) + 1);
}

/* Rewrites each property's name reference as a strings-block offset. */
static void fix_name_offsets(struct dt_writer *w)
{
	uint8_t *s = w->buf + STRUCT_OFF;
	size_t off = 0;

	while (off < w->struct_len) {
		uint32_t tag = dt_be32(s + off);

		if (tag == FDT_BEGIN_NODE) {
			off += ALIGN_UP(4 + strlen((char *)s + off + 4) + 1, 4);
		} else if (tag == FDT_PROP) {
			uint32_t len = dt_be32(s + off + 4);
			uint32_t dist = dt_be32(s + off + 8);

			put_be32(s + off + 8, (uint32_t)w->strings_len - dist);
			off += 12 + ALIGN_UP((size_t)len, 4);
		} else {
			off += 4;
		}
	}
}

static void write_header(struct dt_writer *w, uint32_t total)
{
	uint8_t *h = w->buf;

	memset(h, 0, STRUCT_OFF); /* includes the empty reservation map */
	put_be32(h + 0, FDT_MAGIC);
	put_be32(h + 4, total);
	put_be32(h + 8, STRUCT_OFF);
	put_be32(h + 12, (uint32_t)(STRUCT_OFF + w->struct_len));
	put_be32(h + 16, RSVMAP_OFF);
	put_be32(h + 20, 17);           /* version */
	put_be32(h + 24, 16);           /* last compatible version */
	put_be32(h + 28, 0);            /* boot CPU */
	put_be32(h + 32, (uint32_t)w->strings_len);
	put_be32(h + 36, (uint32_t)w->struct_len);
}

int dt_wr_finish(struct dt_writer *w)
{
	if (w->depth != 0)
		fail(w, DT_ERR_BADSTRUCT); /* unclosed node */
	else if (w->struct_len == 0)
		fail(w, DT_ERR_BADSTRUCT); /* no root node */
	put_token(w, FDT_END);
	if (w->err)
		return w->err;

	size_t total = STRUCT_OFF + w->struct_len + w->strings_len;
	if (total > 0x7fffffffU) {
		fail(w, DT_ERR_NOSPACE);
		return w->err;
	}
	memmove(w->buf + STRUCT_OFF + w->struct_len,
		w->buf + w->cap - w->strings_len, w->strings_len);
	fix_name_offsets(w);
	write_header(w, (uint32_t)total);
	/* The blob is complete; further writes would corrupt it. */
	w->err = DT_ERR_BADSTRUCT;
	return (int)total;
}
