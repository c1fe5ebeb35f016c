/* SPDX-License-Identifier: GPL-2.0-only */
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
typedef u32 ioasid_t;
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;

#define PHYS_ADDR_MAX (~(phys_addr_t)0)
#define U32_MAX ((u32)~0U)
#define INT_MAX_ ((int)(~0U >> 1))

#endif
