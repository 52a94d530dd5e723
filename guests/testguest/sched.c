// SPDX-License-Identifier: MIT
/*
 * sched: guests that measure what the hypervisor's scheduler gives them,
 * with nothing but the virtual counter (CNTVCT_EL0 at CNTFRQ_EL0). The
 * counter of a domain runs on while its vCPUs are descheduled, so time a
 * vCPU did not get shows up as a jump between two readings. Under QEMU's
 * -icount shift=0,sleep=off one instruction is one ns of virtual time and
 * idle time is skipped, so the figures are exact and do not depend on
 * the host's load.
 *
 *   test=hog secs=S [ms=M] [settle_ms=100] [progress=1]
 *       Every vCPU (the others started with PSCI CPU_ON) spins counting
 *       loop iterations for settle + S s + settle of virtual time; the
 *       "work" of a vCPU is what it counted in the window [settle,
 *       settle + S] after the common start (the settle time on both sides
 *       keeps the window inside the span where every hog of every domain
 *       spins, whichever started first), its "cpu" the time it ran in
 *       that window (the steps between two counter readings, one per 1000
 *       iterations, that are no gap, see bursts). Then vCPU 0 prints
 *         <name>: hog: vcpu <i> work <N> cpu <T> us    for each vCPU
 *         <name>: hog: total <N>
 *         <name>: HOG DONE
 *       progress=1: vCPU 0 also prints, every 100 ms from the start,
 *         <name>: hog: progress <t_ms> <w0> <w1> ...
 *       the iterations each vCPU counted since the start (all vCPUs
 *       advancing = every vCPU gets the CPU).
 *
 *   test=rt period_us=P work_us=W jobs=J
 *       A periodic real-time task on vCPU 0: job k is released at
 *       t0 + k P (the vCPU sleeps in WFI until then, its virtual timer
 *       armed), runs W us worth of loop iterations (calibrated at the
 *       start as the fastest of many short runs, i.e. undisturbed; exact
 *       under icount) and must complete by its release + P. Prints
 *         <name>: rt: J jobs, M missed, worst response R us
 *         <name>: RT DONE
 *
 *   test=bursts secs=S [ms=M] [gap_us=50] [start_ms=0]
 *       vCPU 0 reads the counter in a tight loop for S s (from start_ms
 *       after it started); two consecutive
 *       readings more than gap_us apart mean it was not running in
 *       between (a gap); the time between two gaps is a running burst.
 *       Prints
 *         <name>: bursts: N bursts, min B1 us, max B2 us, gaps min G1 us max G2 us
 *         <name>: bursts: ran R us of T us, longest step S us, first bursts <b0> ..., first gaps <g0> ...
 *         <name>: BURSTS DONE
 *       B1/B2 are over the complete bursts (all but the first and the
 *       last, which the start and the end of the measurement cut; over
 *       all of them when there are fewer than 3); G1/G2 over all gaps
 *       (0 when there was none).
 *
 *       (S: the longest interval between two readings that was no gap.)
 *
 * hog and bursts also take tether_us=N (see tether_init below): for
 * guests busy on different CPUs at once under QEMU's -icount.
 *
 * Only vCPU 0 prints (the vCPUs share one UART, no locks with the MMU
 * off); the others leave their results in shared variables.
 */
#include "tg.h"

#define MAX_V 8
#define CHUNK 1000u        /* hog: iterations between two counter reads */

static uint64_t freq;

static uint64_t us_ticks(uint64_t us)
{
	return us * freq / 1000000;
}

static uint64_t ticks_us(uint64_t t)
{
	return t / freq * 1000000 + t % freq * 1000000 / freq;
}

static bool reached(uint64_t when)
{
	return (int64_t)(cntvct() - when) >= 0;
}

/* n >= 1 iterations of a two-instruction loop: 2n instructions. */
static inline void spin_iters(uint64_t n)
{
	__asm__ volatile("1: subs %0, %0, #1\n\t"
			 "b.ne 1b"
			 : "+r"(n)
			 :
			 : "cc");
}

static void time_init(void)
{
	freq = cntfrq();
	if (!freq)
		freq = 62500000;
}

/* Duration from secs= / ms=, in ms. */
static uint64_t dur_ms(uint64_t dflt_secs)
{
	uint64_t ms = arg_num("ms", 0);
	return ms ? ms : arg_num("secs", dflt_secs) * 1000;
}

/* ---- hog ------------------------------------------------------------------ */

static volatile uint32_t hog_up[MAX_V], hog_done[MAX_V];
static volatile uint32_t hog_go;
static volatile uint64_t hog_count[MAX_V];   /* since the start */
static volatile uint64_t hog_win[MAX_V];     /* in the window */
static volatile uint64_t hog_cpu[MAX_V];     /* ticks on the CPU in the window */
static volatile uint64_t hog_t0, hog_ws, hog_we, hog_end;
static unsigned hog_n;
static bool hog_progress;

static uint64_t gap_ticks, tether_ticks;

/* tether_us=N: keeps this vCPU's virtual timer armed N us ahead, its
 * output masked (CNTV_CTL.IMASK: no interrupt ever). Under -icount QEMU
 * runs the vCPUs of the machine one after the other in one host thread,
 * each until the next timer deadline of any of them (divided by their
 * number), so a vCPU busy without timers could run for up to a second
 * of virtual time while the others' counters jump ahead; a deadline
 * never more than N us away keeps those turns below N us, far below the
 * gap threshold. It changes nothing the hypervisor decides. */
static void tether_init(void)
{
	tether_ticks = us_ticks(arg_num("tether_us", 0));
}

static void untether(void)
{
	if (tether_ticks)
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

static inline void tether(uint64_t now)
{
	if (!tether_ticks)
		return;
	__asm__ volatile("msr cntv_cval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1"
			 :: "r"(now + tether_ticks), "r"(3ull) : "memory");
}

static void hog_loop(unsigned cpu)
{
	uint64_t w = 0, at_ws = 0, next = hog_t0 + us_ticks(100000);
	uint64_t prev = cntvct(), on_cpu = 0;
	bool in = false, out = false;

	for (;;) {
		spin_iters(CHUNK);
		w += CHUNK;
		uint64_t t = cntvct();
		tether(t);
		/* Time on the CPU: the steps between two readings that are
		 * no gap (a gap: it did not run in between). */
		if (in && !out && t - prev <= gap_ticks)
			on_cpu += t - prev;
		prev = t;
		if (!in && (int64_t)(t - hog_ws) >= 0) {
			at_ws = w;
			on_cpu = 0;
			in = true;
		}
		if (in && !out && (int64_t)(t - hog_we) >= 0) {
			hog_win[cpu] = w - at_ws;
			hog_cpu[cpu] = on_cpu;
			out = true;
		}
		hog_count[cpu] = w;
		if (cpu == 0 && hog_progress && (int64_t)(t - next) >= 0) {
			char line[200];
			int n = snprintf(line, sizeof(line), "hog: progress %llu",
					 (unsigned long long)(ticks_us(t - hog_t0) / 1000));
			for (unsigned i = 0; i < hog_n && n < (int)sizeof(line) - 24; i++)
				n += snprintf(line + n, sizeof(line) - (size_t)n, " %llu",
					      (unsigned long long)hog_count[i]);
			say("%s", line);
			next += us_ticks(100000);
			/* Descheduled for long: no burst of stale lines. */
			if ((int64_t)(t - next) > 0)
				next = t + us_ticks(100000);
		}
		if ((int64_t)(t - hog_end) >= 0)
			break;
	}
	untether();
	dsb();
	hog_done[cpu] = 1;
	dsb();
}

static void hog_secondary(uint64_t idx)
{
	unsigned cpu = (unsigned)idx;

	hog_up[cpu] = 1;
	dsb();
	while (!hog_go)
		cpu_relax();
	hog_loop(cpu);
	halt();
}

void mode_hog(void)
{
	uint64_t mpidr[MAX_V];
	uint64_t ms = dur_ms(1), settle = arg_num("settle_ms", 100);

	time_init();
	hog_n = dt_cpu_mpidrs(mpidr, MAX_V);
	if (hog_n > MAX_V)
		hog_n = MAX_V;
	if (!hog_n)
		hog_n = 1;
	hog_progress = arg_num("progress", 0) != 0;
	gap_ticks = us_ticks(arg_num("gap_us", 50));
	tether_init();
	say("hog: %u vCPUs, %llu ms (+%llu ms before and after)", hog_n,
	    (unsigned long long)ms, (unsigned long long)settle);
	secondary_hook = hog_secondary;
	for (unsigned i = 1; i < hog_n; i++) {
		int64_t rc = psci_call(PSCI_CPU_ON_64, mpidr[i],
				       (uint64_t)(uintptr_t)secondary_entry, i);
		uint64_t end = cntvct() + us_ticks(5000000);
		while (!rc && !hog_up[i] && !reached(end))
			cpu_relax();
		if (rc || !hog_up[i]) {
			say("hog: FAIL: vCPU %u did not start (CPU_ON = %lld)", i,
			    (long long)rc);
			return;
		}
	}
	uint64_t t0 = cntvct();
	hog_t0 = t0;
	hog_ws = t0 + us_ticks(settle * 1000);
	hog_we = hog_ws + us_ticks(ms * 1000);
	hog_end = hog_we + us_ticks(settle * 1000);
	dsb();
	hog_go = 1;
	dsb();
	hog_loop(0);
	/* The others end at the same counter value; give them 10 s more. */
	uint64_t limit = cntvct() + us_ticks(10000000);
	for (unsigned i = 1; i < hog_n; i++)
		while (!hog_done[i] && !reached(limit))
			cpu_relax();
	uint64_t total = 0;
	for (unsigned i = 0; i < hog_n; i++) {
		if (!hog_done[i]) {
			say("hog: FAIL: vCPU %u did not finish (%llu iterations so far)", i,
			    (unsigned long long)hog_count[i]);
			return;
		}
		say("hog: vcpu %u work %llu cpu %llu us", i, (unsigned long long)hog_win[i],
		    (unsigned long long)ticks_us(hog_cpu[i]));
		total += hog_win[i];
	}
	say("hog: total %llu", (unsigned long long)total);
	say("HOG DONE");
}

/* ---- sleeping on the virtual timer ------------------------------------------- */

static bool vt_ok;

static void vt_init(void)
{
	vt_ok = gic_init(g_fdt) && gic_enable_ppi(vtimer_intid());
}

/* Until the counter reaches `when`, in WFI with the vtimer armed (IRQs
 * stay masked: a pending interrupt still ends the WFI). */
static void sleep_until_tick(uint64_t when)
{
	while (!reached(when)) {
		if (!vt_ok) {
			cpu_relax();
			continue;
		}
		__asm__ volatile("msr cntv_cval_el0, %0\n\t"
				 "msr cntv_ctl_el0, %1\n\t"
				 "isb\n\t"
				 "wfi"
				 :: "r"(when), "r"(1ull) : "memory");
		uint32_t id = gic_ack();
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
		if (id < 1020)
			gic_eoi(id);
	}
}

/* ---- rt ---------------------------------------------------------------------- */

/* Iterations of spin_iters per `us` of undisturbed CPU time: the fastest
 * of 64 runs of 10000 (each far shorter than any time slice, so most are
 * not interrupted). */
static uint64_t calibrate(uint64_t us, uint64_t *best_ticks)
{
	const uint64_t n = 10000;
	uint64_t best = ~0ull;

	for (int i = 0; i < 64; i++) {
		uint64_t a = cntvct();
		spin_iters(n);
		uint64_t d = cntvct() - a;
		if (d && d < best)
			best = d;
	}
	*best_ticks = best;
	/* n iterations per `best` ticks; us -> ticks -> iterations. */
	return us_ticks(us) * n / best;
}

void mode_rt(void)
{
	time_init();
	uint64_t period_us = arg_num("period_us", 10000);
	uint64_t work_us = arg_num("work_us", 1000);
	uint64_t jobs = arg_num("jobs", 100);
	uint64_t cal;
	uint64_t iters = calibrate(work_us, &cal);
	uint64_t period = us_ticks(period_us);

	if (!iters)
		iters = 1;
	vt_init();
	say("rt: period %llu us, work %llu us = %llu iterations (10000 in %llu ticks), "
	    "%llu jobs%s", (unsigned long long)period_us, (unsigned long long)work_us,
	    (unsigned long long)iters, (unsigned long long)cal, (unsigned long long)jobs,
	    vt_ok ? "" : " (no vGIC: spinning between jobs)");

	uint64_t r0 = cntvct() + period, worst = 0, best = ~0ull, sum = 0, missed = 0;
	uint64_t first_miss = 0, first_miss_resp = 0;
	for (uint64_t k = 0; k < jobs; k++) {
		uint64_t rel = r0 + k * period;
		sleep_until_tick(rel);
		spin_iters(iters);
		uint64_t resp = cntvct() - rel;
		if (resp > period) {
			if (!missed) {
				first_miss = k;
				first_miss_resp = resp;
			}
			missed++;
		}
		if (resp > worst)
			worst = resp;
		if (resp < best)
			best = resp;
		sum += resp;
	}
	if (missed)
		say("rt: first miss: job %llu, response %llu us", (unsigned long long)first_miss,
		    (unsigned long long)ticks_us(first_miss_resp));
	say("rt: best response %llu us, mean %llu us", (unsigned long long)ticks_us(best),
	    (unsigned long long)ticks_us(jobs ? sum / jobs : 0));
	say("rt: %llu jobs, %llu missed, worst response %llu us", (unsigned long long)jobs,
	    (unsigned long long)missed, (unsigned long long)ticks_us(worst));
	say("RT DONE");
}

/* ---- bursts ------------------------------------------------------------------- */

#define MAX_B 2048
static uint64_t burst_len[MAX_B], gap_len[MAX_B];

void mode_bursts(void)
{
	time_init();
	uint64_t ms = dur_ms(1);
	uint64_t thr = us_ticks(arg_num("gap_us", 50));
	uint64_t dur = us_ticks(ms * 1000);
	unsigned nb = 0, ng = 0;
	uint64_t nbursts = 0, gap_total = 0, max_step = 0, armed = 0;

	say("bursts: %llu ms, a gap is > %llu us without the CPU", (unsigned long long)ms,
	    (unsigned long long)arg_num("gap_us", 50));
	tether_init();
	/* start_ms=N: measure only from N ms on (the neighbours started). */
	uint64_t begin = cntvct() + us_ticks(arg_num("start_ms", 0) * 1000);
	for (uint64_t now = cntvct(); !reached(begin); now = cntvct())
		if (tether_ticks && now - armed > tether_ticks / 2) {
			tether(now);
			armed = now;
		}
	uint64_t start = cntvct(), prev = start, bstart = start, t;
	do {
		t = cntvct();
		if (tether_ticks && t - armed > tether_ticks / 2) {
			tether(t);
			armed = t;
		}
		if (t - prev > max_step && t - prev <= thr)
			max_step = t - prev;
		if (t - prev > thr) {
			if (nb < MAX_B)
				burst_len[nb++] = prev - bstart;
			if (ng < MAX_B)
				gap_len[ng++] = t - prev;
			nbursts++;
			gap_total += t - prev;
			bstart = t;
		}
		prev = t;
	} while (t - start < dur);
	untether();
	if (nb < MAX_B)
		burst_len[nb++] = prev - bstart;
	nbursts++;

	uint64_t bmin = ~0ull, bmax = 0, gmin = ~0ull, gmax = 0;
	unsigned lo = nb >= 3 ? 1 : 0, hi = nb >= 3 ? nb - 1 : nb;
	for (unsigned i = lo; i < hi; i++) {
		if (burst_len[i] < bmin)
			bmin = burst_len[i];
		if (burst_len[i] > bmax)
			bmax = burst_len[i];
	}
	for (unsigned i = 0; i < ng; i++) {
		if (gap_len[i] < gmin)
			gmin = gap_len[i];
		if (gap_len[i] > gmax)
			gmax = gap_len[i];
	}
	if (!ng)
		gmin = 0;
	say("bursts: %llu bursts, min %llu us, max %llu us, gaps min %llu us max %llu us",
	    (unsigned long long)nbursts, (unsigned long long)ticks_us(bmin),
	    (unsigned long long)ticks_us(bmax), (unsigned long long)ticks_us(gmin),
	    (unsigned long long)ticks_us(gmax));

	char line[200];
	int n = snprintf(line, sizeof(line), "bursts: ran %llu us of %llu us, longest step "
			 "%llu us, first bursts",
			 (unsigned long long)ticks_us(t - start - gap_total),
			 (unsigned long long)ticks_us(t - start),
			 (unsigned long long)ticks_us(max_step));
	for (unsigned i = 0; i < nb && i < 6; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %llu",
			      (unsigned long long)ticks_us(burst_len[i]));
	n += snprintf(line + n, sizeof(line) - (size_t)n, ", first gaps");
	for (unsigned i = 0; i < ng && i < 6; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %llu",
			      (unsigned long long)ticks_us(gap_len[i]));
	say("%s", line);
	say("BURSTS DONE");
}
