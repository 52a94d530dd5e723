// SPDX-License-Identifier: MIT
/*
 * vPL011: the SBSA UART subset Xen 4.17 emulates. A dom0less guest's has
 * the hypervisor console as its backend: transmit never blocks (each
 * byte goes into the domain's line buffer, printed a line at a time); the
 * receive FIFO is filled by the console multiplexer. A domain built by the
 * toolstack (xl's vuart = "sbsa_uart") has it in another domain
 * (xenconsoled): bytes go through a xencons ring in a page of the domain
 * and a port only the hypervisor consumes, as Xen's backend_in_domain.
 */
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/lib.h>
#include <xenith/assert.h>
#include <xenith/vpl011.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>

#define DR    0x00
#define RSR   0x04
#define FR    0x18
#define IMSC  0x38
#define RIS   0x3c
#define MIS   0x40
#define ICR   0x44

#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define FR_RXFF (1U << 6)
#define FR_TXFE (1U << 7)
#define INT_RX  (1U << 4)
#define INT_TX  (1U << 5)
#define INT_RT  (1U << 6)

/* Interrupt line = any unmasked raw status; called with the lock held.
 * The vGIC is told only when the line changes: most accesses (a byte
 * written, FR polled) leave it as it was. */
static void update_irq(struct domain *d, struct vpl011 *u)
{
	bool level = (u->ris & u->imsc) != 0;

	ASSERT_LOCKED(&u->lock);

	if (level != u->irq_level) {
		u->irq_level = level;
		arch_vgic_set_level(d, 0, 32 + d->layout.uart_spi, level);
	}
}

/* The xencons ring (public/io/console.h): in[1024], out[2048], then the
 * four 32-bit indexes, free-running. */
#define RING_IN      0
#define RING_OUT     1024
#define RING_IN_SIZE  1024
#define RING_OUT_SIZE 2048
#define IN_CONS   3072
#define IN_PROD   3076
#define OUT_CONS  3080
#define OUT_PROD  3084

static volatile uint32_t *ring_idx(const struct vpl011 *u, unsigned int off)
{
	return (volatile uint32_t *)(u->ring + off);
}

static uint32_t ring_in_queued(const struct vpl011 *u)
{
	return __atomic_load_n(ring_idx(u, IN_PROD), __ATOMIC_ACQUIRE) -
	       *ring_idx(u, IN_CONS);
}

static bool ring_out_full(const struct vpl011 *u)
{
	return *ring_idx(u, OUT_PROD) - __atomic_load_n(ring_idx(u, OUT_CONS), __ATOMIC_ACQUIRE) >=
	       RING_OUT_SIZE;
}

/* To the backend; a byte that finds the ring full is dropped, as Xen's.
 * The backend is notified by vpl011_mmio once the lock is dropped (the
 * event-channel lock comes before the vpl011 lock). */
static void ring_tx(struct domain *d, struct vpl011 *u, char c)
{
	uint32_t prod = *ring_idx(u, OUT_PROD);

	if (ring_out_full(u))
		return;
	(void)d;
	u->ring[RING_OUT + prod % RING_OUT_SIZE] = (uint8_t)c;
	__atomic_store_n(ring_idx(u, OUT_PROD), prod + 1, __ATOMIC_RELEASE);
}

static void tx_byte(struct domain *d, struct vpl011 *u, char c)
{
	ASSERT_LOCKED(&u->lock);
	if (u->ring) {
		ring_tx(d, u, c);
		return;
	}
	if (c != '\r')
		u->line[u->line_len++] = c;
	if (c == '\n' || u->line_len == VPL011_LINE_MAX) {
		console_domain_line(d, u->line, u->line_len);
		u->line_len = 0;
	}
}

static uint32_t rx_byte(struct vpl011 *u)
{
	uint32_t c;

	if (u->ring) {
		uint32_t cons = *ring_idx(u, IN_CONS);

		if (!ring_in_queued(u))
			return 0;
		c = u->ring[RING_IN + cons % RING_IN_SIZE];
		__atomic_store_n(ring_idx(u, IN_CONS), cons + 1, __ATOMIC_RELEASE);
		if (!ring_in_queued(u))
			u->ris &= ~(INT_RX | INT_RT);
		return c;
	}
	if (!u->rx_count)
		return 0;
	c = (uint8_t)u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VPL011_RX_FIFO;
	if (--u->rx_count == 0)
		u->ris &= ~(INT_RX | INT_RT);
	return c;
}

static uint32_t flags(const struct vpl011 *u)
{
	uint32_t fr = FR_TXFE;

	if (u->ring) {
		uint32_t in = ring_in_queued(u);

		fr = ring_out_full(u) ? FR_TXFF : FR_TXFE;
		return fr | (in ? 0 : FR_RXFE) | (in >= RING_IN_SIZE ? FR_RXFF : 0);
	}
	if (!u->rx_count)
		fr |= FR_RXFE;
	if (u->rx_count == VPL011_RX_FIFO)
		fr |= FR_RXFF;
	return fr;
}

static bool vpl011_read(struct vpl011 *u, unsigned off, uint64_t *val)
{
	switch (off) {
	case DR:   *val = rx_byte(u); return true;
	case RSR:  *val = 0; return true;
	case FR:   *val = flags(u); return true;
	case IMSC: *val = u->imsc; return true;
	case RIS:  *val = u->ris; return true;
	case MIS:  *val = u->ris & u->imsc; return true;
	case ICR:  *val = 0; return true;
	default:   return false;
	}
}

static bool vpl011_write(struct domain *d, struct vpl011 *u, unsigned off,
			 uint32_t val)
{
	switch (off) {
	case DR:   tx_byte(d, u, (char)val); return true;
	case RSR:  return true; /* error clear: we never record errors */
	case IMSC: u->imsc = val & 0x7ff; return true;
	case ICR:  u->ris &= ~(val & ~INT_TX); return true;
	case FR: case RIS: case MIS: return true; /* read-only: ignored */
	default:   return false;
	}
}

static bool vpl011_mmio(struct vcpu *v, struct mmio_access *a, void *priv)
{
	struct vpl011 *u = priv;
	struct domain *d = v->dom;
	bool ok;

	if (a->size == 8 || (a->offset & (a->size - 1)))
		return false; /* 64-bit or unaligned: abort, as Xen does */
	spin_lock(&u->lock);
	if (a->write)
		ok = vpl011_write(d, u, (unsigned)a->offset, (uint32_t)a->value);
	else
		ok = vpl011_read(u, (unsigned)a->offset, &a->value);
	update_irq(d, u);
	spin_unlock(&u->lock);
	if (ok && u->ring && a->write && a->offset == DR)
		evtchn_xen_send(&d->evtchn, u->port);
	return ok;
}

void vpl011_init(struct domain *d)
{
	struct vpl011 *u = &d->vpl011;

	spin_lock_init(&u->lock, LOCK_VPL011);
	u->enabled = true;
	u->ris = INT_TX; /* transmit always has room */
	mmio_register(&d->mmio, d->layout.uart_base, GUEST_PL011_SIZE,
		      vpl011_mmio, u);
}

int vpl011_init_ring(struct domain *d, uint64_t gfn, uint16_t backend, uint32_t *port)
{
	struct vpl011 *u = &d->vpl011;
	uint64_t pa;
	long p;

	if (u->enabled)
		return -XEN_EEXIST;
	/* One of the domain's own pages, which it keeps until it dies: the
	 * hypervisor may write there whatever the guest maps meanwhile. */
	pa = domain_gfn_to_own_page(d, gfn);
	if (!pa)
		return -XEN_EINVAL;
	p = evtchn_alloc_xen_port(&d->evtchn, backend);
	if (p < 0)
		return (int)p;
	spin_lock_init(&u->lock, LOCK_VPL011);
	u->ring = (volatile uint8_t *)(uintptr_t)pa;
	u->port = (uint32_t)p;
	u->ris = INT_TX;
	u->enabled = true;
	mmio_register(&d->mmio, d->layout.uart_base, GUEST_PL011_SIZE, vpl011_mmio, u);
	*port = (uint32_t)p;
	return 0;
}

void vpl011_ring_event(struct domain *d)
{
	struct vpl011 *u = &d->vpl011;

	if (!u->enabled || !u->ring)
		return;
	spin_lock(&u->lock);
	if (ring_in_queued(u))
		u->ris |= INT_RX | INT_RT;
	update_irq(d, u);
	spin_unlock(&u->lock);
}

void vpl011_flush(struct domain *d)
{
	struct vpl011 *u = &d->vpl011;

	if (!u->enabled)
		return;
	spin_lock(&u->lock);
	if (u->line_len && !u->ring) {
		console_domain_line(d, u->line, u->line_len);
		u->line_len = 0;
	}
	spin_unlock(&u->lock);
}

bool vpl011_rx(struct domain *d, char c)
{
	struct vpl011 *u = &d->vpl011;
	bool ok = false;

	if (!u->enabled || u->ring)
		return false;   /* its input comes from its backend */
	spin_lock(&u->lock);
	if (u->rx_count < VPL011_RX_FIFO) {
		u->rx[(u->rx_head + u->rx_count) % VPL011_RX_FIFO] = c;
		u->rx_count++;
		u->ris |= INT_RX | INT_RT;
		ok = true;
	}
	update_irq(d, u);
	spin_unlock(&u->lock);
	return ok;
}
