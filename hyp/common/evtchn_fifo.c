// SPDX-License-Identifier: MIT
/*
 * FIFO event-channel ABI. Each port has a 32-bit event word in pages the
 * guest hands over (EVTCHNOP_expand_array); each vCPU has a control block
 * (EVTCHNOP_init_control) with a ready bitmap and the head of 16 queues,
 * one per priority. Pending events are chained through the LINK field of
 * their words; we only ever append, at the tail we remember, and the
 * guest consumes from the head. The guest edits words concurrently (it
 * clears PENDING, LINKED and the link, and flips MASKED), hence atomics,
 * and BUSY on a tail word while we relink it so the guest holds off
 * unmasking it.
 */
#include <xenith/errno.h>
#include <xenith/lib.h>

#include "evtchn_priv.h"

#define PAGE_SIZE 4096U
#define WORD_BIT(b) (1U << (b))
#define PENDING WORD_BIT(EVTCHN_FIFO_PENDING)
#define MASKED  WORD_BIT(EVTCHN_FIFO_MASKED)
#define LINKED  WORD_BIT(EVTCHN_FIFO_LINKED)
#define BUSY    WORD_BIT(EVTCHN_FIFO_BUSY)

/* Event word of port, or NULL if the guest has not supplied its page. */
static uint32_t *event_word(struct evtchn_domain *ed, uint32_t port)
{
	if (port >= ed->fifo_array_pages * EVTCHN_FIFO_WORDS_PER_PAGE)
		return NULL;
	return (uint32_t *)ed->fifo_array[port / EVTCHN_FIFO_WORDS_PER_PAGE] +
	       port % EVTCHN_FIFO_WORDS_PER_PAGE;
}

static struct evtchn_fifo_control_block *control(struct evtchn_domain *ed,
						  unsigned int vcpu)
{
	return ed->vcpu[vcpu].fifo.control;
}

/*
 * One attempt to point the tail word `w` (last read as *seen) at `link`.
 * 1: done; 0: the guest already unlinked the tail, so the queue is empty;
 * -1: the word changed under us, *seen holds the new value.
 */
static int try_link(uint32_t *w, uint32_t *seen, uint32_t link)
{
	uint32_t next;

	if (!(*seen & LINKED))
		return 0;
	next = (*seen & ~(BUSY | EVTCHN_FIFO_LINK_MASK)) | link;
	if (__atomic_compare_exchange_n(w, seen, next, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		return 1;
	return -1;
}

/*
 * Appends `link` after the tail word w; false if the tail was no longer
 * linked. With BUSY set the guest may still set/clear MASKED, clear
 * PENDING, or unlink the word, so a few retries always settle it; if
 * they do not, we report "linked" and the event stays only pending, as
 * Xen does, rather than spinning on guest memory.
 */
static bool set_link(uint32_t *w, uint32_t link)
{
	uint32_t seen = GUEST_LOAD(w);
	int rc = try_link(w, &seen, link);

	if (rc >= 0)
		return rc;
	GUEST_OR(w, BUSY);
	seen = GUEST_LOAD(w);
	for (int i = 0; i < 4; i++) {
		rc = try_link(w, &seen, link);
		if (rc == 1)
			return true;  /* the new value has BUSY clear */
		if (rc == 0) {
			GUEST_AND(w, ~BUSY);
			return false;
		}
	}
	GUEST_AND(w, ~BUSY);
	return true;
}

/* Puts port at the tail of vcpu's queue for its priority. The word has
 * just become LINKED. Returns true if the queue was empty, i.e. the
 * guest must be told through the ready bit. */
static bool enqueue(struct evtchn_domain *ed, unsigned int vcpu, uint32_t port)
{
	struct evtchn *ch = &ed->ch[port];
	struct evtchn_fifo_vcpu *fv = &ed->vcpu[vcpu].fifo;
	uint32_t *old_tail = &ed->vcpu[ch->fifo_q >> 8].fifo.tail[ch->fifo_q & 0xff];
	unsigned int prio = ch->priority;
	uint32_t *tail_word;

	/* It was the last of its old queue, which the guest has drained:
	 * forget it there, or the next event on that queue would be chained
	 * behind a word that now lives on this queue. */
	if (*old_tail == port)
		*old_tail = 0;
	ch->fifo_q = (vcpu << 8) | prio;

	tail_word = fv->tail[prio] ? event_word(ed, fv->tail[prio]) : NULL;
	fv->tail[prio] = port;
	if (tail_word && set_link(tail_word, port))
		return false;
	GUEST_STORE(&control(ed, vcpu)->head[prio], port);
	return true;
}

void evtchn_fifo_set_pending(struct evtchn_domain *ed, unsigned int vcpu,
			     uint32_t port)
{
	struct evtchn *ch = &ed->ch[port];
	uint32_t *w = event_word(ed, port);
	unsigned int prio = ch->priority;

	/* No event word yet: remember it, expand_array raises it later. */
	if (!w) {
		ch->fifo_pending = 1;
		return;
	}
	/* No control block: the guest may not unmask anything before it
	 * sets one up, so the event is dropped (as in Xen). */
	if (!control(ed, vcpu))
		return;
	GUEST_OR(w, PENDING);
	if (GUEST_LOAD(w) & MASKED)
		return;
	if (GUEST_OR(w, LINKED) & LINKED)
		return;  /* already queued somewhere */
	if (!enqueue(ed, vcpu, port))
		return;
	if (!(GUEST_OR(&control(ed, vcpu)->ready, 1U << prio) & (1U << prio)))
		evtchn_mark_upcall(ed, vcpu);
}

/* Only PENDING: a linked word is skipped by the guest once it is not
 * pending, and unlinked there. */
void evtchn_fifo_clear_pending(struct evtchn_domain *ed, uint32_t port)
{
	uint32_t *w = event_word(ed, port);

	ed->ch[port].fifo_pending = 0;
	if (w)
		GUEST_AND(w, ~PENDING);
}

void evtchn_fifo_unmask(struct evtchn_domain *ed, uint32_t port)
{
	uint32_t *w = event_word(ed, port);

	if (!w)
		return;
	GUEST_AND(w, ~MASKED);
	if (GUEST_LOAD(w) & PENDING)
		evtchn_fifo_set_pending(ed, ed->ch[port].notify_vcpu, port);
}

/* A closed port still on a queue cannot be reused until the guest has
 * consumed it, or two users would share one chain entry. */
bool evtchn_fifo_is_busy(struct evtchn_domain *ed, uint32_t port)
{
	uint32_t *w = event_word(ed, port);

	return w && (GUEST_LOAD(w) & LINKED);
}

bool evtchn_fifo_is_pending(struct evtchn_domain *ed, uint32_t port)
{
	uint32_t *w = event_word(ed, port);

	return w && (GUEST_LOAD(w) & PENDING);
}

long evtchn_fifo_set_priority(struct evtchn_domain *ed, uint32_t port,
			      uint32_t priority)
{
	if (priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -XEN_EINVAL;
	/* An event already queued stays where it is; only later ones move. */
	ed->ch[port].priority = (uint8_t)priority;
	return 0;
}

static long map_control(struct evtchn_domain *ed, unsigned int vcpu,
			uint64_t gfn, uint32_t offset)
{
	char *page;

	if (ed->vcpu[vcpu].fifo.control)
		return -XEN_EINVAL;
	page = ed->env->map_gfn(ed, gfn);
	if (!page)
		return -XEN_EINVAL;
	__atomic_store_n(&ed->vcpu[vcpu].fifo.control, page + offset,
			 __ATOMIC_RELEASE);
	return 0;
}

/* From 2-level to FIFO: every port gets the default priority, and what
 * was pending in the 2-level bitmap is carried over, to be raised when
 * the guest supplies the event-array page. */
static void switch_to_fifo(struct evtchn_domain *ed)
{
	for (uint32_t port = 1; port < ed->valid_ports; port++) {
		struct evtchn *ch = &ed->ch[port];

		if (evtchn_2l_is_pending(ed, port))
			ch->fifo_pending = 1;
		ch->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	}
	ed->fifo = true;
}

long evtchn_fifo_init_control(struct evtchn_domain *ed,
			      struct evtchn_init_control *ic)
{
	long rc;

	ic->link_bits = EVTCHN_FIFO_LINK_BITS;
	if (ic->vcpu >= ed->nr_vcpus)
		return -XEN_ENOENT;
	if (ic->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
	    (ic->offset & 7))
		return -XEN_EINVAL;

	spin_lock(&ed->lock);
	rc = map_control(ed, ic->vcpu, ic->control_gfn, ic->offset);
	if (rc == 0 && !ed->fifo)
		switch_to_fifo(ed);
	spin_unlock(&ed->lock);
	return rc;
}

/* Raises the events that became pending before their word existed. */
static void raise_saved(struct evtchn_domain *ed, uint32_t first, uint32_t end)
{
	for (uint32_t port = first; port < end && evtchn_port_valid(ed, port);
	     port++) {
		struct evtchn *ch = &ed->ch[port];

		if (!ch->fifo_pending)
			continue;
		ch->fifo_pending = 0;
		evtchn_fifo_set_pending(ed, ch->notify_vcpu, port);
	}
}

long evtchn_fifo_expand_array(struct evtchn_domain *ed,
			      const struct evtchn_expand_array *ea)
{
	unsigned int slot;
	void *page;
	long rc = 0;

	spin_lock(&ed->lock);
	slot = ed->fifo_array_pages;
	if (!ed->fifo) {
		rc = -XEN_EOPNOTSUPP;  /* no init_control yet */
	} else if (slot >= EVTCHN_FIFO_MAX_PAGES) {
		rc = -XEN_ENOSPC;
	} else if (!(page = ed->env->map_gfn(ed, ea->array_gfn))) {
		rc = -XEN_EINVAL;
	} else {
		ed->fifo_array[slot] = page;
		ed->fifo_array_pages = slot + 1;
		raise_saved(ed, slot * EVTCHN_FIFO_WORDS_PER_PAGE,
			    (slot + 1) * EVTCHN_FIFO_WORDS_PER_PAGE);
	}
	spin_unlock(&ed->lock);
	return rc;
}

/* Back to 2-level (EVTCHNOP_reset): forget control blocks, pages and
 * queue tails; the guest's memory is left as it is. */
void evtchn_fifo_destroy(struct evtchn_domain *ed)
{
	for (unsigned int i = 0; i < ed->nr_vcpus; i++)
		memset(&ed->vcpu[i].fifo, 0, sizeof(ed->vcpu[i].fifo));
	memset(ed->fifo_array, 0, sizeof(ed->fifo_array));
	ed->fifo_array_pages = 0;
	ed->fifo = false;
}
