/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. See <linux/module.h>.
 */
#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H

#include <bindsim/params.h>

#include <sys/stat.h>

#define S_IRUGO (S_IRUSR | S_IRGRP | S_IROTH)
#define module_param(name, type, perm)					\
	static const struct sim_param __sim_param_##name		\
	__attribute__((section("bindsim_params"), used, aligned(8))) = {	\
		#name, &(name), sizeof(name)				\
	}
#define MODULE_PARM_DESC(name, desc)

#endif
