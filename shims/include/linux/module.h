/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. Module metadata is dropped; module_param() registers the
 * parameter so that world settings drive it (the value lives in struct
 * sim_settings, in the snapshotted heap, and sim_params_load() copies it
 * into the module's variable before every system call); module_init()
 * registers the init function, run at each world boot.
 */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/kernel.h>
#include <linux/moduleparam.h>

struct module;
#define THIS_MODULE ((struct module *)0)

#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define MODULE_ALIAS(x)
#define MODULE_ALIAS_MISCDEV(x)
#define MODULE_IMPORT_NS(x)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define EXPORT_SYMBOL_NS_GPL(x, ns)

typedef int (*sim_initcall_t)(void);
#define module_init(fn)							\
	static const sim_initcall_t __sim_initcall_##fn			\
	__attribute__((section("bindsim_initcalls"), used)) = (fn)
#define module_exit(fn)							\
	static void (*const __sim_exitcall_##fn)(void)			\
	__attribute__((unused)) = (fn)

#endif
