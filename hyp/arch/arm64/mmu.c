// SPDX-License-Identifier: MIT
/*
 * The hypervisor's own (stage-1, EL2) address space: an identity map of
 * the 39-bit physical address space, with write XOR execute.
 *
 * - The image is mapped in 4 KiB pages by section: text read-only and
 *   executable, read-only data (with the relocation tables) read-only,
 *   data, bss and the stacks read-write. The relocations are applied
 *   with the MMU off, before these tables exist.
 * - Everything else is never executable: RAM (including every guest's)
 *   is normal memory, read-write, in 2 MiB blocks around the image and
 *   1 GiB blocks elsewhere; the rest is device memory.
 *
 * The boot path maps the gigabyte holding the image; once the device tree
 * is read the other RAM banks become normal memory. Guests never see
 * these tables.
 */
#include <stdint.h>
#include <arch/asm.h>
#include <arch/sysreg.h>
#include <xenith/config.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>

void mmu_boot_tables(uint64_t image_start, uint64_t image_end);
void mmu_map_ram(const struct host_info *h);
void mmu_report(const struct host_info *h);

#define ENTRIES 512
#define L1_SHIFT 30
#define L2_SHIFT 21
#define L3_SHIFT 12
#define IMAGE_L3_TABLES 2   /* the image spans at most two 2 MiB blocks */

#define PTE_BLOCK    0x1UL
#define PTE_TABLE    0x3UL
#define PTE_PAGE     0x3UL
#define PTE_AF       (1UL << 10)
#define PTE_SH_INNER (3UL << 8)
#define PTE_RO       (1UL << 7)   /* AP[2]: no writes */
#define PTE_XN       (1UL << 54)
#define PTE_ATTR(i)  ((uint64_t)(i) << 2)

#define NORMAL (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL))

/* Section boundaries from the linker script, all 4 KiB aligned. */
extern char __rodata_start[], __data_start[];

uint64_t boot_l1[ENTRIES] __attribute__((aligned(4096)));
static uint64_t image_l2[ENTRIES] __attribute__((aligned(4096)));
static uint64_t image_l3[IMAGE_L3_TABLES][ENTRIES] __attribute__((aligned(4096)));

static uint64_t block_normal(uint64_t idx)
{
	return (idx << L1_SHIFT) | PTE_BLOCK | NORMAL | PTE_XN;
}

static uint64_t block_device(uint64_t idx)
{
	return (idx << L1_SHIFT) | PTE_BLOCK | PTE_AF | PTE_XN |
	       PTE_ATTR(MT_DEVICE);
}

/* Permissions of the image page at physical address pa. Symbol
 * addresses are PC-relative, so they are where the image runs. */
static uint64_t image_page(uint64_t pa)
{
	uint64_t attrs = NORMAL;

	if (pa < (uint64_t)(uintptr_t)__rodata_start)
		attrs |= PTE_RO;                 /* text: RX */
	else if (pa < (uint64_t)(uintptr_t)__data_start)
		attrs |= PTE_RO | PTE_XN;        /* rodata, relocations: R */
	else
		attrs |= PTE_XN;                 /* data, bss, stacks: RW */
	return pa | PTE_PAGE | attrs;
}

/*
 * Runs with the MMU off (plain stores, no unaligned access) and before
 * the relocations matter: only PC-relative addresses and link-time
 * offsets are used. image_start is 2 MiB aligned (arm64 Image protocol).
 */
void mmu_boot_tables(uint64_t image_start, uint64_t image_end)
{
	uint64_t gib = image_start >> L1_SHIFT;
	uint64_t first2m = (image_start >> L2_SHIFT) & (ENTRIES - 1);
	uint64_t last2m = ((image_end - 1) >> L2_SHIFT) & (ENTRIES - 1);
	uint64_t *l2 = image_l2;
	uint64_t *l3 = &image_l3[0][0];

	if (last2m - first2m >= IMAGE_L3_TABLES || (image_end - 1) >> L1_SHIFT != gib) {
		/* Cannot happen with this image's size: stop before the MMU. */
		for (;;)
			__asm__ volatile("wfe");
	}
	for (uint64_t i = 0; i < ENTRIES; i++)
		boot_l1[i] = block_device(i);
	for (uint64_t i = 0; i < ENTRIES; i++)
		l2[i] = (gib << L1_SHIFT) + (i << L2_SHIFT) + (PTE_BLOCK | NORMAL | PTE_XN);
	for (uint64_t t = 0; t <= last2m - first2m; t++) {
		uint64_t base2m = (gib << L1_SHIFT) + ((first2m + t) << L2_SHIFT);

		for (uint64_t i = 0; i < ENTRIES; i++) {
			uint64_t pa = base2m + (i << L3_SHIFT);

			l3[t * ENTRIES + i] = (pa >= image_start && pa < image_end)
				? image_page(pa)
				: pa | PTE_PAGE | NORMAL | PTE_XN;
		}
		l2[first2m + t] = (uint64_t)(uintptr_t)&l3[t * ENTRIES] | PTE_TABLE;
	}
	boot_l1[gib] = (uint64_t)(uintptr_t)l2 | PTE_TABLE;
}

/* Switches each other gigabyte that holds RAM to normal memory (never
 * executable), with break-before-make since the memory type changes. */
void mmu_map_ram(const struct host_info *h)
{
	for (int b = 0; b < h->nr_mem; b++) {
		uint64_t first = h->mem[b].base >> L1_SHIFT;
		uint64_t last = (h->mem[b].base + h->mem[b].size - 1) >> L1_SHIFT;

		for (uint64_t i = first; i <= last && i < ENTRIES; i++) {
			if (boot_l1[i] == block_normal(i) ||
			    (boot_l1[i] & 3) == PTE_TABLE)
				continue; /* done, or the image's gigabyte */
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

/* The descriptor the live tables end at for va (a block or a page; an
 * invalid one if unmapped), and its level. */
static uint64_t *walk(uint64_t va, int *level)
{
	uint64_t *e = &boot_l1[(va >> L1_SHIFT) & (ENTRIES - 1)];

	*level = 1;
	for (unsigned int shift = L2_SHIFT; *level < 3 && (*e & 3) == PTE_TABLE;
	     shift = L3_SHIFT) {
		e = &((uint64_t *)(uintptr_t)(*e & 0xfffffffff000ULL))
			[(va >> shift) & (ENTRIES - 1)];
		++*level;
	}
	return e;
}

/* The leaf descriptor for va, 0 if unmapped. */
static uint64_t leaf(uint64_t va)
{
	int level;
	uint64_t d = *walk(va, &level);

	return (d & 1) ? d : 0;
}

/* "rwx" as the tables say, with the write bit confirmed by the MMU
 * itself (AT S1E2W faults on a read-only page). */
static void perms(uint64_t va, char out[4])
{
	uint64_t d = leaf(va), par;

	__asm__ volatile("at s1e2w, %0\n\tisb" :: "r"(va));
	par = read_sysreg(par_el1);
	out[0] = d ? 'r' : '-';
	out[1] = d && !(d & PTE_RO) && !(par & 1) ? 'w' : '-';
	out[2] = d && !(d & PTE_XN) ? 'x' : '-';
	out[3] = '\0';
}

static const uint32_t rodata_probe = 0x5a5a5a5a;
static uint32_t data_probe;

/* Boot log: what the hypervisor can do with its text, read-only data,
 * data and with RAM outside its image (where guests live). */
void mmu_report(const struct host_info *h)
{
	char t[4], r[4], d[4], m[4];
	uint64_t ram = h->mem[0].base + h->mem[0].size - 4096;

	perms((uint64_t)(uintptr_t)&mmu_report, t);
	perms((uint64_t)(uintptr_t)&rodata_probe, r);
	perms((uint64_t)(uintptr_t)&data_probe, d);
	perms(ram, m);
	printk("EL2 memory: text %s, read-only data %s, data %s, RAM %s\n", t, r, d, m);
}

extern char __init_text_start[], __init_text_end[];
extern char __init_rodata_start[], __init_rodata_end[];

/* Unmaps [start, end) of the image (page aligned): its L3 entries go. */
static uint64_t unmap_image_range(uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va < end; va += 1ULL << L3_SHIFT) {
		int level;
		uint64_t *e = walk(va, &level);

		if (level == 3)
			*e = 0;
	}
	return end - start;
}

uint64_t arch_free_init(void)
{
	uint64_t n;

	n = unmap_image_range((uint64_t)(uintptr_t)__init_text_start,
			      (uint64_t)(uintptr_t)__init_text_end);
	n += unmap_image_range((uint64_t)(uintptr_t)__init_rodata_start,
			       (uint64_t)(uintptr_t)__init_rodata_end);
	dsb(ishst);
	__asm__ volatile("tlbi alle2is" ::: "memory");
	dsb(ish);
	isb();
	/* The MMU must now refuse to read the first boot page. */
	__asm__ volatile("at s1e2r, %0\n\tisb" :: "r"(__init_text_start));
	if (!(read_sysreg(par_el1) & 1))
		printk("boot-only code is still mapped at 0x%llx\n",
		       (unsigned long long)(uintptr_t)__init_text_start);
	return n;
}
