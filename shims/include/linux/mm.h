/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. mmap of iommufd's file is not modelled: the types and flags its
 * mmap handler names, and an io_remap_pfn_range() that refuses.
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/errno.h>
#include <linux/types.h>

typedef struct {
	unsigned long pgprot;
} pgprot_t;

struct vm_area_struct;

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end, vm_pgoff, vm_flags;
	pgprot_t vm_page_prot;
	void *vm_private_data;
	const struct vm_operations_struct *vm_ops;
};

#define VM_SHARED 0x8UL
#define VM_EXEC 0x4UL
#define pgprot_noncached(p) (p)
#define io_remap_pfn_range(vma, addr, pfn, size, prot) (-EOPNOTSUPP)

#endif
