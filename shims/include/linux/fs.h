/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. Files with a checked reference count, deferred release (task
 * work) and file_operations; the types iommufd names.
 */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/mm.h>
#include <linux/refcount.h>

/*
 * A file: its reference count is what keeps an iommufd context alive. The
 * last fput() queues ->release() as task work (run by sim_task_work_run()
 * on the way back to user space), as the kernel does for a process. An fput
 * without a matching reference is a SIM_F_REFCOUNT underflow finding.
 */
struct file;
struct inode;
struct module;
struct vm_area_struct;

/* The callbacks iommufd's character device provides (a subset). */
struct file_operations {
	struct module *owner;
	int (*open)(struct inode *inode, struct file *filp);
	int (*release)(struct inode *inode, struct file *filp);
	long (*unlocked_ioctl)(struct file *filp, unsigned int cmd,
			       unsigned long arg);
	int (*mmap)(struct file *filp, struct vm_area_struct *vma);
};

struct file {
	refcount_t f_count;
	const struct file_operations *f_op;
	/* bindsim: a release without file_operations (the model's files) */
	void (*release)(struct file *file);
	void *private_data;
	bool released;
};

/* Allocates a file with one reference (the file descriptor's). */
struct file *sim_file_alloc(void (*release)(struct file *), void *data,
			    const struct sim_site *site);
void sim_fput(struct file *file, const struct sim_site *site);
/* The last reference dropped synchronously (no task work). */
void sim_fput_sync(struct file *file, const struct sim_site *site);
#define __fput_sync(f) sim_fput_sync((f), SIM_SITE("__fput_sync"))
/* bindsim has no file descriptor table: every fd is bad. */
#define fget(fd) ((void)(fd), (struct file *)NULL)

#define anon_inode_getfile_sim(release, data)				\
	sim_file_alloc((release), (data), SIM_FAULT_SITE("anon_inode_getfile"))
#define get_file(f)							\
	({								\
		struct file *__f = (f);					\
		sim_refcount_add(1, &__f->f_count, SIM_SITE("get_file")); \
		__f;							\
	})
#define fput(f) sim_fput((f), SIM_SITE("fput"))

#endif
