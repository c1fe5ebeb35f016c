/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindsim: force-included (-include) before every file compiled from the
 * kernel tree. Kind: custom (build glue, no kernel declaration).
 *
 * 1. The configuration the tree is compiled with (see <linux/kconfig.h>).
 * 2. The tree's private headers are read here first, while the shims'
 *    call-site macros are still undefined: the tree declares some of the
 *    primitives bindsim simulates (iommu-priv.h declares the attach-handle
 *    API, iommufd_private.h iommufd_should_fail()), and a function-like
 *    macro would mangle those prototypes. Include guards make the tree
 *    file's own #includes no-ops afterwards.
 * 3. Then the call-site macros, so every call in the tree file names its
 *    own file:line and function in findings and fault points.
 */
#ifndef _BINDSIM_KTREE_PRELUDE_H
#define _BINDSIM_KTREE_PRELUDE_H

#define BINDSIM_LATE_CALLSITES 1

#include <linux/kconfig.h>
#include <linux/iommu.h>
#include <iommu-priv.h>
#include <iommufd/iommufd_private.h>
#include <iommufd/io_pagetable.h>

#include <bindsim/callsites.h>

/*
 * The selftest's fault point (selftest.c, "fail_iommufd"): bindsim
 * compiles the selftest in but not selftest.c, and injects it like any
 * other fault point, at its caller's site.
 */
#define iommufd_should_fail()						\
	sim_should_fail(SIM_FAULT_SITE("iommufd_should_fail"))

#endif
