/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. WARN_ON() and friends report a finding at the caller's site and
 * return the condition, as the kernel does; the run goes on.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/types.h>

/*
 * WARN_ON() and friends: a SIM_F_WARN finding at the caller's site,
 * execution continues, the condition is returned like the kernel's.
 */
#define WARN_ON(cond)							\
	({								\
		bool __w = !!(cond);					\
		if (__w)						\
			sim_report(SIM_F_WARN, SIM_SITE("WARN_ON"),	\
				   "WARN_ON(%s)", #cond);		\
		__w;							\
	})
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define WARN(cond, ...)							\
	({								\
		bool __w = !!(cond);					\
		if (__w)						\
			sim_report(SIM_F_WARN, SIM_SITE("WARN"),	\
				   __VA_ARGS__);			\
		__w;							\
	})

#endif
