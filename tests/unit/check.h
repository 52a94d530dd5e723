/* SPDX-License-Identifier: MIT */
/*
 * A very small unit-test framework for the host tests.
 *
 * A test case is one test function, RUN(fn), or one named case of a
 * table-driven test, CASE("name", statement); it passes when none of its
 * checks failed. Every CHECK* counts as one check; a failed one prints
 * file:line and the values, and the program carries on so one run shows
 * every failure. Fuzz loops add the inputs they tried to fuzz_runs.
 * check_done() prints "<name>: P passed, F failed" (test cases) with the
 * check and fuzz counts, and a machine-readable line
 * "#RESULT <cases passed> <cases failed> <checks passed> <checks failed>
 * <fuzz runs>" that tests/unit/Makefile adds up.
 */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;
static int case_passed, case_failed;
static int case_failed_checks;        /* failed checks inside cases */
static unsigned long fuzz_runs;       /* random or mutated inputs tried */

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

static inline void case_end(const char *name, int failed_before)
{
	int failed = check_failed - failed_before;

	case_failed_checks += failed;
	if (failed) {
		case_failed++;
		fprintf(stderr, "FAIL %s (%d checks failed)\n", name, failed);
	} else {
		case_passed++;
	}
}

/* One test case: `stmt` and the checks it makes. */
#define CASE(name, stmt)                                                   \
	do {                                                               \
		int failed_before_ = check_failed;                         \
		stmt;                                                      \
		case_end((name), failed_before_);                          \
	} while (0)

#define RUN(fn) CASE(#fn, fn())

static inline int check_done(const char *name)
{
	/* A check that failed outside any case fails one more. */
	if (check_failed > case_failed_checks)
		case_end("(checks outside a test case)", case_failed_checks);
	printf("%s: %d passed, %d failed (%d checks, %d failed; %lu fuzz runs)\n",
	       name, case_passed, case_failed, check_passed + check_failed,
	       check_failed, fuzz_runs);
	printf("#RESULT %d %d %d %d %lu\n", case_passed, case_failed,
	       check_passed, check_failed, fuzz_runs);
	return case_failed ? 1 : 0;
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
