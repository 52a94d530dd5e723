# SPDX-License-Identifier: MIT
"""Xenith's `make bench` figures against the baseline committed in
bench/baseline.json.

Under -icount shift=0,sleep=off every figure is an instruction count, the
same on every run of the same build, so tests/run can hold each one to
its baseline: a figure more than TOLERANCE above it fails, naming the
figure. A change that makes a figure better lowers the baseline in the
same commit (bash bench/run --write-baseline); one that raises it says
why in its commit message.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.join(HERE, "baseline.json")
TOLERANCE = 0.05

# The runs that give Xenith's column (no Xen, no bare QEMU needed), and of
# the scaling runs the one with 64 domains on 2 CPUs (under a second: its
# d1 figures are held like the one-domain ones, plus the boot to the last
# domain and the memory per domain its boot log reports). The dom0 runs
# (under a second together): the control domain's calls, power-on to
# dom0's first instruction, and dom0's memory (against the xenith run).
XENITH_RUNS = ["xenith-ioreq", "xenith", "xenith-ipi", "xenith-evtchn", "linux-xenith", "linux-xenith-shape",
               "xenith-a76", "xenith-yield0", "xenith-yield", "xenith-evtchn1", "xenith-hog",
               "xenith-scale64-smp2", "xenith-shm", "xenith-shm1", "xenith-static",
               "xenith-dom0", "xenith-dom0-boot"]


def figures(res: dict) -> Dict[str, float]:
    """Xenith's figures from bench.py's results: "<row>.mean" and
    "<row>.max" (the worst case, where a row has several samples), the
    image size and the memory the hypervisor keeps."""
    out: Dict[str, float] = {}
    for row in res["rows"]:
        x = row.get("xenith")
        if not x or row.get("derived"):
            continue
        out[row["key"] + ".mean"] = round(float(x["mean"]), 1)
        if x.get("n", 1) > 1:
            out[row["key"] + ".max"] = float(x["max"])
    # The scaling runs (bench.py's scale_results): d1's figures with N
    # domains, power-on to the last domain's first instruction and the
    # memory per extra domain, as "<run>.<figure>..." (<run> without
    # "xenith-", e.g. "scale64-smp2.hc_xen_version.mean").
    for c in res.get("scaling", {}).get("configs", {}).values():
        if c.get("hv") != "xenith":
            continue
        for n, figs in c["figures"].items():
            prefix = c["runs"][n].replace("xenith-", "", 1)
            for key, x in figs.items():
                out["%s.%s.mean" % (prefix, key)] = round(float(x["mean"]), 1)
                if x.get("n", 1) > 1:
                    out["%s.%s.max" % (prefix, key)] = float(x["max"])
            mem = c["memory"].get(n, {})
            for key in ("beyond_pool", "pool"):
                if key in mem:
                    out["%s.memory_per_domain.%s_bytes" % (prefix, key)] = round(
                        float(mem[key]), 1)
    size = res["size"]
    if size.get("xenith_image_bytes"):
        out["image_bytes"] = float(size["xenith_image_bytes"])
    fp = size.get("xenith_footprint")
    if fp:
        out["memory_bytes"] = float(fp["bytes"])
    # The block rows (bench/blk_bench.py), Xenith's: the 4 KiB read's
    # median (its mean wanders with dom0's timer work) and the sequential
    # passes as ns per MiB, so that every held figure is better lower.
    for kind, figs in (res.get("blk", {}).get("xenith") or {}).items():
        if not isinstance(figs, dict):
            continue
        if "rand4k_median_ns" in figs:
            out["blk.%s.rand4k_median_ns" % kind] = float(figs["rand4k_median_ns"])
        for key in ("seq_read", "seq_write"):
            if figs.get(key + "_mibs"):
                out["blk.%s.%s_ns_per_mib" % (kind, key)] = round(1e9 / figs[key + "_mibs"])
    # What dom0 costs beyond its RAM (bench.py's dom0_memory).
    d0 = size.get("xenith_dom0_memory")
    if d0:
        out["memory_dom0_bytes"] = float(d0["bytes"])
    return out


def num(v: float) -> str:
    return "%d" % v if v == int(v) else "%.1f" % v


def compare(now: Dict[str, float], base: Dict[str, float],
            tol: float = TOLERANCE) -> List[Tuple[str, bool, str]]:
    """(figure, passed, message) for every figure of the baseline."""
    out = []
    for key in sorted(base):
        b = base[key]
        v = now.get(key)
        if v is None:
            out.append((key, False, "not measured (baseline %s)" % num(b)))
            continue
        limit = b * (1 + tol)
        delta = (v - b) / b * 100 if b else 0.0
        if v > limit:
            out.append((key, False, "%s is %.1f%% above the baseline %s (limit +%d%%)"
                        % (num(v), delta, num(b), round(tol * 100))))
        elif v < b * (1 - tol):
            out.append((key, True, "%s, %.1f%% below the baseline %s: lower the baseline "
                        "(bash bench/run --write-baseline)" % (num(v), -delta, num(b))))
        else:
            out.append((key, True, "%s (baseline %s, %+.1f%%)" % (num(v), num(b), delta)))
    for key in sorted(set(now) - set(base)):
        out.append((key, True, "%s (not in the baseline yet)" % num(now[key])))
    return out


def git_head() -> Optional[str]:
    try:
        r = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, check=True)
        return r.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def load(path: str = BASELINE) -> Optional[Dict[str, float]]:
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)["figures"]


def write(now: Dict[str, float], res: dict, path: str = BASELINE) -> None:
    doc = {
        "about": "Xenith's make bench figures (instructions = virtual ns under "
                 "-icount shift=0,sleep=off); tests/run fails when one is more than "
                 "%d%% above its value here. Written by bash bench/run --write-baseline."
                 % round(TOLERANCE * 100),
        "written_on_top_of": git_head(),
        "linux_kernel": os.path.basename(res.get("linux_kernel", "")) or None,
        "figures": now,
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def add_new(now: Dict[str, float], path: str = BASELINE) -> List[str]:
    """Adds to the baseline only the figures it does not have yet (a new
    row); every figure already there keeps its value, and so do the other
    fields. Returns the keys added."""
    with open(path) as f:
        doc = json.load(f)
    new = sorted(set(now) - set(doc["figures"]))
    for key in new:
        doc["figures"][key] = now[key]
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    return new


def check(res: dict, path: str = BASELINE) -> int:
    """Prints one PASS/FAIL line per figure and "bench: N passed, N
    failed"; returns the number of failures."""
    base = load(path)
    if base is None:
        print("FAIL bench: no baseline at %s (bash bench/run --write-baseline)" % path)
        print("bench: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    for key, ok, msg in compare(figures(res), base):
        print("%s bench %s: %s" % ("PASS" if ok else "FAIL", key, msg))
        passed += ok
        failed += not ok
    print("bench: %d passed, %d failed" % (passed, failed))
    return failed
