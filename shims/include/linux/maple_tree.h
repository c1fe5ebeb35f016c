/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. iommufd's mmap offsets (ictx->mt_mmap) are not modelled: the
 * tree stays empty, so a lookup finds nothing.
 */
#ifndef _LINUX_MAPLE_TREE_H
#define _LINUX_MAPLE_TREE_H

#include <linux/types.h>

struct maple_tree {
	unsigned int ma_flags;
};

#define MT_FLAGS_ALLOC_RANGE 0x1u
#define mt_init_flags(mt, f) ((mt)->ma_flags = (f))
#define mtree_lock(mt) ((void)(mt))
#define mtree_unlock(mt) ((void)(mt))
#define mtree_load(mt, index) ((void)(mt), (void)(index), (void *)NULL)

#endif
