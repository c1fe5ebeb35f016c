/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. Dirty tracking is not modelled: only the type name.
 */
#ifndef _LINUX_IOVA_BITMAP_H
#define _LINUX_IOVA_BITMAP_H

struct iova_bitmap;

#endif
