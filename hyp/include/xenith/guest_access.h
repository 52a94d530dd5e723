/* SPDX-License-Identifier: MIT */
/*
 * Copies between hypervisor memory and a guest's virtual address space
 * (hypercall arguments are guest virtual addresses on Arm). Page by page,
 * each page translated through the guest's own tables; a fault anywhere
 * gives -EFAULT and nothing outside the guest is ever touched.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* 0 or -XEN_EFAULT. */
int copy_from_guest(void *dst, uint64_t gva, size_t len);
int copy_to_guest(uint64_t gva, const void *src, size_t len);
