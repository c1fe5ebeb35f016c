// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindsim: what the compiled kernel code registers with the rest of the
 * kernel (character devices, module parameters, init calls) and how the
 * engine reaches it: opening /dev/NAME, setting parameters from the world,
 * booting the module.
 *
 * The registries are process state, not heap state: they describe the
 * compiled code (static structures), are rebuilt at every world boot, and
 * never change during a run.
 */
#include <string.h>

#include <bindsim/params.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

#define SIM_MAX_MISC 4

static struct miscdevice *misc_devs[SIM_MAX_MISC];

int misc_register(struct miscdevice *misc)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_MISC; i++) {
		if (misc_devs[i] == misc)
			return -EBUSY;
		if (!misc_devs[i]) {
			misc_devs[i] = misc;
			return 0;
		}
	}
	return -ENOMEM;
}

void misc_deregister(struct miscdevice *misc)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_MISC; i++)
		if (misc_devs[i] == misc)
			misc_devs[i] = NULL;
}

void sim_misc_reset(void)
{
	memset(misc_devs, 0, sizeof(misc_devs));
}

struct file *sim_misc_open(const char *name)
{
	struct miscdevice *misc = NULL;
	struct file *file;
	unsigned int i;
	int rc;

	for (i = 0; i < SIM_MAX_MISC; i++)
		if (misc_devs[i] && !strcmp(misc_devs[i]->name, name))
			misc = misc_devs[i];
	if (!misc)
		return ERR_PTR(-ENODEV);
	/* the VFS's own allocation: not a fault point of the driver's */
	file = sim_alloc(sizeof(*file), GFP_KERNEL | __GFP_ZERO |
			 SIM_GFP_NOFAIL, SIM_CLASS_KERNEL, "file",
			 SIM_SITE("do_dentry_open"));
	refcount_set(&file->f_count, 1);
	file->f_op = misc->fops;
	file->private_data = misc;
	rc = file->f_op->open ? file->f_op->open(NULL, file) : 0;
	if (rc) {
		sim_free(file, SIM_SITE("do_dentry_open"));
		return ERR_PTR(rc);
	}
	return file;
}

/* ------------------------------------------------ module parameters */

extern const struct sim_param __start_bindsim_params[] __attribute__((weak));
extern const struct sim_param __stop_bindsim_params[] __attribute__((weak));

/* The struct sim_settings fields a module parameter may be named after. */
static bool *setting(struct sim_settings *s, const char *name)
{
	if (!strcmp(name, "allow_unsafe_interrupts"))
		return &s->allow_unsafe_interrupts;
	if (!strcmp(name, "enable_unsafe_noiommu_mode"))
		return &s->enable_unsafe_noiommu_mode;
	return NULL;
}

void sim_params_load(const struct sim_settings *s)
{
	const struct sim_param *p;

	for (p = __start_bindsim_params; p && p < __stop_bindsim_params; p++) {
		bool *v = setting((struct sim_settings *)s, p->name);

		if (v && p->size == sizeof(bool))
			*(bool *)p->addr = *v;
	}
}

/* ------------------------------------------------------- init calls */

extern const sim_initcall_t __start_bindsim_initcalls[] __attribute__((weak));
extern const sim_initcall_t __stop_bindsim_initcalls[] __attribute__((weak));

int sim_initcalls_run(void)
{
	const sim_initcall_t *fn;
	int rc;

	sim_misc_reset();
	for (fn = __start_bindsim_initcalls;
	     fn && fn < __stop_bindsim_initcalls; fn++) {
		rc = (*fn)();
		if (rc)
			return rc;
	}
	return 0;
}
