/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. bindsim's devices are not on a PCI bus (dev_is_pci() is false, as
 * in a kernel without CONFIG_PCI). Assumption: iommufd's PCI-only paths
 * (PRI on a VF with a fault-capable hwpt, PASID status in GET_HW_INFO)
 * are not part of the bind/attach behaviour bindsim explores.
 */
#ifndef _LINUX_PCI_H
#define _LINUX_PCI_H

#include <linux/device.h>

struct pci_dev {
	struct device dev;
	unsigned int is_virtfn : 1;
};

/* include/uapi/linux/pci_regs.h */
#define PCI_PASID_CTRL_ENABLE 0x01
#define PCI_PASID_CTRL_EXEC 0x02
#define PCI_PASID_CTRL_PRIV 0x04

#define dev_is_pci(d) ((void)(d), false)
#define to_pci_dev(d) container_of((d), struct pci_dev, dev)

#endif
