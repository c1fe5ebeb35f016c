/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. User memory is the engine's own memory: the engine is the
 * process making the system call, so a user pointer is a plain pointer.
 * copy_to_user() is a fault point (-EFAULT to the caller, as with
 * fail_usercopy); the argument copy-in never fails. Assumption: bindsim's
 * user space passes valid, readable argument buffers.
 */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <string.h>
#include <linux/errno.h>
#include <linux/types.h>

/* Returns the number of bytes not copied, as the kernel's does. */
static inline unsigned long sim_copy_to_user(void __user *to, const void *from,
					     unsigned long n,
					     const struct sim_site *site)
{
	if (sim_should_fail(site))
		return n;
	memcpy(to, from, n);
	return 0;
}

#define copy_to_user(to, from, n)					\
	sim_copy_to_user((to), (from), (n), SIM_FAULT_SITE("copy_to_user"))
#define copy_from_user(to, from, n) (memcpy((to), (from), (n)), 0UL)
#define get_user(x, ptr) ({ (x) = *(ptr); 0; })
#define put_user(x, ptr) ({ *(ptr) = (x); 0; })
#define clear_user(to, n) (memset((to), 0, (n)), 0UL)
#define u64_to_user_ptr(x) ((void __user *)(uintptr_t)(x))

/*
 * The extensible-struct copy (include/linux/uaccess.h): a shorter user
 * struct is zero-extended, a longer one needs zeroes past ksize.
 */
static inline int copy_struct_from_user(void *dst, size_t ksize,
					const void __user *src, size_t usize)
{
	size_t size = usize < ksize ? usize : ksize;
	size_t i;

	if (usize > ksize)
		for (i = ksize; i < usize; i++)
			if (((const unsigned char *)src)[i])
				return -E2BIG;
	memcpy(dst, src, size);
	if (size < ksize)
		memset((char *)dst + size, 0, ksize - size);
	return 0;
}

#endif
