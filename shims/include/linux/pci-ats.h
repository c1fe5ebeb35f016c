/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. The PCI ATS/PRI/PASID queries, as without CONFIG_PCI: never
 * reached, since no bindsim device is a PCI device (<linux/pci.h>).
 */
#ifndef _LINUX_PCI_ATS_H
#define _LINUX_PCI_ATS_H

#include <linux/errno.h>
#include <linux/pci.h>

static inline bool pci_pri_supported(struct pci_dev *pdev)
{
	(void)pdev;
	return false;
}

static inline int pci_pasid_status(struct pci_dev *pdev)
{
	(void)pdev;
	return -EINVAL;
}

#endif
