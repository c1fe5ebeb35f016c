// SPDX-License-Identifier: GPL-2.0-only
/*
 * Canonical state and invariants.
 *
 * The canonical form lists every observable field in a fixed order with
 * pointers replaced by stable names (object ids, world indices), so two
 * states compare equal exactly when nothing a user or the kernel could
 * observe differs, whatever the heap layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bindsim/stack.h>
#include <linux/fs.h>

#include "iommufd_private.h"
#include "check.h"
#include "target.h"
#include "vfio.h"

/* ------------------------------------------------------------ canonical */

/*
 * One canonical value. The hash and comparisons use the number; the text
 * (the state view that replay --state, bindsim state and the reproducer
 * assertions read) shows @name instead where the number stands for a
 * name (a context, a device, an hwpt).
 */
static void cputn(struct canon *c, const char *label, u32 v, const char *name)
{
	if (c->n < CANON_MAX) {
		c->v[c->n] = v;
		c->lab[c->n] = label;
	}
	c->n++;
	if (!c->text)
		return;
	if (name)
		fprintf(c->text, "%s %s\n", label, name);
	else
		fprintf(c->text, "%s %u\n", label, v);
}

static void cput(struct canon *c, const char *label, u32 v)
{
	cputn(c, label, v, NULL);
}

/* A value the text shows in hex (an address, a length), formatted only then */
static void cputx(struct canon *c, const char *label, unsigned long v)
{
	char hex[24];

	if (c->text)
		snprintf(hex, sizeof(hex), "0x%lx", v);
	cputn(c, label, v, c->text ? hex : NULL);
}

/*
 * The usable IOVA ranges of an IOAS as IOMMU_IOAS_IOVA_RANGES reports them:
 * the gaps between its reserved ranges, lowest first. Returns how many;
 * the first @max go to @out.
 */
static unsigned int ioas_gaps(struct iommufd_ioas *ioas,
			      struct target_range *out, unsigned int max)
{
	struct target_resv r[16];
	unsigned long next = 0;
	unsigned int i, n, nr = 0;

	n = min_t(unsigned int, target_ioas_resv(ioas, r, ARRAY_SIZE(r)),
		  ARRAY_SIZE(r));
	/* by ascending start (the model lists them as reserved); they may
	 * overlap */
	for (i = 1; i < n; i++) {
		struct target_resv t = r[i];
		unsigned int j = i;

		for (; j > 0 && r[j - 1].start > t.start; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
	for (i = 0; i <= n; i++) {
		if (i == n || r[i].start > next) {
			if (nr < max)
				out[nr] = (struct target_range){
					next, i == n ? ULONG_MAX :
						       r[i].start - 1 };
			nr++;
		}
		if (i == n)
			break;
		if (r[i].last == ULONG_MAX)
			break;
		if (r[i].last >= next)
			next = r[i].last + 1;
	}
	return nr;
}

/*
 * Derived lines of the state view (text only, not part of the canonical
 * form: they follow from the reserved ranges above them).
 */
static void text_iova_ranges(FILE *text, struct iommufd_ioas *ioas)
{
	struct target_range g[TARGET_MAX_RANGES];
	unsigned int i, n = ioas_gaps(ioas, g, ARRAY_SIZE(g));

	for (i = 0; i < n && i < ARRAY_SIZE(g); i++)
		fprintf(text, " iova_range 0x%llx-0x%llx\n",
			(unsigned long long)g[i].start,
			(unsigned long long)g[i].last);
}

/* Names for the text: a context or device index (-1: none). */
static const char *ctx_name(const struct world *w, int i)
{
	return i >= 0 && (unsigned int)i < w->spec->nr_ctxs ?
	       w->spec->ctxs[i].name : "none";
}

static const char *dev_name_of(const struct world *w, int i)
{
	return i >= 0 && (unsigned int)i < w->spec->nr_devs ?
	       w->spec->devs[i].name : "none";
}

/* A domain code (domain_code()) as text, in a static buffer. */
static const char *domain_name(const struct world *w, u32 code)
{
	static char buf[32];

	switch (code) {
	case 0:
		return "none";
	case 1:
		return "default";
	case 2:
		return "blocking";
	case 3:
		return "unknown";
	}
	snprintf(buf, sizeof(buf), "hwpt:%s:%u",
		 ctx_name(w, (code - 16) / 256), (code - 16) % 256);
	return buf;
}

static void ctext(struct canon *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ctext(struct canon *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->text)
		return;
	va_start(ap, fmt);
	vfprintf(c->text, fmt, ap);
	va_end(ap);
}

static int ctx_index(const struct world *w, const void *ictx)
{
	unsigned int i;

	for (i = 0; i < w->spec->nr_ctxs; i++)
		if (ictx && w->alive[i] == ictx)
			return i;
	return -1;
}

static int dev_index(const struct world *w, const struct device *dev)
{
	unsigned int i;

	for (i = 0; i < w->spec->nr_devs; i++)
		if (w->devs[i] == dev)
			return i;
	return -1;
}

static u32 cid(const struct canon *c, int ctx, u32 id);
static int cctx(const struct canon *c, int i);

/* Paging domains of the live hwpts, named once per canonicalization. */
struct dom_names {
	unsigned int n;
	const struct iommu_domain *dom[3 * 64];
	u32 code[3 * 64];
};

static void dom_names_build(const struct canon *cn, const struct world *w,
			    struct dom_names *dn)
{
	unsigned int c;
	u32 id;

	dn->n = 0;
	for (c = 0; c < w->spec->nr_ctxs; c++) {
		struct iommufd_ctx *ictx = w->alive[c];

		if (!ictx)
			continue;
		struct iommufd_object *obj;
		unsigned long idx;
		unsigned int i;

		sim_xa_for_each_raw(&ictx->objects, i, idx, obj) {
			id = idx;
			if (obj == XA_ZERO_ENTRY ||
			    obj->type != IOMMUFD_OBJ_HWPT_PAGING ||
			    dn->n == ARRAY_SIZE(dn->dom))
				continue;
			dn->dom[dn->n] = container_of(
				obj, struct iommufd_hw_pagetable, obj)->domain;
			dn->code[dn->n++] = 16 + cctx(cn, c) * 256 +
					    cid(cn, c, id);
		}
	}
}

/* A domain's name: 0 none, 1 default, 2 blocking, 3 unknown, else hwpt. */
static u32 domain_code(const struct dom_names *dn, const struct iommu_group *g,
		       const struct iommu_domain *dom)
{
	unsigned int i;

	if (!dom)
		return 0;
	if (g && dom == g->default_domain)
		return 1;
	if (g && dom == g->blocking_domain)
		return 2;
	for (i = 0; i < dn->n; i++)
		if (dn->dom[i] == dom)
			return dn->code[i];
	return 3;
}

static u32 obj_id(const void *obj)
{
	return obj ? ((const struct iommufd_object *)obj)->id : 0;
}

/* ------------------------------------------------------------ symmetry */

/*
 * explore --symmetry keys a state by its canonical form with each
 * context's object ids renamed to a canonical order, so that states that
 * differ only in which id each object got are one state. Equal renamed
 * forms mean some bijection of the ids maps one state onto the other.
 * Model assumption: the code depends on an id only through equality (a
 * lookup finds the same object; xa_alloc's lowest free id is a fresh id in
 * both, and the bijection extends to it; the explorer's argument classes
 * treat every absent id alike), not through the order of ids. Where it
 * walks ids in order and the order matters (the release loop, a
 * device_array walk failed part way) the reduction is not exact: make
 * check-symmetry compares the findings with and without it.
 *
 * Where the world declares devices or contexts identical, the key is the
 * least of the renamed forms under every permutation within those
 * classes. Model assumption: the code treats alike devices with alike
 * properties, wherever they sit in the heap and in their group's list.
 */
#define REN_IDS 66		/* ids 1..64 and one past the limit */
#define REN_KEEP 1000		/* + an id that is no object of its context */

/* One permutation of the world's identical devices and contexts. */
struct sym_perm {
	u8 d[W_MAX_DEVS];
	u8 c[W_MAX_CTXS];
};

struct canon_ren {
	bool shape;		/* building: ids not mapped yet read as 0 */
	/*
	 * A permutation of identical devices and of identical contexts
	 * (world_spec's classes): index -> the index the form shows, and
	 * back; the identity unless the world declares some identical.
	 */
	u8 dperm[W_MAX_DEVS], dinv[W_MAX_DEVS];
	u8 cperm[W_MAX_CTXS], cinv[W_MAX_CTXS];
	u8 nr[W_MAX_CTXS];
	u8 order[W_MAX_CTXS][REN_IDS];	/* canonical position -> id */
	u8 map[W_MAX_CTXS][REN_IDS];	/* id -> canonical id, 0: none */
};

/* An id of context @ctx as the canonical form shows it. */
static u32 cid(const struct canon *c, int ctx, u32 id)
{
	const struct canon_ren *r = c->ren;

	if (!r || !id)
		return id;
	if (ctx >= 0 && ctx < W_MAX_CTXS && id < REN_IDS && r->map[ctx][id])
		return r->map[ctx][id];
	return r->shape ? 0 : REN_KEEP + id;
}

/* A device, a context index (-1: none) as the form shows it. */
static int cdev(const struct canon *c, int d)
{
	return c->ren && d >= 0 && d < W_MAX_DEVS ? c->ren->dperm[d] : d;
}

static int cctx(const struct canon *c, int i)
{
	return c->ren && i >= 0 && i < W_MAX_CTXS ? c->ren->cperm[i] : i;
}

struct ren_ent {
	u32 id;
	u32 cls;		/* 0 device, 1 IOAS or other, 2 hwpt, 3 reserved */
	u64 key;		/* within the class: what the object is */
	u64 key2;		/* the next round's */
	struct iommufd_object *obj;
};

static u64 ren_mix(u64 h, u64 v)
{
	h ^= v;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

static int ren_cmp(const struct ren_ent *x, const struct ren_ent *y)
{
	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	/* a tie left to the ids costs reduction, never soundness */
	return x->id < y->id ? -1 : x->id > y->id;
}

static int dev_index(const struct world *w, const struct device *dev);
static int ctx_index(const struct world *w, const void *ictx);
static void canon_object(struct canon *c, const struct world *w,
			 struct iommufd_object *obj, int ci);

/* A device object's anchor: its world device and the handle holding it. */
static u64 ren_dev_anchor(const struct canon *sc, const struct world *w,
			  struct iommufd_device *idev)
{
	int d = dev_index(w, idev->dev);
	unsigned int k, slot = W_MAX_HANDLES + 1;	/* held by nothing */

	if (d >= 0 && w->spec->devs[d].driver == W_DRV_KERNEL) {
		for (k = 0; k < W_MAX_HANDLES; k++)
			if (w->kh[d][k].idev == idev)
				slot = k;
	} else if (d >= 0 && w->vdev[d].iommufd_device == idev) {
		slot = 0;
	}
	return (u64)(cdev(sc, d) + 1) << 8 | slot;
}

/* An insertion sort: a context holds a handful of objects */
static void ren_sort(struct ren_ent *e, unsigned int n)
{
	unsigned int i, j;
	struct ren_ent t;

	for (i = 1; i < n; i++) {
		t = e[i];
		for (j = i; j > 0 && ren_cmp(&e[j - 1], &t) > 0; j--)
			e[j] = e[j - 1];
		e[j] = t;
	}
}

static struct ren_ent *ren_find(struct ren_ent *e, unsigned int n, u32 id)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (e[i].id == id)
			return &e[i];
	return NULL;
}

/* The attach records of @ig: each hwpt's key learns where it is attached. */
static void ren_attach_keys(struct canon *sc, struct iommufd_group *ig,
			    u64 tag, int ci, u32 nr_pasids,
			    struct ren_ent *e, unsigned int n)
{
	unsigned long idx;
	unsigned int i;
	u32 p;
	void *d;

	for (p = 0; p < nr_pasids; p++) {
		struct iommufd_attach *a = sim_xa_raw(&ig->pasid_attach, p);
		struct ren_ent *h;
		u64 devs = 0;

		if (!a || a == XA_ZERO_ENTRY || !a->hwpt)
			continue;
		h = ren_find(e, n, a->hwpt->obj.id);
		if (!h)
			continue;
		/* a sum: the same whatever order the ids put them in */
		sim_xa_for_each_raw(&a->device_array, i, idx, d)
			devs += ren_mix(0x5851f42d4c957f2dULL,
					cid(sc, ci, idx) |
					(u64)(d == XA_ZERO_ENTRY) << 32);
		h->key2 += ren_mix(ren_mix(tag, p), devs);
	}
}

/* Where a paging domain is some group's domain, or at some pasid of it. */
static u64 ren_domain_key(const struct world *w,
			  const struct iommu_domain *dom)
{
	u64 key = 0;
	unsigned int g;
	u32 p;

	for (g = 0; dom && g < w->spec->nr_groups; g++) {
		struct iommu_group *grp = w->groups[g];

		if (grp->domain == dom)
			key += ren_mix(0x9e3779b97f4a7c15ULL, g);
		for (p = 0; p < w->spec->nr_pasids; p++) {
			struct iommu_attach_handle *h =
				sim_xa_raw(&grp->pasid_array, p);

			if (h && h != XA_ZERO_ENTRY && h->domain == dom)
				key += ren_mix(0x94d049bb133111ebULL + p, g);
		}
	}
	return key;
}

/* The canonical order of context @ci's ids, into @r. */
static void ren_build_ctx(const struct world *w, struct iommufd_ctx *ictx,
			  int ci, struct canon_ren *r)
{
	/* static, not on the stack: canon_object's values are 48 KB */
	static struct canon sc;
	struct ren_ent e[REN_IDS];
	struct iommufd_object *obj;
	unsigned long idx;
	unsigned int i, k, n = 0;
	u32 p;

	sc.ren = r;
	sc.text = NULL;
	sim_xa_for_each_raw(&ictx->objects, k, idx, obj) {
		if (n == ARRAY_SIZE(e) || idx >= REN_IDS)
			break;	/* not renamed: read as REN_KEEP + id */
		e[n] = (struct ren_ent){ .id = idx, .obj = obj };
		if (obj == XA_ZERO_ENTRY)
			e[n].cls = 3;
		else if (obj->type == IOMMUFD_OBJ_DEVICE)
			e[n].key = ren_dev_anchor(&sc, w, container_of(
				obj, struct iommufd_device, obj));
		else
			e[n].cls = obj->type == IOMMUFD_OBJ_HWPT_PAGING ? 2 : 1;
		n++;
	}
	/* devices first: their anchors are names, not ids */
	ren_sort(e, n);
	for (i = 0; i < n && !e[i].cls; i++)
		r->map[ci][e[i].id] = i + 1;
	/* the rest: what each is, with ids not yet named read as 0 */
	for (i = 0; i < n; i++) {
		if (e[i].cls != 1 && e[i].cls != 2)
			continue;
		sc.n = 0;
		canon_object(&sc, w, e[i].obj, ci);
		e[i].key = canon_hash(&sc);
		e[i].key2 = e[i].key;
	}
	/* where each hwpt is attached: the context's igroups, then private */
	for (p = 0; p < w->spec->nr_groups; p++) {
		struct iommufd_group *ig = sim_xa_raw(
			&ictx->groups, iommu_group_id(w->groups[p]));

		if (ig)
			ren_attach_keys(&sc, ig, p + 1, ci, w->spec->nr_pasids,
					e, n);
	}
	for (i = 0; i < n && !e[i].cls; i++) {
		struct iommufd_device *idev = container_of(
			e[i].obj, struct iommufd_device, obj);

		if (idev->igroup && !idev->igroup->group)
			ren_attach_keys(&sc, idev->igroup, 1000 + e[i].key, ci,
					w->spec->nr_pasids, e, n);
	}
	/* an hwpt by the groups whose domain it is */
	for (i = 0; i < n; i++) {
		struct iommufd_hwpt_paging *hp;

		if (e[i].cls != 2)
			continue;
		hp = container_of(e[i].obj, struct iommufd_hwpt_paging,
				  common.obj);
		e[i].key2 += ren_domain_key(w, hp->common.domain);
	}
	/*
	 * A second round: an IOAS by its hwpts, an hwpt by its IOAS and its
	 * place in the IOAS's list (the list is in the order of attaching,
	 * which no id decides).
	 */
	for (i = 0; i < n; i++) {
		struct iommufd_hwpt_paging *hp;
		struct iommufd_ioas *ioas;
		struct ren_ent *ie;

		if (e[i].cls != 1 || e[i].obj->type != IOMMUFD_OBJ_IOAS)
			continue;
		ioas = container_of(e[i].obj, struct iommufd_ioas, obj);
		k = 0;
		list_for_each_entry(hp, &ioas->hwpt_list, hwpt_item) {
			ie = ren_find(e, n, hp->common.obj.id);
			if (ie && ie->cls != 2)
				ie = NULL;
			k++;
			if (!ie)
				continue;
			e[i].key2 += ren_mix(0x2545f4914f6cdd1dULL + k,
					     ie->key2);
			ie->key2 = ren_mix(ie->key2 + k, e[i].key);
		}
	}
	/* IOASes by what they are and hold; a tie is two alike subtrees */
	for (i = 0; i < n; i++)
		if (e[i].cls)
			e[i].key = e[i].key2;
	ren_sort(e, n);
	for (i = 0; i < n && e[i].cls < 2; i++)
		r->map[ci][e[i].id] = i + 1;
	/*
	 * hwpts by their IOAS's new id and their place in its list, so that
	 * the hwpts of two alike IOASes follow their IOAS; an hwpt in no
	 * list after those, by what it is.
	 */
	for (i = 0; i < n; i++)
		if (e[i].cls == 2)
			e[i].key = 1ULL << 63 | e[i].key2 >> 1;
	for (i = 0; i < n && e[i].cls < 2; i++) {
		struct iommufd_hwpt_paging *hp;
		struct iommufd_ioas *ioas;
		struct ren_ent *he;

		if (!e[i].cls || e[i].obj->type != IOMMUFD_OBJ_IOAS)
			continue;
		ioas = container_of(e[i].obj, struct iommufd_ioas, obj);
		k = 0;
		list_for_each_entry(hp, &ioas->hwpt_list, hwpt_item) {
			he = ren_find(e, n, hp->common.obj.id);
			if (he && he->cls == 2)
				he->key = (u64)(i + 1) << 16 | k;
			k++;
		}
	}
	ren_sort(e, n);
	for (i = 0; i < n; i++) {
		r->map[ci][e[i].id] = i + 1;
		r->order[ci][i] = e[i].id;
	}
	r->nr[ci] = n;
}

/* The renaming under permutation @pm (NULL: the identity). */
static void ren_build(const struct world *w, struct canon_ren *r,
		      const struct sym_perm *pm)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < W_MAX_DEVS; i++) {
		r->dperm[i] = pm ? pm->d[i] : i;
		r->dinv[r->dperm[i]] = i;
	}
	for (i = 0; i < W_MAX_CTXS; i++) {
		r->cperm[i] = pm ? pm->c[i] : i;
		r->cinv[r->cperm[i]] = i;
	}
	r->shape = true;
	for (i = 0; i < w->spec->nr_ctxs; i++)
		if (w->alive[i])
			ren_build_ctx(w, w->alive[i], i, r);
	r->shape = false;
}

static void canon_igroup(struct canon *c, const struct world *w,
			 struct iommufd_group *igroup)
{
	int ci = ctx_index(w, igroup->ictx);
	u32 devs[REN_IDS], nd, j, t, p;
	unsigned long idx;
	unsigned int i;
	void *e;

	cput(c, "  igroup.ref", kref_read(&igroup->ref));
	cputn(c, "  igroup.ctx", cctx(c, ci) + 1, ctx_name(w, ci));
	/*
	 * sw_msi_start is left out: a cache of a device property that the
	 * kernel sets before a reservation can fail and never clears.
	 */
	for (p = 0; p < w->spec->nr_pasids; p++) {
		struct iommufd_attach *attach =
			sim_xa_raw(&igroup->pasid_attach, p);

		if (!attach) {
			cput(c, "  pasid.none", p);
			continue;
		}
		if (attach == XA_ZERO_ENTRY) {
			cput(c, "  pasid.reserved", p);
			continue;
		}
		cput(c, "  pasid.attach", p);
		cput(c, "   hwpt", cid(c, ci, obj_id(attach->hwpt)));
		/* by id (renamed ids: by the new ones), bit 31: reserved */
		nd = 0;
		sim_xa_for_each_raw(&attach->device_array, i, idx, e) {
			if (nd == ARRAY_SIZE(devs))
				break;
			t = cid(c, ci, idx) |
			    (e == XA_ZERO_ENTRY ? 0x80000000u : 0);
			for (j = nd++; j > 0 && (devs[j - 1] & 0x7fffffffu) >
						(t & 0x7fffffffu); j--)
				devs[j] = devs[j - 1];
			devs[j] = t;
		}
		for (j = 0; j < nd; j++)
			cput(c, "   dev", devs[j]);
	}
}

/* Object types by name: the two targets number the enum differently. */
static u32 type_code(enum iommufd_object_type type)
{
	switch (type) {
	case IOMMUFD_OBJ_DEVICE:
		return 1;
	case IOMMUFD_OBJ_HWPT_PAGING:
		return 2;
	case IOMMUFD_OBJ_IOAS:
		return 3;
	default:
		return 100 + type;
	}
}

static void canon_object(struct canon *c, const struct world *w,
			 struct iommufd_object *obj, int ci)
{
	cputn(c, " type", type_code(obj->type),
	      type_code(obj->type) == 1 ? "device" :
	      type_code(obj->type) == 2 ? "hwpt_paging" :
	      type_code(obj->type) == 3 ? "ioas" : NULL);
	cput(c, " users", refcount_read(&obj->users));
	cput(c, " wait_cnt", refcount_read(&obj->wait_cnt));
	switch (obj->type) {
	case IOMMUFD_OBJ_DEVICE: {
		struct iommufd_device *idev =
			container_of(obj, struct iommufd_device, obj);

		cputn(c, " dev", cdev(c, dev_index(w, idev->dev)) + 1,
		      dev_name_of(w, dev_index(w, idev->dev)));
		cputn(c, " ctx", cctx(c, ctx_index(w, idev->ictx)) + 1,
		      ctx_name(w, ctx_index(w, idev->ictx)));
		cput(c, " enforce_cc", idev->enforce_cache_coherency);
		cput(c, " destroying", idev->destroying);
		if (idev->igroup && !idev->igroup->group) {
			/* a private noiommu igroup lives only here */
			cput(c, " igroup.private", 1);
			canon_igroup(c, w, idev->igroup);
		} else {
			cput(c, " igroup.group", idev->igroup ?
			     (u32)iommu_group_id(idev->igroup->group) + 1 : 0);
		}
		break;
	}
	case IOMMUFD_OBJ_HWPT_PAGING: {
		struct iommufd_hwpt_paging *hp = container_of(
			obj, struct iommufd_hwpt_paging, common.obj);

		cput(c, " pasid_compat", hp->common.pasid_compat);
		cput(c, " auto", hp->auto_domain);
		cput(c, " domain_added", target_hwpt_filled(hp));
		cput(c, " listed", !list_empty(&hp->hwpt_item));
		cput(c, " ioas", cid(c, ci, obj_id(hp->ioas)));
		cput(c, " domain", hp->common.domain ?
		     hp->common.domain->iommu_dev + 1 : 0);
		break;
	}
	case IOMMUFD_OBJ_IOAS: {
		struct iommufd_ioas *ioas =
			container_of(obj, struct iommufd_ioas, obj);
		struct iommufd_hwpt_paging *hp;
		struct target_resv r[16];
		unsigned int i, n;

		cput(c, " nr_domains", target_ioas_nr_domains(ioas));
		n = target_ioas_resv(ioas, r, ARRAY_SIZE(r));
		for (i = 0; i < n && i < ARRAY_SIZE(r); i++) {
			cputx(c, " resv.start", r[i].start);
			cputn(c, " resv.owner",
			      cdev(c, dev_index(w, r[i].owner)) + 1,
			      dev_name_of(w, dev_index(w, r[i].owner)));
		}
		n = target_ioas_areas(ioas, r, ARRAY_SIZE(r));
		for (i = 0; i < n && i < ARRAY_SIZE(r); i++) {
			cputx(c, " map.start", r[i].start);
			cputx(c, " map.length", r[i].last - r[i].start + 1);
		}
		if (c->text)
			text_iova_ranges(c->text, ioas);
		list_for_each_entry(hp, &ioas->hwpt_list, hwpt_item)
			cput(c, " hwpt", cid(c, ci, hp->common.obj.id));
		break;
	}
	default:
		break;
	}
}

/*
 * An in-kernel driver's handles: for each slot K, handleK.bound (the
 * context, "none": free), handleK.devid, and handleK.attached, the pasids
 * its idev is in the kernel's attach records at (bit per pasid).
 */
static void canon_handles(struct canon *c, const struct world *w,
			  unsigned int d)
{
	static const char *const lab[W_MAX_HANDLES][3] = {
		{ " handle0.bound", " handle0.devid", " handle0.attached" },
		{ " handle1.bound", " handle1.devid", " handle1.attached" },
	};
	unsigned int k;
	u32 p;

	for (k = 0; k < W_MAX_HANDLES; k++) {
		const struct w_handle *h = &w->kh[d][k];
		u32 mask = 0;

		cputn(c, lab[k][0], cctx(c, ctx_index(w, h->ictx)) + 1,
		      ctx_name(w, ctx_index(w, h->ictx)));
		cput(c, lab[k][1], cid(c, ctx_index(w, h->ictx), h->devid));
		for (p = 0; h->idev && h->idev->igroup &&
		     p < w->spec->nr_pasids; p++) {
			struct iommufd_attach *a = sim_xa_raw(
				&h->idev->igroup->pasid_attach, p);

			if (a && a != XA_ZERO_ENTRY &&
			    sim_xa_raw(&a->device_array, h->idev->obj.id) ==
			    h->idev)
				mask |= 1u << p;
		}
		cput(c, lab[k][2], mask);
	}
}

/* A context's objects in the order of their new ids, renamed. */
static void canon_objects_renamed(struct canon *c, const struct world *w,
				  struct iommufd_ctx *ictx, int ci)
{
	struct iommufd_object *obj;
	unsigned long idx;
	unsigned int k;

	for (k = 0; k < c->ren->nr[ci]; k++) {
		obj = sim_xa_raw(&ictx->objects, c->ren->order[ci][k]);
		if (obj == XA_ZERO_ENTRY) {
			cput(c, " reserved", k + 1);
			continue;
		}
		cput(c, " id", k + 1);
		canon_object(c, w, obj, ci);
	}
	/* ids past what the renaming holds keep their own (REN_KEEP + id) */
	sim_xa_for_each_raw(&ictx->objects, k, idx, obj) {
		if (idx < REN_IDS && c->ren->map[ci][idx])
			continue;
		if (obj == XA_ZERO_ENTRY) {
			cput(c, " reserved", cid(c, ci, idx));
			continue;
		}
		cput(c, " id", cid(c, ci, idx));
		canon_object(c, w, obj, ci);
	}
}

/* Read the state into @c: under --symmetry, renamed and permuted by @pm. */
static void canon_read(struct canon *c, const struct sym_perm *pm)
{
	const struct world *w = world_get();
	const struct world_spec *spec = w->spec;
	const struct sim_settings *s = &sim_kernel()->settings;
	struct dom_names dn;
	unsigned int i, j, n;
	u32 id, p;

	c->n = 0;
	c->ren = NULL;
	if (c->sym) {
		static struct canon_ren ren;

		ren_build(w, &ren, pm);
		c->ren = &ren;
	}
	dom_names_build(c, w, &dn);
	cput(c, "settings", s->CONFIG_IOMMUFD_NOIOMMU |
	     s->CONFIG_VFIO_NOIOMMU << 1 | s->allow_unsafe_interrupts << 2 |
	     s->enable_unsafe_noiommu_mode << 3 | s->cap_sys_rawio << 4);
	cput(c, "taint", sim_kernel()->taint);

	for (i = 0; i < spec->nr_groups; i++) {
		struct iommu_group *g = w->groups[i];

		ctext(c, "group %s\n", spec->groups[i]);
		cput(c, " ref", refcount_read(&g->ref) - w->group_ref0[i]);
		cputn(c, " owner",
		      g->owner ? cctx(c, ctx_index(w, g->owner)) + 2 : 0,
		      !g->owner ? "none" : ctx_index(w, g->owner) < 0 ?
		      "other" : ctx_name(w, ctx_index(w, g->owner)));
		cput(c, " owner_cnt", g->owner_cnt);
		cputn(c, " domain", domain_code(&dn, g, g->domain),
		      domain_name(w, domain_code(&dn, g, g->domain)));
		for (p = 0; p < spec->nr_pasids; p++) {
			struct iommu_attach_handle *h =
				sim_xa_raw(&g->pasid_array, p);

			cput(c, " handle", h ? (h == XA_ZERO_ENTRY ? 1 :
				domain_code(&dn, g, h->domain) + 2) : 0);
		}
	}
	/* devices and contexts in the order of the names the form shows */
	for (j = 0; j < spec->nr_devs; j++) {
		const struct vfio_device *v;
		const struct device *dev;

		i = c->ren ? c->ren->dinv[j] : j;
		v = &w->vdev[i];
		dev = w->devs[i];
		ctext(c, "device %s\n", spec->devs[i].name);
		if (spec->devs[i].driver == W_DRV_KERNEL) {
			canon_handles(c, w, i);
			cput(c, " group", !dev->iommu_group ? 0 :
			     (spec->devs[i].group >= 0 ?
			      spec->devs[i].group + 1 : 99));
			continue;
		}
		cput(c, " registered", v->registered | v->noiommu << 1);
		cputn(c, " bound", cctx(c, ctx_index(w, v->iommufd_ictx)) + 1,
		      ctx_name(w, ctx_index(w, v->iommufd_ictx)));
		cput(c, " devid", cid(c, ctx_index(w, v->iommufd_ictx),
				      v->devid));
		cput(c, " attached", v->attached[0] | v->attached[1] << 1);
		cput(c, " group", !dev->iommu_group ? 0 :
		     (spec->devs[i].group >= 0 ? spec->devs[i].group + 1 : 99));
	}
	for (j = 0; j < spec->nr_ctxs; j++) {
		struct iommufd_ctx *ictx;

		i = c->ren ? c->ren->cinv[j] : j;
		ictx = w->alive[i];
		ctext(c, "ctx %s\n", spec->ctxs[i].name);
		cputn(c, " state", !ictx ? 0 : (w->ctx[i] ? 2 : 1),
		      !ictx ? "released" : w->ctx[i] ? "open" : "closed");
		if (!ictx)
			continue;
		cput(c, " file_ref", refcount_read(&ictx->file->f_count));
		struct iommufd_object *obj;
		unsigned long idx;
		unsigned int k;

		if (c->ren) {
			canon_objects_renamed(c, w, ictx, i);
		} else {
			sim_xa_for_each_raw(&ictx->objects, k, idx, obj) {
				id = idx;
				ctext(c, "object %u\n", id);
				if (obj == XA_ZERO_ENTRY) {
					cput(c, " reserved", id);
					continue;
				}
				cput(c, " id", id);
				canon_object(c, w, obj, i);
			}
		}
		for (p = 0; p < spec->nr_groups; p++) {
			struct iommufd_group *ig;

			ig = sim_xa_raw(&ictx->groups,
					iommu_group_id(w->groups[p]));
			if (!ig)
				continue;
			ctext(c, "igroup %s\n", spec->groups[p]);
			cput(c, " igroup", p + 1);
			canon_igroup(c, w, ig);
		}
	}
	/* The census: a leak is a difference even when nothing points at it */
	n = sim_census(SIM_CLASS_KERNEL, NULL, 0);
	cput(c, "census.count", n);
}

/* Reverse a[i..n-1]. */
static void perm_reverse(u8 *a, unsigned int i, unsigned int n)
{
	u8 t;

	for (; i + 1 < n; i++, n--) {
		t = a[i];
		a[i] = a[n - 1];
		a[n - 1] = t;
	}
}

/* The next arrangement in lexicographic order; false (and the first) at the end. */
static bool perm_next(u8 *a, unsigned int n)
{
	unsigned int i, j;
	u8 t;

	for (i = n - 1; i > 0 && a[i - 1] >= a[i]; i--)
		;
	if (!i) {
		perm_reverse(a, 0, n);
		return false;
	}
	for (j = n - 1; a[j] <= a[i - 1]; j--)
		;
	t = a[i - 1];
	a[i - 1] = a[j];
	a[j] = t;
	perm_reverse(a, i, n);
	return true;
}

/*
 * Every permutation within the world's classes of identical devices and
 * contexts (world.h), the identity first. world_parse() bounds how many.
 */
static unsigned int sym_perms(const struct world_spec *s, struct sym_perm *out)
{
	enum { NCLS = W_MAX_DEVS + W_MAX_CTXS };
	u8 mem[NCLS][W_MAX_DEVS], arr[NCLS][W_MAX_DEVS];
	unsigned int nm[NCLS], nc = 0, n = 0, cls, i, k;
	bool dev[NCLS];

	for (cls = 1; cls <= NCLS; cls++) {
		nm[nc] = 0;
		for (i = 0; i < s->nr_devs; i++)
			if (s->dev_class[i] == cls) {
				mem[nc][nm[nc]++] = i;
				dev[nc] = true;
			}
		for (i = 0; i < s->nr_ctxs; i++)
			if (s->ctx_class[i] == cls) {
				mem[nc][nm[nc]++] = i;
				dev[nc] = false;
			}
		if (nm[nc] > 1) {
			memcpy(arr[nc], mem[nc], nm[nc]);
			nc++;
		}
	}
	for (;;) {
		struct sym_perm *pm = &out[n++];

		for (i = 0; i < W_MAX_DEVS; i++)
			pm->d[i] = i;
		for (i = 0; i < W_MAX_CTXS; i++)
			pm->c[i] = i;
		for (k = 0; k < nc; k++)
			for (i = 0; i < nm[k]; i++)
				(dev[k] ? pm->d : pm->c)[mem[k][i]] = arr[k][i];
		if (n == W_MAX_SYM_PERMS)
			break;
		/* an odometer: each class's arrangements in turn */
		for (k = 0; k < nc && !perm_next(arr[k], nm[k]); k++)
			;
		if (k == nc)
			break;
	}
	return n;
}

/* Which of two forms is the key: the shorter, then by their values. */
static bool canon_less(const struct canon *a, const struct canon *b)
{
	if (a->n != b->n)
		return a->n < b->n;
	return memcmp(a->v, b->v, min_t(u32, a->n, CANON_MAX) *
				    sizeof(u32)) < 0;
}

/*
 * --symmetry: the least of the state's forms under every permutation of
 * identical devices and contexts, each with its ids renamed.
 */
static void canon_read_least(struct canon *c)
{
	static struct canon alt;
	struct sym_perm pm[W_MAX_SYM_PERMS];
	unsigned int i, n = sym_perms(world_get()->spec, pm);

	canon_read(c, &pm[0]);
	for (i = 1; i < n; i++) {
		alt.sym = true;
		alt.text = NULL;
		canon_read(&alt, &pm[i]);
		if (!canon_less(&alt, c))
			continue;
		c->n = alt.n;
		memcpy(c->v, alt.v, min_t(u32, alt.n, CANON_MAX) *
				    sizeof(u32));
		memcpy(c->lab, alt.lab, min_t(u32, alt.n, CANON_MAX) *
					sizeof(c->lab[0]));
	}
}

bool canon_state(struct canon *c)
{
	static sigjmp_buf env;

	c->broken = false;
	c->lazy = false;
	c->heap = NULL;
	if (sigsetjmp(env, 0)) {
		sim_oops_arm(NULL);
		c->n = 0;
		c->broken = true;
		c->ren = NULL;
		if (c->text)
			fprintf(c->text, "(the state faulted when read)\n");
		return false;
	}
	sim_oops_arm(&env);
	if (c->sym)
		canon_read_least(c);
	else
		canon_read(c, NULL);
	sim_oops_arm(NULL);
	c->ren = NULL;
	return true;
}

/* The hash of the first @len values (@len <= c->n). */
static u64 canon_hash_len(const struct canon *c, u32 len)
{
	u32 i, n = len < CANON_MAX ? len : CANON_MAX;
	u64 h = 0x9e3779b97f4a7c15ULL ^ len;

	/* two values per round: a multiply-xorshift mix of 64-bit words */
	for (i = 0; i + 1 < n; i += 2) {
		h ^= (u64)c->v[i] | (u64)c->v[i + 1] << 32;
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	if (i < n) {
		h ^= c->v[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 32);
}

u64 canon_hash(const struct canon *c)
{
	return canon_hash_len(c, c->n);
}

/*
 * The digest two targets can share: every value but the census count (the
 * kernel tree and the model allocate different helper structures).
 */
u64 canon_hash_observable(const struct canon *c)
{
	u32 n = c->n;

	if (n && n <= CANON_MAX && !strcmp(c->lab[n - 1], "census.count"))
		n--;
	return canon_hash_len(c, n);
}

bool canon_equal(const struct canon *a, const struct canon *b)
{
	return !a->broken && !b->broken && a->n == b->n &&
	       !memcmp(a->v, b->v, (a->n < CANON_MAX ? a->n : CANON_MAX) *
			       sizeof(u32));
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

void canon_diff(const struct canon *a, const struct canon *b, char *buf,
		size_t len)
{
	u32 i, n = a->n < b->n ? a->n : b->n;
	const char *ctx = "";

	if (n > CANON_MAX)
		n = CANON_MAX;
	for (i = 0; i < n; i++) {
		const char *l = a->lab[i];

		while (*l == ' ')
			l++;
		if (!strcmp(l, "state") || !strcmp(l, "id") ||
		    !strcmp(l, "reserved") || !strcmp(l, "igroup"))
			ctx = l;
		if (a->v[i] != b->v[i] || a->lab[i] != b->lab[i])
			break;
	}
	if (i == n && a->n == b->n) {
		snprintf(buf, len, "no difference");
		return;
	}
	if (i == n) {
		snprintf(buf, len, "%s entries %s",
			 a->n < b->n ? "new" : "removed",
			 i < CANON_MAX && i < (a->n > b->n ? a->n : b->n) ?
			 (a->n > b->n ? a->lab[i] : b->lab[i]) : "");
		return;
	}
	if (a->lab[i] != b->lab[i])
		snprintf(buf, len, "'%s %u' where there was '%s %u'",
			 skip_spaces(b->lab[i]), b->v[i],
			 skip_spaces(a->lab[i]), a->v[i]);
	else
		snprintf(buf, len, "%s %u -> %u%s%s", skip_spaces(a->lab[i]),
			 a->v[i], b->v[i], *ctx ? " near " : "", ctx);
}

char *canon_text(void)
{
	struct canon *c = calloc(1, sizeof(*c));
	char *buf = NULL;
	size_t len = 0;

	if (!c)
		return NULL;
	c->text = open_memstream(&buf, &len);
	if (c->text) {
		/* a view only: its oops, if any, is judged elsewhere */
		if (!canon_state(c))
			sim_clear_findings();
		fclose(c->text);
	}
	free(c);
	return buf;
}

/* ------------------------------------------------------------- findings */

/*
 * A report title as syzbot and the kernel print them ("memory leak in
 * F", "WARNING in F", "BUG: kernel NULL pointer dereference in F"),
 * F being the function of the finding's site. A maintainer triages by it.
 */
void check_title(const struct bfinding *f, char *buf, size_t len)
{
	char func[96];
	const char *colon = strchr(f->sig, ' ');

	snprintf(func, sizeof(func), "%.95s", colon ? colon + 1 : f->sig);
	/* the caller's bug, not the kernel's: no kernel report either */
	if (f->kind == SIM_F_CALLER) {
		snprintf(buf, len, "bindsim: caller contract: %s", func);
		return;
	}
	/* a site without "func:what" (an id, a group) has no kernel report */
	if (!strchr(func, ':')) {
		snprintf(buf, len, "bindsim: %s", f->sig);
		return;
	}
	func[strcspn(func, ":")] = '\0';
	switch (f->kind) {
	case SIM_F_LEAK:
		snprintf(buf, len, "memory leak in %s", func);
		break;
	case SIM_F_WARN:
		snprintf(buf, len, "WARNING in %s", func);
		break;
	case SIM_F_OOPS:
		snprintf(buf, len, "%s in %s",
			 strstr(f->msg, "NULL") ?
			 "BUG: kernel NULL pointer dereference" :
			 strstr(f->msg, "free") ?
			 "KASAN: use-after-free Read" :
			 "BUG: unable to handle page fault", func);
		break;
	case SIM_F_REFCOUNT:
		snprintf(buf, len, "WARNING: refcount bug in %s", func);
		break;
	case SIM_F_LOCK:
		snprintf(buf, len, "WARNING: locking bug in %s", func);
		break;
	case SIM_F_DOUBLE_FREE:
		snprintf(buf, len, "KASAN: double-free or invalid-free in %s",
			 func);
		break;
	default:
		/* no kernel report: bindsim's own judgement */
		snprintf(buf, len, "bindsim: %s", f->sig);
		break;
	}
}

/*
 * What a leaked block is: its census tag, or for an untagged iommufd
 * object (the tree's _iommufd_object_alloc() uses plain kzalloc) the
 * struct its object header says it is.
 */
static const char *leak_name(const struct sim_alloc_info *info)
{
	const struct iommufd_object *obj = info->ptr;

	if (info->tag)
		return info->tag;
	if (!info->site || strcmp(info->site->func, "_iommufd_object_alloc") ||
	    info->size < sizeof(*obj))
		return "(untyped)";
	switch (obj->type) {
	case IOMMUFD_OBJ_DEVICE:
		return "iommufd_device";
	case IOMMUFD_OBJ_HWPT_PAGING:
		return "iommufd_hwpt_paging";
	case IOMMUFD_OBJ_IOAS:
		return "iommufd_ioas";
	default:
		return "iommufd_object";
	}
}

static void site_where(const struct sim_site *s, char *buf, size_t len)
{
	if (s)
		snprintf(buf, len, "%s:%d %s", s->file, s->line, s->func);
	else
		snprintf(buf, len, "?");
}

void check_add(struct check_result *out, enum sim_finding_kind kind,
	       const char *sig_site, const char *where, const char *fmt, ...)
{
	struct bfinding *f;
	unsigned int i;
	char sig[128];
	va_list ap;

	snprintf(sig, sizeof(sig), "%s %s", sim_finding_kind_name(kind),
		 sig_site);
	/* one finding per signature and transition */
	for (i = 0; i < out->nr; i++)
		if (!strcmp(out->f[i].sig, sig))
			return;
	if (out->nr >= CHECK_MAX_FINDINGS)
		return;
	f = &out->f[out->nr++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	strcpy(f->sig, sig);
	snprintf(f->where, sizeof(f->where), "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

bool check_has_sig(const struct check_result *r, const char *sig)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->f[i].sig, sig))
			return true;
	return false;
}

void check_collect_shim(struct check_result *out, const char *phase)
{
	unsigned int i, n = sim_nr_findings();

	for (i = 0; i < n; i++) {
		const struct sim_finding *sf = sim_finding(i);
		const struct sim_site *s = sf->site;
		char name[128], where[128];
		unsigned int before = out->nr;

		sim_site_name(s, name, sizeof(name));
		site_where(s, where, sizeof(where));
		check_add(out, sf->kind, name, where, "%s%s%s", sf->msg,
			  phase ? " " : "", phase ? phase : "");
		if (out->nr > before) {
			out->f[out->nr - 1].stack = sf->stack;
			out->f[out->nr - 1].alloc_stack = sf->alloc_stack;
		}
		if (out->nr > before && sf->alloc_site) {
			struct bfinding *f = &out->f[out->nr - 1];

			snprintf(f->alloc, sizeof(f->alloc),
				 "%s allocated at %s:%d %s",
				 sf->alloc_tag ? sf->alloc_tag : "object",
				 sf->alloc_site->file, sf->alloc_site->line,
				 sf->alloc_site->func);
		}
	}
	sim_clear_findings();
}

/* ------------------------------------------------------ post-conditions */

/*
 * What a successful call must have done, written once per operation from
 * the kernel's contract (include/linux/iommufd.h, the ioctls' uAPI, VFIO's
 * cdev). A broken one is a "postcond OP:CONDITION" finding.
 */

/* A visible object of @ictx at @id, or NULL (absent or reserved). */
static struct iommufd_object *ctx_obj(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = sim_xa_raw(&ictx->objects, id);

	return obj == XA_ZERO_ENTRY ? NULL : obj;
}

static struct iommufd_attach *igroup_attach(struct iommufd_group *ig, u32 p)
{
	struct iommufd_attach *a = sim_xa_raw(&ig->pasid_attach, p);

	return a == XA_ZERO_ENTRY ? NULL : a;
}

static bool attach_has(struct iommufd_attach *a, struct iommufd_device *idev)
{
	return a && sim_xa_raw(&a->device_array, idev->obj.id) == idev;
}

/* iommufd_device_is_noiommu(): bound without an IOMMU, private igroup */
static bool dev_noiommu(const struct device *dev)
{
	return IS_ENABLED(CONFIG_IOMMUFD_NOIOMMU) && !dev->iommu;
}

/* The group a bound device's DMA ownership is claimed on, or NULL. */
static struct iommu_group *dev_owned_group(const struct device *dev)
{
	return dev_noiommu(dev) || !dev->iommu ? NULL : dev->iommu_group;
}

/* Is a device of @group (any, with @ictx: of that context) still bound? */
static bool group_bound(struct world *w, struct iommu_group *group,
			struct iommufd_ctx *ictx)
{
	unsigned int d, k;

	for (d = 0; d < w->spec->nr_devs; d++)
		for (k = 0; k < world_nr_slots(w->spec, d); k++) {
			struct w_handle h = world_binding(w, d, k);

			if (h.idev && dev_owned_group(w->devs[d]) == group &&
			    (!ictx || h.ictx == ictx))
				return true;
		}
	return false;
}

static bool ctx_has_bound(struct world *w, struct iommufd_ctx *ictx)
{
	unsigned int d, k;

	for (d = 0; d < w->spec->nr_devs; d++)
		for (k = 0; k < world_nr_slots(w->spec, d); k++) {
			struct w_handle h = world_binding(w, d, k);

			if (h.idev && h.ictx == ictx)
				return true;
		}
	return false;
}

static void post_fail(struct check_result *out, const char *opname,
		      const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void post_fail(struct check_result *out, const char *opname,
		      const char *cond, const char *fmt, ...)
{
	char sig[64], msg[SIM_MSG_LEN];
	va_list ap;

	snprintf(sig, sizeof(sig), "%s:%s", opname, cond);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	check_add(out, SIM_F_POSTCOND, sig, "post-condition",
		  "%s returned 0 but %s", opname, msg);
}

#define POST(cond, ...) post_fail(out, opname, cond, __VA_ARGS__)

/*
 * The domain a group (or a device's PASID) is on matches the hwpt of its
 * attach record: the iommu core was told what iommufd recorded.
 */
static bool group_on_hwpt(struct iommu_group *g, u32 pasid,
			  struct iommufd_hw_pagetable *hwpt)
{
	struct iommu_attach_handle *h;

	if (pasid == IOMMU_NO_PASID)
		return g->domain == hwpt->domain;
	h = sim_xa_raw(&g->pasid_array, pasid);
	return h && h != XA_ZERO_ENTRY && h->domain == hwpt->domain;
}

/* Nothing of iommufd's is on the group's (or the PASID's) domain. */
static bool group_off_hwpt(struct iommu_group *g, u32 pasid)
{
	if (pasid == IOMMU_NO_PASID)
		return g->domain == g->blocking_domain;
	return !sim_xa_raw(&g->pasid_array, pasid);
}

/*
 * bind: the device is bound to that context under the returned id, an
 * object of type device with users 2 (the object's and the driver's), its
 * igroup is the context's for its group and the group is DMA-owned by the
 * context, or, noiommu, a private igroup with no group and no ownership.
 */
static void post_bind(struct check_result *out, struct world *w,
		      const struct op *op, const struct op_result *res)
{
	const char *opname = "bind";
	/* a kernel driver's bind: the handle slot it filled */
	struct w_handle h = world_binding(w, op->dev,
					  res->slot > 0 ? res->slot : 0);
	struct iommufd_ctx *ictx = w->ctx[op->ctx];
	struct device *dev = w->devs[op->dev];
	struct iommufd_device *idev = h.idev;
	struct iommu_group *g = dev_owned_group(dev);
	struct iommufd_group *ig;

	if (!idev || h.ictx != ictx || h.devid != res->out_id) {
		POST("bound", "device %s is not bound to %s as id %u",
		     dev->name, w->spec->ctxs[op->ctx].name, res->out_id);
		return;
	}
	if (ctx_obj(ictx, res->out_id) != &idev->obj ||
	    idev->obj.type != IOMMUFD_OBJ_DEVICE || idev->ictx != ictx ||
	    idev->dev != dev || refcount_read(&idev->obj.users) != 2) {
		POST("object", "object %u is not device %s of %s with users 2",
		     res->out_id, dev->name, w->spec->ctxs[op->ctx].name);
		return;
	}
	ig = idev->igroup;
	if (!g) {
		if (!ig || ig->group || ig->ictx != ictx)
			POST("igroup", "noiommu device %s has no private igroup",
			     dev->name);
		return;
	}
	if (!ig || ig->group != g || ig->ictx != ictx ||
	    sim_xa_raw(&ictx->groups, iommu_group_id(g)) != ig)
		POST("igroup", "device %s's igroup is not %s's for its group",
		     dev->name, w->spec->ctxs[op->ctx].name);
	else if (g->owner != ictx || !g->owner_cnt)
		POST("owner", "the group of %s is not DMA-owned by %s",
		     dev->name, w->spec->ctxs[op->ctx].name);
}

/*
 * attach (and replace): the device is in its group's attach record of that
 * pasid, whose hwpt is the one the call returned (the named hwpt, or an
 * automatic hwpt of the named IOAS), and the group is on that hwpt's domain.
 */
static void post_attach(struct check_result *out, struct world *w,
			const struct op *op, const struct op_result *res)
{
	const char *opname = op_kind_name(op->kind);
	struct iommufd_device *idev = world_binding(w, op->dev, op->slot).idev;
	struct iommufd_ctx *ictx = idev->ictx;
	struct iommufd_attach *a = igroup_attach(idev->igroup, op->pasid);
	struct iommufd_object *target = ctx_obj(ictx, op->id);
	struct iommufd_hwpt_paging *hp;

	if (!attach_has(a, idev) || !a->hwpt) {
		POST("record", "device %s is not in the pasid %u attach record",
		     idev->dev->name, op->pasid);
		return;
	}
	if (ctx_obj(ictx, res->out_id) != &a->hwpt->obj) {
		POST("hwpt", "pasid %u is on hwpt %u, the call returned id %u",
		     op->pasid, a->hwpt->obj.id, res->out_id);
		return;
	}
	if (target && target->type == IOMMUFD_OBJ_IOAS) {
		hp = container_of(a->hwpt, struct iommufd_hwpt_paging, common);
		if (a->hwpt->obj.type != IOMMUFD_OBJ_HWPT_PAGING ||
		    &hp->ioas->obj != target || !hp->auto_domain)
			POST("ioas", "hwpt %u is not an automatic hwpt of "
			     "IOAS %u", a->hwpt->obj.id, op->id);
	} else if (res->out_id != op->id) {
		POST("hwpt", "it returned id %u for hwpt %u", res->out_id,
		     op->id);
	}
	if (idev->igroup->group && !dev_noiommu(idev->dev) &&
	    !group_on_hwpt(idev->igroup->group, op->pasid, a->hwpt))
		POST("domain", "the group of %s is not on hwpt %u's domain "
		     "(pasid %u)", idev->dev->name, a->hwpt->obj.id,
		     op->pasid);
}

/*
 * detach: the device is not in that pasid's attach record; once the record
 * is gone the group (or the PASID) is off every iommufd domain.
 */
static void post_detach(struct check_result *out, struct world *w,
			const struct op *op, const struct op_result *res)
{
	const char *opname = "detach";
	struct iommufd_device *idev = world_binding(w, op->dev, op->slot).idev;
	struct iommufd_attach *a = igroup_attach(idev->igroup, op->pasid);

	(void)res;
	if (attach_has(a, idev)) {
		POST("record", "device %s is still in the pasid %u attach "
		     "record", idev->dev->name, op->pasid);
		return;
	}
	if (!a && idev->igroup->group && !dev_noiommu(idev->dev) &&
	    !group_off_hwpt(idev->igroup->group, op->pasid))
		POST("domain", "the group of %s is still on a domain at pasid "
		     "%u with no attach record", idev->dev->name, op->pasid);
}

/*
 * hwpt-alloc: the returned id is a paging hwpt of the named IOAS, made by
 * the user (not automatic), unattached (users 1), listed in the IOAS, with
 * a domain, PASID-compatible exactly when IOMMU_HWPT_ALLOC_PASID asked.
 */
static void post_hwpt_alloc(struct check_result *out, struct world *w,
			    const struct op *op, const struct op_result *res)
{
	const char *opname = "hwpt-alloc";
	struct iommufd_ctx *ictx = w->ctx[op->ctx];
	struct iommufd_object *obj = ctx_obj(ictx, res->out_id);
	struct iommufd_hwpt_paging *hp;

	if (!obj || obj->type != IOMMUFD_OBJ_HWPT_PAGING) {
		POST("object", "id %u is not a paging hwpt", res->out_id);
		return;
	}
	hp = container_of(obj, struct iommufd_hwpt_paging, common.obj);
	if (&hp->ioas->obj != ctx_obj(ictx, op->id2))
		POST("ioas", "hwpt %u is not in IOAS %u", res->out_id, op->id2);
	else if (hp->common.pasid_compat != !!op->flags)
		POST("flags", "hwpt %u pasid_compat %u, asked %u", res->out_id,
		     hp->common.pasid_compat, !!op->flags);
	else if (hp->auto_domain || refcount_read(&obj->users) != 1 ||
		 list_empty(&hp->hwpt_item) || !hp->common.domain)
		POST("object", "hwpt %u is not a listed, unattached user hwpt "
		     "with a domain", res->out_id);
}

/*
 * unbind: the device is unbound, its object gone; with no other device of
 * its group bound in that context the igroup is gone, with none bound
 * anywhere its group's DMA ownership is released, and a closed context
 * with nothing bound is released.
 */
static void post_unbind(struct check_result *out, struct world *w,
			const struct op *op, const struct op_result *res)
{
	const char *opname = "unbind";
	struct vfio_device *v = &w->vdev[op->dev];
	struct w_handle h = world_binding(w, op->dev, op->slot);
	struct device *dev = w->devs[op->dev];
	struct iommu_group *g = dev_owned_group(dev);
	struct iommufd_ctx *ictx;
	unsigned int p;

	/* a kernel driver's vdev is unused: its attached[] stay false */
	for (p = 0; p < VFIO_MAX_PASIDS; p++)
		if (v->attached[p])
			break;
	if (h.idev || h.ictx || h.devid || p < VFIO_MAX_PASIDS) {
		POST("unbound", "device %s is still bound or attached",
		     dev->name);
		return;
	}
	ictx = res->pre_ctx >= 0 ? w->alive[res->pre_ctx] : NULL;
	if (ictx && ctx_obj(ictx, res->pre_id))
		POST("object", "object %u is still there", res->pre_id);
	else if (ictx && g && !group_bound(w, g, ictx) &&
		 sim_xa_raw(&ictx->groups, iommu_group_id(g)))
		POST("igroup", "%s keeps an igroup for the group of %s with "
		     "none of its devices bound", w->spec->ctxs[res->pre_ctx].name,
		     dev->name);
	else if (g && !group_bound(w, g, NULL) && (g->owner || g->owner_cnt))
		POST("owner", "the group of %s is still DMA-owned (count %u) "
		     "with none of its devices bound", dev->name, g->owner_cnt);
	else if (ictx && !w->ctx[res->pre_ctx] && !ctx_has_bound(w, ictx))
		POST("ctx", "closed context %s is not released with nothing "
		     "bound", w->spec->ctxs[res->pre_ctx].name);
}

/*
 * close: the fd is gone, and the context with it unless a bound device
 * still holds it; a device never stays bound to a released context.
 */
static void post_close(struct check_result *out, struct world *w,
		       const struct op *op, const struct op_result *res)
{
	const char *opname = "close";
	struct iommufd_ctx *ictx = w->alive[op->ctx];
	unsigned int d, c, k;

	(void)res;
	if (w->ctx[op->ctx])
		POST("fd", "context %s is still open",
		     w->spec->ctxs[op->ctx].name);
	if (ictx && !ctx_has_bound(w, ictx))
		POST("released", "context %s is not released with nothing "
		     "bound", w->spec->ctxs[op->ctx].name);
	for (d = 0; d < w->spec->nr_devs; d++)
		for (k = 0; k < world_nr_slots(w->spec, d); k++) {
			struct w_handle h = world_binding(w, d, k);

			if (!h.idev)
				continue;
			for (c = 0; c < w->spec->nr_ctxs; c++)
				if (w->alive[c] && w->alive[c] == h.ictx)
					break;
			if (c == w->spec->nr_ctxs)
				POST("bound", "device %s is bound to a "
				     "released context", w->devs[d]->name);
		}
}

/* destroy: the id is free, or a tombstone (IOMMU_DESTROY's contract) */
static void post_destroy(struct check_result *out, struct world *w,
			 const struct op *op, const struct op_result *res)
{
	const char *opname = "destroy";

	(void)res;
	if (ctx_obj(w->ctx[op->ctx], op->id))
		POST("gone", "object %u still exists", op->id);
}

/* ioas-alloc: the returned id is an IOAS nothing uses yet */
static void post_ioas_alloc(struct check_result *out, struct world *w,
			    const struct op *op, const struct op_result *res)
{
	const char *opname = "ioas-alloc";
	struct iommufd_object *obj = ctx_obj(w->ctx[op->ctx], res->out_id);

	if (!obj || obj->type != IOMMUFD_OBJ_IOAS ||
	    refcount_read(&obj->users) != 1)
		POST("object", "id %u is not an unused IOAS", res->out_id);
}

/* The IOAS an ioas-* operation named, or NULL. */
static struct iommufd_ioas *op_ioas(struct world *w, const struct op *op)
{
	struct iommufd_object *obj = ctx_obj(w->ctx[op->ctx], op->id);

	if (!obj || obj->type != IOMMUFD_OBJ_IOAS)
		return NULL;
	return container_of(obj, struct iommufd_ioas, obj);
}

/* The first 16 mapped areas of @ioas into @a; returns how many. */
static unsigned int ioas_areas(struct iommufd_ioas *ioas,
			       struct target_resv a[16])
{
	return min_t(unsigned int, 16, target_ioas_areas(ioas, a, 16));
}

/* ioas-map: the IOAS maps exactly the range asked for */
static void post_ioas_map(struct check_result *out, struct world *w,
			  const struct op *op, const struct op_result *res)
{
	const char *opname = "ioas-map";
	struct iommufd_ioas *ioas = op_ioas(w, op);
	struct target_resv a[16];
	unsigned int i, n = ioas ? ioas_areas(ioas, a) : 0;

	(void)res;
	for (i = 0; i < n; i++)
		if (a[i].start == op->id2 &&
		    a[i].last == (unsigned long)op->id2 + op->len - 1)
			return;
	POST("mapped", "IOAS %u has no area 0x%x+0x%x", op->id, op->id2,
	     op->len);
}

/* ioas-unmap: nothing mapped is left in the range, and it was reported */
static void post_ioas_unmap(struct check_result *out, struct world *w,
			    const struct op *op, const struct op_result *res)
{
	const char *opname = "ioas-unmap";
	struct iommufd_ioas *ioas = op_ioas(w, op);
	unsigned long start = op->flags ? 0 : op->id2;
	unsigned long last = op->flags ? ULONG_MAX :
					 (unsigned long)op->id2 + op->len - 1;
	struct target_resv a[16];
	unsigned int i, n;

	if (!ioas) {
		POST("ioas", "IOAS %u is gone", op->id);
		return;
	}
	n = ioas_areas(ioas, a);
	for (i = 0; i < n; i++)
		if (a[i].start <= last && start <= a[i].last)
			POST("unmapped", "IOAS %u still maps 0x%lx-0x%lx",
			     op->id, a[i].start, a[i].last);
	if (!op->flags && !res->unmapped)
		POST("length", "IOAS %u: success with nothing unmapped",
		     op->id);
}

/* ioas-iova-ranges: the gaps between the IOAS's reserved ranges */
static void post_ioas_iova_ranges(struct check_result *out, struct world *w,
				  const struct op *op,
				  const struct op_result *res)
{
	const char *opname = "ioas-iova-ranges";
	struct iommufd_ioas *ioas = op_ioas(w, op);
	struct target_range g[OP_MAX_RANGES];
	unsigned int i, n;

	if (!ioas) {
		POST("ioas", "IOAS %u is gone", op->id);
		return;
	}
	n = ioas_gaps(ioas, g, ARRAY_SIZE(g));
	if (n != res->nr_ranges) {
		POST("ranges", "IOAS %u: %u ranges reported, %u usable",
		     op->id, res->nr_ranges, n);
		return;
	}
	for (i = 0; i < n && i < ARRAY_SIZE(g); i++)
		if (g[i].start != res->ranges[i].start ||
		    g[i].last != res->ranges[i].last)
			POST("ranges", "IOAS %u: range %u reported as "
			     "0x%llx-0x%llx, usable 0x%llx-0x%llx", op->id, i,
			     (unsigned long long)res->ranges[i].start,
			     (unsigned long long)res->ranges[i].last,
			     (unsigned long long)g[i].start,
			     (unsigned long long)g[i].last);
}

/* vfio-register: registered; a device with no iommu_group as noiommu */
static void post_vfio_register(struct check_result *out, struct world *w,
			       const struct op *op,
			       const struct op_result *res)
{
	const char *opname = "vfio-register";
	const struct vfio_device *v = &w->vdev[op->dev];

	(void)res;
	if (!v->registered ||
	    (w->spec->devs[op->dev].group < 0 &&
	     (!v->noiommu || !w->devs[op->dev]->iommu_group)))
		POST("registered", "device %s is not registered (as noiommu "
		     "when it has no group)", w->devs[op->dev]->name);
}

/* vfio-unregister: gone, with the noiommu group VFIO made for it */
static void post_vfio_unregister(struct check_result *out, struct world *w,
				 const struct op *op,
				 const struct op_result *res)
{
	const char *opname = "vfio-unregister";
	const struct vfio_device *v = &w->vdev[op->dev];

	(void)res;
	if (v->registered || v->noiommu ||
	    (w->spec->devs[op->dev].group < 0 && w->devs[op->dev]->iommu_group))
		POST("unregistered", "device %s is still registered or keeps "
		     "its noiommu group", w->devs[op->dev]->name);
}

/* One per operation; none for set (the engine's) */
static void (*const post_ops[OP_NR])(struct check_result *out,
				     struct world *w, const struct op *op,
				     const struct op_result *res) = {
	[OP_BIND] = post_bind,
	[OP_UNBIND] = post_unbind,
	[OP_ATTACH] = post_attach,
	[OP_REPLACE] = post_attach,
	[OP_DETACH] = post_detach,
	[OP_HWPT_ALLOC] = post_hwpt_alloc,
	[OP_DESTROY] = post_destroy,
	[OP_CLOSE] = post_close,
	[OP_VFIO_REGISTER] = post_vfio_register,
	[OP_VFIO_UNREGISTER] = post_vfio_unregister,
	[OP_IOAS_ALLOC] = post_ioas_alloc,
	[OP_IOAS_MAP] = post_ioas_map,
	[OP_IOAS_UNMAP] = post_ioas_unmap,
	[OP_IOAS_IOVA_RANGES] = post_ioas_iova_ranges,
};

/* ---------------------------------------------------------- transitions */

static bool dev_msi_unsafe(const struct device *dev)
{
	return dev->iommu_group && !dev->mock &&
	       !iommu_group_has_isolated_msi(dev->iommu_group);
}

/*
 * Read a lazy canon from its heap image: swap the image into the arena,
 * read it, swap the current state back. False if reading it faulted.
 */
static bool canon_of_image(struct canon *c)
{
	/* static, not malloc'd on first use: the same path on every run */
	static u64 cur[SIM_HEAP_SIZE / sizeof(u64)];
	const void *img = c->heap;
	size_t len = c->heap_len, used = sim_heap_used();
	bool ok;

	sim_heap_save(cur);
	sim_heap_restore(img, len);
	ok = canon_state(c);
	sim_heap_restore(cur, used);
	c->heap = img;
	c->heap_len = len;
	return ok;
}

/*
 * Whether a failed call promises to leave the state as it was.
 * Assumption: IOMMU_IOAS_UNMAP writes its response after unmapping, and a
 * response user space cannot receive (-EFAULT) does not undo the unmap,
 * as in the kernel: the caller's buffer was its own error.
 */
static bool failure_is_atomic(const struct op *op, const struct op_result *res)
{
	return !(op->kind == OP_IOAS_UNMAP && res->ret == -EFAULT);
}

/*
 * A call that broke the in-kernel caller's contract: whatever the kernel
 * did next (a WARN, a reference it cannot drop) is the caller's bug, so
 * the transition has one finding, of kind caller, naming the first thing
 * the kernel reported.
 */
static void caller_finding(const struct op *op, const struct op_result *res,
			   struct check_result *out)
{
	static struct check_result kernel;
	struct world *w = world_get();
	char text[OP_TEXT];

	kernel.nr = 0;
	check_collect_shim(&kernel, NULL);
	op_format(w->spec, op, NULL, text, sizeof(text));
	check_add(out, SIM_F_CALLER, res->caller, "caller contract",
		  "'%s' breaks the in-kernel caller's contract%s%s%s",
		  text, kernel.nr ? " (the kernel: " : "",
		  kernel.nr ? kernel.f[0].sig : "", kernel.nr ? ")" : "");
}

void check_transition(const struct op *op, const struct op_result *res,
		      const struct sim_settings *set,
		      struct canon *before, struct check_result *out)
{
	struct world *w = world_get();
	const char *opname = op_kind_name(op->kind);


	if (res->caller) {
		caller_finding(op, res, out);
		return;
	}
	check_collect_shim(out, NULL);
	if (res->oops)
		return;

	/* a heap byte-equal to the one before: atomic without reading it */
	if (before && res->applicable && res->ret &&
	    failure_is_atomic(op, res) &&
	    !(before->heap && sim_heap_same(before->heap, before->heap_len))) {
		/* not zeroed: 48 KB, and only n values are read */
		struct canon *after = malloc(sizeof(*after));

		if (before->lazy && !canon_of_image(before)) {
			/* the state before faults when read: that oops */
			check_collect_shim(out, "(while reading the state "
					   "before)");
		} else if (after) {
			after->text = NULL;
			after->sym = false;	/* ids as they are: ids matter */
			if (!canon_state(after))
				/* the oops reading it is the finding */
				check_collect_shim(out, "(while reading the "
						   "state)");
			else if (!before->broken &&
				 !canon_equal(before, after)) {
				char diff[128];

				canon_diff(before, after, diff, sizeof(diff));
				check_add(out, SIM_F_ATOMICITY, opname,
					  "syscall return",
					  "failed %s (%d) changed the state: %s",
					  opname, res->ret, diff);
			}
			free(after);
		}
	}

	if (op->kind == OP_BIND && !res->ret && res->applicable) {
		const struct device *dev = w->devs[op->dev];
		bool vfio = w->spec->devs[op->dev].driver == W_DRV_VFIO;

		if (!dev->iommu && vfio && !set->cap_sys_rawio)
			check_add(out, SIM_F_GATE, "bind:CAP_SYS_RAWIO", "bind",
				  "noiommu device %s bound through VFIO "
				  "without CAP_SYS_RAWIO", dev->name);
		if (dev->iommu && dev_msi_unsafe(dev) &&
		    !set->allow_unsafe_interrupts)
			check_add(out, SIM_F_GATE,
				  "bind:allow_unsafe_interrupts", "bind",
				  "device %s without isolated MSI bound while "
				  "allow_unsafe_interrupts=0", dev->name);
	}
	if (res->applicable && !res->ret && op->kind < OP_NR &&
	    post_ops[op->kind])
		post_ops[op->kind](out, w, op, res);
}

/* --------------------------------------------------------------- states */

static unsigned int idev_attach_count(struct iommufd_device *idev,
				      u32 nr_pasids, struct check_result *out)
{
	struct iommufd_group *ig = idev->igroup;
	unsigned int n = 0;
	u32 p;

	for (p = 0; p < nr_pasids; p++) {
		struct iommufd_attach *attach =
			sim_xa_raw(&ig->pasid_attach, p);

		if (!attach || attach == XA_ZERO_ENTRY)
			continue;
		if (sim_xa_raw(&attach->device_array, idev->obj.id) == idev)
			n++;
		if (!attach->hwpt || xa_empty(&attach->device_array))
			check_add(out, SIM_F_CONSISTENCY, "attach:empty",
				  "state",
				  "igroup pasid %u attach record without "
				  "hwpt or devices", p);
	}
	return n;
}

/* How many device_array entries, in all igroups of @ictx, use @hwpt. */
static unsigned int hwpt_attach_users(struct iommufd_ctx *ictx, u32 id_max,
				      u32 nr_pasids,
				      struct iommufd_hw_pagetable *hwpt)
{
	struct iommufd_group *seen[64];
	unsigned int nseen = 0, n = 0, k;
	u32 id, p, d;

	for (id = 1; id <= id_max; id++) {
		struct iommufd_object *obj = sim_xa_raw(&ictx->objects, id);
		struct iommufd_group *ig;

		if (!obj || obj == XA_ZERO_ENTRY ||
		    obj->type != IOMMUFD_OBJ_DEVICE)
			continue;
		ig = container_of(obj, struct iommufd_device, obj)->igroup;
		if (!ig)
			continue;
		for (k = 0; k < nseen; k++)
			if (seen[k] == ig)
				break;
		if (k < nseen || nseen == ARRAY_SIZE(seen))
			continue;
		seen[nseen++] = ig;
		for (p = 0; p < nr_pasids; p++) {
			struct iommufd_attach *a = sim_xa_raw(&ig->pasid_attach,
							      p);

			if (!a || a == XA_ZERO_ENTRY || a->hwpt != hwpt)
				continue;
			for (d = 1; d <= id_max; d++) {
				void *e = sim_xa_raw(&a->device_array, d);

				n += e && e != XA_ZERO_ENTRY;
			}
		}
	}
	return n;
}

static void check_ctx(struct check_result *out, struct world *w,
		      unsigned int c)
{
	const struct world_spec *spec = w->spec;
	struct iommufd_ctx *ictx = w->alive[c];
	const char *cn = spec->ctxs[c].name;
	u32 id;

	for (id = 1; id <= spec->id_max; id++) {
		struct iommufd_object *obj = sim_xa_raw(&ictx->objects, id);
		unsigned int users;

		if (!obj)
			continue;
		if (obj == XA_ZERO_ENTRY) {
			check_add(out, SIM_F_LEAK, "reserved-id", "state",
				  "%s: object id %u reserved but neither "
				  "finalized nor aborted", cn, id);
			continue;
		}
		if (refcount_read(&obj->wait_cnt) != 1)
			check_add(out, SIM_F_CONSISTENCY, "object:wait_cnt",
				  "state", "%s: object %u wait_cnt %u between "
				  "system calls", cn, id,
				  refcount_read(&obj->wait_cnt));
		switch (obj->type) {
		case IOMMUFD_OBJ_DEVICE: {
			struct iommufd_device *idev =
				container_of(obj, struct iommufd_device, obj);
			struct iommufd_group *ig = idev->igroup;

			if (idev->ictx != ictx || !ig || ig->ictx != ictx) {
				check_add(out, SIM_F_CONSISTENCY,
					  "device:ctx", "state",
					  "%s: device %u ctx/igroup mismatch",
					  cn, id);
				break;
			}
			if (ig->group &&
			    sim_xa_raw(&ictx->groups,
				       iommu_group_id(ig->group)) != ig)
				check_add(out, SIM_F_CONSISTENCY,
					  "device:igroup", "state",
					  "%s: device %u igroup not in "
					  "ctx->groups", cn, id);
			users = 2 + idev_attach_count(idev, spec->nr_pasids,
						      out);
			if (refcount_read(&obj->users) != users)
				check_add(out, SIM_F_CONSISTENCY,
					  "device:users", "state",
					  "%s: device %u users %u, expected %u",
					  cn, id, refcount_read(&obj->users),
					  users);
			if (!idev->dev->iommu &&
			    !IS_ENABLED(CONFIG_IOMMUFD_NOIOMMU))
				check_add(out, SIM_F_GATE,
					  "noiommu:CONFIG_IOMMUFD_NOIOMMU",
					  "state",
					  "%s: noiommu device %s bound "
					  "while CONFIG_IOMMUFD_NOIOMMU is off",
					  cn, idev->dev->name);
			break;
		}
		case IOMMUFD_OBJ_HWPT_PAGING: {
			struct iommufd_hw_pagetable *hwpt = container_of(
				obj, struct iommufd_hw_pagetable, obj);

			users = 1 + hwpt_attach_users(ictx, spec->id_max,
						      spec->nr_pasids, hwpt);
			if (refcount_read(&obj->users) != users)
				check_add(out, SIM_F_CONSISTENCY, "hwpt:users",
					  "state", "%s: hwpt %u users %u, "
					  "expected %u", cn, id,
					  refcount_read(&obj->users), users);
			break;
		}
		case IOMMUFD_OBJ_IOAS: {
			u32 h;

			users = 1;
			for (h = 1; h <= spec->id_max; h++) {
				struct iommufd_object *o =
					sim_xa_raw(&ictx->objects, h);

				if (o && o != XA_ZERO_ENTRY &&
				    o->type == IOMMUFD_OBJ_HWPT_PAGING &&
				    container_of(o, struct iommufd_hwpt_paging,
						 common.obj)->ioas ==
				    container_of(obj, struct iommufd_ioas, obj))
					users++;
			}
			if (refcount_read(&obj->users) != users)
				check_add(out, SIM_F_CONSISTENCY, "ioas:users",
					  "state", "%s: ioas %u users %u, "
					  "expected %u", cn, id,
					  refcount_read(&obj->users), users);
			break;
		}
		default:
			check_add(out, SIM_F_CONSISTENCY, "object:type",
				  "state", "%s: object %u has type %u", cn,
				  id, obj->type);
			break;
		}
	}
}

/* Security: DMA ownership follows exactly the bound devices. */
static void check_groups(struct check_result *out, struct world *w)
{
	const struct world_spec *spec = w->spec;
	unsigned int g, d, k;

	for (g = 0; g < spec->nr_groups; g++) {
		struct iommu_group *grp = w->groups[g];
		struct iommufd_ctx *owner_ctx = NULL;
		unsigned int bound = 0;

		/* each binding claimed DMA ownership once (owner_cnt) */
		for (d = 0; d < spec->nr_devs; d++)
			for (k = 0; k < world_nr_slots(spec, d); k++) {
				struct w_handle h = world_binding(w, d, k);

				if (w->devs[d]->iommu_group != grp ||
				    !h.idev || !w->devs[d]->iommu)
					continue;
				bound++;
				if (owner_ctx && owner_ctx != h.ictx)
					check_add(out, SIM_F_OWNERSHIP,
						  "group:shared", "state",
						  "group %s has devices bound "
						  "to two contexts",
						  spec->groups[g]);
				owner_ctx = h.ictx;
			}
		if (bound && (grp->owner != owner_ctx ||
			      grp->owner_cnt != bound))
			check_add(out, SIM_F_OWNERSHIP, "group:owner", "state",
				  "group %s: %u bindings but owner %s "
				  "count %u", spec->groups[g], bound,
				  grp->owner == owner_ctx ? "ok" : "wrong",
				  grp->owner_cnt);
		if (!bound && grp->owner_cnt)
			check_add(out, SIM_F_OWNERSHIP, "group:stale-owner",
				  "state", "group %s owned (count %u) with no "
				  "bound device", spec->groups[g],
				  grp->owner_cnt);
		if (grp->owner_cnt && grp->domain == grp->default_domain)
			check_add(out, SIM_F_OWNERSHIP, "group:default-domain",
				  "state", "group %s owned by iommufd but on "
				  "its default (kernel DMA API) domain",
				  spec->groups[g]);
	}
}

/*
 * The kernel's rule for reserved IOVA: while a device with an IOMMU is
 * attached (NO_PASID) to a paging hwpt, each of its reserved regions is
 * reserved, on its behalf, in that hwpt's IOAS; otherwise a mapping may
 * land where the device's DMA must never go (an MSI window).
 */
static void check_reserved(struct check_result *out, struct world *w,
			   unsigned int c)
{
	struct iommufd_ctx *ictx = w->alive[c];
	struct iommufd_object *obj;
	unsigned long idx;
	unsigned int k;

	sim_xa_for_each_raw(&ictx->objects, k, idx, obj) {
		struct iommufd_device *idev;
		struct iommufd_hwpt_paging *hp;
		struct iommufd_attach *attach;
		struct target_resv r[16];
		unsigned int i, j, n;

		if (obj == XA_ZERO_ENTRY || obj->type != IOMMUFD_OBJ_DEVICE)
			continue;
		idev = container_of(obj, struct iommufd_device, obj);
		if (!idev->igroup || !idev->dev->iommu)
			continue;
		attach = sim_xa_raw(&idev->igroup->pasid_attach,
				    IOMMU_NO_PASID);
		if (!attach || attach == XA_ZERO_ENTRY || !attach->hwpt ||
		    attach->hwpt->obj.type != IOMMUFD_OBJ_HWPT_PAGING ||
		    sim_xa_raw(&attach->device_array, idx) != idev)
			continue;
		hp = container_of(attach->hwpt, struct iommufd_hwpt_paging,
				  common);
		n = target_ioas_resv(hp->ioas, r, ARRAY_SIZE(r));
		for (i = 0; i < idev->dev->nr_resv; i++) {
			const struct iommu_resv_region *rr = &idev->dev->resv[i];

			for (j = 0; j < n && j < ARRAY_SIZE(r); j++)
				if (r[j].owner == idev->dev &&
				    r[j].start == rr->start &&
				    r[j].last == rr->start + rr->length - 1)
					break;
			if (j < n && j < ARRAY_SIZE(r))
				continue;
			check_add(out, SIM_F_RESERVED, "resv:missing", "state",
				  "%s: device %s is attached to hwpt %u, but its "
				  "reserved region 0x%llx+0x%zx is not reserved "
				  "in IOAS %u", w->spec->ctxs[c].name,
				  idev->dev->name, hp->common.obj.id,
				  (unsigned long long)rr->start, rr->length,
				  hp->ioas->obj.id);
		}
	}
}

/* ---------------------------------------------------------------- rules */

/*
 * Rules the kernel keeps on every state between system calls, each a
 * "rule NAME" finding named after the rule.
 */

static void rule_fail(struct check_result *out, const char *rule,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void rule_fail(struct check_result *out, const char *rule,
		      const char *fmt, ...)
{
	char msg[SIM_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	check_add(out, SIM_F_RULE, rule, "state", "%s", msg);
}

/* An object @ictx holds visibly at its own id (not another context's). */
static bool ctx_owns(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	return obj && ctx_obj(ictx, obj->id) == obj;
}

/*
 * The rules on one igroup of context @c:
 * - pasid-compat (iommufd_hwpt_pasid_compat()): a PASID is attached only
 *   to a PASID-compatible hwpt, and while any PASID of the group is
 *   attached its NO_PASID hwpt is PASID-compatible;
 * - group-attach: one attach record per group and pasid, shared by the
 *   group's bound devices attached there: it lists only devices of this
 *   igroup, and the iommu core has the group (the PASID) on its hwpt's
 *   domain;
 * - ctx-isolation: the record's hwpt and devices are this context's.
 */
static void rule_igroup(struct check_result *out, struct world *w,
			unsigned int c, struct iommufd_group *ig)
{
	struct iommufd_ctx *ictx = w->alive[c];
	const char *cn = w->spec->ctxs[c].name;
	struct iommufd_attach *a0 = igroup_attach(ig, IOMMU_NO_PASID);
	u32 p;

	if (ig->ictx != ictx)
		rule_fail(out, "ctx-isolation", "%s: an igroup of %s belongs "
			  "to another context", cn, cn);
	for (p = 0; p < w->spec->nr_pasids; p++) {
		struct iommufd_attach *a = igroup_attach(ig, p);
		struct iommufd_device *idev;
		unsigned long idx;
		unsigned int i;

		if (!a || !a->hwpt)
			continue;
		if (!ctx_owns(ictx, &a->hwpt->obj)) {
			rule_fail(out, "ctx-isolation", "%s: pasid %u attach "
				  "record's hwpt is not an object of %s", cn,
				  p, cn);
			continue;
		}
		if (p != IOMMU_NO_PASID && !a->hwpt->pasid_compat)
			rule_fail(out, "pasid-compat", "%s: pasid %u attached "
				  "to hwpt %u, which is not PASID-compatible",
				  cn, p, a->hwpt->obj.id);
		if (p != IOMMU_NO_PASID && a0 && a0->hwpt &&
		    !a0->hwpt->pasid_compat)
			rule_fail(out, "pasid-compat", "%s: pasid %u attached "
				  "while the group's NO_PASID hwpt %u is not "
				  "PASID-compatible", cn, p, a0->hwpt->obj.id);
		sim_xa_for_each_raw(&a->device_array, i, idx, idev) {
			if (idev == XA_ZERO_ENTRY)
				continue;
			if (idev->ictx != ictx)
				rule_fail(out, "ctx-isolation", "%s: pasid %u "
					  "record lists a device of another "
					  "context", cn, p);
			else if (ctx_obj(ictx, idx) != &idev->obj ||
				 idev->igroup != ig)
				rule_fail(out, "group-attach", "%s: pasid %u "
					  "record lists id %lu, not a device "
					  "of this igroup", cn, p, idx);
		}
		if (ig->group && !group_on_hwpt(ig->group, p, a->hwpt))
			rule_fail(out, "group-attach", "%s: the group is not "
				  "on hwpt %u's domain at pasid %u", cn,
				  a->hwpt->obj.id, p);
	}
}

static void check_rules(struct check_result *out, struct world *w,
			unsigned int c)
{
	struct iommufd_ctx *ictx = w->alive[c];
	const char *cn = w->spec->ctxs[c].name;
	struct iommufd_object *obj;
	struct iommufd_group *ig;
	unsigned long idx;
	unsigned int k, d;
	u32 p;

	sim_xa_for_each_raw(&ictx->objects, k, idx, obj) {
		struct iommufd_hwpt_paging *hp;

		if (obj == XA_ZERO_ENTRY)
			continue;
		if (obj->type == IOMMUFD_OBJ_DEVICE) {
			ig = container_of(obj, struct iommufd_device,
					  obj)->igroup;
			/* a private (noiommu) igroup is only reachable here */
			if (ig && !ig->group)
				rule_igroup(out, w, c, ig);
			continue;
		}
		if (obj->type != IOMMUFD_OBJ_HWPT_PAGING)
			continue;
		hp = container_of(obj, struct iommufd_hwpt_paging, common.obj);
		if (!hp->ioas || !ctx_owns(ictx, &hp->ioas->obj) ||
		    hp->ioas->obj.type != IOMMUFD_OBJ_IOAS)
			rule_fail(out, "ctx-isolation", "%s: hwpt %lu's IOAS is "
				  "not an IOAS of %s", cn, idx, cn);
	}
	sim_xa_for_each_raw(&ictx->groups, k, idx, ig)
		rule_igroup(out, w, c, ig);

	/* every device its driver attached is in the group's record */
	for (d = 0; d < w->spec->nr_devs; d++) {
		struct vfio_device *v = &w->vdev[d];

		if (!v->iommufd_device || v->iommufd_ictx != ictx ||
		    !v->iommufd_device->igroup)
			continue;
		for (p = 0; p < w->spec->nr_pasids && p < VFIO_MAX_PASIDS;
		     p++) {
			bool in = attach_has(igroup_attach(
				v->iommufd_device->igroup, p),
				v->iommufd_device);

			if (in != v->attached[p])
				rule_fail(out, "group-attach", "%s: device %s "
					  "is %s at pasid %u but %s its "
					  "group's attach record", cn,
					  w->devs[d]->name, v->attached[p] ?
					  "attached" : "detached", p,
					  in ? "in" : "not in");
		}
	}
}

/*
 * The VFIO noiommu registration gate (vfio_register_group_dev() through
 * vfio_noiommu): a VFIO device registered as noiommu exists only if
 * CONFIG_VFIO_NOIOMMU and enable_unsafe_noiommu_mode held when it
 * registered, and registering it tainted the kernel; a device without an
 * iommu_group registers only as noiommu.
 */
static void check_vfio_gate(struct check_result *out, struct world *w)
{
	unsigned int d;

	for (d = 0; d < w->spec->nr_devs; d++) {
		const struct vfio_device *v = &w->vdev[d];

		if (!v->registered || w->spec->devs[d].driver != W_DRV_VFIO)
			continue;
		if (v->noiommu && (!(w->vfio_optin & 1u << d) ||
				   !sim_kernel()->taint))
			rule_fail(out, "vfio-noiommu-gate", "device %s "
				  "registered as VFIO noiommu without %s",
				  w->devs[d]->name,
				  !(w->vfio_optin & 1u << d) ?
				  "CONFIG_VFIO_NOIOMMU and "
				  "enable_unsafe_noiommu_mode" :
				  "tainting the kernel");
		else if (!v->noiommu && w->spec->devs[d].group < 0)
			rule_fail(out, "vfio-noiommu-gate", "device %s with no "
				  "iommu_group registered as a normal VFIO "
				  "device", w->devs[d]->name);
	}
}

void check_state(struct check_result *out)
{
	struct world *w = world_get();
	static sigjmp_buf env;
	unsigned int c;

	/*
	 * The checks read the state raw. A state so broken that reading it
	 * faults (a freed or wild pointer the operation left behind) is an
	 * oops finding, under the same trap as the operations, never a crash.
	 */
	if (sigsetjmp(env, 0)) {
		sim_oops_arm(NULL);
		check_collect_shim(out, "(while checking the state)");
		return;
	}
	sim_oops_arm(&env);
	for (c = 0; c < w->spec->nr_ctxs; c++)
		if (w->alive[c]) {
			check_ctx(out, w, c);
			check_reserved(out, w, c);
			check_rules(out, w, c);
		}
	check_groups(out, w);
	check_vfio_gate(out, w);
	sim_oops_arm(NULL);
}

/* ------------------------------------------------------------- teardown */

/*
 * A kernel driver going away keeps its contract: on each handle, detach
 * every pasid it is attached at, then unbind. True on an oops.
 */
static bool teardown_handles(struct world *w, unsigned int d,
			     struct op_result *res)
{
	unsigned int k;
	u32 p;

	for (k = 0; k < W_MAX_HANDLES; k++) {
		struct op op = { .kind = OP_DETACH, .dev = d, .slot = k };

		if (!w->kh[d][k].idev)
			continue;
		for (p = 0; p < w->spec->nr_pasids; p++) {
			op.pasid = p;
			if (op_caller_breach(&op))
				continue;
			op_run(&op, NULL, res);
			if (res->oops)
				return true;
		}
		op = (struct op){ .kind = OP_UNBIND, .dev = d, .slot = k };
		op_run(&op, NULL, res);
		if (res->oops)
			return true;
	}
	return false;
}

void check_teardown(struct check_result *out, void *scratch)
{
	struct world *w = world_get();
	const struct world_spec *spec = w->spec;
	struct sim_alloc_info info[64];
	size_t used = sim_heap_used();
	unsigned int i, n;
	struct op op;
	struct op_result res = { 0 };

	sim_heap_save(scratch);
	sim_clear_findings();
	for (i = 0; i < spec->nr_devs; i++) {
		if (spec->devs[i].driver == W_DRV_KERNEL) {
			if (teardown_handles(w, i, &res))
				goto out;
			continue;
		}
		if (!w->vdev[i].iommufd_device)
			continue;
		op = (struct op){ .kind = OP_UNBIND, .dev = i };
		op_run(&op, NULL, &res);
		if (res.oops)
			goto out;
	}
	for (i = 0; i < spec->nr_ctxs; i++) {
		if (!w->ctx[i])
			continue;
		op = (struct op){ .kind = OP_CLOSE, .ctx = i };
		op_run(&op, NULL, &res);
		if (res.oops)
			goto out;
	}
	/* and the drivers go away (module unload) */
	for (i = 0; i < spec->nr_devs; i++) {
		if (!w->vdev[i].registered ||
		    spec->devs[i].driver != W_DRV_VFIO)
			continue;
		op = (struct op){ .kind = OP_VFIO_UNREGISTER, .dev = i };
		op_run(&op, NULL, &res);
		if (res.oops)
			goto out;
	}
	check_collect_shim(out, "(during teardown)");

	n = sim_census(SIM_CLASS_KERNEL, info, ARRAY_SIZE(info));
	for (i = 0; i < n && i < ARRAY_SIZE(info); i++) {
		char name[128], where[160];

		sim_site_name(info[i].site, name, sizeof(name));
		site_where(info[i].site, where, sizeof(where));
		check_add(out, SIM_F_LEAK, name, where,
			  "unreferenced object %s (%zu bytes) after closing "
			  "everything", leak_name(&info[i]), info[i].size);
		if (out->nr && !strcmp(out->f[out->nr - 1].where, where)) {
			struct bfinding *f = &out->f[out->nr - 1];

			snprintf(f->alloc, sizeof(f->alloc),
				 "allocated at %s (allocation #%lu)", where,
				 info[i].seq);
			f->alloc_stack = sim_stack_alloc(info[i].ptr,
							 info[i].seq);
			f->alloc_size = (unsigned int)info[i].size;
		}
	}
	for (i = 0; i < spec->nr_groups; i++) {
		struct iommu_group *g = w->groups[i];

		if (g->owner_cnt || g->owner)
			check_add(out, SIM_F_LEAK, "group:owner", "teardown",
				  "DMA ownership of group %s left behind "
				  "(count %u)", spec->groups[i], g->owner_cnt);
		if ((int)refcount_read(&g->ref) != w->group_ref0[i])
			check_add(out, SIM_F_LEAK, "group:ref", "teardown",
				  "group %s holds %d extra references",
				  spec->groups[i],
				  (int)refcount_read(&g->ref) -
				  w->group_ref0[i]);
		if (g->domain != g->default_domain)
			check_add(out, SIM_F_LEAK, "group:domain", "teardown",
				  "group %s not back on its default domain",
				  spec->groups[i]);
	}
out:
	if (res.oops)
		check_collect_shim(out, "(during teardown)");
	sim_heap_restore(scratch, used);
	sim_transient_reset();
}
