// SPDX-License-Identifier: MIT
/*
 * rtds: each vCPU gets `budget` ns of CPU in every `period`; among the
 * runnable vCPUs with budget left, the earliest deadline (end of its
 * current period) runs: global EDF over the CPUs of the pool. A vCPU that
 * used its budget may still run in time nobody with budget wants
 * ("extratime", on by default in Xen 4.17), earliest deadline first.
 */
#include <xenith/domain.h>
#include <xenith/lib.h>
#include <xenith/sched.h>

#define US 1000ULL

static uint64_t period_of(const struct vcpu *v)
{
	return (uint64_t)v->dom->cfg->rtds_period_us * US;
}

static uint64_t budget_of(const struct vcpu *v)
{
	return (uint64_t)v->dom->cfg->rtds_budget_us * US;
}

static void rt_init_pool(struct sched_pool *p)
{
	(void)p;
}

static int rt_add_vcpu(struct sched_pool *p, struct vcpu *v)
{
	(void)p;
	if (!period_of(v) || !budget_of(v))
		return -1;
	v->sched.deadline = 0;
	v->sched.budget_left = 0;
	return 0;
}

/* A new period began: full budget, deadline at its end. */
static void replenish(struct vcpu *v, uint64_t now)
{
	struct sched_vcpu *s = &v->sched;
	uint64_t period = period_of(v);

	if (now < s->deadline)
		return;
	if (!s->deadline)
		s->deadline = now + period;
	else
		s->deadline += ((now - s->deadline) / period + 1) * period;
	s->budget_left = (int64_t)budget_of(v);
}

static void rt_enqueue(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	replenish(v, now);
	runq_insert(p, v);
}

static void rt_charge(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	(void)p;
	v->sched.budget_left -= (int64_t)sched_ran_ns(v, now);
	/* idle_ticks stay: the runstate moves them to "blocked" next. */
	v->sched.ran_since = now;
}

static struct vcpu *rt_pick(struct sched_pool *p, unsigned int cpu, uint64_t now,
			    uint64_t *until)
{
	struct vcpu *best = NULL, *extra = NULL;
	uint64_t next_event = 0;

	(void)cpu;
	for (struct vcpu *v = p->q_head; v; v = v->sched.q_next) {
		replenish(v, now);
		/* Its next replenishment, or a deadline that may let it
		 * preempt whoever we pick: decide again then. */
		if (!next_event || v->sched.deadline < next_event)
			next_event = v->sched.deadline;
		if (v->sched.budget_left <= 0) {
			if (!extra || v->sched.deadline < extra->sched.deadline)
				extra = v;
			continue;
		}
		if (!best || v->sched.deadline < best->sched.deadline)
			best = v;
	}
	if (!best && extra) {
		runq_remove(p, extra);
		*until = next_event; /* until someone's budget comes back */
		return extra;
	}
	if (best) {
		uint64_t end = now + (uint64_t)best->sched.budget_left;

		runq_remove(p, best);
		end = MIN(end, best->sched.deadline);
		if (!next_event || end < next_event)
			next_event = end;
	}
	*until = next_event;
	return best;
}

/* An idle CPU, else the one running the latest deadline if v's is earlier. */
static int rt_tickle(struct sched_pool *p, struct vcpu *v, uint64_t now, int self)
{
	int cpu = sched_idle_cpu(p, v->sched.cpu, self), victim = -1;
	/* With no budget left v waits for its replenishment, which the
	 * running CPUs did not know of when they set their timers: one of
	 * them decides again (and times it). */
	uint64_t latest = v->sched.budget_left <= 0 ? 0 : v->sched.deadline;
	unsigned int c;

	(void)now;
	if (cpu >= 0)
		return cpu;
	for_each_cpu(c, p->cpus) {
		struct vcpu *r = (int)c != self ? pcpu[c].curr : NULL;
		/* One running on extratime gives way to anyone with budget. */
		uint64_t dl = r && r->sched.budget_left <= 0 ? UINT64_MAX :
			      r ? r->sched.deadline : 0;

		if (r && dl > latest) {
			latest = dl;
			victim = (int)c;
		}
	}
	return victim;
}

static void rt_remove_vcpu(struct sched_pool *p, struct vcpu *v)
{
	if (v->sched.run == RUN_RUNNABLE)
		runq_remove(p, v);
}

const struct sched_ops sched_rtds_ops = {
	.kind = SCHED_RTDS,
	.name = "rtds",
	.init_pool = rt_init_pool,
	.add_vcpu = rt_add_vcpu,
	.remove_vcpu = rt_remove_vcpu,
	.enqueue = rt_enqueue,
	.charge = rt_charge,
	.pick = rt_pick,
	.tickle = rt_tickle,
};
