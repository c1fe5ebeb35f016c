/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim call chains: captured with glibc's backtrace() while a trace is
 * printed, symbolised at print time by one addr2line process (function,
 * file:line, inlined frames) and cut to the kernel's part of the chain.
 *
 * Everything here lives outside the heap arena: snapshots never carry it,
 * and the explorer and the fuzzer, which never turn capture on, pay one
 * predicted branch per allocation, finding and injected fault.
 */
#define _GNU_SOURCE	/* dl_iterate_phdr */
#include <execinfo.h>
#include <link.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bindsim/stack.h>

extern char **environ;

bool __sim_stack_on;

/* ------------------------------------------------------------ the chains */

#define CHAIN_MAX 64		/* frames kept from the innermost */
#define NR_CHAINS_MAX 65536	/* beyond: no chain (a bounded replay) */
#define ID_SHIFT 20		/* id: generation << 20 | index + 1 */

struct chain {
	unsigned int n;
	void *pc[CHAIN_MAX];
};

static struct chain *chains;
static unsigned int nr_chains, cap_chains;
static unsigned int generation = 1;

/* Room in *@arr (@nr of *@cap elements of @size used) for one more. */
static bool grow(void **arr, unsigned int nr, unsigned int *cap, size_t size)
{
	unsigned int n = *cap ? *cap * 2 : 256;
	void *p;

	if (nr < *cap)
		return true;
	p = realloc(*arr, n * size);
	if (!p)
		return false;
	*arr = p;
	*cap = n;
	return true;
}

bool sim_stack_enable(bool on)
{
	bool was = __sim_stack_on;

	if (on && !was) {
		void *pc[1];

		/* loads the unwinder now, not in a signal handler later */
		backtrace(pc, 1);
	}
	__sim_stack_on = on;
	return was;
}

static struct chain *chain_get(unsigned int id)
{
	unsigned int i = (id & ((1u << ID_SHIFT) - 1)) - 1;

	if (!id || id >> ID_SHIFT != (generation & 0xfff) || i >= nr_chains)
		return NULL;
	return &chains[i];
}

unsigned int sim_stack_save(void)
{
	struct chain *c;

	if (!__sim_stack_on || nr_chains >= NR_CHAINS_MAX ||
	    !grow((void **)&chains, nr_chains, &cap_chains, sizeof(*chains)))
		return 0;
	c = &chains[nr_chains++];
	c->n = (unsigned int)backtrace(c->pc, CHAIN_MAX);
	return (generation & 0xfff) << ID_SHIFT | nr_chains;
}

/* ---------------------------------------------- allocation -> its chain */

struct alloc_ent {
	const void *ptr;	/* NULL: empty slot */
	unsigned long seq;
	unsigned int id;
};

static struct alloc_ent *amap;
static size_t amap_cap, amap_nr;

static size_t amap_slot(const void *ptr, unsigned long seq, size_t cap)
{
	uint64_t h = ((uint64_t)(uintptr_t)ptr >> 4) ^ ((uint64_t)seq << 32);

	return (size_t)((h * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static void amap_put(struct alloc_ent *map, size_t cap, const void *ptr,
		     unsigned long seq, unsigned int id, size_t *nr)
{
	size_t i = amap_slot(ptr, seq, cap);

	while (map[i].ptr && (map[i].ptr != ptr || map[i].seq != seq))
		i = (i + 1) & (cap - 1);
	if (!map[i].ptr)
		(*nr)++;
	map[i] = (struct alloc_ent){ ptr, seq, id };
}

void sim_stack_set_alloc(const void *ptr, unsigned long seq, unsigned int id)
{
	/* id 0 (no room for the chain) too: no older chain may stand */
	if (!ptr)
		return;
	if ((amap_nr + 1) * 2 > amap_cap) {
		size_t cap = amap_cap ? amap_cap * 2 : 1024, i, nr = 0;
		struct alloc_ent *n = calloc(cap, sizeof(*n));

		if (!n)
			return;
		for (i = 0; i < amap_cap; i++)
			if (amap[i].ptr)
				amap_put(n, cap, amap[i].ptr, amap[i].seq,
					 amap[i].id, &nr);
		free(amap);
		amap = n;
		amap_cap = cap;
		amap_nr = nr;
	}
	/* the same block and number again (a teardown undone): the latest */
	amap_put(amap, amap_cap, ptr, seq, id, &amap_nr);
}

unsigned int sim_stack_alloc(const void *ptr, unsigned long seq)
{
	size_t i;

	if (!amap_nr || !ptr)
		return 0;
	for (i = amap_slot(ptr, seq, amap_cap); amap[i].ptr;
	     i = (i + 1) & (amap_cap - 1))
		if (amap[i].ptr == ptr && amap[i].seq == seq)
			return amap[i].id;
	return 0;
}

void sim_stack_reset(void)
{
	nr_chains = 0;
	generation++;
	if (amap_nr)
		memset(amap, 0, amap_cap * sizeof(*amap));
	amap_nr = 0;
}

/* ------------------------------------------------------- symbolisation */

struct frame {
	const char *func;
	const char *file;	/* repo- or tree-relative; NULL: unknown */
	int line;
	bool inlined;
};

/* A code address of this executable, and the frames addr2line gave it. */
struct sym {
	uintptr_t pc;
	unsigned int first, n;	/* in frames[] */
};

static struct {
	bool tried;
	const char *broken;	/* why symbolisation is impossible */
	int fd;			/* addr2line's stdin and stdout */
	FILE *out;
	uintptr_t base, lo, hi;	/* load base, the program's text */
	struct sym *syms;
	unsigned int nr_syms, cap_syms;
	struct frame *frames;
	unsigned int nr_frames, cap_frames;
	/* where the sources were compiled: "/path/to/bindsim/", maybe "" */
	char *srcdir;
	size_t srcdir_len;
} a2l;

static int find_program(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned int i;

	(void)size;
	(void)arg;
	/* the first object is the program itself */
	a2l.base = info->dlpi_addr;
	a2l.lo = UINTPTR_MAX;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		if (info->dlpi_addr + ph->p_vaddr < a2l.lo)
			a2l.lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > a2l.hi)
			a2l.hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	return 1;
}

static void symbolise(const struct chain *c);
static struct sym *sym_find(uintptr_t pc);

/*
 * The debug info names sources as the compiler was given them, from the
 * directory it ran in: this file is "shims/stack.c" there, so the path
 * addr2line gives for it, less that, is the directory to strip.
 */
static void learn_srcdir(void)
{
	static const char self[] = "shims/stack.c";
	const size_t self_len = sizeof(self) - 1;
	struct chain c = { .n = 1 };
	const struct sym *s;
	const char *file;
	size_t len;

	/* +1: symbolise() looks up the instruction before a return address */
	c.pc[0] = (void *)((uintptr_t)&sim_stack_print + 1);
	symbolise(&c);
	s = sym_find((uintptr_t)c.pc[0]);
	if (a2l.broken || !s || !s->n)
		return;
	file = a2l.frames[s->first + s->n - 1].file;
	len = file ? strlen(file) : 0;
	if (len < self_len || strcmp(file + len - self_len, self))
		return;
	a2l.srcdir = strndup(file, len - self_len);
	a2l.srcdir_len = a2l.srcdir ? strlen(a2l.srcdir) : 0;
}

/*
 * A source path as the reports name it: repo-relative (model/x.c,
 * shims/x.c), and for the copies scripts/build-tree and build-variant
 * compile (build/.../src/PATH, build/.../gen/PATH) the tree's or the
 * model's own PATH (drivers/iommu/iommufd/main.c, model/vfio.c).
 */
static const char *shown_path(const char *file)
{
	const char *p;

	if (a2l.srcdir_len && !strncmp(file, a2l.srcdir, a2l.srcdir_len))
		file += a2l.srcdir_len;
	while (!strncmp(file, "./", 2))
		file += 2;
	if (strncmp(file, "build/", 6))
		return file;
	p = strstr(file, "/src/");
	if (!p)
		p = strstr(file, "/gen/");
	if (!p)
		return file;
	for (p += 5; *p == '/'; p++)
		;
	return p;
}

static void a2l_start(void)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char exe[4096];
	char *argv[] = { "addr2line", "-f", "-i", "-a", "-e", exe, NULL };
	ssize_t len;
	pid_t pid;
	int sv[2];

	a2l.tried = true;
	a2l.fd = -1;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0) {
		a2l.broken = "cannot read /proc/self/exe";
		return;
	}
	exe[len] = '\0';
	dl_iterate_phdr(find_program, NULL);
	if (a2l.lo >= a2l.hi) {
		a2l.broken = "no program text";
		return;
	}
	/* a socket, not pipes: a dead child means EPIPE, never SIGPIPE */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		a2l.broken = "no socket for addr2line";
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 0, 0);
	/* its own process group: a ^C to bindsim leaves it answering */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	if (posix_spawnp(&pid, "addr2line", &fa, &attr, argv, environ)) {
		a2l.broken = "addr2line not found (binutils)";
		close(sv[0]);
	} else {
		a2l.fd = sv[0];
		a2l.out = fdopen(sv[0], "r");
		if (!a2l.out) {
			a2l.broken = "no stream from addr2line";
			close(sv[0]);
		}
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (!a2l.broken)
		learn_srcdir();
}

static struct sym *sym_find(uintptr_t pc)
{
	unsigned int lo = 0, hi = a2l.nr_syms;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (a2l.syms[mid].pc == pc)
			return &a2l.syms[mid];
		if (a2l.syms[mid].pc < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A new, empty symbol for @pc, kept sorted. */
static struct sym *sym_add(uintptr_t pc)
{
	unsigned int i;

	if (!grow((void **)&a2l.syms, a2l.nr_syms, &a2l.cap_syms,
		  sizeof(*a2l.syms)))
		return NULL;
	for (i = a2l.nr_syms; i && a2l.syms[i - 1].pc > pc; i--)
		a2l.syms[i] = a2l.syms[i - 1];
	a2l.nr_syms++;
	a2l.syms[i] = (struct sym){ pc, a2l.nr_frames, 0 };
	return &a2l.syms[i];
}

static bool frame_add(const char *func, const char *loc)
{
	struct frame *fr;
	const char *colon;
	char *file;

	if (!grow((void **)&a2l.frames, a2l.nr_frames, &a2l.cap_frames,
		  sizeof(*a2l.frames)))
		return false;
	fr = &a2l.frames[a2l.nr_frames];
	memset(fr, 0, sizeof(*fr));
	/* "path:line", maybe " (discriminator N)"; "??:0" when unknown */
	colon = strrchr(loc, ':');
	if (colon && colon > loc && strncmp(loc, "??", 2)) {
		file = strndup(loc, (size_t)(colon - loc));
		if (!file)
			return false;
		fr->file = file;
		fr->line = atoi(colon + 1);
	}
	fr->func = strcmp(func, "??") ? strdup(func) : NULL;
	a2l.nr_frames++;
	return true;
}

static char *read_line(char *buf, size_t len)
{
	if (!fgets(buf, (int)len, a2l.out))
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * Symbolise the addresses of @c not seen before, in one exchange: each
 * address, then 0 as the end mark. With -a every answer starts with its
 * address; -i gives the inlined frames first, the real function last.
 */
static void symbolise(const struct chain *c)
{
	char req[CHAIN_MAX * 24 + 8], func[512], loc[1024];
	uintptr_t want[CHAIN_MAX];
	unsigned int i, n = 0, k;
	size_t len = 0;

	if (!a2l.tried)
		a2l_start();
	if (a2l.broken)
		return;
	for (i = 0; i < c->n; i++) {
		uintptr_t pc = (uintptr_t)c->pc[i];

		if (pc <= a2l.lo || pc > a2l.hi || sym_find(pc))
			continue;
		for (k = 0; k < n && want[k] != pc; k++)
			;
		if (k < n)
			continue;
		want[n++] = pc;
		/* a return address: the call is the instruction before */
		len += (size_t)snprintf(req + len, sizeof(req) - len,
					"%#lx\n",
					(unsigned long)(pc - a2l.base - 1));
	}
	if (!n)
		return;
	len += (size_t)snprintf(req + len, sizeof(req) - len, "0\n");
	if (send(a2l.fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		goto dead;
	for (i = 0; i <= n; i++) {
		struct sym *s = NULL;

		if (!read_line(func, sizeof(func)) || strncmp(func, "0x", 2))
			goto dead;
		if (i < n) {
			s = sym_add(want[i]);
			if (!s)
				goto dead;
		}
		/* frames until the next address line; the end mark has one */
		for (;;) {
			int ch = fgetc(a2l.out);

			if (ch == EOF)
				goto dead;
			ungetc(ch, a2l.out);
			if (ch == '0' && i < n)
				break;
			if (!read_line(func, sizeof(func)) ||
			    !read_line(loc, sizeof(loc)))
				goto dead;
			if (i == n)
				return;		/* the end mark's "??" */
			if (!frame_add(func, loc))
				goto dead;
			s = sym_find(want[i]);
			s->n++;
		}
	}
	return;
dead:
	a2l.broken = "addr2line failed";
}

/* ------------------------------------------------------------- printing */

static bool is_machinery(const struct frame *fr)
{
	/* the shims' report, fault and allocation internals, this file */
	return !fr->file || !strcmp(fr->file, "shims/core.c") ||
	       !strcmp(fr->file, "shims/stack.c") ||
	       (fr->func && !strcmp(fr->func, "sim_alloc"));
}

static bool is_engine(const struct frame *fr)
{
	/* bindsim's engine and its system-call stand-ins */
	return !strncmp(fr->file, "sim/", 4) ||
	       !strcmp(fr->file, "ktree/target.c") ||
	       !strcmp(fr->file, "model/target.c");
}

unsigned int sim_stack_print(FILE *f, unsigned int id, const char *prefix)
{
	const struct chain *c = chain_get(id);
	const char *last = NULL;
	bool started = false, known = false;
	unsigned int i, k, printed = 0;

	if (!c)
		return 0;
	symbolise(c);
	if (a2l.broken) {
		fprintf(f, "%s(no call chain: %s)\n", prefix, a2l.broken);
		return 0;
	}
	for (i = 0; i < c->n; i++) {
		const struct sym *s = sym_find((uintptr_t)c->pc[i]);

		for (k = 0; s && k < s->n; k++) {
			struct frame fr = a2l.frames[s->first + k];
			const char *func = fr.func ? fr.func : "?";

			if (fr.file)
				fr.file = shown_path(fr.file);

			fr.inlined = k + 1 < s->n;
			if (!started && is_machinery(&fr))
				continue;
			if (!fr.file)
				continue;
			known = true;
			if (is_engine(&fr))
				goto out;
			started = true;
			/* a shim is the kernel primitive of the same name */
			if (!strncmp(fr.file, "shims/", 6) &&
			    !strncmp(func, "sim_", 4))
				func += 4;
			/* a function the optimiser split, inlined in itself */
			if (last && !strcmp(func, last))
				continue;
			last = func;
			fprintf(f, "%s%s %s:%d%s\n", prefix, func, fr.file,
				fr.line, fr.inlined ? " [inline]" : "");
			printed++;
		}
	}
out:
	if (!printed)
		fprintf(f, "%s(no call chain: %s)\n", prefix,
			known ? "no kernel frame" : "no debug info");
	return printed;
}
