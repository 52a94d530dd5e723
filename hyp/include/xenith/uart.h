/* SPDX-License-Identifier: MIT */
/* Physical UART driver interface (drivers/). */
#pragma once

#include <stdint.h>

void uart_putc(uint64_t base, char c);
/* A received byte, or -1 if none is waiting. */
int uart_getc(uint64_t base);
void uart_enable_rx_irq(uint64_t base);
