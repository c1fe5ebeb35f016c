/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. refcount_t with the kernel's saturation semantics; breaches
 * are findings (shims/refcount.c).
 */
#ifndef _LINUX_REFCOUNT_H
#define _LINUX_REFCOUNT_H

#include <limits.h>
#include <linux/types.h>

/*
 * refcount_t with the kernel's saturation semantics. Each misuse the kernel
 * WARNs about is a SIM_F_REFCOUNT finding at the caller's site, and the
 * counter saturates at REFCOUNT_SATURATED exactly as in the kernel:
 *  - increment/add on 0: "addition on 0; use-after-free"
 *  - result overflowing INT_MAX: "saturated; leaking memory"
 *  - dec/sub below 0: "underflow; use-after-free"
 *  - refcount_dec() reaching 0: "decrement hit 0; leaking memory"
 * A saturated counter stays saturated. Operating on a refcount inside freed
 * memory or at NULL is an oops (see sim_deref).
 */
typedef struct {
	int refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = (n) }
#define REFCOUNT_SATURATED (INT_MIN / 2)
#define REFCOUNT_MAX INT_MAX

static inline void refcount_set(refcount_t *r, int n)
{
	r->refs = n;
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)r->refs;
}

void sim_refcount_add(int i, refcount_t *r, const struct sim_site *site);
bool sim_refcount_add_not_zero(int i, refcount_t *r,
			       const struct sim_site *site);
bool sim_refcount_sub_and_test(int i, refcount_t *r,
			       const struct sim_site *site);
void sim_refcount_dec(refcount_t *r, const struct sim_site *site);
bool sim_refcount_dec_if_one(refcount_t *r, const struct sim_site *site);

#define refcount_add(i, r) sim_refcount_add((i), (r), SIM_SITE("refcount_add"))
#define refcount_inc(r) sim_refcount_add(1, (r), SIM_SITE("refcount_inc"))
#define refcount_inc_not_zero(r)					\
	sim_refcount_add_not_zero(1, (r), SIM_SITE("refcount_inc_not_zero"))
#define refcount_sub_and_test(i, r)					\
	sim_refcount_sub_and_test((i), (r),				\
				  SIM_SITE("refcount_sub_and_test"))
#define refcount_dec_and_test(r)					\
	sim_refcount_sub_and_test(1, (r), SIM_SITE("refcount_dec_and_test"))
#define refcount_dec(r) sim_refcount_dec((r), SIM_SITE("refcount_dec"))
#define refcount_dec_if_one(r)						\
	sim_refcount_dec_if_one((r), SIM_SITE("refcount_dec_if_one"))

#endif
