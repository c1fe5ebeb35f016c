/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. The allocator: census, fault points, double-free checks.
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>

/*
 * The allocator of the simulated kernel: every allocation is a fault point
 * (it may return NULL when the injector says so), every live allocation is
 * in the census with its site; double free and free of an unknown pointer
 * are SIM_F_DOUBLE_FREE findings. Allocating with GFP_KERNEL under a
 * spinlock is a SIM_F_LOCK finding (sleeping in atomic context).
 */
#define GFP_KERNEL 0x1u
#define GFP_KERNEL_ACCOUNT 0x3u
#define GFP_ATOMIC 0x4u
#define __GFP_ZERO 0x100u

#define kzalloc(size, gfp)						\
	sim_alloc((size), (gfp) | __GFP_ZERO, SIM_CLASS_KERNEL, NULL,	\
		  SIM_FAULT_SITE("kzalloc"))
#define kmalloc(size, gfp)						\
	sim_alloc((size), (gfp), SIM_CLASS_KERNEL, NULL,		\
		  SIM_FAULT_SITE("kmalloc"))
/*
 * Typed allocation, as the kernel's kzalloc_obj(): the argument is a type
 * or an expression of the type to allocate, the gfp flags are optional
 * (GFP_KERNEL). The census tag is the argument's text.
 */
#define kzalloc_obj(x, ...) __sim_kzalloc_obj(x, ##__VA_ARGS__, GFP_KERNEL)
#define __sim_kzalloc_obj(x, gfp, ...)					\
	((__typeof__(x) *)sim_alloc(sizeof(x), (gfp) | __GFP_ZERO,	\
				    SIM_CLASS_KERNEL, #x,		\
				    SIM_FAULT_SITE("kzalloc")))
/* bindsim extension: a tag computed at run time (object type names). */
#define kzalloc_tagged(size, gfp, tag)					\
	sim_alloc((size), (gfp) | __GFP_ZERO, SIM_CLASS_KERNEL, (tag),	\
		  SIM_FAULT_SITE("kzalloc"))
#define kfree(p) sim_free((p), SIM_SITE("kfree"))

#endif
