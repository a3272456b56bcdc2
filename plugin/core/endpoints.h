/* endpoints.h - the table of learned RPC endpoints.
 *
 * Plain C over GLib: no libwireshark. The Wireshark shell owns one table per
 * capture file (created at file init, freed at cleanup). Learning happens on
 * the first, in-order pass; lookups may come in any order afterwards and must
 * give the same answer for the same frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_ENDPOINTS_H
#define EXMTA_ENDPOINTS_H

#include <glib.h>
#include "epm_parse.h"

typedef enum {
    EXMTA_SRC_EPM = 1,          /* learned from an ept_map response in this file */
    EXMTA_SRC_STATIC_PREF,      /* exmta.rpc_static_ports */
    EXMTA_SRC_KNOWN_TABLE,      /* the exmta_endpoints UAT (carried from another file) */
} exmta_ep_source_t;

typedef enum {
    EXMTA_KIND_OTHER_RPC = 0,   /* any EPM-learned interface */
    EXMTA_KIND_MTA_RPC,         /* 9e8ee830-4459-11ce-979b-00aa005ffebe v2.0 */
    EXMTA_KIND_QADMIN_RPC,      /* 38a94e72-a9bc-11d2-8faf-00c04fa378ff v1.0 */
} exmta_ep_kind_t;

typedef struct {
    guint8  ip[4];              /* key, network order */
    guint16 port;               /* key, host order */
    exmta_uuid_t iface;
    guint16 ver_major, ver_minor;
    exmta_ep_kind_t kind;
    exmta_ep_source_t source;
    guint32 learned_in;         /* frame of the EPM response (first time learned) */
    guint32 request_in;         /* frame of the EPM request, 0 if unknown */
    guint32 times_learned;      /* how many responses confirmed it */
} exmta_endpoint_t;

typedef struct exmta_endpoints exmta_endpoints_t;

exmta_endpoints_t *exmta_endpoints_new(void);
void exmta_endpoints_free(exmta_endpoints_t *tbl);

typedef enum {
    EXMTA_LEARN_NEW = 0,        /* first time this (ip, port) was learned */
    EXMTA_LEARN_SAME,           /* already known with the same interface: times_learned++ */
    EXMTA_LEARN_PORT_CHANGED,   /* same ip + interface + version known before on another port */
    EXMTA_LEARN_IFACE_CHANGED,  /* same ip + port now answers for another interface */
    EXMTA_LEARN_REJECTED,       /* out-of-order frame, port 0, or table full */
    EXMTA_LEARN_RELEARNED,      /* known before from another source (known endpoints table,
                                   static port): learned again here, a new entry that wins */
} exmta_learn_result_t;

/* Learn ep (copied). Frames must not go backwards for learning (first pass);
 * an older learned_in than the newest already learned is REJECTED (an equal
 * one is fine: one response carries several towers).
 * previous (may be NULL) receives the entry that was superseded for
 * PORT_CHANGED / IFACE_CHANGED.
 *
 * SAME compares the newest entry of (ip, port) on iface, ver_major and
 * ver_minor; it needs no room, so it works on a full table. A different
 * minor version at the same key is IFACE_CHANGED. When the key was known
 * with another binding, the result is IFACE_CHANGED even if the interface
 * was also known on another port (previous = this key's entry). The stored
 * copy gets kind = exmta_kind_of(iface, ver_major) and times_learned = 1 if
 * it was 0. Pointers returned by lookup stay valid until the table is freed. */
exmta_learn_result_t exmta_endpoints_learn(exmta_endpoints_t *tbl, const exmta_endpoint_t *ep,
                                           exmta_endpoint_t *previous);

/* The endpoint at (ip, port) as it was known when frame was dissected:
 * the newest entry with learned_in < frame, or NULL. Same answer on every pass. */
const exmta_endpoint_t *exmta_endpoints_lookup(const exmta_endpoints_t *tbl, const guint8 ip[4],
                                               guint16 port, guint32 frame);

guint exmta_endpoints_count(const exmta_endpoints_t *tbl);    /* distinct entries kept */

/* Every entry, in the order learned. */
void exmta_endpoints_foreach(const exmta_endpoints_t *tbl,
                             void (*fn)(const exmta_endpoint_t *ep, gpointer user_data),
                             gpointer user_data);

/* Upper bound of entries; learning past it is REJECTED (the shell says so in expert info). */
#define EXMTA_ENDPOINTS_MAX (4u * 1024u * 1024u)

/* The Exchange MTA's RPC interfaces: MTA RPC v2.0
 * (9e8ee830-4459-11ce-979b-00aa005ffebe) and MTA QAdmin RPC v1.0
 * (38a94e72-a9bc-11d2-8faf-00c04fa378ff). */
extern const exmta_uuid_t exmta_uuid_mta_rpc;
extern const exmta_uuid_t exmta_uuid_qadmin_rpc;
#define EXMTA_MTA_RPC_VERSION 2
#define EXMTA_QADMIN_RPC_VERSION 1

exmta_ep_kind_t exmta_kind_of(const exmta_uuid_t *iface, guint16 ver_major);
const char *exmta_kind_str(exmta_ep_kind_t kind);

#endif /* EXMTA_ENDPOINTS_H */
