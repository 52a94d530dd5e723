// SPDX-License-Identifier: MIT
/*
 * vsnprintf/snprintf for the hypervisor: the subset of C99 formatting that
 * log lines and error messages need (see xenith/lib.h), with the standard
 * contract: output is truncated to size-1 characters plus a NUL, and the
 * return value is the length the full output would have had.
 *
 * Also accepted, because they cost nothing: the '#', '+' and ' ' flags,
 * '*' width, a precision (".N" / ".*") for strings and integers, and the
 * h/hh/t/j length modifiers.
 */
#include <stdbool.h>
#include <xenith/lib.h>

/* Output cursor: writes what fits, counts everything. */
struct out {
	char *buf;
	size_t size;
	size_t pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* One parsed conversion specification. */
struct spec {
	bool left;      /* '-' */
	bool zero;      /* '0' */
	bool plus;      /* '+' */
	bool space;     /* ' ' */
	bool alt;       /* '#': 0x/0X before a non-zero hex value */
	int width;
	int prec;       /* -1: none */
	int size;       /* argument size in bytes: 1, 2, 4 or 8 */
};

/* Emits `len` chars of s padded to the field width. */
static void put_padded(struct out *o, const struct spec *sp, const char *s,
		       int len)
{
	int pad = sp->width > len ? sp->width - len : 0;

	if (!sp->left)
		put_n(o, ' ', pad);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		put_n(o, ' ', pad);
}

/*
 * Emits an integer: sign/prefix, zero padding from precision or the '0'
 * flag, then the digits. `neg` says the value was negative.
 */
static void put_int(struct out *o, const struct spec *sp, uint64_t v,
		    bool neg, unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	int plen = prefix ? (int)strlen(prefix) : 0;

	/* C says a zero value with precision 0 prints no digits. */
	if (v || sp->prec != 0) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	int zeros = sp->prec > n ? sp->prec - n : 0;
	int body = (sign ? 1 : 0) + plen + zeros + n;
	int pad = sp->width > body ? sp->width - body : 0;

	/* The '0' flag pads after the sign; it is ignored with a precision. */
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		put_n(o, ' ', pad);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	put_n(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		put_n(o, ' ', pad);
}

/* Parses flags, width, precision and length; returns the next char. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1, .size = 4 };

	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	return f;
}

/* Length modifier: sets the argument size, returns the next char. */
static const char *parse_length(const char *f, struct spec *sp)
{
	switch (*f) {
	case 'h':
		sp->size = f[1] == 'h' ? 1 : 2;
		return f + (f[1] == 'h' ? 2 : 1);
	case 'l':
		sp->size = sizeof(long);
		if (f[1] == 'l') {
			sp->size = sizeof(long long);
			return f + 2;
		}
		return f + 1;
	case 'z':
		sp->size = sizeof(size_t);
		return f + 1;
	case 't':
		sp->size = sizeof(ptrdiff_t);
		return f + 1;
	case 'j':
		sp->size = sizeof(intmax_t);
		return f + 1;
	default:
		return f;
	}
}

/* Fetches an integer argument of the spec's size, as signed or not. */
static uint64_t get_uint(va_list *ap, int size)
{
	if (size == 8)
		return va_arg(*ap, unsigned long long);
	uint64_t v = va_arg(*ap, unsigned int);
	return size == 2 ? (uint16_t)v : size == 1 ? (uint8_t)v : v;
}

static int64_t get_int(va_list *ap, int size)
{
	if (size == 8)
		return va_arg(*ap, long long);
	int v = va_arg(*ap, int);
	return size == 2 ? (int16_t)v : size == 1 ? (int8_t)v : v;
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	int len = (int)(sp->prec >= 0 ? strnlen(s, (size_t)sp->prec)
				      : strlen(s));
	put_padded(o, sp, s, len);
}

static void put_signed(struct out *o, const struct spec *sp, int64_t v)
{
	/* Negate in unsigned arithmetic so INT64_MIN is well defined. */
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
	put_int(o, sp, mag, v < 0, 10, false, NULL);
}

/* Handles one conversion character; false if it is unknown. */
static bool convert(struct out *o, struct spec *sp, char c, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i':
		put_signed(o, sp, get_int(ap, sp->size));
		return true;
	case 'u':
		put_int(o, sp, get_uint(ap, sp->size), false, 10, false, NULL);
		return true;
	case 'x':
	case 'X': {
		uint64_t v = get_uint(ap, sp->size);
		const char *prefix = !sp->alt || !v ? NULL : c == 'X' ? "0X" : "0x";

		sp->plus = sp->space = false;
		put_int(o, sp, v, false, 16, c == 'X', prefix);
		return true;
	}
	case 'p':
		sp->plus = sp->space = false;
		put_int(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16,
			false, "0x");
		return true;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		return true;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		put_padded(o, sp, &ch, 1);
		return true;
	}
	case '%':
		put(o, '%');
		return true;
	default:
		return false;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .pos = 0 };
	va_list args;
	struct spec sp;

	/* A copy, so helpers can take its address (va_list may be an array). */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		const char *start = fmt++;
		fmt = parse_length(parse_spec(fmt, &sp, &args), &sp);
		if (*fmt && convert(&o, &sp, *fmt, &args)) {
			fmt++;
			continue;
		}
		/* Unknown conversion: print it literally so the bug shows. */
		while (start < fmt)
			put(&o, *start++);
	}
	va_end(args);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
