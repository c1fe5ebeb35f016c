// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs a reproducer, as a table from 'bindsim to-selftest', on the booted
 * kernel through the real uAPI and says what the kernel did:
 *
 * - every step's return code against bindsim's (KTAP ok / not ok);
 * - atomicity: a failed step that changed an IOAS's usable ranges
 *   (IOMMU_IOAS_IOVA_RANGES before and after), with an IOMMU_IOAS_MAP
 *   FIXED_IOVA probe of the devices' reserved MSI window before and after;
 * - leaks: kmemleak after closing everything (objects younger than 5 s are
 *   never reported, so it waits, then scans twice);
 * - WARN/BUG/Oops in the kernel log (/dev/kmsg, from the start of the run).
 *
 * An injected fault is /proc/self/task/TID/fail-nth set to bindsim's
 * ordinal of the fault point: an approximation, since the kernel's
 * injectable calls are not bindsim's fault points (failslab and
 * fail_iommufd count; xarray nodes and driver calls mostly do not). The
 * kernel's stack trace of the injected failure is in the log excerpt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "runtime.h"

#define DBG "/sys/kernel/debug"
#define MAX_RANGES 16

static int ctx_fd[CF_MAX_CTXS] = { -1, -1, -1 };
static uint32_t ctx_ioas[CF_MAX_CTXS];
static int dev_fd[CF_MAX_DEVS] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static int kmsg_fd = -1;

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* Usable ranges of IOAS @id in @fd as text, "" when unreadable. */
static void ranges(int fd, uint32_t id, char *buf, size_t len)
{
	struct iommu_iova_range r[MAX_RANGES];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = id, .num_iovas = MAX_RANGES,
		.allowed_iovas = (uintptr_t)r,
	};
	size_t off = 0;
	unsigned int i;

	buf[0] = 0;
	if (fd < 0 || !id || xioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q))
		return;
	for (i = 0; i < q.num_iovas && i < MAX_RANGES && off < len; i++)
		off += snprintf(buf + off, len - off, "%s0x%llx-0x%llx",
				i ? " " : "", (unsigned long long)r[i].start,
				(unsigned long long)r[i].last);
}

/* IOMMU_IOAS_MAP FIXED_IOVA of one page at @iova; unmapped again. */
static int map_fixed(int ctx, uint64_t iova, uint64_t length)
{
	void *p = mmap(NULL, length, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iommu_ioas_map m = {
		.size = sizeof(m), .ioas_id = ctx_ioas[ctx],
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)p, .length = length, .iova = iova,
	};
	int rc;

	if (p == MAP_FAILED)
		return -ENOMEM;
	rc = xioctl(ctx_fd[ctx], IOMMU_IOAS_MAP, &m);
	return rc;
}

static int probe_window(const struct cf_test *t, int ctx, const char *when)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ctx_ioas[ctx],
		.iova = t->window, .length = 0x1000,
	};
	int rc = map_fixed(ctx, t->window, 0x1000);

	printf("# %s: %s: IOMMU_IOAS_MAP FIXED_IOVA 0x%llx+0x1000 into IOAS %u = %d%s\n",
	       when, t->ctxs[ctx].name, (unsigned long long)t->window,
	       ctx_ioas[ctx], rc, rc ? "" : " (the reserved window is mappable)");
	if (!rc)
		xioctl(ctx_fd[ctx], IOMMU_IOAS_UNMAP, &u);
	return rc;
}

static int fail_nth_path(char *buf, size_t len)
{
	return snprintf(buf, len, "/proc/self/task/%ld/fail-nth",
			(long)syscall(SYS_gettid));
}

static void set_param(int param, int value)
{
	static const char *const path[] = {
		[CF_ALLOW_UNSAFE_INTERRUPTS] =
			"/sys/module/iommufd/parameters/allow_unsafe_interrupts",
		[CF_ENABLE_UNSAFE_NOIOMMU_MODE] =
			"/sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
	};
	int rc;

	if (param == CF_CAP_SYS_RAWIO || value < 0)
		return;		/* the generator refuses cap_sys_rawio */
	rc = write_file(path[param], value ? "Y" : "N");
	if (rc)
		printf("# cannot set %s: %d\n", path[param], rc);
}

/* @fd: the cdev, opened before fail-nth is armed (bind only). */
static int run_op(const struct cf_step *s, int fd, uint32_t *out)
{
	int rc;

	*out = 0;
	switch (s->kind) {
	case CF_BIND: {
		struct vfio_device_bind_iommufd b = {
			.argsz = sizeof(b), .iommufd = ctx_fd[s->ctx],
		};

		if (fd < 0)
			return fd;
		rc = xioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &b);
		if (rc) {
			close(fd);
			return rc;
		}
		dev_fd[s->dev] = fd;
		*out = b.out_devid;
		return 0;
	}
	case CF_UNBIND:
		if (dev_fd[s->dev] >= 0)
			close(dev_fd[s->dev]);
		dev_fd[s->dev] = -1;
		return 0;
	case CF_ATTACH: {
		struct vfio_device_attach_iommufd_pt a = {
			.argsz = sizeof(a), .pt_id = s->id, .pasid = s->pasid,
			.flags = s->pasid ? VFIO_DEVICE_ATTACH_PASID : 0,
		};

		rc = xioctl(dev_fd[s->dev], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
		*out = a.pt_id;
		return rc;
	}
	case CF_DETACH: {
		struct vfio_device_detach_iommufd_pt d = {
			.argsz = sizeof(d), .pasid = s->pasid,
			.flags = s->pasid ? VFIO_DEVICE_DETACH_PASID : 0,
		};

		return xioctl(dev_fd[s->dev], VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
	}
	case CF_HWPT_ALLOC: {
		struct iommu_hwpt_alloc h = {
			.size = sizeof(h), .dev_id = s->id, .pt_id = s->id2,
			.flags = s->flags ? IOMMU_HWPT_ALLOC_PASID : 0,
			.data_type = IOMMU_HWPT_DATA_NONE,
		};

		rc = xioctl(ctx_fd[s->ctx], IOMMU_HWPT_ALLOC, &h);
		*out = h.out_hwpt_id;
		return rc;
	}
	case CF_DESTROY: {
		struct iommu_destroy d = { .size = sizeof(d), .id = s->id };

		return xioctl(ctx_fd[s->ctx], IOMMU_DESTROY, &d);
	}
	case CF_CLOSE:
		if (ctx_fd[s->ctx] >= 0)
			close(ctx_fd[s->ctx]);
		ctx_fd[s->ctx] = -1;
		return 0;
	case CF_SET:
		set_param(s->param, s->value);
		return 0;
	}
	return -EINVAL;
}

struct observed {
	unsigned int mismatches;
	char atomicity[32];	/* op of the first failed step that changed
				 * an IOAS's ranges */
	bool leak, warn, oops;
};

/*
 * Every kernel log line since the last drain, as "# dmesg:". With @site
 * (bindsim's FUNC:WHAT of an injected fault), also says which kernel
 * function the injection hit: the first module frame after the
 * FAULT_INJECTION line (a static function may be inlined into its caller).
 */
static void drain_kmsg(struct observed *o, const char *site)
{
	bool in_fault = false, named = false;

	char rec[8192];
	ssize_t n;

	if (kmsg_fd < 0)
		return;
	for (;;) {
		char *msg, *nl;

		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		printf("# dmesg: %s\n", msg);
		if (site && strstr(msg, "FAULT_INJECTION"))
			in_fault = true;
		if (site && in_fault && !named && msg[0] == ' ' &&
		    msg[1] != '?' && (strstr(msg, "[iommufd]") ||
				      strstr(msg, "[vfio]"))) {
			named = true;
			printf("# fail-nth hit%s; bindsim's site is %s\n", msg,
			       site);
		}
		if (strstr(msg, "WARNING:"))
			o->warn = true;
		if (strstr(msg, "BUG:") || strstr(msg, "Oops"))
			o->oops = true;
	}
}

static void kmemleak(struct observed *o)
{
	char line[512];
	FILE *f;

	/* kmemleak reports nothing younger than 5 s; scan twice */
	sleep(6);
	write_file(DBG "/kmemleak", "scan");
	sleep(1);
	write_file(DBG "/kmemleak", "scan");
	f = fopen(DBG "/kmemleak", "r");
	if (!f) {
		printf("# kmemleak: not available (%d)\n", -errno);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		printf("# kmemleak: %s\n", line);
		if (strstr(line, "iommufd"))
			o->leak = true;
	}
	fclose(f);
}

static void setup(const struct cf_test *t)
{
	unsigned int c, m;
	int p;

	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	write_file(DBG "/kmemleak", "clear");
	/* fail-nth fails GFP_KERNEL allocations only with this */
	write_file(DBG "/failslab/ignore-gfp-wait", "N");
	for (p = 0; p < 3; p++)
		set_param(p, t->params[p]);
	for (c = 0; c < t->nr_ctxs; c++) {
		struct iommu_ioas_alloc a = { .size = sizeof(a) };

		ctx_fd[c] = open("/dev/iommu", O_RDWR);
		if (ctx_fd[c] < 0) {
			printf("# cannot open /dev/iommu: %d\n", -errno);
			continue;
		}
		if (!t->ctxs[c].ioas)
			continue;
		if (xioctl(ctx_fd[c], IOMMU_IOAS_ALLOC, &a))
			printf("# %s: IOMMU_IOAS_ALLOC failed: %d\n",
			       t->ctxs[c].name, -errno);
		ctx_ioas[c] = a.out_ioas_id;
		for (m = 0; m < t->ctxs[c].nr_maps; m++)
			printf("# %s: world mapping 0x%llx+0x%llx: %d\n",
			       t->ctxs[c].name,
			       (unsigned long long)t->ctxs[c].maps[m].iova,
			       (unsigned long long)t->ctxs[c].maps[m].length,
			       map_fixed(c, t->ctxs[c].maps[m].iova,
					 t->ctxs[c].maps[m].length));
	}
}

static void step(const struct cf_test *t, unsigned int i, struct observed *o)
{
	const struct cf_step *s = &t->steps[i];
	char before[CF_MAX_CTXS][512], after[512], nth[64], back[32] = "";
	bool failing = s->fail_nth || (s->expect_known && s->expect_rc);
	unsigned int c;
	uint32_t out;
	int rc, fd = -1;

	for (c = 0; c < t->nr_ctxs; c++) {
		ranges(ctx_fd[c], ctx_ioas[c], before[c], sizeof(before[c]));
		if (failing && before[c][0])
			probe_window(t, c, "before");
	}
	if (s->kind == CF_BIND) {
		fd = open(t->dev_paths[s->dev], O_RDWR);
		if (fd < 0)
			fd = -errno;
	}
	fail_nth_path(nth, sizeof(nth));
	if (s->fail_nth) {
		char v[16];

		snprintf(v, sizeof(v), "%u", s->fail_nth);
		if (write_file(nth, v))
			printf("# cannot arm %s\n", nth);
	}
	rc = run_op(s, fd, &out);
	if (s->fail_nth) {
		fd = open(nth, O_RDWR);
		if (fd >= 0) {
			ssize_t n = read(fd, back, sizeof(back) - 1);

			back[n > 0 ? n : 0] = 0;
			back[strcspn(back, "\n")] = 0;
			if (write(fd, "0", 1) < 0)
				printf("# cannot disarm %s\n", nth);
			close(fd);
		}
		printf("# fail-nth %u for bindsim's %s: %s\n", s->fail_nth,
		       s->fail_site,
		       strcmp(back, "0") ? "nothing injected" : "injected");
		drain_kmsg(o, s->fail_site);
	}
	if (out)
		printf("# %s: id %u\n", s->text, out);
	for (c = 0; rc && c < t->nr_ctxs; c++) {
		if (!before[c][0])
			continue;
		ranges(ctx_fd[c], ctx_ioas[c], after, sizeof(after));
		printf("# %s IOAS %u ranges before: %s\n", t->ctxs[c].name,
		       ctx_ioas[c], before[c]);
		printf("# %s IOAS %u ranges after:  %s\n", t->ctxs[c].name,
		       ctx_ioas[c], after);
		probe_window(t, c, "after");
		if (strcmp(before[c], after) && !o->atomicity[0]) {
			snprintf(o->atomicity, sizeof(o->atomicity), "%.*s",
				 (int)strcspn(s->text, " "), s->text);
			printf("# kernel: failed '%s' (%d) changed %s's IOAS\n",
			       s->text, rc, t->ctxs[c].name);
		}
	}
	if (!s->expect_known)
		printf("ok %u - %s = %d # SKIP bindsim stopped before it\n",
		       i + 1, s->text, rc);
	else if (rc == s->expect_rc || (s->fail_nth && rc && s->expect_rc))
		printf("ok %u - %s = %d (bindsim %d)\n", i + 1, s->text, rc,
		       s->expect_rc);
	else {
		o->mismatches++;
		printf("not ok %u - %s = %d, bindsim %d\n", i + 1, s->text, rc,
		       s->expect_rc);
	}
}

int cf_run(const struct cf_test *t)
{
	struct observed o = { 0 };
	const char *kind = t->expect;
	bool confirmed;
	size_t klen = strcspn(kind, " ");
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..%u\n# %s: expects %s\n", t->nr_steps + 1,
	       t->name, t->expect);
	setup(t);
	for (i = 0; i < t->nr_steps; i++)
		step(t, i, &o);
	for (i = 0; i < t->nr_devs; i++)
		if (dev_fd[i] >= 0)
			close(dev_fd[i]);
	for (i = 0; i < t->nr_ctxs; i++)
		if (ctx_fd[i] >= 0)
			close(ctx_fd[i]);
	kmemleak(&o);
	drain_kmsg(&o, NULL);
	if (!strcmp(kind, "clean"))
		confirmed = !o.mismatches && !o.atomicity[0] && !o.leak &&
			    !o.warn && !o.oops;
	else if (!strncmp(kind, "atomicity", klen))
		confirmed = o.atomicity[0] &&
			    !strcmp(kind + klen + 1, o.atomicity);
	else if (!strncmp(kind, "leak", klen))
		confirmed = o.leak;
	else if (!strncmp(kind, "warn", klen))
		confirmed = o.warn;
	else if (!strncmp(kind, "oops", klen))
		confirmed = o.oops;
	else
		confirmed = false;
	printf("%s %u - kernel agrees with bindsim's '%s'\n",
	       confirmed ? "ok" : "not ok", t->nr_steps + 1, t->expect);
	printf("# kernel saw: %u return-code mismatches, atomicity %s, leak %s, WARN %s, BUG %s\n",
	       o.mismatches, o.atomicity[0] ? o.atomicity : "none",
	       o.leak ? "yes" : "no", o.warn ? "yes" : "no",
	       o.oops ? "yes" : "no");
	printf("# verdict: %s: %s\n", t->name,
	       confirmed ? "confirmed" : "not confirmed");
	return 0;
}
