// SPDX-License-Identifier: GPL-2.0-only
/*
 * -j N: the explorer's breadth-first levels expanded by worker processes.
 *
 * The simulated kernel is one per process (one heap arena, the shims' and
 * the kernel files' globals), so the workers are processes. For each level
 * (the states the previous level found) the walk forks N workers, which
 * share copy-on-write every state and the table as they were when the
 * level began. The level is cut into chunks that the workers claim in
 * order from a shared counter. A worker expands each state of its chunks
 * as the serial walk does (explore_expand()), but writes what it finds to
 * a shared buffer instead of adding it:
 *  - a successor not in the table at the level's start is a candidate:
 *    its key, hash, stored form (explore_encode()) and the state checks'
 *    verdict; one this worker saw before in this level is a reference to
 *    its candidate; one in the table is nothing but its hash collisions;
 *  - each finding, as record() would be given it;
 *  - the counts: transitions, injections, fault sites.
 *
 * The parent merges the chunks in order and each state's events in order:
 * a candidate is looked up again (an earlier chunk may have found it) and
 * added if new, where the serial walk adds it; findings are recorded and
 * handed to on_finding in the serial order. So the states, their numbers
 * and parents, the findings with their first reproducers, and the report
 * are those of -j 1.
 *
 * Stops: when a state's events could end the walk midway (a new state past
 * --max-states, a new finding with --max-findings or --stop-on) the parent
 * expands that state itself, so the partial result is -j 1's. A signal,
 * --time-limit or --max-memory ends the walk between two states (where it
 * ends is a matter of timing with -j 1 too). A chunk whose worker died is
 * expanded by the parent itself. Workers die with the parent.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explore_int.h"

/* A worker's output per level: address space only, pages as written. */
#define PAR_REGION		(8ULL << 30)
#define PAR_MAX_CHUNKS		4096
/* Bytes of output mapped at once. */
#define PAR_POPULATE		(4u << 20)
/* Levels with fewer states are expanded in-process: a fork costs more. */
#define PAR_MIN_LEVEL		256
/* A chunk is at least this many states, at most 1/(PAR_SHARE N) of the rest. */
#define PAR_MIN_CHUNK		16
#define PAR_SHARE		2

enum { EV_END, EV_CAND, EV_REF, EV_REC };

struct par_chunk {
	size_t last;			/* its states end here */
	u32 worker;			/* whose region holds it */
	u64 off, end;			/* its bytes there */
};

/* Shared by the parent and the workers of one level. */
struct par_ctl {
	u32 next;			/* the next chunk to claim */
	struct par_chunk chunk[PAR_MAX_CHUNKS];
};

/* One expanded state's output: header, events, EV_END, fault sites. */
struct par_rec {
	u32 idx;
	u32 len;			/* all its bytes */
	u32 nr_cands;			/* EV_CAND events */
	u32 nr_cov;			/* struct par_cov after the events */
	u32 newsig;			/* a finding unknown at the fork */
	u32 transitions, injections;
	u64 collisions;			/* lookups that matched a known state */
};

struct par_cov {
	u32 site, injected, findings;
};

struct par_cand {
	u64 hash;
	u32 len;			/* heap bytes */
	u32 dlen;			/* stored form bytes */
	u32 klen;
	u32 canon_n;
	struct op op;
};

/* A worker's writer. */
struct par_out {
	u8 *base, *p, *end;
	u8 *ready;			/* pages mapped up to here */
	u32 level_end;			/* states below were in the table */
	u32 nr_cands;			/* this level's, this worker's */
	u32 fork_findings;		/* x->nr_findings at the fork */
	struct par_rec *rec;		/* the state being expanded */
	unsigned long long *cov_prev;	/* site counts already sent */
};

/* The parent's view of one worker's candidates, by number. */
struct par_ref {
	const u8 *key;
	u64 hash;
	u32 klen;
	bool resolved;
	unsigned long long collisions;	/* of the lookup that placed it */
};

struct par_level {
	struct par_ctl *ctl;
	u8 *region;
	size_t map_len;
	unsigned int jobs, nr_chunks;
	size_t head, end;
	pid_t *pids;
	int fd;				/* read end: chunk numbers done */
	u8 *done;
	struct par_ref **refs;
	u32 *nr_refs, *cap_refs;
	double worker_max, worker_sum;	/* CPU seconds, the last level */
};

static void chunk_bounds(const struct par_level *l, u32 k, size_t *lo,
			 size_t *hi)
{
	*lo = k ? l->ctl->chunk[k - 1].last : l->head;
	*hi = l->ctl->chunk[k].last;
}

/*
 * Cut [head, end) into chunks, large first and smaller towards the end
 * (each a share of what is left): a worker finds fewer of the states
 * another worker also finds when its states are contiguous, and small
 * last chunks leave no worker idle long at the level's end.
 */
static void cut_chunks(struct par_level *l)
{
	size_t at = l->head;
	u32 k = 0;

	while (at < l->end) {
		size_t left = l->end - at;
		size_t n = left / (PAR_SHARE * l->jobs);

		if (n < PAR_MIN_CHUNK)
			n = PAR_MIN_CHUNK;
		if (n > left || k == PAR_MAX_CHUNKS - 1)
			n = left;
		at += n;
		l->ctl->chunk[k++].last = at;
	}
	l->nr_chunks = k;
}

/* ---- the worker side ---- */

static void *put(struct par_out *out, const void *p, size_t n)
{
	void *at = out->p;

	/* full: the parent expands this chunk itself */
	if ((size_t)(out->end - out->p) < n)
		_exit(3);
	/* map pages a few MiB at a time, not one page fault at a time */
	while (out->p + n > out->ready) {
		size_t step = (size_t)(out->end - out->ready) < PAR_POPULATE ?
			      (size_t)(out->end - out->ready) : PAR_POPULATE;

		madvise(out->ready, step, MADV_POPULATE_WRITE);
		out->ready += step;
	}
	memcpy(out->p, p, n);
	out->p += n;
	return at;
}

static void put_u8(struct par_out *out, u8 v)
{
	put(out, &v, 1);
}

static void put_str(struct par_out *out, const char *s, size_t max)
{
	u16 n = strnlen(s, max - 1);

	put(out, &n, sizeof(n));
	put(out, s, n);
}

static void put_cr(struct xsearch *x, const struct check_result *cr)
{
	struct par_out *out = x->par;
	unsigned int i, k;

	put(out, &cr->nr, sizeof(cr->nr));
	for (i = 0; i < cr->nr; i++) {
		const struct bfinding *f = &cr->f[i];
		u32 kind = f->kind;

		put(out, &kind, sizeof(kind));
		put_str(out, f->sig, sizeof(f->sig));
		put_str(out, f->where, sizeof(f->where));
		put_str(out, f->msg, sizeof(f->msg));
		put_str(out, f->alloc, sizeof(f->alloc));
		for (k = 0; k < out->fork_findings; k++)
			if (!strcmp(x->findings[k].f.sig, f->sig))
				break;
		if (k == out->fork_findings)
			out->rec->newsig = 1;
	}
}

void par_record(struct xsearch *x, const struct check_result *cr,
		const struct op *op, const struct op_fault *fault)
{
	struct par_out *out = x->par;

	put_u8(out, EV_REC);
	put_u8(out, fault != NULL);
	put(out, op, sizeof(*op));
	if (fault)
		put(out, fault, sizeof(*fault));
	put_cr(x, cr);
}

void par_successor(struct xsearch *x, const struct canon *c, u32 parent,
		   const struct op *op)
{
	struct par_out *out = x->par;
	unsigned long long collisions = 0;
	struct check_result cr;
	struct par_cand pc;
	struct xstate *s;
	size_t slot;
	long known;
	u8 *key;

	explore_key(x, c, &pc.hash);
	explore_table_reserve(x);
	slot = explore_find(x, pc.hash, &known, &collisions);
	if (known >= 0 && known < out->level_end) {
		/* the parent's lookup would pass the same states */
		x->st->hash_collisions += collisions;
		return;
	}
	if (known >= 0) {
		u32 n = known - out->level_end;

		put_u8(out, EV_REF);
		put(out, &n, sizeof(n));
		return;
	}
	pc.len = ALIGN8(sim_heap_used());
	pc.dlen = explore_encode(x, parent, x->states[parent].boot, pc.len);
	pc.klen = x->klen;
	pc.canon_n = c->n;
	pc.op = *op;
	put_u8(out, EV_CAND);
	put(out, &pc, sizeof(pc));
	key = put(out, x->key, x->klen);
	put(out, x->encoded, pc.dlen);

	/* in this worker's table as a key only, numbered from level_end */
	if (x->nr_states == x->cap_states) {
		x->cap_states *= 2;
		x->states = realloc(x->states,
				    x->cap_states * sizeof(*x->states));
		if (!x->states)
			_exit(4);
	}
	s = &x->states[x->nr_states];
	memset(s, 0, sizeof(*s));
	s->snap = key;
	s->klen = pc.klen;
	s->hash = pc.hash;
	x->table[slot] = pc.hash | 1;
	x->table_idx[slot] = x->nr_states++;
	out->nr_cands++;
	out->rec->nr_cands++;

	cr.nr = 0;
	if (explore_owned(x, pc.hash)) {
		check_state(&cr);
		check_teardown(&cr, x->scratch);
	}
	put_cr(x, &cr);
}

/* Expand state @idx, its output one record. */
static void worker_state(struct xsearch *x, u32 idx)
{
	struct par_out *out = x->par;
	unsigned long long t = x->st->transitions, j = x->st->injections;
	unsigned long long h = x->st->hash_collisions;
	struct par_rec rec = { .idx = idx };
	size_t at = out->p - out->base;
	struct site_cov *cov;
	unsigned int n, i;

	/* the header is written last: expand() writes through out->rec */
	out->rec = &rec;
	put(out, &rec, sizeof(rec));
	explore_expand(x, idx);
	put_u8(out, EV_END);
	cov = explore_cov(&n);
	for (i = 0; i < n; i++) {
		struct par_cov pc = { .site = i };

		if (cov[i].injected == out->cov_prev[2 * i] &&
		    cov[i].findings == out->cov_prev[2 * i + 1])
			continue;
		pc.injected = cov[i].injected - out->cov_prev[2 * i];
		pc.findings = cov[i].findings - out->cov_prev[2 * i + 1];
		out->cov_prev[2 * i] = cov[i].injected;
		out->cov_prev[2 * i + 1] = cov[i].findings;
		put(out, &pc, sizeof(pc));
		rec.nr_cov++;
	}
	rec.transitions = x->st->transitions - t;
	rec.injections = x->st->injections - j;
	rec.collisions = x->st->hash_collisions - h;
	rec.len = (out->p - out->base) - at;
	memcpy(out->base + at, &rec, sizeof(rec));
	out->rec = NULL;
}

/* libgcov's, in a --coverage build (make coverage): NULL otherwise. */
extern void __gcov_dump(void) __attribute__((weak));

static void __attribute__((noreturn))
worker(struct xsearch *x, struct par_level *l, unsigned int w, pid_t parent,
       int fd)
{
	struct par_out out = {
		.base = l->region + w * PAR_REGION,
		.level_end = l->end,
		.fork_findings = x->nr_findings,
	};
	struct site_cov *cov;
	unsigned int n, i;

	/* die with the parent; its signal handler stops the walk */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	out.p = out.base;
	out.ready = out.base;
	out.end = out.base + PAR_REGION;
	cov = explore_cov(&n);
	out.cov_prev = calloc(2 * (n ? n : 1), sizeof(*out.cov_prev));
	if (!out.cov_prev)
		_exit(4);
	for (i = 0; i < n; i++) {
		out.cov_prev[2 * i] = cov[i].injected;
		out.cov_prev[2 * i + 1] = cov[i].findings;
	}
	x->par = &out;
	for (;;) {
		u32 k = __atomic_fetch_add(&l->ctl->next, 1, __ATOMIC_RELAXED);
		struct par_chunk *ch;
		size_t lo, hi, idx;

		if (k >= l->nr_chunks)
			break;
		ch = &l->ctl->chunk[k];
		chunk_bounds(l, k, &lo, &hi);
		ch->worker = w;
		ch->off = out.p - out.base;
		for (idx = lo; idx < hi; idx++)
			if (!explore_skip(x, idx))
				worker_state(x, idx);
		ch->end = out.p - out.base;
		if (write(fd, &k, sizeof(k)) != sizeof(k))
			_exit(1);
	}
	/* _exit() skips the exit handlers: what the worker ran counts too */
	if (__gcov_dump)
		__gcov_dump();
	_exit(0);
}

/* ---- the parent side ---- */

struct reader {
	const u8 *p;
};

static const void *take(struct reader *r, size_t n)
{
	const void *at = r->p;

	r->p += n;
	return at;
}

static u8 take_u8(struct reader *r)
{
	return *r->p++;
}

static void take_str(struct reader *r, char *s)
{
	u16 n;

	memcpy(&n, take(r, sizeof(n)), sizeof(n));
	memcpy(s, take(r, n), n);
	s[n] = 0;
}

/* A finding list as record() takes it. */
static void take_cr(struct reader *r, struct check_result *cr)
{
	unsigned int i;

	memcpy(&cr->nr, take(r, sizeof(cr->nr)), sizeof(cr->nr));
	for (i = 0; i < cr->nr; i++) {
		struct bfinding *f = &cr->f[i];
		u32 kind;

		memcpy(&kind, take(r, sizeof(kind)), sizeof(kind));
		f->kind = kind;
		take_str(r, f->sig);
		take_str(r, f->where);
		take_str(r, f->msg);
		take_str(r, f->alloc);
	}
}

/* One event of a record, as take_event() reads it. */
struct par_event {
	u8 type;
	struct par_cand cand;		/* EV_CAND: */
	const u8 *key, *enc;
	u32 ref;			/* EV_REF: the candidate's number */
	struct op op;			/* EV_REC: */
	bool has_fault;
	struct op_fault fault;
};

/* The next event into @e, its findings into @cr; returns its type. */
static u8 take_event(struct reader *r, struct par_event *e,
		     struct check_result *cr)
{
	e->type = take_u8(r);
	cr->nr = 0;
	if (e->type == EV_CAND) {
		memcpy(&e->cand, take(r, sizeof(e->cand)), sizeof(e->cand));
		e->key = take(r, e->cand.klen);
		e->enc = take(r, e->cand.dlen);
		take_cr(r, cr);
	} else if (e->type == EV_REF) {
		memcpy(&e->ref, take(r, sizeof(e->ref)), sizeof(e->ref));
	} else if (e->type == EV_REC) {
		e->has_fault = take_u8(r);
		memcpy(&e->op, take(r, sizeof(e->op)), sizeof(e->op));
		if (e->has_fault)
			memcpy(&e->fault, take(r, sizeof(e->fault)),
			       sizeof(e->fault));
		take_cr(r, cr);
	}
	return e->type;
}

static bool known_sig(const struct xsearch *x, const char *sig)
{
	unsigned int k;

	for (k = 0; k < x->nr_findings; k++)
		if (!strcmp(x->findings[k].f.sig, sig))
			return true;
	return false;
}

/*
 * Could this state's events end the walk midway? Then its effects up to
 * that point are the serial walk's only if it runs serially.
 */
static bool could_stop(struct xsearch *x, const struct par_rec *rec,
		       const u8 *events, struct check_result *cr)
{
	const struct explore_opts *o = x->o;
	struct reader r = { events };
	struct par_event e;
	unsigned int i;

	if (o->max_states && x->nr_states + rec->nr_cands > o->max_states)
		return true;
	if (!rec->newsig || (!o->max_findings && o->stop_kind < 0))
		return false;
	while (take_event(&r, &e, cr) != EV_END) {
		for (i = 0; i < cr->nr; i++)
			if (!known_sig(x, cr->f[i].sig) &&
			    (o->max_findings ||
			     (int)cr->f[i].kind == o->stop_kind))
				return true;
	}
	return false;
}

static struct par_ref *new_ref(struct par_level *l, u32 w)
{
	if (l->nr_refs[w] == l->cap_refs[w]) {
		l->cap_refs[w] = l->cap_refs[w] ? 2 * l->cap_refs[w] : 1024;
		l->refs[w] = realloc(l->refs[w],
				     l->cap_refs[w] * sizeof(*l->refs[w]));
		if (!l->refs[w]) {
			fprintf(stderr, "bindsim: out of memory\n");
			exit(4);
		}
	}
	return &l->refs[w][l->nr_refs[w]++];
}

/* Candidates of a state the parent expanded itself: looked up if needed. */
static void note_cands(struct par_level *l, u32 w, const u8 *events,
		       struct check_result *cr)
{
	struct reader r = { events };
	struct par_event e;

	while (take_event(&r, &e, cr) != EV_END) {
		if (e.type == EV_CAND) {
			struct par_ref *ref = new_ref(l, w);

			ref->key = e.key;
			ref->klen = e.cand.klen;
			ref->hash = e.cand.hash;
			ref->resolved = false;
		}
	}
}

/* Look a candidate up in the table: its slot, and its collisions. */
static size_t ref_find(struct xsearch *x, struct par_ref *ref, long *known)
{
	memcpy(x->key, ref->key, ref->klen);
	x->klen = ref->klen;
	ref->collisions = 0;
	ref->resolved = true;
	return explore_find(x, ref->hash, known, &ref->collisions);
}

/* A candidate successor of state @parent: add it where -j 1 adds it. */
static void merge_cand(struct xsearch *x, struct par_ref *ref, u32 parent,
		       const struct par_event *e,
		       const struct check_result *cr)
{
	const struct xstate *s = &x->states[parent];
	size_t slot;
	long known;

	ref->key = e->key;
	ref->klen = e->cand.klen;
	ref->hash = e->cand.hash;
	explore_warn_canon(x, e->cand.canon_n);
	explore_table_reserve(x);
	slot = ref_find(x, ref, &known);
	x->st->hash_collisions += ref->collisions;
	if (known >= 0)
		return;
	if (x->o->max_states && x->nr_states >= x->o->max_states) {
		if (!x->st->stop)
			x->st->stop = EXPLORE_STOP_MAX_STATES;
		return;
	}
	known = explore_append(x, slot, ref->hash, e->cand.len, e->enc,
			       e->cand.dlen, parent, s->depth + 1, s->boot,
			       &e->cand.op);
	if (cr->nr)
		explore_checked(x, known, cr);
}

/* The serial walk's effects of expanding rec->idx, from its record. */
static void apply(struct xsearch *x, struct par_level *l, u32 w,
		  const struct par_rec *rec, const u8 *events,
		  struct check_result *cr)
{
	struct reader r = { events };
	struct site_cov *cov;
	struct par_event e;
	unsigned int n, i;

	while (take_event(&r, &e, cr) != EV_END) {
		if (e.type == EV_CAND) {
			merge_cand(x, new_ref(l, w), rec->idx, &e, cr);
		} else if (e.type == EV_REF) {
			struct par_ref *ref = &l->refs[w][e.ref];
			long known;

			/* one the parent's own expansion looked up */
			if (!ref->resolved)
				ref_find(x, ref, &known);
			x->st->hash_collisions += ref->collisions;
		} else {
			explore_record(x, cr, rec->idx, &e.op,
				       e.has_fault ? &e.fault : NULL);
		}
	}
	x->st->expanded++;
	x->st->transitions += rec->transitions;
	x->st->injections += rec->injections;
	x->st->hash_collisions += rec->collisions;
	cov = explore_cov(&n);
	for (i = 0; i < rec->nr_cov; i++) {
		struct par_cov c;

		memcpy(&c, take(&r, sizeof(c)), sizeof(c));
		if (c.site < n) {
			cov[c.site].injected += c.injected;
			cov[c.site].findings += c.findings;
		}
	}
}

/* Wait until chunk @k is written; false if it never will be. */
static bool wait_chunk(struct xsearch *x, struct par_level *l, u32 k)
{
	u32 buf[64];

	while (!l->done[k]) {
		ssize_t n = read(l->fd, buf, sizeof(buf));
		ssize_t i;

		if (n > 0) {
			for (i = 0; i < n / 4; i++)
				if (buf[i] < l->nr_chunks)
					l->done[buf[i]] = 1;
		} else if (n < 0 && errno == EINTR) {
			if (explore_enough(x))
				return false;
		} else {
			return false;	/* every worker is gone */
		}
	}
	return true;
}

/* Merge chunk @k: returns false when the walk stopped. */
static bool merge_chunk(struct xsearch *x, struct par_level *l, u32 k,
			size_t *head, struct check_result *cr)
{
	const struct par_chunk *ch = &l->ctl->chunk[k];
	size_t lo, hi, idx;
	const u8 *p = NULL;
	bool ok;

	chunk_bounds(l, k, &lo, &hi);
	ok = wait_chunk(x, l, k);
	if (ok)
		p = l->region + ch->worker * PAR_REGION + ch->off;
	for (idx = lo; idx < hi; idx++) {
		struct par_rec rec;

		explore_check_bounds(x, idx);
		if (explore_enough(x))
			return false;	/* idx not expanded: no closure */
		*head = idx + 1;
		if (explore_skip(x, idx))
			continue;
		x->cur_depth = x->states[idx].depth;
		if (!ok) {
			/* its worker died: as the serial walk does */
			explore_expand(x, idx);
			continue;
		}
		memcpy(&rec, p, sizeof(rec));
		if (rec.idx != idx) {
			fprintf(stderr, "bindsim: -j: worker output out of "
				"order (state %u, expected %zu)\n", rec.idx,
				idx);
			exit(2);
		}
		if (could_stop(x, &rec, p + sizeof(rec), cr)) {
			note_cands(l, ch->worker, p + sizeof(rec), cr);
			explore_expand(x, idx);
		} else {
			apply(x, l, ch->worker, &rec, p + sizeof(rec), cr);
		}
		p += rec.len;
	}
	return !explore_enough(x);
}

static double cpu_secs(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
	       ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

/* This process's CPU time in seconds. */
static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Reap the workers; the CPU time of the busiest and of all of them. */
static void level_end(struct par_level *l, bool kill_workers, double *max,
		      double *sum)
{
	unsigned int w;

	*max = *sum = 0;
	for (w = 0; w < l->jobs; w++) {
		struct rusage ru;

		if (l->pids[w] <= 0)
			continue;
		if (kill_workers)
			kill(l->pids[w], SIGKILL);
		while (wait4(l->pids[w], NULL, 0, &ru) < 0 && errno == EINTR)
			;
		*sum += cpu_secs(&ru);
		if (cpu_secs(&ru) > *max)
			*max = cpu_secs(&ru);
	}
	close(l->fd);
	l->fd = -1;
}

/* Expand the level [*head, end) with workers; false when the walk stopped. */
static bool par_level(struct xsearch *x, struct par_level *l, size_t *head,
		      size_t end, struct check_result *cr)
{
	size_t ctl_len = ALIGN8(sizeof(struct par_ctl) + 4095) & ~(size_t)4095;
	pid_t self = getpid();
	bool going = true;
	unsigned int w;
	int fds[2];
	u32 k;

	l->head = *head;
	l->end = end;
	/*
	 * One mapping for the whole walk: the pages a level wrote are there
	 * for the next level's workers to write again.
	 */
	if (!l->ctl) {
		l->map_len = ctl_len + l->jobs * PAR_REGION;
		l->ctl = mmap(NULL, l->map_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			      0);
		if (l->ctl == MAP_FAILED)
			l->ctl = NULL;
		else
			l->region = (u8 *)l->ctl + ctl_len;
	}
	if (!l->ctl || pipe(fds)) {
		/* no room for workers: this level in-process */
		explore_walk(x, head, end);
		return !explore_enough(x);
	}
	l->ctl->next = 0;
	cut_chunks(l);
	memset(l->done, 0, l->nr_chunks);
	for (w = 0; w < l->jobs; w++)
		l->nr_refs[w] = 0;
	for (w = 0; w < l->jobs; w++) {
		l->pids[w] = fork();
		if (!l->pids[w]) {
			close(fds[0]);
			worker(x, l, w, self, fds[1]);
		}
	}
	close(fds[1]);
	l->fd = fds[0];
	for (k = 0; k < l->nr_chunks && going; k++)
		going = merge_chunk(x, l, k, head, cr);
	level_end(l, !going, &l->worker_max, &l->worker_sum);
	return going;
}

void par_walk(struct xsearch *x, size_t *head)
{
	const struct explore_opts *o = x->o;
	const char *env = getenv("BINDSIM_PAR_MIN");
	size_t min = o->par_min ? o->par_min : PAR_MIN_LEVEL;
	struct par_level l = { .jobs = o->jobs, .fd = -1 };
	struct check_result *cr = malloc(sizeof(*cr));
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	double cores = online > 1 && online < o->jobs ? online : o->jobs;
	double start, critical = 0;

	l.pids = calloc(l.jobs, sizeof(*l.pids));
	l.done = malloc(PAR_MAX_CHUNKS);
	l.refs = calloc(l.jobs, sizeof(*l.refs));
	l.nr_refs = calloc(l.jobs, sizeof(*l.nr_refs));
	l.cap_refs = calloc(l.jobs, sizeof(*l.cap_refs));
	/* tests: hand smaller levels to the workers too */
	if (!o->par_min && env && atoi(env) > 0)
		min = atoi(env);
	if (!cr || !l.pids || !l.done || !l.refs || !l.nr_refs ||
	    !l.cap_refs) {
		fprintf(stderr, "bindsim: out of memory\n");
		exit(4);
	}
	start = cpu_now();
	while (*head < x->nr_states && !explore_enough(x)) {
		size_t end = x->nr_states;
		double t0, merge;
		bool going;

		if (end - *head < min) {
			explore_walk(x, head, end);
			continue;
		}
		t0 = cpu_now();
		going = par_level(x, &l, head, end, cr);
		merge = cpu_now() - t0;
		x->st->par_levels++;
		x->st->par_merge_cpu += merge;
		x->st->par_worker_cpu += l.worker_sum;
		/*
		 * This level on free cores takes at least its busiest worker,
		 * and at least all its work spread over the cores.
		 */
		critical += l.worker_max > (l.worker_sum + merge) / cores ?
			    l.worker_max : (l.worker_sum + merge) / cores;
		if (!going)
			break;
	}
	/* and the levels the parent expanded itself */
	x->st->par_critical_cpu = critical + cpu_now() - start -
				  x->st->par_merge_cpu;
	if (l.ctl)
		munmap(l.ctl, l.map_len);
	while (l.jobs)
		free(l.refs[--l.jobs]);
	free(l.refs);
	free(l.nr_refs);
	free(l.cap_refs);
	free(l.done);
	free(l.pids);
	free(cr);
}
