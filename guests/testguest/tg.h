/* SPDX-License-Identifier: MIT */
/* testguest: one bare-metal guest, behaviour chosen by /chosen/bootargs. */
#pragma once

#include "../rt/rt.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

extern const void *g_fdt;

/* Value of "key=" in bootargs, or dflt. */
const char *arg(const char *key, const char *dflt);
uint64_t arg_num(const char *key, uint64_t dflt);

/* Guest RAM from the DT memory nodes: first bank and highest end. */
bool ram_info(uint64_t *base, uint64_t *end);

/* Risky single instructions: each arms the exception handler, runs one
 * instruction, and resumes right after it if it faults. They return the
 * number of exceptions taken (0 or 1) and fill *r. */
uint32_t try_load32(uint64_t addr, uint32_t *val, struct fault_record *r);
uint32_t try_load64(uint64_t addr, uint64_t *val, struct fault_record *r);
uint32_t try_store32(uint64_t addr, uint32_t val, struct fault_record *r);

/* The cpu nodes under /cpus, in DT order: the MPIDRs (their reg; 0 if
 * none) of the first `max` go into mpidr[]; returns how many there are. */
unsigned dt_cpu_mpidrs(uint64_t *mpidr, unsigned max);
/* The virtual timer's INTID, from the DT (27 if it does not say). */
uint32_t vtimer_intid(void);

void hello_loop(void) __attribute__((noreturn));
void mode_dtinfo(void);
void mode_abort(void);
void mode_psci(void);
void mode_hostile(void);
void psci_secondary(uint64_t idx);
void mode_evtchn_server(void);
void mode_evtchn_client(void);
void mode_evtchn_attacker(void);
void mode_lrflood(void);
void mode_flood(void);
void mode_fuzz(void);
void mode_fuzz_neighbour(void);   /* test=fuzzwatch */
void mode_race(void);
void mode_fp(void);             /* test=fp: FP/SIMD state across switches */
void mode_mistorm(void);        /* test=mistorm: UIE left set, then WFI */
/* sched.c: test=hog, test=rt, test=bursts (scheduler measurements) */
void mode_hog(void);
void mode_rt(void);
void mode_bursts(void);
void mode_smp(void);             /* test=smp: up to 128 vCPUs up, an SGI each */
void mode_shm(void);             /* test=shm: static shared memory + static evtchn */
/* ctl.c: the control interface from a domU (all refused) and from dom0 */
void mode_ctl_denied(void);
/* grant.c: grant tables between two guests (map, copy, unmap) */
void mode_grant_offer(void);
void mode_grant_map(void);
void mode_ctl_dom0(void);
/* life.c: domains created and destroyed at run time by dom0 */
void mode_lifecycle(void);
void mode_lifecycle_boot(void);
/* ioreq.c: an ioreq server in dom0 serving a device of a domU */
void mode_ioreq_backend(void);
void mode_ioreq_front(void);
/* virtio.c: a virtio-blk driver, well and badly behaved (grant=1: VirtIO-Grant) */
void mode_virtio(void);
/* What a vCPU started with CPU_ON(secondary_entry) runs; psci_secondary
 * when a test left it unset. */
extern void (*secondary_hook)(uint64_t idx);
