/* SPDX-License-Identifier: MIT */
/*
 * ASSERT(cond): checked in debug builds (make DEBUG=1), where a false
 * condition panics with its text and place; compiled out otherwise.
 * ASSERT_LOCKED(l): the calling CPU holds spinlock l (state it protects
 * is about to change).
 */
#pragma once

#include <xenith/console.h>

#ifdef XENITH_DEBUG
#define ASSERT(cond)                                                       \
	do {                                                               \
		if (!(cond))                                               \
			panic("assertion '%s' failed at %s:%d", #cond,     \
			      __FILE__, __LINE__);                         \
	} while (0)
#else
#define ASSERT(cond) do { (void)sizeof(!(cond)); } while (0)
#endif

#define ASSERT_LOCKED(l) ASSERT(spin_held(l))
