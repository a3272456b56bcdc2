/* exmta-epm-nobind.c - learn from ept_map calls on TCP 135 whose bind is not
 * in the capture.
 *
 * A capture started after the client connected to the endpoint mapper holds
 * requests and responses on a context whose bind it never saw: stock DCE/RPC
 * cannot tell their interface, shows "No bind info", and calls no EPM code,
 * so exmta-epm.c's ept_map hook sees nothing. This file reads those PDUs
 * itself. Its handle sits in the tcp.port table on 135 only, looks at every
 * connection-oriented PDU there on the first pass and returns 0, so TCP goes
 * on to stock's DCE/RPC heuristic exactly as without it: no frame elsewhere
 * costs anything, and stock output on 135 is unchanged.
 *
 * Per TCP conversation it notes the context ids named by a bind or
 * alter_context. A request with opnum 3 on any other context is a candidate;
 * DCOM's activation interfaces also have an opnum 3 on 135, so the call is
 * learned only when core/epm_nobind.c reads the request and the response
 * with the same call id as ept_map, exactly, in one transfer syntax, and they
 * agree. A verdict other than OK is stored for the frame and shown as
 * exmta.expert.epm_without_bind; everything is decided on the first pass.
 *
 * Stock decodes the lookup too: when a candidate request reads as an
 * ept_map request in exactly one transfer syntax, and is the first request
 * seen on its context, exmta hands stock's connection-oriented DCE/RPC
 * dissector the bind the capture lacks (context -> EPM v3.0 in that syntax),
 * built in memory, before stock sees the request. Stock keeps binds per
 * conversation and context for the whole file, so every pass decodes that
 * context's calls as EPM; nothing else changes. DCE/RPC's Decode As
 * (dcerpc.uuid) cannot do this: it is applied only when a file is dissected
 * again, and always as NDR. The bind shows as exmta.epm.without_bind_supplied
 * on the request's frame; EPM learning from those calls stays here
 * (exmta_epm_leave_to_nobind tells the ept_map hook in exmta-epm.c to leave
 * them alone), with request and response checked against each other as
 * above.
 *
 * Over UDP every connectionless PDU names its interface, so stock decodes
 * ept_map there without a bind and exmta-epm.c learns it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta-epm-nobind.h"
#include "exmta-epm.h"
#include "exmta-epm-hook.h"

#include <epan/conversation.h>
#include <epan/exceptions.h>
#include <epan/proto_data.h>

#include "dcerpc_co.h"
#include "epm_nobind.h"

#define EPM_OPNUM_MAP 3
#define EPM_VERSION 3
#define NDR32_VERSION 2
#define NDR64_VERSION 1
#define BIND_PDU_LEN 72             /* header, one presentation context, one transfer syntax */
#define NOBIND_MAX_TOWERS_KEPT 64   /* as exmta-epm.c keeps for a stock-decoded response */

static int proto_nobind_parent = -1;
static protocol_t *nobind_protocol;     /* exmta's, to check it is enabled */
static int hf_nobind_verdict = -1;
static int hf_nobind_request_in = -1;
static int hf_nobind_supplied = -1;
static expert_field ei_nobind = EI_INIT;
static dissector_handle_t epm135_handle;
static heur_dtbl_entry_t *dcerpc_cn_heur;  /* stock's C/O DCE/RPC, one PDU a call */

/* the two NDR transfer syntaxes, as a bind carries them */
static const e_guid_t ndr32_uuid = { 0x8a885d04, 0x1ceb, 0x11c9, { 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 } };
static const e_guid_t ndr64_uuid = { 0x71710533, 0xbeba, 0x4937, { 0x83, 0x19, 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36 } };

/* A set of presentation context ids. */
typedef struct {
    guint64 lo;                 /* 0..63 */
    wmem_map_t *hi;             /* larger ones */
} ctx_set_t;

/* Per TCP conversation on 135 (file scope). */
typedef struct {
    ctx_set_t bound;            /* named by a bind or alter_context */
    ctx_set_t called;           /* carried a request without being bound */
    ctx_set_t supplied;         /* exmta gave stock a bind for it */
    wmem_map_t *pending;        /* call_id -> nb_call_t: candidate requests awaiting their response */
} nb_conv_t;

typedef struct {
    guint32 frame;
    guint16 ctx_id;
    exmta_nobind_verdict_t verdict;
    exmta_nobind_request_t rq;  /* valid when verdict is OK */
} nb_call_t;

/* Per frame, for every pass: what was decided about a candidate in it. */
typedef struct {
    guint8 verdict;             /* exmta_nobind_verdict_t */
    gboolean response;          /* decided at the response (else at the request) */
    guint32 call_id;
    guint32 request_in;         /* for a response: its request's frame */
    gboolean supplied;          /* a bind was supplied to stock for ctx_id */
    gboolean ndr64;             /* ... in NDR64 (else NDR) */
    guint16 ctx_id;
} nb_frame_t;

static wmem_map_t *nb_convs;    /* conversation_t * -> nb_conv_t; emptied with the file */
static gboolean nb_present;     /* a frame record exists in this file */
static guint nb_pending;        /* candidate requests awaiting their response, in all conversations */

static const value_string verdict_vals[] = {
    { EXMTA_NOBIND_OK,            "ept_map lookup, learned" },
    { EXMTA_NOBIND_REQ_NOT_MAP,   "request is not an ept_map request (NDR or NDR64)" },
    { EXMTA_NOBIND_REQ_TOWER,     "request's map tower is not an interface tower" },
    { EXMTA_NOBIND_RESP_NOT_MAP,  "response is not an ept_map response" },
    { EXMTA_NOBIND_RESP_MISMATCH, "response's towers do not match the request" },
    { EXMTA_NOBIND_FRAGMENTED,    "fragmented" },
    { EXMTA_NOBIND_AUTHENTICATED, "authenticated" },
    { EXMTA_NOBIND_FAULT,         "answered by a fault" },
    { EXMTA_NOBIND_DATA_REP,      "data representation not ASCII/IEEE" },
    { 0, NULL }
};

static gboolean
ctx_has(const ctx_set_t *set, guint16 ctx_id)
{
    if (ctx_id < 64)
        return (set->lo >> ctx_id) & 1;
    return set->hi && wmem_map_contains(set->hi, GUINT_TO_POINTER((guint)ctx_id));
}

static void
ctx_add(ctx_set_t *set, guint16 ctx_id)
{
    if (ctx_id < 64) {
        set->lo |= G_GUINT64_CONSTANT(1) << ctx_id;
        return;
    }
    if (!set->hi)
        set->hi = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    wmem_map_insert(set->hi, GUINT_TO_POINTER((guint)ctx_id), GUINT_TO_POINTER(1));
}

static nb_frame_t *
store_frame(packet_info *pinfo, exmta_nobind_verdict_t v, gboolean response, guint32 call_id, guint32 request_in)
{
    nb_frame_t *f;

    /* one record a frame: a second candidate in the same frame is judged
     * (and may teach) but not shown */
    if (p_get_proto_data(wmem_file_scope(), pinfo, proto_nobind_parent, EXMTA_KEY_EPM_NOBIND))
        return NULL;
    f = wmem_new0(wmem_file_scope(), nb_frame_t);
    f->verdict = (guint8)v;
    f->response = response;
    f->call_id = call_id;
    f->request_in = request_in;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_nobind_parent, EXMTA_KEY_EPM_NOBIND, f);
    nb_present = TRUE;
    return f;
}

static guint8 *
put_le16(guint8 *p, guint16 v)
{
    p[0] = (guint8)v;
    p[1] = (guint8)(v >> 8);
    return p + 2;
}

static guint8 *
put_le32(guint8 *p, guint32 v)
{
    p = put_le16(p, (guint16)v);
    return put_le16(p, (guint16)(v >> 16));
}

static guint8 *
put_uuid(guint8 *p, const e_guid_t *g)
{
    p = put_le32(p, g->data1);
    p = put_le16(p, g->data2);
    p = put_le16(p, g->data3);
    memcpy(p, g->data4, 8);
    return p + 8;
}

/* Hands stock's DCE/RPC a bind of ctx_id to EPM v3.0 in one transfer syntax,
 * on this frame's conversation: little-endian, ASCII, IEEE, one context, no
 * auth. No tree and no columns: the frame shows only what stock makes of
 * the real PDUs. Returns whether stock took it. */
static gboolean
supply_bind(tvbuff_t *tvb, packet_info *pinfo, guint16 ctx_id, guint32 call_id, gboolean ndr64)
{
    guint8 *pdu, *p;
    tvbuff_t *bind_tvb;
    column_info *cinfo = pinfo->cinfo;
    volatile gboolean taken = FALSE;
    int dcerpc_proto;
    void *notes;

    if (!dcerpc_cn_heur || !dcerpc_cn_heur->protocol || !proto_is_protocol_enabled(dcerpc_cn_heur->protocol))
        return FALSE;
    pdu = (guint8 *)wmem_alloc0(pinfo->pool, BIND_PDU_LEN);
    p = pdu;
    *p++ = 5;                   /* version 5.0 */
    *p++ = 0;
    *p++ = EXMTA_CO_BIND;
    *p++ = EXMTA_CO_PFC_FIRST_FRAG | EXMTA_CO_PFC_LAST_FRAG;
    *p++ = 0x10;                /* little-endian, ASCII */
    p += 3;                     /* IEEE floats, reserved */
    p = put_le16(p, BIND_PDU_LEN);
    p = put_le16(p, 0);         /* auth_len */
    p = put_le32(p, call_id);
    p = put_le16(p, 5840);      /* max_xmit_frag */
    p = put_le16(p, 5840);      /* max_recv_frag */
    p = put_le32(p, 0);         /* assoc_group_id */
    *p++ = 1;                   /* one presentation context */
    p += 3;
    p = put_le16(p, ctx_id);
    *p++ = 1;                   /* one transfer syntax */
    p += 1;
    p = put_uuid(p, &exmta_epm_guid);
    p = put_le16(p, EPM_VERSION);
    p = put_le16(p, 0);
    p = put_uuid(p, ndr64 ? &ndr64_uuid : &ndr32_uuid);
    p = put_le32(p, ndr64 ? NDR64_VERSION : NDR32_VERSION);
    DISSECTOR_ASSERT(p - pdu == BIND_PDU_LEN);

    bind_tvb = tvb_new_child_real_data(tvb, pdu, BIND_PDU_LEN, BIND_PDU_LEN);
    /* DCE/RPC keeps per-frame notes (pinfo->pool, its protocol, key 0),
     * such as the context id of the frame's last PDU, by which it tells a
     * second PDU in the frame: the bind's notes must not reach the real
     * PDUs, so stock's own are set aside and put back. */
    dcerpc_proto = proto_get_id(dcerpc_cn_heur->protocol);
    notes = p_get_proto_data(pinfo->pool, pinfo, dcerpc_proto, 0);
    if (notes)
        p_remove_proto_data(pinfo->pool, pinfo, dcerpc_proto, 0);
    pinfo->cinfo = NULL;
    TRY {
        taken = dcerpc_cn_heur->dissector(bind_tvb, pinfo, NULL, NULL) != 0;
    }
    CATCH_ALL {
        taken = FALSE;
    }
    ENDTRY;
    pinfo->cinfo = cinfo;
    p_remove_proto_data(pinfo->pool, pinfo, dcerpc_proto, 0);
    if (notes)
        p_add_proto_data(pinfo->pool, pinfo, dcerpc_proto, 0, notes);
    return taken;
}

/* A PDU's own shape, before its stub is read. */
static exmta_nobind_verdict_t
pdu_verdict(const exmta_co_pdu_t *pdu)
{
    if ((pdu->flags & (EXMTA_CO_PFC_FIRST_FRAG | EXMTA_CO_PFC_LAST_FRAG)) !=
        (EXMTA_CO_PFC_FIRST_FRAG | EXMTA_CO_PFC_LAST_FRAG))
        return EXMTA_NOBIND_FRAGMENTED;
    if (pdu->auth_len)
        return EXMTA_NOBIND_AUTHENTICATED;
    if (!pdu->ascii_ieee)
        return EXMTA_NOBIND_DATA_REP;
    return EXMTA_NOBIND_OK;
}

static void
on_request(tvbuff_t *tvb, packet_info *pinfo, nb_conv_t *c, const exmta_co_pdu_t *pdu, const guint8 *bytes)
{
    nb_call_t *call;
    nb_frame_t *f;
    gboolean first_call;

    if (ctx_has(&c->bound, pdu->ctx_id))
        return;
    first_call = !ctx_has(&c->called, pdu->ctx_id);
    ctx_add(&c->called, pdu->ctx_id);
    if (ctx_has(&c->supplied, pdu->ctx_id))
        exmta_epm_leave_to_nobind(pinfo->num);
    if (c->pending && wmem_map_remove(c->pending, GUINT_TO_POINTER(pdu->call_id)))
        nb_pending--;           /* a new call with this id replaces an unanswered one */
    if (pdu->opnum != EPM_OPNUM_MAP || pinfo->destport != EXMTA_EPM_PORT)
        return;
    if (!c->pending)
        c->pending = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    call = wmem_new0(wmem_file_scope(), nb_call_t);
    call->frame = pinfo->num;
    call->ctx_id = pdu->ctx_id;
    call->verdict = pdu_verdict(pdu);
    if (call->verdict == EXMTA_NOBIND_OK)
        call->verdict = exmta_nobind_judge_request(bytes + pdu->stub_off, pdu->stub_len, pdu->little_endian,
                                                   &call->rq);
    wmem_map_insert(c->pending, GUINT_TO_POINTER(pdu->call_id), call);
    nb_pending++;
    f = store_frame(pinfo, call->verdict, FALSE, pdu->call_id, 0);
    /* Stock learns the context only from its first call: a bind supplied
     * later would decode earlier calls too, but only when the file is read
     * again (-2, the GUI), not on the first pass. A request that reads in
     * both syntaxes leaves the choice to its response: none is supplied. */
    if (call->verdict == EXMTA_NOBIND_OK && first_call && call->rq.as_ndr32 != call->rq.as_ndr64 &&
        supply_bind(tvb, pinfo, pdu->ctx_id, pdu->call_id, call->rq.as_ndr64)) {
        ctx_add(&c->supplied, pdu->ctx_id);
        exmta_epm_leave_to_nobind(pinfo->num);
        if (f) {
            f->supplied = TRUE;
            f->ndr64 = call->rq.as_ndr64;
            f->ctx_id = pdu->ctx_id;
        }
    }
}

static void
on_response(packet_info *pinfo, nb_conv_t *c, const exmta_co_pdu_t *pdu, const guint8 *bytes)
{
    nb_call_t *call;
    exmta_nobind_verdict_t v;

    if (!c->pending || pinfo->srcport != EXMTA_EPM_PORT)
        return;
    /* A response names no opnum: one without its candidate request could be
     * any interface's, and teaches nothing. */
    call = (nb_call_t *)wmem_map_lookup(c->pending, GUINT_TO_POINTER(pdu->call_id));
    if (!call || call->ctx_id != pdu->ctx_id || call->frame >= pinfo->num)
        return;
    wmem_map_remove(c->pending, GUINT_TO_POINTER(pdu->call_id));
    nb_pending--;
    if (call->verdict != EXMTA_NOBIND_OK)
        return;                 /* the request's frame says why */
    if (pdu->ptype == EXMTA_CO_FAULT) {
        v = EXMTA_NOBIND_FAULT;
    } else if ((v = pdu_verdict(pdu)) == EXMTA_NOBIND_OK) {
        exmta_map_response_t resp;
        exmta_ndr_t ndr;

        v = exmta_nobind_judge_response(&call->rq, bytes + pdu->stub_off, pdu->stub_len, pdu->little_endian,
                                        NOBIND_MAX_TOWERS_KEPT, &ndr, &resp);
        if (v == EXMTA_NOBIND_OK)
            exmta_epm_learn_without_bind(pinfo, &resp, call->frame,
                                         &exmta_nobind_request_in(&call->rq, &ndr)->tower);
        exmta_map_response_clear(&resp);
    }
    store_frame(pinfo, v, TRUE, pdu->call_id, call->frame);
}

/* tcp.port 135: every PDU that starts in this (possibly reassembled) data,
 * first pass only; never claims the data. */
static int
dissect_epm135(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree _U_, void *data _U_)
{
    guint len, off = 0;
    const guint8 *bytes;
    conversation_t *conv;
    nb_conv_t *c = NULL;

    if (PINFO_FD_VISITED(pinfo) || !nb_convs || !proto_is_protocol_enabled(nobind_protocol))
        return 0;
    len = tvb_captured_length(tvb);
    if (len < EXMTA_CO_HDR_LEN)
        return 0;
    bytes = tvb_get_ptr(tvb, 0, len);
    if (bytes[0] != 5)
        return 0;               /* not a DCE/RPC version 5 PDU (or not at its start) */
    while (len - off >= EXMTA_CO_HDR_LEN) {
        exmta_co_pdu_t pdu;
        gboolean wanted;

        if (exmta_co_pdu_parse(bytes + off, len - off, &pdu) != EXMTA_CO_OK)
            break;              /* the rest comes reassembled, or is not DCE/RPC */
        /* The conversation is looked up only for a PDU that can matter:
         * binds, requests, and responses while a candidate awaits one. */
        switch (pdu.ptype) {
        case EXMTA_CO_BIND:
        case EXMTA_CO_ALTER_CONTEXT:
            wanted = TRUE;
            break;
        case EXMTA_CO_REQUEST:
            /* every request: the first call on a context decides whether
             * a bind may be supplied for it */
            wanted = TRUE;
            break;
        case EXMTA_CO_RESPONSE:
        case EXMTA_CO_FAULT:
            wanted = nb_pending != 0;
            break;
        default:
            wanted = FALSE;
            break;
        }
        if (wanted && !c) {
            if (!(conv = find_conversation_pinfo(pinfo, 0)))
                return 0;
            c = (nb_conv_t *)wmem_map_lookup(nb_convs, conv);
            if (!c) {
                c = wmem_new0(wmem_file_scope(), nb_conv_t);
                wmem_map_insert(nb_convs, conv, c);
            }
        }
        if (wanted && (pdu.ptype == EXMTA_CO_BIND || pdu.ptype == EXMTA_CO_ALTER_CONTEXT)) {
            for (guint i = 0; i < pdu.n_ctx; i++)
                ctx_add(&c->bound, pdu.ctx_ids[i]);
        } else if (wanted && pdu.ptype == EXMTA_CO_REQUEST) {
            on_request(tvb, pinfo, c, &pdu, bytes + off);
        } else if (wanted) {
            on_response(pinfo, c, &pdu, bytes + off);
        }
        off += pdu.frag_len;
    }
    return 0;
}

void
exmta_epm_nobind_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const nb_frame_t *f;
    proto_item *ti;

    if (!nb_present)
        return;
    f = (const nb_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_nobind_parent, EXMTA_KEY_EPM_NOBIND);
    if (!f)
        return;
    if (f->supplied) {
        ti = proto_tree_add_uint_format_value(exmta_frame_tree(tvb, pinfo, tree), hf_nobind_supplied, tvb, 0, 0,
            f->ctx_id, "context %u = EPM v3.0 in %s (the capture holds no bind for it)", f->ctx_id,
            f->ndr64 ? "NDR64" : "NDR");
        proto_item_set_generated(ti);
    }
    if (f->verdict == EXMTA_NOBIND_OK)
        return;                 /* a learned lookup shows as exmta.epm with exmta.epm.without_bind */
    ti = proto_tree_add_uint(exmta_frame_tree(tvb, pinfo, tree), hf_nobind_verdict, tvb, 0, 0, f->verdict);
    proto_item_set_generated(ti);
    if (f->request_in) {
        proto_item *ri = proto_tree_add_uint(exmta_frame_tree(tvb, pinfo, tree), hf_nobind_request_in, tvb, 0, 0,
                                             f->request_in);
        proto_item_set_generated(ri);
    }
    if (f->response)
        expert_add_info_format(pinfo, ti, &ei_nobind,
            "[Endpoint mapper] Call %u on TCP 135 without a bind in the capture (request in frame %u): "
            "not learned: %s", f->call_id, f->request_in,
            exmta_nobind_verdict_str((exmta_nobind_verdict_t)f->verdict));
    else
        expert_add_info_format(pinfo, ti, &ei_nobind,
            "[Endpoint mapper] Opnum 3 on TCP 135 without a bind in the capture (call %u): "
            "not learned: %s", f->call_id, exmta_nobind_verdict_str((exmta_nobind_verdict_t)f->verdict));
}

static void
nobind_init(void)
{
    nb_present = FALSE;
    nb_pending = 0;
}

void
exmta_epm_nobind_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_nobind_verdict,
          { "ept_map without bind: not learned", "exmta.epm.without_bind_verdict", FT_UINT8, BASE_DEC,
            VALS(verdict_vals), 0x0,
            "An opnum-3 call on TCP 135 whose bind is not in the capture, and why exmta did not learn from it",
            HFILL } },
        { &hf_nobind_request_in,
          { "Request in", "exmta.epm.without_bind_request_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "Frame of the call's request", HFILL } },
        { &hf_nobind_supplied,
          { "Bind supplied to DCE/RPC", "exmta.epm.without_bind_supplied", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The presentation context of an ept_map request without a bind in the capture, "
            "which exmta told stock DCE/RPC is EPM v3.0 so that stock decodes its calls", HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_nobind,
          { "exmta.expert.epm_without_bind", PI_UNDECODED, PI_NOTE,
            "[Endpoint mapper] Opnum 3 on TCP 135 without a bind in the capture: not learned", EXPFILL } },
    };

    proto_nobind_parent = proto;
    nobind_protocol = find_protocol_by_id(proto);
    proto_register_field_array(proto, hf, array_length(hf));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
    nb_convs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    register_init_routine(nobind_init);
    /* No protocol: call_dissector_work() would push and pop an exmta layer
     * around every call on 135 (the handle never claims data, so the layer
     * would show nowhere); dissect_epm135 checks that exmta is enabled. Its
     * own description: the tcp.port table wants one per handle (Decode As). */
    epm135_handle = create_dissector_handle_with_name_and_description(dissect_epm135, -1, "exmta_epm135",
        "EXMTA: ept_map calls without a bind (reads, never claims)");
}

void
exmta_epm_nobind_handoff(void)
{
    dissector_add_uint("tcp.port", EXMTA_EPM_PORT, epm135_handle);
    /* Stock's DCE/RPC over NetBIOS reads one whole C/O PDU, without TCP's
     * desegmentation: the entry point for a bind built in memory. Without
     * it, exmta still learns; stock just keeps saying "No bind info". */
    dcerpc_cn_heur = find_heur_dissector_by_unique_short_name("dcerpc_netbios");
}
