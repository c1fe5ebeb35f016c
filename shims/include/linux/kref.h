/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. kref on the checked refcount_t (<linux/refcount.h>).
 */
#ifndef _LINUX_KREF_H
#define _LINUX_KREF_H

#include <linux/refcount.h>

struct kref {
	refcount_t refcount;
};

static inline void kref_init(struct kref *kref)
{
	refcount_set(&kref->refcount, 1);
}

static inline unsigned int kref_read(const struct kref *kref)
{
	return refcount_read(&kref->refcount);
}

/* kref_put() on a NULL kref is the oops the kernel would take. */
int sim_kref_put(struct kref *kref, void (*release)(struct kref *kref),
		 const struct sim_site *site);

#define kref_get(k) sim_refcount_add(1, &(k)->refcount, SIM_SITE("kref_get"))
#define kref_get_unless_zero(k)						\
	sim_refcount_add_not_zero(1, &(k)->refcount,			\
				  SIM_SITE("kref_get_unless_zero"))
#define kref_put(k, release) sim_kref_put((k), (release), SIM_SITE("kref_put"))

#endif
