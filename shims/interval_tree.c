// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim: the interval tree (see <linux/interval_tree.h>), as a list kept
 * sorted by start. rb_left points to the previous node, rb_right to the
 * next; the head is root->rb_root.rb_node and also root->rb_leftmost.
 * Nodes live in the simulated heap, so the structure is snapshotted with
 * it. Inserting a node that is already linked, or removing one that is not
 * in the tree, is a corruption the kernel's rbtree would not survive: an
 * oops finding here.
 */
#include <linux/interval_tree.h>
#include <linux/kernel.h>

static bool node_overlaps(const struct interval_tree_node *node,
			  unsigned long start, unsigned long last)
{
	return node->start <= last && start <= node->last;
}

static bool node_linked(const struct rb_root_cached *root,
			const struct interval_tree_node *node)
{
	const struct rb_node *n;

	for (n = root->rb_root.rb_node; n; n = n->rb_right)
		if (n == &node->rb)
			return true;
	return false;
}

void interval_tree_insert(struct interval_tree_node *node,
			  struct rb_root_cached *root)
{
	const struct sim_site *site = SIM_SITE("interval_tree_insert");
	struct rb_node *prev = NULL, *cur;

	if (!__sim_deref(node, site) || !__sim_deref(root, site))
		return;
	if (node_linked(root, node)) {
		sim_oops(site, "interval tree node inserted twice");
		return;
	}
	cur = root->rb_root.rb_node;
	while (cur && container_of(cur, struct interval_tree_node, rb)->start <=
			      node->start) {
		prev = cur;
		cur = cur->rb_right;
	}
	node->__subtree_last = node->last;
	node->rb.rb_left = prev;
	node->rb.rb_right = cur;
	node->rb.__rb_parent_color = 0;
	if (cur)
		cur->rb_left = &node->rb;
	if (prev)
		prev->rb_right = &node->rb;
	else
		root->rb_root.rb_node = &node->rb;
	root->rb_leftmost = root->rb_root.rb_node;
}

void interval_tree_remove(struct interval_tree_node *node,
			  struct rb_root_cached *root)
{
	const struct sim_site *site = SIM_SITE("interval_tree_remove");

	if (!__sim_deref(node, site) || !__sim_deref(root, site))
		return;
	if (!node_linked(root, node)) {
		sim_oops(site, "interval tree node removed but not in the tree");
		return;
	}
	if (node->rb.rb_left)
		node->rb.rb_left->rb_right = node->rb.rb_right;
	else
		root->rb_root.rb_node = node->rb.rb_right;
	if (node->rb.rb_right)
		node->rb.rb_right->rb_left = node->rb.rb_left;
	node->rb.rb_left = node->rb.rb_right = NULL;
	root->rb_leftmost = root->rb_root.rb_node;
}

static struct interval_tree_node *
next_overlap(struct rb_node *n, unsigned long start, unsigned long last)
{
	for (; n; n = n->rb_right) {
		struct interval_tree_node *node =
			container_of(n, struct interval_tree_node, rb);

		if (node->start > last)
			return NULL;
		if (node_overlaps(node, start, last))
			return node;
	}
	return NULL;
}

struct interval_tree_node *
interval_tree_iter_first(struct rb_root_cached *root, unsigned long start,
			 unsigned long last)
{
	if (!__sim_deref(root, SIM_SITE("interval_tree_iter_first")))
		return NULL;
	return next_overlap(root->rb_root.rb_node, start, last);
}

struct interval_tree_node *
interval_tree_iter_next(struct interval_tree_node *node, unsigned long start,
			unsigned long last)
{
	if (!__sim_deref(node, SIM_SITE("interval_tree_iter_next")))
		return NULL;
	return next_overlap(node->rb.rb_right, start, last);
}
