/* SPDX-License-Identifier: MIT */
/*
 * Every hook generic code calls into the architecture. A port to another
 * architecture implements exactly this list (plus the arch headers
 * named in xenith/domain.h). Generic code includes no other arch header.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <xenith/config.h>

struct domain;
struct vcpu;

/* ---- CPUs ---- */
/* Logical index of the calling physical CPU. */
unsigned int arch_cpu_id(void);
/* Starts physical CPU `cpu` (index into host_info.cpu_mpidr) at the
 * hypervisor's secondary entry. 0 or negative firmware error. */
int arch_cpu_start(unsigned int cpu, uint64_t mpidr);
/* Idles the CPU until an interrupt arrives (interrupts taken inside). */
void arch_cpu_idle(void);
/* After an idle CPU wakes: read console input the interrupt may have
 * missed (the CPU that takes the console's interrupt only). */
void arch_console_poll(void);
/* Sends the "reschedule/kick" IPI to a physical CPU. */
void arch_cpu_kick(unsigned int cpu);
/* Power off the machine (firmware), used when every domain is gone. */
void arch_system_off(void) __attribute__((noreturn));
void arch_halt(void) __attribute__((noreturn));

/* Nanoseconds since the machine started (the system counter). */
uint64_t arch_time_ns(void);
/* The system counter's raw value and its conversion to ns. */
uint64_t arch_counter(void);
uint64_t arch_ticks_to_ns(uint64_t ticks);
/* Its frequency in Hz (CNTFRQ on Arm). */
uint64_t arch_counter_freq(void);

/* The 'r' debug key: this CPU's hardware scheduling state (timer,
 * interrupt controller), printed. */
void arch_dump_cpu(void);
void arch_dump_cpus(void);

/* Interrupt lines of the host interrupt controller (SGIs+PPIs+SPIs). */
unsigned int arch_irq_nr_lines(void);

/* ---- per-CPU bring-up ---- */
void arch_init_primary(const void *fdt, const struct host_info *h);
void arch_init_secondary(unsigned int cpu);
/* Unmaps the boot-only code and constants once the domains are built;
 * returns how many bytes went. */
uint64_t arch_free_init(void);
/* Free hypervisor memory range kept for itself (for the boot summary). */
void arch_image_range(uint64_t *start, uint64_t *end);

/* ---- domains ---- */
/* Sets up stage-2 translation (VMID, root table from the domain's pool),
 * the virtual GIC and the timer offset. 0, or a Xen error after one line
 * on the console: -ENOMEM (the pool has no root), -EBUSY (no VMID left,
 * as Xen's "VMID pool exhausted"), -EINVAL (the vGIC). */
int arch_domain_create(struct domain *d);
/* Gives back what arch_domain_create took (its VMID), once its stage-2
 * tables are gone: every CPU's TLB forgets the VMID first, so the next
 * domain to get it finds nothing stale. Safe on a domain it never
 * reached. */
void arch_domain_release(struct domain *d);
/* Maps [ipa, ipa+size) to host [pa, ...) as normal RAM. */
int arch_p2m_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size);
/* Maps [ipa, ipa+size) to host [pa, ...) as a device (dom0's). */
int arch_p2m_map_mmio(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size);
/* Gives host SPI intid to d as its virtual SPI of the same number (dom0's
 * devices): the physical interrupt is configured (level or edge),
 * routed and enabled; when it fires it is injected with the HW bit, so
 * the guest's EOI deactivates it. Boot only. 0, or -1 if the SPI is the
 * hypervisor's, another domain's or beyond d's vGIC. */
int arch_route_spi(struct domain *d, unsigned int intid, bool level);
/* Initial vCPU state: entry point, x0 argument, EL1 reset values. */
void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t arg0);
/* XEN_DOMCTL_setvcpucontext: v's registers from ctx (Xen's
 * arch_set_info_guest: a 64-bit guest, PSTATE and SPSR_EL1 naming an
 * EL1 or EL0 mode of AArch64, else -EINVAL). v does not run. */
struct vcpu_guest_context;
int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *ctx);
/* Context switch, on the calling CPU: load v's whole context (EL1
 * registers, timer, vGIC, stage 2; FP/SIMD lazily), save it back (its
 * virtual timer becomes a hypervisor timer that wakes it), copy the
 * trap frame of the vCPU that just exited into v, and enter v from its
 * saved registers (does not return). */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_save(struct vcpu *v);
void arch_vcpu_frame_save(struct vcpu *v);
void arch_vcpu_enter(struct vcpu *v) __attribute__((noreturn));
/* The vCPU that trapped on this CPU goes on without a switch (its frame
 * is still on the stack): the last steps of a guest entry. */
void arch_vcpu_resume(struct vcpu *v);
/* FP/SIMD registers switched eagerly (every switch saves and restores
 * them) instead of lazily (restored on the vCPU's first FP instruction):
 * command line "sched-fp=eager" (docs/performance.md has both costs). */
void arch_fp_switch_eager(bool eager);
/* True if a virtual interrupt is pending for v, whose context is loaded
 * on this CPU (WFI's wake-up condition, even if masked by PSTATE). */
bool arch_vcpu_wants_wake(struct vcpu *v);
/* Blocks the calling vCPU until arch_vcpu_wants_wake() (WFI semantics,
 * used by SCHEDOP_block/poll): idles in place while nobody else wants
 * the CPU, else gives it up to the scheduler. */
void arch_vcpu_block(struct vcpu *v);
/* A device model's interrupt line for SPI intid of d (dm_op): 0, or -1
 * if d has no such SPI for it. */
int arch_vgic_dm_irq(struct domain *d, unsigned int intid, bool level);
/* Is host SPI intid given to d (passthrough; the same INTID then)? */
bool arch_spi_routed_to(const struct domain *d, unsigned int intid);
/* Raises (level=true) or lowers a virtual interrupt line of a domain. */
void arch_vgic_set_level(struct domain *d, unsigned int vcpu_id,
			 unsigned int intid, bool level);

/* A hypercall continuation, as Xen's: the guest executes the hypercall
 * instruction again when it resumes. The handler has left its remaining
 * work in the argument registers (args[] of do_hypercall) and returns
 * the value x0 had, so the call comes back the same. Between the two,
 * interrupts and other vCPUs waiting for a lock get their turn. */
void arch_hypercall_continue(void);
/* The calling vCPU's interrupts as the guest left them at the
 * hypercall: masked (PSTATE.I)? And unmask them for its return (Xen's
 * "event delivery enabled" on Arm, which SCHEDOP_block implies). */
bool arch_hypercall_irqs_masked(void);
void arch_hypercall_enable_events(void);

/* Stage-2 changes and lookups: the caller holds d->p2m_lock. Changes
 * are break-before-make with the TLB invalidated on every CPU for d.
 * Maps one 4 KiB host page at guest frame gfn, replacing what was there
 * (a 2 MiB or 1 GiB block around it is split). 0, -1 if gfn is beyond the
 * IPA space, -2 if the P2M pool has no page for a table. */
int arch_p2m_map_page(struct domain *d, uint64_t gfn, uint64_t pa);
/* Maps another domain's page at gfn (a foreign or grant mapping, marked
 * as such in the entry). Same returns as arch_p2m_map_page. */
int arch_p2m_map_foreign(struct domain *d, uint64_t gfn, uint64_t pa);
/* A teardown: fn for every foreign entry of d's stage 2 (the page it
 * maps, whose owner the entry holds a reference on). */
void arch_p2m_each_foreign(struct domain *d, void (*fn)(void *arg, uint64_t pa), void *arg);
/* The host page of a foreign entry at gfn, 0 if the entry is not one. */
uint64_t arch_gfn_foreign_pa(struct domain *d, uint64_t gfn);
/* A granted page at gfn (read-only if asked), and the same question for
 * grant entries. p2m_lock held. */
int arch_p2m_map_grant(struct domain *d, uint64_t gfn, uint64_t pa, bool readonly);
uint64_t arch_gfn_grant_pa(struct domain *d, uint64_t gfn);
/* Removes the page mapping at gfn (splitting a block around it). 0, -1 if
 * nothing was mapped there, -2 if the pool has no page for the split. */
int arch_p2m_unmap_page(struct domain *d, uint64_t gfn);
/* Host physical address of guest frame gfn (RAM or a shared page), 0 if
 * unmapped. */
uint64_t arch_gfn_to_pa(struct domain *d, uint64_t gfn);
/* Bits of guest-physical address space a domain has (Xen's
 * p2m_ipa_bits, which getdomaininfo reports). */
unsigned int arch_guest_ipa_bits(void);
/* A stage-2 fault at ipa found the entry valid again (it met another
 * vCPU's break-before-make): the access is to be retried, not injected.
 * Takes d->p2m_lock itself. */
bool arch_p2m_fault_is_stale(struct domain *d, uint64_t ipa);
/* Translates a guest virtual address of the calling vCPU (which must be
 * the one running on this CPU) to a host physical address; 0 on fault. */
uint64_t arch_gva_to_pa(uint64_t gva, bool write);

/* ---- memory ---- */
/* Zeroes [pa, pa+size) of host memory, as fast as the CPU allows. */
void arch_clear_memory(uint64_t pa, uint64_t size);
/* Makes data written by the hypervisor visible to a guest with caches
 * off (clean to the point of coherency). */
void arch_clean_dcache(uint64_t pa, uint64_t size);
/* The same, and invalidated (XEN_DOMCTL_cacheflush). */
void arch_flush_dcache(uint64_t pa, uint64_t size);
