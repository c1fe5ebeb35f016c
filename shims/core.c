/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim core: findings, the oops trap, the fault injector and the list of
 * fault sites.
 *
 * Everything here is transient, per-operation state: it lives outside the
 * heap arena, so snapshots of the simulated kernel never carry it.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bindsim/sim.h>
#include <bindsim/stack.h>

/* --------------------------------------------------------------- findings */

static struct sim_finding findings[SIM_MAX_FINDINGS];
static unsigned int nr_findings;	/* recorded */
static unsigned int nr_reported;	/* including those dropped */

static const char *const kind_names[SIM_F_NR] = {
	[SIM_F_LEAK] = "leak",
	[SIM_F_REFCOUNT] = "refcount",
	[SIM_F_LOCK] = "lock",
	[SIM_F_OOPS] = "oops",
	[SIM_F_WARN] = "warn",
	[SIM_F_ATOMICITY] = "atomicity",
	[SIM_F_OWNERSHIP] = "ownership",
	[SIM_F_GATE] = "gate",
	[SIM_F_CONSISTENCY] = "consistency",
	[SIM_F_DOUBLE_FREE] = "double-free",
	[SIM_F_UNMODELLED] = "unmodelled",
	[SIM_F_ASSERT] = "assert",
	[SIM_F_RESERVED] = "reserved",
	[SIM_F_POSTCOND] = "postcond",
	[SIM_F_RULE] = "rule",
	[SIM_F_CALLER] = "caller",
};

/* Records a finding; returns it, or NULL if it was dropped. */
static struct sim_finding *vreport(enum sim_finding_kind kind,
				   const struct sim_site *site,
				   const char *fmt, va_list ap)
{
	struct sim_finding *f;

	nr_reported++;
	if (nr_findings >= SIM_MAX_FINDINGS)
		return NULL;
	f = &findings[nr_findings++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->site = site;
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	if (sim_stack_enabled())
		f->stack = sim_stack_save();
	return f;
}

void sim_report(enum sim_finding_kind kind, const struct sim_site *site,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(kind, site, fmt, ap);
	va_end(ap);
}

void sim_report_alloc(enum sim_finding_kind kind, const struct sim_site *site,
		      const void *ptr, const char *fmt, ...)
{
	struct sim_alloc_info info;
	struct sim_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = vreport(kind, site, fmt, ap);
	va_end(ap);
	if (f && sim_alloc_lookup(ptr, &info)) {
		f->alloc_site = info.site;
		f->alloc_tag = info.tag;
		f->alloc_stack = sim_stack_alloc(info.ptr, info.seq);
	}
}

unsigned int sim_nr_findings(void)
{
	return nr_findings;
}

unsigned int sim_nr_findings_total(void)
{
	return nr_reported;
}

const struct sim_finding *sim_finding(unsigned int i)
{
	return i < nr_findings ? &findings[i] : NULL;
}

void sim_clear_findings(void)
{
	nr_findings = 0;
	nr_reported = 0;
}

const char *sim_finding_kind_name(enum sim_finding_kind kind)
{
	if ((unsigned int)kind >= SIM_F_NR)
		return "unknown";
	return kind_names[kind];
}

int sim_finding_kind_parse(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < SIM_F_NR; i++)
		if (!strcmp(name, kind_names[i]))
			return i;
	return -1;
}

/* ------------------------------------------------------------------- oops */

static sigjmp_buf *oops_env;

static void oops_unwind(void)
{
	if (oops_env)
		siglongjmp(*oops_env, 1);
}

/*
 * A real fault inside an armed operation (a raw NULL or freed-pointer
 * walk in the code under test, where no sim_deref() checked it first) is
 * an oops finding, and the operation unwinds as the kernel kills the task:
 * bindsim reports, never crashes. Outside an operation the default action
 * stands (a crash of the tool itself).
 */
static void real_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!oops_env) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	sim_report(SIM_F_OOPS, SIM_SITE("fault"),
		   "%s at %p: a dereference the kernel would oops on",
		   sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" :
		   "SIGFPE", si->si_addr);
	siglongjmp(*oops_env, 1);
}

static void trap_real_faults(void)
{
	static bool installed;
	struct sigaction sa;

	if (installed)
		return;
	installed = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = real_fault;
	/* not blocked after the siglongjmp out of the handler */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
}

void sim_oops(const struct sim_site *site, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(SIM_F_OOPS, site, fmt, ap);
	va_end(ap);
	oops_unwind();
}

void sim_oops_arm(sigjmp_buf *env)
{
	oops_env = env;
	if (env)
		trap_real_faults();
}

bool sim_oops_armed(void)
{
	return oops_env != NULL;
}

/* An oops that names the allocation concerned (use after free). */
static void oops_alloc(const struct sim_site *site,
		       const struct sim_alloc_info *info, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void oops_alloc(const struct sim_site *site,
		       const struct sim_alloc_info *info, const char *fmt, ...)
{
	struct sim_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = vreport(SIM_F_OOPS, site, fmt, ap);
	va_end(ap);
	if (f) {
		f->alloc_site = info->site;
		f->alloc_tag = info->tag;
		f->alloc_stack = sim_stack_alloc(info->ptr, info->seq);
	}
	oops_unwind();
}

/* __sim_deref() of NULL, or of a pointer near freed memory. */
bool __sim_deref_slow(const void *p, const struct sim_site *site)
{
	struct sim_alloc_info info;
	char name[32];
	const char *tag;

	if (!p) {
		sim_oops(site, "NULL pointer dereference (%s)",
			 site && site->what ? site->what : "?");
		return false;
	}
	if (!__sim_heap_freed(p, &info))
		return true;
	tag = info.tag;
	if (!tag) {
		snprintf(name, sizeof(name), "kmalloc-%zu", info.size);
		tag = name;
	}
	if (info.site)
		oops_alloc(site, &info,
			   "use-after-free of %s allocated at %s:%d %s", tag,
			   info.site->file, info.site->line, info.site->func);
	else
		oops_alloc(site, &info, "use-after-free of %s", tag);
	return false;
}

/* -------------------------------------------------------- fault injector */

#define SITE_NAME_LEN 128

static struct {
	bool active;			/* between begin and end */
	unsigned int count;		/* points passed */
	unsigned int nr_injected;
	const struct sim_site *points[SIM_MAX_FAULT_POINTS];
	/* chains of the injected points, while capture is on */
	unsigned int stacks[SIM_MAX_FAULT_POINTS];
	uint64_t injected;		/* ordinals 1..64 injected */
	unsigned int site_ordinal;	/* ordinal injected by name */

	/* the selection */
	unsigned int nth;
	uint64_t mask;
	bool by_name;
	char func[SITE_NAME_LEN];	/* "func:what", split */
	char what[SITE_NAME_LEN];
	unsigned int hit;
	unsigned int hits;		/* passes of the named site */
	const struct sim_site *match;	/* last site known to match */
} fi;

void sim_fault_begin(void)
{
	fi.active = true;
	fi.count = 0;
	fi.nr_injected = 0;
	fi.injected = 0;
	fi.site_ordinal = 0;
	fi.hits = 0;
	__sim_heap_new_epoch();
}

void sim_fault_end(void)
{
	fi.active = false;
}

void sim_fault_clear(void)
{
	fi.nth = 0;
	fi.mask = 0;
	fi.by_name = false;
	fi.func[0] = '\0';
	fi.what[0] = '\0';
	fi.hit = 0;
	fi.match = NULL;
}

void sim_fault_fail_nth(unsigned int nth)
{
	fi.nth = nth;
}

void sim_fault_fail_mask(uint64_t mask)
{
	fi.mask = mask;
}

void sim_fault_fail_site(const char *name, unsigned int hit)
{
	const char *colon = name ? strchr(name, ':') : NULL;
	size_t flen;

	fi.by_name = false;
	fi.match = NULL;
	if (!colon || !hit)
		return;
	flen = (size_t)(colon - name);
	if (flen >= SITE_NAME_LEN || strlen(colon + 1) >= SITE_NAME_LEN)
		return;
	memcpy(fi.func, name, flen);
	fi.func[flen] = '\0';
	strcpy(fi.what, colon + 1);
	fi.hit = hit;
	fi.by_name = true;
}

static bool site_selected(const struct sim_site *site)
{
	if (site == fi.match)
		return true;
	if (!site || !site->func || !site->what ||
	    strcmp(site->func, fi.func) || strcmp(site->what, fi.what))
		return false;
	fi.match = site;
	return true;
}

/* Out of line: the injector's hot path stays a leaf function. */
static __attribute__((noinline, cold)) void fault_stack_save(unsigned int n)
{
	if (n <= SIM_MAX_FAULT_POINTS)
		fi.stacks[n - 1] = sim_stack_save();
}

bool sim_should_fail(const struct sim_site *site)
{
	unsigned int n;
	bool fail;

	if (!fi.active)
		return false;
	n = ++fi.count;
	if (n <= SIM_MAX_FAULT_POINTS)
		fi.points[n - 1] = site;
	fail = n == fi.nth ||
	       (n <= 64 && (fi.mask >> (n - 1)) & 1);
	if (fi.by_name && site_selected(site) && ++fi.hits == fi.hit) {
		fi.site_ordinal = n;
		fail = true;
	}
	if (!fail)
		return false;
	fi.nr_injected++;
	if (n <= 64)
		fi.injected |= 1ULL << (n - 1);
	if (__builtin_expect(sim_stack_enabled(), 0))
		fault_stack_save(n);
	return true;
}

unsigned int sim_fault_count(void)
{
	return fi.count;
}

const struct sim_site *sim_fault_point(unsigned int ordinal)
{
	if (!ordinal || ordinal > fi.count || ordinal > SIM_MAX_FAULT_POINTS)
		return NULL;
	return fi.points[ordinal - 1];
}

unsigned int sim_fault_stack(unsigned int ordinal)
{
	/* recorded only while capture is on */
	if (!sim_stack_enabled() || !sim_fault_was_injected(ordinal) ||
	    ordinal > SIM_MAX_FAULT_POINTS)
		return 0;
	return fi.stacks[ordinal - 1];
}

bool sim_fault_was_injected(unsigned int ordinal)
{
	if (!ordinal || ordinal > fi.count)
		return false;
	if (ordinal <= 64)
		return (fi.injected >> (ordinal - 1)) & 1;
	return ordinal == fi.nth || ordinal == fi.site_ordinal;
}

unsigned int sim_fault_nr_injected(void)
{
	return fi.nr_injected;
}

/* ------------------------------------------------------------ fault sites */

/* Provided by the linker when at least one fault site is linked in. */
extern const struct sim_site __start_bindsim_fault_sites[]
	__attribute__((weak));
extern const struct sim_site __stop_bindsim_fault_sites[]
	__attribute__((weak));

const struct sim_site *sim_fault_sites(unsigned int *nr)
{
	const struct sim_site *start = __start_bindsim_fault_sites;
	const struct sim_site *stop = __stop_bindsim_fault_sites;

	if (!start || !stop || stop <= start) {
		*nr = 0;
		return NULL;
	}
	*nr = (unsigned int)(stop - start);
	return start;
}

const char *sim_site_name(const struct sim_site *site, char *buf,
			  size_t len)
{
	if (!len)
		return buf;
	if (!site)
		snprintf(buf, len, "?:?");
	else
		snprintf(buf, len, "%s:%s", site->func ? site->func : "?",
			 site->what ? site->what : "?");
	return buf;
}

/* --------------------------------------------------------------- transient */

void sim_transient_reset(void)
{
	sim_clear_findings();
	sim_fault_end();
	sim_fault_clear();
	fi.count = 0;
	fi.nr_injected = 0;
	fi.injected = 0;
	fi.site_ordinal = 0;
	fi.hits = 0;
	__sim_locks_reset();
}
