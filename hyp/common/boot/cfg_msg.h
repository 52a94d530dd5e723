/* SPDX-License-Identifier: MIT */
/*
 * Private helpers of common/boot: the one-line error format shared by
 * host_parse, config_parse and config_validate,
 *   "<node path>: <property>: <what is wrong>",
 * and small device-tree predicates they all need.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <xenith/config.h>
#include <xenith/fdt.h>
#include <xenith/lib.h>

/* Writes "<path>: <prop>: <message>" into err (if any); returns -1. */
static inline __attribute__((format(printf, 5, 6)))
int cfg_fail(char *err, size_t errlen, const char *path, const char *prop,
	     const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return -1;
	n = snprintf(err, errlen, "%s: %s: ", path, prop);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Full path of `node` for messages; "?" if it cannot be built. */
static inline const char *cfg_path(const void *fdt, int node, char *buf,
				   size_t len)
{
	if (dt_get_path(fdt, node, buf, len) < 0)
		return "?";
	return buf;
}

/* True if the node is compatible with one of list[0..n) (n <= 32). */
static inline bool cfg_compatible_any(const void *fdt, int node, const char *const *list,
				      size_t n)
{
	int len;
	const char *c = dt_prop(fdt, node, "compatible", &len);

	return c && len > 0 && dt_list_match(c, len, list, (int)n) != 0;
}

/* DT spec: a node is usable unless its "status" says otherwise. */
static inline bool cfg_node_enabled(const void *fdt, int node)
{
	const char *s = dt_prop_str(fdt, node, "status");

	return !s || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

/* Half-open ranges [a, a + as) and [b, b + bs) intersect. Written with
 * differences so that a range reaching the top of memory cannot wrap. */
static inline bool cfg_overlap(uint64_t a, uint64_t as, uint64_t b,
			       uint64_t bs)
{
	if (!as || !bs)
		return false;
	return a >= b ? a - b < bs : b - a < as;
}

/* [base, base + size) lies inside one of the n banks. */
static inline bool cfg_inside_one_bank(const struct mem_bank *banks, int n,
				       uint64_t base, uint64_t size)
{
	for (int i = 0; i < n; i++)
		if (base >= banks[i].base && base - banks[i].base <= banks[i].size &&
		    size <= banks[i].size - (base - banks[i].base))
			return true;
	return false;
}

/*
 * #address-cells / #size-cells for the children of `node`. Xen reads
 * them from the nearest ancestor that has them (bootfdt.c), not only from
 * the parent, so a node without them inherits its parent's.
 */
static inline uint32_t cfg_cells(const void *fdt, int node, const char *prop,
				 uint32_t dflt)
{
	uint32_t v;

	for (int n = node; n >= 0; n = dt_parent(fdt, n))
		if (dt_prop_u32(fdt, n, prop, &v))
			return v;
	return dflt;
}
