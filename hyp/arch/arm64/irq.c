// SPDX-License-Identifier: MIT
/* Physical interrupts taken at EL2 (the guest's and the hypervisor's). */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <arch/vgic_api.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/grace.h>
#include <xenith/lib.h>
#include <xenith/sched.h>
#include <xenith/timer.h>
#include <xenith/uart.h>

void irq_handle_all(void);
static void uart_rx(void);
void irq_handle_guest(struct vcpu *v);
void irq_set_uart(uint64_t base, unsigned int intid);
void irq_set_hyp_timer(unsigned int intid);
void irq_set_maint(unsigned int intid);

#define VTIMER_INTID 27

/* Host SPIs given to a guest (dom0's devices), by INTID: written at
 * boot before the other CPUs start, read-only after. */
static struct domain *spi_guest[1020];

static uint64_t uart_base;
static unsigned int uart_intid;
static unsigned int hyp_timer_intid = 26;
static unsigned int maint_intid;
volatile uint32_t arch_dump_request; /* CPUs asked to print their hardware view */

int arch_route_spi(struct domain *d, unsigned int intid, bool level)
{
	if (intid < 32 || intid >= arch_irq_nr_lines() || intid == uart_intid ||
	    intid - 32 >= d->arch.vgic.nr_spis)
		return -1;
	if (spi_guest[intid])
		return spi_guest[intid] == d ? 0 : -1;
	spi_guest[intid] = d;
	vgic_spi_set_edge(d, intid, !level);
	gic_set_trigger(intid, !level);
	gic_enable_irq(intid, 0);
	return 0;
}

bool arch_spi_routed_to(const struct domain *d, unsigned int intid)
{
	return intid < ARRAY_SIZE(spi_guest) && spi_guest[intid] == d;
}

void irq_set_hyp_timer(unsigned int intid)
{
	hyp_timer_intid = intid;
}

/* After the GIC driver found it in the device tree. */
void irq_set_maint(unsigned int intid)
{
	maint_intid = intid;
}

void irq_set_uart(uint64_t base, unsigned int intid)
{
	uart_base = base;
	uart_intid = intid;
}

/* The console's receive FIFO, read by the CPU its interrupt goes to
 * (CPU0) each time that CPU wakes in its idle loop, besides the
 * interrupt: under QEMU the UART interrupt was seen pending at the
 * distributor, routed to an idle CPU0, yet not taken (about one run of
 * linux_plain in ten under load; cause not found, docs/status.md), and
 * console input then stopped for good. Xen keeps a polling mode for its
 * serial ports too. One MMIO read per wake-up, off every measured path. */
void arch_console_poll(void)
{
	if (this_cpu() == 0 && uart_base)
		uart_rx();
}

static void uart_rx(void)
{
	int c;

	while ((c = uart_getc(uart_base)) >= 0)
		console_rx_char((char)c);
}

/* The virtual timer of the vCPU whose context is loaded here fired. */
static void vtimer_fired(struct vcpu *v)
{
	/* Forwarded: the guest's EOI deactivates it (HW list register). */
	vgic_vtimer_fired(v);
	/* Blocked with its context kept on this idle CPU: wake it. */
	if (v->sched.run == RUN_BLOCKED)
		sched_wake(v);
}

/* Every interrupt but the virtual timer's: out of line, so the timer's
 * path (most interrupt exits) keeps its registers to itself. */
static void __attribute__((noinline)) dispatch_other(unsigned int intid,
						     struct vcpu *guest)
{
	if (intid == hyp_timer_intid) {
		timer_expire(); /* reprograms or disables the timer first */
	} else if (intid == maint_intid && maint_intid) {
		vgic_maintenance(guest ? guest : pcpu[this_cpu()].held);
	} else if (intid == uart_intid && uart_base) {
		uart_rx();
	} else if (intid >= 32 && intid < ARRAY_SIZE(spi_guest) && spi_guest[intid]) {
		/* Left active: the guest's EOI deactivates it. */
		vgic_inject_hw_spi(spi_guest[intid], intid);
		return;
	}
	/* GIC_SGI_KICK needs no action: returning re-checks the vCPU; the
	 * 'r' debug key may have asked every CPU for its hardware view. */
	if (intid == GIC_SGI_KICK && arch_dump_request &&
	    (__atomic_fetch_and(&arch_dump_request, ~(1U << this_cpu()),
				__ATOMIC_ACQ_REL) >> this_cpu()) & 1)
		arch_dump_cpu();
	write_sysreg(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1: deactivate */
	/* Interrupts come only from a guest or the idle loop, one at a
	 * time: a kick finds the CPU quiescent (grace.h). */
	if (intid == GIC_SGI_KICK)
		grace_quiescent();
}

/* `guest`: the vCPU the interrupt came from, NULL if it came while the
 * hypervisor idled. Inlined into both callers: it is most of an
 * interrupt exit. */
static inline __attribute__((always_inline)) void dispatch(unsigned int intid,
							   struct vcpu *guest)
{
	if (intid == VTIMER_INTID) {
		/* The vCPU whose context (and so timer) is loaded here. */
		struct vcpu *held = guest ? guest : pcpu[this_cpu()].held;

		if (held) {
			vtimer_fired(held);
			return;
		}
		/* Nobody's timer is live here (a save silenced it): stale. */
		write_sysreg(S3_0_C12_C11_1, intid);
		return;
	}
	dispatch_other(intid, guest);
}

/* One interrupt per exception: if another is pending, the CPU takes the
 * next exception right after the eret, which is rare and saves every
 * exit a second acknowledge that would only read "spurious". */
static inline __attribute__((always_inline)) void handle_one(struct vcpu *guest)
{
	uint64_t iar = read_sysreg(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
	unsigned int intid = (unsigned int)(iar & 0xffffff);

	if (intid >= GIC_INTID_SPURIOUS)
		return;
	write_sysreg(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1: priority drop */
	isb();
	dispatch(intid, guest);
}

/* Taken while the hypervisor idles (entry.S hyp_irq). */
void irq_handle_all(void)
{
	handle_one(NULL);
}

/* Taken from the guest: v is running here, so its context is held. */
void irq_handle_guest(struct vcpu *v)
{
	handle_one(v);
}
