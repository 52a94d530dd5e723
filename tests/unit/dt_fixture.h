/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the tests that edit real trees with libfdt before
 * handing them to the code under test.
 */
#pragma once

#include <libfdt.h>
#include "check.h"

#define SLACK 8192

/* A test tree loaded with SLACK spare bytes, open for libfdt edits. */
static inline void *editable(const char *name)
{
	size_t size;
	void *fdt = load_dtb(name, SLACK, &size);

	if (fdt_open_into(fdt, fdt, (int)(size + SLACK))) {
		fprintf(stderr, "fdt_open_into failed\n");
		exit(2);
	}
	return fdt;
}

/* Offset of the node at path; the test stops if it is missing. */
static inline int node(void *fdt, const char *path)
{
	int n = fdt_path_offset(fdt, path);

	if (n < 0) {
		fprintf(stderr, "no node %s\n", path);
		exit(2);
	}
	return n;
}
