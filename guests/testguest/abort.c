// SPDX-License-Identifier: MIT
/* abort: stores outside guest RAM (not a device either); each must come
 * back as a data abort, after which the guest keeps ticking. */
#include "tg.h"

void mode_abort(void)
{
	uint64_t base, end;
	if (!ram_info(&base, &end)) {
		say("no memory node");
		end = 0x40000000 + 0x8000000;
	}
	const uint64_t addrs[] = { 0x10000000, end + 0x100000 };
	say("writing outside RAM");
	for (unsigned i = 0; i < ARRAY_LEN(addrs); i++) {
		struct fault_record r;
		if (try_store32(addrs[i], 0x5a5a5a5a, &r))
			say("store to %#llx faulted as expected",
			    (unsigned long long)addrs[i]);
		else
			say("store to %#llx did NOT fault",
			    (unsigned long long)addrs[i]);
	}
}
