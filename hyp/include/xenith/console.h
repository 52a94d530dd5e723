/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor console: the one physical UART, shared by the hypervisor's
 * own log and every domain's console. Output is whole lines; each domain's
 * line carries its prefix. Input goes to the domain that has the focus;
 * Ctrl-a three times moves the focus, as on Xen.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct domain;

void console_init_early(uint64_t uart_base);
void console_set_uart(uint64_t uart_base);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints one finished line of domain output with its domain prefix. */
void console_domain_line(struct domain *d, const char *line, size_t len);
/* A character received on the physical UART. */
void console_rx_char(char c);
/* A character typed for dom0 (console_io.c: its ring, VIRQ_CONSOLE). */
void conio_input(struct domain *d, char c);
/* Boot: the input focus starts on dom0 when there is one, as on Xen. */
void console_focus_dom0(struct domain *d);

/* From now on, output without taking the console lock (panic: this CPU
 * may hold it, or another CPU that stopped may). */
void console_panic(void);
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
