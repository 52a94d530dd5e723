// SPDX-License-Identifier: MIT
/*
 * Scheduler core: vCPU run states, blocking and waking, the per-CPU loop
 * that picks what runs next, and the context switch. Policies (credit2,
 * null, rtds, arinc653) only order the run queue of their pool; all of
 * them run under the pool's lock, called from here.
 *
 * A context stays loaded on its CPU after its vCPU stops (pcpu.held)
 * until that CPU runs someone else or another CPU wants the vCPU, so a
 * vCPU that blocks on an otherwise idle CPU resumes without a reload.
 */
#include <xenith/arch-api.h>
#include <xenith/assert.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/grace.h>
#include <xenith/lib.h>
#include <xenith/lifecycle.h>
#include <xenith/sched.h>

struct pcpu pcpu[MAX_CPUS];
struct vcpu *cpu_current[MAX_CPUS];
struct sched_pool sched_pools[MAX_POOLS];
unsigned int nr_sched_pools;

static const struct sched_ops *const ops_of[NR_SCHED_KINDS] = {
	[SCHED_CREDIT2] = &sched_credit2_ops,
	[SCHED_NULL] = &sched_null_ops,
	[SCHED_RTDS] = &sched_rtds_ops,
	[SCHED_ARINC653] = &sched_arinc653_ops,
};

static inline void smp_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static struct sched_pool *pool_of(const struct vcpu *v)
{
	return v->dom->pool;
}

/* Powered on (or being started by CPU_ON) in a domain that runs. */
static bool alive(const struct vcpu *v)
{
	return v->dom->state == DOM_RUNNING && v->power != VCPU_OFF;
}

/* Alive and its domain not paused: it may be picked. The pause count
 * changes under the pool lock; read without it, this is a hint. */
static bool may_run(const struct vcpu *v)
{
	return alive(v) && !__atomic_load_n(&v->dom->pause_count, __ATOMIC_RELAXED);
}

/* ---- run queue --------------------------------------------------------- */

void runq_insert(struct sched_pool *p, struct vcpu *v)
{
	v->sched.q_next = NULL;
	v->sched.q_prev = p->q_tail;
	if (p->q_tail)
		p->q_tail->sched.q_next = v;
	else
		p->q_head = v;
	p->q_tail = v;
	p->nr_queued++;
}

void runq_remove(struct sched_pool *p, struct vcpu *v)
{
	struct sched_vcpu *s = &v->sched;

	if (s->q_prev)
		s->q_prev->sched.q_next = s->q_next;
	else
		p->q_head = s->q_next;
	if (s->q_next)
		s->q_next->sched.q_prev = s->q_prev;
	else
		p->q_tail = s->q_prev;
	s->q_next = s->q_prev = NULL;
	p->nr_queued--;
}

/* Idle and not yet told to decide: a CPU already told has a vCPU coming
 * (two wake-ups at once would otherwise pile onto one idle CPU). */
static bool idle_untold(unsigned int c)
{
	return !pcpu[c].curr && !pcpu[c].resched;
}

int sched_idle_cpu(struct sched_pool *p, unsigned int prefer, int self)
{
	int in_place = -1, told = -1;

	unsigned int c;

	if (!p->cpus)
		return -1;
	if ((p->cpus >> prefer) & 1 && (int)prefer != self && idle_untold(prefer))
		return (int)prefer;
	for_each_cpu(c, p->cpus) {
		if ((int)c == self)
			continue;
		if (idle_untold(c))
			return (int)c;
		if (!pcpu[c].curr && told < 0)
			told = (int)c;
		if (pcpu[c].idle_in_place && (in_place < 0 || c == prefer))
			in_place = (int)c;
	}
	return in_place >= 0 ? in_place : told;
}

uint64_t sched_ran_ns(const struct vcpu *v, uint64_t now)
{
	uint64_t ran = now > v->sched.ran_since ? now - v->sched.ran_since : 0;
	uint64_t idle = arch_ticks_to_ns(v->sched.idle_ticks);

	return ran > idle ? ran - idle : 0;
}

/* ---- run states and Xen's runstate accounting ---------------------------- */

static void rs_account(struct vcpu *v, unsigned int state, uint64_t now)
{
	struct sched_vcpu *s = &v->sched;

	if (now > s->rs_entry)
		s->rs_time[s->rs_state] += now - s->rs_entry;
	/* Time spent idling in place was counted as running: it was blocked. */
	if (s->rs_state == RS_RUNNING && s->idle_ticks) {
		uint64_t idle = arch_ticks_to_ns(s->idle_ticks);

		idle = MIN(idle, s->rs_time[RS_RUNNING]);
		s->rs_time[RS_RUNNING] -= idle;
		s->rs_time[RS_BLOCKED] += idle;
		s->idle_ticks = 0;
	}
	s->rs_state = state;
	s->rs_entry = now;
}

static void set_run(struct vcpu *v, enum vcpu_run run, uint64_t now)
{
	static const unsigned int rs[] = {
		[RUN_OFFLINE] = RS_OFFLINE, [RUN_BLOCKED] = RS_BLOCKED,
		[RUN_RUNNABLE] = RS_RUNNABLE, [RUN_RUNNING] = RS_RUNNING,
	};

	ASSERT_LOCKED(&pool_of(v)->lock);
	if (rs[run] != v->sched.rs_state)
		rs_account(v, rs[run], now);
	v->sched.run = run;
}

void sched_runstate(struct vcpu *v, unsigned int *state, uint64_t *entry,
		    uint64_t time[4])
{
	const struct sched_vcpu *s = &v->sched;
	uint64_t now = arch_time_ns();

	*state = s->rs_state;
	*entry = s->rs_entry;
	for (int i = 0; i < 4; i++)
		time[i] = s->rs_time[i];
	if (now > s->rs_entry)
		time[s->rs_state] += now - s->rs_entry;
}

/* ---- rescheduling and waking ----------------------------------------------- */

void sched_set_resched(unsigned int cpu)
{
	pcpu[cpu].resched = true;
	if (cpu != arch_cpu_id()) {
		smp_mb(); /* arch_cpu_kick orders the flag before the IPI */
		arch_cpu_kick(cpu);
	}
}

/* v joins the run queue; returns the CPU to tell, or -1. Lock held. */
static int make_runnable(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	set_run(v, RUN_RUNNABLE, now);
	p->ops->enqueue(p, v, now);
	/* The queue is published before tickle reads which CPUs idle in
	 * place; such a CPU reads nr_queued after announcing itself. */
	smp_mb();
	return p->ops->tickle(p, v, now, -1);
}

/* A BLOCKED v becomes runnable (its poll, if any, ends); lock held.
 * Returns the CPU to tell, or -1. */
static int wake_locked(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	ASSERT_LOCKED(&p->lock);
	v->sched.wake_deferred = false;
	if (v->sched.polling) {
		v->sched.polling = false;
		__atomic_sub_fetch(&v->dom->nr_polling, 1, __ATOMIC_RELAXED);
		/* Under the lock: once v is runnable it may poll again on
		 * another CPU, and a late stop would cancel that poll's
		 * timeout. */
		timer_stop(&v->sched.poll_timer);
	}
	return make_runnable(p, v, now);
}

void sched_wake(struct vcpu *v)
{
	struct sched_pool *p = pool_of(v);
	int cpu = -1;

	if (v->sched.run != RUN_BLOCKED || v->sched.io_wait)
		return;
	spin_lock(&p->lock);
	if (v->sched.run == RUN_BLOCKED && !v->sched.io_wait && alive(v)) {
		/* Paused: the wake-up waits for the last unpause. */
		if (v->dom->pause_count)
			v->sched.wake_deferred = true;
		else
			cpu = wake_locked(p, v, arch_time_ns());
	}
	spin_unlock(&p->lock);
	if (cpu >= 0)
		sched_set_resched((unsigned int)cpu);
}

void sched_wake_io(struct vcpu *v)
{
	__atomic_store_n(&v->sched.io_wait, false, __ATOMIC_SEQ_CST);
	sched_wake(v);
}

void vcpu_kick(struct vcpu *v)
{
	/* The interrupt state was written before; the run state is read
	 * after (sched_block does the mirror image). */
	smp_mb();
	switch (v->sched.run) {
	case RUN_BLOCKED:
		sched_wake(v);
		break;
	case RUN_RUNNING:
		if (v->sched.cpu != arch_cpu_id())
			arch_cpu_kick(v->sched.cpu);
		break;
	default:
		break;
	}
}

void sched_vcpu_stop(struct vcpu *v)
{
	struct sched_pool *p = pool_of(v);
	int cpu = -1;

	spin_lock(&p->lock);
	if (v->sched.run == RUN_RUNNING)
		cpu = (int)v->sched.cpu;
	spin_unlock(&p->lock);
	if (cpu >= 0)
		sched_set_resched((unsigned int)cpu);
}

void sched_vcpu_start(struct vcpu *v)
{
	struct sched_pool *p = pool_of(v);
	int cpu = -1;

	spin_lock(&p->lock);
	if (v->sched.run == RUN_OFFLINE)
		cpu = make_runnable(p, v, arch_time_ns());
	spin_unlock(&p->lock);
	if (cpu >= 0)
		sched_set_resched((unsigned int)cpu);
}

void sched_poll_begin(struct vcpu *v)
{
	v->sched.polling = true;
	__atomic_add_fetch(&v->dom->nr_polling, 1, __ATOMIC_SEQ_CST);
}

void sched_block_nocheck(struct vcpu *v)
{
	struct sched_pool *p = pool_of(v);

	spin_lock(&p->lock);
	if (v->sched.run == RUN_RUNNING) {
		uint64_t now = arch_time_ns();

		p->ops->charge(p, v, now);
		set_run(v, RUN_BLOCKED, now);
	}
	spin_unlock(&p->lock);
	pcpu[arch_cpu_id()].resched = true;
	smp_mb(); /* BLOCKED is seen before whatever the caller looks at */
}

void sched_block(struct vcpu *v)
{
	sched_block_nocheck(v);
	/* An interrupt made pending before we were BLOCKED found us
	 * running and did not wake us: look once more. */
	if (arch_vcpu_wants_wake(v))
		sched_wake(v);
}

void sched_vcpu_yield(struct vcpu *v)
{
	v->sched.yielded = true;
	pcpu[arch_cpu_id()].resched = true;
}

void sched_poll_notify(struct domain *d)
{
	if (!__atomic_load_n(&d->nr_polling, __ATOMIC_ACQUIRE))
		return;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->sched.polling)
			sched_wake(d->vcpu[i]);
}

/* ---- deciding --------------------------------------------------------------- */

static void slice_expired(void *data)
{
	pcpu[(uintptr_t)data].resched = true;
}

/* What CPU c runs next; updates run states. */
static struct vcpu *decide(unsigned int c)
{
	struct pcpu *pc = &pcpu[c];
	struct sched_pool *p = pc->pool;
	struct vcpu *prev, *next, *requeued = NULL;
	uint64_t now, until = 0;
	int tell = -1;

	pc->resched = false;
	if (!p)
		return NULL;
	spin_lock(&p->lock);
	now = arch_time_ns(); /* after the lock: no wake-up under it is later */
	prev = pc->curr;
	/* Still running here: it is preempted or stopped. Otherwise it
	 * blocked (and was charged then), and may since have been woken and
	 * even picked by another CPU, which now waits for its context. */
	if (prev && prev->sched.run == RUN_RUNNING && prev->sched.cpu == c) {
		p->ops->charge(p, prev, now);
		if (may_run(prev)) {
			set_run(prev, RUN_RUNNABLE, now);
			p->ops->enqueue(p, prev, now); /* tickled below if not picked */
			requeued = prev;
		} else
			set_run(prev, RUN_OFFLINE, now);
	} else if (prev && prev->sched.run == RUN_BLOCKED && !alive(prev)) {
		/* (A paused one stays blocked: unpausing must not wake it.) */
		set_run(prev, RUN_OFFLINE, now);
	}
	for (;;) {
		next = p->ops->pick(p, c, now, &until);
		if (!next || may_run(next))
			break;
		set_run(next, RUN_OFFLINE, now); /* its domain stopped meanwhile */
	}
	if (next) {
		set_run(next, RUN_RUNNING, now);
		next->sched.cpu = c;
		next->sched.ran_since = now;
		next->sched.idle_ticks = 0;
		next->sched.yielded = false;
	}
	/* A yield counts for this one decision (Xen: test-and-clear). */
	if (prev)
		prev->sched.yielded = false;
	pc->curr = next;
	/* Preempted and left waiting: another CPU may owe it its turn (one
	 * that runs a vCPU alone has no slice timer to notice otherwise). */
	if (requeued && requeued != next && (p->cpus & (p->cpus - 1))) {
		smp_mb(); /* the queue before reading who idles (make_runnable) */
		tell = p->ops->tickle(p, requeued, now, (int)c);
	}
	spin_unlock(&p->lock);
	if (tell >= 0)
		sched_set_resched((unsigned int)tell);
	if (until)
		timer_set(&pc->slice, until);
	else
		timer_stop(&pc->slice);
	return next;
}

/* ---- switching ---------------------------------------------------------------- */

static void save_held(struct pcpu *pc)
{
	struct vcpu *h = pc->held;

	xen_runstate_update(h); /* its new state, while its tables are loaded */
	arch_vcpu_save(h);
	pc->held = NULL;
	__atomic_store_n(&h->sched.ctx_cpu, -1, __ATOMIC_RELEASE);
}

/* Waits until no other CPU holds v's context (it saves it promptly: a
 * running CPU is on its way here, an idle one is woken by the kick). */
static void wait_for_context(struct vcpu *v, unsigned int c)
{
	int holder = __atomic_load_n(&v->sched.ctx_cpu, __ATOMIC_ACQUIRE);

	if (holder < 0 || holder == (int)c)
		return;
	arch_cpu_kick((unsigned int)holder);
	while (__atomic_load_n(&v->sched.ctx_cpu, __ATOMIC_ACQUIRE) >= 0)
		__asm__ volatile("yield" ::: "memory");
}

static void __attribute__((noreturn)) switch_to(struct pcpu *pc, unsigned int c,
						struct vcpu *next)
{
	if (pc->held != next) {
		if (pc->held)
			save_held(pc);
		wait_for_context(next, c);
		arch_vcpu_load(next);
		next->sched.ctx_cpu = (int)c;
		pc->held = next;
	}
	/* Only now: until its context is ours, the CPU it ran on may still
	 * be leaving it and must see its own flag. */
	next->sched.resched = &pc->resched;
	cpu_current[c] = next;
	xen_runstate_update(next);
	arch_vcpu_enter(next);
}

/* An idle CPU keeps the last context only while it may still use it. */
static void release_unwanted(struct pcpu *pc, unsigned int c)
{
	struct vcpu *h = pc->held;

	if (!h)
		return;
	if (h->sched.run == RUN_OFFLINE || !may_run(h) ||
	    (h->sched.run == RUN_RUNNING && h->sched.cpu != c))
		save_held(pc);
}

/* The CPU's loop from a decision on: run it, or idle until there is
 * something to decide again. */
static void __attribute__((noreturn)) cpu_loop(unsigned int c, struct vcpu *next)
{
	struct pcpu *pc = &pcpu[c];

	for (;;) {
		if (next)
			switch_to(pc, c, next);
		release_unwanted(pc, c);
		/* Nothing is held here: a quiescent point (grace.h), where
		 * what waited for one is also given back. */
		grace_quiescent();
		lifecycle_idle();
		if (!pc->resched)
			arch_cpu_idle(); /* interrupts run in here */
		arch_console_poll();
		next = decide(c);
	}
}

void sched_run_cpu(void)
{
	unsigned int c = arch_cpu_id();

	cpu_loop(c, decide(c));
}

/* Returns when the vCPU that trapped goes on: its frame is still on the
 * stack, nothing needs copying. */
void sched_from_trap(void)
{
	unsigned int c = arch_cpu_id();
	struct vcpu *v = cpu_current[c];
	struct vcpu *next = decide(c);

	if (next == v && pcpu[c].held == v) {
		arch_vcpu_resume(v);
		return;
	}
	arch_vcpu_frame_save(v);
	cpu_loop(c, next);
}

/* ---- pausing (Xen's domain_pause) ------------------------------------------------ */

/* Tells each CPU of the mask to decide again. */
static void tell_cpus(uint32_t mask)
{
	unsigned int c;

	for_each_cpu(c, mask)
		sched_set_resched(c);
}

/* One more hold on d (pool lock held): its running vCPUs' CPUs (added to
 * *tell) decide again and find them unable to run (decide() takes a
 * preempted one off as OFFLINE, pick()'s loop a queued one); a blocked
 * one stays blocked, its wake-ups deferred (sched_wake). */
static void hold(struct sched_pool *p, struct domain *d, uint32_t *tell)
{
	ASSERT_LOCKED(&p->lock);
	(void)p;
	__atomic_store_n(&d->pause_count, d->pause_count + 1, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct vcpu *v = d->vcpu[i];

		if (v->sched.run == RUN_RUNNING)
			*tell |= 1U << v->sched.cpu;
	}
}

/* One hold less (pool lock held). At the last, every vCPU the pause kept
 * off runs again: those it took off (OFFLINE but alive) and the blocked
 * ones woken meanwhile. The CPUs to tell go into *tell. */
static void unhold(struct sched_pool *p, struct domain *d, uint32_t *tell)
{
	uint64_t now;

	ASSERT_LOCKED(&p->lock);
	ASSERT(d->pause_count);
	__atomic_store_n(&d->pause_count, d->pause_count - 1, __ATOMIC_RELAXED);
	if (d->pause_count)
		return;
	now = arch_time_ns();
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		int cpu = -1;

		if (v->sched.run == RUN_OFFLINE && may_run(v))
			cpu = make_runnable(p, v, now);
		else if (v->sched.run == RUN_BLOCKED && v->sched.wake_deferred && may_run(v))
			cpu = wake_locked(p, v, now);
		v->sched.wake_deferred = false;
		if (cpu >= 0)
			*tell |= 1U << cpu;
	}
}

static bool any_running(const struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (__atomic_load_n(&d->vcpu[i]->sched.run, __ATOMIC_ACQUIRE) == RUN_RUNNING)
			return true;
	return false;
}

void sched_domain_sync(struct domain *d)
{
	/* Waiting for ourselves would never end (Xen asserts it too). */
	ASSERT(!cpu_current[arch_cpu_id()] || cpu_current[arch_cpu_id()]->dom != d ||
	       cpu_current[arch_cpu_id()]->sched.run != RUN_RUNNING);
	/* Each CPU running one of d's vCPUs was told and leaves it at its
	 * next exit; nothing here holds a lock it could need. */
	while (any_running(d))
		__asm__ volatile("yield" ::: "memory");
}

void sched_domain_pause_nosync(struct domain *d)
{
	struct sched_pool *p = d->pool;
	uint32_t tell = 0;

	spin_lock(&p->lock);
	hold(p, d, &tell);
	spin_unlock(&p->lock);
	tell_cpus(tell);
}

void sched_domain_pause(struct domain *d)
{
	sched_domain_pause_nosync(d);
	sched_domain_sync(d);
}

void sched_domain_unpause(struct domain *d)
{
	struct sched_pool *p = d->pool;
	uint32_t tell = 0;

	spin_lock(&p->lock);
	unhold(p, d, &tell);
	spin_unlock(&p->lock);
	tell_cpus(tell);
}

/* Xen limits the toolstack's count so that repeated calls cannot
 * overflow the domain's pause count. */
#define CTL_PAUSE_MAX 255

int sched_domain_ctl_pause(struct domain *d)
{
	struct sched_pool *p = d->pool;
	uint32_t tell = 0;

	spin_lock(&p->lock);
	if (d->ctl_pause_count >= CTL_PAUSE_MAX) {
		spin_unlock(&p->lock);
		return -XEN_EOVERFLOW;
	}
	__atomic_store_n(&d->ctl_pause_count, d->ctl_pause_count + 1, __ATOMIC_RELAXED);
	hold(p, d, &tell);
	spin_unlock(&p->lock);
	tell_cpus(tell);
	sched_domain_sync(d);
	return 0;
}

int sched_domain_ctl_unpause(struct domain *d)
{
	struct sched_pool *p = d->pool;
	uint32_t tell = 0;

	spin_lock(&p->lock);
	if (!d->ctl_pause_count) {
		spin_unlock(&p->lock);
		return -XEN_EINVAL;
	}
	__atomic_store_n(&d->ctl_pause_count, d->ctl_pause_count - 1, __ATOMIC_RELAXED);
	unhold(p, d, &tell);
	spin_unlock(&p->lock);
	tell_cpus(tell);
	return 0;
}

void sched_vcpu_info(struct vcpu *v, struct sched_vcpu_info *info)
{
	struct sched_pool *p = pool_of(v);
	const struct sched_vcpu *s = &v->sched;
	uint64_t now;
	bool idling;

	spin_lock(&p->lock);
	now = arch_time_ns();
	/* Idling in place is blocking, seen from outside (Xen would have
	 * descheduled it). */
	idling = s->run == RUN_RUNNING && pcpu[s->cpu].curr == v &&
		 pcpu[s->cpu].idle_in_place;
	info->online = v->power != VCPU_OFF;
	info->blocked = s->run == RUN_BLOCKED || idling;
	info->running = s->run == RUN_RUNNING && !idling;
	info->cpu = s->cpu;
	info->run_ns = s->rs_time[RS_RUNNING];
	if (s->rs_state == RS_RUNNING && now > s->rs_entry) {
		uint64_t stint = now - s->rs_entry;
		uint64_t idle = arch_ticks_to_ns(__atomic_load_n(&s->idle_ticks, __ATOMIC_RELAXED));

		info->run_ns += stint - MIN(idle, stint);
	}
	spin_unlock(&p->lock);
}

/* ---- boot --------------------------------------------------------------------- */

static struct pool_config implicit_pool = {
	.path = "Pool-0", .node = -1, .id = 0, .sched = SCHED_CREDIT2, .ok = true,
};

void sched_init(const struct system_config *sys, int nr_cpus)
{
	int nr = sys->nr_pools;

	timers_init();
	if (!nr) {
		implicit_pool.cpus = (uint32_t)((1ULL << nr_cpus) - 1);
		implicit_pool.sched = sys->default_sched;
		nr = 1;
	}
	for (int i = 0; i < nr; i++) {
		const struct pool_config *pc = sys->nr_pools ? &sys->pool[i] : &implicit_pool;
		struct sched_pool *p = &sched_pools[i];

		spin_lock_init(&p->lock, LOCK_SCHED);
		p->cfg = pc;
		p->id = pc->id;
		p->ops = ops_of[pc->sched];
		if (!pc->ok)
			continue;
		p->cpus = pc->cpus;
		for (unsigned int c = 0; c < MAX_CPUS; c++) {
			if (!((pc->cpus >> c) & 1))
				continue;
			pcpu[c].pool = p;
			timer_init(&pcpu[c].slice, slice_expired, (void *)(uintptr_t)c);
		}
		p->ops->init_pool(p);
	}
	nr_sched_pools = (unsigned int)nr;
}

int sched_nth_cpu(uint32_t mask, unsigned int n)
{
	unsigned int c;

	for_each_cpu(c, mask)
		if (n-- == 0)
			return (int)c;
	return -1;
}

/* CPU n (modulo the count) of a pool's mask, 0 if it has none. */
static unsigned int nth_cpu_of(uint32_t mask, unsigned int n)
{
	unsigned int count = 0;

	for (uint32_t m = mask; m; m &= m - 1)
		count++;
	return count ? (unsigned int)sched_nth_cpu(mask, n % count) : 0;
}

static void poll_timeout(void *data)
{
	sched_wake(data);
}

int sched_add_vcpu(struct vcpu *v)
{
	struct sched_pool *p = pool_of(v);
	struct sched_vcpu *s = &v->sched;
	int rc;

	s->run = RUN_OFFLINE;
	s->ctx_cpu = -1;
	s->null_cpu = -1;
	s->rs_state = RS_OFFLINE;
	s->rs_entry = arch_time_ns();
	timer_init(&s->poll_timer, poll_timeout, v);
	/* Spread the pool's vCPUs over its CPUs to start with. */
	s->cpu = nth_cpu_of(p->cpus, p->nr_vcpus);
	spin_lock(&p->lock);
	rc = p->ops->add_vcpu(p, v);
	if (!rc) {
		if (p->all_tail)
			p->all_tail->sched.pool_next = v;
		else
			p->all_head = v;
		p->all_tail = v;
		p->nr_vcpus++;
	}
	spin_unlock(&p->lock);
	return rc;
}

void sched_remove_vcpu(struct vcpu *v)
{
	struct sched_pool *p = pool_of(v);
	struct vcpu **pp;

	spin_lock(&p->lock);
	ASSERT(v->sched.run != RUN_RUNNING);
	p->ops->remove_vcpu(p, v);
	if (v->sched.polling) {
		v->sched.polling = false;
		__atomic_sub_fetch(&v->dom->nr_polling, 1, __ATOMIC_RELAXED);
	}
	v->sched.wake_deferred = false;
	/* Powered off for good: nothing makes it runnable again (alive()). */
	v->power = VCPU_OFF;
	set_run(v, RUN_OFFLINE, arch_time_ns());
	for (pp = &p->all_head; *pp && *pp != v; pp = &(*pp)->sched.pool_next)
		;
	if (*pp) {
		struct vcpu *prev = NULL;

		*pp = v->sched.pool_next;
		if (p->all_tail == v) {
			for (struct vcpu *w = p->all_head; w; w = w->sched.pool_next)
				prev = w;
			p->all_tail = prev;
		}
		p->nr_vcpus--;
	}
	v->sched.pool_next = NULL;
	spin_unlock(&p->lock);
}

void sched_cpu_down(unsigned int cpu)
{
	struct sched_pool *p = pcpu[cpu].pool;

	if (!p)
		return;
	spin_lock(&p->lock);
	p->cpus &= ~(1U << cpu);
	pcpu[cpu].pool = NULL;
	for (struct vcpu *v = p->all_head; v; v = v->sched.pool_next)
		if (v->sched.null_cpu == (int)cpu)
			printk("d%uv%u: its CPU%u (null scheduler) is not up: it cannot run\n",
			       v->dom->id, v->id, cpu);
	if (!p->cpus)
		printk("Pool-%u: no CPU is up: its domains cannot run\n", p->id);
	spin_unlock(&p->lock);
}

static void print_cpus(uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int c = 0; c < MAX_CPUS && n + 4 < len; c++)
		if ((mask >> c) & 1)
			n += (size_t)snprintf(buf + n, len - n, "%s%u", n ? "," : "", c);
}

void sched_print_pools(void)
{
	char cpus[40];

	for (unsigned int i = 0; i < nr_sched_pools; i++) {
		const struct sched_pool *p = &sched_pools[i];

		if (!p->cfg->ok)
			continue;
		print_cpus(p->cpus, cpus, sizeof(cpus));
		printk("Pool-%u (%s): scheduler %s, CPUs %s\n", p->id,
		       p->cfg->node >= 0 ? p->cfg->path : "implicit",
		       sched_name(p->cfg->sched), cpus[0] ? cpus : "none");
	}
}

static const char *const run_name[] = {
	[RUN_OFFLINE] = "offline", [RUN_BLOCKED] = "blocked",
	[RUN_RUNNABLE] = "runnable", [RUN_RUNNING] = "running",
};

/* Read without locks: a snapshot for a human, as Xen's is. */
void sched_dump(void)
{
	uint64_t now = arch_time_ns();

	printk("'r' pressed -> dumping run queues (now %llu ns)\n",
	       (unsigned long long)now);
	for (unsigned int i = 0; i < nr_sched_pools; i++) {
		const struct sched_pool *p = &sched_pools[i];

		if (!p->cfg->ok)
			continue;
		printk("Pool-%u (%s): %u vCPUs, %u queued\n", p->id,
		       p->ops->name, p->nr_vcpus, p->nr_queued);
		for (const struct vcpu *v = p->all_head; v; v = v->sched.pool_next) {
			const struct sched_vcpu *s = &v->sched;

			printk("  d%uv%u: %s%s cpu %u ctx %d%s power %d credit %lld "
			       "deadline %llu budget %lld\n", v->dom->id, v->id,
			       run_name[s->run], v->dom->pause_count ? " (paused)" : "",
			       s->cpu, s->ctx_cpu,
			       s->polling ? " polling" : "", (int)v->power,
			       (long long)(p->ops == &sched_credit2_ops ?
					   credit2_credit(v) : s->credit),
			       (unsigned long long)s->deadline,
			       (long long)s->budget_left);
		}
	}
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		const struct pcpu *pc = &pcpu[c];

		if (!pc->pool)
			continue;
		/* Each pointer read once: they change under our feet. */
		const struct vcpu *cur = __atomic_load_n(&pc->curr, __ATOMIC_RELAXED);
		const struct vcpu *held = __atomic_load_n(&pc->held, __ATOMIC_RELAXED);

		printk("CPU%u: curr %s%u/%u held %s%u/%u%s%s slice %s\n", c,
		       cur ? "d" : "-", cur ? cur->dom->id : 0,
		       cur ? cur->id : 0, held ? "d" : "-",
		       held ? held->dom->id : 0, held ? held->id : 0,
		       pc->resched ? " resched" : "",
		       pc->idle_in_place ? " idling-in-place" : "",
		       pc->slice.cpu >= 0 ? "armed" : "off");
	}
	arch_dump_cpus();
}
