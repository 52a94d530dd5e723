// SPDX-License-Identifier: MIT
/*
 * A guest's RAM as the device sees it: mapped 2 MiB at a time with
 * xenforeignmemory (privcmd's foreign mappings), the first time a buffer
 * there is touched, and kept until the device goes or the hypervisor
 * asks for the mapcache to be invalidated (the guest took RAM out of its
 * address space: a frame may come back as another page). Xen's guest RAM
 * starts at 0x40000000 (GUEST_RAM0_BASE); the first 3 GiB bank is what
 * is mapped (a bigger guest's second bank is not served). Every copy is
 * bounds-checked page by page: a buffer the guest points outside its RAM
 * fails, it never reaches anything else.
 *
 * With grants (VirtIO-Grant), an address is a grant reference instead:
 * each page is mapped through gntdev for the copy and unmapped at once,
 * so the backend holds nothing the guest did not grant, and a page the
 * guest did not grant (or granted to another domain) fails.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vbe.h"

#define RAM0_BASE 0x40000000ULL
#define RAM0_SIZE 0xc0000000ULL

#define GRANT_ADDR_BIT (1ULL << 63)

int gmem_init(struct gmem *g, uint16_t domid, bool grants)
{
	g->domid = domid;
	g->grants = grants;
	if (grants)
		return vbe.xgt ? 0 : -1;
	g->base = RAM0_BASE;
	g->nr_chunks = (unsigned int)(RAM0_SIZE >> CHUNK_SHIFT);
	g->chunk = calloc(g->nr_chunks, sizeof(*g->chunk));
	return g->chunk ? 0 : -1;
}

unsigned int gmem_invalidate(struct gmem *g)
{
	unsigned int n = 0;

	for (unsigned int i = 0; !g->grants && g->chunk && i < g->nr_chunks; i++) {
		if (!g->chunk[i].va)
			continue;
		xenforeignmemory_unmap(vbe.fmem, g->chunk[i].va, CHUNK_PAGES);
		memset(&g->chunk[i], 0, sizeof(g->chunk[i]));
		n++;
	}
	return n;
}

void gmem_release(struct gmem *g)
{
	if (g->grants)
		return;   /* nothing is kept mapped */
	gmem_invalidate(g);
	free(g->chunk);
	g->chunk = NULL;
}

static struct gmem_chunk *map_chunk(struct gmem *g, unsigned int i)
{
	struct gmem_chunk *c = &g->chunk[i];
	xen_pfn_t pfn[CHUNK_PAGES];
	int err[CHUNK_PAGES];

	if (c->va)
		return c;
	for (unsigned int p = 0; p < CHUNK_PAGES; p++)
		pfn[p] = ((g->base >> 12) + (uint64_t)i * CHUNK_PAGES + p);
	c->va = xenforeignmemory_map(vbe.fmem, g->domid, PROT_READ | PROT_WRITE, CHUNK_PAGES,
				     pfn, err);
	if (!c->va) {
		vlog("d%u: mapping guest memory at %#llx failed: %s", g->domid,
		     (unsigned long long)(g->base + ((uint64_t)i << CHUNK_SHIFT)), strerror(errno));
		return NULL;
	}
	for (unsigned int p = 0; p < CHUNK_PAGES; p++)
		if (err[p])
			c->bad[p / 64] |= 1ULL << (p % 64);
	return c;
}

/* Our address of guest byte gpa, valid up to the end of its page; NULL
 * if it is not guest RAM. */
static uint8_t *at(struct gmem *g, uint64_t gpa)
{
	uint64_t off = gpa - g->base;
	unsigned int i = (unsigned int)(off >> CHUNK_SHIFT), p;
	struct gmem_chunk *c;

	if (gpa < g->base || off >= (uint64_t)g->nr_chunks << CHUNK_SHIFT)
		return NULL;
	c = map_chunk(g, i);
	p = (unsigned int)((off >> 12) % CHUNK_PAGES);
	if (!c || (c->bad[p / 64] >> (p % 64)) & 1)
		return NULL;
	return c->va + (off & ((1ULL << CHUNK_SHIFT) - 1));
}

/* One granted page at a time: mapped, copied, unmapped. */
static int copy_granted(struct gmem *g, uint64_t addr, uint8_t *b, size_t len, bool to_guest)
{
	if (!(addr & GRANT_ADDR_BIT))
		return -1;   /* a guest-physical address: never foreign-mapped here */
	addr &= ~GRANT_ADDR_BIT;
	while (len) {
		size_t off = addr & 4095, n = 4096 - off;
		uint8_t *p = xengnttab_map_grant_ref(vbe.xgt, g->domid, (uint32_t)(addr >> 12),
						     to_guest ? PROT_READ | PROT_WRITE : PROT_READ);

		if (!p) {
			vlog("d%u: grant %llu could not be mapped: %s", g->domid,
			     (unsigned long long)(addr >> 12), strerror(errno));
			return -1;
		}
		if (n > len)
			n = len;
		if (to_guest)
			memcpy(p + off, b, n);
		else
			memcpy(b, p + off, n);
		xengnttab_unmap(vbe.xgt, p, 1);
		addr += n;
		b += n;
		len -= n;
	}
	return 0;
}

static int copy(struct gmem *g, uint64_t gpa, void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	if (g->grants)
		return copy_granted(g, gpa, b, len, to_guest);
	if (gpa + len < gpa)
		return -1;
	while (len) {
		size_t n = 4096 - (gpa & 4095);
		uint8_t *p = at(g, gpa);

		if (!p)
			return -1;
		if (n > len)
			n = len;
		if (to_guest)
			memcpy(p, b, n);
		else
			memcpy(b, p, n);
		gpa += n;
		b += n;
		len -= n;
	}
	return 0;
}

int gmem_read(struct gmem *g, uint64_t gpa, void *buf, size_t len)
{
	return copy(g, gpa, buf, len, false);
}

int gmem_write(struct gmem *g, uint64_t gpa, const void *buf, size_t len)
{
	return copy(g, gpa, (void *)buf, len, true);
}
