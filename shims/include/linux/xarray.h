/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom (a simulated xarray with the kernel's contract), plus
 * duplicates of its constants and type names.
 */
#ifndef _LINUX_XARRAY_H
#define _LINUX_XARRAY_H

#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/types.h>

/*
 * A real sparse map with the kernel's xarray contract, stored as a sorted
 * array of (index, entry) in the simulated heap.
 *  - XA_ZERO_ENTRY reserves an index: xa_load() and iteration report it as
 *    empty, xa_insert() and xa_alloc() treat it as taken, storing NULL
 *    frees it. xa_cmpxchg() compares the raw slot (a reservation matches
 *    XA_ZERO_ENTRY, not NULL); the store family returns the old entry with
 *    a reservation reported as NULL, as the kernel does.
 *  - xa_alloc() stores at the lowest free index within the limit (from 1
 *    with XA_FLAGS_ALLOC1), -EBUSY when the range is full.
 *  - An operation that adds an index not yet present may allocate: it is a
 *    fault point (-ENOMEM). Replacing an entry or erasing never allocates.
 *  - Errors from the store family come back as xa_err() entries.
 *  - xa_lock()/xa_unlock() are tracked like a spinlock (innermost), and
 *    the __xa_*() variants assert that it is held.
 */
struct xa_item {
	unsigned long index;
	void *entry;
};

struct xarray {
	spinlock_t xa_lock;
	unsigned int flags;
	/* items in use (including reservations) */
	unsigned int nr;
	unsigned int cap;
	struct xa_item *items;		/* sorted by index, sim heap */
	u32 sim_limit;			/* bindsim: max id of xa_alloc, 0: none */
};

/* A world's bound on the ids xa_alloc() hands out (see sim/target.h). */
static inline void sim_xa_set_limit(struct xarray *xa, u32 max)
{
	xa->sim_limit = max;
}

#define XA_FLAGS_ALLOC 0x1u
#define XA_FLAGS_ALLOC1 0x3u
#define XA_FLAGS_ACCOUNT 0x4u

#define XA_ZERO_ENTRY ((void *)0x406UL)
/* Internal error encoding, as the kernel's: small negative errno << 2 | 2. */
#define __XA_ERR(e) ((void *)((unsigned long)(long)(e) * 4 + 2))

static inline bool xa_is_err(const void *entry)
{
	return ((unsigned long)entry & 3) == 2 &&
	       (unsigned long)entry > (unsigned long)-MAX_ERRNO * 4;
}

static inline int xa_err(const void *entry)
{
	return xa_is_err(entry) ? (int)((long)entry >> 2) : 0;
}

static inline bool xa_is_zero(const void *entry)
{
	return entry == XA_ZERO_ENTRY;
}

struct xa_limit {
	u32 min;
	u32 max;
};

#define XA_LIMIT(_min, _max) ((struct xa_limit){ .min = (_min), .max = (_max) })
#define xa_limit_31b XA_LIMIT(0, 0x7fffffff)
#define xa_limit_32b XA_LIMIT(0, 0xffffffff)

void sim_xa_init_flags(struct xarray *xa, unsigned int flags);
void *sim_xa_load(struct xarray *xa, unsigned long index,
		  const struct sim_site *site);
void *sim_xa_store(struct xarray *xa, unsigned long index, void *entry,
		   gfp_t gfp, bool locked, const struct sim_site *site);
void *sim_xa_erase(struct xarray *xa, unsigned long index, bool locked,
		   const struct sim_site *site);
void *sim_xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		     void *entry, gfp_t gfp, bool locked,
		     const struct sim_site *site);
int sim_xa_insert(struct xarray *xa, unsigned long index, void *entry,
		  gfp_t gfp, bool locked, const struct sim_site *site);
int sim_xa_alloc(struct xarray *xa, u32 *id, void *entry,
		 struct xa_limit limit, gfp_t gfp, bool locked,
		 const struct sim_site *site);
bool sim_xa_empty(const struct xarray *xa);
/* Frees the item storage; entries are the caller's business. */
void sim_xa_destroy(struct xarray *xa, const struct sim_site *site);
/*
 * Iteration: the first present, non-reserved entry with index >= *index;
 * sets *index and returns it, or NULL at the end.
 */
void *sim_xa_find(struct xarray *xa, unsigned long *index);
/* Raw slot (reservations visible as XA_ZERO_ENTRY), for checkers. */
void *sim_xa_raw(const struct xarray *xa, unsigned long index);
/*
 * Checkers only: every present slot in index order, reservations included
 * (entry == XA_ZERO_ENTRY). @i is the caller's position counter.
 */
#define sim_xa_for_each_raw(xa, i, idx_, ent_)			\
	for ((i) = 0; (i) < (xa)->nr &&					\
		      ((idx_) = (xa)->items[(i)].index,			\
		       (ent_) = (xa)->items[(i)].entry, true);		\
	     (i)++)

#define xa_init_flags(xa, f) sim_xa_init_flags((xa), (f))
#define xa_init(xa) sim_xa_init_flags((xa), 0)
#define xa_load(xa, i) sim_xa_load((xa), (i), SIM_SITE("xa_load"))
#define xa_store(xa, i, e, gfp)						\
	sim_xa_store((xa), (i), (e), (gfp), false,			\
		     SIM_FAULT_SITE("xa_store"))
#define __xa_store(xa, i, e, gfp)					\
	sim_xa_store((xa), (i), (e), (gfp), true,			\
		     SIM_FAULT_SITE("xa_store"))
#define xa_erase(xa, i) sim_xa_erase((xa), (i), false, SIM_SITE("xa_erase"))
#define __xa_erase(xa, i) sim_xa_erase((xa), (i), true, SIM_SITE("xa_erase"))
#define xa_cmpxchg(xa, i, o, e, gfp)					\
	sim_xa_cmpxchg((xa), (i), (o), (e), (gfp), false,		\
		       SIM_FAULT_SITE("xa_cmpxchg"))
#define __xa_cmpxchg(xa, i, o, e, gfp)					\
	sim_xa_cmpxchg((xa), (i), (o), (e), (gfp), true,		\
		       SIM_FAULT_SITE("xa_cmpxchg"))
#define xa_insert(xa, i, e, gfp)					\
	sim_xa_insert((xa), (i), (e), (gfp), false,			\
		      SIM_FAULT_SITE("xa_insert"))
#define xa_alloc(xa, id, e, limit, gfp)					\
	sim_xa_alloc((xa), (id), (e), (limit), (gfp), false,		\
		     SIM_FAULT_SITE("xa_alloc"))
#define xa_empty(xa) sim_xa_empty(xa)
#define xa_destroy(xa) sim_xa_destroy((xa), SIM_SITE("xa_destroy"))
#define xa_lock(xa) sim_spin_lock(&(xa)->xa_lock, SIM_SITE("xa_lock"))
#define xa_unlock(xa) sim_spin_unlock(&(xa)->xa_lock, SIM_SITE("xa_unlock"))
/* Releasing a reservation: store NULL only if it is still reserved. */
#define xa_release(xa, i)						\
	((void)sim_xa_cmpxchg((xa), (i), XA_ZERO_ENTRY, NULL, 0, false,	\
			      SIM_SITE("xa_release")))

/* Marks: only XA_PRESENT (any present entry) is simulated. */
typedef unsigned int xa_mark_t;
#define XA_PRESENT ((xa_mark_t)8U)

/* The next present, non-reserved entry after *index, up to max. */
static inline void *xa_find_after(struct xarray *xa, unsigned long *index,
				  unsigned long max, xa_mark_t filter)
{
	unsigned long i = *index + 1;
	void *entry;

	(void)filter;
	if (*index == ~0UL)
		return NULL;
	entry = sim_xa_find(xa, &i);
	if (!entry || i > max)
		return NULL;
	*index = i;
	return entry;
}

/*
 * The advanced API, as iommufd's main.c uses it under xa_lock(): an
 * xa_state names one index; xas_load() and xas_store() see and return the
 * raw slot (a reservation is XA_ZERO_ENTRY, not NULL).
 */
struct xa_state {
	struct xarray *xa;
	unsigned long xa_index;
};

#define XA_STATE(name, array, index)					\
	struct xa_state name = { .xa = (array), .xa_index = (index) }
#define xas_load(xas) sim_xa_raw((xas)->xa, (xas)->xa_index)
void *sim_xas_store(struct xa_state *xas, void *entry,
		    const struct sim_site *site);
#define xas_store(xas, entry)						\
	sim_xas_store((xas), (entry), SIM_FAULT_SITE("xas_store"))

#define xa_for_each(xa, index, entry)					\
	for ((index) = 0, (entry) = sim_xa_find((xa), &(index)); (entry); \
	     (index)++, (entry) = sim_xa_find((xa), &(index)))

#endif
