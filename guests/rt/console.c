// SPDX-License-Identifier: MIT
/* Console on the PL011 / SBSA UART named by the guest's device tree. */
#include "rt.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)

static volatile uint8_t *uart;

static bool is_uart(const void *fdt, int node)
{
	return dt_compatible(fdt, node, "arm,sbsa-uart") ||
	       dt_compatible(fdt, node, "arm,pl011");
}

static int find_uart(const void *fdt)
{
	/* stdout-path first ("/path" or "/path:options" or an alias). */
	int chosen = dt_find_path(fdt, "/chosen");
	int len;
	const char *sp = chosen >= 0 ? dt_getprop(fdt, chosen, "stdout-path", &len)
				     : NULL;
	if (sp && len > 1 && sp[0] == '/') {
		char path[128];
		int i;
		for (i = 0; i < len && i < 127 && sp[i] && sp[i] != ':'; i++)
			path[i] = sp[i];
		path[i] = '\0';
		int n = dt_find_path(fdt, path);
		if (n >= 0 && is_uart(fdt, n))
			return n;
	}
	struct dt_node it = { .off = -1 };
	while (dt_next(fdt, &it))
		if (is_uart(fdt, it.off))
			return it.off;
	return -1;
}

void console_init(const void *fdt)
{
	uint64_t base, size;
	int n = dt_valid(fdt) ? find_uart(fdt) : -1;
	if (n >= 0 && dt_reg(fdt, n, 0, &base, &size))
		uart = (volatile uint8_t *)(uintptr_t)base;
}

uint64_t console_base(void)
{
	return (uint64_t)(uintptr_t)uart;
}

static void uart_putc(char c)
{
	volatile uint32_t *fr = (volatile uint32_t *)(uart + UART_FR);
	volatile uint32_t *dr = (volatile uint32_t *)(uart + UART_DR);
	for (uint32_t spins = 0; (*fr & FR_TXFF) && spins < 1000000; spins++)
		cpu_relax();
	*dr = (uint8_t)c;
}

int console_getc(void)
{
	if (!uart)
		return -1;
	volatile uint32_t *fr = (volatile uint32_t *)(uart + UART_FR);
	volatile uint32_t *dr = (volatile uint32_t *)(uart + UART_DR);
	if (*fr & FR_RXFE)
		return -1;
	return (int)(*dr & 0xff);
}

void console_write(const char *s, size_t n)
{
	if (!uart) {
		/* Best effort: Xen's console_io (guest VA = IPA, MMU off). */
		xen_hypercall(XEN_HC_console_io, CONSOLEIO_write, n,
			      (uint64_t)(uintptr_t)s, 0, 0);
		return;
	}
	/* Plain '\n' line ends: the hypervisor's console splits lines. */
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
}

void printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	console_write(buf, (size_t)n);
}
