/* SPDX-License-Identifier: GPL-2.0-only */
/* bindsim to-selftest: a reproducer as a program for the booted kernel. */
#ifndef _BINDSIM_SELFTEST_GEN_H
#define _BINDSIM_SELFTEST_GEN_H

/* FILE ("-": stdin). Exit 0 (C on stdout), 2 bad input, 3 not expressible. */
int selftest_gen_main(const char *file);

#endif
