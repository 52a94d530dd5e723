/* SPDX-License-Identifier: MIT */
/*
 * Grace periods (common/grace.c): when memory that other CPUs may still
 * be reading can be given back. The hypervisor's own RCU, in the shape
 * Xenith needs it.
 *
 * The rule: a pointer found in a shared table without a reference (a
 * domain by domain_by_id(), a leaf of the domain table or of the heap's
 * owner table) may be used until the CPU that found it next passes a
 * quiescent point. A CPU is quiescent whenever it runs no hypervisor
 * code on anyone's behalf: in the idle loop, and when it takes the kick
 * interrupt (interrupts are taken only from a guest or while idling, and
 * one at a time, so no handler is part way through anything then).
 * Whoever unpublishes such an object frees it only after every CPU that
 * was up has passed a quiescent point since: grace_free_later() does
 * that for memory, grace_begin()/grace_passed() for anything else.
 *
 * Nothing here waits: a grace period is started by kicking every other
 * CPU and is polled (a continuation of the hypercall that waits, or the
 * idle loop's reaper). No lock is held at a quiescent point, so the
 * kicked CPUs never wait for the one that asked.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Boot: CPU cpu takes part from now on (every CPU that came up). */
void grace_cpu_up(unsigned int cpu);
/* A grace period that begins after this call: its ticket. Kicks the
 * other CPUs that still owe a quiescent point. */
uint64_t grace_begin(void);
/* True once every CPU passed a quiescent point after the ticket was
 * taken. The caller's CPU counts as quiescent now: it must hold no
 * borrowed pointer but to what it is about to free itself. Kicks again
 * the CPUs still owing one (at most once a millisecond). */
bool grace_passed(uint64_t ticket);
/* The calling CPU is at a quiescent point (the kick interrupt, the idle
 * loop). */
void grace_quiescent(void);
/* [pa, pa + bytes), heap memory no longer reachable from any table,
 * goes back to the heap once a grace period has passed. Its first 24
 * bytes are used for the record meanwhile (bytes >= 4096). */
void grace_free_later(uint64_t pa, uint64_t bytes);
/* Frees what waited for a grace period that has passed; true if some is
 * still waiting. Any CPU with no lock held (the idle loop, domctl). */
bool grace_reap(void);
/* Kicks every other CPU that takes part, so that the idle ones run
 * their idle loop (its reaper) once more. */
void grace_kick_idle(void);
/* Bytes waiting in grace_free_later() records (not yet in the heap's
 * free memory: physinfo shows them once the idle loop's reaper, or
 * physinfo's own call to it, has given them back). */
uint64_t grace_pending_bytes(void);
