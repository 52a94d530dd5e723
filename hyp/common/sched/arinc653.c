// SPDX-License-Identifier: MIT
/*
 * arinc653: a fixed major frame, cut into windows in the order the pool's
 * domains appear in the device tree; during a domain's window only its
 * vCPUs run (round-robin among them), after the last window the CPU
 * idles until the frame starts again. Windows and the frame length come
 * from xenith,arinc653-window-us / -major-frame-us (docs/configuration.md).
 */
#include <xenith/domain.h>
#include <xenith/sched.h>

#define US 1000ULL

static void a653_init_pool(struct sched_pool *p)
{
	p->a653_nr = 0;
	p->major_ns = (uint64_t)p->cfg->a653_major_us * US;
	p->frame_start = 0;
}

static int a653_add_vcpu(struct sched_pool *p, struct vcpu *v)
{
	uint64_t sum = 0;

	uint64_t len = (uint64_t)v->dom->cfg->a653_window_us * US;

	if (v->id != 0)
		return 0;
	if (p->a653_nr >= A653_MAX_WINDOWS)
		return -1;
	for (unsigned int i = 0; i < p->a653_nr; i++)
		sum += p->a653_len[i];
	sum += len;
	/* A window that does not fit is refused before it is added. */
	if (p->cfg->a653_major_us && sum > p->major_ns)
		return -1;
	p->a653_dom[p->a653_nr] = v->dom;
	p->a653_len[p->a653_nr++] = len;
	if (!p->cfg->a653_major_us)
		p->major_ns = sum;
	return 0;
}

static void a653_enqueue(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	(void)now;
	runq_insert(p, v);
}

static void a653_charge(struct sched_pool *p, struct vcpu *v, uint64_t now)
{
	(void)p;
	(void)v;
	(void)now;
}

/* The window open at `now` (-1: the idle tail) and when it closes. */
static int window_at(struct sched_pool *p, uint64_t now, uint64_t *end)
{
	uint64_t t;

	if (!p->frame_start)
		p->frame_start = now;
	if (now >= p->frame_start + p->major_ns)
		p->frame_start += (now - p->frame_start) / p->major_ns * p->major_ns;
	t = p->frame_start;
	for (unsigned int i = 0; i < p->a653_nr; i++) {
		t += p->a653_len[i];
		if (now < t) {
			*end = t;
			return (int)i;
		}
	}
	*end = p->frame_start + p->major_ns;
	return -1;
}

static struct vcpu *a653_pick(struct sched_pool *p, unsigned int cpu, uint64_t now,
			      uint64_t *until)
{
	int w;

	(void)cpu;
	if (!p->major_ns) {
		*until = 0;
		return NULL;
	}
	w = window_at(p, now, until);
	if (w < 0)
		return NULL;
	for (struct vcpu *v = p->q_head; v; v = v->sched.q_next) {
		if (v->dom == p->a653_dom[w]) {
			runq_remove(p, v);
			return v;
		}
	}
	return NULL;
}

static int a653_tickle(struct sched_pool *p, struct vcpu *v, uint64_t now, int self)
{
	uint64_t end;
	int w;

	if (!p->major_ns)
		return -1;
	w = window_at(p, now, &end);
	if (w < 0 || p->a653_dom[w] != v->dom)
		return -1; /* its window will come */
	return sched_idle_cpu(p, v->sched.cpu, self);
}

/* Vcpu 0 leaving takes its domain's window out of the frame (a frame
 * given no length is what the windows left add up to). */
static void a653_remove_vcpu(struct sched_pool *p, struct vcpu *v)
{
	uint64_t sum = 0;
	unsigned int w = 0;

	if (v->sched.run == RUN_RUNNABLE)
		runq_remove(p, v);
	if (v->id != 0)
		return;
	while (w < p->a653_nr && p->a653_dom[w] != v->dom)
		w++;
	if (w == p->a653_nr)
		return;
	for (; w + 1 < p->a653_nr; w++) {
		p->a653_dom[w] = p->a653_dom[w + 1];
		p->a653_len[w] = p->a653_len[w + 1];
	}
	p->a653_nr--;
	for (w = 0; w < p->a653_nr; w++)
		sum += p->a653_len[w];
	if (!p->cfg->a653_major_us)
		p->major_ns = sum;
}

const struct sched_ops sched_arinc653_ops = {
	.kind = SCHED_ARINC653,
	.name = "arinc653",
	.init_pool = a653_init_pool,
	.add_vcpu = a653_add_vcpu,
	.remove_vcpu = a653_remove_vcpu,
	.enqueue = a653_enqueue,
	.charge = a653_charge,
	.pick = a653_pick,
	.tickle = a653_tickle,
};
