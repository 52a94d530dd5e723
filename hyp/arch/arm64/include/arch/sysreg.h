/* SPDX-License-Identifier: MIT */
/* System-register access and the bit fields Xenith programs at EL2. */
#pragma once

#include <stdint.h>

#define read_sysreg(r) ({ uint64_t __rv; \
	__asm__ volatile("mrs %0, " #r : "=r"(__rv)); __rv; })
#define write_sysreg(r, v) do { uint64_t __v = (uint64_t)(v); \
	__asm__ volatile("msr " #r ", %0" : : "r"(__v)); } while (0)

#define isb()      __asm__ volatile("isb" ::: "memory")
#define dsb(opt)   __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt)   __asm__ volatile("dmb " #opt ::: "memory")
#define wfi()      __asm__ volatile("wfi" ::: "memory")
#define wfe()      __asm__ volatile("wfe" ::: "memory")
#define sev()      __asm__ volatile("sev" ::: "memory")

/* HCR_EL2 */
#define HCR_VM    (1UL << 0)
#define HCR_SWIO  (1UL << 1)
#define HCR_PTW   (1UL << 2)
#define HCR_FMO   (1UL << 3)
#define HCR_IMO   (1UL << 4)
#define HCR_AMO   (1UL << 5)
#define HCR_VSE   (1UL << 8)
#define HCR_FB    (1UL << 9)
#define HCR_BSU_IS (1UL << 10)
#define HCR_TWI   (1UL << 13)
#define HCR_TWE   (1UL << 14)
#define HCR_TID3  (1UL << 18)
#define HCR_TSC   (1UL << 19)
#define HCR_TIDCP (1UL << 20)
#define HCR_TACR  (1UL << 21)
#define HCR_TSW   (1UL << 22)
#define HCR_TVM   (1UL << 26)
#define HCR_RW    (1UL << 31)
#define HCR_APK   (1UL << 40)
#define HCR_API   (1UL << 41)

/* ESR_ELx exception classes */
#define ESR_EC_SHIFT     26
#define ESR_EC_UNKNOWN   0x00
#define ESR_EC_WFX       0x01
#define ESR_EC_FP        0x07
#define ESR_EC_HVC64     0x16
#define ESR_EC_SMC64     0x17
#define ESR_EC_SYSREG    0x18
#define ESR_EC_SVE       0x19
#define ESR_EC_IABT_LOW  0x20
#define ESR_EC_IABT_CUR  0x21
#define ESR_EC_DABT_LOW  0x24
#define ESR_EC_DABT_CUR  0x25
#define ESR_IL           (1UL << 25)
#define ESR_ISS_MASK     0x1ffffffUL

/* Data-abort ISS */
#define DABT_ISV         (1UL << 24)
#define DABT_SAS_SHIFT   22
#define DABT_SSE         (1UL << 21)
#define DABT_SRT_SHIFT   16
#define DABT_SF          (1UL << 15)
#define DABT_S1PTW       (1UL << 7)
#define DABT_WNR         (1UL << 6)
#define DABT_DFSC_MASK   0x3f

/* PSTATE / SPSR */
#define PSR_MODE_EL1H    0x5
#define PSR_MODE_EL1T    0x4
#define PSR_MODE_EL0T    0x0
#define PSR_F            (1UL << 6)
#define PSR_I            (1UL << 7)
#define PSR_A            (1UL << 8)
#define PSR_D            (1UL << 9)
#define PSR_GUEST64_INIT (PSR_D | PSR_A | PSR_I | PSR_F | PSR_MODE_EL1H)

#define SCTLR_EL1_GUEST_INIT 0x00c50078UL

/* Generic timer control */
#define CNT_CTL_ENABLE   (1UL << 0)
#define CNT_CTL_IMASK    (1UL << 1)
#define CNT_CTL_ISTATUS  (1UL << 2)

/* Logical index of this physical CPU (head.S keeps it in TPIDR_EL2). */
static inline unsigned int this_cpu(void)
{
	return (unsigned int)read_sysreg(tpidr_el2);
}
