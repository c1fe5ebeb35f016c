/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. Everything iommufd uses of it is in <linux/fs.h>.
 */
#ifndef _LINUX_FILE_H
#define _LINUX_FILE_H

#include <linux/fs.h>

#endif
