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

static void test_string_options(void)
{
	char buf[8];

	CHECK_EQ(cmdline_str(NULL, "sched", buf, sizeof(buf)), -1);
	CHECK_EQ(cmdline_str("", "sched", buf, sizeof(buf)), -1);
	CHECK_EQ(cmdline_str("console=dtuart sched=null", "sched", buf, sizeof(buf)), 4);
	CHECK_STR(buf, "null");
	CHECK_EQ(cmdline_str("  sched=rtds  bootscrub=0", "sched", buf, sizeof(buf)), 4);
	CHECK_STR(buf, "rtds");
	/* The last occurrence wins, as in Xen. */
	CHECK_EQ(cmdline_str("sched=null sched=credit2", "sched", buf, sizeof(buf)), 7);
	CHECK_STR(buf, "credit2");
	/* Cut to the buffer, always terminated; the length is the whole value. */
	CHECK_EQ(cmdline_str("sched=arinc653x", "sched", buf, sizeof(buf)), 9);
	CHECK_STR(buf, "arinc65");
	CHECK_EQ(cmdline_str("sched=", "sched", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	CHECK_EQ(cmdline_str("sched=null", "sched", NULL, 0), 4);
	/* Not this option: no '=', another name, a longer name. */
	CHECK_EQ(cmdline_str("sched", "sched", buf, sizeof(buf)), -1);
	CHECK_EQ(cmdline_str("xsched=null", "sched", buf, sizeof(buf)), -1);
	CHECK_EQ(cmdline_str("sched_ratelimit_us=10", "sched", buf, sizeof(buf)), -1);
}

int main(void)
{
	RUN(test_bool_options);
	RUN(test_string_options);
	return check_done("test_cmdline");
}
