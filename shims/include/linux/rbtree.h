/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: duplicate of the rbtree types (include/linux/rbtree_types.h); the tree
 * operations bindsim needs are in <linux/interval_tree.h>.
 */
#ifndef _LINUX_RBTREE_H
#define _LINUX_RBTREE_H

#include <linux/types.h>

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
};

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_ROOT ((struct rb_root){ NULL })
#define RB_ROOT_CACHED ((struct rb_root_cached){ { NULL }, NULL })
#define RB_EMPTY_ROOT(root) ((root)->rb_node == NULL)

#endif
