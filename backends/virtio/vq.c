// SPDX-License-Identifier: MIT
/*
 * Split virtqueues (virtio 1.x, section 2.7): the descriptor table, the
 * driver's available ring and the device's used ring, all in guest
 * memory, read and written through gmem's bounds-checked copies. A
 * malformed queue (an index beyond the ring, a chain longer than the
 * queue or looping, an indirect descriptor, which is not offered) is
 * refused with a reason; the device then asks the driver for a reset.
 */
#include <string.h>

#include "vbe.h"

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

#define DESC_F_NEXT     1
#define DESC_F_WRITE    2
#define DESC_F_INDIRECT 4

static int bad(const char *who, const char *why, unsigned int v)
{
	vlog("%s: malformed virtqueue: %s (%u)", who, why, v);
	return -1;
}

int vq_next(struct gmem *g, struct vq *q, struct vq_chain *c, const char *who)
{
	uint16_t avail_idx, head, i;
	struct desc d;

	if (gmem_read(g, q->avail + 2, &avail_idx, 2))
		return bad(who, "available ring outside guest RAM", 0);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return bad(who, "more buffers available than the queue holds",
			   (uint16_t)(avail_idx - q->last_avail));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);   /* ring entries after the index */
	if (gmem_read(g, q->avail + 4 + 2ULL * (q->last_avail % q->num), &head, 2))
		return bad(who, "available ring outside guest RAM", 0);
	if (head >= q->num)
		return bad(who, "head descriptor beyond the queue", head);
	c->head = head;
	c->n = 0;
	for (i = head;; i = d.next) {
		if (c->n >= q->num || c->n >= VQ_MAX_CHAIN)
			return bad(who, "descriptor chain loops or is too long", c->n);
		if (gmem_read(g, q->desc + 16ULL * i, &d, sizeof(d)))
			return bad(who, "descriptor table outside guest RAM", i);
		if (d.flags & DESC_F_INDIRECT)
			return bad(who, "indirect descriptor (not offered)", i);
		c->buf[c->n++] = (struct vq_buf){ d.addr, d.len, (d.flags & DESC_F_WRITE) != 0 };
		if (!(d.flags & DESC_F_NEXT))
			break;
		if (d.next >= q->num)
			return bad(who, "next descriptor beyond the queue", d.next);
	}
	q->last_avail++;
	return 1;
}

int vq_push(struct gmem *g, struct vq *q, uint16_t head, uint32_t written)
{
	uint32_t elem[2] = { head, written };
	uint16_t idx = (uint16_t)(q->used_idx + 1);

	if (gmem_write(g, q->used + 4 + 8ULL * (q->used_idx % q->num), elem, sizeof(elem)))
		return -1;
	__atomic_thread_fence(__ATOMIC_RELEASE);   /* the entry before the index */
	if (gmem_write(g, q->used + 2, &idx, 2))
		return -1;
	q->used_idx = idx;
	return 0;
}
