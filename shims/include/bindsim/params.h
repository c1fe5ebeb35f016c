/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. Module parameters and init calls of the compiled kernel
 * code, registered in ELF sections (see <linux/module.h>).
 */
#ifndef _BINDSIM_PARAMS_H
#define _BINDSIM_PARAMS_H

#include <stddef.h>

struct sim_settings;

struct sim_param {
	const char *name;	/* also the struct sim_settings field name */
	void *addr;
	size_t size;
};

/*
 * Copy each registered parameter's world setting into the module's
 * variable. A parameter with no setting of that name is a finding-free
 * no-op (it keeps its compiled-in default).
 */
void sim_params_load(const struct sim_settings *s);
/* Run every module_init() function; returns the first error, or 0. */
int sim_initcalls_run(void);

#endif
