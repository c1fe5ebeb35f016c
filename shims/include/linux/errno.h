/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: duplicate. The kernel-internal error numbers (include/linux/errno.h)
 * on top of the user-space ones.
 */
#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H

/* the user-space numbers (glibc reaches them through this name too) */
#include_next <linux/errno.h>

#define ERESTARTSYS 512
#define ENOIOCTLCMD 515
#define ENOTSUPP 524

#endif
