/* flowcache.h - the last answer for a directed flow, valid for one generation.
 *
 * exmta needs, for most TCP frames of an RFC1006 session, the session's
 * record: Wireshark finds it through its conversation table, a hash over the
 * addresses and ports that costs several hundred instructions per frame.
 * This is a small direct-mapped cache in front of that lookup. A slot holds
 * one directed flow (source address and port to destination address and
 * port), the answer found for it and the generation it was found in; it
 * answers only for the same flow in the same generation, so the caller
 * decides what invalidates answers: a new generation drops them all, a put
 * of NULL drops one flow's (exmta: the flow TCP started a new stream for,
 * see exmta_frame_flow_sync in packet-exmta.c).
 *
 * A miss costs one more lookup, never a wrong answer; memory is fixed.
 * Plain C over bytes and GLib: unit-tested without libwireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_FLOWCACHE_H
#define EXMTA_FLOWCACHE_H

#include <glib.h>

#define EXMTA_FLOW_ADDR_MAX 16          /* IPv6 */

typedef struct exmta_flowcache exmta_flowcache_t;

/* slots is rounded up to a power of two (at least 16). */
exmta_flowcache_t *exmta_flowcache_new(guint slots);
void exmta_flowcache_free(exmta_flowcache_t *fc);
/* Forget every answer (a new capture file). */
void exmta_flowcache_clear(exmta_flowcache_t *fc);

/* A flow: alen bytes of source and of destination address (1..16; other
 * lengths are never cached: get answers NULL, put does nothing), ports. */

/* The answer stored for exactly this flow in this generation, else NULL. */
gpointer exmta_flowcache_get(const exmta_flowcache_t *fc, const guint8 *src, const guint8 *dst, guint alen,
                             guint16 sport, guint16 dport, guint32 generation);
/* Store (replacing whatever shared the slot); a NULL answer empties it. */
void exmta_flowcache_put(exmta_flowcache_t *fc, const guint8 *src, const guint8 *dst, guint alen,
                         guint16 sport, guint16 dport, guint32 generation, gpointer answer);

#endif /* EXMTA_FLOWCACHE_H */
