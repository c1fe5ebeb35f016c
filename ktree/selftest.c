// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim stand-in for drivers/iommu/iommufd/selftest.c (the kernel is
 * configured with CONFIG_IOMMUFD_TEST, as for its fail_nth selftests).
 * The selftest's fault point, iommufd_should_fail(), is a macro of the
 * prelude (an injectable fault point at its caller's site). A world's mock
 * device answers iommufd_selftest_is_mock_dev(); the mock-domain ioctl and
 * the selftest object are not simulated.
 */
#include "iommufd_private.h"

bool iommufd_selftest_is_mock_dev(struct device *dev)
{
	return dev && dev->mock;
}

int iommufd_test_init(void)
{
	return 0;
}

void iommufd_test_exit(void)
{
}

int iommufd_test(struct iommufd_ucmd *ucmd)
{
	(void)ucmd;
	sim_unmodelled();
	return -EOPNOTSUPP;
}

void iommufd_selftest_destroy(struct iommufd_object *obj)
{
	(void)obj;
	sim_unmodelled();
}
