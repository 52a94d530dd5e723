// SPDX-License-Identifier: MIT
/*
 * xenith-check: reads the device tree a machine will boot Xenith (or Xen
 * 4.17) with and reports every configuration mistake before anyone boots,
 * with the same one-line messages the hypervisor prints. It runs the
 * hypervisor's own parser and validator (hyp/common/boot), compiled for
 * the host, plus the kernel-image checks when the module files are given.
 *
 *   xenith-check system.dtb              check the tree
 *   xenith-check -v system.dtb           also list the CPU pools and what
 *                                        would be built
 *
 * Exit status: 0 if every pool and domain is good, 1 if any is rejected,
 * 2 if the tree itself cannot be used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenith/config.h>
#include <xenith/fdt.h>

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || n <= 0 || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* "Pool-1 /chosen/big: null, CPUs 2 3 (MPIDR 0x2 0x3)" */
static void describe_pool(const struct host_info *h, const struct pool_config *p)
{
	printf("Pool-%u", p->id);
	if (p->node >= 0)
		printf(" %s", p->path);
	printf(": %s, CPU%s", sched_name(p->sched),
	       p->cpus & (p->cpus - 1) ? "s" : "");
	for (int i = 0; i < h->nr_cpus; i++) {
		if (p->cpus & (1U << i))
			printf(" %d", i);
	}
	printf(" (MPIDR");
	for (int i = 0; i < h->nr_cpus; i++) {
		if (p->cpus & (1U << i))
			printf(" 0x%llx", (unsigned long long)h->cpu_mpidr[i]);
	}
	printf(")");
	if (p->sched == SCHED_ARINC653 && p->a653_major_us)
		printf(", major frame %u us", p->a653_major_us);
	printf("\n");
}

/* The parameters of the pool's scheduler, as Xen's xl sched-* shows them. */
static void describe_sched(const struct system_config *cfg,
			   const struct domain_config *d)
{
	switch (cfg->pool[d->pool].sched) {
	case SCHED_CREDIT2:
		printf(", weight %u", d->sched_weight);
		if (d->sched_cap)
			printf(", cap %u%%", d->sched_cap);
		break;
	case SCHED_RTDS:
		printf(", budget %u us / period %u us", d->rtds_budget_us,
		       d->rtds_period_us);
		break;
	case SCHED_ARINC653:
		printf(", window %u us", d->a653_window_us);
		break;
	default:
		break;
	}
}

static void describe(const struct system_config *cfg,
		     const struct domain_config *d)
{
	printf("d%u: %s: %u vCPU%s in Pool-%d (%s", d->domid, d->path,
	       d->vcpus, d->vcpus == 1 ? "" : "s", d->pool,
	       sched_name(cfg->pool[d->pool].sched));
	describe_sched(cfg, d);
	printf("), %llu MiB %sRAM, P2M pool %u MiB%s%s\n",
	       (unsigned long long)(d->mem_kb >> 10),
	       d->nr_static_mem ? (d->direct_map ? "static direct-mapped " : "static ") : "",
	       d->p2m_mem_mb, d->vpl011 ? ", vpl011" : "",
	       d->enhanced == ENHANCED_NO_XENSTORE ? ", xen,enhanced=no-xenstore" : "");
	for (int i = 0; i < d->nr_static_mem; i++)
		printf("    static memory 0x%llx - 0x%llx\n",
		       (unsigned long long)d->static_mem[i].base,
		       (unsigned long long)(d->static_mem[i].base + d->static_mem[i].size));
	for (int i = 0; i < d->nr_shm; i++)
		printf("    shared memory \"%s\" host 0x%llx - 0x%llx at guest 0x%llx (%s)\n",
		       d->shm[i].id, (unsigned long long)d->shm[i].paddr,
		       (unsigned long long)(d->shm[i].paddr + d->shm[i].size),
		       (unsigned long long)d->shm[i].gaddr,
		       d->shm[i].role == SHM_ROLE_OWNER ? "owner" :
		       d->shm[i].role == SHM_ROLE_BORROWER ? "borrower" : "owned by the hypervisor");
	for (int i = 0; i < d->nr_evtchn; i++)
		printf("    static event channel: port %u <-> d%u port %u\n", d->evtchn[i].port,
		       d->evtchn[i].peer_dom >= 0 ? cfg->dom[d->evtchn[i].peer_dom].domid : 0,
		       d->evtchn[i].peer_port);
}

int main(int argc, char **argv)
{
	static struct system_config cfg;
	struct host_info host;
	char err[CFG_ERR_LEN];
	bool verbose = argc > 2 && strcmp(argv[1], "-v") == 0;
	const char *path = argv[argc - 1];
	size_t size;
	void *fdt;
	int n, bad = 0, bad_pools = 0, rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: xenith-check [-v] system.dtb\n");
		return 2;
	}
	fdt = read_file(path, &size);
	if (!fdt) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 2;
	}
	rc = dt_check(fdt, size);
	if (rc) {
		printf("%s: %s\n", path, dt_strerror(rc));
		return 2;
	}
	if (host_parse(fdt, &host, err, sizeof(err))) {
		printf("%s\n", err);
		return 2;
	}
	/* As the hypervisor does: room for every "xen,domain" node. */
	cfg.dom_cap = config_count_domains(fdt);
	cfg.dom = calloc(cfg.dom_cap ? (size_t)cfg.dom_cap : 1, sizeof(*cfg.dom));
	if (!cfg.dom) {
		fprintf(stderr, "out of memory\n");
		return 2;
	}
	n = config_parse(fdt, &host, &cfg, err, sizeof(err));
	if (n < 0) {
		printf("%s\n", err);
		return 2;
	}
	config_validate(&host, &cfg);
	if (cfg.warn[0])
		printf("warning: %s\n", cfg.warn);
	for (int i = 0; i < cfg.nr_pools; i++) {
		if (!cfg.pool[i].ok) {
			printf("%s\n", cfg.pool[i].err);
			bad_pools++;
		} else if (verbose) {
			describe_pool(&host, &cfg.pool[i]);
		}
	}
	for (int i = 0; i < cfg.nr_domains; i++) {
		if (!cfg.dom[i].ok) {
			printf("%s\n", cfg.dom[i].err);
			bad++;
		} else if (verbose) {
			describe(&cfg, &cfg.dom[i]);
		}
	}
	printf("%s: %d domain%s, %d rejected", path, n, n == 1 ? "" : "s", bad);
	if (bad_pools)
		printf("; %d bad CPU pool%s", bad_pools, bad_pools == 1 ? "" : "s");
	printf("\n");
	return bad || bad_pools ? 1 : 0;
}
