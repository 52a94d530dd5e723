// SPDX-License-Identifier: MIT
/* Fatal errors of the hypervisor itself. Only boot paths and genuine
 * hypervisor bugs panic; a guest's misbehaviour never reaches here. */
#include <stdarg.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/lib.h>

void panic(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_panic();
	printk("****************************************\n");
	printk("Panic on CPU %u: %s\n", arch_cpu_id(), buf);
	printk("****************************************\n");
	arch_halt();
}
