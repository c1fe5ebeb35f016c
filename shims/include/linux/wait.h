/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: custom. Wait queues of a single-threaded kernel: nobody else can run,
 * so a wait whose condition is false times out at once (iommufd's
 * REMOVE_WAIT then takes its -EBUSY path, as after the kernel's 60 s).
 */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/types.h>

typedef struct wait_queue_head {
	int sim_waiters;
} wait_queue_head_t;

#define init_waitqueue_head(wq) ((wq)->sim_waiters = 0)
#define wake_up_interruptible_all(wq) ((void)(wq))
#define wake_up_interruptible(wq) ((void)(wq))
#define wake_up(wq) ((void)(wq))
#define msecs_to_jiffies(ms) ((unsigned long)(ms))
/* Returns 0 on timeout, the remaining time (here 1) if the condition held. */
#define wait_event_timeout(wq, cond, timeout)				\
	({								\
		(void)(wq);						\
		(void)(timeout);					\
		sim_might_sleep(SIM_SITE("wait_event_timeout"));	\
		(cond) ? 1L : 0L;					\
	})

#endif
