#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The demo: Xenith boots a Debian Linux guest (2 vCPUs, Xen PV interfaces)
and two bare-metal guests side by side on QEMU's virt board (-smp 4), from
a dom0less device tree built the way Xen's ImageBuilder writes it.

Interactive (a terminal): the console is yours. Ctrl-a three times moves
the input between Xen(ith), DOM1 (Linux: try `cat /sys/hypervisor/type`),
DOM2 and DOM3. Ctrl-c stops QEMU.
Not interactive (CI, pipes): runs for --seconds and stops.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
import harness as h  # noqa: E402


def demo_scenario(kernel: str, initramfs: str) -> h.Scenario:
    linux = h.Domain(kernel=kernel, ramdisk=initramfs, memory_kb=256 * 1024, cpus=2,
                     bootargs="console=ttyAMA0 quiet",
                     extra={"xen,enhanced": '"no-xenstore"'})
    alpha = h.Domain(bootargs="name=alpha test=hello", memory_kb=16 * 1024)
    beta = h.Domain(bootargs="name=beta test=hello", memory_kb=16 * 1024)
    return h.Scenario("demo", [linux, alpha, beta], smp=4, mem_mb=2048)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hv", default="xenith", help="xenith (default), xen, or an image path")
    ap.add_argument("--seconds", type=float, default=40.0,
                    help="run time when not interactive (default 40)")
    a = ap.parse_args()
    kernel = h.find_linux_kernel() if hasattr(h, "find_linux_kernel") else None
    if not kernel:
        import glob
        ks = sorted(glob.glob(os.path.join(h.CACHE, "linux", "boot", "vmlinuz-6.1.*-arm64")))
        kernel = ks[-1] if ks else None
    initramfs = os.path.join(h.BUILD, "initramfs.cpio.gz")
    if not kernel or not os.path.exists(initramfs):
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
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL)
    try:
        proc.wait(timeout=a.seconds)
    except subprocess.TimeoutExpired:
        proc.terminate()
        proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
