/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim heap: one fixed arena holding the whole simulated kernel.
 *
 * Layout of the arena:
 *
 *	[ struct heap_hdr ][ struct sim_kernel ][ block ][ block ] ... top
 *
 * Each block is a 32-byte header followed by its payload. Blocks are carved
 * from the top of the arena, or reuse a block freed in an earlier
 * allocation epoch (one epoch per operation, see sim_fault_begin()), so a
 * use after free inside one operation always lands in poisoned, freed
 * memory and is detected. All allocator metadata lives in the arena, so a
 * snapshot of the first sim_heap_used() bytes is a complete kernel state.
 *
 * struct file and the deferred fput work are here too: they are heap
 * objects queued in struct sim_kernel.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bindsim/sim.h>
#include <bindsim/stack.h>
#include <linux/fs.h>
#include <linux/slab.h>

#define HEAP_MAGIC 0x62696e64u		/* "bind" */
#define POISON_FREE 0x6b

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((size_t)(a) - 1))

/*
 * Lookup index: for each CHUNK of the arena, a block starting at or before
 * the chunk's first byte (in 16-byte units), where a walk to any address
 * of the chunk may start. Set when blocks are carved; splitting a block
 * keeps it valid. It lives in the arena, so snapshots carry it.
 */
#define CHUNK_SHIFT 10
#define NR_CHUNKS (SIM_HEAP_SIZE >> CHUNK_SHIFT)

/*
 * Freed-block index: the offsets (in 16-byte units) of the lowest
 * min(nr_freed, NR_FREED_IDX) freed blocks, in address order, zero after.
 * A function of the block layout alone, like every other arena byte that
 * two equal states share, so snapshots, restores and sim_heap_same() need
 * nothing new. The use-after-free check on every dereference scans it
 * instead of walking to the block, and block reuse picks from it.
 */
#define NR_FREED_IDX 16

struct heap_hdr {
	uint32_t magic;
	uint32_t top;		/* offset of the first unused byte */
	uint32_t epoch;		/* current allocation epoch */
	uint32_t nr_freed;	/* blocks in state FREED */
	uint32_t nr_live[2];	/* live blocks per enum sim_alloc_class */
	uint16_t chunk_blk[NR_CHUNKS];
	uint16_t freed_idx[NR_FREED_IDX];
};

_Static_assert(SIM_HEAP_SIZE / 16 <= 0x10000, "chunk_blk offsets fit u16");

/* Block flags, in the low bits of size_flags (sizes are multiples of 16). */
#define BLK_FREED 0x1u
#define BLK_WORLD 0x2u
#define BLK_FLAGS 0xfu

struct blk {
	uint32_t size_flags;		/* payload size | BLK_* */
	uint32_t free_epoch;		/* epoch in which it was freed */
	uint64_t seq;			/* allocation sequence number */
	const char *tag;
	const struct sim_site *site;
};

_Static_assert(sizeof(struct blk) == 32, "block header is 32 bytes");

#define HDR_SIZE ALIGN_UP(sizeof(struct heap_hdr), 64)
#define KERNEL_OFF HDR_SIZE
#define BLOCKS_OFF (KERNEL_OFF + ALIGN_UP(sizeof(struct sim_kernel), 64))

static unsigned char arena[SIM_HEAP_SIZE] __attribute__((aligned(64)));

/*
 * Outside the arena, from its freed-block index: the span holding every
 * freed payload (see __sim_deref()). Set again whenever the index changes,
 * and on reset and restore.
 */
uintptr_t __sim_freed_lo, __sim_freed_len;

/*
 * Recent lookups, outside the arena: a hint that never changes a result.
 * An entry is valid while the block layout is unchanged; reset, restore
 * and splits change it (carving at the top and freeing move no block).
 */
#define LOOKUP_CACHE 16

static struct {
	uintptr_t lo, hi;	/* the block's header, the next block */
	unsigned long gen;
} lookup_cache[LOOKUP_CACHE];
static unsigned long layout_gen = 1;

static inline struct heap_hdr *hdr(void)
{
	return (struct heap_hdr *)arena;
}

static inline size_t blk_size(const struct blk *b)
{
	return b->size_flags & ~BLK_FLAGS;
}

static inline unsigned char *blk_payload(struct blk *b)
{
	return (unsigned char *)(b + 1);
}

static inline struct blk *blk_next(struct blk *b)
{
	return (struct blk *)(blk_payload(b) + blk_size(b));
}

static inline struct blk *blk_first(void)
{
	return (struct blk *)(arena + BLOCKS_OFF);
}

static inline struct blk *blk_top(void)
{
	return (struct blk *)(arena + hdr()->top);
}

static inline bool in_arena(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)arena &&
	       (uintptr_t)p < (uintptr_t)arena + SIM_HEAP_SIZE;
}

static void blk_info(struct blk *b, struct sim_alloc_info *info)
{
	info->ptr = blk_payload(b);
	info->size = blk_size(b);
	info->cls = (b->size_flags & BLK_WORLD) ? SIM_CLASS_WORLD :
						  SIM_CLASS_KERNEL;
	info->tag = b->tag;
	info->site = b->site;
	info->seq = (unsigned long)b->seq;
}

/*
 * The block whose payload contains p, or NULL. The caller checked that p is
 * in the arena.
 */
static struct blk *blk_containing(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct blk *b = blk_first();
	struct blk *top = blk_top();
	size_t chunk = (a - (uintptr_t)arena) >> CHUNK_SHIFT;
	unsigned int slot = (a >> 6) % LOOKUP_CACHE;

	if (a < (uintptr_t)b || a >= (uintptr_t)top)
		return NULL;
	if (lookup_cache[slot].gen == layout_gen &&
	    a >= lookup_cache[slot].lo && a < lookup_cache[slot].hi) {
		b = (struct blk *)lookup_cache[slot].lo;
		return a >= (uintptr_t)blk_payload(b) ? b : NULL;
	}
	if (chunk << CHUNK_SHIFT >= BLOCKS_OFF)
		b = (struct blk *)(arena + 16 * hdr()->chunk_blk[chunk]);
	while (b < top) {
		struct blk *next = blk_next(b);

		if (a < (uintptr_t)next) {
			lookup_cache[slot].lo = (uintptr_t)b;
			lookup_cache[slot].hi = (uintptr_t)next;
			lookup_cache[slot].gen = layout_gen;
			return a >= (uintptr_t)blk_payload(b) ? b : NULL;
		}
		b = next;
	}
	return NULL;
}

/* ---------------------------------------------------- freed-block index */

_Static_assert(NR_FREED_IDX >= 2, "the refill walks from the last but one");

static inline struct blk *blk_at(uint16_t units)
{
	return (struct blk *)(arena + 16 * (size_t)units);
}

static inline uint16_t blk_units(const struct blk *b)
{
	return (uint16_t)(((const unsigned char *)b - arena) / 16);
}

/* How many entries of h->freed_idx are in use for nr freed blocks. */
static inline unsigned int freed_listed(uint32_t nr)
{
	return nr < NR_FREED_IDX ? nr : NR_FREED_IDX;
}

/* b became FREED, and nr_freed counts it already: list it if low enough. */
static void freed_idx_add(const struct blk *b)
{
	struct heap_hdr *h = hdr();
	uint16_t u = blk_units(b);
	unsigned int i = freed_listed(h->nr_freed - 1);

	for (; i > 0 && h->freed_idx[i - 1] > u; i--)
		if (i < NR_FREED_IDX)
			h->freed_idx[i] = h->freed_idx[i - 1];
	if (i < NR_FREED_IDX)
		h->freed_idx[i] = u;
}

/*
 * b is FREED no longer, and nr_freed no longer counts it: unlist it, and
 * list the next freed block beyond the listed ones in its place.
 */
static void freed_idx_del(const struct blk *b)
{
	struct heap_hdr *h = hdr();
	uint16_t u = blk_units(b);
	unsigned int n = freed_listed(h->nr_freed + 1);
	unsigned int i;
	struct blk *c, *top;

	for (i = 0; i < n && h->freed_idx[i] != u; i++)
		;
	if (i == n)
		return;		/* beyond the listed ones */
	for (; i + 1 < n; i++)
		h->freed_idx[i] = h->freed_idx[i + 1];
	h->freed_idx[n - 1] = 0;
	if (h->nr_freed < NR_FREED_IDX)
		return;
	top = blk_top();
	for (c = blk_next(blk_at(h->freed_idx[n - 2])); c < top;
	     c = blk_next(c)) {
		if (c->size_flags & BLK_FREED) {
			h->freed_idx[n - 1] = blk_units(c);
			return;
		}
	}
}

static void freed_span_update(void)
{
	const struct heap_hdr *h = hdr();
	uintptr_t lo = 0, hi = 0;

	if (h->nr_freed) {
		lo = (uintptr_t)blk_payload(blk_at(h->freed_idx[0]));
		if (h->nr_freed > NR_FREED_IDX)
			hi = (uintptr_t)blk_top();
		else
			hi = (uintptr_t)blk_next(blk_at(
				h->freed_idx[h->nr_freed - 1]));
	}
	__sim_freed_lo = lo;
	__sim_freed_len = hi - lo;
}

/* ------------------------------------------------------------- the arena */

void sim_heap_reset(void)
{
	size_t used = SIM_HEAP_SIZE;

	if (hdr()->magic == HEAP_MAGIC && hdr()->top <= SIM_HEAP_SIZE)
		used = hdr()->top;
	memset(arena, 0, used);
	layout_gen++;
	hdr()->magic = HEAP_MAGIC;
	hdr()->top = BLOCKS_OFF;
	hdr()->epoch = 0;
	hdr()->nr_freed = 0;
	freed_span_update();
	sim_stack_reset();
}

static inline void heap_ready(void)
{
	if (__builtin_expect(hdr()->magic != HEAP_MAGIC, 0))
		sim_heap_reset();
}

struct sim_kernel *sim_kernel(void)
{
	heap_ready();
	return (struct sim_kernel *)(arena + KERNEL_OFF);
}

size_t sim_heap_used(void)
{
	heap_ready();
	return hdr()->top;
}

void sim_heap_save(void *buf)
{
	memcpy(buf, arena, sim_heap_used());
}

bool sim_heap_same(const void *buf, size_t len)
{
	size_t used = sim_heap_used();

	size_t e = offsetof(struct heap_hdr, epoch);

	/*
	 * Every byte but the allocation epoch, which each operation
	 * advances: only block reuse reads it, as free_epoch < epoch, and
	 * every freed block passes that after the next advance either way.
	 * The header (with top) is compared: equal bytes, equal size.
	 */
	return used <= len && !memcmp(arena, buf, e) &&
	       !memcmp(arena + e + sizeof(uint32_t),
		       (const char *)buf + e + sizeof(uint32_t),
		       used - e - sizeof(uint32_t));
}

void sim_heap_restore(const void *buf, size_t len)
{
	if (len > SIM_HEAP_SIZE || len < BLOCKS_OFF) {
		fprintf(stderr, "bindsim: bad heap snapshot (%zu bytes)\n",
			len);
		exit(2);
	}
	memcpy(arena, buf, len);
	layout_gen++;
	freed_span_update();
}

void __sim_heap_new_epoch(void)
{
	heap_ready();
	hdr()->epoch++;
}

/* ------------------------------------------------------------ allocation */

static void heap_exhausted(void)
{
	fprintf(stderr,
		"bindsim: simulated heap exhausted (%u bytes): world too large\n",
		SIM_HEAP_SIZE);
	exit(2);
}

static inline bool reusable(const struct blk *b, size_t size)
{
	return (b->size_flags & BLK_FREED) && b->free_epoch < hdr()->epoch &&
	       blk_size(b) >= size;
}

/* Take the freed block b for an allocation of size bytes. */
static struct blk *reuse(struct blk *b, size_t size)
{
	struct heap_hdr *h = hdr();
	unsigned int i;

	h->nr_freed--;
	/* Split off the rest as a free (and reusable) block. */
	if (blk_size(b) >= size + sizeof(struct blk) + 16) {
		struct blk *rest;

		rest = (struct blk *)(blk_payload(b) + size);
		rest->size_flags = (uint32_t)(blk_size(b) - size -
					      sizeof(struct blk)) |
				   BLK_FREED;
		rest->free_epoch = b->free_epoch;
		rest->seq = 0;
		rest->tag = NULL;
		rest->site = NULL;
		h->nr_freed++;
		b->size_flags = (uint32_t)size;
		layout_gen++;
		/* rest takes b's place in the index: nothing lies between */
		for (i = 0; i < freed_listed(h->nr_freed); i++)
			if (h->freed_idx[i] == blk_units(b))
				h->freed_idx[i] = blk_units(rest);
	} else {
		b->size_flags &= ~BLK_FREED;
		freed_idx_del(b);
	}
	/* Live again: drop FREED and any class left from before. */
	b->size_flags = (uint32_t)blk_size(b);
	freed_span_update();
	return b;
}

/*
 * A freed block from an earlier epoch with room for size bytes, or NULL:
 * the lowest such, as a walk from the first block would find it. The
 * index lists the lowest freed blocks; the walk goes on past them only
 * when there are more.
 */
static struct blk *find_reusable(size_t size)
{
	struct heap_hdr *h = hdr();
	unsigned int i, n = freed_listed(h->nr_freed);
	struct blk *top, *b;

	for (i = 0; i < n; i++) {
		b = blk_at(h->freed_idx[i]);
		if (reusable(b, size))
			return reuse(b, size);
	}
	if (h->nr_freed <= NR_FREED_IDX)
		return NULL;
	top = blk_top();
	for (b = blk_next(blk_at(h->freed_idx[n - 1])); b < top;
	     b = blk_next(b))
		if (reusable(b, size))
			return reuse(b, size);
	return NULL;
}

static struct blk *carve(size_t size)
{
	struct heap_hdr *h = hdr();
	struct blk *b;
	size_t c;

	if (size > SIM_HEAP_SIZE ||
	    h->top + sizeof(struct blk) + size > SIM_HEAP_SIZE)
		heap_exhausted();
	b = blk_top();
	/* Chunks starting inside the new block: walks start from it. */
	for (c = (h->top + (1u << CHUNK_SHIFT) - 1) >> CHUNK_SHIFT;
	     c < NR_CHUNKS && (c << CHUNK_SHIFT) < h->top + sizeof(*b) + size;
	     c++)
		h->chunk_blk[c] = (uint16_t)(h->top / 16);
	h->top += (uint32_t)(sizeof(struct blk) + size);
	b->size_flags = (uint32_t)size;
	return b;
}

void *sim_alloc(size_t size, gfp_t gfp, enum sim_alloc_class cls,
		const char *tag, const struct sim_site *site)
{
	struct blk *b;

	heap_ready();
	if ((gfp & GFP_KERNEL) && !(gfp & GFP_ATOMIC) && __sim_spins_held())
		sim_report(SIM_F_LOCK, site,
			   "sleeping allocation under spinlock (%s of %zu bytes)",
			   tag ? tag : "kmalloc", size);
	if (cls == SIM_CLASS_KERNEL && !(gfp & SIM_GFP_NOFAIL) &&
	    sim_should_fail(site))
		return NULL;
	if (size > SIM_HEAP_SIZE)
		heap_exhausted();
	size = size ? ALIGN_UP(size, 16) : 16;
	b = find_reusable(size);
	if (!b)
		b = carve(size);
	if (cls == SIM_CLASS_WORLD)
		b->size_flags |= BLK_WORLD;
	hdr()->nr_live[cls == SIM_CLASS_WORLD]++;
	b->free_epoch = 0;
	b->seq = sim_kernel()->alloc_seq++;
	b->tag = tag;
	b->site = site;
	/* its call chain, outside the arena, when a trace is printed */
	if (__builtin_expect(sim_stack_enabled(), 0) &&
	    cls == SIM_CLASS_KERNEL)
		sim_stack_set_alloc(blk_payload(b), b->seq, sim_stack_save());
	/* Always zeroed: contents never depend on the heap's history. */
	memset(blk_payload(b), 0, blk_size(b));
	return blk_payload(b);
}

/* "<tag> allocated at file:line func"; untagged blocks by slab size. */
static void describe(char *buf, size_t len, const struct blk *b)
{
	char name[32];
	const char *tag = b->tag;

	if (!tag) {
		snprintf(name, sizeof(name), "kmalloc-%zu", blk_size(b));
		tag = name;
	}
	if (b->site)
		snprintf(buf, len, "%s allocated at %s:%d %s", tag,
			 b->site->file, b->site->line, b->site->func);
	else
		snprintf(buf, len, "%s", tag);
}

void sim_free(const void *p, const struct sim_site *site)
{
	struct blk *b;
	char what[SIM_MSG_LEN];

	if (!p)
		return;
	heap_ready();
	b = in_arena(p) ? blk_containing(p) : NULL;
	if (!b || blk_payload(b) != p) {
		/* No addresses in messages: they must be reproducible. */
		if (b) {
			describe(what, sizeof(what), b);
			sim_report(SIM_F_DOUBLE_FREE, site,
				   "kfree of unknown pointer %zu bytes into %s",
				   (size_t)((const unsigned char *)p -
					    blk_payload(b)), what);
		} else {
			sim_report(SIM_F_DOUBLE_FREE, site,
				   "kfree of unknown pointer (%s)",
				   in_arena(p) ? "no heap block" :
						 "not heap memory");
		}
		return;
	}
	if (b->size_flags & BLK_FREED) {
		unsigned int n = sim_nr_findings();
		struct sim_finding *f;

		describe(what, sizeof(what), b);
		sim_report(SIM_F_DOUBLE_FREE, site, "double free of %s", what);
		if (sim_nr_findings() == n + 1) {
			/* Ours: name the allocation, as a leak report does. */
			f = (struct sim_finding *)sim_finding(n);
			f->alloc_site = b->site;
			f->alloc_tag = b->tag;
			f->alloc_stack = sim_stack_alloc(blk_payload(b),
							 b->seq);
		}
		return;
	}
	__sim_locks_freed(blk_payload(b), blk_size(b), site);
	b->size_flags = (uint32_t)blk_size(b) | BLK_FREED |
			(b->size_flags & BLK_WORLD);
	b->free_epoch = hdr()->epoch;
	hdr()->nr_freed++;
	freed_idx_add(b);
	freed_span_update();
	hdr()->nr_live[!!(b->size_flags & BLK_WORLD)]--;
	memset(blk_payload(b), POISON_FREE, blk_size(b));
}

bool __sim_heap_freed(const void *p, struct sim_alloc_info *info)
{
	const struct heap_hdr *h = hdr();
	uintptr_t a = (uintptr_t)p;
	unsigned int i, n;
	struct blk *b;

	if (!in_arena(p) || !h->nr_freed)
		return false;
	/* The lowest freed blocks, in address order: p is in one or none. */
	n = freed_listed(h->nr_freed);
	for (i = 0; i < n; i++) {
		b = blk_at(h->freed_idx[i]);
		if (a < (uintptr_t)blk_payload(b))
			return false;
		if (a < (uintptr_t)blk_next(b))
			goto found;
	}
	if (h->nr_freed <= NR_FREED_IDX)
		return false;
	b = blk_containing(p);
	if (!b || !(b->size_flags & BLK_FREED))
		return false;
found:
	if (info)
		blk_info(b, info);
	return true;
}

/*
 * For the tests: the freed-block index, the count and the span against a
 * walk of the blocks, and the use-after-free answer at every 8th address
 * against the block lookup. NULL if all agree, else what does not.
 */
const char *__sim_heap_check(void)
{
	uint16_t idx[NR_FREED_IDX] = { 0 };
	const struct heap_hdr *h;
	unsigned int nr = 0;
	struct blk *b, *top;
	uintptr_t a;

	heap_ready();
	h = hdr();
	top = blk_top();
	for (b = blk_first(); b < top; b = blk_next(b)) {
		if (!(b->size_flags & BLK_FREED))
			continue;
		if (nr < NR_FREED_IDX)
			idx[nr] = blk_units(b);
		nr++;
	}
	if (b != top)
		return "the blocks do not end at the top";
	if (nr != h->nr_freed)
		return "nr_freed is not the number of freed blocks";
	if (memcmp(idx, h->freed_idx, sizeof(idx)))
		return "the freed index is not the lowest freed blocks";
	for (a = (uintptr_t)arena; a < (uintptr_t)top + 64 && in_arena((void *)a);
	     a += 8) {
		const void *p = (const void *)a;
		bool freed;

		b = blk_containing(p);
		freed = b && (b->size_flags & BLK_FREED);
		if (__sim_heap_freed(p, NULL) != freed)
			return "__sim_heap_freed() disagrees with the lookup";
		if (freed && a - __sim_freed_lo >= __sim_freed_len)
			return "a freed payload outside the freed span";
	}
	return NULL;
}

/* ---------------------------------------------------------------- census */

unsigned int sim_census(enum sim_alloc_class cls, struct sim_alloc_info *out,
			unsigned int max)
{
	struct blk *b, *top;
	unsigned int n = 0;
	uint32_t want = cls == SIM_CLASS_WORLD ? BLK_WORLD : 0;

	heap_ready();
	if (!out || !max)
		return hdr()->nr_live[cls == SIM_CLASS_WORLD];
	top = blk_top();
	for (b = blk_first(); b < top; b = blk_next(b)) {
		if ((b->size_flags & (BLK_FREED | BLK_WORLD)) != want)
			continue;
		if (out && n < max)
			blk_info(b, &out[n]);
		n++;
	}
	return n;
}

bool sim_alloc_lookup(const void *p, struct sim_alloc_info *info)
{
	struct blk *b;

	if (!in_arena(p))
		return false;
	heap_ready();
	b = blk_containing(p);
	if (!b || (b->size_flags & BLK_FREED))
		return false;
	if (info)
		blk_info(b, info);
	return true;
}

/* ------------------------------------------------------------------ files */

struct file *sim_file_alloc(void (*release)(struct file *), void *data,
			    const struct sim_site *site)
{
	struct file *file;

	file = sim_alloc(sizeof(*file), GFP_KERNEL | __GFP_ZERO,
			 SIM_CLASS_KERNEL, "file", site);
	if (!file)
		return NULL;
	refcount_set(&file->f_count, 1);
	file->release = release;
	file->private_data = data;
	return file;
}

static void file_release(struct file *file, const struct sim_site *site)
{
	file->released = true;
	if (file->f_op && file->f_op->release)
		file->f_op->release(NULL, file);
	else if (file->release)
		file->release(file);
	sim_free(file, site);
}

void sim_fput_sync(struct file *file, const struct sim_site *site)
{
	if (!__sim_deref(file, site))
		return;
	if (sim_refcount_sub_and_test(1, &file->f_count, site))
		file_release(file, site);
}

void sim_fput(struct file *file, const struct sim_site *site)
{
	struct sim_kernel *k;

	if (!__sim_deref(file, site))
		return;
	if (!sim_refcount_sub_and_test(1, &file->f_count, site))
		return;
	k = sim_kernel();
	if (k->nr_deferred < sizeof(k->deferred) / sizeof(k->deferred[0]))
		k->deferred[k->nr_deferred++] = file;
	else
		file_release(file, site);
}

void sim_task_work_run(void)
{
	const struct sim_site *site = SIM_SITE("task_work_run");
	struct sim_kernel *k = sim_kernel();

	while (k->nr_deferred) {
		struct file *file = k->deferred[0];

		k->nr_deferred--;
		memmove(&k->deferred[0], &k->deferred[1],
			k->nr_deferred * sizeof(k->deferred[0]));
		k->deferred[k->nr_deferred] = NULL;
		if (__sim_deref(file, site))
			file_release(file, site);
	}
}
