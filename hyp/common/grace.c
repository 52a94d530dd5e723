// SPDX-License-Identifier: MIT
/*
 * Grace periods (grace.h): the CPUs that still owe a quiescent point in
 * the current period are a mask; the period ends when it is empty. A
 * period asked for while one runs is the next one. Memory waiting for a
 * period is a FIFO of records written into the memory itself, in ticket
 * order, so the reaper frees a prefix.
 *
 * gp_lock covers everything here; it is a leaf (only the kick, which
 * takes no lock, is sent while it is held). The mask and the completed
 * ticket are also read without it, as hints, on the fast paths.
 */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/config.h>
#include <xenith/grace.h>
#include <xenith/heap.h>

#define REKICK_NS 1000000ULL  /* kick laggards again after a millisecond */

struct deferred {
	uint64_t next;    /* the next record (pa), 0: last */
	uint64_t bytes;
	uint64_t ticket;
};

static spinlock_t gp_lock = SPINLOCK_INIT_RANK(LOCK_GRACE);
static uint32_t gp_online;           /* CPUs taking part */
static volatile uint32_t gp_owing;   /* yet to pass a quiescent point */
static uint64_t gp_current;          /* ticket of the last period started */
static volatile uint64_t gp_completed; /* ticket of the last period ended */
static bool gp_again;                /* one more period was asked for */
static uint64_t gp_kicked_ns;
static uint64_t def_head, def_tail;  /* grace_free_later() records */
static uint64_t def_bytes;

void grace_cpu_up(unsigned int cpu)
{
	spin_lock(&gp_lock);
	gp_online |= 1U << cpu;
	spin_unlock(&gp_lock);
}

/* A new period: every CPU owes a quiescent point. Returns who to kick. */
static uint32_t start_locked(void)
{
	gp_current++;
	gp_owing = gp_online;
	gp_kicked_ns = arch_time_ns();
	if (!gp_owing)
		__atomic_store_n(&gp_completed, gp_current, __ATOMIC_RELEASE);
	return gp_owing;
}

/* cpu passed a quiescent point; returns the CPUs a new period must kick. */
static uint32_t quiescent_locked(unsigned int cpu)
{
	if (!(gp_owing & (1U << cpu)))
		return 0;
	gp_owing &= ~(1U << cpu);
	if (gp_owing)
		return 0;
	__atomic_store_n(&gp_completed, gp_current, __ATOMIC_RELEASE);
	if (!gp_again)
		return 0;
	gp_again = false;
	return start_locked();
}

/* Every CPU of the mask takes the kick interrupt, the caller's too: it
 * is in the hypervisor now, and passes its quiescent point when it takes
 * the interrupt on its way back to its guest (or in its idle loop). */
static void kick(uint32_t mask)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if ((mask >> c) & 1)
			arch_cpu_kick(c);
}

uint64_t grace_begin(void)
{
	uint32_t tell;
	uint64_t ticket;

	spin_lock(&gp_lock);
	if (!gp_owing) {
		tell = start_locked();
		ticket = gp_current;
	} else {
		gp_again = true;
		tell = 0;   /* the CPUs owing the current one were kicked */
		ticket = gp_current + 1;
	}
	spin_unlock(&gp_lock);
	kick(tell);
	return ticket;
}

void grace_quiescent(void)
{
	unsigned int cpu = arch_cpu_id();
	uint32_t tell;

	if (!((__atomic_load_n(&gp_owing, __ATOMIC_RELAXED) >> cpu) & 1))
		return;
	spin_lock(&gp_lock);
	tell = quiescent_locked(cpu);
	spin_unlock(&gp_lock);
	kick(tell);
}

bool grace_passed(uint64_t ticket)
{
	uint32_t tell = 0;
	bool done;

	if (__atomic_load_n(&gp_completed, __ATOMIC_ACQUIRE) >= ticket)
		return true;
	spin_lock(&gp_lock);
	tell = quiescent_locked(arch_cpu_id());
	done = gp_completed >= ticket;
	if (!done && !tell && arch_time_ns() - gp_kicked_ns >= REKICK_NS) {
		gp_kicked_ns = arch_time_ns();
		tell = gp_owing;
	}
	spin_unlock(&gp_lock);
	kick(tell);
	return done;
}

void grace_free_later(uint64_t pa, uint64_t bytes)
{
	struct deferred *r = (struct deferred *)(uintptr_t)pa;
	uint64_t ticket = grace_begin();

	r->next = 0;
	r->bytes = bytes;
	r->ticket = ticket;
	spin_lock(&gp_lock);
	if (def_tail)
		((struct deferred *)(uintptr_t)def_tail)->next = pa;
	else
		def_head = pa;
	def_tail = pa;
	def_bytes += bytes;
	spin_unlock(&gp_lock);
}

bool grace_reap(void)
{
	uint64_t first, last = 0, pa;
	bool more;

	if (!__atomic_load_n(&def_head, __ATOMIC_RELAXED))
		return false;
	spin_lock(&gp_lock);
	first = def_head;
	/* Tickets only grow along the list: free its passed prefix. */
	for (pa = def_head; pa; pa = ((struct deferred *)(uintptr_t)pa)->next) {
		const struct deferred *r = (const struct deferred *)(uintptr_t)pa;

		if (r->ticket > gp_completed)
			break;
		last = pa;
		def_bytes -= r->bytes;
	}
	if (last) {
		def_head = ((struct deferred *)(uintptr_t)last)->next;
		if (!def_head)
			def_tail = 0;
		((struct deferred *)(uintptr_t)last)->next = 0;
	}
	more = def_head != 0;
	spin_unlock(&gp_lock);
	for (pa = last ? first : 0; pa;) {
		const struct deferred *r = (const struct deferred *)(uintptr_t)pa;
		uint64_t next = r->next, bytes = r->bytes;

		heap_free_range(pa, bytes);
		pa = next;
	}
	return more;
}

void grace_kick_idle(void)
{
	uint32_t mask = __atomic_load_n(&gp_online, __ATOMIC_RELAXED) & ~(1U << arch_cpu_id());

	kick(mask);
}

uint64_t grace_pending_bytes(void)
{
	uint64_t n;

	spin_lock(&gp_lock);
	n = def_bytes;
	spin_unlock(&gp_lock);
	return n;
}
