#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The demo: Xenith boots a Debian Linux guest (2 vCPUs, Xen PV interfaces)
and two bare-metal guests side by side on QEMU's virt board (-smp 4), from
a dom0less device tree built the way Xen's ImageBuilder writes it.

Interactive (a terminal): the console is yours. Ctrl-a three times moves
the input between Xen(ith), DOM1 (Linux: try `cat /sys/hypervisor/type`),
DOM2 and DOM3. Ctrl-c stops QEMU.

Not interactive (CI, pipes, no terminal): shows the console until Linux's
shell is up, types a few commands that show it runs as a Xen guest, prints
a summary (domains, their vCPUs and memory, power-on to each domain's
first console line, Linux's time to init and to a shell) and exits 0.
Exits 1, saying why, if Linux's shell has not answered within --timeout
seconds.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from typing import Dict, List, Optional

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
import harness as h  # noqa: E402
import linux  # noqa: E402

# What the demo asks Linux, and what each answer shows.
COMMANDS = [
    ("uname -r", "Debian's stock kernel"),
    ("cat /sys/hypervisor/type", "Linux sees a Xen hypervisor"),
    ("echo $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)",
     "the Xen version it reports"),
    ("cat /sys/devices/system/cpu/online", "its vCPUs"),
    ("grep events /proc/interrupts", "the event-channel upcall, PPI 31"),
    ("grep MemTotal /proc/meminfo", "its memory"),
]


def demo_scenario(kernel: str, initramfs: str) -> h.Scenario:
    linux_dom = h.Domain(kernel=kernel, ramdisk=initramfs, memory_kb=256 * 1024, cpus=2,
                         bootargs="console=ttyAMA0 quiet",
                         extra={"xen,enhanced": '"no-xenstore"'})
    # One tick a second: the bare-metal guests sleep in WFI in between.
    alpha = h.Domain(bootargs="name=alpha test=hello period=1000", memory_kb=16 * 1024)
    beta = h.Domain(bootargs="name=beta test=hello period=1000", memory_kb=16 * 1024)
    return h.Scenario("demo", [linux_dom, alpha, beta], smp=4, mem_mb=2048)


class Tee:
    """The console log file, and the user's terminal."""

    def __init__(self, log, out):
        self.log, self.out = log, out

    def write(self, data: bytes) -> None:
        self.log.write(data)
        self.out.write(data)

    def flush(self) -> None:
        self.log.flush()
        self.out.flush()

    def close(self) -> None:
        self.log.close()
        self.out.flush()


class DemoConsole(h.Console):
    """Shows the console as it arrives and notes, for each domain, when
    its first line came (seconds after QEMU started: power-on)."""

    def __init__(self, proc: subprocess.Popen, log_path: str, t0: float):
        super().__init__(proc, log_path)
        self.log = Tee(self.log, sys.stdout.buffer)
        self.t0 = t0
        self.first: Dict[int, float] = {}
        self.seen = 0

    def pump(self, timeout: float) -> bool:
        ok = super().pump(timeout)
        now = time.monotonic() - self.t0
        for line in self.lines[self.seen:] + [self.partial]:
            d, _ = h.strip_dom(line)
            if d is not None and d not in self.first:
                self.first[d] = now
        self.seen = len(self.lines)
        return ok


DOM_LINE = re.compile(r"\(XEN\) d(\d+): (\S+): (\d+) vCPUs? on (\S+), (\d+) MiB RAM")


def domains_built(lines: List[str]) -> Dict[int, dict]:
    """What the hypervisor says it built: "(XEN) dN: <node>: K vCPUs on
    CPU.., M MiB RAM at ..."."""
    out: Dict[int, dict] = {}
    for l in lines:
        m = DOM_LINE.search(l)
        if m:
            out[int(m.group(1))] = {"node": m.group(2), "vcpus": int(m.group(3)),
                                    "cpus": m.group(4), "mem_mib": int(m.group(5))}
    return out


def say(text: str) -> None:
    sys.stdout.write("\n[demo] %s\n" % text)
    sys.stdout.flush()


def drive_linux(con: DemoConsole, deadline: float, t0: float, facts: dict) -> Optional[str]:
    """Waits for Linux's shell, asks it COMMANDS; an error string or None."""
    err = linux.wait_init(con, deadline, last=r"XENITH-INIT: reached init")
    if err:
        return err
    facts["init"] = time.monotonic() - t0
    err = linux.focus_dom1(con, deadline)
    if err:
        return err
    sh = linux.Shell(con, 1, deadline)
    if not sh.wait_ready(max(0.0, deadline - time.monotonic())):
        return "Linux's shell on DOM1 did not answer"
    facts["shell"] = time.monotonic() - t0
    answers = []
    for cmd, why in COMMANDS:
        out = sh.run(cmd, timeout=max(1.0, min(15.0, deadline - time.monotonic())))
        if out is None:
            return "no answer to '%s'" % cmd
        answers.append((cmd, why, [l.strip() for l in out if l.strip()]))
    facts["answers"] = answers
    hv_type = answers[1][2]
    if hv_type != ["xen"]:
        return "/sys/hypervisor/type is %r, not xen" % hv_type
    return None


def summary(con: DemoConsole, facts: dict, hv: str, sc: h.Scenario) -> str:
    """Xenith's log says what it built; for another hypervisor (Xen's log
    has no such line) the device tree's values stand in."""
    built = domains_built(con.lines)
    for i, d in enumerate(sc.domains, 1):
        built.setdefault(i, {"node": d.node or "domU%d" % (i - 1), "vcpus": d.cpus,
                             "mem_mib": d.memory_kb // 1024})
    out = ["", "=" * 72, "Demo summary (%s)" % hv, "-" * 72]
    for cmd, why, ans in facts.get("answers", []):
        text = " | ".join(" ".join(a.split()) for a in ans) or "(nothing)"
        out.append("  %-34s %s" % (why + ":", text))
    out.append("-" * 72)
    out.append("  %-4s %-10s %-6s %-8s %s" % ("dom", "node", "vCPUs", "memory",
                                             "first console line after power-on"))
    for d in sorted(set(built) | set(con.first)):
        b = built.get(d, {})
        first = con.first.get(d)
        out.append("  d%-3d %-10s %-6s %-8s %s" % (
            d, b.get("node", "?").split("/")[-1], b.get("vcpus", "?"),
            ("%d MiB" % b["mem_mib"]) if "mem_mib" in b else "?",
            ("%.1f s" % first) if first is not None else "never"))
    out.append("  Linux (d1): /init after %.1f s, shell answered after %.1f s (wall time)"
               % (facts["init"], facts["shell"]))
    out.append("=" * 72)
    return "\n".join(out)


def run_unattended(args: List[str], workdir: str, timeout: float, hv: str,
                   sc: h.Scenario) -> int:
    t0 = time.monotonic()
    proc = h.start_qemu(args)
    con = DemoConsole(proc, os.path.join(workdir, "console.log"), t0)
    facts: dict = {}
    try:
        err = drive_linux(con, t0 + timeout, t0, facts)
        con.pump(0.3)
    finally:
        h.stop(proc)
        con.close()
    if err:
        say("FAILED: %s within %.0f s of power-on (console log: %s)"
            % (err, timeout, os.path.join(workdir, "console.log")))
        return 1
    print(summary(con, facts, hv, sc), flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hv", default="xenith", help="xenith (default), xen, or an image path")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="when not interactive: seconds Linux's shell has to answer "
                         "(default 120)")
    a = ap.parse_args()
    kernel = linux.linux_kernel()
    initramfs = linux.initramfs()
    if not os.path.exists(kernel) or not os.path.exists(initramfs):
        print("demo: run scripts/setup.sh --linux and scripts/mkinitramfs.sh first", file=sys.stderr)
        return 1
    sc = demo_scenario(kernel, initramfs)
    workdir = os.path.join(h.BUILD, "demo")
    os.makedirs(workdir, exist_ok=True)
    loader = h.Loader()
    dtb = h.build_dtb(sc, a.hv, workdir, loader)
    args = h.qemu_command(sc, h.resolve_hv(a.hv), dtb, loader)
    interactive = sys.stdin.isatty() and not os.environ.get("CI")
    print("demo: %s" % " ".join(args), flush=True)
    if interactive:
        print("demo: Ctrl-a three times switches the console input; Ctrl-c quits.", flush=True)
        return subprocess.call(args)
    print("demo: no terminal: waiting for Linux's shell (at most %.0f s), then a few "
          "commands and a summary" % a.timeout, flush=True)
    return run_unattended(args, workdir, a.timeout, h.hv_kind(a.hv), sc)


if __name__ == "__main__":
    sys.exit(main())
