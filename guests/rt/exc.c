// SPDX-License-Identifier: MIT
/*
 * EL1 exception reporting. Every exception is printed with its class,
 * ESR_EL1, FAR_EL1 and ELR_EL1 (except IRQs, when a test installed
 * irq_handler). A synchronous exception that a test armed
 * for (fault_expect) resumes after the faulting instruction; any other one
 * halts the vCPU so a test sees the guest stop.
 */
#include "rt.h"

static volatile uint32_t armed;
volatile uint64_t fault_resume_pc;
static volatile uint32_t nesting;
static struct fault_record rec;

void fault_expect(uint64_t resume)
{
	rec.count = 0;
	rec.esr = rec.far = rec.elr = 0;
	fault_resume_pc = resume;
	armed = 1;
	dsb();
}

uint32_t fault_done(struct fault_record *out)
{
	dsb();
	armed = 0;
	if (out)
		*out = rec;
	return rec.count;
}

const char *ec_name(uint32_t ec)
{
	switch (ec) {
	case 0x00: return "unknown/undefined";
	case 0x01: return "wfi/wfe";
	case 0x07: return "fp/simd access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "svc";
	case 0x16: return "hvc";
	case 0x17: return "smc";
	case 0x18: return "msr/mrs";
	case 0x20: return "instruction abort (lower EL)";
	case 0x21: return "instruction abort";
	case 0x22: return "pc alignment";
	case 0x24: return "data abort (lower EL)";
	case 0x25: return "data abort";
	case 0x26: return "sp alignment";
	case 0x2f: return "serror";
	case 0x3c: return "brk";
	default: return "other";
	}
}

static const char *const kinds[4] = { "sync", "irq", "fiq", "serror" };

void (*irq_handler)(void);

void exc_handle(struct exc_frame *f, uint64_t kind)
{
	uint64_t esr = read_sysreg(esr_el1);
	uint64_t far = read_sysreg(far_el1);
	uint32_t ec = (uint32_t)(esr >> 26) & 0x3f;
	unsigned type = kind & 3;

	/* An interrupt the guest asked for: not an error. IRQs stay masked
	 * until the eret. */
	if (type == 1 && irq_handler) {
		irq_handler();
		return;
	}
	if (++nesting > 1) {
		/* Fault inside the handler (console broken?): stop quietly. */
		halt();
	}
	if (type == 0 && (ec == 0x24 || ec == 0x25))
		say("data abort ESR=%#llx FAR=%#llx ELR=%#llx",
		    (unsigned long long)esr, (unsigned long long)far,
		    (unsigned long long)f->elr);
	else if (type == 0)
		say("exception EC=%#x (%s) ESR=%#llx FAR=%#llx ELR=%#llx", ec,
		    ec_name(ec), (unsigned long long)esr,
		    (unsigned long long)far, (unsigned long long)f->elr);
	else
		say("%s exception (vector %u) ESR=%#llx ELR=%#llx",
		    kinds[type], (unsigned)kind, (unsigned long long)esr,
		    (unsigned long long)f->elr);

	if (armed) {
		rec.count++;
		rec.esr = esr;
		rec.far = far;
		rec.elr = f->elr;
		rec.kind = (unsigned)kind;
		if (type == 0) {
			f->elr = fault_resume_pc ? fault_resume_pc : f->elr + 4;
			armed = 0;
		}
		nesting--;
		return;
	}
	if (type == 3) {
		/* Asynchronous: nothing to skip, keep going. */
		nesting--;
		return;
	}
	say("UNEXPECTED %s exception, halting", kinds[type]);
	halt();
}

void halt(void)
{
	__asm__ volatile("msr daifset, #0xf");
	for (;;)
		__asm__ volatile("wfi");
}
