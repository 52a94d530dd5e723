// SPDX-License-Identifier: MIT
/*
 * Finding domains (domain.h, "Finding a domain"): the domain table and
 * list, references, and whose page is whose. Lookups take no lock; what
 * they return is borrowed until the caller's CPU next passes a
 * quiescent point (grace.h), or referenced (domain_get).
 */
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/grace.h>
#include <xenith/heap.h>
#include <xenith/lib.h>
#include <xenith/lifecycle.h>

#define PAGE_SIZE 4096ULL

unsigned int nr_domains;

/*
 * The domain table: by domid, two levels (a leaf page of 512 pointers per
 * 512 ids, made when the first id of its range is used), and the same
 * domains in a list in domid order. Both are written under table_lock
 * and read without any lock (grace.h): an entry or a link is published
 * with a release store once what it points to is complete, and a domain
 * or a leaf taken out is freed only after a grace period, keeping its
 * own link meanwhile. Leaves made at boot stay; a later one goes when
 * its last domain does.
 */
#define DT_SHIFT 9
#define DT_IDS (1U << DT_SHIFT)
#define DT_LEAVES ((DOMID_FIRST_RESERVED + DT_IDS - 1) / DT_IDS)

static spinlock_t table_lock = SPINLOCK_INIT_RANK(LOCK_DOMLIST);
static struct domain **dt_leaf[DT_LEAVES];
static uint16_t dt_used[DT_LEAVES];
static unsigned int dt_boot_leaves;   /* leaves [0, this) are never given back */
static struct domain *dom_list;

/* A leaf for ids [l * DT_IDS, (l + 1) * DT_IDS) (table lock held). */
static struct domain **leaf_for(unsigned int l)
{
	struct domain **leaf = dt_leaf[l];

	if (!leaf) {
		leaf = (struct domain **)(uintptr_t)heap_alloc_page();
		if (leaf)
			__atomic_store_n(&dt_leaf[l], leaf, __ATOMIC_RELEASE);
	}
	return leaf;
}

int domains_init(unsigned int max, struct ram_map *ram)
{
	unsigned int leaves = max / DT_IDS + 1;
	int rc = 0;

	(void)ram;   /* the heap has it (heap_init) */
	spin_lock(&table_lock);
	for (unsigned int l = 0; l < leaves && l < DT_LEAVES && !rc; l++)
		rc = leaf_for(l) ? 0 : -1;
	dt_boot_leaves = MAX(dt_boot_leaves, MIN(leaves, DT_LEAVES));
	spin_unlock(&table_lock);
	return rc;
}

unsigned int domain_table_leaves(void)
{
	unsigned int n = 0;

	for (unsigned int l = 0; l < DT_LEAVES; l++)
		n += __atomic_load_n(&dt_leaf[l], __ATOMIC_RELAXED) != NULL;
	return n;
}

int domain_register(struct domain *d)
{
	struct domain **leaf, **pp;

	if (d->id >= DOMID_FIRST_RESERVED)
		return -1;
	spin_lock(&table_lock);
	leaf = leaf_for(d->id >> DT_SHIFT);
	if (!leaf) {
		spin_unlock(&table_lock);
		return -1;
	}
	d->refs = 1;   /* its own, until its teardown ends */
	d->dying = DOM_ALIVE;
	for (pp = &dom_list; *pp && (*pp)->id < d->id; pp = &(*pp)->next_in_list)
		;
	d->next_in_list = *pp;
	__atomic_store_n(pp, d, __ATOMIC_RELEASE);
	__atomic_store_n(&leaf[d->id & (DT_IDS - 1)], d, __ATOMIC_RELEASE);
	dt_used[d->id >> DT_SHIFT]++;
	nr_domains++;
	spin_unlock(&table_lock);
	return 0;
}

void domain_unregister(struct domain *d)
{
	unsigned int l = d->id >> DT_SHIFT;
	struct domain **leaf = dt_leaf[l], **pp;
	uint64_t drop = 0;

	spin_lock(&table_lock);
	for (pp = &dom_list; *pp && *pp != d; pp = &(*pp)->next_in_list)
		;
	if (*pp)
		__atomic_store_n(pp, d->next_in_list, __ATOMIC_RELEASE);
	if (leaf && leaf[d->id & (DT_IDS - 1)] == d) {
		__atomic_store_n(&leaf[d->id & (DT_IDS - 1)], NULL, __ATOMIC_RELEASE);
		nr_domains--;
		if (!--dt_used[l] && l >= dt_boot_leaves) {
			__atomic_store_n(&dt_leaf[l], NULL, __ATOMIC_RELEASE);
			drop = (uint64_t)(uintptr_t)leaf;
		}
	}
	spin_unlock(&table_lock);
	if (drop)
		grace_free_later(drop, PAGE_SIZE);
}

struct domain *domain_by_id(uint32_t id)
{
	struct domain **leaf;

	if (id >= DOMID_FIRST_RESERVED)
		return NULL;
	leaf = __atomic_load_n(&dt_leaf[id >> DT_SHIFT], __ATOMIC_ACQUIRE);
	return leaf ? __atomic_load_n(&leaf[id & (DT_IDS - 1)], __ATOMIC_ACQUIRE) : NULL;
}

bool domain_id_free(uint32_t id)
{
	return id < DOMID_FIRST_RESERVED && !domain_by_id(id);
}

struct domain *domain_first(void)
{
	return __atomic_load_n(&dom_list, __ATOMIC_ACQUIRE);
}

struct domain *domain_next(const struct domain *d)
{
	return __atomic_load_n(&d->next_in_list, __ATOMIC_ACQUIRE);
}

bool domain_get_ref(struct domain *d)
{
	unsigned int n;

	if (__atomic_load_n(&d->dying, __ATOMIC_ACQUIRE) != DOM_ALIVE)
		return false;
	n = __atomic_load_n(&d->refs, __ATOMIC_RELAXED);
	do {
		if (!n)
			return false;   /* its last reference went: never again */
	} while (!__atomic_compare_exchange_n(&d->refs, &n, n + 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return true;
}

struct domain *domain_get(uint32_t id)
{
	struct domain *d = domain_by_id(id);

	return d && domain_get_ref(d) ? d : NULL;
}

void domain_put(struct domain *d)
{
	if (!__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL))
		lifecycle_last_ref(d);
}

/* A page d owns for its whole life: its RAM (boot pieces, or heap pages
 * recorded as its own in the owner table), the shared regions it owns,
 * shared_info, grant frames. */
static bool owns_page(const struct domain *d, uint64_t pa)
{
	if (heap_owner(pa) == (int)d->id)
		return true;
	for (int i = 0; i < d->nr_ram; i++)
		if (pa >= d->ram[i].pa && pa - d->ram[i].pa < d->ram[i].size)
			return true;
	for (int i = 0; i < d->nr_shm_owned; i++)
		if (pa >= d->shm_owned[i].base && pa - d->shm_owned[i].base < d->shm_owned[i].size)
			return true;
	if (pa == d->shared_info_pa)
		return true;
	for (unsigned int i = 0; i < d->gnttab.nr_frames; i++)
		if (pa == d->gnttab.frame_pa[i])
			return true;
	/* Its ioreq servers' request pages (a device model maps them). */
	for (unsigned int i = 0; i < IOREQ_MAX_SERVERS; i++)
		if (pa == d->ioreq.page_pa[i])
			return true;
	return false;
}

uint64_t domain_ram_page(const struct domain *d, uint64_t gfn)
{
	uint64_t ipa = gfn << 12;

	for (int i = 0; i < d->nr_ram; i++)
		if (ipa >= d->ram[i].ipa && ipa - d->ram[i].ipa < d->ram[i].size)
			return d->ram[i].pa + (ipa - d->ram[i].ipa);
	return 0;
}

struct domain *domain_owning_page(uint64_t pa)
{
	int id = heap_owner(pa);
	struct domain *d;

	if (id >= 0)
		return domain_by_id((uint32_t)id);
	for_each_domain(d)
		if (owns_page(d, pa))
			return d;
	return NULL;
}

uint64_t domain_gfn_to_own_page(struct domain *d, uint64_t gfn)
{
	uint64_t pa;

	spin_lock(&d->p2m_lock);
	pa = arch_gfn_to_pa(d, gfn);
	if (pa && !owns_page(d, pa))
		pa = 0;
	spin_unlock(&d->p2m_lock);
	return pa;
}

uint64_t domain_overhead(const struct domain *d)
{
	return d->overhead +
	       (uint64_t)__atomic_load_n(&d->heap_pages, __ATOMIC_RELAXED) * PAGE_SIZE;
}

bool domain_is_self(const struct domain *d, uint16_t domid)
{
	return domid == DOMID_SELF || domid == d->id;
}

