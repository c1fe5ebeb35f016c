// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_ops: the one fuzz harness. The input is the fuzzer byte form of a
 * scenario (sim/fuzzio.h): byte 0 picks the world and boot variant, then
 * OP_BYTES per operation with that operation's fault ordinal. The bytes
 * become a reproducer through fuzz_bytes_to_repro(), the same decoder
 * 'bindsim fuzz-import' uses, and run through repro_run(): a fresh boot,
 * every check after every step, exactly as the explorer and replay do.
 * A finding is a crash: the signatures, the trace and the reproducer go
 * to stderr, then abort().
 *
 * Builds from this one file (mk/fuzz.mk):
 *   AFL++      afl-clang-fast -DFUZZ_AFL: AFL++'s own persistent mode
 *              (main() below): the fork server starts after the worlds
 *              are loaded and every buffer is allocated, the input comes
 *              from shared memory, FUZZ_AFL_LOOP inputs per process
 *   libFuzzer  clang-14 -fsanitize=fuzzer,address,undefined
 *   replay     gcc -DFUZZ_STANDALONE: main() runs the files (or the files
 *              in the directories) given as arguments, for valgrind and
 *              coverage
 * The AFL++ build given files as arguments runs them as the replay does.
 */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzzio.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Large and reused across runs; everything in them is reset per input. */
static struct repro fz_repro;
static struct check_result fz_out;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[320];

	(void)argc;
	(void)argv;
	if (fuzz_worlds_init(err, sizeof(err))) {
		fprintf(stderr, "fuzz_ops: %s\n", err);
		exit(2);
	}
	return 0;
}

static void report_and_abort(struct repro *r, const struct check_result *out)
{
	struct check_result *again = calloc(1, sizeof(*again));
	unsigned int i;

	fprintf(stderr, "\nfuzz_ops: revision %s: %u finding(s)\n",
		bindsim_revision(), out->nr);
	for (i = 0; i < out->nr; i++)
		fprintf(stderr, "  signature: %s\n", out->f[i].sig);
	fprintf(stderr, "\n--- trace\n");
	/* every crashing input ends here: no addr2line per crash */
	r->no_chains = true;
	if (again)
		repro_run(r, stderr, again);
	snprintf(r->expect, sizeof(r->expect), "%s", out->f[0].sig);
	fprintf(stderr, "\n--- reproducer (bindsim fuzz-import minimises "
		"it)\n");
	repro_write(stderr, r, &out->f[0]);
	fflush(stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_bytes_to_repro(data, size, &fz_repro))
		return 0;
	if (repro_run(&fz_repro, NULL, &fz_out)) {
		/* every world the decoder picks boots: this is a bug */
		fprintf(stderr, "fuzz_ops: world %s boot %u does not boot\n",
			fz_repro.spec.name, fz_repro.boot);
		abort();
	}
	/* a broken caller contract ends the run: the caller's bug */
	if (fz_out.nr && !(fz_out.nr == 1 && fz_out.f[0].kind == SIM_F_CALLER))
		report_and_abort(&fz_repro, &fz_out);
	repro_free(&fz_repro);
	return 0;
}

#if defined(FUZZ_STANDALONE) || defined(FUZZ_AFL)
static unsigned int nr_run;

static int run_file(const char *path)
{
	uint8_t buf[FUZZ_MAX_BYTES];
	size_t len;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "fuzz_ops: cannot open %s\n", path);
		return -1;
	}
	/* bytes past FUZZ_MAX_BYTES are never decoded */
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	fprintf(stderr, "fuzz_ops: running %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	nr_run++;
	return 0;
}

static int run_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	int n, i, rc = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "fuzz_ops: cannot open %s\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char full[1024];

		snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !stat(full, &st) &&
		    S_ISREG(st.st_mode) && run_file(full))
			rc = -1;
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int run_args(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 1; i < argc; i++)
		if (run_path(argv[i]))
			rc = 2;
	fprintf(stderr, "fuzz_ops: revision %s: %u input(s), no finding\n",
		bindsim_revision(), nr_run);
	return rc;
}
#endif

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...  (replay fuzz inputs; "
			"aborts on the first finding)\n", argv[0]);
		return 2;
	}
	return run_args(argc, argv);
}
#endif

#ifdef FUZZ_AFL
/*
 * Inputs per process before the fork server forks a fresh one (a crash
 * forks one too); FUZZ_AFL_LOOP=N in the environment overrides it, 0 for
 * no limit. Every input boots its world afresh, so a process carries
 * nothing from one input to the next but the buffers: the count only
 * spreads the cost of a fork, measured at about 150 us of CPU against
 * about 30 us per input (FUZZ_AFL_LOOP=1 runs 6x slower, 10 about 1.5x):
 * 10000 costs some 0.05%, within the noise of no limit (fuzz/README.md).
 */
#ifndef FUZZ_AFL_LOOP
#define FUZZ_AFL_LOOP 10000
#endif

__AFL_FUZZ_INIT();

/*
 * Run every world and boot variant once, with and without an operation,
 * before the fork server starts: whatever repro_run() and the engine
 * allocate or set up on first use is then there in every child, and the
 * first input of a child takes the same paths as its thousandth (AFL++'s
 * stability). Findings are not reported here: the loop reports them.
 */
static void warm_up(void)
{
	uint8_t in[1 + OP_BYTES] = { 0 };
	unsigned int b;

	for (b = 0; b < 256; b++) {
		in[0] = b;
		if (!fuzz_bytes_to_repro(in, b & 1 ? sizeof(in) : 1,
					 &fz_repro)) {
			repro_run(&fz_repro, NULL, &fz_out);
			repro_free(&fz_repro);
		}
	}
}

/*
 * Not instrumented (fuzz/afl-denylist): the loop's exit test is compiled
 * twice, and the copy every input but a process's first passes through
 * would be an edge of its own, an unstable one.
 */
int main(int argc, char **argv)
{
	const uint8_t *buf;
	long loop = FUZZ_AFL_LOOP;
	const char *env = getenv("FUZZ_AFL_LOOP");

	LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1)
		return run_args(argc, argv);
	if (env) {
		char *end;

		loop = strtol(env, &end, 10);
		if (!*env || *end || loop < 0) {
			fprintf(stderr, "fuzz_ops: FUZZ_AFL_LOOP=%s: not a "
				"count (0: no limit)\n", env);
			return 2;
		}
		if (!loop || loop > INT_MAX)
			loop = INT_MAX;
	}
	warm_up();
	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	/* outside afl-fuzz: one input from stdin */
	while (__AFL_LOOP(loop))
		LLVMFuzzerTestOneInput(buf, __AFL_FUZZ_TESTCASE_LEN);
	return 0;
}
#endif
