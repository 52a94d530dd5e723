// SPDX-License-Identifier: MIT
/* libc subset for the test guests. Byte-wise on purpose: with the MMU off
 * every access is to Device memory, where unaligned accesses fault. */
#include "rt.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			break;
	}
	return 0;
}

/* ---- formatting ---- */
struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned base,
		    int width, bool zero, bool left, const char *prefix)
{
	char tmp[24];
	int n = 0;
	do {
		unsigned d = v % base;
		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	int plen = (int)strlen(prefix) + (neg ? 1 : 0);
	int pad = width - n - plen;
	if (!left && !zero)
		for (; pad > 0; pad--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	for (; *prefix; prefix++)
		put(o, *prefix);
	if (!left && zero)
		for (; pad > 0; pad--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	for (; left && pad > 0; pad--)
		put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool zero = false, left = false, alt = false;
		int width = 0, lng = 0;
		for (;; fmt++) {
			if (fmt[1] == '0')
				zero = true;
			else if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '#')
				alt = true;
			else
				break;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')
			width = width * 10 + (*++fmt - '0');
		while (fmt[1] == 'l' || fmt[1] == 'z') {
			lng++;
			fmt++;
		}
		switch (*++fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
			put_num(&o, u, v < 0, 10, width, zero, left, "");
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = lng ? va_arg(ap, uint64_t)
					 : va_arg(ap, unsigned);
			put_num(&o, v, false, *fmt == 'u' ? 10 : 16, width,
				zero, left, alt ? "0x" : "");
			break;
		}
		case 'p':
			put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *),
				false, 16, width, zero, left, "0x");
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int pad = width - (int)strlen(s);
			for (; !left && pad > 0; pad--)
				put(&o, ' ');
			while (*s)
				put(&o, *s++);
			for (; left && pad > 0; pad--)
				put(&o, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
