// SPDX-License-Identifier: GPL-2.0-only
/*
 * World text format (one directive per line, '#' starts a comment):
 *
 *   world NAME
 *   group NAME...
 *   device NAME group=GROUP|none iommu=N|none [coherent] [enforce] [msi]
 *          [mock] [pasids=N] [driver=vfio|kernel] [ctxs=CTX,CTX...]
 *          [resv=TYPE:START+LEN]...
 *   ctx NAME [ioas|ioas=N] [ids=N] [map=START+LEN]...
 *   params NAME...   module parameters the explorer toggles (set ops)
 *   ids N            object ids per context (1..N), default 8
 *   pasids N         pasids the explorer attaches (0..N-1), default 1
 *   ops OP...        opt-in operations the explorer generates too:
 *                    ioas-alloc ioas-map ioas-unmap ioas-iova-ranges
 *   identical NAME NAME...
 *                    devices (or contexts) declared above that differ only
 *                    in name: explore --symmetry takes a state once for
 *                    every permutation of them (24 permutations at most)
 *   boot KEY=0|1...  a boot variant (Kconfig and module parameters);
 *                    CONFIG_IOMMUFD_NOIOMMU=1 needs CONFIG_VFIO_NOIOMMU=1
 *
 * TYPE is direct, reserved, msi or sw_msi. Numbers are C literals. ctxs=
 * names contexts declared before the device (default: every context).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/fs.h>
#include <linux/slab.h>

#include "iommufd_private.h"
#include "ops.h"
#include "target.h"
#include "world.h"

const char world_default_text[] =
	"# bindsim default world: every category, small enough to close\n"
	"world default\n"
	"group g0 g2\n"
	"ctx c0 ioas\n"
	"# c1's IOAS maps over the group's software MSI window\n"
	"ctx c1 ioas ids=3 map=0x8000000+0x1000\n"
	"# d0 and d1 share group g0; d1's MSI is not isolated, so g0 needs\n"
	"# allow_unsafe_interrupts; d0 has PASIDs\n"
	"device d0 group=g0 iommu=0 coherent enforce msi pasids=2 "
	"resv=sw_msi:0x8000000+0x100000 ctxs=c0\n"
	"device d1 group=g0 iommu=0 coherent pasids=2 "
	"resv=sw_msi:0x8000000+0x100000\n"
	"# an IOMMU without cache coherency: VFIO refuses to register it\n"
	"device d3 group=g2 iommu=1 ctxs=c0\n"
	"# a noiommu device behind an in-kernel driver (no VFIO gates)\n"
	"device n1 group=none iommu=none driver=kernel ctxs=c0\n"
	"ids 4\n"
	"pasids 2\n"
	"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1 "
	"allow_unsafe_interrupts=1 enable_unsafe_noiommu_mode=1 "
	"cap_sys_rawio=1\n"
	"boot CONFIG_IOMMUFD_NOIOMMU=0 CONFIG_VFIO_NOIOMMU=1 "
	"enable_unsafe_noiommu_mode=1 cap_sys_rawio=1\n";

struct wparse {
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int werr(struct wparse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int werr(struct wparse *p, const char *fmt, ...)
{
	int n;
	va_list ap;

	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

static int parse_name(struct wparse *p, const char *tok, char *out)
{
	size_t i, len = strlen(tok);

	if (!len || len >= W_NAME)
		return werr(p, "name '%s' must have 1 to %d characters", tok,
			    W_NAME - 1);
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)tok[i]) && tok[i] != '_' &&
		    tok[i] != '-')
			return werr(p, "bad character in name '%s'", tok);
	strcpy(out, tok);
	return 0;
}

static int parse_range(struct wparse *p, const char *s, unsigned long *start,
		       unsigned long *len)
{
	char buf[64];
	char *plus;

	if (strlen(s) >= sizeof(buf))
		return werr(p, "range too long: '%s'", s);
	strcpy(buf, s);
	plus = strchr(buf, '+');
	if (!plus)
		return werr(p, "expected START+LENGTH, got '%s'", s);
	*plus = 0;
	if (parse_ulong(buf, start) || parse_ulong(plus + 1, len) || !*len ||
	    *start + *len - 1 < *start)
		return werr(p, "bad range '%s'", s);
	return 0;
}

static int find_group(const struct world_spec *spec, const char *name)
{
	unsigned int i;

	for (i = 0; i < spec->nr_groups; i++)
		if (!strcmp(spec->groups[i], name))
			return i;
	return -1;
}

int world_dev_index(const struct world_spec *spec, const char *name)
{
	unsigned int i;

	for (i = 0; i < spec->nr_devs; i++)
		if (!strcmp(spec->devs[i].name, name))
			return i;
	return -1;
}

int world_ctx_index(const struct world_spec *spec, const char *name)
{
	unsigned int i;

	for (i = 0; i < spec->nr_ctxs; i++)
		if (!strcmp(spec->ctxs[i].name, name))
			return i;
	return -1;
}

static bool name_taken(const struct world_spec *spec, const char *name)
{
	return find_group(spec, name) >= 0 ||
	       world_dev_index(spec, name) >= 0 ||
	       world_ctx_index(spec, name) >= 0;
}

static const char *const resv_types[] = {
	[IOMMU_RESV_DIRECT] = "direct",
	[IOMMU_RESV_RESERVED] = "reserved",
	[IOMMU_RESV_MSI] = "msi",
	[IOMMU_RESV_SW_MSI] = "sw_msi",
};

/*
 * An attribute given twice on one line (tok[2..i-1] against tok[i]) is
 * refused: the second would silently win. @repeatable ("resv=", "map=")
 * may repeat.
 */
static int dup_attr(struct wparse *p, char **tok, int i, const char *repeatable)
{
	size_t kl = strcspn(tok[i], "=");
	int j;

	if (tok[i][kl] == '=')
		kl++;
	if (repeatable && !strncmp(tok[i], repeatable, kl) &&
	    strlen(repeatable) == kl)
		return 0;
	for (j = 2; j < i; j++)
		if (!strncmp(tok[j], tok[i], kl) &&
		    (tok[j][kl] == '\0' || tok[j][kl - 1] == '=' ||
		     tok[j][kl] == '='))
			return werr(p, "attribute '%.*s' given twice",
				    (int)(tok[i][kl - 1] == '=' ? kl - 1 : kl),
				    tok[i]);
	return 0;
}

/*
 * identical NAME NAME...: devices, or contexts, that differ only in name.
 * Checked once the whole world is read (check_identical()).
 */
static int parse_identical(struct wparse *p, struct world_spec *spec,
			   char **tok, int ntok)
{
	unsigned int k, cls = 0;
	bool devs = false;
	int i;

	if (ntok < 3)
		return werr(p, "identical takes two or more devices, or "
			    "two or more contexts");
	for (k = 0; k < W_MAX_DEVS; k++)
		cls = max_t(unsigned int, cls, spec->dev_class[k]);
	for (k = 0; k < W_MAX_CTXS; k++)
		cls = max_t(unsigned int, cls, spec->ctx_class[k]);
	cls++;
	for (i = 1; i < ntok; i++) {
		u8 *slot = NULL;
		bool is_dev = false;

		for (k = 0; k < spec->nr_devs; k++)
			if (!strcmp(spec->devs[k].name, tok[i])) {
				slot = &spec->dev_class[k];
				is_dev = true;
			}
		for (k = 0; k < spec->nr_ctxs; k++)
			if (!strcmp(spec->ctxs[k].name, tok[i]))
				slot = &spec->ctx_class[k];
		if (!slot)
			return werr(p, "identical: '%s' is no device or ctx "
				    "declared above", tok[i]);
		if (i > 1 && is_dev != devs)
			return werr(p, "identical: '%s': devices and contexts "
				    "go on separate lines", tok[i]);
		devs = is_dev;
		if (*slot)
			return werr(p, "identical: '%s' is named twice",
				    tok[i]);
		*slot = cls;
	}
	return 0;
}

static unsigned int factorial(unsigned int n)
{
	return n < 2 ? 1 : n * factorial(n - 1);
}

/*
 * One kind's classes (@cls per member, @n members of @size bytes from
 * @base, each starting with its name): members of a class alike in every
 * byte past the name. Counts each class's members into @count.
 */
static int check_alike(struct wparse *p, const char *kind, const void *base,
		       size_t size, unsigned int n, const u8 *cls,
		       unsigned int *count)
{
	const char *a, *b;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		a = (const char *)base + i * size;
		count[cls[i]]++;
		for (j = 0; cls[i] && j < i; j++) {
			b = (const char *)base + j * size;
			if (cls[j] == cls[i] &&
			    memcmp(a + W_NAME, b + W_NAME, size - W_NAME))
				return werr(p, "identical: %s %s and %s differ "
					    "in more than their names", kind, b,
					    a);
		}
	}
	return 0;
}

/* The identical lines hold: members alike but for their names. */
static int check_identical(struct wparse *p, struct world_spec *spec)
{
	unsigned int i, j, k, perms = 1, size[W_MAX_DEVS + W_MAX_CTXS + 1];
	bool bi, bj;

	_Static_assert(offsetof(struct w_dev_spec, name) == 0 &&
		       offsetof(struct w_ctx_spec, name) == 0 &&
		       sizeof(spec->devs[0].name) == W_NAME &&
		       sizeof(spec->ctxs[0].name) == W_NAME,
		       "a spec starts with its name");
	memset(size, 0, sizeof(size));
	if (check_alike(p, "devices", spec->devs, sizeof(spec->devs[0]),
			spec->nr_devs, spec->dev_class, size) ||
	    check_alike(p, "contexts", spec->ctxs, sizeof(spec->ctxs[0]),
			spec->nr_ctxs, spec->ctx_class, size))
		return -1;
	/* every device binds to both of two identical contexts or neither */
	for (i = 0; i < spec->nr_ctxs; i++) {
		for (j = 0; spec->ctx_class[i] && j < i; j++) {
			if (spec->ctx_class[j] != spec->ctx_class[i])
				continue;
			for (k = 0; k < spec->nr_devs; k++) {
				bi = spec->devs[k].ctx_mask >> i & 1;
				bj = spec->devs[k].ctx_mask >> j & 1;
				if (bi != bj)
					return werr(p, "identical: device %s "
						    "binds to %s and not %s",
						    spec->devs[k].name,
						    spec->ctxs[bi ? i : j].name,
						    spec->ctxs[bi ? j : i].name);
			}
		}
	}
	for (i = 1; i < ARRAY_SIZE(size); i++)
		perms *= factorial(size[i]);
	if (perms > W_MAX_SYM_PERMS)
		return werr(p, "identical: %u permutations, at most %d",
			    perms, W_MAX_SYM_PERMS);
	return 0;
}

static int parse_device(struct wparse *p, struct world_spec *spec,
			char **tok, int ntok)
{
	struct w_dev_spec *d;
	bool have_group = false, have_iommu = false;
	unsigned long v;
	int i;

	if (ntok < 2)
		return werr(p, "device needs a name");
	if (spec->nr_devs >= W_MAX_DEVS)
		return werr(p, "too many devices (at most %d)", W_MAX_DEVS);
	d = &spec->devs[spec->nr_devs];
	memset(d, 0, sizeof(*d));
	if (parse_name(p, tok[1], d->name))
		return -1;
	if (name_taken(spec, d->name))
		return werr(p, "name '%s' already used", d->name);
	d->group = -1;
	d->ctx_mask = ~0u;
	for (i = 2; i < ntok; i++) {
		char *t = tok[i];

		if (dup_attr(p, tok, i, "resv="))
			return -1;
		if (!strncmp(t, "group=", 6)) {
			have_group = true;
			if (!strcmp(t + 6, "none")) {
				d->group = -1;
				continue;
			}
			d->group = find_group(spec, t + 6);
			if (d->group < 0)
				return werr(p, "unknown group '%s'", t + 6);
		} else if (!strncmp(t, "iommu=", 6)) {
			have_iommu = true;
			if (!strcmp(t + 6, "none")) {
				d->iommu = false;
				continue;
			}
			if (parse_ulong(t + 6, &v) || v > 7)
				return werr(p, "iommu= takes 0..7 or none");
			d->iommu = true;
			d->iommu_dev = v;
		} else if (!strcmp(t, "coherent")) {
			d->coherent = true;
		} else if (!strcmp(t, "enforce")) {
			d->enforce = true;
		} else if (!strcmp(t, "msi")) {
			d->msi_isolated = true;
		} else if (!strcmp(t, "mock")) {
			d->mock = true;
		} else if (!strncmp(t, "pasids=", 7)) {
			if (parse_ulong(t + 7, &v) || v > 64)
				return werr(p, "pasids= takes 0..64");
			d->max_pasids = v;
		} else if (!strncmp(t, "driver=", 7)) {
			if (!strcmp(t + 7, "vfio"))
				d->driver = W_DRV_VFIO;
			else if (!strcmp(t + 7, "kernel"))
				d->driver = W_DRV_KERNEL;
			else
				return werr(p, "driver= takes vfio or kernel");
		} else if (!strncmp(t, "ctxs=", 5)) {
			char *c, *save = NULL;

			d->ctx_mask = 0;
			for (c = strtok_r(t + 5, ",", &save); c;
			     c = strtok_r(NULL, ",", &save)) {
				int ci = world_ctx_index(spec, c);

				if (ci < 0)
					return werr(p,
						    "ctxs=: unknown ctx '%s' "
						    "(declare ctx lines first)",
						    c);
				d->ctx_mask |= 1u << ci;
			}
			if (!d->ctx_mask)
				return werr(p, "ctxs= needs a context");
		} else if (!strncmp(t, "resv=", 5)) {
			struct iommu_resv_region *r;
			char *colon = strchr(t + 5, ':');
			unsigned int k;

			if (d->nr_resv >= SIM_MAX_RESV)
				return werr(p, "at most %d resv= per device",
					    SIM_MAX_RESV);
			if (!colon)
				return werr(p, "resv= takes TYPE:START+LEN");
			*colon = 0;
			r = &d->resv[d->nr_resv];
			for (k = 0; k < ARRAY_SIZE(resv_types); k++)
				if (!strcmp(t + 5, resv_types[k]))
					break;
			if (k == ARRAY_SIZE(resv_types))
				return werr(p, "unknown resv type '%s'", t + 5);
			r->type = k;
			if (parse_range(p, colon + 1, &r->start, &v))
				return -1;
			r->length = v;
			d->nr_resv++;
		} else {
			return werr(p, "unknown device attribute '%s'", t);
		}
	}
	if (!have_group || !have_iommu)
		return werr(p, "device %s needs group= and iommu=", d->name);
	if (d->iommu && d->group < 0)
		return werr(p, "device %s: an IOMMU device needs a group",
			    d->name);
	if (!d->iommu && (d->coherent || d->enforce || d->max_pasids))
		return werr(p, "device %s: capabilities need an IOMMU",
			    d->name);
	if (d->group >= 0) {
		unsigned int k, n = 0;

		for (k = 0; k < spec->nr_devs; k++)
			n += spec->devs[k].group == d->group;
		if (n >= SIM_GROUP_MAX_DEVS)
			return werr(p, "group %s is full",
				    spec->groups[d->group]);
	}
	spec->nr_devs++;
	return 0;
}

static int parse_ctx(struct wparse *p, struct world_spec *spec, char **tok,
		     int ntok)
{
	struct w_ctx_spec *c;
	int i;

	if (ntok < 2)
		return werr(p, "ctx needs a name");
	if (spec->nr_ctxs >= W_MAX_CTXS)
		return werr(p, "too many contexts (at most %d)", W_MAX_CTXS);
	c = &spec->ctxs[spec->nr_ctxs];
	memset(c, 0, sizeof(*c));
	if (parse_name(p, tok[1], c->name))
		return -1;
	if (name_taken(spec, c->name))
		return werr(p, "name '%s' already used", c->name);
	for (i = 2; i < ntok; i++) {
		if (dup_attr(p, tok, i, "map="))
			return -1;
		if (!strcmp(tok[i], "ioas")) {
			c->ioas = 1;
		} else if (!strncmp(tok[i], "ioas=", 5)) {
			unsigned long v;

			if (parse_ulong(tok[i] + 5, &v) || v < 1 ||
			    v > W_MAX_IOAS)
				return werr(p, "ioas= takes 1..%d", W_MAX_IOAS);
			c->ioas = v;
		} else if (!strncmp(tok[i], "ids=", 4)) {
			unsigned long v;

			if (parse_ulong(tok[i] + 4, &v) || v < 1 || v > 64)
				return werr(p, "ids= takes 1..64");
			c->id_max = v;
		} else if (!strncmp(tok[i], "map=", 4)) {
			struct w_map *m;

			if (c->nr_maps >= W_MAX_MAPS)
				return werr(p, "at most %d map= per ctx",
					    W_MAX_MAPS);
			m = &c->maps[c->nr_maps++];
			if (parse_range(p, tok[i] + 4, &m->start, &m->length))
				return -1;
		} else {
			return werr(p, "unknown ctx attribute '%s'", tok[i]);
		}
	}
	if (c->nr_maps && !c->ioas)
		return werr(p, "ctx %s: map= needs ioas", c->name);
	for (i = 1; i < (int)c->nr_maps; i++) {
		const struct w_map *a = &c->maps[0], *b = &c->maps[i];
		int j;

		for (j = 0; j < i; j++, a++)
			if (a->start < b->start + b->length &&
			    b->start < a->start + a->length)
				return werr(p, "ctx %s: map= ranges overlap",
					    c->name);
	}
	spec->nr_ctxs++;
	return 0;
}

static const char *const setting_names[] = {
	"CONFIG_IOMMUFD_NOIOMMU", "CONFIG_VFIO_NOIOMMU",
	"allow_unsafe_interrupts", "enable_unsafe_noiommu_mode",
	"cap_sys_rawio",
};

static bool *setting_field(struct sim_settings *s, unsigned int i)
{
	bool *fields[] = {
		&s->CONFIG_IOMMUFD_NOIOMMU, &s->CONFIG_VFIO_NOIOMMU,
		&s->allow_unsafe_interrupts, &s->enable_unsafe_noiommu_mode,
		&s->cap_sys_rawio,
	};

	return fields[i];
}

/* "ops OP...": the IOAS ioctls, each at most once */
static int parse_ops(struct wparse *p, struct world_spec *spec, char **tok,
		     int ntok)
{
	unsigned int k;
	int i;

	if (ntok < 2)
		return werr(p, "ops needs an operation");
	for (i = 1; i < ntok; i++) {
		for (k = OP_IOAS_ALLOC; k <= OP_IOAS_IOVA_RANGES; k++)
			if (!strcmp(tok[i], op_kind_name(k)))
				break;
		if (k > OP_IOAS_IOVA_RANGES)
			return werr(p, "ops takes ioas-alloc, ioas-map, "
				    "ioas-unmap or ioas-iova-ranges, not '%s'",
				    tok[i]);
		if (spec->op_mask & (1u << k))
			return werr(p, "operation '%s' given twice", tok[i]);
		spec->op_mask |= 1u << k;
	}
	return 0;
}

static int parse_boot(struct wparse *p, struct world_spec *spec, char **tok,
		      int ntok)
{
	struct sim_settings *s;
	int i;

	if (spec->nr_boots >= W_MAX_BOOTS)
		return werr(p, "too many boot variants (at most %d)",
			    W_MAX_BOOTS);
	s = &spec->boots[spec->nr_boots];
	memset(s, 0, sizeof(*s));
	for (i = 1; i < ntok; i++) {
		char *eq = strchr(tok[i], '=');
		unsigned int k;

		if (!eq || (strcmp(eq + 1, "0") && strcmp(eq + 1, "1")))
			return werr(p, "boot takes KEY=0|1, got '%s'", tok[i]);
		*eq = 0;
		for (k = 0; k < ARRAY_SIZE(setting_names); k++)
			if (!strcmp(tok[i], setting_names[k]))
				break;
		if (k == ARRAY_SIZE(setting_names))
			return werr(p, "unknown setting '%s'", tok[i]);
		*setting_field(s, k) = eq[1] == '1';
	}
	/* Kconfig: IOMMUFD_NOIOMMU has no prompt; only VFIO_NOIOMMU selects it */
	if (s->CONFIG_IOMMUFD_NOIOMMU && !s->CONFIG_VFIO_NOIOMMU)
		return werr(p, "CONFIG_IOMMUFD_NOIOMMU=1 needs "
			    "CONFIG_VFIO_NOIOMMU=1 (it has no prompt and only "
			    "VFIO_NOIOMMU selects it)");
	spec->nr_boots++;
	return 0;
}

#define W_MAX_TOKENS 16

int world_parse(const char *text, const char *name, struct world_spec *spec,
		char *err, size_t errlen)
{
	struct wparse p = { .name = name, .err = err, .errlen = errlen };
	unsigned int ident_line = 0, end_line;
	const char *line = text;

	memset(spec, 0, sizeof(*spec));
	snprintf(spec->name, sizeof(spec->name), "%s", name);
	spec->id_max = 8;
	spec->nr_pasids = 1;

	while (*line) {
		char buf[512], *tok[W_MAX_TOKENS], *s, *hash;
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		unsigned long v;
		int ntok = 0;

		p.line++;
		if (len >= sizeof(buf))
			return werr(&p, "line too long");
		memcpy(buf, line, len);
		buf[len] = 0;
		line += len + (nl ? 1 : 0);
		hash = strchr(buf, '#');
		if (hash)
			*hash = 0;
		for (s = strtok(buf, " \t\r"); s; s = strtok(NULL, " \t\r")) {
			if (ntok == W_MAX_TOKENS)
				return werr(&p, "too many words");
			tok[ntok++] = s;
		}
		if (!ntok)
			continue;
		if (!strcmp(tok[0], "world")) {
			if (ntok != 2 || strlen(tok[1]) >= sizeof(spec->name))
				return werr(&p, "world takes one short name");
			strcpy(spec->name, tok[1]);
		} else if (!strcmp(tok[0], "group")) {
			int i;

			if (ntok < 2)
				return werr(&p, "group needs a name");
			for (i = 1; i < ntok; i++) {
				if (spec->nr_groups >= W_MAX_GROUPS)
					return werr(&p, "too many groups");
				if (parse_name(&p, tok[i],
					       spec->groups[spec->nr_groups]))
					return -1;
				if (name_taken(spec, tok[i]))
					return werr(&p,
						    "name '%s' already used",
						    tok[i]);
				spec->nr_groups++;
			}
		} else if (!strcmp(tok[0], "device")) {
			if (parse_device(&p, spec, tok, ntok))
				return -1;
		} else if (!strcmp(tok[0], "ctx")) {
			if (parse_ctx(&p, spec, tok, ntok))
				return -1;
		} else if (!strcmp(tok[0], "ids")) {
			if (ntok != 2 || parse_ulong(tok[1], &v) || v < 1 ||
			    v > 64)
				return werr(&p, "ids takes 1..64");
			spec->id_max = v;
		} else if (!strcmp(tok[0], "pasids")) {
			if (ntok != 2 || parse_ulong(tok[1], &v) || v < 1 ||
			    v > VFIO_MAX_PASIDS)
				return werr(&p, "pasids takes 1..%d",
					    VFIO_MAX_PASIDS);
			spec->nr_pasids = v;
		} else if (!strcmp(tok[0], "params")) {
			int i;
			unsigned int k;

			for (i = 1; i < ntok; i++) {
				for (k = 0; k < ARRAY_SIZE(setting_names); k++)
					if (!strcmp(tok[i], setting_names[k]))
						break;
				if (k < 2 || k == ARRAY_SIZE(setting_names))
					return werr(&p, "params takes module "
						    "parameters, not '%s'",
						    tok[i]);
				spec->param_mask |= 1u << (k - 2);
			}
		} else if (!strcmp(tok[0], "identical")) {
			if (parse_identical(&p, spec, tok, ntok))
				return -1;
			ident_line = p.line;
		} else if (!strcmp(tok[0], "ops")) {
			if (parse_ops(&p, spec, tok, ntok))
				return -1;
		} else if (!strcmp(tok[0], "boot")) {
			if (parse_boot(&p, spec, tok, ntok))
				return -1;
		} else {
			return werr(&p, "unknown directive '%s'", tok[0]);
		}
	}
	p.line++;
	if (!spec->nr_devs)
		return werr(&p, "a world needs at least one device");
	/* checked once every device is read: at the last identical line */
	end_line = p.line;
	p.line = ident_line;
	if (ident_line && check_identical(&p, spec))
		return -1;
	p.line = end_line;
	if (!spec->nr_ctxs)
		return werr(&p, "a world needs at least one ctx");
	if (!spec->nr_boots)
		spec->nr_boots = 1;	/* all settings off */
	return 0;
}

/*
 * "-": standard input, read once (up to 1 MiB) and kept, since a command
 * may read its FILE twice (to-cmocka embeds the text it replays).
 */
static char *read_stdin_once(char *err, size_t errlen)
{
	static char *kept;
	static size_t kept_len;
	static bool done;
	size_t cap = 1 << 20, n;

	if (!done) {
		done = true;
		kept = malloc(cap + 1);
		if (!kept) {
			snprintf(err, errlen, "<stdin>: out of memory");
			return NULL;
		}
		n = fread(kept, 1, cap + 1, stdin);
		if (ferror(stdin) || n > cap) {
			free(kept);
			kept = NULL;
			snprintf(err, errlen, "<stdin>: %s", n > cap ?
				 "larger than 1 MiB" : "read error");
			return NULL;
		}
		kept[n] = 0;
		kept_len = n;
	}
	if (!kept) {
		snprintf(err, errlen, "<stdin>: unreadable");
		return NULL;
	}
	if (strlen(kept) != kept_len) {
		snprintf(err, errlen, "<stdin>:1: input contains a NUL byte");
		return NULL;
	}
	return strdup(kept);
}

const char *sim_input_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

char *sim_read_text_file(const char *path, char *err, size_t errlen)
{
	char *text;
	long size;
	FILE *f;

	if (!strcmp(path, "-"))
		return read_stdin_once(err, errlen);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    size > (1 << 20) || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		snprintf(err, errlen, "%s: unreadable or larger than 1 MiB",
			 path);
		return NULL;
	}
	text = calloc(1, size + 1);
	if (!text || fread(text, 1, size, f) != (size_t)size) {
		free(text);
		fclose(f);
		snprintf(err, errlen, "%s: read error", path);
		return NULL;
	}
	fclose(f);
	if (strlen(text) != (size_t)size) {
		free(text);
		snprintf(err, errlen, "%s:1: file contains a NUL byte", path);
		return NULL;
	}
	return text;
}

int world_parse_file(const char *path, struct world_spec *spec, char *err,
		     size_t errlen)
{
	char *text = sim_read_text_file(path, err, errlen);
	int rc;

	if (!text)
		return -1;
	rc = world_parse(text, sim_input_name(path), spec, err, errlen);
	free(text);
	return rc;
}

int world_load(const char *name_or_path, struct world_spec *spec, char *err,
	       size_t errlen)
{
	if (!name_or_path || !strcmp(name_or_path, "default"))
		return world_parse(world_default_text, "default", spec, err,
				   errlen);
	return world_parse_file(name_or_path, spec, err, errlen);
}

void world_format(const struct world_spec *spec, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i, k;

#define OUT(...)							\
	do {								\
		int __r = snprintf(buf + n, n < len ? len - n : 0,	\
				   __VA_ARGS__);			\
		if (__r > 0)						\
			n += __r;					\
	} while (0)

	OUT("world %s\n", spec->name);
	if (spec->nr_groups) {
		OUT("group");
		for (i = 0; i < spec->nr_groups; i++)
			OUT(" %s", spec->groups[i]);
		OUT("\n");
	}
	/* contexts first: a device's ctxs= names declared contexts */
	for (i = 0; i < spec->nr_ctxs; i++) {
		const struct w_ctx_spec *c = &spec->ctxs[i];

		OUT("ctx %s%s", c->name, c->ioas ? " ioas" : "");
		if (c->ioas > 1)
			OUT("=%u", c->ioas);
		if (c->id_max)
			OUT(" ids=%u", c->id_max);
		for (k = 0; k < c->nr_maps; k++)
			OUT(" map=%#lx+%#lx", c->maps[k].start,
			    c->maps[k].length);
		OUT("\n");
	}
	for (i = 0; i < spec->nr_devs; i++) {
		const struct w_dev_spec *d = &spec->devs[i];

		OUT("device %s group=%s", d->name,
		    d->group < 0 ? "none" : spec->groups[d->group]);
		if (d->iommu)
			OUT(" iommu=%u", d->iommu_dev);
		else
			OUT(" iommu=none");
		if (d->coherent)
			OUT(" coherent");
		if (d->enforce)
			OUT(" enforce");
		if (d->msi_isolated)
			OUT(" msi");
		if (d->mock)
			OUT(" mock");
		if (d->max_pasids)
			OUT(" pasids=%u", d->max_pasids);
		OUT(" driver=%s", d->driver == W_DRV_VFIO ? "vfio" : "kernel");
		if ((d->ctx_mask & ((1u << spec->nr_ctxs) - 1)) !=
		    (1u << spec->nr_ctxs) - 1) {
			const char *sep = " ctxs=";

			for (k = 0; k < spec->nr_ctxs; k++) {
				if (!(d->ctx_mask & (1u << k)))
					continue;
				OUT("%s%s", sep, spec->ctxs[k].name);
				sep = ",";
			}
		}
		for (k = 0; k < d->nr_resv; k++)
			OUT(" resv=%s:%#llx+%#zx", resv_types[d->resv[k].type],
			    (unsigned long long)d->resv[k].start,
			    d->resv[k].length);
		OUT("\n");
	}
	for (k = 1; k <= W_MAX_DEVS + W_MAX_CTXS; k++) {
		const char *sep = "identical ";

		for (i = 0; i < spec->nr_devs; i++)
			if (spec->dev_class[i] == k) {
				OUT("%s%s", sep, spec->devs[i].name);
				sep = " ";
			}
		for (i = 0; i < spec->nr_ctxs; i++)
			if (spec->ctx_class[i] == k) {
				OUT("%s%s", sep, spec->ctxs[i].name);
				sep = " ";
			}
		if (*sep == ' ')
			OUT("\n");
	}
	OUT("ids %u\npasids %u\n", spec->id_max, spec->nr_pasids);
	if (spec->op_mask) {
		OUT("ops");
		for (k = 0; k < 32; k++)
			if (spec->op_mask & (1u << k))
				OUT(" %s", op_kind_name(k));
		OUT("\n");
	}
	if (spec->param_mask) {
		OUT("params");
		for (k = 2; k < ARRAY_SIZE(setting_names); k++)
			if (spec->param_mask & (1u << (k - 2)))
				OUT(" %s", setting_names[k]);
		OUT("\n");
	}
	for (i = 0; i < spec->nr_boots; i++) {
		struct sim_settings s = spec->boots[i];

		OUT("boot");
		for (k = 0; k < ARRAY_SIZE(setting_names); k++)
			OUT(" %s=%d", setting_names[k],
			    *setting_field(&s, k));
		OUT("\n");
	}
#undef OUT
}

/*
 * Boot: a fresh simulated kernel, the world's groups and devices as
 * fixtures, VFIO registration of every VFIO device (noiommu ones only get
 * registered if the boot settings opt in), and the contexts with their
 * IOAS. Nothing here is a fault point.
 */
int world_boot(const struct world_spec *spec, unsigned int boot)
{
	struct world *w;
	unsigned int i, k;

	if (boot >= spec->nr_boots)
		return -EINVAL;
	sim_heap_reset();
	sim_transient_reset();
	if (target_boot())
		return -EFAULT;
	sim_kernel()->settings = spec->boots[boot];

	w = sim_alloc(sizeof(*w), __GFP_ZERO, SIM_CLASS_WORLD, "world",
		      SIM_SITE("world_boot"));
	memset(w, 0, sizeof(*w));
	w->spec = spec;
	w->boot = boot;
	sim_kernel()->world = w;

	for (i = 0; i < spec->nr_groups; i++) {
		w->groups[i] = sim_iommu_group_alloc(SIM_CLASS_WORLD,
						     SIM_SITE("world_boot"));
		snprintf(w->groups[i]->name, sizeof(w->groups[i]->name), "%s",
			 spec->groups[i]);
	}
	for (i = 0; i < spec->nr_devs; i++) {
		const struct w_dev_spec *d = &spec->devs[i];
		struct device *dev;

		dev = sim_alloc(sizeof(*dev), __GFP_ZERO, SIM_CLASS_WORLD,
				"device", SIM_SITE("world_boot"));
		memset(dev, 0, sizeof(*dev));
		snprintf(dev->name, sizeof(dev->name), "%s", d->name);
		dev->msi_isolated = d->msi_isolated;
		dev->mock = d->mock;
		dev->nr_resv = d->nr_resv;
		memcpy(dev->resv, d->resv, sizeof(dev->resv));
		if (d->iommu) {
			dev->iommu = sim_alloc(sizeof(*dev->iommu), __GFP_ZERO,
					       SIM_CLASS_WORLD, "dev_iommu",
					       SIM_SITE("world_boot"));
			memset(dev->iommu, 0, sizeof(*dev->iommu));
			dev->iommu->instance = d->iommu_dev;
			dev->iommu->iommu_dev = sim_iommu_device(d->iommu_dev);
			dev->iommu->max_pasids = d->max_pasids;
			if (d->coherent)
				dev->iommu->caps |=
					BIT(IOMMU_CAP_CACHE_COHERENCY);
			if (d->enforce)
				dev->iommu->caps |=
					BIT(IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
		}
		if (d->group >= 0)
			iommu_group_add_device(w->groups[d->group], dev);
		w->devs[i] = dev;
		w->vdev[i].dev = dev;
		if (d->driver == W_DRV_VFIO &&
		    !vfio_register_group_dev(&w->vdev[i]) &&
		    sim_kernel()->settings.CONFIG_VFIO_NOIOMMU &&
		    sim_kernel()->settings.enable_unsafe_noiommu_mode)
			w->vfio_optin |= 1u << i;	/* sim/check.c's gate */
	}
	for (i = 0; i < spec->nr_groups; i++)
		w->group_ref0[i] = refcount_read(&w->groups[i]->ref);

	for (i = 0; i < spec->nr_ctxs; i++) {
		const struct w_ctx_spec *c = &spec->ctxs[i];

		w->ctx[i] = target_open();
		if (IS_ERR(w->ctx[i]))
			return PTR_ERR(w->ctx[i]);
		w->alive[i] = w->ctx[i];
		if (!i) {
			struct sim_alloc_info info;

			sim_alloc_lookup(w->ctx[i], &info);
			w->ctx_tag = info.tag;
		}
		target_set_id_limit(w->ctx[i], c->id_max &&
				    c->id_max < spec->id_max ?
				    c->id_max : spec->id_max);
		if (!c->ioas)
			continue;
		if (target_ioas_alloc(w->ctx[i], &w->ioas_id[i]))
			return -ENOMEM;
		for (k = 1; k < c->ioas; k++) {
			u32 more;

			if (target_ioas_alloc(w->ctx[i], &more))
				return -ENOMEM;
		}
		for (k = 0; k < c->nr_maps; k++)
			if (target_ioas_map_fixed(w->ctx[i], w->ioas_id[i],
						  c->maps[k].start,
						  c->maps[k].length))
				return -EINVAL;
	}
	/* Boot itself must be clean */
	if (sim_nr_findings())
		return -EFAULT;
	return 0;
}

/*
 * Forget contexts whose last reference went in the operation that just ran
 * (their memory was freed in this epoch, so it cannot have been reused).
 */
void world_reap(void)
{
	struct world *w = world_get();
	struct sim_alloc_info info;
	unsigned int i;

	for (i = 0; i < w->spec->nr_ctxs; i++) {
		if (!w->alive[i])
			continue;
		/* the tag pointer seen at boot: no string compare per call */
		if (!sim_alloc_lookup(w->alive[i], &info) ||
		    info.ptr != w->alive[i] || info.tag != w->ctx_tag)
			w->alive[i] = NULL;
	}
}

bool world_has_mock(const struct world_spec *spec)
{
	unsigned int i;

	for (i = 0; i < spec->nr_devs; i++)
		if (spec->devs[i].mock)
			return true;
	return false;
}
