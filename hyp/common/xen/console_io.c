// SPDX-License-Identifier: MIT
/*
 * console_io: Xen lets every dom0less domU write to the hypervisor
 * console (earlycon=xenboot). Output is line-buffered per domain and
 * printed with the domain's prefix, like its vpl011 output. Every vCPU of
 * the domain may write at once: the line buffer is under d->conio_lock,
 * and the guest's bytes are copied in before the lock is taken.
 */
#include <public/xen_abi.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/arch-api.h>
#include <xenith/xen_ops.h>
#include <xenith/assert.h>
#include <xenith/evtchn.h>
#include <public/event_channel.h>

#define CHUNK 128

/* Printable ASCII, tab and newline reach the console; anything else (a
 * terminal escape sequence, say) is dropped, as Xen does for domUs. */
static bool printable(char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n';
}

static void put_char(struct domain *d, char c)
{
	ASSERT_LOCKED(&d->conio_lock);
	if (!printable(c))
		return;
	d->conio_line[d->conio_len++] = c;
	if (c == '\n' || d->conio_len == CONIO_LINE_MAX) {
		console_domain_line(d, d->conio_line, d->conio_len);
		d->conio_len = 0;
	}
}

/* Chunks written per call before the rest continues: 2 KiB, so a guest
 * asking for 4 GiB holds its CPU (and the console) for short turns. */
#define CHUNKS_PER_CALL 16

static int64_t conio_write(struct vcpu *v, uint64_t args[2])
{
	uint32_t count = (uint32_t)args[0];
	uint64_t buf = args[1];
	char tmp[CHUNK];

	for (unsigned int chunks = 0; count; chunks++) {
		unsigned n = count < CHUNK ? count : CHUNK;

		if (chunks == CHUNKS_PER_CALL) {
			args[0] = count;
			args[1] = buf;
			arch_hypercall_continue();
			return CONSOLEIO_write; /* x0 keeps the command */
		}
		if (copy_from_guest(tmp, buf, n))
			return -XEN_EFAULT;
		spin_lock(&v->dom->conio_lock);
		for (unsigned i = 0; i < n; i++)
			put_char(v->dom, tmp[i]);
		spin_unlock(&v->dom->conio_lock);
		buf += n;
		count -= n;
	}
	return 0;
}

/*
 * dom0's console input (its hvc0), as on Xen: characters typed while dom0
 * has the input focus wait in a ring, VIRQ_CONSOLE tells dom0, and it
 * fetches them with CONSOLEIO_read. The ring is written from the UART's
 * interrupt and read by any vCPU of dom0: under conin_lock (a leaf).
 */
#define CONIN_SIZE 1024   /* a power of two */

static struct {
	spinlock_t lock;
	char buf[CONIN_SIZE];
	uint32_t prod, cons;  /* free-running */
} conin = { .lock = SPINLOCK_INIT_RANK(LOCK_CONIN) };

void conio_input(struct domain *d, char c)
{
	spin_lock(&conin.lock);
	/* Full: the oldest character goes, as Xen's serial_rx_ring does. */
	if (conin.prod - conin.cons == CONIN_SIZE)
		conin.cons++;
	conin.buf[conin.prod++ % CONIN_SIZE] = c;
	spin_unlock(&conin.lock);
	evtchn_send_virq(&d->evtchn, 0, VIRQ_CONSOLE);
}

static int64_t conio_read(struct vcpu *v, uint64_t args[2])
{
	uint32_t count = (uint32_t)args[0];
	char tmp[CHUNK];
	uint32_t n = 0;

	/* Only the control domain has the hypervisor's console input. */
	if (!v->dom->is_control)
		return 0;
	spin_lock(&conin.lock);
	while (n < count && n < CHUNK && conin.cons != conin.prod)
		tmp[n++] = conin.buf[conin.cons++ % CONIN_SIZE];
	spin_unlock(&conin.lock);
	/* Characters taken are the guest's even if its buffer faults: as on
	 * Xen, they are not put back. */
	if (n && copy_to_guest(args[1], tmp, n))
		return -XEN_EFAULT;
	return n;
}

/* count is 32 bits wide in Xen's prototype: 2^62 writes nothing. */
int64_t do_console_io(struct vcpu *v, unsigned int cmd, uint64_t args[2])
{
	switch (cmd) {
	case CONSOLEIO_write: return conio_write(v, args);
	case CONSOLEIO_read:  return conio_read(v, args);
	default:              return -XEN_ENOSYS;
	}
}
