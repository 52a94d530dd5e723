// SPDX-License-Identifier: MIT
/*
 * dom0's configuration, as Xen 4.17 reads it (docs/misc/arm/device-tree/
 * booting.txt and xen-command-line.pandoc):
 *
 *  - its kernel and ramdisk are modules directly under /chosen:
 *    "multiboot,kernel" / "xen,linux-zimage", "multiboot,ramdisk" /
 *    "xen,linux-initrd"; a bare "multiboot,module" is guessed, the first
 *    to be the kernel and the second the ramdisk (bootfdt.c);
 *  - its command line is the kernel module's "bootargs", else /chosen
 *    "xen,dom0-bootargs", else /chosen "bootargs";
 *  - dom0_mem=<size> (default 512 MiB, as Xen with a warning) and
 *    dom0_max_vcpus=<n> (default: the CPUs of Pool-0) on the hypervisor
 *    command line.
 *
 * dom0 has every SPI the host GIC has (capped at Xen's 992 lines), no
 * vpl011 (its console is console_io, hvc0), and its RAM is placed 1:1 at
 * construction (domain.c), so nothing about placement is read here.
 */
#include "cfg_msg.h"
#include "dctx.h"
#include <xenith/cmdline.h>

#define DOM0_MEM_DEFAULT_KB (512ULL * 1024)
#define DOM0_MAX_LINES 992   /* Xen's vGIC limit for dom0 */
/* Device mappings (1:1 MMIO of the devices dom0 gets) need a few stage-2
 * tables beyond what guest RAM needs. */
#define DOM0_P2M_EXTRA_MB 2

static const char *const kernel_kinds[] = { "multiboot,kernel", "xen,linux-zimage" };
static const char *const ramdisk_kinds[] = { "multiboot,ramdisk", "xen,linux-initrd" };
static const char *const guessed_kinds[] = { "multiboot,module", "xen,multiboot-module" };

/* Which of dom0's module slots node fills (NULL: none). *guess counts the
 * bare modules met so far, as Xen's kind_guess. */
static struct boot_module *dom0_slot(struct dctx *c, int node, int *guess)
{
	const void *fdt = c->fdt;

	if (cfg_compatible_any(fdt, node, kernel_kinds, ARRAY_SIZE(kernel_kinds)))
		return &c->d->kernel;
	if (cfg_compatible_any(fdt, node, ramdisk_kinds, ARRAY_SIZE(ramdisk_kinds)))
		return &c->d->ramdisk;
	if (dt_is_compatible(fdt, node, "multiboot,device-tree") ||
	    dt_is_compatible(fdt, node, "xen,xsm-policy") ||
	    !cfg_compatible_any(fdt, node, guessed_kinds, ARRAY_SIZE(guessed_kinds)))
		return NULL;
	switch ((*guess)++) {
	case 0:  return &c->d->kernel;
	case 1:  return &c->d->ramdisk;
	default: return NULL;   /* Xen takes a third one for an XSM policy */
	}
}

static int dom0_modules(struct dctx *c)
{
	int guess = 0;

	for (int n = dt_first_child(c->fdt, c->chosen); n >= 0;
	     n = dt_next_sibling(c->fdt, n)) {
		struct boot_module *m = dom0_slot(c, n, &guess);

		if (!m)
			continue;
		if (m->present)
			return MFAIL(c, n, "compatible", "a second dom0 %s (the first is %s)",
				     m == &c->d->kernel ? "kernel" : "ramdisk", m->name);
		if (module_reg(c, n, m))
			return -1;
		m->present = true;
		m->node = n;
		m->name = dt_name(c->fdt, n);
		if (m == &c->d->kernel && dt_has_prop(c->fdt, n, "bootargs") &&
		    !(m->bootargs = dt_prop_str(c->fdt, n, "bootargs")))
			return MFAIL(c, n, "bootargs", "not a NUL-terminated string");
	}
	if (!c->d->kernel.present)
		return DFAIL(c, "multiboot,kernel", "no dom0 kernel module under /chosen");
	return 0;
}

/* The kernel's command line when its module has none. */
static int dom0_bootargs(struct dctx *c)
{
	static const char *const props[] = { "xen,dom0-bootargs", "bootargs" };

	for (size_t i = 0; i < ARRAY_SIZE(props) && !c->d->kernel.bootargs; i++) {
		if (!dt_has_prop(c->fdt, c->chosen, props[i]))
			continue;
		c->d->kernel.bootargs = dt_prop_str(c->fdt, c->chosen, props[i]);
		if (!c->d->kernel.bootargs)
			return cfg_fail(c->d->err, sizeof(c->d->err), "/chosen", props[i],
					"not a NUL-terminated string");
	}
	return 0;
}

/* Xen's parse_size_and_unit: a number with an optional K, M, G or T
 * (KiB when there is none, B for bytes). Bytes, or 0 if malformed. */
static uint64_t parse_size(const char *s)
{
	uint64_t v = 0;
	unsigned int shift = 10;
	const char *p = s;

	while (*p >= '0' && *p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (p == s)
		return 0;
	switch (*p) {
	case 'T': case 't': shift = 40; p++; break;
	case 'G': case 'g': shift = 30; p++; break;
	case 'M': case 'm': shift = 20; p++; break;
	case 'K': case 'k': shift = 10; p++; break;
	case 'B': case 'b': shift = 0;  p++; break;
	default: break;
	}
	if (*p || v > (UINT64_MAX >> shift))
		return 0;
	return v << shift;
}

static int dom0_mem(struct dctx *c)
{
	char buf[32];
	uint64_t bytes;

	c->d->mem_kb = DOM0_MEM_DEFAULT_KB;
	if (cmdline_str(c->h->xen_bootargs, "dom0_mem", buf, sizeof(buf)) < 0)
		return 0;
	bytes = parse_size(buf);
	if (!bytes)
		return DFAIL(c, "dom0_mem", "\"%s\" is not a size (a number with K, M, G or T)", buf);
	if (bytes & 0x1fffff)
		return DFAIL(c, "dom0_mem", "%s is not a multiple of 2 MiB", buf);
	c->d->mem_kb = bytes >> 10;
	return 0;
}

static int dom0_vcpus(struct dctx *c)
{
	char buf[16];
	uint32_t n = 0;
	const char *p = buf;

	c->d->vcpus = 0;
	for (uint32_t cpus = c->cfg->pool[c->d->pool].cpus; cpus; cpus &= cpus - 1)
		c->d->vcpus++;
	if (cmdline_str(c->h->xen_bootargs, "dom0_max_vcpus", buf, sizeof(buf)) < 0)
		return 0;
	while (*p >= '0' && *p <= '9' && n <= MAX_DOM_VCPUS)
		n = n * 10 + (uint32_t)(*p++ - '0');
	if (p == buf || *p)
		return DFAIL(c, "dom0_max_vcpus", "\"%s\" is not a number", buf);
	/* Xen: 0 means "as many as Pool-0 has CPUs"; more than the maximum
	 * is cut to it. */
	if (n)
		c->d->vcpus = MIN(n, (uint32_t)MAX_DOM_VCPUS);
	return 0;
}

int dom0_parse(struct dctx *c)
{
	struct domain_config *d = c->d;
	uint32_t lines = c->h->gic_nr_lines ? c->h->gic_nr_lines : 288;

	snprintf(d->path, sizeof(d->path), "dom0");
	d->dom0 = true;
	d->domid = 0;
	d->node = c->chosen;
	d->enhanced = ENHANCED_ENABLED;
	lines = MIN(lines, (uint32_t)DOM0_MAX_LINES);
	d->nr_spis = lines - 32;
	if (dom0_modules(c) || dom0_bootargs(c) || default_pool(c) || dom0_mem(c) ||
	    dom0_vcpus(c) || parse_sched_params(c))
		return -1;
	d->p2m_mem_mb = default_p2m_mb(d->mem_kb, d->vcpus) + DOM0_P2M_EXTRA_MB;
	return 0;
}
