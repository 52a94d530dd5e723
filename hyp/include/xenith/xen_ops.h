/* SPDX-License-Identifier: MIT */
/* Hypercall handlers (in common/xen), called by do_hypercall(). Each
 * returns >= 0 or a negated Xen errno; pointer arguments are guest VAs. */
#pragma once

#include <stdint.h>

struct vcpu;

int64_t do_xen_version(struct vcpu *v, unsigned int cmd, uint64_t arg);
/* cmd: the sub-op in bits 0-5, a continuation's start extent above (Xen). */
int64_t do_memory_op(struct vcpu *v, uint64_t a[5]);
/* Extents per turn of a memory_op over a list (populate, decrease). */
#define MEMOP_BATCH 64
/* Continues memory_op command cmd from extent `done` (Xen's encoding in
 * the command's upper bits), or inside a multicall returns `done`. */
int64_t memory_continue(struct vcpu *v, uint64_t a[5], unsigned int cmd, uint64_t done);
/* foreign.c: memory one domain takes of another (the tools' calls). */
int64_t mem_populate_physmap(struct vcpu *v, uint64_t a[5], uint64_t start, uint64_t arg);
int64_t mem_add_to_physmap_batch(struct vcpu *v, uint64_t arg);
int64_t mem_acquire_resource(struct vcpu *v, uint64_t arg);
/* Releases the reference a foreign entry of host page pa held. */
void memory_release_foreign(uint64_t pa);
/* Forgets a shared page (shared_info, grant frame) recorded at gfn of d
 * (p2m_lock held): something else now sits there. */
void memory_forget_gfn(struct domain *d, uint64_t gfn);
/* args[0] = count (32 bits, as in Xen's prototype), args[1] = buffer;
 * a long write continues (HYPERCALL_CONTINUE) with them updated. */
int64_t do_console_io(struct vcpu *v, unsigned int cmd, uint64_t args[2]);
int64_t do_grant_table_op(struct vcpu *v, unsigned int cmd, uint64_t args[3]);
/* grant_map.c: count map / unmap operations at arg. */
int64_t gnttab_map_refs(struct vcpu *v, uint64_t arg, uint32_t count);
int64_t gnttab_unmap_refs(struct vcpu *v, uint64_t arg, uint32_t count);
/* The teardown of d (lifecycle.c): every grant mapping d made is undone
 * (its stage-2 entry, the granter's entry flags) and its reference on the
 * granter put; the maptrack pages stay until gnttab_free_maptrack. */
struct domain;
void gnttab_release_mappings(struct domain *d);
/* Is one of d's RAM pages mapped at gfn now (p2m_lock held)? Replacing
 * or removing it must reach its device models' mapcaches (ioreq.h). */
bool memory_ram_mapped(struct domain *d, uint64_t gfn);
/* Its maptrack's pages back to the heap (the domain's memory teardown). */
void gnttab_free_maptrack(struct domain *d);
int64_t gnttab_copy(struct vcpu *v, uint64_t arg, uint32_t count);
int64_t do_vm_assist(struct vcpu *v, unsigned int cmd, unsigned int type);
int64_t do_vcpu_op(struct vcpu *v, unsigned int cmd, unsigned int vcpuid,
		   uint64_t arg);
int64_t do_sched_op(struct vcpu *v, unsigned int cmd, uint64_t arg);
int64_t do_event_channel_op(struct vcpu *v, unsigned int cmd, uint64_t arg);
int64_t do_hvm_op(struct vcpu *v, unsigned int cmd, uint64_t arg);
/* dm_op (41): device-model operations for another domain (dm_op.c). */
int64_t do_dm_op(struct vcpu *v, uint16_t domid, uint64_t nr_bufs, uint64_t bufs);
