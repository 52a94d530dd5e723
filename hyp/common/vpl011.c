// SPDX-License-Identifier: MIT
/*
 * vPL011: the SBSA UART subset Xen 4.17 emulates for dom0less guests,
 * with the hypervisor console as its backend. Transmit never blocks (each
 * byte goes into the domain's line buffer, printed a line at a time); the
 * receive FIFO is filled by the console multiplexer.
 */
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/lib.h>
#include <xenith/assert.h>
#include <xenith/vpl011.h>

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

static void tx_byte(struct domain *d, struct vpl011 *u, char c)
{
	ASSERT_LOCKED(&u->lock);
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

void vpl011_flush(struct domain *d)
{
	struct vpl011 *u = &d->vpl011;

	if (!u->enabled)
		return;
	spin_lock(&u->lock);
	if (u->line_len) {
		console_domain_line(d, u->line, u->line_len);
		u->line_len = 0;
	}
	spin_unlock(&u->lock);
}

bool vpl011_rx(struct domain *d, char c)
{
	struct vpl011 *u = &d->vpl011;
	bool ok = false;

	if (!u->enabled)
		return false;
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
