/* SPDX-License-Identifier: MIT */
/*
 * Private to common/boot: the per-domain parsing context and the pieces
 * of the dom0less parser (dom0less.c) that dom0's parser (dom0_cfg.c)
 * shares, so that both read modules, pools and scheduling parameters the
 * same way.
 */
#pragma once

#include <xenith/config.h>

/* Per-domain parsing context. */
struct dctx {
	const void *fdt;
	const struct host_info *h;
	const struct system_config *cfg; /* for its pools */
	struct domain_config *d;
	int chosen;     /* /chosen, the parent of every domain node */
	bool has_dom0;
	int boot_bad;   /* bad pool node that named the boot CPU, or -1 */
	char path[128]; /* scratch for module node paths */
};

/* Marks the domain failed with "<domain path>: <prop>: <msg>". */
#define DFAIL(c, prop, ...) \
	cfg_fail((c)->d->err, sizeof((c)->d->err), (c)->d->path, (prop), \
		 __VA_ARGS__)

/* Same, naming a module node instead of the domain node. */
#define MFAIL(c, node, prop, ...)                                          \
	cfg_fail((c)->d->err, sizeof((c)->d->err),                          \
		 cfg_path((c)->fdt, (node), (c)->path, sizeof((c)->path)),  \
		 (prop), __VA_ARGS__)

/* What reading a module's reg found: one decoder for the parser and for
 * the scan that reserves modules before parsing, so that both agree on
 * every range. */
enum reg_result { REG_OK, REG_MISSING, REG_CELLS, REG_SHORT, REG_ZERO, REG_WRAP };

struct reg_read {
	uint64_t start, size;
	uint32_t ac, sc;   /* the cells used (of `parent` or its ancestors) */
	int len;           /* bytes of reg */
};

enum reg_result module_range(const void *fdt, int parent, int node, struct reg_read *r);
/* A module node's reg, in the cells of c->d->node, into m (0), or -1
 * with the domain failed naming the module node. */
int module_reg(struct dctx *c, int node, struct boot_module *m);

/* Xen 4.17's domain_p2m_pages() in MiB. */
uint32_t default_p2m_mb(uint64_t mem_kb, uint32_t vcpus);
/* The domain's pool when it names none: Pool-0 (or an error). */
int default_pool(struct dctx *c);
/* xenith,sched-* and xenith,rtds-* / arinc653 parameters of c->d->node. */
int parse_sched_params(struct dctx *c);
/* "xenith,virtio-mmio" children of c->d->node (virtio_cfg.c); after
 * nr_spis. 0, or -1 with the domain failed. */
int parse_virtio(struct dctx *c);
/* Every domain parsed: "xenith,device-model" phandles become domids. */
void resolve_device_models(struct system_config *cfg);

/* dom0 (dom0_cfg.c): fills d from the modules directly under /chosen and
 * the dom0_* options of the hypervisor command line. 0, or -1 with
 * d->err set (the domain is then !ok). */
int dom0_parse(struct dctx *c);
