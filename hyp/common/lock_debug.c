// SPDX-License-Identifier: MIT
/*
 * Debug builds only (make DEBUG=1): who holds each lock, and the rank
 * order of xenith/lock_order.h. Each CPU keeps a count of the locks it
 * holds per rank; taking rank r while holding a higher one, or a second
 * lock of the same rank (except two event-channel locks, which
 * evtchn.c takes lower domid first), panics and names both.
 */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/config.h>
#include <xenith/console.h>

static uint8_t held[MAX_CPUS][LOCK_RANKS];

static const char *const rank_name[LOCK_RANKS] = {
	[LOCK_UNRANKED] = "unranked", [LOCK_LIFECYCLE] = "lifecycle",
	[LOCK_VCPUS] = "vcpus", [LOCK_CONIO] = "conio", [LOCK_IOREQ] = "ioreq",
	[LOCK_EVTCHN] = "evtchn", [LOCK_P2M] = "p2m",
	[LOCK_VPL011] = "vpl011", [LOCK_VGIC] = "vgic",
	[LOCK_SCHED] = "sched", [LOCK_TIMER] = "timer",
	[LOCK_DOMLIST] = "domlist", [LOCK_VMID] = "vmid", [LOCK_HEAP] = "heap",
	[LOCK_GRACE] = "grace",
	[LOCK_DOMCTL] = "domctl", [LOCK_CONIN] = "conin", [LOCK_CONSOLE] = "console",
};

void lock_debug_before(spinlock_t *l)
{
	unsigned int cpu = arch_cpu_id();
	unsigned int r = l->rank;

	if (l->holder == cpu + 1)
		panic("lock %p (%s) taken twice on CPU%u", (void *)l, rank_name[r], cpu);
	if (r == LOCK_UNRANKED || r >= LOCK_RANKS)
		return;
	for (unsigned int h = r; h < LOCK_RANKS; h++) {
		unsigned int limit = (h == r && r == LOCK_EVTCHN) ? 2 : 1;

		if (held[cpu][h] >= (h == r ? limit : 1))
			panic("lock order: %s taken while holding %s on CPU%u",
			      rank_name[r], rank_name[h], cpu);
	}
}

void lock_debug_after(spinlock_t *l)
{
	unsigned int cpu = arch_cpu_id();

	l->holder = (uint16_t)(cpu + 1);
	if (l->rank != LOCK_UNRANKED && l->rank < LOCK_RANKS)
		held[cpu][l->rank]++;
}

void lock_debug_release(spinlock_t *l)
{
	unsigned int cpu = arch_cpu_id();

	if (l->holder != cpu + 1)
		panic("lock %p (%s) released by CPU%u, held by %d", (void *)l,
		      rank_name[l->rank < LOCK_RANKS ? l->rank : 0], cpu,
		      (int)l->holder - 1);
	l->holder = 0;
	if (l->rank != LOCK_UNRANKED && l->rank < LOCK_RANKS)
		held[cpu][l->rank]--;
}

bool lock_debug_held(const spinlock_t *l)
{
	return l->holder == arch_cpu_id() + 1;
}
