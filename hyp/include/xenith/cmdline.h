/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor command line (/chosen xen,xen-bootargs), read the way Xen
 * reads its own: space-separated "name" or "name=value" options; unknown
 * options are ignored (a Xen command line boots Xenith unchanged).
 */
#pragma once

#include <stdbool.h>

/* Boolean option: "name", "name=1|yes|on|true|enable" -> true,
 * "no-name", "name=0|no|off|false|disable" -> false; the last occurrence
 * wins; dflt if absent or unparsable. args may be NULL. */
bool cmdline_bool(const char *args, const char *name, bool dflt);
