#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots an ad-hoc dom0less configuration, for debugging and exploring.

  tests/system/boot.py --hv xen \\
      --dom "bootargs=name=alpha test=hello" \\
      --dom "bootargs=name=beta test=psci;cpus=2;mem=128M" \\
      --expect "beta: PSCI DONE" --timeout 30

  tests/system/boot.py --hv xenith --interactive \\
      --dom "kernel=cache/linux/boot/vmlinuz-6.1.0-56-arm64;mem=512M;bootargs=console=ttyAMA0;ramdisk=initrd.cpio"

--dom takes ';'-separated key=value items (split at the first '='):
  kernel=PATH (default: the testguest)   ramdisk=PATH     bootargs=TEXT
  mem=N[K|M|G] (default 64M)             cpus=N           vpl011=0|1
  node=NAME                              prop=NAME=DTS-VALUE  (repeatable;
                                         prop=NAME alone = empty property)
Without --interactive it runs like a scenario: stops when all --expect
regexes matched (exit 0), a --forbid regex matched or --timeout passed
(exit 1), and prints the console log. --interactive hands QEMU the
terminal (-serial mon:stdio): CTRL-a x quits, CTRL-a c toggles QEMU's
monitor, and CTRL-a CTRL-a sends one CTRL-a to the hypervisor, so Xen's
input switch (CTRL-a three times) is CTRL-a CTRL-a typed three times.
Files go to build/system/adhoc-<hv>/.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def parse_size_kb(text: str) -> int:
    t = text.strip().upper()
    mult = {"K": 1, "M": 1024, "G": 1024 * 1024}
    if t and t[-1] in mult:
        return int(t[:-1], 0) * mult[t[-1]]
    return int(t, 0) // 1024   # plain number: bytes


def parse_dom(spec: str) -> harness.Domain:
    d = harness.Domain()
    for item in filter(None, (s.strip() for s in spec.split(";"))):
        key, _, val = item.partition("=")
        if key == "kernel":
            d.kernel = os.path.abspath(val) if val else None
        elif key == "ramdisk":
            d.ramdisk = os.path.abspath(val)
        elif key == "bootargs":
            d.bootargs = val
        elif key in ("mem", "memory"):
            d.memory_kb = parse_size_kb(val)
        elif key == "cpus":
            d.cpus = int(val, 0)
        elif key == "vpl011":
            d.vpl011 = val not in ("0", "no", "false")
        elif key == "node":
            d.node = val
        elif key == "prop":
            name, _, value = val.partition("=")
            d.extra[name] = value
        else:
            raise SystemExit("unknown --dom item %r" % key)
    return d


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hv", default=os.environ.get("XENITH_HV", "xenith"))
    ap.add_argument("--dom", action="append", default=[], help="a domain (repeat)")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--mem", type=int, default=2048, help="host RAM in MiB")
    ap.add_argument("--bootargs", default=None, help="xen,xen-bootargs")
    ap.add_argument("--uboot", action="store_true", help="boot through U-Boot")
    ap.add_argument("--cells", type=int, default=2, choices=(1, 2),
                    help="#address/#size-cells of the domain nodes")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--forbid", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--interactive", action="store_true")
    args = ap.parse_args()

    doms = [parse_dom(s) for s in args.dom] or [harness.Domain(bootargs="name=alpha test=hello")]
    sc = harness.Scenario("adhoc", doms, smp=args.smp, mem_mb=args.mem,
                          hv_bootargs=args.bootargs,
                          boot="uboot" if args.uboot else "direct",
                          dom_cells=args.cells, timeout=args.timeout,
                          expects=[harness.Expect(r) for r in args.expect],
                          forbid=[harness.Expect(r) for r in args.forbid])
    if args.interactive:
        if args.uboot:
            raise SystemExit("--interactive with --uboot: type the booti command yourself; "
                             "see qemu.cmd of a uboot scenario run")
        kind = harness.hv_kind(args.hv)
        workdir = os.path.join(harness.BUILD, "system", "adhoc-%s" % kind)
        os.makedirs(workdir, exist_ok=True)
        loader = harness.Loader()
        dtb = harness.build_dtb(sc, args.hv, workdir, loader)
        cmd = harness.qemu_command(sc, harness.resolve_hv(args.hv), dtb, loader)
        cmd = [("mon:stdio" if a == "stdio" else a) for a in cmd]
        i = cmd.index("-monitor")
        del cmd[i:i + 2]
        print(" ".join(cmd), file=sys.stderr)
        os.execvp(cmd[0], cmd)
    if not sc.expects:
        print("note: no --expect given, running until --timeout", file=sys.stderr)
    res = harness.run_scenario(sc, args.hv)
    sys.stdout.write(res.log + "\n")
    for f in res.failures:
        print("boot.py: " + f, file=sys.stderr)
    print("boot.py: %s; log %s" % ("ok" if res.passed else "FAILED", res.log_path),
          file=sys.stderr)
    return 0 if res.passed else 1


if __name__ == "__main__":
    sys.exit(main())
