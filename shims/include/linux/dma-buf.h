/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kind: stub. DMA-BUF mappings into an IOAS are not modelled: type names only.
 */
#ifndef _LINUX_DMA_BUF_H
#define _LINUX_DMA_BUF_H

struct dma_buf;
struct dma_buf_attachment;

#endif
