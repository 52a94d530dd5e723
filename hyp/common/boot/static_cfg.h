/* SPDX-License-Identifier: MIT */
/*
 * Private to common/boot: the parser of Xen 4.17's static configuration
 * bindings (static_cfg.c) as config_parse and config_validate use it.
 */
#pragma once

#include <xenith/config.h>

/* A domain node's "xen,static-mem", "direct-map", shared-memory and
 * static event-channel children into d. 0, or -1 with d->err set. */
int static_parse_domain(const void *fdt, int chosen, struct domain_config *d);

/* /chosen "xen,static-heap" into banks (at most max). The number of
 * ranges, or -1 with err. */
int static_parse_heap(const void *fdt, int chosen, const struct host_info *h,
		      struct mem_bank *banks, int max, char *err, size_t errlen);

/* Before parsing: calls fn for the static-memory ranges and the host
 * ranges of the shared regions of domain node `node` that can be read
 * (config_for_each_reserved_range). */
void static_ranges_of(const void *fdt, int chosen, int node,
		      void (*fn)(void *arg, uint64_t start, uint64_t size), void *arg);

/* Domain idx's static memory and shared regions against the host and
 * the domains accepted before it. 0, or -1 with its err set. */
int static_check_domain(const struct host_info *h, const struct system_config *cfg,
			int idx);

/* The static event channels, after every domain was judged: a channel
 * to a refused domain refuses its domain too, until nothing changes. */
void static_validate(const struct host_info *h, struct system_config *cfg);
