/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/types.h>

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __maybe_unused __attribute__((unused))

/* Kconfig switches are world settings, so one binary explores them all. */
#define IS_ENABLED(option) (sim_kernel()->settings.option)

/* Capabilities of the calling task. */
#define CAP_SYS_RAWIO 17
static inline bool capable(int cap)
{
	return cap == CAP_SYS_RAWIO && sim_kernel()->settings.cap_sys_rawio;
}

/* Taint flags (subset). */
#define TAINT_USER 6
#define LOCKDEP_STILL_OK 0
static inline void add_taint(unsigned int flag, int lockdep_ok)
{
	(void)lockdep_ok;
	sim_kernel()->taint |= 1UL << flag;
}

/* Log messages are not modelled; arguments are evaluated for side effects. */
#define dev_warn(dev, ...) ((void)(dev))
#define dev_info(dev, ...) ((void)(dev))
#define pr_crit(...) ((void)0)
#define pr_warn(...) ((void)0)

#endif
