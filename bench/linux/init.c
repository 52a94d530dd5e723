// SPDX-License-Identifier: MIT
/*
 * /init of the benchmark's initramfs: a static, libc-free arm64 program.
 * Its first instruction reads the virtual counter (EL0 may: Linux sets
 * CNTKCTL_EL1.EL0VCTEN), it prints "BENCH-INIT cntvct=<ticks>" on
 * /dev/console and powers the machine off. bench.py adds the hypervisor's
 * counter offset (CNTVOFF, measured by the probe in the same configuration)
 * to get "power-on to init".
 */
typedef unsigned long u64;

__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mrs	x0, cntvct_el0\n"
	"	mov	x29, #0\n"
	"	bl	init_main\n"
	"1:	b	1b\n");

static long sys(long nr, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}

#define SYS_write  64
#define SYS_exit   93
#define SYS_reboot 142

void init_main(u64 vct) __attribute__((noreturn));
void init_main(u64 vct)
{
	char buf[64];
	const char *pre = "\nBENCH-INIT cntvct=";
	int n = 0;
	while (*pre)
		buf[n++] = *pre++;
	char dig[24];
	int d = 0;
	do {
		dig[d++] = (char)('0' + vct % 10);
		vct /= 10;
	} while (vct);
	while (d)
		buf[n++] = dig[--d];
	buf[n++] = '\n';
	sys(SYS_write, 1, (long)buf, n, 0);
	/* LINUX_REBOOT_MAGIC1/2, LINUX_REBOOT_CMD_POWER_OFF */
	sys(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0);
	sys(SYS_exit, 0, 0, 0, 0);
	for (;;)
		;
}
