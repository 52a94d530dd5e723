#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a hypervisor's instructions go, from QEMU's execution trace.

Boots the latency probe like `make bench` does (icount, -smp 1; --evtchn:
two probe domains, -smp 2) with
`-d exec,nochain,in_asm` streamed through a FIFO, and counts executed
instructions per translation block: the block's length comes from its
in_asm listing, its exception level from the MMU index in the trace's TB
flags. Instructions at EL2 are charged to the hypervisor function they
belong to (symbols of build/hyp/xenith.elf, relocated to its load address
from the boot log) and to the guest function that was running when the
guest left EL1 (symbols of build/guests/probe.elf) -- so the report says,
per kind of trap (hypercall, PSCI, MMIO read, ...), how many hypervisor
instructions one trap costs and in which functions.

  bench/profile.py                 Xenith, all probe operations, few iterations
  bench/profile.py --boot          also the hypervisor's boot, by function
  bench/profile.py --args "tests=timer timer=8"
  bench/profile.py --evtchn        the event-channel run (2 domains, -smp 2)
  bench/profile.py --evtchn --smp 1   the same, both domains on one CPU
  bench/profile.py --yield         two domains on one CPU yielding to each
                                   other (the vCPU switch rows)

Only for Xenith (Xen's symbols are not at hand). Slow (the trace), so the
probe runs few iterations; the per-trap figures do not depend on that.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from typing import Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402
harness = bench.harness

TRACE = re.compile(r"^Trace (\d+): (0x[0-9a-f]+) \[([0-9a-f]+)/([0-9a-f]+)/([0-9a-f]+)/([0-9a-f]+)\]")
INSN = re.compile(r"^0x([0-9a-f]+):\s+[0-9a-f]{8}\s")


class Symbols:
    def __init__(self, elf: str, bias: int = 0):
        nm = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-") + "nm"
        out = subprocess.run([nm, "-n", elf], capture_output=True, text=True).stdout
        self.addr, self.name = [], []
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "tTwW":
                self.addr.append(int(p[0], 16) + bias)
                self.name.append(p[2])

    def __call__(self, pc: int) -> str:
        i = bisect.bisect_right(self.addr, pc) - 1
        return self.name[i] if i >= 0 else "0x%x" % pc


def el_of(flags: int) -> int:
    """QEMU 7.2 AArch64 TB flags: MMU index in bits [7:4]."""
    idx = (flags >> 4) & 0xF
    return {0: 0, 1: 0, 2: 1, 4: 1, 3: 2, 5: 2, 6: 2, 7: 3}.get(idx, -1)


class Profile:
    def __init__(self, start_pc: Optional[int] = None, per_cpu: bool = False):
        # start_pc: count guest exits only once a guest ran this address
        # (skips the set-up); per_cpu: exits of different CPUs apart.
        self.start_pc = start_pc
        self.active = start_pc is None
        self.per_cpu = per_cpu
        self.tb_len = {}
        self.tb_last = {}                      # host TB -> its last guest address
        self.pending = None
        self.pending_last = None
        # Windows (--evtchn): from a guest's hvc at win_open (the end of
        # its block) to the first instruction win_close (the IRQ vector)
        # on another CPU: instructions per (CPU, EL, pc) in between.
        self.win_open = self.win_close = None
        self.win_cpu = None                    # CPU of the open window
        self.win_same_cpu = False              # may close on the same CPU
        self.win_now = collections.Counter()
        self.win = collections.Counter()
        self.windows = 0
        self.in_block = False
        self.guest_started = False
        self.boot = collections.Counter()      # hyp pc buckets before the guest
        self.hyp_pcs = collections.Counter()   # (exit, hyp pc) -> insns
        self.traps = collections.Counter()     # exit -> count
        self.el_insns = collections.Counter()
        # Per CPU (QEMU's trace names the CPU of each block):
        self.exit = {}                         # cpu -> (last guest pc, first hyp pc)
        self.last_guest_pc = {}
        self.last_el = {}

    def window(self, cpu: int, host: str, pc: int, el: int, n: int) -> None:
        if self.win_cpu is not None:
            if el == 1 and pc == self.win_close and (cpu != self.win_cpu or
                                                     self.win_same_cpu):
                self.win.update(self.win_now)
                self.windows += 1
                self.win_cpu = None
                return
            self.win_now[(cpu, el, pc)] += n
        if el == 1 and self.tb_last.get(host) == self.win_open:
            self.win_cpu = cpu
            self.win_now = collections.Counter()

    def feed(self, line: str) -> None:
        if line.startswith("IN:"):
            self.in_block = True
            self.pending = 0
            return
        if self.in_block:
            mi = INSN.match(line)
            if mi:
                self.pending += 1
                self.pending_last = int(mi.group(1), 16)
                return
            if not line.strip():
                self.in_block = False
                return
            if not line.startswith("Trace"):
                return
            self.in_block = False
        m = TRACE.match(line)
        if not m:
            return
        cpu, host = int(m.group(1)), m.group(2)
        if self.pending is not None:
            self.tb_len[host] = self.pending
            self.tb_last[host] = self.pending_last
            self.pending = None
        n = self.tb_len.get(host, 1)
        pc, flags = int(m.group(4), 16), int(m.group(5), 16)
        el = el_of(flags)
        self.el_insns[el] += n
        if self.win_open is not None:
            self.window(cpu, host, pc, el, n)
        if el == 1:
            if not self.guest_started:
                self.guest_started = True
            if not self.active and pc == self.start_pc:
                self.active = True
            self.last_guest_pc[cpu] = pc
        elif el == 2:
            if not self.guest_started:
                self.boot[pc] += n
            elif self.active:
                if self.last_el.get(cpu) == 1:
                    self.exit[cpu] = (self.last_guest_pc.get(cpu), pc,
                                      cpu if self.per_cpu else None)
                    self.traps[self.exit[cpu]] += 1
                self.hyp_pcs[(self.exit.get(cpu), pc)] += n
        self.last_el[cpu] = el


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--args", default="tests=ops,timer loops=8 once=8 timer=8",
                    help="probe bootargs")
    ap.add_argument("--boot", action="store_true", help="also profile the boot")
    ap.add_argument("--evtchn", action="store_true",
                    help="profile the event-channel run instead (two probe domains, "
                         "-smp 2: sender and receiver exits)")
    ap.add_argument("--smp", type=int, default=2,
                    help="--evtchn: QEMU -smp (1: both domains share the CPU)")
    ap.add_argument("--yield", dest="yld", action="store_true",
                    help="profile two domains on one CPU (-smp 1) yielding to each "
                         "other (tests=yield and tests=yielder)")
    ap.add_argument("--top", type=int, default=8)
    args = ap.parse_args()

    if args.evtchn:
        run = bench.Run("profile-xenith-evtchn", "xenith", args.smp, 1,
                        "evtchn_n=16 evtchn_warm=2", "evtchn")
    elif args.yld:
        run = bench.Run("profile-xenith-yield", "xenith", 1, 1,
                        "yields=16 yield_warm=16", "yield")
    else:
        run = bench.Run("profile-xenith", "xenith", 1, 1, args.args)
    os.makedirs(run.workdir, exist_ok=True)
    qargs = bench.qemu_args(run)
    tmp = tempfile.mkdtemp()
    fifo = os.path.join(tmp, "trace")
    os.mkfifo(fifo)
    guest = Symbols(os.path.join(bench.BUILD, "guests", "probe.elf"))
    if args.evtchn:
        # Only the measuring loop: from the first send on.
        start = guest.addr[guest.name.index("evtchn_send")]
        prof = Profile(start, per_cpu=True)
        prof.win_open = guest.addr[guest.name.index("evtchn_send_hvc")]
        prof.win_close = guest.addr[guest.name.index("irq_entry")]
        prof.win_same_cpu = args.smp == 1
    elif args.yld:
        # From the timed yields on (the warm-up let d2 finish booting).
        prof = Profile(guest.addr[guest.name.index("monce_hcall_cal")], per_cpu=False)
    else:
        prof = Profile()

    def reader():
        with open(fifo, "r", errors="replace") as f:
            for line in f:
                prof.feed(line)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    proc = harness.start_qemu(qargs + ["-d", "exec,nochain,in_asm", "-D", fifo])
    con = harness.Console(proc, os.path.join(run.workdir, "console.log"))
    idx = bench.wait_line(con, r"BENCH done|UNEXPECTED", 600, 0)
    if args.evtchn and idx is not None and "BENCH done" in con.lines[idx]:
        idx = bench.wait_line(con, r"BENCH done|UNEXPECTED", 600, idx + 1)
    harness.stop(proc)
    t.join(timeout=30)
    con.close()
    if idx is None:
        print("profile: no 'BENCH done' (see %s)" % run.workdir)
        return 1
    text = "\n".join(con.lines)
    m = re.search(r"loaded at (0x[0-9a-f]+)", text)
    hyp = Symbols(bench.XENITH_ELF, int(m.group(1), 16) if m else 0)

    if args.boot:
        by = collections.Counter()
        for pc, n in prof.boot.items():
            by[hyp(pc)] += n
        total = sum(by.values())
        print("Xenith boot, power-on to the guest's first instruction: %d instructions" % total)
        for name, n in by.most_common(args.top * 2):
            print("  %10d  %5.1f%%  %s" % (n, 100.0 * n / total, name))
        print()

    # Per kind of exit (guest function that left EL1, EL2 vector it
    # entered): hypervisor instructions per exit, by function.
    def vector(pc: int) -> str:
        name = hyp(pc)
        base = hyp.addr[hyp.name.index(name)] if name in hyp.name else pc
        kinds = {0x400: "sync", 0x480: "irq", 0x500: "fiq", 0x580: "serror"}
        return kinds.get((pc - base) & ~0x7F, "%s+0x%x" % (name, pc - base))

    def exit_name(e) -> str:
        if not e:
            return "?"
        name = "%s, %s" % (guest(e[0]) if e[0] is not None else "?", vector(e[1]))
        return name if e[2] is None else "CPU%d %s" % (e[2], name)

    per_fn = collections.defaultdict(collections.Counter)
    traps = collections.Counter()
    for e, n in prof.traps.items():
        traps[exit_name(e)] += n
    for (e, hpc), n in prof.hyp_pcs.items():
        per_fn[exit_name(e)][hyp(hpc)] += n
    if prof.windows:
        # Where the event-channel latency goes: every instruction between
        # the sender's hvc and the receiver's vector, by CPU, EL, function.
        by = collections.Counter()
        for (cpu, el, pc), n in prof.win.items():
            fn = hyp(pc) if el == 2 else guest(pc)
            by[("CPU%d" % cpu, "EL%d" % el, fn)] += n
        k = prof.windows
        print("EVTCHNOP_send -> receiver's IRQ vector: %.0f instructions "
              "(QEMU's trace; %d samples)" % (sum(by.values()) / k, k))
        sub = collections.Counter()
        for (c, e, fn), n in by.items():
            sub[(c, e)] += n
        for (c, e), n in sorted(sub.items()):
            print("  %s %s: %.0f" % (c, e, n / k))
        for (c, e, fn), n in by.most_common(args.top * 3):
            print("  %8.1f  %s %s %s" % (n / k, c, e, fn))
        print()
    order = sorted(per_fn, key=lambda k: -sum(per_fn[k].values()))
    print("Xenith EL2 instructions per guest exit, by the guest code that exited")
    print("and the EL2 vector taken")
    for fn in order:
        c = per_fn[fn]
        k = traps[fn] or 1
        total = sum(c.values())
        print("%s: %d exits, %.0f EL2 instructions per exit" % (fn, traps[fn], total / k))
        for name, n in c.most_common(args.top):
            print("  %8.1f  %s" % (n / k, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
