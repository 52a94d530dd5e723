# SPDX-License-Identifier: MIT
"""The wall-clock rows of `make bench`: a domain's life through Debian's
xl in a Linux dom0 (build/dom0.cpio.gz), under Xenith and Xen 4.17 on the
same QEMU (-smp 2, no icount: these are host seconds, noisy, and never
held to the baseline).

dom0 runs guests/dom0/xl-bench: ROUNDS times `xl create` of the test guest
(/etc/xen/tiny.cfg, 32 MiB, 1 vCPU) until its first console line reaches
xenconsoled's log, then `xl destroy` until xl info's free memory is back.
The figures are the medians of the rounds, in dom0's milliseconds.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from typing import Dict, List, Optional

import harness
from dom0 import DOM0_SMP, dom0_ramdisk, toolstack_dom0, toolstack_shell
from linux import linux_kernel

ROUNDS = 9
ROUND = re.compile(r"xl-bench: round (\d+) create_ms (\d+) destroy_ms (\d+)$")


def _interact(facts: Dict[str, object]):
    def interact(con: harness.Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        out = sh.run("xl-bench %d" % ROUNDS, timeout=sh.left(ROUNDS * 40))
        facts["out"] = out
        if not out or "xl-bench: done" not in [l.strip() for l in out]:
            return "xl-bench did not finish: %r" % (out or [])[-3:]
        return None
    return interact


def measure(hv: str, outdir: str) -> Dict[str, object]:
    """{create_ms, destroy_ms: medians, rounds: [(create, destroy)], error}."""
    facts: Dict[str, object] = {}
    sc = harness.Scenario(
        "xl-%s" % hv, [],
        dom0=toolstack_dom0(),
        expects=[harness.expect(r"XENITH-DOM0: toolstack up", 0)],
        smp=DOM0_SMP, mem_mb=1024, timeout=90 + ROUNDS * 40,
        interact=_interact(facts), facts=facts)
    t0 = time.monotonic()
    res = harness.run_scenario(sc, hv, outdir=os.path.join(outdir, sc.name))
    rounds = []
    for l in facts.get("out") or []:
        m = ROUND.search(l.strip())
        if m:
            rounds.append((int(m.group(2)), int(m.group(3))))
    out: Dict[str, object] = {"rounds": rounds, "elapsed": round(time.monotonic() - t0, 1),
                              "error": None if res.passed and len(rounds) == ROUNDS
                              else "; ".join(res.failures) or "no rounds"}
    if rounds:
        out["create_ms"] = statistics.median(r[0] for r in rounds)
        out["destroy_ms"] = statistics.median(r[1] for r in rounds)
    return out


def available() -> Optional[str]:
    """Why the rows cannot be measured, or None."""
    if not os.path.exists(dom0_ramdisk()):
        return "%s missing (scripts/mkdom0fs.sh)" % dom0_ramdisk()
    if not os.path.exists(linux_kernel()):
        return "Debian's kernel missing (scripts/setup.sh --linux)"
    return None


def rows(results: Dict[str, Dict[str, object]]) -> List[List[str]]:
    def cell(hv: str, key: str) -> str:
        r = results.get(hv) or {}
        return "%d ms" % r[key] if key in r else "n/a"
    return [["Wall clock (ms, median of %d)" % ROUNDS, "Xenith", "Xen 4.17"],
            ["xl create to the domU's first console line",
             cell("xenith", "create_ms"), cell("xen", "create_ms")],
            ["xl destroy to its memory free again",
             cell("xenith", "destroy_ms"), cell("xen", "destroy_ms")]]
