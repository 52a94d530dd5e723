# SPDX-License-Identifier: MIT
"""dom0_virtio_disk: `xl create /etc/xen/virtio.cfg` in dom0 gives Debian's
Linux a virtio-mmio disk (Xen 4.17's xl syntax: specification=virtio,
backendtype=standalone) that xenith-virtio (backends/virtio) serves from
dom0's user space through an ioreq server, on a file of dom0.

The domU's init (guests/domu/init, xenith.virtio) finds /dev/vda through
Debian's virtio_mmio and virtio_blk modules, prints its size, label and
device-tree node, writes 1 MiB of random data, reads it back past the page
cache and prints its digest. After `xl destroy`, dom0 finds the same
digest in the file, the daemon has let the device go (libxl's state 5,
its 6) and free memory is back. Debian's Xen 4.17 has no ioreq servers,
so this runs under Xenith only.
"""

from __future__ import annotations

import re
import time
from typing import Dict, List, Optional

from dom0 import (DOM0_FORBID, DOM0_SMP, check_free_back, parse_xl_info, parse_xl_list,
                  toolstack_dom0, toolstack_shell, without_kernel_log)
from harness import Console, Domain, Expect, Scenario, differing_facts, expect
from linux import Shell

DOMU = "virtio"
DOMU_LOG = "/var/log/xen/console/guest-%s.log" % DOMU
DISK = "/var/lib/xen/images/virtio.img"
VBE_LOG = "/var/log/xen/xenith-virtio.log"
# libxl 4.17 for the first virtio disk: window 0x02000000 (0x200 bytes),
# SPI 33 (GIC SPI 1, edge rising, CPU mask 0xf).
DOMU_FACTS = [r"XENITH-DOMU: virtio disk vda 16384 sectors, label 'XENITH-VIRTIO-LABEL'",
              r"XENITH-DOMU: virtio node virtio,mmio reg 00 00 00 00 02 00 00 00 00 00 00 00 "
              r"00 00 02 00 interrupts 00 00 00 00 00 00 00 01 00 00 0f 01 dma-coherent",
              r"XENITH-DOMU: virtio pattern [0-9a-f]{32} read back",
              r"XENITH-DOMU: ready"]
VBE_FACTS = [r"xenith-virtio: d\d+ virtio-blk 51712: serving 0x2000000-0x20001ff, SPI 33, "
             r"2 vCPUs, ioreq server 0",
             r"xenith-virtio: d\d+ virtio-blk 51712: %s \(16384 sectors\)" % DISK,
             r"xenith-virtio: d\d+ virtio-blk 51712: stopped \(the toolstack closes it\)"]


def _grep(sh: Shell, what: str, path: str) -> List[str]:
    return [l.rstrip() for l in sh.run("grep -a %s %s" % (what, path), timeout=10) or []]


def _interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        errors: List[str] = []
        try:
            def run(cmd: str, timeout: float = 15.0) -> List[str]:
                out = sh.run(cmd, timeout)
                if out is None:
                    errors.append("no answer to '%s'" % cmd)
                return without_kernel_log([l.rstrip() for l in out or []])

            def free_mb() -> Optional[str]:
                return parse_xl_info(run("xl info")).get("free_memory")

            free_before = free_mb()
            t0 = time.monotonic()
            facts["xl_create"] = run("xl create /etc/xen/virtio.cfg; echo rc=$?", timeout=60)
            if "rc=0" not in facts["xl_create"]:
                errors.append("xl create failed: %r; daemon: %r"
                              % (facts["xl_create"], run("cat %s" % VBE_LOG)))
                return "; ".join(errors)
            facts["backend_keys"] = run("xenstore-ls /local/domain/0/backend/virtio_disk")
            log: List[str] = []
            while time.monotonic() - t0 < min(90, sh.left(90)):
                log = _grep(sh, "XENITH-DOMU", DOMU_LOG)
                if any("XENITH-DOMU: ready" in l for l in log):
                    break
                time.sleep(1.0)
            facts["domu_log"] = log
            for pat in DOMU_FACTS:
                if not any(re.fullmatch(pat, l) for l in log):
                    errors.append("the domU did not print %r (its lines: %r)" % (pat, log))
            digest = next((l.split()[3] for l in log if "virtio pattern" in l
                           and l.endswith("read back")), None)
            run("xl destroy %s" % DOMU, timeout=30)
            doms = parse_xl_list(run("xl list"))
            facts["after"] = [d["name"] for d in doms]
            if facts["after"] != ["Domain-0"]:
                errors.append("after xl destroy, xl list shows %r" % facts["after"])
            file_digest = run("dd if=%s bs=64k skip=16 count=16 2>/dev/null | md5sum" % DISK)
            facts["file_digest"] = file_digest
            if not digest or not any(l.startswith(digest) for l in file_digest):
                errors.append("the file's digest %r is not the domU's %r" % (file_digest, digest))
            vbe = _grep(sh, "xenith-virtio", VBE_LOG)
            facts["daemon_log"] = vbe
            for pat in VBE_FACTS:
                if not any(re.fullmatch(pat, l) for l in vbe):
                    errors.append("xenith-virtio did not log %r (its log: %r)" % (pat, vbe))
            check_free_back(free_mb, free_before, sh, facts, errors)
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_dom0_virtio_disk(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    facts: Dict[str, object] = {}
    return Scenario(
        "dom0_virtio_disk", [],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: toolstack up", 0)],
        forbid=COMMON_FORBID + DOM0_FORBID,
        smp=DOM0_SMP, mem_mb=1024, timeout=240,
        interact=_interact(facts), facts=facts,
        description="xl create of Debian's Linux with a virtio disk (specification=virtio, "
                    "backendtype=standalone) served by xenith-virtio in dom0 through an "
                    "ioreq server: /dev/vda's label, device-tree node and 1 MiB written and "
                    "read back; after xl destroy the file holds it, the daemon let the device "
                    "go and free memory is back")


# ---------------------------------------------------------------------------
# dom0_virtio_libxl: what Debian's libxl 4.17 writes for a virtio disk,
# under Xen 4.17 and Xenith, compared
# ---------------------------------------------------------------------------
# Under Xen 4.17 nothing can serve the device (no ioreq servers), so a
# shell loop answers libxl's wait for the backend (state 2) the way
# xenith-virtio does; under Xenith the daemon answers first.
FAKE_BACKEND = ("(while :; do for p in $(xenstore-ls -f /local/domain/0/backend/virtio_disk "
                "2>/dev/null | sed -n 's|^\\(.*\\)/state = \"1\"$|\\1|p'); do "
                "xenstore-write $p/state 2; done; sleep 0.2; done) >/dev/null 2>&1 & true")
LIBXL_FACTS = ["xl_create", "backend", "frontend", "node"]


def _libxl_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        try:
            def run(cmd: str, timeout: float = 15.0) -> List[str]:
                return without_kernel_log([l.rstrip() for l in sh.run(cmd, timeout) or []])

            run(FAKE_BACKEND)
            facts["xl_create"] = [l for l in run("xl create /etc/xen/virtio.cfg; echo rc=$?",
                                                 timeout=60) if l.startswith("rc=")]
            if facts["xl_create"] != ["rc=0"]:
                return "xl create failed: %r" % facts["xl_create"]
            ids = [l for l in run("xl domid %s" % DOMU) if l.isdigit()]
            if not ids:
                return "xl domid %s gave no id" % DOMU
            domid = ids[0]

            def norm(lines: List[str]) -> List[str]:
                # The guest's id as D: the two hypervisors may number it apart.
                return [re.sub(r'(?<=/)%s(?=/| =|")' % domid, "D",
                               re.sub(r'frontend-id = "%s"' % domid, 'frontend-id = "D"', l))
                        for l in lines]
            # Keys and values, the backend's state aside (the daemon or the
            # loop moves it).
            facts["backend"] = norm([l for l in run("xenstore-ls -f "
                                                    "/local/domain/0/backend/virtio_disk")
                                     if not l.endswith("/state = \"2\"")])
            facts["frontend"] = norm(run("xenstore-ls -f /local/domain/%s/device/virtio_disk"
                                         % domid))
            node: List[str] = []
            t0 = time.monotonic()
            while not node and time.monotonic() - t0 < min(60, sh.left(60)):
                node = _grep(sh, "'XENITH-DOMU: virtio node'", DOMU_LOG)
                time.sleep(1.0)
            facts["node"] = node
            run("xl destroy %s" % DOMU, timeout=30)
            if not node or not re.fullmatch(DOMU_FACTS[1], node[0]):
                return "the guest's virtio node is not libxl's: %r" % node
            if not any(l.endswith("/params = \"%s\"" % DISK) for l in facts["backend"]):
                return "libxl wrote no params for the disk: %r" % facts["backend"]
            return None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_dom0_virtio_libxl(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    facts: Dict[str, object] = {}
    return Scenario(
        "dom0_virtio_libxl", [],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: toolstack up", 0)],
        forbid=COMMON_FORBID + DOM0_FORBID,
        smp=DOM0_SMP, mem_mb=1024, timeout=200,
        interact=_libxl_interact(facts), facts=facts,
        compare=lambda ref, res: differing_facts(ref, res, LIBXL_FACTS,
                                                 "what libxl wrote differs from Xen 4.17's"),
        description="xl create of /etc/xen/virtio.cfg under Xen 4.17 (which cannot serve it: a "
                    "shell loop answers libxl's wait for the backend) and Xenith: the xenstore "
                    "keys libxl writes under dom0's backend/virtio_disk and the guest's "
                    "device/virtio_disk, and the virtio,mmio node in the guest's device tree, "
                    "are the same")


# ---------------------------------------------------------------------------
# dom0less_virtio: a dom0less domain's virtio disk (Xenith's binding)
# ---------------------------------------------------------------------------
DOM0LESS_DISK = "/var/lib/xen/images/dom0less-1.img"
DOM0LESS_VIRTIO_NODE = 'virtio@2000000 { compatible = "xenith,virtio-mmio"; };'
# VirtIO-Grant to dom0: the guest's node names the xen,grant-dma node.
DOM0LESS_GRANT_NODE = ('virtio@2000000 { compatible = "xenith,virtio-mmio"; '
                       'xenith,grant-usage = <1>; };')
# The second slot (defaults: 0x2000200, SPI 34): d1's virtio console.
DOM0LESS_CONSOLE_NODE = 'virtio@2000200 { compatible = "xenith,virtio-mmio"; };'
CONSOLE_LOG = "/var/log/xen/console/virtio-1.log"
PONG = "XENITH-PONG-4711"


def _dom0less_interact(facts: Dict[str, object]):
    """Once d1 has read its pattern back, dom0 finds it in the file and
    the daemon's log names the device."""
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        try:
            err = _start_backend_late(con, sh, deadline)
            if err:
                return err
            digest = None
            while time.monotonic() < deadline - 20 and digest is None:
                con.pump(0.5)
                for line in con.lines:
                    m = re.search(r"\(d1\) XENITH-INIT: virtio pattern ([0-9a-f]{32}) read back",
                                  line)
                    if m:
                        digest = m.group(1)
            if not digest:
                return "d1 never read its pattern back"
            out = sh.run("dd if=%s bs=64k skip=16 count=16 2>/dev/null | md5sum" % DOM0LESS_DISK,
                         timeout=15) or []
            facts["file_digest"] = out
            if not any(l.startswith(digest) for l in out):
                return "the file's digest %r is not d1's %s" % (out, digest)
            vbe = _grep(sh, "xenith-virtio", DISK_LOG)
            facts["daemon_log"] = vbe
            # The console's daemon, started at boot, has server 0.
            want = (r"xenith-virtio: d1 virtio-blk 28672: serving 0x2000000-0x20001ff, SPI 33, "
                    r"2 vCPUs, ioreq server 1")
            if not any(re.fullmatch(want, l) for l in vbe):
                return "xenith-virtio did not log %r (its log: %r)" % (want, vbe)
            vbe = _grep(sh, "xenith-virtio", VBE_LOG)
            facts["console_daemon_log"] = vbe
            return _console_round_trip(con, sh, deadline, vbe, facts)
        finally:
            facts["transcript"] = sh.transcript
    return interact


# The disk's backend, a second xenith-virtio beside the console's (which
# dom0's init started at boot): first its file with a label, then, once
# d1 waits, the daemon. Short to type: d1's vCPU waits meanwhile, and its
# Linux reports a soft lockup after 20 s.
DISK_LOG = "/var/log/xen/xenith-virtio-disk.log"
PREPARE_DISK = ("F=%s; dd if=/dev/zero of=$F bs=1M count=8 2>/dev/null; "
                "echo XENITH-DOM0LESS-LABEL | dd of=$F conv=notrunc 2>/dev/null"
                % DOM0LESS_DISK)
START_DISK = ("echo XENITH-DOM0: starting xenith-virtio; "
              "xenith-virtio --disk domid=1,path=$F >%s 2>&1 & true" % DISK_LOG)


def _start_backend_late(con: Console, sh: Shell, deadline: float) -> Optional[str]:
    """Starts the disk's backend only once the hypervisor said d1 waits
    for it, so the wait is shown whatever the host's scheduling."""
    waits = re.compile(r"d1 v\d: the virtio device at 0x2000000 has no backend yet")
    sh.run(PREPARE_DISK, timeout=15)
    while time.monotonic() < deadline - 60:
        if any(waits.search(l) for l in con.lines):
            sh.run(START_DISK, timeout=15)
            return None
        con.pump(0.5)
    return "d1 never waited for its virtio backend"


def _console_round_trip(con: Console, sh: Shell, deadline: float, vbe: List[str],
                        facts: Dict[str, object]) -> Optional[str]:
    """d1's virtio console: its hello is in the guest log, and a line
    written to the pty the daemon named comes out of d1's hvc."""
    pty = None
    for l in vbe:
        m = re.fullmatch(r"xenith-virtio: d1 virtio-console 28672: pty (/dev/pts/\d+), log " +
                         re.escape(CONSOLE_LOG), l)
        pty = m.group(1) if m else pty
    if not pty:
        return "xenith-virtio did not log d1's console pty (its log: %r)" % vbe
    while time.monotonic() < deadline - 20 and \
            not any("XENITH-INIT: virtio console /dev/hvc" in l for l in con.lines):
        con.pump(0.5)
    out = sh.run("grep -c 'XENITH-VCON: hello from .* on /dev/hvc' %s" % CONSOLE_LOG,
                 timeout=10) or []
    facts["console_log_hello"] = out
    if not out or out[0].strip() != "1":
        return "d1's hello is not in %s once (grep -c said %r)" % (CONSOLE_LOG, out)
    sh.run("echo %s >%s" % (PONG, pty), timeout=10)
    while time.monotonic() < deadline - 5:
        if any("XENITH-INIT: virtio console read '%s'" % PONG in l for l in con.lines):
            return None
        con.pump(0.5)
    return "d1 never read %s from its virtio console" % PONG


def sc_dom0less_virtio(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    from linux import XEN_GUEST_BOOTARGS, linux_domain
    facts: Dict[str, object] = {}
    domu = linux_domain(XEN_GUEST_BOOTARGS + " xenith.virtio xenith.vconsole", None, cpus=2,
                        memory_kb=256 * 1024)
    domu.children = [DOM0LESS_VIRTIO_NODE, DOM0LESS_CONSOLE_NODE]
    # dom0's init serves the console (d1's second slot, named, as a second
    # daemon's first device would take the first); the interaction starts
    # the disk's daemon by hand once d1 waits for it.
    dom0 = toolstack_dom0()
    dom0.bootargs += " xenith.vconsole=1,base=0x2000200,irq=34"
    return Scenario(
        "dom0less_virtio", [domu],
        dom0=dom0,
        expects=[expect(r"d1 v\d: the virtio device at 0x2000000 has no backend yet: "
                        r"waiting for one$", label="waits"),
                 expect(r"^XENITH-DOM0: starting xenith-virtio", 0, after="waits",
                        label="dom0"),
                 expect(r"XENITH-INIT: loaded virtio_mmio", 1, after="dom0"),
                 expect(r"XENITH-INIT: virtio disk vda 16384 sectors, "
                        r"label 'XENITH-DOM0LESS-LABEL'", 1),
                 expect(r"XENITH-INIT: virtio pattern [0-9a-f]{32} read back", 1),
                 expect(r"XENITH-INIT: loaded virtio_console", 1),
                 expect(r"XENITH-INIT: virtio console read '%s'" % PONG, 1)],
        forbid=COMMON_FORBID + DOM0_FORBID + [Expect(r"virtio pattern differs|vda missing|"
                                                     r"virtio console missing")],
        smp=DOM0_SMP, mem_mb=1024, timeout=150,
        interact=_dom0less_interact(facts), facts=facts,
        description="a dom0less Debian Linux with a virtio-mmio disk (Xenith's "
                    "xenith,virtio-mmio binding): its virtio_mmio probe waits in the "
                    "hypervisor until xenith-virtio in dom0 serves the device, then finds "
                    "/dev/vda, writes 1 MiB and reads it back; dom0 finds it in the file. "
                    "Its virtio console: its hello reaches dom0's log, a line written to "
                    "the daemon's pty reaches the guest")


# ---------------------------------------------------------------------------
# virtio_hostile: bare-metal virtio-blk drivers, well and badly behaved,
# one of them with VirtIO-Grant
# ---------------------------------------------------------------------------
# What guests/testguest/virtio.c prints for each request: 0 OK, 1 IOERR,
# "reset" when the device set DEVICE_NEEDS_RESET.
VIRTIO_CASES = [("read sector 0", "0"), ("write sector 100", "0"), ("read sector 100", "0"),
                ("read after giving a page back", "0"),
                ("read past the end of the disk", "1"), ("data outside guest RAM", "1"),
                ("head index beyond the queue", "reset"),
                ("read after a bad head and a reset", "0"),
                ("descriptor chain that loops", "reset"), ("read after a loop and a reset", "0"),
                ("request without a status byte", "reset"),
                ("read after no status and a reset", "0"), ("final read", "0")]
GRANT_CASES = [("data at a page given by address, not granted", "1"),
               ("data at a grant reference never granted", "1")]


def _hostile_interact(facts: Dict[str, object]):
    """Once both drivers are done: the daemon logged the refused grant,
    and the page d2 never granted did not reach its disk."""
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        try:
            while time.monotonic() < deadline - 20 and \
                    sum("VIRTIO DONE" in l for l in con.lines) < 2:
                con.pump(0.5)
            # One count per fact: the guests' lines and the daemon's log
            # all come through dom0's console, whose output is rate-limited.
            for want in ["d2 virtio-blk 28673: .* grant references only",
                         # d1 gave a page back: its mappings went
                         # (the rings and data pages had been mapped).
                         r"d1 virtio-blk 28672: mapcache invalidated ([1-9]",
                         r"d2 virtio-blk 28673: mapcache invalidated (0 chunks",
                         "d2: grant 200 could not be mapped",
                         "d1 virtio-blk 28672: device needs a reset",
                         "d2 virtio-blk 28673: device needs a reset"]:
                out = sh.run("grep -c '%s' %s" % (want, VBE_LOG), timeout=10) or []
                facts["daemon_log " + want] = out
                if not out or not out[0].strip().isdigit() or int(out[0]) < 1:
                    return "xenith-virtio did not log %r (grep -c said %r)" % (want, out)
            # 0x5a is the page d2 gave by address only: sector 101 must not hold it.
            out = sh.run("dd if=/var/lib/xen/images/dom0less-2.img bs=512 skip=101 count=1 "
                         "2>/dev/null | od -An -tx1 | grep -c 5a; true", timeout=15) or []
            facts["secret_in_disk"] = out
            if not out or out[0].strip() != "0":
                return "d2's ungranted page reached its disk: %r" % out
            return None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_virtio_hostile(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID, tg
    facts: Dict[str, object] = {}
    plain = tg("plain", "virtio", children=[DOM0LESS_VIRTIO_NODE])
    granter = tg("granter", "virtio", children=[DOM0LESS_GRANT_NODE])
    dom0 = toolstack_dom0()
    dom0.bootargs += " xenith.vdisk=1 xenith.vdisk=2,grant"
    exp = [expect(r"granter: virtio: grant-dma to d0 \(iommus\)$", 2),
           expect(r"plain: virtio: device at 0x2000000 magic 0x74726976 version 2 id 2$", 1),
           expect(r"granter: virtio: device at 0x2000000 magic 0x74726976 version 2 id 2$", 2),
           expect(r"plain: virtio: capacity 16384 sectors$", 1),
           expect(r"granter: virtio: capacity 16384 sectors, grant references$", 2),
           expect(r"plain: virtio: label 'XENITH-DOM0LESS-LABEL'$", 1),
           expect(r"granter: virtio: label 'XENITH-DOM0LESS-LABEL'$", 2),
           expect(r"plain: VIRTIO DONE$", 1), expect(r"granter: VIRTIO DONE$", 2)]
    for what, st in VIRTIO_CASES + [("give a page back", "1")]:
        exp.append(expect(r"plain: virtio: %s = %s$" % (re.escape(what), st), 1))
        exp.append(expect(r"granter: virtio: %s = %s$" % (re.escape(what), st), 2))
    exp += [expect(r"granter: virtio: %s = %s$" % (re.escape(what), st), 2)
            for what, st in GRANT_CASES]
    return Scenario(
        "virtio_hostile", [plain, granter],
        dom0=dom0,
        expects=exp + [expect(r"XENITH-DOM0: toolstack up", 0)],
        forbid=COMMON_FORBID + DOM0_FORBID + [Expect(r"virtio: .*BAD"),
                                              Expect(r"plain: virtio: grant-dma")],
        smp=DOM0_SMP, mem_mb=1024, timeout=150,
        interact=_hostile_interact(facts), facts=facts,
        description="two bare-metal virtio-blk drivers of dom0less domains against "
                    "xenith-virtio in dom0, d2 with VirtIO-Grant (grant references only): "
                    "good requests, a buffer outside guest RAM, past the disk, a page given "
                    "by address or a reference never granted (error status, the page never "
                    "reaches the disk), a head beyond the queue, a looping chain, a request "
                    "without a status byte (the device asks for a reset, works after it)")


# ---------------------------------------------------------------------------
# driver_domain_virtio: VirtIO-Grant with the backend in a driver domain
# that is not dom0
# ---------------------------------------------------------------------------
def sc_driver_domain_virtio(kind: str) -> Scenario:
    """No dom0: d1 is Debian's Linux booted from dom0's filesystem as a
    driver domain, named by d2 as its device model; it serves d2's virtio
    disk with grant references only and may not map d2's memory."""
    from scenarios import COMMON_FORBID, tg
    from dom0 import dom0_ramdisk
    from linux import linux_kernel
    drv = Domain(kernel=linux_kernel(), ramdisk=dom0_ramdisk(), memory_kb=384 * 1024, cpus=2,
                 bootargs="console=ttyAMA0 xen_privcmd.unrestricted=1 xenith.vdisk=2,grant "
                          "xenith.probe_foreign=2", label="drv",
                 extra={"xen,enhanced": '"no-xenstore"'})
    # Grants by libxl's default: the device model is not dom0 (and the
    # guest has Xen's interfaces).
    granter = tg("granter", "virtio", children=[DOM0LESS_VIRTIO_NODE],
                 extra={"xenith,device-model": "<&drv>", "xen,enhanced": '"no-xenstore"'})
    exp = [expect(r"XENITH-DOM0: not dom0 .*toolstack not started", 1, label="drv"),
           expect(r"xenith-virtio: foreign mapping of d2: refused "
                  r"\(Operation not permitted\)", 1),
           expect(r"XENITH-DOM0: virtio backend started", 1),
           expect(r"XENITH-VBE: xenith-virtio: d2 virtio-blk 28672: serving 0x2000000-0x20001ff, "
                  r"SPI 33, 1 vCPUs, ioreq server 0", 1),
           expect(r"XENITH-VBE: xenith-virtio: d2 virtio-blk 28672: .* grant references only", 1),
           expect(r"granter: virtio: grant-dma to d1 \(iommus\)$", 2),
           expect(r"granter: virtio: device at 0x2000000 magic 0x74726976 version 2 id 2$", 2),
           expect(r"granter: virtio: capacity 16384 sectors, grant references$", 2),
           expect(r"granter: virtio: label 'XENITH-DOM0LESS-LABEL'$", 2),
           expect(r"granter: VIRTIO DONE$", 2),
           expect(r"XENITH-VBE: xenith-virtio: d2: grant 200 could not be mapped", 1),
           expect(r"granter: virtio: give a page back = 1$", 2),
           expect(r"XENITH-VBE: xenith-virtio: d2 virtio-blk 28672: mapcache invalidated "
                  r"\(0 chunks unmapped\)", 1)]
    exp += [expect(r"granter: virtio: %s = %s$" % (re.escape(what), st), 2)
            for what, st in VIRTIO_CASES + GRANT_CASES]
    return Scenario(
        "driver_domain_virtio", [drv, granter],
        expects=exp,
        forbid=COMMON_FORBID + [Expect(r"virtio: .*BAD"), Expect(r"foreign mapping of d2: allowed"),
                                Expect(r"insmod .* failed")],
        smp=2, mem_mb=1024, timeout=150,
        description="VirtIO-Grant with the backend in a driver domain that is not dom0 and has "
                    "no xenstore: d1 (Debian's Linux, xen_privcmd.unrestricted=1) is named by "
                    "d2's xenith,device-model; its foreign mapping of d2 is refused, xenith-virtio "
                    "there serves d2's bare-metal driver with grant references only, and the "
                    "hostile requests (ungranted page, unknown reference, bad queues) get errors")
