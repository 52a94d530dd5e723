// SPDX-License-Identifier: MIT
/* xen_version: Xenith answers as Xen 4.17.0 so guests take their Xen paths. */
#include <public/xen_abi.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>
#include <xenith/lib.h>

#define XEN_MAJOR 4
#define XEN_MINOR 17
#define XEN_EXTRAVERSION ".0"
#define XEN_CAPABILITIES "xen-3.0-aarch64 "
#define HYPERVISOR_VIRT_START 0x0000000000200000ULL /* Xen/Arm64's value */

/* Submap 0, as Xen 4.17 fills it for an Arm domain: dom0 is told it is
 * the hardware domain, and whether guest-physical equals host-physical
 * (Linux's swiotlb-xen and grant mappings depend on it). */
static uint32_t features(const struct domain *d)
{
	uint32_t map = (1U << XENFEAT_writable_page_tables) |
		       (1U << XENFEAT_auto_translated_physmap) |
		       (1U << XENFEAT_memory_op_vnode_supported) |
		       (1U << XENFEAT_ARM_SMCCC_supported);

	if (d->is_control)
		map |= 1U << XENFEAT_dom0;
	if (d->cfg->direct_map)
		map |= 1U << XENFEAT_direct_mapped;
	else
		map |= 1U << XENFEAT_not_direct_mapped;
	return map;
}

static int64_t put_string(uint64_t arg, const char *s, size_t size)
{
	char buf[1024];

	memset(buf, 0, size);
	memcpy(buf, s, MIN(strlen(s), size - 1));
	return copy_to_guest(arg, buf, size);
}

static int64_t get_features(const struct domain *d, uint64_t arg)
{
	struct xen_feature_info fi;

	if (copy_from_guest(&fi, arg, sizeof(fi)))
		return -XEN_EFAULT;
	if (fi.submap_idx != 0)
		return -XEN_EINVAL;   /* Xen has one submap */
	fi.submap = features(d);
	return copy_to_guest(arg, &fi, sizeof(fi));
}

/* The hypervisor's command line for the control domain (all 1024 bytes
 * of Xen's saved_cmdline); anyone else reads "<denied>", and succeeds, as
 * Xen 4.17's dummy XSM policy has it. */
static int64_t commandline(const struct domain *d, uint64_t arg)
{
	if (!d->is_control)
		return copy_to_guest(arg, XEN_DENIED_STRING, sizeof(XEN_DENIED_STRING));
	return copy_to_guest(arg, ctl_host.cmdline, sizeof(ctl_host.cmdline));
}

/* Privileged. A null argument asks for the size; otherwise its len must
 * be non-zero. Xenith is linked without a build id, so the answer is
 * Xen's for a build without one: -ENODATA (which the tools expect). */
static int64_t build_id(const struct domain *d, uint64_t arg)
{
	struct xen_build_id_hdr b;

	if (!d->is_control)
		return -XEN_EPERM;
	if (arg) {
		if (copy_from_guest(&b, arg, sizeof(b)))
			return -XEN_EFAULT;
		if (!b.len)
			return -XEN_EINVAL;
	}
	return -XEN_ENODATA;
}

/* Everything but XENVER_version, kept out of line so the null hypercall
 * benchmarks measure the trap path rather than this function's frame. */
static __attribute__((noinline)) int64_t version_info(struct domain *d,
						     unsigned int cmd, uint64_t arg)
{
	static const struct xen_compile_info ci = {
		"gcc (Xenith)", "xenith", "xenith.local", "Xenith build",
	};
	uint64_t virt_start = HYPERVISOR_VIRT_START;
	uint8_t handle[16];

	switch (cmd) {
	case XENVER_extraversion: return put_string(arg, XEN_EXTRAVERSION, 16);
	case XENVER_compile_info: return copy_to_guest(arg, &ci, sizeof(ci));
	case XENVER_capabilities: return put_string(arg, XEN_CAPABILITIES, 1024);
	case XENVER_changeset:    return put_string(arg, "xenith", 64);
	case XENVER_platform_parameters:
		return copy_to_guest(arg, &virt_start, sizeof(virt_start));
	case XENVER_get_features: return get_features(d, arg);
	case XENVER_pagesize:     return arg ? -XEN_EINVAL : 4096; /* as Xen */
	case XENVER_guest_handle: /* as setdomainhandle left it */
		ctl_domain_handle(d, handle);
		return copy_to_guest(arg, handle, sizeof(handle));
	case XENVER_commandline:  return commandline(d, arg);
	case XENVER_build_id:     return build_id(d, arg);
	default:                  return -XEN_ENOSYS;
	}
}

int64_t do_xen_version(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	if (cmd == XENVER_version)
		return (XEN_MAJOR << 16) | XEN_MINOR;
	return version_info(v->dom, cmd, arg);
}
