/* SPDX-License-Identifier: MIT */
/*
 * Forced into every hypervisor object (-include): all symbols are local to
 * the one image, so declarations are hidden too and the PIE build calls
 * and addresses them PC-relative instead of through the GOT.
 */
#pragma GCC visibility push(hidden)
