/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim xarray: a sorted array of (index, entry) in the simulated heap
 * with the contract of the kernel's xarray (see <linux/xarray.h>).
 *
 * The storage is a "xa_node" allocation of the kernel class, so a
 * non-empty xarray left behind shows up as a leak; it is freed when the
 * array becomes empty. Growth of the storage never fails by itself: the
 * fault point is the insertion of a new index, taken after the range and
 * -EBUSY checks, as the kernel's allocation would be.
 */
#include <string.h>

#include <bindsim/sim.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#define XA_MIN_CAP 4u

static inline void *zero_to_null(void *entry)
{
	return xa_is_zero(entry) ? NULL : entry;
}

/* Internal entries other than XA_ZERO_ENTRY cannot be stored. */
static bool bad_entry(const void *entry, const struct sim_site *site)
{
	if (((uintptr_t)entry & 3) != 2 || entry == XA_ZERO_ENTRY)
		return false;
	sim_report(SIM_F_WARN, site, "xarray: storing internal entry %p",
		   entry);
	return true;
}

/* Position of the first item with index >= index. */
static unsigned int lower_bound(const struct xarray *xa, unsigned long index)
{
	unsigned int lo = 0, hi = xa->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (xa->items[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool present(const struct xarray *xa, unsigned int pos,
		    unsigned long index)
{
	return pos < xa->nr && xa->items[pos].index == index;
}

/*
 * Takes xa_lock unless the caller holds it (locked). Returns whether it was
 * taken here, so that a recursive xa_lock (already reported by the
 * spinlock) does not drop the caller's lock on the way out.
 */
static bool xa_enter(struct xarray *xa, bool locked,
		     const struct sim_site *site)
{
	bool took;

	if (locked) {
		sim_lockdep_assert_spin(&xa->xa_lock, true, site);
		return false;
	}
	took = !xa->xa_lock.held;
	sim_spin_lock(&xa->xa_lock, site);
	return took;
}

static void xa_exit(struct xarray *xa, bool took, const struct sim_site *site)
{
	if (took)
		sim_spin_unlock(&xa->xa_lock, site);
}

/*
 * A new index needs memory: a sleeping allocation is fine under xa_lock
 * (the kernel drops it to allocate) but not under any other spinlock. Then
 * the fault point. True if the insertion must fail with -ENOMEM.
 */
static bool new_index_fails(const struct xarray *xa, gfp_t gfp,
			    const struct sim_site *site)
{
	unsigned int spins = __sim_spins_held();

	if (xa->xa_lock.held && spins)
		spins--;
	if ((gfp & GFP_KERNEL) && !(gfp & GFP_ATOMIC) && spins)
		sim_report(SIM_F_LOCK, site,
			   "sleeping allocation under spinlock (xarray insert)");
	return !(gfp & SIM_GFP_NOFAIL) && sim_should_fail(site);
}

static void insert_at(struct xarray *xa, unsigned int pos,
		      unsigned long index, void *entry,
		      const struct sim_site *site)
{
	if (xa->nr == xa->cap) {
		unsigned int cap = xa->cap ? xa->cap * 2 : XA_MIN_CAP;
		struct xa_item *items;

		items = sim_alloc(cap * sizeof(*items),
				  GFP_ATOMIC | SIM_GFP_NOFAIL | __GFP_ZERO,
				  SIM_CLASS_KERNEL, "xa_node", site);
		if (xa->nr)
			memcpy(items, xa->items, xa->nr * sizeof(*items));
		sim_free(xa->items, site);
		xa->items = items;
		xa->cap = cap;
	}
	memmove(&xa->items[pos + 1], &xa->items[pos],
		(xa->nr - pos) * sizeof(*xa->items));
	xa->items[pos].index = index;
	xa->items[pos].entry = entry;
	xa->nr++;
}

static void remove_at(struct xarray *xa, unsigned int pos,
		      const struct sim_site *site)
{
	xa->nr--;
	memmove(&xa->items[pos], &xa->items[pos + 1],
		(xa->nr - pos) * sizeof(*xa->items));
	if (!xa->nr) {
		sim_free(xa->items, site);
		xa->items = NULL;
		xa->cap = 0;
	}
}

/* ------------------------------------------------------------------- API */

void sim_xa_init_flags(struct xarray *xa, unsigned int flags)
{
	if (!__sim_deref(xa, SIM_SITE("xa_init_flags")))
		return;
	memset(xa, 0, sizeof(*xa));
	sim_spin_lock_init(&xa->xa_lock, "&xa->xa_lock");
	xa->flags = flags;
}

void *sim_xa_load(struct xarray *xa, unsigned long index,
		  const struct sim_site *site)
{
	unsigned int pos;

	if (!__sim_deref(xa, site))
		return NULL;
	pos = lower_bound(xa, index);
	return present(xa, pos, index) ? zero_to_null(xa->items[pos].entry) :
					 NULL;
}

void *sim_xa_store(struct xarray *xa, unsigned long index, void *entry,
		   gfp_t gfp, bool locked, const struct sim_site *site)
{
	void *old = NULL;
	unsigned int pos;
	bool took;

	if (!__sim_deref(xa, site))
		return NULL;
	if (bad_entry(entry, site))
		return __XA_ERR(-EINVAL);
	took = xa_enter(xa, locked, site);
	pos = lower_bound(xa, index);
	if (present(xa, pos, index)) {
		old = zero_to_null(xa->items[pos].entry);
		if (entry)
			xa->items[pos].entry = entry;
		else
			remove_at(xa, pos, site);
	} else if (entry) {
		if (new_index_fails(xa, gfp, site))
			old = __XA_ERR(-ENOMEM);
		else
			insert_at(xa, pos, index, entry, site);
	}
	xa_exit(xa, took, site);
	return old;
}

void *sim_xa_erase(struct xarray *xa, unsigned long index, bool locked,
		   const struct sim_site *site)
{
	void *old = NULL;
	unsigned int pos;
	bool took;

	if (!__sim_deref(xa, site))
		return NULL;
	took = xa_enter(xa, locked, site);
	pos = lower_bound(xa, index);
	if (present(xa, pos, index)) {
		old = zero_to_null(xa->items[pos].entry);
		remove_at(xa, pos, site);
	}
	xa_exit(xa, took, site);
	return old;
}

void *sim_xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		     void *entry, gfp_t gfp, bool locked,
		     const struct sim_site *site)
{
	void *curr = NULL, *ret;
	unsigned int pos;
	bool found, took;

	if (!__sim_deref(xa, site))
		return NULL;
	if (bad_entry(entry, site))
		return __XA_ERR(-EINVAL);
	took = xa_enter(xa, locked, site);
	pos = lower_bound(xa, index);
	found = present(xa, pos, index);
	if (found)
		curr = xa->items[pos].entry;
	ret = zero_to_null(curr);
	if (curr == old) {
		if (found && entry)
			xa->items[pos].entry = entry;
		else if (found)
			remove_at(xa, pos, site);
		else if (entry && new_index_fails(xa, gfp, site))
			ret = __XA_ERR(-ENOMEM);
		else if (entry)
			insert_at(xa, pos, index, entry, site);
	}
	xa_exit(xa, took, site);
	return ret;
}

int sim_xa_insert(struct xarray *xa, unsigned long index, void *entry,
		  gfp_t gfp, bool locked, const struct sim_site *site)
{
	unsigned int pos;
	bool took;
	int ret = 0;

	if (!__sim_deref(xa, site))
		return -EINVAL;
	if (bad_entry(entry, site))
		return -EINVAL;
	if (!entry)
		entry = XA_ZERO_ENTRY;
	took = xa_enter(xa, locked, site);
	pos = lower_bound(xa, index);
	if (present(xa, pos, index))
		ret = -EBUSY;
	else if (new_index_fails(xa, gfp, site))
		ret = -ENOMEM;
	else
		insert_at(xa, pos, index, entry, site);
	xa_exit(xa, took, site);
	return ret;
}

int sim_xa_alloc(struct xarray *xa, u32 *id, void *entry,
		 struct xa_limit limit, gfp_t gfp, bool locked,
		 const struct sim_site *site)
{
	unsigned long cand, min = limit.min;
	unsigned int pos;
	bool took;
	int ret = 0;

	if (!__sim_deref(xa, site) || !__sim_deref(id, site))
		return -EINVAL;
	if (bad_entry(entry, site))
		return -EINVAL;
	if (!(xa->flags & XA_FLAGS_ALLOC)) {
		sim_report(SIM_F_WARN, site,
			   "xa_alloc on an xarray without XA_FLAGS_ALLOC");
		return -EINVAL;
	}
	if (!entry)
		entry = XA_ZERO_ENTRY;
	if (xa->sim_limit && limit.max > xa->sim_limit)
		limit.max = xa->sim_limit;
	/* ALLOC1 keeps index 0 busy for allocation. */
	if ((xa->flags & XA_FLAGS_ALLOC1 & ~XA_FLAGS_ALLOC) && !min)
		min = 1;
	took = xa_enter(xa, locked, site);
	pos = lower_bound(xa, min);
	cand = min;
	while (present(xa, pos, cand)) {
		cand++;
		pos++;
	}
	if (cand > limit.max)
		ret = -EBUSY;
	else if (new_index_fails(xa, gfp, site))
		ret = -ENOMEM;
	else {
		insert_at(xa, pos, cand, entry, site);
		*id = (u32)cand;
	}
	xa_exit(xa, took, site);
	return ret;
}

bool sim_xa_empty(const struct xarray *xa)
{
	if (!__sim_deref(xa, SIM_SITE("xa_empty")))
		return true;
	return xa->nr == 0;
}

void sim_xa_destroy(struct xarray *xa, const struct sim_site *site)
{
	bool took;

	if (!__sim_deref(xa, site))
		return;
	took = xa_enter(xa, false, site);
	sim_free(xa->items, site);
	xa->items = NULL;
	xa->nr = 0;
	xa->cap = 0;
	xa_exit(xa, took, site);
}

void *sim_xa_find(struct xarray *xa, unsigned long *index)
{
	const struct sim_site *site = SIM_SITE("xa_find");
	unsigned int pos;

	if (!__sim_deref(xa, site) || !__sim_deref(index, site))
		return NULL;
	for (pos = lower_bound(xa, *index); pos < xa->nr; pos++) {
		if (xa_is_zero(xa->items[pos].entry))
			continue;
		*index = xa->items[pos].index;
		return xa->items[pos].entry;
	}
	return NULL;
}

/*
 * Under xa_lock: replacing or erasing a present slot never allocates; a
 * store at a new index may (a fault point, -ENOMEM reported as NULL with
 * nothing stored, as xas_store() leaves the error in the xa_state).
 */
void *sim_xas_store(struct xa_state *xas, void *entry,
		    const struct sim_site *site)
{
	struct xarray *xa;
	unsigned int pos;
	void *old;

	if (!__sim_deref(xas, site) || !__sim_deref(xas->xa, site))
		return NULL;
	xa = xas->xa;
	sim_lockdep_assert_spin(&xa->xa_lock, true, site);
	pos = lower_bound(xa, xas->xa_index);
	if (present(xa, pos, xas->xa_index)) {
		old = xa->items[pos].entry;
		if (entry)
			xa->items[pos].entry = entry;
		else
			remove_at(xa, pos, site);
		return old;
	}
	if (entry && !new_index_fails(xa, GFP_ATOMIC, site))
		insert_at(xa, pos, xas->xa_index, entry, site);
	return NULL;
}

/* For checkers (not model code): no pointer check, it runs very often. */
void *sim_xa_raw(const struct xarray *xa, unsigned long index)
{
	unsigned int pos;

	if (!xa)
		return NULL;
	pos = lower_bound(xa, index);
	return present(xa, pos, index) ? xa->items[pos].entry : NULL;
}
