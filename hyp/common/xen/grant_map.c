// SPDX-License-Identifier: MIT
/*
 * GNTTABOP_map_grant_ref and GNTTABOP_unmap_grant_ref, version 1, for a
 * domain like Xen's Arm domains (auto-translated): the granted page is
 * mapped into the mapper's stage 2 at host_addr (a guest-physical
 * address), as xenstored and xenconsoled map a guest's rings through
 * gntdev, and backends map its buffers.
 *
 * The mapper's maptrack records each mapping: a directory page of up to
 * 512 frames of MT_PER_FRAME records each, a frame taken from the heap
 * when the free list is empty, up to the domain's limit (Xen's
 * max_maptrack_frames of 512 handles each, at most MT_MAX_HANDLES here:
 * a backend like blkback with persistent grants keeps over a thousand
 * mappings). Records stay until the domain goes. It and the stage-2
 * entries are the mapper's, under its p2m_lock. The granter's side is its grant entry
 * in guest memory, which the granter may change at any time: the entry's
 * flags and domid are read and updated together with a compare-and-swap
 * (at most a few tries, as Xen does), GTF_reading/GTF_writing telling
 * the granter that its page is in use. Each mapping holds a reference on
 * the granter (domain_get), released at unmap.
 *
 * GNTTABOP_copy copies between pages named by grant reference (another
 * domain's, granted to the caller) or by the caller's own frame number,
 * as backends do for network packets; the granter's entries are marked
 * in use for the copy and released after it, and a reference is held on
 * each granter meanwhile.
 *
 * Each entry's pins (struct grant_pin, the granter's) count the maps and
 * copies holding it, so its flags clear only with the last. Not yet:
 * GNTMAP_contains_pte, transfers.
 */
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/assert.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/heap.h>
#include <xenith/ioreq.h>
#include <xenith/lib.h>
#include <xenith/xen_ops.h>

#define GNTMAP_device_map  (1U << 0)
#define GNTMAP_host_map    (1U << 1)
#define GNTMAP_readonly    (1U << 2)
#define GNTMAP_application_map (1U << 3)
#define GNTMAP_contains_pte (1U << 4)

#define GTF_permit_access  1U
#define GTF_type_mask      3U
#define GTF_readonly       (1U << 2)
#define GTF_reading        (1U << 3)
#define GTF_writing        (1U << 4)

#define GNTST_general_error   (-1)
#define GNTST_bad_domain      (-2)
#define GNTST_bad_gntref      (-3)
#define GNTST_bad_handle      (-4)
#define GNTST_bad_virt_addr   (-5)
#define GNTST_permission_denied (-8)
#define GNTST_no_space        (-13)

#define ENTRIES_PER_FRAME 512   /* 8-byte v1 entries in a 4 KiB frame */
#define CAS_TRIES 4

struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;
	uint32_t ref;
	uint16_t dom;
	int16_t status;
	uint32_t handle;
	uint64_t dev_bus_addr;
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref");

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	uint32_t handle;
	int16_t status;
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant_ref");

/* One mapping: where, of whose entry, and how. */
struct maptrack {
	uint64_t gfn;        /* in the mapper; 0 with granter 0: free */
	struct domain *g;    /* the granter, referenced while mapped */
	uint32_t ref;
	uint16_t granter;    /* domid */
	uint16_t used : 1, readonly : 1;
	uint64_t pa;         /* the granted page */
};
#define MT_PER_FRAME   (4096 / sizeof(struct maptrack))
#define MT_DIR_FRAMES  (4096 / sizeof(uint64_t))
#define MT_MAX_HANDLES (MT_DIR_FRAMES * MT_PER_FRAME)
#define MAPTRACK_PENDING 0x7ff4   /* DOMID_INVALID: a map being made */
_Static_assert(MT_PER_FRAME == 128, "maptrack record size");

/* The granter's v1 entry for ref as a 32-bit word (flags, domid), or NULL
 * if ref is beyond its table (its p2m_lock held). */
static volatile uint32_t *entry_word(struct domain *g, uint32_t ref)
{
	uint32_t frame = ref / ENTRIES_PER_FRAME;

	if (frame >= g->gnttab.nr_frames)
		return NULL;
	return (volatile uint32_t *)(uintptr_t)(g->gnttab.frame_pa[frame] +
						(ref % ENTRIES_PER_FRAME) * 8);
}

/*
 * Pins, as Xen's active entries: how many maps and copies hold an entry
 * for reading and for writing, and whose (one domain at a time, as in
 * Xen). GTF_reading stays set while any pin does, GTF_writing while a
 * writing pin does, whichever mapping goes first.
 */
struct grant_pin {
	uint16_t rd, wr;
	uint16_t domid;
	uint16_t pad;
};
_Static_assert(sizeof(struct grant_pin) * ENTRIES_PER_FRAME == 4096, "pins per frame");

/* The pin of ref (its frame's page taken on first use), or NULL. */
static struct grant_pin *pin_of(struct domain *g, uint32_t ref)
{
	uint32_t frame = ref / ENTRIES_PER_FRAME;

	ASSERT_LOCKED(&g->p2m_lock);
	if (!g->gnttab.pins[frame]) {
		uint64_t pa = heap_alloc_page();

		if (!pa)
			return NULL;
		memset((void *)(uintptr_t)pa, 0, 4096);
		__atomic_add_fetch(&g->heap_pages, 1, __ATOMIC_RELAXED);
		g->gnttab.pins[frame] = (void *)(uintptr_t)pa;
	}
	return &((struct grant_pin *)g->gnttab.pins[frame])[ref % ENTRIES_PER_FRAME];
}

/* Sets `set` in the entry with a compare-and-swap, as Xen's _set_status:
 * on a first pin the entry must permit access to domid (and writing,
 * unless readonly); later pins only add GTF_writing, refused on a
 * read-only grant. 0 or GNTST_general_error. */
static int64_t set_flags(volatile uint32_t *w, uint16_t domid, bool first, bool readonly)
{
	uint32_t set = GTF_reading | (readonly ? 0 : GTF_writing);

	for (int i = 0; i < CAS_TRIES; i++) {
		uint32_t old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		uint16_t flags = (uint16_t)old, dom = (uint16_t)(old >> 16);

		if (first && ((flags & GTF_type_mask) != GTF_permit_access || dom != domid))
			return GNTST_general_error;
		if (!readonly && (flags & GTF_readonly))
			return GNTST_general_error;
		if ((old & set) == set ||
		    __atomic_compare_exchange_n(w, &old, old | set, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
	return GNTST_general_error;   /* the granter keeps changing it */
}

/* Pins ref of g for domid (reading, or writing too unless readonly).
 * Its frame, or a GNTST_. */
static int64_t take_entry(struct domain *g, uint32_t ref, uint16_t domid, bool readonly,
			  uint64_t *frame)
{
	volatile uint32_t *w;
	struct grant_pin *pin;
	int64_t st = 0;

	spin_lock(&g->p2m_lock);
	w = entry_word(g, ref);
	pin = w ? pin_of(g, ref) : NULL;
	if (!w)
		st = GNTST_bad_gntref;
	else if (!pin || (pin->rd || pin->wr ? pin->domid != domid : false) ||
		 pin->rd == 0xffff || pin->wr == 0xffff)
		st = GNTST_general_error;
	else
		st = set_flags(w, domid, !pin->rd && !pin->wr, readonly);
	if (!st) {
		*frame = __atomic_load_n(w + 1, __ATOMIC_ACQUIRE);
		pin->domid = domid;
		if (readonly)
			pin->rd++;
		else
			pin->wr++;
	}
	spin_unlock(&g->p2m_lock);
	return st;
}

/* Drops one pin; the flags go with the last pins of their kind. */
static void release_entry(struct domain *g, uint32_t ref, bool readonly)
{
	volatile uint32_t *w;
	struct grant_pin *pin;
	uint32_t clear = 0;

	spin_lock(&g->p2m_lock);
	w = entry_word(g, ref);
	pin = w && g->gnttab.pins[ref / ENTRIES_PER_FRAME] ? pin_of(g, ref) : NULL;
	if (pin && (readonly ? pin->rd : pin->wr)) {
		if (readonly)
			pin->rd--;
		else
			pin->wr--;
		if (!pin->wr)
			clear |= GTF_writing;
		if (!pin->rd && !pin->wr)
			clear |= GTF_reading;
		__atomic_and_fetch(w, ~clear, __ATOMIC_ACQ_REL);
	}
	spin_unlock(&g->p2m_lock);
}

/* ---- the maptrack (the mapper's p2m_lock held throughout) ---------------- */

/* The record of handle h, or NULL if no frame holds it. */
static struct maptrack *mt_entry(struct domain *d, uint32_t h)
{
	const uint64_t *dir = d->maptrack;

	if (!dir || h / MT_PER_FRAME >= d->maptrack_frames)
		return NULL;
	return (struct maptrack *)(uintptr_t)dir[h / MT_PER_FRAME] + h % MT_PER_FRAME;
}

/* Free records are chained through ref; maptrack_free is the first's
 * handle + 1 (0: none), so that a zeroed domain has an empty list. */
static void mt_put(struct domain *d, uint32_t h)
{
	struct maptrack *m = mt_entry(d, h);

	*m = (struct maptrack){ .ref = d->maptrack_free };
	d->maptrack_free = h + 1;
}

static uint64_t mt_page(struct domain *d)
{
	uint64_t pa = heap_alloc_page();

	if (pa) {
		memset((void *)(uintptr_t)pa, 0, 4096);
		__atomic_add_fetch(&d->heap_pages, 1, __ATOMIC_RELAXED);
	}
	return pa;
}

/* One more frame of free records, within the domain's limit: 0 or -1. */
static int mt_grow(struct domain *d)
{
	uint32_t limit = d->maptrack_limit_set ? d->maptrack_limit : MT_MAX_HANDLES;
	uint32_t f = d->maptrack_frames;
	uint64_t pa;

	if ((f + 1) * MT_PER_FRAME > limit || f == MT_DIR_FRAMES)
		return -1;
	if (!d->maptrack) {
		pa = mt_page(d);
		if (!pa)
			return -1;
		d->maptrack = (void *)(uintptr_t)pa;
	}
	pa = mt_page(d);
	if (!pa)
		return -1;
	((uint64_t *)d->maptrack)[f] = pa;
	d->maptrack_frames = f + 1;
	for (uint32_t i = MT_PER_FRAME; i-- > 0;)   /* lowest handle first out */
		mt_put(d, f * MT_PER_FRAME + i);
	return 0;
}

/* A free record of d, marked as a map being made: its handle, or -1. */
static int64_t mt_take(struct domain *d)
{
	uint32_t h;
	struct maptrack *m;

	if (!d->maptrack_free && mt_grow(d))
		return -1;
	h = d->maptrack_free - 1;
	m = mt_entry(d, h);
	d->maptrack_free = m->ref;
	*m = (struct maptrack){ .used = 1, .granter = MAPTRACK_PENDING };
	return h;
}

void gnttab_free_maptrack(struct domain *d)
{
	uint64_t *dir = d->maptrack;

	for (uint32_t f = 0; dir && f < d->maptrack_frames; f++)
		heap_free_page(dir[f]);
	if (dir)
		heap_free_page((uint64_t)(uintptr_t)dir);
	d->maptrack = NULL;
	d->maptrack_frames = d->maptrack_free = 0;
}

/* In Xen 4.17's order: the flags (neither host nor device map:
 * GNTST_bad_gntref; device, application or PTE maps from an Arm domain:
 * general error), the granter (bad_domain), a maptrack slot (no_space),
 * the ref (bad_gntref), then the entry itself (general error if it is
 * not for us or a write asks for a read-only grant). */
static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct domain *d = v->dom;
	bool ro = (op->flags & GNTMAP_readonly) != 0;
	struct domain *g;
	struct maptrack *m;
	uint64_t frame = 0, pa;
	int64_t st, slot;
	bool ram;

	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map)))
		return GNTST_bad_gntref;
	if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
		return GNTST_general_error;
	g = domain_get(op->dom);
	if (!g)
		return GNTST_bad_domain;
	spin_lock(&d->p2m_lock);
	slot = mt_take(d);   /* held for this map while it is made: no handle yet */
	spin_unlock(&d->p2m_lock);
	if (slot < 0) {
		domain_put(g);
		return GNTST_no_space;
	}
	st = take_entry(g, op->ref, (uint16_t)d->id, ro, &frame);
	pa = st ? 0 : domain_gfn_to_own_page(g, frame);
	if (!st && !pa) {
		release_entry(g, op->ref, ro);
		st = GNTST_general_error;   /* the frame is not the granter's page */
	}
	spin_lock(&d->p2m_lock);
	m = mt_entry(d, (uint32_t)slot);
	ram = !st && memory_ram_mapped(d, op->host_addr >> 12);
	if (!st && arch_p2m_map_grant(d, op->host_addr >> 12, pa, ro))
		st = GNTST_general_error;
	if (st) {
		mt_put(d, (uint32_t)slot);
		spin_unlock(&d->p2m_lock);
		if (pa)
			release_entry(g, op->ref, ro);
		domain_put(g);
		return (int16_t)st;
	}
	memory_forget_gfn(d, op->host_addr >> 12);
	*m = (struct maptrack){ op->host_addr >> 12, g, op->ref, (uint16_t)g->id, 1, ro, pa };
	spin_unlock(&d->p2m_lock);
	if (ram)   /* the grant covers one of the mapper's RAM pages now */
		ioreq_p2m_changed(v);
	op->handle = (uint32_t)slot;
	op->dev_bus_addr = 0;
	return 0;
}

static int16_t unmap_one(struct domain *d, const struct gnttab_unmap_grant_ref *op)
{
	struct maptrack m;
	struct maptrack *slot;
	struct domain *g;

	spin_lock(&d->p2m_lock);
	slot = mt_entry(d, op->handle);
	if (!slot || !slot->used || slot->granter == MAPTRACK_PENDING) {
		spin_unlock(&d->p2m_lock);
		return GNTST_bad_handle;
	}
	if (op->host_addr >> 12 != slot->gfn) {
		spin_unlock(&d->p2m_lock);
		return GNTST_general_error;   /* not where this handle mapped it */
	}
	m = *slot;
	/* Our grant entry must still be there (nothing may replace a grant
	 * entry but this unmap), else the handle stays, as in Xen. */
	if (arch_gfn_grant_pa(d, m.gfn) != m.pa || arch_p2m_unmap_page(d, m.gfn)) {
		spin_unlock(&d->p2m_lock);
		return GNTST_general_error;
	}
	mt_put(d, op->handle);
	spin_unlock(&d->p2m_lock);
	g = m.g;
	release_entry(g, m.ref, m.readonly);
	domain_put(g);
	return 0;
}

/* ---- copy ------------------------------------------------------------------ */

#define GNTCOPY_source_gref (1U << 0)
#define GNTCOPY_dest_gref   (1U << 1)
#define GNTST_bad_copy_arg  (-10)

struct gnttab_copy_ptr {
	uint64_t u;          /* grant ref, or gmfn */
	uint16_t domid;
	uint16_t offset;
	uint32_t pad;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");

/* One side of a copy: the host page, and what to release after. */
struct copy_side {
	struct domain *g;    /* granter (referenced), NULL for an own frame */
	uint32_t ref;
	bool readonly;
	uint64_t pa;
};

static int16_t copy_side_get(struct domain *d, const struct gnttab_copy_ptr *p, bool gref,
			     bool write, struct copy_side *s)
{
	uint64_t frame = 0;
	int64_t st;

	s->g = NULL;
	if (!gref) {
		/* A frame number names the caller's own memory only. */
		if (!domain_is_self(d, p->domid))
			return GNTST_permission_denied;
		s->pa = domain_gfn_to_own_page(d, p->u);
		return s->pa ? 0 : GNTST_bad_copy_arg;
	}
	s->g = domain_get(p->domid);
	if (!s->g)
		return GNTST_bad_domain;
	s->ref = (uint32_t)p->u;
	s->readonly = !write;
	st = p->u >> 32 ? GNTST_bad_gntref : take_entry(s->g, s->ref, (uint16_t)d->id, !write, &frame);
	s->pa = st ? 0 : domain_gfn_to_own_page(s->g, frame);
	if (!st && !s->pa) {
		release_entry(s->g, s->ref, s->readonly);
		st = GNTST_general_error;
	}
	if (st) {
		domain_put(s->g);
		s->g = NULL;
	}
	return (int16_t)st;
}

static void copy_side_put(struct copy_side *s)
{
	if (!s->g)
		return;
	release_entry(s->g, s->ref, s->readonly);
	domain_put(s->g);
}

static int16_t copy_one(struct domain *d, const struct gnttab_copy *op)
{
	struct copy_side src, dst;
	int16_t st;

	if ((uint32_t)op->source.offset + op->len > 4096 ||
	    (uint32_t)op->dest.offset + op->len > 4096)
		return GNTST_bad_copy_arg;
	st = copy_side_get(d, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
	if (st)
		return st;
	st = copy_side_get(d, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
	if (!st) {
		memmove((void *)(uintptr_t)(dst.pa + op->dest.offset),
			(const void *)(uintptr_t)(src.pa + op->source.offset), op->len);
		arch_clean_dcache(dst.pa + op->dest.offset, op->len);
		copy_side_put(&dst);
	}
	copy_side_put(&src);
	return st;
}

int64_t gnttab_copy(struct vcpu *v, uint64_t arg, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		struct gnttab_copy op;
		uint64_t at = arg + i * sizeof(op);

		if (copy_from_guest(&op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = copy_one(v->dom, &op);
		if (copy_to_guest(at + __builtin_offsetof(struct gnttab_copy, status), &op.status,
				  sizeof(op.status)))
			return -XEN_EFAULT;
	}
	return 0;
}

int64_t gnttab_map_refs(struct vcpu *v, uint64_t arg, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		struct gnttab_map_grant_ref op;
		uint64_t at = arg + i * sizeof(op);

		if (copy_from_guest(&op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = map_one(v, &op);
		if (copy_to_guest(at, &op, sizeof(op)))
			return -XEN_EFAULT;
	}
	return 0;
}

int64_t gnttab_unmap_refs(struct vcpu *v, uint64_t arg, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		struct gnttab_unmap_grant_ref op;
		uint64_t at = arg + i * sizeof(op);

		if (copy_from_guest(&op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = unmap_one(v->dom, &op);
		if (copy_to_guest(at, &op, sizeof(op)))
			return -XEN_EFAULT;
	}
	return 0;
}

/*
 * A dying domain's grant mappings (lifecycle.c's teardown, once its vCPUs
 * are stopped, so no map or unmap of its own runs): each is taken out of
 * its stage 2, its pin on the granter's entry dropped and the reference
 * on the granter put, as Xen's gnttab_release_mappings does. The maptrack
 * pages themselves go with the domain's other pages (gnttab_free_maptrack).
 */
void gnttab_release_mappings(struct domain *d)
{
	for (uint32_t i = 0; i < d->maptrack_frames * MT_PER_FRAME; i++) {
		struct maptrack m;

		spin_lock(&d->p2m_lock);
		m = *mt_entry(d, i);
		if (m.used && m.granter != MAPTRACK_PENDING) {
			if (arch_gfn_grant_pa(d, m.gfn) == m.pa)
				arch_p2m_unmap_page(d, m.gfn);
			mt_put(d, i);
		}
		spin_unlock(&d->p2m_lock);
		if (!m.used || m.granter == MAPTRACK_PENDING)
			continue;
		release_entry(m.g, m.ref, m.readonly);
		domain_put(m.g);
	}
}

