# SPDX-License-Identifier: MIT
"""dom0_xl_bad: what xl says to a malformed xl.cfg or an impossible
request (guests/dom0/bad/*.cfg in dom0's /etc/xen/bad), under Xen 4.17
and Xenith: the same lines (the same xl: libxl's source positions too)
and exit status, and afterwards the same
domains and the same free memory as before; then a good `xl create`
still works.
"""

from __future__ import annotations

from typing import Dict, List, Optional

from dom0 import (DOM0_FORBID, DOM0_SMP, by_name, parse_xl_info, parse_xl_list,
                  settled, toolstack_dom0, toolstack_shell, without_kernel_log)
from harness import Console, Expect, Result, Scenario, expect

# Each refused for its own reason (the file's first line says which).
BAD = ["syntax", "memory", "vcpus", "pool", "kernel", "notimage", "dupname"]


def _bad_interact(facts: Dict[str, object]):
    def interact(con: Console, deadline: float) -> Optional[str]:
        sh, err = toolstack_shell(con, deadline)
        if err:
            return err
        errors: List[str] = []
        try:
            def run(cmd: str, timeout: float = 20.0) -> List[str]:
                out = sh.run(cmd, timeout)
                if out is None:
                    errors.append("no answer to '%s'" % cmd)
                    return []
                return without_kernel_log([l.rstrip() for l in out]) or []

            def state() -> tuple:
                doms = parse_xl_list(run("xl list")) or []
                free = parse_xl_info(run("xl info")).get("free_memory")
                return [(d["name"], d["id"], d["mem"], d["vcpus"]) for d in doms], free

            before = state()
            facts["before"] = before
            answers = {}
            for b in BAD:
                out = run("xl create /etc/xen/bad/%s.cfg 2>&1; echo rc=$?" % b)
                # run() leaves out Xenith's log of the domain's creation
                # and destruction ("(XEN) d1: created by d0 ..."), which
                # comes while xl runs.
                answers[b] = out
                if not out or out[-1] == "rc=0":
                    errors.append("xl create bad/%s.cfg was not refused: %r" % (b, out))
            facts["answers"] = answers
            after = state()
            facts["after"] = after
            if after != before:
                errors.append("the bad requests changed the host: before %r, after %r"
                              % (before, after))
            # A good request still works, and is undone.
            run("xl create /etc/xen/tiny.cfg")
            facts["good"] = bool(by_name(parse_xl_list(run("xl list")), "tiny"))
            run("xl destroy tiny")
            if not facts["good"]:
                errors.append("xl create tiny.cfg fails after the bad requests")
            end = settled(state, before, sh)
            if end != before:
                errors.append("xl create and destroy of tiny left the host changed: "
                              "before %r, after %r" % (before, end))
            return "; ".join(errors) or None
        finally:
            facts["transcript"] = sh.transcript
    return interact


def compare_bad(ref: Result, res: Result) -> List[str]:
    diffs = []
    a = ref.facts.get("answers") or {}
    b = res.facts.get("answers") or {}
    for k in BAD:
        if a.get(k) != b.get(k):
            diffs.append("bad/%s.cfg: xen-4.17 %r, xenith %r" % (k, a.get(k), b.get(k)))
    return ["xl's answers differ from Xen 4.17's: " + "; ".join(diffs)] if diffs else []


def sc_dom0_xl_bad(kind: str) -> Scenario:
    from scenarios import COMMON_FORBID
    # libxc calls its own errors "panic" ("xc: error: panic: xg_dom_boot.c:
    # ... Out of memory"): the hypervisor's panic is still forbidden.
    forbid = [f for f in COMMON_FORBID if "panic" not in f.regex] + \
        [Expect(r"(?i)(?<!xc: error: )\bpanic\b")]
    facts: Dict[str, object] = {}
    return Scenario(
        "dom0_xl_bad", [],
        dom0=toolstack_dom0(),
        expects=[expect(r"XENITH-DOM0: toolstack up", 0)],
        forbid=forbid + DOM0_FORBID,
        smp=DOM0_SMP, mem_mb=1024, timeout=150,
        interact=_bad_interact(facts), facts=facts, compare=compare_bad,
        description="xl create of %d malformed or impossible xl.cfg files (%s): xl's "
                    "words and exit status as under Xen 4.17, the domains and free memory "
                    "unchanged, then a good xl create and destroy" % (len(BAD), ", ".join(BAD)))
