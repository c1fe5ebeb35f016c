// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzer's byte form: decode (the harness and the CLI share this one
 * path), encode reproducers into seeds, and import fuzzer crashes as
 * minimised, deduplicated reproducers.
 */
#include <ctype.h>
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzzio.h"

/*
 * The worlds' text is embedded at build time: mk/fuzz.mk generates
 * fuzz_worlds.h from the worlds/ files, so the harness needs no files at run
 * time. Built without it (a hand-made compile line), the text is read
 * from worlds/ relative to the current directory instead.
 */
#if defined(__has_include)
#if __has_include("fuzz_worlds.h")
#include "fuzz_worlds.h"
#endif
#endif
#ifndef FUZZ_WORLD_VFIO
#define FUZZ_WORLD_VFIO NULL
#endif
#ifndef FUZZ_WORLD_LARGE
#define FUZZ_WORLD_LARGE NULL
#endif

struct fuzz_world {
	const char *name;
	const char *path;	/* read at init when text is NULL */
	const char *text;	/* embedded text; NULL for the built-in */
	bool builtin;		/* "world default" in reproducers */
	char *loaded;
	struct world_spec spec;
};

static struct fuzz_world fuzz_worlds[FUZZ_NR_WORLDS] = {
	{ .name = "default", .builtin = true },
	{ .name = "vfio", .path = "worlds/vfio.world",
	  .text = FUZZ_WORLD_VFIO },
	{ .name = "large", .path = "worlds/large.world",
	  .text = FUZZ_WORLD_LARGE },
};

static int worlds_state;	/* 0 not tried, 1 loaded, -1 failed */
static char worlds_err[320];

/* up to @max bytes of @path ("-": standard input), NUL-terminated */
static char *read_file(const char *path, size_t max, size_t *lenp)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf;
	size_t len;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	len = fread(buf, 1, max, f);
	if (ferror(f)) {
		if (f != stdin)
			fclose(f);
		free(buf);
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

static int world_init(struct fuzz_world *w, char *e, size_t elen)
{
	if (w->builtin)
		return world_parse(world_default_text, w->name, &w->spec, e,
				   elen);
	if (!w->text) {
		w->loaded = read_file(w->path, 1 << 16, NULL);
		w->text = w->loaded;
	}
	if (!w->text) {
		snprintf(e, elen, "%s: cannot read (and not embedded)",
			 w->path);
		return -1;
	}
	return world_parse(w->text, w->name, &w->spec, e, elen);
}

int fuzz_worlds_init(char *err, size_t errlen)
{
	unsigned int i;
	char e[256];

	if (worlds_state == 0) {
		worlds_state = 1;
		for (i = 0; i < FUZZ_NR_WORLDS; i++) {
			if (!world_init(&fuzz_worlds[i], e, sizeof(e)))
				continue;
			snprintf(worlds_err, sizeof(worlds_err),
				 "fuzz world %s: %s", fuzz_worlds[i].name, e);
			worlds_state = -1;
			break;
		}
	}
	if (worlds_state < 0 && err)
		snprintf(err, errlen, "%s", worlds_err);
	return worlds_state < 0 ? -1 : 0;
}

const char *fuzz_world_name(unsigned int i)
{
	return i < FUZZ_NR_WORLDS ? fuzz_worlds[i].name : NULL;
}

int fuzz_bytes_to_repro(const u8 *data, size_t len, struct repro *r)
{
	const struct fuzz_world *w;
	unsigned int i, nops;

	/* per input in the harness: clear all but the unused steps */
	memset(r, 0, offsetof(struct repro, steps));
	if (!len || fuzz_worlds_init(NULL, 0))
		return -1;
	w = &fuzz_worlds[data[0] % FUZZ_NR_WORLDS];
	snprintf(r->rev, sizeof(r->rev), "%s", bindsim_revision());
	if (w->builtin) {
		snprintf(r->world_name, sizeof(r->world_name), "%s", w->name);
	} else {
		r->world_text = strdup(w->text);
		if (!r->world_text)
			return -1;
	}
	r->spec = w->spec;
	r->boot = (data[0] / FUZZ_NR_WORLDS) % w->spec.nr_boots;
	strcpy(r->expect, "clean");
	nops = (len - 1) / OP_BYTES;
	if (nops > FUZZ_MAX_OPS)
		nops = FUZZ_MAX_OPS;
	for (i = 0; i < nops; i++) {
		/* op_decode_bytes() clears the operation and its fault */
		op_decode_bytes(&r->spec, data + 1 + i * OP_BYTES,
				&r->steps[i].op, &r->steps[i].fault);
		r->steps[i].line = 0;
	}
	r->nr_steps = nops;
	return 0;
}

/* ------------------------------------------------------------ helpers */

static int repro_copy(struct repro *dst, const struct repro *src)
{
	*dst = *src;
	if (src->world_text) {
		dst->world_text = strdup(src->world_text);
		if (!dst->world_text)
			return -1;
	}
	return 0;
}

static bool step_format_equal(const struct world_spec *spec,
			      const struct op *a, const struct op *b)
{
	char ta[OP_TEXT], tb[OP_TEXT];

	op_format(spec, a, NULL, ta, sizeof(ta));
	op_format(spec, b, NULL, tb, sizeof(tb));
	return !strcmp(ta, tb);
}

/* Run @r's steps without the checks, calling @fn after every step. */
static int run_steps(const struct repro *r,
		     void (*fn)(unsigned int i, const struct op_result *res,
				void *arg),
		     void *arg)
{
	unsigned int i;

	if (world_boot(&r->spec, r->boot))
		return -1;
	for (i = 0; i < r->nr_steps; i++) {
		struct op_result res;

		sim_transient_reset();
		op_run(&r->steps[i].op, &r->steps[i].fault, &res);
		fn(i, &res, arg);
		if (res.oops)
			break;
	}
	return 0;
}

static unsigned int first_injected(const struct op_result *res,
				   unsigned int *nr)
{
	unsigned int k, first = 0, n = res->nr_faults;

	*nr = 0;
	if (n > 64)
		n = 64;
	for (k = 1; k <= n; k++) {
		if (!sim_fault_was_injected(k))
			continue;
		if (!first)
			first = k;
		(*nr)++;
	}
	return first;
}

struct ordinals {
	unsigned int ord[REPRO_MAX_STEPS];
	unsigned int nr[REPRO_MAX_STEPS];
	bool ran[REPRO_MAX_STEPS];
};

static void record_ordinal(unsigned int i, const struct op_result *res,
			   void *arg)
{
	struct ordinals *o = arg;

	o->ord[i] = first_injected(res, &o->nr[i]);
	o->ran[i] = true;
}

static void name_fault(unsigned int i, const struct op_result *res,
		       void *arg)
{
	struct repro *r = arg;
	struct op_fault *f = &r->steps[i].fault;
	const struct sim_site *site;
	unsigned int k, nr, ord = first_injected(res, &nr);

	if (f->site[0] || (!f->ordinal && !f->mask))
		return;
	if (!ord) {
		/* the operation never reached the fault point */
		memset(f, 0, sizeof(*f));
		return;
	}
	if (nr != 1 || !(site = sim_fault_point(ord)))
		return;
	sim_site_name(site, f->site, sizeof(f->site));
	f->hit = 0;
	for (k = 1; k <= ord; k++)
		f->hit += sim_fault_point(k) == site;
	f->ordinal = ord;
	f->mask = 0;
}

void fuzz_name_faults(struct repro *r)
{
	struct repro *n = malloc(sizeof(*n));

	if (!n || repro_copy(n, r)) {
		free(n);
		return;
	}
	if (!run_steps(n, name_fault, n) && repro_reproduces(n)) {
		repro_free(r);
		*r = *n;
	} else {
		repro_free(n);
	}
	free(n);
}

static int world_index(const struct world_spec *spec)
{
	static char a[8192], b[8192];
	unsigned int i;

	if (fuzz_worlds_init(NULL, 0))
		return -1;
	world_format(spec, a, sizeof(a));
	for (i = 0; i < FUZZ_NR_WORLDS; i++) {
		world_format(&fuzz_worlds[i].spec, b, sizeof(b));
		if (!strcmp(a, b))
			return i;
	}
	return -1;
}

/*
 * op_encode_bytes() packs arguments that op_decode_bytes() reads modulo
 * the world's ranges; where the two disagree for this world (a device
 * and a context sharing a byte, a pasid in the high nibble), search the
 * argument bytes for one that decodes to the same operation.
 */
static bool encode_op(const struct world_spec *spec, const struct op *op,
		      unsigned int ordinal, u8 *b)
{
	struct op_fault f = { .ordinal = ordinal }, df;
	struct op d;
	u8 t[OP_BYTES];
	unsigned int x, y, pos;

	op_encode_bytes(op, &f, b);
	memcpy(t, b, OP_BYTES);
#define FITS() (op_decode_bytes(spec, t, &d, &df),			\
		df.ordinal == ordinal && step_format_equal(spec, op, &d))
	if (FITS())
		return true;
	for (x = 0; x < 256; x++) {
		t[1] = x;
		if (FITS())
			goto found;
	}
	for (pos = 2; pos <= 3; pos++) {
		memcpy(t, b, OP_BYTES);
		for (x = 0; x < 256; x++) {
			t[1] = x;
			for (y = 0; y < 256; y++) {
				t[pos] = y;
				if (FITS())
					goto found;
			}
		}
	}
	return false;
found:
#undef FITS
	memcpy(b, t, OP_BYTES);
	return true;
}

static void sig_set(const struct check_result *cr, char *buf, size_t len)
{
	unsigned int i;
	size_t n = 0;

	buf[0] = 0;
	for (i = 0; i < cr->nr && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
			      cr->f[i].sig);
	if (!cr->nr)
		snprintf(buf, len, "clean");
}

int fuzz_repro_to_bytes(const struct repro *r, u8 *buf, size_t len,
			char *err, size_t errlen)
{
	struct ordinals *o = calloc(1, sizeof(*o));
	struct check_result *c1 = malloc(sizeof(*c1));
	struct check_result *c2 = malloc(sizeof(*c2));
	struct repro *d = calloc(1, sizeof(*d));
	char s1[1024], s2[1024], t[OP_TEXT];
	unsigned int i, n = 0;
	int w, ret = -1;

	if (!o || !c1 || !c2 || !d) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	w = world_index(&r->spec);
	if (w < 0) {
		snprintf(err, errlen, "the world is none of the fuzzer's "
			 "(default, vfio, large)");
		goto out;
	}
	if (r->nr_steps > FUZZ_MAX_OPS) {
		snprintf(err, errlen, "%u operations: the byte form has at "
			 "most %u", r->nr_steps, FUZZ_MAX_OPS);
		goto out;
	}
	if (len < 1 + r->nr_steps * OP_BYTES) {
		snprintf(err, errlen, "buffer too small");
		goto out;
	}
	if (run_steps(r, record_ordinal, o)) {
		snprintf(err, errlen, "the world does not boot");
		goto out;
	}
	buf[n++] = w + FUZZ_NR_WORLDS * r->boot;
	for (i = 0; i < r->nr_steps; i++) {
		const struct repro_step *st = &r->steps[i];
		unsigned int ord = st->fault.ordinal;

		op_format(&r->spec, &st->op, &st->fault, t, sizeof(t));
		if (o->ran[i]) {
			if (o->nr[i] > 1) {
				snprintf(err, errlen, "step %u (%s): several "
					 "faults in one operation", i + 1, t);
				goto out;
			}
			ord = o->ord[i];
		}
		if (ord > 15) {
			snprintf(err, errlen, "step %u (%s): fault ordinal %u "
				 "does not fit the byte form (1..15)", i + 1,
				 t, ord);
			goto out;
		}
		if (!encode_op(&r->spec, &st->op, ord, buf + n)) {
			snprintf(err, errlen, "step %u (%s): no byte string "
				 "decodes to this operation in world %s", i + 1,
				 t, fuzz_worlds[w].name);
			goto out;
		}
		n += OP_BYTES;
	}
	/* decode again: the same findings, or it is not the same scenario */
	if (fuzz_bytes_to_repro(buf, n, d) || repro_run(r, NULL, c1) ||
	    repro_run(d, NULL, c2)) {
		snprintf(err, errlen, "the world does not boot");
		goto out;
	}
	sig_set(c1, s1, sizeof(s1));
	sig_set(c2, s2, sizeof(s2));
	if (strcmp(s1, s2)) {
		snprintf(err, errlen, "the byte form replays differently: "
			 "'%.300s' instead of '%.300s'", s2, s1);
		goto out;
	}
	ret = n;
out:
	if (d)
		repro_free(d);
	free(d);
	free(c2);
	free(c1);
	free(o);
	return ret;
}

/* ---------------------------------------------------------------- CLI */

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "bindsim: %s%s%s\n", msg, arg ? " " : "",
		arg ? arg : "");
	fprintf(stderr, "run 'bindsim help' for usage\n");
	return 2;
}

int fuzzio_encode(const char *file, const char *outp, bool hex)
{
	u8 buf[FUZZ_MAX_BYTES];
	struct repro r;
	char err[512];
	FILE *f = stdout;
	int n, i;

	if (!hex && !outp && isatty(STDOUT_FILENO))
		return usage_error("encode writes bytes: redirect stdout, "
				   "or use -o FILE or --hex", NULL);
	if (repro_parse_file(file, &r, err, sizeof(err))) {
		fprintf(stderr, "bindsim: %s\n", err);
		return 2;
	}
	n = fuzz_repro_to_bytes(&r, buf, sizeof(buf), err, sizeof(err));
	repro_free(&r);
	if (n < 0) {
		/* not expressible in the byte form: bad input for encode */
		fprintf(stderr, "bindsim: %s: %s\n", sim_input_name(file), err);
		return 2;
	}
	if (outp && !(f = fopen(outp, "wb"))) {
		fprintf(stderr, "bindsim: cannot write %s\n", outp);
		return 2;
	}
	if (hex) {
		for (i = 0; i < n; i++)
			fprintf(f, "%02x%s", buf[i],
				i == 0 || (i % OP_BYTES) == 0 ? " " : "");
		fprintf(f, "\n");
	} else {
		fwrite(buf, 1, n, f);
	}
	if (f != stdout && fclose(f)) {
		fprintf(stderr, "bindsim: cannot write %s\n", outp);
		return 2;
	}
	return 0;
}

int fuzzio_decode(const char *file)
{
	struct check_result *cr;
	struct repro r;
	size_t len;
	char *data;

	data = read_file(file, FUZZ_MAX_BYTES, &len);
	if (!data) {
		fprintf(stderr, "bindsim: cannot read %s\n",
			sim_input_name(file));
		return 2;
	}
	cr = malloc(sizeof(*cr));
	if (!cr || fuzz_bytes_to_repro((u8 *)data, len, &r)) {
		fprintf(stderr, "bindsim: %s: empty input\n",
			sim_input_name(file));
		free(cr);
		free(data);
		return 2;
	}
	free(data);
	if (repro_run(&r, NULL, cr)) {
		fprintf(stderr, "bindsim: %s: world does not boot\n",
			sim_input_name(file));
		repro_free(&r);
		free(cr);
		return 2;
	}
	if (cr->nr)
		snprintf(r.expect, sizeof(r.expect), "%s", cr->f[0].sig);
	printf("# decoded from %s by bindsim decode\n", sim_input_name(file));
	repro_write(stdout, &r, cr->nr ? &cr->f[0] : NULL);
	repro_free(&r);
	free(cr);
	return 0;
}

struct imported {
	char sig[128];
	char path[600];
	char src[600];
	unsigned int steps;
	unsigned int more;	/* other inputs with the same signature */
};

struct import_state {
	const char *outdir;
	struct imported *tab;
	unsigned int nr, cap;
	unsigned int inputs, clean, failed;
};

static struct imported *import_find(struct import_state *s, const char *sig)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->tab[i].sig, sig))
			return &s->tab[i];
	return NULL;
}

static const struct bfinding *find_sig(const struct check_result *cr,
				       const char *sig)
{
	unsigned int i;

	for (i = 0; i < cr->nr; i++)
		if (!strcmp(cr->f[i].sig, sig))
			return &cr->f[i];
	return NULL;
}

/* One signature of one input: minimise, name faults, write. */
static int import_sig(struct import_state *s, const struct repro *r,
		      const char *sig, const char *src)
{
	struct check_result *cr = malloc(sizeof(*cr));
	struct repro *m = malloc(sizeof(*m));
	const struct bfinding *fd;
	struct imported *e;
	char name[200];
	FILE *f;
	int ret = -1;

	if (!cr || !m || repro_copy(m, r)) {
		free(m);
		m = NULL;
		goto out;
	}
	snprintf(m->expect, sizeof(m->expect), "%s", sig);
	repro_minimise(m, NULL);
	fuzz_name_faults(m);
	if (repro_run(m, NULL, cr) || !(fd = find_sig(cr, sig)))
		goto out;
	if (s->nr == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 16;
		struct imported *t = realloc(s->tab, cap * sizeof(*t));

		if (!t)
			goto out;
		s->tab = t;
		s->cap = cap;
	}
	e = &s->tab[s->nr];
	memset(e, 0, sizeof(*e));
	snprintf(e->sig, sizeof(e->sig), "%s", sig);
	repro_file_name(sig, name, sizeof(name));
	snprintf(e->path, sizeof(e->path), "%s/%s.repro", s->outdir, name);
	snprintf(e->src, sizeof(e->src), "%s", src);
	e->steps = m->nr_steps;
	f = fopen(e->path, "w");
	if (!f) {
		fprintf(stderr, "bindsim: cannot write %s\n", e->path);
		goto out;
	}
	fprintf(f, "# imported by bindsim fuzz-import from %s\n", src);
	repro_write(f, m, fd);
	if (fclose(f)) {
		fprintf(stderr, "bindsim: cannot write %s\n", e->path);
		goto out;
	}
	s->nr++;
	ret = 0;
out:
	if (m)
		repro_free(m);
	free(m);
	free(cr);
	return ret;
}

static void import_file(struct import_state *s, const char *path)
{
	struct check_result *cr = malloc(sizeof(*cr));
	unsigned int i;
	struct repro r;
	size_t len;
	char *data = read_file(path, FUZZ_MAX_BYTES, &len);

	s->inputs++;
	if (!data || !cr || fuzz_bytes_to_repro((u8 *)data, len, &r)) {
		fprintf(stderr, "bindsim: %s: unreadable or empty input\n",
			path);
		s->failed++;
		free(data);
		free(cr);
		return;
	}
	free(data);
	if (repro_run(&r, NULL, cr)) {
		fprintf(stderr, "bindsim: %s: world does not boot\n", path);
		s->failed++;
	} else if (!cr->nr) {
		printf("  %-50s (no finding in revision %s)\n", path,
		       bindsim_revision());
		s->clean++;
	}
	for (i = 0; i < cr->nr; i++) {
		struct imported *e = import_find(s, cr->f[i].sig);

		if (e) {
			e->more++;
			continue;
		}
		if (import_sig(s, &r, cr->f[i].sig, path)) {
			fprintf(stderr, "bindsim: %s: %s did not survive "
				"minimisation\n", path, cr->f[i].sig);
			s->failed++;
		}
	}
	repro_free(&r);
	free(cr);
}

static int import_path(struct import_state *s, const char *path)
{
	struct dirent **ents;
	struct stat st;
	int n, i;

	if (stat(path, &st)) {
		fprintf(stderr, "bindsim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		import_file(s, path);
		return 0;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "bindsim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		char full[1024];

		/* AFL++ leaves a README.txt next to its crashes */
		if (nm[0] != '.' && strcmp(nm, "README.txt")) {
			snprintf(full, sizeof(full), "%s/%s", path, nm);
			if (!stat(full, &st) && S_ISREG(st.st_mode))
				import_file(s, full);
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

int fuzzio_import(const char *outdir, unsigned int nr, char *const *paths)
{
	struct import_state s = { .outdir = outdir };
	char err[320];
	unsigned int i;
	int rc = 0;

	if (fuzz_worlds_init(err, sizeof(err))) {
		fprintf(stderr, "bindsim: %s\n", err);
		return 2;
	}
	if (mkdir(s.outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "bindsim: cannot create %s: %s\n", s.outdir,
			strerror(errno));
		return 2;
	}
	printf("bindsim fuzz-import: revision %s, reproducers in %s/\n",
	       bindsim_revision(), s.outdir);
	for (i = 0; i < nr; i++)
		if (import_path(&s, paths[i]))
			rc = 2;
	printf("\n%-44s %-5s %s\n", "signature", "ops", "reproducer <- input");
	for (i = 0; i < s.nr; i++) {
		printf("%-44s %-5u %s\n%44s       <- %s", s.tab[i].sig,
		       s.tab[i].steps, s.tab[i].path, "", s.tab[i].src);
		if (s.tab[i].more)
			printf(" (+%u more)", s.tab[i].more);
		printf("\n");
	}
	printf("\n%u inputs: %u distinct signatures, %u without a finding, "
	       "%u errors\n", s.inputs, s.nr, s.clean, s.failed);
	free(s.tab);
	if (rc)
		return rc;
	if (s.failed)
		return 2;
	return s.clean ? 1 : 0;
}
