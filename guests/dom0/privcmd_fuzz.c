// SPDX-License-Identifier: MIT
/*
 * privcmd-fuzz: a hostile process in dom0. It throws random hypercalls at
 * the hypervisor through /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL, which
 * Linux passes through unchecked), and random foreign mappings
 * (IOCTL_PRIVCMD_MMAPBATCH_V2, IOCTL_PRIVCMD_MMAP_RESOURCE), with
 * arguments mixing small numbers, huge ones, domain ids that exist and do
 * not, and pointers to buffers of random bytes (so the hypervisor reads
 * structured garbage). dom0 may legitimately hurt itself; the hypervisor
 * must not crash, and other domains must go on.
 *
 * Left out, since they only stop dom0 or its neighbour on purpose:
 * sched_op (shutdown, block), vcpu_op (a vCPU down), domctl pause and
 * destroy, decrease_reservation of dom0's own RAM, closing or resetting
 * dom0's own event channels (its console and xenstore use them), and
 * multicall (which may hold any of these; the host fuzzer covers it).
 *
 * Freestanding: Linux system calls made directly, no libc (the dom0
 * filesystem has Debian's libc, but the build machine has no arm64 one).
 *
 *   privcmd-fuzz [iterations] [seed] [mode: 0 all, 1 hypercalls, 2 mappings,
 *                                       >= 10: only that hypercall]
 */
#include <stdint.h>

#define SYS_openat 56
#define SYS_ioctl  29
#define SYS_write  64
#define SYS_exit   93
#define SYS_mmap   222
#define SYS_munmap 215
#define SYS_clone  220
#define SYS_wait4  260
#define SIGCHLD    17
#define BATCH      100   /* calls per child process */
#define AT_FDCWD  (-100)
#define O_RDWR 2

static long sys(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3),
			 "r"(x4), "r"(x5) : "memory");
	return x0;
}

static unsigned long slen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void put(const char *s)
{
	sys(SYS_write, 1, (long)s, (long)slen(s), 0, 0, 0);
}

static void put_num(uint64_t v)
{
	char b[24];
	int i = 23;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(&b[i]);
}

static uint64_t parse(const char *s, uint64_t dflt)
{
	uint64_t v = 0;

	if (!s || !*s)
		return dflt;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A value an argument might take. */
static uint64_t value(void)
{
	static const uint64_t odd[] = {
		0, 1, 2, 3, 0x7ff0, 0x7ff1, 0x7ff2, 0xffff, 0x15, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, ~0ULL, ~0ULL >> 1, 0x40000000, 0x39001,
	};

	switch (rnd() % 4) {
	case 0:  return rnd() % 64;
	case 1:  return odd[rnd() % (sizeof(odd) / sizeof(odd[0]))];
	case 2:  return rnd() % 4;    /* domain ids that exist */
	default: return rnd();
	}
}

/* Buffers the hypervisor may read and write: random, refilled each call. */
static uint64_t buf[4][64];

static uint64_t pointer(void)
{
	switch (rnd() % 8) {
	case 0:  return value();                         /* not a pointer */
	case 1:  return 0xffff000000000000ULL | rnd();   /* the kernel's */
	default: return (uint64_t)(uintptr_t)&buf[rnd() % 4][rnd() % 8];
	}
}

static void fill(void)
{
	for (int b = 0; b < 4; b++)
		for (int i = 0; i < 64; i++)
			buf[b][i] = (rnd() & 1) ? value() : (uint64_t)(uintptr_t)&buf[rnd() % 4][0];
}

/* IOCTL_PRIVCMD_HYPERCALL: _IOC(_IOC_NONE, 'P', 0, 48) */
#define IOCTL_PRIVCMD_HYPERCALL     0x00305000UL
/* IOCTL_PRIVCMD_MMAPBATCH_V2: _IOC(_IOC_NONE, 'P', 4, 32) */
#define IOCTL_PRIVCMD_MMAPBATCH_V2  0x00205004UL
/* IOCTL_PRIVCMD_MMAP_RESOURCE: _IOC(_IOC_NONE, 'P', 7, 32) */
#define IOCTL_PRIVCMD_MMAP_RESOURCE 0x00205007UL

struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

struct privcmd_mmapbatch_v2 {
	uint32_t num;
	uint16_t dom;
	uint16_t pad;
	uint64_t addr;
	uint64_t arr;
	uint64_t err;
};

struct privcmd_mmap_resource {
	uint16_t dom;
	uint16_t pad;
	uint32_t type;
	uint32_t id;
	uint32_t idx;
	uint64_t num;
	uint64_t addr;
};

/* The hypercalls tried, and how often each. */
static const uint32_t ops[] = {
	12, 12, 12, 12,   /* memory_op */
	20, 20, 20,       /* grant_table_op */
	32, 32, 32,       /* event_channel_op */
	34, 34,           /* hvm_op */
	35, 35,           /* sysctl */
	36, 36,           /* domctl */
	13,               /* multicall */
	17,               /* xen_version */
	27, 7, 100,       /* xsm_op, unknown ones */
};

/* What would only stop dom0 or its neighbour on purpose (see above). */
static int harmful(const struct privcmd_hypercall *h)
{
	int in_buf = h->arg[0] >= (uint64_t)(uintptr_t)buf &&
		     h->arg[0] + 8 <= (uint64_t)(uintptr_t)buf + sizeof(buf);
	uint32_t cmd = in_buf ? (uint32_t)*(const volatile uint64_t *)(uintptr_t)h->arg[0] : 0;

	if (h->op == 12 && (h->arg[0] & 0x3f) == 1)
		return 1;   /* decrease_reservation */
	if (h->op == 36 && in_buf && (cmd == 2 || cmd == 3))
		return 1;   /* domctl destroy or pause */
	if (h->op == 13)
		return 1;   /* a multicall may hold any of the above */
	if (h->op == 32 && (h->arg[0] == 3 || h->arg[0] == 10))
		return 1;   /* EVTCHNOP_close, EVTCHNOP_reset */
	return 0;
}

/* A fresh privcmd mapping of 16 pages: Linux takes one foreign mapping
 * per mapping on Arm (a second one on the same area is a kernel BUG), so
 * each ioctl gets its own and it goes after. */
static uint64_t *new_map(long fd)
{
	long m = sys(SYS_mmap, 0, 16 * 4096, 3 /* RW */, 1 /* SHARED */, fd, 0);

	return m < 0 && m > -4096 ? 0 : (uint64_t *)m;
}

static uint64_t mode;   /* 0: all, 1: hypercalls only, 2: mappings only */

static void one(long fd)
{
	long r = mode == 1 || mode >= 10 ? (long)(rnd() % 8) :
		 mode == 2 ? 8 + (long)(rnd() % 2) : (long)(rnd() % 10);
	uint64_t *map = r >= 8 ? new_map(fd) : 0;

	fill();
	if (r < 8) {
		struct privcmd_hypercall h;

		h.op = mode >= 10 ? mode : ops[rnd() % (sizeof(ops) / sizeof(ops[0]))];
		for (int i = 0; i < 5; i++)
			h.arg[i] = (rnd() & 1) ? pointer() : value();
		if (h.op == 36 || h.op == 35) {
			/* A domctl/sysctl with the right version now and then, so
			 * the calls get past the first check. */
			uint32_t cmd = (uint32_t)(rnd() % 90);
			uint32_t ver = (rnd() % 4) ? 0x15 : (uint32_t)rnd();

			h.arg[0] = (uint64_t)(uintptr_t)buf[0];
			/* cmd, interface version, then a domid (domctl) */
			buf[0][0] = cmd | (uint64_t)ver << 32;
			buf[0][1] = (buf[0][1] & ~0xffffULL) | (rnd() % 5);
		}
		if (!harmful(&h))
			sys(SYS_ioctl, fd, (long)IOCTL_PRIVCMD_HYPERCALL, (long)&h, 0, 0, 0);
	} else if (r == 8 && map) {
		struct privcmd_mmapbatch_v2 m = {
			.num = (uint32_t)(1 + rnd() % 16), .dom = (uint16_t)value(),
			.addr = (uint64_t)(uintptr_t)map, .arr = (uint64_t)(uintptr_t)buf[1],
			.err = (uint64_t)(uintptr_t)buf[2],
		};

		sys(SYS_ioctl, fd, (long)IOCTL_PRIVCMD_MMAPBATCH_V2, (long)&m, 0, 0, 0);
	} else if (map) {
		struct privcmd_mmap_resource m = {
			.dom = (uint16_t)value(), .type = (uint32_t)(rnd() % 4),
			.id = (uint32_t)(rnd() % 3), .idx = (uint32_t)value(),
			.num = 1 + rnd() % 4, .addr = (uint64_t)(uintptr_t)map,
		};

		sys(SYS_ioctl, fd, (long)IOCTL_PRIVCMD_MMAP_RESOURCE, (long)&m, 0, 0, 0);
	}
	if (map)
		sys(SYS_munmap, (long)map, 16 * 4096, 0, 0, 0, 0);
}

void fuzz_main(long argc, char **argv)
{
	uint64_t n = parse(argc > 1 ? argv[1] : 0, 20000);
	long fd;

	rng = parse(argc > 2 ? argv[2] : 0, 0x9e3779b97f4a7c15ULL) | 1;
	mode = parse(argc > 3 ? argv[3] : 0, 0);
	fd = sys(SYS_openat, AT_FDCWD, (long)"/dev/xen/privcmd", O_RDWR, 0, 0, 0);
	if (fd < 0) {
		put("privcmd-fuzz: cannot open /dev/xen/privcmd\n");
		sys(SYS_exit, 1, 0, 0, 0, 0, 0);
	}
	/* The calls run in child processes of BATCH each: dom0 may hurt
	 * itself (a call can leave the process unable to go on, under Xen
	 * 4.17 as well), and the next batch goes on from where that one's
	 * generator was. Counted: calls made, batches that died. */
	uint64_t died = 0;

	for (uint64_t i = 0; i < n; i += BATCH) {
		long pid = sys(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
		int status = 0;

		if (pid == 0) {
			for (uint64_t k = 0; k < BATCH && i + k < n; k++)
				one(fd);
			sys(SYS_exit, 0, 0, 0, 0, 0, 0);
		}
		if (pid < 0) {
			put("privcmd-fuzz: cannot start a process\n");
			sys(SYS_exit, 1, 0, 0, 0, 0, 0);
		}
		sys(SYS_wait4, pid, (long)&status, 0, 0, 0, 0);
		died += status != 0;
		/* The parent's generator moves on as the child's did not:
		 * reseed from the batch number so each batch differs. */
		rng = (rng ^ (i + 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL | 1;
		if ((i + BATCH) % 5000 == 0) {
			put("privcmd-fuzz: ");
			put_num(i + BATCH);
			put(" calls\n");
		}
	}
	put("privcmd-fuzz: done ");
	put_num(n);
	put(" calls, ");
	put_num(died);
	put(" of ");
	put_num((n + BATCH - 1) / BATCH);
	put(" processes died\n");
	sys(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* The kernel starts us with argc at sp, argv after it. */
__asm__(".global _start\n"
	"_start:\n"
	"	ldr x0, [sp]\n"
	"	add x1, sp, #8\n"
	"	bl fuzz_main\n"
	"1:	b 1b\n");
