// SPDX-License-Identifier: MIT
/*
 * Console multiplexer. The hypervisor's own lines are prefixed "(XEN) " and
 * a domain's lines "(dN) ", as Xen 4.17 prints them, so logs and scripts
 * written for Xen read the same. One lock serialises whole lines so output
 * from different CPUs never interleaves within a line.
 *
 * A guest cannot flood the console: each domain may print CON_BURST bytes
 * at once and CON_RATE bytes a second after that (vpl011 and console_io
 * together; bytes, not lines, since a line may be 1 or 256 bytes long and
 * the UART's time goes by bytes). A line over the budget is dropped and
 * counted, and the count is printed (at most once a second) when the
 * domain may print again. The hypervisor's own lines are never limited.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/sched.h>
#include <xenith/domain.h>
#include <xenith/lib.h>
#include <xenith/uart.h>
#include <xenith/vpl011.h>

#define CTRL_A 0x01
#define SWITCH_PRESSES 3
#define CON_BURST 32768U    /* bytes a domain may print at once */
#define CON_RATE 8192U      /* bytes a second after the burst */
#define NS_PER_BYTE (1000000000ULL / CON_RATE)

static uint64_t uart;
static spinlock_t out_lock = SPINLOCK_INIT_RANK(LOCK_CONSOLE);
static volatile bool panicking; /* output without the lock: we may hold it */
/* The id of the domain with the input focus, -1: the hypervisor.
 * Changed only by the CPU taking console input (CPU0). An id, not a
 * pointer: the domain is borrowed (domain_by_id) for each character, and
 * a domain destroyed meanwhile simply takes no more input. */
static int focus = -1;
static unsigned int ctrl_a_count;

void console_init_early(uint64_t uart_base)
{
	uart = uart_base;
}

void console_set_uart(uint64_t uart_base)
{
	uart = uart_base;
}

static void put_raw(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(uart, '\r');
		uart_putc(uart, s[i]);
	}
}

/* Writes `len` bytes as lines, each starting with `prefix`; the caller
 * holds out_lock (or the machine is panicking). */
static void put_lines_locked(const char *prefix, const char *s, size_t len)
{
	size_t plen = strlen(prefix);

	while (len) {
		size_t n = 0;
		bool nl = false;

		while (n < len && !nl)
			nl = s[n++] == '\n';

		put_raw(prefix, plen);
		put_raw(s, n);
		if (!nl)
			put_raw("\n", 1);
		s += n;
		len -= n;
	}
}

/* The output lock, unless panicking; true if it was taken. */
static bool out_lock_take(void)
{
	if (panicking)
		return false;
	spin_lock(&out_lock);
	return true;
}

static void out_lock_drop(bool taken)
{
	if (taken)
		spin_unlock(&out_lock);
}

static void put_lines(const char *prefix, const char *s, size_t len)
{
	bool locked = out_lock_take();

	put_lines_locked(prefix, s, len);
	out_lock_drop(locked);
}

/* May d print a line of len bytes now? Refills d's bucket with the time
 * that passed, whole bytes only (the remainder stays in stamp_ns). A
 * clock read that goes backwards (another CPU's counter) refills nothing. */
static bool budget_take(struct domain *d, size_t len, uint64_t now)
{
	uint64_t bytes = 0;

	if (!d->con_budget.stamp_ns) {
		d->con_budget.stamp_ns = now;
		d->con_budget.tokens = CON_BURST;
	} else if (now > d->con_budget.stamp_ns) {
		bytes = (now - d->con_budget.stamp_ns) / NS_PER_BYTE;
	}
	if (bytes) {
		d->con_budget.stamp_ns += bytes * NS_PER_BYTE;
		d->con_budget.tokens = bytes >= CON_BURST ? CON_BURST :
			(uint32_t)MIN(CON_BURST, d->con_budget.tokens + bytes);
	}
	if (d->con_budget.tokens < len)
		return false;
	d->con_budget.tokens -= (uint32_t)len;
	return true;
}

void console_panic(void)
{
	panicking = true;
}

int printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0 && uart)
		put_lines("(XEN) ", buf, (size_t)n);
	return n;
}

void console_domain_line(struct domain *d, const char *line, size_t len)
{
	char prefix[16];
	char note[64];
	bool locked;
	uint64_t now;

	snprintf(prefix, sizeof(prefix), "(d%u) ", d->id);
	locked = out_lock_take();
	now = arch_time_ns();
	if (!budget_take(d, len, now)) {
		d->con_budget.dropped++;
	} else {
		/* The count of dropped lines: at most once a second. */
		if (d->con_budget.dropped &&
		    now - d->con_budget.noted_ns >= 1000000000ULL) {
			d->con_budget.noted_ns = now;
			int n = snprintf(note, sizeof(note),
					 "[%u lines dropped: console rate limit]\n",
					 d->con_budget.dropped);
			d->con_budget.dropped = 0;
			put_lines_locked(prefix, note, (size_t)n);
		}
		put_lines_locked(prefix, line, len);
	}
	out_lock_drop(locked);
}

static void announce_focus(void)
{
	if (focus < 0)
		printk("*** Serial input to Xen (type 'CTRL-a' three times to switch input)\n");
	else
		printk("*** Serial input to DOM%d (type 'CTRL-a' three times to switch input)\n",
		       focus);
}

static bool takes_input(const struct domain *d)
{
	return (d->cfg->vpl011 || d->is_control) && d->dying == DOM_ALIVE;
}

/* The next domain with a console (dom0's hvc0, a vpl011) after the
 * focus, in domid order, then the hypervisor again: a walk of the domain
 * list, once per switch. */
static int next_input(void)
{
	struct domain *d;

	for_each_domain(d)
		if ((int)d->id > focus && takes_input(d))
			return (int)d->id;
	return -1;
}

static void input_to(struct domain *d, char c)
{
	if (d->is_control)
		conio_input(d, c);
	else
		vpl011_rx(d, c);
}

void console_focus_dom0(struct domain *d)
{
	focus = (int)d->id;
	announce_focus();
}

/* Input for the focus, if it is still there. */
static void input_focus(char c)
{
	struct domain *d = domain_by_id((uint32_t)focus);

	if (d && d->dying == DOM_ALIVE)
		input_to(d, c);
}

/* Ctrl-a pressed three times in a row moves the input focus to the next
 * running domain (then back to the hypervisor). */
void console_rx_char(char c)
{
	if (c == CTRL_A) {
		if (++ctrl_a_count < SWITCH_PRESSES)
			return;
		ctrl_a_count = 0;
		focus = next_input();
		announce_focus();
		return;
	}
	/* Ctrl-a presses that did not complete a switch go to the guest. */
	for (; ctrl_a_count; ctrl_a_count--)
		if (focus >= 0)
			input_focus(CTRL_A);
	if (focus >= 0)
		input_focus(c);
	else if (c == 'r')
		sched_dump(); /* Xen's debug key: dump run queues */
}
