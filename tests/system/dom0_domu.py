# SPDX-License-Identifier: MIT
"""dom0_linux_domu: dom0's toolstack creates Debian's Linux as a PV domU
(`xl create /etc/xen/linux.cfg`, scripts/mkdom0fs.sh) with a console, a
disk (xen-blkback on a loop file in dom0) and a network interface
(xen-netback on dom0's bridge xenbr0), reaches its shell through `xl
console`, pauses, unpauses and destroys it, under Xen 4.17 and Xenith.

The domU's init (guests/domu/init) reads the disk's label, writes a mark
into the disk, pings dom0 and prints "XENITH-DOMU: ..." lines; xenconsoled
logs them in /var/log/xen/console/guest-linux.log, which dom0's shell
reads. After `xl destroy`, dom0 finds the mark in the disk file, and the
free memory `xl info` reports is what it was before `xl create`.
"""

from __future__ import annotations

import re
import time
from typing import Dict, List, Optional

from dom0 import (DOM0_FORBID, DOM0_SMP, by_name, check_free_back, parse_xl_info,
                  parse_xl_list, toolstack_dom0, toolstack_shell, without_kernel_log)
from harness import Console, Result, Scenario, differing_facts, expect
from linux import Shell

DOMU = "linux"
DOMU_MEM_MB = 192
DOMU_VCPUS = 2
DOMU_LOG = "/var/log/xen/console/guest-%s.log" % DOMU
DISK = "/var/lib/xen/images/linux.img"
# What guests/domu/init prints once it is done, in the order it prints it.
DOMU_FACTS = [r"XENITH-DOMU: reached init",
              r"XENITH-DOMU: disk xvda 16384 sectors, label 'XENITH-DISK-LABEL'",
              r"XENITH-DOMU: disk written",
              r"XENITH-DOMU: ping dom0 ok \(3 replies\)",
              r"XENITH-DOMU: ready"]


def _domu_log(sh: Shell, until: str, timeout: float) -> Optional[List[str]]:
    """The domU's lines in its console log (xenconsoled's) once they hold
    `until`. Only its XENITH-DOMU lines: the log ends in the shell's
    unfinished prompt, where the end marker would not start a line."""
    limit = time.monotonic() + timeout
    out: Optional[List[str]] = None
    while time.monotonic() < limit:
        out = sh.run("grep -a XENITH-DOMU %s" % DOMU_LOG, timeout=10)
        if out and any(until in l for l in out):
            break
        time.sleep(1.0)
    return [l.rstrip() for l in out] if out is not None else None


def _console_shell(sh: Shell, con: Console) -> str:
    """`xl console linux`, a command typed into the domU's shell, its
    answer back, then CTRL-] (xenconsole's escape). What happened."""
    start = len(con.lines)
    # The echo ends the domU's unfinished prompt, so that the shell's end
    # marker starts a line.
    cmd = "xl console %s; echo" % DOMU
    n = sh.start(cmd)
    time.sleep(1.0)
    sh.type("\r")
    time.sleep(0.5)
    # The answer differs from the typed text, so the echo cannot match.
    sh.type("echo domu-says-$((6 * 7)) $(cat /proc/xen/capabilities 2>/dev/null)x\r")
    limit = time.monotonic() + sh.left(15)
    got = False
    while time.monotonic() < limit and not got:
        con.pump(0.2)
        # The domU's output as dom0's (a "(XEN) " Xen may put mid-line removed).
        got = any("domu-says-42 x" in l for l in sh.stream.lines())
    con.send("\x1d")
    out = sh.finish(n, cmd, timeout=8)
    if out is None:
        con.send("\x1d")
        sh.run("stty sane; stty cols 250", timeout=5)
        return "no shell prompt in dom0 after CTRL-]"
    return "ok" if got else "no answer from the domU's shell"


def _domu_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        errors: List[str] = []
        try:
            def run(key: str, cmd: str, timeout: float = 15.0) -> Optional[List[str]]:
                out = sh.run(cmd, timeout)
                if out is None:
                    errors.append("no answer to '%s'" % cmd)
                else:
                    out = without_kernel_log([l.rstrip() for l in out])
                facts[key] = out
                return out

            def free_mb() -> Optional[str]:
                return parse_xl_info(run("xl_info", "xl info") or []).get("free_memory")

            free_before = free_mb()
            out = run("xl_create", "xl create /etc/xen/linux.cfg", timeout=60)
            if out is None:
                return "; ".join(errors)
            doms = parse_xl_list(run("xl_list_created", "xl list") or [])
            d = by_name(doms, DOMU)
            # Not its vCPUs yet: xl list counts those online, and Linux
            # brings up the second a moment later.
            facts["created"] = d and (d["name"], d["mem"])
            if not d:
                errors.append("after xl create, xl list has no %r: %r (xl create said %r)"
                              % (DOMU, doms, out))
                run("hotplug_log", "tail -n 20 /var/log/xen/xen-hotplug.log")
                return "; ".join(errors)
            log = _domu_log(sh, "XENITH-DOMU: ready", min(90, sh.left(90)))
            facts["domu_log"] = [l for l in log or [] if l.startswith("XENITH-DOMU")]
            for pat in DOMU_FACTS:
                if not any(re.fullmatch(pat, l) for l in facts["domu_log"]):
                    errors.append("the domU did not print %r (its XENITH-DOMU lines: %r)"
                                  % (pat, facts["domu_log"]))
            d = by_name(parse_xl_list(run("xl_list_ready", "xl list") or []), DOMU)
            facts["vcpus"] = d and d["vcpus"]
            if facts["vcpus"] != DOMU_VCPUS:
                errors.append("xl list shows %r vCPUs for %s, want %d"
                              % (facts["vcpus"], DOMU, DOMU_VCPUS))
            facts["dom0_ping"] = bool(re.search(
                r" 0% packet loss", "\n".join(run("dom0_ping", "ping -c 2 -W 3 10.0.0.2") or [])))
            if not facts["dom0_ping"]:
                errors.append("dom0 cannot ping the domU: %r" % facts["dom0_ping"])
            facts["xl_console"] = _console_shell(sh, con)
            if facts["xl_console"] != "ok":
                errors.append("xl console %s: %s" % (DOMU, facts["xl_console"]))
            run("xl_pause", "xl pause %s" % DOMU)
            d = by_name(parse_xl_list(run("xl_list_paused", "xl list") or []), DOMU)
            facts["paused"] = bool(d and "p" in str(d["state"]))
            run("xl_unpause", "xl unpause %s" % DOMU)
            d = by_name(parse_xl_list(run("xl_list_unpaused", "xl list") or []), DOMU)
            facts["unpaused"] = bool(d and "p" not in str(d["state"]))
            if not facts["paused"] or not facts["unpaused"]:
                errors.append("xl pause/unpause: paused %r, unpaused %r"
                              % (facts["paused"], facts["unpaused"]))
            run("xl_destroy", "xl destroy %s" % DOMU, timeout=30)
            doms = parse_xl_list(run("xl_list_end", "xl list") or [])
            facts["after"] = [d["name"] for d in doms or []]
            if facts["after"] != ["Domain-0"]:
                errors.append("after xl destroy, xl list shows %r" % facts["after"])
            # The echo ends the output if the sector holds no newline.
            mark = run("disk_mark", "dd if=%s bs=512 skip=8 count=1 2>/dev/null | head -n1 "
                       "| tr -d '\\0'; echo" % DISK) or []
            facts["disk_mark"] = "written by the domU" in mark
            if not facts["disk_mark"]:
                errors.append("the disk file does not hold the domU's mark: %r" % mark)
            facts["loop_after"] = [l for l in run("loop_after", "losetup -a") or []
                                   if l.startswith("/dev/loop")]
            if facts["loop_after"]:
                errors.append("loop devices left after xl destroy: %r" % facts["loop_after"])
            check_free_back(free_mb, free_before, sh, facts, errors)
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


COMPARED = ["created", "vcpus", "domu_log", "dom0_ping", "xl_console", "paused", "unpaused", "after",
            "disk_mark", "loop_after"]


def compare_domu(ref: Result, res: Result) -> List[str]:
    return differing_facts(ref, res, COMPARED, "what dom0 sees differs from Xen 4.17")


def sc_dom0_linux_domu(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    facts: Dict[str, object] = {}
    return Scenario(
        "dom0_linux_domu", [],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: toolstack up", 0)],
        forbid=COMMON_FORBID + DOM0_FORBID,
        smp=DOM0_SMP, mem_mb=1024, timeout=240,
        interact=_domu_interact(facts), facts=facts, compare=compare_domu,
        description="xl create of Debian's Linux as a PV domU (%d vCPUs, %d MiB) from dom0: "
                    "its disk through blkback on a loop file, its network through netback "
                    "on a bridge (ping both ways), its shell through xl console, xl pause, "
                    "unpause, destroy; the disk keeps its write, free memory comes back"
                    % (DOMU_VCPUS, DOMU_MEM_MB))


# ---------------------------------------------------------------------------
# dom0_blk_direct: large direct I/O through blkback (bench/blk_bench.py's
# guest, without icount): 1 MiB O_DIRECT requests keep over a thousand of
# the domU's pages mapped in dom0 (persistent grants and in-flight
# segments), which a maptrack of one page (128 handles) could not hold.
# ---------------------------------------------------------------------------
BLK_LINE = re.compile(r"blk-bench: blkbench BLKBENCH dev=/dev/xvda span=16777216 rand4k_ops=400 "
                      r"rand4k_median_ns=\d+ rand4k_mean_ns=\d+ seq_read_mibs=[\d.]+ "
                      r"seq_write_mibs=[\d.]+$")


def _blk_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        try:
            out = [l.strip() for l in sh.run("blk-bench /etc/xen/blkbench.cfg",
                                              timeout=sh.left(150)) or []]
            facts["blk_bench"] = [re.sub(r"\d+(\.\d+)?", "N", l) for l in out
                                  if "BLKBENCH" in l]
            if not any(BLK_LINE.fullmatch(l) for l in out) or "blk-bench: done" not in out:
                return "the domU's direct I/O through blkback failed: %r" % out[-14:]
            return None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_dom0_blk_direct(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    facts: Dict[str, object] = {}
    return Scenario(
        "dom0_blk_direct", [],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: toolstack up", 0)],
        forbid=COMMON_FORBID + DOM0_FORBID,
        smp=DOM0_SMP, mem_mb=1024, timeout=200,
        interact=_blk_interact(facts), facts=facts,
        compare=lambda ref, res: differing_facts(ref, res, ["blk_bench"],
                                                 "blkbench's result differs from Xen 4.17's"),
        description="xl create of Debian's Linux whose disk is blkback on a 16 MiB file: "
                    "O_DIRECT 4 KiB random reads and 1 MiB sequential reads and writes over "
                    "all of it (over a thousand grant mappings in dom0 at once), as under "
                    "Xen 4.17")
