# SPDX-License-Identifier: MIT
"""Linux guest scenarios: Debian's stock arm64 kernel (cache/linux, from
scripts/setup.sh --linux) with the test initramfs (build/initramfs.cpio.gz,
from scripts/mkinitramfs.sh), whose init prints "XENITH-INIT: reached init"
and then runs a shell on the console.

The shell is driven through the hypervisor's console the way a person
would: CTRL-a three times moves the input to DOM1, then one command at a
time is typed at a moderate pace and its output awaited. Every command is
followed by `echo @$((N))@`: the typed line shows "@$((N))@", only the
shell's answer shows "@N@", so the output of command N is exactly the
lines between its echoed command line and that marker.

Under Xen 4.17 the domain with the input focus is printed character by
character without a domain prefix, a line of another domain can land in
the middle of one of its lines ("(XEN) / # sle(XEN) DOM2: beta: tick 49"
then "ep 1; ..."), and since Xen tracks "start of line" per physical CPU,
"(XEN) " itself can appear mid-line when the guest's output moves between
CPUs ("echo @$(((XEN) 3))@"). GuestStream puts such lines back together.
"""

from __future__ import annotations

import glob
import os
import re
import time
from typing import Dict, List, Optional, Tuple

from harness import (BUILD, CACHE, Console, Domain, Expect, Result, Scenario, differing_facts,
                     expect, strip_dom)

CTRL_A = "\x01"


def linux_kernel() -> str:
    """Debian's newest cached 6.1 kernel (an uncompressed arm64 Image)."""
    found = sorted(glob.glob(os.path.join(CACHE, "linux", "boot", "vmlinuz-6.1.*-arm64")))
    return found[-1] if found else os.path.join(CACHE, "linux", "boot",
                                                 "vmlinuz-6.1-missing-run-setup.sh--linux")


def initramfs() -> str:
    return os.path.join(BUILD, "initramfs.cpio.gz")


def linux_domain(bootargs: str, enhanced: Optional[str], cpus: int = 2,
                 memory_kb: int = 256 * 1024) -> Domain:
    extra = {}
    if enhanced is not None:
        extra["xen,enhanced"] = '"%s"' % enhanced
    return Domain(kernel=linux_kernel(), ramdisk=initramfs(), bootargs=bootargs,
                  memory_kb=memory_kb, cpus=cpus, extra=extra)


# ---------------------------------------------------------------------------
# The focused domain's output, whatever the hypervisor's spelling
# ---------------------------------------------------------------------------
XEN_PREFIX = "(XEN) "
OTHER_DOM_MID = re.compile(r"(?:\(XEN\) )?DOM\d+: ")
# A kernel message's timestamp: one that interrupts a line the shell was
# echoing ("xl list; echo @$((17))[   30.917129] hrtimer: ...", then "@").
KERNEL_MID = re.compile(r"\[\s*\d+\.\d{6}\] ")


class GuestStream:
    """Lines written by domain `dom`, from console lines starting at
    `start`: its prefixed lines (Xenith always, Xen when it has no input
    focus) and unprefixed "(XEN) ..." text (Xen, focused domain). dom 0
    works the same: Xen prints its console unprefixed, Xenith as "(d0) "."""

    def __init__(self, con: Console, dom: int, start: int = 0):
        self.con = con
        self.dom = dom
        self.start = start

    def lines(self) -> List[str]:
        out: List[str] = []
        carry = ""
        raw = self.con.lines[self.start:] + [self.con.partial]

        def emit(text: str) -> None:
            nonlocal carry
            m = KERNEL_MID.search(text)
            if m and m.start() > 0:
                # Our unfinished line, then the kernel's whole message: the
                # message is a line of its own, ours goes on in the next.
                carry += text[:m.start()]
                out.append(text[m.start():])
                return
            out.append(carry + text)
            carry = ""

        for line in raw:
            d, text = strip_dom(line)
            if d is not None:
                if d == self.dom:
                    emit(text)
                continue
            m = OTHER_DOM_MID.search(text)
            if m and m.start() > 0:
                # Our unfinished line, then another domain's whole line.
                carry += text[:m.start()].replace(XEN_PREFIX, "")
                continue
            # Xen decides per physical CPU whether it is at the start of a
            # line: when the guest's output moves to another vCPU's CPU,
            # "(XEN) " can appear anywhere in it.
            emit(text.replace(XEN_PREFIX, ""))
        if carry:
            out.append(carry)
        return out


class Shell:
    """Types commands into the guest's shell and collects their output."""

    CHAR_DELAY = 0.008   # ~125 characters/s: Xen's vpl011 has a 32-byte FIFO

    def __init__(self, con: Console, dom: int, deadline: float):
        self.con = con
        self.dom = dom
        self.deadline = deadline
        self.stream = GuestStream(con, dom, len(con.lines))
        self.n = 0
        self.transcript: List[str] = []

    def left(self, cap: float) -> float:
        return max(0.0, min(cap, self.deadline - time.monotonic()))

    def type(self, text: str) -> None:
        for ch in text:
            self.con.send(ch)
            time.sleep(self.CHAR_DELAY)
            self.con.pump(0.0)

    def _wait_marker(self, n: int, timeout: float) -> Optional[List[str]]:
        """Output lines of command n once its end marker arrived."""
        end_pat = re.compile(r"(?:^|\s)@%d@\s*$" % n)
        typed = "@$((%d))@" % n
        limit = time.monotonic() + timeout
        while True:
            lines = self.stream.lines()
            starts = [i for i, l in enumerate(lines) if typed in l]
            s = starts[-1] if starts else -1
            for j in range(s + 1, len(lines)):
                if end_pat.search(lines[j]):
                    return lines[s + 1:j]
            left = limit - time.monotonic()
            if left <= 0 or not self.con.pump(min(left, 0.2)):
                return None

    def run(self, cmd: str, timeout: float = 15.0) -> Optional[List[str]]:
        """Runs cmd; its output lines, or None if the marker never came."""
        return self.finish(self.start(cmd), cmd, timeout)

    def start(self, cmd: str) -> int:
        """Types cmd and its end marker; returns the marker's number (for
        finish()). In between, the caller may talk to the command (e.g.
        `xl console`, left with CTRL-])."""
        self.n += 1
        # Let the shell print its prompt and switch the tty to raw mode
        # before the first character arrives (else the tty echoes it too).
        time.sleep(0.1)
        self.type("%s; echo @$((%d))@\r" % (cmd, self.n))
        return self.n

    def finish(self, n: int, cmd: str, timeout: float = 15.0) -> Optional[List[str]]:
        """Waits for command n's marker: its output lines, or None."""
        out = self._wait_marker(n, self.left(timeout))
        self.transcript.append("$ " + cmd)
        self.transcript += (out if out is not None else ["<no answer>"])
        return out

    def wait_ready(self, timeout: float) -> bool:
        """Sends a marker command until the shell answers it. The serial
        line has no window size: busybox's line editing would assume 80
        columns and wrap longer command lines, so set a wide one."""
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            if self.run("stty cols 250", timeout=min(4.0, self.left(4.0))) is not None:
                return True
        return False


def focus_dom1(con: Console, deadline: float) -> Optional[str]:
    """CTRL-a x3: input to DOM1 (Xen: from DOM0, Xenith: from Xen)."""
    start = len(con.lines)
    con.send(CTRL_A * 3)
    if con.wait_for(r"\*\*\* Serial input to DOM1\b", min(10, deadline - time.monotonic()),
                    start) is None:
        return "CTRL-a x3 did not move the input to DOM1"
    return None


def wait_init(con: Console, deadline: float, dom: int = 1,
              last: str = r"XENITH-INIT: reached init") -> Optional[str]:
    """Waits for init's last line before the shell (`last`): once the
    input focus moves to the domain, Xen prints its lines unprefixed.
    dom=0: dom0's lines have no prefix under Xen, "(d0) " under Xenith
    (harness.DOM0_PREFIX accepts both)."""
    pat = expect(last, dom).compiled()
    while time.monotonic() < deadline:
        if any(pat.search(l) for l in con.lines):
            return None
        if not con.pump(0.2):
            break
    return "Linux did not reach init (no %r from d%d)" % (last, dom)


# ---------------------------------------------------------------------------
# /proc/interrupts
# ---------------------------------------------------------------------------
def parse_interrupts(lines: List[str]) -> Tuple[int, Dict[str, Tuple[List[int], str]]]:
    """(number of CPUs, {irq: ([count per CPU], description)})."""
    ncpu = 0
    table: Dict[str, Tuple[List[int], str]] = {}
    for l in lines:
        if re.match(r"^\s*CPU\d+(\s+CPU\d+)*\s*$", l):
            ncpu = len(l.split())
            continue
        m = re.match(r"^\s*([A-Za-z0-9]+):\s+(.*)$", l)
        if not m or not ncpu:
            continue
        fields = m.group(2).split()
        counts = []
        for f in fields[:ncpu]:
            if not f.isdigit():
                break
            counts.append(int(f))
        if len(counts) != ncpu:
            continue
        table[m.group(1)] = (counts, " ".join(fields[ncpu:]))
    return ncpu, table


def find_irq(table, name: str) -> Optional[Tuple[List[int], str]]:
    for counts, desc in table.values():
        if desc.split()[-1:] == [name]:
            return counts, desc
    return None


# ---------------------------------------------------------------------------
# linux_xen_guest
# ---------------------------------------------------------------------------
XEN_GUEST_BOOTARGS = "console=ttyAMA0 earlycon=xenboot"
# One DTB for both hypervisors (Xenith prints and ignores the options).
# Xen 4.17 prints a domU's console_io text (earlycon=xenboot) only with
# guest_loglvl=all.
SAME_HV_BOOTARGS = "console=dtuart sync_console loglvl=all guest_loglvl=all"


def _xen_guest_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        err = wait_init(con, deadline, last=r"XENITH-INIT: hypervisor ")
        if err:
            return err
        tick_pat = expect(r"beta: tick (\d+)$", 2).compiled()

        def last_tick() -> int:
            for l in reversed(con.lines):
                m = tick_pat.search(l)
                if m:
                    return int(m.group(1))
            return 0

        err = focus_dom1(con, deadline)
        if err:
            return err
        sh = Shell(con, 1, deadline)
        tick0 = last_tick()
        try:
            if not sh.wait_ready(min(30, deadline - time.monotonic())):
                return "the shell on DOM1 does not answer"

            def one(cmd: str) -> Optional[List[str]]:
                out = sh.run(cmd)
                return [l.strip() for l in out] if out is not None else None

            checks = [
                ("hypervisor_type", "cat /sys/hypervisor/type", ["xen"]),
                ("version", "cat /sys/hypervisor/version/major /sys/hypervisor/version/minor",
                 ["4", "17"]),
                ("features", "cat /sys/hypervisor/properties/features", ["00016005"]),
                ("cpus_online", "cat /sys/devices/system/cpu/online", ["0-1"]),
            ]
            errors = []
            for key, cmd, want in checks:
                out = one(cmd)
                if out is None:
                    return "no answer to '%s'" % cmd
                facts[key] = out
                if out != want:
                    errors.append("'%s' gave %r, expected %r" % (cmd, out, want))

            # /proc/interrupts: the event upcall on INTID 31 and the timer
            # ticking on both CPUs between two readings.
            first = one("cat /proc/interrupts")
            if first is None:
                return "no answer to 'cat /proc/interrupts'"
            ncpu, t1 = parse_interrupts(first)
            ev = find_irq(t1, "events")
            timer = find_irq(t1, "arch_timer")
            facts["interrupts_cpus"] = ncpu
            facts["events_irq"] = ev[1] if ev else None
            facts["arch_timer_irq"] = timer[1] if timer else None
            if not ev or not re.search(r"\b31\b", ev[1]):
                errors.append("no 'events' interrupt on INTID 31 in /proc/interrupts: %r"
                              % (ev[1] if ev else None))
            grown = None
            if timer:
                for _ in range(3):
                    again = one("sleep 1; cat /proc/interrupts")
                    if again is None:
                        break
                    t2 = find_irq(parse_interrupts(again)[1], "arch_timer")
                    if t2 and len(t2[0]) == len(timer[0]):
                        grown = [b > a for a, b in zip(timer[0], t2[0])]
                        facts["arch_timer_counts"] = [timer[0], t2[0]]
                        if all(grown):
                            break
            else:
                errors.append("no arch_timer line in /proc/interrupts")
            facts["arch_timer_grows_on_all_cpus"] = bool(grown) and all(grown)
            if timer and not (grown and all(grown)):
                errors.append("arch_timer counts did not grow on every CPU: %r"
                              % facts.get("arch_timer_counts"))

            # Meanwhile the bare-metal neighbour kept ticking.
            con.pump(0.5)
            tick1 = last_tick()
            facts["neighbour_ticks_during_commands"] = tick1 - tick0 > 2
            if tick1 - tick0 <= 2:
                errors.append("beta stopped ticking while Linux ran commands "
                              "(tick %d -> %d)" % (tick0, tick1))
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def _earlycon_check(res: Result) -> List[str]:
    """The earliest printk lines came through console_io (earlycon=xenboot):
    "Booting Linux" arrives before ttyAMA0 is enabled, with the "(d1) "
    prefix both hypervisors give console_io text, and only once (with a
    boot console Linux does not replay the log on ttyAMA0)."""
    lines = res.lines()
    boot = [i for i, l in enumerate(lines) if "Booting Linux on physical CPU" in l]
    tty = [i for i, l in enumerate(lines) if "printk: console [ttyAMA0] enabled" in l]
    errs = []
    if len(boot) != 1:
        errs.append("'Booting Linux on physical CPU' appears %d times" % len(boot))
    elif not tty or boot[0] > tty[0]:
        errs.append("'Booting Linux on physical CPU' did not come before ttyAMA0 was enabled")
    elif not lines[boot[0]].startswith("(d1) "):
        errs.append("'Booting Linux' not printed as console_io text: %r" % lines[boot[0]])
    return errs


def compare_facts(ref: Result, res: Result) -> List[str]:
    """The guest-visible facts must be the same under Xen 4.17 and Xenith."""
    skip = {"transcript", "arch_timer_counts"}
    keys = sorted((set(ref.facts) | set(res.facts)) - skip)
    return differing_facts(ref, res, keys, "guest-visible facts differ from Xen 4.17")


def sc_linux_xen_guest(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID, tg
    facts: Dict[str, object] = {}
    d1 = [
        expect(r"Booting Linux on physical CPU", 1, label="boot"),
        expect(r"earlycon: xenboot0 at I/O port", 1),
        expect(r"printk: bootconsole \[xenboot0\] enabled", 1),
        expect(r"Xen 4\.17 support found", 1, after="boot"),
        expect(r"xen:grant_table: Grant tables using version 1 layout", 1),
        expect(r"Grant table initialized", 1),
        expect(r"xen:events: Using FIFO-based ABI", 1),
        expect(r"Xen: initializing cpu0$", 1),
        expect(r"Xen: initializing cpu1$", 1),
        expect(r"smp: Brought up 1 node, 2 CPUs$", 1),
        expect(r"printk: console \[ttyAMA0\] enabled", 1, after="boot"),
        expect(r"Run /init as init process", 1),
        expect(r"XENITH-INIT: reached init", 1),
        expect(r"XENITH-INIT: hypervisor xen", 1),
        expect(r"beta: tick 5$", 2),
    ]
    return Scenario(
        "linux_xen_guest",
        [linux_domain(XEN_GUEST_BOOTARGS, "no-xenstore"),
         tg("beta", "hello", memory_kb=16 * 1024, args="period=250")],
        expects=d1,
        forbid=COMMON_FORBID + [Expect(r"Kernel panic|Oops|BUG:|Unable to handle kernel"),
                                Expect(r"xen:events: Using 2-level ABI")],
        smp=4, timeout=90, hv_bootargs=SAME_HV_BOOTARGS,
        interact=_xen_guest_interact(facts), facts=facts,
        check=_earlycon_check, compare=compare_facts,
        description="Debian Linux 6.1 domU, 2 vCPUs, xen,enhanced=no-xenstore, "
                    "earlycon=xenboot, beside a ticking guest: Xen boot lines, then "
                    "/sys/hypervisor, CPUs and /proc/interrupts through the console")


# ---------------------------------------------------------------------------
# linux_plain
# ---------------------------------------------------------------------------
def _plain_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        err = wait_init(con, deadline) or focus_dom1(con, deadline)
        if err:
            return err
        sh = Shell(con, 1, deadline)
        try:
            if not sh.wait_ready(min(30, deadline - time.monotonic())):
                return "the shell on DOM1 does not answer"
            errors = []
            out = sh.run("test -e /sys/hypervisor/type && echo present || echo absent")
            facts["sys_hypervisor_type"] = out
            if out is None or [l.strip() for l in out] != ["absent"]:
                errors.append("/sys/hypervisor/type: %r, expected absent" % out)
            out = sh.run("test -e /proc/device-tree/hypervisor && echo present || echo absent")
            facts["dt_hypervisor_node"] = out
            if out is None or [l.strip() for l in out] != ["absent"]:
                errors.append("/proc/device-tree/hypervisor: %r, expected absent" % out)
            out = sh.run("echo sum=$((40+2)); cat /sys/devices/system/cpu/online")
            facts["command"] = out
            if out is None or [l.strip() for l in out] != ["sum=42", "0-1"]:
                errors.append("command output %r, expected ['sum=42', '0-1']" % out)
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_linux_plain(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    facts: Dict[str, object] = {}
    return Scenario(
        "linux_plain",
        [linux_domain("console=ttyAMA0", None)],
        expects=[expect(r"Booting Linux on physical CPU", 1),
                 expect(r"smp: Brought up 1 node, 2 CPUs$", 1),
                 expect(r"Run /init as init process", 1),
                 expect(r"XENITH-INIT: reached init", 1)],
        forbid=COMMON_FORBID + [Expect(r"Kernel panic|Oops|BUG:|Unable to handle kernel"),
                                expect(r"Xen \d+\.\d+ support found", 1),
                                expect(r"XENITH-INIT: hypervisor", 1)],
        smp=4, timeout=60, hv_bootargs=SAME_HV_BOOTARGS,
        interact=_plain_interact(facts), facts=facts, compare=compare_facts,
        description="the same kernel without xen,enhanced (no /hypervisor node): "
                    "boots to init, no /sys/hypervisor/type, a command runs")


# ---------------------------------------------------------------------------
# linux_enhanced_enabled (Xenith only: Xen 4.17 panics without a dom0)
# ---------------------------------------------------------------------------
ENABLED_ERROR = r"/chosen/domU1: xen,enhanced: "


def _one_error_line(res: Result) -> List[str]:
    hits = [l for l in res.lines() if "/chosen/domU1" in l and "xen,enhanced" in l]
    if len(hits) != 1:
        return ["expected exactly one line naming /chosen/domU1 and xen,enhanced, got %d: %r"
                % (len(hits), hits)]
    return []


def sc_linux_enhanced_enabled(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID, tg
    good = tg("good", "hello")
    bad = tg("bad", "hello", extra={"xen,enhanced": '"enabled"'})
    return Scenario(
        "linux_enhanced_enabled", [good, bad],
        expects=[Expect(ENABLED_ERROR + r".*enabled.*(?i:xenstore|dom0)", label="err"),
                 expect(r"good: tick 3$", 1, after="err")],
        forbid=COMMON_FORBID + [expect(r"bad: ", 2), Expect(r"bad: tick")],
        timeout=40, check=_one_error_line,
        description="xen,enhanced = \"enabled\" needs a dom0 with xenstore: the domain "
                    "is refused on one line naming node and property, the other boots")


# ---------------------------------------------------------------------------
# sched_linux_steal (Xenith: Xen 4.17's Debian build has no boot-time pools)
# ---------------------------------------------------------------------------
# Busy loops, one per CPU, each short enough for ~1 s of TCG time alone.
STEAL_LOOP = 10000


def parse_proc_stat(lines: List[str]) -> Dict[str, List[int]]:
    """{"cpu0": [user, nice, system, idle, iowait, irq, softirq, steal, ...]}"""
    out: Dict[str, List[int]] = {}
    for l in lines:
        f = l.split()
        if f and re.match(r"^cpu\d+$", f[0]) and all(x.isdigit() for x in f[1:]):
            out[f[0]] = [int(x) for x in f[1:]]
    return out


def _steal_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        err = wait_init(con, deadline, last=r"XENITH-INIT: hypervisor ") or \
            focus_dom1(con, deadline)
        if err:
            return err
        sh = Shell(con, 1, deadline)
        try:
            if not sh.wait_ready(min(30, deadline - time.monotonic())):
                return "the shell on DOM1 does not answer"
            errors = []
            out = sh.run("cat /sys/devices/system/cpu/online")
            facts["cpus_online"] = out
            if out is None or [l.strip() for l in out] != ["0-3"]:
                errors.append("cpu/online: %r, expected ['0-3']" % out)
            before = sh.run("cat /proc/stat")
            t0 = time.monotonic()
            loop = ("for c in 0 1 2 3; do taskset -c $c sh -c 'i=0; while [ $i -lt %d ]; "
                    "do i=$((i+1)); done' & done; wait" % STEAL_LOOP)
            if sh.run(loop, timeout=max(1.0, deadline - time.monotonic() - 8)) is None:
                return "the busy loops did not finish"
            facts["busy_loops_s"] = round(time.monotonic() - t0, 1)
            after = sh.run("cat /proc/stat")
            if before is None or after is None:
                return "no answer to 'cat /proc/stat'"
            s0, s1 = parse_proc_stat(before), parse_proc_stat(after)
            steal = {c: v[7] for c, v in sorted(s1.items()) if len(v) > 7}
            grown = {c: v[7] - s0[c][7] for c, v in sorted(s1.items())
                     if c in s0 and len(v) > 7 and len(s0[c]) > 7}
            facts["steal"] = steal
            facts["steal_during_loops"] = grown
            if sorted(steal) != ["cpu0", "cpu1", "cpu2", "cpu3"]:
                errors.append("/proc/stat lists %s, expected cpu0..cpu3" % sorted(steal))
            if not any(v > 0 for v in steal.values()):
                errors.append("no steal time on any CPU in /proc/stat: %r" % steal)
            elif not any(v > 0 for v in grown.values()):
                errors.append("steal time did not grow on any CPU during the busy loops: "
                              "%r -> %r" % ({c: v[7] for c, v in s0.items()}, steal))
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_sched_linux_steal(kind: str) -> Scenario:
    from scenarios import SCHED_FORBID, tg, pool_line, dom_pool_line
    from harness import Pool
    facts: Dict[str, object] = {}
    lx = linux_domain("console=ttyAMA0", "no-xenstore", cpus=4)
    lx.pool = "lx"
    # The hog outlasts the scenario: the pool stays overcommitted.
    hog = tg("hog", "hog", pool="lx", memory_kb=16 * 1024, args="ms=600000")
    return Scenario(
        "sched_linux_steal", [lx, hog],
        expects=[pool_line(0, "/chosen/cpupool_lx", "credit2", "0,1"),
                 dom_pool_line(1, "domU0", 4, 0, "credit2"),
                 expect(r"smp: Brought up 1 node, 4 CPUs$", 1),
                 expect(r"XENITH-INIT: reached init", 1)],
        forbid=SCHED_FORBID + [Expect(r"Kernel panic|Oops|BUG:|Unable to handle kernel")],
        pools=[Pool("lx", cpus=[0, 1])], smp=2, timeout=90,
        interact=_steal_interact(facts), facts=facts,
        description="Linux with 4 vCPUs and a hog (1 vCPU) in one credit2 pool of 2 CPUs: "
                    "cpu/online is 0-3, a busy loop pinned to each CPU finishes, and "
                    "/proc/stat shows steal time (8th value) > 0 on at least one CPU, grown "
                    "during the loops")


# ---------------------------------------------------------------------------
# static_linux_direct (Xenith only: Debian's Xen 4.17 is built without
# CONFIG_STATIC_MEMORY and CONFIG_STATIC_SHM)
# ---------------------------------------------------------------------------
STATIC_RAM = (0x60000000, 0x10000000)      # Linux's static RAM, 256 MiB
STATIC_SHM = (0x78000000, 0x200000)        # the shared region, 2 MiB


def _static_direct_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        err = wait_init(con, deadline) or focus_dom1(con, deadline)
        if err:
            return err
        sh = Shell(con, 1, deadline)
        try:
            if not sh.wait_ready(min(30, deadline - time.monotonic())):
                return "the shell on DOM1 does not answer"
            errors = []
            ram = "%x-%x : System RAM" % (STATIC_RAM[0], STATIC_RAM[0] + STATIC_RAM[1] - 1)
            out = sh.run("cat /proc/iomem")
            facts["iomem"] = out
            text = "\n".join(out or [])
            if ram not in text:
                errors.append("/proc/iomem has no %r (RAM at its host address)" % ram)
            # The vGIC and the vpl011 where the host has its GIC and the
            # UART the hypervisor uses (QEMU virt). The shared region lies
            # outside the memory node, so Linux keeps it out of
            # /proc/iomem (as it would under Xen, which writes the same
            # node); it is checked in the device tree below.
            for dev in ("08000000-0800ffff : GICD", "080a0000-",
                        "09000000-09000fff : 9000000.sbsa-uart"):
                if dev not in text:
                    errors.append("/proc/iomem has no %r" % dev)
            node = "/proc/device-tree/reserved-memory/xen-shmem@%x" % STATIC_SHM[0]
            out = sh.run("ls %s; cat %s/xen,id; echo; od -An -tx1 %s/reg | tr -d ' \\n'; echo"
                         % (node, node, node))
            facts["shm_node"] = out
            want_reg = "%016x%016x" % STATIC_SHM
            if out is None or "xen,id" not in " ".join(out) or "linux-shm" not in " ".join(out) \
                    or want_reg not in " ".join(out):
                errors.append("%s: %r, want xen,id linux-shm and reg %s" % (node, out, want_reg))
            out = sh.run("ls /proc/device-tree | grep -E 'interrupt-controller|sbsa-uart|memory'")
            facts["dt_nodes"] = out
            want = {"interrupt-controller@8000000", "sbsa-uart@9000000",
                    "memory@%x" % STATIC_RAM[0]}
            if out is None or not want <= {l.strip() for l in out}:
                errors.append("device tree nodes %r, want %s" % (out, sorted(want)))
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_static_linux_direct(kind: str) -> Scenario:
    """Debian's Linux as a direct-mapped static domain with a static shared
    region, beside a bare-metal domain that owns the region."""
    from scenarios import COMMON_FORBID, tg
    facts: Dict[str, object] = {}
    shm = ('shm { compatible = "xen,domain-shared-memory-v1"; xen,shm-id = "linux-shm"; '
           'role = "%s"; xen,shared-mem = <0x0 0x%x 0x0 0x%x 0x0 0x%x>; };')
    lin = linux_domain("console=ttyAMA0", None, cpus=2, memory_kb=STATIC_RAM[1] // 1024)
    lin.extra["xen,static-mem"] = "<0x0 0x%x 0x0 0x%x>" % STATIC_RAM
    lin.extra["direct-map"] = ""
    lin.children = [shm % ("borrower", STATIC_SHM[0], STATIC_SHM[0], STATIC_SHM[1])]
    owner = tg("owner", "hello", memory_kb=32 * 1024)
    owner.children = [shm % ("owner", STATIC_SHM[0], 0x30000000, STATIC_SHM[1])]
    return Scenario(
        "static_linux_direct", [lin, owner],
        expects=[expect(r"XENITH-INIT: reached init", 1),
                 Expect(r"^\(XEN\) d1: .*static direct-mapped RAM at host 0x%x" % STATIC_RAM[0]),
                 Expect(r'^\(XEN\) d1: shared memory "linux-shm" host 0x%x' % STATIC_SHM[0]),
                 expect(r"owner: tick 2", 2)],
        forbid=COMMON_FORBID + [Expect(r"Kernel panic|Oops|BUG:|Unable to handle kernel")],
        smp=2, timeout=90, interact=_static_direct_interact(facts), facts=facts,
        description="Debian's Linux as a direct-mapped static domain (256 MiB at host "
                    "0x60000000): /proc/iomem shows its RAM, GIC and UART at the host "
                    "addresses, /proc/device-tree has the GIC and UART at the host's and "
                    "/reserved-memory/xen-shmem@78000000 with xen,id and reg; a bare-metal "
                    "domain owns the region")
