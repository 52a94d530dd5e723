// SPDX-License-Identifier: MIT
/* ARM PL011 UART: polled transmit, interrupt-driven receive. */
#include <stdint.h>
#include <xenith/uart.h>

#define UART_DR   0x00
#define UART_FR   0x18
#define UART_IMSC 0x38
#define UART_ICR  0x44
#define FR_TXFF   (1U << 5)
#define FR_RXFE   (1U << 4)
#define INT_RX    (1U << 4)
#define INT_RT    (1U << 6)

static inline volatile uint32_t *reg(uint64_t base, unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(base + off);
}

void uart_putc(uint64_t base, char c)
{
	while (*reg(base, UART_FR) & FR_TXFF)
		;
	*reg(base, UART_DR) = (uint8_t)c;
}

int uart_getc(uint64_t base)
{
	if (*reg(base, UART_FR) & FR_RXFE)
		return -1;
	return (int)(*reg(base, UART_DR) & 0xff);
}

void uart_enable_rx_irq(uint64_t base)
{
	*reg(base, UART_ICR) = 0x7ff;
	*reg(base, UART_IMSC) = INT_RX | INT_RT;
}
