// SPDX-License-Identifier: MIT
/*
 * Guest kernel image checks and guest-physical placement, following Xen
 * 4.17's xen/arch/arm/kernel.c (kernel_zimage64_probe, place_modules) and
 * allocate_memory() in domain_build.c, so a guest finds its kernel, DTB
 * and initrd where it would under Xen.
 *
 * The one deliberate difference: Xen sizes the kernel by its file size;
 * here the header's image_size counts too, so the DTB and initrd can
 * never land in the kernel's BSS.
 */
#include "cfg_msg.h"

#define SZ_2M  0x200000ULL
#define SZ_128M 0x8000000ULL

/* arm64 Image header (Linux Documentation/arm64/booting.rst), all fields
 * little-endian. */
#define IMG_HDR_LEN      64
#define IMG_CODE0        0
#define IMG_TEXT_OFFSET  8
#define IMG_IMAGE_SIZE   16
#define IMG_FLAGS        24
#define IMG_MAGIC        56
#define IMG_MAGIC_V1     0x644d5241U /* "ARM\x64" */
#define IMG_MAGIC_V0     0x14000008U /* "b #32", header v0 */
#define ZIMAGE32_MAGIC   0x016f2818U /* at offset 0x24 */
#define UIMAGE_MAGIC     0x27051956U /* big-endian, at offset 0 */

/*
 * kernel_probe has no node to name (it sees only the image), so its
 * messages read "multiboot,kernel: <what>" and the caller puts the domain
 * path in front.
 */
static __attribute__((format(printf, 3, 4)))
int kfail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return -1;
	n = snprintf(err, errlen, "multiboot,kernel: ");
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static uint64_t le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Formats we recognise but cannot boot, with what to do instead. */
static const char *unsupported_format(const uint8_t *img, uint64_t size)
{
	if (img[0] == 0x1f && img[1] == 0x8b)
		return "compressed kernel: decompress it first (gunzip)";
	if (dt_be32(img) == UIMAGE_MAGIC)
		return "U-Boot uImage: not supported, load the arm64 Image inside it";
	if (size >= 0x28 && le(img + 0x24, 4) == ZIMAGE32_MAGIC)
		return "32-bit Arm zImage: only 64-bit (arm64 Image) guests are supported";
	return NULL;
}

int kernel_probe(const void *image, uint64_t size, struct kernel_info *ki,
		 char *err, size_t errlen)
{
	const uint8_t *img = image;
	const char *why;

	if (size < 2)
		return kfail(err, errlen, "%llu bytes is not a kernel",
				(unsigned long long)size);
	why = unsupported_format(img, size);
	if (why)
		return kfail(err, errlen, "%s", why);
	if (size < IMG_HDR_LEN)
		return kfail(err, errlen, "%llu bytes is too small for an arm64 Image header",
				(unsigned long long)size);
	/* Xen accepts either magic; EFI-stub kernels start with "MZ". */
	if (le(img + IMG_MAGIC, 4) != IMG_MAGIC_V1 &&
	    le(img + IMG_CODE0, 4) != IMG_MAGIC_V0)
		return kfail(err, errlen, "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)");
	ki->text_offset = le(img + IMG_TEXT_OFFSET, 8);
	ki->flags = le(img + IMG_FLAGS, 8);
	ki->image_size = MAX(size, le(img + IMG_IMAGE_SIZE, 8));
	return 0;
}

/* ---- layout -------------------------------------------------------------- */

#define LFAIL(d, err, errlen, prop, ...) \
	cfg_fail((err), (errlen), (d)->path, (prop), __VA_ARGS__)

/* allocate_memory(): bank 0 first (up to 3 GiB), the rest in bank 1. */
static int split_banks(const struct domain_config *d, struct guest_layout *l,
		       char *err, size_t errlen)
{
	const uint64_t max_kb = (GUEST_RAM0_SIZE + GUEST_RAM1_SIZE) / 1024;

	if (d->mem_kb == 0 || d->mem_kb > max_kb)
		return LFAIL(d, err, errlen, "memory", "%llu KiB does not fit in guest RAM banks",
			     (unsigned long long)d->mem_kb);
	uint64_t bytes = d->mem_kb * 1024;
	l->ram[0] = (struct mem_bank){ GUEST_RAM0_BASE, MIN(bytes, GUEST_RAM0_SIZE) };
	l->nr_ram = 1;
	if (bytes > GUEST_RAM0_SIZE) {
		l->ram[1] = (struct mem_bank){ GUEST_RAM1_BASE, bytes - GUEST_RAM0_SIZE };
		l->nr_ram = 2;
	}
	return 0;
}

/*
 * place_modules(): DTB then initrd, each rounded up to 2 MiB, at bank 0
 * + 128 MiB if that is above the kernel and fits; else at the top of
 * bank 0 if that is above the kernel; else just below the kernel.
 */
static int place_modules(const struct domain_config *d, uint64_t dtb_size,
			 struct guest_layout *l, char *err, size_t errlen)
{
	const uint64_t initrd_len = ALIGN_UP(l->initrd_size, SZ_2M);
	const uint64_t dtb_len = ALIGN_UP(dtb_size, SZ_2M);
	const uint64_t modsize = initrd_len + dtb_len;
	const uint64_t rambase = l->ram[0].base;
	const uint64_t ramend = rambase + l->ram[0].size;
	const uint64_t kernbase = l->kernel_ipa;
	const uint64_t kernend = kernbase + l->kernel_size;
	const uint64_t ram128mb = rambase + SZ_128M;
	uint64_t modbase;

	if (kernend > ramend ||
	    modsize + (ALIGN_UP(kernend, SZ_2M) - kernbase) > l->ram[0].size)
		return LFAIL(d, err, errlen, "memory",
			     "%llu KiB is too small for the kernel (%llu KiB at offset 0x%llx), device tree and initrd (%llu KiB) in the first bank",
			     (unsigned long long)d->mem_kb,
			     (unsigned long long)(l->kernel_size >> 10),
			     (unsigned long long)(kernbase - rambase),
			     (unsigned long long)(modsize >> 10));
	if (ramend >= ram128mb + modsize && kernend < ram128mb)
		modbase = ram128mb;
	else if (ramend - modsize > ALIGN_UP(kernend, SZ_2M))
		modbase = ramend - modsize;
	else if (kernbase - rambase > modsize)
		modbase = kernbase - modsize;
	else
		return LFAIL(d, err, errlen, "memory",
			     "no room for the device tree and initrd (%llu KiB) beside the kernel",
			     (unsigned long long)(modsize >> 10));
	l->dtb_ipa = modbase;
	l->initrd_ipa = l->initrd_size ? modbase + dtb_len : 0;
	return 0;
}

int guest_layout_compute(const struct domain_config *d,
			 const struct kernel_info *ki, uint64_t dtb_size,
			 struct guest_layout *l, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->gicd_base = GUEST_GICD_BASE;
	l->gicr_base = GUEST_GICR_BASE;
	l->gicr_size = GUEST_GICR_SIZE;
	l->uart_base = GUEST_PL011_BASE;
	l->uart_spi = GUEST_VPL011_SPI;
	l->evtchn_intid = 16 + GUEST_EVTCHN_PPI;
	l->gnttab_base = GUEST_GNTTAB_BASE;
	l->gnttab_size = GUEST_GNTTAB_SIZE;
	if (d->direct_map) {
		/* Guest-physical = host-physical: one bank per static range,
		 * in tree order (Xen's assign_static_memory_11). */
		for (int i = 0; i < d->nr_static_mem; i++)
			l->ram[i] = d->static_mem[i];
		l->nr_ram = d->nr_static_mem;
	} else if (split_banks(d, l, err, errlen)) {
		return -1;
	}
	if (ki->text_offset >= l->ram[0].size ||
	    ki->image_size > l->ram[0].size)
		return LFAIL(d, err, errlen, "multiboot,kernel",
			     "image (%llu bytes at offset 0x%llx) does not fit in the first RAM bank",
			     (unsigned long long)ki->image_size,
			     (unsigned long long)ki->text_offset);
	/* A 64-bit Image is loaded at bank 0 + text_offset and entered there. */
	l->kernel_ipa = l->ram[0].base + ki->text_offset;
	l->kernel_size = ki->image_size;
	l->initrd_size = d->ramdisk.present ? d->ramdisk.size : 0;
	return place_modules(d, dtb_size, l, err, errlen);
}

void guest_layout_devices(const struct domain_config *d, const struct host_info *h,
			  struct guest_layout *l)
{
	if (!d->direct_map)
		return;
	l->gicd_base = h->gicd_base;
	l->gicr_base = h->gicr_base;
	l->gicr_size = h->gicr_size;
	l->uart_base = h->uart_base;
	l->uart_spi = h->uart_irq >= 32 ? h->uart_irq - 32 : GUEST_VPL011_SPI;
}
