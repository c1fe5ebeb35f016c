// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reproducer files: parse, write, replay with a readable trace, minimise,
 * and turn into CMocka regression tests.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bindsim/stack.h>

#include "iommufd_private.h"
#include "repro.h"

static const struct {
	int e;
	const char *name;
} errno_names[] = {
	{ 0, "0" }, { -EPERM, "-EPERM" }, { -ENOENT, "-ENOENT" },
	{ -ENOMEM, "-ENOMEM" }, { -EFAULT, "-EFAULT" },
	{ -EBUSY, "-EBUSY" }, { -ENODEV, "-ENODEV" },
	{ -EINVAL, "-EINVAL" }, { -ENOSPC, "-ENOSPC" },
	{ -EBADF, "-EBADF" }, { -EOPNOTSUPP, "-EOPNOTSUPP" },
	{ -EADDRINUSE, "-EADDRINUSE" }, { -EEXIST, "-EEXIST" },
	{ -EOVERFLOW, "-EOVERFLOW" }, { -E2BIG, "-E2BIG" },
};

const char *errno_name(int err)
{
	static char buf[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].e == err)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

/* "0", "-EINVAL" or "-22"; false if it is none of these. */
static bool errno_parse(const char *s, int *err)
{
	unsigned int i;
	char *end;
	long v;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (!strcmp(errno_names[i].name, s)) {
			*err = errno_names[i].e;
			return true;
		}
	v = strtol(s, &end, 10);
	if (*s && !*end && v <= 0 && v > -4096) {
		*err = v;
		return true;
	}
	return false;
}

static int rerr(char *err, size_t len, const char *name, unsigned int line,
		const char *msg, const char *arg)
{
	snprintf(err, len, "%s:%u: %s%s%s%s", name, line, msg,
		 arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/*
 * The world of reproducer @name: embedded, built in, a file as named, or
 * else one beside the reproducer or in worlds/ (NAME or NAME.world).
 */
static int repro_world(struct repro *r, const char *name, char *err,
		       size_t len)
{
	const char *slash = strrchr(name, '/');
	char path[400];
	int i;

	if (r->world_text)
		return world_parse(r->world_text, name, &r->spec, err, len);
	/* only the command line may name standard input */
	if (!strcmp(r->world_name, "-")) {
		snprintf(err, len, "%s: world '-' is not a file", name);
		return -1;
	}
	if (!world_load(r->world_name, &r->spec, err, len))
		return 0;
	if (r->world_name[0] == '/')
		return -1;
	for (i = 0; i < 3; i++) {
		char e2[64];

		if (i == 0 && !slash)
			continue;
		if (i == 0)
			snprintf(path, sizeof(path), "%.*s/%s",
				 (int)(slash - name), name, r->world_name);
		else
			snprintf(path, sizeof(path), "worlds/%s%s",
				 r->world_name, i == 2 ? ".world" : "");
		if (!access(path, R_OK) &&
		    !world_load(path, &r->spec, e2, sizeof(e2)))
			return 0;
	}
	/* the message for the name as written */
	return world_load(r->world_name, &r->spec, err, len);
}

/* "assert SECTION... [no] KEY VALUE" -> @a; false if malformed. */
static bool parse_assert(char *s, const struct world_spec *spec,
			 struct repro_assert *a)
{
	char *tok[16], *save;
	unsigned int n = 0, i, np;
	size_t len = 0;

	for (tok[n] = strtok_r(s, " \t", &save); tok[n] && n < 15;
	     tok[++n] = strtok_r(NULL, " \t", &save))
		;
	if (n < 4 || tok[n - 1] == NULL)
		return false;
	np = n - 2;
	a->negate = np > 0 && !strcmp(tok[np - 1], "no");
	if (a->negate)
		np--;
	if (np < 2 || strlen(tok[n - 2]) >= sizeof(a->key) ||
	    strlen(tok[n - 1]) >= sizeof(a->value))
		return false;
	/* the section names something this world has */
	if (!strcmp(tok[0], "group")) {
		for (i = 0; i < spec->nr_groups; i++)
			if (!strcmp(spec->groups[i], tok[1]))
				break;
		if (i == spec->nr_groups)
			return false;
	} else if (!strcmp(tok[0], "device")) {
		if (world_dev_index(spec, tok[1]) < 0)
			return false;
	} else if (!strcmp(tok[0], "ctx")) {
		if (world_ctx_index(spec, tok[1]) < 0)
			return false;
	} else {
		return false;
	}
	a->path[0] = '\0';
	for (i = 0; i < np; i++) {
		if (len + strlen(tok[i]) + 2 > sizeof(a->path))
			return false;
		len += snprintf(a->path + len, sizeof(a->path) - len, "%s%s",
				i ? " " : "", tok[i]);
	}
	strcpy(a->key, tok[n - 2]);
	strcpy(a->value, tok[n - 1]);
	return true;
}

/*
 * Does signature @sig stand in the expect line @expect ("KIND SITE" or
 * several joined by "; ")?
 */
static bool expect_has(const char *expect, const char *sig)
{
	size_t n = strlen(sig);
	const char *p;

	for (p = expect; (p = strstr(p, sig)); p += n)
		if ((p == expect || (p >= expect + 2 && p[-1] == ' ' &&
				     p[-2] == ';')) &&
		    (!p[n] || p[n] == ';'))
			return true;
	return false;
}

/* Each "; "-separated part is "KIND SITE" with a known kind. */
static bool expect_valid(const char *e)
{
	char buf[128], *part, *save;

	if (strlen(e) >= sizeof(buf))
		return false;
	strcpy(buf, e);
	for (part = strtok_r(buf, ";", &save); part;
	     part = strtok_r(NULL, ";", &save)) {
		char k[32];
		size_t kl;

		part = trim(part);
		kl = strcspn(part, " ");
		if (!part[kl] || kl >= sizeof(k))
			return false;
		memcpy(k, part, kl);
		k[kl] = '\0';
		if (sim_finding_kind_parse(k) < 0)
			return false;
	}
	return true;
}

static int parse_repro(const char *text, const char *name, struct repro *r,
		       char *err, size_t errlen)
{
	bool have_rev = false, have_world = false, have_expect = false;
	bool in_world = false;
	size_t wlen = 0, wcap = 0;
	const char *p = text;
	unsigned int line = 0;
	char operr[256];

	memset(r, 0, sizeof(*r));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[512], *s, *hash;

		line++;
		if (len >= sizeof(buf))
			return rerr(err, errlen, name, line, "line too long",
				    NULL);
		memcpy(buf, p, len);
		buf[len] = 0;
		p += len + (nl ? 1 : 0);

		if (in_world) {
			if (!strcmp(trim(buf), "world-end")) {
				in_world = false;
				continue;
			}
			if (wlen + len + 2 > wcap) {
				char *n;

				wcap = (wcap + len + 2) * 2;
				n = realloc(r->world_text, wcap);
				if (!n)
					return rerr(err, errlen, name, line,
						    "out of memory", NULL);
				r->world_text = n;
			}
			memcpy(r->world_text + wlen, buf, len);
			wlen += len;
			r->world_text[wlen++] = '\n';
			r->world_text[wlen] = 0;
			continue;
		}
		hash = strchr(buf, '#');
		/* '#' inside a fail= site spec is part of the operation */
		if (hash &&
		    (hash == buf || hash[-1] == ' ' || hash[-1] == '\t'))
			*hash = 0;
		s = trim(buf);
		if (!*s)
			continue;
		if (!strncmp(s, "revision ", 9)) {
			if (have_rev || strlen(trim(s + 9)) >= sizeof(r->rev) ||
			    !*trim(s + 9))
				return rerr(err, errlen, name, line,
					    "bad or repeated revision line",
					    NULL);
			strcpy(r->rev, trim(s + 9));
			have_rev = true;
		} else if (!strncmp(s, "world ", 6) ||
			   !strcmp(s, "world-begin")) {
			if (have_world)
				return rerr(err, errlen, name, line,
					    "repeated world", NULL);
			have_world = true;
			if (!strcmp(s, "world-begin")) {
				in_world = true;
				continue;
			}
			if (strlen(trim(s + 6)) >= sizeof(r->world_name))
				return rerr(err, errlen, name, line,
					    "world name too long", NULL);
			strcpy(r->world_name, trim(s + 6));
		} else if (!strncmp(s, "boot ", 5)) {
			char *end;
			unsigned long v = strtoul(s + 5, &end, 10);

			if (*trim(end) || v >= W_MAX_BOOTS)
				return rerr(err, errlen, name, line,
					    "boot takes a variant number",
					    s + 5);
			r->boot = v;
		} else if (!strncmp(s, "expect ", 7)) {
			char *e = trim(s + 7);

			if (have_expect || strlen(e) >= sizeof(r->expect))
				return rerr(err, errlen, name, line,
					    "bad or repeated expect line",
					    NULL);
			if (strcmp(e, "clean") && !expect_valid(e))
				return rerr(err, errlen, name, line,
					    "expect takes 'clean' or 'KIND "
					    "SITE[; KIND SITE]...'", e);
			strcpy(r->expect, e);
			have_expect = true;
		} else {
			struct repro_step *st;

			if (!have_world)
				return rerr(err, errlen, name, line,
					    "operation before the world line",
					    NULL);
			char *eq = strstr(s, " = ");

			if (!r->spec.nr_devs &&
			    repro_world(r, name, operr, sizeof(operr)))
				return rerr(err, errlen, name, line,
					    "world does not load:", operr);
			if (!strncmp(s, "assert ", 7)) {
				struct repro_assert *a;

				if (r->nr_asserts >= REPRO_MAX_ASSERTS)
					return rerr(err, errlen, name, line,
						    "too many assertions",
						    NULL);
				a = &r->asserts[r->nr_asserts];
				if (!parse_assert(s + 7, &r->spec, a))
					return rerr(err, errlen, name, line,
						    "assert takes SECTION... "
						    "[no] KEY VALUE, SECTION "
						    "'group G', 'device D' or "
						    "'ctx C [object ID|igroup G]'",
						    NULL);
				a->after = r->nr_steps;
				a->line = line;
				r->nr_asserts++;
				continue;
			}
			if (r->nr_steps >= REPRO_MAX_STEPS)
				return rerr(err, errlen, name, line,
					    "too many operations", NULL);
			st = &r->steps[r->nr_steps];
			memset(st, 0, sizeof(*st));
			if (eq) {
				*eq = '\0';
				if (!errno_parse(trim(eq + 3), &st->want_ret))
					return rerr(err, errlen, name, line,
						    "'= RET' takes 0, -ENAME "
						    "or -N", trim(eq + 3));
				st->want_set = true;
			}
			if (op_parse(&r->spec, s, &st->op, &st->fault, operr,
				     sizeof(operr)))
				return rerr(err, errlen, name, line, operr,
					    NULL);
			st->line = line;
			r->nr_steps++;
		}
	}
	if (in_world)
		return rerr(err, errlen, name, line, "world-begin without "
			    "world-end", NULL);
	/* no revision: any; no expect: clean */
	(void)have_rev;
	if (!have_world)
		return rerr(err, errlen, name, line, "missing world line",
			    NULL);
	if (!have_expect)
		strcpy(r->expect, "clean");
	if (!r->spec.nr_devs &&
	    repro_world(r, name, operr, sizeof(operr)))
		return rerr(err, errlen, name, line, "world does not load:",
			    operr);
	if (r->boot >= r->spec.nr_boots)
		return rerr(err, errlen, name, line,
			    "boot variant out of range for this world", NULL);
	if (world_has_mock(&r->spec))
		return rerr(err, errlen, name, line,
			    "a world with a mock device "
			    "cannot be replayed (selftest objects are not "
			    "modelled)", NULL);
	return 0;
}

int repro_parse(const char *text, const char *name, struct repro *r,
		char *err, size_t errlen)
{
	int rc = parse_repro(text, name, r, err, errlen);

	/* an embedded world may have been read before the error */
	if (rc)
		repro_free(r);
	return rc;
}

int repro_parse_file(const char *path, struct repro *r, char *err,
		     size_t errlen)
{
	char *text;
	int rc;

	memset(r, 0, sizeof(*r));
	text = sim_read_text_file(path, err, errlen);
	if (!text)
		return -1;
	rc = repro_parse(text, sim_input_name(path), r, err, errlen);
	free(text);
	return rc;
}

void repro_free(struct repro *r)
{
	free(r->world_text);
	r->world_text = NULL;
}

static void write_asserts(FILE *f, const struct repro *r, unsigned int after)
{
	unsigned int i;

	for (i = 0; i < r->nr_asserts; i++)
		if (r->asserts[i].after == after)
			fprintf(f, "assert %s %s%s %s\n", r->asserts[i].path,
				r->asserts[i].negate ? "no " : "",
				r->asserts[i].key, r->asserts[i].value);
}

void repro_write(FILE *f, const struct repro *r, const struct bfinding *fd)
{
	unsigned int i;
	char buf[OP_TEXT];

	fprintf(f, "# bindsim reproducer\n");
	if (fd) {
		fprintf(f, "# %s\n#   %s\n", fd->sig, fd->msg);
		if (fd->alloc[0])
			fprintf(f, "#   %s\n", fd->alloc);
	}
	if (r->rev[0])
		fprintf(f, "revision %s\n", r->rev);
	if (r->world_text) {
		fprintf(f, "world-begin\n%sworld-end\n", r->world_text);
	} else {
		fprintf(f, "world %s\n", r->world_name);
	}
	fprintf(f, "boot %u\n", r->boot);
	fprintf(f, "expect %s\n", r->expect);
	for (i = 0; i < r->nr_steps; i++) {
		write_asserts(f, r, i);
		op_format(&r->spec, &r->steps[i].op, &r->steps[i].fault, buf,
			  sizeof(buf));
		if (r->steps[i].want_set)
			fprintf(f, "%s = %s\n", buf,
				errno_name(r->steps[i].want_ret));
		else
			fprintf(f, "%s\n", buf);
	}
	write_asserts(f, r, r->nr_steps);
}

/*
 * Does the state view @text satisfy @a? Sections are the unindented
 * header lines ("group g0", "ctx c0"), sub-sections "object N" and
 * "igroup G" within a ctx; values are the indented "key value" lines.
 */
static bool assert_holds(const char *text, const struct repro_assert *a)
{
	char top[64] = "", sub[64] = "", path[160], key[64], val[96];
	const char *p = text;
	bool found = false;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (nl ? 1 : 0);
		if (line[0] != ' ') {
			if (!strncmp(line, "object ", 7) ||
			    !strncmp(line, "igroup ", 7)) {
				snprintf(sub, sizeof(sub), "%.63s", line);
			} else if (!strncmp(line, "group ", 6) ||
				   !strncmp(line, "device ", 7) ||
				   !strncmp(line, "ctx ", 4)) {
				snprintf(top, sizeof(top), "%.63s", line);
				sub[0] = '\0';
			}
			continue;
		}
		if (sscanf(line, " %63s %95s", key, val) != 2)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", top, sub[0] ? " " : "",
			 sub);
		if (!strcmp(path, a->path) && !strcmp(key, a->key) &&
		    !strcmp(val, a->value))
			found = true;
	}
	return found != a->negate;
}

/* The assertions checked after @after steps; failures become findings. */
static void check_asserts(const struct repro *r, unsigned int after,
			  struct check_result *cr)
{
	char *text = NULL;
	unsigned int i;

	for (i = 0; i < r->nr_asserts; i++) {
		const struct repro_assert *a = &r->asserts[i];
		char sig[32];

		if (a->after != after)
			continue;
		if (!text)
			text = canon_text();
		if (!text || assert_holds(text, a))
			continue;
		snprintf(sig, sizeof(sig), "line:%u", a->line);
		check_add(cr, SIM_F_ASSERT, sig, "state",
			  "line %u: assert %s %s%s %s does not hold", a->line,
			  a->path, a->negate ? "no " : "", a->key, a->value);
	}
	free(text);
}

/* The task every report names: the simulated task is the only one. */
#define TASK_LINE "CPU: 0 PID: 1 Comm: bindsim"

/* "Call Trace:" and the frames of chain @id, as the kernel prints them. */
static void print_call_trace(FILE *t, const char *p, unsigned int id)
{
	char fp[64];

	snprintf(fp, sizeof(fp), "%s   ", p);
	fprintf(t, "%s  Call Trace:\n%s   <TASK>\n", p, p);
	sim_stack_print(t, id, fp);
	fprintf(t, "%s   </TASK>\n", p);
}

void repro_print_chains(FILE *t, const struct bfinding *f, const char *p)
{
	char fp[64], func[128];
	const char *sp;

	if (f->alloc_stack && f->kind == SIM_F_LEAK) {
		/* kmemleak, with the address left out: reports must repeat */
		snprintf(fp, sizeof(fp), "%s      ", p);
		fprintf(t, "%s  unreferenced object (size %u):\n"
			"%s    comm \"bindsim\", pid 1\n%s    backtrace:\n",
			p, f->alloc_size, p, p);
		sim_stack_print(t, f->alloc_stack, fp);
	}
	if (f->stack) {
		/* the site is "FILE:LINE FUNC"; RIP names FUNC first */
		sp = strchr(f->where, ' ');
		snprintf(func, sizeof(func), "%s", sp ? sp + 1 : "?");
		if (f->kind == SIM_F_WARN)
			fprintf(t, "%s  ------------[ cut here ]------------\n"
				"%s  WARNING: CPU: 0 PID: 1 at %s\n", p, p,
				f->where);
		fprintf(t, "%s  " TASK_LINE "\n", p);
		if (f->kind == SIM_F_OOPS)
			fprintf(t, "%s  RIP: 0010:%s %.*s\n", p, func,
				sp ? (int)(sp - f->where) : 0, f->where);
		print_call_trace(t, p, f->stack);
	}
	if (f->alloc_stack && f->kind != SIM_F_LEAK) {
		/* as KASAN names the object's allocation */
		snprintf(fp, sizeof(fp), "%s   ", p);
		fprintf(t, "%s  Allocated by task 1:\n", p);
		sim_stack_print(t, f->alloc_stack, fp);
	}
}

static void trace_faults(FILE *t, const struct op_fault *want)
{
	unsigned int k, n = sim_fault_count();
	char name[128];

	if (!t || !n)
		return;
	fprintf(t, "   fault points:\n");
	for (k = 1; k <= n && k <= SIM_MAX_FAULT_POINTS; k++) {
		const struct sim_site *s = sim_fault_point(k);

		sim_site_name(s, name, sizeof(name));
		fprintf(t, "   %s %2u %-44s %s:%d\n",
			sim_fault_was_injected(k) ? "*" : " ", k, name,
			s ? s->file : "?", s ? s->line : 0);
		/* as the kernel logs an injection (fail_nth with verbose) */
		if (!sim_fault_was_injected(k))
			continue;
		fprintf(t, "        FAULT_INJECTION: forcing a failure."
			" name %s, at %s:%d %s()\n", name,
			s ? s->file : "?", s ? s->line : 0,
			s ? s->func : "?");
		if (sim_fault_stack(k)) {
			fprintf(t, "        " TASK_LINE "\n");
			print_call_trace(t, "      ", sim_fault_stack(k));
		}
	}
	if (want && want->site[0] && want->ordinal &&
	    !sim_fault_was_injected(want->ordinal))
		fprintf(t, "   note: %s#%u moved from ordinal %u\n",
			want->site, want->hit, want->ordinal);
	if (want && (want->site[0] || want->ordinal) &&
	    !sim_fault_nr_injected())
		fprintf(t, "   note: the requested fault point was not "
			"reached\n");
}

static void trace_findings(FILE *t, const struct check_result *cr,
			   unsigned int from, const char *phase)
{
	unsigned int i;

	for (i = from; t && i < cr->nr; i++) {
		const struct bfinding *f = &cr->f[i];
		char title[160];

		check_title(f, title, sizeof(title));
		fprintf(t, "BUG: %s\n  report: %s\n  %s\n  at %s\n", f->sig,
			title, f->msg, f->where);
		if (f->alloc[0])
			fprintf(t, "  %s\n", f->alloc);
		fprintf(t, "  found by: %s\n", phase);
		repro_print_chains(t, f, "");
	}
}

static void merge(struct check_result *out, const struct check_result *in)
{
	unsigned int i;

	for (i = 0; i < in->nr && out->nr < CHECK_MAX_FINDINGS; i++)
		if (!check_has_sig(out, in->f[i].sig))
			out->f[out->nr++] = in->f[i];
}

/*
 * Buffers for repro_run(), allocated once: the fuzzer calls it for every
 * input, and zeroing 40 KB plus a heap-sized scratch each time showed up.
 */
static struct check_result *run_cr;
static struct canon *run_before;
static void *run_scratch;
/* The heap before the current step, in untraced runs (the fuzzer's). */
static void *run_prev;
/* The return code of each step of the last repro_run() */
static int run_ret[REPRO_MAX_STEPS];
/* ... and what it handed back (op_format_result()) */
static struct op_result run_res[REPRO_MAX_STEPS];
static bool run_missed[REPRO_MAX_STEPS];	/* asked-for fault not injected */
static unsigned int run_nr;

const int *repro_last_returns(unsigned int *nr)
{
	*nr = run_nr;
	return run_ret;
}

const struct op_result *repro_last_results(unsigned int *nr)
{
	*nr = run_nr;
	return run_res;
}

unsigned int repro_last_missed_faults(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < run_nr; i++)
		n += run_missed[i];
	return n;
}

/* The state view, indented, into the trace. */
static void trace_state(FILE *t)
{
	char *text = canon_text(), *p, *nl;

	for (p = text; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		fprintf(t, "   | %.*s\n", (int)(nl - p), p);
	}
	free(text);
}

/*
 * Replay goes on past the finding the reproducer expects, so that the
 * steps after it can show (and assert) its consequences; any other
 * finding stops it.
 */
static bool unexpected(const struct repro *r, const struct check_result *out)
{
	unsigned int i;

	for (i = 0; i < out->nr; i++)
		if (!expect_has(r->expect, out->f[i].sig))
			return true;
	return false;
}

int repro_run(const struct repro *r, FILE *t, struct check_result *out)
{
	struct check_result *cr;
	struct canon *before;
	void *scratch;
	unsigned int i;
	bool capture = false, chains, caller = false;
	int rc = 0;

	if (!run_cr) {
		run_cr = malloc(sizeof(*run_cr));
		run_before = calloc(1, sizeof(*run_before));
		run_scratch = malloc(SIM_HEAP_SIZE);
		run_prev = malloc(SIM_HEAP_SIZE);
	}
	cr = run_cr;
	before = run_before;
	scratch = run_scratch;

	out->nr = 0;
	run_nr = 0;
	/* a printed trace shows the kernel's call chains */
	chains = t && !r->no_chains;
	if (chains)
		capture = sim_stack_enable(true);
	if (!cr || !before || !scratch || !run_prev ||
	    world_boot(&r->spec, r->boot)) {
		if (chains)
			sim_stack_enable(capture);
		return -1;
	}
	cr->nr = 0;
	before->text = NULL;
	if (t)
		fprintf(t, "bindsim %s: world %s, boot %u, revision %s\n",
			bindsim_revision(),
			r->world_text ? "(embedded)" : r->world_name, r->boot,
			r->rev[0] ? r->rev : "(any)");
	check_asserts(r, 0, cr);
	trace_findings(t, cr, 0, "the assertions before step 1");
	merge(out, cr);
	for (i = 0; i < r->nr_steps && !unexpected(r, out); i++) {
		const struct repro_step *st = &r->steps[i];
		struct sim_settings set = sim_kernel()->settings;
		struct op_result res;
		char buf[OP_TEXT], phase[64], out_text[512];
		bool unchanged;

		if (!t) {
			/*
			 * Untraced: keep the heap, to skip rechecking a state
			 * the step left as it was; the canonical form is read
			 * from it only if a failed call changed the heap
			 * (check_transition).
			 */
			before->heap_len = sim_heap_used();
			sim_heap_save(run_prev);
			before->heap = run_prev;
			before->lazy = true;
			before->broken = false;
		} else if (!canon_state(before)) {
			/* the previous step left a state that faults */
			cr->nr = 0;
			check_collect_shim(cr, "(while reading the state)");
			snprintf(phase, sizeof(phase), "reading the state "
				 "before step %u", i + 1);
			trace_findings(t, cr, 0, phase);
			merge(out, cr);
			break;
		}
		sim_transient_reset();
		op_run(&st->op, &st->fault, &res);
		/* the text only where it is printed */
		if (t || st->want_set)
			op_format(&r->spec, &st->op, &st->fault, buf,
				  sizeof(buf));
		if (t) {
			fprintf(t, "#%u %s\n", i + 1, buf);
			trace_faults(t, &st->fault);
			if (res.oops)
				fprintf(t, "   = killed by a simulated oops\n");
			else if (!res.applicable)
				fprintf(t, "   = %s (refused by the caller)\n",
					errno_name(res.ret));
			else
				fprintf(t, "   = %s\n", errno_name(res.ret));
			op_format_result(&st->op, &res, out_text,
					 sizeof(out_text));
			if (out_text[0])
				fprintf(t, "   -> %s\n", out_text);
		}
		run_missed[run_nr] = (st->fault.site[0] || st->fault.ordinal ||
				      st->fault.mask) && !res.oops &&
				     !sim_fault_nr_injected();
		if (t && run_missed[run_nr])
			fprintf(t, "   (the fault asked for was not injected: "
				"the step passed no such fault point)\n");
		run_res[run_nr] = res;
		run_ret[run_nr++] = res.ret;
		cr->nr = 0;
		check_transition(&st->op, &res, &set, before, cr);
		if (st->want_set && (res.oops || res.ret != st->want_ret)) {
			char sig[32];

			snprintf(sig, sizeof(sig), "step:%u", i + 1);
			check_add(cr, SIM_F_ASSERT, sig, "return code",
				  "line %u: %s returned %s, the reproducer "
				  "asserts %s", st->line, buf,
				  res.oops ? "nothing (oops)" :
				  errno_name(res.ret),
				  errno_name(st->want_ret));
		}
		if (t)
			snprintf(phase, sizeof(phase), "step %u", i + 1);
		trace_findings(t, cr, 0, phase);
		merge(out, cr);
		/*
		 * Past a broken in-kernel caller contract every state is the
		 * caller's bug: its "caller" finding ends the run.
		 */
		if (res.caller) {
			if (t)
				fprintf(t, "(the caller broke its contract: "
					"replay stops here, with no state "
					"checks)\n");
			caller = true;
			break;
		}
		/*
		 * A step that left the heap as it found it (the epoch aside)
		 * leaves a state already judged after the step before: its
		 * state and teardown checks would find what they found then,
		 * already merged. Traced runs show every check.
		 */
		unchanged = !t && i > 0 && !res.oops &&
			    sim_heap_same(run_prev, before->heap_len);
		cr->nr = 0;
		if (!unchanged)
			check_state(cr);
		if (res.oops) {
			trace_findings(t, cr, 0, "state checks after the oops");
			merge(out, cr);
			break;
		}
		if (!unchanged)
			check_teardown(cr, scratch);
		check_asserts(r, i + 1, cr);
		if (t)
			snprintf(phase, sizeof(phase), "state and teardown "
				 "checks after step %u", i + 1);
		trace_findings(t, cr, 0, phase);
		merge(out, cr);
		if (t && (r->trace_state ||
			  (r->trace_final_state && i + 1 == r->nr_steps)))
			trace_state(t);
	}
	if (t && !caller && i < r->nr_steps)
		fprintf(t, "(steps %u to %u not run: replay stops at the "
			"first finding it does not expect)\n", i + 1,
			r->nr_steps);
	if (t && !r->nr_steps && (r->trace_state || r->trace_final_state))
		trace_state(t);
	if (t)
		fprintf(t, "result: %s\n", out->nr ? "findings" : "clean");
	if (chains)
		sim_stack_enable(capture);
	return rc;
}

bool repro_chains_of(const struct repro *r, struct bfinding *f)
{
	struct check_result *cr = malloc(sizeof(*cr));
	bool was = sim_stack_enable(true), found = false;
	unsigned int i;

	if (cr && !repro_run(r, NULL, cr))
		for (i = 0; i < cr->nr && !found; i++)
			if (!strcmp(cr->f[i].sig, f->sig)) {
				f->stack = cr->f[i].stack;
				f->alloc_stack = cr->f[i].alloc_stack;
				f->alloc_size = cr->f[i].alloc_size;
				found = true;
			}
	sim_stack_enable(was);
	free(cr);
	return found;
}

bool repro_matches(const struct repro *r, const struct check_result *out)
{
	char buf[128], *part, *save;

	if (!strcmp(r->expect, "clean"))
		return out->nr == 0;
	/* every expected signature was seen */
	snprintf(buf, sizeof(buf), "%s", r->expect);
	for (part = strtok_r(buf, ";", &save); part;
	     part = strtok_r(NULL, ";", &save))
		if (!check_has_sig(out, trim(part)))
			return false;
	return true;
}

bool repro_reproduces(const struct repro *r)
{
	struct check_result *cr = malloc(sizeof(*cr));
	bool ok;

	if (!cr)
		return false;
	ok = !repro_run(r, NULL, cr) && repro_matches(r, cr);
	free(cr);
	return ok;
}

/*
 * Delta debugging, greedy: drop each operation, then each operation's
 * fault, then try earlier fault points of the same operation; keep any
 * change that still reproduces the expected signature.
 */
unsigned int repro_minimise(struct repro *r, FILE *log)
{
	bool progress = true;
	unsigned int i, k;

	if (!strcmp(r->expect, "clean") || !repro_reproduces(r))
		return r->nr_steps;
	while (progress) {
		progress = false;
		for (i = 0; i < r->nr_steps; i++) {
			struct repro saved = *r;

			memmove(&r->steps[i], &r->steps[i + 1],
				(r->nr_steps - i - 1) * sizeof(r->steps[0]));
			r->nr_steps--;
			if (repro_reproduces(r)) {
				if (log)
					fprintf(log,
						"minimise: dropped step %u\n",
						i + 1);
				progress = true;
				i--;
				continue;
			}
			*r = saved;
		}
		for (i = 0; i < r->nr_steps; i++) {
			struct op_fault saved = r->steps[i].fault;

			if (!saved.site[0] && !saved.ordinal && !saved.mask)
				continue;
			memset(&r->steps[i].fault, 0, sizeof(saved));
			if (repro_reproduces(r)) {
				if (log)
					fprintf(log, "minimise: step %u needs "
						"no fault\n", i + 1);
				progress = true;
				continue;
			}
			r->steps[i].fault = saved;
			if (!saved.ordinal || saved.site[0])
				continue;
			for (k = 1; k < saved.ordinal; k++) {
				r->steps[i].fault.ordinal = k;
				r->steps[i].fault.mask = 0;
				if (repro_reproduces(r)) {
					progress = true;
					break;
				}
			}
			if (k == saved.ordinal)
				r->steps[i].fault = saved;
		}
	}
	return r->nr_steps;
}

/* @s as the inside of a C string literal and of a comment. */
static void c_safe(char *out, size_t len, const char *s)
{
	size_t n = 0;

	for (; *s && n + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		if (*s == '/' && n && out[n - 1] == '*')
			out[n++] = ' ';	/* no end of comment */
		if ((unsigned char)*s < ' ')
			continue;
		out[n++] = *s;
	}
	out[n] = '\0';
}

void repro_to_cmocka(FILE *f, const struct repro *r, const char *src)
{
	char expect[sizeof(r->expect) * 2 + 8];
	const char *p;

	c_safe(expect, sizeof(expect), r->expect);
	fprintf(f, "// SPDX-License-Identifier: GPL-2.0-only\n"
		"/* Generated by 'bindsim to-cmocka': expects %s */\n"
		"#include <stdarg.h>\n#include <stddef.h>\n"
		"#include <setjmp.h>\n#include <stdint.h>\n"
		"#include <cmocka.h>\n#include <stdlib.h>\n\n"
		"#include \"repro.h\"\n\n"
		"static const char reproducer[] =\n", expect);
	fprintf(f, "\t\"");
	for (p = src; *p; p++) {
		if (*p == '\n') {
			fprintf(f, "\\n\"\n\t\"");
			continue;
		}
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	fprintf(f, "\";\n\n"
		"static void test_reproducer(void **state)\n{\n"
		"\tstruct check_result *out = calloc(1, sizeof(*out));\n"
		"\tstruct repro r;\n\tchar err[256];\n\n"
		"\t(void)state;\n\tassert_non_null(out);\n"
		"\tassert_int_equal(repro_parse(reproducer, \"reproducer\", "
		"&r, err, sizeof(err)), 0);\n"
		"\tassert_int_equal(repro_run(&r, NULL, out), 0);\n"
		"\t/* the revision under test must not show the finding */\n"
		"\tassert_int_equal(out->nr, 0);\n"
		"\trepro_free(&r);\n\tfree(out);\n}\n\n"
		"int main(void)\n{\n"
		"\tconst struct CMUnitTest tests[] = {\n"
		"\t\tcmocka_unit_test(test_reproducer),\n\t};\n\n"
		"\treturn cmocka_run_group_tests_name(\"%s\", tests, NULL, "
		"NULL);\n}\n", expect);
}

void repro_file_name(const char *sig, char *out, size_t len)
{
	size_t i;

	for (i = 0; sig[i] && i + 1 < len; i++)
		out[i] = isalnum((unsigned char)sig[i]) ? sig[i] : '-';
	out[i] = 0;
}
