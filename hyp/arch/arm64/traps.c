// SPDX-License-Identifier: MIT
/*
 * The one dispatcher for guest traps: decode ESR_EL2 once, hand the reason
 * to its handler. Anything not emulated becomes an exception in the guest
 * (undefined instruction or abort), never a hypervisor fault.
 */
#include <arch/asm.h>
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <arch/traps.h>
#include <arch/vgic_api.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/hypercall.h>
#include <xenith/ioreq.h>
#include <xenith/mmio.h>
#include <xenith/sched.h>

int trap_guest_sync(struct cpu_regs *r);
int trap_guest_irq(struct cpu_regs *r);
int trap_guest_other(struct cpu_regs *r);
void arch_fp_trap(struct vcpu *v);
void trap_hyp_sync(struct cpu_regs *r);
void trap_hyp_bad(struct cpu_regs *r);
void irq_handle_guest(struct vcpu *v);
bool sysreg_emulate(struct vcpu *v, struct cpu_regs *r, uint64_t iss);

#define XEN_HYPERCALL_TAG 0xea1

extern uint8_t cpu_stacks[MAX_CPUS][STACK_SIZE];

/* entry.S builds the frame of a guest exit at the top of the CPU's stack
 * (the stack is empty while the guest runs). */
struct cpu_regs *trap_frame(void)
{
	return (struct cpu_regs *)(uintptr_t)cpu_stacks[this_cpu() + 1] - 1;
}

/* TPIDR_EL2 holds an index head.S and PSCI start-up set, always below
 * MAX_CPUS: no range check on this path. */
struct vcpu *current_vcpu(void)
{
	return cpu_current[this_cpu()];
}

/* Steps over the trapped instruction: 4 bytes, or 2 for a 16-bit T32
 * instruction of a 32-bit EL0 task (ESR_EL2.IL clear). */
static void skip_insn(struct cpu_regs *r, uint64_t esr)
{
	r->pc += (esr & ESR_IL) ? 4 : 2;
}

/* Sign/size-extends an emulated load into its destination register. */
static void dabt_complete_read(struct cpu_regs *r, uint64_t iss, uint64_t val,
			       unsigned size)
{
	unsigned bits = size * 8;

	if ((iss & DABT_SSE) && bits < 64 && (val >> (bits - 1)) & 1)
		val |= ~0ULL << bits;
	if (!(iss & DABT_SF))
		val &= 0xffffffffULL;
	regs_set(r, (iss >> DABT_SRT_SHIFT) & 0x1f, val);
}

/* The faulting IPA (HPFAR_EL2 has its page, FAR_EL2 the offset). */
static uint64_t fault_ipa(uint64_t far)
{
	return ((read_sysreg(hpfar_el2) >> 4) << 12) | (far & 0xfff);
}

/*
 * A stage-2 translation or access-flag fault on RAM happens only while
 * another vCPU of the domain remaps in that range (break-before-make
 * leaves the entry invalid for a moment): once the entry is valid again
 * the access is retried. Checked only before an abort would be injected,
 * so emulated MMIO never pays for it.
 */
static bool fault_was_transient(struct vcpu *v, uint64_t iss, uint64_t ipa)
{
	uint64_t fsc = iss & 0x3c; /* fault status code, level bits dropped */

	if (fsc != 0x04 && fsc != 0x08)
		return false;
	return arch_p2m_fault_is_stale(v->dom, ipa);
}

/* What completing a forwarded access needs of its syndrome: the
 * register, sign extension, 64-bit register, load, 32-bit instruction. */
#define IO_SSE  (1U << 5)
#define IO_SF   (1U << 6)
#define IO_LOAD (1U << 7)
#define IO_IL   (1U << 8)

static uint32_t io_cookie(uint64_t iss, uint64_t esr)
{
	return (uint32_t)((iss >> DABT_SRT_SHIFT) & 0x1f) |
	       ((iss & DABT_SSE) ? IO_SSE : 0) | ((iss & DABT_SF) ? IO_SF : 0) |
	       ((iss & DABT_WNR) ? 0 : IO_LOAD) | ((esr & ESR_IL) ? IO_IL : 0);
}

void arch_ioreq_complete(void *regs, uint32_t cookie, uint64_t value, unsigned int size)
{
	struct cpu_regs *r = regs;
	uint64_t iss = (uint64_t)(cookie & 0x1f) << DABT_SRT_SHIFT;

	if (cookie & IO_LOAD) {
		iss |= (cookie & IO_SSE ? DABT_SSE : 0) | (cookie & IO_SF ? DABT_SF : 0);
		dabt_complete_read(r, iss, value, size);
	}
	r->pc += (cookie & IO_IL) ? 4 : 2;
}

/* No device of the hypervisor took the access: an ioreq server's, or
 * the guest's abort. Out of line: the emulated devices' path stays as
 * short as it was. */
static void __attribute__((noinline, cold)) dabt_unclaimed(struct vcpu *v, struct cpu_regs *r,
							   uint64_t esr, const struct mmio_access *a)
{
	uint64_t iss = esr & ESR_ISS_MASK, far = read_sysreg(far_el2);

	if (ioreq_forward(v, a, io_cookie(iss, esr))) {
		/* Failed at once (no device model listens), else completed
		 * when the answer comes, on the way back in. */
		if (vcpu_io_state(v) == VIO_FAILED)
			ioreq_resume(v, r);
		return;
	}
	if (!fault_was_transient(v, iss, a->addr))
		inject_dabt(r, far, a->write);
}

static void handle_dabt(struct vcpu *v, struct cpu_regs *r, uint64_t esr)
{
	uint64_t iss = esr & ESR_ISS_MASK;
	uint64_t far = read_sysreg(far_el2);
	uint64_t ipa = fault_ipa(far);
	unsigned rt = (iss >> DABT_SRT_SHIFT) & 0x1f;
	struct mmio_access a = {
		.addr = ipa,
		.size = 1U << ((iss >> DABT_SAS_SHIFT) & 3),
		.write = (iss & DABT_WNR) != 0,
	};

	/* Without a valid syndrome (e.g. load pair, writeback) we cannot
	 * emulate: the guest gets the abort, as on Xen. */
	if (!(iss & DABT_ISV) || (iss & DABT_S1PTW)) {
		if (!fault_was_transient(v, iss, ipa))
			inject_dabt(r, far, a.write);
		return;
	}
	if (a.write)
		a.value = regs_get(r, rt);
	if (!mmio_dispatch(v, &v->dom->mmio, &a)) {
		dabt_unclaimed(v, r, esr, &a);
		return;
	}
	if (!a.write)
		dabt_complete_read(r, iss, a.value, a.size);
	skip_insn(r, esr);
}

/* The HVC is 4 bytes. */
void arch_hypercall_continue(void)
{
	struct cpu_regs *r = trap_frame();

	r->pc -= 4;
}

bool arch_hypercall_irqs_masked(void)
{
	struct cpu_regs *r = trap_frame();

	return (r->pstate & PSR_I) != 0;
}

void arch_hypercall_enable_events(void)
{
	struct cpu_regs *r = trap_frame();

	r->pstate &= ~PSR_I;
}

static void handle_hvc(struct vcpu *v, struct cpu_regs *r, uint64_t iss)
{
	switch (iss & 0xffff) {
	case 0:
		vpsci_call(v, r);
		break;
	case XEN_HYPERCALL_TAG:
		/* Number in x16, arguments x0-x4 (adjacent in the frame, read
		 * in place), result in x0. */
		r->x[0] = (uint64_t)do_hypercall(v, (unsigned long)r->x[16], &r->x[0]);
		/* It took RAM out of the domain's P2M: the device models drop
		 * their mappings before the guest goes on (Xen's
		 * ioreq_signal_mapcache_invalidate). */
		if (__builtin_expect(v->io.invalidate, 0))
			ioreq_invalidate(v);
		break;
	default:
		inject_undef(r);
		break;
	}
}

bool arch_vcpu_wants_wake(struct vcpu *v)
{
	xen_vcpu_entry(v);
	return vgic_vcpu_pending(v);
}

/* The same, inline on the wake-up path of a vCPU idling in place. */
static inline bool wants_wake(struct vcpu *v)
{
	xen_vcpu_entry(v);
	return vgic_vcpu_pending(v);
}

/*
 * Waits until a virtual interrupt is pending for this vCPU (even one
 * masked by PSTATE, as WFI's definition says). While nobody else in the
 * pool wants this CPU, the vCPU idles in place: it stays current with its
 * context loaded and resumes without a switch (the time counts as
 * blocked). A vCPU of the pool becoming runnable sets resched here (the
 * CPU counts as idle for tickling), and the vCPU then really blocks.
 */
void arch_vcpu_block(struct vcpu *v)
{
	struct pcpu *pc;
	const struct sched_pool *p;

	if (wants_wake(v))
		return;
	pc = &pcpu[this_cpu()];
	p = v->dom->pool;
	pc->idle_in_place = true;
	dmb(ish); /* announced before nr_queued is read (sched.c) */
	if (!pc->resched && (p->ops->cpu_owned || !p->nr_queued)) {
		uint64_t t0 = read_sysreg(cntpct_el0);
		bool woken;

		do {
			arch_cpu_idle();
			woken = wants_wake(v);
		} while (!woken && !pc->resched);
		v->sched.idle_ticks += read_sysreg(cntpct_el0) - t0;
		pc->idle_in_place = false;
		if (woken)
			return;
	}
	pc->idle_in_place = false;
	if (!arch_vcpu_wants_wake(v))
		sched_block(v);
}

/* WFE: a guest spinning on a lock lets the pool's waiting vCPUs go
 * first (Xen: vcpu_yield), else it simply goes on. */
static void handle_wfe(struct vcpu *v, struct cpu_regs *r, uint64_t esr)
{
	skip_insn(r, esr);
	if (v->dom->pool->nr_queued)
		sched_vcpu_yield(v);
}

/* After any trap: 1 if the scheduler must decide before the guest
 * resumes (entry.S then completes the frame and calls it). Everything
 * that stops a vCPU (blocking, CPU_OFF, a shutdown, a slice's end, a
 * wake-up that wants the CPU) sets this one flag. */
static inline int must_leave(struct vcpu *v)
{
	return *v->sched.resched;
}

int trap_guest_sync(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();
	uint64_t esr = read_sysreg(esr_el2);
	uint64_t iss = esr & ESR_ISS_MASK;

	switch (esr >> ESR_EC_SHIFT) {
	case ESR_EC_DABT_LOW:
		handle_dabt(v, r, esr);
		break;
	case ESR_EC_IABT_LOW: {
		uint64_t far = read_sysreg(far_el2);

		if (!fault_was_transient(v, iss, fault_ipa(far)))
			inject_iabt(r, far);
		break;
	}
	case ESR_EC_HVC64:
		handle_hvc(v, r, iss);
		break;
	case ESR_EC_SMC64:
		skip_insn(r, esr); /* trapped SMC: ELR points at the SMC itself */
		vpsci_call(v, r);
		break;
	case ESR_EC_WFX:
		if (iss & 1) {
			handle_wfe(v, r, esr);
			break;
		}
		/* WFI: arch_vcpu_block has just synced the upcall level, so
		 * only the list registers are left to fill. */
		skip_insn(r, esr);
		arch_vcpu_block(v);
		if (must_leave(v))
			return 1;
		vgic_flush(v);
		return 0;
	case ESR_EC_SYSREG:
		if (sysreg_emulate(v, r, iss))
			skip_insn(r, esr);
		else
			inject_undef(r);
		break;
	default:
		/* Off the switch's compares, so the hot cases keep their cost. */
		if (esr >> ESR_EC_SHIFT == ESR_EC_FP)
			arch_fp_trap(v); /* lazy switch: the instruction runs again */
		else
			inject_undef(r);
		break;
	}
	/* CPU_OFF, SYSTEM_OFF, shutdown, blocking, a slice's end */
	if (must_leave(v))
		return 1;
	xen_vcpu_entry(v);
	vgic_flush(v);
	return 0;
}

int trap_guest_irq(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();

	(void)r;
	irq_handle_guest(v);
	if (must_leave(v))
		return 1;
	xen_vcpu_entry(v);
	vgic_flush(v);
	return 0;
}

int trap_guest_other(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();

	printk("d%u v%u: SError or FIQ (ESR 0x%llx), crashing the domain\n",
	       v->dom->id, v->id, (unsigned long long)read_sysreg(esr_el2));
	(void)r;
	domain_shutdown(v->dom, SHUTDOWN_crash);
	return 1;
}

static void dump_hyp(const char *what, const struct cpu_regs *r)
{
	printk("Hypervisor %s on CPU%u: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n", what,
	       arch_cpu_id(), (unsigned long long)read_sysreg(esr_el2),
	       (unsigned long long)r->pc, (unsigned long long)read_sysreg(far_el2));
	for (int i = 0; i < 31; i += 4)
		printk("x%-2d %016llx %016llx %016llx %016llx\n", i,
		       (unsigned long long)r->x[i], (unsigned long long)r->x[i + 1],
		       (unsigned long long)r->x[i + 2],
		       (unsigned long long)(i + 3 < 31 ? r->x[i + 3] : 0));
}

void trap_hyp_sync(struct cpu_regs *r)
{
	dump_hyp("synchronous exception", r);
	panic("fault in the hypervisor");
}

void trap_hyp_bad(struct cpu_regs *r)
{
	dump_hyp("unexpected exception", r);
	panic("unexpected exception vector");
}
