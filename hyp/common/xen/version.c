// SPDX-License-Identifier: MIT
/* xen_version: Xenith answers as Xen 4.17.0 so guests take their Xen paths. */
#include <public/xen_abi.h>
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

/* Everything but XENVER_version, kept out of line so the null hypercall
 * benchmarks measure the trap path rather than this function's frame. */
static __attribute__((noinline)) int64_t version_info(const struct domain *d,
						     unsigned int cmd, uint64_t arg)
{
	static const struct xen_compile_info ci = {
		"gcc (Xenith)", "xenith", "xenith.local", "Xenith build",
	};
	uint64_t virt_start = HYPERVISOR_VIRT_START;
	uint8_t handle[16] = { 0 };

	switch (cmd) {
	case XENVER_extraversion: return put_string(arg, XEN_EXTRAVERSION, 16);
	case XENVER_compile_info: return copy_to_guest(arg, &ci, sizeof(ci));
	case XENVER_capabilities: return put_string(arg, XEN_CAPABILITIES, 1024);
	case XENVER_changeset:    return put_string(arg, "xenith", 64);
	case XENVER_platform_parameters:
		return copy_to_guest(arg, &virt_start, sizeof(virt_start));
	case XENVER_get_features: return get_features(d, arg);
	case XENVER_pagesize:     return 4096;
	case XENVER_guest_handle: return copy_to_guest(arg, handle, sizeof(handle));
	case XENVER_commandline:  return -XEN_EPERM; /* privileged, as in Xen */
	default:                  return -XEN_ENOSYS;
	}
}

int64_t do_xen_version(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	if (cmd == XENVER_version)
		return (XEN_MAJOR << 16) | XEN_MINOR;
	return version_info(v->dom, cmd, arg);
}
