// SPDX-License-Identifier: MIT
/*
 * The scheduling policies (common/sched/credit2.c, null.c, rtds.c,
 * arinc653.c) on the host, with the real core.c for the helpers they
 * share (runq_insert/runq_remove, sched_idle_cpu, sched_ran_ns) and for
 * sched_init/sched_add_vcpu. Nothing runs: the arch hooks, timers and
 * console are faked below, and the clock is a variable.
 *
 * Two kinds of case. Single steps call a policy's hooks one at a time
 * and check what they decide. Simulations play the part of core.c's
 * decide() with the policy's hooks: each CPU, when it decides, charges
 * the vCPU it ran, queues it again if it still has work, picks the next
 * and runs it until the policy's `until`, the test's quantum (a trap in
 * the guest that makes the CPU decide again) or the end of the vCPU's
 * work, whichever comes first. A vCPU preempted and left waiting is
 * tickled as decide() does; a woken one is queued and tickled as
 * make_runnable() does. Loads are hogs (always runnable) or periodic
 * jobs (work w every period, blocked in between; a job still unfinished
 * when the next one is released missed its deadline). A CPU told by
 * another decides one IPI (1 us) later.
 *
 * SCHED_VERBOSE=1 prints what each simulation measured. The cases after
 * "regressions" are bugs these tests found in hyp/common/sched, since
 * fixed; they stay as ordinary cases.
 */
#include <stdarg.h>

#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/runq_heap.h>
#include <xenith/sched.h>
#include <xenith/timer.h>

#include "check.h"

#define US 1000ULL
#define MS 1000000ULL
#define SEC 1000000000ULL
/* The simulated clock starts here: 0 means "not yet" to some policies
 * (arinc653's frame start, credit2's cap period, rtds's deadline). */
#define T0 (7 * SEC)
#define NEVER UINT64_MAX
#define TICK_NS 16ULL   /* the system counter at 62.5 MHz */
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* ---- fakes for core.c ---------------------------------------------------- */

static uint64_t sim_now;
static unsigned int this_cpu;
static unsigned int kicks[MAX_CPUS];

uint64_t arch_time_ns(void)
{
	return sim_now;
}

uint64_t arch_ticks_to_ns(uint64_t ticks)
{
	return ticks * TICK_NS;
}

unsigned int arch_cpu_id(void)
{
	return this_cpu;
}

void arch_cpu_kick(unsigned int cpu)
{
	kicks[cpu]++;
}

static void __attribute__((noreturn)) unreached(const char *fn)
{
	fprintf(stderr, "%s: not expected in these tests\n", fn);
	abort();
}

void arch_console_poll(void)
{
}

/* The idle loop's quiescent point and reaper (grace.c, lifecycle.c):
 * nothing to free in these tests. */
void grace_quiescent(void)
{
}

void lifecycle_idle(void)
{
}

void arch_cpu_idle(void)
{
	unreached(__func__);
}

void arch_vcpu_load(struct vcpu *v)
{
	(void)v;
	unreached(__func__);
}

void arch_vcpu_save(struct vcpu *v)
{
	(void)v;
	unreached(__func__);
}

void arch_vcpu_frame_save(struct vcpu *v)
{
	(void)v;
	unreached(__func__);
}

void arch_vcpu_enter(struct vcpu *v)
{
	(void)v;
	unreached(__func__);
}

void arch_vcpu_resume(struct vcpu *v)
{
	(void)v;
	unreached(__func__);
}

bool arch_vcpu_wants_wake(struct vcpu *v)
{
	(void)v;
	return false;
}

void arch_dump_cpus(void)
{
}

void xen_runstate_update(struct vcpu *v)
{
	(void)v;
}

#include "fake_core.h"

/* ---- the world: pools, domains, vCPUs ----------------------------------- */

static struct system_config sys;
/* The test's world (the hypervisor sizes these from the device tree). */
#define WORLD_DOMAINS 80
#define WORLD_VCPUS 8
static struct domain doms[WORLD_DOMAINS];
static struct vcpu vcpus[WORLD_DOMAINS][WORLD_VCPUS];
static struct vcpu *vcpu_ptrs[WORLD_DOMAINS][WORLD_VCPUS];
static struct domain_config dom_cfgs[WORLD_DOMAINS];
static unsigned int nr_doms;
static int add_rc;   /* of the last add_dom(): 0 or the first refusal */

/* A domain's scheduling parameters; 0 means Xen's default, as the
 * device tree parser fills it in. */
struct dparam {
	int pool;
	unsigned int vcpus;          /* 1 */
	uint32_t weight;             /* credit2: 256 */
	uint32_t cap;                /* credit2: none */
	uint32_t budget_us;          /* rtds: 4000 */
	uint32_t period_us;          /* rtds: 10000 */
	uint32_t window_us;          /* arinc653: 10000 */
	bool raw;                    /* rtds: keep 0 budget/period as given */
};

static void world_reset(void)
{
	memset(&sys, 0, sizeof(sys));
	memset(dom_cfgs, 0, sizeof(dom_cfgs));
	sys.dom = dom_cfgs;
	sys.dom_cap = WORLD_DOMAINS;
	memset(doms, 0, sizeof(doms));
	memset(vcpus, 0, sizeof(vcpus));
	memset(pcpu, 0, sizeof(pcpu));
	memset(sched_pools, 0, sizeof(sched_pools));
	memset(kicks, 0, sizeof(kicks));
	printk_last[0] = 0;
	nr_sched_pools = 0;
	nr_doms = 0;
	sim_now = T0;
	this_cpu = 0;
}

/* Pool n of the configuration (call pools_start() after the last). */
static int new_pool(enum sched_kind k, uint32_t cpus, uint32_t major_us)
{
	int i = sys.nr_pools++;
	struct pool_config *p = &sys.pool[i];

	snprintf(p->path, sizeof(p->path), "Pool-%d", i);
	p->node = -1;
	p->id = (uint32_t)i;
	p->sched = k;
	p->cpus = cpus;
	p->a653_major_us = major_us;
	p->ok = true;
	return i;
}

static void pools_start(void)
{
	sched_init(&sys, MAX_CPUS);
}

static struct sched_pool *pool(int i)
{
	return &sched_pools[i];
}

/* A domain and its vCPUs, joined to their pool by sched_add_vcpu(). */
static struct domain *add_dom(struct dparam dp)
{
	unsigned int i = nr_doms++;
	struct domain_config *c;
	struct domain *d;

	if (i >= WORLD_DOMAINS || dp.vcpus > WORLD_VCPUS) {
		fprintf(stderr, "add_dom: more than the test's world holds\n");
		exit(2);
	}
	c = &sys.dom[i];
	d = &doms[i];

	snprintf(c->path, sizeof(c->path), "/chosen/domU%u", i + 1);
	c->domid = i + 1;
	c->vcpus = dp.vcpus ? dp.vcpus : 1;
	c->pool = dp.pool;
	c->sched_weight = dp.weight ? dp.weight : 256;
	c->sched_cap = dp.cap;
	c->rtds_budget_us = dp.budget_us || dp.raw ? dp.budget_us : 4000;
	c->rtds_period_us = dp.period_us || dp.raw ? dp.period_us : 10000;
	c->a653_window_us = dp.window_us ? dp.window_us : 10000;
	c->ok = true;
	d->id = c->domid;
	d->cfg = c;
	d->state = DOM_RUNNING;
	d->pool = pool(dp.pool);
	d->nr_vcpus = c->vcpus;
	d->vcpu = vcpu_ptrs[i];
	add_rc = 0;
	for (unsigned int k = 0; k < c->vcpus; k++) {
		struct vcpu *v = &vcpus[i][k];
		int rc;

		v->dom = d;
		v->id = k;
		v->power = VCPU_ON;
		d->vcpu[k] = v;
		rc = sched_add_vcpu(v);
		if (rc && !add_rc)
			add_rc = rc;
	}
	return d;
}

#define DOM(...) add_dom((struct dparam){ __VA_ARGS__ })

/* Takes a queued vCPU out of whichever queue its policy keeps. */
static void unqueue(struct sched_pool *p, struct vcpu *v)
{
	if (v->sched.in_heap)
		runq_heap_remove(p, v);
	else
		runq_remove(p, v);
}

/* credit2: v's credit is x as of its pool's resets so far. */
static void set_credit(struct vcpu *v, int64_t x)
{
	v->sched.credit = x;
	v->sched.credit_seen = v->dom->pool->credit_added;
}
#define V(d) ((d)->vcpu[0])

/* In p's run queue (a broken policy may leave a picked vCPU there). */
static bool queued(const struct sched_pool *p, const struct vcpu *v)
{
	unsigned int n = 0;

	if (v->sched.in_heap)
		return true;
	for (const struct vcpu *q = p->q_head; q && n <= p->nr_vcpus;
	     q = q->sched.q_next, n++)
		if (q == v)
			return true;
	return false;
}

/* Single steps: the hooks, with the pool lock held as core.c holds it.
 * A vCPU still queued is not queued again: that would make the list a
 * cycle and the next pick never return. */
static void enqueue(struct vcpu *v)
{
	struct sched_pool *p = v->dom->pool;

	if (!CHECK(!queued(p, v)))
		return;
	spin_lock(&p->lock);
	v->sched.run = RUN_RUNNABLE;
	p->ops->enqueue(p, v, sim_now);
	spin_unlock(&p->lock);
}

static struct vcpu *pick(struct sched_pool *p, unsigned int cpu, uint64_t *until)
{
	struct vcpu *v;

	*until = 0xdeadbeef;   /* every pick must say */
	spin_lock(&p->lock);
	v = p->ops->pick(p, cpu, sim_now, until);
	spin_unlock(&p->lock);
	if (v) {
		v->sched.run = RUN_RUNNING;
		v->sched.cpu = cpu;
		v->sched.ran_since = sim_now;
		v->sched.idle_ticks = 0;
		v->sched.yielded = false;
	}
	pcpu[cpu].curr = v;
	return v;
}

static void charge(struct vcpu *v)
{
	struct sched_pool *p = v->dom->pool;

	spin_lock(&p->lock);
	p->ops->charge(p, v, sim_now);
	spin_unlock(&p->lock);
}

static int tickle(struct vcpu *v, int self)
{
	struct sched_pool *p = v->dom->pool;
	int c;

	spin_lock(&p->lock);
	c = p->ops->tickle(p, v, sim_now, self);
	spin_unlock(&p->lock);
	return c;
}

/* Stops v (running on its CPU) at sim_now: charged, then blocked or
 * queued again. */
static void stop(struct vcpu *v, bool requeue)
{
	charge(v);
	pcpu[v->sched.cpu].curr = NULL;
	if (requeue)
		enqueue(v);
	else
		v->sched.run = RUN_BLOCKED;
}

/* ---- the simulation -------------------------------------------------------- */

struct vstat {
	bool on;              /* takes part */
	uint64_t period;      /* 0: a hog, always runnable */
	uint64_t work;        /* ns of CPU its job needs every period */
	uint64_t release;     /* next job */
	uint64_t left;        /* of the current job(s) */
	uint64_t job_start;   /* release of the oldest unfinished job */
	uint64_t ran;         /* ns it ran */
	uint64_t max_resp;    /* longest release-to-completion of a job */
	unsigned int jobs, done, missed;
};

struct sim {
	struct sched_pool *p;
	uint64_t quantum;           /* longest run without a decision */
	uint64_t ipi_ns;            /* a CPU told by another decides this late */
	uint64_t next[MAX_CPUS];    /* each CPU's next decision */
	uint64_t since[MAX_CPUS];   /* accounted up to */
	uint64_t idle[MAX_CPUS];    /* ns it had nothing to run */
	unsigned long decisions, switches, tells;
	unsigned long bad_pick;     /* picked a vCPU that was not queued */
	unsigned long bad_until;    /* an `until` not in the future */
	int64_t min_credit;         /* credit2: lowest after any charge */
	/* Optional: sees every pick. */
	void (*check)(struct sim *s, unsigned int cpu, struct vcpu *next,
		      uint64_t until);
	unsigned long check_bad;
};

static struct vstat stats[WORLD_DOMAINS][WORLD_VCPUS];

static struct vstat *st(const struct vcpu *v)
{
	return &stats[v->dom - doms][v->id];
}

static void hog(struct vcpu *v)
{
	memset(st(v), 0, sizeof(struct vstat));
	st(v)->on = true;
}

/* Periodic: `work` ns every `period`, the first job released `offset`
 * after the simulation starts. */
static void periodic(struct vcpu *v, uint64_t period, uint64_t work, uint64_t offset)
{
	hog(v);
	st(v)->period = period;
	st(v)->work = work;
	st(v)->release = offset; /* made absolute by sim_start */
}

static bool wants(const struct vcpu *v)
{
	return !st(v)->period || st(v)->left > 0;
}

/* CPU c is told to decide again, `after` ns from now (an IPI). */
static void resched(struct sim *s, int c, uint64_t after)
{
	if (c < 0)
		return;
	pcpu[c].resched = true;
	s->next[c] = MIN(s->next[c], sim_now + after);
}

/* Accounts CPU c's time up to sim_now. */
static void account(struct sim *s, unsigned int c)
{
	uint64_t d = sim_now - s->since[c];
	struct vcpu *v = pcpu[c].curr;
	struct vstat *x;

	s->since[c] = sim_now;
	if (!v) {
		s->idle[c] += d;
		return;
	}
	x = st(v);
	x->ran += d;
	if (x->period && x->left) {
		x->left -= MIN(d, x->left);
		if (!x->left) {
			uint64_t resp = sim_now - x->job_start;

			x->done++;
			x->max_resp = MAX(x->max_resp, resp);
		}
	}
}

/* What make_runnable() does: queue v, tell the CPU the policy names. */
static void sim_wake(struct sim *s, struct vcpu *v)
{
	struct sched_pool *p = s->p;
	int c;

	this_cpu = 0;
	spin_lock(&p->lock);
	v->sched.run = RUN_RUNNABLE;
	p->ops->enqueue(p, v, sim_now);
	c = p->ops->tickle(p, v, sim_now, -1);
	spin_unlock(&p->lock);
	resched(s, c, 0);
}

/* What decide() does on CPU c, with the policy's hooks. */
static void sim_decide(struct sim *s, unsigned int c)
{
	struct sched_pool *p = s->p;
	struct vcpu *prev = pcpu[c].curr, *next, *requeued = NULL;
	uint64_t until = 0, nx;
	int tell = -1;

	account(s, c);
	this_cpu = c;
	pcpu[c].resched = false;
	s->decisions++;
	spin_lock(&p->lock);
	if (prev) {
		p->ops->charge(p, prev, sim_now);
		if (p->ops == &sched_credit2_ops)
			s->min_credit = MIN(s->min_credit, credit2_credit(prev));
		if (queued(p, prev)) {
			s->bad_pick++;      /* picked, yet left in the queue */
		} else if (wants(prev)) {
			prev->sched.run = RUN_RUNNABLE;
			p->ops->enqueue(p, prev, sim_now);
			requeued = prev;
		} else {
			prev->sched.run = RUN_BLOCKED;
		}
	}
	next = p->ops->pick(p, c, sim_now, &until);
	if (next) {
		if (next->sched.run != RUN_RUNNABLE || next->sched.q_next ||
		    next->sched.q_prev || p->q_head == next)
			s->bad_pick++;
		next->sched.run = RUN_RUNNING;
		next->sched.cpu = c;
		next->sched.ran_since = sim_now;
		next->sched.idle_ticks = 0;
		next->sched.yielded = false;
	}
	if (prev)
		prev->sched.yielded = false;  /* a yield counts for one decision */
	if (next != prev)
		s->switches++;
	pcpu[c].curr = next;
	/* Preempted and left waiting: another CPU of the pool may owe it
	 * its turn. */
	if (requeued && requeued != next && (p->cpus & (p->cpus - 1)))
		tell = p->ops->tickle(p, requeued, sim_now, (int)c);
	spin_unlock(&p->lock);
	if (s->check)
		s->check(s, c, next, until);
	if (until && until <= sim_now) {
		s->bad_until++;
		until = sim_now + 1;
	}
	nx = until ? until : NEVER;
	if (s->quantum != NEVER)
		nx = MIN(nx, sim_now + s->quantum);
	if (next && st(next)->period)
		nx = MIN(nx, sim_now + st(next)->left);
	s->next[c] = nx;
	resched(s, tell, s->ipi_ns);
	if (tell >= 0)
		s->tells++;
}

/* A periodic vCPU's next job is due. */
static void sim_release(struct sim *s, struct vcpu *v)
{
	struct vstat *x = st(v);

	if (v->sched.run == RUN_RUNNING)
		account(s, v->sched.cpu);
	x->jobs++;
	if (x->left)
		x->missed++;   /* the previous job's deadline is now */
	else
		x->job_start = x->release;
	x->left += x->work;
	x->release += x->period;
	if (v->sched.run == RUN_BLOCKED || v->sched.run == RUN_OFFLINE)
		sim_wake(s, v);
}

static void sim_start(struct sim *s, struct sched_pool *p, uint64_t quantum)
{
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->quantum = quantum;
	s->ipi_ns = 1 * US;
	s->min_credit = INT64_MAX;
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		s->next[c] = (p->cpus >> c) & 1 ? sim_now : NEVER;
		s->since[c] = sim_now;
	}
	for (struct vcpu *v = p->all_head; v; v = v->sched.pool_next) {
		if (!st(v)->on)
			continue;
		if (st(v)->period)
			st(v)->release += sim_now;
		else
			sim_wake(s, v);
	}
}

static void sim_run(struct sim *s, uint64_t dur)
{
	uint64_t end = sim_now + dur;
	unsigned long steps = 0;

	for (;;) {
		uint64_t t = NEVER;
		int cpu = -1;
		struct vcpu *rel = NULL;

		for (unsigned int c = 0; c < MAX_CPUS; c++)
			if ((s->p->cpus >> c) & 1 && s->next[c] < t) {
				t = s->next[c];
				cpu = (int)c;
			}
		for (struct vcpu *v = s->p->all_head; v; v = v->sched.pool_next) {
			if (st(v)->on && st(v)->period && st(v)->release <= t) {
				t = st(v)->release;
				rel = v;
			}
		}
		if (t > end)
			break;
		/* A policy that keeps asking to decide at once (or the
		 * ping-pong of a known bug at its worst, ~1e6 decisions a
		 * second) stays far below this. */
		if (++steps > 5000000UL || s->bad_until > 1000) {
			fprintf(stderr, "sim_run: stopped at %" PRIu64 " ns: no progress\n",
				sim_now);
			s->bad_until++;
			break;
		}
		sim_now = t;
		if (rel)
			sim_release(s, rel);
		else
			sim_decide(s, (unsigned int)cpu);
	}
	sim_now = end;
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if ((s->p->cpus >> c) & 1)
			account(s, c);
}

/* Every pick took a queued vCPU off the queue; every `until` was in the
 * future; the simulation got to its end. */
static void sim_ok(const struct sim *s)
{
	CHECK_EQ(s->bad_pick, 0);
	CHECK_EQ(s->bad_until, 0);
}

static uint64_t idle_total(const struct sim *s)
{
	uint64_t t = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		t += s->idle[c];
	return t;
}

/* What a simulation measured: printed with SCHED_VERBOSE=1. */
static bool verbose;

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* |got - want| <= tol * want */
static bool near(double got, double want, double tol)
{
	double d = got > want ? got - want : want - got;

	return d <= tol * want;
}

#define CHECK_NEAR(got, want, tol)                                           \
	do {                                                                 \
		double g_ = (got), w_ = (want);                              \
		if (!check_report(near(g_, w_, (tol)), __FILE__, __LINE__,   \
				  #got " ~ " #want))                         \
			fprintf(stderr, "    %.5f, want %.5f +- %.1f%%\n", g_, \
				w_, 100.0 * (tol));                          \
	} while (0)

static double share(const struct vcpu *v, uint64_t dur)
{
	return (double)st(v)->ran / (double)dur;
}

/* ---- core.c helpers ---------------------------------------------------------- */

static void test_runq(void)
{
	struct sched_pool *p;
	struct domain *a, *b, *c;

	world_reset();
	new_pool(SCHED_CREDIT2, 0x1, 0);
	pools_start();
	a = DOM(.pool = 0);
	b = DOM(.pool = 0);
	c = DOM(.pool = 0);
	p = pool(0);
	CHECK_EQ(p->nr_vcpus, 3);
	CHECK(p->all_head == V(a) && V(a)->sched.pool_next == V(b) &&
	      V(b)->sched.pool_next == V(c) && !V(c)->sched.pool_next &&
	      p->all_tail == V(c));
	CHECK_EQ(V(a)->sched.run, RUN_OFFLINE);
	CHECK_EQ(V(a)->sched.ctx_cpu, -1);
	runq_insert(p, V(a));
	runq_insert(p, V(b));
	runq_insert(p, V(c));
	CHECK_EQ(p->nr_queued, 3);
	CHECK(p->q_head == V(a) && p->q_tail == V(c));
	runq_remove(p, V(b));   /* middle */
	CHECK(p->q_head == V(a) && V(a)->sched.q_next == V(c));
	CHECK(V(c)->sched.q_prev == V(a));
	CHECK(!V(b)->sched.q_next && !V(b)->sched.q_prev);
	runq_remove(p, V(a));   /* head */
	CHECK(p->q_head == V(c) && !V(c)->sched.q_prev);
	runq_remove(p, V(c));   /* last */
	CHECK(!p->q_head && !p->q_tail);
	CHECK_EQ(p->nr_queued, 0);
}

/* An idle CPU: untold and not running first, `prefer` before the others,
 * else one idling in place, else one already told. */
static void test_idle_cpu(void)
{
	struct sched_pool *p;
	struct vcpu *x, *y;

	world_reset();
	new_pool(SCHED_CREDIT2, 0xe, 0);   /* CPUs 1-3 */
	pools_start();
	x = V(DOM(.pool = 0));
	y = V(DOM(.pool = 0));
	p = pool(0);
	CHECK_EQ(sched_idle_cpu(p, 2, -1), 2);    /* prefer */
	CHECK_EQ(sched_idle_cpu(p, 0, -1), 1);    /* 0 is not in the pool */
	CHECK_EQ(sched_idle_cpu(p, 2, 2), 1);     /* self is not a candidate */
	pcpu[1].curr = x;
	pcpu[2].resched = true;                   /* told already */
	CHECK_EQ(sched_idle_cpu(p, 1, -1), 3);
	pcpu[3].curr = y;
	CHECK_EQ(sched_idle_cpu(p, 1, -1), 2);    /* told beats nothing */
	pcpu[3].idle_in_place = true;
	CHECK_EQ(sched_idle_cpu(p, 1, -1), 3);    /* in place beats told */
	pcpu[2].curr = x;
	pcpu[3].idle_in_place = false;
	CHECK_EQ(sched_idle_cpu(p, 1, -1), -1);   /* every CPU busy */

	/* Ran: since it was picked, less idling in place; never negative. */
	x->sched.ran_since = T0;
	sim_now = T0 + 10 * MS;
	x->sched.idle_ticks = 4 * MS / TICK_NS;
	CHECK_EQ(sched_ran_ns(x, sim_now), 6 * MS);
	x->sched.idle_ticks = 20 * MS / TICK_NS;
	CHECK_EQ(sched_ran_ns(x, sim_now), 0);
	x->sched.ran_since = sim_now + 1;
	x->sched.idle_ticks = 0;
	CHECK_EQ(sched_ran_ns(x, sim_now), 0);
}

/* A CPU that did not come up leaves its pool (sched_cpu_down): nobody
 * tells it anything; a pool left with none tells nobody. */
static void test_cpu_down(void)
{
	static const enum sched_kind kinds[] = { SCHED_CREDIT2, SCHED_RTDS };
	struct vcpu *v;

	for (unsigned int k = 0; k < 2; k++) {
		world_reset();
		new_pool(kinds[k], 0x6, 0);      /* CPUs 1 and 2 */
		pools_start();
		v = V(DOM());
		v->sched.cpu = 2;
		sched_cpu_down(2);
		CHECK_EQ(pool(0)->cpus, 0x2);
		CHECK(pcpu[2].pool == NULL);
		CHECK_EQ(tickle(v, -1), 1);
		CHECK_EQ(tickle(v, 1), -1);
		sched_cpu_down(1);
		CHECK_EQ(pool(0)->cpus, 0);
		CHECK_EQ(tickle(v, -1), -1);
		CHECK_EQ(sched_idle_cpu(pool(0), 1, -1), -1);
	}
	CHECK_CONTAINS(printk_last, "no CPU is up");
	world_reset();
	new_pool(SCHED_ARINC653, 0x2, 0);
	pools_start();
	v = V(DOM());
	sched_cpu_down(1);
	CHECK_EQ(tickle(v, -1), -1);

	/* null: the vCPU that owned it cannot run, and the console says so. */
	world_reset();
	new_pool(SCHED_NULL, 0x6, 0);
	pools_start();
	DOM();
	DOM();
	sched_cpu_down(2);
	CHECK_CONTAINS(printk_last, "d2v0: its CPU2 (null scheduler) is not up");
}

/* ---- credit2 ----------------------------------------------------------------- */

#define C2_INIT (10 * (int64_t)MS)

static void c2_world(uint32_t cpus)
{
	world_reset();
	new_pool(SCHED_CREDIT2, cpus, 0);
	pools_start();
}

/* Weights 64/128/256 on one CPU: shares 1/7, 2/7, 4/7. */
static void c2_weights(uint64_t quantum)
{
	struct vcpu *v[3];
	struct sim s;
	static const uint32_t w[3] = { 64, 128, 256 };

	c2_world(0x1);
	for (int i = 0; i < 3; i++) {
		v[i] = V(DOM(.weight = w[i]));
		hog(v[i]);
	}
	sim_start(&s, pool(0), quantum);
	sim_run(&s, SEC);
	note("credit2 64/128/256, 1 CPU, quantum %s: shares %.4f %.4f %.4f "
	       "(want %.4f %.4f %.4f), min credit %.3f ms, %lu decisions\n",
	       quantum == NEVER ? "none" : "1 ms", share(v[0], SEC),
	       share(v[1], SEC), share(v[2], SEC), 1 / 7.0, 2 / 7.0, 4 / 7.0,
	       (double)s.min_credit / MS, s.decisions);
	CHECK_NEAR(share(v[0], SEC), 1 / 7.0, 0.02);
	CHECK_NEAR(share(v[1], SEC), 2 / 7.0, 0.02);
	CHECK_NEAR(share(v[2], SEC), 4 / 7.0, 0.02);
	CHECK_EQ(idle_total(&s), 0);
	sim_ok(&s);
	/* The floor held throughout. */
	CHECK(s.min_credit >= -C2_INIT);
}

static void test_c2_weights(void)
{
	c2_weights(NEVER);
	c2_weights(1 * MS);
}

static void test_c2_equal(void)
{
	struct vcpu *v[3];
	struct sim s;

	/* Three on one CPU, all at a weight above the default. */
	c2_world(0x1);
	for (int i = 0; i < 3; i++) {
		v[i] = V(DOM(.weight = 512));
		hog(v[i]);
	}
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	note("credit2 equal weights, 3 vCPUs on 1 CPU: %.4f %.4f %.4f\n",
	       share(v[0], SEC), share(v[1], SEC), share(v[2], SEC));
	for (int i = 0; i < 3; i++)
		CHECK_NEAR(share(v[i], SEC), 1 / 3.0, 0.02);
	CHECK_EQ(idle_total(&s), 0);
	sim_ok(&s);

	/* Three on two CPUs (one queue): 2/3 of a CPU each, none idle. */
	c2_world(0x3);
	for (int i = 0; i < 3; i++) {
		v[i] = V(DOM());
		hog(v[i]);
	}
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	note("credit2 equal weights, 3 vCPUs on 2 CPUs: %.4f %.4f %.4f, "
	       "%lu decisions, %lu switches\n", share(v[0], SEC),
	       share(v[1], SEC), share(v[2], SEC), s.decisions, s.switches);
	for (int i = 0; i < 3; i++)
		CHECK_NEAR(share(v[i], SEC), 2 / 3.0, 0.02);
	CHECK_EQ(idle_total(&s), 0);
	sim_ok(&s);
}

/* The keyed run queue against a plain reference: random inserts and
 * removals (of the top and of any member) over 64 vCPUs; the top is
 * always a highest key and the count right. */
static void test_runq_heap(void)
{
	struct sched_pool *p;
	struct vcpu *v[64];
	bool in[64] = { false };
	uint32_t seed = 12345;
	unsigned int n = 0;

	world_reset();
	new_pool(SCHED_CREDIT2, 0x1, 0);
	pools_start();
	for (int i = 0; i < 64; i++)
		v[i] = V(DOM(.pool = 0));
	p = pool(0);
	for (int step = 0; step < 20000; step++) {
		int i;

		seed = seed * 1103515245 + 12345;
		i = (int)((seed >> 8) % 64);
		if (!in[i]) {
			/* Keys collide often: ties must not break the heap. */
			runq_heap_insert(p, v[i], (int64_t)((seed >> 16) % 50) - 25);
			in[i] = true;
			n++;
		} else if ((seed >> 20) & 1) {
			runq_heap_remove(p, v[i]);
			in[i] = false;
			n--;
		} else {
			struct vcpu *t = runq_heap_top(p);

			CHECK(t && t->sched.in_heap);
			runq_heap_remove(p, t);
			in[t->dom - doms] = false;
			n--;
		}
		/* The top has the highest key of those in. */
		int64_t best = INT64_MIN;
		for (int k = 0; k < 64; k++)
			if (in[k] && v[k]->sched.rq.key > best)
				best = v[k]->sched.rq.key;
		if (n) {
			if (!CHECK(runq_heap_top(p) && runq_heap_top(p)->sched.rq.key == best))
				return;
		} else if (!CHECK(!runq_heap_top(p))) {
			return;
		}
		if (!CHECK(p->nr_queued == n))
			return;
		for (int k = 0; k < 64 && step % 97 == 0; k++)
			if (!CHECK(v[k]->sched.in_heap == in[k]))
				return;
	}
}

/* Many domains on two CPUs (issue #12): 64 equal hogs share them
 * equally (Jain's index >= 0.999 over a second), and no decision walks
 * the queue: each takes the same handful of heap steps. */
static void test_c2_many(void)
{
	struct vcpu *v[64];
	struct sim s;
	double sum = 0, sq = 0, lo = 1, hi = 0, j;

	c2_world(0x3);
	for (int i = 0; i < 64; i++) {
		v[i] = V(DOM());
		hog(v[i]);
	}
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	for (int i = 0; i < 64; i++) {
		double x = share(v[i], SEC);

		sum += x;
		sq += x * x;
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
	}
	j = sum * sum / (64 * sq);
	note("credit2, 64 equal hogs on 2 CPUs: shares %.5f..%.5f (sum %.4f), "
	     "Jain %.6f, %lu decisions\n", lo, hi, sum, j, s.decisions);
	CHECK(j >= 0.999);
	CHECK_NEAR(sum, 2.0, 0.001);
	CHECK_EQ(idle_total(&s), 0);
	sim_ok(&s);
}

/* A reset while another CPU runs a vCPU: what it ran so far counts
 * before the clip (Xen burns a running unit's credit first), and is
 * still charged at its next decision. Resets never overflow: the pool's
 * running total is rebased, the queue order kept. */
static void test_c2_reset_running(void)
{
	struct vcpu *a, *r, *q;
	uint64_t until;

	c2_world(0x3);
	a = V(DOM());
	r = V(DOM());
	q = V(DOM());
	set_credit(r, 8 * (int64_t)MS);
	enqueue(r);
	CHECK(pick(pool(0), 1, &until) == r);     /* r runs on CPU 1 */
	sim_now += 6 * MS;                        /* 2 ms left now */
	set_credit(a, 0);
	set_credit(q, -3 * (int64_t)MS);
	enqueue(a);
	enqueue(q);
	CHECK(pick(pool(0), 0, &until) == a);     /* best at 0: reset */
	charge(r);
	/* min(2 + 10, 10.5) = 10.5, not min(8 + 10, 10.5) - 6 = 4.5 */
	CHECK_EQ(credit2_credit(r), C2_INIT + 500 * (int64_t)US);
	CHECK_EQ(credit2_credit(q), 7 * (int64_t)MS);

	/* Rebase: a reset that takes the total past 2^61 shifts it back;
	 * credits and the queue's order stay as they were. */
	c2_world(0x1);
	a = V(DOM());
	r = V(DOM());
	q = V(DOM());
	pool(0)->credit_added = (1LL << 61) - 5;
	set_credit(a, -5 * (int64_t)MS);
	set_credit(r, -1 * (int64_t)MS);
	set_credit(q, -3 * (int64_t)MS);
	enqueue(a);
	enqueue(q);
	enqueue(r);
	CHECK(pick(pool(0), 0, &until) == r);     /* -1 ms: reset, rebase */
	CHECK(pool(0)->credit_added < (1LL << 61));
	CHECK_EQ(credit2_credit(r), 9 * (int64_t)MS);
	stop(r, false);
	CHECK(pick(pool(0), 0, &until) == q);
	CHECK_EQ(credit2_credit(q), 7 * (int64_t)MS);
	CHECK(runq_heap_top(pool(0)) == a);
	CHECK_EQ(credit2_credit(a), 5 * (int64_t)MS);
}

/* A 25% cap on a domain alone on its CPU: 2.5 ms of every 10 ms. */
static void test_c2_cap(void)
{
	struct domain *d;
	struct vcpu *v, *w;
	uint64_t until, t;
	struct sim s;

	c2_world(0x1);
	d = DOM(.cap = 25);
	v = V(d);
	CHECK_EQ(d->cap_budget, 2500 * US);
	enqueue(v);
	t = sim_now;
	CHECK(pick(pool(0), 0, &until) == v);
	CHECK_EQ(until, t + 2500 * US);   /* alone, but the budget runs out */
	sim_now = until;
	stop(v, true);
	CHECK_EQ(d->cap_budget, 0);
	CHECK(pick(pool(0), 0, &until) == NULL);
	CHECK_EQ(until, t + 10 * MS);     /* the replenishment */
	CHECK(queued(pool(0), v));
	sim_now = t + 5 * MS;             /* a spurious decision */
	CHECK(pick(pool(0), 0, &until) == NULL);
	CHECK_EQ(until, t + 10 * MS);
	sim_now = t + 10 * MS;
	CHECK(pick(pool(0), 0, &until) == v);
	CHECK_EQ(until, sim_now + 2500 * US);
	CHECK_EQ(d->cap_budget, 2500 * US);

	/* Over a second, with decisions only when the policy asks. */
	c2_world(0x1);
	v = V(DOM(.cap = 25));
	hog(v);
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	note("credit2 cap 25%% alone: %.4f of the CPU, idle %.4f\n",
	       share(v, SEC), (double)idle_total(&s) / SEC);
	CHECK_NEAR(share(v, SEC), 0.25, 0.02);
	CHECK_NEAR((double)idle_total(&s) / SEC, 0.75, 0.02);
	sim_ok(&s);

	/* Beside an uncapped domain of the same weight, with a 1 ms quantum:
	 * the cap, not the weight, limits it; the other takes the rest. */
	c2_world(0x1);
	v = V(DOM(.cap = 25));
	w = V(DOM());
	hog(v);
	hog(w);
	sim_start(&s, pool(0), 1 * MS);
	sim_run(&s, SEC);
	note("credit2 cap 25%% beside an uncapped hog: %.4f / %.4f\n",
	       share(v, SEC), share(w, SEC));
	CHECK_NEAR(share(v, SEC), 0.25, 0.02);
	CHECK_NEAR(share(w, SEC), 0.75, 0.02);
	CHECK_EQ(idle_total(&s), 0);
	sim_ok(&s);

	/* A 50% cap over a domain's two vCPUs on two CPUs: both run on the
	 * shared budget at once and overspend a period; the debt is paid
	 * in the next, so half a CPU in all. */
	c2_world(0x3);
	d = DOM(.vcpus = 2, .cap = 50);
	hog(d->vcpu[0]);
	hog(d->vcpu[1]);
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	note("credit2 cap 50%% over 2 vCPUs on 2 CPUs: %.4f + %.4f of a CPU\n",
	       share(d->vcpu[0], SEC), share(d->vcpu[1], SEC));
	CHECK_NEAR(share(d->vcpu[0], SEC) + share(d->vcpu[1], SEC), 0.5, 0.02);
	sim_ok(&s);
}

/* Credit never goes below -CREDIT_INIT; a pick whose best has none left
 * gives everyone CREDIT_INIT more (twice that from the floor), keeping
 * at most CREDIT_INIT + 0.5 ms. */
static void test_c2_credit(void)
{
	struct vcpu *a, *b, *c;
	uint64_t until;

	c2_world(0x1);
	a = V(DOM(.weight = 64));
	b = V(DOM(.weight = 256));   /* max weight 256: a burns 4x */
	c = V(DOM(.weight = 256));
	CHECK_EQ(pool(0)->max_weight, 256);
	CHECK_EQ(credit2_credit(a), C2_INIT);
	enqueue(a);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(until, 0);               /* alone, uncapped: no slice */
	sim_now += 2 * MS;
	charge(a);
	CHECK_EQ(credit2_credit(a), C2_INIT - 8 * (int64_t)MS);
	CHECK_EQ(a->sched.ran_since, sim_now);
	sim_now += 20 * MS;               /* would be -72 ms */
	stop(a, false);
	CHECK_EQ(credit2_credit(a), -C2_INIT);

	/* Idling in place is not charged. */
	b->sched.ran_since = sim_now;
	sim_now += 3 * MS;
	b->sched.idle_ticks = 1 * MS / TICK_NS;
	charge(b);
	CHECK_EQ(credit2_credit(b), C2_INIT - 2 * (int64_t)MS);

	/* The best has no credit: reset. From the floor: +2 * INIT. */
	enqueue(a);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(credit2_credit(a), C2_INIT);               /* -10 + 20 */
	CHECK_EQ(credit2_credit(b), C2_INIT + 500 * (int64_t)US); /* 8 + 20, clipped */
	CHECK_EQ(credit2_credit(c), C2_INIT + 500 * (int64_t)US);
	stop(a, false);

	/* Best at 0 (not the floor): +INIT once, for queued or not. */
	set_credit(a, 0);
	set_credit(b, -3 * (int64_t)MS);
	set_credit(c, -7 * (int64_t)MS);               /* blocked */
	enqueue(a);
	enqueue(b);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(credit2_credit(a), C2_INIT);
	CHECK_EQ(credit2_credit(b), 7 * (int64_t)MS);
	CHECK_EQ(credit2_credit(c), 3 * (int64_t)MS);
	/* Slice after the reset: (10 - 7) ms at a's weight 64/256. */
	CHECK_EQ(until, sim_now + 750 * US);
	stop(a, false);
	CHECK(pick(pool(0), 0, &until) == b);
	stop(b, false);

	/* Best still positive: nobody is topped up. */
	set_credit(a, 1);
	set_credit(b, -5 * (int64_t)MS);
	enqueue(a);
	enqueue(b);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(credit2_credit(a), 1);
	CHECK_EQ(credit2_credit(b), -5 * (int64_t)MS);
}

/* The slice: until the best would fall to the second's credit, within
 * [0.5 ms, 10 ms]; none for a vCPU alone and uncapped. */
static void test_c2_slice(void)
{
	struct vcpu *a, *b, *h;
	uint64_t until;

	c2_world(0x1);
	a = V(DOM(.weight = 128));
	b = V(DOM(.weight = 256));
	h = V(DOM(.weight = 256));

	set_credit(a, 10 * (int64_t)MS);
	set_credit(b, 6 * (int64_t)MS);
	enqueue(b);
	enqueue(a);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(until, sim_now + 2 * MS);   /* 4 ms of credit at 2x */
	stop(a, false);
	CHECK(pick(pool(0), 0, &until) == b);
	CHECK_EQ(until, 0);                  /* alone now */
	stop(b, false);

	/* Equal weights, close credits: the minimum. */
	set_credit(b, 10 * (int64_t)MS);
	set_credit(h, 9900 * (int64_t)US);
	enqueue(h);
	enqueue(b);
	CHECK(pick(pool(0), 0, &until) == b);
	CHECK_EQ(until, sim_now + 500 * US);
	stop(b, false);
	unqueue(pool(0), h);

	/* Far apart: the maximum. */
	set_credit(b, 10500 * (int64_t)US);
	set_credit(h, -10 * (int64_t)MS);
	enqueue(b);
	enqueue(h);
	CHECK(pick(pool(0), 0, &until) == b);
	CHECK_EQ(until, sim_now + 10 * MS);
	stop(b, false);
	unqueue(pool(0), h);

	/* Weights above the default: the heaviest burns at real time. */
	c2_world(0x1);
	a = V(DOM(.weight = 512));
	b = V(DOM(.weight = 1024));
	CHECK_EQ(pool(0)->max_weight, 1024);
	set_credit(a, 6 * (int64_t)MS);
	set_credit(b, 10 * (int64_t)MS);
	enqueue(a);
	enqueue(b);
	CHECK(pick(pool(0), 0, &until) == b);
	CHECK_EQ(until, sim_now + 4 * MS);
	stop(b, false);
	CHECK(pick(pool(0), 0, &until) == a);
	sim_now += 1 * MS;
	stop(a, false);
	CHECK_EQ(credit2_credit(a), 4 * (int64_t)MS);   /* 1 ms at half weight */
	h = V(DOM(.weight = 1024));

	/* A yield: the other goes first once (1 ms behind). */
	set_credit(b, 10 * (int64_t)MS);
	set_credit(h, 9500 * (int64_t)US);
	b->sched.yielded = true;
	enqueue(b);
	enqueue(h);
	CHECK(pick(pool(0), 0, &until) == h);
	CHECK(queued(pool(0), b));
}

/* A woken vCPU: an idle CPU of the pool (its last CPU first), else the
 * CPU whose vCPU has the least credit as of now. */
static void test_c2_tickle(void)
{
	struct vcpu *x, *y, *z, *v;

	c2_world(0x6);   /* CPUs 1 and 2 */
	x = V(DOM());
	y = V(DOM(.weight = 128));
	z = V(DOM());
	v = V(DOM());
	v->sched.cpu = 2;
	CHECK_EQ(tickle(v, -1), 2);          /* both idle: its own first */
	v->sched.cpu = 1;
	CHECK_EQ(tickle(v, -1), 1);
	CHECK_EQ(tickle(v, 1), 2);           /* not self */
	pcpu[1].curr = x;
	CHECK_EQ(tickle(v, -1), 2);          /* the idle one */

	/* Both busy: x has 8 ms and just started; z has 9 ms but has run
	 * 3 ms of it away, so 6 ms: z's CPU. */
	set_credit(x, 8 * (int64_t)MS);
	x->sched.ran_since = sim_now;
	set_credit(z, 9 * (int64_t)MS);
	z->sched.ran_since = sim_now - 3 * MS;
	pcpu[2].curr = z;
	CHECK_EQ(tickle(v, -1), 2);
	CHECK_EQ(tickle(v, 2), 1);           /* self excluded */
	/* y (weight 128 of max 256) has 9.5 ms but has run 1 ms at twice
	 * the rate: 7.5 ms, below x's 8: y's CPU. */
	set_credit(y, 9500 * (int64_t)US);
	y->sched.ran_since = sim_now - 1 * MS;
	pcpu[2].curr = y;
	CHECK_EQ(tickle(v, -1), 2);
	y->sched.ran_since = sim_now;        /* 9.5 > 8: x's CPU */
	CHECK_EQ(tickle(v, -1), 1);
}

/* ---- null ---------------------------------------------------------------------- */

/* A null CPU runs its own vCPU or nothing, and never sets a slice. */
static void null_check(struct sim *s, unsigned int cpu, struct vcpu *next,
		       uint64_t until)
{
	if ((next && next->sched.null_cpu != (int)cpu) || until)
		s->check_bad++;
}

static void test_null(void)
{
	struct domain *a, *b, *c;
	struct sched_pool *p;
	uint64_t until;
	struct sim s;

	world_reset();
	new_pool(SCHED_CREDIT2, 0x1, 0);
	new_pool(SCHED_NULL, 0xa, 0);        /* CPUs 1 and 3 */
	pools_start();
	p = pool(1);
	CHECK(p->ops->cpu_owned);
	a = DOM(.pool = 1);
	b = DOM(.pool = 1);
	CHECK_EQ(add_rc, 0);
	CHECK_EQ(V(a)->sched.null_cpu, 1);   /* the pool's first CPU */
	CHECK_EQ(V(b)->sched.null_cpu, 3);   /* its second */
	CHECK_EQ(V(b)->sched.cpu, 3);
	c = DOM(.pool = 1);
	CHECK_EQ(add_rc, -1);                /* no CPU left */
	CHECK_EQ(V(c)->sched.null_cpu, -1);
	CHECK_EQ(p->nr_vcpus, 2);

	/* Each CPU picks only its own vCPU; no slice. */
	enqueue(V(b));
	CHECK(pick(p, 1, &until) == NULL);
	CHECK_EQ(until, 0);
	CHECK(queued(p, V(b)));
	enqueue(V(a));
	CHECK(pick(p, 3, &until) == V(b));
	CHECK_EQ(until, 0);
	CHECK(pick(p, 3, &until) == NULL);
	CHECK(pick(p, 1, &until) == V(a));
	CHECK_EQ(until, 0);
	CHECK_EQ(p->nr_queued, 0);

	/* Tickle names the owner, busy or not, unless it is self. */
	CHECK_EQ(tickle(V(a), -1), 1);
	CHECK_EQ(tickle(V(b), -1), 3);
	CHECK_EQ(tickle(V(b), 1), 3);
	CHECK_EQ(tickle(V(b), 3), -1);

	/* A 2-vCPU domain gets both CPUs in vCPU order. */
	world_reset();
	new_pool(SCHED_NULL, 0x6, 0);
	pools_start();
	a = DOM(.vcpus = 2);
	CHECK_EQ(add_rc, 0);
	CHECK_EQ(a->vcpu[0]->sched.null_cpu, 1);
	CHECK_EQ(a->vcpu[1]->sched.null_cpu, 2);
	CHECK_EQ(V(DOM())->sched.null_cpu, -1);
	CHECK_EQ(add_rc, -1);

	/* A second of two hogs: each ran all of it, on its own CPU only. */
	hog(a->vcpu[0]);
	hog(a->vcpu[1]);
	sim_start(&s, pool(0), 1 * MS);
	s.check = null_check;
	sim_run(&s, SEC);
	CHECK_EQ(s.check_bad, 0);
	CHECK(s.decisions >= 2 * 1000);
	CHECK_EQ(st(a->vcpu[0])->ran, SEC);
	CHECK_EQ(st(a->vcpu[1])->ran, SEC);
	sim_ok(&s);
}

/* ---- rtds ---------------------------------------------------------------------- */

static void rt_world(uint32_t cpus)
{
	world_reset();
	new_pool(SCHED_RTDS, cpus, 0);
	pools_start();
}

static void test_rt_add(void)
{
	rt_world(0x1);
	DOM(.budget_us = 2000, .period_us = 10000);
	CHECK_EQ(add_rc, 0);
	DOM(.raw = true, .budget_us = 0, .period_us = 10000);
	CHECK_EQ(add_rc, -1);
	DOM(.raw = true, .budget_us = 1000, .period_us = 0);
	CHECK_EQ(add_rc, -1);
	CHECK_EQ(pool(0)->nr_vcpus, 1);
}

/* Earliest deadline first, whatever the queue order; `until` the end of
 * the budget or the next replenishment, whichever comes first. */
static void test_rt_edf(void)
{
	struct vcpu *a, *b, *c;
	uint64_t until, t = T0;

	rt_world(0x1);
	a = V(DOM(.budget_us = 1000, .period_us = 20000));
	b = V(DOM(.budget_us = 1000, .period_us = 10000));
	c = V(DOM(.budget_us = 1000, .period_us = 5000));
	enqueue(a);
	enqueue(b);
	enqueue(c);
	CHECK_EQ(a->sched.deadline, t + 20 * MS);
	CHECK_EQ(c->sched.budget_left, 1 * MS);
	CHECK(pick(pool(0), 0, &until) == c);
	CHECK_EQ(until, t + 1 * MS);         /* c's budget */
	stop(c, false);
	CHECK(pick(pool(0), 0, &until) == b);
	stop(b, false);
	CHECK(pick(pool(0), 0, &until) == a);
	stop(a, false);

	/* A replenishment before the budget's end: until then. */
	rt_world(0x1);
	a = V(DOM(.budget_us = 4000, .period_us = 10000));
	b = V(DOM(.budget_us = 1000, .period_us = 10000));
	enqueue(b);
	CHECK(pick(pool(0), 0, &until) == b);
	CHECK_EQ(until, t + 1 * MS);
	sim_now = until;
	stop(b, true);                       /* used up, deadline t + 10 */
	CHECK_EQ(b->sched.budget_left, 0);
	sim_now = t + 7 * MS;
	enqueue(a);                          /* deadline t + 17 */
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(until, t + 10 * MS);        /* b's budget comes back */
	sim_now = until;
	stop(a, true);                       /* 1 ms left */
	CHECK_EQ(a->sched.budget_left, 1 * MS);
	CHECK(pick(pool(0), 0, &until) == a); /* t+17 before b's t+20 */
	CHECK_EQ(until, t + 11 * MS);        /* a's budget */
	CHECK_EQ(b->sched.deadline, t + 20 * MS);
	CHECK_EQ(b->sched.budget_left, 1 * MS);
}

/* After sleeping, the deadline moves on by whole periods (on the grid of
 * the first one) with a full budget; before it, nothing changes. */
static void test_rt_replenish(void)
{
	struct vcpu *v;
	uint64_t until, t = T0;

	rt_world(0x1);
	v = V(DOM());                        /* 4 ms / 10 ms */
	enqueue(v);
	CHECK(pick(pool(0), 0, &until) == v);
	sim_now = t + 1 * MS;
	stop(v, false);
	sim_now = t + 5 * MS;                /* same period: 3 ms left */
	enqueue(v);
	CHECK_EQ(v->sched.deadline, t + 10 * MS);
	CHECK_EQ(v->sched.budget_left, 3 * MS);
	CHECK(pick(pool(0), 0, &until) == v);
	CHECK_EQ(until, t + 8 * MS);
	sim_now = until;
	stop(v, false);
	CHECK_EQ(v->sched.budget_left, 0);
	sim_now = t + 95300 * US;            /* a long sleep */
	enqueue(v);
	CHECK_EQ(v->sched.deadline, t + 100 * MS);
	CHECK_EQ(v->sched.budget_left, 4 * MS);
	CHECK(pick(pool(0), 0, &until) == v);
	CHECK_EQ(until, t + 99300 * US);
	sim_now = t + 96 * MS;
	stop(v, false);
	sim_now = t + 200 * MS;              /* exactly on a period's start */
	enqueue(v);
	CHECK_EQ(v->sched.deadline, t + 210 * MS);
	CHECK_EQ(v->sched.budget_left, 4 * MS);
}

/* Extratime: a depleted vCPU runs when nobody with budget wants the CPU,
 * until its next replenishment; never before one with budget. */
static void test_rt_extratime(void)
{
	struct vcpu *a, *b;
	uint64_t until, t = T0;
	struct sim s;

	rt_world(0x1);
	a = V(DOM(.budget_us = 2000, .period_us = 10000));
	b = V(DOM(.budget_us = 1000, .period_us = 30000));
	enqueue(a);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(until, t + 2 * MS);
	sim_now = until;
	stop(a, true);
	CHECK(pick(pool(0), 0, &until) == a); /* depleted, but alone */
	CHECK_EQ(until, t + 10 * MS);        /* its replenishment */
	sim_now = t + 4 * MS;
	stop(a, true);
	enqueue(b);                          /* budget, later deadline */
	CHECK(pick(pool(0), 0, &until) == b);
	CHECK_EQ(until, t + 5 * MS);
	CHECK(queued(pool(0), a));

	/* A woken vCPU with budget takes the CPU of one on extratime, even
	 * with a later deadline. */
	sim_now = until;
	stop(b, false);
	CHECK_EQ(b->sched.budget_left, 0);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(until, t + 10 * MS);
	b->sched.budget_left = 1;
	CHECK(b->sched.deadline > a->sched.deadline);
	CHECK_EQ(tickle(b, -1), 0);
	/* One with budget on the CPU and an earlier deadline is not. */
	stop(a, false);
	a->sched.budget_left = 1 * MS;
	enqueue(a);
	CHECK(pick(pool(0), 0, &until) == a);
	CHECK_EQ(tickle(b, -1), -1);

	/* Over a second: a alone uses the whole CPU. */
	rt_world(0x1);
	a = V(DOM(.budget_us = 2000, .period_us = 10000));
	hog(a);
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	note("rtds 2/10 alone with extratime: %.4f of the CPU, %lu decisions\n",
	       share(a, SEC), s.decisions);
	CHECK_EQ(st(a)->ran, SEC);
	CHECK_EQ(idle_total(&s), 0);
	sim_ok(&s);
}

/* A 2 ms / 10 ms vCPU with 2 ms of work per period beside a hog with the
 * default 4 ms / 10 ms: every job done within its period; released while
 * the hog is on extratime, it runs at once. */
static void test_rt_hog(void)
{
	struct vcpu *l, *h;
	struct sim s;
	static const uint64_t quantum[2] = { NEVER, 1 * MS };

	for (int q = 0; q < 2; q++) {
		rt_world(0x1);
		h = V(DOM());
		l = V(DOM(.budget_us = 2000, .period_us = 10000));
		hog(h);
		periodic(l, 10 * MS, 2 * MS, 7 * MS);
		sim_start(&s, pool(0), quantum[q]);
		sim_run(&s, SEC);
		note("rtds 2/10 job beside a 4/10 hog (quantum %s): %u jobs, "
		       "%u done, %u missed, worst response %.3f ms, ran %.1f ms, "
		       "hog %.1f ms\n", q ? "1 ms" : "none", st(l)->jobs,
		       st(l)->done, st(l)->missed, (double)st(l)->max_resp / MS,
		       (double)st(l)->ran / MS, (double)st(h)->ran / MS);
		CHECK_EQ(st(l)->jobs, 100);      /* released at 7, 17, ... 997 ms */
		CHECK_EQ(st(l)->missed, 0);
		CHECK_EQ(st(l)->done, 100);
		CHECK_EQ(st(l)->ran, 200 * MS);
		CHECK_EQ(st(l)->max_resp, 2 * MS);
		CHECK_EQ(st(h)->ran, SEC - 200 * MS);
		CHECK_EQ(idle_total(&s), 0);
		sim_ok(&s);
	}

	/* Released while the hog still has budget and an earlier deadline:
	 * the hog finishes its budget first (3 ms in at 3 ms: 1 ms more),
	 * then the job runs: 3 ms from release to completion. */
	rt_world(0x1);
	h = V(DOM());
	l = V(DOM(.budget_us = 2000, .period_us = 10000));
	hog(h);
	periodic(l, 10 * MS, 2 * MS, 3 * MS);
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	note("rtds 2/10 job released 3 ms into the hog's period: %u missed, "
	       "worst response %.3f ms\n", st(l)->missed,
	       (double)st(l)->max_resp / MS);
	CHECK_EQ(st(l)->missed, 0);
	CHECK_EQ(st(l)->max_resp, 3 * MS);
	CHECK_EQ(st(l)->ran, 200 * MS);
}

/* EDF keeps two periodic vCPUs and a hog (utilisation 0.9 with budgets)
 * free of misses, each job done by the EDF bound. */
static void test_rt_edf_load(void)
{
	struct vcpu *a, *b, *h;
	struct sim s;

	rt_world(0x1);
	h = V(DOM(.budget_us = 2000, .period_us = 10000));
	b = V(DOM(.budget_us = 3000, .period_us = 10000));
	a = V(DOM(.budget_us = 2000, .period_us = 5000));
	hog(h);
	periodic(b, 10 * MS, 3 * MS, 0);
	periodic(a, 5 * MS, 2 * MS, 1 * MS);
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	note("rtds 2/5 + 3/10 jobs + 2/10 hog: missed %u and %u of %u and %u, "
	       "worst response %.3f / %.3f ms, hog %.1f ms\n", st(a)->missed,
	       st(b)->missed, st(a)->jobs, st(b)->jobs,
	       (double)st(a)->max_resp / MS, (double)st(b)->max_resp / MS,
	       (double)st(h)->ran / MS);
	CHECK_EQ(st(a)->missed, 0);
	CHECK_EQ(st(b)->missed, 0);
	/* a's job released at 6 ms (deadline 11) waits for the work due at
	 * 10 ms (b's 3, the hog's 2, a's first 2 from 1 ms: done at 7 ms
	 * in whatever order), then runs: 3 ms. FIFO would make it 5. */
	CHECK_EQ(st(a)->max_resp, 3 * MS);
	CHECK(st(b)->max_resp <= 7 * MS);
	CHECK_EQ(st(a)->ran + st(b)->ran + st(h)->ran, SEC);

	/* Two CPUs, global EDF: four 4/10 jobs (utilisation 1.6 of 2). */
	rt_world(0x3);
	struct vcpu *v[4];
	unsigned int missed = 0;

	for (int i = 0; i < 4; i++) {
		v[i] = V(DOM());
		periodic(v[i], 10 * MS, 4 * MS, (uint64_t)i * MS);
	}
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, SEC);
	for (int i = 0; i < 4; i++)
		missed += st(v[i])->missed;
	note("rtds four 4/10 jobs on 2 CPUs: %u missed, ran %.1f %.1f %.1f %.1f ms\n",
	       missed, (double)st(v[0])->ran / MS, (double)st(v[1])->ran / MS,
	       (double)st(v[2])->ran / MS, (double)st(v[3])->ran / MS);
	CHECK_EQ(missed, 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(st(v[i])->done, st(v[i])->jobs - (st(v[i])->left ? 1 : 0));
	sim_ok(&s);
}

/* ---- arinc653 -------------------------------------------------------------------- */

static struct {
	uint64_t origin;       /* the first frame's start */
	uint64_t major;
	unsigned int nr;
	uint64_t len[4];
	struct domain *dom[4];
	unsigned long picks, tail_picks;
} a653;

/* What must be picked at sim_now: window k's domain (or nothing if it
 * has nothing queued) until the window's end; nothing in the tail until
 * the frame's end. */
static void a653_check(struct sim *s, unsigned int cpu, struct vcpu *next,
		       uint64_t until)
{
	uint64_t off = (sim_now - a653.origin) % a653.major;
	uint64_t frame = sim_now - off, t = frame;

	(void)cpu;
	a653.picks++;
	for (unsigned int k = 0; k < a653.nr; k++) {
		t += a653.len[k];
		if (sim_now < t) {
			/* Every domain's vCPU is a hog: always queued here. */
			if (!next || next->dom != a653.dom[k] || until != t)
				s->check_bad++;
			return;
		}
	}
	a653.tail_picks++;
	if (next || until != frame + a653.major)
		s->check_bad++;
}

static void a653_run(uint32_t major_us, uint64_t dur, const char *what)
{
	static const uint32_t win_us[3] = { 10000, 20000, 5000 };
	struct sched_pool *p;
	struct sim s;
	uint64_t sum = 0;

	world_reset();
	new_pool(SCHED_ARINC653, 0x1, major_us);
	pools_start();
	p = pool(0);
	memset(&a653, 0, sizeof(a653));
	for (unsigned int k = 0; k < 3; k++) {
		a653.dom[k] = DOM(.window_us = win_us[k]);
		CHECK_EQ(add_rc, 0);
		a653.len[k] = win_us[k] * US;
		sum += a653.len[k];
		hog(V(a653.dom[k]));
	}
	a653.nr = 3;
	a653.major = major_us ? major_us * US : sum;
	a653.origin = sim_now;
	CHECK_EQ(p->a653_nr, 3);
	for (unsigned int k = 0; k < 3; k++) {
		CHECK(p->a653_dom[k] == a653.dom[k]);
		CHECK_EQ(p->a653_len[k], a653.len[k]);
	}
	CHECK_EQ(p->major_ns, a653.major);
	sim_start(&s, p, 1 * MS);
	s.check = a653_check;
	sim_run(&s, dur);
	note("arinc653 %s: %.1f / %.1f / %.1f ms, idle %.1f ms of %.1f; "
	       "%lu picks, %lu in the tail\n", what,
	       (double)st(V(a653.dom[0]))->ran / MS,
	       (double)st(V(a653.dom[1]))->ran / MS,
	       (double)st(V(a653.dom[2]))->ran / MS,
	       (double)idle_total(&s) / MS, (double)dur / MS, a653.picks,
	       a653.tail_picks);
	CHECK_EQ(s.check_bad, 0);
	sim_ok(&s);
	CHECK(a653.picks > 100);
	/* dur is whole frames: each domain got its window in each. */
	for (unsigned int k = 0; k < 3; k++)
		CHECK_EQ(st(V(a653.dom[k]))->ran, dur / a653.major * a653.len[k]);
	CHECK_EQ(idle_total(&s), dur / a653.major * (a653.major - sum));
	if (a653.major > sum)
		CHECK(a653.tail_picks > 0);
}

static void test_a653_frames(void)
{
	a653_run(0, 28 * 35 * MS, "windows 10/20/5 ms, frame = their sum");
	a653_run(50000, 20 * 50 * MS, "windows 10/20/5 ms in a 50 ms frame");
}

static void test_a653_steps(void)
{
	struct domain *a, *b, *c;
	struct sched_pool *p;
	uint64_t until, t = T0;

	world_reset();
	new_pool(SCHED_ARINC653, 0x1, 50000);
	pools_start();
	p = pool(0);
	a = DOM(.window_us = 10000);
	b = DOM(.window_us = 20000);
	c = DOM(.window_us = 5000);
	/* Inside a's window with only b and c queued: nothing, until a's
	 * window closes; b and c stay queued. */
	enqueue(V(b));
	enqueue(V(c));
	CHECK(pick(p, 0, &until) == NULL);
	CHECK_EQ(until, t + 10 * MS);
	CHECK_EQ(p->nr_queued, 2);
	CHECK_EQ(tickle(V(a), -1), 0);       /* its window is open */
	CHECK_EQ(tickle(V(b), -1), -1);      /* its window will come */
	sim_now = t + 10 * MS;
	CHECK(pick(p, 0, &until) == V(b));
	CHECK_EQ(until, t + 30 * MS);
	sim_now = t + 30 * MS;
	stop(V(b), true);
	CHECK(pick(p, 0, &until) == V(c));
	CHECK_EQ(until, t + 35 * MS);
	sim_now = t + 35 * MS;               /* the idle tail */
	stop(V(c), true);
	CHECK(pick(p, 0, &until) == NULL);
	CHECK_EQ(until, t + 50 * MS);
	CHECK_EQ(tickle(V(c), -1), -1);
	sim_now = t + 3 * 50 * MS + 12 * MS; /* a later frame, b's window */
	CHECK(pick(p, 0, &until) == V(b));
	CHECK_EQ(until, t + 3 * 50 * MS + 30 * MS);
	CHECK_EQ(p->frame_start, t + 3 * 50 * MS);
}

static void test_a653_refuse(void)
{
	struct sched_pool *p;
	uint64_t until;

	world_reset();
	new_pool(SCHED_ARINC653, 0x1, 30000);
	new_pool(SCHED_ARINC653, 0x2, 0);
	new_pool(SCHED_ARINC653, 0x4, 30000);
	pools_start();
	p = pool(0);
	/* No domain yet (a pool whose domains were all refused): its CPU
	 * idles with no timer, and nothing divides by the empty frame. */
	CHECK(pick(pool(1), 1, &until) == NULL);
	CHECK_EQ(until, 0);
	DOM(.pool = 0, .window_us = 10000);
	CHECK_EQ(add_rc, 0);
	DOM(.pool = 0, .window_us = 15000);
	CHECK_EQ(add_rc, 0);
	DOM(.pool = 0, .window_us = 10000);  /* 35 ms > 30 ms */
	CHECK_EQ(add_rc, -1);
	CHECK_EQ(p->nr_vcpus, 2);
	CHECK_EQ(p->major_ns, 30 * MS);
	/* Windows that fill the frame exactly fit. */
	DOM(.pool = 2, .window_us = 10000);
	CHECK_EQ(add_rc, 0);
	DOM(.pool = 2, .window_us = 20000);
	CHECK_EQ(add_rc, 0);
	CHECK_EQ(pool(2)->a653_nr, 2);
	/* Without a given frame, every window fits: the frame grows. */
	for (int i = 0; i < 3; i++) {
		DOM(.pool = 1, .window_us = 100000);
		CHECK_EQ(add_rc, 0);
	}
	CHECK_EQ(pool(1)->major_ns, 300 * MS);
}

/* ---- regressions -----------------------------------------------------------------
 * Bugs these tests found in hyp/common/sched, fixed since; each is an
 * ordinary case. (SCHED_KNOWN_BUGS=0 in the environment turns them back
 * into uncounted reports, for trying out a change that reintroduces one.) */

static bool strict_known;
static int known_failed;

#define EXPECT(cond)                                                         \
	(strict_known ? CHECK(cond) : ((cond) ? true : (known_failed++, false)))

static void known(const char *name, void (*fn)(void))
{
	int before = known_failed;

	if (strict_known) {
		CASE(name, fn());
		return;
	}
	fn();
	printf("%s: %s\n", name, known_failed > before ?
	       "KNOWN BUG, still there (not counted; SCHED_KNOWN_BUGS=1 counts it)" :
	       "passes now: make it a RUN");
}

/* credit2: c2_tickle names the CPU whose vCPU has the least credit even
 * when v has less still (Xen's runq_tickle preempts only a vCPU with less
 * credit than the new one), and decide() queues the preempted vCPU behind
 * the waiting ones, so it loses ties. Every vCPU starts with the same
 * credit: three equal hogs on two CPUs then preempt each other one IPI
 * apart, for good. */
static void bug_c2_tickle_without_more_credit(void)
{
	struct vcpu *x, *z, *v[3];
	struct sim s;

	c2_world(0x3);
	x = V(DOM());
	z = V(DOM());
	v[0] = V(DOM());
	set_credit(x, 8 * (int64_t)MS);
	x->sched.ran_since = sim_now;
	set_credit(z, 9 * (int64_t)MS);
	z->sched.ran_since = sim_now;
	pcpu[0].curr = x;
	pcpu[1].curr = z;
	set_credit(v[0], 5 * (int64_t)MS);
	EXPECT(tickle(v[0], -1) == -1);      /* less credit than both */

	c2_world(0x3);
	for (int i = 0; i < 3; i++) {
		v[i] = V(DOM());
		hog(v[i]);
	}
	sim_start(&s, pool(0), NEVER);
	s.ipi_ns = 5 * US;
	sim_run(&s, SEC);
	note("credit2 3 equal hogs on 2 CPUs, IPI 5 us: %lu decisions, %lu "
	       "switches, %lu tells in 1 s (shares %.4f %.4f %.4f)\n",
	       s.decisions, s.switches, s.tells, share(v[0], SEC),
	       share(v[1], SEC), share(v[2], SEC));
	/* Slices are at least 0.5 ms: 2 CPUs decide at most ~4000 times. */
	EXPECT(s.decisions <= 10000);
}

/* rtds: a vCPU that joins the queue with its budget used up (woken, or
 * queued while every CPU is busy) makes no CPU decide at its
 * replenishment: rt_tickle returns -1 for it and the running CPUs'
 * `until` predates it. Its budget comes back unseen until some CPU
 * decides for its own reasons. Here a 2 ms / 10 ms vCPU with a job of
 * 1 ms every 4 ms beside a 50 ms / 100 ms hog should get its 2 ms in
 * each of the first five periods. */
static void bug_rt_depleted_wake(void)
{
	struct vcpu *h, *q;
	struct sim s;

	rt_world(0x1);
	h = V(DOM(.budget_us = 50000, .period_us = 100000));
	q = V(DOM(.budget_us = 2000, .period_us = 10000));
	hog(h);
	periodic(q, 4 * MS, 1 * MS, 0);
	sim_start(&s, pool(0), NEVER);
	sim_run(&s, 50 * MS);
	note("rtds 2/10 vCPU woken with its budget used, beside a 50/100 hog: "
	       "ran %.3f ms of the first 50 (its budget: 10 ms)\n",
	       (double)st(q)->ran / MS);
	EXPECT(st(q)->ran >= 10 * MS);
}

/* arinc653: a653_add_vcpu refuses a window that does not fit after
 * adding it to the schedule; it stays there, and every later domain is
 * refused even when its window fits. (Validation refuses such a domain
 * before it is built, so only a bypass of check_a653 reaches this.) */
static void bug_a653_refused_window_kept(void)
{
	world_reset();
	new_pool(SCHED_ARINC653, 0x1, 30000);
	pools_start();
	DOM(.window_us = 20000);
	DOM(.window_us = 20000);             /* refused */
	EXPECT(add_rc == -1);
	EXPECT(pool(0)->a653_nr == 1);
	DOM(.window_us = 10000);             /* fits: 20 + 10 */
	EXPECT(add_rc == 0);
}

int main(void)
{
	const char *k = getenv("SCHED_KNOWN_BUGS");

	strict_known = !(k && !strcmp(k, "0"));
	k = getenv("SCHED_VERBOSE");
	verbose = k && *k && strcmp(k, "0") != 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN(test_runq);
	RUN(test_idle_cpu);
	RUN(test_cpu_down);
	RUN(test_c2_weights);
	RUN(test_c2_equal);
	RUN(test_runq_heap);
	RUN(test_c2_many);
	RUN(test_c2_cap);
	RUN(test_c2_credit);
	RUN(test_c2_slice);
	RUN(test_c2_reset_running);
	RUN(test_c2_tickle);
	RUN(test_null);
	RUN(test_rt_add);
	RUN(test_rt_edf);
	RUN(test_rt_replenish);
	RUN(test_rt_extratime);
	RUN(test_rt_hog);
	RUN(test_rt_edf_load);
	RUN(test_a653_frames);
	RUN(test_a653_steps);
	RUN(test_a653_refuse);
	known("bug_c2_tickle_without_more_credit", bug_c2_tickle_without_more_credit);
	known("bug_rt_depleted_wake", bug_rt_depleted_wake);
	known("bug_a653_refused_window_kept", bug_a653_refused_window_kept);
	return check_done("test_sched");
}
