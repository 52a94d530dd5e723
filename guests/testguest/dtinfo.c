// SPDX-License-Identifier: MIT
/*
 * dtinfo: prints the essential parts of the guest's device tree as stable
 * "DT ..." lines (fixed order, numbers in hex), then powers off. Run under
 * two hypervisors with the same configuration, the lines must be equal.
 */
#include "tg.h"

struct line {
	char buf[240];
	size_t n;
};

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (l->n < sizeof(l->buf))
		l->n += (size_t)vsnprintf(l->buf + l->n, sizeof(l->buf) - l->n,
					  fmt, ap);
	va_end(ap);
	if (l->n >= sizeof(l->buf))
		l->n = sizeof(l->buf) - 1;
}

static void emit(struct line *l)
{
	l->buf[l->n] = '\0';
	printk("%s\n", l->buf);
	l->n = 0;
}

/* Appends the node's string-list property as "a" "b" ... */
static void add_strings(struct line *l, int node, const char *prop)
{
	int len;
	const char *p = dt_getprop(g_fdt, node, prop, &len);
	if (!p) {
		add(l, " -");
		return;
	}
	for (int i = 0; i < len;) {
		add(l, " \"%s\"", p + i);
		i += (int)strlen(p + i) + 1;
	}
}

static void add_cells(struct line *l, int node, const char *prop)
{
	int len;
	const uint8_t *p = dt_getprop(g_fdt, node, prop, &len);
	if (!p) {
		add(l, " -");
		return;
	}
	for (int i = 0; i + 4 <= len; i += 4)
		add(l, " %#x", be32(p + i));
}

static void add_regs(struct line *l, int node)
{
	uint64_t a, s;
	int i;
	for (i = 0; dt_reg(g_fdt, node, i, &a, &s); i++)
		add(l, " %#llx %#llx", (unsigned long long)a,
		    (unsigned long long)s);
	if (!i)
		add(l, " -");
}

static bool is_type(int node, const char *type)
{
	int len;
	const char *t = dt_getprop(g_fdt, node, "device_type", &len);
	return t && !strcmp(t, type);
}

/* First node (document order) matching pred, or -1. */
static int find_compat(const char *const *compats)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(g_fdt, &it))
		for (int i = 0; compats[i]; i++)
			if (dt_compatible(g_fdt, it.off, compats[i]))
				return it.off;
	return -1;
}

static void report_memory(void)
{
	struct mem { uint64_t a, s; } m[16];
	int n = 0;
	struct dt_node it = { .off = -1 };
	while (dt_next(g_fdt, &it)) {
		if (!is_type(it.off, "memory"))
			continue;
		uint64_t a, s;
		for (int i = 0; n < 16 && dt_reg(g_fdt, it.off, i, &a, &s); i++)
			m[n++] = (struct mem){ a, s };
	}
	/* Sort by base so the order of nodes/banks does not matter. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && m[j].a < m[j - 1].a; j--) {
			struct mem t = m[j];
			m[j] = m[j - 1];
			m[j - 1] = t;
		}
	for (int i = 0; i < n; i++)
		printk("DT memory %#llx %#llx\n", (unsigned long long)m[i].a,
		       (unsigned long long)m[i].s);
	if (!n)
		printk("DT memory none\n");
}

/* "DTP <path> <prop> [<part>] <hex>": every property of every node in
 * document order, values in hex, 32 bytes per line. */
static void dump_all(void)
{
	char path[128];
	struct dt_node it = { .off = -1 };
	while (dt_next(g_fdt, &it)) {
		dt_path_of(g_fdt, it.off, path, sizeof(path));
		const char *name;
		const void *val;
		int len;
		for (int i = 0; dt_prop_at(g_fdt, it.off, i, &name, &val, &len); i++) {
			const uint8_t *v = val;
			int part = 0;
			do {
				struct line l = { .n = 0 };
				add(&l, "DTP %s %s", path, name);
				if (len > 32)
					add(&l, " [%d]", part);
				if (!len)
					add(&l, " (empty)");
				else
					add(&l, " ");
				for (int j = part * 32; j < len && j < (part + 1) * 32; j++)
					add(&l, "%02x", v[j]);
				emit(&l);
				part++;
			} while (part * 32 < len);
		}
	}
}

void mode_dtinfo(void)
{
	struct line l = { .n = 0 };
	int root = dt_find_path(g_fdt, "/");
	printk("DT root cells %u %u\n",
	       dt_cells(g_fdt, root, "#address-cells", 2),
	       dt_cells(g_fdt, root, "#size-cells", 1));

	int chosen = dt_find_path(g_fdt, "/chosen");
	int len;
	const char *ba = chosen >= 0 ? dt_getprop(g_fdt, chosen, "bootargs", &len)
				     : NULL;
	printk("DT bootargs \"%s\"\n", ba ? ba : "");

	report_memory();

	static const char *const gic[] = { "arm,gic-v3", "arm,gic-400",
					   "arm,cortex-a15-gic", NULL };
	int n = find_compat(gic);
	if (n >= 0) {
		add(&l, "DT gic");
		add_strings(&l, n, "compatible");
		add_regs(&l, n);
		add(&l, " cells");
		add_cells(&l, n, "#interrupt-cells");
		add(&l, " phandle");
		add_cells(&l, n, "phandle");
		emit(&l);
	} else {
		printk("DT gic none\n");
	}

	static const char *const uart[] = { "arm,sbsa-uart", "arm,pl011", NULL };
	n = find_compat(uart);
	if (n >= 0) {
		add(&l, "DT uart");
		add_strings(&l, n, "compatible");
		add_regs(&l, n);
		add(&l, " irq");
		add_cells(&l, n, "interrupts");
		add(&l, " parent");
		add_cells(&l, n, "interrupt-parent");
		add(&l, " speed");
		add_cells(&l, n, "current-speed");
		emit(&l);
	} else {
		printk("DT uart none\n");
	}

	static const char *const timer[] = { "arm,armv8-timer", NULL };
	n = find_compat(timer);
	if (n >= 0) {
		add(&l, "DT timer irqs");
		add_cells(&l, n, "interrupts");
		add(&l, " parent");
		add_cells(&l, n, "interrupt-parent");
		emit(&l);
	} else {
		printk("DT timer none\n");
	}

	n = dt_find_path(g_fdt, "/psci");
	if (n >= 0) {
		const char *m = dt_getprop(g_fdt, n, "method", &len);
		add(&l, "DT psci %s", m ? m : "-");
		add_strings(&l, n, "compatible");
		emit(&l);
	} else {
		printk("DT psci none\n");
	}

	int cpus = dt_find_path(g_fdt, "/cpus");
	int ncpu = 0;
	struct dt_node it = { .off = -1 };
	while (cpus >= 0 && dt_next(g_fdt, &it))
		if (it.parent == cpus && is_type(it.off, "cpu"))
			ncpu++;
	printk("DT cpus %d\n", ncpu);
	it.off = -1;
	while (cpus >= 0 && dt_next(g_fdt, &it)) {
		if (it.parent != cpus || !is_type(it.off, "cpu"))
			continue;
		const char *em = dt_getprop(g_fdt, it.off, "enable-method", &len);
		add(&l, "DT cpu %s reg", it.name);
		add_cells(&l, it.off, "reg");
		add(&l, " enable-method %s", em ? em : "-");
		emit(&l);
	}

	n = dt_find_path(g_fdt, "/hypervisor");
	if (n >= 0) {
		add(&l, "DT hypervisor");
		add_strings(&l, n, "compatible");
		add_regs(&l, n);
		add(&l, " irq");
		add_cells(&l, n, "interrupts");
		emit(&l);
	}

	char path[128];
	it.off = -1;
	while (dt_next(g_fdt, &it)) {
		dt_path_of(g_fdt, it.off, path, sizeof(path));
		printk("DT node %s\n", path);
	}

	if (arg_num("dump", 0))
		dump_all();
	printk("DTINFO DONE\n");
	int64_t r = psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	say("SYSTEM_OFF returned %lld", (long long)r);
	halt();
}
