// SPDX-License-Identifier: MIT
/* Host tests of the hypervisor command-line reader (common/cmdline.c). */
#include <xenith/cmdline.h>
#include "check.h"

static void test_bool_options(void)
{
	CHECK(cmdline_bool(NULL, "bootscrub", true));
	CHECK(!cmdline_bool(NULL, "bootscrub", false));
	CHECK(cmdline_bool("", "bootscrub", true));
	CHECK(!cmdline_bool("bootscrub=off", "bootscrub", true));
	CHECK(!cmdline_bool("console=dtuart bootscrub=0 sync_console", "bootscrub", true));
	CHECK(!cmdline_bool("  no-bootscrub ", "bootscrub", true));
	CHECK(cmdline_bool("bootscrub", "bootscrub", false));
	CHECK(cmdline_bool("bootscrub=yes", "bootscrub", false));
	CHECK(cmdline_bool("bootscrub=off bootscrub=on", "bootscrub", false)); /* last wins */
	CHECK(cmdline_bool("bootscrub=idle", "bootscrub", true)); /* not a boolean: default */
	CHECK(cmdline_bool("bootscrubber=off", "bootscrub", true)); /* other option */
	CHECK(cmdline_bool("xbootscrub=off", "bootscrub", true));
	CHECK(cmdline_bool("bootscrub=", "bootscrub", true));
}

int main(void)
{
	RUN(test_bool_options);
	return check_done("test_cmdline");
}
