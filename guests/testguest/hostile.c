// SPDX-License-Identifier: MIT
/*
 * hostile: what a misbehaving guest might try. Each attempt prints its
 * outcome ("fault ..." or the value it got); the guest must survive all of
 * them and keep ticking afterwards.
 */
#include "tg.h"

static void outcome(const char *what, uint32_t faults,
		    const struct fault_record *r, uint64_t val, bool has_val)
{
	if (faults)
		say("hostile %s: fault EC=%#x ESR=%#llx FAR=%#llx", what,
		    (unsigned)(r->esr >> 26) & 0x3f,
		    (unsigned long long)r->esr, (unsigned long long)r->far);
	else if (has_val)
		say("hostile %s: no fault, value %#llx", what,
		    (unsigned long long)val);
	else
		say("hostile %s: no fault", what);
}



/* Runs `insn` with x0 = *x0 in, *x0 = x0 out, resuming after it on a fault. */
#define TRY_INSN(insn, x0p, rec)                                          \
	({                                                                \
		fault_expect(0);                                          \
		register uint64_t r0 __asm__("x0") = *(x0p);              \
		__asm__ volatile("adr x9, 1f\n\t"                         \
				 "str x9, [%[rp]]\n\t"                    \
				 "dsb sy\n\t" insn "\n"                   \
				 "1:"                                     \
				 : "+r"(r0)                               \
				 : [rp] "r"(&fault_resume_pc)             \
				 : "x1", "x2", "x3", "x4", "x5", "x6",    \
				   "x7", "x8", "x9", "x10", "x11", "x12", \
				   "x13", "x14", "x15", "x16", "x17",     \
				   "memory");                             \
		*(x0p) = r0;                                              \
		fault_done(rec);                                          \
	})

static void try_mem(uint64_t addr)
{
	char what[48];
	struct fault_record r;
	uint32_t v;
	snprintf(what, sizeof(what), "load %#llx", (unsigned long long)addr);
	uint32_t f = try_load32(addr, &v, &r);
	outcome(what, f, &r, v, true);
	snprintf(what, sizeof(what), "store %#llx", (unsigned long long)addr);
	f = try_store32(addr, 0xa5a5a5a5, &r);
	outcome(what, f, &r, 0, false);
}

void mode_hostile(void)
{
	struct fault_record r;
	uint64_t x0;
	uint32_t f;

	x0 = 0;
	f = TRY_INSN("mrs x0, s3_7_c15_c0_0", &x0, &r);
	outcome("mrs s3_7_c15_c0_0", f, &r, x0, true);
	x0 = 0x1234;
	f = TRY_INSN("msr s3_7_c15_c0_0, x0", &x0, &r);
	outcome("msr s3_7_c15_c0_0", f, &r, 0, false);

	x0 = PSCI_VERSION;
	f = TRY_INSN("hvc #0x1234", &x0, &r);
	outcome("hvc #0x1234", f, &r, x0, true);
	x0 = PSCI_VERSION;
	f = TRY_INSN("smc #0", &x0, &r);
	outcome("smc #0 (PSCI_VERSION)", f, &r, x0, true);

	int64_t rc = xen_hypercall(99, 0, 0, 0, 0, 0);
	say("hostile xen hypercall 99 = %lld", (long long)rc);
	rc = xen_hypercall(0xffff, 0, 0, 0, 0, 0);
	say("hostile xen hypercall 0xffff = %lld", (long long)rc);
	/* console_io's count is 32 bits in Xen: 2^62 writes nothing. The
	 * escape sequence in the second call must not reach the terminal. */
	static const char esc[] = "hostile console_io \x1b[2Jescape\n";
	rc = xen_hypercall(18, 0, 1ULL << 62, (uint64_t)(uintptr_t)esc, 0, 0);
	say("hostile console_io count 2^62 = %lld", (long long)rc);
	rc = xen_hypercall(18, 0, sizeof(esc) - 1, (uint64_t)(uintptr_t)esc, 0, 0);
	say("hostile console_io escape = %lld", (long long)rc);
	/* 8 KiB in one call: more than the hypervisor writes in one go (it
	 * continues the call), every line of it must come out in order. */
	static char big[8192];
	for (unsigned i = 0; i < sizeof(big) / 64; i++) {
		snprintf(&big[i * 64], 64, "hostile long console_io line %03u %32s", i, "");
		big[i * 64 + 63] = '\n';
	}
	rc = xen_hypercall(18, 0, sizeof(big), (uint64_t)(uintptr_t)big, 0, 0);
	say("hostile console_io 8 KiB = %lld", (long long)rc);

	uint64_t base, end;
	if (!ram_info(&base, &end))
		end = 0x48000000;
	const uint64_t addrs[] = {
		0x0,         /* nothing there for a guest */
		0x08000000,  /* host GICD on QEMU virt */
		0x08010000,  /* host GICC */
		0x09000000,  /* host PL011 */
		0x0a000000,  /* host virtio-mmio */
		0x3ffff000,  /* just below guest RAM */
		end,         /* just past guest RAM */
		0x100000000ull,
		0x8000000000ull, /* 512 GiB */
	};
	for (unsigned i = 0; i < ARRAY_LEN(addrs); i++)
		try_mem(addrs[i]);

	/* A 64-bit access to a UART register is not allowed on SBSA. */
	if (console_base()) {
		uint64_t v;
		f = try_load64(console_base() + 0x18, &v, &r);
		outcome("64-bit load of UART FR", f, &r, v, true);
	}
	say("HOSTILE DONE");
}
