// SPDX-License-Identifier: MIT
/*
 * testguest entry: reads /chosen/bootargs ("name=alpha test=hello ...") and
 * runs the chosen test. Every line it prints starts with "<name>: " except
 * the "DT ..." report lines of the dtinfo test.
 */
#include "tg.h"

const void *g_fdt;
const char *guest_name = "guest";

static char args[256];
static char name_buf[32];

const char *arg(const char *key, const char *dflt)
{
	static char val[64];
	size_t klen = strlen(key);
	for (const char *p = args; *p;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - p) > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			size_t n = (size_t)(e - p) - klen - 1;
			if (n >= sizeof(val))
				n = sizeof(val) - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = '\0';
			return val;
		}
		p = e;
	}
	return dflt;
}

uint64_t arg_num(const char *key, uint64_t dflt)
{
	const char *s = arg(key, NULL);
	if (!s || !*s)
		return dflt;
	uint64_t v = 0;
	unsigned base = 10;
	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else
			return dflt;
		v = v * base + d;
	}
	return v;
}

void say(const char *fmt, ...)
{
	char buf[224];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("%s: %s\n", guest_name, buf);
}

bool ram_info(uint64_t *base, uint64_t *end)
{
	bool found = false;
	struct dt_node it = { .off = -1 };
	*base = ~0ull;
	*end = 0;
	while (dt_next(g_fdt, &it)) {
		int len;
		const char *t = dt_getprop(g_fdt, it.off, "device_type", &len);
		if (!t || strcmp(t, "memory") != 0)
			continue;
		uint64_t a, s;
		for (int i = 0; dt_reg(g_fdt, it.off, i, &a, &s); i++) {
			if (!s)
				continue;
			found = true;
			if (a < *base)
				*base = a;
			if (a + s > *end)
				*end = a + s;
		}
	}
	return found;
}



uint32_t try_load32(uint64_t addr, uint32_t *val, struct fault_record *r)
{
	uint32_t v = 0xdeadbeef;
	fault_expect(0);
	__asm__ volatile("adr x9, 1f\n\t"
			 "str x9, [%[rp]]\n\t"
			 "dsb sy\n\t"
			 "ldr %w[v], [%[a]]\n"
			 "1:"
			 : [v] "+r"(v)
			 : [a] "r"(addr), [rp] "r"(&fault_resume_pc)
			 : "x9", "memory");
	*val = v;
	return fault_done(r);
}

uint32_t try_load64(uint64_t addr, uint64_t *val, struct fault_record *r)
{
	uint64_t v = 0xdeadbeefdeadbeefull;
	fault_expect(0);
	__asm__ volatile("adr x9, 1f\n\t"
			 "str x9, [%[rp]]\n\t"
			 "dsb sy\n\t"
			 "ldr %[v], [%[a]]\n"
			 "1:"
			 : [v] "+r"(v)
			 : [a] "r"(addr), [rp] "r"(&fault_resume_pc)
			 : "x9", "memory");
	*val = v;
	return fault_done(r);
}

uint32_t try_store32(uint64_t addr, uint32_t val, struct fault_record *r)
{
	fault_expect(0);
	__asm__ volatile("adr x9, 1f\n\t"
			 "str x9, [%[rp]]\n\t"
			 "dsb sy\n\t"
			 "str %w[v], [%[a]]\n\t"
			 "dsb sy\n"
			 "1:"
			 :
			 : [v] "r"(val), [a] "r"(addr),
			   [rp] "r"(&fault_resume_pc)
			 : "x9", "memory");
	return fault_done(r);
}

/* Collects console input into lines and reports each as "got '<line>'",
 * so a test can see which domain the hypervisor routes input to. */
static void poll_input(void)
{
	static char line[48];
	static size_t n;
	int c;
	while ((c = console_getc()) >= 0) {
		if (c == '\r' || c == '\n') {
			if (n) {
				line[n] = '\0';
				say("got '%s'", line);
				n = 0;
			}
		} else if (c >= 0x20 && c < 0x7f && n < sizeof(line) - 1) {
			line[n++] = (char)c;
		}
	}
}

unsigned dt_cpu_mpidrs(uint64_t *mpidr, unsigned max)
{
	int cpus = dt_find_path(g_fdt, "/cpus");
	unsigned n = 0;
	struct dt_node it = { .off = -1 };

	while (cpus >= 0 && dt_next(g_fdt, &it)) {
		int len;
		const char *t = dt_getprop(g_fdt, it.off, "device_type", &len);
		const uint8_t *reg;

		if (it.parent != cpus || !t || strcmp(t, "cpu"))
			continue;
		reg = dt_getprop(g_fdt, it.off, "reg", &len);
		if (n < max)
			mpidr[n] = !reg ? 0 : len == 8 ?
				   ((uint64_t)be32(reg) << 32) | be32(reg + 4) : be32(reg);
		n++;
	}
	return n;
}

/* The virtual timer's INTID: the third entry of the arch timer node's
 * interrupts (a PPI), 27 if the tree does not say. */
uint32_t vtimer_intid(void)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(g_fdt, &it)) {
		int len;
		const uint8_t *p;
		if (!dt_compatible(g_fdt, it.off, "arm,armv8-timer"))
			continue;
		p = dt_getprop(g_fdt, it.off, "interrupts", &len);
		if (p && len >= 36 && be32(p + 24) == 1)
			return 16 + be32(p + 28);
		break;
	}
	return 27;
}

static bool tick_wfi;      /* the vtimer can wake this vCPU from WFI */
static uint64_t wakeups;   /* WFIs that returned, for report= */
static uint64_t late;      /* ticks whose deadline had passed already */

/* Lets hello_loop sleep in WFI between ticks: the vtimer's PPI enabled
 * in the vGIC, taken with IRQs masked (WFI wakes on a pending interrupt
 * even when PSTATE masks it). Not when a test left IRQs unmasked: its
 * own handler owns the interrupts then, and the loop spins as before. */
static void tick_sleep_init(void)
{
	if (!(read_sysreg(daif) & DAIF_I))
		return;
	tick_wfi = gic_init(g_fdt) && gic_enable_ppi(vtimer_intid());
}

/* Until the virtual counter reaches `when`: asleep, so the physical CPU
 * is free (QEMU runs several vCPUs on few host cores). */
static void sleep_until(uint64_t when)
{
	if ((int64_t)(cntvct() - when) >= 0)
		late++;   /* this vCPU ran late (a loaded host): no WFI needed */
	while ((int64_t)(cntvct() - when) < 0) {
		if (!tick_wfi) {
			cpu_relax();
			continue;
		}
		__asm__ volatile("msr cntv_cval_el0, %0\n\t"
				 "msr cntv_ctl_el0, %1\n\t"
				 "isb\n\t"
				 "wfi"
				 :: "r"(when), "r"(1ull) : "memory");
		wakeups++;
		uint32_t id = gic_ack();
		/* Timer off before the EOI: its level is low when the EOI
		 * deactivates it (the hypervisor may map it to the real one). */
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
		if (id < 1020)
			gic_eoi(id);
	}
}

void hello_loop(void)
{
	uint64_t freq = cntfrq();
	if (!freq)
		freq = 62500000;
	uint64_t period = freq * arg_num("period", 50) / 1000;
	/* report=N: after N ticks, how often WFI returned meanwhile (about
	 * once a tick when the hypervisor blocks the vCPU until its timer). */
	uint64_t report = arg_num("report", 0);
	tick_sleep_init();
	uint64_t next = cntvct() + period;
	for (uint64_t n = 1;; n++) {
		sleep_until(next);
		say("tick %llu", (unsigned long long)n);
		if (n == report && tick_wfi)
			say("idle: %llu ticks, %llu wake-ups from WFI, %llu late",
			    (unsigned long long)n, (unsigned long long)wakeups,
			    (unsigned long long)late);
		else if (n == report)
			say("idle: %llu ticks, spinning (no vGIC)", (unsigned long long)n);
		poll_input();
		next += period;
		/* Descheduled for long: don't print a burst of stale ticks. */
		if ((int64_t)(cntvct() - next) > (int64_t)(4 * period))
			next = cntvct() + period;
	}
}

static void mode_spin(void)
{
	say("spinning");
	__asm__ volatile("msr daifset, #0xf");
	for (;;)
		__asm__ volatile("nop");
}

static void mode_poweroff(void)
{
	say("powering off");
	int64_t r = psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	say("SYSTEM_OFF returned %lld", (long long)r);
	halt();
}

static void load_args(void)
{
	int chosen = dt_find_path(g_fdt, "/chosen");
	int len = 0;
	const char *b = chosen >= 0 ? dt_getprop(g_fdt, chosen, "bootargs", &len)
				    : NULL;
	if (b && len > 0) {
		size_t n = (size_t)len < sizeof(args) ? (size_t)len : sizeof(args) - 1;
		memcpy(args, b, n);
		args[n] = '\0';
	}
	const char *nm = arg("name", "guest");
	size_t n = strlen(nm) < sizeof(name_buf) ? strlen(nm) : sizeof(name_buf) - 1;
	memcpy(name_buf, nm, n);
	name_buf[n] = '\0';
	guest_name = name_buf;
}

void guest_main(const void *fdt)
{
	g_fdt = fdt;
	console_init(fdt);
	if (!dt_valid(fdt)) {
		say("no valid device tree at %p", fdt);
		halt();
	}
	load_args();
	char test[32];
	const char *t = arg("test", "hello");
	size_t n = strlen(t) < sizeof(test) ? strlen(t) : sizeof(test) - 1;
	memcpy(test, t, n);
	test[n] = '\0';
	say("testguest test=%s dtb=%p uart=%#llx el=%llu", test, fdt,
	    (unsigned long long)console_base(),
	    (unsigned long long)(read_sysreg(CurrentEL) >> 2));

	if (!strcmp(test, "hello"))
		hello_loop();
	else if (!strcmp(test, "dtinfo"))
		mode_dtinfo();
	else if (!strcmp(test, "abort"))
		mode_abort();
	else if (!strcmp(test, "spin"))
		mode_spin();
	else if (!strcmp(test, "poweroff"))
		mode_poweroff();
	else if (!strcmp(test, "psci"))
		mode_psci();
	else if (!strcmp(test, "hostile"))
		mode_hostile();
	else if (!strcmp(test, "evtchn_server"))
		mode_evtchn_server();
	else if (!strcmp(test, "evtchn_client"))
		mode_evtchn_client();
	else if (!strcmp(test, "evtchn_attacker"))
		mode_evtchn_attacker();
	else if (!strcmp(test, "lrflood"))
		mode_lrflood();
	else if (!strcmp(test, "flood"))
		mode_flood();
	else if (!strcmp(test, "fuzz"))
		mode_fuzz();
	else if (!strcmp(test, "fuzzwatch"))
		mode_fuzz_neighbour();
	else if (!strcmp(test, "race"))
		mode_race();
	else if (!strcmp(test, "hog"))
		mode_hog();
	else if (!strcmp(test, "smp"))
		mode_smp();
	else if (!strcmp(test, "fp"))
		mode_fp();
	else if (!strcmp(test, "rt"))
		mode_rt();
	else if (!strcmp(test, "bursts"))
		mode_bursts();
	else if (!strcmp(test, "mistorm"))
		mode_mistorm();
	else if (!strcmp(test, "shm"))
		mode_shm();
	else if (!strcmp(test, "ctl_denied"))
		mode_ctl_denied();
	else if (!strcmp(test, "grant_offer"))
		mode_grant_offer();
	else if (!strcmp(test, "grant_map"))
		mode_grant_map();
	else if (!strcmp(test, "ctl_dom0"))
		mode_ctl_dom0();
	else if (!strcmp(test, "lifecycle"))
		mode_lifecycle();
	else if (!strcmp(test, "lifecycle_boot"))
		mode_lifecycle_boot();
	else if (!strcmp(test, "ioreq_backend"))
		mode_ioreq_backend();
	else if (!strcmp(test, "ioreq_front"))
		mode_ioreq_front();
	else if (!strcmp(test, "virtio"))
		mode_virtio();
	else
		say("unknown test '%s'", test);
	hello_loop();
}

void (*secondary_hook)(uint64_t idx);

void secondary_main(uint64_t idx)
{
	if (secondary_hook)
		secondary_hook(idx);
	else
		psci_secondary(idx);
	halt();
}
