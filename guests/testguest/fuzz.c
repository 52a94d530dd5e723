// SPDX-License-Identifier: MIT
/*
 * fuzz: thousands of Xen hypercalls with random numbers, sub-operations and
 * arguments (from a fixed seed, so a failure can be replayed). Pointer
 * arguments point at a scratch page refilled with random bytes, at
 * addresses outside the guest's RAM, or are random. The guest must get an
 * answer every time and keep running, and so must its neighbour.
 *
 * Left out, because they would legitimately stop or damage this guest
 * rather than test the hypervisor: sched_op (shutdown, block forever),
 * memory_op and vcpu_op (remap or overwrite the guest's own RAM), the
 * FIFO event-channel set-up calls (which also write into guest RAM), and
 * console_io (a random count prints up to all of the guest's RAM).
 */
#include "tg.h"

#define HC_MEMORY_OP   12
#define HC_CONSOLE_IO  18
#define HC_VCPU_OP     24
#define HC_SCHED_OP    29
#define HC_EVTCHN_OP   32
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12

/* Pointers go into the first page; the second absorbs what a call
 * writes past it (up to 1 KiB strings), so the guest's own data stays
 * intact. */
static uint8_t scratch[8192] __attribute__((aligned(4096)));
static uint64_t seed;

static uint64_t rnd(void)
{
	/* xorshift64: cheap and reproducible. */
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static uint64_t pick_arg(void)
{
	static const uint64_t fixed[] = {
		0, 1, 2, 7, 0x7ff0, 0xffffffffULL, ~0ULL, 0x10000000ULL,
		0x3ffff000ULL, 0x8000000000ULL, 0x22000000ULL,
	};

	switch (rnd() % 4) {
	case 0: return (uint64_t)(uintptr_t)scratch + (rnd() % 4096);
	case 1: return (uint64_t)(uintptr_t)scratch;
	case 2: return fixed[rnd() % ARRAY_LEN(fixed)];
	default: return rnd();
	}
}

static bool excluded(uint64_t nr, uint64_t cmd)
{
	if (nr == HC_SCHED_OP || nr == HC_MEMORY_OP || nr == HC_VCPU_OP ||
	    nr == HC_CONSOLE_IO)
		return true;
	return nr == HC_EVTCHN_OP &&
	       (cmd == EVTCHNOP_init_control || cmd == EVTCHNOP_expand_array);
}

void mode_fuzz(void)
{
	uint64_t n = arg_num("calls", 5000), done = 0, enosys = 0, ok = 0;

	seed = arg_num("seed", 0x5eed1234abcdULL) | 1;
	say("fuzz: %llu hypercalls, seed %#llx", (unsigned long long)n,
	    (unsigned long long)seed);
	while (done < n) {
		/* Mostly the hypercalls a domU has, sometimes any number. */
		static const uint8_t known[] = { 17, 20, 21, 32, 34 };
		uint64_t nr = rnd() % 4 ? known[rnd() % ARRAY_LEN(known)] : rnd() % 64;
		uint64_t cmd = rnd() % 16;
		int64_t rc;

		if (excluded(nr, cmd))
			continue;
		for (unsigned i = 0; i < 4096; i += 8)
			*(uint64_t *)(scratch + i) = rnd();
		rc = xen_hypercall(nr, cmd, pick_arg(), pick_arg(), pick_arg(),
				   pick_arg());
		done++;
		if (rc == -38)
			enosys++;
		else if (rc >= 0)
			ok++;
	}
	say("fuzz: %llu calls answered (%llu ENOSYS, %llu >= 0, %llu other errors)",
	    (unsigned long long)done, (unsigned long long)enosys,
	    (unsigned long long)ok, (unsigned long long)(done - enosys - ok));
	say("FUZZ DONE");
}
