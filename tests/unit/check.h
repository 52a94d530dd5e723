/* SPDX-License-Identifier: MIT */
/*
 * A very small unit-test framework for the host tests.
 *
 * Every CHECK* counts as one check; a failed one prints file:line and the
 * values, and the program carries on so one run shows every failure.
 * check_done() prints "<name>: P passed, F failed" and a machine-readable
 * "#RESULT P F" line that tests/unit/Makefile adds up (the totals it
 * prints count CHECKs, not test functions).
 */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

static inline bool check_report(bool ok, const char *file, int line,
				const char *what)
{
	if (ok) {
		check_passed++;
	} else {
		check_failed++;
		fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
	}
	return ok;
}

#define CHECK(cond) check_report(!!(cond), __FILE__, __LINE__, #cond)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		uint64_t va_ = (uint64_t)(a), vb_ = (uint64_t)(b);         \
		if (!check_report(va_ == vb_, __FILE__, __LINE__,          \
				  #a " == " #b))                           \
			fprintf(stderr, "    %#" PRIx64 " (%" PRId64       \
				") != %#" PRIx64 " (%" PRId64 ")\n",       \
				va_, (int64_t)va_, vb_, (int64_t)vb_);     \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *sa_ = (a), *sb_ = (b);                         \
		bool ok_ = sa_ && sb_ && strcmp(sa_, sb_) == 0;            \
		if (!check_report(ok_, __FILE__, __LINE__, #a " == " #b))  \
			fprintf(stderr, "    \"%s\"\n != \"%s\"\n",        \
				sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
	} while (0)

/* The message names the node and property: checks a substring. */
#define CHECK_CONTAINS(hay, needle)                                        \
	do {                                                               \
		const char *sh_ = (hay), *sn_ = (needle);                  \
		bool ok_ = sh_ && strstr(sh_, sn_) != NULL;                \
		if (!check_report(ok_, __FILE__, __LINE__,                 \
				  #hay " contains " #needle))              \
			fprintf(stderr, "    \"%s\"\n    lacks \"%s\"\n",  \
				sh_ ? sh_ : "(null)", sn_);                \
	} while (0)

static inline int check_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
	printf("#RESULT %d %d\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#ifndef DTB_DIR
#define DTB_DIR "."
#endif

/* Reads DTB_DIR/<name>.dtb into a malloc'd buffer with `slack` spare
 * bytes (for libfdt edits); exits if it is missing. */
static inline void *load_dtb(const char *name, size_t slack, size_t *size)
{
	char path[512];
	FILE *f;
	long n;
	void *buf;

	snprintf(path, sizeof(path), "%s/%s.dtb", DTB_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + slack);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: read failed\n", path);
		exit(2);
	}
	fclose(f);
	if (size)
		*size = (size_t)n;
	return buf;
}
