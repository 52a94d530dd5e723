// SPDX-License-Identifier: MIT
/* The VMID allocator (arch/vmid.h). vmid_lock covers it (a leaf but for
 * nothing: LOCK_VMID). */
#include <arch/spinlock.h>
#include <arch/vmid.h>
#include <stdint.h>

static uint32_t vmid_used[NR_VMIDS / 32];
static unsigned int vmid_last, vmid_live;
static spinlock_t vmid_lock = SPINLOCK_INIT_RANK(LOCK_VMID);

unsigned int vmid_alloc(void)
{
	unsigned int vmid = 0;

	spin_lock(&vmid_lock);
	for (unsigned int n = 1; n < NR_VMIDS; n++) {
		unsigned int i = (vmid_last + n) % NR_VMIDS;

		if (i && !(vmid_used[i / 32] & (1U << (i % 32)))) {
			vmid_used[i / 32] |= 1U << (i % 32);
			vmid = vmid_last = i;
			vmid_live++;
			break;
		}
	}
	spin_unlock(&vmid_lock);
	return vmid;
}

void vmid_free(unsigned int vmid)
{
	if (!vmid || vmid >= NR_VMIDS)
		return;
	/* What any TLB still holds for the VMID, however it got there, goes
	 * before anyone else can be given it. */
	arch_tlb_flush_guests();
	spin_lock(&vmid_lock);
	if (vmid_used[vmid / 32] & (1U << (vmid % 32)))
		vmid_live--;
	vmid_used[vmid / 32] &= ~(1U << (vmid % 32));
	spin_unlock(&vmid_lock);
}

unsigned int vmid_count(void)
{
	unsigned int n;

	spin_lock(&vmid_lock);
	n = vmid_live;
	spin_unlock(&vmid_lock);
	return n;
}
