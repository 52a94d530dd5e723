/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor command line (/chosen xen,xen-bootargs), read the way Xen
 * reads its own: space-separated "name" or "name=value" options; unknown
 * options are ignored (a Xen command line boots Xenith unchanged).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Boolean option: "name", "name=1|yes|on|true|enable" -> true,
 * "no-name", "name=0|no|off|false|disable" -> false; the last occurrence
 * wins; dflt if absent or unparsable. args may be NULL. */
bool cmdline_bool(const char *args, const char *name, bool dflt);

/* String option "name=value": copies the value of the last occurrence
 * into buf (len bytes, always NUL-terminated, cut short if it does not
 * fit) and returns its full length; -1 if absent ("name" alone is
 * absent too: a string option needs "="). args may be NULL. */
int cmdline_str(const char *args, const char *name, char *buf, size_t len);
