/* epm_nobind.c - judge an opnum-3 call on TCP 135 without a bind: ept_map
 * or not (see epm_nobind.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "epm_nobind.h"

#define TWR_PROTO_RPC_CL 0x0a
#define TWR_PROTO_RPC_CO 0x0b

const char *
exmta_nobind_verdict_str(exmta_nobind_verdict_t v)
{
    switch (v) {
    case EXMTA_NOBIND_OK:            return "an ept_map lookup";
    case EXMTA_NOBIND_REQ_NOT_MAP:   return "the request is not an ept_map request in NDR or NDR64 (another interface's opnum 3 such as DCOM activation)";
    case EXMTA_NOBIND_REQ_TOWER:     return "the request's map tower is not an interface tower";
    case EXMTA_NOBIND_RESP_NOT_MAP:  return "the response is not an ept_map response in the request's transfer syntax";
    case EXMTA_NOBIND_RESP_MISMATCH: return "the response's towers do not match the request (another interface or no TCP and IP floors)";
    case EXMTA_NOBIND_FRAGMENTED:    return "the call is fragmented";
    case EXMTA_NOBIND_AUTHENTICATED: return "the call is authenticated (its stub may be sealed)";
    case EXMTA_NOBIND_FAULT:         return "the call was answered by a fault";
    case EXMTA_NOBIND_DATA_REP:      return "the data representation is not ASCII/IEEE";
    }
    return "unknown verdict";
}

static gboolean
request_reads_as(const guint8 *stub, gsize len, const exmta_ndr_t *ndr, exmta_map_request_t *rq,
                 exmta_nobind_verdict_t *why)
{
    if (!exmta_epm_parse_map_request(stub, len, ndr, rq) || len - rq->consumed > EXMTA_NOBIND_MAX_TRAILER ||
        rq->max_towers == 0 || rq->max_towers > EXMTA_NOBIND_MAX_TOWERS || !rq->has_tower) {
        return FALSE;
    }
    if (rq->tower_status != EXMTA_TOWER_OK ||
        (rq->tower.rpc_protocol != TWR_PROTO_RPC_CO && rq->tower.rpc_protocol != TWR_PROTO_RPC_CL)) {
        *why = EXMTA_NOBIND_REQ_TOWER;
        return FALSE;
    }
    return TRUE;
}

exmta_nobind_verdict_t
exmta_nobind_judge_request(const guint8 *stub, gsize len, gboolean little_endian, exmta_nobind_request_t *out)
{
    exmta_ndr_t ndr;
    exmta_nobind_verdict_t why = EXMTA_NOBIND_REQ_NOT_MAP;

    memset(out, 0, sizeof(*out));
    ndr.little_endian = little_endian;
    ndr.ndr64 = FALSE;
    out->as_ndr32 = request_reads_as(stub, len, &ndr, &out->ndr32, &why);
    ndr.ndr64 = TRUE;
    out->as_ndr64 = request_reads_as(stub, len, &ndr, &out->ndr64, &why);
    return out->as_ndr32 || out->as_ndr64 ? EXMTA_NOBIND_OK : why;
}

const exmta_map_request_t *
exmta_nobind_request_in(const exmta_nobind_request_t *rq, const exmta_ndr_t *ndr)
{
    return ndr->ndr64 ? &rq->ndr64 : &rq->ndr32;
}

static exmta_nobind_verdict_t
response_in(const exmta_map_request_t *rq, const guint8 *stub, gsize len, const exmta_ndr_t *ndr,
            guint max_kept, exmta_map_response_t *resp)
{
    gboolean usable = FALSE;

    if (!exmta_epm_parse_map_response(stub, len, ndr, resp, max_kept) || resp->truncated ||
        !resp->status_present || len - resp->consumed > EXMTA_NOBIND_MAX_TRAILER || resp->bad_towers ||
        resp->array_offset != 0 || resp->actual_count != resp->num_towers ||
        resp->actual_count > resp->max_count || resp->max_count > rq->max_towers ||
        resp->towers->len + resp->dropped_towers != resp->num_towers)
        return EXMTA_NOBIND_RESP_NOT_MAP;
    if (resp->status != 0)
        return resp->num_towers == 0 ? EXMTA_NOBIND_OK : EXMTA_NOBIND_RESP_NOT_MAP;
    for (guint i = 0; i < resp->towers->len; i++) {
        const exmta_tower_t *t = &g_array_index(resp->towers, exmta_tower_t, i);

        if (!exmta_uuid_equal(&t->iface, &rq->tower.iface) || t->ver_major != rq->tower.ver_major)
            return EXMTA_NOBIND_RESP_MISMATCH;
        if (t->has_tcp && t->has_ip)
            usable = TRUE;
    }
    /* status 0 with no tower: a clean answer that teaches nothing */
    return usable || resp->num_towers == 0 ? EXMTA_NOBIND_OK : EXMTA_NOBIND_RESP_MISMATCH;
}

exmta_nobind_verdict_t
exmta_nobind_judge_response(const exmta_nobind_request_t *rq, const guint8 *stub, gsize len,
                            gboolean little_endian, guint max_kept, exmta_ndr_t *ndr,
                            exmta_map_response_t *resp)
{
    exmta_nobind_verdict_t first = EXMTA_NOBIND_RESP_NOT_MAP;
    gboolean tried = FALSE;

    memset(resp, 0, sizeof(*resp));
    ndr->little_endian = little_endian;
    for (int pass = 0; pass < 2; pass++) {
        exmta_nobind_verdict_t v;

        ndr->ndr64 = pass == 1;
        if (!(ndr->ndr64 ? rq->as_ndr64 : rq->as_ndr32))
            continue;
        if (tried)
            exmta_map_response_clear(resp);
        v = response_in(exmta_nobind_request_in(rq, ndr), stub, len, ndr, max_kept, resp);
        if (v == EXMTA_NOBIND_OK)
            return v;
        if (!tried)
            first = v;
        tried = TRUE;
    }
    if (!resp->towers)
        resp->towers = g_array_new(FALSE, TRUE, sizeof(exmta_tower_t));
    return first;
}
