/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CMocka fixtures for suites that drive the shims directly, with no world:
 * a fresh simulated kernel before each test, and the injector, oops trap
 * and lock order put back after it.
 */
#ifndef BINDSIM_SHIM_FIXTURE_H
#define BINDSIM_SHIM_FIXTURE_H

#include <bindsim/sim.h>

static int shim_setup(void **state)
{
	(void)state;
	sim_heap_reset();
	sim_transient_reset();
	sim_oops_arm(NULL);
	sim_lockdep_set_order(NULL, 0);
	return 0;
}

static int shim_teardown(void **state)
{
	(void)state;
	sim_oops_arm(NULL);
	sim_fault_end();
	sim_fault_clear();
	sim_lockdep_set_order(NULL, 0);
	return 0;
}

#endif
