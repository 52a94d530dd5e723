// SPDX-License-Identifier: MIT
/*
 * Runtime parts that guests/Makefile's RT_SRCS list does not name yet
 * (the GICv3 driver and the MMU setup). They belong to the runtime and
 * live in guests/rt/; this file only gets them built into the testguest,
 * whose sources are picked up by wildcard. Once RT_SRCS lists rt/gic.c
 * and rt/mmu.c, delete this file.
 */
#include "../rt/gic.c"
#include "../rt/mmu.c"
