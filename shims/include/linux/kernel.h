/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: duplicate of the kernel's helper macros (container_of, min_t,
 * offsetofend, ...), plus custom capable()/add_taint() that read and write
 * world state, and printk stubs.
 */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/kconfig.h>
#include <linux/types.h>

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __maybe_unused __attribute__((unused))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), \
						       __typeof__(b))
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
#define BUILD_BUG_ON(e) ((void)BUILD_BUG_ON_ZERO(e))
#define offsetofend(type, member)					\
	(offsetof(type, member) + sizeof(((type *)0)->member))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define ALIGN(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define PAGE_ALIGNED(x) IS_ALIGNED((unsigned long)(x), PAGE_SIZE)
#define ilog2(n) ((int)(sizeof(unsigned long long) * 8 - 1 -		\
			  __builtin_clzll((unsigned long long)(n))))
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))

/* Kconfig switches are world settings, so one binary explores them all. */

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
#define dev_err(dev, ...) ((void)(dev))
#define pr_crit(...) ((void)0)
#define pr_warn(...) ((void)0)
#define pr_info(...) ((void)0)
#define pr_info_once(...) ((void)0)
#define pr_debug(...) ((void)0)

#endif
