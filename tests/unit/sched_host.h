/* SPDX-License-Identifier: MIT */
/*
 * Forced into common/sched/core.c when it is built for the host tests
 * (-include). core.c spins with the Arm "yield" hint while it waits for
 * another CPU to save a vCPU's context; the host assembler has no such
 * instruction, so on x86 it becomes an assembler macro for pause (an
 * Arm host has the real one).
 * GCC emits top-level asm ahead of the functions, so the macro is
 * defined before its use. The tests never reach that loop.
 */
#pragma once

#if defined(__x86_64__) || defined(__i386__)
__asm__(".macro yield\n\tpause\n.endm");
#endif
