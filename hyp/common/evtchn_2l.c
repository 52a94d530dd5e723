// SPDX-License-Identifier: MIT
/*
 * 2-level event-channel ABI: one pending and one mask bit per port in
 * shared_info (64 words of 64 bits), and per vCPU a selector word in
 * vcpu_info whose bit w says "look at pending word w". The guest clears
 * bits concurrently, so each step is one atomic operation, and the steps
 * come in the order Xen uses so that no event can be lost between them.
 */
#include "evtchn_priv.h"

static struct xen_shared_info *shinfo(struct evtchn_domain *ed)
{
	return ed->shared_info;
}

static uint64_t port_bit(uint32_t port)
{
	return 1ULL << (port % 64);
}

/* Flags pending word `w` in vcpu's selector; upcall if that is news. */
static void select_word(struct evtchn_domain *ed, unsigned int vcpu, uint32_t w)
{
	struct xen_vcpu_info *vi = evtchn_vcpu_info(ed, vcpu);

	/* An unregistered vCPU hears nothing now; registering its
	 * vcpu_info marks every word selected and raises the upcall. */
	if (!vi)
		return;
	if (!(GUEST_OR(&vi->evtchn_pending_sel, 1ULL << w) & (1ULL << w)))
		evtchn_mark_upcall(ed, vcpu);
}

void evtchn_2l_set_pending(struct evtchn_domain *ed, unsigned int vcpu,
			   uint32_t port)
{
	struct xen_shared_info *si = shinfo(ed);
	uint32_t w = port / 64;

	/* Already pending: the guest has been (or will be) told. */
	if (GUEST_OR(&si->evtchn_pending[w], port_bit(port)) & port_bit(port))
		return;
	/* Masked: the guest finds it when it unmasks. */
	if (GUEST_LOAD(&si->evtchn_mask[w]) & port_bit(port))
		return;
	select_word(ed, vcpu, w);
}

void evtchn_2l_clear_pending(struct evtchn_domain *ed, uint32_t port)
{
	GUEST_AND(&shinfo(ed)->evtchn_pending[port / 64], ~port_bit(port));
}

/* Only a mask bit we actually clear can release a waiting event; one the
 * guest already cleared itself was delivered by its own path. */
void evtchn_2l_unmask(struct evtchn_domain *ed, uint32_t port)
{
	struct xen_shared_info *si = shinfo(ed);
	uint32_t w = port / 64;

	if (!(GUEST_AND(&si->evtchn_mask[w], ~port_bit(port)) & port_bit(port)))
		return;
	if (!(GUEST_LOAD(&si->evtchn_pending[w]) & port_bit(port)))
		return;
	select_word(ed, ed->ch[port].notify_vcpu, w);
}

bool evtchn_2l_is_pending(struct evtchn_domain *ed, uint32_t port)
{
	return GUEST_LOAD(&shinfo(ed)->evtchn_pending[port / 64]) & port_bit(port);
}
