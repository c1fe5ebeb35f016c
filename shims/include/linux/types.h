/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: duplicate. The kernel's and uapi's integer types and annotations.
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bindsim/sim.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef int16_t s16;
typedef int8_t s8;
typedef u32 ioasid_t;
/* uapi spellings (include/uapi/linux/types.h) */
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s32 __s32;
typedef s64 __s64;
typedef u64 __aligned_u64 __attribute__((aligned(8)));
typedef u64 __aligned_le64 __attribute__((aligned(8)));
typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef unsigned long pgoff_t;
#define __user
#define __iomem
#define __rcu
#define __force
#define __init
#define __exit
#define __counted_by(m)
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __must_check __attribute__((warn_unused_result))
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;

/* include/linux/types.h */
struct phys_vec {
	phys_addr_t paddr;
	size_t len;
};

#define PHYS_ADDR_MAX (~(phys_addr_t)0)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#define INT_MAX_ ((int)(~0U >> 1))

#endif
