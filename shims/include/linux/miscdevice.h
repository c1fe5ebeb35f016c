/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. A registry of character devices: misc_register() records the
 * device so the engine can open it by name (sim_misc_open()), the way
 * user space opens /dev/iommu.
 */
#ifndef _LINUX_MISCDEVICE_H
#define _LINUX_MISCDEVICE_H

#include <linux/fs.h>

#define MISC_DYNAMIC_MINOR 255
#define VFIO_MINOR 196

struct device;

struct miscdevice {
	int minor;
	const char *name;
	const struct file_operations *fops;
	const char *nodename;
	unsigned short mode;
	struct device *this_device;
};

int misc_register(struct miscdevice *misc);
void misc_deregister(struct miscdevice *misc);
/* bindsim: forget every registration (a new world boot). */
void sim_misc_reset(void);
/*
 * open() of a registered device: a new file whose private_data is the
 * miscdevice when ->open runs, as misc_open() leaves it. Returns the file
 * or an ERR_PTR (-ENODEV: no such device; the open's own error).
 */
struct file *sim_misc_open(const char *name);

#endif
