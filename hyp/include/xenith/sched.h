/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: vCPUs run on the physical CPUs of their domain's CPU
 * pool, chosen by the pool's policy (credit2, null, rtds, arinc653).
 *
 * Ownership (docs/architecture.md, "The run path"):
 *  - a pool's run queue, every vCPU's `run` state, policy data and
 *    runstate times, and pcpu[c].curr of the pool's CPUs: pool->lock;
 *  - a vCPU's registers and loaded context: the CPU in v->ctx_cpu while
 *    it is loaded there (>= 0), else whoever runs it next, after waiting
 *    for ctx_cpu to become -1 (the save is published by a release store);
 *  - pcpu[c].held, .resched and .idle_in_place: CPU c (others only set
 *    resched, then kick c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/spinlock.h>
#include <xenith/config.h>
#include <xenith/pheap.h>
#include <xenith/timer.h>

struct vcpu;
struct domain;
struct sched_pool;

enum vcpu_run {
	RUN_OFFLINE = 0,  /* powered off, or its domain stopped */
	RUN_BLOCKED,      /* waiting for an interrupt, event or timeout */
	RUN_RUNNABLE,     /* in its pool's run queue */
	RUN_RUNNING,      /* current on CPU `cpu` */
};

/* Xen's runstates (public/vcpu.h). */
enum { RS_RUNNING = 0, RS_RUNNABLE = 1, RS_BLOCKED = 2, RS_OFFLINE = 3 };

/* A vCPU's scheduling state, embedded in struct vcpu. */
struct sched_vcpu {
	volatile enum vcpu_run run;
	unsigned int cpu;            /* CPU it runs on, or ran on last */
	/* pcpu[c].resched of the CPU c whose context it is in: read on
	 * every exit, so one load away instead of a per-CPU lookup. Set by
	 * c when it enters the vCPU, never by the CPU that picks it. */
	volatile bool *resched;
	volatile int ctx_cpu;        /* CPU holding its context, -1: saved */
	struct vcpu *q_next, *q_prev; /* run queue links (RUNNABLE only) */
	struct vcpu *pool_next;      /* every vCPU of the pool, in join order */
	/* Keyed run queue (runq_heap.h; credit2): its entry and key. */
	struct pheap_node rq;
	bool in_heap;
	uint64_t ran_since;          /* ns: start of the current run */
	uint64_t idle_ticks;         /* of this run, spent idling in place (counter ticks) */
	bool yielded;                /* SCHEDOP_yield: others go first once */
	volatile bool polling;       /* blocked in SCHEDOP_poll */
	/* Blocked for an ioreq answer (ioreq.h): sched_wake() leaves it,
	 * only sched_wake_io() wakes it. Set by the vCPU, cleared by the
	 * waker. */
	volatile bool io_wait;
	/* Woken while its domain was paused: it stays blocked until the
	 * last unpause, which makes it runnable (pool->lock). */
	bool wake_deferred;
	struct timer poll_timer;     /* SCHEDOP_poll timeout */
	/* runstate accounting (Xen's four states), ns */
	unsigned int rs_state;
	uint64_t rs_entry;
	uint64_t rs_time[4];
	/* policy data */
	int64_t credit;              /* credit2: ns of credit, as of credit_seen */
	int64_t credit_seen;         /* credit2: the pool's credit_added then */
	uint64_t deadline;           /* rtds: end of the current period */
	int64_t budget_left;         /* rtds: ns left in this period */
	int null_cpu;                /* null: its CPU, -1 waiting */
};

/* One policy. Every hook runs with pool->lock held. */
struct sched_ops {
	enum sched_kind kind;
	const char *name;            /* as Xen names it */
	/* A CPU's vCPU is the only one that may ever run there (null): it
	 * idles in place even while others wait for their own CPUs. */
	bool cpu_owned;
	void (*init_pool)(struct sched_pool *p);
	/* A new vCPU joins the pool (offline). 0, or -1 if it cannot. */
	int (*add_vcpu)(struct sched_pool *p, struct vcpu *v);
	/* A vCPU leaves the pool for good (its domain is destroyed): not
	 * running; taken off the queue if it is queued (RUNNABLE). */
	void (*remove_vcpu)(struct sched_pool *p, struct vcpu *v);
	/* v became runnable (woken or preempted): queue it. */
	void (*enqueue)(struct sched_pool *p, struct vcpu *v, uint64_t now);
	/* v ran on its CPU from ran_since to now (minus idle_ns): charge it. */
	void (*charge)(struct sched_pool *p, struct vcpu *v, uint64_t now);
	/* The vCPU CPU `cpu` runs next (taken off the queue), or NULL to
	 * idle; *until is when to decide again (0: not before an event). */
	struct vcpu *(*pick)(struct sched_pool *p, unsigned int cpu, uint64_t now,
			     uint64_t *until);
	/* A CPU of the pool, other than `self` (-1: none excluded), that
	 * should reschedule now that v is runnable, or -1. */
	int (*tickle)(struct sched_pool *p, struct vcpu *v, uint64_t now, int self);
};

struct sched_pool {
	spinlock_t lock;
	const struct sched_ops *ops;
	const struct pool_config *cfg;
	unsigned int id;
	uint32_t cpus;               /* CPUs of the pool that are up */
	struct vcpu *q_head, *q_tail; /* run queue (policy decides order use) */
	struct pheap rq_heap;         /* keyed run queue (runq_heap.h) */
	volatile unsigned int nr_queued;
	unsigned int nr_vcpus;
	/* Every vCPU of the pool (sched_vcpu.pool_next): for the boot log
	 * and the 'r' dump only, never on a decision's path. */
	struct vcpu *all_head, *all_tail;
	/* policy data */
	uint32_t max_weight;         /* credit2 */
	/* credit2: credit given to every vCPU by resets so far; a vCPU
	 * applies what it has not seen when next read (no walk of the pool). */
	int64_t credit_added;
	struct vcpu *yielder;        /* credit2: the yielding prev, in decide only */
	uint64_t frame_start;        /* arinc653: start of the current major frame */
	uint64_t major_ns;
	struct domain *a653_dom[A653_MAX_WINDOWS]; /* arinc653: windows in order */
	uint64_t a653_len[A653_MAX_WINDOWS];
	unsigned int a653_nr;
	uint32_t null_taken;         /* null: CPUs owned by a vCPU */
};

struct pcpu {
	struct vcpu *curr;           /* running vCPU, NULL when idle (pool lock) */
	struct vcpu *held;           /* vCPU whose context is loaded here */
	struct sched_pool *pool;
	/* Decide again before entering a guest: set by whoever wants the
	 * CPU back (a wake-up, the slice's end, CPU_OFF, a shutdown). */
	volatile bool resched;
	volatile bool idle_in_place; /* curr waits in WFI with its context kept */
	struct timer slice;
} __attribute__((aligned(64)));

extern struct pcpu pcpu[MAX_CPUS];
/* The vCPU each CPU has entered (its trap's vCPU), written by that CPU
 * when it enters one: a dense array, since every exit reads it. */
extern struct vcpu *cpu_current[MAX_CPUS];
extern struct sched_pool sched_pools[MAX_POOLS];
extern unsigned int nr_sched_pools;

extern const struct sched_ops sched_credit2_ops, sched_null_ops,
	sched_rtds_ops, sched_arinc653_ops;

/* Boot: one pool per valid pool_config, its CPUs given to it (without
 * any, one credit2 Pool-0 of all nr_cpus CPUs). */
void sched_init(const struct system_config *sys, int nr_cpus);
/* Construction: v joins its domain's pool, offline. */
int sched_add_vcpu(struct vcpu *v);
/* Destruction: v (whose domain is paused, its context saved) leaves its
 * pool for good; it is OFFLINE from now on and nothing wakes it. */
void sched_remove_vcpu(struct vcpu *v);
/* Credit2's weight and cap of d (XEN_DOMCTL_scheduler_op), under its
 * pool's lock: get, and set (0 leaves one as it is; a cap of 0 with
 * remove_cap takes the cap away). */
void sched_credit2_get(struct domain *d, uint32_t *weight, uint32_t *cap);
void sched_credit2_set(struct domain *d, uint32_t weight, uint32_t cap);
/* v is powered on (boot vCPU 0, PSCI CPU_ON): make it runnable. */
void sched_vcpu_start(struct vcpu *v);
/* Its domain was shut down: if v runs, its CPU is told to decide (under
 * the pool lock, so no CPU can be picking it meanwhile unseen). */
void sched_vcpu_stop(struct vcpu *v);
/* Makes a BLOCKED vCPU runnable (events, interrupts, timers); not one
 * waiting for an ioreq answer. */
void sched_wake(struct vcpu *v);
/* Its ioreq access was answered (or failed): it runs again. */
void sched_wake_io(struct vcpu *v);
/* The calling vCPU waits until vcpu_wants_to_wake() (or a poll wake). */
void sched_block(struct vcpu *v);
/* The same, without looking at pending interrupts first: SCHEDOP_poll
 * with the guest's interrupts masked (Xen then waits for a new one). */
void sched_block_nocheck(struct vcpu *v);
void sched_vcpu_yield(struct vcpu *v);
/* Before sched_block() in SCHEDOP_poll: port events wake v too. */
void sched_poll_begin(struct vcpu *v);
/* Each CPU ends here after boot and whenever it has nothing to run. */
void sched_run_cpu(void) __attribute__((noreturn));
/* From the trap return path with the guest frame complete: decide again;
 * returns if the same vCPU goes on (the frame is restored from the
 * stack), else switches and does not return. */
void sched_from_trap(void);
/* Interrupts: a new interrupt is pending for v. Wakes it if blocked,
 * kicks its CPU if it runs elsewhere. */
void vcpu_kick(struct vcpu *v);
/*
 * Pausing (Xen's domain_pause), for the control interface: a paused
 * domain's vCPUs are not picked, those running leave their CPUs at once,
 * and wake-ups that arrive meanwhile take effect at the last unpause.
 * d->pause_count (under the pool's lock) counts the holds.
 *
 * sched_domain_pause() adds one and returns once none of d's vCPUs runs
 * (never call it for the caller's own domain: it would wait for itself);
 * sched_domain_unpause() takes one away, and at zero makes runnable
 * every vCPU the pause stopped (or woke meanwhile).
 * The _ctl variants are the control domain's pause and unpause (Xen's
 * domain_pause_by_systemcontroller): they also count in
 * d->ctl_pause_count, at most 255 (-XEN_EOVERFLOW beyond), and an
 * unpause without a pause is -XEN_EINVAL. 0 on success.
 */
void sched_domain_pause(struct domain *d);
void sched_domain_unpause(struct domain *d);
/* The hold alone: d's running vCPUs are told to leave, nothing waits
 * (Xen's domain_pause_nosync; also for the caller's own domain). */
void sched_domain_pause_nosync(struct domain *d);
int sched_domain_ctl_pause(struct domain *d);
int sched_domain_ctl_unpause(struct domain *d);
/* Waits (spinning) until no vCPU of d is running: the second half of
 * sched_domain_pause(). */
void sched_domain_sync(struct domain *d);
/* A consistent view of one vCPU for the control interface (taken under
 * its pool's lock), in Xen's terms: online (powered on), blocked
 * (waiting for an event, also while it idles in place), running (on a
 * CPU and not idling), the CPU it is on or ran on last, and the ns it
 * has run (Xen's runstate "running" time). */
struct sched_vcpu_info {
	bool online, blocked, running;
	unsigned int cpu;
	uint64_t run_ns;
};
void sched_vcpu_info(struct vcpu *v, struct sched_vcpu_info *info);
/* Accumulated runstate of v as of now, for the guest's area. */
void sched_runstate(struct vcpu *v, unsigned int *state, uint64_t *entry,
		    uint64_t time[4]);
/* A port of d became pending: wake its vCPUs blocked in SCHEDOP_poll. */
void sched_poll_notify(struct domain *d);
void sched_set_resched(unsigned int cpu);
/* Xen's 'r' debug key: every pool, CPU and vCPU with its state. */
void sched_dump(void);
/* Boot: CPU `cpu` did not come up; its pool goes on without it (a vCPU
 * the null scheduler gave it cannot run: said on the console). */
void sched_cpu_down(unsigned int cpu);
/* Boot log: each pool, its scheduler and CPUs. */
void sched_print_pools(void);

/* Each CPU c of a mask, lowest first. */
#define for_each_cpu(c, mask) \
	for (uint32_t __m = (mask); __m && ((c) = (unsigned int)__builtin_ctz(__m), 1); \
	     __m &= __m - 1)

/* The n-th CPU of a mask (0: the lowest), or -1 if it has fewer. */
int sched_nth_cpu(uint32_t mask, unsigned int n);

/* Shared helpers for the policies (pool lock held). */
void runq_insert(struct sched_pool *p, struct vcpu *v);
void runq_remove(struct sched_pool *p, struct vcpu *v);
/* The keyed run queue (highest key first, O(log n)) is in
 * xenith/runq_heap.h. */
/* credit2's credit of v as of now's resets (tests and the dump). */
int64_t credit2_credit(const struct vcpu *v);
/* An idle CPU of the pool but `self` (none running, else one idling in
 * place), `prefer` first if it qualifies; -1 if every CPU is busy. */
int sched_idle_cpu(struct sched_pool *p, unsigned int prefer, int self);
/* ns v has run since it was last picked, not counting idling in place. */
uint64_t sched_ran_ns(const struct vcpu *v, uint64_t now);
