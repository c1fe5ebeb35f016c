/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. Only the type iommu-priv.h names; software MSI (CONFIG_IRQ_MSI_IOMMU)
 * is off on x86.
 */
#ifndef _LINUX_MSI_H
#define _LINUX_MSI_H

struct msi_desc;

#endif
