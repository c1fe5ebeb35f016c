/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. The configuration bindsim compiles and explores.
 *
 * IS_ENABLED(CONFIG_X) pastes its argument unexpanded into __sim_cfg_X,
 * so each option is declared once below, either as a constant (usable in
 * #if, like the kernel's) or as a world setting read at run time: one
 * binary explores both values of a world-set option.
 *
 * The options a world sets (CONFIG_IOMMUFD_NOIOMMU, CONFIG_VFIO_NOIOMMU)
 * are not #defined (they name struct sim_settings fields): code under
 * "#ifdef CONFIG_IOMMUFD_NOIOMMU" is compiled as if the option were off.
 * In the tree that is only the IOAS get-PA ioctl, which bindsim does not
 * model.
 */
#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

#include <bindsim/sim.h>

#define IS_ENABLED(option) __sim_cfg_##option
#define IS_BUILTIN(option) __sim_cfg_##option
#define IS_MODULE(option) 0
#define IS_REACHABLE(option) __sim_cfg_##option

/* World settings (struct sim_settings) */
#define __sim_cfg_CONFIG_IOMMUFD_NOIOMMU				\
	(sim_kernel()->settings.CONFIG_IOMMUFD_NOIOMMU)
#define __sim_cfg_CONFIG_VFIO_NOIOMMU (sim_kernel()->settings.CONFIG_VFIO_NOIOMMU)

/* Fixed: an x86_64 kernel with iommufd, its selftest and VFIO cdev */
#define __sim_cfg_CONFIG_IOMMUFD 1
#define CONFIG_IOMMUFD 1
#define __sim_cfg_CONFIG_IOMMUFD_DRIVER_CORE 1
#define CONFIG_IOMMUFD_DRIVER_CORE 1
/* Assumption: the selftest is built in, as in the kernel's fail_nth runs */
#define __sim_cfg_CONFIG_IOMMUFD_TEST 1
#define CONFIG_IOMMUFD_TEST 1
/* Not modelled: the VFIO compat container (/dev/vfio/vfio) */
#define __sim_cfg_CONFIG_IOMMUFD_VFIO_CONTAINER 0
/* x86: MSIs are remapped, no software MSI window in iommufd domains */
#define __sim_cfg_CONFIG_IRQ_MSI_IOMMU 0
#define __sim_cfg_CONFIG_IOMMU_DEBUG_PAGEALLOC 0
#define __sim_cfg_CONFIG_DMA_SHARED_BUFFER 0
#define __sim_cfg_CONFIG_PCI 1
#define __sim_cfg_CONFIG_PCI_PRI 1
#define __sim_cfg_CONFIG_PCI_PASID 1
#define __sim_cfg_CONFIG_PCI_ATS 1

#endif
