/* SPDX-License-Identifier: MIT */
/* Emulated SBSA UART (PL011 subset) at Xen's domU address. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/spinlock.h>
#include <xenith/mmio.h>

#define VPL011_RX_FIFO 1024 /* deeper than the SBSA 32: input is not dropped
			     * when a line is pasted or sent at once */
#define VPL011_LINE_MAX 256

struct vpl011 {
	spinlock_t lock; /* guest accesses vs. console input on another CPU */
	bool enabled;
	uint32_t imsc;    /* interrupt mask set/clear */
	uint32_t ris;     /* raw interrupt status */
	bool irq_level;   /* what the vGIC was last told */
	char rx[VPL011_RX_FIFO];
	unsigned rx_head, rx_count;
	char line[VPL011_LINE_MAX];
	unsigned line_len;
	/* Backend in another domain (XEN_DOMCTL_vuart_op, xl's vuart): the
	 * data goes through a xencons ring, a page of the domain's own, and
	 * the port the hypervisor consumes; NULL: the hypervisor console. */
	volatile uint8_t *ring;
	uint32_t port;
};

struct domain;
void vpl011_init(struct domain *d);
/* The same with its backend in domain backend (xenconsoled): the ring at
 * the domain's frame gfn, a port offered to backend (*port). 0, or
 * -XEN_EEXIST (already one), -XEN_EINVAL (gfn not the domain's page),
 * -XEN_ENOSPC (no port). */
int vpl011_init_ring(struct domain *d, uint64_t gfn, uint16_t backend, uint32_t *port);
/* The backend notified the ring's port (input arrived, output taken). */
void vpl011_ring_event(struct domain *d);
/* Prints the unfinished output line, if any (the domain stops). */
void vpl011_flush(struct domain *d);
/* Input from the console multiplexer; false if the FIFO is full. */
bool vpl011_rx(struct domain *d, char c);
