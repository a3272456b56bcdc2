/* frameidx.h - one pointer per frame number, for the frames that have one.
 *
 * exmta decides about an RFC1006 frame (or a stock-TPKT or RST frame it
 * annotates) on the first pass and must find the same decision on every
 * later pass. Wireshark's per-frame proto data costs
 * a list node and an allocation per frame; most RFC1006 frames of a session
 * share one record, so exmta keeps the records once and this index (a
 * frame number and a pointer, 12 bytes) per frame.
 *
 * The first pass adds frames in increasing order (an append); anything else
 * is inserted in order, an existing frame's pointer replaced. Plain C and
 * GLib: unit-tested without libwireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_FRAMEIDX_H
#define EXMTA_FRAMEIDX_H

#include <glib.h>

typedef struct exmta_frameidx exmta_frameidx_t;

exmta_frameidx_t *exmta_frameidx_new(void);
void exmta_frameidx_free(exmta_frameidx_t *fi);
/* Forget every frame (a new capture file) and give the memory back. */
void exmta_frameidx_clear(exmta_frameidx_t *fi);

/* value must not be NULL (NULL is "no entry"). */
void exmta_frameidx_set(exmta_frameidx_t *fi, guint32 frame, gpointer value);
gpointer exmta_frameidx_get(const exmta_frameidx_t *fi, guint32 frame);
guint exmta_frameidx_count(const exmta_frameidx_t *fi);

#endif /* EXMTA_FRAMEIDX_H */
