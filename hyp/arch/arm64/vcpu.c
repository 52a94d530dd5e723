// SPDX-License-Identifier: MIT
/*
 * Arm64 domain and vCPU set-up: stage-2 (VMID, root table from the P2M
 * pool), EL2 trap configuration, and the EL1 context a vCPU carries.
 */
#include <public/control.h>
#include <arch/gic.h>
#include <arch/p2m.h>
#include <arch/sysreg.h>
#include <arch/traps.h>
#include <arch/vgic_api.h>
#include <arch/vmid.h>
#include <xenith/arch-api.h>
#include <xenith/assert.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/lib.h>

void vcpu_enter(const struct cpu_regs *regs, uint64_t stack_top)
	__attribute__((noreturn));
void vcpu_init_cpu(void);
void arch_fp_trap(struct vcpu *v);
static void vtimer_wake(void *data);
extern uint8_t cpu_stacks[MAX_CPUS][0x4000];

/* Xen's default trap set for guests (traps.c get_default_hcr_flags),
 * minus TID3: guests read the real ID registers (see docs). */
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | HCR_IMO | \
		   HCR_AMO | HCR_BSU_IS | HCR_FB | HCR_TWI | HCR_TWE | \
		   HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW)
/* MDCR_EL2: trap debug (TDA, TDOSA, TDRA) and PMU (TPM, TPMCR) accesses. */
#define MDCR_GUEST ((1UL << 9) | (1UL << 10) | (1UL << 11) | (1UL << 6) | \
		    (1UL << 5))
/* VTCR_EL2: T0SZ=25 (39-bit IPA), SL0=1 (start level 1), WBWA, inner
 * shareable, 4K granule, PS=40-bit, RES1 bit 31. */
#define VTCR_GUEST ((1UL << 31) | (2UL << 16) | (3UL << 12) | (1UL << 10) | \
		    (1UL << 8) | (1UL << 6) | 25)

void arch_tlb_flush_guests(void)
{
	__asm__ volatile("dsb ishst\n tlbi alle1is\n dsb ish\n isb" ::: "memory");
}

void arch_domain_release(struct domain *d)
{
	if (!d->arch.vmid)
		return;
	/* No CPU runs the domain or has its stage 2 in VTTBR_EL2 any more
	 * (its vCPUs' contexts were saved, arch_vcpu_save), and its tables
	 * are gone: vmid_free() makes every TLB forget the VMID first. */
	vmid_free(d->arch.vmid);
	d->arch.vmid = 0;
	d->arch.vttbr = 0;
}

int arch_domain_create(struct domain *d)
{
	unsigned int vmid;

	d->p2m_root = p2m_new_root(&d->p2m_pool);
	if (!d->p2m_root) {
		printk("%s: xen,domain-p2m-mem-mb: pool empty\n", d->cfg->path);
		return -XEN_ENOMEM;
	}
	vmid = vmid_alloc();
	if (!vmid) {
		printk("%s: no VMID left (255 domains at most)\n", d->cfg->path);
		return -XEN_EBUSY;
	}
	d->arch.vmid = vmid;
	d->arch.vttbr = ((uint64_t)vmid << 48) | d->p2m_root;
	d->arch.cntvoff = read_sysreg(cntpct_el0);
	return vgic_domain_init(d) ? -XEN_EINVAL : 0;
}

/*
 * Stage-2 changes run with d's VMID in VTTBR_EL2: p2m_flush_tlb()'s
 * broadcast invalidation (TLBI VMALLS12E1IS) acts on the current VMID, on
 * every CPU. A hypercall runs on one of d's own vCPUs, so this is usually
 * already so; at construction the boot CPU lends its VTTBR for a moment.
 */
static uint64_t p2m_enter(struct domain *d)
{
	uint64_t old = read_sysreg(vttbr_el2);

	ASSERT_LOCKED(&d->p2m_lock);
	if (old != d->arch.vttbr) {
		write_sysreg(vttbr_el2, d->arch.vttbr);
		isb();
	}
	return old;
}

static void p2m_leave(struct domain *d, uint64_t old)
{
	if (old != d->arch.vttbr) {
		write_sysreg(vttbr_el2, old);
		isb();
	}
}

int arch_p2m_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	uint64_t old = p2m_enter(d);
	int rc = p2m_map(d->p2m_root, &d->p2m_pool, ipa, pa, size, P2M_RAM);

	p2m_leave(d, old);
	return rc;
}

int arch_p2m_map_mmio(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	uint64_t old = p2m_enter(d);
	int rc = p2m_map(d->p2m_root, &d->p2m_pool, ipa, pa, size, P2M_MMIO);

	p2m_leave(d, old);
	return rc;
}

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t arg0)
{
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	memset(&v->arch.el1, 0, sizeof(v->arch.el1));
	v->arch.regs.pc = entry;
	v->arch.regs.x[0] = arg0;
	v->arch.regs.pstate = PSR_GUEST64_INIT;
	v->arch.el1.sctlr = SCTLR_EL1_GUEST_INIT;
	v->arch.vmpidr = (1UL << 31) | guest_vcpu_affinity(v->id); /* RES1 bit 31 */
	memset(&v->arch.fp, 0, sizeof(v->arch.fp));
	v->arch.fp_live = false;
	v->arch.fp_cpu = -1;
	if (!v->arch.vtimer_wake.fn)
		timer_init(&v->arch.vtimer_wake, vtimer_wake, v);
	vgic_vcpu_init(v);
	/* The vGIC forgot the upcall line's level: the first entry must set
	 * it again from evtchn_upcall_pending (xen_vcpu_entry). */
	v->upcall_level = false;
}

/* Xen's is_guest_pv64_psr(): AArch64, EL1h, EL1t or EL0t. */
static bool psr64_ok(uint64_t psr)
{
	unsigned int mode = psr & 0xf;

	/* Bit 4 set: an AArch32 mode. */
	return !(psr & 0x10) && (mode == PSR_MODE_EL1H || mode == PSR_MODE_EL1T ||
				 mode == PSR_MODE_EL0T);
}

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
	const struct vcpu_guest_core_regs *r = &ctx->user_regs;

	if (!psr64_ok(r->cpsr) || (r->spsr_el1 && !psr64_ok(r->spsr_el1)))
		return -XEN_EINVAL;
	arch_vcpu_init(v, r->pc64, r->x[0]);
	memcpy(v->arch.regs.x, r->x, sizeof(r->x));
	v->arch.regs.pstate = r->cpsr;
	v->arch.el1.sp_el0 = r->sp_el0;
	v->arch.el1.sp_el1 = r->sp_el1;
	v->arch.el1.elr_el1 = r->elr_el1;
	v->arch.el1.spsr_el1 = r->spsr_el1;
	v->arch.el1.sctlr = ctx->sctlr;
	v->arch.el1.ttbr0 = ctx->ttbr0;
	v->arch.el1.ttbr1 = ctx->ttbr1;
	v->arch.el1.tcr = ctx->ttbcr;
	return 0;
}

static void el1_restore(const struct el1_sysregs *s)
{
	write_sysreg(sctlr_el1, s->sctlr);
	write_sysreg(ttbr0_el1, s->ttbr0);
	write_sysreg(ttbr1_el1, s->ttbr1);
	write_sysreg(tcr_el1, s->tcr);
	write_sysreg(mair_el1, s->mair);
	write_sysreg(amair_el1, s->amair);
	write_sysreg(vbar_el1, s->vbar);
	write_sysreg(contextidr_el1, s->contextidr);
	write_sysreg(esr_el1, s->esr);
	write_sysreg(far_el1, s->far);
	write_sysreg(afsr0_el1, s->afsr0);
	write_sysreg(afsr1_el1, s->afsr1);
	write_sysreg(par_el1, s->par);
	write_sysreg(tpidr_el0, s->tpidr_el0);
	write_sysreg(tpidrro_el0, s->tpidrro_el0);
	write_sysreg(tpidr_el1, s->tpidr_el1);
	write_sysreg(sp_el0, s->sp_el0);
	write_sysreg(sp_el1, s->sp_el1);
	write_sysreg(elr_el1, s->elr_el1);
	write_sysreg(spsr_el1, s->spsr_el1);
	write_sysreg(cpacr_el1, s->cpacr);
	write_sysreg(cntkctl_el1, s->cntkctl);
	write_sysreg(cntv_cval_el0, s->cntv_cval);
	write_sysreg(cntv_ctl_el0, s->cntv_ctl);
	write_sysreg(csselr_el1, s->csselr);
}

/* Saved when a vCPU leaves its CPU for another vCPU. */
static void el1_save(struct el1_sysregs *s)
{
	s->sctlr = read_sysreg(sctlr_el1);
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->ttbr1 = read_sysreg(ttbr1_el1);
	s->tcr = read_sysreg(tcr_el1);
	s->mair = read_sysreg(mair_el1);
	s->amair = read_sysreg(amair_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->contextidr = read_sysreg(contextidr_el1);
	s->esr = read_sysreg(esr_el1);
	s->far = read_sysreg(far_el1);
	s->afsr0 = read_sysreg(afsr0_el1);
	s->afsr1 = read_sysreg(afsr1_el1);
	s->par = read_sysreg(par_el1);
	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	s->tpidr_el1 = read_sysreg(tpidr_el1);
	s->sp_el0 = read_sysreg(sp_el0);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr_el1 = read_sysreg(elr_el1);
	s->spsr_el1 = read_sysreg(spsr_el1);
	s->cpacr = read_sysreg(cpacr_el1);
	s->cntkctl = read_sysreg(cntkctl_el1);
	s->cntv_cval = read_sysreg(cntv_cval_el0);
	s->cntv_ctl = read_sysreg(cntv_ctl_el0);
	s->csselr = read_sysreg(csselr_el1);
}

/* ---- context switch ------------------------------------------------- */

#define CPTR_TFP (1UL << 10)        /* trap FP/SIMD to EL2 */
#define CPTR_RES1 0x33ffUL          /* RES1 bits, SVE trapped (TZ) */
#define CNTV_ENABLE (1UL << 0)
#define CNTV_IMASK  (1UL << 1)

void fpsimd_save(struct fpsimd_state *s);
void fpsimd_restore(const struct fpsimd_state *s);

/* The vCPU whose FP state this CPU's registers hold (even after its
 * save: then they still equal it). Each entry belongs to its CPU. */
static struct vcpu *fp_owner[MAX_CPUS];
/* Eager FP switching (command line sched-fp=eager): measured against
 * lazy in docs/performance.md. Written once at boot. */
static bool fp_eager;

void arch_fp_switch_eager(bool eager)
{
	fp_eager = eager;
}

static void vtimer_wake(void *data)
{
	sched_wake(data);
}

static void timer_save(struct vcpu *v)
{
	uint64_t ctl = v->arch.el1.cntv_ctl;

	/* Silence it for whoever runs here next; if it was armed, a
	 * hypervisor timer wakes the vCPU when it would have fired (the
	 * hardware raises the interrupt itself once it is loaded again). */
	write_sysreg(cntv_ctl_el0, 0);
	if ((ctl & CNTV_ENABLE) && !(ctl & CNTV_IMASK)) {
		uint64_t cval = v->arch.el1.cntv_cval, off = v->dom->arch.cntvoff;
		/* A deadline past the end of time never comes: wrapping it
		 * would wake the vCPU at once, again and again. */
		uint64_t when = cval > UINT64_MAX - off ? UINT64_MAX : cval + off;

		timer_set(&v->arch.vtimer_wake, arch_ticks_to_ns(when));
	}
}

static void fp_load(struct vcpu *v, unsigned int cpu)
{
	if (fp_eager) {
		fpsimd_restore(&v->arch.fp);
		v->arch.fp_live = true;
	} else if (fp_owner[cpu] == v && v->arch.fp_cpu == (int)cpu) {
		v->arch.fp_live = true; /* the registers still hold its state */
	} else {
		v->arch.fp_live = false;
		write_sysreg(cptr_el2, CPTR_RES1 | CPTR_TFP);
		return;
	}
	fp_owner[cpu] = v;
	v->arch.fp_cpu = (int)cpu;
	write_sysreg(cptr_el2, CPTR_RES1);
}

/* The first FP/SIMD instruction since the vCPU was loaded (lazy). */
void arch_fp_trap(struct vcpu *v)
{
	unsigned int cpu = arch_cpu_id();

	write_sysreg(cptr_el2, CPTR_RES1);
	isb();
	fpsimd_restore(&v->arch.fp);
	fp_owner[cpu] = v;
	v->arch.fp_cpu = (int)cpu;
	v->arch.fp_live = true;
}

void arch_vcpu_load(struct vcpu *v)
{
	struct domain *d = v->dom;
	unsigned int cpu = arch_cpu_id();

	timer_stop(&v->arch.vtimer_wake);
	write_sysreg(vttbr_el2, d->arch.vttbr);
	write_sysreg(hcr_el2, HCR_GUEST);
	write_sysreg(vmpidr_el2, v->arch.vmpidr);
	isb();
	if (d->arch.last_ran[cpu] != v->id + 1) {
		/* Another vCPU of d ran here: its entries tagged with our VMID
		 * may be stale for this one. */
		__asm__ volatile("tlbi vmalls12e1\n dsb nsh" ::: "memory");
		d->arch.last_ran[cpu] = (uint8_t)(v->id + 1);
	}
	write_sysreg(cntvoff_el2, d->arch.cntvoff);
	el1_restore(&v->arch.el1);
	vgic_restore(v);
	fp_load(v, cpu);
	isb();
}

void arch_vcpu_save(struct vcpu *v)
{
	el1_save(&v->arch.el1);
	timer_save(v);
	vgic_save(v);
	if (v->arch.fp_live) {
		if (read_sysreg(cptr_el2) & CPTR_TFP) { /* never true: fp_live */
			write_sysreg(cptr_el2, CPTR_RES1);
			isb();
		}
		fpsimd_save(&v->arch.fp);
		v->arch.fp_live = false;
	}
	/* No CPU keeps a stage 2 it does not run: a domain's tables may go
	 * once its vCPUs are saved, and nothing may walk them afterwards
	 * (VMID 0 is nobody's; arch_vcpu_load sets the next one). */
	write_sysreg(vttbr_el2, 0);
	isb();
}

void regs_copy(struct cpu_regs *dst, const struct cpu_regs *src);

void arch_vcpu_frame_save(struct vcpu *v)
{
	regs_copy(&v->arch.regs, trap_frame());
}

/* The vCPU that trapped goes on here: its frame is still on the stack. */
void arch_vcpu_resume(struct vcpu *v)
{
	if (v->io.key)
		ioreq_resume(v, trap_frame());
	xen_vcpu_entry(v);
	vgic_flush(v);
}


/* Enters v, whose context is loaded here, from its saved registers. */
void arch_vcpu_enter(struct vcpu *v)
{
	if (v->power == VCPU_ON_PENDING)
		v->power = VCPU_ON;
	if (v->io.key)
		ioreq_resume(v, &v->arch.regs);
	xen_vcpu_entry(v);
	vgic_flush_slow(v); /* also resets the virtual CPU interface if fresh */
	isb();
	vcpu_enter(&v->arch.regs, (uint64_t)(uintptr_t)cpu_stacks[arch_cpu_id() + 1]);
}

/* Per CPU, once: the EL2 controls every guest shares. */
void vcpu_init_cpu(void)
{
	vgic_init_cpu();
	write_sysreg(vtcr_el2, VTCR_GUEST);
	write_sysreg(mdcr_el2, MDCR_GUEST);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	isb();
}

void p2m_flush_tlb(void)
{
	__asm__ volatile("dsb ishst\n tlbi vmalls12e1is\n dsb ish\n isb"
			 ::: "memory");
}

/* Guest virtual -> host physical through the guest's current stage 1 and
 * our stage 2 (AT S12E1R/W), on the vCPU's own CPU. 0 if it faults. */
uint64_t arch_gva_to_pa(uint64_t gva, bool write)
{
	uint64_t par, saved = read_sysreg(par_el1);

	if (write)
		__asm__ volatile("at s12e1w, %0" : : "r"(gva));
	else
		__asm__ volatile("at s12e1r, %0" : : "r"(gva));
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved); /* PAR_EL1 belongs to the guest */
	if (par & 1)
		return 0;
	return (par & 0x0000fffffffff000ULL) | (gva & 0xfff);
}

/* Frames above the 39-bit IPA space do not exist (and gfn << 12 must
 * not wrap around onto one that does). */
static bool gfn_valid(uint64_t gfn)
{
	return gfn < (1ULL << (P2M_IPA_BITS - 12));
}

unsigned int arch_guest_ipa_bits(void)
{
	return P2M_IPA_BITS;
}

uint64_t arch_gfn_to_pa(struct domain *d, uint64_t gfn)
{
	uint64_t pa;

	ASSERT_LOCKED(&d->p2m_lock);
	if (!gfn_valid(gfn))
		return 0;
	return p2m_lookup(d->p2m_root, gfn << 12, &pa) ? pa : 0;
}

int arch_p2m_unmap_page(struct domain *d, uint64_t gfn)
{
	uint64_t old;
	int rc;

	if (!gfn_valid(gfn))
		return -1;
	old = p2m_enter(d);
	rc = p2m_unmap_page(d->p2m_root, &d->p2m_pool, gfn << 12);
	p2m_leave(d, old);
	return rc;
}

static int map_kind(struct domain *d, uint64_t gfn, uint64_t pa, enum p2m_type t)
{
	uint64_t old;
	int rc;

	ASSERT_LOCKED(&d->p2m_lock);
	if (!gfn_valid(gfn))
		return -1;
	old = p2m_enter(d);
	rc = p2m_map(d->p2m_root, &d->p2m_pool, gfn << 12, pa, 4096, t);
	p2m_leave(d, old);
	return rc ? -2 : 0;
}

int arch_p2m_map_foreign(struct domain *d, uint64_t gfn, uint64_t pa)
{
	return map_kind(d, gfn, pa, P2M_FOREIGN);
}

int arch_p2m_map_grant(struct domain *d, uint64_t gfn, uint64_t pa, bool readonly)
{
	return map_kind(d, gfn, pa, readonly ? P2M_GRANT_RO : P2M_GRANT_RW);
}

/* The page of an entry of one of the given kinds at gfn, else 0. */
static uint64_t pa_of_kind(struct domain *d, uint64_t gfn, enum p2m_type a, enum p2m_type b)
{
	uint64_t pa;
	enum p2m_type t;

	ASSERT_LOCKED(&d->p2m_lock);
	if (!gfn_valid(gfn) || !p2m_lookup_ext(d->p2m_root, gfn << 12, &pa, &t))
		return 0;
	return t == a || t == b ? pa : 0;
}

void arch_p2m_each_foreign(struct domain *d, void (*fn)(void *arg, uint64_t pa), void *arg)
{
	p2m_each_foreign(d->p2m_root, fn, arg);
}

uint64_t arch_gfn_foreign_pa(struct domain *d, uint64_t gfn)
{
	return pa_of_kind(d, gfn, P2M_FOREIGN, P2M_FOREIGN);
}

uint64_t arch_gfn_grant_pa(struct domain *d, uint64_t gfn)
{
	return pa_of_kind(d, gfn, P2M_GRANT_RW, P2M_GRANT_RO);
}

int arch_p2m_map_page(struct domain *d, uint64_t gfn, uint64_t pa)
{
	uint64_t old;
	int rc;

	if (!gfn_valid(gfn))
		return -1;
	old = p2m_enter(d);
	rc = p2m_map(d->p2m_root, &d->p2m_pool, gfn << 12, pa, 4096, P2M_RAM);
	p2m_leave(d, old);
	return rc ? -2 : 0; /* a valid frame: only the pool can run out */
}

bool arch_p2m_fault_is_stale(struct domain *d, uint64_t ipa)
{
	uint64_t pa;
	int mapped;

	/* Waits out a break-before-make in progress on another vCPU. */
	spin_lock(&d->p2m_lock);
	mapped = p2m_lookup(d->p2m_root, ipa, &pa);
	spin_unlock(&d->p2m_lock);
	return mapped;
}


/* The 'r' debug key: every CPU prints its own hardware view (the others
 * when their kick arrives, irq.c). */
void arch_dump_cpus(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		if (c == arch_cpu_id() || !pcpu[c].pool)
			continue;
		__atomic_fetch_or(&arch_dump_request, 1U << c, __ATOMIC_ACQ_REL);
		arch_cpu_kick(c);
	}
	arch_dump_cpu();
}

void arch_dump_cpu(void)
{
	unsigned int cpu = arch_cpu_id();
	uint32_t pend, act;

	gic_ppi_state(cpu, &pend, &act);
	printk("CPU%u hardware: CNTV_CTL %llx CVAL %llx CNTVCT %llx, PPIs pending %x "
	       "active %x, ICH_HCR %llx ELRSR %llx LR0 %llx LR1 %llx\n", cpu,
	       (unsigned long long)read_sysreg(cntv_ctl_el0),
	       (unsigned long long)read_sysreg(cntv_cval_el0),
	       (unsigned long long)read_sysreg(cntvct_el0), pend, act,
	       (unsigned long long)read_sysreg(S3_4_C12_C11_0),
	       (unsigned long long)read_sysreg(ICH_ELRSR_EL2),
	       (unsigned long long)read_sysreg(S3_4_C12_C12_0),
	       (unsigned long long)read_sysreg(S3_4_C12_C12_1));
}
