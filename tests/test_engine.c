// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine (sim/): the operation language (text and byte forms), world
 * parsing and formatting, the canonical state, the teardown check,
 * reproducer parsing and replay, and the explorer's determinism and
 * sharding arithmetic. Every test asserts specific values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommufd_private.h"
#include "explore.h"
#include "target.h"

static struct world_spec default_spec;

static void load_default(struct world_spec *spec)
{
	char err[256];

	if (world_load("default", spec, err, sizeof(err)))
		fail_msg("default world: %s", err);
}

static void parse_text(const char *text, struct world_spec *spec)
{
	char err[256];

	if (world_parse(text, "test", spec, err, sizeof(err)))
		fail_msg("world_parse: %s", err);
}

static int setup(void **state)
{
	(void)state;
	sim_heap_reset();
	sim_transient_reset();
	sim_oops_arm(NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sim_oops_arm(NULL);
	sim_fault_end();
	sim_fault_clear();
	sim_clear_findings();
	sim_transient_reset();
	return 0;
}

/* ---------------------------------------------------- operations: text */

struct op_case {
	const char *text;	/* canonical text: op_format gives it back */
	struct op op;
	unsigned int ordinal, hit;
	const char *site;
};

/* Default world: d0 d1 d3 n1 are devices 0..3, c0 c1 contexts 0..1. */
#define OPC(t, ...) { .text = (t), .op = { __VA_ARGS__ } }
#define OPF(t, o, h, s, ...)						\
	{ .text = (t), .op = { __VA_ARGS__ }, .ordinal = (o),		\
	  .hit = (h), .site = (s) }

static const struct op_case op_cases[] = {
	OPC("bind d0 c0", .kind = OP_BIND, .dev = 0, .ctx = 0),
	OPC("bind n1 c1", .kind = OP_BIND, .dev = 3, .ctx = 1),
	OPC("unbind d1", .kind = OP_UNBIND, .dev = 1),
	OPC("attach d0 1 3", .kind = OP_ATTACH, .dev = 0, .pasid = 1,
	    .id = 3),
	OPC("attach d3 0 4294967295", .kind = OP_ATTACH, .dev = 2,
	    .id = 0xffffffffu),
	OPC("detach d1 1", .kind = OP_DETACH, .dev = 1, .pasid = 1),
	/* a kernel driver's handles: DEV.SLOT, slot 0 as plain DEV */
	OPC("unbind n1.1", .kind = OP_UNBIND, .dev = 3, .slot = 1),
	OPC("attach n1.1 1 2", .kind = OP_ATTACH, .dev = 3, .slot = 1,
	    .pasid = 1, .id = 2),
	OPC("detach n1 1", .kind = OP_DETACH, .dev = 3, .pasid = 1),
	OPC("replace n1.1 0 4", .kind = OP_REPLACE, .dev = 3, .slot = 1,
	    .id = 4),
	OPC("hwpt-alloc c1 2 1", .kind = OP_HWPT_ALLOC, .ctx = 1, .id = 2,
	    .id2 = 1),
	OPC("hwpt-alloc c0 3 1 pasid", .kind = OP_HWPT_ALLOC, .ctx = 0,
	    .id = 3, .id2 = 1, .flags = 1),
	OPC("destroy c1 0", .kind = OP_DESTROY, .ctx = 1, .id = 0),
	OPC("close c1", .kind = OP_CLOSE, .ctx = 1),
	OPC("vfio-register d1", .kind = OP_VFIO_REGISTER, .dev = 1),
	OPC("vfio-unregister d3", .kind = OP_VFIO_UNREGISTER, .dev = 2),
	OPC("set allow_unsafe_interrupts 1", .kind = OP_SET,
	    .param = PARAM_ALLOW_UNSAFE_INTERRUPTS, .value = 1),
	OPC("set enable_unsafe_noiommu_mode 0", .kind = OP_SET,
	    .param = PARAM_ENABLE_UNSAFE_NOIOMMU_MODE),
	OPC("set cap_sys_rawio 1", .kind = OP_SET,
	    .param = PARAM_CAP_SYS_RAWIO, .value = 1),
	OPC("ioas-alloc c1", .kind = OP_IOAS_ALLOC, .ctx = 1),
	OPC("ioas-map c0 1 0x8000000 0x1000", .kind = OP_IOAS_MAP, .id = 1,
	    .id2 = 0x8000000, .len = 0x1000),
	OPC("ioas-unmap c1 2 0x1000 0x2000", .kind = OP_IOAS_UNMAP, .ctx = 1,
	    .id = 2, .id2 = 0x1000, .len = 0x2000),
	OPC("ioas-unmap c0 1 all", .kind = OP_IOAS_UNMAP, .id = 1,
	    .flags = 1),
	OPC("ioas-iova-ranges c0 3", .kind = OP_IOAS_IOVA_RANGES, .id = 3),
	/* fault specs: by ordinal, by site and hit, and both */
	OPF("bind n1 c0 fail=@1", 1, 0, NULL, .kind = OP_BIND, .dev = 3),
	OPF("attach d0 0 1 fail=@64", 64, 0, NULL, .kind = OP_ATTACH,
	    .id = 1),
	OPF("bind d0 c0 fail=iommufd_alloc_group:kzalloc#1", 0, 1,
	    "iommufd_alloc_group:kzalloc", .kind = OP_BIND),
	OPF("attach d0 1 1 fail=iommufd_hw_pagetable_attach:xa_cmpxchg#2@4",
	    4, 2, "iommufd_hw_pagetable_attach:xa_cmpxchg",
	    .kind = OP_ATTACH, .pasid = 1, .id = 1),
	OPF("close c0 fail=iommufd_fops_release:x#64@2", 2, 64,
	    "iommufd_fops_release:x", .kind = OP_CLOSE),
};

static void assert_op_equal(const struct op *a, const struct op *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->dev, b->dev);
	assert_int_equal(a->ctx, b->ctx);
	assert_int_equal(a->pasid, b->pasid);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->param, b->param);
	assert_int_equal(a->value, b->value);
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->id2, b->id2);
	assert_int_equal(a->len, b->len);
	assert_int_equal(a->slot, b->slot);
}

/*
 * A state so broken that reading it faults (here an idev whose igroup
 * points nowhere) is an oops finding of the state checks and of the
 * canonical form, not a crash.
 */
static void test_check_state_survives_a_wild_pointer(void **state)
{
	struct check_result *cr = calloc(1, sizeof(*cr));
	struct canon *c;
	struct iommufd_device *idev;
	struct op_fault f;
	struct op_result res;
	struct op op;
	char err[256];
	unsigned int i;
	bool oops = false;

	(void)state;
	assert_non_null(cr);
	load_default(&default_spec);
	assert_int_equal(world_boot(&default_spec, 0), 0);
	assert_int_equal(op_parse(&default_spec, "bind d0 c0", &op, &f, err,
				  sizeof(err)), 0);
	sim_transient_reset();
	op_run(&op, &f, &res);
	assert_int_equal(res.ret, 0);
	idev = world_get()->vdev[0].iommufd_device;
	assert_non_null(idev);
	idev->igroup = (struct iommufd_group *)(uintptr_t)0x10;
	sim_transient_reset();
	check_state(cr);
	for (i = 0; i < cr->nr; i++)
		oops |= cr->f[i].kind == SIM_F_OOPS;
	assert_true(oops);

	/* the canonical form reads it too: broken, equal to nothing */
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_false(canon_state(c));
	assert_true(c->broken);
	assert_false(canon_equal(c, c));
	cr->nr = 0;
	check_collect_shim(cr, "(while reading the state)");
	assert_int_equal(cr->nr, 1);
	assert_int_equal(cr->f[0].kind, SIM_F_OOPS);
	assert_non_null(strstr(cr->f[0].msg, "SIGSEGV"));
	free(c);
	free(cr);
}

/* This binary's target says what it is (bindsim version prints it). */
static void test_target_describe(void **state)
{
	(void)state;
	assert_string_equal(target_kind, "model");
	assert_non_null(strstr(target_describe(), "model"));
}

static void test_op_text_round_trip(void **state)
{
	unsigned int i, kinds = 0;

	(void)state;
	load_default(&default_spec);
	for (i = 0; i < ARRAY_SIZE(op_cases); i++) {
		const struct op_case *c = &op_cases[i];
		struct op op, op2;
		struct op_fault f, f2;
		char err[256], buf[OP_TEXT];

		if (op_parse(&default_spec, c->text, &op, &f, err,
			     sizeof(err)))
			fail_msg("op_parse(\"%s\"): %s", c->text, err);
		assert_op_equal(&op, &c->op);
		assert_int_equal(f.ordinal, c->ordinal);
		assert_int_equal(f.hit, c->site ? c->hit : 0);
		assert_string_equal(f.site, c->site ? c->site : "");
		assert_int_equal(f.mask, 0);
		kinds |= 1u << op.kind;

		op_format(&default_spec, &op, &f, buf, sizeof(buf));
		assert_string_equal(buf, c->text);
		assert_int_equal(op_parse(&default_spec, buf, &op2, &f2, err,
					  sizeof(err)), 0);
		assert_op_equal(&op2, &op);
		assert_memory_equal(&f2, &f, sizeof(f));

		/* without the fault: the operation alone */
		op_format(&default_spec, &op, NULL, buf, sizeof(buf));
		assert_int_equal(strncmp(buf, c->text, strlen(buf)), 0);
		assert_null(strstr(buf, "fail="));
	}
	/* every operation kind has a case */
	assert_int_equal(kinds, (1u << OP_NR) - 1);
	for (i = 0; i < OP_NR; i++)
		assert_string_not_equal(op_kind_name(i), "?");
	assert_string_equal(op_kind_name(OP_NR), "?");
}

/* Spellings that are not canonical parse to the canonical operation. */
static void test_op_text_variants(void **state)
{
	static const struct {
		const char *in, *canon;
	} v[] = {
		{ "  attach\td0  0   0x10 ", "attach d0 0 16" },
		{ "bind d0 c0 fail=iommufd_alloc_group:kzalloc",
		  "bind d0 c0 fail=iommufd_alloc_group:kzalloc#1" },
		{ "destroy c0 010", "destroy c0 8" },
		{ "hwpt-alloc c0 0x2 0x1", "hwpt-alloc c0 2 1" },
	};
	unsigned int i;

	(void)state;
	load_default(&default_spec);
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct op op;
		struct op_fault f;
		char err[256], buf[OP_TEXT];

		if (op_parse(&default_spec, v[i].in, &op, &f, err,
			     sizeof(err)))
			fail_msg("op_parse(\"%s\"): %s", v[i].in, err);
		op_format(&default_spec, &op, &f, buf, sizeof(buf));
		assert_string_equal(buf, v[i].canon);
	}
}

static void test_op_text_errors(void **state)
{
	static const struct {
		const char *in, *msg;
	} v[] = {
		{ "", "empty operation" },
		{ "frob d0", "unknown operation 'frob'" },
		{ "bind d7 c0", "unknown device 'd7'" },
		{ "bind d0 c9", "unknown ctx 'c9'" },
		{ "attach d0 2 1", "pasid '2' out of range" },
		{ "attach d0 0", "attach: missing argument 3" },
		{ "attach d0 0 x", "bad id 'x'" },
		{ "destroy c0 4294967296", "bad id '4294967296'" },
		{ "unbind d0 d1", "extra argument 'd1'" },
		{ "unbind d0.1", "only a driver=kernel device's" },
		{ "bind n1.1 c0", "only a driver=kernel device's" },
		{ "unbind n1.2", "handle slot out of range" },
		{ "attach n1.x 0 1", "handle slot out of range" },
		{ "detach x1.0 0", "unknown device 'x1.0'" },
		{ "hwpt-alloc c0 1 2 nopasid",
		  "expected 'pasid', got 'nopasid'" },
		{ "set cap_sys_rawio 2", "expected 0 or 1, got '2'" },
		{ "set CONFIG_VFIO_NOIOMMU 1", "unknown parameter" },
		{ "bind d0 c0 fail=", "empty fault spec" },
		{ "bind d0 c0 fail=@0", "bad fault ordinal" },
		{ "bind d0 c0 fail=@65", "bad fault ordinal" },
		{ "bind d0 c0 fail=a:b#0", "bad fault hit" },
		{ "bind d0 c0 fail=a:b#65", "bad fault hit" },
		{ "bind d0 c0 fail=kzalloc", "fault site must be func:what" },
		{ "close c0 c0 c0 c0 c0 c0 c0 c0 c0", "too many words" },
		{ "ioas-unmap c0 1 all 0x1000", "extra argument '0x1000'" },
		{ "ioas-unmap c0 1 0x1000", "ioas-unmap: missing argument 4" },
		{ "ioas-unmap c0 1 0x1000 0", "bad address or length '0'" },
		{ "ioas-map c0 1 all 0x1000", "bad address or length 'all'" },
		{ "ioas-iova-ranges c0", "ioas-iova-ranges: missing argument 2" },
	};
	unsigned int i;

	(void)state;
	load_default(&default_spec);
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct op op;
		struct op_fault f;
		char err[256] = "";

		if (!op_parse(&default_spec, v[i].in, &op, &f, err,
			      sizeof(err)))
			fail_msg("op_parse(\"%s\") accepted it", v[i].in);
		if (!strstr(err, v[i].msg))
			fail_msg("op_parse(\"%s\"): '%s', expected '%s'",
				 v[i].in, err, v[i].msg);
	}
}

/* ---------------------------------------------------- operations: bytes */

static void assert_op_in_range(const struct world_spec *spec,
			       const u8 *b, const struct op *op,
			       const struct op_fault *f)
{
	struct op op2;
	struct op_fault f2;
	char err[256], buf[OP_TEXT], buf2[OP_TEXT];

	bool iova = op->kind == OP_IOAS_MAP || op->kind == OP_IOAS_UNMAP;

	if (op->kind >= OP_NR_BYTES || op->dev >= spec->nr_devs ||
	    op->ctx >= spec->nr_ctxs || op->pasid >= spec->nr_pasids ||
	    op->param >= PARAM_NR || op->value > 1 || op->flags > 1 ||
	    op->id > spec->id_max + 1 ||
	    (!iova && op->id2 > spec->id_max + 1) ||
	    (iova && op->len != (op->flags ? 0 : 0x1000)) ||
	    (iova && (op->id2 & 0xfff)) ||
	    f->ordinal >= 16 || f->ordinal > SIM_MAX_FAULT_POINTS ||
	    f->site[0] || f->mask)
		fail_msg("bytes %02x %02x %02x %02x %02x decode out of range: "
			 "kind %u dev %u ctx %u pasid %u param %u value %u "
			 "flags %u id %u id2 %u ordinal %u", b[0], b[1], b[2],
			 b[3], b[4], op->kind, op->dev, op->ctx, op->pasid,
			 op->param, op->value, op->flags, op->id, op->id2,
			 f->ordinal);
	/* and its text form is valid and stable */
	op_format(spec, op, f, buf, sizeof(buf));
	if (op_parse(spec, buf, &op2, &f2, err, sizeof(err)))
		fail_msg("decoded op '%s' does not parse: %s", buf, err);
	op_format(spec, &op2, &f2, buf2, sizeof(buf2));
	assert_string_equal(buf, buf2);
}

static void sweep_world(const struct world_spec *spec, unsigned int *kinds)
{
	static const u8 bases[][OP_BYTES] = {
		{ 0, 0, 0, 0, 0 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x5a, 0xa5, 0x3c, 0xc3, 0x0f },
	};
	unsigned int bi, pos, v, v2;

	for (bi = 0; bi < ARRAY_SIZE(bases); bi++) {
		/* every value of each byte position, the others fixed */
		for (pos = 0; pos < OP_BYTES; pos++) {
			for (v = 0; v < 256; v++) {
				u8 b[OP_BYTES];
				struct op op;
				struct op_fault f;

				memcpy(b, bases[bi], sizeof(b));
				b[pos] = v;
				op_decode_bytes(spec, b, &op, &f);
				assert_op_in_range(spec, b, &op, &f);
				*kinds |= 1u << op.kind;
			}
		}
		/* every pair of the kind and the argument byte */
		for (v = 0; v < 256; v++) {
			for (v2 = 0; v2 < 256; v2++) {
				u8 b[OP_BYTES];
				struct op op;
				struct op_fault f;

				memcpy(b, bases[bi], sizeof(b));
				b[0] = v;
				b[1] = v2;
				op_decode_bytes(spec, b, &op, &f);
				assert_op_in_range(spec, b, &op, &f);
			}
		}
	}
}

static void test_op_decode_bytes_sweep(void **state)
{
	static const char *const files[] = {
		"worlds/vfio.world", "worlds/large.world",
	};
	/* the widest world the parser accepts: ids 64, 3 ctxs, 8 devices */
	static const char wide[] =
		"group g0 g1\n"
		"ctx a ioas\nctx b\nctx c ids=64\n"
		"device d0 group=g0 iommu=0 coherent pasids=64\n"
		"device d1 group=g0 iommu=0\n"
		"device d2 group=g1 iommu=7 coherent enforce msi mock\n"
		"device n0 group=none iommu=none\n"
		"device n1 group=none iommu=none driver=kernel\n"
		"device n2 group=none iommu=none\n"
		"device n3 group=none iommu=none\n"
		"device n4 group=none iommu=none\n"
		"ids 64\npasids 2\n";
	struct world_spec spec;
	unsigned int i, kinds = 0;
	char err[256];

	(void)state;
	load_default(&spec);
	sweep_world(&spec, &kinds);
	/* every operation of the byte form, and only those */
	assert_int_equal(kinds, (1u << OP_NR_BYTES) - 1);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (world_parse_file(files[i], &spec, err, sizeof(err)))
			fail_msg("%s", err);
		sweep_world(&spec, &kinds);
	}
	parse_text(wide, &spec);
	assert_int_equal(spec.nr_devs, 8);
	assert_int_equal(spec.id_max, 64);
	sweep_world(&spec, &kinds);
}

/* Decoding is total and fixed: a few exact decodings. */
static void test_op_decode_bytes_values(void **state)
{
	const u8 attach[OP_BYTES] = { OP_ATTACH, 0x12, 0, 3, 17 };
	const u8 hwpt[OP_BYTES] = { OP_HWPT_ALLOC + OP_NR_BYTES, 0x81, 5, 7,
				    0 };
	struct op op;
	struct op_fault f;
	char buf[OP_TEXT];

	(void)state;
	load_default(&default_spec);
	op_decode_bytes(&default_spec, attach, &op, &f);
	op_format(&default_spec, &op, &f, buf, sizeof(buf));
	/* dev 0x12 % 4 = 2 (d3), pasid 1, id 3 % 6, ordinal 17 % 16 */
	assert_string_equal(buf, "attach d3 1 3 fail=@1");
	op_decode_bytes(&default_spec, hwpt, &op, &f);
	op_format(&default_spec, &op, &f, buf, sizeof(buf));
	/* ctx 0x81 % 2, pasid flag bit 7, ids 5 and 7 % 6 */
	assert_string_equal(buf, "hwpt-alloc c1 5 1 pasid");
}

/* ------------------------------------------------------------- worlds */

static void assert_spec_equal(const struct world_spec *a,
			      const struct world_spec *b)
{
	unsigned int i, k;

	assert_string_equal(a->name, b->name);
	assert_int_equal(a->nr_groups, b->nr_groups);
	for (i = 0; i < a->nr_groups; i++)
		assert_string_equal(a->groups[i], b->groups[i]);
	assert_int_equal(a->nr_devs, b->nr_devs);
	for (i = 0; i < a->nr_devs; i++) {
		const struct w_dev_spec *x = &a->devs[i], *y = &b->devs[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->group, y->group);
		assert_int_equal(x->iommu, y->iommu);
		assert_int_equal(x->iommu_dev, y->iommu_dev);
		assert_int_equal(x->coherent, y->coherent);
		assert_int_equal(x->enforce, y->enforce);
		assert_int_equal(x->msi_isolated, y->msi_isolated);
		assert_int_equal(x->mock, y->mock);
		assert_int_equal(x->max_pasids, y->max_pasids);
		assert_int_equal(x->driver, y->driver);
		/* bits beyond the world's contexts mean nothing */
		assert_int_equal(x->ctx_mask & ((1u << a->nr_ctxs) - 1),
				 y->ctx_mask & ((1u << b->nr_ctxs) - 1));
		assert_int_equal(x->nr_resv, y->nr_resv);
		for (k = 0; k < x->nr_resv; k++) {
			assert_int_equal(x->resv[k].type, y->resv[k].type);
			assert_int_equal(x->resv[k].start, y->resv[k].start);
			assert_int_equal(x->resv[k].length, y->resv[k].length);
		}
	}
	assert_int_equal(a->nr_ctxs, b->nr_ctxs);
	for (i = 0; i < a->nr_ctxs; i++) {
		const struct w_ctx_spec *x = &a->ctxs[i], *y = &b->ctxs[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->ioas, y->ioas);
		assert_int_equal(x->id_max, y->id_max);
		assert_int_equal(x->nr_maps, y->nr_maps);
		for (k = 0; k < x->nr_maps; k++) {
			assert_int_equal(x->maps[k].start, y->maps[k].start);
			assert_int_equal(x->maps[k].length, y->maps[k].length);
		}
	}
	assert_int_equal(a->id_max, b->id_max);
	assert_int_equal(a->nr_pasids, b->nr_pasids);
	assert_int_equal(a->param_mask, b->param_mask);
	assert_int_equal(a->nr_boots, b->nr_boots);
	for (i = 0; i < a->nr_boots; i++)
		assert_memory_equal(&a->boots[i], &b->boots[i],
				    sizeof(a->boots[i]));
}

/* world_format's text parses back to an equal spec, and is a fixpoint. */
static void assert_format_round_trip(const struct world_spec *spec)
{
	static char buf[8192], buf2[8192];
	struct world_spec again;
	char err[256];

	world_format(spec, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf) - 1);
	if (world_parse(buf, "formatted", &again, err, sizeof(err)))
		fail_msg("world_format output of %s does not parse: %s\n%s",
			 spec->name, err, buf);
	assert_spec_equal(spec, &again);
	world_format(&again, buf2, sizeof(buf2));
	assert_string_equal(buf, buf2);
}

static void test_world_files(void **state)
{
	struct world_spec spec;
	unsigned int i, n = 0;
	char err[256];
	glob_t g;

	(void)state;
	assert_int_equal(glob("worlds/*.world", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		if (world_parse_file(g.gl_pathv[i], &spec, err, sizeof(err)))
			fail_msg("%s", err);
		assert_true(spec.nr_devs >= 1);
		assert_true(spec.nr_ctxs >= 1);
		assert_true(spec.nr_boots >= 1);
		assert_format_round_trip(&spec);
		n++;
	}
	globfree(&g);
	assert_true(n >= 3);

	/* the shipped worlds, exactly */
	assert_int_equal(world_parse_file("worlds/vfio.world", &spec, err,
					  sizeof(err)), 0);
	assert_string_equal(spec.name, "vfio");
	assert_int_equal(spec.nr_groups, 1);
	assert_int_equal(spec.nr_devs, 2);
	assert_string_equal(spec.devs[1].name, "n0");
	assert_int_equal(spec.devs[1].group, -1);
	assert_false(spec.devs[1].iommu);
	assert_int_equal(spec.devs[1].driver, W_DRV_VFIO);
	assert_int_equal(spec.nr_ctxs, 2);
	assert_true(spec.ctxs[0].ioas);
	assert_false(spec.ctxs[1].ioas);
	assert_int_equal(spec.ctxs[1].id_max, 2);
	assert_int_equal(spec.id_max, 3);
	assert_int_equal(spec.nr_pasids, 1);
	assert_int_equal(spec.param_mask,
			 (1u << PARAM_ENABLE_UNSAFE_NOIOMMU_MODE) |
			 (1u << PARAM_CAP_SYS_RAWIO));
	assert_int_equal(spec.nr_boots, 3);
	assert_true(spec.boots[1].enable_unsafe_noiommu_mode);
	assert_false(spec.boots[1].CONFIG_IOMMUFD_NOIOMMU);
	assert_false(spec.boots[2].CONFIG_VFIO_NOIOMMU);

	assert_int_equal(world_parse_file("worlds/large.world", &spec, err,
					  sizeof(err)), 0);
	assert_string_equal(spec.name, "large");
	assert_int_equal(spec.nr_groups, 3);
	assert_int_equal(spec.nr_devs, 6);
	assert_int_equal(spec.devs[5].driver, W_DRV_KERNEL);
	assert_int_equal(spec.devs[0].nr_resv, 1);
	assert_int_equal(spec.devs[0].resv[0].type, IOMMU_RESV_SW_MSI);
	assert_int_equal(spec.devs[0].resv[0].start, 0x8000000);
	assert_int_equal(spec.devs[0].resv[0].length, 0x100000);
	assert_int_equal(spec.ctxs[1].nr_maps, 1);
	assert_int_equal(spec.ctxs[1].maps[0].length, 0x1000);
	assert_int_equal(spec.id_max, 5);
	assert_int_equal(spec.nr_pasids, 2);
}

static void test_world_default(void **state)
{
	struct world_spec spec, file;
	char err[256];

	(void)state;
	load_default(&spec);
	assert_string_equal(spec.name, "default");
	assert_int_equal(spec.nr_groups, 2);
	assert_int_equal(spec.nr_devs, 4);
	assert_int_equal(world_dev_index(&spec, "d0"), 0);
	assert_int_equal(world_dev_index(&spec, "n1"), 3);
	assert_int_equal(world_dev_index(&spec, "c0"), -1);
	assert_int_equal(world_ctx_index(&spec, "c1"), 1);
	assert_int_equal(world_ctx_index(&spec, "g0"), -1);
	/* d0 and d3 bind only to c0; d1 to any */
	assert_int_equal(spec.devs[0].ctx_mask & 3, 1);
	assert_int_equal(spec.devs[1].ctx_mask & 3, 3);
	assert_int_equal(spec.devs[2].ctx_mask & 3, 1);
	assert_true(spec.devs[0].msi_isolated);
	assert_false(spec.devs[1].msi_isolated);
	assert_false(spec.devs[2].coherent);
	assert_int_equal(spec.ctxs[1].id_max, 3);
	assert_int_equal(spec.id_max, 4);
	assert_int_equal(spec.nr_pasids, 2);
	assert_int_equal(spec.nr_boots, 2);
	assert_true(spec.boots[0].allow_unsafe_interrupts);
	assert_false(spec.boots[1].allow_unsafe_interrupts);
	assert_false(spec.boots[1].CONFIG_IOMMUFD_NOIOMMU);
	assert_format_round_trip(&spec);

	/* "default" by name and the text itself are the same world */
	assert_int_equal(world_parse(world_default_text, "default", &file, err,
				     sizeof(err)), 0);
	assert_spec_equal(&spec, &file);
	/* a file that does not exist is an error with its name */
	assert_int_equal(world_load("worlds/no-such.world", &file, err,
				    sizeof(err)), -1);
	assert_non_null(strstr(err, "worlds/no-such.world"));
}

/* Every attribute the format knows survives world_format. */
static void test_world_format_attributes(void **state)
{
	static const char text[] =
		"world every\n"
		"group ga gb gc\n"
		"ctx c0 ioas ids=2 map=0x1000+0x2000 map=0x100000+0x1\n"
		"ctx c1\n"
		"ctx c2 ioas\n"
		"device d0 group=ga iommu=3 coherent enforce msi pasids=64 "
		"ctxs=c2,c0 resv=direct:0+0x1000 resv=reserved:0x10+0x20\n"
		"device d1 group=gb iommu=0 mock driver=kernel ctxs=c1\n"
		"device d2 group=gc iommu=7 resv=msi:0xfee00000+0x100000\n"
		"device n0 group=none iommu=none driver=vfio\n"
		"ids 64\npasids 2\n"
		"params allow_unsafe_interrupts cap_sys_rawio\n"
		"boot\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=1 CONFIG_VFIO_NOIOMMU=1 "
		"cap_sys_rawio=1\n"
		"boot CONFIG_VFIO_NOIOMMU=1 allow_unsafe_interrupts=1 "
		"enable_unsafe_noiommu_mode=1\n"
		"boot CONFIG_IOMMUFD_NOIOMMU=0\n";
	struct world_spec spec;

	(void)state;
	parse_text(text, &spec);
	assert_string_equal(spec.name, "every");
	assert_int_equal(spec.devs[0].ctx_mask, 5);
	assert_int_equal(spec.devs[0].max_pasids, 64);
	assert_int_equal(spec.devs[0].iommu_dev, 3);
	assert_int_equal(spec.devs[0].resv[1].type, IOMMU_RESV_RESERVED);
	assert_int_equal(spec.devs[0].resv[1].start, 0x10);
	assert_true(spec.devs[1].mock);
	assert_int_equal(spec.devs[1].ctx_mask, 2);
	assert_int_equal(spec.ctxs[0].nr_maps, 2);
	assert_int_equal(spec.ctxs[0].maps[1].start, 0x100000);
	assert_int_equal(spec.ctxs[0].maps[1].length, 1);
	assert_int_equal(spec.param_mask,
			 (1u << PARAM_ALLOW_UNSAFE_INTERRUPTS) |
			 (1u << PARAM_CAP_SYS_RAWIO));
	assert_int_equal(spec.nr_boots, 4);
	assert_true(spec.boots[2].enable_unsafe_noiommu_mode);
	assert_false(spec.boots[3].CONFIG_IOMMUFD_NOIOMMU);
	assert_format_round_trip(&spec);

	/* a world with no boot line gets one variant, everything off */
	parse_text("ctx c0\ndevice n0 group=none iommu=none\n", &spec);
	assert_string_equal(spec.name, "test");
	assert_int_equal(spec.nr_boots, 1);
	assert_int_equal(spec.id_max, 8);
	assert_int_equal(spec.nr_pasids, 1);
	assert_false(spec.boots[0].CONFIG_VFIO_NOIOMMU);
	assert_format_round_trip(&spec);
}

/* ---------------------------------------------------- canonical state */

static struct canon canon_a, canon_b;

static u64 boot_hash(const struct world_spec *spec, unsigned int boot,
		     struct canon *c)
{
	assert_int_equal(world_boot(spec, boot), 0);
	c->text = NULL;
	canon_state(c);
	assert_true(c->n > 0);
	assert_true(c->n <= CANON_MAX);
	return canon_hash(c);
}

static void run_text(const struct world_spec *spec, const char *text,
		     struct op_result *res)
{
	struct op op;
	struct op_fault f;
	char err[256];

	if (op_parse(spec, text, &op, &f, err, sizeof(err)))
		fail_msg("%s: %s", text, err);
	sim_clear_findings();
	op_run(&op, &f, res);
	assert_false(res->oops);
	assert_int_equal(sim_nr_findings(), 0);
}

static void test_canon_deterministic(void **state)
{
	struct op_result res;
	u64 h0, h1, h;

	(void)state;
	load_default(&default_spec);
	h0 = boot_hash(&default_spec, 0, &canon_a);
	h1 = boot_hash(&default_spec, 0, &canon_b);
	assert_int_equal(h0, h1);
	assert_int_equal(canon_a.n, canon_b.n);
	assert_true(canon_equal(&canon_a, &canon_b));
	/* the other boot variant differs (its settings are observable) */
	h = boot_hash(&default_spec, 1, &canon_b);
	assert_int_not_equal(h, h0);
	assert_false(canon_equal(&canon_a, &canon_b));

	/* a failed bind (d3 is unregistered: not coherent) changes nothing */
	boot_hash(&default_spec, 0, &canon_a);
	run_text(&default_spec, "bind d3 c0", &res);
	assert_true(res.applicable);
	assert_int_equal(res.ret, -ENODEV);
	canon_state(&canon_b);
	assert_true(canon_equal(&canon_a, &canon_b));
	assert_int_equal(canon_hash(&canon_b), h0);

	/* a bind does: n1 gets id 2 in c0 (the IOAS is 1) */
	run_text(&default_spec, "bind n1 c0", &res);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.out_id, 2);
	canon_state(&canon_b);
	assert_false(canon_equal(&canon_a, &canon_b));
	h = canon_hash(&canon_b);
	assert_int_not_equal(h, h0);

	/* the same path from a fresh boot reaches the same state */
	boot_hash(&default_spec, 0, &canon_a);
	run_text(&default_spec, "bind d3 c0", &res);
	run_text(&default_spec, "bind n1 c0", &res);
	canon_state(&canon_a);
	assert_int_equal(canon_hash(&canon_a), h);

	/* a module parameter is state too */
	run_text(&default_spec, "set cap_sys_rawio 0", &res);
	assert_int_equal(res.ret, 0);
	canon_state(&canon_a);
	assert_int_not_equal(canon_hash(&canon_a), h);
	sim_clear_findings();
}

/*
 * explore --symmetry's key: the canonical form with ids renamed. States
 * that differ only in which id each object got read alike; states that
 * differ in anything else do not; the plain form (the checks') still
 * tells the ids apart.
 */
static u64 path_hash(const struct world_spec *spec, const char *const *ops,
		     bool sym, struct canon *c)
{
	struct op_result res;

	assert_int_equal(world_boot(spec, 0), 0);
	for (; *ops; ops++) {
		run_text(spec, *ops, &res);
		if (res.ret)
			fail_msg("%s: %d", *ops, res.ret);
	}
	c->text = NULL;
	c->sym = sym;
	assert_true(canon_state(c));
	c->sym = false;
	return canon_hash(c);
}

static void test_canon_symmetry(void **state)
{
	static const char *const n1_d3[] = { "bind n1 c0", "bind d0 c0",
					     NULL };
	static const char *const d3_n1[] = { "bind d0 c0", "bind n1 c0",
					     NULL };
	/* an hwpt on each IOAS, allocated in either order */
	static const char *const h12[] = { "bind d1 c0", "hwpt-alloc c0 3 1",
					   "hwpt-alloc c0 3 2", NULL };
	static const char *const h21[] = { "bind d1 c0", "hwpt-alloc c0 3 2",
					   "hwpt-alloc c0 3 1", NULL };
	/* two on IOAS 1: not the same state as one on each */
	static const char *const h11[] = { "bind d1 c0", "hwpt-alloc c0 3 1",
					   "hwpt-alloc c0 3 1", NULL };
	/* d1 attached to an hwpt of IOAS 1 or of IOAS 2, or to IOAS 1 */
	static const char *const a1[] = { "bind d1 c0", "hwpt-alloc c0 3 1",
					  "hwpt-alloc c0 3 2", "attach d1 0 4",
					  NULL };
	static const char *const a2[] = { "bind d1 c0", "hwpt-alloc c0 3 1",
					  "hwpt-alloc c0 3 2", "attach d1 0 5",
					  NULL };
	static const char *const a2r[] = { "bind d1 c0", "hwpt-alloc c0 3 2",
					   "hwpt-alloc c0 3 1", "attach d1 0 4",
					   NULL };
	static const char *const ai1[] = { "bind d1 c0", "attach d1 0 1",
					   NULL };
	static const char *const ai2[] = { "bind d1 c0", "attach d1 0 2",
					   NULL };
	static const char *const ah[] = { "bind d1 c0", "hwpt-alloc c0 3 1",
					  "attach d1 0 4", NULL };
	struct world_spec spec;
	char err[256];

	(void)state;
	load_default(&default_spec);
	/* n1 and d0 get ids 2 and 3 in either order */
	assert_int_not_equal(path_hash(&default_spec, n1_d3, false, &canon_a),
			     path_hash(&default_spec, d3_n1, false, &canon_b));
	assert_int_equal(path_hash(&default_spec, n1_d3, true, &canon_a),
			 path_hash(&default_spec, d3_n1, true, &canon_b));
	assert_true(canon_equal(&canon_a, &canon_b));

	if (world_parse_file("worlds/replace.world", &spec, err, sizeof(err)))
		fail_msg("%s", err);
	/* two alike IOASes, an hwpt on each: one state however made */
	assert_int_not_equal(path_hash(&spec, h12, false, &canon_a),
			     path_hash(&spec, h21, false, &canon_b));
	assert_int_equal(path_hash(&spec, h12, true, &canon_a),
			 path_hash(&spec, h21, true, &canon_b));
	assert_int_not_equal(path_hash(&spec, h12, true, &canon_a),
			     path_hash(&spec, h11, true, &canon_b));
	/* the IOASes are alike: which one's hwpt d1 is on is only ids */
	assert_int_equal(path_hash(&spec, a1, true, &canon_a),
			 path_hash(&spec, a2, true, &canon_b));
	/* attached to an IOAS (an auto hwpt): either IOAS, one state */
	assert_int_equal(path_hash(&spec, ai1, true, &canon_a),
			 path_hash(&spec, ai2, true, &canon_b));
	/* but not the state of an hwpt allocated, then attached */
	assert_int_not_equal(path_hash(&spec, ai1, true, &canon_a),
			     path_hash(&spec, ah, true, &canon_b));
	assert_int_equal(path_hash(&spec, a2, true, &canon_a),
			 path_hash(&spec, a2r, true, &canon_b));
	assert_int_not_equal(path_hash(&spec, a2, false, &canon_a),
			     path_hash(&spec, a2r, false, &canon_b));
	sim_clear_findings();
}

/*
 * "identical": classes of devices or contexts alike but for their names;
 * every malformed or untrue declaration is refused with its line.
 */
static void test_world_identical(void **state)
{
	static const char *const head =
		"world t\ngroup g0\nctx c0 ioas\nctx c1 ioas\n"
		"device d0 group=g0 iommu=0 coherent\n"
		"device d1 group=g0 iommu=0 coherent\n"
		"device d2 group=g0 iommu=0\n";
	static const struct {
		const char *tail, *err;
	} bad[] = {
		{ "identical d0\n", "two or more" },
		{ "identical d0 dx\n", "'dx' is no device or ctx" },
		{ "identical d0 c0\n", "separate lines" },
		{ "identical d0 d1\nidentical d1 d0\n", "named twice" },
		{ "identical d0 d2\n", "d0 and d2 differ" },
		{ "device d3 group=g0 iommu=0 coherent ctxs=c0\n"
		  "identical c0 c1\n", "d3 binds to c0 and not c1" },
	};
	struct world_spec spec;
	char text[1024], buf[2048], err[256];
	unsigned int i;

	(void)state;
	snprintf(text, sizeof(text), "%sidentical d0 d1\nidentical c0 c1\n",
		 head);
	parse_text(text, &spec);
	assert_int_not_equal(spec.dev_class[0], 0);
	assert_int_equal(spec.dev_class[0], spec.dev_class[1]);
	assert_int_equal(spec.dev_class[2], 0);
	assert_int_not_equal(spec.ctx_class[0], 0);
	assert_int_equal(spec.ctx_class[0], spec.ctx_class[1]);
	assert_int_not_equal(spec.ctx_class[0], spec.dev_class[0]);
	/* printed and read back: the same classes */
	world_format(&spec, buf, sizeof(buf));
	assert_non_null(strstr(buf, "identical d0 d1\n"));
	assert_non_null(strstr(buf, "identical c0 c1\n"));
	parse_text(buf, &default_spec);
	assert_memory_equal(spec.dev_class, default_spec.dev_class,
			    sizeof(spec.dev_class));
	assert_memory_equal(spec.ctx_class, default_spec.ctx_class,
			    sizeof(spec.ctx_class));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), "%s%s", head, bad[i].tail);
		assert_int_equal(world_parse(text, "t", &spec, err,
					     sizeof(err)), -1);
		if (!strstr(err, bad[i].err))
			fail_msg("'%s': got '%s'", bad[i].tail, err);
	}
	/* five alike devices: 120 permutations, more than the bound */
	snprintf(text, sizeof(text), "world t\nctx c0\n"
		 "device a group=none iommu=none\n"
		 "device b group=none iommu=none\n"
		 "device c group=none iommu=none\n"
		 "device d group=none iommu=none\n"
		 "device e group=none iommu=none\nidentical a b c d e\n");
	assert_int_equal(world_parse(text, "t", &spec, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "120 permutations, at most 24"));
}

/*
 * With identical devices and contexts declared, swapping them is no new
 * state for the --symmetry key; what differs in kind still is.
 */
static void test_canon_symmetry_twins(void **state)
{
	static const char *const d0c0[] = { "bind d0 c0", NULL };
	static const char *const d1c1[] = { "bind d1 c1", NULL };
	static const char *const d0c1[] = { "bind d0 c1", NULL };
	/* both in one context (a group has one DMA owner) */
	static const char *const both[] = { "bind d0 c0", "bind d1 c0", NULL };
	static const char *const both2[] = { "bind d0 c1", "bind d1 c1",
					     NULL };
	struct world_spec spec;
	char err[256];

	(void)state;
	if (world_parse_file("worlds/twins.world", &spec, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_not_equal(path_hash(&spec, d0c0, false, &canon_a),
			     path_hash(&spec, d1c1, false, &canon_b));
	assert_int_equal(path_hash(&spec, d0c0, true, &canon_a),
			 path_hash(&spec, d1c1, true, &canon_b));
	assert_int_equal(path_hash(&spec, d0c0, true, &canon_a),
			 path_hash(&spec, d0c1, true, &canon_b));
	assert_int_not_equal(path_hash(&spec, both, false, &canon_a),
			     path_hash(&spec, both2, false, &canon_b));
	assert_int_equal(path_hash(&spec, both, true, &canon_a),
			 path_hash(&spec, both2, true, &canon_b));
	assert_int_not_equal(path_hash(&spec, both, true, &canon_a),
			     path_hash(&spec, d0c0, true, &canon_b));
	sim_clear_findings();
}

/*
 * On the default world the reduced walk is exact: the same findings, and
 * one state for each class of the full walk's states up to id renaming.
 */
static void test_explore_symmetry(void **state)
{
	struct explore_opts o = { .world_name = "test", .depth = 4,
				  .nr_shards = 1, .stop_kind = -1 };
	struct explore_finding *fs = NULL, *fr = NULL;
	struct explore_stats full, red;
	unsigned int nf = 0, nr = 0, i;

	(void)state;
	load_default(&default_spec);
	o.spec = &default_spec;
	o.count_orbits = true;
	assert_int_equal(explore(&o, &full, &fs, &nf), 0);
	o.count_orbits = false;
	o.symmetry = true;
	assert_int_equal(explore(&o, &red, &fr, &nr), 0);
	assert_true(full.orbits > 0);
	/* depth 4: 1,267 states, 752 up to renaming */
	assert_true(full.orbits * 3 < full.states * 2);
	assert_int_equal(red.states, full.orbits);
	assert_true(red.transitions < full.transitions);
	assert_int_equal(nf, nr);
	for (i = 0; i < nf; i++)
		assert_string_equal(fs[i].f.sig, fr[i].f.sig);
	for (i = 0; i < nf; i++)
		repro_free(&fs[i].repro);
	for (i = 0; i < nr; i++)
		repro_free(&fr[i].repro);
	free(fs);
	free(fr);
}

/* ------------------------------------------------------------ teardown */

static void test_teardown_fresh_boot(void **state)
{
	static const char *const files[] = {
		"worlds/vfio.world", "worlds/large.world",
	};
	struct check_result *cr = calloc(1, sizeof(*cr));
	void *scratch = malloc(SIM_HEAP_SIZE);
	struct world_spec spec;
	unsigned int b, i;
	char err[256];
	u64 h;

	(void)state;
	assert_non_null(cr);
	assert_non_null(scratch);
	for (i = 0; i <= ARRAY_SIZE(files); i++) {
		if (!i)
			load_default(&spec);
		else if (world_parse_file(files[i - 1], &spec, err,
					  sizeof(err)))
			fail_msg("%s", err);
		for (b = 0; b < spec.nr_boots; b++) {
			h = boot_hash(&spec, b, &canon_a);
			cr->nr = 0;
			check_state(cr);
			check_teardown(cr, scratch);
			if (cr->nr)
				fail_msg("%s boot %u: %s: %s", spec.name, b,
					 cr->f[0].sig, cr->f[0].msg);
			/* the heap is as it was */
			canon_state(&canon_b);
			assert_int_equal(canon_hash(&canon_b), h);
		}
	}

	/* and it does see what is left behind: an extra group reference */
	load_default(&spec);
	boot_hash(&spec, 0, &canon_a);
	refcount_inc(&world_get()->groups[0]->ref);
	cr->nr = 0;
	check_teardown(cr, scratch);
	assert_int_equal(cr->nr, 1);
	assert_int_equal(cr->f[0].kind, SIM_F_LEAK);
	assert_string_equal(cr->f[0].sig, "leak group:ref");
	assert_true(check_has_sig(cr, "leak group:ref"));
	assert_false(check_has_sig(cr, "leak group:owner"));
	free(scratch);
	free(cr);
}

/* ------------------------------------------ post-conditions and rules */

/* Run @text and judge its transition; returns the findings' count. */
static unsigned int judged(const struct world_spec *spec, const char *text,
			   struct check_result *cr)
{
	struct sim_settings set = sim_kernel()->settings;
	struct op_result res;
	struct op_fault f;
	struct op op;
	char err[256];

	if (op_parse(spec, text, &op, &f, err, sizeof(err)))
		fail_msg("%s: %s", text, err);
	sim_clear_findings();
	op_run(&op, &f, &res);
	assert_int_equal(res.ret, 0);
	cr->nr = 0;
	check_transition(&op, &res, &set, NULL, cr);
	check_state(cr);
	return cr->nr;
}

/* Each fires on the state it names, and on nothing the reference does. */
static void test_postcond_and_rules(void **state)
{
	struct check_result *cr = calloc(1, sizeof(*cr));
	struct world *w;
	struct iommufd_object *obj;

	(void)state;
	assert_non_null(cr);
	load_default(&default_spec);
	assert_int_equal(world_boot(&default_spec, 0), 0);
	w = world_get();
	assert_int_equal(judged(&default_spec, "bind d0 c0", cr), 0);
	assert_int_equal(judged(&default_spec, "hwpt-alloc c0 2 1 pasid", cr),
			 0);
	assert_int_equal(judged(&default_spec, "attach d0 0 3", cr), 0);
	assert_int_equal(judged(&default_spec, "attach d0 1 3", cr), 0);

	/* the driver's attachment is not in the group's record */
	w->vdev[0].attached[1] = false;
	cr->nr = 0;
	check_state(cr);
	assert_true(check_has_sig(cr, "rule group-attach"));
	w->vdev[0].attached[1] = true;

	/* a NO_PASID hwpt that is not PASID-compatible under a PASID */
	obj = sim_xa_raw(&w->ctx[0]->objects, 3);
	assert_non_null(obj);
	container_of(obj, struct iommufd_hw_pagetable, obj)->pasid_compat =
		false;
	cr->nr = 0;
	check_state(cr);
	assert_true(check_has_sig(cr, "rule pasid-compat"));
	assert_int_equal(cr->f[0].kind, SIM_F_RULE);
	container_of(obj, struct iommufd_hw_pagetable, obj)->pasid_compat =
		true;

	/* a bind that reports another id than the device's */
	{
		struct sim_settings set = sim_kernel()->settings;
		struct op_result res = { .applicable = true, .out_id = 4 };
		struct op op = { .kind = OP_BIND, .dev = 0, .ctx = 0 };

		cr->nr = 0;
		check_transition(&op, &res, &set, NULL, cr);
		assert_int_equal(cr->nr, 1);
		assert_int_equal(cr->f[0].kind, SIM_F_POSTCOND);
		assert_string_equal(cr->f[0].sig, "postcond bind:bound");
	}
	/* a detach that left the device in the record */
	assert_int_equal(judged(&default_spec, "detach d0 1", cr), 0);
	{
		struct sim_settings set = sim_kernel()->settings;
		struct op_result res = { .applicable = true };
		struct op op = { .kind = OP_DETACH, .dev = 0, .pasid = 0 };

		cr->nr = 0;
		check_transition(&op, &res, &set, NULL, cr);
		assert_true(check_has_sig(cr, "postcond detach:record"));
	}
	/* a hwpt whose IOAS is another context's */
	{
		struct iommufd_object *ioas1 =
			sim_xa_raw(&w->ctx[1]->objects, 1);
		struct iommufd_hwpt_paging *hp = container_of(
			obj, struct iommufd_hwpt_paging, common.obj);
		struct iommufd_ioas *own = hp->ioas;

		assert_non_null(ioas1);
		assert_int_equal(ioas1->type, IOMMUFD_OBJ_IOAS);
		hp->ioas = container_of(ioas1, struct iommufd_ioas, obj);
		cr->nr = 0;
		check_state(cr);
		assert_true(check_has_sig(cr, "rule ctx-isolation"));
		hp->ioas = own;
	}
	assert_int_equal(judged(&default_spec, "unbind d0", cr), 0);
	assert_int_equal(judged(&default_spec, "destroy c0 3", cr), 0);

	/* VFIO noiommu registered at boot with the opt-ins, then without */
	{
		struct world_spec spec;
		char err[256];

		if (world_parse_file("worlds/vfio.world", &spec, err,
				     sizeof(err)))
			fail_msg("%s", err);
		assert_int_equal(world_boot(&spec, 1), 0);
		w = world_get();
		assert_true(w->vdev[1].noiommu);
		cr->nr = 0;
		check_state(cr);
		assert_int_equal(cr->nr, 0);
		w->vfio_optin = 0;
		check_state(cr);
		assert_true(check_has_sig(cr, "rule vfio-noiommu-gate"));
	}
	free(cr);
}

/* ---------------------------------------------------------- reproducers */

static const char repro_valid[] =
	"# bindsim reproducer\n"
	"revision v9\n"
	"world default\n"
	"boot 1   # the strict variant\n"
	"expect leak iommufd_alloc_group:kzalloc\n"
	"\n"
	"bind n1 c0 fail=iommufd_alloc_group:kzalloc#1@3\n"
	"  attach d0 1 2\n"
	"set cap_sys_rawio 0 # trailing comment\n";

static void test_repro_parse(void **state)
{
	struct repro r;
	char err[256];

	(void)state;
	if (repro_parse(repro_valid, "valid", &r, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(r.rev, "v9");
	assert_string_equal(r.world_name, "default");
	assert_null(r.world_text);
	assert_int_equal(r.spec.nr_devs, 4);
	assert_int_equal(r.boot, 1);
	assert_string_equal(r.expect, "leak iommufd_alloc_group:kzalloc");
	assert_int_equal(r.nr_steps, 3);
	assert_int_equal(r.steps[0].op.kind, OP_BIND);
	assert_int_equal(r.steps[0].op.dev, 3);
	assert_string_equal(r.steps[0].fault.site,
			    "iommufd_alloc_group:kzalloc");
	assert_int_equal(r.steps[0].fault.hit, 1);
	assert_int_equal(r.steps[0].fault.ordinal, 3);
	assert_int_equal(r.steps[0].line, 7);
	assert_int_equal(r.steps[1].op.kind, OP_ATTACH);
	assert_int_equal(r.steps[1].op.pasid, 1);
	assert_int_equal(r.steps[1].op.id, 2);
	assert_int_equal(r.steps[1].line, 8);
	assert_int_equal(r.steps[2].op.kind, OP_SET);
	assert_int_equal(r.steps[2].op.value, 0);
	assert_int_equal(r.steps[2].line, 9);
	repro_free(&r);
}

/* An embedded world; repro_write's output parses back to the same. */
static void test_repro_embedded_write(void **state)
{
	static const char text[] =
		"revision reference\n"
		"world-begin\n"
		"world tiny\n"
		"ctx k0 ioas\n"
		"device z0 group=none iommu=none driver=kernel\n"
		"world-end\n"
		"boot 0\n"
		"expect clean\n"
		"bind z0 k0\n"
		"destroy k0 2\n";
	struct repro r, r2;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	if (repro_parse(text, "embedded", &r, err, sizeof(err)))
		fail_msg("%s", err);
	assert_non_null(r.world_text);
	assert_string_equal(r.world_name, "");
	assert_string_equal(r.spec.name, "tiny");
	assert_int_equal(r.spec.nr_devs, 1);
	assert_int_equal(r.nr_steps, 2);
	assert_int_equal(r.steps[1].op.kind, OP_DESTROY);
	assert_int_equal(r.steps[1].line, 10);

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	repro_write(f, &r, NULL);
	fclose(f);
	assert_non_null(strstr(buf, "world-begin\nworld tiny\n"));
	assert_non_null(strstr(buf,
			       "expect clean\nbind z0 k0\ndestroy k0 2\n"));
	if (repro_parse(buf, "written", &r2, err, sizeof(err)))
		fail_msg("%s\n%s", err, buf);
	assert_string_equal(r2.rev, r.rev);
	assert_string_equal(r2.world_text, r.world_text);
	assert_int_equal(r2.nr_steps, r.nr_steps);
	assert_op_equal(&r2.steps[0].op, &r.steps[0].op);
	assert_op_equal(&r2.steps[1].op, &r.steps[1].op);
	repro_free(&r2);
	repro_free(&r);
	assert_null(r.world_text);
	free(buf);

	/* an error after the embedded world frees it (ASan: no leak) */
	assert_int_equal(repro_parse("revision x\nworld-begin\nctx c0\n",
				     "open", &r, err, sizeof(err)), -1);
	assert_string_equal(err, "open:3: world-begin without world-end");
	assert_null(r.world_text);
}

static void test_repro_run_clean(void **state)
{
	static const char text[] =
		"revision reference\n"
		"world default\n"
		"boot 0\n"
		"expect clean\n"
		"bind n1 c0 fail=@1\n"
		"bind n1 c0\n"
		"bind d0 c0\n"
		"attach d0 0 1\n"
		"detach d0 0\n"
		"unbind d0\n"
		"bind d3 c0\n"
		"close c0\n";
	struct check_result *out = calloc(1, sizeof(*out));
	char err[256], *buf = NULL;
	size_t len = 0;
	struct repro r;
	FILE *f;

	(void)state;
	assert_non_null(out);
	if (repro_parse(text, "clean", &r, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(r.nr_steps, 8);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(repro_run(&r, f, out), 0);
	fclose(f);
	if (out->nr)
		fail_msg("clean reproducer found %s: %s", out->f[0].sig,
			 out->f[0].msg);
	assert_true(repro_matches(&r, out));
	/* the trace: the injected fault, each result, the verdict */
	assert_non_null(strstr(buf, "#1 bind n1 c0 fail=@1\n"));
	assert_non_null(strstr(buf, "*  1 _iommufd_object_alloc:kzalloc"));
	assert_non_null(strstr(buf, "   = -ENOMEM\n#2 bind n1 c0\n"));
	assert_non_null(strstr(buf, "#7 bind d3 c0\n"));
	assert_non_null(strstr(buf, "   = -ENODEV\n#8 close c0\n   = 0\n"));
	assert_non_null(strstr(buf, "result: clean\n"));
	free(buf);

	/* the same run does not match an expected finding */
	strcpy(r.expect, "leak iommufd_alloc_group:kzalloc");
	assert_false(repro_matches(&r, out));
	/* minimising a clean reproducer leaves it alone */
	strcpy(r.expect, "clean");
	assert_int_equal(repro_minimise(&r, NULL), 8);
	assert_int_equal(r.nr_steps, 8);
	repro_free(&r);
	free(out);
}

/* ------------------------------------------------------------ explorer */

static void load_vfio(struct world_spec *spec)
{
	char err[256];

	if (world_parse_file("worlds/vfio.world", spec, err, sizeof(err)))
		fail_msg("%s", err);
}

static void explore_world(const struct world_spec *spec, int depth,
			  unsigned int shard, unsigned int nr_shards,
			  struct explore_stats *st)
{
	struct explore_opts o = {
		.spec = spec, .world_name = "test", .depth = depth,
		.shard = shard, .nr_shards = nr_shards,
	};
	struct explore_finding *fs = NULL;
	unsigned int nr = 0, i;

	assert_int_equal(explore(&o, st, &fs, &nr), 0);
	for (i = 0; i < nr; i++)
		print_message("finding: %s: %s\n", fs[i].f.sig, fs[i].f.msg);
	assert_int_equal(nr, 0);
	for (i = 0; i < nr; i++)
		repro_free(&fs[i].repro);
	free(fs);
}

static void assert_stats_equal(const struct explore_stats *a,
			       const struct explore_stats *b)
{
	assert_int_equal(a->states, b->states);
	assert_int_equal(a->expanded, b->expanded);
	assert_int_equal(a->transitions, b->transitions);
	assert_int_equal(a->injections, b->injections);
	assert_int_equal(a->fault_points, b->fault_points);
	assert_int_equal(a->max_depth, b->max_depth);
	assert_int_equal(a->closure, b->closure);
	assert_int_equal(a->stopped, b->stopped);
	assert_int_equal(a->snapshot_bytes, b->snapshot_bytes);
}

static void test_explore_vfio_deterministic(void **state)
{
	struct explore_stats a, b, s[2];
	struct world_spec spec;
	unsigned int nsites;

	(void)state;
	load_vfio(&spec);
	explore_world(&spec, -1, 0, 1, &a);
	assert_true(a.closure);
	assert_false(a.stopped);
	/* at closure every state was expanded, each reached by a transition */
	assert_int_equal(a.expanded, a.states);
	assert_true(a.states > spec.nr_boots);
	assert_true(a.transitions >= a.states - spec.nr_boots);
	assert_true(a.injections > 0);
	sim_fault_sites(&nsites);
	assert_true(a.fault_points >= 1);
	assert_true(a.fault_points <= nsites);
	assert_true(a.max_depth >= 2);

	explore_world(&spec, -1, 0, 1, &b);
	assert_stats_equal(&a, &b);

	/* two shards: the same graph, the injections split between them */
	explore_world(&spec, -1, 0, 2, &s[0]);
	explore_world(&spec, -1, 1, 2, &s[1]);
	assert_int_equal(s[0].states, a.states);
	assert_int_equal(s[1].states, a.states);
	assert_int_equal(s[0].transitions, a.transitions);
	assert_int_equal(s[1].transitions, a.transitions);
	assert_int_equal(s[0].injections + s[1].injections, a.injections);
	assert_true(s[0].injections > 0);
	assert_true(s[1].injections > 0);
}

static void test_explore_depth_bounds(void **state)
{
	struct explore_stats st, st1;

	(void)state;
	load_default(&default_spec);
	/* depth 0: the boot states alone */
	explore_world(&default_spec, 0, 0, 1, &st);
	assert_int_equal(st.states, default_spec.nr_boots);
	assert_int_equal(st.expanded, 0);
	assert_int_equal(st.transitions, 0);
	assert_int_equal(st.injections, 0);
	assert_int_equal(st.max_depth, 0);
	assert_false(st.closure);
	/* depth 1: both boot states expanded once */
	explore_world(&default_spec, 1, 0, 1, &st1);
	assert_int_equal(st1.expanded, default_spec.nr_boots);
	assert_int_equal(st1.max_depth, 1);
	assert_true(st1.states > st.states);
	assert_true(st1.transitions >= st1.states - st.states);
	/* a depth bound is deterministic too */
	explore_world(&default_spec, 1, 0, 1, &st);
	assert_stats_equal(&st, &st1);
}

/*
 * Exact deduplication: with the state hash cut to 10 bits, thousands of
 * states share each hash value; told apart by their canonical form they
 * give the same graph as the full hash (a hash-only table would merge
 * them into at most 512 states).
 */
static void test_explore_hash_collisions(void **state)
{
	struct explore_stats full, cut;
	struct explore_opts o = { .world_name = "test", .depth = -1,
				  .nr_shards = 1, .stop_kind = -1 };
	struct explore_finding *fs = NULL;
	struct world_spec spec;
	unsigned int nr = 0;

	(void)state;
	load_vfio(&spec);
	o.spec = &spec;
	assert_int_equal(explore(&o, &full, &fs, &nr), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(full.hash_collisions, 0);
	o.hash_bits = 10;
	assert_int_equal(explore(&o, &cut, &fs, &nr), 0);
	assert_int_equal(nr, 0);
	free(fs);
	assert_true(cut.hash_collisions > cut.states);
	assert_true(cut.closure);
	assert_stats_equal(&cut, &full);
}

/* One walk with @jobs worker processes, every level handed to them. */
static void explore_jobs(struct explore_opts *o, unsigned int jobs,
			 struct explore_stats *st,
			 struct explore_finding **fs, unsigned int *nr)
{
	o->jobs = jobs;
	o->par_min = 1;
	assert_int_equal(explore(o, st, fs, nr), 0);
}

static void assert_walks_equal(const struct explore_stats *a,
			       const struct explore_finding *fa,
			       unsigned int na, const struct explore_stats *b,
			       const struct explore_finding *fb,
			       unsigned int nb)
{
	unsigned int i, k;

	assert_stats_equal(a, b);
	assert_int_equal(a->hash_collisions, b->hash_collisions);
	assert_int_equal(a->stop, b->stop);
	/* the same states, numbered and parented alike */
	assert_int_equal(a->order_digest, b->order_digest);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_string_equal(fa[i].f.sig, fb[i].f.sig);
		assert_string_equal(fa[i].f.msg, fb[i].f.msg);
		assert_int_equal(fa[i].count, fb[i].count);
		assert_int_equal(fa[i].repro.boot, fb[i].repro.boot);
		assert_int_equal(fa[i].repro.nr_steps, fb[i].repro.nr_steps);
		for (k = 0; k < fa[i].repro.nr_steps; k++)
			assert_memory_equal(&fa[i].repro.steps[k],
					    &fb[i].repro.steps[k],
					    sizeof(fa[i].repro.steps[k]));
	}
}

static void free_findings(struct explore_finding *fs, unsigned int nr)
{
	while (nr)
		repro_free(&fs[--nr].repro);
	free(fs);
}

/* -j 1 against -j 2 on @o; returns why the walk stopped. */
static enum explore_stop assert_jobs_same(struct explore_opts *o)
{
	struct explore_finding *f1 = NULL, *f2 = NULL;
	unsigned int n1 = 0, n2 = 0;
	struct explore_stats s1, s2;

	explore_jobs(o, 1, &s1, &f1, &n1);
	explore_jobs(o, 2, &s2, &f2, &n2);
	assert_walks_equal(&s1, f1, n1, &s2, f2, n2);
	free_findings(f2, n2);
	free_findings(f1, n1);
	return s2.stop;
}

/*
 * -j N: worker processes expand each level, the parent merges what they
 * found in the serial order. The walk is -j 1's: the same states in the
 * same order (hash collisions too, with the hash cut to 10 bits), the
 * same findings first seen in the same order with the same reproducers,
 * and the same partial result when a bound stops it inside a level.
 */
static void test_explore_jobs(void **state)
{
	struct explore_opts o = { .world_name = "test", .depth = -1,
				  .nr_shards = 1, .stop_kind = -1 };
	struct explore_finding *f1 = NULL, *fj = NULL;
	struct explore_stats s1, sj;
	unsigned int n1 = 0, nj = 0, jobs;
	struct world_spec spec;

	(void)state;
	load_vfio(&spec);
	o.spec = &spec;
	o.hash_bits = 10;
	explore_jobs(&o, 1, &s1, &f1, &n1);
	assert_true(s1.hash_collisions > 0);
	for (jobs = 2; jobs <= 3; jobs++) {
		explore_jobs(&o, jobs, &sj, &fj, &nj);
		assert_true(sj.par_levels > 0);
		assert_walks_equal(&s1, f1, n1, &sj, fj, nj);
		free_findings(fj, nj);
	}
	free_findings(f1, n1);

	/* the reference model's findings on the default world */
	o.spec = &default_spec;
	o.hash_bits = 0;
	o.depth = 5;
	explore_jobs(&o, 1, &s1, &f1, &n1);
	assert_true(n1 >= 2);
	free_findings(f1, n1);
	assert_int_equal(assert_jobs_same(&o), EXPLORE_NOT_STOPPED);

	/* stopped inside a level the workers expanded */
	o.max_findings = 1;
	assert_int_equal(assert_jobs_same(&o), EXPLORE_STOP_FINDINGS);
	o.max_findings = 0;
	o.max_states = 1000;
	assert_int_equal(assert_jobs_same(&o), EXPLORE_STOP_MAX_STATES);
}

/*
 * State storage: every state is a delta against its parent (or, past
 * chain_max deltas, a keyframe against its boot state). Restoring any state,
 * in a shuffled order that keeps evicting the decoded images and then from
 * the deepest states back, gives exactly the image stored when it was
 * added; with long chains and with keyframes every two deltas alike, and
 * the graph is the same either way.
 */
static void test_explore_restore_exact(void **state)
{
	struct explore_opts o = { .world_name = "test", .depth = -1,
				  .nr_shards = 1, .stop_kind = -1,
				  .verify_restore = 0x9e3779b97f4a7c15ULL };
	struct explore_finding *fs = NULL;
	struct explore_stats deep, key;
	struct world_spec spec;
	unsigned int nr = 0;

	(void)state;
	load_vfio(&spec);
	o.spec = &spec;
	assert_int_equal(explore(&o, &deep, &fs, &nr), 0);
	assert_int_equal(nr, 0);
	assert_true(deep.closure);
	/* chains as long as the graph is deep: no keyframe needed */
	assert_true(deep.max_depth >= 10);
	assert_int_equal(deep.keyframes, 0);
	assert_int_equal(deep.restore_checked, 2 * deep.states);
	assert_int_equal(deep.restore_errors, 0);
	/* out of order: many more deltas decoded than there are states */
	assert_true(deep.deltas_decoded > 3 * deep.states);

	o.chain_max = 2;
	o.verify_restore = 12345;
	assert_int_equal(explore(&o, &key, &fs, &nr), 0);
	assert_int_equal(nr, 0);
	free(fs);
	assert_true(key.keyframes > key.states / 4);
	assert_int_equal(key.restore_checked, 2 * key.states);
	assert_int_equal(key.restore_errors, 0);
	/* keyframes cost bytes, and change nothing else */
	assert_true(key.snapshot_bytes > deep.snapshot_bytes);
	assert_int_equal(key.states, deep.states);
	assert_int_equal(key.transitions, deep.transitions);
	assert_int_equal(key.injections, deep.injections);
}

/* --max-states: exactly N states, not a closure, the reason recorded. */
static void test_explore_max_states(void **state)
{
	struct explore_opts o = { .world_name = "test", .depth = -1,
				  .nr_shards = 1, .stop_kind = -1,
				  .max_states = 100 };
	struct explore_finding *fs = NULL;
	struct explore_stats st;
	struct world_spec spec;
	unsigned int nr = 0;

	(void)state;
	load_vfio(&spec);
	o.spec = &spec;
	assert_int_equal(explore(&o, &st, &fs, &nr), 0);
	free(fs);
	assert_int_equal(st.states, 100);
	assert_false(st.closure);
	assert_true(st.stopped);
	assert_int_equal(st.stop, EXPLORE_STOP_MAX_STATES);
	assert_string_equal(explore_stop_name(st.stop), "max-states");
	/* a bound just above the closure's states changes nothing */
	o.max_states = 1000000;
	assert_int_equal(explore(&o, &st, &fs, &nr), 0);
	free(fs);
	assert_true(st.closure);
	assert_false(st.stopped);
}

struct seen {
	unsigned int calls;
	char first[128];
	bool interrupt;
};

static void on_finding(struct explore_finding *ef, void *arg)
{
	struct seen *seen = arg;

	if (!seen->calls++)
		snprintf(seen->first, sizeof(seen->first), "%s", ef->f.sig);
	/* a callback may run operations: the explorer restores its state */
	assert_true(repro_minimise(&ef->repro, NULL) >= 1);
	if (seen->interrupt)
		explore_interrupt();
}

/*
 * Findings are handed over at first sight, once each, and a signal (here
 * its handler's call, from the first finding) ends the walk: every finding
 * seen so far was handed over, and the run is not a closure.
 */
static void test_explore_first_sight_interrupt(void **state)
{
	struct explore_opts o = { .world_name = "default", .depth = 5,
				  .nr_shards = 1, .stop_kind = -1,
				  .on_finding = on_finding };
	struct explore_finding *fs = NULL;
	struct explore_stats st, all;
	struct seen seen = { 0 };
	unsigned int nr = 0, i;

	(void)state;
	load_default(&default_spec);
	o.spec = &default_spec;
	o.arg = &seen;
	assert_int_equal(explore(&o, &all, &fs, &nr), 0);
	assert_true(nr >= 1);
	assert_int_equal(seen.calls, nr);
	assert_false(all.stopped);
	for (i = 0; i < nr; i++)
		repro_free(&fs[i].repro);
	free(fs);

	memset(&seen, 0, sizeof(seen));
	seen.interrupt = true;
	assert_int_equal(explore(&o, &st, &fs, &nr), 0);
	assert_int_equal(st.stop, EXPLORE_STOP_INTERRUPTED);
	assert_true(st.stopped);
	assert_false(st.closure);
	assert_true(nr >= 1);
	assert_int_equal(seen.calls, nr);
	assert_string_equal(seen.first, fs[0].f.sig);
	assert_true(st.states < all.states);
	for (i = 0; i < nr; i++)
		repro_free(&fs[i].repro);
	free(fs);

	/* the next walk is not interrupted by the last one's signal */
	seen.interrupt = false;
	assert_int_equal(explore(&o, &st, &fs, &nr), 0);
	assert_false(st.stopped);
	assert_int_equal(st.states, all.states);
	assert_int_equal(st.transitions, all.transitions);
	for (i = 0; i < nr; i++)
		repro_free(&fs[i].repro);
	free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_describe),
		cmocka_unit_test(test_check_state_survives_a_wild_pointer),
		cmocka_unit_test_setup_teardown(test_op_text_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_op_text_variants, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_op_text_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_op_decode_bytes_sweep,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_decode_bytes_values,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_world_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_world_default, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_world_format_attributes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_canon_deterministic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_canon_symmetry, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_canon_symmetry_twins, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_world_identical, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_explore_symmetry, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_teardown_fresh_boot, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_postcond_and_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_repro_parse, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_repro_embedded_write,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_repro_run_clean, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_explore_vfio_deterministic,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_explore_depth_bounds,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_explore_restore_exact,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_explore_hash_collisions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_explore_max_states,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_explore_jobs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_explore_first_sight_interrupt, setup, teardown),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
