// SPDX-License-Identifier: MIT
/*
 * common/lib: vsnprintf/snprintf and the string functions, compared with
 * the host C library. The hypervisor's versions are compiled into this
 * program under x_ names (see the Makefile) so both can be called.
 */
#include <stdarg.h>
#include <stddef.h>

#include "check.h"

int x_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int x_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void *x_memcpy(void *dst, const void *src, size_t n);
void *x_memmove(void *dst, const void *src, size_t n);
void *x_memset(void *dst, int c, size_t n);
int x_memcmp(const void *a, const void *b, size_t n);
size_t x_strlen(const char *s);
size_t x_strnlen(const char *s, size_t max);
int x_strcmp(const char *a, const char *b);
int x_strncmp(const char *a, const char *b, size_t n);
char *x_strchr(const char *s, int c);

/* Formats with ours and libc's into 128-byte buffers; both the text and
 * the returned length must agree. */
#define SAME(...)                                                        \
	do {                                                             \
		char ours_[128], libc_[128];                             \
		int no_ = x_snprintf(ours_, sizeof(ours_), __VA_ARGS__); \
		int nl_ = snprintf(libc_, sizeof(libc_), __VA_ARGS__);   \
		CHECK_STR(ours_, libc_);                                 \
		CHECK_EQ(no_, nl_);                                      \
	} while (0)

static void test_conversions(void)
{
	SAME("%d %i %u", -5, 7, 3000000000u);
	SAME("%x %X %%", 0xbeefu, 0xbeefu);
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("%s|%s", "hello", "");
	SAME("plain text, no conversions");
	SAME("%d", 0);
	SAME("%d %d", 2147483647, -2147483647 - 1);
	SAME("%u", 4294967295u);
}

static void test_modifiers(void)
{
	SAME("%ld %lu %lx", -9L, 9UL, 0xabcdefUL);
	SAME("%lld %llu %llx %llX", -1234567890123LL, 18446744073709551615ULL,
	     0xdeadbeefcafeULL, 0xdeadbeefcafeULL);
	SAME("%lld", (long long)(-9223372036854775807LL - 1));
	SAME("%zu %zd %zx", (size_t)99, (ptrdiff_t)-3, (size_t)0x1000);
	SAME("%hhu %hd", (unsigned char)200, (short)-300);
}

static void test_width_and_flags(void)
{
	SAME("[%5d|%-5d|%05d]", 42, 42, -42);
	/* '-' wins over '0'; the format goes through a variable because
	 * the compiler rightly warns about the literal. */
	const char *fmt = "[%-05d]";
	SAME(fmt, 7);
	SAME("[%05x|%8X|%-8x|%08llx]", 0xabu, 0xabu, 0xabu, 0x1234ULL);
	SAME("[%10s|%-10s|%3s]", "hi", "hi", "toolong");
	SAME("[%3c|%-3c]", 'x', 'y');
	SAME("[%*d|%-*d|%*d]", 6, 1, 6, 2, -6, 3);
	SAME("[%+d|% d|%+d]", 5, 5, -5);
	SAME("[%.3s|%.0s|%.*s]", "abcdef", "abc", 2, "xyz");
	SAME("[%.5d|%8.3d|%.0d|%-6.2x]", 42, 7, 0, 0xau);
	SAME("[%#x|%#X|%#llx|%#010x|%#x]", 0xabu, 0xabu, 0x123456789ULL,
	     0x1fu, 0u);
}

static void test_pointer_and_null(void)
{
	char buf[64];

	/* %p is 0x + lower-case hex (glibc agrees for non-NULL pointers). */
	x_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	CHECK_STR(buf, "0x1234");
	x_snprintf(buf, sizeof(buf), "%p", (void *)0);
	CHECK_STR(buf, "0x0");
	char *volatile null_str = NULL; /* hidden from the format checker */
	x_snprintf(buf, sizeof(buf), "%s", null_str);
	CHECK_STR(buf, "(null)");
}

static int via_va(char *buf, size_t n, const char *fmt, ...);

static void test_bad_formats(void)
{
	char buf[64];

	/* An unknown conversion is printed as is, so the mistake shows.
	 * (Through via_va: the compiler rightly refuses these literals.) */
	via_va(buf, sizeof(buf), "a%qb");
	CHECK_STR(buf, "a%qb");
	via_va(buf, sizeof(buf), "end%");
	CHECK_STR(buf, "end%");
	via_va(buf, sizeof(buf), "%-08lq", 1L);
	CHECK_STR(buf, "%-08lq");
}

static void test_truncation(void)
{
	char buf[8];

	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(x_snprintf(buf, 4, "%s", "abcdef"), 6);
	CHECK_STR(buf, "abc");
	CHECK_EQ(buf[4], 'Z'); /* nothing written past size */
	CHECK_EQ(x_snprintf(buf, 1, "%d", 12345), 5);
	CHECK_EQ(buf[0], '\0');
	buf[0] = 'Q';
	CHECK_EQ(x_snprintf(buf, 0, "%d", 12345), 5);
	CHECK_EQ(buf[0], 'Q'); /* size 0: nothing at all written */
	CHECK_EQ(x_snprintf(NULL, 0, "%s-%d", "ab", 10), 5);
	CHECK_EQ(x_snprintf(buf, sizeof(buf), "%-10d|", 1), 11);
	CHECK_STR(buf, "1      ");
}

static int via_va(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = x_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static void test_vsnprintf(void)
{
	char buf[32];

	CHECK_EQ(via_va(buf, sizeof(buf), "%s=%u", "cpus", 4u), 6);
	CHECK_STR(buf, "cpus=4");
}

static void test_memory_functions(void)
{
	uint8_t a[64], b[64];

	for (int i = 0; i < 64; i++)
		a[i] = (uint8_t)i;
	/* Every alignment and length combination the word paths touch. */
	for (int off = 0; off < 9; off++) {
		for (int len = 0; len + off <= 40; len += 3) {
			memset(b, 0xee, sizeof(b));
			x_memcpy(b + off, a + 1, (size_t)len);
			CHECK(memcmp(b + off, a + 1, (size_t)len) == 0);
			CHECK_EQ(b[off + len], 0xee);
		}
	}
	for (int off = 0; off < 9; off++) {
		memset(b, 0, sizeof(b));
		x_memset(b + off, 0x5a, 33);
		CHECK_EQ(b[off], 0x5a);
		CHECK_EQ(b[off + 32], 0x5a);
		CHECK_EQ(b[off + 33], 0);
		CHECK(off == 0 || b[off - 1] == 0);
	}
	/* Overlapping moves in both directions. */
	memcpy(b, a, 64);
	x_memmove(b + 3, b, 40);
	CHECK(memcmp(b + 3, a, 40) == 0);
	memcpy(b, a, 64);
	x_memmove(b, b + 5, 40);
	CHECK(memcmp(b, a + 5, 40) == 0);
	memcpy(b, a, 64);
	x_memmove(b + 8, b, 48); /* aligned, overlapping forward */
	CHECK(memcmp(b + 8, a, 48) == 0);
	CHECK(x_memcmp(a, a, 64) == 0);
	memcpy(b, a, 64);
	b[10] = 200;
	CHECK(x_memcmp(a, b, 64) < 0);
	CHECK(x_memcmp(a, b, 10) == 0);
	CHECK(x_memcmp("ab\x80", "ab\x01", 3) > 0); /* compares unsigned */
}

static void test_string_functions(void)
{
	CHECK_EQ(x_strlen(""), 0);
	CHECK_EQ(x_strlen("hypervisor"), 10);
	CHECK_EQ(x_strnlen("hypervisor", 4), 4);
	CHECK_EQ(x_strnlen("ab", 10), 2);
	CHECK(x_strcmp("abc", "abc") == 0);
	CHECK(x_strcmp("abc", "abd") < 0);
	CHECK(x_strcmp("abc", "ab") > 0);
	CHECK(x_strcmp("\xff", "a") > 0); /* unsigned, as C requires */
	CHECK(x_strncmp("memory@40000000", "memory", 6) == 0);
	CHECK(x_strncmp("abc", "abd", 3) < 0);
	CHECK(x_strncmp("abc", "abd", 0) == 0);
	CHECK(x_strncmp("ab", "abc", 5) < 0);
	const char *s = "serial0:115200";
	CHECK(x_strchr(s, ':') == s + 7);
	CHECK(x_strchr(s, 'z') == NULL);
	CHECK(x_strchr(s, '\0') == s + strlen(s));
}

int main(void)
{
	RUN(test_conversions);
	RUN(test_modifiers);
	RUN(test_width_and_flags);
	RUN(test_pointer_and_null);
	RUN(test_bad_formats);
	RUN(test_truncation);
	RUN(test_vsnprintf);
	RUN(test_memory_functions);
	RUN(test_string_functions);
	return check_done("test_printf");
}
