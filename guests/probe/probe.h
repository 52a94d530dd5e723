/* SPDX-License-Identifier: MIT */
/* The latency probe of `make bench` (see docs/performance.md). */
#pragma once

#include "../rt/rt.h"

#define MAX_CPUS 8

/* ---- GICv3 (gic.c): found in the device tree, same code everywhere ---- */
struct pgic {
	uint64_t gicd;     /* distributor */
	uint64_t gicr;     /* first redistributor region */
	uint64_t gicr_size;
};
extern struct pgic pgic;
bool pgic_find(const void *fdt);
/* Distributor: affinity routing + group 1 on. Boot CPU only. */
void pgic_dist_init(void);
/* This CPU's redistributor (wake, group 1, priorities, enable `enable`
 * SGIs/PPIs) and CPU interface (ICC_*). false: no redistributor found. */
bool pgic_cpu_init(uint32_t enable);
/* Enables one SGI/PPI on this CPU's redistributor (group 1 already). */
bool pgic_enable(uint32_t intid);
uint32_t pgic_ack(void);           /* ICC_IAR1_EL1 */
void pgic_eoi(uint32_t iar);       /* ICC_EOIR1_EL1 */
/* ICC_SGI1R_EL1 value sending SGI intid to the CPU with this MPIDR. */
uint64_t pgic_sgi1r(uint64_t mpidr, unsigned intid);

#define GICD_TYPER       0x0004
#define GICD_IPRIORITYR  0x0400

/* ---- measure.S ---- */
#define MEASURE(x)                                                        \
	uint64_t mloop_##x(uint64_t n, uint64_t arg, uint64_t per);       \
	uint64_t mloop_##x##_cal(uint64_t n, uint64_t arg, uint64_t per); \
	uint64_t monce_##x(uint64_t arg, uint64_t per);                   \
	uint64_t monce_##x##_cal(uint64_t arg, uint64_t per);
MEASURE(null)
MEASURE(hcall)
MEASURE(psci_hvc)
MEASURE(psci_smc)
MEASURE(mmio_rd)
MEASURE(mmio_wr)
#ifdef PROBE_CTL
MEASURE(domctl)
MEASURE(sysctl)
#endif
uint64_t ipi_send(uint64_t sgi1r, uint64_t per);
extern const char ipi_send_stamp[], ipi_send_msr[];
/* Stamps, then EVTCHNOP_send(arg); the hvc runs (evtchn_send_hvc -
 * evtchn_send_stamp) / 4 instructions after the stamp's first read. */
uint64_t evtchn_send(uint64_t arg, uint64_t per);
extern const char evtchn_send_stamp[], evtchn_send_hvc[];
extern const char irq_entry[], irq_stamp[];
extern const char probe_secondary_entry[];

static inline void irq_mask(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline void irq_unmask(void)
{
	__asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
}
static inline unsigned cpu_index(void) { return (unsigned)read_sysreg(tpidr_el1); }

/* An operation of measure.S, timed by run_op (main.c). */
struct op {
	const char *key;
	uint64_t (*loop)(uint64_t, uint64_t, uint64_t);
	uint64_t (*loop_cal)(uint64_t, uint64_t, uint64_t);
	uint64_t (*once)(uint64_t, uint64_t);
	uint64_t (*once_cal)(uint64_t, uint64_t);
};
#define OP(key, x) { key, mloop_##x, mloop_##x##_cal, monce_##x, monce_##x##_cal }

/* ---- main.c, for evtchn.c ---- */
void probe_timer_arm(uint64_t cval);   /* vtimer at cval, handler disables it */
uint32_t probe_timer_hits(void);

/* ---- evtchn.c ---- */
extern uint32_t ev_intid;              /* upcall INTID once set up, else 0 */
void ev_upcall(uint32_t iar, uint64_t tv);
void test_evtchn(const void *fdt, const char *role, uint16_t peer, uint32_t rport,
		 uint64_t n, uint64_t warm, uint64_t per, uint64_t voff_ticks);

#ifdef PROBE_CTL
/* ---- ctl.c (probe-dom0 only) ---- */
/* main.c's run_op, for ctl.c: "BENCH <key>.loop" and "BENCH <key>" lines. */
void probe_run_op(const struct op *op, uint64_t arg, uint64_t nloop, uint64_t nonce);
void test_ctl(uint16_t target, uint64_t nloop, uint64_t nonce);
/* tests=ioreq_dm: the device model of the ioreq run (never returns). */
void test_ioreq_dm(uint16_t target);
#endif
