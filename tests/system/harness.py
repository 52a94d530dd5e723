# SPDX-License-Identifier: MIT
"""System-test harness: boots a hypervisor (Xen 4.17 or Xenith) with
dom0less domains on QEMU's virt board and checks its serial console.

A Scenario describes the machine (QEMU -smp/-m, optionally clusters and
-icount), the hypervisor image, boot-time CPU pools, the domains
(kernel file, memory, vCPUs, vpl011, bootargs, ramdisk, pool, extra
properties) and optionally a dom0 (Dom0: kernel, ramdisk, command line,
dom0_mem/dom0_max_vcpus). run_scenario() then:

 1. dumps QEMU's own device tree for exactly these machine options
    (-M virt,...,dumpdtb=...), decompiles it with dtc;
 2. adds the dom0less nodes under /chosen the way Xen's ImageBuilder does
    (xen,xen-bootargs, "xen,cpupool" nodes naming the cpu nodes by
    phandle, one "xen,domain" node per domain, modules as
    "multiboot,kernel"/"multiboot,ramdisk" sub-nodes with their load
    address and size);
 3. recompiles it and starts QEMU with -kernel <hypervisor> -dtb <dtb>,
    each module placed in RAM with -device loader (2 MiB aligned, from
    MODULE_BASE upward);
 4. reads the serial console until every expectation matched, a forbidden
    line appeared, or the timeout hit; the log is kept under
    build/system/<scenario>/.

Only the Python standard library is used.
"""

from __future__ import annotations

import dataclasses
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence, Union

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("XENITH_BUILD", os.path.join(ROOT, "build"))
CACHE = os.environ.get("XENITH_CACHE", os.path.join(ROOT, "cache"))

QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
MACHINE = "virt,virtualization=on,gic-version=3"
CPU = "cortex-a57"

RAM_BASE = 0x40000000
# QEMU puts the DTB it hands to -kernel at RAM base + 128 MiB; modules go
# well above it.
MODULE_BASE = 0x50000000
MODULE_ALIGN = 0x200000

XEN_IMAGE = os.path.join(CACHE, "xen", "boot", "xen-4.17-arm64")
XENITH_IMAGE = os.path.join(BUILD, "hyp", "xenith.bin")
TESTGUEST = os.path.join(BUILD, "guests", "testguest.bin")
UBOOT_BIN = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"

# Xen 4.17 needs its console on the DT UART; "sync_console" keeps guest
# and hypervisor lines in order, guest_loglvl=all shows guest-caused
# messages (e.g. bad hypercalls) that are rate limited otherwise.
XEN_BOOTARGS = "console=dtuart sync_console loglvl=all guest_loglvl=all"
# Scenario.icount: deterministic virtual time (bench/bench.py runs the
# same way).
ICOUNT = ["-icount", "shift=0,sleep=off"]
XENITH_BOOTARGS = "console=dtuart"


def resolve_hv(hv: str) -> str:
    """'xen' / 'xenith' or a path -> image path."""
    if hv == "xen":
        return XEN_IMAGE
    if hv == "xenith":
        return XENITH_IMAGE
    return os.path.abspath(hv)


def hv_kind(hv: str) -> str:
    """'xen' for Xen images, else 'xenith' (drives default bootargs)."""
    if hv == "xen" or os.path.basename(hv).startswith("xen-"):
        return "xen"
    return "xenith"


# ---------------------------------------------------------------------------
# Console line prefixes
#
# Xen 4.17 prints a dom0less domU's vpl011 output as "(XEN) DOM<N>: <text>"
# (no prefix at all for the domain with the input focus) and console_io
# output as "(d<N>) <text>"; Xenith prints "(d<N>) " for both (see
# README.md). Both spellings are accepted so a scenario never depends on
# which one a hypervisor picked. Xenith's own log lines about a domain
# ("(XEN) d1: ...") are hypervisor lines, not the domain's output.
# ---------------------------------------------------------------------------
def dom_prefix(dom: int) -> str:
    if dom == 0:
        return DOM0_PREFIX
    return r"(?:\(XEN\) )?(?:\(d%d\) |DOM%d: )" % (dom, dom)


# Dom0's console (hvc0, console_io) under Xen 4.17 is printed as it comes,
# with no prefix at all; Xenith prefixes it "(d0) " like every domain. So
# "from dom0" is: a "(d0) "/"DOM0: " prefix, or no other domain's prefix.
DOM0_PREFIX = (r"(?!(?:\(XEN\) )?(?:\(d(?!0\))\d+\) |DOM(?!0:)\d+: ))"
               r"(?:(?:\(XEN\) )?(?:\(d0\) |DOM0: ))?")


ANY_DOM_PREFIX = re.compile(r"^(?:\(XEN\) )?(?:\(d(\d+)\) |DOM(\d+): )")


def strip_dom(line: str) -> tuple[Optional[int], str]:
    """Splits a console line into (domain id or None, text)."""
    m = ANY_DOM_PREFIX.match(line)
    if not m:
        return None, line
    dom = next(int(g) for g in m.groups() if g is not None)
    return dom, line[m.end():]


@dataclasses.dataclass
class Expect:
    """One regex that must (or must not) appear on the console.

    dom: if set, the line must come from that domain (prefix-aware).
    after: label of another expectation; this one only counts lines that
           come after that one's first match.
    count: how many distinct lines must match.
    """

    regex: str
    dom: Optional[int] = None
    label: Optional[str] = None
    after: Optional[str] = None
    count: int = 1

    def compiled(self) -> re.Pattern:
        if self.dom is None:
            return re.compile(self.regex)
        # "^..." anchors right after the domain prefix.
        if self.regex.startswith("^"):
            return re.compile("^" + dom_prefix(self.dom) + self.regex[1:])
        return re.compile("^" + dom_prefix(self.dom) + "(?:.*?)" + self.regex)

    def describe(self) -> str:
        s = repr(self.regex)
        if self.dom is not None:
            s = "d%d %s" % (self.dom, s)
        if self.count > 1:
            s += " x%d" % self.count
        if self.after:
            s += " after [%s]" % self.after
        return s


def expect(regex: str, dom: Optional[int] = None, **kw) -> Expect:
    return Expect(regex, dom, **kw)


@dataclasses.dataclass(eq=False)
class Module:
    """A file loaded into RAM and described as a module node.

    A Module given as Domain.kernel is shared: every domain naming the
    same Module object gets a module node with the same reg, and the file
    is loaded into RAM once (Xen 4.17 accepts several dom0less domains
    booting one kernel image). Each domain keeps its own bootargs
    (Domain.bootargs, on its module node); path, addr and size here are
    those of the one copy.
    """

    compatible: Sequence[str] = ("multiboot,kernel", "multiboot,module")
    path: str = ""
    addr: Optional[int] = None      # None: allocate
    size: Optional[int] = None      # None: file size
    bootargs: Optional[str] = None


@dataclasses.dataclass
class Pool:
    """A boot-time CPU pool: a "xen,cpupool" node under /chosen (Xen 4.17's
    docs/misc/arm/device-tree/cpupools.txt), with the label pool_<name>
    that domains name in domain-cpupool = <&pool_<name>>.

    cpus: host CPU indexes; cpupool-cpus lists the phandles of
          /cpus/cpu@N (an empty list writes an empty property).
    cpu_refs: instead of cpus, the cells of cpupool-cpus as DTS text
          ("&cpu1", "&{/intc@8000000}", "0x1234"), for broken pools.
    sched: cpupool-sched (None: no property, the default scheduler).
    extra: more properties, name -> DTS value text as in Domain.extra.
    node: node name (default cpupool_<name>).
    """

    name: str
    cpus: List[int] = dataclasses.field(default_factory=list)
    sched: Optional[str] = None
    extra: Dict[str, str] = dataclasses.field(default_factory=dict)
    node: Optional[str] = None
    cpu_refs: Optional[List[str]] = None

    @property
    def label(self) -> str:
        return "pool_" + re.sub(r"[^A-Za-z0-9_]", "_", self.name)


@dataclasses.dataclass
class Domain:
    # None: no kernel module at all; a Module: one copy shared with the
    # other domains naming the same Module (kernel_addr/kernel_size are
    # then ignored: the Module's own addr/size count)
    kernel: Union[str, Module, None] = TESTGUEST
    bootargs: str = ""
    memory_kb: int = 64 * 1024
    cpus: int = 1
    vpl011: bool = True
    ramdisk: Optional[str] = None
    # extra properties: name -> DTS value text ('"str"', '<1>', '' = empty)
    extra: Dict[str, str] = dataclasses.field(default_factory=dict)
    node: Optional[str] = None          # node name (default domU<i>)
    kernel_addr: Optional[int] = None   # force a load address
    kernel_size: Optional[int] = None   # force the size in "reg"
    ramdisk_addr: Optional[int] = None  # force a load address
    ramdisk_load: bool = True           # False: only in the DT, not in RAM
    # name of a Scenario pool: domain-cpupool = <&pool_<name>> (None: no
    # property, the domain goes to Pool-0)
    pool: Optional[str] = None
    # extra child nodes, each the full DTS text of one node, written after
    # the module nodes, e.g. 'ev_a: evtchn { compatible = "xen,evtchn-v1";
    # xen,evtchn = <5 &ev_b>; };' (a label before the name lets another
    # domain's child name it by phandle, <&ev_a>; dtc adds the phandle)
    children: List[str] = dataclasses.field(default_factory=list)
    # DTS label of the domain node itself ("label: domU0 { ... }")
    label: Optional[str] = None


@dataclasses.dataclass
class Dom0:
    """A dom0 booted the way Xen 4.17's docs/misc/arm/device-tree/booting.txt
    describes: its kernel and ramdisk as module nodes directly under
    /chosen ("multiboot,kernel"/"multiboot,ramdisk" + "multiboot,module"),
    its command line in /chosen/xen,dom0-bootargs, and its options
    (memory, vCPUs) appended to /chosen/xen,xen-bootargs. The dom0less
    domains keep their ids (1, 2, ...)."""

    kernel: str
    ramdisk: Optional[str] = None
    bootargs: str = "console=hvc0"
    # appended to xen,xen-bootargs
    xen_args: str = "dom0_mem=512M dom0_max_vcpus=2"


@dataclasses.dataclass
class Scenario:
    name: str
    domains: List[Domain]
    expects: List[Expect] = dataclasses.field(default_factory=list)
    forbid: List[Expect] = dataclasses.field(default_factory=list)
    smp: int = 4
    # QEMU -smp N,clusters=C (0: plain -smp N): the DT's cpu-map then
    # groups the CPUs in C clusters (e.g. the big and LITTLE halves)
    clusters: int = 0
    mem_mb: int = 2048
    # QEMU -icount shift=0,sleep=off: one instruction is one ns of virtual
    # time and idle time is skipped, so guests measuring time see the same
    # figures whatever the host's load (QEMU then runs all vCPUs in one
    # host thread, round-robin)
    icount: bool = False
    # boot-time CPU pools (xen,cpupool nodes under /chosen, in this order)
    pools: List["Pool"] = dataclasses.field(default_factory=list)
    cpu: Optional[str] = None           # QEMU -cpu (default CPU, cortex-a57)
    timeout: float = 30.0
    hv_bootargs: Optional[str] = None   # None: per-hypervisor default
    # "direct": QEMU -kernel <hv>; "uboot": U-Boot loads and boots it
    boot: str = "direct"
    # 1 or 2: #address-cells/#size-cells of the domain nodes (ImageBuilder
    # uses 2; Xen accepts both)
    dom_cells: int = 2
    # Called with (result) after the run to add scenario-specific checks;
    # returns a list of failure strings.
    check: Optional[Callable[["Result"], List[str]]] = None
    # Called with (console, deadline) once QEMU runs, to type input and
    # wait for answers; returns an error string or None.
    interact: Optional[Callable[["Console", float], Optional[str]]] = None
    description: str = ""
    # more properties of /chosen, name -> DTS value text as in
    # Domain.extra (e.g. "xen,static-heap": "<0x0 0x60000000 0x0 0x8000000>",
    # in the root's cells), written after xen,xen-bootargs
    chosen_extra: Dict[str, str] = dataclasses.field(default_factory=dict)
    # (#address-cells, #size-cells) of /chosen, which xen,static-mem in
    # the domain nodes uses (None: <2> and <2>, as ImageBuilder writes)
    chosen_cells: Optional[tuple] = None
    # Guest-visible facts an interact/check function records (name ->
    # JSON-able value); kept in the Result and written to facts.json.
    facts: Dict[str, object] = dataclasses.field(default_factory=dict)
    # Called with (xen reference result, this result) when both ran:
    # returns failures, e.g. facts that differ from Xen 4.17's.
    compare: Optional[Callable[["Result", "Result"], List[str]]] = None
    # A dom0 (None: dom0less only, as every scenario before dom0 support)
    dom0: Optional[Dom0] = None
    # Set: this hypervisor cannot run the scenario yet; run.py prints
    # "SKIP <name> [<hv>]: skipped under <hv>: <reason>" instead of running
    # it (e.g. "dom0 not yet supported").
    unsupported: Optional[str] = None


@dataclasses.dataclass
class Result:
    name: str
    hv: str
    passed: bool
    failures: List[str]
    log: str
    log_path: str
    elapsed: float
    dtb: Optional[str] = None
    facts: Dict[str, object] = dataclasses.field(default_factory=dict)

    def lines(self) -> List[str]:
        return self.log.splitlines()

    def dom_lines(self, dom: int) -> List[str]:
        """Lines of domain dom, prefix removed. For dom 0 also the
        unprefixed lines (Xen prints dom0's console without a prefix)."""
        out = []
        for line in self.lines():
            d, text = strip_dom(line)
            if d == dom or (dom == 0 and d is None):
                out.append(text)
        return out


def differing_facts(ref: Result, res: Result, keys, what: str) -> List[str]:
    """A Xen 4.17 reference run and Xenith's against each other: one
    failure, "<what>: <key>: xen-4.17 <value>, xenith <value>; ...", for
    the facts among keys that differ, or none."""
    diffs = ["%s: xen-4.17 %r, xenith %r" % (k, ref.facts.get(k), res.facts.get(k))
             for k in keys if ref.facts.get(k) != res.facts.get(k)]
    return [what + ": " + "; ".join(diffs)] if diffs else []


# ---------------------------------------------------------------------------
# Device tree
# ---------------------------------------------------------------------------
def run(cmd: Sequence[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), check=True, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def qemu_machine_args(smp: int, mem_mb: int, extra_machine: str = "",
                      cpu: Optional[str] = None, clusters: int = 0) -> List[str]:
    m = MACHINE + (("," + extra_machine) if extra_machine else "")
    smp_arg = str(smp) + (",clusters=%d" % clusters if clusters else "")
    return ["-M", m, "-cpu", cpu or CPU, "-smp", smp_arg, "-m", "%dM" % mem_mb]


def dump_host_dts(smp: int, mem_mb: int, workdir: str, secure: bool = False,
                  cpu: Optional[str] = None, clusters: int = 0) -> str:
    """QEMU's own DT for these machine options, as DTS text."""
    dtb = os.path.join(workdir, "qemu-virt.dtb")
    args = [QEMU] + qemu_machine_args(smp, mem_mb, "dumpdtb=" + dtb, cpu, clusters)
    args += ["-display", "none", "-nic", "none", "-monitor", "none",
             "-serial", "none"]
    run(args, timeout=30)
    return run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], timeout=30).stdout


def dts_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cells(v: int, n: int) -> str:
    if n == 1:
        if v >> 32:
            raise ValueError("0x%x does not fit one cell" % v)
        return "0x%x" % v
    return "0x%x 0x%x" % (v >> 32, v & 0xffffffff)


@dataclasses.dataclass
class Placed:
    path: str
    addr: int
    size: int


class Loader:
    """Allocates RAM for modules, 2 MiB aligned, upward from a base."""

    def __init__(self, base: int = MODULE_BASE):
        self.next = base
        self.placed: List[Placed] = []
        # shared Modules already placed: (module, where)
        self.shared: List[tuple] = []

    def place_shared(self, m: Module) -> Placed:
        """Places a shared Module the first time it is named; later
        calls return the same place (the file is loaded once)."""
        for mod, p in self.shared:
            if mod is m:
                return p
        p = self.place(m.path, m.addr)
        self.shared.append((m, p))
        return p

    def place(self, path: str, addr: Optional[int] = None,
              load: bool = True) -> Placed:
        """Reserves RAM for path; load=False only describes it (the DT
        names a module that nothing puts in memory)."""
        size = os.path.getsize(path)
        if addr is None:
            addr = self.next
            self.next = (addr + size + MODULE_ALIGN - 1) & ~(MODULE_ALIGN - 1)
            self.next += MODULE_ALIGN  # keep a gap between modules
        p = Placed(path, addr, size)
        if load:
            self.placed.append(p)
        return p

    def qemu_args(self) -> List[str]:
        out = []
        for p in self.placed:
            out += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (p.path, p.addr)]
        return out


def kernel_path(d: Domain) -> Optional[str]:
    """The file of a domain's kernel, shared Module or not."""
    return d.kernel.path if isinstance(d.kernel, Module) else d.kernel


def prop_line(k: str, v: str) -> str:
    """One DTS property: 'name;' for an empty value, else 'name = value;'."""
    return "%s;" % k if v == "" else "%s = %s;" % (k, v)


def indent_node(text: str, tab: str = "\t") -> str:
    """A child node's DTS text, each line indented by one more level
    (its first line is placed by the caller)."""
    return ("\n" + tab).join(l for l in text.strip("\n").splitlines())


def domain_nodes(domains: Sequence[Domain], loader: Loader, ncells: int) -> str:
    """DTS text of the dom0less domain nodes (to go inside /chosen)."""
    out = []
    for i, d in enumerate(domains):
        node = d.node or "domU%d" % i
        body = ['compatible = "xen,domain";',
                "#address-cells = <0x%x>;" % ncells,
                "#size-cells = <0x%x>;" % ncells,
                "memory = <0x0 0x%x>;" % d.memory_kb,
                "cpus = <0x%x>;" % d.cpus]
        if d.vpl011:
            body.append("vpl011 = <0x1>;")
        if d.pool is not None:
            body.append("domain-cpupool = <&%s>;" % Pool(d.pool).label)
        for k, v in d.extra.items():
            body.append("%s;" % k if v == "" else "%s = %s;" % (k, v))
        mods = []
        if isinstance(d.kernel, Module):
            p = loader.place_shared(d.kernel)
            size = d.kernel.size if d.kernel.size is not None else p.size
        elif d.kernel:
            p = loader.place(d.kernel, d.kernel_addr)
            size = d.kernel_size if d.kernel_size is not None else p.size
        if d.kernel:
            m = ['compatible = "multiboot,kernel", "multiboot,module";',
                 "reg = <%s %s>;" % (cells(p.addr, ncells), cells(size, ncells))]
            if d.bootargs:
                m.append("bootargs = %s;" % dts_string(d.bootargs))
            mods.append("module@%x {\n\t\t%s\n\t};" % (p.addr, "\n\t\t".join(m)))
        if d.ramdisk:
            p = loader.place(d.ramdisk, d.ramdisk_addr, d.ramdisk_load)
            m = ['compatible = "multiboot,ramdisk", "multiboot,module";',
                 "reg = <%s %s>;" % (cells(p.addr, ncells), cells(p.size, ncells))]
            mods.append("module@%x {\n\t\t%s\n\t};" % (p.addr, "\n\t\t".join(m)))
        mods += [indent_node(c) for c in d.children]
        head = "%s: %s" % (d.label, node) if d.label else node
        text = "%s {\n\t%s\n\t%s\n};" % (head, "\n\t".join(body), "\n\t".join(mods))
        out.append(text)
    return "\n".join(out)


def dom0_nodes(d: Dom0, loader: Loader, ac: int, sc_: int) -> str:
    """DTS text of dom0's module nodes and xen,dom0-bootargs (to go inside
    /chosen, whose cells ac/sc_ their reg uses)."""
    out = ["xen,dom0-bootargs = %s;" % dts_string(d.bootargs)]
    mods = [(d.kernel, '"multiboot,kernel", "multiboot,module"')]
    if d.ramdisk:
        mods.append((d.ramdisk, '"multiboot,ramdisk", "multiboot,module"'))
    for path, compat in mods:
        p = loader.place(path)
        out.append("module@%x {\n\tcompatible = %s;\n\treg = <%s %s>;\n};"
                   % (p.addr, compat, cells(p.addr, ac), cells(p.size, sc_)))
    return "\n".join(out)


def pool_nodes(pools: Sequence[Pool]) -> str:
    """DTS text of the xen,cpupool nodes (to go inside /chosen)."""
    out = []
    for p in pools:
        refs = p.cpu_refs if p.cpu_refs is not None else ["&cpu%d" % c for c in p.cpus]
        body = ['compatible = "xen,cpupool";',
                "cpupool-cpus = <%s>;" % " ".join(refs)]
        if p.sched is not None:
            body.append("cpupool-sched = %s;" % dts_string(p.sched))
        for k, v in p.extra.items():
            body.append("%s;" % k if v == "" else "%s = %s;" % (k, v))
        out.append("%s: %s {\n\t%s\n};" % (p.label, p.node or "cpupool_" + p.name,
                                           "\n\t".join(body)))
    return "\n".join(out)


def label_cpus(dts: str) -> str:
    """Gives each /cpus/cpu@N node the label cpuN, so that pool nodes can
    name them as <&cpuN>: dtc then uses the node's phandle, or adds one
    (phandle = <...>) when QEMU's tree has none."""
    m = re.search(r"^\tcpus \{\n(.*?)^\t\};\n", dts, re.S | re.M)
    if not m:
        return dts
    body = re.sub(r"^\t\tcpu@([0-9a-f]+) \{",
                  lambda c: "\t\tcpu%d: cpu@%s {" % (int(c.group(1), 16), c.group(1)),
                  m.group(1), flags=re.M)
    return dts[:m.start(1)] + body + dts[m.end(1):]


def add_to_chosen(dts: str, chosen_text: str) -> str:
    """Inserts text at the end of the /chosen node of a dtc-decompiled DTS."""
    m = re.search(r"^\tchosen \{\n(.*?)^\t\};\n", dts, re.S | re.M)
    indented = "".join("\t\t" + l + "\n" if l else "\n"
                       for l in chosen_text.splitlines())
    if not m:
        # No /chosen: create one at the end of the root node.
        idx = dts.rstrip().rfind("};")
        return dts[:idx] + "\tchosen {\n" + indented + "\t};\n" + dts[idx:]
    return dts[:m.end(1)] + indented + dts[m.end(1):]


def build_dtb(sc: Scenario, hv: str, workdir: str, loader: Loader) -> str:
    dts = dump_host_dts(sc.smp, sc.mem_mb, workdir, cpu=sc.cpu, clusters=sc.clusters)
    bootargs = sc.hv_bootargs
    if bootargs is None:
        bootargs = XEN_BOOTARGS if hv_kind(hv) == "xen" else XENITH_BOOTARGS
    if sc.dom0 and sc.dom0.xen_args:
        bootargs = (bootargs + " " + sc.dom0.xen_args).strip()
    ac, sc_ = sc.chosen_cells or (2, 2)
    chosen = ["#address-cells = <0x%x>;" % ac, "#size-cells = <0x%x>;" % sc_,
              "xen,xen-bootargs = %s;" % dts_string(bootargs)]
    chosen += [prop_line(k, v) for k, v in sc.chosen_extra.items()]
    if sc.dom0:
        # First, so that dom0's kernel is the first module (ImageBuilder's
        # order too).
        chosen.append(dom0_nodes(sc.dom0, loader, ac, sc_))
    if sc.pools:
        dts = label_cpus(dts)
        chosen.append(pool_nodes(sc.pools))
    chosen.append(domain_nodes(sc.domains, loader, sc.dom_cells))
    # dtc output has "#address-cells" etc. at root level only; /chosen of
    # QEMU's DT carries no cells, so adding them is safe.
    dts = add_to_chosen(dts, "\n".join(chosen))
    dts_path = os.path.join(workdir, "system.dts")
    with open(dts_path, "w") as f:
        f.write(dts)
    dtb_path = os.path.join(workdir, "system.dtb")
    run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb_path, dts_path], timeout=30)
    return dtb_path


# ---------------------------------------------------------------------------
# Running QEMU and watching the console
# ---------------------------------------------------------------------------
class Console:
    """Serial console of a running QEMU (stdin/stdout pipes)."""

    def __init__(self, proc: subprocess.Popen, log_path: str):
        self.proc = proc
        self.buf = b""
        self.lines: List[str] = []
        self.log = open(log_path, "wb")
        self.partial = ""

    def pump(self, timeout: float) -> bool:
        """Reads what is available within timeout. False at EOF."""
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not r:
            return True
        data = os.read(fd, 65536)
        if not data:
            return False
        self.log.write(data)
        self.log.flush()
        self.buf += data
        *complete, rest = self.buf.split(b"\n")
        self.buf = rest
        for raw in complete:
            self.lines.append(clean_line(raw))
        self.partial = clean_line(self.buf)
        return True

    def send(self, data: Union[str, bytes]) -> None:
        if isinstance(data, str):
            data = data.encode()
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def wait_for(self, regex: str, timeout: float, start: int = 0) -> Optional[int]:
        """Index of the first line (>= start) matching regex, or None.
        The unfinished last line is matched too (prompts)."""
        pat = re.compile(regex)
        deadline = time.monotonic() + timeout
        while True:
            for i in range(start, len(self.lines)):
                if pat.search(self.lines[i]):
                    return i
            if pat.search(self.partial):
                return len(self.lines)
            left = deadline - time.monotonic()
            if left <= 0 or not self.pump(min(left, 0.2)):
                return None

    def close(self) -> None:
        self.log.close()


ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def clean_line(raw: bytes) -> str:
    raw = ANSI.sub(b"", raw).replace(b"\r", b"")
    return raw.decode("utf-8", "replace")


# Under Xen 4.17 a domain's whole line can land after dom0's unfinished
# one (a shell prompt dom0 printed unprefixed and without a newline):
# "/ # (XEN) DOM1: [ 14.68] sysrq: Power Off". A domain prefix there starts
# that domain's line, so it is matched as a line of its own too.
MID_DOM_PREFIX = re.compile(r"(?<=.)\(XEN\) (?:\(d\d+\) |DOM\d+: )")


def line_views(line: str) -> List[str]:
    """The line, then each domain line that begins in its middle."""
    return [line] + [line[m.start():] for m in MID_DOM_PREFIX.finditer(line)]


def evaluate(lines: List[str], expects: List[Expect], forbid: List[Expect]):
    """Returns (all_matched, failures, first-match index per label)."""
    views = [line_views(l) for l in lines]
    first: Dict[str, int] = {}
    missing = []
    pending = list(expects)
    # Resolve in dependency order: an 'after' needs its label first.
    for _ in range(len(expects) + 1):
        progress = False
        for e in list(pending):
            if e.after and e.after not in first:
                continue
            start = first[e.after] + 1 if e.after else 0
            pat = e.compiled()
            hits = [i for i in range(start, len(lines))
                    if any(pat.search(v) for v in views[i])]
            if len(hits) >= e.count:
                if e.label:
                    first[e.label] = hits[0]
                pending.remove(e)
                progress = True
        if not progress:
            break
    missing = ["missing: " + e.describe() for e in pending]
    bad = []
    for e in forbid:
        pat = e.compiled()
        for l, vs in zip(lines, views):
            if any(pat.search(v) for v in vs):
                bad.append("forbidden line: %s (%s)" % (l.strip(), e.describe()))
                break
    return not pending, missing + bad, first


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def start_qemu(args: List[str]) -> subprocess.Popen:
    return subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


UBOOT_HV_ADDR = 0x42000000
UBOOT_DTB_ADDR = 0x4a000000


def qemu_command(sc: Scenario, hv_image: str, dtb: str, loader: Loader) -> List[str]:
    args = [QEMU] + qemu_machine_args(sc.smp, sc.mem_mb, cpu=sc.cpu, clusters=sc.clusters)
    args += ["-display", "none", "-monitor", "none", "-serial", "stdio",
             "-nic", "none", "-no-reboot"]
    if sc.icount:
        args += ICOUNT
    if sc.boot == "uboot":
        args += ["-bios", UBOOT_BIN]
        args += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (hv_image, UBOOT_HV_ADDR)]
        args += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (dtb, UBOOT_DTB_ADDR)]
    else:
        args += ["-kernel", hv_image, "-dtb", dtb]
    return args + loader.qemu_args()


def uboot_boot(con: Console, deadline: float) -> Optional[str]:
    """Stops U-Boot's autoboot and types the booti command."""
    if con.wait_for(r"Hit any key to stop autoboot", deadline - time.monotonic()) is None:
        return "U-Boot autoboot prompt not seen"
    con.send("\r")
    if con.wait_for(r"=> ?$", min(10, deadline - time.monotonic())) is None:
        return "U-Boot prompt not seen"
    con.send("booti 0x%x - 0x%x\r" % (UBOOT_HV_ADDR, UBOOT_DTB_ADDR))
    return None


def run_scenario(sc: Scenario, hv: str = "xenith", verbose: bool = False,
                 outdir: Optional[str] = None, dtb: Optional[str] = None) -> Result:
    """Boots the scenario under hv ('xen', 'xenith' or an image path).
    dtb: reuse this system DTB (built by an earlier run of the same
    scenario) instead of building one."""
    hv_image = resolve_hv(hv)
    kind = hv_kind(hv)
    tag = "%s-%s" % (sc.name, kind)
    workdir = outdir or os.path.join(BUILD, "system", tag)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    log_path = os.path.join(workdir, "console.log")
    t0 = time.monotonic()
    failures: List[str] = []

    def fail(msg: str) -> Result:
        with open(log_path, "a") as f:
            f.write("\n[harness] " + msg + "\n")
        return Result(sc.name, kind, False, [msg], "", log_path, time.monotonic() - t0)

    if not os.path.exists(hv_image):
        return fail("hypervisor image not found: %s" % hv_image)
    if sc.dom0:
        for what, path in (("dom0 kernel", sc.dom0.kernel), ("dom0 ramdisk", sc.dom0.ramdisk)):
            if path and not os.path.exists(path):
                return fail("%s not found: %s" % (what, path))
    for d in sc.domains:
        kpath = kernel_path(d)
        if kpath and not os.path.exists(kpath):
            return fail("kernel not found: %s" % kpath)
        if d.ramdisk and not os.path.exists(d.ramdisk):
            return fail("ramdisk not found: %s" % d.ramdisk)
    loader = Loader()
    try:
        # Module placement is deterministic, so a reused DTB matches.
        built = build_dtb(sc, hv, workdir, loader)
    except subprocess.CalledProcessError as e:
        return fail("building the DTB failed: %s\n%s" % (e, e.stderr))
    if dtb:
        shutil.copy(dtb, os.path.join(workdir, "system.dtb"))
    dtb = built
    args = qemu_command(sc, hv_image, dtb, loader)
    with open(os.path.join(workdir, "qemu.cmd"), "w") as f:
        f.write(" ".join(args) + "\n")

    proc = start_qemu(args)
    con = Console(proc, log_path)
    deadline = t0 + sc.timeout
    try:
        if sc.boot == "uboot":
            err = uboot_boot(con, deadline)
            if err:
                failures.append(err)
        if sc.interact and not failures:
            err = sc.interact(con, deadline)
            if err:
                failures.append(err)
        done = False
        while not failures and time.monotonic() < deadline:
            alive = con.pump(min(0.25, max(0.0, deadline - time.monotonic())))
            ok, _, _ = evaluate(con.lines, sc.expects, [])
            bad = evaluate(con.lines, [], sc.forbid)[1]
            if bad:
                break
            if ok:
                done = True
                break
            if not alive:
                break
        if done:
            # Drain what is already there; no waiting.
            con.pump(0.05)
    finally:
        stop(proc)
        try:
            while con.pump(0.0):
                pass
        except (OSError, ValueError):
            pass
        con.close()
    lines = con.lines + ([con.partial] if con.partial else [])
    ok, errs, _ = evaluate(lines, sc.expects, sc.forbid)
    failures += errs
    if not ok and time.monotonic() >= deadline:
        failures.append("timeout after %.0fs" % sc.timeout)
    elif not ok and proc.returncode not in (None, 0, -signal.SIGTERM):
        failures.append("qemu exited with %s" % proc.returncode)
    res = Result(sc.name, kind, not failures, failures, "\n".join(lines),
                 log_path, time.monotonic() - t0, dtb, dict(sc.facts))
    if sc.check and not failures:
        res.failures += sc.check(res)
        res.passed = not res.failures
    if res.facts:
        import json
        with open(os.path.join(workdir, "facts.json"), "w") as f:
            json.dump(res.facts, f, indent=1, sort_keys=True)
            f.write("\n")
    if verbose:
        sys.stdout.write(res.log + "\n")
    return res
