// SPDX-License-Identifier: MIT
/*
 * The host's stand-in for the architecture and console under
 * fuzz_hypercall: what hyp/common/{hypercall,domain,evtchn}.c, the
 * evtchn_2l/evtchn_fifo files and hyp/common/xen call outside themselves.
 *
 * Stage 2 is the real table code (hyp/arch/arm64/p2m.c) over host memory:
 * as in the hypervisor, which identity-maps RAM, a "physical address" is
 * a host pointer, so a guest frame leads to real bytes the sanitizers
 * watch. arch_gfn_to_pa, arch_p2m_map_page and arch_p2m_unmap_page are
 * hyp/arch/arm64/vcpu.c's without the VTTBR switch. A guest virtual
 * address is its guest-physical address (a guest with its MMU off), so
 * arch_gva_to_pa is a stage-2 lookup in the calling vCPU's domain.
 *
 * Everything else the hypervisor would do to the hardware checks its
 * arguments (an out-of-range vCPU or CPU aborts: the fuzzer reports it)
 * and otherwise does nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/p2m.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/vpl011.h>
#include <public/control.h>
#include <arch/vmid.h>

#include "fuzz_hyp.h"

struct vcpu *fuzz_current;
unsigned long fuzz_upcalls, fuzz_kicks, fuzz_lines, fuzz_blocks;

int x_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_arch: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* ---- stage 2, as hyp/arch/arm64/vcpu.c ---- */

static bool gfn_valid(uint64_t gfn)
{
	return gfn < (1ULL << (P2M_IPA_BITS - 12));
}

uint64_t arch_gfn_to_pa(struct domain *d, uint64_t gfn)
{
	uint64_t pa;

	if (!spin_held(&d->p2m_lock))
		die("arch_gfn_to_pa without d%u's p2m_lock", d->id);
	if (!gfn_valid(gfn))
		return 0;
	return p2m_lookup(d->p2m_root, gfn << 12, &pa) ? pa : 0;
}

int arch_p2m_unmap_page(struct domain *d, uint64_t gfn)
{
	if (!spin_held(&d->p2m_lock))
		die("arch_p2m_unmap_page without d%u's p2m_lock", d->id);
	if (!gfn_valid(gfn))
		return -1;
	return p2m_unmap_page(d->p2m_root, &d->p2m_pool, gfn << 12);
}

int arch_p2m_map_page(struct domain *d, uint64_t gfn, uint64_t pa)
{
	if (!spin_held(&d->p2m_lock))
		die("arch_p2m_map_page without d%u's p2m_lock", d->id);
	if (!gfn_valid(gfn))
		return -1;
	if (pa & 0xfff)
		die("arch_p2m_map_page: pa %#llx not page aligned",
		    (unsigned long long)pa);
	return p2m_map(d->p2m_root, &d->p2m_pool, gfn << 12, pa, 4096, P2M_RAM) ? -2 : 0;
}

int arch_p2m_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return p2m_map(d->p2m_root, &d->p2m_pool, ipa, pa, size, P2M_RAM);
}

static int map_kind(struct domain *d, uint64_t gfn, uint64_t pa, enum p2m_type t)
{
	if (!spin_held(&d->p2m_lock))
		die("stage-2 change without d%u's p2m_lock", d->id);
	if (!gfn_valid(gfn))
		return -1;
	if (pa & 0xfff)
		die("foreign or grant map: unaligned 0x%llx", (unsigned long long)pa);
	return p2m_map(d->p2m_root, &d->p2m_pool, gfn << 12, pa, 4096, t) ? -2 : 0;
}

int arch_p2m_map_foreign(struct domain *d, uint64_t gfn, uint64_t pa)
{
	return map_kind(d, gfn, pa, P2M_FOREIGN);
}

int arch_p2m_map_grant(struct domain *d, uint64_t gfn, uint64_t pa, bool readonly)
{
	return map_kind(d, gfn, pa, readonly ? P2M_GRANT_RO : P2M_GRANT_RW);
}

static uint64_t pa_of_kind(struct domain *d, uint64_t gfn, enum p2m_type a, enum p2m_type b)
{
	uint64_t pa;
	enum p2m_type t;

	if (!spin_held(&d->p2m_lock))
		die("stage-2 lookup without d%u's p2m_lock", d->id);
	if (!gfn_valid(gfn) || !p2m_lookup_ext(d->p2m_root, gfn << 12, &pa, &t))
		return 0;
	return t == a || t == b ? pa : 0;
}

uint64_t arch_gfn_foreign_pa(struct domain *d, uint64_t gfn)
{
	return pa_of_kind(d, gfn, P2M_FOREIGN, P2M_FOREIGN);
}

uint64_t arch_gfn_grant_pa(struct domain *d, uint64_t gfn)
{
	return pa_of_kind(d, gfn, P2M_GRANT_RW, P2M_GRANT_RO);
}

int arch_p2m_map_mmio(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return p2m_map(d->p2m_root, &d->p2m_pool, ipa, pa, size, P2M_MMIO);
}

/* The fuzz worlds have no dom0: nothing routes host interrupts. */
int arch_route_spi(struct domain *d, unsigned int intid, bool level)
{
	(void)d;
	(void)intid;
	(void)level;
	return -1;
}

bool arch_p2m_fault_is_stale(struct domain *d, uint64_t ipa)
{
	(void)d;
	(void)ipa;
	return false;
}

void p2m_flush_tlb(void)
{
}

/* Guest VA = IPA; the walk reads the tables without the lock, as the
 * hardware's AT instruction does. */
uint64_t arch_gva_to_pa(uint64_t gva, bool write)
{
	uint64_t pa;

	(void)write;
	if (!fuzz_current)
		die("arch_gva_to_pa outside a hypercall");
	if (gva >> P2M_IPA_BITS)
		return 0;
	return p2m_lookup(fuzz_current->dom->p2m_root, gva, &pa) ? pa : 0;
}

/* ---- CPUs, interrupts ---- */

int fuzz_cpu = -1;

unsigned int arch_cpu_id(void)
{
	if (fuzz_cpu >= 0)
		return (unsigned int)fuzz_cpu;
	return fuzz_current ? fuzz_current->sched.cpu : 0;
}

void arch_cpu_kick(unsigned int cpu)
{
	if (cpu >= MAX_CPUS)
		die("arch_cpu_kick(%u)", cpu);
	fuzz_kicks++;
}

void arch_vcpu_block(struct vcpu *v)
{
	if (v != fuzz_current)
		die("arch_vcpu_block of another vCPU");
	fuzz_blocks++;
}

/* ---- the scheduler's side (common/sched is not fuzzed here) ---- */

bool fuzz_irqs_masked;

bool arch_hypercall_irqs_masked(void)
{
	return fuzz_irqs_masked;
}

void arch_hypercall_enable_events(void)
{
	fuzz_irqs_masked = false;
}

void sched_block_nocheck(struct vcpu *v)
{
	if (v != fuzz_current)
		die("sched_block of another vCPU");
	fuzz_blocks++;
}

void sched_block(struct vcpu *v)
{
	if (v != fuzz_current)
		die("sched_block of another vCPU");
	fuzz_blocks++;
}

void sched_vcpu_yield(struct vcpu *v)
{
	if (v != fuzz_current)
		die("sched_vcpu_yield of another vCPU");
}

void sched_wake(struct vcpu *v)
{
	if (!v || !v->dom)
		die("sched_wake of nothing");
	v->sched.polling = false;
}

void sched_wake_io(struct vcpu *v)
{
	v->sched.io_wait = false;
	sched_wake(v);
}

void sched_poll_begin(struct vcpu *v)
{
	v->sched.polling = true;
}

void sched_poll_notify(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->sched.polling)
			sched_wake(d->vcpu[i]);
}

void sched_runstate(struct vcpu *v, unsigned int *state, uint64_t *entry,
		    uint64_t time[4])
{
	(void)v;
	*state = 0;
	*entry = 0;
	for (int i = 0; i < 4; i++)
		time[i] = 0;
}

/* Pausing (the control interface): the counts as core.c keeps them,
 * with nothing to wait for (no vCPU runs while the fuzzer calls). A
 * control domain pausing itself would wait for ever: domctl must have
 * refused it before. */
void sched_domain_pause_nosync(struct domain *d)
{
	d->pause_count++;
}

void sched_domain_sync(struct domain *d)
{
	if (fuzz_current && fuzz_current->dom == d)
		die("d%u waits for its own vCPUs to stop", d->id);
}

/* A paused domain's vCPUs are off their CPUs (the teardown waits for
 * that). */
static void off_cpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->sched.run == RUN_RUNNING)
			d->vcpu[i]->sched.run = RUN_RUNNABLE;
}

void sched_domain_pause(struct domain *d)
{
	sched_domain_sync(d);
	d->pause_count++;
	off_cpus(d);
}

void sched_domain_unpause(struct domain *d)
{
	if (!d->pause_count)
		die("d%u unpaused below zero", d->id);
	d->pause_count--;
}

int sched_domain_ctl_pause(struct domain *d)
{
	sched_domain_sync(d);
	if (d->ctl_pause_count >= 255)
		return -XEN_EOVERFLOW;
	d->ctl_pause_count++;
	d->pause_count++;
	off_cpus(d);
	return 0;
}

int sched_domain_ctl_unpause(struct domain *d)
{
	if (!d->ctl_pause_count)
		return -XEN_EINVAL;
	d->ctl_pause_count--;
	sched_domain_unpause(d);
	return 0;
}

void sched_vcpu_info(struct vcpu *v, struct sched_vcpu_info *info)
{
	info->online = v->power != VCPU_OFF;
	info->blocked = v->sched.run == RUN_BLOCKED;
	info->running = v->sched.run == RUN_RUNNING;
	info->cpu = v->sched.cpu;
	info->run_ns = 1000;
}

uint64_t arch_counter_freq(void)
{
	return 62500000;
}

unsigned int arch_guest_ipa_bits(void)
{
	return P2M_IPA_BITS;
}

/* One pool of every CPU (sysctl reads them). */
struct sched_pool sched_pools[MAX_POOLS];
struct pcpu pcpu[MAX_CPUS];
unsigned int nr_sched_pools;

int sched_add_vcpu(struct vcpu *v)
{
	v->sched.run = RUN_OFFLINE;
	v->sched.ctx_cpu = -1;
	return 0;
}

/* The teardown takes it out: nothing runs it again. */
void sched_remove_vcpu(struct vcpu *v)
{
	if (v->sched.run == RUN_RUNNING)
		die("sched_remove_vcpu: d%uv%u is running", v->dom->id, v->id);
	v->power = VCPU_OFF;
	v->sched.run = RUN_OFFLINE;
}

void sched_credit2_get(struct domain *d, uint32_t *weight, uint32_t *cap)
{
	*weight = d->c2_weight ? d->c2_weight : 256;
	*cap = d->c2_cap;
}

void sched_credit2_set(struct domain *d, uint32_t weight, uint32_t cap)
{
	if (!d->c2_weight)
		d->c2_weight = 256;
	if (weight)
		d->c2_weight = weight;
	d->c2_cap = cap;
}

void sched_vcpu_start(struct vcpu *v)
{
	(void)v;
}

void sched_vcpu_stop(struct vcpu *v)
{
	if (!v || !v->dom)
		die("sched_vcpu_stop of nothing");
}

/* domain_shutdown tells the CPUs of running vCPUs to leave. */
void sched_set_resched(unsigned int cpu)
{
	if (cpu >= MAX_CPUS)
		die("sched_set_resched(%u)", cpu);
}

void timer_set(struct timer *t, uint64_t expires)
{
	t->expires = expires;
	t->cpu = 0;
}

void timer_stop(struct timer *t)
{
	t->cpu = -1;
}

void arch_vgic_set_level(struct domain *d, unsigned int vcpu_id,
			 unsigned int intid, bool level)
{
	if (vcpu_id >= d->max_vcpus)
		die("arch_vgic_set_level: d%u has no vCPU %u", d->id, vcpu_id);
	if (intid != d->layout.evtchn_intid)
		die("arch_vgic_set_level: INTID %u", intid);
	fuzz_upcalls += level;
}

/* A device model's SPI (dm_op set_irq_level): the real checks are the
 * vGIC's; here any SPI of Xen's guest range is taken. */
int arch_vgic_dm_irq(struct domain *d, unsigned int intid, bool level)
{
	(void)d; (void)level;
	return intid < 32 || intid >= 32 + 960 ? -1 : 0;
}

void arch_ioreq_complete(void *regs, uint32_t arch, uint64_t value, unsigned int size)
{
	(void)regs; (void)arch; (void)value; (void)size;
}

void arch_clear_memory(uint64_t pa, uint64_t size)
{
	memset((void *)(uintptr_t)pa, 0, size);
}

void arch_clean_dcache(uint64_t pa, uint64_t size)
{
	(void)pa;
	(void)size;
}

void arch_flush_dcache(uint64_t pa, uint64_t size)
{
	(void)pa;
	(void)size;
}

/* The boot domains are built by fuzz_hypercall.c itself; these serve
 * XEN_DOMCTL_createdomain and the teardown (lifecycle.c), with the real
 * VMID allocator (arch/arm64/vmid.c). */
void arch_tlb_flush_guests(void)
{
}

int arch_domain_create(struct domain *d)
{
	unsigned int vmid;

	d->p2m_root = p2m_new_root(&d->p2m_pool);
	if (!d->p2m_root)
		return -XEN_ENOMEM;
	vmid = vmid_alloc();
	if (!vmid)
		return -XEN_EBUSY;
	d->arch.vmid = vmid;
	return 0;
}

void arch_domain_release(struct domain *d)
{
	vmid_free(d->arch.vmid);
	d->arch.vmid = 0;
}

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t arg0)
{
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.pc = entry;
	v->arch.regs.x[0] = arg0;
}

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
	if ((ctx->user_regs.cpsr & 0x10) || (ctx->user_regs.cpsr & 0xf) == 0x9)
		return -XEN_EINVAL;   /* AArch32, or EL2 */
	arch_vcpu_init(v, ctx->user_regs.pc64, ctx->user_regs.x[0]);
	return 0;
}

void arch_p2m_each_foreign(struct domain *d, void (*fn)(void *arg, uint64_t pa), void *arg)
{
	p2m_each_foreign(d->p2m_root, fn, arg);
}

void arch_vcpu_run(struct vcpu *v)
{
	die("arch_vcpu_run(vcpu %u)", v->id);
	abort();
}

void arch_cpu_idle(void)
{
	die("arch_cpu_idle");
}

/* ---- console ---- */

int printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	/* The hypervisor's own vsnprintf (lib/printf.c), output dropped. */
	va_start(ap, fmt);
	n = x_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (getenv("FUZZ_VERBOSE"))
		fputs(buf, stderr);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* A finished console_io line: printable, at most CONIO_LINE_MAX, ending
 * in a newline unless it filled the buffer. */
void console_domain_line(struct domain *d, const char *line, size_t len)
{
	if (!spin_held(&d->conio_lock))
		die("console_domain_line without conio_lock");
	if (len == 0 || len > CONIO_LINE_MAX)
		die("console_domain_line: %zu bytes", len);
	for (size_t i = 0; i < len; i++)
		if (!((line[i] >= 0x20 && line[i] < 0x7f) || line[i] == '\t' ||
		      line[i] == '\n'))
			die("console_domain_line: byte %#x", (unsigned char)line[i]);
	if (line[len - 1] != '\n' && len != CONIO_LINE_MAX)
		die("console_domain_line: unfinished line of %zu bytes", len);
	fuzz_lines++;
}

void vpl011_flush(struct domain *d)
{
	(void)d;
}

void vpl011_init(struct domain *d)
{
	(void)d;
}

void vpl011_ring_event(struct domain *d)
{
	(void)d;
}

/* XEN_DOMCTL_vuart_op (vpl011.c's, not linked here): refused. */
int vpl011_init_ring(struct domain *d, uint64_t gfn, uint16_t backend, uint32_t *port)
{
	(void)d;
	(void)gfn;
	(void)backend;
	(void)port;
	return -XEN_EINVAL;
}

/* Time for the grace periods' re-kick (grace.c): it only has to go on. */
uint64_t arch_time_ns(void)
{
	static uint64_t t;

	return t += 1000;
}

/* The guest would execute the hypercall again: fuzz_hypercall.c calls it
 * once more while this is set. */
int continued;

void arch_hypercall_continue(void)
{
	continued = 1;
}
