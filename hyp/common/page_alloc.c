// SPDX-License-Identifier: MIT
/* Boot-time host RAM ranges and fixed-size page pools (see page_alloc.h). */
#include <xenith/lib.h>
#include <xenith/page_alloc.h>

#define PAGE_SIZE 4096ULL

void ram_map_init(struct ram_map *m, const struct mem_bank *banks, int n)
{
	m->n = 0;
	for (int i = 0; i < n && m->n < MAX_FREE_RANGES; i++)
		if (banks[i].size)
			m->free[m->n++] = banks[i];
}

static void remove_range(struct ram_map *m, int i)
{
	memmove(&m->free[i], &m->free[i + 1],
		(size_t)(m->n - i - 1) * sizeof(m->free[0]));
	m->n--;
}

bool ram_map_reserve(struct ram_map *m, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	for (int i = 0; i < m->n; i++) {
		struct mem_bank *f = &m->free[i];
		uint64_t fend = f->base + f->size;

		if (end <= f->base || base >= fend)
			continue;
		if (base > f->base && end < fend) {
			/* Splits the range in two. */
			if (m->n == MAX_FREE_RANGES)
				return false;
			memmove(&m->free[i + 2], &m->free[i + 1],
				(size_t)(m->n - i - 1) * sizeof(m->free[0]));
			m->n++;
			m->free[i + 1] = (struct mem_bank){ end, fend - end };
			f->size = base - f->base;
			return true;
		}
		if (base <= f->base && end >= fend) {
			remove_range(m, i--);
			continue;
		}
		if (base <= f->base) {
			f->size = fend - end;
			f->base = end;
		} else {
			f->size = base - f->base;
		}
	}
	return true;
}

uint64_t ram_map_alloc(struct ram_map *m, uint64_t size, uint64_t align)
{
	for (int i = m->n - 1; i >= 0; i--) {
		const struct mem_bank *f = &m->free[i];
		uint64_t top = f->base + f->size;
		uint64_t base;

		if (size > f->size)
			continue;
		base = ALIGN_DOWN(top - size, align);
		if (base < f->base)
			continue;
		if (!ram_map_reserve(m, base, size))
			return 0;
		return base;
	}
	return 0;
}

uint64_t ram_map_alloc_low(struct ram_map *m, uint64_t size, uint64_t align)
{
	for (int i = 0; i < m->n; i++) {
		const struct mem_bank *f = &m->free[i];
		uint64_t base = ALIGN_UP(f->base, align);

		if (base < f->base || base - f->base > f->size || size > f->size - (base - f->base))
			continue;
		if (!ram_map_reserve(m, base, size))
			return 0;
		return base;
	}
	return 0;
}

bool ram_map_free_adjacent(struct ram_map *m, uint64_t base, uint64_t size)
{
	int i = 0;

	while (i < m->n && m->free[i].base < base)
		i++;
	if ((i > 0 && m->free[i - 1].base + m->free[i - 1].size == base) ||
	    (i < m->n && base + size == m->free[i].base))
		return ram_map_free(m, base, size);
	return false;
}

bool ram_map_free(struct ram_map *m, uint64_t base, uint64_t size)
{
	int i = 0;

	if (!size)
		return true;
	/* The ranges are kept in address order: find the first above. */
	while (i < m->n && m->free[i].base < base)
		i++;
	if (i > 0 && m->free[i - 1].base + m->free[i - 1].size == base) {
		m->free[i - 1].size += size;
		if (i < m->n && base + size == m->free[i].base) {
			m->free[i - 1].size += m->free[i].size;
			remove_range(m, i);
		}
		return true;
	}
	if (i < m->n && base + size == m->free[i].base) {
		m->free[i].base = base;
		m->free[i].size += size;
		return true;
	}
	if (m->n == MAX_FREE_RANGES)
		return false;
	memmove(&m->free[i + 1], &m->free[i], (size_t)(m->n - i) * sizeof(m->free[0]));
	m->free[i] = (struct mem_bank){ base, size };
	m->n++;
	return true;
}

uint64_t ram_map_free_bytes(const struct ram_map *m)
{
	uint64_t sum = 0;

	for (int i = 0; i < m->n; i++)
		sum += m->free[i].size;
	return sum;
}

void page_pool_init(struct page_pool *p, uint64_t base, uint64_t pages)
{
	*p = (struct page_pool){ .base = base, .cont = pages, .pages = pages };
}

uint64_t page_pool_alloc(struct page_pool *p)
{
	uint64_t pa;

	if (p->cont_used < p->cont) {
		p->used++;
		return p->base + PAGE_SIZE * p->cont_used++;
	}
	pa = p->free;
	if (!pa)
		return 0;
	p->free = *(volatile uint64_t *)(uintptr_t)pa;
	p->nr_free--;
	p->used++;
	return pa;
}

void page_pool_add(struct page_pool *p, uint64_t pa)
{
	*(volatile uint64_t *)(uintptr_t)pa = p->free;
	p->free = pa;
	p->nr_free++;
	p->pages++;
}

uint64_t page_pool_shrink(struct page_pool *p)
{
	uint64_t pa = p->free;

	if (!pa)
		return 0;
	p->free = *(volatile uint64_t *)(uintptr_t)pa;
	*(volatile uint64_t *)(uintptr_t)pa = 0;
	p->nr_free--;
	p->pages--;
	return pa;
}
