# SPDX-License-Identifier: MIT
"""dom0_linux: Debian's Linux 6.1 as dom0, booted from the same device tree
under Xen 4.17 and Xenith, beside a ticking dom0less domU.

dom0's view of the machine is read through its shell on hvc0 (the serial
input starts on DOM0 under both): the Xen features it is given, its RAM,
its interrupts, the /hypervisor node (grant region, extended regions,
event-channel PPI), the host devices it found. Every fact must be the
same under both hypervisors.
"""

from __future__ import annotations

import re
import time
from typing import Dict, List, Optional

from harness import Console, Dom0, Expect, Result, Scenario, differing_facts, expect
from linux import Shell, initramfs, linux_kernel, wait_init

DOM0_BOOTARGS = "console=hvc0 earlycon=xenboot"

# (fact, command): each command's output is a fact, normalised by _norm.
COMMANDS = [
    ("features", "cat /sys/hypervisor/properties/features"),
    ("hypervisor_type", "cat /sys/hypervisor/type"),
    ("version", "echo $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)"),
    ("cpus", "cat /sys/devices/system/cpu/online"),
    ("system_ram", "grep 'System RAM' /proc/iomem"),
    ("iomem_devices", "grep -v -E '^ |System RAM' /proc/iomem"),
    ("dt_root", "ls /proc/device-tree | grep -v virtio_mmio"),
    ("dt_virtio_mmio", "ls /proc/device-tree | grep -c virtio_mmio"),
    ("dt_hypervisor_reg", "od -An -tx1 -v /proc/device-tree/hypervisor/reg | tr -s ' \\n' ' '; echo"),
    ("dt_hypervisor_irq", "od -An -tx1 -v /proc/device-tree/hypervisor/interrupts | tr -s ' \\n' ' '; echo"),
    ("dt_gic_reg", "od -An -tx1 -v /proc/device-tree/interrupt-controller/reg | tr -s ' \\n' ' '; echo"),
    ("dt_chosen", "ls /proc/device-tree/chosen | grep -v kaslr"),
    ("interrupts", "cat /proc/interrupts | grep -E 'events|xenbus|hvc_console|rtc|arch_timer'"),
    ("rtc", "cat /sys/class/rtc/rtc0/name"),
    ("xen_lines", "dmesg | grep -E 'Xen 4.17 support|Grant table|grant_table|FIFO|SPIs implemented|balloon'"),
]


def _norm(fact: str, lines: List[str]) -> List[str]:
    out = []
    for l in lines:
        l = re.sub(r"^\[ *\d+\.\d+\] ", "", l.strip())
        if fact == "interrupts":
            # counts differ run to run: keep the IRQ, controller, number, name
            f = l.split()
            l = " ".join([f[0]] + [x for x in f[1:] if not x.isdigit()])
        out.append(l)
    return out


def _interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        err = wait_init(con, deadline, dom=0)
        if err:
            return err
        sh = Shell(con, 0, deadline)
        if not sh.wait_ready(min(30, deadline - time.monotonic())):
            return "dom0's shell on hvc0 does not answer"
        errors = []
        for fact, cmd in COMMANDS:
            out = sh.run(cmd)
            if out is None:
                errors.append("no answer to %r" % cmd)
                continue
            facts[fact] = _norm(fact, out)
        facts["transcript"] = sh.transcript
        return "; ".join(errors) or None
    return interact


def _check(res: Result) -> List[str]:
    """What dom0 must see whatever the reference says: it is dom0
    (XENFEAT_dom0, bit 11) and direct-mapped (XENFEAT_direct_mapped,
    bit 17), its event channels on a PPI, the RTC it was given."""
    f = res.facts
    errs = []
    try:
        feat = int((f.get("features") or ["0"])[0], 16)
    except ValueError:
        feat = 0
    if not feat & (1 << 11) or not feat & (1 << 17):
        errs.append("features %r: want XENFEAT_dom0 and XENFEAT_direct_mapped" % f.get("features"))
    if not any("events" in l for l in f.get("interrupts") or []):
        errs.append("no event-channel interrupt in /proc/interrupts")
    if not any("rtc-pl031" in l for l in f.get("interrupts") or []):
        errs.append("the RTC's SPI was not given to dom0")
    return errs


def compare(ref: Result, res: Result) -> List[str]:
    keys = sorted((set(ref.facts) | set(res.facts)) - {"transcript"})
    return differing_facts(ref, res, keys, "dom0's view differs from Xen 4.17's")


def sc_dom0_linux(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID, tg, ticks
    facts: Dict[str, object] = {}
    return Scenario(
        "dom0_linux",
        [tg("beta", "hello", memory_kb=16 * 1024, args="period=250")],
        dom0=Dom0(kernel=linux_kernel(), ramdisk=initramfs(), bootargs=DOM0_BOOTARGS,
                  xen_args="dom0_mem=512M dom0_max_vcpus=2"),
        expects=[expect(r"Xen 4\.17 support found", 0),
                 expect(r"XENITH-INIT: reached init", 0),
                 ticks(1, "beta", 5)],
        forbid=COMMON_FORBID + [Expect(r"Kernel panic|Oops|BUG:|Unable to handle kernel")],
        smp=2, timeout=90, interact=_interact(facts), facts=facts, check=_check,
        compare=compare,
        description="Debian Linux 6.1 as dom0 (modules under /chosen, dom0_mem, "
                    "dom0_max_vcpus) beside a ticking domU: dom0's features, RAM, "
                    "device tree, devices and interrupts, the same as under Xen 4.17")
