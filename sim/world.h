/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worlds: a small universe of devices, iommu groups, contexts and IOASes,
 * described in text (files under worlds/) and booted into the simulated heap.
 */
#ifndef _BINDSIM_WORLD_H
#define _BINDSIM_WORLD_H

#include <linux/device.h>
#include <linux/types.h>
#include "vfio.h"

#define W_MAX_DEVS 8
#define W_MAX_GROUPS 8
#define W_MAX_CTXS 3
#define W_MAX_MAPS 2
#define W_MAX_IOAS 3
#define W_MAX_BOOTS 4
#define W_MAX_HANDLES 2		/* iommufd_device handles per kernel driver */
#define W_NAME 16
#define W_MAX_SYM_PERMS 24	/* permutations of identical devices, contexts */

enum w_driver {
	W_DRV_VFIO,		/* VFIO cdev: registration and open gates */
	W_DRV_KERNEL,		/* another in-kernel iommufd user, no gates */
};

/*
 * One binding of a device: what iommufd_device_bind() handed its driver.
 * A VFIO device has one (its vfio_device's); an in-kernel driver holds
 * up to W_MAX_HANDLES, in the world (the simulated heap).
 */
struct w_handle {
	struct iommufd_device *idev;	/* NULL: slot free */
	struct iommufd_ctx *ictx;
	u32 devid;
};

struct w_dev_spec {
	char name[W_NAME];
	int group;		/* index in groups[], -1: no iommu_group */
	bool iommu;		/* an IOMMU driver probed it (dev->iommu) */
	unsigned int iommu_dev;
	bool coherent;		/* IOMMU_CAP_CACHE_COHERENCY */
	bool enforce;		/* IOMMU_CAP_ENFORCE_CACHE_COHERENCY */
	bool msi_isolated;
	bool mock;
	u32 max_pasids;
	enum w_driver driver;
	unsigned int ctx_mask;	/* contexts its driver binds to (bit per ctx) */
	unsigned int nr_resv;
	struct iommu_resv_region resv[SIM_MAX_RESV];
};

struct w_map {
	unsigned long start, length;
};

struct w_ctx_spec {
	char name[W_NAME];
	/* IOASes allocated at boot (0..W_MAX_IOAS); maps go to the first */
	unsigned int ioas;
	u32 id_max;		/* object id limit, 0: the world's */
	unsigned int nr_maps;
	struct w_map maps[W_MAX_MAPS];
};

struct world_spec {
	char name[64];
	unsigned int nr_groups;
	char groups[W_MAX_GROUPS][W_NAME];
	unsigned int nr_devs;
	struct w_dev_spec devs[W_MAX_DEVS];
	unsigned int nr_ctxs;
	struct w_ctx_spec ctxs[W_MAX_CTXS];
	u32 id_max;		/* object ids per context: 1..id_max */
	u32 nr_pasids;		/* pasids the explorer uses: 0..nr_pasids-1 */
	unsigned int param_mask; /* module parameters the explorer toggles */
	/*
	 * Opt-in operations the explorer generates too (bit per enum op_kind:
	 * the IOAS ioctls, which multiply the states of any world).
	 */
	unsigned int op_mask;
	/*
	 * Devices and contexts the world declares identical ("identical d0
	 * d1"): 0 none, else the class (1, 2, ...). explore --symmetry keys
	 * a state by the least of its forms under every permutation within
	 * the classes (W_MAX_SYM_PERMS at most).
	 */
	u8 dev_class[W_MAX_DEVS];
	u8 ctx_class[W_MAX_CTXS];
	unsigned int nr_boots;	/* boot variants (Kconfig + parameters) */
	struct sim_settings boots[W_MAX_BOOTS];
};

/* The booted world, in the simulated heap (SIM_CLASS_WORLD). */
struct world {
	const struct world_spec *spec;
	unsigned int boot;
	struct iommu_group *groups[W_MAX_GROUPS];
	struct device *devs[W_MAX_DEVS];
	struct vfio_device vdev[W_MAX_DEVS];	/* each device's driver */
	/* a driver=kernel device's handles (its vdev is not used) */
	struct w_handle kh[W_MAX_DEVS][W_MAX_HANDLES];
	struct iommufd_ctx *ctx[W_MAX_CTXS];	/* user's fd; NULL: closed */
	struct iommufd_ctx *alive[W_MAX_CTXS];	/* not yet released */
	const char *ctx_tag;			/* census tag of a ctx */
	u32 ioas_id[W_MAX_CTXS];
	int group_ref0[W_MAX_GROUPS];		/* group refcount after boot */
	/*
	 * The engine's record (not the kernel's): bit d is set when device
	 * d last registered with VFIO while CONFIG_VFIO_NOIOMMU and
	 * enable_unsafe_noiommu_mode both held (the registration gate rule).
	 */
	u32 vfio_optin;
};

/*
 * Parse a world. On error returns -1 and writes "name:line: message" to
 * err. Every field is range checked: a world never crashes the tool.
 */
int world_parse(const char *text, const char *name, struct world_spec *spec,
		char *err, size_t errlen);
int world_parse_file(const char *path, struct world_spec *spec, char *err,
		     size_t errlen);
/*
 * A whole text file (at most 1 MiB, no NUL byte), malloc'd; NULL with
 * "path: reason" in err. Worlds, reproducers and the CLI read through it.
 * "-" is standard input, read once and kept.
 */
char *sim_read_text_file(const char *path, char *err, size_t errlen);
/* An option, not a FILE: "-" alone names standard input. */
static inline bool sim_is_option(const char *arg)
{
	return arg[0] == '-' && arg[1];
}
/* The name messages use for @path: "<stdin>" for "-". */
const char *sim_input_name(const char *path);
/* The built-in default world, as text (also in worlds/default.world). */
extern const char world_default_text[];
/* Load "default", a built-in name, or a file path. */
int world_load(const char *name_or_path, struct world_spec *spec, char *err,
	       size_t errlen);

/* Fresh simulated kernel with the world booted in it (variant @boot). */
int world_boot(const struct world_spec *spec, unsigned int boot);
static inline struct world *world_get(void)
{
	return sim_kernel()->world;
}

/*
 * A mock (selftest) device's idev is owned by the selftest object, which
 * bindsim does not model: such worlds serve unit tests, not the explorer.
 */
bool world_has_mock(const struct world_spec *spec);

/* After every operation: forget contexts that were released. */
void world_reap(void);

/* How many bindings device @d's driver can hold: 1 (VFIO) or handles */
static inline unsigned int world_nr_slots(const struct world_spec *spec,
					  unsigned int d)
{
	return spec->devs[d].driver == W_DRV_KERNEL ? W_MAX_HANDLES : 1;
}

/* Binding @k of device @d (VFIO's, or a kernel driver's handle k). */
static inline struct w_handle world_binding(const struct world *w,
					    unsigned int d, unsigned int k)
{
	const struct vfio_device *v = &w->vdev[d];

	if (w->spec->devs[d].driver == W_DRV_KERNEL)
		return k < W_MAX_HANDLES ? w->kh[d][k] :
		       (struct w_handle){ 0 };
	if (k)
		return (struct w_handle){ 0 };
	return (struct w_handle){ v->iommufd_device, v->iommufd_ictx,
				  v->devid };
}

int world_dev_index(const struct world_spec *spec, const char *name);
int world_ctx_index(const struct world_spec *spec, const char *name);
/* Writes the spec back as world text (reproducers embed it). */
void world_format(const struct world_spec *spec, char *buf, size_t len);

#endif
