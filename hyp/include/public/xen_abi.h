/* SPDX-License-Identifier: MIT */
/*
 * The Xen guest ABI on arm64 as Xenith implements it: hypercall numbers,
 * sub-operation numbers and argument layouts. Numbers and layouts follow
 * Xen 4.17's public headers (xen/include/public/); the text is ours.
 * Event-channel structures live in public/event_channel.h.
 */
#pragma once

#include <stdint.h>

/* Hypercall numbers (xen.h) */
#define __HYPERVISOR_memory_op        12
#define __HYPERVISOR_multicall        13
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io       18
#define __HYPERVISOR_grant_table_op   20
#define __HYPERVISOR_vm_assist        21
#define __HYPERVISOR_vcpu_op          24
#define __HYPERVISOR_sched_op         29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_hvm_op           34
#define __HYPERVISOR_dm_op            41

/* xen_version (version.h) */
#define XENVER_version       0
#define XENVER_extraversion  1
#define XENVER_compile_info  2
#define XENVER_capabilities  3
#define XENVER_changeset     4
#define XENVER_platform_parameters 5
#define XENVER_get_features  6
#define XENVER_pagesize      7
#define XENVER_guest_handle  8
#define XENVER_commandline   9
#define XENVER_build_id      10

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
_Static_assert(sizeof(struct xen_compile_info) == 144, "compile_info");

struct xen_feature_info {
	uint32_t submap_idx;
	uint32_t submap;
};

/* Feature bits of submap 0 (features.h) */
#define XENFEAT_writable_page_tables     0
#define XENFEAT_auto_translated_physmap  2
#define XENFEAT_dom0                     11
#define XENFEAT_memory_op_vnode_supported 13
#define XENFEAT_ARM_SMCCC_supported      14
#define XENFEAT_not_direct_mapped        16
#define XENFEAT_direct_mapped            17

/* console_io */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* memory_op (memory.h) */
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6
#define XENMEM_add_to_physmap       7
#define XENMEM_remove_from_physmap  15
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_acquire_resource     28
#define XENMAPSPACE_shared_info     0
#define XENMAPSPACE_grant_table     1
#define XENMAPIDX_grant_table_status (1U << 31)

/* XENMEM_populate_physmap, XENMEM_decrease_reservation. */
struct xen_memory_reservation {
	uint64_t extent_start;   /* guest handle: gfns */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
	uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation");

struct xen_add_to_physmap {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "add_to_physmap");

struct xen_remove_from_physmap {
	uint16_t domid;
	uint16_t pad[3];
	uint64_t gpfn;
};

/* vcpu_op (vcpu.h) */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_register_vcpu_info 10

struct vcpu_register_vcpu_info {
	uint64_t mfn;     /* a guest frame number on Arm */
	uint32_t offset;
	uint32_t rsvd;
};

struct vcpu_runstate_info {
	int32_t state;
	uint32_t pad;
	uint64_t state_entry_time;
	uint64_t time[4];
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "runstate");
#define RUNSTATE_running 0

#define VCPU_INFO_SIZE 48   /* struct vcpu_info on arm64 */

/* sched_op (sched.h) */
#define SCHEDOP_yield    0
#define SCHEDOP_block    1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll     3
#define SCHEDOP_watchdog 6

/* vm_assist */
#define VMASST_CMD_enable  0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_runstate_update_flag 5

/* hvm_op (hvm_op.h, params.h) */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVM_PARAM_CALLBACK_IRQ  0
#define HVM_PARAM_STORE_PFN     1
#define HVM_PARAM_STORE_EVTCHN  2
#define HVM_PARAM_CONSOLE_PFN   17
#define HVM_PARAM_CONSOLE_EVTCHN 18

struct xen_hvm_param {
	uint16_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "hvm_param");

/* grant_table_op (grant_table.h) */
#define GNTTABOP_map_grant_ref   0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table  2
#define GNTTABOP_copy         5
#define GNTTABOP_query_size   6
#define GNTTABOP_set_version  8
#define GNTTABOP_get_version  10
#define GNTST_okay            0
#define GNTST_general_error   (-1)
#define GNTST_bad_domain      (-2)

struct gnttab_setup_table {
	uint16_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	int16_t status;
	uint16_t pad2[3];
	uint64_t frame_list;  /* guest handle: xen_pfn_t[] */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table");

struct gnttab_query_size {
	uint16_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int16_t status;
	uint16_t pad2;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size");

struct gnttab_set_version {
	uint32_t version;
};

struct gnttab_get_version {
	uint16_t dom;
	uint16_t pad;
	uint32_t version;
};
