/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: duplicate. Fixed-size bitmaps and the plain bit operations
 * (include/linux/bitmap.h, bitops.h), non-atomic: the simulation is single
 * threaded.
 */
#ifndef _LINUX_BITMAP_H
#define _LINUX_BITMAP_H

#include <limits.h>
#include <string.h>
#include <linux/types.h>

#define BITS_PER_LONG (CHAR_BIT * (int)sizeof(long))
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

static inline void set_bit(unsigned long nr, unsigned long *addr)
{
	addr[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}

static inline void clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG));
}

#define __set_bit set_bit
#define __clear_bit clear_bit

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(long));
}

#endif
