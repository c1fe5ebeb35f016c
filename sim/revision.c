// SPDX-License-Identifier: GPL-2.0-only
/* The model revision this binary was built from (one object per variant). */
#include "repro.h"

#ifndef BINDSIM_REV
#define BINDSIM_REV "reference"
#endif

const char *bindsim_revision(void)
{
	return BINDSIM_REV;
}
