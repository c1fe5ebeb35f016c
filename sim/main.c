// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim: explore, replay, minimise and convert iommufd bind scenarios.
 * Exit codes: 0 clean or as expected, 1 findings or mismatch, 2 bad input.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff.h"
#include "explore.h"
#include "fuzzio.h"
#include "selftest_gen.h"
#include "target.h"

/*
 * The command line. One table, helps[], holds every command's operands,
 * options and text: getopt_long() is fed from it, and 'help', 'COMMAND
 * --help', the man page and the "valid:" list of an unknown option are
 * printed from it, so they cannot drift apart.
 */

/* An option's key: its short letter, or one of these. */
enum opt_key {
	K_VERSION = 256, K_WORLD, K_DEPTH, K_CLOSURE, K_SHARD,
	K_MAX_FINDINGS, K_STOP_ON, K_NO_FAULTS, K_NO_CHECK, K_SYMMETRY, K_ORBITS, K_JSON, K_KTAP, K_OUT,
	K_PROGRESS, K_SITES, K_MAX_STATES, K_MAX_MEMORY, K_TIME_LIMIT,
	K_STATE, K_PRINT, K_HEX, K_PEER, K_ABSTRACTIONS, K_SIGS, K_MAN,
};

#define OPT_OR		1	/* excludes the next one: "[A | B]" */
#define OPT_NEEDED	2	/* not optional: no brackets */
#define NUM_MAX		1000000000UL	/* the largest count taken */

struct cmd_opt {
	const char *name;	/* --NAME */
	int key;		/* a letter: also -LETTER */
	const char *arg;	/* its argument, NULL for a flag */
	unsigned int flags;
	unsigned long max;	/* a whole number from 0 to max, if not 0 */
};

/* Every command takes these (listed once, in the usage's last lines). */
static const struct cmd_opt common_opts[] = {
	{ .name = "help", .key = 'h' },
	{ .name = "version", .key = K_VERSION },
	{ }
};

static const struct cmd_opt explore_opts[] = {
	{ .name = "world", .key = K_WORLD, .arg = "FILE|-|default" },
	{ .name = "depth", .key = K_DEPTH, .arg = "N", .flags = OPT_OR,
	  .max = 1000 },
	{ .name = "closure", .key = K_CLOSURE },
	{ .name = "shard", .key = K_SHARD, .arg = "I/N" },
	{ .name = "max-findings", .key = K_MAX_FINDINGS, .arg = "N",
	  .max = NUM_MAX },
	{ .name = "stop-on", .key = K_STOP_ON, .arg = "KIND" },
	{ .name = "no-faults", .key = K_NO_FAULTS },
	{ .name = "no-check", .key = K_NO_CHECK },
	{ .name = "symmetry", .key = K_SYMMETRY },
	{ .name = "orbits", .key = K_ORBITS },
	{ .name = "jobs", .key = 'j', .arg = "N", .max = 256 },
	{ .name = "json", .key = K_JSON, .flags = OPT_OR },
	{ .name = "ktap", .key = K_KTAP },
	{ .name = "out", .key = K_OUT, .arg = "DIR" },
	{ .name = "progress", .key = K_PROGRESS },
	{ .name = "sites", .key = K_SITES },
	{ .name = "max-states", .key = K_MAX_STATES, .arg = "N",
	  .max = NUM_MAX },
	{ .name = "max-memory", .key = K_MAX_MEMORY, .arg = "MIB",
	  .max = NUM_MAX },
	{ .name = "time-limit", .key = K_TIME_LIMIT, .arg = "SECS" },
	{ }
};

static const struct cmd_opt replay_opts[] = {
	{ .name = "json", .key = K_JSON },
	{ .name = "state", .key = K_STATE },
	{ }
};

static const struct cmd_opt json_opts[] = {
	{ .name = "json", .key = K_JSON },
	{ }
};

static const struct cmd_opt out_file_opts[] = {
	{ .name = "out", .key = 'o', .arg = "OUT" },
	{ }
};

static const struct cmd_opt check_world_opts[] = {
	{ .name = "print", .key = K_PRINT },
	{ }
};

static const struct cmd_opt encode_opts[] = {
	{ .name = "out", .key = 'o', .arg = "OUT" },
	{ .name = "hex", .key = K_HEX },
	{ }
};

static const struct cmd_opt out_dir_opts[] = {
	{ .name = "out", .key = K_OUT, .arg = "DIR" },
	{ }
};

static const struct cmd_opt diff_opts[] = {
	{ .name = "peer", .key = K_PEER, .arg = "BIN", .flags = OPT_NEEDED },
	{ .name = "world", .key = K_WORLD, .arg = "FILE|default" },
	{ .name = "depth", .key = K_DEPTH, .arg = "N", .flags = OPT_OR,
	  .max = 1000 },
	{ .name = "closure", .key = K_CLOSURE },
	{ .name = "abstractions", .key = K_ABSTRACTIONS, .arg = "FILE" },
	{ .name = "out", .key = K_OUT, .arg = "DIR" },
	{ .name = "sigs", .key = K_SIGS },
	{ }
};

static const struct cmd_opt help_opts[] = {
	{ .name = "man", .key = K_MAN },
	{ }
};

static const struct cmd_opt no_opts[] = {
	{ }
};

/* A command line, parsed: the options in order, then the operands. */
struct cli_val {
	int key;
	const char *arg;
	unsigned long num;	/* the number, for an option with a max */
};

struct cli {
	const struct cmd_help *cmd;
	struct cli_val *val;
	unsigned int nr_vals;
	char **operand;
	unsigned int nr_operands;
};

static int run_explore(const struct cli *c);
static int run_replay(const struct cli *c);
static int run_state(const struct cli *c);
static int run_minimise(const struct cli *c);
static int run_to_cmocka(const struct cli *c);
static int run_to_selftest(const struct cli *c);
static int run_check_world(const struct cli *c);
static int run_ops(const struct cli *c);
static int run_worlds(const struct cli *c);
static int run_sites(const struct cli *c);
static int run_encode(const struct cli *c);
static int run_decode(const struct cli *c);
static int run_fuzz_import(const struct cli *c);
static int run_diff(const struct cli *c);
static int run_serve(const struct cli *c);
static int run_version(const struct cli *c);
static int run_help(const struct cli *c);

/* One entry per command: its options, 'help', 'COMMAND --help', man page */
struct cmd_help {
	const char *name;
	const char *operands;	/* the synopsis before the options */
	unsigned int min_operands, max_operands;
	const struct cmd_opt *opts;
	const char *text;
	int (*run)(const struct cli *c);
};

static const struct cmd_help helps[] = {
	{ "explore", "", 0, 0, explore_opts,
	  "Walk every operation sequence of the world, failing every fault\n"
	  "point; each finding is printed and its minimised reproducer\n"
	  "written to DIR when first seen. A world file is capped at\n"
	  "2000000 states and 8192 MiB unless given (0: no cap); the\n"
	  "built-in world is not. SIGINT/SIGTERM, a cap or the time limit\n"
	  "end the walk with 'closure false' and the reason. Exit 0 clean,\n"
	  "1 findings, 2 bad input, 3 stopped early with no finding (not a\n"
	  "closure), 4 out of memory. --no-check (benchmarks) runs every\n"
	  "operation and fault but judges nothing: no verdict, so exit 3\n"
	  "and \"checks\": false; not with --out or --ktap. -j N (--jobs,\n"
	  "default: the CPUs): worker processes; the report is -j 1's.\n"
	  "--symmetry: one state for all states that differ only in which\n"
	  "object ids their objects got, or by a permutation of devices or\n"
	  "contexts the world declares identical (exact where the code uses\n"
	  "ids only to look objects up and treats alike what is alike; make\n"
	  "check-symmetry compares the findings). --orbits: also count the\n"
	  "states found up to that symmetry: after a closure, what an exact\n"
	  "--symmetry walk finds.",
	  run_explore },
	{ "replay", "FILE|-", 1, 1, replay_opts,
	  "Re-run a reproducer and print its trace (--state: the state\n"
	  "after every step). Exit 0 when it shows its 'expect' line and\n"
	  "every assertion holds, 1 when not.", run_replay },
	{ "state", "FILE|-", 1, 1, json_opts,
	  "Replay a reproducer, then print the state view after its last\n"
	  "step.", run_state },
	{ "minimise", "FILE|-", 1, 1, out_file_opts,
	  "Shrink a reproducer, keeping its finding ('minimize' works\n"
	  "too). Exit 1 if it does not reproduce.", run_minimise },
	{ "to-cmocka", "FILE|-", 1, 1, no_opts,
	  "Print a CMocka regression test for a reproducer.", run_to_cmocka },
	{ "to-selftest", "FILE|-", 1, 1, no_opts,
	  "Print a reproducer as a program for the booted kernel (make\n"
	  "confirm). Exit 3: not expressible there, and why.",
	  run_to_selftest },
	{ "check-world", "FILE|-|default", 1, 1, check_world_opts,
	  "Parse a world and boot each of its boot lines; with --print,\n"
	  "print it in normal form. Exit 0 valid, 2 not, with FILE:LINE.",
	  run_check_world },
	{ "ops", "", 0, 0, no_opts, "The operation vocabulary.", run_ops },
	{ "worlds", "[NAME]", 0, 1, no_opts,
	  "The built-in worlds and those under worlds/; print one with\n"
	  "NAME.", run_worlds },
	{ "sites", "", 0, 0, no_opts, "Every fault site in this binary.",
	  run_sites },
	{ "encode", "FILE|-", 1, 1, encode_opts,
	  "A reproducer in the fuzzer's byte form (see fuzz/README.md);\n"
	  "--hex: as hexadecimal text.", run_encode },
	{ "decode", "FILE|-", 1, 1, no_opts,
	  "A fuzzer input as a reproducer.", run_decode },
	{ "fuzz-import", "DIR|FILE...", 1, UINT_MAX, out_dir_opts,
	  "Replay a fuzzer's findings and write each new signature's\n"
	  "minimised reproducer.", run_fuzz_import },
	{ "diff", "", 0, 0, diff_opts,
	  "Run this binary's target and BIN's (another bindsim) in lock\n"
	  "step. Exit 1 on a divergence not listed in FILE.", run_diff },
	{ "serve", "", 0, 0, no_opts, "The peer side of diff (stdin/stdout).",
	  run_serve },
	{ "version", "", 0, 0, no_opts,
	  "Revision, target and the tree compiled (also --version).",
	  run_version },
	{ "help", "[COMMAND]", 0, 1, help_opts,
	  "This text, one command's, or (--man) the manual page (roff).",
	  run_help },
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

/* The width the synopsis is wrapped at. */
#define SYNOPSIS_WIDTH	64

/* "-o|--out" or "--depth" */
static void opt_name(const struct cmd_opt *o, char *buf, size_t len)
{
	if (o->key < 256)
		snprintf(buf, len, "-%c|--%s", o->key, o->name);
	else
		snprintf(buf, len, "--%s", o->name);
}

/* Append @s to @buf (of @len), wrapping at SYNOPSIS_WIDTH; @col: column */
static void synopsis_item(char *buf, size_t len, size_t *col, const char *s)
{
	size_t used = strlen(buf), n = strlen(s);

	if (used && *col + 1 + n > SYNOPSIS_WIDTH) {
		snprintf(buf + used, len - used, "\n%s", s);
		*col = n;
	} else {
		snprintf(buf + used, len - used, "%s%s", used ? " " : "", s);
		*col += (used ? 1 : 0) + n;
	}
}

/*
 * @h's synopsis: its operands, then each option as "[--NAME ARG]" (options
 * that exclude each other as "[A | B]"), wrapped into lines.
 */
static void synopsis(const struct cmd_help *h, char *buf, size_t len)
{
	const struct cmd_opt *o;
	char item[160], name[64];
	size_t col = 0, l;

	buf[0] = 0;
	if (*h->operands)
		synopsis_item(buf, len, &col, h->operands);
	for (o = h->opts; o->name; o++) {
		bool first = o == h->opts || !(o[-1].flags & OPT_OR);
		bool last = !(o->flags & OPT_OR);

		if (first)
			item[0] = 0;
		l = strlen(item);
		opt_name(o, name, sizeof(name));
		snprintf(item + l, sizeof(item) - l, "%s%s%s%s%s%s",
			 first && !(o->flags & OPT_NEEDED) ? "[" : "",
			 first ? "" : " | ", name, o->arg ? " " : "",
			 o->arg ? o->arg : "",
			 last && !(o->flags & OPT_NEEDED) ? "]" : "");
		if (last)
			synopsis_item(buf, len, &col, item);
	}
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
	char args[1024];
	const char *nl;
	int w = (int)strlen(h->name) + 9;

	synopsis(h, args, sizeof(args));
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
	       "2 bad input. Every command also takes\n-h|--help and "
	       "--version; --OPT=VALUE is --OPT VALUE, and '--' ends the\n"
	       "options.\n\n"
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
	char args[1024], *a;
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
	       ".PP\nEvery command also takes \\-h|\\-\\-help and "
	       "\\-\\-version. \\-\\-OPT=VALUE is \\-\\-OPT VALUE, \\-\\- "
	       "ends the options, and a FILE of \\- is standard input.\n"
	       ".SH COMMANDS\n", bindsim_revision(), bindsim_revision(),
	       target_kind);
	for (i = 0; i < ARRAY_SIZE(helps); i++) {
		printf(".TP\n.B %s", helps[i].name);
		synopsis(&helps[i], args, sizeof(args));
		if (*args) {
			/* synopsis on one line */
			for (a = args; *a; a++)
				if (*a == '\n')
					*a = ' ';
			fputs(" ", stdout);
			put_roff(args);
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

static int die_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "bindsim: %s%s%s\n", msg, arg ? " " : "",
		arg ? arg : "");
	fprintf(stderr, "run 'bindsim help' for usage\n");
	return 2;
}

/* "bindsim COMMAND: MESSAGE" and where to read more; exit code 2 */
static int __attribute__((format(printf, 2, 3)))
cli_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bindsim %s: ", c->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nrun 'bindsim %s --help' for usage\n",
		c->cmd->name);
	return 2;
}

/* A whole number of at most @max: digits only, no sign, no space. */
static bool parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && !*end && *v <= max;
}

static const struct cmd_opt *cli_find_opt(const struct cmd_help *h, int key)
{
	const struct cmd_opt *o;

	for (o = h->opts; o->name; o++)
		if (o->key == key)
			return o;
	for (o = common_opts; o->name; o++)
		if (o->key == key)
			return o;
	return NULL;
}

/* "--world, --depth, ..., -h|--help, --version" */
static void cli_valid(const struct cmd_help *h, char *buf, size_t len)
{
	const struct cmd_opt *lists[] = { h->opts, common_opts }, *o;
	char name[64];
	unsigned int i;
	size_t l;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		for (o = lists[i]; o->name; o++) {
			l = strlen(buf);
			opt_name(o, name, sizeof(name));
			snprintf(buf + l, len - l, "%s%s", l ? ", " : "", name);
		}
}

/* the first error of a command line, kept until the whole line is read */
static void __attribute__((format(printf, 3, 4)))
cli_note(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (*err)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* The name in an option word: "--depth" of "--depth=3". */
static int long_len(const char *word)
{
	return (int)strcspn(word, "=");
}

static int run_version(const struct cli *c)
{
	(void)c;
	printf("bindsim revision %s, target %s\n", bindsim_revision(),
	       target_describe());
	return 0;
}

/* The last value given for @key, or NULL. */
static const struct cli_val *cli_last(const struct cli *c, int key)
{
	unsigned int i = c->nr_vals;

	while (i--)
		if (c->val[i].key == key)
			return &c->val[i];
	return NULL;
}

/* The last argument given for @key, or @dflt. */
static const char *cli_arg(const struct cli *c, int key, const char *dflt)
{
	const struct cli_val *v = cli_last(c, key);

	return v ? v->arg : dflt;
}

static void cli_free(struct cli *c)
{
	free(c->val);
	free(c->operand);
}

/*
 * Parse @argv (argv[0] is the command's name) with getopt_long(), options
 * and operands in any order ("-" optstring: independent of
 * POSIXLY_CORRECT), "--" ending the options and "-" an operand. Long
 * options must be spelled whole. Returns 0 with @c filled in, 1 when
 * --help or --version was printed (either wins over any error), -1 after
 * printing the first error.
 */
static int cli_parse(const struct cmd_help *h, int argc, char **argv,
		     struct cli *c)
{
	char optstring[64] = "-:", err[1024] = "", valid[512], name[64];
	bool help = false, version = false;
	const struct cmd_opt *lists[] = { h->opts, common_opts }, *o, *g;
	struct option *lo;
	unsigned int i, n = 0;
	int key, idx, tok;

	memset(c, 0, sizeof(*c));
	c->cmd = h;
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		for (o = lists[i]; o->name; o++)
			n++;
	lo = calloc(n + 1, sizeof(*lo));
	c->val = calloc(argc, sizeof(*c->val));
	c->operand = calloc(argc, sizeof(*c->operand));
	if (!lo || !c->val || !c->operand) {
		free(lo);
		cli_free(c);
		fprintf(stderr, "bindsim: out of memory\n");
		return -1;
	}
	n = 0;
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		for (o = lists[i]; o->name; o++, n++) {
			lo[n].name = o->name;
			lo[n].has_arg = o->arg ? required_argument :
					no_argument;
			lo[n].val = o->key;
			if (o->key < 256) {
				size_t l = strlen(optstring);

				optstring[l] = (char)o->key;
				if (o->arg)
					optstring[++l] = ':';
				optstring[l + 1] = 0;
			}
		}
	cli_valid(h, valid, sizeof(valid));

	opterr = 0;
	optind = 0;	/* a fresh start: glibc re-reads its settings */
	for (;;) {
		/* a long option is always a word of its own: argv[tok] */
		tok = optind ? optind : 1;
		idx = -1;
		key = getopt_long(argc, argv, optstring, lo, &idx);
		if (key == -1)
			break;
		if (key == 1) {
			c->operand[c->nr_operands++] = optarg;
			continue;
		}
		if (key == '?' && !strncmp(argv[tok], "--", 2) && optopt) {
			cli_note(err, sizeof(err), "option '%.*s' takes no "
				 "argument", long_len(argv[tok]), argv[tok]);
			continue;
		}
		if (key == '?' && !strncmp(argv[tok], "--", 2)) {
			cli_note(err, sizeof(err), "unknown option '%.*s'; "
				 "valid: %s", long_len(argv[tok]), argv[tok],
				 valid);
			continue;
		}
		if (key == '?') {
			cli_note(err, sizeof(err), "unknown option '-%c'; "
				 "valid: %s", optopt, valid);
			continue;
		}
		if (key == ':') {
			o = cli_find_opt(h, optopt);
			opt_name(o, name, sizeof(name));
			cli_note(err, sizeof(err), "option '%s' needs its "
				 "argument %s", name, o->arg);
			continue;
		}
		/* getopt_long() takes a unique prefix; we do not */
		if (idx >= 0 && (long_len(argv[tok] + 2) !=
				 (int)strlen(lo[idx].name) ||
				 strncmp(argv[tok] + 2, lo[idx].name,
					 strlen(lo[idx].name)))) {
			cli_note(err, sizeof(err), "unknown option '%.*s'; "
				 "valid: %s", long_len(argv[tok]), argv[tok],
				 valid);
			continue;
		}
		if (key == 'h') {
			help = true;
			continue;
		}
		if (key == K_VERSION) {
			version = true;
			continue;
		}
		o = cli_find_opt(h, key);
		c->val[c->nr_vals].key = key;
		c->val[c->nr_vals].arg = optarg;
		if (o->max && !parse_ulong(optarg, o->max,
					   &c->val[c->nr_vals].num)) {
			opt_name(o, name, sizeof(name));
			cli_note(err, sizeof(err), "%s '%s': not a whole "
				 "number from 0 to %lu", name, optarg, o->max);
		}
		c->nr_vals++;
	}
	free(lo);
	/* "--" ends the options: the rest are operands */
	while (optind < argc)
		c->operand[c->nr_operands++] = argv[optind++];

	/* options that exclude each other, and those that are needed */
	for (g = h->opts; g->name; g = o + 1) {
		const struct cmd_opt *seen = NULL;

		for (o = g; ; o++) {
			for (i = 0; i < c->nr_vals; i++)
				if (c->val[i].key == o->key)
					break;
			if (i < c->nr_vals && seen)
				cli_note(err, sizeof(err), "--%s and --%s "
					 "exclude each other", seen->name,
					 o->name);
			if (i < c->nr_vals && !seen)
				seen = o;
			if (i == c->nr_vals && (o->flags & OPT_NEEDED))
				cli_note(err, sizeof(err), "needs --%s %s",
					 o->name, o->arg);
			if (!(o->flags & OPT_OR))
				break;
		}
	}
	if (c->nr_operands < h->min_operands)
		cli_note(err, sizeof(err), "missing %s", h->operands);
	if (c->nr_operands > h->max_operands)
		cli_note(err, sizeof(err), "unexpected operand '%s'",
			 c->operand[h->max_operands]);

	if (help || version) {
		if (help)
			print_cmd_help(h);
		else
			run_version(c);
		cli_free(c);
		return 1;
	}
	if (*err) {
		cli_error(c, "%s", err);
		cli_free(c);
		return -1;
	}
	return 0;
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

/* What run_explore does with each finding when it is first seen. */
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
	struct bfinding f = ef->f;
	unsigned int i;

	check_title(&f, title, sizeof(title));
	printf("%s\n%sBUG: %s\n%s  report: %s\n%s  %s\n%s  at %s\n",
	       *p ? "#" : "", p, f.sig, p, title, p, f.msg, p, f.where);
	if (f.alloc[0])
		printf("%s  %s\n", p, f.alloc);
	/* the call chains, from a replay of the minimised reproducer */
	if (repro_chains_of(&ef->repro, &f))
		repro_print_chains(stdout, &f, p);
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

/*
 * The rest of explore --json's "timing" object: what the states cost in
 * memory. bytes_per_state is what the explorer stores (image deltas, keys,
 * per-state records, hash table); peak_rss_per_state is the whole process.
 * One line, as the object is: scripts drop it with one sed expression.
 */
static void explore_json_memory(const struct explore_stats *st)
{
	size_t stored = st->snapshot_bytes + st->record_bytes +
			st->table_bytes;
	double n = st->states ? st->states : 1;

	printf("\"image_bytes\": %zu, \"key_bytes\": %zu, "
	       "\"record_bytes\": %zu, \"table_bytes\": %zu, ",
	       st->snapshot_bytes - st->key_bytes, st->key_bytes,
	       st->record_bytes, st->table_bytes);
	printf("\"bytes_per_state\": %.1f, \"peak_rss_per_state\": %.1f, "
	       "\"keyframes\": %llu, \"deltas_decoded\": %llu}}\n",
	       stored / n, st->peak_rss_kb * 1024.0 / n, st->keyframes,
	       st->deltas_decoded);
}

/* --time-limit: seconds, a positive number (decimal, not hex). */
static bool parse_secs(const char *s, double *v)
{
	char *end;

	if (!s || (!isdigit((unsigned char)*s) && *s != '.') ||
	    strpbrk(s, "xX"))
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return !errno && !*end && *v > 0 && *v <= 1e9;
}

/* --shard I/N: whole numbers, I < N */
static bool parse_shard(const char *s, struct explore_opts *o)
{
	const char *slash = strchr(s, '/');
	unsigned long i, n;
	char buf[16];

	if (!slash || slash - s >= (int)sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%.*s", (int)(slash - s), s);
	if (!parse_ulong(buf, NUM_MAX, &i) ||
	    !parse_ulong(slash + 1, NUM_MAX, &n) || i >= n)
		return false;
	o->shard = i;
	o->nr_shards = n;
	return true;
}

/* the finding kinds --stop-on takes, for its error message */
static void finding_kinds(char *buf, size_t len)
{
	size_t l;
	int k;

	buf[0] = 0;
	for (k = 0; k < SIM_F_NR; k++) {
		l = strlen(buf);
		snprintf(buf + l, len - l, "%s%s", k ? ", " : "",
			 sim_finding_kind_name(k));
	}
}

static int run_explore(const struct cli *c)
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
	unsigned int nr = 0, i, nsites;
	char err[300], *text = NULL;
	const char *p;
	struct stat sb;
	int rc;

	for (i = 0; i < c->nr_vals; i++) {
		const struct cli_val *v = &c->val[i];

		switch (v->key) {
		case K_WORLD:
			world = v->arg;
			break;
		case K_DEPTH:
			o.depth = v->num;
			break;
		case K_CLOSURE:
			o.depth = -1;
			break;
		case K_SHARD:
			if (!parse_shard(v->arg, &o))
				return cli_error(c, "--shard '%s': not I/N "
						 "with I < N", v->arg);
			break;
		case K_MAX_FINDINGS:
			o.max_findings = v->num;
			break;
		case K_MAX_STATES:
			o.max_states = v->num;
			max_states_set = true;
			break;
		case K_MAX_MEMORY:
			o.max_memory_mib = v->num;
			max_memory_set = true;
			break;
		case K_TIME_LIMIT:
			if (!parse_secs(v->arg, &o.time_limit))
				return cli_error(c, "--time-limit '%s': not a "
						 "number of seconds above 0",
						 v->arg);
			break;
		case K_STOP_ON:
			o.stop_kind = sim_finding_kind_parse(v->arg);
			if (o.stop_kind < 0) {
				finding_kinds(err, sizeof(err));
				return cli_error(c, "--stop-on '%s': unknown "
						 "finding kind; valid: %s",
						 v->arg, err);
			}
			break;
		case K_NO_FAULTS:
			o.no_faults = true;
			break;
		case K_NO_CHECK:
			o.no_check = true;
			break;
		case K_SYMMETRY:
			o.symmetry = true;
			break;
		case K_ORBITS:
			o.count_orbits = true;
			break;
		case 'j':
			if (!v->num)
				return cli_error(c, "-j '%s': 1 to 256 jobs",
						 v->arg);
			o.jobs = v->num;
			break;
		case K_JSON:
			json = true;
			break;
		case K_KTAP:
			ktap = true;
			break;
		case K_PROGRESS:
			progress = true;
			break;
		case K_SITES:
			sites = true;
			break;
		case K_OUT:
			out = v->arg;
			break;
		}
	}
	/* an unchecked walk finds nothing: it must not look like a verdict */
	if (o.no_check && (out || ktap))
		return cli_error(c, "--no-check judges nothing: not with --out "
				 "or --ktap");
	if (!o.jobs)
		o.jobs = sysconf(_SC_NPROCESSORS_ONLN) > 1 ?
			 sysconf(_SC_NPROCESSORS_ONLN) : 1;
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
		printf("%sbindsim explore: world %s, revision %s, %s%s%s%s\n",
		       p, spec.name, bindsim_revision(),
		       o.depth < 0 ? "to closure" : "depth bound",
		       o.nr_shards > 1 ? " (sharded)" : "",
		       o.symmetry ? ", up to symmetry" : "",
		       o.no_check ? ", NO CHECKS (a benchmark, not a verdict)" :
		       "");
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
		printf("{\"symmetry\": %s, \"revision\": ",
		       o.symmetry ? "true" : "false");
		json_str(stdout, bindsim_revision());
		printf(", \"world\": ");
		json_str(stdout, spec.name);
		printf(", \"depth\": %d, \"shard\": \"%u/%u\", \"faults\": %s,%s\n",
		       o.depth, o.shard, o.nr_shards,
		       o.no_faults ? "false" : "true",
		       o.no_check ? " \"checks\": false," : "");
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
		if (o.count_orbits)
			printf(" \"orbits\": %llu,\n", st.orbits);
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
		       "\"peak_rss_kb\": %ld, \"snapshot_bytes\": %zu, ",
		       nr ? "\n " : "", st.secs, st.peak_rss_kb,
		       st.snapshot_bytes);
		if (o.jobs > 1)
			printf("\"jobs\": %u, \"levels_forked\": %u, "
			       "\"merge_cpu\": %.3f, \"workers_cpu\": %.3f, "
			       "\"critical_cpu\": %.3f, ", o.jobs,
			       st.par_levels, st.par_merge_cpu,
			       st.par_worker_cpu, st.par_critical_cpu);
		explore_json_memory(&st);
	} else {
		if (nr)
			printf("%s\n", *p ? "#" : "");
		printf("%s  states          %llu%s\n", p, st.states,
		       st.closure ? " (closure)" : "");
		if (o.count_orbits)
			printf("%s  up to symmetry  %llu\n", p, st.orbits);
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
		if (o.no_check)
			printf("%s  checks          none (--no-check: a benchmark, "
			       "not a verdict)\n", p);
		printf("%s  findings        %u\n", p, nr);
		for (i = 0; i < nr; i++)
			printf("%s    %s (seen %llu times, first after "
			       "%.2f s)\n", p, fs[i].f.sig, fs[i].count,
			       fs[i].secs);
		printf("%s  time            %.2f s (%.0f transitions/s)\n", p,
		       st.secs, st.secs > 0 ?
		       (st.transitions + st.injections) / st.secs : 0.0);
		printf("%s  peak memory     %ld MiB (%.0f bytes a state)\n", p,
		       st.peak_rss_kb / 1024, st.states ?
		       st.peak_rss_kb * 1024.0 / st.states : 0.0);
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
	 * nothing found: not a closure, so not clean either; or --no-check,
	 * which judged nothing.
	 */
	rc = nr ? 1 : st.stop >= EXPLORE_STOP_INTERRUPTED || o.no_check ?
	     3 : 0;
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
static int replay_or_state(const struct cli *c, bool state_cmd)
{
	struct check_result *out;
	const char *file = c->operand[0];
	bool json = cli_last(c, K_JSON), state = cli_last(c, K_STATE), ok;
	const int *rets;
	const struct op_result *results;
	unsigned int nret;
	struct repro r;
	unsigned int i;
	int rc;

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
	results = repro_last_results(&nret);
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
			char op[OP_TEXT], res_text[512];

			op_format(&r.spec, &r.steps[i].op, &r.steps[i].fault,
				  op, sizeof(op));
			printf("%s{\"op\": ", i ? ", " : "");
			json_str(stdout, op);
			printf(", \"ret\": %d", rets[i]);
			op_format_result(&r.steps[i].op, &results[i],
					 res_text, sizeof(res_text));
			if (res_text[0]) {
				printf(", \"out\": ");
				json_str(stdout, res_text);
			}
			printf("}");
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

static int run_replay(const struct cli *c)
{
	return replay_or_state(c, false);
}

static int run_state(const struct cli *c)
{
	return replay_or_state(c, true);
}

static int run_minimise(const struct cli *c)
{
	const char *file = c->operand[0], *outp = cli_arg(c, 'o', NULL);
	struct repro r;
	unsigned int before;
	FILE *f = stdout;
	int rc;

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

static int run_to_cmocka(const struct cli *c)
{
	struct repro r;
	char err[300];
	char *text;
	int rc;

	rc = load_repro(c->operand[0], &r, false);
	if (rc)
		return rc;
	text = sim_read_text_file(c->operand[0], err, sizeof(err));
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

static int run_to_selftest(const struct cli *c)
{
	return selftest_gen_main(c->operand[0]);
}

static int run_ops(const struct cli *c)
{
	(void)c;
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
	       "IOAS ioctls (explored where a world says 'ops ...'):\n"
	       "  ioas-alloc CTX            IOMMU_IOAS_ALLOC\n"
	       "  ioas-map CTX IOAS IOVA LENGTH   IOMMU_IOAS_MAP at a fixed "
	       "IOVA\n"
	       "  ioas-unmap CTX IOAS IOVA LENGTH | all   IOMMU_IOAS_UNMAP\n"
	       "  ioas-iova-ranges CTX IOAS IOMMU_IOAS_IOVA_RANGES\n"
	       "suffix: = RET asserts the return code (0, -EINVAL, -22)\n"
	       "suffix: fail=FUNC:WHAT#HIT@ORDINAL or fail=@ORDINAL "
	       "injects a fault\n");
	return 0;
}

static int run_worlds(const struct cli *c)
{
	struct dirent **ents;
	int n, i;

	if (c->nr_operands == 0) {
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
	if (!strcmp(c->operand[0], "default")) {
		fputs(world_default_text, stdout);
		return 0;
	}
	return cli_error(c, "unknown world '%s'", c->operand[0]);
}

/*
 * check-world FILE [--print]: a world parses and every boot line boots.
 * What each boot registers with VFIO is printed, since a noiommu device
 * registers only where the boot opts in.
 */
static int run_check_world(const struct cli *c)
{
	const char *file = c->operand[0];
	struct world_spec spec;
	bool print = cli_last(c, K_PRINT);
	unsigned int b, i;
	char err[400];

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

static int run_diff(const struct cli *c)
{
	const char *world = cli_arg(c, K_WORLD, "default");
	const char *peer = cli_arg(c, K_PEER, NULL);
	const char *abst = cli_arg(c, K_ABSTRACTIONS, NULL);
	const char *out = cli_arg(c, K_OUT, NULL);
	bool sigs_only = cli_last(c, K_SIGS);
	struct diff_opts o = { .depth = -1 };
	struct world_spec spec;
	struct diff_stats st;
	char err[256], **listed = NULL;
	int nl = 0, unlisted = 0, i;

	/* the parser refused --depth with --closure */
	if (cli_last(c, K_DEPTH))
		o.depth = cli_last(c, K_DEPTH)->num;
	/* the peer is sent the world's path, not its text */
	if (!strcmp(world, "-"))
		return cli_error(c, "--world needs a file, not '-'");
	if (access(peer, X_OK))
		return cli_error(c, "--peer '%s': not an executable", peer);
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

static int run_sites(const struct cli *c)
{
	unsigned int n, i;
	const struct sim_site *s = sim_fault_sites(&n);
	char name[128];

	(void)c;
	for (i = 0; i < n; i++) {
		sim_site_name(&s[i], name, sizeof(name));
		printf("%-44s %s:%d\n", name, s[i].file, s[i].line);
	}
	return 0;
}

static int run_serve(const struct cli *c)
{
	(void)c;
	return diff_serve();
}

static int run_encode(const struct cli *c)
{
	return fuzzio_encode(c->operand[0], cli_arg(c, 'o', NULL),
			     cli_last(c, K_HEX));
}

static int run_decode(const struct cli *c)
{
	return fuzzio_decode(c->operand[0]);
}

static int run_fuzz_import(const struct cli *c)
{
	const char *outdir = cli_arg(c, K_OUT, "fuzz-triage");
	unsigned int i;

	for (i = 0; i < c->nr_operands; i++)
		if (!strcmp(c->operand[i], "-"))
			return cli_error(c, "reads files and directories, "
					 "not '-'");
	return fuzzio_import(outdir, c->nr_operands, c->operand);
}

static int run_help(const struct cli *c)
{
	const struct cmd_help *h;

	if (c->nr_vals) {
		if (c->nr_operands)
			return cli_error(c, "--man and COMMAND exclude each "
					 "other");
		print_man();
		return 0;
	}
	if (!c->nr_operands) {
		print_usage();
		return 0;
	}
	h = find_help(c->operand[0]);
	if (!h) {
		fprintf(stderr, "bindsim: help: unknown command %s\n",
			c->operand[0]);
		return 2;
	}
	print_cmd_help(h);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd_help *h;
	struct cli c;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return die_usage("missing command", NULL);
	if (!strcmp(argv[1], "--version"))
		return run_version(NULL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage();
		return 0;
	}
	h = find_help(argv[1]);
	if (!h)
		return die_usage("unknown command", argv[1]);
	/* the command's name is the parser's argv[0] */
	rc = cli_parse(h, argc - 1, argv + 1, &c);
	if (rc)
		return rc < 0 ? 2 : 0;
	rc = h->run(&c);
	cli_free(&c);
	return rc;
}
