// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim to-selftest FILE: a reproducer as a C program for the booted
 * kernel (make confirm). The program is a table of the reproducer's steps
 * for confirm/runtime.c, which runs them through /dev/iommu and the VFIO
 * cdevs, compiled statically against the tree's uapi headers.
 *
 * Each step carries the return code this binary's target gives it (the
 * reproducer is replayed here first), so the kernel's answers are checked
 * step by step.
 *
 * The machine (mk/confirm.mk's QEMU command line): q35 with VT-d
 * (interrupt remapping, so MSI is isolated), two conventional PCI devices
 * behind one PCIe-to-PCI bridge, which share an iommu group
 * (/dev/vfio/devices/vfio0 and vfio1), and one PCIe device alone in its
 * group (vfio2), all bound to vfio-pci. VT-d reports one reserved region
 * per device, the MSI window 0xfee00000-0xfeefffff, which stands for the
 * world's reserved regions; world mappings inside a device's reserved
 * region move into it at the same offset.
 *
 * Not expressible on that machine, refused with exit 3 and the reason:
 * mock, noiommu, kernel-driver and non-coherent devices, a group of more
 * than two devices (or two shared groups), a PASID attach or detach (no
 * device QEMU 7.2 emulates has a PASID capability), VFIO (un)registration,
 * cap_sys_rawio, faults named without an ordinal, atomicity of operations
 * that change no IOAS ranges, and findings the kernel
 * does not report (gate, ownership, consistency and the like). A fault is
 * fail-nth set to bindsim's ordinal: approximate, the two count different
 * call sites.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "repro.h"
#include "selftest_gen.h"

#define MSI_WINDOW 0xfee00000ULL
#define MSI_WINDOW_LEN 0x100000ULL

struct gen {
	const struct repro *r;
	int slot[W_MAX_DEVS];	/* machine cdev index, -1: unused */
	int expect_rc[REPRO_MAX_STEPS];
	bool known[REPRO_MAX_STEPS];
	char why[512];
};

static bool refuse(struct gen *g, const char *fmt, const char *arg)
{
	if (!g->why[0])
		snprintf(g->why, sizeof(g->why), fmt, arg);
	return false;
}

static bool op_uses_dev(const struct op *op)
{
	return op->kind == OP_BIND || op->kind == OP_UNBIND ||
	       op->kind == OP_ATTACH || op->kind == OP_DETACH ||
	       op->kind == OP_VFIO_REGISTER || op->kind == OP_VFIO_UNREGISTER;
}

static bool check_dev(struct gen *g, const struct w_dev_spec *d)
{
	if (d->mock)
		return refuse(g, "%s is a mock device (the selftest's, not a VFIO cdev)", d->name);
	if (!d->iommu)
		return refuse(g, "%s is a noiommu device: every device of the machine is behind VT-d", d->name);
	if (d->driver != W_DRV_VFIO)
		return refuse(g, "%s is bound by an in-kernel driver: no uAPI reaches its bind", d->name);
	if (!d->coherent)
		return refuse(g, "%s's IOMMU is not cache coherent: VT-d under QEMU is", d->name);
	return true;
}

/* Machine slots: a 2-device group takes vfio0/vfio1, a lone one vfio2. */
static bool assign_slots(struct gen *g)
{
	const struct world_spec *w = &g->r->spec;
	bool used[W_MAX_DEVS] = { false };
	int pair_group = -1, lone = -1;
	unsigned int i, j, n;

	for (i = 0; i < g->r->nr_steps; i++)
		if (op_uses_dev(&g->r->steps[i].op))
			used[g->r->steps[i].op.dev] = true;
	for (i = 0; i < w->nr_devs; i++) {
		g->slot[i] = -1;
		if (!used[i])
			continue;
		if (!check_dev(g, &w->devs[i]))
			return false;
		for (j = 0, n = 0; j < w->nr_devs; j++)
			n += w->devs[j].group == w->devs[i].group;
		if (n > 2)
			return refuse(g, "%s's group has more than two devices", w->devs[i].name);
		if (n == 1) {
			if (lone >= 0)
				return refuse(g, "more than one single-device group (%s)", w->devs[i].name);
			lone = i;
			g->slot[i] = 2;
			continue;
		}
		if (pair_group >= 0 && pair_group != w->devs[i].group)
			return refuse(g, "two shared groups (%s)", w->devs[i].name);
		pair_group = w->devs[i].group;
		/* the group's first device is vfio0, the second vfio1 */
		for (j = 0; j < i; j++)
			if (w->devs[j].group == pair_group)
				break;
		g->slot[i] = j < i ? 1 : 0;
	}
	return true;
}

/*
 * Does step @i use what only an in-kernel driver can (it calls the API on
 * its handles; the selftest drives a VFIO cdev): replace, a handle other
 * than slot 0, a second bind of a device, a second attach of a pasid?
 */
static bool kernel_only(const struct repro *r, unsigned int i)
{
	const struct op *op = &r->steps[i].op;
	unsigned int j, binds = 0, attached = 0;

	if (op->kind == OP_REPLACE || op->slot)
		return true;
	if (op->kind != OP_BIND && op->kind != OP_ATTACH)
		return false;
	for (j = 0; j <= i; j++) {
		const struct op *o = &r->steps[j].op;

		if (o->dev != op->dev)
			continue;
		if (o->kind == OP_BIND)
			binds++;
		else if (o->kind == OP_UNBIND)
			binds = attached = 0;
		else if (o->pasid == op->pasid && o->kind == OP_ATTACH)
			attached++;
		else if (o->pasid == op->pasid && o->kind == OP_DETACH)
			attached = 0;
	}
	return r->spec.devs[op->dev].driver == W_DRV_KERNEL &&
	       (op->kind == OP_BIND ? binds > 1 : attached > 1);
}

static bool check_steps(struct gen *g)
{
	static const char *const kinds[] = {
		"clean", "atomicity", "leak", "warn", "oops",
	};
	const struct repro *r = g->r;
	size_t klen = strcspn(r->expect, " ");
	unsigned int i;

	for (i = 0; i < r->nr_steps; i++) {
		const struct repro_step *s = &r->steps[i];

		if (s->op.kind == OP_VFIO_REGISTER ||
		    s->op.kind == OP_VFIO_UNREGISTER)
			return refuse(g, "line %s: VFIO registration is the driver's probe, not a uAPI call", "");
		if ((s->op.kind == OP_ATTACH || s->op.kind == OP_DETACH) &&
		    s->op.pasid)
			return refuse(g, "a PASID %s: no device QEMU 7.2 emulates has a PASID capability",
				      s->op.kind == OP_ATTACH ? "attach" : "detach");
		if (kernel_only(r, i))
			return refuse(g, "%s: an in-kernel driver's handle (a second bind or attach, replace) has no uAPI", op_kind_name(s->op.kind));
		if (s->op.kind >= OP_IOAS_ALLOC &&
		    s->op.kind <= OP_IOAS_IOVA_RANGES)
			return refuse(g, "%s: the runtime does not perform the IOAS operations yet", op_kind_name(s->op.kind));
		if (s->op.kind == OP_SET && s->op.param == PARAM_CAP_SYS_RAWIO)
			return refuse(g, "%s: the program runs as root and keeps its capabilities", "set cap_sys_rawio");
		if ((s->fault.site[0] && !s->fault.ordinal) || s->fault.mask)
			return refuse(g, "fault %.96s has no @ORDINAL for fail-nth", s->fault.site);
	}
	/* atomicity is observed as an IOAS's usable ranges only */
	if (!strncmp(r->expect, "atomicity ", 10) &&
	    strcmp(r->expect + 10, "attach") && strcmp(r->expect + 10, "detach"))
		return refuse(g, "'%.100s': only reserved-IOVA changes are observable (IOMMU_IOAS_IOVA_RANGES), and this operation changes none", r->expect);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i]) == klen && !strncmp(kinds[i], r->expect, klen))
			return true;
	return refuse(g, "'%.100s' is not something the kernel reports (only return codes, IOAS ranges, kmemleak and WARN/BUG are observed)", r->expect);
}

/* Replays the steps on this binary's target for the expected returns. */
static void expectations(struct gen *g)
{
	const struct repro *r = g->r;
	unsigned int i;

	if (world_boot(&r->spec, r->boot))
		return;
	for (i = 0; i < r->nr_steps; i++) {
		struct op_result res;

		sim_transient_reset();
		op_run(&r->steps[i].op, &r->steps[i].fault, &res);
		sim_clear_findings();
		if (res.oops)
			break;
		g->known[i] = true;
		g->expect_rc[i] = res.applicable ? res.ret : -EPERM;
	}
}

/* A world address inside a used device's reserved region, moved into the
 * machine's MSI window; other addresses stay. */
static unsigned long long machine_iova(const struct gen *g, unsigned long a)
{
	const struct world_spec *w = &g->r->spec;
	unsigned int i, j;

	for (i = 0; i < w->nr_devs; i++)
		for (j = 0; j < w->devs[i].nr_resv; j++) {
			const struct iommu_resv_region *rr = &w->devs[i].resv[j];

			if (a >= rr->start && a - rr->start < rr->length &&
			    a - rr->start < MSI_WINDOW_LEN)
				return MSI_WINDOW + (a - rr->start);
		}
	return a;
}

static const char *cf_kind(unsigned int kind)
{
	static const char *const n[OP_NR] = {
		[OP_BIND] = "CF_BIND", [OP_UNBIND] = "CF_UNBIND",
		[OP_ATTACH] = "CF_ATTACH", [OP_DETACH] = "CF_DETACH",
		[OP_HWPT_ALLOC] = "CF_HWPT_ALLOC", [OP_DESTROY] = "CF_DESTROY",
		[OP_CLOSE] = "CF_CLOSE", [OP_SET] = "CF_SET",
	};

	return kind < OP_NR && n[kind] ? n[kind] : "CF_SET";
}

static void emit(FILE *f, const struct gen *g, const char *path)
{
	const struct repro *r = g->r;
	const struct world_spec *w = &r->spec;
	const struct sim_settings *b = &w->boots[r->boot];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	unsigned int i, j;

	fprintf(f, "// SPDX-License-Identifier: GPL-2.0-only\n"
		"/* Generated by 'bindsim to-selftest %s' (revision %s): expects %s */\n"
		"#include \"runtime.h\"\n\nstatic const struct cf_step steps[] = {\n",
		base, r->rev, r->expect);
	for (i = 0; i < r->nr_steps; i++) {
		const struct repro_step *s = &r->steps[i];
		char text[OP_TEXT];

		op_format(w, &s->op, &s->fault, text, sizeof(text));
		fprintf(f, "\t{ .text = \"%s\", .kind = %s, .dev = %d, .ctx = %u,\n"
			"\t  .pasid = %u, .flags = %u, .id = %u, .id2 = %u,\n"
			"\t  .param = %u, .value = %u, .fail_nth = %u, .fail_site = \"%s\",\n"
			"\t  .expect_known = %s, .expect_rc = %d },\n",
			text, cf_kind(s->op.kind),
			op_uses_dev(&s->op) ? g->slot[s->op.dev] : -1,
			s->op.ctx, s->op.pasid, s->op.flags, s->op.id,
			s->op.id2, s->op.param, s->op.value, s->fault.ordinal,
			s->fault.site, g->known[i] ? "true" : "false",
			g->expect_rc[i]);
	}
	fprintf(f, "};\n\nstatic const struct cf_test test = {\n"
		"\t.name = \"%s\",\n\t.expect = \"%s\",\n\t.nr_devs = 3,\n"
		"\t.dev_names = { \"vfio0\", \"vfio1\", \"vfio2\" },\n"
		"\t.dev_paths = { \"/dev/vfio/devices/vfio0\",\n"
		"\t\t       \"/dev/vfio/devices/vfio1\",\n"
		"\t\t       \"/dev/vfio/devices/vfio2\" },\n"
		"\t.nr_ctxs = %u,\n\t.ctxs = {\n", base, r->expect, w->nr_ctxs);
	for (i = 0; i < w->nr_ctxs; i++) {
		fprintf(f, "\t\t{ .name = \"%s\", .ioas = %s, .nr_maps = %u, .maps = {",
			w->ctxs[i].name, w->ctxs[i].ioas ? "true" : "false",
			w->ctxs[i].nr_maps);
		for (j = 0; j < w->ctxs[i].nr_maps; j++)
			fprintf(f, " { 0x%llx, 0x%lx },",
				machine_iova(g, w->ctxs[i].maps[j].start),
				w->ctxs[i].maps[j].length);
		fprintf(f, " } },\n");
	}
	/* cap_sys_rawio stays as it is (root): only noiommu opens read it */
	fprintf(f, "\t},\n\t.params = { %d, %d, -1 },\n"
		"\t.window = 0x%llxULL,\n\t.window_len = 0x%llxULL,\n"
		"\t.nr_steps = %u,\n\t.steps = steps,\n};\n\n"
		"int main(void)\n{\n\treturn cf_run(&test);\n}\n",
		b->allow_unsafe_interrupts, b->enable_unsafe_noiommu_mode,
		MSI_WINDOW, MSI_WINDOW_LEN, r->nr_steps);
}

int selftest_gen_main(const char *file)
{
	struct gen *g;
	struct repro r;
	char err[400];
	int rc = 0;

	if (repro_parse_file(file, &r, err, sizeof(err))) {
		fprintf(stderr, "bindsim: %s\n", err);
		return 2;
	}
	if (r.rev[0] && strcmp(r.rev, bindsim_revision())) {
		fprintf(stderr, "bindsim: %s: reproducer is for revision '%s' but this binary is '%s' (its return codes would not be the revision's)\n",
			sim_input_name(file), r.rev, bindsim_revision());
		repro_free(&r);
		return 2;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		repro_free(&r);
		return 2;
	}
	g->r = &r;
	if (!check_steps(g) || !assign_slots(g)) {
		fprintf(stderr, "to-selftest: %s: not expressible: %s\n",
			sim_input_name(file), g->why);
		rc = 3;
	} else {
		expectations(g);
		emit(stdout, g, file);
	}
	free(g);
	repro_free(&r);
	return rc;
}
