#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-made seeds of tests/fuzz/corpus/ (they are in git; run
this again only after changing the input formats of fuzz_hypercall.c or
fuzz_dt.c's tree programs):

    python3 tests/fuzz/mkseeds.py

fuzz_hypercall seeds are the call sequences a Linux or bare-metal guest
makes (event channels on both ABIs, shared_info and grant frames,
vcpu_info, console, version queries), encoded as fuzz_hypercall.c reads
them. fuzz_dt seeds are tree programs (fuzz_dt.c: build_tree) for a small
machine with dom0less domains; the unit tests' .dts files are compiled
into more seeds at build time.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
RAM = 0x40000  # gfn of guest RAM
SELF = 0x7FF0

# what
XEN_VERSION, MEMORY_OP, CONSOLE_IO, GNTTAB_OP, VM_ASSIST, VCPU_OP, SCHED_OP, \
    EVTCHN_OP, HVM_OP, RAW, VIRQ, WRITE, ENTRY, POWER, DOMCTL, SYSCTL, XL = range(17)
DOM0 = -1  # the control domain (byte 0 >= 0xf0)
# argument kinds
A_RAM, A_GNT, A_NUM, A_RAW = range(4)


def op(dom, vcpu, what, cmd=0, a1=(A_NUM, 0), a2=(A_NUM, 0), payload=b""):
    """One operation: a1/a2 are (kind, value); value is the RAM offset
    (A_RAM), (page, offset) (A_GNT), a byte (A_NUM) or 64 bits (A_RAW)."""
    assert len(payload) % 4 == 0 and len(payload) <= 60
    out = bytes([0xF0 + vcpu if dom == DOM0 else dom + 3 * vcpu, what])
    out += bytes([cmd]) if cmd < 0xF0 else bytes([0xF0]) + struct.pack("<I", cmd)
    out += bytes([a1[0] | a2[0] << 2 | (len(payload) // 4) << 4])
    for kind, val in (a1, a2):
        if kind == A_RAM:
            out += struct.pack("<H", val)
        elif kind == A_GNT:
            out += bytes([val[0], val[1] // 16])
        elif kind == A_NUM:
            out += bytes([val])
        else:
            out += struct.pack("<Q", val)
    return out + payload


def evtchn(dom, vcpu, cmd, payload, off=0x100):
    payload += b"\0" * (-len(payload) % 4)
    return op(dom, vcpu, EVTCHN_OP, cmd, (A_RAM, off), (A_NUM, 0), payload)


def alloc_unbound(dom, remote, vcpu=0):
    return evtchn(dom, vcpu, 6, struct.pack("<HHI", SELF, remote, 0))


def bind_inter(dom, rdom, rport, vcpu=0):
    return evtchn(dom, vcpu, 0, struct.pack("<HHII", rdom, 0, rport, 0))


def send(dom, port, vcpu=0):
    return evtchn(dom, vcpu, 4, struct.pack("<I", port))


def init_control(dom, vcpu, gfn, offset):
    return evtchn(dom, vcpu, 11, struct.pack("<QII8s", gfn, offset, vcpu, b""))


def add_to_physmap(dom, space, idx, gpfn, vcpu=0):
    return op(dom, vcpu, MEMORY_OP, 7, (A_RAM, 0x200), (A_NUM, 0),
              struct.pack("<HHIQQ", SELF, 0, space, idx, gpfn))


def ctl(dom, what, cmd, target=0, payload=b"", off=0x400, bad_version=False):
    """domctl (what=DOMCTL) or sysctl: the harness writes the header (cmd,
    version, domain: target 0-5 are d0-d5, 6: DOMID_SELF) at RAM
    offset off and the payload into the union after it."""
    payload += b"\0" * (-len(payload) % 4)
    sel = (target << 1) | int(bad_version)
    return op(dom, 0, what, cmd, (A_RAM, off), (A_NUM, sel), payload)


BUF = (RAM << 12) + 0x1000   # guest address of an array the calls fill


def domctl(dom, cmd, target, payload=b"", **kw):
    return ctl(dom, DOMCTL, cmd, target, payload, **kw)


def sysctl(dom, cmd, payload=b"", **kw):
    return ctl(dom, SYSCTL, cmd, 0, payload, **kw)


# xl's steps (fuzz_hypercall.c: xl_step), made by dom0: the step, its
# byte, and the target (a domU by its place in the domid order).
CREATE, MAX_VCPUS, ADDR_SIZE, POOL, MAX_MEM, POPULATE, CONTEXT, UNPAUSE, \
    PAUSE, DESTROY, MAP, UNMAP = range(12)


def xl(step, b=0, target=0):
    return op(DOM0, 0, XL) + bytes([step, b, target])


seeds_hc = {
    # A domain built as xl builds it (d4: the fourth domU), run, one of
    # its pages mapped into dom0, destroyed while mapped (a zombie), the
    # mapping removed; another built and destroyed at once.
    "lifecycle": b"".join([
        xl(CREATE, 1), xl(MAX_VCPUS, 0, 3), xl(ADDR_SIZE, 0, 3), xl(POOL, 32, 3),
        xl(MAX_MEM, 0x10, 3), xl(POPULATE, 0x01, 3), xl(CONTEXT, 0x01, 3),
        xl(UNPAUSE, 0, 3), xl(MAP, 0, 3), domctl(DOM0, 5, 4), xl(PAUSE, 0, 3),
        xl(DESTROY, 0, 3), domctl(DOM0, 5, 4), xl(UNMAP, 0, 3),
        xl(CREATE, 2), xl(MAX_VCPUS, 0, 3), xl(DESTROY, 0, 3), sysctl(DOM0, 3),
    ]),
    # Two domains connect a channel and signal it both ways; VIRQ, IPI,
    # status, bind_vcpu, unmask, close.
    "evtchn_2l": b"".join([
        alloc_unbound(0, 2), bind_inter(1, 1, 1), send(0, 1), send(1, 1),
        evtchn(0, 0, 5, struct.pack("<HHI16s", SELF, 0, 1, b"")),  # status
        evtchn(2, 0, 1, struct.pack("<III", 0, 0, 0)),            # bind_virq timer
        op(2, 0, VIRQ, 0), op(2, 0, ENTRY),
        evtchn(2, 0, 7, struct.pack("<II", 0, 0)),                # bind_ipi
        evtchn(2, 0, 4, struct.pack("<I", 2)),
        op(2, 1, POWER), evtchn(2, 0, 8, struct.pack("<II", 2, 1)),  # bind_vcpu
        evtchn(0, 0, 9, struct.pack("<I", 1)),                    # unmask
        evtchn(0, 0, 3, struct.pack("<I", 1)),                    # close
        send(1, 1),
    ]),
    # FIFO: control blocks for both vCPUs, an event array, priorities,
    # then back to 2-level with reset.
    "evtchn_fifo": b"".join([
        op(0, 1, POWER),
        init_control(0, 0, RAM + 1, 0), init_control(0, 1, RAM + 1, 128),
        evtchn(0, 0, 12, struct.pack("<Q", RAM + 2)),             # expand_array
        alloc_unbound(0, 3), bind_inter(2, 1, 1), send(2, 1), send(2, 1),
        evtchn(0, 0, 13, struct.pack("<II", 1, 3)),               # set_priority
        evtchn(0, 0, 9, struct.pack("<I", 1)),
        evtchn(0, 0, 8, struct.pack("<II", 1, 1)),
        send(2, 1),
        evtchn(0, 0, 10, struct.pack("<HH", SELF, 0)),            # reset
        send(2, 1),
    ]),
    # Linux's boot: shared_info, grant frames, setup_table, vcpu_info.
    "memory": b"".join([
        add_to_physmap(0, 0, 0, 0x38000),
        add_to_physmap(0, 1, 0, 0x38001), add_to_physmap(0, 1, 1, 0x38002),
        add_to_physmap(0, 1, 2, RAM + 3),
        op(0, 0, GNTTAB_OP, 6, (A_RAM, 0x300), (A_NUM, 1),
           struct.pack("<HHIIhH", SELF, 0, 0, 0, 0, 0)),         # query_size
        op(0, 0, GNTTAB_OP, 2, (A_RAM, 0x300), (A_NUM, 1),
           struct.pack("<HHIh6sQ", SELF, 0, 3, 0, b"", (RAM << 12) + 0x400)),
        op(0, 0, GNTTAB_OP, 10, (A_RAM, 0x300), (A_NUM, 1), struct.pack("<HHI", SELF, 0, 0)),
        op(0, 0, VCPU_OP, 10, (A_NUM, 0), (A_RAM, 0x500),
           struct.pack("<QII", 0x38000, 64, 0)),                   # vcpu_info in shared_info
        op(0, 0, VCPU_OP, 10, (A_NUM, 1), (A_RAM, 0x500),
           struct.pack("<QII", RAM + 3, 128, 0)),                  # in a grant frame
        op(0, 0, VCPU_OP, 5, (A_NUM, 0), (A_RAM, 0x600), struct.pack("<Q", (RAM << 12) + 0x700)),
        send(0, 0),
        op(0, 0, MEMORY_OP, 15, (A_RAM, 0x200), (A_NUM, 0),
           struct.pack("<HHHHQ", SELF, 0, 0, 0, 0x38001)),        # remove_from_physmap
        add_to_physmap(0, 1, 0, 0x38001),
        op(0, 0, MEMORY_OP, 15, (A_RAM, 0x200), (A_NUM, 0),
           struct.pack("<HHHHQ", SELF, 0, 0, 0, RAM + 5)),        # remove RAM
    ]),
    # console_io lines, version queries, hvm params, sched_op, vm_assist.
    "misc": b"".join([
        op(1, 0, WRITE, 0, (A_RAM, 0x800), (A_NUM, 0), b"hello, world\n\x1b[0m ok\t\n\0\0"),
        op(1, 0, CONSOLE_IO, 0, (A_NUM, 24), (A_RAM, 0x800)),
        op(1, 0, CONSOLE_IO, 0, (A_NUM, 200), (A_RAM, 0xff80)),
        op(1, 0, XEN_VERSION, 0), op(1, 0, XEN_VERSION, 1, (A_RAM, 0x900)),
        op(1, 0, XEN_VERSION, 2, (A_RAM, 0x900)), op(1, 0, XEN_VERSION, 3, (A_RAM, 0x900)),
        op(1, 0, XEN_VERSION, 6, (A_RAM, 0x900), (A_NUM, 0), struct.pack("<II", 0, 0)),
        op(1, 0, XEN_VERSION, 3, (A_RAM, 0xfc00)),                # runs off RAM
        op(1, 0, HVM_OP, 1, (A_RAM, 0xa00), (A_NUM, 0), struct.pack("<HHIQ", SELF, 0, 2, 7)),
        op(1, 0, HVM_OP, 0, (A_RAM, 0xa00), (A_NUM, 0), struct.pack("<HHIQ", SELF, 0, 2, 7)),
        op(1, 0, VM_ASSIST, 0, (A_NUM, 5)),
        op(1, 0, SCHED_OP, 0), op(1, 0, SCHED_OP, 1),
        op(1, 0, RAW, 0, (A_NUM, 0), (A_NUM, 0)) + bytes([13]),  # multicall: ENOSYS
        op(1, 0, SCHED_OP, 2, (A_RAM, 0xb00), (A_NUM, 0), struct.pack("<I", 0)),  # poweroff
        send(0, 1),
    ]),
    # The control domain (d0) as the tools use it: getdomaininfo of each
    # domain and past the last, pause/unpause, max_mem, the handle,
    # getvcpuinfo; sysctl physinfo, the domain list into RAM, sched_id,
    # cpupool INFO up to -ENOENT, topology, NUMA; build_id and the
    # command line. Then a domU tries the same and is refused.
    "control": b"".join([
        domctl(DOM0, 5, 0), domctl(DOM0, 5, 1), domctl(DOM0, 5, 4), domctl(DOM0, 5, 5),
        domctl(DOM0, 3, 1), domctl(DOM0, 5, 1), domctl(DOM0, 4, 1), domctl(DOM0, 4, 1),
        domctl(DOM0, 3, 0),
        domctl(DOM0, 11, 2, struct.pack("<Q", 65536)),
        domctl(DOM0, 17, 2, bytes(range(16))),
        domctl(DOM0, 14, 3, struct.pack("<I", 2)),
        sysctl(DOM0, 3),
        sysctl(DOM0, 6, struct.pack("<HHIQ", 0, 0, 8, BUF)),
        sysctl(DOM0, 4),
        sysctl(DOM0, 18, struct.pack("<6IQI", 3, 0, 0, 0, 0, 0, BUF, 8)),
        sysctl(DOM0, 18, struct.pack("<6IQI", 3, 1, 0, 0, 0, 0, BUF, 8)),
        sysctl(DOM0, 16, struct.pack("<IIQ", 8, 0, BUF)),
        sysctl(DOM0, 17, struct.pack("<IIQQ", 1, 0, BUF, BUF + 64)),
        op(DOM0, 0, XEN_VERSION, 9, (A_RAM, 0x2000)),
        op(DOM0, 0, XEN_VERSION, 10, (A_RAM, 0x900), (A_NUM, 0), struct.pack("<I", 32)),
        domctl(0, 5, 2), domctl(0, 3, 2), domctl(0, 17, 2, bytes(16)),
        sysctl(0, 3), sysctl(0, 6, struct.pack("<HHIQ", 0, 0, 8, BUF)),
        domctl(DOM0, 5, 1, bad_version=True), sysctl(1, 3, bad_version=True),
    ]),
}

# Tree programs (fuzz_dt.c: build_tree): opcodes and name indices.
BEGIN, END, PROP, U32, U64, STR, REG = 0, 2, 3, 4, 5, 6, 7
NAMES = {n: i for i, n in enumerate([
    "", "compatible", "reg", "#address-cells", "#size-cells", "chosen",
    "cpus", "cpu@0", "cpu@1", "memory@40000000", "memory", "device_type",
    "status", "okay", "disabled", "interrupts", "clock-frequency",
    "stdout-path", "aliases", "serial0", "psci", "method", "smc", "hvc",
    "arm,psci-1.0", "arm,psci-0.2", "arm,gic-v3", "arm,pl011",
    "arm,armv8-timer", "timer", "intc@8000000", "pl011@9000000",
    "reserved-memory", "xen,xen-bootargs", "xen,domain", "domU1", "domU2",
    "module@0", "multiboot,kernel", "multiboot,ramdisk",
    "multiboot,device-tree", "multiboot,module", "bootargs", "cpus",
    "vpl011", "nr_spis", "xen,domain-p2m-mem-mb", "xen,enhanced",
    "no-xenstore", "enabled", "direct-map", "xen,static-mem",
    "xen,multiboot-module", "xen,linux-zimage", "phandle",
    "interrupt-parent", "#interrupt-cells", "ranges", "enable-method",
    "psci", "/pl011@9000000", "serial0:115200n8", "/chosen/domU1",
])}


def n(name):
    return bytes([NAMES[name]])


def lit(s):
    b = s.encode()
    assert len(b) < 32
    return bytes([0xC0 | len(b)]) + b


def begin(name):
    return bytes([BEGIN]) + (n(name) if name in NAMES else lit(name))


def u32(name, v):
    return bytes([U32]) + n(name) + struct.pack(">I", v)


def string(name, value):
    return bytes([STR]) + n(name) + (n(value) if value in NAMES else lit(value))


def reg(name, *pairs):
    """#address-cells = #size-cells = 2: (addr, size) pairs."""
    body = b"".join(struct.pack(">QQ", a, s) for a, s in pairs)
    return bytes([REG]) + n(name) + bytes([len(pairs) - 1]) + body


def prop(name, value):
    return bytes([PROP]) + n(name) + bytes([len(value)]) + value


def machine(domains):
    t = u32("#address-cells", 2) + u32("#size-cells", 2)
    t += begin("cpus") + u32("#address-cells", 1) + u32("#size-cells", 0)
    for c in range(4):
        t += begin("cpu@%d" % c) + string("device_type", "cpu") + \
            string("compatible", "arm,cortex-a57") + u32("reg", c) + \
            string("enable-method", "psci") + bytes([END])
    t += bytes([END])
    t += begin("memory@40000000") + string("device_type", "memory") + \
        reg("reg", (0x40000000, 0x80000000)) + bytes([END])
    t += begin("psci") + string("compatible", "arm,psci-1.0") + \
        string("method", "smc") + bytes([END])
    t += begin("intc@8000000") + string("compatible", "arm,gic-v3") + \
        reg("reg", (0x8000000, 0x10000), (0x80a0000, 0xf60000)) + \
        u32("#interrupt-cells", 3) + u32("phandle", 1) + \
        prop("interrupts", struct.pack(">III", 1, 9, 4)) + bytes([END])
    t += begin("timer") + string("compatible", "arm,armv8-timer") + \
        prop("interrupts", struct.pack(">" + "I" * 12, 1, 13, 4, 1, 14, 4,
                                       1, 11, 4, 1, 10, 4)) + bytes([END])
    t += begin("pl011@9000000") + string("compatible", "arm,pl011") + \
        reg("reg", (0x9000000, 0x1000)) + \
        prop("interrupts", struct.pack(">III", 0, 1, 4)) + bytes([END])
    t += begin("chosen") + string("stdout-path", "/pl011@9000000") + \
        string("xen,xen-bootargs", "bootscrub=0")
    t += u32("#address-cells", 2) + u32("#size-cells", 2)
    t += domains + bytes([END])
    return t


def domu(name, cpus, mem_kb, kernel, ramdisk=None, extra=b""):
    t = begin(name) + string("compatible", "xen,domain") + \
        u32("#address-cells", 2) + u32("#size-cells", 2) + \
        u32("cpus", cpus) + prop("memory", struct.pack(">Q", mem_kb)) + extra
    t += begin("module@0") + prop("compatible", b"multiboot,kernel\0multiboot,module\0") + \
        reg("reg", kernel) + string("bootargs", "console=hvc0") + bytes([END])
    if ramdisk:
        t += begin("module@1") + prop("compatible", b"multiboot,ramdisk\0multiboot,module\0") + \
            reg("reg", ramdisk) + bytes([END])
    return t + bytes([END])


seeds_dt = {
    "two_domains": machine(
        domu("domU1", 2, 262144, (0x48000000, 0x1000000), (0x4a000000, 0x200000),
             prop("vpl011", b"") + string("xen,enhanced", "no-xenstore")) +
        domu("domU2", 1, 65536, (0x4c000000, 0x10000),
             extra=u32("nr_spis", 64) + u32("xen,domain-p2m-mem-mb", 4))),
    "overlap": machine(
        domu("domU1", 1, 65536, (0x48000000, 0x1000000), (0x48800000, 0x200000)) +
        domu("domU2", 4, 65536, (0x4c000000, 0x10000))),
    "no_domains": machine(b""),
}


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


write("fuzz_hypercall", seeds_hc)
write("fuzz_dt", seeds_dt)
