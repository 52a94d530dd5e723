/* SPDX-License-Identifier: MIT */
/* Room for config_parse's domain configurations in host programs (the
 * hypervisor sizes it from the device tree; a test's trees are small). */
#pragma once

#include <xenith/config.h>

#define TEST_DOMAINS 256

static struct domain_config test_dom_storage[TEST_DOMAINS];

static inline struct system_config *with_storage(struct system_config *c)
{
	c->dom = test_dom_storage;
	c->dom_cap = TEST_DOMAINS;
	return c;
}
