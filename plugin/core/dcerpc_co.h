/* dcerpc_co.h - the header of one connection-oriented DCE/RPC PDU (C706
 * chapter 12.6, MS-RPCE 2.2.2), read from bytes.
 *
 * Plain C over bytes and GLib types: no libwireshark. Used where stock's
 * DCE/RPC dissector keeps what exmta needs to itself: the PDUs on TCP 135
 * whose bind is not in the capture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_DCERPC_CO_H
#define EXMTA_DCERPC_CO_H

#include <glib.h>

#define EXMTA_CO_HDR_LEN        16

#define EXMTA_CO_REQUEST        0
#define EXMTA_CO_RESPONSE       2
#define EXMTA_CO_FAULT          3
#define EXMTA_CO_BIND           11
#define EXMTA_CO_BIND_ACK       12
#define EXMTA_CO_ALTER_CONTEXT  14

#define EXMTA_CO_PFC_FIRST_FRAG 0x01
#define EXMTA_CO_PFC_LAST_FRAG  0x02
#define EXMTA_CO_PFC_OBJECT_UUID 0x80

/* Context ids a bind or alter_context names that are kept; the rest are
 * counted in ctx_more. */
#define EXMTA_CO_MAX_CTX        8

typedef enum {
    EXMTA_CO_OK = 0,
    EXMTA_CO_NOT_CO,        /* not a version 5.0/5.1 connection-oriented PDU */
    EXMTA_CO_SHORT,         /* a PDU starts here but frag_len runs past the bytes given */
    EXMTA_CO_BAD_LENGTH,    /* frag_len shorter than the PDU's own header, or auth_len past it */
} exmta_co_status_t;

typedef struct {
    guint8 ptype;
    guint8 flags;           /* PFC_* */
    gboolean little_endian; /* drep[0] & 0x10 */
    gboolean ascii_ieee;    /* drep[0] & 0x0f == 0 and drep[1] == 0: the only representation NDR parsers here read */
    guint16 frag_len;
    guint16 auth_len;
    guint32 call_id;
    /* request, response, fault */
    guint16 ctx_id;
    guint16 opnum;          /* request only */
    gsize stub_off;         /* from the start of the PDU */
    gsize stub_len;         /* up to the auth verifier (its padding included) */
    /* bind, alter_context */
    guint n_ctx;            /* context ids kept in ctx_ids */
    guint16 ctx_ids[EXMTA_CO_MAX_CTX];
    guint ctx_more;         /* named but not kept */
} exmta_co_pdu_t;

/* Reads the PDU starting at buf[0]. OK: every field above that the PDU type
 * has is set, and the PDU is frag_len bytes long (<= len). */
exmta_co_status_t exmta_co_pdu_parse(const guint8 *buf, gsize len, exmta_co_pdu_t *out);

#endif /* EXMTA_DCERPC_CO_H */
