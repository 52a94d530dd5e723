// SPDX-License-Identifier: MIT
/*
 * host_parse on QEMU's virt tree, on a board that differs from it in
 * every way that matters, and on variants edited with libfdt: each
 * problem must give one line naming the node and the property.
 */
#include <libfdt.h>

#include "check.h"
#include "dt_fixture.h"
#include <xenith/config.h>
#include <xenith/fdt.h>

static struct host_info h;
static char err[CFG_ERR_LEN];

/* QEMU's tree opened for editing with libfdt. */
/* Parses fdt, expecting failure with exactly `msg`. */
static void expect_error(void *fdt, const char *msg)
{
	err[0] = '\0';
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), -1);
	CHECK_STR(err, msg);
	free(fdt);
}

static void test_qemu_virt(void)
{
	void *fdt = load_dtb("qemu-virt", 0, NULL);

	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.nr_mem, 1);
	CHECK_EQ(h.mem[0].base, 0x40000000);
	CHECK_EQ(h.mem[0].size, 0x80000000);
	CHECK_EQ(h.nr_reserved, 0);
	CHECK_EQ(h.nr_cpus, 4);
	for (int i = 0; i < 4; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
		CHECK_EQ(h.cpu_mpidr[i], i);
		/* For the CPU pools: the node and its phandle. */
		CHECK_EQ(h.cpu_node[i], fdt_path_offset(fdt, path));
		CHECK_EQ(h.cpu_phandle[i], 0x8004 - i);
	}
	CHECK_EQ(h.cpu_compatible_len, sizeof("arm,cortex-a57"));
	CHECK(h.cpu_compatible && memcmp(h.cpu_compatible, "arm,cortex-a57", 15) == 0);
	CHECK_EQ(h.cpu_clock_freq, 0);
	CHECK_EQ(h.uart_base, 0x09000000);
	CHECK_EQ(h.uart_size, 0x1000);
	CHECK_EQ(h.uart_irq, 33);
	CHECK_EQ(h.gicd_base, 0x08000000);
	CHECK_EQ(h.gicd_size, 0x10000);
	CHECK_EQ(h.gicr_base, 0x080a0000);
	CHECK_EQ(h.gicr_size, 0xf60000);
	CHECK_EQ(h.gic_maint_irq, 25);
	CHECK_EQ(h.gic_nr_lines, 0); /* not in the DT: the GIC driver's job */
	CHECK_EQ(h.timer_irq_hyp, 26);
	CHECK_EQ(h.timer_irq_virt, 27);
	CHECK_EQ(h.timer_freq, 0);
	CHECK(h.psci_smc);
	CHECK(h.xen_bootargs == NULL);
	free(fdt);
}

static void test_board(void)
{
	void *fdt = load_dtb("board", 0, NULL);
	static const char compat[] = "arm,cortex-a72\0arm,armv8";

	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.nr_mem, 3);
	CHECK_EQ(h.mem[0].base, 0x80000000);
	CHECK_EQ(h.mem[1].base, 0x880000000);
	CHECK_EQ(h.mem[1].size, 0x40000000);
	CHECK_EQ(h.mem[2].base, 0x900000000);
	CHECK_EQ(h.mem[2].size, 0x20000000);
	/* /memreserve/ first, then enabled /reserved-memory children with reg. */
	CHECK_EQ(h.nr_reserved, 2);
	CHECK_EQ(h.reserved[0].base, 0x80000000);
	CHECK_EQ(h.reserved[0].size, 0x10000);
	CHECK_EQ(h.reserved[1].base, 0xbc000000);
	CHECK_EQ(h.reserved[1].size, 0x2000000);
	/* The disabled CPU is skipped; 2-cell reg is fine. */
	CHECK_EQ(h.nr_cpus, 3);
	CHECK_EQ(h.cpu_mpidr[0], 0);
	CHECK_EQ(h.cpu_mpidr[1], 1);
	CHECK_EQ(h.cpu_mpidr[2], 0x101);
	CHECK_EQ(h.cpu_node[2], fdt_path_offset(fdt, "/cpus/cpu@101"));
	CHECK_EQ(h.cpu_phandle[0], 0); /* no phandle */
	CHECK_EQ(h.cpu_compatible_len, sizeof(compat));
	CHECK(memcmp(h.cpu_compatible, compat, sizeof(compat)) == 0);
	CHECK_EQ(h.cpu_clock_freq, 1500000000);
	/* stdout-path "serial1:115200n8" -> the second UART. */
	CHECK_EQ(h.uart_base, 0x1c0a0000);
	CHECK_EQ(h.uart_irq, 38);
	CHECK_EQ(h.gicd_base, 0x2f000000);
	CHECK_EQ(h.gicd_size, 0x10000);
	CHECK_EQ(h.gicr_base, 0x2f100000);
	CHECK_EQ(h.gicr_size, 0x200000);
	CHECK_EQ(h.gic_maint_irq, 25);
	CHECK_EQ(h.timer_irq_hyp, 26);
	CHECK_EQ(h.timer_irq_virt, 27);
	CHECK_EQ(h.timer_freq, 100000000);
	CHECK(!h.psci_smc);
	CHECK_STR(h.xen_bootargs, "console=dtuart sync_console");
	free(fdt);
}

static void set_stdout(void *fdt, const char *value)
{
	fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", value);
}

static void test_console_choice(void)
{
	void *fdt = editable("board");

	/* A path with options. */
	set_stdout(fdt, "/soc/uart@1c090000:115200n8");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.uart_base, 0x1c090000);
	CHECK_EQ(h.uart_irq, 37);
	/* An alias without options. */
	set_stdout(fdt, "serial1");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.uart_base, 0x1c0a0000);
	/* Unresolvable: fall back to the first PL011. */
	set_stdout(fdt, "serial7:9600");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.uart_base, 0x1c090000);
	/* Names a node that is not a PL011: same fallback. */
	set_stdout(fdt, "/timer");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.uart_base, 0x1c090000);
	/* A disabled PL011 is never chosen. */
	set_stdout(fdt, "serial0");
	fdt_setprop_string(fdt, node(fdt, "/soc/uart@1c090000"), "status", "disabled");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.uart_base, 0x1c0a0000);
	free(fdt);

	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/chosen"), "stdout-path");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.uart_base, 0x09000000);
	fdt_setprop_string(fdt, node(fdt, "/pl011@9000000"), "compatible", "ns16550a");
	expect_error(fdt, "/: compatible: no enabled \"arm,pl011\" UART for the console");

	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/pl011@9000000"), "interrupts");
	expect_error(fdt, "/pl011@9000000: interrupts: missing or not a GIC <type number flags> triplet");

	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/pl011@9000000"), "reg");
	expect_error(fdt, "/pl011@9000000: reg: missing or malformed");
}

static void test_memory_errors(void)
{
	void *fdt = editable("qemu-virt");

	fdt_del_node(fdt, node(fdt, "/memory@40000000"));
	expect_error(fdt, "/: memory: no RAM described (no memory node with a non-empty reg)");

	/* Nine banks do not fit in MAX_MEM_BANKS. */
	fdt = editable("qemu-virt");
	uint32_t reg[9 * 4];
	for (int i = 0; i < 9; i++) {
		reg[4 * i] = 0;
		reg[4 * i + 1] = cpu_to_fdt32(0x40000000 + i * 0x1000000);
		reg[4 * i + 2] = 0;
		reg[4 * i + 3] = cpu_to_fdt32(0x1000000);
	}
	fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", reg, sizeof(reg));
	expect_error(fdt, "/memory@40000000: reg: more than 8 regions");

	/* A reg the root's cells cannot decode. */
	fdt = editable("qemu-virt");
	fdt_setprop_u32(fdt, node(fdt, "/memory@40000000"), "reg", 5);
	expect_error(fdt, "/memory@40000000: reg: cannot be decoded with #address-cells 2, #size-cells 2");

	/* A region that wraps around the address space. */
	fdt = editable("qemu-virt");
	uint32_t wrap[4] = { cpu_to_fdt32(0xffffffff), cpu_to_fdt32(0xfffff000),
			     0, cpu_to_fdt32(0x2000) };
	fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", wrap, sizeof(wrap));
	expect_error(fdt, "/memory@40000000: reg: region at 0xfffffffffffff000 wraps around");

	/* Disabled memory is no memory. */
	fdt = editable("qemu-virt");
	fdt_setprop_string(fdt, node(fdt, "/memory@40000000"), "status", "disabled");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), -1);
	free(fdt);

	/* Named "memory" without device_type still counts, as in Xen. */
	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/memory@40000000"), "device_type");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.nr_mem, 1);
	free(fdt);

	/* /memreserve/ entries are read. */
	fdt = editable("qemu-virt");
	fdt_add_mem_rsv(fdt, 0x48000000, 0x200000);
	fdt_add_mem_rsv(fdt, 0x7ff00000, 0x100000);
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.nr_reserved, 2);
	CHECK_EQ(h.reserved[1].base, 0x7ff00000);
	free(fdt);
}

static void test_cpu_errors(void)
{
	void *fdt = editable("qemu-virt");

	fdt_del_node(fdt, node(fdt, "/cpus"));
	expect_error(fdt, "/cpus: node: missing");

	fdt = editable("qemu-virt");
	for (int i = 0; i < 4; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
		fdt_setprop_string(fdt, node(fdt, path), "status", "disabled");
	}
	expect_error(fdt, "/cpus: device_type: no enabled node with device_type \"cpu\"");

	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/cpus/cpu@2"), "reg");
	expect_error(fdt, "/cpus/cpu@2: reg: missing or not decodable as an MPIDR");

	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/cpus/cpu@0"), "compatible");
	expect_error(fdt, "/cpus/cpu@0: compatible: missing (copied into guest cpu nodes)");

	/* The older "linux,phandle" counts too; "phandle" first. */
	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/cpus/cpu@1"), "phandle");
	fdt_setprop_u32(fdt, node(fdt, "/cpus/cpu@1"), "linux,phandle", 0x77);
	fdt_setprop_u32(fdt, node(fdt, "/cpus/cpu@2"), "linux,phandle", 0x78);
	fdt_delprop(fdt, node(fdt, "/cpus/cpu@3"), "phandle");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.cpu_phandle[0], 0x8004);
	CHECK_EQ(h.cpu_phandle[1], 0x77);
	CHECK_EQ(h.cpu_phandle[2], 0x8002);
	CHECK_EQ(h.cpu_phandle[3], 0);
	free(fdt);

	/* CPUs beyond MAX_CPUS stay offline, as with Xen's NR_CPUS. */
	fdt = editable("qemu-virt");
	int cpus = node(fdt, "/cpus");
	for (int i = 4; i < 12; i++) {
		char name[16];
		int n;

		snprintf(name, sizeof(name), "cpu@%d", i);
		n = fdt_add_subnode(fdt, cpus, name);
		fdt_setprop_string(fdt, n, "device_type", "cpu");
		fdt_setprop_string(fdt, n, "compatible", "arm,cortex-a57");
		fdt_setprop_u32(fdt, n, "reg", (uint32_t)i);
	}
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.nr_cpus, MAX_CPUS);
	/* (libfdt adds subnodes first, so which 8 depends on its order.) */
	for (int i = 0; i < MAX_CPUS; i++) {
		CHECK(h.cpu_mpidr[i] < 12);
		for (int j = 0; j < i; j++)
			CHECK(h.cpu_mpidr[i] != h.cpu_mpidr[j]);
	}
	free(fdt);
}

static void test_gic_timer_psci_errors(void)
{
	void *fdt = editable("qemu-virt");
	uint32_t one_reg[4] = { 0, cpu_to_fdt32(0x8000000), 0, cpu_to_fdt32(0x10000) };

	fdt_setprop(fdt, node(fdt, "/intc@8000000"), "reg", one_reg, sizeof(one_reg));
	expect_error(fdt, "/intc@8000000: reg: missing the redistributors (entry 1)");

	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/intc@8000000"), "interrupts");
	expect_error(fdt, "/intc@8000000: interrupts: missing the maintenance interrupt (a PPI)");

	fdt = editable("qemu-virt");
	fdt_setprop_string(fdt, node(fdt, "/intc@8000000"), "compatible", "arm,cortex-a15-gic");
	expect_error(fdt, "/: compatible: no enabled \"arm,gic-v3\" interrupt controller");

	fdt = editable("qemu-virt");
	uint32_t three[9];
	for (int i = 0; i < 9; i++)
		three[i] = cpu_to_fdt32(i % 3 == 0 ? 1 : i % 3 == 1 ? 13 + i / 3 : 4);
	fdt_setprop(fdt, node(fdt, "/timer"), "interrupts", three, sizeof(three));
	expect_error(fdt, "/timer: interrupts: missing the hypervisor timer (4th entry)");

	fdt = editable("qemu-virt");
	fdt_del_node(fdt, node(fdt, "/timer"));
	expect_error(fdt, "/: compatible: no enabled \"arm,armv8-timer\" timer");

	/* The older compatible is accepted, as Xen does. */
	fdt = editable("qemu-virt");
	fdt_setprop_string(fdt, node(fdt, "/timer"), "compatible", "arm,armv7-timer");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.timer_irq_hyp, 26);
	free(fdt);

	fdt = editable("qemu-virt");
	fdt_setprop_string(fdt, node(fdt, "/psci"), "method", "svc");
	expect_error(fdt, "/psci: method: \"svc\" is neither \"smc\" nor \"hvc\"");

	fdt = editable("qemu-virt");
	fdt_delprop(fdt, node(fdt, "/psci"), "method");
	expect_error(fdt, "/psci: method: missing");

	fdt = editable("qemu-virt");
	fdt_del_node(fdt, node(fdt, "/psci"));
	expect_error(fdt, "/psci: node: missing, needed to start 4 CPUs");
}

/*
 * host_parse finds everything in one walk of the tree: the first enabled
 * node for each device compatible in document order, with its parent's
 * cells; top-level nodes by dt_path's naming rule; memory nodes only at
 * the top level.
 */
static void test_one_walk(void)
{
	void *fdt = editable("qemu-virt");
	/* libfdt puts a new subnode first, so these come before the
	 * originals in document order. */
	int bus = fdt_add_subnode(fdt, 0, "bus@1000000");
	int gic = fdt_add_subnode(fdt, bus, "interrupt-controller@1000000");
	uint32_t reg[4] = { cpu_to_fdt32(0x1000000), cpu_to_fdt32(0x10000),
			    cpu_to_fdt32(0x1100000), cpu_to_fdt32(0x20000) };
	uint32_t irq[3] = { cpu_to_fdt32(1), cpu_to_fdt32(7), cpu_to_fdt32(4) };

	fdt_setprop_u32(fdt, bus, "#address-cells", 1);
	fdt_setprop_u32(fdt, bus, "#size-cells", 1);
	gic = fdt_subnode_offset(fdt, bus, "interrupt-controller@1000000");
	fdt_setprop_string(fdt, gic, "compatible", "arm,gic-v3");
	fdt_setprop(fdt, gic, "reg", reg, sizeof(reg));
	fdt_setprop(fdt, gic, "interrupts", irq, sizeof(irq));
	fdt_setprop_string(fdt, gic, "status", "disabled");
	/* Not top-level, so not RAM, whatever its name and type. */
	int mem = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/bus@1000000"), "memory@2000000");
	fdt_setprop_string(fdt, mem, "device_type", "memory");
	fdt_setprop(fdt, mem, "reg", reg, 8);
	/* A disabled GIC is skipped for the next one. */
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.gicd_base, 0x08000000);
	CHECK_EQ(h.nr_mem, 1);
	/* Enabled, it is the first: its reg read with its parent's cells. */
	gic = fdt_path_offset(fdt, "/bus@1000000/interrupt-controller@1000000");
	fdt_setprop_string(fdt, gic, "status", "okay");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.gicd_base, 0x1000000);
	CHECK_EQ(h.gicd_size, 0x10000);
	CHECK_EQ(h.gicr_base, 0x1100000);
	CHECK_EQ(h.gicr_size, 0x20000);
	CHECK_EQ(h.gic_maint_irq, 23);
	free(fdt);

	/* RAM by device_type under another name, in document order. */
	fdt = editable("qemu-virt");
	int ram = fdt_add_subnode(fdt, 0, "sdram@c0000000");
	uint32_t ram_reg[4] = { 0, cpu_to_fdt32(0xc0000000), 0, cpu_to_fdt32(0x1000000) };
	fdt_setprop_string(fdt, ram, "device_type", "memory");
	fdt_setprop(fdt, ram, "reg", ram_reg, sizeof(ram_reg));
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_EQ(h.nr_mem, 2);
	CHECK_EQ(h.mem[0].base, 0xc0000000);
	CHECK_EQ(h.mem[1].base, 0x40000000);
	free(fdt);

	/* Top-level nodes by dt_path's rule: "/chosen" also names
	 * "chosen@0"; PSCI without a known compatible is still /psci. */
	fdt = editable("board");
	fdt_set_name(fdt, node(fdt, "/chosen"), "chosen@0");
	fdt_setprop_string(fdt, node(fdt, "/psci"), "compatible", "vendor,psci");
	CHECK_EQ(host_parse(fdt, &h, err, sizeof(err)), 0);
	CHECK_STR(h.xen_bootargs, "console=dtuart sync_console");
	CHECK_EQ(h.uart_base, 0x1c0a0000); /* stdout-path still read */
	CHECK(!h.psci_smc);
	free(fdt);
}

/* The same answers from a copy of the tree at an odd address, where the
 * reader takes its byte-load path. */
static void test_unaligned(void)
{
	static const char *const names[] = { "qemu-virt", "board" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t size;
		uint8_t *fdt = load_dtb(names[i], 0, &size);
		uint8_t *raw = malloc(size + 3), *odd = raw + 3;
		struct host_info a, b;

		memcpy(odd, fdt, size);
		CHECK_EQ(host_parse(fdt, &a, err, sizeof(err)), 0);
		CHECK_EQ(host_parse(odd, &b, err, sizeof(err)), 0);
		CHECK(b.cpu_compatible == (const char *)odd + ((const uint8_t *)a.cpu_compatible - fdt));
		a.cpu_compatible = b.cpu_compatible;
		if (a.xen_bootargs) {
			CHECK_STR(a.xen_bootargs, b.xen_bootargs);
			a.xen_bootargs = b.xen_bootargs;
		}
		CHECK(memcmp(&a, &b, sizeof(a)) == 0);
		free(raw);
		free(fdt);
	}
}

static void test_not_a_tree(void)
{
	static uint8_t junk[64];

	CHECK_EQ(host_parse(junk, &h, err, sizeof(err)), -1);
	CHECK_STR(err, "/: device tree: not a device tree (bad magic)");
	/* A short error buffer truncates, never overflows. */
	char tiny[8];
	memset(tiny, 'x', sizeof(tiny));
	CHECK_EQ(host_parse(junk, &h, tiny, sizeof(tiny)), -1);
	CHECK_STR(tiny, "/: devi");
	CHECK_EQ(host_parse(junk, &h, NULL, 0), -1);
}

int main(void)
{
	RUN(test_qemu_virt);
	RUN(test_board);
	RUN(test_console_choice);
	RUN(test_memory_errors);
	RUN(test_cpu_errors);
	RUN(test_gic_timer_psci_errors);
	RUN(test_one_walk);
	RUN(test_unaligned);
	RUN(test_not_a_tree);
	return check_done("test_host_dt");
}
