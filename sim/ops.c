// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations: parse, format, decode from bytes, enumerate, run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bindsim/params.h>

#include <linux/fs.h>

#include "iommufd_private.h"
#include "target.h"
#include "ops.h"

static const char *const op_names[OP_NR] = {
	[OP_BIND] = "bind",
	[OP_UNBIND] = "unbind",
	[OP_ATTACH] = "attach",
	[OP_DETACH] = "detach",
	[OP_HWPT_ALLOC] = "hwpt-alloc",
	[OP_DESTROY] = "destroy",
	[OP_CLOSE] = "close",
	[OP_VFIO_REGISTER] = "vfio-register",
	[OP_VFIO_UNREGISTER] = "vfio-unregister",
	[OP_SET] = "set",
	[OP_REPLACE] = "replace",
	[OP_IOAS_ALLOC] = "ioas-alloc",
	[OP_IOAS_MAP] = "ioas-map",
	[OP_IOAS_UNMAP] = "ioas-unmap",
	[OP_IOAS_IOVA_RANGES] = "ioas-iova-ranges",
};

static const char *const param_names[PARAM_NR] = {
	[PARAM_ALLOW_UNSAFE_INTERRUPTS] = "allow_unsafe_interrupts",
	[PARAM_ENABLE_UNSAFE_NOIOMMU_MODE] = "enable_unsafe_noiommu_mode",
	[PARAM_CAP_SYS_RAWIO] = "cap_sys_rawio",
};

/*
 * Argument shapes: D device, C ctx, P pasid, I id, F flag, K param, V 0|1,
 * A an address then L a length (u32: worlds live below 4 GiB)
 */
static const char *const op_args[OP_NR] = {
	[OP_BIND] = "DC",
	[OP_UNBIND] = "D",
	[OP_ATTACH] = "DPI",
	[OP_DETACH] = "DP",
	[OP_HWPT_ALLOC] = "CIIF",
	[OP_DESTROY] = "CI",
	[OP_CLOSE] = "C",
	[OP_VFIO_REGISTER] = "D",
	[OP_VFIO_UNREGISTER] = "D",
	[OP_SET] = "KV",
	[OP_REPLACE] = "DPI",
	[OP_IOAS_ALLOC] = "C",
	[OP_IOAS_MAP] = "CIAL",
	[OP_IOAS_UNMAP] = "CIAL",	/* or CTX IOAS all */
	[OP_IOAS_IOVA_RANGES] = "CI",
};

const char *op_kind_name(unsigned int kind)
{
	return kind < OP_NR ? op_names[kind] : "?";
}

static bool *param_field(struct sim_settings *s, unsigned int param)
{
	switch (param) {
	case PARAM_ALLOW_UNSAFE_INTERRUPTS:
		return &s->allow_unsafe_interrupts;
	case PARAM_ENABLE_UNSAFE_NOIOMMU_MODE:
		return &s->enable_unsafe_noiommu_mode;
	default:
		return &s->cap_sys_rawio;
	}
}

static int perr(char *err, size_t len, const char *fmt, const char *arg)
{
	snprintf(err, len, fmt, arg);
	return -1;
}

static int parse_u32(const char *s, u32 *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return -1;
	v = strtoul(s, &end, 0);
	if (*end || v > 0xffffffffUL)
		return -1;
	*out = v;
	return 0;
}

/* "fail=SITE#HIT@ORDINAL", "fail=SITE#HIT", "fail=@ORDINAL" */
static int parse_fault(const char *s, struct op_fault *fault, char *err,
		       size_t errlen)
{
	char buf[sizeof(fault->site) + 32];
	char *at, *hash;
	u32 v;

	if (strlen(s) >= sizeof(buf))
		return perr(err, errlen, "fault spec too long: '%s'", s);
	strcpy(buf, s);
	at = strchr(buf, '@');
	if (at) {
		*at = 0;
		if (parse_u32(at + 1, &v) || !v || v > SIM_MAX_FAULT_POINTS)
			return perr(err, errlen,
				    "bad fault ordinal in '%s' (1..64)", s);
		fault->ordinal = v;
	}
	if (!buf[0]) {
		if (!at)
			return perr(err, errlen, "empty fault spec '%s'", s);
		return 0;
	}
	hash = strchr(buf, '#');
	fault->hit = 1;
	if (hash) {
		*hash = 0;
		if (parse_u32(hash + 1, &v) || !v || v > 64)
			return perr(err, errlen, "bad fault hit in '%s'", s);
		fault->hit = v;
	}
	if (!strchr(buf, ':') || strlen(buf) >= sizeof(fault->site))
		return perr(err, errlen,
			    "fault site must be func:what, got '%s'", buf);
	strcpy(fault->site, buf);
	return 0;
}

/*
 * DEV, or DEV.SLOT: a driver=kernel device's handle (DEV alone: slot 0).
 * A bind takes the next free slot, so it names none.
 */
static int parse_dev(const struct world_spec *spec, unsigned int kind,
		     const char *a, struct op *op, char *err, size_t errlen)
{
	char name[W_NAME + 8];
	char *dot;
	int idx;
	u32 v;

	snprintf(name, sizeof(name), "%s", a);
	dot = strchr(name, '.');
	if (dot)
		*dot = 0;
	idx = world_dev_index(spec, name);
	if (idx < 0)
		return perr(err, errlen, "unknown device '%s'", a);
	op->dev = idx;
	if (!dot)
		return 0;
	if (spec->devs[idx].driver != W_DRV_KERNEL || kind == OP_BIND)
		return perr(err, errlen, "'%s': only a driver=kernel device's "
			    "unbind, attach, replace or detach names a handle "
			    "(DEV.SLOT)", a);
	if (parse_u32(dot + 1, &v) || v >= W_MAX_HANDLES)
		return perr(err, errlen, "'%s': handle slot out of range "
			    "(0 or 1)", a);
	op->slot = v;
	return 0;
}

int op_parse(const struct world_spec *spec, const char *text, struct op *op,
	     struct op_fault *fault, char *err, size_t errlen)
{
	char buf[OP_TEXT * 2], *tok[8], *s;
	const char *shape;
	unsigned int kind, ntok = 0, i;

	memset(op, 0, sizeof(*op));
	memset(fault, 0, sizeof(*fault));
	if (strlen(text) >= sizeof(buf))
		return perr(err, errlen, "operation too long%s", "");
	strcpy(buf, text);
	for (s = strtok(buf, " \t\r\n"); s; s = strtok(NULL, " \t\r\n")) {
		if (ntok == ARRAY_SIZE(tok))
			return perr(err, errlen, "too many words in '%s'",
				    text);
		tok[ntok++] = s;
	}
	if (!ntok)
		return perr(err, errlen, "empty operation%s", "");
	for (kind = 0; kind < OP_NR; kind++)
		if (!strcmp(tok[0], op_names[kind]))
			break;
	if (kind == OP_NR)
		return perr(err, errlen,
			    "unknown operation '%s' (see 'bindsim ops')",
			    tok[0]);
	op->kind = kind;
	if (ntok > 1 && !strncmp(tok[ntok - 1], "fail=", 5)) {
		if (parse_fault(tok[ntok - 1] + 5, fault, err, errlen))
			return -1;
		ntok--;
	}
	shape = op_args[kind];
	for (i = 0; shape[i]; i++) {
		const char *a = 1 + i < ntok ? tok[1 + i] : NULL;
		int idx;
		u32 v;

		if (!a) {
			if (shape[i] == 'F')
				break;
			snprintf(err, errlen, "%s: missing argument %u",
				 op_names[kind], i + 1);
			return -1;
		}
		switch (shape[i]) {
		case 'D':
			if (parse_dev(spec, kind, a, op, err, errlen))
				return -1;
			break;
		case 'C':
			idx = world_ctx_index(spec, a);
			if (idx < 0)
				return perr(err, errlen, "unknown ctx '%s'", a);
			op->ctx = idx;
			break;
		case 'P':
			if (parse_u32(a, &v) || v >= spec->nr_pasids)
				return perr(err, errlen,
					    "pasid '%s' out of range for this world",
					    a);
			op->pasid = v;
			break;
		case 'I':
			if (parse_u32(a, &v))
				return perr(err, errlen, "bad id '%s'", a);
			if (i == 2 && kind == OP_HWPT_ALLOC)
				op->id2 = v;
			else
				op->id = v;
			break;
		case 'A':
			if (kind == OP_IOAS_UNMAP && !strcmp(a, "all")) {
				/* IOVA 0, length U64_MAX: everything */
				op->flags = 1;
				i++;
				goto args_done;
			}
			__attribute__((fallthrough));
		case 'L':
			if (parse_u32(a, &v) || (shape[i] == 'L' && !v))
				return perr(err, errlen, "bad address or "
					    "length '%s'", a);
			if (shape[i] == 'A')
				op->id2 = v;
			else
				op->len = v;
			break;
		case 'F':
			if (strcmp(a, "pasid"))
				return perr(err, errlen,
					    "expected 'pasid', got '%s'", a);
			op->flags = 1;
			break;
		case 'K':
			for (idx = 0; idx < PARAM_NR; idx++)
				if (!strcmp(a, param_names[idx]))
					break;
			if (idx == PARAM_NR)
				return perr(err, errlen,
					    "unknown parameter '%s'", a);
			op->param = idx;
			break;
		case 'V':
			if (strcmp(a, "0") && strcmp(a, "1"))
				return perr(err, errlen,
					    "expected 0 or 1, got '%s'", a);
			op->value = a[0] == '1';
			break;
		}
	}
args_done:
	if (1 + i < ntok)
		return perr(err, errlen, "extra argument '%s'", tok[1 + i]);
	return 0;
}

void op_format(const struct world_spec *spec, const struct op *op,
	       const struct op_fault *fault, char *buf, size_t len)
{
	const char *name = op->dev < spec->nr_devs ?
			   spec->devs[op->dev].name : "?";
	const char *ctx = op->ctx < spec->nr_ctxs ? spec->ctxs[op->ctx].name :
						   "?";
	char dev[W_NAME + 8];
	size_t n;

	/* a kernel driver's handle: DEV.SLOT, slot 0 as plain DEV */
	if (op->slot && op->kind != OP_BIND)
		snprintf(dev, sizeof(dev), "%s.%u", name, op->slot);
	else
		snprintf(dev, sizeof(dev), "%s", name);
	switch (op->kind) {
	case OP_BIND:
		n = snprintf(buf, len, "bind %s %s", dev, ctx);
		break;
	case OP_UNBIND:
	case OP_VFIO_REGISTER:
	case OP_VFIO_UNREGISTER:
		n = snprintf(buf, len, "%s %s", op_names[op->kind], dev);
		break;
	case OP_ATTACH:
	case OP_REPLACE:
		n = snprintf(buf, len, "%s %s %u %u", op_names[op->kind], dev,
			     op->pasid, op->id);
		break;
	case OP_DETACH:
		n = snprintf(buf, len, "detach %s %u", dev, op->pasid);
		break;
	case OP_HWPT_ALLOC:
		n = snprintf(buf, len, "hwpt-alloc %s %u %u%s", ctx, op->id,
			     op->id2, op->flags ? " pasid" : "");
		break;
	case OP_DESTROY:
		n = snprintf(buf, len, "destroy %s %u", ctx, op->id);
		break;
	case OP_CLOSE:
	case OP_IOAS_ALLOC:
		n = snprintf(buf, len, "%s %s", op_names[op->kind], ctx);
		break;
	case OP_IOAS_MAP:
	case OP_IOAS_UNMAP:
		if (op->kind == OP_IOAS_UNMAP && op->flags)
			n = snprintf(buf, len, "ioas-unmap %s %u all", ctx,
				     op->id);
		else
			n = snprintf(buf, len, "%s %s %u 0x%x 0x%x",
				     op_names[op->kind], ctx, op->id, op->id2,
				     op->len);
		break;
	case OP_IOAS_IOVA_RANGES:
		n = snprintf(buf, len, "ioas-iova-ranges %s %u", ctx, op->id);
		break;
	case OP_SET:
		n = snprintf(buf, len, "set %s %u",
			     op->param < PARAM_NR ?
			     param_names[op->param] : "?",
			     op->value);
		break;
	default:
		n = snprintf(buf, len, "?");
		break;
	}
	if (!fault || n >= len)
		return;
	if (fault->site[0])
		snprintf(buf + n, len - n, " fail=%s#%u%s%.0u", fault->site,
			 fault->hit, fault->ordinal ? "@" : "",
			 fault->ordinal);
	else if (fault->ordinal)
		snprintf(buf + n, len - n, " fail=@%u", fault->ordinal);
}

/* Page-granular IOVAs: worlds map and reserve below 4 GiB */
#define IOAS_PAGE 0x1000u

static bool world_range_overlaps(const struct world_spec *spec, u64 start,
				 u64 last, u64 *end)
{
	unsigned int i, k;

	for (i = 0; i < spec->nr_devs; i++)
		for (k = 0; k < spec->devs[i].nr_resv; k++) {
			const struct iommu_resv_region *r =
				&spec->devs[i].resv[k];

			if (r->start <= last &&
			    start <= r->start + r->length - 1) {
				*end = r->start + r->length;
				return true;
			}
		}
	for (i = 0; i < spec->nr_ctxs; i++)
		for (k = 0; k < spec->ctxs[i].nr_maps; k++) {
			const struct w_map *m = &spec->ctxs[i].maps[k];

			if (m->start <= last && start <= m->start + m->length - 1) {
				*end = m->start + m->length;
				return true;
			}
		}
	return false;
}

/*
 * The IOVA classes of the IOAS operations: the lowest page no device
 * reserves and no world map covers, then the start of every reserved
 * region (a map there is refused while the reservation stands).
 */
static unsigned int ioas_iovas(const struct world_spec *spec, u32 *out,
			       unsigned int max)
{
	u64 free = 0, end;
	unsigned int n = 0, i, k, j;

	while (free < 0x100000000ULL &&
	       world_range_overlaps(spec, free, free + IOAS_PAGE - 1, &end))
		free = (end + IOAS_PAGE - 1) & ~(u64)(IOAS_PAGE - 1);
	out[n++] = free;
	for (i = 0; i < spec->nr_devs; i++)
		for (k = 0; k < spec->devs[i].nr_resv; k++) {
			u32 a = spec->devs[i].resv[k].start & ~(IOAS_PAGE - 1);

			for (j = 0; j < n && out[j] != a; j++)
				;
			if (j == n && n < max)
				out[n++] = a;
		}
	return n;
}

void op_decode_bytes(const struct world_spec *spec, const u8 *b,
		     struct op *op, struct op_fault *fault)
{
	memset(op, 0, sizeof(*op));
	memset(fault, 0, sizeof(*fault));
	op->kind = b[0] % OP_NR_BYTES;
	op->dev = b[1] % spec->nr_devs;
	/* a bind names both: its ctx has a byte of its own */
	op->ctx = (op->kind == OP_BIND ? b[2] : b[1]) % spec->nr_ctxs;
	op->pasid = (b[1] >> 4) % spec->nr_pasids;
	op->param = b[1] % PARAM_NR;
	op->value = (b[1] >> 4) & 1;
	op->flags = (b[1] >> 7) & 1;
	/* ids 0..id_max+1: every slot, and one past the limit */
	op->id = b[2] % (spec->id_max + 2);
	op->id2 = b[3] % (spec->id_max + 2);
	if (op->kind == OP_ATTACH || op->kind == OP_REPLACE)
		op->id = b[3] % (spec->id_max + 2);
	/* low bits: the fault ordinal to fail, 0 = none */
	fault->ordinal = b[4] % 16;
	/* bit 4: a kernel driver's handle (bind takes the next free one) */
	if (spec->devs[op->dev].driver == W_DRV_KERNEL && op->kind != OP_BIND)
		op->slot = (b[4] >> 4) & 1;
	/* IOAS map and unmap: a page at one of the world's IOVA classes */
	if (op->kind == OP_IOAS_MAP || op->kind == OP_IOAS_UNMAP) {
		u32 iovas[1 + W_MAX_DEVS * SIM_MAX_RESV];
		unsigned int n = ioas_iovas(spec, iovas, ARRAY_SIZE(iovas));

		if (op->kind == OP_IOAS_MAP)
			op->flags = 0;
		op->id2 = op->flags ? 0 : iovas[b[3] % n];
		op->len = op->flags ? 0 : IOAS_PAGE;
	} else if (op->kind == OP_IOAS_ALLOC || op->kind == OP_IOAS_IOVA_RANGES) {
		op->flags = 0;
		op->id2 = 0;
	}
}

void op_encode_bytes(const struct op *op, const struct op_fault *fault,
		     u8 *b)
{
	b[0] = op->kind;
	b[1] = op->dev | (op->pasid << 4) | (op->flags << 7);
	switch (op->kind) {
	case OP_BIND:
		b[1] = op->dev;
		b[2] = op->ctx;
		break;
	case OP_HWPT_ALLOC:
	case OP_DESTROY:
	case OP_CLOSE:
	case OP_IOAS_ALLOC:
	case OP_IOAS_MAP:
	case OP_IOAS_UNMAP:
	case OP_IOAS_IOVA_RANGES:
		/* the IOVA class (b[3]) is found by encode_op()'s search */
		b[1] = op->ctx | (op->flags << 7);
		break;
	case OP_SET:
		b[1] = op->param | (op->value << 4);
		break;
	default:
		break;
	}
	if (op->kind != OP_BIND)
		b[2] = op->id;
	b[3] = op->kind == OP_ATTACH || op->kind == OP_REPLACE ? op->id :
								 op->id2;
	b[4] = (fault ? fault->ordinal : 0) | (op->slot & 1) << 4;
}

/*
 * What a call handed back besides its return code, as the trace prints
 * it ("" when nothing): the id an alloc or bind returns, the bytes an
 * unmap removed, the ranges IOMMU_IOAS_IOVA_RANGES reported.
 */
void op_format_result(const struct op *op, const struct op_result *res,
		      char *buf, size_t len)
{
	unsigned int i;
	size_t n;

	buf[0] = 0;
	if (res->oops || !res->applicable)
		return;
	switch (op->kind) {
	case OP_BIND:
	case OP_HWPT_ALLOC:
	case OP_IOAS_ALLOC:
		if (!res->ret)
			snprintf(buf, len, "id %u", res->out_id);
		break;
	case OP_ATTACH:
		if (!res->ret)
			snprintf(buf, len, "pt_id %u", res->out_id);
		break;
	case OP_IOAS_UNMAP:
		if (!res->ret)
			snprintf(buf, len, "unmapped 0x%llx",
				 (unsigned long long)res->unmapped);
		break;
	case OP_IOAS_IOVA_RANGES:
		if (res->ret && res->ret != -EMSGSIZE)
			break;
		n = snprintf(buf, len, "%u range%s", res->nr_ranges,
			     res->nr_ranges == 1 ? "" : "s");
		for (i = 0; i < res->nr_ranges && i < OP_MAX_RANGES && n < len;
		     i++)
			n += snprintf(buf + n, len - n, " 0x%llx-0x%llx",
				      (unsigned long long)res->ranges[i].start,
				      (unsigned long long)res->ranges[i].last);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ enumerate */

/* Present ids (visible or reserved) of a context, plus one absent id. */
static unsigned int ctx_ids(struct iommufd_ctx *ictx, u32 id_max, u32 *ids,
			    int type, bool want_type)
{
	unsigned int n = 0;
	bool absent_done = false;
	u32 id;

	for (id = 1; id <= id_max; id++) {
		void *e = sim_xa_raw(&ictx->objects, id);

		if (!e) {
			if (!absent_done && !want_type) {
				ids[n++] = id;
				absent_done = true;
			}
			continue;
		}
		if (e == XA_ZERO_ENTRY) {
			if (!want_type)
				ids[n++] = id;
			continue;
		}
		if (!want_type ||
		    ((struct iommufd_object *)e)->type == (unsigned int)type)
			ids[n++] = id;
	}
	if (!absent_done && !want_type)
		ids[n++] = id_max + 1;
	return n;
}

/* One id that is not of @type: the first other present id, else absent. */
static u32 wrong_id(struct iommufd_ctx *ictx, u32 id_max, int type)
{
	u32 id;

	for (id = 1; id <= id_max; id++) {
		struct iommufd_object *obj = sim_xa_raw(&ictx->objects, id);

		if (!obj)
			return id;
		if (obj != XA_ZERO_ENTRY && obj->type != (unsigned int)type)
			return id;
	}
	return id_max + 1;
}

/* Is @idev in its igroup's attach record at @pasid (the kernel's own)? */
static bool idev_attached(struct iommufd_device *idev, u32 pasid)
{
	struct iommufd_attach *a;

	if (!idev->igroup)
		return false;
	a = sim_xa_raw(&idev->igroup->pasid_attach, pasid);
	return a && a != XA_ZERO_ENTRY &&
	       sim_xa_raw(&a->device_array, idev->obj.id) == idev;
}

const char *op_caller_breach(const struct op *op)
{
	struct world *w = world_get();
	const struct world_spec *spec = w->spec;
	struct iommufd_device *idev;
	u32 p;

	if (op->dev >= spec->nr_devs ||
	    spec->devs[op->dev].driver != W_DRV_KERNEL ||
	    op->slot >= W_MAX_HANDLES)
		return NULL;
	idev = w->kh[op->dev][op->slot].idev;
	if (!idev)
		return NULL;
	switch (op->kind) {
	case OP_UNBIND:
		/*
		 * iommufd_device_attach(): "catches caller bugs attempting
		 * to destroy a device with an attachment"
		 */
		for (p = 0; p < spec->nr_pasids; p++)
			if (idev_attached(idev, p))
				return "unbind:attached";
		return NULL;
	case OP_DETACH:
		/* iommufd_device_detach() undoes iommufd_device_attach() */
		if (op->pasid < spec->nr_pasids &&
		    !idev_attached(idev, op->pasid))
			return "detach:unattached";
		return NULL;
	default:
		return NULL;
	}
}

#define ADD(...)							\
	do {								\
		if (n < max) {						\
			ops[n] = (struct op){ __VA_ARGS__ };		\
			n++;						\
		}							\
	} while (0)

/*
 * The opt-in IOAS operations of context @c, on each IOAS id (the last of
 * @ioas_ids is absent or of another type): alloc; iova-ranges; a page
 * mapped at each IOVA class; unmap of everything, of the free page
 * (nothing there) and of each area exactly.
 */
static unsigned int enumerate_ioas_ops(const struct world_spec *spec,
				       struct iommufd_ctx *ictx,
				       unsigned int c, const u32 *ioas_ids,
				       unsigned int nioas, struct op *ops,
				       unsigned int n, unsigned int max)
{
	u32 iovas[1 + W_MAX_DEVS * SIM_MAX_RESV];
	unsigned int niovas, i, k;
	u32 mask = spec->op_mask;

	niovas = ioas_iovas(spec, iovas, ARRAY_SIZE(iovas));
	if (mask & (1u << OP_IOAS_ALLOC))
		ADD(.kind = OP_IOAS_ALLOC, .ctx = c);
	for (i = 0; i < nioas; i++) {
		struct iommufd_object *obj = sim_xa_raw(&ictx->objects,
							ioas_ids[i]);
		/* the wrong id: one argument class is enough */
		unsigned int nv = i + 1 < nioas ? niovas : 1;

		if (mask & (1u << OP_IOAS_IOVA_RANGES))
			ADD(.kind = OP_IOAS_IOVA_RANGES, .ctx = c,
			    .id = ioas_ids[i]);
		if (mask & (1u << OP_IOAS_MAP))
			for (k = 0; k < nv; k++)
				ADD(.kind = OP_IOAS_MAP, .ctx = c,
				    .id = ioas_ids[i], .id2 = iovas[k],
				    .len = IOAS_PAGE);
		if (!(mask & (1u << OP_IOAS_UNMAP)))
			continue;
		ADD(.kind = OP_IOAS_UNMAP, .ctx = c, .id = ioas_ids[i],
		    .flags = 1);
		ADD(.kind = OP_IOAS_UNMAP, .ctx = c, .id = ioas_ids[i],
		    .id2 = iovas[0], .len = IOAS_PAGE);
		if (i + 1 < nioas && obj && obj != XA_ZERO_ENTRY &&
		    obj->type == IOMMUFD_OBJ_IOAS) {
			struct iommufd_ioas *ioas = container_of(
				obj, struct iommufd_ioas, obj);
			struct target_resv a[8];
			unsigned int na = target_ioas_areas(ioas, a,
							    ARRAY_SIZE(a));

			for (k = 0; k < na && k < ARRAY_SIZE(a); k++)
				if (a[k].start != iovas[0] ||
				    a[k].last != iovas[0] + IOAS_PAGE - 1)
					ADD(.kind = OP_IOAS_UNMAP, .ctx = c,
					    .id = ioas_ids[i],
					    .id2 = a[k].start,
					    .len = a[k].last - a[k].start + 1);
		}
	}
	return n;
}

/*
 * A driver=kernel device: bind while its driver has a free handle slot; on
 * each handle, attach and replace at every pasid and id, attached or not
 * (the kernel refuses a second attach, and a replace of nothing), detach
 * where it is attached, unbind once it is attached nowhere.
 * Contract breaches are not enumerated: every state past one is the
 * caller's bug; reproducers and tests show the breach itself.
 */
static unsigned int enumerate_kernel(struct world *w, unsigned int d,
				     struct op *ops, unsigned int n,
				     unsigned int max)
{
	const struct world_spec *spec = w->spec;
	bool free_slot = false;
	unsigned int k, c, p, i, nids;
	u32 ids[70];

	for (k = 0; k < W_MAX_HANDLES; k++) {
		struct w_handle *h = &w->kh[d][k];
		bool attached = false;

		if (!h->idev) {
			free_slot = true;
			continue;
		}
		nids = ctx_ids(h->ictx, spec->id_max, ids, 0, false);
		for (p = 0; p < spec->nr_pasids; p++) {
			for (i = 0; i < nids; i++) {
				ADD(.kind = OP_ATTACH, .dev = d, .slot = k,
				    .pasid = p, .id = ids[i]);
				ADD(.kind = OP_REPLACE, .dev = d, .slot = k,
				    .pasid = p, .id = ids[i]);
			}
			if (idev_attached(h->idev, p)) {
				attached = true;
				ADD(.kind = OP_DETACH, .dev = d, .slot = k,
				    .pasid = p);
			}
		}
		if (!attached)
			ADD(.kind = OP_UNBIND, .dev = d, .slot = k);
	}
	if (!free_slot)
		return n;
	for (c = 0; c < spec->nr_ctxs; c++)
		if (w->ctx[c] && (spec->devs[d].ctx_mask & (1u << c)))
			ADD(.kind = OP_BIND, .dev = d, .ctx = c);
	return n;
}

/*
 * Argument classes: ids range over every id that is present in the context
 * (of the right type where the operation needs one) plus one absent or
 * wrong-typed id; the model treats every absent id alike. Operations the
 * driver itself would refuse without reaching iommufd (binding a bound
 * device) are left out.
 */
unsigned int op_enumerate(struct op *ops, unsigned int max)
{
	struct world *w = world_get();
	const struct world_spec *spec = w->spec;
	u32 ids[70], devids[70], ptids[70];
	unsigned int n = 0, d, c, p, i, j, k;

	for (d = 0; d < spec->nr_devs; d++) {
		struct vfio_device *vdev = &w->vdev[d];

		if (spec->devs[d].driver == W_DRV_KERNEL) {
			n = enumerate_kernel(w, d, ops, n, max);
			continue;
		}
		if (!vdev->iommufd_device) {
			for (c = 0; c < spec->nr_ctxs; c++)
				if (w->ctx[c] &&
				    (spec->devs[d].ctx_mask & (1u << c)))
					ADD(.kind = OP_BIND, .dev = d,
					    .ctx = c);
		} else {
			unsigned int nids;

			ADD(.kind = OP_UNBIND, .dev = d);
			nids = ctx_ids(vdev->iommufd_ictx, spec->id_max, ids, 0,
				       false);
			for (p = 0; p < spec->nr_pasids; p++) {
				for (i = 0; i < nids; i++)
					ADD(.kind = OP_ATTACH, .dev = d,
					    .pasid = p, .id = ids[i]);
				if (vdev->attached[p])
					ADD(.kind = OP_DETACH, .dev = d,
					    .pasid = p);
			}
		}
		if (!vdev->registered)
			ADD(.kind = OP_VFIO_REGISTER, .dev = d);
		else if (!vdev->iommufd_device)
			ADD(.kind = OP_VFIO_UNREGISTER, .dev = d);
	}
	for (c = 0; c < spec->nr_ctxs; c++) {
		struct iommufd_ctx *ictx = w->ctx[c];
		unsigned int nd, np, nids;

		if (!ictx)
			continue;
		nd = ctx_ids(ictx, spec->id_max, devids, IOMMUFD_OBJ_DEVICE,
			     true);
		devids[nd++] = wrong_id(ictx, spec->id_max, IOMMUFD_OBJ_DEVICE);
		np = ctx_ids(ictx, spec->id_max, ptids, IOMMUFD_OBJ_IOAS, true);
		ptids[np++] = wrong_id(ictx, spec->id_max, IOMMUFD_OBJ_IOAS);
		for (i = 0; i < nd; i++)
			for (j = 0; j < np; j++)
				for (k = 0; k < 2; k++)
					ADD(.kind = OP_HWPT_ALLOC, .ctx = c,
					    .id = devids[i], .id2 = ptids[j],
					    .flags = k);
		nids = ctx_ids(ictx, spec->id_max, ids, 0, false);
		for (i = 0; i < nids; i++)
			ADD(.kind = OP_DESTROY, .ctx = c, .id = ids[i]);
		ADD(.kind = OP_CLOSE, .ctx = c);
		if (spec->op_mask)
			n = enumerate_ioas_ops(spec, ictx, c, ptids, np, ops,
					       n, max);
	}
	for (p = 0; p < PARAM_NR; p++)
		if (spec->param_mask & (1u << p))
			ADD(.kind = OP_SET, .param = p,
			    .value = !*param_field(&sim_kernel()->settings,
						   p));
	return n;
}

/* ------------------------------------------------------------------ run */

/* The bound device an operation names (pasid in range), or NULL. */
static struct vfio_device *bound_vdev(struct world *w, const struct op *op)
{
	if (op->dev >= w->spec->nr_devs || op->pasid >= w->spec->nr_pasids ||
	    !w->vdev[op->dev].iommufd_device)
		return NULL;
	return &w->vdev[op->dev];
}

/*
 * A driver=kernel device's operation: the exported iommufd API, called
 * directly on one of its driver's handles, under the in-kernel contract.
 */
static int kernel_dispatch(struct world *w, const struct op *op,
			   struct op_result *res)
{
	const struct world_spec *spec = w->spec;
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	struct w_handle *h;
	unsigned int k;
	u32 id;
	int rc;

	if (op->kind == OP_BIND) {
		if (op->ctx >= spec->nr_ctxs)
			return -EINVAL;
		ictx = w->ctx[op->ctx];
		if (!ictx)
			return -EBADF;
		for (k = 0; k < W_MAX_HANDLES && w->kh[op->dev][k].idev; k++)
			;
		/* the driver holds no more handles */
		if (k == W_MAX_HANDLES)
			return -ENOSPC;
		res->applicable = true;
		idev = iommufd_device_bind(ictx, w->devs[op->dev], &id);
		if (IS_ERR(idev))
			return PTR_ERR(idev);
		w->kh[op->dev][k] = (struct w_handle){ idev, ictx, id };
		res->out_id = id;
		res->slot = k;
		return 0;
	}
	if (op->slot >= W_MAX_HANDLES || op->pasid >= spec->nr_pasids)
		return -EINVAL;
	h = &w->kh[op->dev][op->slot];
	/* no such handle: the driver has nothing to call with */
	if (!h->idev)
		return -EINVAL;
	res->applicable = true;
	res->caller = op_caller_breach(op);
	idev = h->idev;
	switch (op->kind) {
	case OP_UNBIND:
		/* the handle is gone for the driver whatever the kernel does */
		*h = (struct w_handle){ 0 };
		iommufd_device_unbind(idev);
		return 0;
	case OP_DETACH:
		iommufd_device_detach(idev, op->pasid);
		return 0;
	case OP_ATTACH:
	case OP_REPLACE:
		id = op->id;
		if (op->kind == OP_ATTACH)
			rc = iommufd_device_attach(idev, op->pasid, &id);
		else
			rc = iommufd_device_replace(idev, op->pasid, &id);
		if (!rc)
			res->out_id = id;
		return rc;
	default:
		return -EINVAL;
	}
}

static int op_dispatch(const struct op *op, struct op_result *res)
{
	struct world *w = world_get();
	const struct world_spec *spec = w->spec;
	struct vfio_device *vdev;
	struct iommufd_ctx *ictx;
	u32 id;
	int rc;

	switch (op->kind) {
	case OP_BIND:
	case OP_UNBIND:
	case OP_ATTACH:
	case OP_DETACH:
	case OP_REPLACE:
		if (op->dev >= spec->nr_devs)
			return -EINVAL;
		if (spec->devs[op->dev].driver == W_DRV_KERNEL)
			return kernel_dispatch(w, op, res);
		/* VFIO's attach replaces: no separate replace */
		if (op->kind == OP_REPLACE)
			return -ENODEV;
		break;
	default:
		break;
	}
	switch (op->kind) {
	case OP_BIND:
		if (op->ctx >= spec->nr_ctxs)
			return -EINVAL;
		vdev = &w->vdev[op->dev];
		ictx = w->ctx[op->ctx];
		if (!ictx)
			return -EBADF;
		res->applicable = true;
		rc = vfio_device_cdev_open_bind(vdev, ictx, &id);
		if (!rc)
			res->out_id = id;
		return rc;
	case OP_UNBIND:
	case OP_ATTACH:
	case OP_DETACH:
		/* the driver refuses these for a device it has not bound */
		vdev = bound_vdev(w, op);
		if (!vdev)
			return -EINVAL;
		res->applicable = true;
		if (op->kind == OP_UNBIND) {
			vfio_iommufd_physical_unbind(vdev);
			return 0;
		}
		if (op->kind == OP_DETACH) {
			vfio_iommufd_physical_detach(vdev, op->pasid);
			return 0;
		}
		id = op->id;
		rc = vfio_iommufd_physical_attach(vdev, op->pasid, &id);
		if (!rc)
			res->out_id = id;
		return rc;
	case OP_HWPT_ALLOC:
	case OP_DESTROY:
	case OP_CLOSE:
	case OP_IOAS_ALLOC:
	case OP_IOAS_MAP:
	case OP_IOAS_UNMAP:
	case OP_IOAS_IOVA_RANGES:
		if (op->ctx >= spec->nr_ctxs)
			return -EINVAL;
		ictx = w->ctx[op->ctx];
		if (!ictx)
			return -EBADF;
		res->applicable = true;
		if (op->kind == OP_HWPT_ALLOC) {
			rc = target_hwpt_alloc(ictx, op->id, op->id2,
					       op->flags ?
					       IOMMU_HWPT_ALLOC_PASID : 0,
					       &id);
			if (!rc)
				res->out_id = id;
			return rc;
		}
		if (op->kind == OP_DESTROY)
			return target_destroy(ictx, op->id);
		if (op->kind == OP_IOAS_ALLOC) {
			rc = target_ioas_alloc(ictx, &id);
			if (!rc)
				res->out_id = id;
			return rc;
		}
		if (op->kind == OP_IOAS_MAP)
			return target_ioas_map_fixed(ictx, op->id, op->id2,
						     op->len);
		if (op->kind == OP_IOAS_UNMAP)
			return target_ioas_unmap(ictx, op->id,
						 op->flags ? 0 : op->id2,
						 op->flags ? U64_MAX : op->len,
						 &res->unmapped);
		if (op->kind == OP_IOAS_IOVA_RANGES)
			return target_ioas_iova_ranges(ictx, op->id,
						       res->ranges,
						       OP_MAX_RANGES,
						       &res->nr_ranges);
		w->ctx[op->ctx] = NULL;
		fput(ictx->file);
		return 0;
	case OP_VFIO_REGISTER:
	case OP_VFIO_UNREGISTER:
		if (op->dev >= spec->nr_devs ||
		    spec->devs[op->dev].driver != W_DRV_VFIO)
			return -ENODEV;
		res->applicable = true;
		vdev = &w->vdev[op->dev];
		if (op->kind == OP_VFIO_REGISTER)
			return vfio_register_group_dev(vdev);
		return vfio_unregister_group_dev(vdev);
	case OP_SET:
		if (op->param >= PARAM_NR)
			return -EINVAL;
		res->applicable = true;
		*param_field(&sim_kernel()->settings, op->param) = op->value;
		return 0;
	}
	return -EINVAL;
}

/*
 * What the post-conditions (sim/check.c) need from before the call, and the
 * engine's record of the VFIO noiommu opt-ins at registration.
 */
static void op_pre(const struct op *op, struct op_result *res)
{
	struct world *w = world_get();
	struct w_handle h;
	unsigned int i;

	res->pre_ctx = -1;
	res->slot = -1;
	if (op->kind != OP_UNBIND || op->dev >= w->spec->nr_devs)
		return;
	h = world_binding(w, op->dev, op->slot);
	for (i = 0; i < w->spec->nr_ctxs; i++)
		if (w->alive[i] && w->alive[i] == h.ictx)
			res->pre_ctx = i;
	res->pre_id = h.devid;
}

static void op_post(const struct op *op, const struct op_result *res)
{
	struct world *w = world_get();
	const struct sim_settings *s = &sim_kernel()->settings;

	if (op->kind != OP_VFIO_REGISTER || !res->applicable || res->ret ||
	    op->dev >= w->spec->nr_devs)
		return;
	if (s->CONFIG_VFIO_NOIOMMU && s->enable_unsafe_noiommu_mode)
		w->vfio_optin |= 1u << op->dev;
	else
		w->vfio_optin &= ~(1u << op->dev);
}

void op_run(const struct op *op, const struct op_fault *fault,
	    struct op_result *res)
{
	static sigjmp_buf env;

	memset(res, 0, sizeof(*res));
	op_pre(op, res);
	sim_fault_clear();
	if (fault) {
		if (fault->site[0])
			sim_fault_fail_site(fault->site, fault->hit);
		else if (fault->ordinal)
			sim_fault_fail_nth(fault->ordinal);
		if (fault->mask)
			sim_fault_fail_mask(fault->mask);
	}
	if (sigsetjmp(env, 0)) {
		/* The "task" died: what it held stays held, as in the kernel */
		sim_fault_end();
		sim_oops_arm(NULL);
		res->oops = true;
		res->applicable = true;
		res->nr_faults = sim_fault_count();
		res->ret = -EFAULT;
		sim_fault_clear();
		return;
	}
	sim_oops_arm(&env);
	/* module parameters follow the world's settings (snapshotted) */
	sim_params_load(&sim_kernel()->settings);
	sim_fault_begin();
	res->ret = op_dispatch(op, res);
	sim_fault_end();
	op_post(op, res);
	res->nr_faults = sim_fault_count();
	/* Back to user space: deferred fput, then no lock may be held */
	sim_task_work_run();
	world_reap();
	sim_lockdep_check_return(SIM_SITE("syscall return"));
	sim_oops_arm(NULL);
	sim_fault_clear();
}
