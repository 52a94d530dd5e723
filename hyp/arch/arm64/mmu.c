// SPDX-License-Identifier: MIT
/*
 * The hypervisor's own (stage-1, EL2) address space: an identity map of
 * the physical address space in 1 GiB blocks. The boot path maps only the
 * gigabyte holding the image as normal memory and everything else as
 * device memory; once the device tree is read, the RAM banks are switched
 * to normal memory. Guests never see these tables.
 */
#include <stdint.h>
#include <arch/asm.h>
#include <arch/sysreg.h>
#include <xenith/config.h>

void mmu_boot_tables(uint64_t image_start, uint64_t image_end);
void mmu_map_ram(const struct host_info *h);

#define L1_ENTRIES 512
#define L1_SHIFT 30

#define PTE_BLOCK    0x1UL
#define PTE_AF       (1UL << 10)
#define PTE_SH_INNER (3UL << 8)
#define PTE_XN       (1UL << 54)
#define PTE_ATTR(i)  ((uint64_t)(i) << 2)

uint64_t boot_l1[L1_ENTRIES] __attribute__((aligned(4096)));

static uint64_t block_normal(uint64_t idx)
{
	return (idx << L1_SHIFT) | PTE_BLOCK | PTE_AF | PTE_SH_INNER |
	       PTE_ATTR(MT_NORMAL);
}

static uint64_t block_device(uint64_t idx)
{
	return (idx << L1_SHIFT) | PTE_BLOCK | PTE_AF | PTE_XN |
	       PTE_ATTR(MT_DEVICE);
}

/* Runs with the MMU off: plain stores, no unaligned access. */
void mmu_boot_tables(uint64_t image_start, uint64_t image_end)
{
	uint64_t first = image_start >> L1_SHIFT;
	uint64_t last = (image_end - 1) >> L1_SHIFT;

	for (uint64_t i = 0; i < L1_ENTRIES; i++)
		boot_l1[i] = (i >= first && i <= last) ? block_normal(i)
						       : block_device(i);
}

/* Switches each gigabyte that holds RAM to normal memory, with
 * break-before-make since the memory type changes. */
void mmu_map_ram(const struct host_info *h)
{
	for (int b = 0; b < h->nr_mem; b++) {
		uint64_t first = h->mem[b].base >> L1_SHIFT;
		uint64_t last = (h->mem[b].base + h->mem[b].size - 1) >> L1_SHIFT;

		for (uint64_t i = first; i <= last && i < L1_ENTRIES; i++) {
			if (boot_l1[i] == block_normal(i))
				continue;
			boot_l1[i] = 0;
			dsb(ishst);
			__asm__ volatile("tlbi alle2is" ::: "memory");
			dsb(ish);
			boot_l1[i] = block_normal(i);
			dsb(ishst);
			isb();
		}
	}
}
