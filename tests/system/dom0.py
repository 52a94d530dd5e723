# SPDX-License-Identifier: MIT
"""dom0 scenarios: Debian's kernel as dom0 with build/dom0.cpio.gz
(scripts/mkdom0fs.sh: Debian 12's unmodified Xen 4.17 toolstack), beside
dom0less domains, driven through dom0's console.

dom0's init prints "XENITH-DOM0: reached init", starts xenstored,
xen-init-dom0, xenconsoled and init-dom0less, prints "XENITH-DOM0:
toolstack up" (or which daemon failed) and runs a shell on hvc0. Both
hypervisors give dom0 the serial input first (Xen 4.17: "*** Serial input
to DOM0"), so the shell is typed at directly. Under Xen 4.17 dom0's
console is printed without a prefix, under Xenith as "(d0) ..."; the
linux.Shell/GuestStream helpers read either.
"""

from __future__ import annotations

import os
import re
import time
from typing import Dict, List, Optional

from harness import BUILD, Console, Dom0, Expect, Result, Scenario, differing_facts, expect
from linux import Shell, linux_kernel, wait_init

# ---------------------------------------------------------------------------
# THE SWITCH: Xenith runs all of dom0_toolstack (xl create, xl console,
# xl destroy with the run-time lifecycle and the vuart backend), compared
# with Xen 4.17. Set to False to skip Xenith's turn
# ("skipped under xenith: ...").
DOM0_LIFECYCLE_ON_XENITH = True
# ---------------------------------------------------------------------------

DOM0_SMP = 2
DOM0_MEM_MB = 512
DOM0_VCPUS = 2
# Ticks every 500 ms: often enough to see a pause, rare enough to keep
# the console readable.
TICKER = "ticker"
TICKER_MEM_KB = 32 * 1024


def dom0_ramdisk() -> str:
    return os.path.join(BUILD, "dom0.cpio.gz")


def toolstack_dom0() -> Dom0:
    """Debian's Linux as dom0 with the toolstack's filesystem, as every
    scenario here (and bench/xl_wall.py) boots it."""
    return Dom0(kernel=linux_kernel(), ramdisk=dom0_ramdisk(), bootargs="console=hvc0",
                xen_args="dom0_mem=%dM dom0_max_vcpus=%d" % (DOM0_MEM_MB, DOM0_VCPUS))


# The dom0less ticker's lines. Anywhere in a line: under Xen a d1 line
# can land in the middle of one of dom0's ("/ # stty col(XEN) DOM1:
# ticker: tick 7").
TICK_PAT = re.compile(r"(?:\(d1\) |DOM1: )%s: tick (\d+)$" % TICKER)


def last_tick(con: Console) -> int:
    """The ticker's last tick on the console so far, 0 before the first."""
    for l in reversed(con.lines):
        m = TICK_PAT.search(l)
        if m:
            return int(m.group(1))
    return 0


def tick_after(con: Console, n: int, seconds: float) -> int:
    """The ticker's last tick once it is past n, or after `seconds`: a
    loaded host may run the ticker late."""
    limit = time.monotonic() + seconds
    while last_tick(con) <= n and time.monotonic() < limit:
        con.pump(0.5)
    return last_tick(con)


def settled(read, want, sh: Shell, seconds: float = 10.0, until=None):
    """read() until it gives want, or until(what it gave) holds (every
    0.5 s, for `seconds` of the shell's time at most): what it gave last.
    Memory comes back a moment after xl destroy returns."""
    done = until or (lambda got: got == want)
    limit = time.monotonic() + sh.left(seconds)
    got = read()
    while not done(got) and time.monotonic() < limit:
        time.sleep(0.5)
        got = read()
    return got


def check_free_back(read, before, sh: Shell, facts: Dict[str, object],
                    errors: List[str]) -> None:
    """After xl destroy: free memory (read()) back to `before`, in
    facts["free_memory"]; an error appended otherwise."""
    after = settled(read, before, sh)
    facts["free_memory"] = (before, after)
    if before is None or before != after:
        errors.append("xl info free_memory %s MiB before xl create, %s after xl destroy"
                      % (before, after))


def toolstack_shell(con: Console, deadline: float) -> tuple:
    """Once dom0's init has started the toolstack, its shell on the
    console: (Shell, None), or (None, what went wrong)."""
    err = wait_init(con, deadline, dom=0, last=r"XENITH-DOM0: toolstack (up|failed)")
    if err:
        return None, err
    sh = Shell(con, 0, deadline)
    if not sh.wait_ready(min(20, deadline - time.monotonic())):
        return None, "the shell on dom0's console does not answer"
    return sh, None


# What no dom0 scenario may print, beyond scenarios.COMMON_FORBID.
DOM0_FORBID = [Expect(r"Kernel panic|Oops|BUG:|Unable to handle kernel"),
               Expect(r"XENITH-DOM0: .*failed")]


def dom0_unsupported(kind: str) -> Optional[str]:
    """Scenario.unsupported for dom0_toolstack under this hypervisor."""
    if kind == "xenith" and not DOM0_LIFECYCLE_ON_XENITH:
        return "xl destroy and xl create need the run-time domain lifecycle (issue #11)"
    return None


# ---------------------------------------------------------------------------
# xl's output
# ---------------------------------------------------------------------------
def parse_xl_list(lines: List[str]) -> Optional[List[Dict[str, object]]]:
    """`xl list` -> [{name, id, mem, vcpus, state}], None without its header."""
    out: List[Dict[str, object]] = []
    header = False
    for l in lines:
        f = l.split()
        if f[:2] == ["Name", "ID"]:
            header = True
            continue
        # Name ID Mem VCPUs State Time(s)
        if header and len(f) == 6 and f[1].isdigit() and f[2].isdigit() and \
                f[3].isdigit() and re.match(r"^[-rbpsdc]{6}$", f[4]):
            out.append({"name": f[0], "id": int(f[1]), "mem": int(f[2]),
                        "vcpus": int(f[3]), "state": f[4]})
    return out if header else None


XL_INFO_KEYS = ["nr_cpus", "total_memory", "free_memory", "xen_major", "xen_minor",
                "xen_extra", "xen_caps", "xen_scheduler", "virt_caps", "xen_commandline"]


def parse_xl_info(lines: List[str]) -> Dict[str, str]:
    """`xl info` -> {key: value} ("key   : value" lines)."""
    info: Dict[str, str] = {}
    for l in lines:
        m = re.match(r"^([a-z_]+)\s*:\s?(.*)$", l.strip())
        if m:
            info[m.group(1)] = m.group(2).strip()
    return info


KERNEL_LOG = re.compile(r"^\[\s*\d+\.\d+\] ")
# The hypervisor's lines about a domain, printed while a command runs:
# Xenith's "d1: created by d0 ...", "d1: destroyed, its memory back ...",
# Xen 4.17's "d1v0 Unhandled SMC/HVC ...".
HV_DOMAIN_LOG = re.compile(r"^d\d+(v\d+)?[: ]")


def without_kernel_log(lines: Optional[List[str]]) -> Optional[List[str]]:
    """Command output without the kernel's and the hypervisor's messages
    printed meanwhile on the same console (e.g. "[ 11.43] Unknown online
    node for memory", "d1: destroyed by d0")."""
    if lines is None:
        return None
    return [l for l in lines if not KERNEL_LOG.match(l) and not HV_DOMAIN_LOG.match(l)]


def by_id(doms: Optional[List[Dict[str, object]]], domid: int) -> Optional[Dict[str, object]]:
    for d in doms or []:
        if d["id"] == domid:
            return d
    return None


def by_name(doms: Optional[List[Dict[str, object]]], name: str) -> Optional[Dict[str, object]]:
    for d in doms or []:
        if d["name"] == name:
            return d
    return None


# ---------------------------------------------------------------------------
# dom0_toolstack
# ---------------------------------------------------------------------------
def _toolstack_interact(facts: Dict[str, object], smp: int, lifecycle: bool = True):
    def interact(con: Console, deadline: float) -> Optional[str]:
        t0 = time.monotonic()
        err = wait_init(con, deadline, dom=0, last=r"XENITH-DOM0: toolstack (up|failed)")
        if err:
            return err
        facts["s_to_toolstack"] = round(time.monotonic() - t0, 1)
        errors: List[str] = []
        # A daemon that failed fails the scenario, but xl goes on as far
        # as it can (what works is worth knowing).
        bad = [l for l in con.lines if "XENITH-DOM0: toolstack failed" in l]
        if bad:
            errors.append("dom0: " + bad[0].split("XENITH-DOM0: ", 1)[1])
        sh = Shell(con, 0, deadline)
        try:
            if not sh.wait_ready(min(20, deadline - time.monotonic())):
                return "; ".join(errors + ["the shell on dom0's console does not answer"])

            def xl(cmd: str, timeout: float = 15.0) -> Optional[List[str]]:
                out = sh.run(cmd, timeout)
                if out is None:
                    errors.append("no answer to '%s'" % cmd)
                    return None
                return without_kernel_log([l.rstrip() for l in out])

            def xl_list(key: str, cmd: str = "xl list") -> Optional[List[Dict[str, object]]]:
                out = xl(cmd)
                doms = parse_xl_list(out) if out is not None else None
                facts[key] = doms
                if out is not None and doms is None:
                    errors.append("'%s' printed no table: %r" % (cmd, out))
                return doms

            # xl info: what the host is.
            out = xl("xl info")
            if out is None:
                return "; ".join(errors)
            info = parse_xl_info(out)
            facts["xl_info"] = {k: info.get(k) for k in XL_INFO_KEYS}
            if info.get("nr_cpus") != str(smp):
                errors.append("xl info nr_cpus %r, QEMU has -smp %d" % (info.get("nr_cpus"), smp))
            if (info.get("xen_major"), info.get("xen_minor")) != ("4", "17"):
                errors.append("xl info xen_major/minor %r/%r, want 4/17"
                              % (info.get("xen_major"), info.get("xen_minor")))

            # xl list: dom0 and the dom0less domain (named by init-dom0less).
            doms = xl_list("xl_list")
            d0 = by_id(doms, 0)
            if doms is not None:
                if not d0 or d0["name"] != "Domain-0":
                    errors.append("xl list has no Domain-0 with id 0: %r" % doms)
                elif d0["vcpus"] != DOM0_VCPUS or d0["mem"] != DOM0_MEM_MB:
                    errors.append("Domain-0: %s vCPUs, %s MiB; want %d, %d"
                                  % (d0["vcpus"], d0["mem"], DOM0_VCPUS, DOM0_MEM_MB))
                d1 = by_id(doms, 1)
                if not d1 or d1["name"] != "dom0less-1" or d1["vcpus"] != 1:
                    errors.append("xl list has no 1-vCPU dom0less-1 with id 1: %r" % doms)

            # Pause and unpause the dom0less domain: its ticks stop and resume.
            if xl("xl pause 1") is not None:
                tick_paused = last_tick(con)
                doms = xl_list("xl_list_paused", "sleep 1.5; xl list")
                tick_later = last_tick(con)
                d1 = by_id(doms, 1)
                facts["ticks_while_paused"] = tick_later - tick_paused
                if doms is not None and (not d1 or "p" not in str(d1["state"])):
                    errors.append("after xl pause 1, xl list shows %r" % d1)
                # One tick may have been on its way through the console.
                if tick_later - tick_paused > 1:
                    errors.append("%s ticked on while paused (tick %d -> %d)"
                                  % (TICKER, tick_paused, tick_later))
            if xl("xl unpause 1") is not None:
                tick_unpaused = last_tick(con)
                tick_after(con, tick_unpaused, sh.left(10))
                doms = xl_list("xl_list_unpaused")
                d1 = by_id(doms, 1)
                facts["ticks_after_unpause"] = last_tick(con) - tick_unpaused
                if doms is not None and (not d1 or "p" in str(d1["state"])):
                    errors.append("after xl unpause 1, xl list shows %r" % d1)
                if last_tick(con) <= tick_unpaused:
                    errors.append("%s did not tick again after xl unpause" % TICKER)
            if not lifecycle:
                return "; ".join(errors) or None
            out = xl("xl destroy 1")
            # Xen 4.17: "libxl: error: ... xs_rm failed for vm/<uuid>: No
            # such file or directory": init-dom0less writes the domain's
            # "vm" key as the relative path "vm/<uuid>" (libxl writes
            # "/vm/<uuid>"), so xl's xs_rm looks under /local/domain/0
            # and /vm/<uuid> stays in xenstore. The domain is destroyed.
            facts["xl_destroy_1"] = out
            if out is not None:
                doms = xl_list("xl_list_destroyed")
                if doms is not None and by_id(doms, 1):
                    errors.append("after xl destroy 1, xl list shows %r" % by_id(doms, 1))
                facts["xenstore_vm_after_destroy"] = xl("xenstore-ls /vm")

            # xl create: a PVH domU of the test guest, console on a vuart
            # served by xenconsoled (logged in /var/log/xen/console).
            out = xl("xl create /etc/xen/tiny.cfg", timeout=20)
            facts["xl_create"] = out
            doms = xl_list("xl_list_created")
            tiny = by_name(doms, "tiny")
            if doms is not None and not tiny:
                errors.append("after xl create, xl list has no 'tiny': %r" % doms)
            if tiny:
                facts["tiny_log"] = _tiny_log(sh)
                if not any(re.search(r"tiny: tick \d+", l) for l in facts["tiny_log"] or []):
                    errors.append("tiny's console log has no tick: %r" % facts["tiny_log"])
                # xl console: the guest's console on dom0's terminal, left
                # with CTRL-]. Recorded, not required.
                facts["xl_console"] = _xl_console(sh, con)
                xl("xl destroy tiny")
                doms = xl_list("xl_list_end")
                if doms is not None and by_name(doms, "tiny"):
                    errors.append("after xl destroy tiny, xl list shows it")
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def _tiny_log(sh: Shell) -> Optional[List[str]]:
    """tiny's console as xenconsoled logged it, once it has ticked."""
    out = None
    for _ in range(5):
        out = sh.run("cat /var/log/xen/console/guest-tiny-vuart0.log")
        if out and any("tick" in l for l in out):
            break
        time.sleep(0.5)
    return [l.strip() for l in out] if out is not None else None


def _xl_console(sh: Shell, con: Console) -> str:
    """`xl console -t vuart tiny` until two ticks came through, then
    CTRL-] (xenconsole's escape). Returns what happened."""
    start = len(con.lines)
    cmd = "xl console -t vuart tiny"
    n = sh.start(cmd)
    pat = re.compile(r"tiny: tick (\d+)")
    seen: List[int] = []
    limit = time.monotonic() + sh.left(8)
    while time.monotonic() < limit and len(seen) < 2:
        con.pump(0.2)
        seen = [int(m.group(1)) for l in con.lines[start:] + [con.partial]
                for m in [pat.search(l)] if m]
    con.send("\x1d")
    out = sh.finish(n, cmd, timeout=8)
    if out is None:
        # Still attached, or the terminal is left raw: try once more and
        # reset it.
        con.send("\x1d")
        sh.run("stty sane; stty cols 250", timeout=5)
        return "no shell prompt after CTRL-] (%d ticks seen)" % len(seen)
    if len(seen) < 2:
        return "attached, but no ticks came through (%d)" % len(seen)
    return "ok: ticks %s through xl console, detached with CTRL-]" % seen


def _toolstack_check(res: Result) -> List[str]:
    """Every daemon started (init's own lines say which failed)."""
    return ["dom0: " + l for l in res.dom_lines(0) if re.search(r"XENITH-DOM0: .*failed", l)]


def compare_dom0_facts(ref: Result, res: Result) -> List[str]:
    """What a Xen user reads from xl must be the same under Xenith (the
    domain list without times, and the host's identity)."""
    # xen_caps is a known difference: Xen 4.17 adds "xen-3.0-armv7l"
    # (32-bit guests), which Xenith does not run (docs/status.md).
    keys_info = ["nr_cpus", "xen_major", "xen_minor"]
    diffs = []
    for k in keys_info:
        a = (ref.facts.get("xl_info") or {}).get(k)
        b = (res.facts.get("xl_info") or {}).get(k)
        if a != b:
            diffs.append("xl info %s: xen-4.17 %r, xenith %r" % (k, a, b))
    def doms(r: Result, k: str):
        # State letters other than 'p' depend on the moment (r/b).
        return [(d["name"], d["id"], d["mem"], d["vcpus"], "p" in d["state"])
                for d in r.facts.get(k) or []]
    for k in ["xl_list", "xl_list_paused", "xl_list_unpaused", "xl_list_destroyed",
              "xl_list_created"]:
        if doms(ref, k) != doms(res, k):
            diffs.append("%s: xen-4.17 %r, xenith %r" % (k, doms(ref, k), doms(res, k)))
    return ["xl output differs from Xen 4.17: " + "; ".join(diffs)] if diffs else []


def sc_dom0_toolstack(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID, tg
    facts: Dict[str, object] = {}
    # A dom0less domain with xenstore, so that init-dom0less introduces it
    # and names it ("dom0less-1") for xl.
    ticker = tg(TICKER, "hello", memory_kb=TICKER_MEM_KB, args="period=500",
                extra={"xen,enhanced": '"enabled"'})
    return Scenario(
        "dom0_toolstack", [ticker],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: reached init", 0),
                 expect(r"XENITH-DOM0: toolstack up", 0),
                 # Not one given tick: under Xen any d1 line may land in
                 # the middle of one of dom0's and not start a line.
                 expect(r"%s: tick \d+$" % TICKER, 1, count=3)],
        forbid=COMMON_FORBID + DOM0_FORBID,
        smp=DOM0_SMP, mem_mb=1024, timeout=90,
        interact=_toolstack_interact(facts, DOM0_SMP), facts=facts,
        check=_toolstack_check, compare=compare_dom0_facts,
        unsupported=dom0_unsupported(kind),
        description="Debian's Linux as dom0 (%d vCPUs, %d MiB) running Debian's Xen 4.17 "
                    "toolstack beside a dom0less domain: xl info, xl list, pause, unpause, "
                    "destroy, xl create of a PVH test guest, xl console"
                    % (DOM0_VCPUS, DOM0_MEM_MB))


def sc_dom0_xl(kind: str) -> Scenario:
    """dom0_toolstack without xl destroy and xl create: the daemons,
    init-dom0less (late xenstore for the dom0less domain), xl info, xl
    list, xl pause and unpause, under both hypervisors."""
    sc = sc_dom0_toolstack(kind)
    sc.name = "dom0_xl"
    sc.unsupported = None
    sc.interact = _toolstack_interact(sc.facts, DOM0_SMP, lifecycle=False)
    sc.description = ("Debian's Linux as dom0 (%d vCPUs, %d MiB) running Debian's Xen 4.17 "
                      "toolstack beside a dom0less domain with xenstore: xenstored, "
                      "xenconsoled, xen-init-dom0, init-dom0less, xl info, xl list, "
                      "xl pause and unpause" % (DOM0_VCPUS, DOM0_MEM_MB))
    return sc



# ---------------------------------------------------------------------------
# dom0less_xenstore: late xenstore for a dom0less Linux (Xen 4.17's
# "xen,enhanced" = "enabled" with init-dom0less in dom0)
# ---------------------------------------------------------------------------
# The disk dom0's init makes (guests/dom0/init).
LATE_DISK = "/var/lib/xen/images/linux.img"


def _late_xenstore_interact(facts: Dict[str, object]):
    """Once dom0's toolstack is up (init-dom0less introduced d1 to
    xenstored), `xl block-attach` gives d1 a disk, which its Linux's
    xen-blkfront connects ("blkfront: xvda: ..."), and `xl sysrq 1 o`
    writes d1's control/sysrq: only a Linux whose xenbus connected late,
    through the port and page init-dom0less set up, sees either, and its
    sysrq 'o' powers it off."""
    def interact(con: Console, deadline: float) -> Optional[str]:
        err = wait_init(con, deadline, dom=0, last=r"XENITH-DOM0: toolstack (up|failed)")
        if err:
            return err
        err = wait_init(con, deadline, dom=1)
        if err:
            return err
        sh = Shell(con, 0, deadline)
        try:
            if not sh.wait_ready(min(20, deadline - time.monotonic())):
                return "the shell on dom0's console does not answer"
            facts["d1_store"] = sh.run("xenstore-ls /local/domain/1/store")
            facts["d1_name"] = sh.run("xenstore-read /local/domain/1/name")
            # A PV device through the late xenstore: a disk attached at run
            # time, which d1's xen-blkfront connects to dom0's blkback.
            start = len(con.lines)
            out = sh.run("xl block-attach 1 format=raw,vdev=xvda,access=rw,target=%s; "
                         "echo rc=$?" % LATE_DISK, timeout=30)
            # xl's own lines (kernel messages and d1's lines may interleave).
            facts["block_attach"] = [l.strip() for l in out or []
                                     if l.startswith(("rc=", "libxl", "xl:"))]
            if con.wait_for(r"blkfront: xvda: ", min(30, deadline - time.monotonic()),
                            start) is None:
                return "d1's Linux did not connect the disk xl block-attach gave it (%r)" \
                    % facts["block_attach"]
            out = sh.run("xl block-list 1")
            facts["block_list"] = [l.split()[:4] for l in out or []]
            out = sh.run("xl sysrq 1 o")
            if out is None:
                return "no answer to xl sysrq"
            # d1's Linux takes the sysrq (its own line; "reboot: Power
            # down" after it may be cut off with the domain under Xen),
            # then the domain is shut down for xl.
            if con.wait_for(r"sysrq: Power Off", min(30, deadline - time.monotonic())) is None:
                return "d1's Linux did not take xl sysrq 1 o"
            # The domain is shut down a moment after its Linux said so.
            def shut_down() -> List[tuple]:
                doms = parse_xl_list(sh.run("xl list") or [])
                return [(d["name"], d["id"], "s" in str(d["state"])) for d in doms or []]
            facts["xl_list_after"] = settled(
                shut_down, None, sh,
                until=lambda got: ("dom0less-1", 1, True) in got)
            doms = facts["xl_list_after"]
            if ("dom0less-1", 1, True) not in facts["xl_list_after"]:
                return "xl list after the sysrq: %r (dom0less-1 not shut down)" % doms
            return None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def compare_late_xenstore(ref: Result, res: Result) -> List[str]:
    keys = ["d1_name", "block_attach", "block_list", "xl_list_after"]
    return differing_facts(ref, res, keys, "dom0's view differs from Xen 4.17's")


def sc_dom0less_xenstore(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    from linux import XEN_GUEST_BOOTARGS, linux_domain
    facts: Dict[str, object] = {}
    # xenith.pv: its init loads xen-blkfront (guests/initramfs/init).
    domu = linux_domain(XEN_GUEST_BOOTARGS + " xenith.pv", "enabled", cpus=1,
                        memory_kb=256 * 1024)
    return Scenario(
        "dom0less_xenstore", [domu],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: toolstack up", 0),
                 expect(r"XENITH-INIT: loaded xen-blkfront", 1),
                 expect(r"XENITH-INIT: reached init", 1),
                 expect(r"blkfront: xvda: ", 1),
                 expect(r"sysrq: Power Off", 1)],
        forbid=COMMON_FORBID + DOM0_FORBID,
        smp=DOM0_SMP, mem_mb=1024, timeout=120,
        interact=_late_xenstore_interact(facts), facts=facts,
        compare=compare_late_xenstore,
        description="Late xenstore: a dom0less Debian Linux with xen,enhanced = "
                    "\"enabled\" beside dom0; init-dom0less introduces it, `xl block-attach` "
                    "gives it a disk its xen-blkfront connects, `xl sysrq 1 o` writes its "
                    "control/sysrq, and its Linux (xenbus connected late) powers off")


# ---------------------------------------------------------------------------
# dom0_privcmd_fuzz: a hostile process in dom0 (guests/dom0/privcmd_fuzz.c)
# ---------------------------------------------------------------------------
PRIVCMD_FUZZ_CALLS = 20000   # in processes of 100


def _privcmd_fuzz_interact(facts: Dict[str, object]):
    """Random hypercalls and foreign mappings through /dev/xen/privcmd;
    then the toolstack still answers and the neighbour still ticks."""
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        try:
            # Ten processes of 2000 calls each, mappings and hypercalls
            # mixed, each with its own seed; a process may kill itself
            # (dom0 may hurt dom0: it does under Xen 4.17 too), the
            # hypervisor and the others must not notice.
            out = sh.run("privcmd-fuzz %d 12345" % PRIVCMD_FUZZ_CALLS, timeout=120)
            facts["fuzz"] = out
            if not out or not any("privcmd-fuzz: done %d calls" % PRIVCMD_FUZZ_CALLS in l
                                  for l in out):
                return "privcmd-fuzz did not finish: %r" % out
            before = last_tick(con)
            after = tick_after(con, before, sh.left(10))
            doms = parse_xl_list(sh.run("xl list") or [])
            facts["xl_list"] = doms
            if not doms or not by_id(doms, 0) or not by_id(doms, 1):
                return "xl list after the fuzz: %r" % doms
            if not before or after <= before:
                return "the neighbour stopped ticking after the fuzz"
            return None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def sc_dom0_privcmd_fuzz(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID, tg
    facts: Dict[str, object] = {}
    ticker = tg(TICKER, "hello", memory_kb=TICKER_MEM_KB, args="period=500",
                extra={"xen,enhanced": '"enabled"'})
    return Scenario(
        "dom0_privcmd_fuzz", [ticker],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: toolstack up", 0)],
        forbid=COMMON_FORBID + [Expect(r"XENITH-DOM0: .*failed")],
        smp=DOM0_SMP, mem_mb=1024, timeout=120,
        interact=_privcmd_fuzz_interact(facts), facts=facts,
        description="Hostile dom0 processes: %d random hypercalls and foreign "
                    "mappings through /dev/xen/privcmd; the hypervisor, dom0's toolstack and "
                    "a neighbour go on (Xen 4.17 panics: a foreign mapping from DOMID_IO)"
                    % PRIVCMD_FUZZ_CALLS)
