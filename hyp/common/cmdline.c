// SPDX-License-Identifier: MIT
/* Boolean and string options of the hypervisor command line (see
 * cmdline.h). */
#include <xenith/cmdline.h>
#include <xenith/lib.h>

static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
static const char *const no[] = { "0", "no", "off", "false", "disable" };

/* Value word [v, v+n) as a boolean: 1 true, 0 false, -1 neither. */
static int parse_bool(const char *v, size_t n)
{
	for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == n && !strncmp(v, yes[i], n))
			return 1;
		if (strlen(no[i]) == n && !strncmp(v, no[i], n))
			return 0;
	}
	return -1;
}

/* Applies one option word [w, w+n) to *val if it names `name`. */
static void apply_word(const char *w, size_t n, const char *name, bool *val)
{
	size_t len = strlen(name);
	int b;

	if (n == len + 3 && !strncmp(w, "no-", 3) && !strncmp(w + 3, name, len)) {
		*val = false;
	} else if (n == len && !strncmp(w, name, len)) {
		*val = true;
	} else if (n > len + 1 && !strncmp(w, name, len) && w[len] == '=') {
		b = parse_bool(w + len + 1, n - len - 1);
		if (b >= 0)
			*val = b;
	}
}

bool cmdline_bool(const char *args, const char *name, bool dflt)
{
	bool val = dflt;

	while (args && *args) {
		size_t n = 0;

		while (*args == ' ')
			args++;
		while (args[n] && args[n] != ' ')
			n++;
		if (n)
			apply_word(args, n, name, &val);
		args += n;
	}
	return val;
}

/* The value of the last "name=value" word, as [*val, *val + *n); false if
 * there is none. */
static bool last_value(const char *args, const char *name, const char **val,
		       size_t *n)
{
	size_t len = strlen(name);
	bool found = false;

	while (args && *args) {
		size_t w = 0;

		while (*args == ' ')
			args++;
		while (args[w] && args[w] != ' ')
			w++;
		if (w > len && !strncmp(args, name, len) && args[len] == '=') {
			*val = args + len + 1;
			*n = w - len - 1;
			found = true;
		}
		args += w;
	}
	return found;
}

int cmdline_str(const char *args, const char *name, char *buf, size_t len)
{
	const char *val = NULL;
	size_t n = 0, copy;

	if (!last_value(args, name, &val, &n))
		return -1;
	if (buf && len) {
		copy = MIN(n, len - 1);
		memcpy(buf, val, copy);
		buf[copy] = '\0';
	}
	return (int)MIN(n, (size_t)INT32_MAX);
}
