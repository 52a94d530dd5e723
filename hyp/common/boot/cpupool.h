/* SPDX-License-Identifier: MIT */
/*
 * Private to common/boot: the CPU pool parser (cpupool.c) as
 * config_parse (dom0less.c) and config_validate (validate.c) use it.
 */
#pragma once

#include <xenith/config.h>

/*
 * Reads the default scheduler (sched= in xen,xen-bootargs) and every
 * "xen,cpupool" child of /chosen into cfg->pool[], numbered as Xen 4.17
 * numbers them. *boot_bad is the node offset of a bad pool node that
 * named the boot CPU (the domains that name no pool belonged in it), or
 * -1. Returns cfg->nr_pools, or -1 with err when there are more pool
 * nodes than MAX_POOL_NODES.
 */
int cpupool_parse(const void *fdt, const struct host_info *h, int chosen,
		  struct system_config *cfg, int *boot_bad, char *err,
		  size_t errlen);

/* Index in cfg->pool[] of the pool read from `node`, or -1. */
int cpupool_by_node(const struct system_config *cfg, int node);

/* A bad pool's message without its "<path>: " prefix, for the messages
 * of the domains it takes down ("cpupool-sched: unknown ..."). */
const char *cpupool_reason(const struct pool_config *p);

/* Number of CPUs in a pool's mask. (A loop: __builtin_popcount may
 * become a libgcc call, which the hypervisor does not link.) */
static inline int cpupool_weight(uint32_t mask)
{
	int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}
