/* SPDX-License-Identifier: MIT */
/* Domains and vCPUs: generic state, with the architecture's part embedded. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/domain.h>
#include <arch/vcpu.h>
#include <xenith/config.h>
#include <xenith/mmio.h>
#include <xenith/page_alloc.h>
#include <xenith/vpl011.h>

enum vcpu_power {
	VCPU_OFF = 0,     /* powered off (PSCI), CPU idles */
	VCPU_ON_PENDING,  /* CPU_ON issued, its physical CPU will start it */
	VCPU_ON,
};

struct vcpu {
	struct domain *dom;
	unsigned int id;
	unsigned int pcpu;          /* physical CPU it is pinned to */
	volatile enum vcpu_power power;
	struct arch_vcpu arch;
};

enum domain_state {
	DOM_RUNNING = 0,
	DOM_SHUTDOWN,   /* powered off, rebooted or crashed: stopped */
};

/* Xen's SHUTDOWN_* reasons (xen/include/public/sched.h). */
enum shutdown_reason {
	SHUTDOWN_poweroff = 0,
	SHUTDOWN_reboot = 1,
	SHUTDOWN_suspend = 2,
	SHUTDOWN_crash = 3,
	SHUTDOWN_watchdog = 4,
};

struct domain {
	uint32_t id;
	const struct domain_config *cfg;
	volatile enum domain_state state;
	enum shutdown_reason reason;
	struct vcpu *vcpu[MAX_DOM_VCPUS];
	unsigned int nr_vcpus;
	struct page_pool p2m_pool;     /* stage-2 tables come only from here */
	uint64_t p2m_root;             /* physical address of the root table */
	struct mem_bank ram[2];        /* host RAM backing guest bank 0/1 */
	struct guest_layout layout;
	struct mmio_table mmio;
	struct vpl011 vpl011;
	struct arch_domain arch;
};

/* Builds a domain from its validated configuration: RAM, stage-2, vGIC,
 * vpl011, kernel, initrd and device tree. 0, or -1 after printing one
 * line naming the node and what failed. */
int domain_create(const struct domain_config *cfg, const struct host_info *h,
		  struct ram_map *ram, const void *host_fdt);
/* Stops every vCPU of d and reports it on the console. */
void domain_shutdown(struct domain *d, enum shutdown_reason why);
/* Called on the physical CPU of v to start (or not) its vCPU. */
void vcpu_schedule(unsigned int cpu) __attribute__((noreturn));

struct domain *domain_by_id(uint32_t id);
struct vcpu *vcpu_of_cpu(unsigned int cpu);
extern struct domain *domains[MAX_DOMAINS];
extern unsigned int nr_domains;
