#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs the system scenarios.

  tests/system/run.py                      all scenarios against Xenith
  tests/system/run.py --hv xen             the ones that apply, under Xen 4.17
  tests/system/run.py --hv path/to/Image   against any hypervisor image
  tests/system/run.py two_guests psci      only these
  tests/system/run.py --list

The hypervisor may also be given as XENITH_HV=xen|xenith|<path>.
Xen reference runs (the scenarios in scenarios.XEN_REFERENCE run under
Xen first, and the Xen half of xen_compat) are part of the default set
and labelled "[xen reference]"; where a scenario compares, Xenith's
guest-visible results must equal Xen's. --no-xen-reference leaves them
out. Logs: build/system/<name>-<hv>/.
Ends with "N passed, N failed" (scenario runs), after the number of checks
they made (expected and forbidden console lines, scenario checks) and the
fuzz runs; exit status 1 if anything failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from scenarios import SCENARIOS, XEN_REFERENCE, run_xen_compat  # noqa: E402

TAIL = 40


def report(label: str, res: harness.Result, verbose: bool) -> bool:
    status = "PASS" if res.passed else "FAIL"
    print("%s %s (%.1fs)" % (status, label, res.elapsed), flush=True)
    if not res.passed:
        for f in res.failures:
            for i, line in enumerate(f.splitlines()):
                print(("    - " if i == 0 else "      ") + line)
        print("    log: %s" % os.path.relpath(res.log_path, harness.ROOT))
    if (not res.passed or verbose) and res.log:
        lines = res.log.splitlines()
        print("    --- last %d console lines ---" % min(TAIL, len(lines)))
        for line in lines[-TAIL:]:
            print("    | " + line)
    sys.stdout.flush()
    return res.passed


def checks_of(sc: harness.Scenario) -> int:
    """What one run checks: each expected and forbidden line, plus the
    scenario's own check and interaction when it has them."""
    return len(sc.expects) + len(sc.forbid) + bool(sc.check) + bool(sc.interact)


# QEMU 7.2's own bug: under multi-threaded TCG it now and then aborts with
# "rcu_read_unlock: Assertion `p_rcu_reader->depth != 0' failed" (seen in
# lifecycle_50 and lifecycle_1000 on a loaded 2-core host, never twice in
# a row). That is the emulator dying, not the hypervisor failing: such a
# run is repeated once, and says so; a second abort fails the scenario.
QEMU_OWN_ABORT = "rcu_read_unlock: Assertion"


def run_scenario_qemu_retry(make_sc, hv: str, **kw):
    """(scenario, result) of make_sc() under hv, run once more with a
    fresh scenario if QEMU aborted on its own assertion."""
    sc = make_sc()
    res = harness.run_scenario(sc, hv, **kw)
    if not res.passed and QEMU_OWN_ABORT in res.log:
        print("NOTE %s [%s]: QEMU aborted on its own assertion (%s); running it once more"
              % (sc.name, harness.hv_kind(hv), QEMU_OWN_ABORT))
        sc = make_sc()
        res = harness.run_scenario(sc, hv, **kw)
    return sc, res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="scenarios to run (default: all)")
    ap.add_argument("--hv", default=os.environ.get("XENITH_HV", "xenith"),
                    help="xen, xenith or a hypervisor image path")
    ap.add_argument("--no-xen-reference", action="store_true",
                    help="skip the Xen 4.17 reference runs")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the console tail of passing runs too")
    args = ap.parse_args()

    kind = harness.hv_kind(args.hv)
    all_names = list(SCENARIOS) + ["xen_compat"]
    if args.list:
        for n in all_names:
            if n == "xen_compat":
                print("%-22s xen+xenith  dtinfo guest: same DT lines under both" % n)
                continue
            fn, kinds = SCENARIOS[n]
            print("%-22s %-11s %s" % (n, "+".join(sorted(kinds)), fn(kind).description))
        return 0
    names = args.names or all_names
    unknown = [n for n in names if n not in all_names]
    if unknown:
        print("unknown scenario(s): %s" % ", ".join(unknown), file=sys.stderr)
        return 2

    passed = failed = 0
    checks = fuzz_runs = 0
    t0 = time.monotonic()
    hv_label = kind if args.hv in ("xen", "xenith") else args.hv
    for n in names:
        if n == "xen_compat":
            if kind == "xen":
                continue   # compares Xen with Xenith: nothing to do under Xen
            checks += 1
            ok = report("xen_compat [xen 4.17 vs %s]" % hv_label,
                        run_xen_compat(args.hv), args.verbose)
        else:
            fn, kinds = SCENARIOS[n]
            if kind not in kinds:
                print("SKIP %s [%s] (applies to %s only)" % (n, hv_label, "+".join(sorted(kinds))))
                continue
            sc = fn(kind)
            if sc.unsupported:
                print("SKIP %s [%s]: skipped under %s: %s" % (n, hv_label, kind, sc.unsupported))
                continue
            ref = None
            if kind != "xen" and not args.no_xen_reference and n in XEN_REFERENCE:
                ref_sc = fn("xen")
                checks += checks_of(ref_sc)
                ref_sc, ref = run_scenario_qemu_retry(lambda: fn("xen"), "xen")
                ok = report("%s [xen reference]" % n, ref, args.verbose)
                passed += ok
                failed += not ok
            sc = fn(kind)
            checks += checks_of(sc) + bool(ref is not None and sc.compare)
            fuzz_runs += int(sc.facts.get("fuzz_runs", 0))
            same_dtb = ref is not None and ref.dtb and sc.hv_bootargs is not None
            sc, res = run_scenario_qemu_retry(lambda: fn(kind), args.hv,
                                              dtb=ref.dtb if same_dtb else None)
            if ref is not None and sc.compare:
                if ref.passed and res.passed:
                    res.failures += sc.compare(ref, res)
                    res.passed = not res.failures
                elif not ref.passed:
                    print("NOTE %s: the xen reference failed, results not compared" % n)
            ok = report("%s [%s]" % (n, hv_label), res, args.verbose)
        passed += ok
        failed += not ok
    print("system tests: %.0fs" % (time.monotonic() - t0))
    print("checks: %d" % checks)
    print("fuzz runs: %d" % fuzz_runs)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
