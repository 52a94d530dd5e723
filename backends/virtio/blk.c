// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio 1.x, section 5.2) on a file or block device of
 * dom0: read, write, flush and get-id requests, done synchronously when
 * the driver notifies. A request that points outside the guest's RAM,
 * past the end of the disk, or writes to a read-only disk gets the
 * error status; one whose chain is malformed breaks the device (the
 * driver must reset it).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

#include "vbe.h"

#define T_IN     0
#define T_OUT    1
#define T_FLUSH  4
#define T_GET_ID 8
#define S_OK     0
#define S_IOERR  1
#define S_UNSUPP 2

#define F_SEG_MAX  (1ULL << 2)
#define F_RO       (1ULL << 5)
#define F_BLK_SIZE (1ULL << 6)
#define F_FLUSH    (1ULL << 9)
#define SEG_MAX    (VQ_MAX_CHAIN - 2)
#define MAX_BUF    (1U << 20)

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

static int blk_open(struct vdev *d, const char *path, bool readonly)
{
	struct stat st;
	uint64_t bytes;

	d->fd = open(path, readonly ? O_RDONLY : O_RDWR);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		vlog("%s: cannot open %s: %m", d->name, path);
		if (d->fd >= 0)
			close(d->fd);
		return -1;
	}
	bytes = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(d->fd, BLKGETSIZE64, &bytes))
		bytes = 0;
	d->readonly = readonly;
	d->extra_features = readonly ? F_RO : 0;
	d->sectors = bytes / 512;
	snprintf(d->path, sizeof(d->path), "%s", path);
	snprintf(d->what, sizeof(d->what), "%s (%llu sectors%s)", path,
		 (unsigned long long)d->sectors, readonly ? ", read-only" : "");
	return 0;
}

static void blk_close(struct vdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static uint64_t config_read(struct vdev *d, uint64_t off, unsigned int size)
{
	uint8_t cfg[24] = { 0 };
	uint32_t seg = SEG_MAX, blk = 512;
	uint64_t v = 0;

	memcpy(&cfg[0], &d->sectors, 8);
	memcpy(&cfg[12], &seg, 4);
	memcpy(&cfg[20], &blk, 4);
	if (off + size <= sizeof(cfg))
		memcpy(&v, &cfg[off], size);
	return v;
}

/* Data moves between the disk at *pos and one buffer of the chain. */
static int move(struct vdev *d, const struct vq_buf *b, uint32_t type, uint64_t *pos)
{
	void *tmp;
	int rc = -1;

	if (b->len > MAX_BUF || *pos + b->len > d->sectors * 512 ||
	    b->write != (type == T_IN))
		return -1;
	tmp = malloc(b->len ? b->len : 1);
	if (!tmp)
		return -1;
	if (type == T_IN)
		rc = pread(d->fd, tmp, b->len, (off_t)*pos) == (ssize_t)b->len &&
		     !gmem_write(&d->mem, b->gpa, tmp, b->len) ? 0 : -1;
	else
		rc = !gmem_read(&d->mem, b->gpa, tmp, b->len) &&
		     pwrite(d->fd, tmp, b->len, (off_t)*pos) == (ssize_t)b->len ? 0 : -1;
	free(tmp);
	*pos += b->len;
	return rc;
}

/* One request: its status, and the bytes it wrote into the chain. */
static uint8_t request(struct vdev *d, const struct vq_chain *c, const struct blk_hdr *h,
		       uint32_t *written)
{
	uint64_t pos = h->sector * 512;
	char id[20] = { 0 };

	switch (h->type) {
	case T_IN:
	case T_OUT:
		if (h->type == T_OUT && d->readonly)
			return S_IOERR;
		if (h->sector > d->sectors)
			return S_IOERR;
		for (unsigned int i = 1; i + 1 < c->n; i++) {
			if (move(d, &c->buf[i], h->type, &pos))
				return S_IOERR;
			if (h->type == T_IN)
				*written += c->buf[i].len;
		}
		return S_OK;
	case T_FLUSH:
		return fdatasync(d->fd) ? S_IOERR : S_OK;
	case T_GET_ID:
		snprintf(id, sizeof(id), "xenith-vd-%u", d->devid);
		if (c->n < 3 || !c->buf[1].write ||
		    gmem_write(&d->mem, c->buf[1].gpa, id, c->buf[1].len < 20 ? c->buf[1].len : 20))
			return S_IOERR;
		*written += c->buf[1].len < 20 ? c->buf[1].len : 20;
		return S_OK;
	default:
		return S_UNSUPP;
	}
}

/* One request: done, its status byte written. */
static int64_t serve_one(struct vdev *d, const struct vq_chain *c)
{
	const struct vq_buf *st = &c->buf[c->n - 1];
	struct blk_hdr h;
	uint32_t written = 0;
	uint8_t status;

	if (c->n < 2 || c->buf[0].write || c->buf[0].len < sizeof(h) || !st->write || !st->len ||
	    gmem_read(&d->mem, c->buf[0].gpa, &h, sizeof(h))) {
		vdev_needs_reset(d, "request without a readable header and a status byte");
		return -1;
	}
	status = request(d, c, &h, &written);
	if (status != S_OK && verbose)
		vlog("%s: request type %u sector %llu: status %u", d->name, h.type,
		     (unsigned long long)h.sector, status);
	if (gmem_write(&d->mem, st->gpa + st->len - 1, &status, 1)) {
		vdev_needs_reset(d, "status byte outside guest RAM");
		return -1;
	}
	return written + 1;
}

static void notify(struct vdev *d, unsigned int qi)
{
	vdev_serve(d, &d->q[qi], serve_one, NULL);
}

const struct vdev_ops blk_ops = {
	.kind = "virtio-blk",
	.device_id = 2,
	.features = F_SEG_MAX | F_BLK_SIZE | F_FLUSH,
	.nr_queues = 1,
	.config_read = config_read,
	.notify = notify,
	.open = blk_open,
	.close = blk_close,
};
