// SPDX-License-Identifier: GPL-2.0-only
// bindsim tree mutant no-kconfig-gate: must be caught.
// The noiommu test drops the CONFIG_IOMMUFD_NOIOMMU gate:
// iommufd_device_is_noiommu() returns only "!idev->dev->iommu".
// Port of tests/mutants/no-kconfig-gate.patch (the model mutant) to the tree.
// Exactly one change; spatch exits 0 with no output if it does not
// match, which the build treats as an error.
//
// Target: drivers/iommu/iommufd/device.c
// Expect: gate

@no_kconfig_gate@
expression C, E;
@@
 iommufd_device_is_noiommu(...)
 {
-	return IS_ENABLED(C) && E;
+	return E;
 }
