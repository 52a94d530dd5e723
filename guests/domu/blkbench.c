// SPDX-License-Identifier: MIT
/*
 * blkbench DEVICE: the block rows of `make bench`, run in an xl-created
 * Linux domU on its one disk (xen-blkfront's xvda or virtio-blk's vda,
 * both on the same file of dom0). O_DIRECT, so every request crosses to
 * the backend and back, never the guest's page cache:
 *   - 4 KiB random reads: RAND_OPS requests at the same pseudo-random
 *     4 KiB-aligned offsets in every run, each timed alone (the median
 *     and the mean, ns);
 *   - sequential reads and writes of SPAN bytes in 1 MiB requests
 *     (MiB/s).
 * The span is read once first, so that dom0 serves every request from
 * its page cache in every run. Times are CLOCK_MONOTONIC: virtual ns
 * under QEMU's -icount. One line: "BLKBENCH dev=... key=value ...".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define RAND_OPS 400
#define BIG      (1U << 20)
#define SPAN_MAX (16U << 20)

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One pass over [0, span) in 1 MiB requests: its ns, or 0 on an error
 * (printed). */
static uint64_t pass(int fd, void *buf, uint64_t span, int write_it)
{
	uint64_t t0 = now_ns();

	for (uint64_t off = 0; off < span; off += BIG) {
		ssize_t n = write_it ? pwrite(fd, buf, BIG, (off_t)off) : pread(fd, buf, BIG, (off_t)off);

		if (n != (ssize_t)BIG) {
			printf("blkbench: %s of 1 MiB at %llu: %zd (%m)\n", write_it ? "write" : "read",
			       (unsigned long long)off, n);
			return 0;
		}
	}
	return now_ns() - t0;
}

static double mibs(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 1e9 / (double)ns / (1 << 20) : 0;
}

int main(int argc, char **argv)
{
	static uint64_t lat[RAND_OPS];
	uint64_t size = 0, span, sum = 0, seq_r, seq_w, x = 0x2545F4914F6CDD1DULL;
	const char *dev = argc > 1 ? argv[1] : "/dev/xvda";
	void *buf;
	int fd = open(dev, O_RDWR | O_DIRECT);

	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) || posix_memalign(&buf, 4096, BIG)) {
		printf("BLKBENCH-FAILED dev=%s: cannot open it for direct I/O: %m\n", dev);
		return 1;
	}
	span = size < SPAN_MAX ? size & ~(uint64_t)(BIG - 1) : SPAN_MAX;
	if (!span || !pass(fd, buf, span, 0)) {
		printf("BLKBENCH-FAILED dev=%s: the first pass over %llu bytes failed\n", dev,
		       (unsigned long long)span);
		return 1;
	}
	for (unsigned int i = 0; i < RAND_OPS; i++) {
		uint64_t t0;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;   /* xorshift64 */
		t0 = now_ns();
		if (pread(fd, buf, 4096, (off_t)((x % (span / 4096)) * 4096)) != 4096) {
			printf("BLKBENCH-FAILED dev=%s: a 4 KiB read failed\n", dev);
			return 1;
		}
		lat[i] = now_ns() - t0;
		sum += lat[i];
	}
	qsort(lat, RAND_OPS, sizeof(lat[0]), cmp_u64);
	seq_r = pass(fd, buf, span, 0);
	memset(buf, 0x5a, BIG);
	seq_w = pass(fd, buf, span, 1);
	if (!seq_r || !seq_w || fdatasync(fd)) {
		printf("BLKBENCH-FAILED dev=%s: a sequential pass failed\n", dev);
		return 1;
	}
	printf("BLKBENCH dev=%s span=%llu rand4k_ops=%u rand4k_median_ns=%llu rand4k_mean_ns=%llu "
	       "seq_read_mibs=%.1f seq_write_mibs=%.1f\n", dev, (unsigned long long)span,
	       RAND_OPS, (unsigned long long)lat[RAND_OPS / 2],
	       (unsigned long long)(sum / RAND_OPS), mibs(span, seq_r), mibs(span, seq_w));
	return 0;
}
