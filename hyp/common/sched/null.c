// SPDX-License-Identifier: MIT
/*
 * null: each vCPU owns one CPU of its pool for its whole life, so there
 * is nothing to decide and no tick: the lowest latency Xen offers.
 * Validation refuses a null pool given more vCPUs than CPUs (Xen would
 * leave the extra vCPUs waiting, silently, for a CPU that never frees).
 */
#include <xenith/domain.h>
#include <xenith/sched.h>

static void null_init_pool(struct sched_pool *p)
{
	p->null_taken = 0;
}

/* The lowest CPU of the pool no vCPU owns. */
static int null_add_vcpu(struct sched_pool *p, struct vcpu *v)
{
	int cpu = sched_nth_cpu(p->cpus & ~p->null_taken, 0);

	if (cpu < 0)
		return -1;
	p->null_taken |= 1U << cpu;
	v->sched.null_cpu = cpu;
	v->sched.cpu = (unsigned int)cpu;
	return 0;
}

/* Its CPU is free for the next vCPU that joins. */
static void null_remove_vcpu(struct sched_pool *p, struct vcpu *v)
{
	if (v->sched.run == RUN_RUNNABLE)
		runq_remove(p, v);
	if (v->sched.null_cpu >= 0)
		p->null_taken &= ~(1U << v->sched.null_cpu);
	v->sched.null_cpu = -1;
}

static void null_enqueue(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	(void)now;
	runq_insert(p, v);
}

static void null_charge(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	(void)p;
	(void)v;
	(void)now;
}

static struct vcpu *null_pick(struct sched_pool *p, unsigned int cpu, uint64_t now,
			      uint64_t *until)
{
	(void)now;
	*until = 0;
	for (struct vcpu *v = p->q_head; v; v = v->sched.q_next) {
		if (v->sched.null_cpu == (int)cpu) {
			runq_remove(p, v);
			return v;
		}
	}
	return NULL;
}

static int null_tickle(struct sched_pool *p, struct vcpu *v, uint64_t now, int self)
{
	(void)now;
	/* Its CPU may have failed to come up (sched_cpu_down). */
	if (v->sched.null_cpu == self || v->sched.null_cpu < 0 ||
	    !((p->cpus >> v->sched.null_cpu) & 1))
		return -1;
	return v->sched.null_cpu;
}

const struct sched_ops sched_null_ops = {
	.kind = SCHED_NULL,
	.name = "null",
	.cpu_owned = true,
	.init_pool = null_init_pool,
	.add_vcpu = null_add_vcpu,
	.remove_vcpu = null_remove_vcpu,
	.enqueue = null_enqueue,
	.charge = null_charge,
	.pick = null_pick,
	.tickle = null_tickle,
};
