/* SPDX-License-Identifier: MIT */
/*
 * Runtime of the bare-metal test guests: console, formatted output, device
 * tree reading, exception reporting, SMCCC/PSCI and Xen hypercall wrappers.
 * Everything runs with the MMU off, so all data accesses are Device-nGnRnE:
 * no unaligned accesses, no exclusives.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- libc subset (lib.c) ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* %s %c %d %i %u %x %p, flags '0' '-', width, length l/ll/z. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- console (console.c) ---- */
/* Finds the UART in the DT ("arm,sbsa-uart" / "arm,pl011", stdout-path
 * first). Without one, output goes to the Xen console_io hypercall. */
void console_init(const void *fdt);
uint64_t console_base(void);
void console_write(const char *s, size_t n);
/* A received character, or -1 if none is waiting (polled, no IRQ). */
int console_getc(void);
/* One whole line per call; the name prefix is added by the caller. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- device tree (fdt.c): a small read-only walker ---- */
#define DT_MAXDEPTH 16
struct dt_node {
	int off;          /* offset of the FDT_BEGIN_NODE token */
	int depth;        /* 0 = root */
	int parent;       /* parent node offset, -1 for root */
	const char *name; /* with unit address */
	int stack[DT_MAXDEPTH]; /* ancestors' offsets, stack[depth] = off */
};
bool dt_valid(const void *fdt);
/* Node iteration in document order: start with it->off = -1. */
bool dt_next(const void *fdt, struct dt_node *it);
const void *dt_getprop(const void *fdt, int node, const char *name, int *len);
/* idx-th property of node: its name, value and length; false past the end. */
bool dt_prop_at(const void *fdt, int node, int idx, const char **name,
		const void **val, int *len);
bool dt_compatible(const void *fdt, int node, const char *compat);
/* Offset of the first node whose path is `path` ("/chosen"), or -1. */
int dt_find_path(const void *fdt, const char *path);
/* Parent offset (-1 for root or error). */
int dt_parent_of(const void *fdt, int node);
/* #address-cells / #size-cells given by node for its children. */
uint32_t dt_cells(const void *fdt, int node, const char *which, uint32_t dflt);
bool dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size);
int dt_path_of(const void *fdt, int node, char *buf, size_t len);
static inline uint32_t be32(const void *p)
{
	const uint8_t *b = p;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | b[3];
}

/* ---- exceptions (exc.c) ---- */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};
struct fault_record {
	uint32_t count;   /* exceptions taken while armed */
	uint64_t esr, far, elr;
	unsigned kind;    /* vector index */
};
/* Arms the handler for one expected exception: if one is taken, it is
 * recorded and execution resumes at `resume` (or ELR + 4 if 0). */
void fault_expect(uint64_t resume);
/* Disarms; returns the number of exceptions taken while armed. */
uint32_t fault_done(struct fault_record *out);
const char *ec_name(uint32_t ec);
/* Resume address for the armed fault; set by inline asm right before the
 * risky instruction. */
extern volatile uint64_t fault_resume_pc;

/* Optional IRQ handler: called from the IRQ vector (IRQs masked) instead
 * of treating the interrupt as unexpected. */
extern void (*irq_handler)(void);
#define DAIF_I (1u << 7)   /* PSTATE.I in the DAIF register */
static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

/* ---- MMU (mmu.c) ---- */
/* Turns the EL1 MMU on with an identity map of 1 GiB blocks: Normal
 * write-back for the blocks overlapping [ram_base, ram_end), Device-nGnRnE
 * (execute-never) for the rest. Needed for memory shared with the
 * hypervisor (the Xen ABI wants it cacheable) and for exclusives. */
void mmu_enable_identity(uint64_t ram_base, uint64_t ram_end);
/* The same, with [x_base, x_end) (4 KiB aligned) Normal write-back too,
 * e.g. memory shared with another guest outside RAM: 2 MiB blocks and 4
 * KiB pages where it does not fill a 1 GiB block, the rest staying
 * Device. False (MMU left off) if the range is not 4 KiB aligned or past
 * the 39-bit space. In mmu_extra.c, linked into the testguest only. */
bool mmu_enable_identity_extra(uint64_t ram_base, uint64_t ram_end,
			       uint64_t x_base, uint64_t x_end);

/* Atomics on Normal memory only (MMU on): LDAXR/STLXR loops. */
static inline uint64_t atomic_xchg64(volatile uint64_t *p, uint64_t v)
{
	uint64_t old;
	uint32_t fail;
	__asm__ volatile("1: ldaxr %0, [%2]\n\t"
			 "stlxr %w1, %3, [%2]\n\t"
			 "cbnz %w1, 1b"
			 : "=&r"(old), "=&r"(fail)
			 : "r"(p), "r"(v)
			 : "memory");
	return old;
}

/* *p &= mask; returns the old value. */
static inline uint64_t atomic_and64(volatile uint64_t *p, uint64_t mask)
{
	uint64_t old, tmp;
	uint32_t fail;
	__asm__ volatile("1: ldaxr %0, [%3]\n\t"
			 "and %1, %0, %4\n\t"
			 "stlxr %w2, %1, [%3]\n\t"
			 "cbnz %w2, 1b"
			 : "=&r"(old), "=&r"(tmp), "=&r"(fail)
			 : "r"(p), "r"(mask)
			 : "memory");
	return old;
}

/* ---- GICv3 (gic.c): SGIs and PPIs on the boot vCPU ---- */
/* Finds the "arm,gic-v3" node, enables the distributor and this CPU's
 * redistributor and CPU interface. False if there is no GICv3. */
bool gic_init(const void *fdt);
/* Group 1, priority 0xa0, enabled. intid < 32 (SGI/PPI) only. */
bool gic_enable_ppi(uint32_t intid);
/* Another CPU's redistributor and CPU interface, SGI `sgi` enabled. */
bool gic_init_secondary(uint32_t sgi);
/* Priority of an SGI/PPI (GICR_IPRIORITYR; a virtual GIC may keep only
 * the top 5 bits). intid < 32 only. */
bool gic_set_priority(uint32_t intid, uint8_t prio);
/* SPI intid: enabled, group 1, routed to the vCPU whose MPIDR is aff. */
bool gic_enable_spi(uint32_t intid, uint64_t aff);
uint8_t gic_get_priority(uint32_t intid);
/* SGI intid (0..15) to the CPU with this MPIDR / to this CPU, through
 * ICC_SGI1R_EL1 (group 1). */
void gic_send_sgi(uint64_t mpidr, uint32_t intid);
void gic_send_sgi_self(uint32_t intid);
/* Acknowledge (ICC_IAR1_EL1) / end (ICC_EOIR1_EL1) an interrupt. */
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);

/* ---- SMCCC / PSCI / Xen hypercalls (inline) ---- */
struct smccc_res {
	uint64_t a0, a1, a2, a3;
};

static inline struct smccc_res smccc_hvc(uint64_t fid, uint64_t a1,
					 uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (struct smccc_res){ x0, x1, x2, x3 };
}

static inline int64_t psci_call(uint64_t fid, uint64_t a1, uint64_t a2,
				uint64_t a3)
{
	return (int64_t)smccc_hvc(fid, a1, a2, a3).a0;
}

/* Xen: hvc #0xEA1, x16 = hypercall number, args x0..x4, result x0. */
static inline int64_t xen_hypercall(uint64_t nr, uint64_t a0, uint64_t a1,
				    uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	register uint64_t x16 __asm__("x16") = nr;
	__asm__ volatile("hvc #0xEA1"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
			   "+r"(x16)
			 :
			 : "memory");
	return (int64_t)x0;
}

#define PSCI_VERSION            0x84000000u
#define PSCI_CPU_OFF            0x84000002u
#define PSCI_CPU_ON_64          0xC4000003u
#define PSCI_AFFINITY_INFO_64   0xC4000004u
#define PSCI_MIGRATE_INFO_TYPE  0x84000006u
#define PSCI_SYSTEM_OFF         0x84000008u
#define PSCI_FEATURES           0x8400000Au
#define SMCCC_VERSION           0x80000000u
#define SMCCC_ARCH_FEATURES     0x80000001u

#define XEN_HC_console_io  18
#define XEN_HC_xen_version 17
#define CONSOLEIO_write    0

/* ---- system registers and time ---- */
#define read_sysreg(r) ({ uint64_t __v; \
	__asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
static inline uint64_t cntvct(void)
{
	__asm__ volatile("isb" ::: "memory");
	return read_sysreg(cntvct_el0);
}
static inline uint64_t cntfrq(void) { return read_sysreg(cntfrq_el0); }
static inline void dsb(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }
/* Spins for ms milliseconds of the virtual counter (a wait, never a
 * measurement). */
static inline void delay_ms(uint64_t ms)
{
	uint64_t end = cntvct() + ms * cntfrq() / 1000;

	while ((int64_t)(cntvct() - end) < 0)
		cpu_relax();
}

/* ---- guest program hooks ---- */
extern const char *guest_name;     /* "name=" from bootargs */
extern void secondary_entry(void); /* head.S */
void guest_main(const void *fdt);
void secondary_main(uint64_t idx);
/* Prints "<name>: <fmt>". */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void halt(void) __attribute__((noreturn));
