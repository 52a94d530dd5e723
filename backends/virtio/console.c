// SPDX-License-Identifier: MIT
/*
 * virtio-console (virtio 1.x, section 5.3) with one port and no feature
 * bits: queue 0 carries input to the guest, queue 1 its output. The
 * guest's side is a pty in this domain; whoever opens its slave talks to
 * the guest's hvc console (the daemon logs the slave's name), and the
 * guest's output is also appended to a log file when one is given, the
 * way xenconsoled keeps a guest log. Nobody has to listen: output that
 * the pty cannot take is dropped there (never in the log), and input
 * waits for the guest's receive buffers, so the guest is never blocked
 * by an absent reader.
 */
#define _GNU_SOURCE   /* posix_openpt, ptsname, cfmakeraw */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vbe.h"

#define Q_RX 0
#define Q_TX 1
#define MAX_OUT 4096   /* one output buffer copied at a time */
#define MAX_CHAIN_OUT (64U << 10)   /* of one chain: the rest is dropped */

static int console_open(struct vdev *d, const char *log, bool readonly)
{
	struct termios t;
	const char *slave;

	(void)readonly;
	d->pty = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (d->pty < 0 || grantpt(d->pty) || unlockpt(d->pty) || !(slave = ptsname(d->pty)))
		goto fail;
	/* Held open so that the master never reads as hung up while no user
	 * has the slave; raw, so bytes pass unchanged both ways. */
	d->pty_slave = open(slave, O_RDWR | O_NOCTTY);
	if (d->pty_slave < 0 || tcgetattr(d->pty_slave, &t))
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(d->pty_slave, TCSANOW, &t))
		goto fail;
	if (log && *log && (d->logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0640)) < 0) {
		vlog("%s: cannot open the log %s: %m", d->name, log);
		goto close;
	}
	snprintf(d->what, sizeof(d->what), "pty %s%s%s", slave, log && *log ? ", log " : "",
		 log && *log ? log : "");
	return 0;
fail:
	vlog("%s: cannot make a pty: %m", d->name);
close:
	d->ops->close(d);
	return -1;
}

static void console_close(struct vdev *d)
{
	int *fds[] = { &d->pty, &d->pty_slave, &d->logfd };

	for (unsigned int i = 0; i < 3; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* cols, rows, max_nr_ports, emerg_wr: none offered (no feature bits), all 0. */
static uint64_t config_read(struct vdev *d, uint64_t off, unsigned int size)
{
	(void)d, (void)off, (void)size;
	return 0;
}

static bool has_input(const struct vdev *d)
{
	return d->in_len && d->q[Q_RX].ready && d->q[Q_RX].num;
}

/* Held input into one of the guest's receive buffers. */
static int64_t deliver_one(struct vdev *d, const struct vq_chain *c)
{
	const struct vq_buf *b = &c->buf[0];
	size_t n = d->in_len < b->len ? d->in_len : b->len;

	if (!b->write || gmem_write(&d->mem, b->gpa, d->in, n)) {
		vdev_needs_reset(d, "receive buffer not device-writable guest memory");
		return -1;
	}
	memmove(d->in, d->in + n, d->in_len - n);
	d->in_len -= n;
	return (int64_t)n;
}

/* The guest's output: every device-readable buffer of a chain. A guest
 * sets its buffers' lengths: one chain moves 64 KiB at most, so that no
 * notify holds the daemon (and the other guests' devices) or fills the
 * log beyond that. */
static int64_t transmit_one(struct vdev *d, const struct vq_chain *c)
{
	static char buf[MAX_OUT];
	uint32_t budget = MAX_CHAIN_OUT;

	for (unsigned int i = 0; i < c->n; i++) {
		const struct vq_buf *b = &c->buf[i];
		uint32_t len = b->len < budget ? b->len : budget;

		budget -= b->write ? 0 : len;
		for (uint32_t done = 0; !b->write && done < len;) {
			uint32_t n = len - done < MAX_OUT ? len - done : MAX_OUT;

			if (gmem_read(&d->mem, b->gpa + done, buf, n)) {
				vdev_needs_reset(d, "transmit buffer outside guest memory");
				return -1;
			}
			if (d->logfd >= 0 && write(d->logfd, buf, n) != (ssize_t)n)
				vlog("%s: log write failed: %m", d->name);
			if (write(d->pty, buf, n) < 0 && errno != EAGAIN && verbose)
				vlog("%s: pty write failed: %m", d->name);
			done += n;
		}
	}
	return 0;
}

static void notify(struct vdev *d, unsigned int qi)
{
	if (qi == Q_TX)
		vdev_serve(d, &d->q[Q_TX], transmit_one, NULL);
	else   /* new receive buffers: held input may go now */
		vdev_serve(d, &d->q[Q_RX], deliver_one, has_input);
}

/* Read the pty only when the held input is gone: a guest that gives no
 * receive buffers leaves the rest in the pty, not in our memory. */
static int poll_fd(struct vdev *d)
{
	return d->in_len ? -1 : d->pty;
}

static void on_input(struct vdev *d)
{
	ssize_t n = read(d->pty, d->in, sizeof(d->in));

	if (n > 0) {
		d->in_len = (size_t)n;
		vdev_serve(d, &d->q[Q_RX], deliver_one, has_input);
	}
}

const struct vdev_ops console_ops = {
	.kind = "virtio-console",
	.device_id = 3,
	.features = 0,
	.nr_queues = 2,
	.config_read = config_read,
	.notify = notify,
	.open = console_open,
	.close = console_close,
	.poll_fd = poll_fd,
	.on_input = on_input,
};
