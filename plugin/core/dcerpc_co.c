/* dcerpc_co.c - the header of one connection-oriented DCE/RPC PDU.
 *
 * Layouts: C706 12.6.3 (common header, request, response, fault, bind,
 * alter_context), 13.2.6 (auth verifier). Every read is checked against
 * frag_len, itself checked against the bytes given.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "dcerpc_co.h"

static guint16
get16(const guint8 *p, gboolean le)
{
    return le ? (guint16)(p[0] | p[1] << 8) : (guint16)(p[0] << 8 | p[1]);
}

static guint32
get32(const guint8 *p, gboolean le)
{
    return le ? (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24
              : (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | (guint32)p[3];
}

/* bind / alter_context: max_xmit(2) max_recv(2) assoc_group(4) n_ctx(1)
 * pad(3), then per context: ctx_id(2) n_transfer(1) pad(1) abstract
 * syntax(20) and n_transfer transfer syntaxes(20 each). */
static exmta_co_status_t
parse_bind(const guint8 *pdu, gsize body_end, exmta_co_pdu_t *out)
{
    gsize o = EXMTA_CO_HDR_LEN + 8;
    guint n;

    if (body_end < o + 4)
        return EXMTA_CO_BAD_LENGTH;
    n = pdu[o];
    o += 4;
    for (guint i = 0; i < n; i++) {
        guint16 ctx_id;
        guint n_trans;

        if (body_end - o < 4 + 20)
            return EXMTA_CO_BAD_LENGTH;
        ctx_id = get16(pdu + o, out->little_endian);
        n_trans = pdu[o + 2];
        o += 4 + 20;
        if ((body_end - o) / 20 < n_trans)
            return EXMTA_CO_BAD_LENGTH;
        o += (gsize)n_trans * 20;
        if (out->n_ctx < EXMTA_CO_MAX_CTX)
            out->ctx_ids[out->n_ctx++] = ctx_id;
        else
            out->ctx_more++;
    }
    return EXMTA_CO_OK;
}

exmta_co_status_t
exmta_co_pdu_parse(const guint8 *buf, gsize len, exmta_co_pdu_t *out)
{
    gsize body_end, hdr;

    memset(out, 0, sizeof(*out));
    if (buf == NULL || len < EXMTA_CO_HDR_LEN)
        return len >= 2 && buf && buf[0] == 5 && buf[1] <= 1 ? EXMTA_CO_SHORT : EXMTA_CO_NOT_CO;
    if (buf[0] != 5 || buf[1] > 1 || buf[2] > 19)
        return EXMTA_CO_NOT_CO;
    out->ptype = buf[2];
    out->flags = buf[3];
    out->little_endian = (buf[4] & 0x10) != 0;
    out->ascii_ieee = (buf[4] & 0x0f) == 0 && buf[5] == 0;
    out->frag_len = get16(buf + 8, out->little_endian);
    out->auth_len = get16(buf + 10, out->little_endian);
    out->call_id = get32(buf + 12, out->little_endian);
    if (out->frag_len < EXMTA_CO_HDR_LEN)
        return EXMTA_CO_BAD_LENGTH;
    if (out->frag_len > len)
        return EXMTA_CO_SHORT;

    /* The auth verifier (8-byte sec_trailer + auth_len) ends the PDU. */
    body_end = out->frag_len;
    if (out->auth_len) {
        if ((gsize)out->auth_len + 8 > body_end - EXMTA_CO_HDR_LEN)
            return EXMTA_CO_BAD_LENGTH;
        body_end -= (gsize)out->auth_len + 8;
    }

    switch (out->ptype) {
    case EXMTA_CO_REQUEST:
        hdr = EXMTA_CO_HDR_LEN + 8 + (out->flags & EXMTA_CO_PFC_OBJECT_UUID ? 16 : 0);
        if (body_end < hdr)
            return EXMTA_CO_BAD_LENGTH;
        out->ctx_id = get16(buf + 20, out->little_endian);
        out->opnum = get16(buf + 22, out->little_endian);
        break;
    case EXMTA_CO_RESPONSE:
    case EXMTA_CO_FAULT:
        hdr = EXMTA_CO_HDR_LEN + 8;
        if (body_end < hdr)
            return EXMTA_CO_BAD_LENGTH;
        out->ctx_id = get16(buf + 20, out->little_endian);
        break;
    case EXMTA_CO_BIND:
    case EXMTA_CO_ALTER_CONTEXT:
        return parse_bind(buf, body_end, out);
    default:
        return EXMTA_CO_OK;
    }
    out->stub_off = hdr;
    out->stub_len = body_end - hdr;
    return EXMTA_CO_OK;
}
