# SPDX-License-Identifier: MIT
"""The block rows of `make bench`: a Linux domU's disk on one file of a
Linux dom0 (/var/lib/xen/images/bench.img, 16 MiB), through
xen-blkfront/blkback (/etc/xen/blkbench.cfg) under Xenith and Xen 4.17,
and as a virtio-blk disk served by xenith-virtio through an ioreq server
(/etc/xen/blkbench-virtio.cfg) under Xenith (Debian's Xen 4.17 has no
ioreq servers).

QEMU -smp 1 with -icount shift=0,sleep=off (Xen 4.17 hangs under icount
with -smp 2): dom0 (1 vCPU) and the domU (1 vCPU) share the CPU, and the
domU's CLOCK_MONOTONIC counts virtual ns. The guest's init runs
guests/domu/blkbench.c: O_DIRECT 4 KiB random reads (median and mean,
ns) and 1 MiB sequential reads and writes (MiB/s), after a first pass
that puts the span in dom0's page cache.
"""

from __future__ import annotations

import os
import re
import time
from typing import Dict, List, Optional

import harness
from dom0 import DOM0_MEM_MB, dom0_ramdisk, toolstack_shell
from linux import linux_kernel
# What the rows need is what the wall-clock rows need: dom0's filesystem
# and Debian's kernel.
from xl_wall import available  # noqa: F401

CONFIGS = {"blkfront": "/etc/xen/blkbench.cfg", "virtio": "/etc/xen/blkbench-virtio.cfg"}
LINE = re.compile(r"blk-bench: (\S+) BLKBENCH (.*)$")
KEYS = ["rand4k_median_ns", "rand4k_mean_ns", "seq_read_mibs", "seq_write_mibs"]


def _interact(facts: Dict[str, object], cfgs: List[str]):
    def interact(con: harness.Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        out = sh.run("blk-bench %s" % " ".join(cfgs), timeout=sh.left(300 * len(cfgs)))
        facts["out"] = out
        if not out or "blk-bench: done" not in [l.strip() for l in out]:
            return "blk-bench did not finish: %r" % (out or [])[-3:]
        return None
    return interact


def measure(hv: str, outdir: str) -> Dict[str, object]:
    """{transport: {key: value}, elapsed, error}: blkfront, and virtio
    under Xenith."""
    kinds = ["blkfront", "virtio"] if hv == "xenith" else ["blkfront"]
    facts: Dict[str, object] = {}
    dom0 = harness.Dom0(kernel=linux_kernel(), ramdisk=dom0_ramdisk(), bootargs="console=hvc0",
                        xen_args="dom0_mem=%dM dom0_max_vcpus=1" % DOM0_MEM_MB)
    sc = harness.Scenario(
        "blk-%s" % hv, [], dom0=dom0,
        expects=[harness.expect(r"XENITH-DOM0: toolstack up", 0)],
        smp=1, icount=True, mem_mb=1024, timeout=240 + 300 * len(kinds),
        interact=_interact(facts, [CONFIGS[k] for k in kinds]), facts=facts)
    t0 = time.monotonic()
    res = harness.run_scenario(sc, hv, outdir=os.path.join(outdir, sc.name))
    out: Dict[str, object] = {}
    for l in facts.get("out") or []:
        m = LINE.search(l.strip())
        if m:
            kv = dict(re.findall(r"(\w+)=(\S+)", m.group(2)))
            kind = "virtio" if m.group(1).endswith("virtio") else "blkfront"
            out[kind] = {k: float(kv[k]) for k in KEYS if k in kv}
    missing = [k for k in kinds if k not in out]
    out["elapsed"] = round(time.monotonic() - t0, 1)
    out["error"] = None if res.passed and not missing else \
        "; ".join(res.failures) or "no BLKBENCH line for %s" % ", ".join(missing)
    return out


def rows(results: Dict[str, Dict[str, object]]) -> List[List[str]]:
    def cell(hv: str, kind: str, key: str) -> str:
        v = (results.get(hv) or {}).get(kind, {}).get(key)
        if v is None:
            return "n/a"
        return "%.1f MiB/s" % v if key.endswith("mibs") else "%d ns" % v
    names = [("rand4k_median_ns", "4 KiB random read, median (virtual ns)"),
             ("rand4k_mean_ns", "4 KiB random read, mean (virtual ns)"),
             ("seq_read_mibs", "sequential read, 1 MiB requests"),
             ("seq_write_mibs", "sequential write, 1 MiB requests")]
    return [["A domU's disk on one dom0 file (-icount, -smp 1)", "Xenith virtio-blk",
             "Xenith blkfront", "Xen 4.17 blkfront"]] + \
        [[label, cell("xenith", "virtio", k), cell("xenith", "blkfront", k),
          cell("xen", "blkfront", k)] for k, label in names]
