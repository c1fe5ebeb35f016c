// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim diff: two targets in lock step.
 *
 * The driver (this process) explores a world breadth first on its own
 * target. A peer process, another bindsim binary running "bindsim serve",
 * is put into every state the driver expands (the same boot and operation
 * path) and runs every transition the driver runs: each operation
 * uninjected, then each fault point the two targets share, injected by
 * name. For every transition the two report
 *  - the return code (and whether the caller refused, or an oops killed it);
 *  - the fault sites passed, by function and kind (no line numbers);
 *  - a digest of the observable canonical state afterwards (objects, ids,
 *    users/wait_cnt, igroups, owners, attach records, reserved IOVA; the
 *    census count is left out: the targets allocate different helpers).
 * A disagreement is a divergence, named by a short signature (its kind, the
 * operation, what differed) and reported once with its first example as a
 * reproducer. A state is expanded only if both targets reached it: after a
 * return-code or state divergence the two are no longer comparable.
 * Fault-site divergences do not stop the walk: the targets name their fault
 * points differently by design, and such a signature is an abstraction to
 * list, not a behaviour to fix.
 *
 * Protocol (one line per request, one reply each, on the peer's stdin and
 * stdout): "world NAME" -> "ok TARGET"; "state BOOT N" and N operation
 * lines -> "ok"; "run OP" -> "RET APPLICABLE OOPS HASH SITES"; "text OP"
 * -> the canonical state after OP, one "label value" per line, then ".".
 * Errors come back as "error MESSAGE".
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "diff.h"
#include "repro.h"
#include "target.h"

#define DIFF_SITES 2048
#define DIFF_LINE 4096

/* What one transition showed. */
struct outcome {
	int ret;
	int applicable;
	int oops;
	unsigned long long hash;
	char sites[DIFF_SITES];	/* "func:what,func:what" in order passed */
};

/* ------------------------------------------------------------- common */

static struct canon *diff_canon;

/* The state digest the two targets share (no census count). */
static unsigned long long observable_hash(void)
{
	if (!diff_canon)
		diff_canon = calloc(1, sizeof(*diff_canon));
	if (!diff_canon)
		return 0;
	diff_canon->text = NULL;
	/* a state that faults when read has the oops outcome's digest */
	if (!canon_state(diff_canon)) {
		sim_clear_findings();
		return 0;
	}
	return canon_hash_observable(diff_canon);
}

static void observe(const struct op *op, const struct op_fault *fault,
		    struct outcome *o)
{
	struct op_result res;
	unsigned int k, n;
	size_t len = 0;

	sim_transient_reset();
	op_run(op, fault, &res);
	o->ret = res.ret;
	o->applicable = res.applicable;
	o->oops = res.oops;
	n = res.nr_faults < SIM_MAX_FAULT_POINTS ? res.nr_faults :
						   SIM_MAX_FAULT_POINTS;
	o->sites[0] = '\0';
	for (k = 1; k <= n && len + 100 < sizeof(o->sites); k++) {
		char name[96];

		sim_site_name(sim_fault_point(k), name, sizeof(name));
		len += snprintf(o->sites + len, sizeof(o->sites) - len, "%s%s",
				k > 1 ? "," : "", name);
	}
	o->hash = res.oops ? 0 : observable_hash();
}

/* Boot @boot and run @path without checks; 0 or -1. */
static int reach(const struct world_spec *spec, unsigned int boot,
		 const struct repro_step *path, unsigned int n)
{
	struct op_result res;
	unsigned int i;

	if (world_boot(spec, boot))
		return -1;
	for (i = 0; i < n; i++) {
		sim_transient_reset();
		op_run(&path[i].op, &path[i].fault, &res);
		if (res.oops)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ the peer */

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

int diff_serve(void)
{
	static struct world_spec spec;
	static struct repro_step path[REPRO_MAX_STEPS];
	static char line[DIFF_LINE];
	static struct outcome o;
	void *snap = malloc(SIM_HEAP_SIZE);
	bool have_world = false, have_state = false;
	size_t snap_len = 0;
	char err[256];

	if (!snap)
		return 2;
	/* replies wait for "flush": a batch never blocks on a full pipe */
	setvbuf(stdout, NULL, _IOFBF, 16u << 20);
	while (fgets(line, sizeof(line), stdin)) {
		struct op op;
		struct op_fault fault;
		unsigned int boot, n, i;

		trim(line);
		if (!strncmp(line, "world ", 6)) {
			/* stdin is this protocol: no world from it */
			have_world = strcmp(line + 6, "-") &&
				     !world_load(line + 6, &spec, err,
						 sizeof(err));
			if (!strcmp(line + 6, "-"))
				snprintf(err, sizeof(err), "world '-' is "
					 "not a file");
			if (have_world)
				reply("ok %s\n", target_kind);
			else
				reply("error %s\n", err);
			fflush(stdout);
		} else if (sscanf(line, "state %u %u", &boot, &n) == 2) {
			bool ok = have_world && n <= REPRO_MAX_STEPS;

			for (i = 0; i < n; i++) {
				if (!fgets(line, sizeof(line), stdin))
					goto out;
				trim(line);
				memset(&path[i], 0, sizeof(path[i]));
				if (ok && op_parse(&spec, line, &path[i].op,
						   &path[i].fault, err,
						   sizeof(err)))
					ok = false;
			}
			have_state = ok && !reach(&spec, boot, path, n);
			if (have_state) {
				snap_len = sim_heap_used();
				sim_heap_save(snap);
			}
			/* the head of a batch: answered at once */
			reply(have_state ? "ok\n" :
			      "error cannot reach the state\n");
			fflush(stdout);
		} else if (!strncmp(line, "run ", 4) ||
			   !strncmp(line, "text ", 5)) {
			bool text = line[0] == 't';

			memset(&fault, 0, sizeof(fault));
			if (!have_state ||
			    op_parse(&spec, line + (text ? 5 : 4), &op, &fault,
				     err, sizeof(err))) {
				reply("error %s\n", have_state ? err :
				      "no state");
				continue;
			}
			sim_heap_restore(snap, snap_len);
			observe(&op, &fault, &o);
			if (text) {
				char *t = o.oops ? NULL : canon_text();

				reply("%s.\n", t ? t : "");
				fflush(stdout);
				free(t);
			} else {
				reply("%d %d %d %016llx %s\n", o.ret,
				      o.applicable, o.oops, o.hash,
				      o.sites[0] ? o.sites : "-");
			}
		} else if (!strcmp(line, "flush")) {
			fflush(stdout);
		} else if (!strcmp(line, "quit")) {
			break;
		} else {
			reply("error unknown request\n");
		}
	}
out:
	free(snap);
	return 0;
}

/* ---------------------------------------------------------- the driver */

struct peer {
	pid_t pid;
	FILE *to, *from;
	char kind[16];
};

static int peer_start(struct peer *p, const char *bin)
{
	int in[2], out[2];

	if (pipe(in) || pipe(out))
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (!p->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(bin, bin, "serve", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->to = fdopen(in[1], "w");
	p->from = fdopen(out[0], "r");
	if (!p->to || !p->from)
		return -1;
	setvbuf(p->to, NULL, _IOFBF, 1u << 20);
	setvbuf(p->from, NULL, _IOFBF, 1u << 20);
	return 0;
}

static void peer_stop(struct peer *p)
{
	if (p->to) {
		fputs("quit\n", p->to);
		fclose(p->to);
	}
	if (p->from)
		fclose(p->from);
	if (p->pid > 0)
		waitpid(p->pid, NULL, 0);
}

static char *peer_ask(struct peer *p, char *buf, size_t len)
{
	fflush(p->to);
	if (!fgets(buf, len, p->from))
		return NULL;
	trim(buf);
	return buf;
}

struct divergence {
	char sig[256];
	char detail[512];
	unsigned long long count;
	unsigned int boot, nr_steps;
	struct repro_step steps[REPRO_MAX_STEPS];
};

struct dstate {
	unsigned long long hash;
	unsigned int parent;	/* index, UINT32_MAX for a boot state */
	unsigned int boot, depth;
	struct repro_step step;	/* how the parent reached it */
};

struct driver {
	const struct diff_opts *o;
	struct peer peer;
	struct dstate *st;
	unsigned int nr_st, cap_st;
	/* open-addressing set of state hashes (index + 1; 0 empty) */
	unsigned int *set;
	unsigned int set_cap;
	struct divergence *dv;
	unsigned int nr_dv, cap_dv;
	struct diff_stats *stats;
	void *snap;
	char line[DIFF_LINE];
};

static bool state_seen(struct driver *d, unsigned long long hash)
{
	unsigned int i = (unsigned int)(hash ^ hash >> 32) & (d->set_cap - 1);

	if (!d->set_cap)
		return false;
	for (; d->set[i]; i = (i + 1) & (d->set_cap - 1))
		if (d->st[d->set[i] - 1].hash == hash)
			return true;
	return false;
}

static int state_add(struct driver *d, unsigned long long hash,
		     unsigned int parent, unsigned int boot, unsigned int depth,
		     const struct repro_step *step)
{
	unsigned int i;

	if (state_seen(d, hash))
		return 0;
	if (d->nr_st == d->cap_st) {
		unsigned int cap = d->cap_st ? 2 * d->cap_st : 1024;
		struct dstate *n = realloc(d->st, cap * sizeof(*n));

		if (!n)
			return -1;
		d->st = n;
		d->cap_st = cap;
	}
	if (2 * (d->nr_st + 1) > d->set_cap) {
		unsigned int cap = d->set_cap ? 2 * d->set_cap : 4096, j;
		unsigned int *n = calloc(cap, sizeof(*n));

		if (!n)
			return -1;
		free(d->set);
		d->set = n;
		d->set_cap = cap;
		for (j = 0; j < d->nr_st; j++) {
			unsigned long long h = d->st[j].hash;

			i = (unsigned int)(h ^ h >> 32) & (cap - 1);
			while (d->set[i])
				i = (i + 1) & (cap - 1);
			d->set[i] = j + 1;
		}
	}
	memset(&d->st[d->nr_st], 0, sizeof(d->st[0]));
	d->st[d->nr_st].hash = hash;
	d->st[d->nr_st].parent = parent;
	d->st[d->nr_st].boot = boot;
	d->st[d->nr_st].depth = depth;
	if (step)
		d->st[d->nr_st].step = *step;
	i = (unsigned int)(hash ^ hash >> 32) & (d->set_cap - 1);
	while (d->set[i])
		i = (i + 1) & (d->set_cap - 1);
	d->set[i] = ++d->nr_st;
	return 0;
}

/* The operation path from the boot to state @idx; returns its length. */
static unsigned int path_of(const struct driver *d, unsigned int idx,
			    struct repro_step *path)
{
	unsigned int n = d->st[idx].depth, i = n;

	for (; d->st[idx].parent != UINT32_MAX; idx = d->st[idx].parent)
		path[--i] = d->st[idx].step;
	return n;
}

/* Is @name one of the comma-separated names in @list? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ',') && (!p[n] || p[n] == ','))
			return true;
	return false;
}

static void record(struct driver *d, const char *sig, const char *detail,
		   unsigned int idx, const struct repro_step *last)
{
	struct divergence *v;
	unsigned int i;

	for (i = 0; i < d->nr_dv; i++)
		if (!strcmp(d->dv[i].sig, sig)) {
			d->dv[i].count++;
			return;
		}
	if (d->nr_dv == d->cap_dv) {
		unsigned int cap = d->cap_dv ? 2 * d->cap_dv : 16;
		struct divergence *n = realloc(d->dv, cap * sizeof(*n));

		if (!n)
			return;
		d->dv = n;
		d->cap_dv = cap;
	}
	v = &d->dv[d->nr_dv++];
	memset(v, 0, sizeof(*v));
	snprintf(v->sig, sizeof(v->sig), "%s", sig);
	snprintf(v->detail, sizeof(v->detail), "%s", detail);
	v->count = 1;
	v->boot = d->st[idx].boot;
	v->nr_steps = path_of(d, idx, v->steps);
	if (v->nr_steps < REPRO_MAX_STEPS)
		v->steps[v->nr_steps++] = *last;
}

/* The first canonical line that differs, after @op from the current snap. */
static void first_state_difference(struct driver *d, const struct op *op,
				   const struct op_fault *fault,
				   const char *optext, char *buf, size_t len)
{
	struct outcome o;
	char *mine, *a, *b, *ea, *eb;
	size_t cap = 1 << 16, n = 0;
	char *theirs = malloc(cap);

	snprintf(buf, len, "?");
	if (!theirs)
		return;
	theirs[0] = '\0';
	sim_heap_restore(d->snap, sim_heap_used());
	observe(op, fault, &o);
	mine = canon_text();
	fprintf(d->peer.to, "text %s\n", optext);
	fflush(d->peer.to);
	while (fgets(d->line, sizeof(d->line), d->peer.from) &&
	       strcmp(d->line, ".\n")) {
		size_t l = strlen(d->line);

		if (n + l + 1 > cap)
			break;
		memcpy(theirs + n, d->line, l + 1);
		n += l;
	}
	for (a = mine, b = theirs; a && *a && *b; a = ea + 1, b = eb + 1) {
		ea = strchr(a, '\n');
		eb = strchr(b, '\n');
		if (!ea || !eb)
			break;
		if (ea - a != eb - b || strncmp(a, b, ea - a)) {
			snprintf(buf, len, "%s '%.*s' %s '%.*s'", target_kind,
				 (int)(ea - a), a, d->peer.kind,
				 (int)(eb - b), b);
			break;
		}
	}
	free(mine);
	free(theirs);
}

/* One transition of a state's batch: what the driver saw, and the request. */
struct pending {
	struct op op;
	struct op_fault fault;
	bool injected;
	struct outcome a;
};

/* Has the site list @sites the @hit-th pass of @name? */
static bool passes(const char *sites, const char *name, unsigned int hit)
{
	char tmp[DIFF_SITES], *tok, *save;
	unsigned int seen = 0;

	snprintf(tmp, sizeof(tmp), "%s", sites);
	for (tok = strtok_r(tmp, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, name) && ++seen == hit)
			return true;
	return false;
}

static bool parse_reply(const char *line, struct outcome *b)
{
	const char *s;

	if (sscanf(line, "%d %d %d %llx", &b->ret, &b->applicable, &b->oops,
		   &b->hash) != 4)
		return false;
	s = strrchr(line, ' ');
	snprintf(b->sites, sizeof(b->sites), "%s",
		 s && strcmp(s + 1, "-") ? s + 1 : "");
	return true;
}

/*
 * Compare one transition; returns true if the two agree on behaviour. The
 * state's snapshot is in d->snap (for a state divergence's details).
 */
static bool compare(struct driver *d, unsigned int idx,
		    const struct pending *p, const struct outcome *b)
{
	char optext[OP_TEXT + 112], sig[256], detail[512];
	const struct op_fault *fault = p->injected ? &p->fault : NULL;
	struct repro_step step = { .op = p->op };
	const char *kind = op_kind_name(p->op.kind);
	const struct outcome *a = &p->a;
	bool same = true;

	if (fault)
		step.fault = *fault;
	op_format(d->o->spec, &p->op, fault, optext, sizeof(optext));
	d->stats->compared++;
	if (a->ret != b->ret || a->applicable != b->applicable ||
	    a->oops != b->oops) {
		snprintf(sig, sizeof(sig), "ret %s%s: %s %d, %s %d", kind,
			 fault ? " (injected)" : "", target_kind, a->ret,
			 d->peer.kind, b->ret);
		snprintf(detail, sizeof(detail), "%s", optext);
		record(d, sig, detail, idx, &step);
		same = false;
	} else if (!a->oops && a->hash != b->hash) {
		char what[400], label[64] = "?";

		first_state_difference(d, &p->op, fault, optext, what,
				       sizeof(what));
		/* the signature names the field, not the values */
		sscanf(what, "%*s ' %63[^ ']", label);
		snprintf(sig, sizeof(sig), "state %s%s: %s", kind,
			 fault ? " (injected)" : "", label);
		snprintf(detail, sizeof(detail), "%.200s: %.300s", optext,
			 what);
		record(d, sig, detail, idx, &step);
		same = false;
	}
	if (!fault && strcmp(a->sites, b->sites)) {
		/* one signature per fault site only one target passes */
		const char *lists[2] = { a->sites, b->sites };
		const char *kinds[2] = { target_kind, d->peer.kind };
		int side;

		for (side = 0; side < 2; side++) {
			char tmp[DIFF_SITES], *tok, *save;

			snprintf(tmp, sizeof(tmp), "%s", lists[side]);
			for (tok = strtok_r(tmp, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (in_list(lists[!side], tok))
					continue;
				snprintf(sig, sizeof(sig),
					 "sites %s: only the %s passes %s",
					 kind, kinds[side], tok);
				snprintf(detail, sizeof(detail), "%s", optext);
				record(d, sig, detail, idx, &step);
			}
		}
	}
	return same;
}

/* Send the path to state @idx, then @n runs, as one batch. */
static int peer_batch(struct driver *d, unsigned int idx,
		      const struct repro_step *path, unsigned int len,
		      const struct pending *p, unsigned int n)
{
	char t[OP_TEXT + 112];
	unsigned int i;

	fprintf(d->peer.to, "state %u %u\n", d->st[idx].boot, len);
	for (i = 0; i < len; i++) {
		op_format(d->o->spec, &path[i].op,
			  path[i].fault.site[0] || path[i].fault.ordinal ?
			  &path[i].fault : NULL, t, sizeof(t));
		fprintf(d->peer.to, "%s\n", t);
	}
	for (i = 0; i < n; i++) {
		op_format(d->o->spec, &p[i].op,
			  p[i].injected ? &p[i].fault : NULL, t, sizeof(t));
		fprintf(d->peer.to, "run %s\n", t);
	}
	fputs("flush\n", d->peer.to);
	if (!peer_ask(&d->peer, d->line, sizeof(d->line)) ||
	    strcmp(d->line, "ok"))
		return -1;
	return 0;
}

/* The site and pass of the k-th fault point (1-based) in @sites. */
static void nth_site(const char *sites, unsigned int k, struct op_fault *f)
{
	char tmp[DIFF_SITES], *tok, *save;
	unsigned int j = 0;

	memset(f, 0, sizeof(*f));
	snprintf(tmp, sizeof(tmp), "%s", sites);
	for (tok = strtok_r(tmp, ",", &save); tok && ++j <= k;
	     tok = strtok_r(NULL, ",", &save))
		if (j == k)
			snprintf(f->site, sizeof(f->site), "%s", tok);
	snprintf(tmp, sizeof(tmp), "%s", sites);
	j = 0;
	for (tok = strtok_r(tmp, ",", &save); tok && ++j <= k;
	     tok = strtok_r(NULL, ",", &save))
		f->hit += !strcmp(tok, f->site);
}

#define DIFF_BATCH 4096

static int expand(struct driver *d, unsigned int idx)
{
	static struct repro_step path[REPRO_MAX_STEPS];
	static struct pending p[DIFF_BATCH];
	static struct outcome b[DIFF_BATCH];
	static struct op ops[4096];
	struct dstate s = d->st[idx];
	unsigned int n, nops, np = 0, i, k;
	const char *usites = "";
	size_t len;

	n = path_of(d, idx, path);
	if (reach(d->o->spec, s.boot, path, n))
		return -1;
	len = sim_heap_used();
	sim_heap_save(d->snap);
	nops = op_enumerate(ops, ARRAY_SIZE(ops));
	d->stats->states++;

	/* this target first: every run, uninjected and at each fault point */
	for (i = 0; i < nops && np < DIFF_BATCH; i++) {
		struct pending *u = &p[np++];
		unsigned int nf = 0;

		memset(u, 0, sizeof(*u));
		u->op = ops[i];
		sim_heap_restore(d->snap, len);
		observe(&ops[i], NULL, &u->a);
		d->stats->transitions++;
		for (k = 0; u->a.sites[k]; k++)
			nf += u->a.sites[k] == ',';
		nf += !!u->a.sites[0];
		for (k = 1; k <= nf && np < DIFF_BATCH; k++) {
			struct pending *f = &p[np++];

			f->op = ops[i];
			f->injected = true;
			nth_site(u->a.sites, k, &f->fault);
			sim_heap_restore(d->snap, len);
			observe(&ops[i], &f->fault, &f->a);
		}
	}
	/* then the peer: the same runs, in one batch */
	if (peer_batch(d, idx, path, n, p, np))
		goto peer_error;
	for (i = 0; i < np; i++)
		if (!peer_ask(&d->peer, d->line, sizeof(d->line)) ||
		    !parse_reply(d->line, &b[i]))
			goto peer_error;
	for (i = 0; i < np; i++) {
		if (p[i].injected) {
			/* a fault point the peer does not pass: no pair */
			if (!passes(usites, p[i].fault.site, p[i].fault.hit))
				continue;
			d->stats->injections++;
			compare(d, idx, &p[i], &b[i]);
			continue;
		}
		usites = b[i].sites;
		if (!compare(d, idx, &p[i], &b[i])) {
			/* the targets parted here: its injected runs too */
			while (i + 1 < np && p[i + 1].injected)
				i++;
			continue;
		}
		if (!p[i].a.oops && !(p[i].a.applicable && p[i].a.ret) &&
		    (d->o->depth < 0 || (int)s.depth < d->o->depth)) {
			struct repro_step step = { .op = p[i].op };

			if (state_add(d, p[i].a.hash, idx, s.boot,
				      s.depth + 1, &step))
				return -1;
		}
	}
	return 0;

peer_error:
	d->stats->peer_errors++;
	return 0;
}

int diff_run(const struct diff_opts *o, struct diff_stats *st)
{
	struct driver d = { .o = o, .stats = st };
	unsigned int b, head = 0;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	d.snap = malloc(SIM_HEAP_SIZE);
	if (!d.snap || peer_start(&d.peer, o->peer)) {
		fprintf(stderr, "bindsim diff: cannot start %s\n", o->peer);
		free(d.snap);
		return 2;
	}
	fprintf(d.peer.to, "world %s\n", o->world);
	if (!peer_ask(&d.peer, d.line, sizeof(d.line)) ||
	    strncmp(d.line, "ok ", 3)) {
		fprintf(stderr, "bindsim diff: %s did not load the world: %s\n",
			o->peer, d.line);
		peer_stop(&d.peer);
		free(d.snap);
		return 2;
	}
	snprintf(d.peer.kind, sizeof(d.peer.kind), "%.15s", d.line + 3);
	for (b = 0; b < o->spec->nr_boots && !rc; b++) {
		if (world_boot(o->spec, b))
			continue;
		rc = state_add(&d, observable_hash(), UINT32_MAX, b, 0, NULL);
	}
	while (!rc && head < d.nr_st)
		rc = expand(&d, head++);
	if (rc)
		fprintf(stderr, "bindsim diff: out of memory or boot failed\n");
	peer_stop(&d.peer);
	st->closure = !rc && o->depth < 0;
	st->nr = d.nr_dv;
	st->dv = calloc(d.nr_dv ? d.nr_dv : 1, sizeof(*st->dv));
	for (b = 0; st->dv && b < d.nr_dv; b++) {
		struct diff_divergence *x = &st->dv[b];
		struct repro *r = &x->repro;

		snprintf(x->sig, sizeof(x->sig), "%s", d.dv[b].sig);
		snprintf(x->detail, sizeof(x->detail), "%s", d.dv[b].detail);
		x->count = d.dv[b].count;
		memset(r, 0, sizeof(*r));
		snprintf(r->rev, sizeof(r->rev), "%s", bindsim_revision());
		snprintf(r->world_name, sizeof(r->world_name), "%s", o->world);
		r->spec = *o->spec;
		r->boot = d.dv[b].boot;
		snprintf(r->expect, sizeof(r->expect), "clean");
		r->nr_steps = d.dv[b].nr_steps;
		memcpy(r->steps, d.dv[b].steps, sizeof(r->steps));
	}
	snprintf(st->peer_kind, sizeof(st->peer_kind), "%s", d.peer.kind);
	free(d.st);
	free(d.set);
	free(d.dv);
	free(d.snap);
	return rc ? 2 : 0;
}
