#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make bench`: Xenith's costs next to Xen 4.17's, deterministically.

Boots the latency probe (guests/probe, build/guests/probe.bin) on QEMU's
virt board with -icount shift=0,sleep=off (one instruction = one ns of
virtual time, so every figure is an instruction count and the same on
every run):

  xenith   Xenith, -smp 1, one 1-vCPU dom0less guest
  xen      Debian's Xen 4.17, -smp 1, the same guest
  bare     no hypervisor: QEMU -kernel boots the probe at EL1
  *-ipi    Xenith and bare again with -smp 2 and a 2-vCPU guest for the
           IPI row (Xen 4.17 hangs under icount with -smp 2)
  *-evtchn two probe domains (1 vCPU each) with an event channel between
           them: xenith-evtchn with -smp 2 (one domain per CPU; Xen 4.17
           hangs under icount with -smp 2), xenith-evtchn1 and xen-evtchn
           with -smp 1 (both domains share the CPU: the scheduler switches
           from the sender to the receiver)
  *-shm[1] two probe domains with a static shared memory region and a
           static event channel between them (Xen 4.17's
           xen,domain-shared-memory-v1 and xen,evtchn-v1 bindings): the
           round trip of a 64-byte message and its answer; -smp 2 (one
           domain per CPU) and, *-shm1, -smp 1. Xenith only: Debian's Xen
           4.17 is built without CONFIG_STATIC_SHM
  *-static a probe domain whose RAM is xen,static-mem (power-on to its
           first instruction); Xenith only (Debian's Xen 4.17 has no
           CONFIG_STATIC_MEMORY)
  *-dom0   the probe as dom0 (probe-dom0.bin, 512 MiB 1:1, 1 vCPU,
           tests=ctl) beside an idle 64 MiB dom0less probe, -smp 1: the
           control domain's domctl getdomaininfo of the domU and sysctl
           physinfo; the hypervisor's memory for dom0 (against the
           xenith/xen run, the same domU alone)
  *-dom0-boot  the probe as dom0 alone (tests=none): power-on to dom0's
           first instruction
  *-yield  two probe domains on one CPU (-smp 1), both calling
           SCHEDOP_yield in a loop: each yield switches to the other
           domain and back (tests=yield and tests=yielder); *-yield0:
           the same yield with the probe alone (no switch)
  *-hog    two probe domains on one CPU (-smp 1): the vtimer test in d1,
           a spinning CPU hog in d2 (tests=timer and tests=hog)
  *-scale<N>[-smp2]  N = 1, 16, 64 dom0less domains (1 vCPU, 16 MiB each)
           booting one shared copy of the probe: d1 measures as "xenith"
           and "xen" do, d2..dN only stamp their first instruction and
           block in WFI; Xen 4.17 and Xenith with -smp 1, Xenith with
           -smp 2 (the scaling table: boot to the last domain, d1's
           figures against N, hypervisor memory per domain)
  linux-*  Debian's Linux 6.1 with a one-program initramfs
           (bench/linux/init.c) under each, for power-on to /init;
           linux-<hv>-shape boots the probe in Linux's place to learn the
           guest's counter offset (CNTVOFF) in that configuration

and prints one table (also build/bench/results.json, and results.md for
docs/performance.md). Then the block rows (bench/blk_bench.py: a Linux
domU's disk on one dom0 file, through virtio-blk and xenith-virtio under
Xenith, through blkfront/blkback under Xenith and Xen 4.17; -smp 1 and
icount, so virtual ns; Xenith's held to the baseline) in blk.json and
blk.md. Last, the wall-clock xl rows (bench/xl_wall.py,
without icount: host milliseconds, reported and never held to the
baseline; a run that fails makes make bench fail) in wall.json and wall.md.
Sizes: lines of the C/assembly files the hypervisor build compiles (from
its .d files), image sizes, memory footprint.

  bench/bench.py                   everything (about 30 s, and 30 s more for the
                                   wall-clock rows)
  bench/bench.py --only xenith xen just some runs (names: see RUNS)
  bench/bench.py --wall            only the wall-clock xl rows (bench/xl_wall.py:
                                   xl create and xl destroy from a Linux dom0
                                   under both; a full run does them last)
  bench/bench.py --no-wall         everything but those
  bench/bench.py --blk             only the block rows (about 40 s)
  bench/bench.py --no-blk          everything but those
  bench/bench.py --scaling         only the scaling runs (1, 16, 64 domains)
  bench/bench.py --no-xen-memory   do not ask Xen for its memory use ('m' key)
  bench/bench.py --check           Xenith's runs and block rows only, each figure
                                   held to bench/baseline.json (+5%; tests/run
                                   does this)
  bench/bench.py --write-baseline  Xenith's runs only, their figures written
                                   to bench/baseline.json
  bench/bench.py --add-baseline    Xenith's runs only, only the figures the
                                   baseline does not have yet added to it

Environment: XENITH_BUILD (build dir, default build/), XENITH_CACHE, QEMU.
Logs: build/bench/<run>/console.log and qemu.cmd.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

import harness  # noqa: E402
import baseline  # noqa: E402
import xl_wall  # noqa: E402
import blk_bench  # noqa: E402

# QEMU puts random rng-seed/kaslr-seed properties into the device trees it
# generates, which makes a Linux boot (and anything that reads them) vary
# from run to run. Off for every bench run, hypervisor DTBs included.
harness.MACHINE += ",dtb-randomness=off"
BARE_MACHINE = "virt,gic-version=3,dtb-randomness=off"

BUILD = harness.BUILD
OUT = os.path.join(BUILD, "bench")
PROBE = os.path.join(BUILD, "guests", "probe.bin")
# The probe with evtchn=ping|pong (static shared memory), for the *-shm runs
PROBE_SHM = os.path.join(BUILD, "guests", "probe-shm.bin")
# The probe with tests=ctl, linked at dom0's RAM base, for the *-dom0 runs
PROBE_DOM0 = os.path.join(BUILD, "guests", "probe-dom0.bin")
XENITH_ELF = os.path.join(BUILD, "hyp", "xenith.elf")

LINUX_KERNEL = os.environ.get("BENCH_LINUX", "")
if not LINUX_KERNEL:
    _k = sorted(glob.glob(os.path.join(harness.CACHE, "linux", "boot", "vmlinuz-*")))
    LINUX_KERNEL = _k[-1] if _k else os.path.join(harness.CACHE, "linux", "boot", "vmlinuz")
INITRAMFS = os.path.join(OUT, "linux", "initramfs.cpio")
INIT_SRC = os.path.join(HERE, "linux", "init.c")
LINUX_GUEST_MB = 512    # Linux's RAM: the domU's, and bare QEMU's -m

ICOUNT = ["-icount", "shift=0,sleep=off"]
# The PL031 RTC follows the host's wall clock by default; Linux reads it at
# boot. Pin it to virtual time from a fixed date.
RTC = ["-rtc", "base=2024-01-01T00:00:00,clock=vm"]
MEM_MB = int(os.environ.get("BENCH_MEM_MB", "2048"))  # same machine for every run
GUEST_KB = 64 * 1024
# Xen 4.17's reference configuration. No sync_console: it adds a 3 s
# countdown at the end of boot ("3... 2... 1...") that would dominate the
# power-on figure. bootscrub=off: no scrubbing of free RAM (by default Xen
# scrubs it in the background: +7 M instructions before the guest starts).
# timer_slop=0: Xen's timers may otherwise fire up to 50 us late (the
# default slop coalesces them), which is most of its WFI latency (37 us).
# With these, Xen reproduces the reference numbers quoted in issue #4.
XEN_ARGS = "console=dtuart bootscrub=off timer_slop=0"
# Xenith boots from the same command line (it reads bootscrub the way Xen
# does and ignores the options it does not have), so both hypervisors get
# the same device tree.
HV_BOOTARGS = {"xen": os.environ.get("BENCH_XEN_ARGS", XEN_ARGS),
               "xenith": os.environ.get("BENCH_XENITH_ARGS", XEN_ARGS)}
# Host seconds per boot before giving up (the runs take 0.1-15 s; Xen's
# event-channel run waits out a 3 s warning countdown, "SILO mode is not
# enabled", in virtual time).
TIMEOUT = {"probe": 60.0, "linux-shape": 60.0, "linux": 150.0, "evtchn": 60.0,
           "yield": 60.0, "yield_fp": 60.0, "hog": 60.0, "shm": 60.0, "static": 60.0,
           "dom0": 60.0, "dom0-alone": 60.0, "ioreq": 60.0}
# Runs with a partner domain (d2) that only keeps the CPU busy: its BENCH
# lines (boot, info) are left out of the figures.
PARTNER_GUESTS = ("yield", "yield_fp", "hog")
# The vtimer test next to a hog: samples per variant (spinning, WFI).
HOG_TIMER_SAMPLES = 500
# The event-channel runs: both domains need the /hypervisor node and the
# event-channel ABI (xen,enhanced), and Debian's Xen 4.17 must run its
# classic XSM policy: the default (SILO) refuses channels between two
# domUs. Xenith gets the same command line and ignores the option.
ENHANCED = {"xen,enhanced": '"no-xenstore"'}
EVTCHN_HV_EXTRA = " xsm=dummy"

# The static shared memory runs: d1 (ping) owns a 2 MiB region of host RAM
# that d2 (pong) borrows, each at its own guest address inside the 1 GiB
# block of its RAM (the probe maps those blocks Normal), and the two are
# joined by a static event channel (ports 5 and 1023: the hypervisor binds
# it at boot; d2's port, the pair's second, starts pending).
SHM_PADDR, SHM_SIZE = 0x70000000, 0x200000
SHM_GADDR = (0x60000000, 0x68000000)
SHM_PORTS = (5, 1023)
SHM_SAMPLES = "evtchn_n=1000 evtchn_warm=16"
# The static-memory run: the guest's 64 MiB are host RAM at 0x60000000
# (xen,static-mem, in /chosen's cells: 2 and 2).
STATIC_MEM = (0x60000000, GUEST_KB * 1024)

# The dom0 runs: the probe as dom0 (probe-dom0.bin, linked at 0x60200000:
# both hypervisors put a 512 MiB dom0 at host 0x60000000 on this board
# and load an Image at its RAM base + text_offset), 1 vCPU, -smp 1, as
# Xen 4.17's docs/misc/arm/device-tree/booting.txt boots one. *-dom0: it
# sleeps DOM0_SETTLE_US in WFI (the idle domU boots and blocks
# meanwhile), then times its calls on domain 1, the domU; *-dom0-boot:
# dom0 alone, only its first instruction.
DOM0_MEM_MB = 512
DOM0_XEN_ARGS = "dom0_mem=%dM dom0_max_vcpus=1" % DOM0_MEM_MB
DOM0_SETTLE_US = 10000
DOM0_CTL_ARGS = "tests=ctl target=1 settle=%d" % DOM0_SETTLE_US


def shm_domains() -> List[harness.Domain]:
    doms = []
    for i, (role, shm_role) in enumerate((("ping", "owner"), ("pong", "borrower"))):
        me, peer = "ev_%s" % role, "ev_%s" % ("pong" if role == "ping" else "ping")
        children = [
            '%s: evtchn {\n\tcompatible = "xen,evtchn-v1";\n\txen,evtchn = <0x%x &%s>;\n};'
            % (me, SHM_PORTS[i], peer),
            'shm0 {\n\tcompatible = "xen,domain-shared-memory-v1";\n\txen,shm-id = "bench";\n'
            '\txen,shared-mem = <0x0 0x%x 0x0 0x%x 0x0 0x%x>;\n\trole = "%s";\n};'
            % (SHM_PADDR, SHM_GADDR[i], SHM_SIZE, shm_role)]
        doms.append(harness.Domain(
            kernel=PROBE_SHM, memory_kb=GUEST_KB, cpus=1, extra=dict(ENHANCED), children=children,
            bootargs="tests=evtchn evtchn=%s port=%d %s" % (role, SHM_PORTS[i], SHM_SAMPLES)))
    return doms


# The scaling runs (issue #12): N dom0less domains of 1 vCPU and 16 MiB,
# all booting the one copy of the probe (a shared module). d1 measures
# (tests=ops,timer, after sleeping SCALE_SETTLE_US in WFI so that the
# others have booted and blocked by then); d2..dN have no bootargs, which
# makes the probe print its power-on figure and block in WFI for good
# (tests=idle; Xen 4.17 keeps the command lines of only 32 modules).
SCALE_NS = (1, 16, 64)
SCALE_GUEST_KB = 16 * 1024
SCALE_SETTLE_US = 50000
SCALE_ARGS = "tests=ops,timer settle=%d" % SCALE_SETTLE_US
# (key, column label, hypervisor, -smp): the runs are <hv>-scale<N> and
# xenith-scale<N>-smp2 (Xen 4.17 hangs under icount with -smp 2).
SCALE_CONFIGS = [
    ("xenith", "Xenith", "xenith", 1),
    ("xenith-smp2", "Xenith", "xenith", 2),
    ("xen", "Xen 4.17", "xen", 1),
]
# d1's figures in the scaling table (all "op" but the timer's "stat").
SCALE_TRAPS = [("hc_xen_version", "op"), ("psci_version", "op"), ("mmio_read", "op"),
               ("mmio_write", "op"), ("timer_spin", "stat"), ("timer_wfi", "stat")]
# d1's figures with N domains against alone: within this (issue #12).
SCALE_TOLERANCE = 0.05


def scale_run_name(cfg: str, n: int) -> str:
    hv = "xenith" if cfg.startswith("xenith") else cfg
    return "%s-scale%d%s" % (hv, n, "-smp2" if cfg.endswith("smp2") else "")


def scale_n(guest: str) -> int:
    """Number of domains of a "scale<N>" guest, else 0."""
    m = re.match(r"scale(\d+)$", guest)
    return int(m.group(1)) if m else 0


# Targets for Xenith (issue #4), in ns = instructions.
TARGETS = {
    "hc_xen_version": 120,
    "psci_version": 150,
    "mmio_read": 170,
    "timer_spin": 160,
    "timer_wfi": 200,
    "boot_first_insn": 400000,
    "image_bytes": 200 * 1024,
}
# Figures someone measured on Xen 4.17 before this benchmark existed.
XEN_REFERENCE = {
    "psci_version": 479,
    "mmio_read": 613,
    "timer_spin": 1085,
    "timer_wfi": 4192,
    "boot_first_insn": 22.6e6,
}


# ---------------------------------------------------------------------------
# Running QEMU
# ---------------------------------------------------------------------------
class Run:
    """One QEMU boot. guest: "probe" (the latency probe), "linux" (Linux
    with the bench initramfs) or "linux-shape" (the probe placed exactly
    like that Linux run: same module addresses and sizes, same bootargs,
    same guest RAM, so the hypervisor sets the same CNTVOFF)."""

    def __init__(self, name: str, kind: str, smp: int, vcpus: int, bootargs: str,
                 guest: str = "probe", cpu: Optional[str] = None, hv_extra: str = ""):
        self.name, self.kind, self.smp, self.vcpus = name, kind, smp, vcpus
        self.cpu = cpu or harness.CPU
        self.hv_extra = hv_extra   # added to the hypervisor's command line
        self.bootargs = bootargs
        self.guest = guest
        self.lines: List[str] = []
        self.bench: Dict[str, Dict[str, str]] = {}
        # "BENCH <key>.t i=K v=a,b,..." lines: key -> {index: value}
        self.arrays: Dict[str, Dict[int, int]] = {}
        self.error: Optional[str] = None
        # scaling runs: domain -> its first instruction (ns since power-on)
        self.first_insn: Dict[int, int] = {}
        self.elapsed = 0.0
        self.workdir = os.path.join(OUT, name)


def align_up(v: int, a: int) -> int:
    return (v + a - 1) & ~(a - 1)


def cpio_newc(entries) -> bytes:
    """An uncompressed "newc" cpio archive: (name, mode, data, (major, minor))."""
    out = bytearray()
    for ino, (name, mode, data, rdev) in enumerate(
            list(entries) + [("TRAILER!!!", 0, b"", (0, 0))], 1):
        nb = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0)
        out += b"070701" + "".join("%08x" % v for v in fields).encode() + nb
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def build_initramfs() -> Optional[str]:
    """bench/linux/init.c -> build/bench/linux/initramfs.cpio (/dev/console
    and /init). Returns an error string, or None."""
    if not os.path.exists(LINUX_KERNEL):
        return "no Linux kernel in %s (scripts/setup.sh --linux)" % os.path.dirname(LINUX_KERNEL)
    d = os.path.dirname(INITRAMFS)
    os.makedirs(d, exist_ok=True)
    init = os.path.join(d, "init")
    cc = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-") + "gcc"
    try:
        subprocess.run([cc, "-static", "-nostdlib", "-ffreestanding", "-fno-pic", "-no-pie",
                        "-O2", "-Wall", "-Wextra", "-Werror", "-fno-stack-protector",
                        "-Wl,--build-id=none", "-o", init, INIT_SRC],
                       check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        return "building %s failed: %s" % (INIT_SRC, getattr(e, "stderr", e))
    with open(init, "rb") as f:
        data = f.read()
    with open(INITRAMFS, "wb") as f:
        f.write(cpio_newc([("dev", 0o040755, b"", (0, 0)),
                           ("dev/console", 0o020600, b"", (5, 1)),
                           ("init", 0o100755, data, (0, 0))]))
    return None


def parse_kv(text: str) -> Dict[str, str]:
    out = {}
    for m in re.finditer(r'(\w+)=("[^"]*"|\S+)', text):
        out[m.group(1)] = m.group(2).strip('"')
    return out


def collect(run: Run) -> None:
    """BENCH lines -> run.bench[key] = {k: v}; info lines are merged."""
    for line in run.lines:
        dom, text = harness.strip_dom(line)
        if run.guest in PARTNER_GUESTS and dom == 2:
            continue
        if run.guest.startswith("dom0") and dom not in (None, 0):
            # the idle domU: only when it started
            m = re.search(r"BENCH idle first_insn_ns=(\d+)", text)
            if m:
                run.first_insn.setdefault(dom, int(m.group(1)))
            continue
        if scale_n(run.guest):
            m = re.search(r"BENCH (?:idle|boot) first_insn_ns=(\d+)", text)
            if m and dom is not None:
                run.first_insn.setdefault(dom, int(m.group(1)))
            if dom not in (None, 1):
                continue
        m = re.search(r"BENCH-INIT (cntvct=\d+)", text)
        if m:
            run.bench.setdefault("init", {}).update(parse_kv(m.group(1)))
            continue
        m = re.match(r"^BENCH (\S+)\s*(.*)$", text.strip())
        if not m:
            continue
        key, rest = m.group(1), m.group(2)
        if key.endswith(".t"):
            kv = parse_kv(rest)
            arr = run.arrays.setdefault(key[:-2], {})
            for j, v in enumerate(kv.get("v", "").split(",")):
                if v.isdigit():
                    arr[int(kv.get("i", "0")) + j] = int(v)
            continue
        run.bench.setdefault(key, {}).update(parse_kv(rest))


def linux_domain(run: Run) -> harness.Domain:
    """Linux, or the probe in Linux's place (guest "linux-shape"). Fixed
    module addresses: the hypervisor's work before it sets the guest's
    counter offset must not depend on which of the two it boots."""
    ksize = os.path.getsize(LINUX_KERNEL)
    rd_addr = align_up(harness.MODULE_BASE + ksize, harness.MODULE_ALIGN) + harness.MODULE_ALIGN
    dom = harness.Domain(kernel=LINUX_KERNEL, bootargs=run.bootargs,
                         memory_kb=LINUX_GUEST_MB * 1024, cpus=run.vcpus,
                         ramdisk=INITRAMFS, kernel_addr=harness.MODULE_BASE,
                         ramdisk_addr=rd_addr)
    if run.guest == "linux-shape":
        dom.kernel = PROBE
        dom.kernel_size = ksize
    return dom


def qemu_args(run: Run) -> List[str]:
    if run.kind == "bare":
        args = [harness.QEMU, "-M", BARE_MACHINE, "-cpu", run.cpu,
                "-smp", str(run.smp), "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-nic", "none", "-no-reboot",
                "-append", run.bootargs]
        if run.guest == "linux":
            args += ["-m", "%dM" % LINUX_GUEST_MB, "-kernel", LINUX_KERNEL,
                     "-initrd", INITRAMFS]
        else:
            args += ["-m", "%dM" % MEM_MB, "-kernel", PROBE]
        return args + ICOUNT + RTC
    hv_args = HV_BOOTARGS[run.kind] + (" " + run.hv_extra if run.hv_extra else "")
    if run.guest == "probe":
        doms = [harness.Domain(kernel=PROBE, bootargs=run.bootargs, memory_kb=GUEST_KB,
                               cpus=run.vcpus)]
    elif run.guest == "evtchn":
        # d1 sends, d2 receives (it offers port 1 to d1).
        doms = [harness.Domain(kernel=PROBE, memory_kb=GUEST_KB, cpus=run.vcpus,
                               bootargs="tests=evtchn evtchn=tx peer=2 port=1 " + run.bootargs,
                               extra=dict(ENHANCED)),
                harness.Domain(kernel=PROBE, memory_kb=GUEST_KB, cpus=run.vcpus,
                               bootargs="tests=evtchn evtchn=rx peer=1 " + run.bootargs,
                               extra=dict(ENHANCED))]
        hv_args += EVTCHN_HV_EXTRA
    elif run.guest == "shm":
        doms = shm_domains()
    elif run.guest == "static":
        doms = [harness.Domain(kernel=PROBE, bootargs=run.bootargs, memory_kb=GUEST_KB,
                               cpus=run.vcpus, extra={"xen,static-mem": "<0x0 0x%x 0x0 0x%x>"
                                                      % STATIC_MEM})]
    elif run.guest in ("yield", "yield_fp"):
        # d1 times its yields, d2 yields forever (yield_fp: touching FP/SIMD
        # before each yield).
        partner = "tests=yielder" if run.guest == "yield" else "tests=yielder_fp"
        doms = [harness.Domain(kernel=PROBE, memory_kb=GUEST_KB, cpus=run.vcpus,
                               bootargs="tests=yield " + run.bootargs),
                harness.Domain(kernel=PROBE, memory_kb=GUEST_KB, cpus=run.vcpus,
                               bootargs=partner)]
    elif run.guest == "hog":
        # d1 runs the vtimer test, d2 spins forever.
        doms = [harness.Domain(kernel=PROBE, memory_kb=GUEST_KB, cpus=run.vcpus,
                               bootargs="tests=timer " + run.bootargs),
                harness.Domain(kernel=PROBE, memory_kb=GUEST_KB, cpus=run.vcpus,
                               bootargs="tests=hog")]
    elif run.guest in ("dom0", "dom0-alone"):
        # The probe as dom0; beside it (dom0) an idle probe domU, the
        # calls' target, with no bootargs (tests=idle).
        dom0 = harness.Dom0(kernel=PROBE_DOM0, bootargs=run.bootargs, xen_args=DOM0_XEN_ARGS)
        doms = [] if run.guest == "dom0-alone" else [
            harness.Domain(kernel=PROBE, bootargs="", memory_kb=GUEST_KB, cpus=run.vcpus)]
        sc = harness.Scenario(name="bench-" + run.name, domains=doms, smp=run.smp,
                              mem_mb=MEM_MB, hv_bootargs=hv_args, cpu=run.cpu, dom0=dom0)
        loader = harness.Loader()
        dtb = harness.build_dtb(sc, run.kind, run.workdir, loader)
        return harness.qemu_command(sc, harness.resolve_hv(run.kind), dtb, loader) + ICOUNT + RTC
    elif run.guest == "ioreq":
        # The probe as dom0 is the device model (tests=ioreq_dm) of a
        # device in d1, whose probe times its accesses (tests=ioreq).
        dom0 = harness.Dom0(kernel=PROBE_DOM0, bootargs="tests=ioreq_dm target=1",
                            xen_args=DOM0_XEN_ARGS)
        doms = [harness.Domain(kernel=PROBE, bootargs=run.bootargs, memory_kb=GUEST_KB,
                               cpus=run.vcpus)]
        sc = harness.Scenario(name="bench-" + run.name, domains=doms, smp=run.smp,
                              mem_mb=MEM_MB, hv_bootargs=hv_args, cpu=run.cpu, dom0=dom0)
        loader = harness.Loader()
        dtb = harness.build_dtb(sc, run.kind, run.workdir, loader)
        return harness.qemu_command(sc, harness.resolve_hv(run.kind), dtb, loader) + ICOUNT + RTC
    elif scale_n(run.guest):
        # One copy of the probe for all: every module node has its reg.
        probe = harness.Module(path=PROBE)
        doms = [harness.Domain(kernel=probe, bootargs=run.bootargs,
                               memory_kb=SCALE_GUEST_KB, cpus=run.vcpus)]
        doms += [harness.Domain(kernel=probe, bootargs="", memory_kb=SCALE_GUEST_KB,
                                cpus=run.vcpus) for _ in range(scale_n(run.guest) - 1)]
    else:
        doms = [linux_domain(run)]
    sc = harness.Scenario(name="bench-" + run.name, domains=doms, smp=run.smp,
                          mem_mb=MEM_MB, hv_bootargs=hv_args, cpu=run.cpu)
    loader = harness.Loader()
    dtb = harness.build_dtb(sc, run.kind, run.workdir, loader)
    return harness.qemu_command(sc, harness.resolve_hv(run.kind), dtb, loader) + ICOUNT + RTC


def execute(run: Run, ask_xen_mem: bool = True) -> None:
    shutil.rmtree(run.workdir, ignore_errors=True)
    os.makedirs(run.workdir)
    t0 = time.monotonic()
    n_doms = scale_n(run.guest)
    timeout = TIMEOUT[run.guest] if not n_doms else 60.0 + 1.0 * n_doms
    if run.kind != "bare" and not os.path.exists(harness.resolve_hv(run.kind)):
        run.error = "hypervisor image not found: %s" % harness.resolve_hv(run.kind)
        return
    if run.guest.startswith("dom0") and not os.path.exists(PROBE_DOM0):
        run.error = "%s missing (run make)" % PROBE_DOM0
        return
    try:
        args = qemu_args(run)
    except subprocess.CalledProcessError as e:
        run.error = "building the DTB failed: %s %s" % (e, e.stderr)
        return
    with open(os.path.join(run.workdir, "qemu.cmd"), "w") as f:
        f.write(" ".join(args) + "\n")
    proc = harness.start_qemu(args)
    con = harness.Console(proc, os.path.join(run.workdir, "console.log"))
    try:
        deadline = t0 + timeout
        done = "BENCH-INIT cntvct=\\d+" if run.guest == "linux" else "BENCH done"
        idx = wait_line(con, done + r"|UNEXPECTED|Panic|PANIC|Kernel panic",
                        deadline - time.monotonic(), 0)
        if run.guest in ("evtchn", "shm") and idx is not None and re.search(done, con.lines[idx]):
            # Both domains say "BENCH done".
            idx = wait_line(con, done + r"|UNEXPECTED|Panic|PANIC",
                            deadline - time.monotonic(), idx + 1)
        if idx is None:
            run.error = "timeout after %.0fs (no '%s')" % (timeout, done)
        elif not re.search(done, con.lines[idx]):
            con.pump(0.5)
            run.error = "guest or hypervisor failed: %s" % con.lines[idx]
        elif ask_xen_mem and run.kind == "xen":
            xen_memory_keys(con, max(n_doms, 1) + 3)
    finally:
        harness.stop(proc)
        try:
            while con.pump(0.0):
                pass
        except (OSError, ValueError):
            pass
        con.close()
    run.lines = con.lines + ([con.partial] if con.partial else [])
    run.elapsed = time.monotonic() - t0
    collect(run)
    if run.guest in PARTNER_GUESTS and not run.error and not any(
            harness.strip_dom(line)[0] == 2 and
            re.search(r"BENCH info (yielder|yielder_fp|hog) running", line) for line in run.lines):
        run.error = "the partner domain (d2) never ran"
    if n_doms and not run.error:
        run.error = scale_check(run, n_doms)
    if run.guest == "dom0" and not run.error:
        run.error = dom0_check(run)
    if run.guest == "shm" and not run.error:
        f = shm_figures(run)
        ping, pong = run.bench.get("shm_ping", {}), run.bench.get("shm_pong", {})
        if not f:
            run.error = "no round trips measured (shm_ping/shm_rt lines missing)"
        elif int(ping.get("lost", 1)) or int(ping.get("bad", 1)) or int(pong.get("bad", 1)):
            run.error = "static shm: %s answers lost, %s bad answers, %s bad messages" % (
                ping.get("lost"), ping.get("bad"), pong.get("bad"))
    if run.guest == "evtchn" and not run.error:
        f = evtchn_figures(run)
        if not f:
            run.error = "no event-channel samples from both domains"
        elif f["lost"] or f["unpaired"]:
            run.error = "event channel: %d answers lost, %d samples unpaired" % (
                f["lost"], f["unpaired"])


def wait_line(con: harness.Console, regex: str, timeout: float, start: int) -> Optional[int]:
    """Index of the first complete console line >= start matching regex."""
    pat = re.compile(regex)
    deadline = time.monotonic() + timeout
    while True:
        for i in range(start, len(con.lines)):
            if pat.search(con.lines[i]):
                return i
        left = deadline - time.monotonic()
        if left <= 0 or not con.pump(min(left, 0.2)):
            return None


def scale_check(run: Run, n_doms: int) -> Optional[str]:
    """A scaling run counts only if every domain started, and all of d2..dN
    had printed their line (and so were about to block) before d1 began
    measuring: nothing but d1 ran during the measurements."""
    missing = sorted(set(range(1, n_doms + 1)) - set(run.first_insn))
    if missing:
        return "%d of %d domains never started (d%s)" % (
            len(missing), n_doms, ",d".join(str(d) for d in missing[:8]))
    start = last_idle = None
    for i, line in enumerate(run.lines):
        dom, text = harness.strip_dom(line)
        if dom == 1 and start is None and re.match(r"BENCH (info settle|null\.loop)", text):
            start = i
        if dom not in (None, 1) and text.startswith("BENCH idle"):
            last_idle = i
    if start is None:
        return "d1 printed no 'BENCH info settle' line"
    if last_idle is not None and last_idle > start:
        return ("a domain booted while d1 was measuring (%s): raise SCALE_SETTLE_US"
                % run.lines[last_idle])
    return None


def dom0_check(run: Run) -> Optional[str]:
    """A dom0 run counts only if the domU started and had printed its
    line (and so was about to block) before dom0 began timing its calls:
    nothing but dom0 ran during the measurements."""
    start = last_idle = None
    for i, line in enumerate(run.lines):
        dom, text = harness.strip_dom(line)
        if dom in (None, 0) and start is None and text.startswith("BENCH domctl_"):
            start = i
        if dom == 1 and text.startswith("BENCH idle"):
            last_idle = i
    if start is None:
        return "dom0 timed no domctl (no 'BENCH domctl_getdomaininfo' line)"
    if last_idle is None:
        return "the domU (d1) never started"
    if last_idle > start:
        return ("the domU booted while dom0 was measuring (%s): raise DOM0_SETTLE_US"
                % run.lines[last_idle])
    return None


def xen_memory_keys(con: harness.Console, switches: int = 4) -> None:
    """Switches Xen's console input to Xen (CTRL-a three times, as often as
    needed: DOM0 -> DOM1 -> ... -> Xen) and sends the 'm' debug key
    (memory information). Only after the measurements."""
    start = len(con.lines)
    for _ in range(switches):
        con.send(b"\x01\x01\x01")
        i = wait_line(con, r"\*\*\* Serial input to", 10, start)
        if i is None:
            return
        start = i + 1
        if "Serial input to Xen" in con.lines[i]:
            break
    else:
        return
    con.send(b"m")
    wait_line(con, r"Dom heap: \d+kB free", 10, start)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------
def op_figures(run: Run, key: str) -> Optional[dict]:
    loop, once = run.bench.get(key + ".loop"), run.bench.get(key)
    if not loop or not once:
        return None
    # mean/min/max: one stamped operation at a time (the worst case needs
    # that); loop_mean: back-to-back operations, stamped once around the
    # loop. They differ only when something else ran during the loop
    # (e.g. a hypervisor timer interrupt).
    n = int(once["n"])
    return {"mean": int(once["sum"]) / n, "min": int(once["min"]),
            "max": int(once["max"]), "n": n,
            "loop_mean": (int(loop["fire"]) - int(loop["cal"])) / int(loop["n"]),
            "loop_n": int(loop["n"])}


def half_figures(f: Optional[dict]) -> Optional[dict]:
    """One of the two switches of a yield round trip: half of it."""
    if not f:
        return None
    return {k: (v / 2 if k in ("mean", "min", "max", "loop_mean") else v)
            for k, v in f.items()}


def stat_figures(run: Run, key: str) -> Optional[dict]:
    s = run.bench.get(key)
    if not s or int(s.get("n", 0)) == 0:
        return None
    n = int(s["n"])
    return {"mean": int(s["sum"]) / n, "min": int(s["min"]), "max": int(s["max"]), "n": n}


def linux_figures(runs: Dict[str, "Run"], name: Optional[str]) -> Optional[dict]:
    """Power-on to Linux's /init: the init's CNTVCT plus the counter offset
    the hypervisor gave the guest, measured by the probe booted in the
    same place ("-shape" run). No hypervisor: the offset is 0."""
    if not name or name not in runs:
        return None
    r = runs[name]
    init = r.bench.get("init")
    if not init:
        return None
    period = 16  # ns per tick of QEMU virt's 62.5 MHz counter
    off = 0
    if r.kind != "bare":
        shape = runs.get(name + "-shape")
        b = shape.bench.get("boot") if shape else None
        if not b:
            return None
        off = int(b["cntvoff_ticks"])
        period = 10 ** 9 // int(shape.bench.get("info", {}).get("cntfrq", 62500000))
        first = int(b["first_insn_ns"])
    else:
        first = None
    v = (int(init["cntvct"]) + off) * period
    return {"mean": v, "min": v, "max": v, "n": 1, "cntvct": int(init["cntvct"]),
            "cntvoff_ticks": off,
            # power-on to the kernel's first instruction, in this layout
            "first_insn_ns": first}


def evtchn_figures(run: Run) -> Optional[dict]:
    """Pairs the sender's send times with the receiver's vector times
    (both on the physical counter's time base): sample i of one with
    sample i of the other, after the untimed warm-up ones."""
    tx, rx = run.arrays.get("evtchn_tx"), run.arrays.get("evtchn_rx")
    info = run.bench.get("evtchn_tx")
    if not tx or not rx or not info:
        return None
    warm, n = int(info["warm"]), int(info["n"])
    lat = [rx[i] - tx[i] - 1 for i in range(warm, warm + n) if i in tx and i in rx]
    if not lat:
        return None
    return {"mean": sum(lat) / len(lat), "min": min(lat), "max": max(lat),
            "n": len(lat), "lost": int(info.get("lost", 0)),
            "unpaired": n - len(lat)}


def shm_figures(run: Run) -> Optional[dict]:
    """The round trips ping measured on its own time base, after the
    untimed warm-up ones."""
    rt, info = run.arrays.get("shm_rt"), run.bench.get("shm_ping")
    if not rt or not info:
        return None
    warm, n = int(info["warm"]), int(info["n"])
    lat = [rt[i] for i in range(warm, warm + n) if i in rt]
    if not lat:
        return None
    return {"mean": sum(lat) / len(lat), "min": min(lat), "max": max(lat), "n": len(lat)}


def boot_figures(run: Run) -> Optional[dict]:
    b = run.bench.get("boot")
    if not b:
        return None
    v = int(b["first_insn_ns"])
    return {"mean": v, "min": v, "max": v, "n": 1}


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------
def hyp_sources() -> List[str]:
    """Every project file the hypervisor build compiled or included,
    from the compiler's .d files under build/hyp."""
    files = set()
    base = os.path.join(BUILD, "hyp")
    hyp_dir = os.path.join(ROOT, "hyp")
    for dirpath, _, names in os.walk(base):
        for n in names:
            if not n.endswith(".d"):
                continue
            with open(os.path.join(dirpath, n)) as f:
                text = f.read().replace("\\\n", " ")
            for rule in text.splitlines():
                if ":" not in rule:
                    continue
                _, deps = rule.split(":", 1)
                for dep in deps.split():
                    p = os.path.normpath(os.path.join(hyp_dir, dep))
                    if p.startswith(ROOT + os.sep) and os.path.exists(p):
                        files.add(p)
    return sorted(files)


def count_lines(path: str) -> (int, int):
    """(physical lines, code lines: not blank, not only comment)."""
    total = code = 0
    in_block = False
    with open(path, errors="replace") as f:
        for line in f:
            total += 1
            s = line.strip()
            if in_block:
                if "*/" in s:
                    in_block = False
                    s = s.split("*/", 1)[1].strip()
                else:
                    continue
            if s.startswith("/*"):
                if "*/" not in s:
                    in_block = True
                    continue
                s = s.split("*/", 1)[1].strip()
            if not s or s.startswith("//"):
                continue
            code += 1
    return total, code


def size_figures() -> dict:
    files = hyp_sources()
    by = {"c": [0, 0, 0], "h": [0, 0, 0], "asm": [0, 0, 0]}
    for p in files:
        ext = os.path.splitext(p)[1]
        kind = {".c": "c", ".h": "h", ".S": "asm", ".s": "asm"}.get(ext)
        if not kind:
            continue
        t, c = count_lines(p)
        by[kind][0] += 1
        by[kind][1] += t
        by[kind][2] += c
    out = {"files": {k: v[0] for k, v in by.items()},
           "lines": {k: v[1] for k, v in by.items()},
           "code_lines": {k: v[2] for k, v in by.items()},
           "file_list": [os.path.relpath(p, ROOT) for p in files]}
    xenith_bin = harness.XENITH_IMAGE
    out["xenith_image_bytes"] = os.path.getsize(xenith_bin) if os.path.exists(xenith_bin) else None
    out["xen_image_bytes"] = os.path.getsize(harness.XEN_IMAGE) if os.path.exists(harness.XEN_IMAGE) else None
    return out


def elf_symbol(path: str, name: str) -> Optional[int]:
    nm = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-") + "nm"
    try:
        r = subprocess.run([nm, path], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    return None


def xenith_footprint(run: Run) -> Optional[dict]:
    """Host RAM Xenith keeps for itself once the guest runs. Its boot log
    says so ("Hypervisor memory: N KiB (image and data ..., P2M pools ...,
    shared_info and grant frames ...)"); older builds did not, then: its
    image ([_start, _end) from the ELF: text, data, bss, stacks) plus the
    P2M pools the log reports."""
    text = "\n".join(run.lines)
    m = re.search(r"Hypervisor memory: (\d+) KiB \(([^)]*)\)", text)
    if m:
        parts = {k.strip(): int(v) * 1024 for v, k in
                 ((p.split()[-2], " ".join(p.split()[:-2])) for p in m.group(2).split(","))
                 if v.isdigit()}
        return {"bytes": int(m.group(1)) * 1024, "parts": parts,
                "method": "Xenith boot log 'Hypervisor memory' line"}
    img = elf_symbol(XENITH_ELF, "_end")
    start = elf_symbol(XENITH_ELF, "_start")
    pools = [int(m.group(1)) for m in re.finditer(r"P2M pool (\d+) pages", text)]
    if img is None or not pools:
        return None
    image = img - (start or 0)
    p2m = sum(pools) * 4096
    return {"bytes": image + p2m, "parts": {"image and data": image, "P2M pools": p2m},
            "method": "ELF _end - _start + P2M pools from the boot log"}


def dom0_memory(runs: Dict[str, Run], hv: str) -> Optional[dict]:
    """What dom0 (DOM0_MEM_MB, 1 vCPU) costs the hypervisor beyond its
    RAM: its memory after boot with dom0 and the idle 64 MiB domU (run
    <hv>-dom0) minus with the same domU alone (run <hv>), guest RAM left
    out of both. Xen: from the 'm' debug key's free domain heap; Xenith:
    from its boot log's "Hypervisor memory" lines (the P2M pools too)."""
    r, r1 = runs.get(hv + "-dom0"), runs.get(hv)
    if not r or not r1 or r.error or r1.error:
        return None
    if hv == "xen":
        free, free1 = xen_dom_heap_free(r), xen_dom_heap_free(r1)
        if free is None or free1 is None:
            return None
        return {"bytes": free1 - free - DOM0_MEM_MB * MIB,
                "method": "'Dom heap' free ('m' debug key) of the xen run - of the xen-dom0 "
                          "run - dom0's RAM"}
    m, m1 = xenith_memory(r), xenith_memory(r1)
    if not m or not m1:
        return None
    out = {"bytes": m["total"] - m1["total"], "pool": m["pools"] - m1["pools"],
           "method": "the 'Hypervisor memory' totals and P2M pools of the xenith-dom0 run "
                     "- of the xenith run"}
    out["beyond_pool"] = out["bytes"] - out["pool"]
    return out


def xen_footprint(run: Run) -> Optional[dict]:
    """From Xen's 'm' debug key (asked after the measurements): host RAM minus the free
    domain heap minus the guest's RAM. Xen's image, frame table, P2M and
    per-domain structures all come out of that."""
    text = "\n".join(run.lines)
    m = re.search(r"Dom heap: (\d+)kB free", text)
    if not m:
        return None
    free = int(m.group(1)) * 1024
    used = MEM_MB * 1024 * 1024 - free - GUEST_KB * 1024
    return {"bytes": used, "dom_heap_free_bytes": free,
            "method": "host RAM - 'Dom heap' free ('m' debug key) - guest RAM"}


# ---------------------------------------------------------------------------
# Scaling
# ---------------------------------------------------------------------------
MIB = 1024 * 1024


def xen_p2m_pool_bytes(vcpus: int, mem_kb: int) -> int:
    """Xen 4.17's P2M pool for a dom0less domU without
    xen,domain-p2m-mem-mb: domain_p2m_pages() in
    xen/arch/arm/domain_build.c, 4 KiB per (256 per vCPU + 1 per MiB of
    RAM + 128) pages, rounded up to whole MiB."""
    kb = 4 * (256 * vcpus + mem_kb // 1024 + 128)
    return (kb + 1023) // 1024 * MIB


def xen_dom_heap_free(run: Run) -> Optional[int]:
    m = re.search(r"Dom heap: (\d+)kB free", "\n".join(run.lines))
    return int(m.group(1)) * 1024 if m else None


def xenith_memory(run: Run) -> Optional[dict]:
    """Xenith's boot log: "Hypervisor memory: T KiB (..., P2M pools P KiB,
    ...)" and, where it prints it, "Per domain: K KiB of hypervisor memory
    beyond guest RAM and P2M pool"."""
    fp = xenith_footprint(run)
    if not fp or "P2M pools" not in fp.get("parts", {}):
        return None
    out = {"total": fp["bytes"], "pools": fp["parts"]["P2M pools"]}
    m = re.search(r"Per domain: (\d+) KiB of hypervisor memory beyond guest RAM and "
                  r"P2M pool", "\n".join(run.lines))
    if m:
        out["per_domain_logged"] = int(m.group(1)) * 1024
    return out


def scale_memory(runs: Dict[str, Run], cfg: str, hv: str, n: int) -> Optional[dict]:
    """Hypervisor memory of the N-domain run: in all ("total", excluding
    guest RAM) and per domain beyond N=1 ("per_domain": beyond its RAM,
    P2M pool included; "pool": its P2M pool; "beyond_pool": the rest)."""
    r = runs.get(scale_run_name(cfg, n))
    r1 = runs.get(scale_run_name(cfg, 1))
    if not r or r.error:
        return None
    out: dict = {}
    if hv == "xen":
        free = xen_dom_heap_free(r)
        if free is None:
            return None
        out["total"] = MEM_MB * MIB - free - n * SCALE_GUEST_KB * 1024
        out["dom_heap_free"] = free
        free1 = xen_dom_heap_free(r1) if r1 and not r1.error else None
        if n > 1 and free1 is not None:
            out["per_domain"] = (free1 - free) / (n - 1) - SCALE_GUEST_KB * 1024
            out["pool"] = xen_p2m_pool_bytes(1, SCALE_GUEST_KB)
            out["beyond_pool"] = out["per_domain"] - out["pool"]
            out["method"] = ("('Dom heap' free at N=1 - at N) / (N-1) - guest RAM; the P2M "
                             "pool is Xen 4.17's default (domain_p2m_pages)")
        return out
    mem = xenith_memory(r)
    if not mem:
        return None
    out["total"] = mem["total"]
    mem1 = xenith_memory(r1) if r1 and not r1.error else None
    if n > 1 and mem1:
        out["pool"] = (mem["pools"] - mem1["pools"]) / (n - 1)
        out["beyond_pool"] = ((mem["total"] - mem["pools"]) -
                              (mem1["total"] - mem1["pools"])) / (n - 1)
        out["method"] = "differences of the 'Hypervisor memory' totals and P2M pools"
    if "per_domain_logged" in mem:
        out["beyond_pool"] = mem["per_domain_logged"]
        out["method"] = "the boot log's 'Per domain' line; P2M pool from the differences"
    if "beyond_pool" in out and "pool" in out:
        out["per_domain"] = out["beyond_pool"] + out["pool"]
    return out


def scale_results(runs: Dict[str, Run]) -> dict:
    """The scaling table's figures: per configuration and N, the power-on
    to the last domain's first instruction, d1's trap figures and the
    hypervisor's memory; per figure, N=max against N=1."""
    res = {"ns": list(SCALE_NS), "guest_kb": SCALE_GUEST_KB, "settle_us": SCALE_SETTLE_US,
           "tolerance": SCALE_TOLERANCE, "configs": {}}
    for cfg, label, hv, smp in SCALE_CONFIGS:
        c = {"label": label, "hv": hv, "smp": smp, "runs": {}, "figures": {},
             "memory": {}, "ratio": {}, "errors": {}}
        for n in SCALE_NS:
            name = scale_run_name(cfg, n)
            if name not in runs:
                continue
            r = runs[name]
            c["runs"][n] = name
            if r.error:
                c["errors"][n] = r.error
                continue
            f = {}
            if r.first_insn:
                # The first domain starts once the hypervisor has built
                # them all; the last, when the guests before it (on the
                # same CPU) have booted too.
                for key, pick in (("boot_first", min), ("boot_last", max)):
                    v = pick(r.first_insn.values())
                    f[key] = {"mean": v, "min": v, "max": v, "n": 1,
                              "domain": pick(r.first_insn, key=r.first_insn.get)}
            for key, kind in SCALE_TRAPS:
                v = op_figures(r, key) if kind == "op" else stat_figures(r, key)
                if v:
                    f[key] = v
            c["figures"][n] = f
            mem = scale_memory(runs, cfg, hv, n)
            if mem:
                c["memory"][n] = mem
        f1 = c["figures"].get(1, {})
        for key in ("boot_first", "boot_last"):
            for n in SCALE_NS[1:]:
                b, b1 = c["figures"].get(n, {}).get(key), f1.get(key)
                if b and b1:
                    b["per_domain"] = (b["mean"] - b1["mean"]) / (n - 1)
        top = c["figures"].get(SCALE_NS[-1], {})
        for key, _ in SCALE_TRAPS:
            if key in f1 and key in top and f1[key]["mean"]:
                c["ratio"][key] = top[key]["mean"] / f1[key]["mean"]
        res["configs"][cfg] = c
    return res


def scale_rows(sc: dict) -> List[List[str]]:
    top = SCALE_NS[-1]
    head = ["Figure, d1 with N domains (ns = instructions)"]
    cfgs = [c for c in sc["configs"].values() if c["runs"]]
    for c in cfgs:
        head += ["%s -smp %d, N=%d" % (c["label"], c["smp"], SCALE_NS[0])]
        head += ["N=%d" % n for n in SCALE_NS[1:]] + ["%d vs %d" % (top, SCALE_NS[0])]
    rows = [head]

    def fig_row(label, key, per_domain=False, ratio=True):
        row = [label]
        for c in cfgs:
            for n in SCALE_NS:
                f = c["figures"].get(n, {}).get(key)
                if per_domain:
                    row.append(fmt_num(f["per_domain"]) if f and "per_domain" in f else
                               ("" if n == SCALE_NS[0] else "n/a"))
                else:
                    row.append(cell(f))
            r = c["ratio"].get(key) if ratio else None
            row.append(("%.3f" % r + ("" if abs(r - 1) <= sc["tolerance"] else " (!)"))
                       if r is not None else "")
        rows.append(row)

    def mem_row(label, key):
        row = [label]
        for c in cfgs:
            for n in SCALE_NS:
                m = c["memory"].get(n, {})
                row.append(kib(m[key]) if key in m else
                           ("" if n == SCALE_NS[0] and key != "total" else "n/a"))
            row.append("")
        rows.append(row)

    fig_row("Power-on to the first domain's first instruction", "boot_first", ratio=False)
    fig_row("  per extra domain: (at N - at 1) / (N - 1)", "boot_first", per_domain=True,
            ratio=False)
    fig_row("Power-on to the last domain's first instruction", "boot_last", ratio=False)
    fig_row("  per extra domain: (at N - at 1) / (N - 1)", "boot_last", per_domain=True,
            ratio=False)
    labels = {k: l for k, l, *_ in ROWS}
    for key, _ in SCALE_TRAPS:
        fig_row(labels.get(key, key), key)
    mem_row("Hypervisor memory after boot (excl. guest RAM)", "total")
    mem_row("Hypervisor memory per extra domain, beyond its RAM", "per_domain")
    mem_row("  of which its P2M pool", "pool")
    mem_row("  beyond its RAM and its P2M pool", "beyond_pool")
    return rows


def scale_summary(sc: dict) -> List[str]:
    """One line per configuration: d1's figures with N domains against
    alone, and whether they are within the tolerance."""
    out = []
    top = SCALE_NS[-1]
    for c in sc["configs"].values():
        if not c["runs"]:
            continue
        for n, err in sorted(c["errors"].items()):
            out.append("  scaling %s -smp %d, N=%d: ERROR %s" % (c["label"], c["smp"], n, err))
        if not c["ratio"]:
            continue
        bad = [k for k, r in c["ratio"].items() if abs(r - 1) > sc["tolerance"]]
        out.append("  scaling %s -smp %d: d1's figures with %d domains / alone: %s: %s" % (
            c["label"], c["smp"], top, ", ".join("%s %.3f" % kv for kv in c["ratio"].items()),
            "all within %d%%" % round(sc["tolerance"] * 100) if not bad else
            "OUTSIDE %d%%: %s" % (round(sc["tolerance"] * 100), ", ".join(bad))))
    return out


# ---------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------
ROWS = [
    # key, label, source kind, runs (xenith, xen, bare)
    ("hc_xen_version", "Null hypercall: xen_version (hvc #0xEA1)", "op", ("xenith", "xen", "bare")),
    ("psci_version", "PSCI_VERSION (hvc #0)", "op", ("xenith", "xen", "bare")),
    ("mmio_read", "Trapped MMIO read: GICD_TYPER", "op", ("xenith", "xen", "bare")),
    ("mmio_write", "Trapped MMIO write: GICD_IPRIORITYR", "op", ("xenith", "xen", "bare")),
    ("timer_spin", "vtimer IRQ latency, vCPU spinning", "stat", ("xenith", "xen", "bare")),
    ("timer_wfi", "vtimer IRQ latency, vCPU in WFI", "stat", ("xenith", "xen", "bare")),
    ("ipi", "IPI: SGI vCPU0 -> vCPU1 (in WFI), send to handler", "stat",
     ("xenith-ipi", None, "bare-ipi")),
    ("evtchn", "Event channel between two domains on two pCPUs, send to handler", "evtchn",
     ("xenith-evtchn", None, None)),
    # Two domains sharing one pCPU (-smp 1 for all): the scheduler's figures.
    ("sched_yield@alone", "SCHEDOP_yield, nothing else to run (no switch)", "op",
     ("xenith-yield0", "xen-yield0", None)),
    ("sched_yield", "vCPU switch: SCHEDOP_yield to another domain and back", "op",
     ("xenith-yield", "xen-yield", None)),
    ("vcpu_switch", "vCPU switch: one switch (half the yield round trip)", "half",
     ("xenith-yield", "xen-yield", None)),
    ("sched_yield@fp", "vCPU switch: yield round trip, the partner uses FP/SIMD each time", "op",
     ("xenith-yield-fp", "xen-yield-fp", None)),
    ("sched_yield@eager", "vCPU switch: yield round trip, sched-fp=eager", "op",
     ("xenith-yield-eager", None, None)),
    ("sched_yield@fp-eager", "vCPU switch: yield round trip, FP-using partner, sched-fp=eager",
     "op", ("xenith-yield-fp-eager", None, None)),
    ("evtchn@1cpu", "Event channel, two domains sharing one pCPU, send to handler",
     "evtchn", ("xenith-evtchn1", "xen-evtchn", None)),
    ("timer_spin@hog", "vtimer IRQ latency, vCPU spinning, pCPU shared with a hog", "stat",
     ("xenith-hog", "xen-hog", None)),
    ("timer_wfi@hog", "vtimer IRQ latency, vCPU in WFI, pCPU shared with a hog", "stat",
     ("xenith-hog", "xen-hog", None)),
    ("shm_rt", "Static shared memory + static event channel round trip between two domains, "
     "two pCPUs", "shm", ("xenith-shm", None, None)),
    ("shm_rt@1cpu", "Static shared memory + static event channel round trip, two domains "
     "sharing one pCPU", "shm", ("xenith-shm1", None, None)),
    ("ioreq_read", "IOREQ round trip: guest MMIO read answered by a device model in dom0, "
     "two pCPUs", "op", ("xenith-ioreq", None, None)),
    ("ioreq_write", "IOREQ round trip: guest MMIO write acknowledged by a device model in "
     "dom0, two pCPUs", "op", ("xenith-ioreq", None, None)),
    ("domctl_getdomaininfo", "Control domain: XEN_DOMCTL_getdomaininfo of a domU", "op",
     ("xenith-dom0", "xen-dom0", None)),
    ("sysctl_physinfo", "Control domain: XEN_SYSCTL_physinfo", "op",
     ("xenith-dom0", "xen-dom0", None)),
    ("boot_first_insn", "Power-on to first guest instruction", "boot", ("xenith", "xen", "bare")),
    ("boot_first_insn@dom0", "Power-on to dom0's first instruction (dom0 alone, 512 MiB, "
     "1 vCPU)", "boot", ("xenith-dom0-boot", "xen-dom0-boot", None)),
    ("boot_first_insn@static", "Power-on to first instruction of a static-memory domain",
     "boot", ("xenith-static", None, None)),
    ("linux_init", "Power-on to Linux /init (512 MiB, 1 vCPU, quiet)", "linux",
     ("linux-xenith", "linux-xen", "linux-bare")),
    # key@suffix: the probe's figure `key`, from other runs.
    ("hc_xen_version@a76", "Null hypercall on Cortex-A76 (Spectre-BHB loop of 24)", "op",
     ("xenith-a76", "xen-a76", "bare-a76")),
    ("mmio_read@a76", "Trapped MMIO read on Cortex-A76 (Spectre-BHB loop of 24)", "op",
     ("xenith-a76", "xen-a76", "bare-a76")),
    ("timer_wfi@a76", "vtimer IRQ latency in WFI on Cortex-A76 (loop of 24)", "stat",
     ("xenith-a76", "xen-a76", "bare-a76")),
]


def figure(runs: Dict[str, Run], kind: str, key: str, name: Optional[str]) -> Optional[dict]:
    if not name or name not in runs or runs[name].error and not runs[name].bench:
        return None
    r = runs[name]
    key = key.split("@")[0]
    if kind == "op":
        return op_figures(r, key)
    if kind == "stat":
        return stat_figures(r, key)
    if kind == "boot":
        return boot_figures(r)
    if kind == "evtchn":
        return evtchn_figures(r)
    if kind == "half":
        return half_figures(op_figures(r, "sched_yield"))
    if kind == "shm":
        return shm_figures(r)
    if kind == "linux":
        return linux_figures(runs, name)
    return None


def build_results(runs: Dict[str, Run], sizes: dict, xen_fp: Optional[dict]) -> dict:
    res = {"units": "ns of QEMU virtual time = guest+hypervisor instructions "
                    "(-icount shift=0,sleep=off)",
           "machine": {"qemu": harness.QEMU, "machine": harness.MACHINE,
                       "bare_machine": BARE_MACHINE,
                       "cpu": harness.CPU, "mem_mb": MEM_MB,
                       "icount": ICOUNT[1]},
           "linux_kernel": LINUX_KERNEL,
           "runs": {}, "rows": [], "size": {}}
    for name, r in runs.items():
        res["runs"][name] = {"kind": r.kind, "smp": r.smp, "vcpus": r.vcpus,
                             "bootargs": r.bootargs, "error": r.error,
                             "host_seconds": round(r.elapsed, 1),
                             "info": r.bench.get("info", {}),
                             "log": os.path.relpath(os.path.join(r.workdir, "console.log"), ROOT)}
    for key, label, kind, names in ROWS:
        row = {"key": key, "label": label, "unit": "ns"}
        for col, name in zip(("xenith", "xen", "bare"), names):
            row[col] = figure(runs, kind, key, name)
        if key == "evtchn":
            row["note"] = ("two 1-vCPU domains, d1 sends, d2 waits in WFI, -smp 2 (one "
                           "domain per CPU); Xen 4.17 hangs under icount with -smp 2 "
                           "(its -smp 1 figure is in the evtchn@1cpu row). Every "
                           "instruction on every CPU counts, as in the IPI row; no "
                           "event channels without a hypervisor")
        if key == "evtchn@1cpu":
            row["note"] = ("the same two domains with -smp 1: the send wakes d2, which "
                           "shares the CPU with d1, so the figure includes the "
                           "scheduler switching from d1 to d2")
        if key == "shm_rt":
            row["note"] = ("two 1-vCPU domains joined by a static event channel and a "
                           "2 MiB static shared region (d1 owns it, d2 borrows it), -smp 2: "
                           "d1 writes a 64-byte message and sends; d2's upcall handler "
                           "checks it, writes its answer and sends back; from d1's send "
                           "to d1's vector for the answer, every instruction on every "
                           "CPU. Xen 4.17 from Debian has no static shared memory "
                           "(CONFIG_STATIC_SHM needs CONFIG_UNSUPPORTED), so no Xen column")
        if key == "shm_rt@1cpu":
            row["note"] = ("the same with -smp 1: the send switches to d2, its answer "
                           "back to d1 (two vCPU switches in the round trip)")
        if key == "domctl_getdomaininfo":
            row["note"] = ("-smp 1; the probe as dom0 (512 MiB 1:1, 1 vCPU, MMU on) calls "
                           "domctl (hvc #0xEA1, x16 = 36) with the same argument every "
                           "time: getdomaininfo of d1, an idle 64 MiB dom0less probe "
                           "blocked in WFI; sysctl_physinfo the same way (x16 = 35). Each "
                           "call from the hvc to the guest's next instruction, the "
                           "argument's copy in and out included")
        if key == "boot_first_insn@dom0":
            row["note"] = ("-smp 1; dom0_mem=%dM dom0_max_vcpus=1, no other domain: the "
                           "hypervisor's boot, dom0's device tree from the host's, its "
                           "1:1 RAM and device mappings, up to dom0's first instruction "
                           "(probe-dom0.bin at 0x60200000)" % DOM0_MEM_MB)
        if key == "boot_first_insn@static":
            row["note"] = ("-smp 1, one 64 MiB domain whose RAM is xen,static-mem (host "
                           "0x%x); Debian's Xen 4.17 has no CONFIG_STATIC_MEMORY" % STATIC_MEM[0])
        if key == "sched_yield":
            row["note"] = ("-smp 1; d1 times sched_op(SCHEDOP_yield) while d2 yields in "
                           "a loop, so one yield = d1's hypercall, a switch to d2, d2's "
                           "return, 5 loop instructions and hypercall, a switch back; "
                           "one switch = half of that. @alone: d1 alone on the CPU, "
                           "the yield returns to it")
        if key == "vcpu_switch":
            row["derived"] = True   # half of sched_yield: not in the baseline
        if key == "timer_wfi@hog":
            row["note"] = ("-smp 1; the vtimer test (%d samples each) in d1 while d2 "
                           "spins forever: the worst case is the time d2 may keep the "
                           "CPU (the scheduler's slice); WFI: d1 sleeps, the timer "
                           "must wake it and preempt d2" % HOG_TIMER_SAMPLES)
        if key == "linux_init":
            row["note"] = ("Debian's Linux 6.1 Image, initramfs with only /init "
                           "(bench/linux/init.c); bare QEMU has -m %d" % LINUX_GUEST_MB)
        if key == "ipi":
            row["note"] = ("Xenith and bare QEMU with -smp 2 and a 2-vCPU guest; "
                           "Xen 4.17 hangs under icount with -smp 2")
        x, y = row["xenith"], row["xen"]
        row["ratio"] = (x["mean"] / y["mean"]) if x and y and y["mean"] else None
        if row.get("no_ratio"):
            row["ratio"] = None
        row["target"] = TARGETS.get(key)
        row["xen_reference"] = XEN_REFERENCE.get(key)
        res["rows"].append(row)

    # Size rows.
    xen_bytes = sizes.get("xen_image_bytes")
    xb = sizes.get("xenith_image_bytes")
    xfp = xenith_footprint(runs["xenith"]) if "xenith" in runs else None
    res["size"] = {
        "xenith_dom0_memory": dom0_memory(runs, "xenith"),
        "xen_dom0_memory": dom0_memory(runs, "xen"),
        "hyp_files": sizes["files"],
        "hyp_lines": sizes["lines"],
        "hyp_code_lines": sizes["code_lines"],
        "hyp_file_list": sizes["file_list"],
        "xenith_image_bytes": xb,
        "xen_image_bytes": xen_bytes,
        "xenith_footprint": xfp,
        "xen_footprint": xen_fp,
    }
    res["scaling"] = scale_results(runs)
    return res


def fmt_num(v: float) -> str:
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    if v >= 100 or v == int(v):
        return "%d" % round(v)
    return "%.1f" % v


def cell(f: Optional[dict]) -> str:
    """Mean, and the worst case when it differs."""
    if not f:
        return "n/a"
    s = fmt_num(f["mean"])
    if f.get("n", 1) > 1 and fmt_num(f["max"]) != s:
        s += " (max %s)" % fmt_num(f["max"])
    return s


def kib(b: Optional[int]) -> str:
    if b is None:
        return "n/a"
    if b >= 1024 * 1024:
        return "%.2f MiB" % (b / 1024 / 1024)
    return "%.1f KiB" % (b / 1024)


def table_rows(res: dict) -> List[List[str]]:
    rows = [["Figure (ns = instructions)", "Xenith", "Xen 4.17", "Xenith/Xen",
             "No hypervisor", "Target (Xenith)"]]
    for r in res["rows"]:
        ratio = "%.2f" % r["ratio"] if r["ratio"] is not None else "n/a"
        tgt = ("<= " + fmt_num(r["target"])) if r["target"] else ""
        xen = cell(r["xen"])
        if r["xen"] and r.get("xen_cell_suffix"):
            xen += r["xen_cell_suffix"]
        rows.append([r["label"], cell(r["xenith"]), xen, ratio,
                     cell(r["bare"]), tgt])
    s = res["size"]
    lines = s["hyp_lines"]
    code = s["hyp_code_lines"]
    rows.append(["Lines of C (.c + .h) in the build", "%d (%d code)" % (
        lines["c"] + lines["h"], code["c"] + code["h"]), "n/a", "", "", ""])
    rows.append(["Lines of assembly (.S) in the build", "%d (%d code)" % (
        lines["asm"], code["asm"]), "n/a", "", "", ""])
    xb, yb = s["xenith_image_bytes"], s["xen_image_bytes"]
    rows.append(["Hypervisor image size", kib(xb), kib(yb),
                 "%.2f" % (xb / yb) if xb and yb else "n/a", "",
                 "<= 200 KiB"])
    fp = s["xenith_footprint"]
    fp_cell = "n/a"
    if fp:
        fp_cell = "%s" % kib(fp["bytes"])
    xfp = s["xen_footprint"]
    xen_fp_cell = kib(xfp["bytes"]) if xfp else "n/a"
    ratio = "%.2f" % (fp["bytes"] / xfp["bytes"]) if fp and xfp else ""
    rows.append(["Hypervisor memory after boot (excl. guest RAM)", fp_cell,
                 xen_fp_cell, ratio, "", ""])
    xd, yd = s.get("xenith_dom0_memory"), s.get("xen_dom0_memory")
    if xd or yd:
        rows.append(["Hypervisor memory for dom0 (%d MiB, 1 vCPU), beyond its RAM" % DOM0_MEM_MB,
                     kib(xd["bytes"]) if xd else "n/a", kib(yd["bytes"]) if yd else "n/a",
                     "%.2f" % (xd["bytes"] / yd["bytes"]) if xd and yd and yd["bytes"] else
                     "n/a", "", ""])
        if xd and "pool" in xd:
            rows.append(["  of which its P2M pool", kib(xd["pool"]), "n/a", "", "", ""])
    return rows


def render_text(rows: List[List[str]]) -> str:
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for i, r in enumerate(rows):
        out.append("  ".join(c.ljust(w[j]) if j == 0 else c.rjust(w[j])
                             for j, c in enumerate(r)).rstrip())
        if i == 0:
            out.append("  ".join("-" * x for x in w))
    return "\n".join(out)


def render_md(rows: List[List[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(rows[0]) - 1)) + "|"]
    for r in rows[1:]:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(out)


# ---------------------------------------------------------------------------
LINUX_ARGS = "console=ttyAMA0 quiet tests=none"
RUNS = {
    # name: (hypervisor, -smp, guest vCPUs, bootargs, guest)
    "xenith": ("xenith", 1, 1, "tests=ops,timer", "probe"),
    "xen": ("xen", 1, 1, "tests=ops,timer", "probe"),
    "bare": ("bare", 1, 1, "tests=ops,timer nohyp", "probe"),
    "xenith-ipi": ("xenith", 2, 2, "tests=ipi", "probe"),
    "bare-ipi": ("bare", 2, 2, "tests=ipi nohyp", "probe"),
    "xenith-evtchn": ("xenith", 2, 1, "", "evtchn"),
    "xen-evtchn": ("xen", 1, 1, "", "evtchn"),
    # Two domains on one CPU: the scheduler's figures, for both.
    "xenith-evtchn1": ("xenith", 1, 1, "", "evtchn"),
    # Static shared memory + static event channel (Xenith only, see ROWS).
    "xenith-shm": ("xenith", 2, 1, "", "shm"),
    "xenith-shm1": ("xenith", 1, 1, "", "shm"),
    "xenith-static": ("xenith", 1, 1, "tests=none", "static"),
    # The probe as dom0: its control calls, and power-on to its first
    # instruction (see DOM0_*).
    "xenith-dom0": ("xenith", 1, 1, DOM0_CTL_ARGS, "dom0"),
    "xen-dom0": ("xen", 1, 1, DOM0_CTL_ARGS, "dom0"),
    "xenith-dom0-boot": ("xenith", 1, 1, "tests=none", "dom0-alone"),
    # An ioreq server in dom0 (probe-dom0, tests=ioreq_dm) answering d1's
    # accesses: two pCPUs, one each. Xenith only: Debian's Xen 4.17 has
    # no ioreq servers (CONFIG_IOREQ_SERVER is off).
    "xenith-ioreq": ("xenith", 2, 1, "tests=ioreq settle=20000", "ioreq"),
    "xen-dom0-boot": ("xen", 1, 1, "tests=none", "dom0-alone"),
    "xenith-yield0": ("xenith", 1, 1, "tests=yield yields=256", "probe"),
    "xen-yield0": ("xen", 1, 1, "tests=yield yields=256", "probe"),
    "xenith-yield": ("xenith", 1, 1, "", "yield"),
    "xen-yield": ("xen", 1, 1, "", "yield"),
    "xenith-yield-fp": ("xenith", 1, 1, "", "yield_fp"),
    "xen-yield-fp": ("xen", 1, 1, "", "yield_fp"),
    # The same two with Xenith's eager FP switching (Xen 4.17's way).
    "xenith-yield-eager": ("xenith", 1, 1, "", "yield", None, "sched-fp=eager"),
    "xenith-yield-fp-eager": ("xenith", 1, 1, "", "yield_fp", None, "sched-fp=eager"),
    "xenith-hog": ("xenith", 1, 1, "timer=%d" % HOG_TIMER_SAMPLES, "hog"),
    "xen-hog": ("xen", 1, 1, "timer=%d" % HOG_TIMER_SAMPLES, "hog"),
    "linux-xenith": ("xenith", 1, 1, LINUX_ARGS, "linux"),
    "linux-xenith-shape": ("xenith", 1, 1, LINUX_ARGS, "linux-shape"),
    "linux-xen": ("xen", 1, 1, LINUX_ARGS, "linux"),
    "linux-xen-shape": ("xen", 1, 1, LINUX_ARGS, "linux-shape"),
    "linux-bare": ("bare", 1, 1, LINUX_ARGS, "linux"),
    # Spectre-BHB's cost: a Cortex-A76, where Xen 4.17 and Xenith run a
    # loop of 24 branches on each exception from the guest (none on A57).
    "xenith-a76": ("xenith", 1, 1, "tests=ops,timer", "probe", "cortex-a76"),
    "xen-a76": ("xen", 1, 1, "tests=ops,timer", "probe", "cortex-a76"),
    "bare-a76": ("bare", 1, 1, "tests=ops,timer nohyp", "probe", "cortex-a76"),
}
# The scaling runs (SCALE_CONFIGS x SCALE_NS): xenith-scale64,
# xenith-scale64-smp2, xen-scale64, ...
for _cfg, _label, _hv, _smp in SCALE_CONFIGS:
    for _n in SCALE_NS:
        RUNS[scale_run_name(_cfg, _n)] = (_hv, _smp, 1, SCALE_ARGS, "scale%d" % _n)
SCALE_RUNS = [n for n in RUNS if scale_n(RUNS[n][4])]


def dom0_rows(module, name: str, what: str, hvs: List[str]) -> Optional[Dict[str, dict]]:
    """The rows a Linux dom0 measures (module: xl_wall or blk_bench)
    under hvs: each run with its progress line, the table printed and
    written to build/bench/<name>.json and <name>.md. The results, or
    None if they cannot be measured here."""
    why = module.available()
    if why:
        print("bench: no %s rows: %s" % (name, why), file=sys.stderr)
        return None
    res: Dict[str, dict] = {}
    for hv in hvs:
        print("bench: %-18s (%s, %s) ..." % (name + "-" + hv, hv, what), end="", flush=True)
        res[hv] = module.measure(hv, OUT)
        print(" %.1fs%s" % (res[hv]["elapsed"],
                            "  ERROR: " + res[hv]["error"] if res[hv]["error"] else ""),
              flush=True)
    rows = module.rows(res)
    print()
    print(render_text(rows))
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(OUT, name + ".md"), "w") as f:
        f.write(render_md(rows) + "\n")
    return res


def wall_rows() -> int:
    """Measures and prints the wall-clock xl rows (build/bench/wall.json,
    wall.md); 1 if a run failed."""
    res = dom0_rows(xl_wall, "wall", "-smp 2, Linux dom0, wall clock", ["xenith", "xen"])
    for hv in res or {}:
        print("  %s rounds (create, destroy ms): %s" % (hv, res[hv]["rounds"]))
    return 1 if res and any(r["error"] for r in res.values()) else 0


def blk_results(hvs: List[str]) -> Optional[Dict[str, dict]]:
    """The block rows (bench/blk_bench.py) under hvs (build/bench/blk.json,
    blk.md), or None if they cannot be measured here."""
    return dom0_rows(blk_bench, "blk", "-smp 1, Linux dom0 and domU, icount", hvs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", choices=list(RUNS), help="runs to do")
    ap.add_argument("--scaling", action="store_true",
                    help="only the scaling runs (%s)" % ", ".join(SCALE_RUNS))
    ap.add_argument("--wall", action="store_true",
                    help="only the wall-clock xl rows (bench/xl_wall.py)")
    ap.add_argument("--no-wall", action="store_true", help="not the wall-clock xl rows")
    ap.add_argument("--blk", action="store_true",
                    help="only the block rows (bench/blk_bench.py: virtio-blk and "
                         "blkfront/blkback from a Linux dom0, Xenith and Xen 4.17)")
    ap.add_argument("--no-blk", action="store_true", help="not the block rows")
    ap.add_argument("--no-xen-memory", action="store_true",
                    help="do not ask Xen for its memory use ('m' debug key)")
    ap.add_argument("--check", action="store_true",
                    help="hold Xenith's figures to bench/baseline.json (fails, naming the "
                         "figure, when one is more than 5%% above it)")
    ap.add_argument("--write-baseline", action="store_true",
                    help="write Xenith's figures to bench/baseline.json")
    ap.add_argument("--add-baseline", action="store_true",
                    help="add to bench/baseline.json only Xenith's figures it does not "
                         "have yet (new rows); the others keep their values")
    args = ap.parse_args()
    if args.scaling:
        args.only = (args.only or []) + [n for n in SCALE_RUNS if n not in (args.only or [])]
    if (args.check or args.write_baseline or args.add_baseline) and not args.only:
        args.only = list(baseline.XENITH_RUNS)
    if not os.path.exists(PROBE):
        print("bench: %s missing (run make)" % PROBE, file=sys.stderr)
        return 1
    os.makedirs(OUT, exist_ok=True)
    names = args.only or ([] if args.wall else list(RUNS))
    # The wall-clock rows: in a full run, or alone; never held to the baseline.
    wall = (args.wall or not (args.only or args.no_wall)) and not args.check
    if args.wall:
        return wall_rows()
    if args.blk:
        blk = blk_results(["xenith", "xen"])
        return 1 if blk is None or any(r["error"] for r in blk.values()) else 0
    # The block rows: both hypervisors in a full run; Xenith's, held to the
    # baseline, with --check and the baseline options.
    held = args.check or args.write_baseline or args.add_baseline
    blk_hvs = [] if args.no_blk else ["xenith"] if held else \
        [] if args.only else ["xenith", "xen"]
    if any(RUNS[n][4].startswith("linux") for n in names):
        err = build_initramfs()
        if err:
            print("bench: no Linux row: %s" % err, file=sys.stderr)
            names = [n for n in names if not RUNS[n][4].startswith("linux")]
    runs: Dict[str, Run] = {}
    for name in names:
        kind, smp, vcpus, bootargs, guest = RUNS[name][:5]
        r = Run(name, kind, smp, vcpus, bootargs, guest, *RUNS[name][5:])
        print("bench: %-18s (%s, -smp %d, %d vCPU, %s) ..." % (name, kind, smp, vcpus, guest),
              end="", flush=True)
        execute(r, not args.no_xen_memory)
        runs[name] = r
        print(" %.1fs%s" % (r.elapsed, "  ERROR: " + r.error if r.error else ""), flush=True)
        if r.error:
            for line in r.lines[-15:]:
                print("    | " + line)
    xen_fp = xen_footprint(runs["xen"]) if "xen" in runs else None
    res = build_results(runs, size_figures(), xen_fp)
    res["blk"] = (blk_results(blk_hvs) or {}) if blk_hvs else {}
    rows = table_rows(res)
    if not all(n in SCALE_RUNS for n in runs):
        print()
        print(render_text(rows))
        print()
        for r in res["rows"]:
            if r.get("note"):
                print("  %s: %s" % (r["key"], r["note"]))
    srows = scale_rows(res["scaling"]) if any(
        c["runs"] for c in res["scaling"]["configs"].values()) else None
    if srows:
        print()
        print("Scaling: N dom0less domains (1 vCPU, %d MiB each, one shared copy of the "
              "probe); d1 measures, d2..dN block in WFI" % (SCALE_GUEST_KB // 1024))
        print()
        print(render_text(srows))
        print()
        for line in scale_summary(res["scaling"]):
            print(line)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        if not all(n in SCALE_RUNS for n in runs):
            f.write(render_md(rows) + "\n" + ("\n" if srows else ""))
        if srows:
            f.write(render_md(srows) + "\n")
    print("bench: wrote %s and results.md" % os.path.relpath(os.path.join(OUT, "results.json"), ROOT))
    if wall and wall_rows():
        return 1
    run_errors = any(r.error for r in runs.values()) or \
        any(r["error"] for r in res["blk"].values())
    if args.write_baseline:
        if run_errors:
            print("bench: a run failed, baseline not written", file=sys.stderr)
            return 1
        baseline.write(baseline.figures(res), res)
        print("bench: wrote %s" % os.path.relpath(baseline.BASELINE, ROOT))
    if args.add_baseline:
        if run_errors:
            print("bench: a run failed, baseline not changed", file=sys.stderr)
            return 1
        added = baseline.add_new(baseline.figures(res))
        print("bench: added to %s: %s" % (os.path.relpath(baseline.BASELINE, ROOT),
                                           ", ".join(added) or "nothing"))
    if args.check:
        print()
        return 1 if baseline.check(res) or run_errors else 0
    return 1 if run_errors else 0


if __name__ == "__main__":
    sys.exit(main())
