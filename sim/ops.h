/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one operation vocabulary: what user space and in-kernel drivers can
 * do to the world. The explorer, the fuzzer, reproducer files and the tests
 * all go through this file; nothing else parses operations.
 */
#ifndef _BINDSIM_OPS_H
#define _BINDSIM_OPS_H

#include "target.h"
#include "world.h"

enum op_kind {
	/*
	 * Device operations. A VFIO device's go through VFIO's discipline;
	 * a driver=kernel device's call the exported iommufd API directly on
	 * one of its driver's handles, named DEV.SLOT (DEV alone: slot 0).
	 */
	OP_BIND,		/* bind DEV CTX        (kernel: the next free slot) */
	OP_UNBIND,		/* unbind DEV[.S]      (VFIO: detach all, unbind) */
	/* attach DEV[.S] PASID ID (VFIO_DEVICE_ATTACH_IOMMUFD_PT) */
	OP_ATTACH,
	OP_DETACH,		/* detach DEV[.S] PASID */
	OP_HWPT_ALLOC,		/* hwpt-alloc CTX DEVID PTID [pasid] */
	OP_DESTROY,		/* destroy CTX ID      (IOMMU_DESTROY) */
	OP_CLOSE,		/* close CTX           (close the iommufd) */
	OP_VFIO_REGISTER,	/* vfio-register DEV */
	OP_VFIO_UNREGISTER,	/* vfio-unregister DEV */
	OP_SET,			/* set PARAM 0|1       (module parameter) */
	/*
	 * In-kernel callers (byte form: appended after OP_SET, so committed
	 * fuzz inputs keep their meaning).
	 */
	/* replace DEV[.S] PASID ID (iommufd_device_replace(); kernel only) */
	OP_REPLACE,
	/*
	 * The IOAS ioctls: the explorer generates them in worlds that opt in
	 * ("ops" line), the byte form after OP_REPLACE.
	 */
	OP_IOAS_ALLOC,		/* ioas-alloc CTX      (IOMMU_IOAS_ALLOC) */
	/* ioas-map CTX IOAS IOVA LENGTH (IOMMU_IOAS_MAP, FIXED_IOVA) */
	OP_IOAS_MAP,
	/* ioas-unmap CTX IOAS IOVA LENGTH | all (IOMMU_IOAS_UNMAP) */
	OP_IOAS_UNMAP,
	/* ioas-iova-ranges CTX IOAS (IOMMU_IOAS_IOVA_RANGES) */
	OP_IOAS_IOVA_RANGES,
	OP_NR
};

/*
 * The kinds of the byte form: all of them. Kinds were appended (replace,
 * then the IOAS ioctls), so an input whose kind bytes are below the old
 * count (every committed seed) keeps its meaning.
 */
#define OP_NR_BYTES OP_NR

enum op_param {
	PARAM_ALLOW_UNSAFE_INTERRUPTS,
	PARAM_ENABLE_UNSAFE_NOIOMMU_MODE,
	PARAM_CAP_SYS_RAWIO,
	PARAM_NR
};

struct op {
	u8 kind;
	u8 dev;
	u8 ctx;
	u8 pasid;
	u8 flags;		/* hwpt-alloc: 1 = IOMMU_HWPT_ALLOC_PASID;
				 * ioas-unmap: 1 = all (0, U64_MAX) */
	u8 param;		/* set */
	u8 value;		/* set */
	u8 slot;		/* a kernel driver's handle (not bind) */
	u32 id;			/* attach PT, destroy ID, hwpt-alloc DEVID */
	u32 id2;		/* hwpt-alloc PTID, ioas-(un)map IOVA */
	u32 len;		/* ioas-(un)map LENGTH */
};

/* Which fault points an operation fails. */
struct op_fault {
	unsigned int ordinal;	/* 1-based, 0: by name or none */
	char site[96];		/* "func:what", empty: by ordinal */
	unsigned int hit;	/* with site: the hit-th pass */
	u64 mask;		/* fuzzer: several ordinals */
};

#define OP_TEXT 160

/* Text form, e.g. "attach d0 0 3". Returns -1 with a message in err. */
int op_parse(const struct world_spec *spec, const char *text, struct op *op,
	     struct op_fault *fault, char *err, size_t errlen);
void op_format(const struct world_spec *spec, const struct op *op,
	       const struct op_fault *fault, char *buf, size_t len);
const char *op_kind_name(unsigned int kind);

/*
 * Byte form for the fuzzer: OP_BYTES bytes per operation; every byte
 * string decodes to valid operations (values are taken modulo ranges).
 */
#define OP_BYTES 5
void op_decode_bytes(const struct world_spec *spec, const u8 *b,
		     struct op *op, struct op_fault *fault);
void op_encode_bytes(const struct op *op, const struct op_fault *fault,
		     u8 *b);

/* Every operation worth trying in the current state, deterministic order. */
unsigned int op_enumerate(struct op *ops, unsigned int max);

#define OP_MAX_RANGES TARGET_MAX_RANGES

struct op_result {
	int ret;		/* 0 or -errno; void ops return 0 */
	bool oops;		/* the operation died in a simulated oops */
	bool applicable;	/* false: refused before reaching the kernel */
	unsigned int nr_faults;	/* fault points passed */
	u32 out_id;		/* id handed back (bind, alloc, attach) */
	/* unbind: the device's context (index, -1: none) and id before */
	int pre_ctx;
	u32 pre_id;
	u64 unmapped;		/* ioas-unmap: bytes unmapped */
	/* ioas-iova-ranges: the count reported, the first OP_MAX_RANGES */
	u32 nr_ranges;
	struct target_range ranges[OP_MAX_RANGES];
	int slot;		/* kernel bind: the handle slot it filled */
	/*
	 * The call broke the in-kernel caller's contract (unbind while
	 * attached, detach of a pasid it did not attach): what the kernel
	 * does next is the caller's bug, judged as one "caller" finding.
	 */
	const char *caller;
};

/* What the call handed back, for traces ("" if nothing). */
void op_format_result(const struct op *op, const struct op_result *res,
		      char *buf, size_t len);

/*
 * Would @op break an in-kernel caller's contract in the current state?
 * The contract it breaks ("unbind:attached", ...), or NULL.
 */
const char *op_caller_breach(const struct op *op);

/*
 * Run one operation as one system call: fault selection from @fault,
 * findings recorded by the shims, deferred fput run, locks checked.
 * The caller clears findings before and reads them after.
 */
void op_run(const struct op *op, const struct op_fault *fault,
	    struct op_result *res);

#endif
