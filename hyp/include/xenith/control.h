/* SPDX-License-Identifier: MIT */
/*
 * The control interface (common/xen/domctl.c, sysctl.c): what the
 * control domain may ask of the hypervisor about domains and about the
 * machine, Xen 4.17's domctl and sysctl. docs/architecture.md has who
 * owns each piece of state it reads or writes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/spinlock.h>
#include <public/control.h>
#include <xenith/config.h>

struct domain;
struct vcpu;

/* What sysctl and xen_version report of the machine: taken from the
 * host device tree and the configuration once at boot (ctl_init), read
 * only afterwards. */
struct ctl_host {
	unsigned int nr_cpus;        /* CPUs in the device tree (Xen's nr_cpu_ids) */
	uint32_t cpu_khz;            /* the system counter's frequency */
	uint64_t total_pages;        /* host RAM, every bank */
	uint64_t ram_start_pfn;      /* first frame of the lowest bank */
	uint64_t ram_end_pfn;        /* frame after the end of the highest */
	enum sched_kind default_sched; /* sched= (Xen's sched_id answers this) */
	char cmdline[XEN_COMMANDLINE_SIZE]; /* the hypervisor's command line */
};

/* Boot, once the configuration is parsed (main.c). */
void ctl_init(const struct host_info *h, const struct system_config *sys);
extern struct ctl_host ctl_host;

/* Every domain's handle and max_pages (domctl.c). A leaf: nothing else
 * is taken, and no guest memory touched, while it is held. */
extern spinlock_t ctl_lock;

/* Hypercall entry points (common/hypercall.c); arg is the guest address
 * of the xen_domctl / xen_sysctl. */
int64_t do_domctl(struct vcpu *v, uint64_t arg);
int64_t do_sysctl(struct vcpu *v, uint64_t arg);

/* Xen's getdomaininfo of d, as Xen 4.17 fills it on Arm. */
void ctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);
/* d's xen_domain_handle_t (16 bytes), as setdomainhandle left it. */
void ctl_domain_handle(struct domain *d, uint8_t handle[16]);
/* The highest domain id in the table (alive, dying or dead). */
uint32_t ctl_last_domid(void);
/* Xen's XEN_SCHEDULER_* number of a policy. */
uint32_t ctl_sched_id(enum sched_kind k);
/* d's max_pages (XEN_DOMCTL_max_mem, else its configured memory), read
 * under ctl_lock (a leaf: the caller may hold d's p2m_lock). */
uint64_t ctl_max_pages(const struct domain *d);
/* A CPU mask into the caller's bitmap, as Xen's
 * bitmap_to_xenctl_bitmap (sysctl.c). 0 or -EFAULT. */
struct xenctl_bitmap;
int64_t ctl_put_cpumap(const struct xenctl_bitmap *b, uint32_t mask);
