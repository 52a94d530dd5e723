// SPDX-License-Identifier: MIT
/*
 * credit2, Xen's default scheduler: every vCPU holds credit (ns) that it
 * burns while running, faster the lower its weight; the runnable vCPU with
 * the most credit runs; when the best has none left, everyone's credit is
 * topped up. A domain's cap limits it to cap% of one CPU per 10 ms period.
 * One run queue per pool (Xen's default, one per socket, is one queue on
 * QEMU virt), so any CPU of the pool runs any of its vCPUs: load
 * balancing and migration come from the shared queue.
 */
#include <xenith/domain.h>
#include <xenith/lib.h>
#include <xenith/runq_heap.h>
#include <xenith/sched.h>

#define MS 1000000LL
#define CREDIT_INIT (10 * MS)     /* CSCHED2_CREDIT_INIT */
#define MIN_TIMER (500 * 1000LL)  /* CSCHED2_MIN_TIMER */
#define MAX_TIMER (10 * MS)       /* CSCHED2_MAX_TIMER */
#define CREDIT_MIN (-CREDIT_INIT)  /* CSCHED2_CREDIT_MIN */
#define CARRYOVER_MAX MIN_TIMER    /* CSCHED2_CARRYOVER_MAX */
#define YIELD_BIAS (1 * MS)       /* a yielding vCPU goes behind */
#define CAP_PERIOD (10 * MS)      /* CSCHED2_BDGT_REPL_PERIOD */
/* Runs charged at most this long: more would only hit the credit floor
 * anyway, and ran * max_weight (65535 at most) stays far from overflow. */
#define RAN_MAX (1000 * MS)

static void c2_init_pool(struct sched_pool *p)
{
	p->max_weight = 1;
}

static uint32_t weight_of(const struct vcpu *v)
{
	return v->dom->c2_weight;
}

/* v's credit with the resets it has not seen applied: a reset adds the
 * same amount to every vCPU and clips at CREDIT_INIT + CARRYOVER_MAX, and
 * several in a row amount to one of their sum (the clip is a MIN), so a
 * reset is one addition to the pool's total instead of a walk. */
static int64_t credit_of(const struct sched_pool *p, const struct vcpu *v)
{
	int64_t unseen = p->credit_added - v->sched.credit_seen;

	return unseen ? MIN(v->sched.credit + unseen, CREDIT_INIT + CARRYOVER_MAX)
		      : v->sched.credit;
}

int64_t credit2_credit(const struct vcpu *v)
{
	return credit_of(v->dom->pool, v);
}

static inline void catch_up(struct sched_pool *p, struct vcpu *v)
{
	if (v->sched.credit_seen != p->credit_added) {
		v->sched.credit = credit_of(p, v);
		v->sched.credit_seen = p->credit_added;
	}
}

static int c2_add_vcpu(struct sched_pool *p, struct vcpu *v)
{
	struct domain *d = v->dom;

	/* The domain's parameters, one load away on every decision: from
	 * the configuration when its first vCPU joins, unless the control
	 * domain set them before (XEN_DOMCTL_scheduler_op). */
	if (!d->c2_weight) {
		d->c2_weight = d->cfg->sched_weight ? d->cfg->sched_weight : 256;
		d->c2_cap = d->cfg->sched_cap;
		if (d->c2_cap) {
			d->cap_budget = (int64_t)d->c2_cap * CAP_PERIOD / 100;
			d->cap_next = 0;
		}
	}
	p->max_weight = MAX(p->max_weight, weight_of(v));
	v->sched.credit = CREDIT_INIT;
	v->sched.credit_seen = p->credit_added;
	return 0;
}

/* Off the queue: the heap, the yielder's place, or the parked list. */
static void c2_remove_vcpu(struct sched_pool *p, struct vcpu *v)
{
	if (v->sched.in_heap) {
		runq_heap_remove(p, v);
	} else if (p->yielder == v) {
		p->yielder = NULL;
		p->nr_queued--;
	} else if (v->sched.run == RUN_RUNNABLE) {
		runq_remove(p, v);   /* parked: capped out */
	}
}

void sched_credit2_get(struct domain *d, uint32_t *weight, uint32_t *cap)
{
	struct sched_pool *p = d->pool;

	spin_lock(&p->lock);
	*weight = d->c2_weight ? d->c2_weight :
		  (d->cfg->sched_weight ? d->cfg->sched_weight : 256);
	*cap = d->c2_weight ? d->c2_cap : d->cfg->sched_cap;
	spin_unlock(&p->lock);
}

/* As Xen's csched2_dom_cntl putinfo: a weight of 0 leaves it; a cap of
 * 0 takes the cap away, any other sets it (its budget starts full). The
 * caller checked the cap against the domain's vCPUs. */
void sched_credit2_set(struct domain *d, uint32_t weight, uint32_t cap)
{
	struct sched_pool *p = d->pool;

	spin_lock(&p->lock);
	if (!d->c2_weight) {
		d->c2_weight = d->cfg->sched_weight ? d->cfg->sched_weight : 256;
		d->c2_cap = d->cfg->sched_cap;
	}
	if (weight) {
		d->c2_weight = weight;
		p->max_weight = MAX(p->max_weight, weight);
	}
	if (cap) {
		d->cap_budget = (int64_t)cap * CAP_PERIOD / 100;
		d->cap_next = 0;
	}
	d->c2_cap = cap;
	spin_unlock(&p->lock);
}

static int64_t score(const struct vcpu *v)
{
	return v->sched.credit - (v->sched.yielded ? YIELD_BIAS : 0);
}

/* Queued by credit as of the pool's resets so far: later resets add the
 * same to every queued vCPU, so the order stays right (up to ties at
 * the clip, where any is as good). A vCPU that just yielded is held
 * aside for the one decision its yield counts in (its bias is no part of
 * any key): c2_pick weighs it against the best queued one, and queues
 * it plainly if it loses. */
static void queue(struct sched_pool *p, struct vcpu *v)
{
	catch_up(p, v);
	runq_heap_insert(p, v, v->sched.credit - p->credit_added);
}

static void c2_enqueue(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	(void)now;
	if (v->sched.yielded && !p->yielder) {
		catch_up(p, v);
		p->yielder = v;
		p->nr_queued++;
		return;
	}
	queue(p, v);
}

static void c2_charge(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	int64_t ran = (int64_t)MIN(sched_ran_ns(v, now), RAN_MAX);

	catch_up(p, v);
	/* A low weight burns credit faster: shares follow the weights. */
	v->sched.credit -= ran * p->max_weight / weight_of(v);
	v->sched.credit = MAX(v->sched.credit, CREDIT_MIN);
	if (v->dom->c2_cap)
		v->dom->cap_budget -= ran;
	/* idle_ticks stay: the runstate moves them to "blocked" next. */
	v->sched.ran_since = now;
}

/* Caps: the domain's budget comes back every period. */
static inline bool capped_out(struct domain *d, uint64_t now, uint64_t *wake)
{
	int64_t full;

	if (!d->c2_cap)
		return false;
	full = (int64_t)d->c2_cap * CAP_PERIOD / 100;
	if (now >= d->cap_next) {
		d->cap_budget = MIN(d->cap_budget + full, full);
		d->cap_next = now + CAP_PERIOD;
	}
	if (d->cap_budget > 0)
		return false;
	if (!*wake || d->cap_next < *wake)
		*wake = d->cap_next;
	return true;
}

/* Capped-out vCPUs wait on the pool's list queue (parked) until their
 * domain's budget comes back; only they are walked here. */
static void unpark(struct sched_pool *p, uint64_t now, uint64_t *capwake)
{
	struct vcpu *v = p->q_head, *next;

	for (; v; v = next) {
		next = v->sched.q_next;
		if (capped_out(v->dom, now, capwake))
			continue;
		runq_remove(p, v);
		c2_enqueue(p, v, now);
	}
}

/* The best queued vCPU whose domain may run now, parking the others. */
static struct vcpu *top_uncapped(struct sched_pool *p, uint64_t now,
				 uint64_t *capwake)
{
	struct vcpu *v;

	while ((v = runq_heap_top(p)) && capped_out(v->dom, now, capwake)) {
		runq_heap_remove(p, v);
		runq_insert(p, v);
	}
	return v;
}

/* The pool's running total of resets, taken back by `by` in every vCPU's
 * record of it and in every queued key: differences, and so the order of
 * the queue, do not change. Once in 2^61 ns of resets (decades), so that
 * no sum ever overflows however a guest makes resets come. */
static void rebase(struct sched_pool *p, int64_t by)
{
	for (struct vcpu *v = p->all_head; v; v = v->sched.pool_next) {
		v->sched.credit_seen -= by;
		if (v->sched.in_heap)
			v->sched.rq.key += by;
	}
	p->credit_added -= by;
}

/* As Xen: everyone gets CREDIT_INIT more (twice that if the best had
 * hit the floor), keeping at most a little carried over. A vCPU running
 * on another CPU first has what it ran so far counted, as Xen burns a
 * running unit's credit before the reset: otherwise the clip would apply
 * to credit it no longer has. That run is still charged at its next
 * decision, so it is added back on top of the clipped value. */
static void reset_credit(struct sched_pool *p, int64_t best, uint64_t now)
{
	int64_t add = best == CREDIT_MIN ? 2 * CREDIT_INIT : CREDIT_INIT;
	unsigned int c;

	for_each_cpu(c, p->cpus) {
		struct vcpu *r = pcpu[c].curr;
		int64_t burnt, left;

		if (!r || r->sched.run != RUN_RUNNING)
			continue;
		catch_up(p, r);
		burnt = (int64_t)MIN(sched_ran_ns(r, now), RAN_MAX) * p->max_weight /
			weight_of(r);
		left = MAX(r->sched.credit - burnt, CREDIT_MIN);
		r->sched.credit = MIN(left + add, CREDIT_INIT + CARRYOVER_MAX) + burnt;
		r->sched.credit_seen = p->credit_added + add;
	}
	p->credit_added += add;
	if (p->credit_added > (1LL << 61))
		rebase(p, p->credit_added);
}

static struct vcpu *c2_pick(struct sched_pool *p, unsigned int cpu, uint64_t now,
			    uint64_t *until)
{
	struct vcpu *best, *second;
	uint64_t capwake = 0;
	int64_t run, best_credit;

	(void)cpu;
	if (p->q_head)
		unpark(p, now, &capwake);
	best = top_uncapped(p, now, &capwake);
	if (p->yielder) {
		/* The yielder goes first only if it still leads by the bias;
		 * else the best queued runs and it is queued plainly. */
		struct vcpu *y = p->yielder;

		p->yielder = NULL;
		p->nr_queued--;
		if (capped_out(y->dom, now, &capwake)) {
			catch_up(p, y);
			runq_insert(p, y);   /* parked */
		} else if (!best || score(y) > credit_of(p, best)) {
			second = best;
			best = y;
			goto picked;
		} else {
			runq_heap_remove(p, best);
			queue(p, y);
			second = top_uncapped(p, now, &capwake);
			goto picked;
		}
	}
	if (!best) {
		*until = capwake;
		return NULL;
	}
	runq_heap_remove(p, best);
	second = top_uncapped(p, now, &capwake);
picked:
	*until = capwake;
	best_credit = credit_of(p, best);
	if (best_credit <= 0)
		reset_credit(p, best_credit, now);
	catch_up(p, best);
	/* Alone in the queue: no slice, a wake-up will tickle us. */
	if (!second && !best->dom->c2_cap)
		return best;
	run = MAX_TIMER;
	if (second)
		run = (best->sched.credit - credit_of(p, second)) *
		      weight_of(best) / p->max_weight;
	run = MIN(MAX(run, MIN_TIMER), MAX_TIMER);
	if (best->dom->c2_cap)
		run = MIN(run, MAX(best->dom->cap_budget, 1));
	if (!*until || now + (uint64_t)run < *until)
		*until = now + (uint64_t)run;
	return best;
}

/* An idle CPU of the pool, else the one running the vCPU with the least
 * credit as of now, if that is less than v's: it decides again with v in
 * the queue (a vCPU that ran alone had no slice timer until now; its
 * credit here counts what it has run since, so it cannot hold on). */
static int c2_tickle(struct sched_pool *p, struct vcpu *v, uint64_t now, int self)
{
	int cpu, victim = -1;
	int64_t low = INT64_MAX;
	unsigned int c;

	/* One CPU: it decides again (it keeps its vCPU if that has more
	 * credit); nothing to choose between. */
	if (!p->cpus)
		return -1;
	if (!(p->cpus & (p->cpus - 1))) {
		c = (unsigned int)__builtin_ctz(p->cpus);
		return (int)c == self ? -1 : (int)c;
	}
	cpu = sched_idle_cpu(p, v->sched.cpu, self);
	if (cpu >= 0)
		return cpu;
	/* Preempt only a vCPU with less credit than v has (as Xen): equal
	 * vCPUs would otherwise preempt each other back and forth. */
	low = credit_of(p, v);
	for_each_cpu(c, p->cpus) {
		struct vcpu *r = (int)c != self ? pcpu[c].curr : NULL;
		int64_t credit;

		if (!r)
			continue;
		/* What it has left now, not at its last charge. */
		credit = credit_of(p, r) - (int64_t)MIN(sched_ran_ns(r, now), RAN_MAX) *
					   p->max_weight / weight_of(r);
		if (credit < low) {
			low = credit;
			victim = (int)c;
		}
	}
	return victim;
}

const struct sched_ops sched_credit2_ops = {
	.kind = SCHED_CREDIT2,
	.name = "credit2",
	.init_pool = c2_init_pool,
	.add_vcpu = c2_add_vcpu,
	.remove_vcpu = c2_remove_vcpu,
	.enqueue = c2_enqueue,
	.charge = c2_charge,
	.pick = c2_pick,
	.tickle = c2_tickle,
};
