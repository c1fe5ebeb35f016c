// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim: explore, replay, minimise and convert iommufd bind scenarios.
 * Exit codes: 0 clean or as expected, 1 findings or mismatch, 2 bad input.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff.h"
#include "explore.h"
#include "fuzzio.h"
#include "selftest_gen.h"
#include "target.h"

/* One entry per command: 'help', 'COMMAND --help' and the man page. */
struct cmd_help {
	const char *name;
	const char *args;
	const char *text;
};

static const struct cmd_help helps[] = {
	{ "explore",
	  "[--world FILE|-|default] [--depth N | --closure] [--shard I/N]\n"
	  "[--max-findings N] [--stop-on KIND] [--no-faults]\n"
	  "[--json | --ktap] [--out DIR] [--progress] [--sites]\n"
	  "[--max-states N] [--max-memory MIB] [--time-limit SECS]",
	  "Walk every operation sequence of the world, failing every fault\n"
	  "point; each finding is printed and its minimised reproducer\n"
	  "written to DIR when first seen. A world file is capped at\n"
	  "2000000 states and 8192 MiB unless given (0: no cap); the\n"
	  "built-in world is not. SIGINT/SIGTERM, a cap or the time limit\n"
	  "end the walk with 'closure false' and the reason. Exit 0 clean,\n"
	  "1 findings, 2 bad input, 3 stopped early with no finding (not a\n"
	  "closure), 4 out of memory." },
	{ "replay", "FILE|- [--json] [--state]",
	  "Re-run a reproducer and print its trace (--state: the state\n"
	  "after every step). Exit 0 when it shows its 'expect' line and\n"
	  "every assertion holds, 1 when not." },
	{ "state", "FILE|- [--json]",
	  "Replay a reproducer, then print the state view after its last\n"
	  "step." },
	{ "minimise", "FILE|- [-o OUT]",
	  "Shrink a reproducer, keeping its finding ('minimize' works\n"
	  "too). Exit 1 if it does not reproduce." },
	{ "to-cmocka", "FILE|-",
	  "Print a CMocka regression test for a reproducer." },
	{ "to-selftest", "FILE|-",
	  "Print a reproducer as a program for the booted kernel (make\n"
	  "confirm). Exit 3: not expressible there, and why." },
	{ "check-world", "FILE|-|default [--print]",
	  "Parse a world and boot each of its boot lines; with --print,\n"
	  "print it in normal form. Exit 0 valid, 2 not, with FILE:LINE." },
	{ "ops", "", "The operation vocabulary." },
	{ "worlds", "[NAME]",
	  "The built-in worlds and those under worlds/; print one with\n"
	  "NAME." },
	{ "sites", "", "Every fault site in this binary." },
	{ "encode", "FILE|- [-o OUT | --hex]",
	  "A reproducer in the fuzzer's byte form (see fuzz/README.md)." },
	{ "decode", "FILE|-", "A fuzzer input as a reproducer." },
	{ "fuzz-import", "DIR|FILE... [--out DIR]",
	  "Replay a fuzzer's findings and write each new signature's\n"
	  "minimised reproducer." },
	{ "diff", "--peer BIN [--world FILE|default] [--depth N | --closure]\n"
	  "[--abstractions FILE] [--out DIR] [--sigs]",
	  "Run this binary's target and BIN's (another bindsim) in lock\n"
	  "step. Exit 1 on a divergence not listed in FILE." },
	{ "serve", "", "The peer side of diff (stdin/stdout)." },
	{ "version", "", "Revision, target and the tree compiled." },
	{ "help", "[COMMAND | --man]",
	  "This text, one command's, or the manual page (roff)." },
};

static const struct cmd_help *find_help(const char *name)
{
	unsigned int i;

	if (!strcmp(name, "minimize"))
		name = "minimise";
	for (i = 0; i < ARRAY_SIZE(helps); i++)
		if (!strcmp(helps[i].name, name))
			return &helps[i];
	return NULL;
}

/* the end of @s's first line: its '\n' or its NUL */
static const char *line_end(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl : s + strlen(s);
}

/* @text with every line indented by @indent spaces */
static void put_indented(const char *text, int indent)
{
	while (*text) {
		const char *nl = line_end(text);

		printf("%*s%.*s\n", indent, "", (int)(nl - text), text);
		text = *nl ? nl + 1 : nl;
	}
}

static void print_cmd_help(const struct cmd_help *h)
{
	const char *args = h->args, *nl;
	int w = (int)strlen(h->name) + 9;

	nl = line_end(args);
	printf("bindsim %s%s%.*s\n", h->name, *args ? " " : "",
	       (int)(nl - args), args);
	if (*nl)
		put_indented(nl + 1, w);
	put_indented(h->text, 4);
}

static void print_usage(void)
{
	unsigned int i;

	printf("usage: bindsim COMMAND [OPTIONS]    "
	       "(bindsim COMMAND --help: one command)\n\n");
	for (i = 0; i < ARRAY_SIZE(helps); i++) {
		print_cmd_help(&helps[i]);
		printf("\n");
	}
	printf("FILE may be '-' for standard input where shown. Exit "
	       "codes: 0 clean or as\nexpected, 1 findings or mismatch, "
	       "2 bad input.\n\n"
	       "This binary is revision '%s' of the %s.\n",
	       bindsim_revision(), target_kind);
}

/* roff text: a leading '.' or '\'' and every backslash escaped */
static void put_roff(const char *s)
{
	bool bol = true;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", stdout);
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
		bol = *s == '\n';
	}
}

/* bindsim help --man: the manual page, from the same table */
static void print_man(void)
{
	unsigned int i;

	printf(".\\\" SPDX-License-Identifier: GPL-2.0-only\n"
	       ".\\\" generated by 'bindsim help --man'\n"
	       ".TH BINDSIM 1 \"\" \"bindsim %s\" \"User Commands\"\n"
	       ".SH NAME\nbindsim \\- explore, replay and minimise iommufd "
	       "device bind scenarios\n"
	       ".SH SYNOPSIS\n.B bindsim\n.I COMMAND\n[\\fIOPTIONS\\fR]\n"
	       ".SH DESCRIPTION\nbindsim runs the iommufd device bind, "
	       "attach, detach and replace logic in user space against a "
	       "simulated kernel. It explores every operation sequence of "
	       "a small world of devices, fails every fallible call in "
	       "turn, checks invariants after every step, and writes each "
	       "finding as a minimised, replayable reproducer.\n"
	       "This binary is revision\n.B %s\nof the %s.\n"
	       ".SH COMMANDS\n", bindsim_revision(), bindsim_revision(),
	       target_kind);
	for (i = 0; i < ARRAY_SIZE(helps); i++) {
		const char *a;

		printf(".TP\n.B %s", helps[i].name);
		if (*helps[i].args) {
			fputs(" ", stdout);
			/* synopsis on one line */
			for (a = helps[i].args; *a; a++) {
				char c[2] = { *a == '\n' ? ' ' : *a, 0 };

				put_roff(c);
			}
		}
		printf("\n");
		put_roff(helps[i].text);
		printf("\n");
	}
	printf(".SH \"EXIT STATUS\"\n0: clean or as expected.\n.br\n"
	       "1: findings, or a reproducer that does not show its "
	       "expect line.\n.br\n2: bad input: a malformed world, "
	       "reproducer or option, an out-of-range id.\n.br\n"
	       "3: explore stopped early with no finding; to-selftest: not "
	       "expressible.\n.br\n4: explore ran out of memory.\n"
	       ".SH FILES\n.TP\n.I worlds/*.world\nworld files found by "
	       "name\n.TP\n.I tests/repro/*.repro\nreproducers of known "
	       "findings\n"
	       ".SH \"SEE ALSO\"\nREADME.md and fuzz/README.md in the source "
	       "tree.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd_help *h;

	if (argc == 0) {
		print_usage();
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "--man")) {
		print_man();
		return 0;
	}
	h = argc == 1 ? find_help(argv[0]) : NULL;
	if (!h) {
		fprintf(stderr, "bindsim: help: unknown command%s%s\n",
			argc ? " " : "", argc ? argv[0] : "");
		return 2;
	}
	print_cmd_help(h);
	return 0;
}

static int die_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "bindsim: %s%s%s\n", msg, arg ? " " : "",
		arg ? arg : "");
	fprintf(stderr, "run 'bindsim help' for usage\n");
	return 2;
}

static bool parse_uint(const char *s, unsigned int *v)
{
	char *end;
	unsigned long x;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || *end || x > 1000000000UL)
		return false;
	*v = x;
	return true;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* mkdir -p: 0 on success (or if it exists). */
static int mkdir_p(const char *path)
{
	char buf[512];
	size_t i;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (i = 1; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		buf[i] = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

/* What cmd_explore does with each finding when it is first seen. */
struct explore_sink {
	const struct world_spec *spec;
	const char *out;		/* --out DIR, or NULL */
	const char *prefix;		/* "" or, for --ktap, "# " */
	bool print;			/* text and KTAP: print it now */
	bool write_failed;
};

static void print_finding(const struct explore_sink *k,
			  const struct explore_finding *ef, const char *path)
{
	const char *p = k->prefix;
	char buf[OP_TEXT], title[160];
	unsigned int i;

	check_title(&ef->f, title, sizeof(title));
	printf("%s\n%sBUG: %s\n%s  report: %s\n%s  %s\n%s  at %s\n",
	       *p ? "#" : "", p, ef->f.sig, p, title, p, ef->f.msg, p,
	       ef->f.where);
	if (ef->f.alloc[0])
		printf("%s  %s\n", p, ef->f.alloc);
	printf("%s  first seen after %.2f s; reproducer (boot %u):\n", p,
	       ef->secs, ef->repro.boot);
	for (i = 0; i < ef->repro.nr_steps; i++) {
		op_format(k->spec, &ef->repro.steps[i].op,
			  &ef->repro.steps[i].fault, buf, sizeof(buf));
		printf("%s    %s\n", p, buf);
	}
	if (path)
		printf("%s  written to %s\n", p, path);
	fflush(stdout);
}

/*
 * The explorer's first sight of a finding: minimise it, write it to --out
 * (whole, through a rename, so a run killed at any moment leaves only
 * replayable files) and print it.
 */
static void explore_found(struct explore_finding *ef, void *arg)
{
	struct explore_sink *k = arg;
	char name[200], path[512], tmp[520];
	bool written = false;
	FILE *f;

	repro_minimise(&ef->repro, NULL);
	if (k->out) {
		repro_file_name(ef->f.sig, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s.repro", k->out, name);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		f = fopen(tmp, "w");
		if (f) {
			repro_write(f, &ef->repro, &ef->f);
			written = !ferror(f);
			written &= !fclose(f);
			written = written && !rename(tmp, path);
		}
		if (!written) {
			fprintf(stderr, "bindsim: cannot write %s: %s\n", path,
				strerror(errno));
			k->write_failed = true;
		}
	}
	if (k->print)
		print_finding(k, ef, written ? path : NULL);
}

/* --time-limit: seconds, a positive number. */
static bool parse_secs(const char *s, double *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return !errno && !*end && *v > 0 && *v <= 1e9;
}

static int cmd_explore(int argc, char **argv)
{
	struct explore_opts o = { .depth = -1, .nr_shards = 1,
				  .stop_kind = -1 };
	struct explore_sink sink = { .prefix = "" };
	struct explore_finding *fs = NULL;
	const char *world = "default", *out = NULL;
	bool json = false, sites = false, ktap = false, progress = false;
	bool max_states_set = false, max_memory_set = false;
	struct world_spec spec;
	struct explore_stats st;
	unsigned int nr = 0, i, nsites, u;
	char err[300], *text = NULL;
	const char *p;
	struct stat sb;
	int a, rc;

	for (a = 0; a < argc; a++) {
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (!strcmp(argv[a], "--world") && v) {
			world = v;
			a++;
		} else if (!strcmp(argv[a], "--depth") && v) {
			unsigned int d;

			if (!parse_uint(v, &d) || d > 1000)
				return die_usage("bad --depth", v);
			o.depth = d;
			a++;
		} else if (!strcmp(argv[a], "--closure")) {
			o.depth = -1;
		} else if (!strcmp(argv[a], "--shard") && v) {
			char buf[32], *slash;

			snprintf(buf, sizeof(buf), "%s", v);
			slash = strchr(buf, '/');
			if (!slash)
				return die_usage("--shard takes I/N", v);
			*slash = 0;
			if (!parse_uint(buf, &o.shard) ||
			    !parse_uint(slash + 1, &o.nr_shards) ||
			    !o.nr_shards || o.shard >= o.nr_shards)
				return die_usage("--shard takes I/N with I < N",
						 v);
			a++;
		} else if (!strcmp(argv[a], "--max-findings") && v) {
			if (!parse_uint(v, &o.max_findings))
				return die_usage("bad --max-findings", v);
			a++;
		} else if (!strcmp(argv[a], "--max-states") && v) {
			if (!parse_uint(v, &u))
				return die_usage("bad --max-states", v);
			o.max_states = u;
			max_states_set = true;
			a++;
		} else if (!strcmp(argv[a], "--max-memory") && v) {
			if (!parse_uint(v, &u))
				return die_usage("bad --max-memory (MiB)", v);
			o.max_memory_mib = u;
			max_memory_set = true;
			a++;
		} else if (!strcmp(argv[a], "--time-limit") && v) {
			if (!parse_secs(v, &o.time_limit))
				return die_usage("bad --time-limit (seconds)",
						 v);
			a++;
		} else if (!strcmp(argv[a], "--stop-on") && v) {
			o.stop_kind = sim_finding_kind_parse(v);
			if (o.stop_kind < 0)
				return die_usage("unknown finding kind", v);
			a++;
		} else if (!strcmp(argv[a], "--no-faults")) {
			o.no_faults = true;
		} else if (!strcmp(argv[a], "--json")) {
			json = true;
		} else if (!strcmp(argv[a], "--ktap")) {
			ktap = true;
		} else if (!strcmp(argv[a], "--progress")) {
			progress = true;
		} else if (!strcmp(argv[a], "--sites")) {
			sites = true;
		} else if (!strcmp(argv[a], "--out") && v) {
			out = v;
			a++;
		} else {
			return die_usage("unknown or incomplete option",
					 argv[a]);
		}
	}
	if (json && ktap)
		return die_usage("--json and --ktap exclude each other", NULL);
	if (world_load(world, &spec, err, sizeof(err))) {
		fprintf(stderr, "bindsim: %s\n", err);
		return 2;
	}
	o.spec = &spec;
	if (strcmp(world, "default")) {
		/* world_load() above read it already, so this succeeds */
		text = sim_read_text_file(world, err, sizeof(err));
		o.world_text = text;
		/* a world file may be far larger than the built-in one */
		if (!max_states_set)
			o.max_states = EXPLORE_FILE_MAX_STATES;
		if (!max_memory_set)
			o.max_memory_mib = EXPLORE_FILE_MAX_MEMORY_MIB;
	} else {
		o.world_name = "default";
	}
	if (out && !stat(out, &sb) && !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "bindsim: --out %s exists and is not a "
			"directory\n", out);
		free(text);
		return 2;
	}
	if (out && mkdir_p(out)) {
		fprintf(stderr, "bindsim: cannot create %s: %s\n", out,
			strerror(errno));
		free(text);
		return 2;
	}
	/* a progress line on a terminal; none in CI unless asked for */
	if (progress || (isatty(STDERR_FILENO) && !getenv("CI"))) {
		o.progress = stderr;
		o.progress_tty = isatty(STDERR_FILENO);
	}
	sink.spec = &spec;
	sink.out = out;
	sink.print = !json;
	if (ktap) {
		sink.prefix = "# ";
		printf("KTAP version 1\n1..1\n");
	}
	p = sink.prefix;
	if (!json)
		printf("%sbindsim explore: world %s, revision %s, %s%s\n", p,
		       spec.name, bindsim_revision(),
		       o.depth < 0 ? "to closure" : "depth bound",
		       o.nr_shards > 1 ? " (sharded)" : "");
	fflush(stdout);
	o.on_finding = explore_found;
	o.arg = &sink;
	explore_catch_signals();
	if (explore(&o, &st, &fs, &nr)) {
		free(text);
		return 2;
	}
	sim_fault_sites(&nsites);

	if (json) {
		printf("{\"revision\": ");
		json_str(stdout, bindsim_revision());
		printf(", \"world\": ");
		json_str(stdout, spec.name);
		printf(", \"depth\": %d, \"shard\": \"%u/%u\", \"faults\": %s,\n",
		       o.depth, o.shard, o.nr_shards,
		       o.no_faults ? "false" : "true");
		printf(" \"states\": %llu, \"expanded\": %llu, "
		       "\"transitions\": %llu, \"injections\": %llu,\n",
		       st.states, st.expanded, st.transitions, st.injections);
		printf(" \"fault_sites_injected\": %llu, \"fault_sites\": %u, "
		       "\"max_depth\": %u, \"closure\": %s, \"stopped\": ",
		       st.fault_points, nsites, st.max_depth,
		       st.closure ? "true" : "false");
		if (st.stopped)
			json_str(stdout, explore_stop_name(st.stop));
		else
			printf("false");
		printf(", \"hash_collisions\": %llu,\n", st.hash_collisions);
		printf(" \"findings\": [");
		for (i = 0; i < nr; i++) {
			unsigned int k;
			char buf[OP_TEXT];

			printf("%s\n  {\"signature\": ", i ? "," : "");
			json_str(stdout, fs[i].f.sig);
			printf(", \"kind\": ");
			json_str(stdout, sim_finding_kind_name(fs[i].f.kind));
			printf(", \"message\": ");
			json_str(stdout, fs[i].f.msg);
			printf(", \"where\": ");
			json_str(stdout, fs[i].f.where);
			printf(", \"alloc\": ");
			json_str(stdout, fs[i].f.alloc);
			printf(", \"count\": %llu, \"boot\": %u, \"steps\": [",
			       fs[i].count, fs[i].repro.boot);
			for (k = 0; k < fs[i].repro.nr_steps; k++) {
				op_format(&spec, &fs[i].repro.steps[k].op,
					  &fs[i].repro.steps[k].fault, buf,
					  sizeof(buf));
				printf("%s", k ? ", " : "");
				json_str(stdout, buf);
			}
			printf("]}");
		}
		printf("%s],\n \"timing\": {\"seconds\": %.3f, "
		       "\"peak_rss_kb\": %ld, \"snapshot_bytes\": %zu}}\n",
		       nr ? "\n " : "", st.secs, st.peak_rss_kb,
		       st.snapshot_bytes);
	} else {
		if (nr)
			printf("%s\n", *p ? "#" : "");
		printf("%s  states          %llu%s\n", p, st.states,
		       st.closure ? " (closure)" : "");
		printf("%s  transitions     %llu\n", p, st.transitions);
		printf("%s  fault injections %llu\n", p, st.injections);
		printf("%s  fault sites     %llu of %u injected\n", p,
		       st.fault_points, nsites);
		printf("%s  max depth       %u\n", p, st.max_depth);
		printf("%s  closure         %s\n", p,
		       st.closure ? "true" : "false");
		if (st.stopped)
			printf("%s  stopped         %s\n", p,
			       explore_stop_name(st.stop));
		printf("%s  findings        %u\n", p, nr);
		for (i = 0; i < nr; i++)
			printf("%s    %s (seen %llu times, first after "
			       "%.2f s)\n", p, fs[i].f.sig, fs[i].count,
			       fs[i].secs);
		printf("%s  time            %.2f s (%.0f transitions/s)\n", p,
		       st.secs, st.secs > 0 ?
		       (st.transitions + st.injections) / st.secs : 0.0);
		printf("%s  peak memory     %ld MiB\n", p,
		       st.peak_rss_kb / 1024);
		if (st.hash_collisions)
			printf("%s  hash collisions %llu (told apart by their "
			       "canonical form)\n", p, st.hash_collisions);
	}
	if (sites) {
		unsigned int n;
		const struct site_cov *cov = explore_site_coverage(&n);
		char name[128];

		printf("%s\n%sfault sites (injections, findings):\n",
		       *p ? "#" : "", p);
		for (i = 0; i < n; i++) {
			sim_site_name(cov[i].site, name, sizeof(name));
			printf("%s  %-8llu %-6llu %-44s %s:%d\n", p,
			       cov[i].injected, cov[i].findings, name,
			       cov[i].site->file, cov[i].site->line);
		}
	}
	/*
	 * 0 clean, 1 findings, 3 stopped early (a bound or a signal) with
	 * nothing found: not a closure, so not clean either.
	 */
	rc = nr ? 1 : st.stop >= EXPLORE_STOP_INTERRUPTED ? 3 : 0;
	if (ktap) {
		printf("%sok 1 %s", rc ? "not " : "", spec.name);
		if (st.stop >= EXPLORE_STOP_INTERRUPTED)
			printf(" # stopped: %s, not a closure",
			       explore_stop_name(st.stop));
		printf("\n");
	}
	for (i = 0; i < nr; i++)
		repro_free(&fs[i].repro);
	free(fs);
	free(text);
	return rc;
}

static int load_repro(const char *path, struct repro *r, bool check_rev)
{
	char err[400];

	if (repro_parse_file(path, r, err, sizeof(err))) {
		fprintf(stderr, "bindsim: %s\n", err);
		return 2;
	}
	if (check_rev && r->rev[0] && strcmp(r->rev, bindsim_revision())) {
		fprintf(stderr, "bindsim: %s: reproducer is for revision '%s' "
			"but this binary is '%s' (use build/rev/%s/bindsim)\n",
			sim_input_name(path), r->rev, bindsim_revision(), r->rev);
		repro_free(r);
		return 2;
	}
	return 0;
}

/* replay FILE [--json] [--state], and state FILE (--state at the end) */
static int cmd_replay_or_state(int argc, char **argv, bool state_cmd)
{
	struct check_result *out;
	const char *file = NULL;
	bool json = false, state = false, ok;
	const int *rets;
	unsigned int nret;
	struct repro r;
	unsigned int i;
	int a, rc;

	for (a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--json"))
			json = true;
		else if (!strcmp(argv[a], "--state") && !state_cmd)
			state = true;
		else if (sim_is_option(argv[a]) || file)
			return die_usage("unexpected argument", argv[a]);
		else
			file = argv[a];
	}
	if (!file)
		return die_usage(state_cmd ? "state needs a FILE" :
				 "replay needs a FILE", NULL);
	rc = load_repro(file, &r, true);
	if (rc)
		return rc;
	r.trace_state = state;
	r.trace_final_state = state_cmd;
	out = calloc(1, sizeof(*out));
	if (!out || repro_run(&r, json ? NULL : stdout, out)) {
		fprintf(stderr, "bindsim: %s: world does not boot\n", sim_input_name(file));
		repro_free(&r);
		free(out);
		return 2;
	}
	ok = repro_matches(&r, out);
	rets = repro_last_returns(&nret);
	if (json) {
		char *text = state || state_cmd ? canon_text() : NULL;

		printf("{\"file\": ");
		json_str(stdout, sim_input_name(file));
		printf(", \"revision\": ");
		json_str(stdout, r.rev[0] ? r.rev : bindsim_revision());
		printf(", \"expect\": ");
		json_str(stdout, r.expect);
		printf(", \"matches\": %s, \"steps\": [",
		       ok ? "true" : "false");
		for (i = 0; i < nret; i++) {
			char op[OP_TEXT];

			op_format(&r.spec, &r.steps[i].op, &r.steps[i].fault,
				  op, sizeof(op));
			printf("%s{\"op\": ", i ? ", " : "");
			json_str(stdout, op);
			printf(", \"ret\": %d}", rets[i]);
		}
		printf("], \"findings\": [");
		for (i = 0; i < out->nr; i++) {
			printf("%s", i ? ", " : "");
			json_str(stdout, out->f[i].sig);
		}
		printf("]");
		if (text) {
			/* the state after the last step that ran */
			printf(", \"state\": ");
			json_str(stdout, text);
			free(text);
		}
		printf("}\n");
	} else {
		printf("expect %s: %s\n", r.expect,
		       ok ? "reproduced" : "NOT reproduced");
	}
	/* a reproducer whose fault never fires is stale: not reproduced */
	if (repro_last_missed_faults()) {
		fprintf(stderr, "bindsim: %s: %u step(s) asked for a fault that "
			"was not injected\n", sim_input_name(file), repro_last_missed_faults());
		ok = false;
	}
	repro_free(&r);
	free(out);
	return ok ? 0 : 1;
}

static int cmd_minimise(int argc, char **argv)
{
	const char *file = NULL, *outp = NULL;
	struct repro r;
	unsigned int before;
	FILE *f = stdout;
	int a, rc;

	for (a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "-o") && a + 1 < argc)
			outp = argv[++a];
		else if (sim_is_option(argv[a]) || file)
			return die_usage("unexpected argument", argv[a]);
		else
			file = argv[a];
	}
	if (!file)
		return die_usage("minimise needs a FILE", NULL);
	rc = load_repro(file, &r, true);
	if (rc)
		return rc;
	/* nothing to keep: a file that does not show its expect line */
	if (strcmp(r.expect, "clean") && !repro_reproduces(&r)) {
		fprintf(stderr, "bindsim: %s: does not reproduce '%s': nothing "
			"to minimise\n", sim_input_name(file), r.expect);
		repro_free(&r);
		return 1;
	}
	before = r.nr_steps;
	repro_minimise(&r, stderr);
	fprintf(stderr, "minimise: %u -> %u operations\n", before,
		r.nr_steps);
	if (outp && !(f = fopen(outp, "w"))) {
		fprintf(stderr, "bindsim: cannot write %s\n", outp);
		repro_free(&r);
		return 2;
	}
	repro_write(f, &r, NULL);
	if (f != stdout)
		fclose(f);
	repro_free(&r);
	return 0;
}

static int cmd_to_cmocka(int argc, char **argv)
{
	struct repro r;
	char err[300];
	char *text;
	int rc;

	if (argc != 1 || sim_is_option(argv[0]))
		return die_usage("to-cmocka takes one FILE", NULL);
	rc = load_repro(argv[0], &r, false);
	if (rc)
		return rc;
	text = sim_read_text_file(argv[0], err, sizeof(err));
	if (!text) {
		fprintf(stderr, "bindsim: %s\n", err);
		repro_free(&r);
		return 2;
	}
	repro_to_cmocka(stdout, &r, text);
	free(text);
	repro_free(&r);
	return 0;
}

static int cmd_ops(void)
{
	printf("operations (one per line in a reproducer):\n"
	       "  bind DEV CTX              the device's driver binds it "
	       "(VFIO cdev or in-kernel)\n"
	       "  unbind DEV                VFIO: detach every pasid, then "
	       "unbind\n"
	       "  attach DEV PASID ID       VFIO: attach (or replace) to "
	       "HWPT/IOAS id of the bound ctx\n"
	       "  detach DEV PASID          VFIO: detach if attached\n"
	       "  hwpt-alloc CTX DEVID PTID [pasid]   IOMMU_HWPT_ALLOC\n"
	       "  destroy CTX ID            IOMMU_DESTROY\n"
	       "  close CTX                 close the iommufd\n"
	       "  vfio-register DEV         register with VFIO (noiommu "
	       "opt-in is read here)\n"
	       "  vfio-unregister DEV\n"
	       "  set PARAM 0|1             allow_unsafe_interrupts, "
	       "enable_unsafe_noiommu_mode, cap_sys_rawio\n"
	       "a driver=kernel device's driver calls the exported iommufd API "
	       "on its handles,\n"
	       "named DEV.SLOT (slot 0 or 1; DEV alone is slot 0):\n"
	       "  bind DEV CTX              iommufd_device_bind() into the "
	       "next free slot\n"
	       "                            (a device may be bound twice)\n"
	       "  unbind DEV.S              iommufd_device_unbind()\n"
	       "  attach DEV.S PASID ID     iommufd_device_attach() (a second "
	       "one: -EBUSY)\n"
	       "  replace DEV.S PASID ID    iommufd_device_replace() "
	       "(not attached: -EINVAL)\n"
	       "  detach DEV.S PASID        iommufd_device_detach()\n"
	       "  unbind while attached, or detach of a pasid not attached, "
	       "breaks the\n"
	       "  caller's contract: a 'caller' finding (replay stops; "
	       "the explorer never does it)\n"
	       "reproducers only (not explored or fuzzed yet):\n"
	       "  ioas-alloc CTX            IOMMU_IOAS_ALLOC\n"
	       "  ioas-map CTX IOAS IOVA LENGTH   IOMMU_IOAS_MAP at a fixed "
	       "IOVA\n"
	       "suffix: = RET asserts the return code (0, -EINVAL, -22)\n"
	       "suffix: fail=FUNC:WHAT#HIT@ORDINAL or fail=@ORDINAL "
	       "injects a fault\n");
	return 0;
}

static int cmd_worlds(int argc, char **argv)
{
	struct dirent **ents;
	int n, i;

	if (argc == 0) {
		printf("default    built-in: every device category, two "
		       "contexts\n");
		/* sorted: the same listing on every machine */
		n = scandir("worlds", &ents, NULL, alphasort);
		for (i = 0; i < n; i++) {
			const char *e = ents[i]->d_name;
			size_t l = strlen(e);

			if (l > 6 && !strcmp(e + l - 6, ".world"))
				printf("worlds/%s\n", e);
			free(ents[i]);
		}
		if (n >= 0)
			free(ents);
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "default")) {
		fputs(world_default_text, stdout);
		return 0;
	}
	return die_usage("unknown world", argv[0]);
}

/*
 * check-world FILE [--print]: a world parses and every boot line boots.
 * What each boot registers with VFIO is printed, since a noiommu device
 * registers only where the boot opts in.
 */
static int cmd_check_world(int argc, char **argv)
{
	const char *file = NULL;
	struct world_spec spec;
	bool print = false;
	unsigned int b, i;
	char err[400];
	int a;

	for (a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--print"))
			print = true;
		else if (sim_is_option(argv[a]) || file)
			return die_usage("unexpected argument", argv[a]);
		else
			file = argv[a];
	}
	if (!file)
		return die_usage("check-world needs a FILE", NULL);
	if (world_load(file, &spec, err, sizeof(err))) {
		fprintf(stderr, "bindsim: %s\n", err);
		return 2;
	}
	for (b = 0; b < spec.nr_boots; b++) {
		const struct world *w;
		int rc = world_boot(&spec, b);

		if (rc) {
			fprintf(stderr, "bindsim: %s: boot %u does not boot "
				"(%s)\n", sim_input_name(file), b,
				errno_name(rc));
			return 2;
		}
		w = sim_kernel()->world;
		printf("boot %u: vfio", b);
		for (i = 0; i < spec.nr_devs; i++)
			if (spec.devs[i].driver == W_DRV_VFIO &&
			    w->vdev[i].registered)
				printf(" %s%s", spec.devs[i].name,
				       w->vdev[i].noiommu ? "(noiommu)" : "");
		printf("\n");
	}
	if (print) {
		char *text = malloc(1 << 16);

		if (!text)
			return 2;
		world_format(&spec, text, 1 << 16);
		fputs(text, stdout);
		free(text);
	}
	printf("world %s: %u devices, %u contexts, %u groups, %u boots: "
	       "valid\n", spec.name, spec.nr_devs, spec.nr_ctxs,
	       spec.nr_groups, spec.nr_boots);
	return 0;
}

/*
 * Abstractions: the divergence signatures a file lists, one per line as
 * "- `SIGNATURE`: reason" (Markdown). Returns the count, or -1.
 */
static int read_abstractions(const char *path, char ***sigs)
{
	char err[256], *text, *line, *save;
	int n = 0;

	*sigs = NULL;
	text = sim_read_text_file(path, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "bindsim: %s\n", err);
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end, **grown;

		if (strncmp(line, "- `", 3))
			continue;
		end = strchr(line + 3, '`');
		if (!end)
			continue;
		grown = realloc(*sigs, (n + 1) * sizeof(**sigs));
		if (!grown)
			break;
		*sigs = grown;
		(*sigs)[n++] = strndup(line + 3, end - line - 3);
	}
	free(text);
	return n;
}

/* Append "BIN replay REPRO" (both streams) to @f; false if it cannot run. */
static bool append_replay(FILE *f, const char *bin, const char *repro)
{
	char cmd[1200], buf[512];
	FILE *p;

	if (strchr(bin, '\'') || strchr(repro, '\''))
		return false;
	snprintf(cmd, sizeof(cmd), "'%s' replay '%s' 2>&1", bin, repro);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(buf, sizeof(buf), p))
		fputs(buf, f);
	pclose(p);
	return true;
}

/*
 * Both targets' traces of a divergence reproducer, one after the other,
 * in DIR/NAME.traces.
 */
static void write_traces(const char *dir, const char *name,
			 const char *repro, const char *peer,
			 const char *peer_kind)
{
	char self[512], path[600];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f;

	if (n <= 0)
		return;
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/%s.traces", dir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "=== %s (%s)\n", target_kind, self);
	append_replay(f, self, repro);
	fprintf(f, "\n=== %s (%s)\n", peer_kind, peer);
	append_replay(f, peer, repro);
	fclose(f);
	printf("  traces:     %s (both targets)\n", path);
}

static int cmd_diff(int argc, char **argv)
{
	const char *world = "default", *peer = NULL, *abst = NULL, *out = NULL;
	struct diff_opts o = { .depth = -1 };
	struct world_spec spec;
	struct diff_stats st;
	bool sigs_only = false;
	char err[256], **listed = NULL;
	int nl = 0, a, unlisted = 0, i;

	for (a = 0; a < argc; a++) {
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;
		unsigned int n;

		if (!strcmp(argv[a], "--world") && v) {
			world = v;
			a++;
		} else if (!strcmp(argv[a], "--peer") && v) {
			peer = v;
			a++;
		} else if (!strcmp(argv[a], "--abstractions") && v) {
			abst = v;
			a++;
		} else if (!strcmp(argv[a], "--out") && v) {
			out = v;
			a++;
		} else if (!strcmp(argv[a], "--depth") && parse_uint(v, &n)) {
			o.depth = n;
			a++;
		} else if (!strcmp(argv[a], "--closure")) {
			o.depth = -1;
		} else if (!strcmp(argv[a], "--sigs")) {
			sigs_only = true;
		} else {
			return die_usage("unknown or incomplete option",
					 argv[a]);
		}
	}
	if (!peer)
		return die_usage("diff needs --peer BINARY", NULL);
	/* the peer is sent the world's path, not its text */
	if (!strcmp(world, "-"))
		return die_usage("diff --world needs a file, not '-'", NULL);
	if (access(peer, X_OK))
		return die_usage("not an executable:", peer);
	if (world_load(world, &spec, err, sizeof(err))) {
		fprintf(stderr, "bindsim: %s\n", err);
		return 2;
	}
	if (abst && (nl = read_abstractions(abst, &listed)) < 0)
		return 2;
	if (out && mkdir_p(out)) {
		fprintf(stderr, "bindsim: cannot create %s: %s\n", out,
			strerror(errno));
		return 2;
	}
	o.spec = &spec;
	o.world = world;
	o.peer = peer;
	if (diff_run(&o, &st))
		return 2;
	if (!sigs_only)
		printf("bindsim diff: world %s, %s against %s (%s), %s\n"
		       "  states      %llu (reached by both)\n"
		       "  compared    %llu transitions, %llu injections at "
		       "shared fault sites\n"
		       "  divergences %u\n",
		       spec.name, target_kind, st.peer_kind, peer,
		       st.closure ? "to closure" : "depth bound", st.states,
		       st.transitions, st.injections, st.nr);
	for (i = 0; i < (int)st.nr; i++) {
		struct diff_divergence *x = &st.dv[i];
		bool known = false;
		int k;

		for (k = 0; k < nl; k++)
			known |= !strcmp(listed[k], x->sig);
		unlisted += !known;
		if (sigs_only) {
			printf("%s\n", x->sig);
			continue;
		}
		printf("\n%s: %s\n  seen %llu times; first: %s\n",
		       known ? "divergence (listed)" : "DIVERGENCE", x->sig,
		       x->count, x->detail);
		if (out) {
			char name[300], path[600];
			FILE *f;

			snprintf(name, sizeof(name), "diff-%03d", i + 1);
			snprintf(path, sizeof(path), "%s/%s.repro", out, name);
			f = fopen(path, "w");
			if (f) {
				fprintf(f, "# bindsim diff: %s\n", x->sig);
				repro_write(f, &x->repro, NULL);
				fclose(f);
				printf("  reproducer: %s\n", path);
				write_traces(out, name, path, peer,
					     st.peer_kind);
			}
		}
	}
	if (st.peer_errors)
		fprintf(stderr, "bindsim diff: the peer refused %llu "
			"requests\n", st.peer_errors);
	for (i = 0; i < nl; i++)
		free(listed[i]);
	free(listed);
	free(st.dv);
	if (st.peer_errors)
		return 2;
	return unlisted ? 1 : 0;
}

static int cmd_sites(void)
{
	unsigned int n, i;
	const struct sim_site *s = sim_fault_sites(&n);
	char name[128];

	for (i = 0; i < n; i++) {
		sim_site_name(&s[i], name, sizeof(name));
		printf("%-44s %s:%d\n", name, s[i].file, s[i].line);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return die_usage("missing command", NULL);
	cmd = argv[1];
	/* COMMAND --help or -h anywhere: that command's help */
	if (find_help(cmd)) {
		int a;

		for (a = 2; a < argc; a++)
			if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h"))
				return cmd_help(1, &argv[1]);
	}
	if (!strcmp(cmd, "explore"))
		return cmd_explore(argc - 2, argv + 2);
	if (!strcmp(cmd, "replay"))
		return cmd_replay_or_state(argc - 2, argv + 2, false);
	if (!strcmp(cmd, "state"))
		return cmd_replay_or_state(argc - 2, argv + 2, true);
	if (!strcmp(cmd, "minimise") || !strcmp(cmd, "minimize"))
		return cmd_minimise(argc - 2, argv + 2);
	if (!strcmp(cmd, "to-cmocka"))
		return cmd_to_cmocka(argc - 2, argv + 2);
	if (!strcmp(cmd, "to-selftest"))
		return selftest_gen_main(argc - 2, argv + 2);
	if (!strcmp(cmd, "ops"))
		return cmd_ops();
	if (!strcmp(cmd, "worlds"))
		return cmd_worlds(argc - 2, argv + 2);
	if (!strcmp(cmd, "sites"))
		return cmd_sites();
	if (!strcmp(cmd, "check-world"))
		return cmd_check_world(argc - 2, argv + 2);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(argc - 2, argv + 2);
	if (!strcmp(cmd, "serve"))
		return diff_serve();
	if (fuzzio_command(cmd))
		return fuzzio_main(cmd, argc - 2, argv + 2);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("bindsim revision %s, target %s\n", bindsim_revision(),
		       target_describe());
		return 0;
	}
	if (!strcmp(cmd, "help"))
		return cmd_help(argc - 2, argv + 2);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return cmd_help(0, NULL);
	return die_usage("unknown command", cmd);
}
