/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim refcount_t and kref: the kernel's saturating semantics.
 *
 * The counter is updated as the kernel's atomic would (wrapping), then a
 * misuse saturates it at REFCOUNT_SATURATED and becomes one SIM_F_REFCOUNT
 * finding at the caller's site, with the kernel's WARN text. A counter at
 * NULL or in freed memory is an oops (sim_deref).
 */
#include <bindsim/sim.h>
#include <linux/kref.h>
#include <linux/refcount.h>

#define MSG_ADD_UAF "refcount_t: addition on 0; use-after-free."
#define MSG_ADD_OVF "refcount_t: saturated; leaking memory."
#define MSG_SUB_UAF "refcount_t: underflow; use-after-free."
#define MSG_DEC_LEAK "refcount_t: decrement hit 0; leaking memory."

/* Two's complement wrap, as the atomic_t operations do. */
static inline int wrap_add(int a, int b)
{
	return (int)((unsigned int)a + (unsigned int)b);
}

static inline int wrap_sub(int a, int b)
{
	return (int)((unsigned int)a - (unsigned int)b);
}

static void saturate(refcount_t *r, const char *msg,
		     const struct sim_site *site)
{
	r->refs = REFCOUNT_SATURATED;
	sim_report(SIM_F_REFCOUNT, site, "%s", msg);
}

void sim_refcount_add(int i, refcount_t *r, const struct sim_site *site)
{
	int old;

	if (!__sim_deref(r, site))
		return;
	old = r->refs;
	r->refs = wrap_add(old, i);
	if (!old)
		saturate(r, MSG_ADD_UAF, site);
	else if (old < 0 || r->refs < 0)
		saturate(r, MSG_ADD_OVF, site);
}

bool sim_refcount_add_not_zero(int i, refcount_t *r,
			       const struct sim_site *site)
{
	int old;

	if (!__sim_deref(r, site))
		return false;
	old = r->refs;
	if (!old)
		return false;
	r->refs = wrap_add(old, i);
	if (old < 0 || r->refs < 0)
		saturate(r, MSG_ADD_OVF, site);
	return true;
}

bool sim_refcount_sub_and_test(int i, refcount_t *r,
			       const struct sim_site *site)
{
	int old;

	if (!__sim_deref(r, site))
		return false;
	old = r->refs;
	r->refs = wrap_sub(old, i);
	if (old == i)
		return true;
	if (old < 0 || r->refs < 0)
		saturate(r, MSG_SUB_UAF, site);
	return false;
}

void sim_refcount_dec(refcount_t *r, const struct sim_site *site)
{
	int old;

	if (!__sim_deref(r, site))
		return;
	old = r->refs;
	r->refs = wrap_sub(old, 1);
	if (old <= 1)
		saturate(r, MSG_DEC_LEAK, site);
}

bool sim_refcount_dec_if_one(refcount_t *r, const struct sim_site *site)
{
	if (!__sim_deref(r, site))
		return false;
	if (r->refs != 1)
		return false;
	r->refs = 0;
	return true;
}

int sim_kref_put(struct kref *kref, void (*release)(struct kref *kref),
		 const struct sim_site *site)
{
	if (!__sim_deref(kref, site))
		return 0;
	if (!sim_refcount_sub_and_test(1, &kref->refcount, site))
		return 0;
	release(kref);
	return 1;
}
