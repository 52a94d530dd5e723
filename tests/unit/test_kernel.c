// SPDX-License-Identifier: MIT
/*
 * kernel_probe (arm64 Image header, refused formats) and
 * guest_layout_compute (Xen 4.17's bank split and place_modules rules),
 * with the addresses Xen would choose worked out by hand in each case.
 */
#include "check.h"
#include <xenith/config.h>

#define MiB (1024ULL * 1024)
#define KiB 1024ULL

static char err[CFG_ERR_LEN];

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An arm64 Image header as Linux >= 5.8 writes it (EFI stub: "MZ"). */
static void make_image(uint8_t *img, size_t len, uint64_t text_offset,
		       uint64_t image_size, uint64_t flags)
{
	memset(img, 0, len);
	img[0] = 'M';
	img[1] = 'Z';
	put_le(img + 8, text_offset, 8);
	put_le(img + 16, image_size, 8);
	put_le(img + 24, flags, 8);
	put_le(img + 56, 0x644d5241, 4);
	put_le(img + 60, 0x40, 4);
}

static void test_probe_image(void)
{
	static uint8_t img[4096];
	struct kernel_info ki;

	make_image(img, sizeof(img), 0, 0x2000000, 0xa);
	CHECK_EQ(kernel_probe(img, sizeof(img), &ki, err, sizeof(err)), 0);
	CHECK_EQ(ki.text_offset, 0);
	CHECK_EQ(ki.flags, 0xa);
	/* The header's image_size (with BSS) beats the file size... */
	CHECK_EQ(ki.image_size, 0x2000000);
	/* ...unless the file is bigger. */
	make_image(img, sizeof(img), 0x80000, 0x100, 0x2);
	CHECK_EQ(kernel_probe(img, sizeof(img), &ki, err, sizeof(err)), 0);
	CHECK_EQ(ki.image_size, sizeof(img));
	CHECK_EQ(ki.text_offset, 0x80000);
	/* Header v0: no magic at 56, but the branch at 0 is accepted. */
	memset(img, 0, 64);
	put_le(img, 0x14000008, 4);
	put_le(img + 8, 0x80000, 8);
	CHECK_EQ(kernel_probe(img, 64, &ki, err, sizeof(err)), 0);
	CHECK_EQ(ki.image_size, 64);
}

/* Expects kernel_probe to refuse `img` with exactly `msg`. */
static void refuse(const uint8_t *img, uint64_t size, const char *msg)
{
	struct kernel_info ki;

	err[0] = '\0';
	CHECK_EQ(kernel_probe(img, size, &ki, err, sizeof(err)), -1);
	CHECK_STR(err, msg);
}

static void test_probe_refusals(void)
{
	static uint8_t img[4096];

	memset(img, 0, sizeof(img));
	img[0] = 0x1f;
	img[1] = 0x8b;
	img[2] = 8;
	refuse(img, sizeof(img), "multiboot,kernel: compressed kernel: decompress it first (gunzip)");
	memset(img, 0, sizeof(img));
	img[0] = 0x27;
	img[1] = 0x05;
	img[2] = 0x19;
	img[3] = 0x56;
	refuse(img, sizeof(img), "multiboot,kernel: U-Boot uImage: not supported, load the arm64 Image inside it");
	memset(img, 0, sizeof(img));
	put_le(img + 0x24, 0x016f2818, 4);
	refuse(img, sizeof(img), "multiboot,kernel: 32-bit Arm zImage: only 64-bit (arm64 Image) guests are supported");
	memset(img, 0x5a, sizeof(img));
	refuse(img, sizeof(img), "multiboot,kernel: not an arm64 Image (no \"ARM\\x64\" magic at offset 56)");
	make_image(img, 64, 0, 0, 0);
	refuse(img, 63, "multiboot,kernel: 63 bytes is too small for an arm64 Image header");
	refuse(img, 1, "multiboot,kernel: 1 bytes is not a kernel");
	refuse(img, 0, "multiboot,kernel: 0 bytes is not a kernel");
	/* No room for the message: still refused, nothing written. */
	struct kernel_info ki;
	CHECK_EQ(kernel_probe(img, 0, &ki, NULL, 0), -1);
}

/* ---- layout ----------------------------------------------------------------- */

static struct domain_config dom(uint64_t mem_kb, uint64_t initrd_size)
{
	struct domain_config d;

	memset(&d, 0, sizeof(d));
	strcpy(d.path, "/chosen/domU1");
	d.mem_kb = mem_kb;
	d.vcpus = 1;
	d.kernel.present = true;
	d.kernel.size = 0x1000000;
	if (initrd_size) {
		d.ramdisk.present = true;
		d.ramdisk.size = initrd_size;
	}
	return d;
}

static int layout(const struct domain_config *d, uint64_t text_offset,
		  uint64_t image_size, struct guest_layout *l)
{
	struct kernel_info ki = { text_offset, image_size, 0xa };

	err[0] = '\0';
	return guest_layout_compute(d, &ki, GUEST_DTB_MAX, l, err, sizeof(err));
}

static void test_common_case(void)
{
	/* The ABI document's example: 512 MiB, a 26 MiB kernel, an initrd. */
	struct domain_config d = dom(512 * 1024, 0x1fc3000);
	struct guest_layout l;

	CHECK_EQ(layout(&d, 0, 0x1a00000, &l), 0);
	CHECK_EQ(l.nr_ram, 1);
	CHECK_EQ(l.ram[0].base, 0x40000000);
	CHECK_EQ(l.ram[0].size, 512 * MiB);
	CHECK_EQ(l.kernel_ipa, 0x40000000);
	CHECK_EQ(l.kernel_size, 0x1a00000);
	CHECK_EQ(l.dtb_ipa, 0x48000000);    /* bank 0 + 128 MiB */
	CHECK_EQ(l.initrd_ipa, 0x48200000); /* + DTB rounded to 2 MiB */
	CHECK_EQ(l.initrd_size, 0x1fc3000);

	/* No initrd. */
	d = dom(512 * 1024, 0);
	CHECK_EQ(layout(&d, 0, 0x1a00000, &l), 0);
	CHECK_EQ(l.dtb_ipa, 0x48000000);
	CHECK_EQ(l.initrd_ipa, 0);
	CHECK_EQ(l.initrd_size, 0);

	/* An old kernel with text_offset 0x80000 is loaded there. */
	CHECK_EQ(layout(&d, 0x80000, 0x1a00000, &l), 0);
	CHECK_EQ(l.kernel_ipa, 0x40080000);
}

static void test_bank_split(void)
{
	struct guest_layout l;
	struct domain_config d = dom(3 * 1024 * 1024, 0); /* exactly 3 GiB */

	CHECK_EQ(layout(&d, 0, 0x2000000, &l), 0);
	CHECK_EQ(l.nr_ram, 1);
	CHECK_EQ(l.ram[0].size, 0xc0000000);
	d = dom(4 * 1024 * 1024, 0);
	CHECK_EQ(layout(&d, 0, 0x2000000, &l), 0);
	CHECK_EQ(l.nr_ram, 2);
	CHECK_EQ(l.ram[0].size, 0xc0000000);
	CHECK_EQ(l.ram[1].base, 0x200000000);
	CHECK_EQ(l.ram[1].size, 0x40000000);
	d = dom((GUEST_RAM0_SIZE + GUEST_RAM1_SIZE) / KiB + 4, 0);
	CHECK_EQ(layout(&d, 0, 0x2000000, &l), -1);
	CHECK_STR(err, "/chosen/domU1: memory: 1068498948 KiB does not fit in guest RAM banks");
}

static void test_small_ram(void)
{
	struct guest_layout l;
	/* 64 MiB: 128 MiB is past the end, so DTB and initrd go to the top. */
	struct domain_config d = dom(64 * 1024, 0x300000);

	CHECK_EQ(layout(&d, 0, 0x1000000, &l), 0);
	/* modsize = 2 MiB DTB + 4 MiB initrd; top = 0x44000000. */
	CHECK_EQ(l.dtb_ipa, 0x43a00000);
	CHECK_EQ(l.initrd_ipa, 0x43c00000);

	/* Kernel placed high: no room above it, so just below it. */
	d = dom(64 * 1024, 0);
	CHECK_EQ(layout(&d, 0x3000000, 0xe00000, &l), 0);
	CHECK_EQ(l.kernel_ipa, 0x43000000);
	CHECK_EQ(l.dtb_ipa, 0x42e00000);

	/* A kernel reaching past 128 MiB in 1 GiB: top of the bank. */
	d = dom(1024 * 1024, 0);
	CHECK_EQ(layout(&d, 0, 130 * MiB, &l), 0);
	CHECK_EQ(l.dtb_ipa, 0x80000000 - 2 * MiB);

	/* Kernel + DTB + initrd larger than the bank. */
	d = dom(4 * 1024, 0);
	CHECK_EQ(layout(&d, 0, 3 * MiB, &l), -1);
	CHECK_STR(err, "/chosen/domU1: memory: 4096 KiB is too small for the kernel (3072 KiB at offset 0x0), device tree and initrd (2048 KiB) in the first bank");

	/* Fits in size, but the kernel sits where nothing fits around it. */
	d = dom(8 * 1024, 0);
	CHECK_EQ(layout(&d, 2 * MiB, 4 * MiB, &l), -1);
	CHECK_STR(err, "/chosen/domU1: memory: no room for the device tree and initrd (2048 KiB) beside the kernel");

	/* text_offset beyond the bank. */
	CHECK_EQ(layout(&d, 0x800000, 0x1000, &l), -1);
	CHECK_STR(err, "/chosen/domU1: multiboot,kernel: image (4096 bytes at offset 0x800000) does not fit in the first RAM bank");
}

int main(void)
{
	RUN(test_probe_image);
	RUN(test_probe_refusals);
	RUN(test_common_case);
	RUN(test_bank_split);
	RUN(test_small_ram);
	return check_done("test_kernel");
}
