/* SPDX-License-Identifier: MIT */
/* Domains and vCPUs: generic state, with the architecture's part embedded. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/domain.h>
#include <arch/spinlock.h>
#include <arch/vcpu.h>
#include <xenith/config.h>
#include <xenith/evtchn.h>
#include <xenith/ioreq.h>
#include <xenith/mmio.h>
#include <xenith/page_alloc.h>
#include <xenith/page_list.h>
#include <xenith/sched.h>
#include <xenith/vpl011.h>

enum vcpu_power {
	VCPU_OFF = 0,     /* powered off (PSCI), CPU idles */
	VCPU_ON_PENDING,  /* CPU_ON issued, its physical CPU will start it */
	VCPU_ON,
};

/*
 * Ownership (docs/architecture.md has the whole table): dom and id are
 * fixed at creation. power goes OFF -> ON_PENDING only by a CPU_ON
 * under the domain's vcpu_lock (after the vCPU's state is written), and
 * otherwise only by the vCPU itself (CPU_OFF, first entry).
 * upcall_pending/upcall_level and arch belong to the CPU running the
 * vCPU (or holding its context); sched is the scheduler's (sched.h).
 */
struct vcpu {
	struct domain *dom;
	unsigned int id;
	volatile enum vcpu_power power;
	/* evtchn_upcall_pending of its current vcpu_info (NULL: none yet),
	 * and the level last given to its event-upcall interrupt. Kept here
	 * because the entry path checks them on every trap. */
	const volatile uint8_t *upcall_pending;
	volatile bool upcall_level;
	/* Guest areas (common/xen/vcpu_op.c): where its runstate goes (0:
	 * none; the CPU holding its context writes it), and whether it
	 * registered a vcpu_info (under the domain's vcpu_lock). */
	uint64_t runstate_gva;
	bool vcpu_info_set;
	/* The vCPU is inside a multicall (hypercall.c; its own): calls that
	 * would continue stop short instead, since a continuation would
	 * restart the whole list. */
	bool in_multicall;
	/* XEN_DOMCTL_setvcpuaffinity's masks (all CPUs until set), under
	 * the lifecycle lock; recorded, not used to pin. */
	uint32_t aff_hard, aff_soft;
	struct sched_vcpu sched;
	struct arch_vcpu arch;
	/* A guest access forwarded to an ioreq server (ioreq.h). Last: the
	 * trap path's fields keep their short offsets. */
	struct vcpu_io io;
};

enum domain_state {
	DOM_RUNNING = 0,
	DOM_SHUTDOWN,   /* powered off, rebooted or crashed: stopped */
};

/* Xen's is_dying (common/lifecycle.c; docs/architecture.md, "Domain
 * lifecycle"). ALIVE -> DYING when XEN_DOMCTL_destroydomain starts,
 * DYING -> DEAD when the teardown is done and the domain's own reference
 * is dropped; a DEAD domain (a zombie: another domain still maps its
 * pages) keeps its memory until the last reference goes. */
enum domain_dying {
	DOM_ALIVE = 0,
	DOM_DYING,
	DOM_DEAD,
};

/* Xen's SHUTDOWN_* reasons (xen/include/public/sched.h). */
enum shutdown_reason {
	SHUTDOWN_poweroff = 0,
	SHUTDOWN_reboot = 1,
	SHUTDOWN_suspend = 2,
	SHUTDOWN_crash = 3,
	SHUTDOWN_watchdog = 4,
};

#define GNTTAB_MAX_FRAMES 64   /* Xen's default gnttab_max_frames */
#define HVM_NR_PARAMS 39       /* Xen 4.17's, public/hvm/params.h */
/* Static memory may split a range at the end of Xen's first guest bank. */
#define MAX_RAM_PIECES (MAX_STATIC_BANKS + 1)
#define CONIO_LINE_MAX 256

/* A guest frame number that no mapping has (gfn 0 is a valid frame). */
#define INVALID_GFN (~0ULL)

#define GNTTAB_INITIAL_FRAMES 1 /* Xen's INITIAL_NR_GRANT_FRAMES */

/* Grant table v1: one frame at creation, more from the heap as the guest
 * asks (setup_table, or mapping frame idx), up to GNTTAB_MAX_FRAMES, as
 * Xen grows its table. nr_frames, frame_pa[] and gfn[] are the domain's,
 * under its p2m_lock; a frame once allocated stays for the domain's life. */
struct grant_table {
	unsigned int nr_frames;      /* frames that exist for the guest */
	unsigned int nr_alloc;       /* frames allocated (a static domain's: all, at boot) */
	unsigned int max_frames;     /* createdomain's max_grant_frames (GNTTAB_MAX_FRAMES) */
	unsigned int version;
	uint64_t frame_pa[GNTTAB_MAX_FRAMES]; /* host page of each frame */
	uint64_t gfn[GNTTAB_MAX_FRAMES]; /* where each frame is mapped, or INVALID_GFN */
	/* Pins of each entry by other domains' maps and copies (grant_map.c):
	 * one heap page per frame, taken at the frame's first pin; under
	 * p2m_lock. Freed with the domain. */
	void *pins[GNTTAB_MAX_FRAMES];
};

/* Makes frames [nr_frames, n) exist (p2m_lock held). 0, or -1 if the
 * heap has not enough pages (then nothing changes). */
int gnttab_grow(struct domain *d, unsigned int n);

struct domain {
	uint32_t id;
	const struct domain_config *cfg;
	/* dom0: Xen's hardware and control domain, the only one allowed the
	 * control interface (domctl, sysctl, foreign mapping). Fixed at
	 * creation. */
	bool is_control;
	volatile enum domain_state state;
	enum shutdown_reason reason;
	struct vcpu **vcpu;            /* nr_vcpus, allocated with the domain */
	unsigned int nr_vcpus;
	struct sched_pool *pool;       /* fixed at creation */
	/* vCPUs blocked in SCHEDOP_poll (atomic): a port raised in a domain
	 * where none polls costs one load. */
	unsigned int nr_polling;
	/* credit2 cap: budget left in this period and when the next begins
	 * (ns), under pool->lock. */
	int64_t cap_budget;
	uint64_t cap_next;
	/* credit2 weight and cap (%), copied from the configuration when
	 * the domain joins its pool; fixed after. */
	uint32_t c2_weight, c2_cap;
	/* p2m_lock: the stage-2 tables, p2m_pool, shared_info_gfn and
	 * gnttab.gfn[]/nr_frames. Taken by memory_op, by lookups of guest
	 * frames the hypervisor will use, and by a stage-2 fault that may
	 * have met a break-before-make in progress. */
	spinlock_t p2m_lock;
	struct page_pool p2m_pool;     /* stage-2 tables come only from here */
	uint64_t p2m_root;             /* physical address of the root table */
	/* Guest RAM as pieces of host RAM: guest [ipa, ipa + size) is host
	 * [pa, pa + size). One per guest bank when the allocator gave it;
	 * static memory is as many host ranges as the device tree names,
	 * packed into Xen's guest banks (or 1:1 when direct-mapped). */
	struct ram_piece { uint64_t ipa, pa, size; } ram[MAX_RAM_PIECES];
	int nr_ram;
	/* Static shared regions the domain owns ("role" = "owner"): its own
	 * pages, like its RAM, for the hypervisor's writes (owns_page). */
	struct mem_bank shm_owned[MAX_DOM_SHM];
	int nr_shm_owned;
	struct guest_layout layout;
	struct mmio_table mmio;
	struct vpl011 vpl011;
	/* Xen PV interfaces */
	uint64_t shared_info_pa;
	uint64_t shared_info_gfn;      /* where the guest mapped it, or INVALID_GFN */
	struct evtchn_domain evtchn;
	struct grant_table gnttab;
	bool runstate_update_flag;
	/* HVM parameters (hvm_op get/set_param): the domain's, and the
	 * control domain's to read and set (init-dom0less sets a dom0less
	 * domain's store page). One 64-bit word each, read and written
	 * whole (atomic); no lock, as in Xen. */
	uint64_t hvm_param[HVM_NR_PARAMS];
	/* How many more bytes the domain may print now (a token bucket),
	 * and how many lines it lost: console.c's, under its output lock. */
	struct {
		uint64_t stamp_ns;      /* last refill; 0: never printed */
		uint64_t noted_ns;      /* when the drop count was last printed */
		uint32_t tokens;
		uint32_t dropped;
	} con_budget;
	/* A vCPU's start (PSCI CPU_ON) and the move of its vcpu_info happen
	 * one at a time (Xen serialises both under its domain lock). */
	spinlock_t vcpu_lock;
	/* console_io output, line-buffered: under conio_lock (any vCPU of
	 * the domain may write at any time). */
	spinlock_t conio_lock;
	char conio_line[CONIO_LINE_MAX];
	unsigned int conio_len;
	/* Pages the domain took from the run-time heap (grant frames), for
	 * the memory accounting (atomic). */
	unsigned int heap_pages;
	/* Bytes of the hypervisor's own memory the domain took at
	 * construction (its structures, vCPUs), beyond guest RAM and the
	 * P2M pool; fixed after boot. */
	uint64_t overhead;
	/* Pages given after construction (XENMEM_populate_physmap by the
	 * domain or the control domain: all of a run-time domain's RAM, a
	 * dom0less domain's xenstore page): one entry per extent, its host
	 * address with the order in the low bits, mapped in the domain's
	 * stage 2 and recorded as the domain's in the heap's owner table
	 * (owns_page). ram_pages counts the pages (Xen's tot_pages beyond the
	 * boot RAM). Both under p2m_lock; the list's own pages are counted in
	 * heap_pages. */
	struct page_list ram_list;
	uint64_t ram_pages;
	/* Grant mappings this domain made (grant_map.c): a directory page of
	 * maptrack frames (heap pages of records), taken at its first map and
	 * grown on demand; with maptrack_frames, _free, _limit (at the end of
	 * the struct) under p2m_lock. */
	void *maptrack;
	/*
	 * Lifecycle (common/lifecycle.c, docs/architecture.md). refs: the
	 * domain's own reference (1 from construction until its teardown
	 * ends) and one per mapping of its pages in another domain (foreign
	 * and grant mappings, domain_get()); its memory stays while any
	 * exists (atomic). dying: enum domain_dying, written by the teardown
	 * under the lifecycle lock, read without it. teardown and
	 * grace_ticket: the teardown's progress across continuations
	 * (lifecycle lock). next_in_list: the domain list, in domid order
	 * (domain.c, written under the table lock, read without it: a domain
	 * taken off keeps its link until a grace period has passed).
	 * reap_next: the lifecycle's list of zombies whose last reference
	 * went (its lock). runtime: built by XEN_DOMCTL_createdomain, not
	 * from the device tree. self_pa/self_bytes, vcpu_pa/vcpu_bytes: the
	 * host memory of the domain's own structures and vCPU block, given
	 * back last. Fixed at construction but for the first two.
	 */
	unsigned int refs;
	volatile uint8_t dying;
	uint8_t teardown;
	bool runtime;
	/* The control domain unpaused it once (Xen's creation_finished):
	 * what only a domain being built may get (a vuart) is refused after.
	 * Written under the lifecycle lock. */
	bool ran;
	uint64_t grace_ticket;
	struct domain *next_in_list;
	struct domain *reap_next;
	uint64_t self_pa, self_bytes;
	uint64_t vcpu_pa, vcpu_bytes;
	/* XEN_DOMCTL_createdomain's max_vcpus: the vCPU block is made by
	 * XEN_DOMCTL_max_vcpus (nr_vcpus is 0 until then). Fixed. */
	unsigned int max_vcpus;
	/* An AArch64 guest (Xen's arch.type): boot domains are; a run-time
	 * domain only once XEN_DOMCTL_set_address_size said 64, as on Xen,
	 * which creates them 32-bit (lifecycle lock). */
	bool guest_64bit;
	/* Every page added to the P2M pool at run time (set_paging_mempool_size),
	 * in use or not, for the teardown; under p2m_lock. */
	struct page_list pool_list;
	/* Construction got as far as its vCPUs joining their pool. */
	bool vcpus_joined;
	/*
	 * Control interface (common/xen/domctl.c; docs/architecture.md).
	 * pause_count: holds that keep the domain's vCPUs off the CPUs;
	 * ctl_pause_count: the control domain's share of them (Xen's
	 * controller_pause_count, at most 255). Both under pool->lock,
	 * changed only by sched_domain_pause()/unpause() (sched/core.c).
	 * handle (Xen's xen_domain_handle_t, setdomainhandle) and max_pages
	 * (max_mem; until max_pages_set, derived from the configuration)
	 * under the global domctl lock (domctl.c), zero at construction.
	 */
	unsigned int pause_count;
	unsigned int ctl_pause_count;
	uint8_t handle[16];
	uint64_t max_pages;
	bool max_pages_set;
	struct arch_domain arch;
	/* IOREQ servers of device models for this domain (ioreq.h). Last:
	 * the trap path's fields keep their short offsets. */
	struct ioreq_domain ioreq;
	/* The maptrack's frames, its free list (the first free handle + 1;
	 * 0: none), and the handles createdomain allowed (max_maptrack_frames
	 * x 512; boot domains: the hypervisor's cap). Under p2m_lock, except
	 * the limit, set before the domain runs. */
	uint32_t maptrack_frames, maptrack_free, maptrack_limit;
	bool maptrack_limit_set;
};

/* Builds a domain from its validated configuration: RAM, stage-2, vGIC,
 * vpl011, kernel, initrd and device tree. 0, or -1 after printing one
 * line naming the node and what failed. */
int domain_create(const struct domain_config *cfg, const struct host_info *h,
		  struct ram_map *ram, const void *host_fdt);
/* Boot, before construction: dom0's RAM, 1:1 from the lowest free host
 * RAM, into c->static_mem (direct-mapped). 0, or -1 with c->err set. */
int dom0_place_memory(struct domain_config *c, struct ram_map *ram);
/* Boot, after construction: the static event channels (xen,evtchn-v1). */
void domains_bind_static_evtchns(const struct system_config *sys);
/* Boot: vCPU 0 of every domain becomes runnable. */
void domains_start(void);
/* Stops every vCPU of d and reports it on the console. */
void domain_shutdown(struct domain *d, enum shutdown_reason why);
/* Writes v's runstate into the area its guest registered (if any); on
 * the CPU holding v's context, at each switch (common/xen/vcpu_op.c). */
void xen_runstate_update(struct vcpu *v);

/* True while v may run: its domain is up and the vCPU is powered on. */
static inline bool vcpu_running(const struct vcpu *v)
{
	return v->dom->state == DOM_RUNNING && v->power == VCPU_ON;
}

/*
 * Finding a domain (docs/architecture.md, "The lookup rule"):
 *
 * domain_by_id() borrows: the domain (alive, dying or dead but still in
 * the table), valid until the calling CPU next passes a quiescent point
 * (grace.h): for the rest of the hypercall or interrupt handler that
 * called it, never beyond. Its memory may already be going if it is
 * dying: a borrower reads the structure and nothing the domain owns.
 *
 * domain_get() references: the domain, if it is alive, with one more
 * reference, which keeps its structure and its memory (RAM, grant
 * frames, shared_info) until domain_put(); for mappings of its pages in
 * another domain and anything else kept beyond the hypercall. A domain
 * found dying is not returned (one that starts dying after it was found
 * stays, as a zombie, until the reference is put).
 */
struct domain *domain_by_id(uint32_t id);
struct domain *domain_get(uint32_t id);
/* The same on a domain already held (borrowed or referenced). false if
 * it is dying. */
bool domain_get_ref(struct domain *d);
void domain_put(struct domain *d);
/* The domains in domid order, borrowed as domain_by_id()'s. */
struct domain *domain_first(void);
struct domain *domain_next(const struct domain *d);
#define for_each_domain(d) for ((d) = domain_first(); (d); (d) = domain_next(d))
/* The host page of d's RAM (its construction-time pieces) at gfn, whether
 * mapped now or ballooned out; 0 if gfn is not in its RAM. */
uint64_t domain_ram_page(const struct domain *d, uint64_t gfn);
/* The domain whose own page pa is (RAM, extra pages, ...), or NULL. */
struct domain *domain_owning_page(uint64_t pa);
/*
 * The host page that guest frame gfn maps now, for the hypervisor to
 * write into (vcpu_info, FIFO control blocks): 0 unless gfn is mapped
 * and the page is one of d's own (its RAM, shared_info, grant frames).
 * Those pages belong to d for its whole life and are never given to
 * anyone else, so the domain itself is the reference that keeps the page:
 * if the guest later maps something else at gfn, the hypervisor goes on
 * using the old page, as Xen does while it holds its page reference.
 */
uint64_t domain_gfn_to_own_page(struct domain *d, uint64_t gfn);
/* True if a hypercall's domid field names the caller (DOMID_SELF or its id). */
bool domain_is_self(const struct domain *d, uint16_t domid);
/* Sets up shared_info, grant frames and event channels (common/xen). */
int xen_domain_init(struct domain *d, struct evtchn_vcpu *ev);
/* The HVM parameters Xen sets at construction (xen_domain.c). 0 or -1. */
int xen_params_init(struct domain *d);
void xen_upcall_set_level(struct vcpu *v, bool pending);

/* Before each guest entry: the event upcall PPI follows the vCPU's
 * evtchn_upcall_pending (a level, as on Xen). Inline: it runs on every
 * trap and is almost always a compare that finds nothing changed. */
static inline void xen_vcpu_entry(struct vcpu *v)
{
	const volatile uint8_t *p = v->upcall_pending;
	bool pending = p && *p;

	if (pending != v->upcall_level)
		xen_upcall_set_level(v, pending);
}
/* Boot: the domain table's first leaf (domids below 512). 0 or -1. */
int domains_init(unsigned int max, struct ram_map *ram);
/* A built domain joins the table and the list, with its own reference
 * (domain_create, createdomain; host test worlds). 0, or -1 if the
 * table has no leaf for its id and the heap no page for one. */
int domain_register(struct domain *d);
/* It leaves them (its last reference went; lifecycle.c). Its memory goes
 * after a grace period. */
void domain_unregister(struct domain *d);
/* Is domid free (no domain, alive or dead, has it)? */
bool domain_id_free(uint32_t id);
/* Leaf pages the domain table uses now (the footprint). */
unsigned int domain_table_leaves(void);
/* Hypervisor memory d uses beyond guest RAM and its P2M pool (bytes). */
uint64_t domain_overhead(const struct domain *d);
/* Scrub guest RAM at construction (command line bootscrub, default on). */
extern bool boot_scrub;
/* Domains in the table (alive, dying or dead); changes under the table
 * lock, read without it as a count. */
extern unsigned int nr_domains;
