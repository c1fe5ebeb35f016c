// SPDX-License-Identifier: GPL-2.0-only
/*
 * Breadth-first exploration with state deduplication.
 *
 * A state is stored as a snapshot of the whole simulated heap (the heap
 * never moves, so a memcpy restores it with every pointer valid) and is
 * named by the hash of its canonical form. Expanding a state means:
 * restore it, run every enumerated operation without a fault, then once
 * more failing each fault point the uninjected run passed.
 *
 * States are deduplicated exactly: the 64-bit hash of the canonical form
 * only picks the hash-table bucket, and a state is "already known" only if
 * its whole canonical form (stored beside its snapshot, varint-coded)
 * equals the known state's. A hash collision costs a comparison, never a
 * state.
 *
 * Bounds (--max-states, --max-memory, --time-limit) and SIGINT/SIGTERM end
 * the walk early with the reason in explore_stats.stop; each new finding is
 * handed to the caller's callback when it is first seen, so a stopped or
 * killed run has already reported everything it found.
 *
 * Sharding (--shard I/N): every shard walks the whole state graph with
 * uninjected runs, which is cheap, but injects faults and runs the state
 * and teardown checks only for the states whose hash falls in its share.
 * The union of N shards' findings is the unsharded result.
 *
 * Worker processes (-j N, explore_par.c) expand each large level and the
 * walk merges what they found in this file's order: the same result.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "explore_int.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void explore_interrupt(void)
{
	interrupted = 1;
}

void explore_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* a second signal is not caught: it ends the process at once */
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

const char *explore_stop_name(enum explore_stop stop)
{
	static const char *const names[] = {
		[EXPLORE_NOT_STOPPED] = "",
		[EXPLORE_STOP_FINDINGS] = "max-findings",
		[EXPLORE_STOP_KIND] = "stop-on",
		[EXPLORE_STOP_INTERRUPTED] = "interrupted",
		[EXPLORE_STOP_MAX_STATES] = "max-states",
		[EXPLORE_STOP_MAX_MEMORY] = "max-memory",
		[EXPLORE_STOP_TIME_LIMIT] = "time-limit",
	};

	return (unsigned int)stop < ARRAY_SIZE(names) ? names[stop] : "?";
}

/* Resident set size in KiB (0 if unknown). */
long explore_rss_kb(void)
{
	long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%*d %ld", &pages) != 1)
		pages = 0;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static struct site_cov *site_cov;
static unsigned int nr_site_cov;

const struct site_cov *explore_site_coverage(unsigned int *nr)
{
	*nr = nr_site_cov;
	return site_cov;
}

static double elapsed(const struct xsearch *x)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - x->t0.tv_sec) + (t.tv_nsec - x->t0.tv_nsec) / 1e9;
}

static void __attribute__((noreturn)) out_of_memory(void)
{
	fprintf(stderr, "bindsim: out of memory (bound the run with "
		"--max-memory or --max-states)\n");
	exit(4);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		out_of_memory();
	return p;
}

static u8 *snap_store(struct xsearch *x, size_t len)
{
	u8 *p;

	if (x->chunk_left < len) {
		size_t sz = len > (32u << 20) ? len : (32u << 20);

		x->chunks = realloc(x->chunks,
				    (x->nr_chunks + 1) * sizeof(void *));
		if (!x->chunks)
			out_of_memory();
		x->chunk = xmalloc(sz);
		x->chunks[x->nr_chunks++] = x->chunk;
		x->chunk_left = sz;
	}
	p = x->chunk;
	x->chunk += len;
	x->chunk_left -= len;
	x->st->snapshot_bytes += len;
	return p;
}

/*
 * The bucket of a key: a multiplicative mix, so that keys that differ in
 * few bits (a masked hash, o->hash_bits) still spread over the table.
 */
static inline size_t bucket(u64 key, size_t cap)
{
	return (key * 0x9e3779b97f4a7c15ULL) >> 32 & (cap - 1);
}

/*
 * Twice the slots, filled in state order: the table is then the one that
 * inserting every state in order would give, so the states with one hash
 * lie along its probe sequence in the order they were found. A lookup's
 * hash collisions are the states with its hash found before its match,
 * however the table grew (a worker of -j N counts them in an older table).
 */
static void table_grow(struct xsearch *x)
{
	size_t ncap = x->table_cap ? x->table_cap * 2 : 1 << 16;
	u64 *nt = calloc(ncap, sizeof(u64));
	u32 *ni = calloc(ncap, sizeof(u32));
	size_t i;

	if (!nt || !ni)
		out_of_memory();
	for (i = 0; i < x->nr_states; i++) {
		u64 key = x->states[i].hash | 1;
		size_t j;

		for (j = bucket(key, ncap); nt[j]; j = (j + 1) & (ncap - 1))
			;
		nt[j] = key;
		ni[j] = i;
	}
	free(x->table);
	free(x->table_idx);
	x->table = nt;
	x->table_idx = ni;
	x->table_cap = ncap;
}

/* Room in the table for one more state. */
void explore_table_reserve(struct xsearch *x)
{
	if ((x->nr_states + 1) * 2 > x->table_cap)
		table_grow(x);
}

/* @v as a varint (7 bits a byte, low first) at @out; returns its length. */
static size_t put_varint(u8 *out, size_t v)
{
	size_t o = 0;

	while (v >= 0x80) {
		out[o++] = v | 0x80;
		v >>= 7;
	}
	out[o++] = v;
	return o;
}

/*
 * The canonical form as a key: its length and values, each a varint (most
 * values are below 128: one byte). Returns the length; @out holds at least
 * 5 * (CANON_MAX + 1) bytes.
 */
static size_t canon_key(const struct canon *c, u8 *out)
{
	u32 i, n = c->n < CANON_MAX ? c->n : CANON_MAX;
	size_t o = 0;

	for (i = 0; i <= n; i++)
		o += put_varint(out + o, i ? c->v[i - 1] : c->n);
	return o;
}

static const u8 *state_key(const struct xstate *s)
{
	return s->snap + s->dlen;
}

/*
 * The slot of the state whose canonical key (x->key) and hash are given:
 * its index in *idx, or the empty slot to insert at (*idx = -1). The hash
 * picks the bucket; only the whole key decides: each other state with the
 * hash passed on the way counts in *collisions.
 */
size_t explore_find(struct xsearch *x, u64 hash, long *idx,
		    unsigned long long *collisions)
{
	u64 key = hash | 1;
	size_t j;

	for (j = bucket(key, x->table_cap); x->table[j];
	     j = (j + 1) & (x->table_cap - 1)) {
		const struct xstate *s;

		if (x->table[j] != key)
			continue;
		s = &x->states[x->table_idx[j]];
		if (s->klen == x->klen &&
		    !memcmp(state_key(s), x->key, x->klen)) {
			*idx = x->table_idx[j];
			return j;
		}
		(*collisions)++;
	}
	*idx = -1;
	return j;
}

bool explore_owned(const struct xsearch *x, u64 hash)
{
	return x->o->nr_shards <= 1 ||
	       (hash >> 17) % x->o->nr_shards == x->o->shard;
}

/*
 * A state's heap image is stored as a delta against a base image: its
 * parent's, or for a keyframe its boot state's. The base reads as zero past
 * its own length. The delta lists the 64-bit words that differ, in order,
 * each as a varint tag (the words skipped since the last one, shifted left
 * by two, and how the word is coded) and the word:
 *   DW_DIFF   a varint: the difference from the base's word (a counter or
 *             a pointer that moved a little);
 *   DW_VALUE  a varint: the value (a field of a block just allocated over
 *             freed, poisoned memory);
 *   DW_ARENA  a varint: the value minus the arena's address (a pointer);
 *   DW_FILL   a varint n and a byte: n + 1 words of that byte (a block
 *             freed and poisoned, or zeroed).
 * Varints are zigzag-coded where signed: small either way is short. A
 * pointer into the arena is coded as a difference or an offset, whichever
 * is shorter, and neither depends on where ASLR maps the arena: the sizes
 * are the same in every run.
 */
enum { DW_DIFF, DW_VALUE, DW_ARENA, DW_FILL };

static inline u64 zigzag(u64 v)
{
	return v << 1 ^ -(v >> 63);
}

static inline u64 unzigzag(u64 v)
{
	return v >> 1 ^ -(v & 1);
}

static inline unsigned int varint_len(u64 v)
{
	return v < 1ULL << 7 ? 1 : v < 1ULL << 14 ? 2 : v < 1ULL << 21 ? 3 :
	       (71 - __builtin_clzll(v)) / 7;
}

static inline bool uniform_bytes(u64 v)
{
	return v == (v & 0xff) * 0x0101010101010101ULL;
}

/* Returns the delta's length; @out holds at least 13 bytes per word. */
static size_t delta_encode(const u64 *cur, size_t nw, const u64 *base,
			   size_t nbase, u8 *out)
{
	const u64 arena = (uintptr_t)sim_kernel();
	size_t i, last = 0, o = 0;

	for (i = 0; i < nw; i++) {
		unsigned int t, best = DW_DIFF;
		size_t k = 1;
		u64 b, v[3];

		/* most words are equal: skip them in a tight loop */
		while (i < nbase && i < nw && cur[i] == base[i])
			i++;
		if (i == nw)
			break;
		b = i < nbase ? base[i] : 0;
		if (cur[i] == b)
			continue;
		v[DW_DIFF] = zigzag(cur[i] - b);
		v[DW_VALUE] = zigzag(cur[i]);
		v[DW_ARENA] = zigzag(cur[i] - arena);
		for (t = DW_VALUE; t <= DW_ARENA; t++)
			if (varint_len(v[t]) < varint_len(v[best]))
				best = t;
		if (uniform_bytes(cur[i])) {
			while (i + k < nw && cur[i + k] == cur[i])
				k++;
			if (k > 1 || varint_len(v[best]) > 2)
				best = DW_FILL;
		}
		o += put_varint(out + o, (i - last) << 2 | best);
		if (best == DW_FILL) {
			o += put_varint(out + o, k - 1);
			out[o++] = cur[i];
			i += k - 1;
		} else {
			o += put_varint(out + o, v[best]);
		}
		last = i + 1;
	}
	return o;
}

static u64 get_varint(const u8 *in, size_t *i)
{
	unsigned int shift = 0;
	u64 v = 0;

	do {
		v |= (u64)(in[*i] & 0x7f) << shift;
		shift += 7;
	} while (in[(*i)++] & 0x80);
	return v;
}

/* @out: the image of @nw words whose delta against @base is @in. */
static void delta_decode(const u8 *in, size_t len, const u64 *base,
			 size_t nbase, u64 *out, size_t nw)
{
	const u64 arena = (uintptr_t)sim_kernel();
	size_t i = 0, w = 0;

	memcpy(out, base, (nw < nbase ? nw : nbase) * 8);
	if (nw > nbase)
		memset(&out[nbase], 0, (nw - nbase) * 8);
	while (i < len) {
		u64 tag = get_varint(in, &i), v = get_varint(in, &i);

		w += tag >> 2;
		switch (tag & 3) {
		case DW_DIFF:
			out[w++] += unzigzag(v);
			break;
		case DW_VALUE:
			out[w++] = unzigzag(v);
			break;
		case DW_ARENA:
			out[w++] = arena + unzigzag(v);
			break;
		case DW_FILL:
			memset(&out[w], in[i++], (v + 1) * 8);
			w += v + 1;
			break;
		}
	}
}

/* The base of state @s's delta: its parent, or its boot state. */
static u32 delta_base(const struct xsearch *x, const struct xstate *s)
{
	return s->pos == 1 ? x->roots[s->boot] : s->parent;
}

/* state_image() when @idx is not the image at hand at its position */
static const u64 *decode_image(struct xsearch *x, u32 idx)
{
	u32 chain[XCHAIN_MAX], t = idx;
	unsigned int n = 0;
	const u64 *img;
	size_t nbase;

	for (;;) {
		const struct xstate *s = &x->states[t];

		if (!s->pos) {
			img = (const u64 *)s->snap;
			break;
		}
		if (x->path[s->pos].idx == t) {
			img = x->path[s->pos].img;
			break;
		}
		chain[n++] = t;
		t = delta_base(x, s);
	}
	nbase = x->states[t].len / 8;
	while (n--) {
		const struct xstate *s = &x->states[chain[n]];
		struct xslot *slot = &x->path[s->pos];

		if (!slot->img)
			slot->img = xmalloc(SIM_HEAP_SIZE);
		delta_decode(s->snap, s->dlen, img, nbase, slot->img,
			     s->len / 8);
		slot->idx = chain[n];
		x->st->deltas_decoded++;
		img = slot->img;
		nbase = s->len / 8;
	}
	return img;
}

/*
 * The heap image of state @idx (s->len bytes), decoded from the nearest
 * image at hand: an ancestor's in x->path, or the boot state's. The image
 * stays valid until a state at the same chain position is decoded.
 */
static inline const u64 *state_image(struct xsearch *x, u32 idx)
{
	const struct xslot *slot = &x->path[x->states[idx].pos];

	return slot->idx == idx ? slot->img : decode_image(x, idx);
}

/* Put state @idx in the arena; returns the heap image it copied. */
static const void *restore(struct xsearch *x, u32 idx)
{
	const void *img = state_image(x, idx);

	sim_heap_restore(img, x->states[idx].len);
	sim_transient_reset();
	return img;
}

struct site_cov *explore_cov(unsigned int *nr)
{
	*nr = nr_site_cov;
	return site_cov;
}

static struct site_cov *cov_site(const struct sim_site *site)
{
	unsigned int i, n;
	const struct sim_site *all = sim_fault_sites(&n);

	if (!site_cov) {
		site_cov = calloc(n ? n : 1, sizeof(*site_cov));
		if (!site_cov)
			return NULL;
		for (i = 0; i < n; i++)
			site_cov[i].site = &all[i];
		nr_site_cov = n;
	}
	if (site < all || site >= all + n)
		return NULL;
	return &site_cov[site - all];
}

/* Build the path to state @idx plus (op, fault) as a reproducer. */
static void make_repro(struct xsearch *x, u32 idx, const struct op *op,
		       const struct op_fault *fault, struct repro *r)
{
	u32 chain[REPRO_MAX_STEPS];
	unsigned int n = 0, i;
	u32 s = idx;

	memset(r, 0, sizeof(*r));
	snprintf(r->rev, sizeof(r->rev), "%s", bindsim_revision());
	if (x->o->world_text) {
		r->world_text = strdup(x->o->world_text);
	} else {
		snprintf(r->world_name, sizeof(r->world_name), "%s",
			 x->o->world_name ? x->o->world_name : "default");
	}
	r->spec = *x->o->spec;
	while (s != UINT32_MAX && x->states[s].parent != UINT32_MAX &&
	       n < REPRO_MAX_STEPS) {
		chain[n++] = s;
		s = x->states[s].parent;
	}
	r->boot = x->states[s == UINT32_MAX ? idx : s].boot;
	for (i = 0; i < n && r->nr_steps < REPRO_MAX_STEPS; i++)
		r->steps[r->nr_steps++].op = x->states[chain[n - 1 - i]].op;
	if (op && r->nr_steps < REPRO_MAX_STEPS) {
		r->steps[r->nr_steps].op = *op;
		if (fault)
			r->steps[r->nr_steps].fault = *fault;
		r->nr_steps++;
	}
}

void explore_record(struct xsearch *x, const struct check_result *cr, u32 idx,
		    const struct op *op, const struct op_fault *fault)
{
	unsigned int i, k, first = x->nr_findings;

	for (i = 0; i < cr->nr; i++) {
		struct explore_finding *ef = NULL;

		for (k = 0; k < x->nr_findings; k++)
			if (!strcmp(x->findings[k].f.sig, cr->f[i].sig))
				ef = &x->findings[k];
		if (ef) {
			ef->count++;
			continue;
		}
		/* --max-findings caps new findings, even within one run */
		if (x->o->max_findings &&
		    x->nr_findings >= x->o->max_findings)
			continue;
		if (x->nr_findings == x->cap_findings) {
			x->cap_findings = x->cap_findings ?
					  x->cap_findings * 2 : 16;
			x->findings = realloc(x->findings, x->cap_findings *
					      sizeof(*x->findings));
			if (!x->findings)
				out_of_memory();
		}
		ef = &x->findings[x->nr_findings++];
		memset(ef, 0, sizeof(*ef));
		if ((int)cr->f[i].kind == x->o->stop_kind && !x->st->stop)
			x->st->stop = EXPLORE_STOP_KIND;
		if (x->o->max_findings &&
		    x->nr_findings >= x->o->max_findings && !x->st->stop)
			x->st->stop = EXPLORE_STOP_FINDINGS;
		ef->f = cr->f[i];
		ef->count = 1;
		ef->secs = elapsed(x);
		make_repro(x, idx, op, fault, &ef->repro);
		snprintf(ef->repro.expect, sizeof(ef->repro.expect), "%s",
			 ef->f.sig);
	}
	/*
	 * First sight: hand each new finding over. The callback may run
	 * operations of its own (repro_minimise()); every caller of record()
	 * restores a stored state before it runs anything again.
	 */
	for (i = first; x->o->on_finding && i < x->nr_findings; i++)
		x->o->on_finding(&x->findings[i], x->o->arg);
}

bool explore_enough(struct xsearch *x)
{
	if (__builtin_expect(interrupted, 0) && !x->st->stop)
		x->st->stop = EXPLORE_STOP_INTERRUPTED;
	return x->st->stop;
}

static void progress(struct xsearch *x, size_t head, double now, bool last)
{
	const struct explore_stats *st = x->st;
	unsigned long long runs = st->transitions + st->injections;
	double dt = now - x->last_progress;

	fprintf(x->o->progress, "%sexplore: %llu states, frontier %zu, "
		"depth %u, %.2fM runs/s, %ld MiB, %u findings, %.0f s%s",
		x->o->progress_tty ? "\r\033[K" : "", st->states,
		x->nr_states - head, x->cur_depth,
		dt > 0 ? (runs - x->last_runs) / dt / 1e6 : 0.0,
		explore_rss_kb() / 1024, x->nr_findings, now,
		x->o->progress_tty && !last ? "" : "\n");
	fflush(x->o->progress);
	x->last_progress = now;
	x->last_runs = runs;
}

/*
 * Between expansions: the time and memory bounds, and the progress line,
 * looked at every 0.1 s at most (the clock is cheap, /proc is not).
 */
void explore_check_bounds(struct xsearch *x, size_t head)
{
	const struct explore_opts *o = x->o;
	double now = elapsed(x);

	if (now < x->next_check)
		return;
	x->next_check = now + 0.1;
	if (o->time_limit > 0 && now >= o->time_limit && !x->st->stop)
		x->st->stop = EXPLORE_STOP_TIME_LIMIT;
	if (o->max_memory_mib &&
	    (unsigned long long)explore_rss_kb() / 1024 >= o->max_memory_mib &&
	    !x->st->stop)
		x->st->stop = EXPLORE_STOP_MAX_MEMORY;
	if (o->progress &&
	    now - x->last_progress >= (o->progress_tty ? 0.25 : 1.0))
		progress(x, head, now, false);
}

/* Once per walk: a state with more values than its key keeps. */
void explore_warn_canon(struct xsearch *x, u32 n)
{
	if (__builtin_expect(n > CANON_MAX, 0) && !x->warned_canon) {
		fprintf(stderr, "bindsim: warning: a canonical state has %u "
			"values, more than CANON_MAX (%u): states are told "
			"apart by their first %u only\n", n, CANON_MAX,
			CANON_MAX);
		x->warned_canon = true;
	}
}

/* o->verify_restore: a copy of the image of each state, as added. */
static void keep_copy(struct xsearch *x, u32 idx, const u64 *img)
{
	if (!(idx & (idx - 1))) {
		x->copies = realloc(x->copies, (idx ? 2 * idx : 1) *
					       sizeof(*x->copies));
		if (!x->copies)
			out_of_memory();
	}
	x->copies[idx] = xmalloc(x->states[idx].len);
	memcpy(x->copies[idx], img, x->states[idx].len);
}

/*
 * o->verify_restore (tests): restore every state, in an order shuffled
 * with that seed and then from the last state back (the longest chains,
 * each decoded from further up than the last), and compare the image
 * restore() returns and the arena with the copy kept when it was added.
 */
static void verify_restore(struct xsearch *x)
{
	u64 seed = x->o->verify_restore;
	size_t i, n = x->nr_states;
	u32 *order = xmalloc(2 * n * sizeof(*order));

	for (i = 0; i < n; i++) {
		order[i] = i;
		order[2 * n - 1 - i] = i;
	}
	for (i = n - 1; i > 0; i--) {
		size_t j;
		u32 t;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		j = seed % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < 2 * n; i++) {
		u32 idx = order[i], len = x->states[idx].len;
		const void *img = restore(x, idx);

		x->st->restore_checked++;
		memset(x->scratch, 0, len);
		sim_heap_save(x->scratch);
		if (memcmp(img, x->copies[idx], len) ||
		    ALIGN8(sim_heap_used()) != len ||
		    memcmp(x->scratch, x->copies[idx], len))
			x->st->restore_errors++;
	}
	for (i = 0; i < n; i++)
		free(x->copies[i]);
	free(x->copies);
	free(order);
}

/* The key of @c into x->key (returns its length) and its hash. */
size_t explore_key(struct xsearch *x, const struct canon *c, u64 *hash)
{
	*hash = canon_hash(c) & x->hash_mask;
	x->klen = canon_key(c, x->key);
	return x->klen;
}

/*
 * The chain position of a new successor of @parent: one past its parent's,
 * or 1 (a keyframe, against the boot state) past chain_max.
 */
static unsigned int explore_pos(const struct xsearch *x, u32 parent)
{
	unsigned int pos = x->states[parent].pos + 1;

	return pos > x->chain_max ? 1 : pos;
}

/*
 * The stored form of the heap (@len bytes) as a successor of state
 * @parent, into x->encoded; returns its length. This is all of a new
 * state's heap that a worker of -j N sends: explore_append() stores it.
 */
size_t explore_encode(struct xsearch *x, u32 parent, u8 boot, u32 len)
{
	unsigned int pos = explore_pos(x, parent);
	const struct xstate *base = &x->states[pos == 1 ? x->roots[boot] :
						parent];
	/* the parent's image is at hand: it is the state expanded */
	const u64 *img = pos == 1 ? (const u64 *)base->snap :
				    state_image(x, parent);

	memset(x->decoded, 0, len);
	sim_heap_save(x->decoded);
	return delta_encode((const u64 *)x->decoded, len / 8, img,
			    base->len / 8, x->encoded);
}

/*
 * A new state with key x->key at the empty table slot @slot: its stored
 * form @enc (@dlen bytes, from explore_encode()), or for a boot state
 * (@parent UINT32_MAX, @enc NULL) the heap itself. Returns its index.
 */
u32 explore_append(struct xsearch *x, size_t slot, u64 hash, u32 len,
		   const u8 *enc, size_t dlen, u32 parent, u16 depth, u8 boot,
		   const struct op *op)
{
	struct xstate *s;
	u32 idx = x->nr_states;

	x->table[slot] = hash | 1;
	x->table_idx[slot] = idx;
	if (x->nr_states == x->cap_states) {
		x->cap_states = x->cap_states ? x->cap_states * 2 : 1 << 14;
		x->states = realloc(x->states, x->cap_states * sizeof(*s));
		if (!x->states)
			out_of_memory();
	}
	s = &x->states[x->nr_states++];
	memset(s, 0, sizeof(*s));
	s->len = len;
	s->klen = x->klen;
	if (parent == UINT32_MAX) {
		/*
		 * A boot state: stored whole, the base of its deltas (read as
		 * words: the next boot state must stay aligned after the key).
		 */
		s->snap = snap_store(x, ALIGN8(s->len + s->klen));
		memset(s->snap, 0, s->len);
		sim_heap_save(s->snap);
		x->roots[boot] = idx;
		s->dlen = s->len;
	} else {
		s->pos = explore_pos(x, parent);
		/* a keyframe cut a chain (a boot state's child is not one) */
		if (s->pos == 1 && x->states[parent].pos)
			x->st->keyframes++;
		s->dlen = dlen;
		s->snap = snap_store(x, s->dlen + s->klen);
		memcpy(s->snap, enc, s->dlen);
	}
	/* serial walks only (explore() says so): x->decoded is this heap */
	if (x->o->verify_restore)
		keep_copy(x, idx, s->pos ? x->decoded : (const u64 *)s->snap);
	memcpy(s->snap + s->dlen, x->key, s->klen);
	x->st->key_bytes += s->klen;
	s->parent = parent;
	s->hash = hash;
	s->depth = depth;
	s->boot = boot;
	if (op)
		s->op = *op;
	x->st->states++;
	if (depth > x->st->max_depth)
		x->st->max_depth = depth;
	/* the numbering: -j N must find the states in -j 1's order */
	x->st->order_digest = (x->st->order_digest ^ hash ^
			       (u64)parent << 32) * 0x100000001b3ULL;
	return idx;
}

/* The state and teardown checks' verdict on the new state @idx. */
void explore_checked(struct xsearch *x, u32 idx, const struct check_result *cr)
{
	explore_record(x, cr, idx, NULL, NULL);
	if (cr->nr) {
		/* do not explore beyond a broken state */
		x->states[idx].depth = UINT16_MAX;
	}
}

/*
 * A state just reached (heap holds it): store it if new, and run the state
 * and teardown checks if this shard owns it. Returns its index, or -1 if
 * it was already known.
 */
static long add_state(struct xsearch *x, const struct canon *c, u32 parent,
		      u16 depth, u8 boot, const struct op *op)
{
	struct check_result cr;
	u32 idx, len;
	size_t slot, dlen = 0;
	long known;
	u64 hash;

	explore_warn_canon(x, c->n);
	explore_key(x, c, &hash);
	explore_table_reserve(x);
	slot = explore_find(x, hash, &known, &x->st->hash_collisions);
	if (known >= 0)
		return -1;
	if (x->o->max_states && x->nr_states >= x->o->max_states) {
		if (!x->st->stop)
			x->st->stop = EXPLORE_STOP_MAX_STATES;
		return -1;
	}
	len = ALIGN8(sim_heap_used());
	if (parent != UINT32_MAX)
		dlen = explore_encode(x, parent, boot, len);
	idx = explore_append(x, slot, hash, len,
			     parent != UINT32_MAX ? x->encoded : NULL, dlen,
			     parent, depth, boot, op);
	if (explore_owned(x, hash) && !x->o->no_check) {
		cr.nr = 0;
		check_state(&cr);
		check_teardown(&cr, x->scratch);
		explore_checked(x, idx, &cr);
	}
	return idx;
}

/* What expand() found: a worker of -j N sends it to the walk's owner. */
static void note(struct xsearch *x, const struct check_result *cr, u32 idx,
		 const struct op *op, const struct op_fault *fault)
{
	if (!x->par)
		explore_record(x, cr, idx, op, fault);
	else if (cr->nr)
		par_record(x, cr, op, fault);
}

void explore_expand(struct xsearch *x, u32 idx)
{
	static struct op ops[4096];
	struct canon *before = x->scratch_canon[0];
	struct canon *after = x->scratch_canon[1];
	struct xstate s = x->states[idx];
	bool own = explore_owned(x, s.hash);
	unsigned int nops, i, k;
	const void *img;

	img = restore(x, idx);
	before->text = NULL;
	after->text = NULL;
	/* it was read when added: the same heap reads the same again */
	canon_state(before);
	before->heap = img;
	before->heap_len = s.len;
	nops = op_enumerate(ops, ARRAY_SIZE(ops));
	x->st->expanded++;

	for (i = 0; i < nops && !explore_enough(x); i++) {
		struct sim_settings set = sim_kernel()->settings;
		struct check_result cr;
		struct op_result res;
		unsigned int nfaults;

		restore(x, idx);
		op_run(&ops[i], NULL, &res);
		x->st->transitions++;
		nfaults = res.nr_faults;
		cr.nr = 0;
		if (!x->o->no_check)
			check_transition(&ops[i], &res, &set, before, &cr);
		if (cr.nr) {
			/*
			 * Name what the broken transition left behind; after an
			 * oops only the read-only state checks are safe.
			 */
			check_state(&cr);
			if (!res.oops)
				check_teardown(&cr, x->scratch);
			note(x, &cr, idx, &ops[i], NULL);
		} else if (!res.oops && !(res.applicable && res.ret)) {
			/*
			 * A failed call that passed the atomicity check left
			 * the state as it found it: nothing new to add. A state
			 * that faults when read is an oops, not a new state.
			 */
			bool read;

			/* the key: ids renamed under --symmetry */
			after->sym = x->o->symmetry;
			read = canon_state(after);
			after->sym = false;
			if (read) {
				if (x->par)
					par_successor(x, after, idx, &ops[i]);
				else
					add_state(x, after, idx, s.depth + 1,
						  s.boot, &ops[i]);
			} else if (!x->o->no_check) {
				check_collect_shim(&cr, "(while reading the "
						   "state)");
				check_state(&cr);
				note(x, &cr, idx, &ops[i], NULL);
			}
		}
		if (!own || x->o->no_faults)
			continue;
		if (nfaults > SIM_MAX_FAULT_POINTS)
			nfaults = SIM_MAX_FAULT_POINTS;
		for (k = 1; k <= nfaults && !explore_enough(x); k++) {
			struct op_fault fault = { .ordinal = k };
			const struct sim_site *site;
			struct site_cov *cov;
			unsigned int j;

			restore(x, idx);
			op_run(&ops[i], &fault, &res);
			x->st->injections++;
			/*
			 * Which site and which pass of it, taken before the
			 * checks run operations of their own; the name is only
			 * formatted for a finding.
			 */
			site = sim_fault_point(k);
			fault.hit = 0;
			for (j = 1; site && j <= k; j++)
				fault.hit += sim_fault_point(j) == site;
			cov = cov_site(site);
			if (cov)
				cov->injected++;
			if (x->o->no_check)
				continue;
			cr.nr = 0;
			check_transition(&ops[i], &res, &set, before, &cr);
			if (res.oops) {
				check_state(&cr);
			} else if (cr.nr ||
				   (!res.ret && !sim_heap_same(before->heap,
							       before->heap_len))) {
				/*
				 * A broken transition, or a fault the operation
				 * absorbed leaving a trace in the heap: judge
				 * the state it left.
				 */
				if (!canon_state(after)) {
					check_collect_shim(&cr, "(while reading "
							   "the state)");
					check_state(&cr);
				} else if (cr.nr || !canon_equal(before, after)) {
					check_state(&cr);
					check_teardown(&cr, x->scratch);
				}
			}
			if (cov)
				cov->findings += cr.nr;
			if (cr.nr && site)
				sim_site_name(site, fault.site,
					      sizeof(fault.site));
			note(x, &cr, idx, &ops[i], &fault);
		}
	}
}

/* A state the walk does not expand: broken, or at the depth bound. */
bool explore_skip(const struct xsearch *x, u32 idx)
{
	u16 d = x->states[idx].depth;

	return d == UINT16_MAX || (x->o->depth >= 0 && d >= x->o->depth);
}

/* Expand states from *head on, in order, until @end or a stop. */
void explore_walk(struct xsearch *x, size_t *head, size_t end)
{
	while (*head < end && *head < x->nr_states && !explore_enough(x)) {
		u32 idx = *head;

		explore_check_bounds(x, *head);
		if (explore_enough(x))
			break;		/* idx not expanded: no closure */
		(*head)++;
		if (explore_skip(x, idx))
			continue;
		x->cur_depth = x->states[idx].depth;
		explore_expand(x, idx);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * o->count_orbits: how many of the states found are distinct up to
 * symmetry (their --symmetry keys, by 64-bit hash). After a closure with
 * no reduction, a --symmetry walk of the same world is exact when it finds
 * exactly this many states.
 */
static unsigned long long count_orbits(struct xsearch *x)
{
	struct canon *c = x->scratch_canon[1];
	unsigned long long n = 0;
	u64 *h = xmalloc((x->nr_states + 1) * sizeof(*h));
	size_t i, nh = 0;

	c->text = NULL;
	c->sym = true;
	for (i = 0; i < x->nr_states; i++) {
		restore(x, i);
		/* every state stored was read once without faulting */
		if (canon_state(c))
			h[nh++] = canon_hash(c);
	}
	c->sym = false;
	qsort(h, nh, sizeof(*h), cmp_u64);
	for (i = 0; i < nh; i++)
		n += !i || h[i] != h[i - 1];
	free(h);
	return n;
}

int explore(const struct explore_opts *o, struct explore_stats *st,
	    struct explore_finding **findings, unsigned int *nr_findings)
{
	struct xsearch x = { .o = o, .st = st };
	struct canon *canon;
	struct rusage ru;
	unsigned int b;
	size_t head = 0;

	memset(st, 0, sizeof(*st));
	clock_gettime(CLOCK_MONOTONIC, &x.t0);
	x.scratch = xmalloc(SIM_HEAP_SIZE);
	x.decoded = xmalloc(SIM_HEAP_SIZE);
	x.encoded = xmalloc(SIM_HEAP_SIZE / 8 * 13);
	for (b = 0; b <= XCHAIN_MAX; b++)
		x.path[b].idx = UINT32_MAX;
	x.chain_max = o->chain_max && o->chain_max < XCHAIN_MAX ?
		      o->chain_max : XCHAIN_MAX;
	x.scratch_canon[0] = xmalloc(sizeof(struct canon));
	x.scratch_canon[1] = xmalloc(sizeof(struct canon));
	memset(x.scratch_canon[0], 0, sizeof(struct canon));
	memset(x.scratch_canon[1], 0, sizeof(struct canon));
	x.key = xmalloc(5 * (CANON_MAX + 1));
	x.hash_mask = o->hash_bits && o->hash_bits < 64 ?
		      (1ULL << o->hash_bits) - 1 : ~0ULL;
	interrupted = 0;
	canon = x.scratch_canon[1];
	free(site_cov);
	site_cov = NULL;
	nr_site_cov = 0;
	cov_site(NULL);

	if (world_has_mock(o->spec)) {
		fprintf(stderr, "bindsim: world %s has a mock device: its idev "
			"belongs to a selftest object bindsim does not model, "
			"so it can be used in unit tests only\n",
			o->spec->name);
		return -1;
	}
	for (b = 0; b < o->spec->nr_boots; b++) {
		if (world_boot(o->spec, b)) {
			fprintf(stderr, "bindsim: world %s does not boot "
				"(variant %u)\n", o->spec->name, b);
			return -1;
		}
		canon->text = NULL;
		canon->sym = o->symmetry;
		if (!canon_state(canon)) {
			fprintf(stderr, "bindsim: world %s: the booted state "
				"(variant %u) faults when read\n",
				o->spec->name, b);
			return -1;
		}
		add_state(&x, canon, UINT32_MAX, 0, b, NULL);
		canon->sym = false;
	}

	/* verify_restore (a test hook) keeps copies of this process's heap */
	if (o->jobs > 1 && !o->verify_restore)
		par_walk(&x, &head);
	else
		explore_walk(&x, &head, SIZE_MAX);
	/*
	 * A walk stopped by a bound or a signal is never a closure, even
	 * when the stop came inside the last expansion.
	 */
	explore_enough(&x);
	if (st->stop >= EXPLORE_STOP_INTERRUPTED)
		head = x.nr_states + 1;
	st->closure = head == x.nr_states && o->depth < 0;
	if (!st->closure && o->depth >= 0 && head == x.nr_states) {
		size_t i;

		/* closure also when no state was cut off by the bound */
		st->closure = true;
		for (i = 0; i < x.nr_states; i++)
			if (x.states[i].depth != UINT16_MAX &&
			    x.states[i].depth >= o->depth)
				st->closure = false;
	}
	st->stopped = st->stop != EXPLORE_NOT_STOPPED;
	st->secs = elapsed(&x);
	if (o->progress && (o->progress_tty || x.last_progress > 0))
		progress(&x, head > x.nr_states ? x.nr_states : head,
			 st->secs, true);
	if (!getrusage(RUSAGE_SELF, &ru))
		st->peak_rss_kb = ru.ru_maxrss;
	/* -j N: the largest worker, if larger (it shares most pages) */
	if (o->jobs > 1 && !getrusage(RUSAGE_CHILDREN, &ru) &&
	    ru.ru_maxrss > st->peak_rss_kb)
		st->peak_rss_kb = ru.ru_maxrss;
	if (o->verify_restore)
		verify_restore(&x);
	if (o->count_orbits)
		st->orbits = count_orbits(&x);
	st->record_bytes = x.nr_states * sizeof(struct xstate);
	st->table_bytes = x.table_cap * (sizeof(*x.table) +
					 sizeof(*x.table_idx));
	for (b = 0; b < nr_site_cov; b++)
		st->fault_points += site_cov[b].injected != 0;

	*findings = x.findings;
	*nr_findings = x.nr_findings;
	free(x.table);
	free(x.table_idx);
	free(x.states);
	free(x.scratch);
	free(x.decoded);
	for (b = 0; b <= XCHAIN_MAX; b++)
		free(x.path[b].img);
	free(x.encoded);
	free(x.scratch_canon[0]);
	free(x.scratch_canon[1]);
	free(x.key);
	while (x.nr_chunks)
		free(x.chunks[--x.nr_chunks]);
	free(x.chunks);
	return 0;
}
