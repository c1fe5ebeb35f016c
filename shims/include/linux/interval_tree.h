/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. The interval tree API (include/linux/interval_tree.h) with the
 * kernel's semantics (closed intervals [start, last], iteration over the
 * nodes overlapping a range in ascending start order) on a sorted list:
 * worlds hold a handful of ranges. rb_left/rb_right link the list,
 * root->rb_root.rb_node is its head.
 */
#ifndef _LINUX_INTERVAL_TREE_H
#define _LINUX_INTERVAL_TREE_H

#include <linux/rbtree.h>

struct interval_tree_node {
	struct rb_node rb;
	unsigned long start;	/* Start of interval */
	unsigned long last;	/* Last location _in_ interval */
	unsigned long __subtree_last;
};

void interval_tree_insert(struct interval_tree_node *node,
			  struct rb_root_cached *root);
void interval_tree_remove(struct interval_tree_node *node,
			  struct rb_root_cached *root);
struct interval_tree_node *
interval_tree_iter_first(struct rb_root_cached *root, unsigned long start,
			 unsigned long last);
struct interval_tree_node *
interval_tree_iter_next(struct interval_tree_node *node, unsigned long start,
			unsigned long last);

#endif
