/* exmta-epm.c - learn RPC endpoints from the endpoint mapper and flag every
 * later TCP session to them.
 *
 * Stock Wireshark decodes ept_map towers but forgets them. exmta wraps the
 * opnum 3 (ept_map) entries of the EPM v3 sub-dissector table, so its code
 * sees the stub of every map request and response that stock decodes, with
 * or without a protocol tree, and costs nothing on frames without EPM. The
 * tower bytes are parsed by the pure parser in core/epm_parse.c; the learned
 * endpoints live in the table of core/endpoints.c, one per capture file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta-epm.h"
#include "exmta-uat.h"
#include "packet-exmta-rpc-ifaces.h"

#include <epan/prefs.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/guid-utils.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-dcerpc.h>

#include "epm_parse.h"
#include "endpoints.h"
#include "known.h"
#include "exmta-epm-hook.h"


/* Towers kept from one response: Windows answers with max_towers (usually
 * 1..4); anything past this is counted but not learned. */
#define EPM_MAX_TOWERS_KEPT 64

static int proto_exmta_parent = -1;

static int hf_rpc = -1;
static int hf_rpc_interface = -1;
static int hf_rpc_interface_name = -1;
static int hf_rpc_version = -1;
static int hf_rpc_kind = -1;
static int hf_rpc_ip = -1;
static int hf_rpc_port = -1;
static int hf_rpc_learned_in = -1;
static int hf_rpc_request_in = -1;
static int hf_rpc_source = -1;
static int hf_rpc_session_start = -1;
static int hf_rpc_known_file = -1;
static int hf_rpc_known_frame = -1;
static int hf_rpc_known_time = -1;
static int hf_epm = -1;
static int hf_epm_endpoint = -1;
static int hf_epm_result = -1;
static int hf_epm_previous_port = -1;
static int hf_epm_previous_in = -1;
static int hf_epm_lookup_failed = -1;
static int hf_epm_status = -1;
static int hf_epm_requested = -1;
static int hf_epm_without_bind = -1;

static gint ett_rpc = EXMTA_ETT_INIT;
static gint ett_epm = EXMTA_ETT_INIT;
static gint ett_epm_endpoint = EXMTA_ETT_INIT;

static expert_field ei_not_registered = EI_INIT;
static expert_field ei_lookup_failed_other = EI_INIT;
static expert_field ei_first_session = EI_INIT;
static expert_field ei_rpc_refused = EI_INIT;
static expert_field ei_port_changed = EI_INIT;
static expert_field ei_iface_changed = EI_INIT;
static expert_field ei_static_port = EI_INIT;
static expert_field ei_table_full = EI_INIT;

static range_t *rpc_static_ports;           /* exmta.rpc_static_ports */

/* Everything this file knows about the open capture file, in one place:
 * the maps are created by the init routine in file scope and go with the
 * file; the endpoint table (core, GLib) is freed by the cleanup routine,
 * which empties the struct. Between files every member is NULL or FALSE. */
static struct {
    exmta_endpoints_t *endpoints;       /* learned in this file */
    guint8 *rpc_ports;                  /* bitmap of 65536 ports, learned or static: the quick check */
    wmem_map_t *sessions_per_endpoint;  /* const exmta_endpoint_t * -> session count */
    wmem_map_t *requests;               /* request frame -> epm_request_t */
    wmem_map_t *known_origin;           /* const exmta_endpoint_t * -> known_origin_t (KNOWN_TABLE) */
    wmem_map_t *learned_when;           /* const exmta_endpoint_t * -> nstime_t * (EPM): time of its response */
    wmem_map_t *ep_texts;               /* const exmta_endpoint_t * -> ep_texts_t (shown trees) */
    wmem_map_t *rpc_convs;              /* conversation_t * -> rpc_conv_t */
    wmem_map_t *nobind_requests;        /* request frame -> 1: learned by exmta-epm-nobind.c */
    gboolean known_conversations_pending;
    gboolean rpc_state_present;         /* an endpoint was learned or loaded, or an EPM frame stored:
                                         * until then exmta_epm_tcp_frame returns at once */
} cap;

static dissector_handle_t dcerpc_tcp_handle;

/* exmta.rpc.source values: a public contract, append only. */
static const value_string source_vals[] = {
    { EXMTA_SRC_EPM,         "Endpoint mapper response" },
    { EXMTA_SRC_STATIC_PREF, "Static port preference (exmta.rpc_static_ports, 'TCP/IP port for RPC listens')" },
    { EXMTA_SRC_KNOWN_TABLE, "Known endpoints table" },
    { 0, NULL }
};

static const value_string kind_vals[] = {
    { EXMTA_KIND_OTHER_RPC,  "other EPM-learned interface" },
    { EXMTA_KIND_MTA_RPC,    "MTA RPC" },
    { EXMTA_KIND_QADMIN_RPC, "MTA QAdmin RPC" },
    { 0, NULL }
};

static const value_string result_vals[] = {
    { EXMTA_LEARN_NEW,           "new endpoint" },
    { EXMTA_LEARN_SAME,          "already known" },
    { EXMTA_LEARN_PORT_CHANGED,  "port changed" },
    { EXMTA_LEARN_IFACE_CHANGED, "interface changed" },
    { EXMTA_LEARN_REJECTED,      "not learned (endpoint table full or port 0)" },
    { EXMTA_LEARN_RELEARNED,     "known before from the known endpoints table, learned again" },
    { 0, NULL }
};

/* What an ept_map request asked for, kept until its response. */
typedef struct {
    gboolean has_iface;
    exmta_uuid_t iface;
    guint16 ver_major, ver_minor;
} epm_request_t;

/* One tower of a response, as learned (stored for every pass). */
typedef struct {
    exmta_endpoint_t ep;
    exmta_learn_result_t result;
    guint16 previous_port;
    guint32 previous_in;
} epm_learned_t;

/* Per EPM response frame. */
typedef struct {
    guint n;
    epm_learned_t *learned;
    gboolean failed;            /* no usable tower, or a non-zero status */
    guint32 status;
    guint32 num_towers;
    guint32 request_in;
    gboolean has_iface;         /* what the request asked for, if we saw it */
    exmta_uuid_t iface;
    guint16 ver_major, ver_minor;
    guint8 host[4];             /* the endpoint mapper that answered */
    gboolean without_bind;      /* read by exmta itself: the call's bind is not in the capture */
} epm_frame_t;

/* Where a known-table endpoint was learned (file scope strings). */
typedef struct {
    const char *file;
    guint32 frame;
    const char *time;
    gboolean has_when;          /* time parsed: sessions that start earlier are not flagged */
    nstime_t when;
} known_origin_t;

/* Per TCP conversation: decided at the first frame exmta looks at, on the
 * first pass. Nothing is kept per frame: a frame of the session is flagged
 * on any pass from this record, so memory grows with sessions, not frames. */
typedef struct {
    const exmta_endpoint_t *ep; /* NULL: not an RPC endpoint session */
    conversation_t *conv;       /* the TCP conversation this record belongs to */
    guint32 first_frame;
    guint32 first_session_frame;/* = first_frame if this is the endpoint's first session, else 0 */
    guint32 refused_frame;      /* the RST that refused it, 0 if none */
    gboolean refused_reported;
    struct tcp_analysis *tcpd;  /* TCP's data of conv, once looked up */
    const struct ep_texts *texts;   /* texts_of(ep), once a tree needed them */
} rpc_conv_t;

/* What one frame of a flagged session shows (built on the stack). */
typedef struct {
    rpc_conv_t *rc;
    const exmta_endpoint_t *ep;
    guint32 session_start;
    gboolean first_session;
    gboolean refused;
} rpc_frame_t;

static const char *
interface_name(const exmta_uuid_t *u, guint16 ver_major, wmem_allocator_t *scope)
{
    e_guid_t g;
    const char *name;

    switch (exmta_kind_of(u, ver_major)) {
    case EXMTA_KIND_MTA_RPC:
        return "Exchange MTA";
    case EXMTA_KIND_QADMIN_RPC:
        return "Exchange MTA QAdmin";
    default:
        break;
    }
    exmta_guid_of(u, &g);
    name = guids_get_uuid_name(&g, scope);
    return name ? name : "unknown interface";
}

static gboolean
is_mta_interface(const exmta_uuid_t *u)
{
    return exmta_uuid_equal(u, &exmta_uuid_mta_rpc) || exmta_uuid_equal(u, &exmta_uuid_qadmin_rpc);
}

static gboolean
ipv4_of(const address *a, guint8 out[4])
{
    if (a->type != AT_IPv4 || a->len != 4)
        return FALSE;
    memcpy(out, a->data, 4);
    return TRUE;
}

/* ---- the ept_map hook --------------------------------------------------- */

/* stock's ept_map stub dissectors, which the wrappers below call
 * (exmta-epm-hook.c puts the wrappers in EPM's table) */
static dcerpc_dissect_fnct_t *orig_map_rqst;
static dcerpc_dissect_fnct_t *orig_map_resp;

/* NDR data representation, octet 0: integer byte order */
#define DREP_LITTLE_ENDIAN 0x10

static exmta_ndr_t
ndr_of(const dcerpc_info *di, const guint8 *drep)
{
    exmta_ndr_t ndr;
    ndr.ndr64 = di && di->call_data && (di->call_data->flags & DCERPC_IS_NDR64);
    ndr.little_endian = drep ? (drep[0] & DREP_LITTLE_ENDIAN) != 0 : TRUE;
    return ndr;
}

static int
wrap_map_rqst(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *tree, dcerpc_info *di, guint8 *drep)
{
    int ret = orig_map_rqst(tvb, offset, pinfo, tree, di, drep);

    if (!PINFO_FD_VISITED(pinfo) && cap.requests && !wmem_map_contains(cap.requests, GUINT_TO_POINTER(pinfo->num))) {
        exmta_map_request_t rq;
        exmta_ndr_t ndr = ndr_of(di, drep);
        guint len = tvb_captured_length_remaining(tvb, offset);
        epm_request_t *r = wmem_new0(wmem_file_scope(), epm_request_t);

        memset(&rq, 0, sizeof(rq));
        if (len > 0)
            exmta_epm_parse_map_request(tvb_get_ptr(tvb, offset, len), len, &ndr, &rq);
        /* the tower names the interface even when the stub ends early */
        if (rq.has_tower && rq.tower_status == EXMTA_TOWER_OK) {
            r->has_iface = TRUE;
            r->iface = rq.tower.iface;
            r->ver_major = rq.tower.ver_major;
            r->ver_minor = rq.tower.ver_minor;
        }
        wmem_map_insert(cap.requests, GUINT_TO_POINTER(pinfo->num), r);
    }
    return ret;
}

static void
learned_port_add(guint16 port)
{
    exmta_set_port_bit(cap.rpc_ports, port);
    cap.rpc_state_present = TRUE;
}

/* A session to a learned endpoint is DCE/RPC even when its bind is not in
 * the capture: expect it, as stock does for ports it learns itself. */
static void
expect_dcerpc_session(packet_info *pinfo, const guint8 ip[4], guint16 port)
{
    address addr, none;
    conversation_t *conv;

    if (!dcerpc_tcp_handle)
        return;
    set_address(&addr, AT_IPv4, 4, ip);
    clear_address(&none);
    conv = conversation_new(pinfo->num, &addr, &none, CONVERSATION_TCP, port, 0,
                            NO_ADDR2 | NO_PORT2 | CONVERSATION_TEMPLATE);
    conversation_set_dissector(conv, dcerpc_tcp_handle);
}

/* Learns from a parsed ept_map response (every pass reads what this stores
 * for the frame): the endpoints of its TCP towers, or a failed lookup. r:
 * what the request asked for, if known. */
static void
learn_parsed_response(packet_info *pinfo, const exmta_map_response_t *resp, guint32 request_in,
                      const epm_request_t *r, gboolean without_bind)
{
    epm_frame_t *fr = wmem_new0(wmem_file_scope(), epm_frame_t);
    guint8 answered_by[4] = { 0, 0, 0, 0 };
    guint usable = 0;

    fr->request_in = request_in;
    fr->without_bind = without_bind;
    if (r && r->has_iface) {
        fr->has_iface = TRUE;
        fr->iface = r->iface;
        fr->ver_major = r->ver_major;
        fr->ver_minor = r->ver_minor;
    }
    ipv4_of(&pinfo->src, answered_by);
    memcpy(fr->host, answered_by, 4);

    fr->status = resp->status;
    fr->num_towers = resp->num_towers;
    if (resp->towers && resp->towers->len) {
        fr->learned = wmem_alloc0_array(wmem_file_scope(), epm_learned_t, resp->towers->len);
        for (guint i = 0; i < resp->towers->len; i++) {
            const exmta_tower_t *t = &g_array_index(resp->towers, exmta_tower_t, i);
            epm_learned_t *l = &fr->learned[fr->n];
            exmta_endpoint_t previous;

            if (!t->has_tcp || t->tcp_port == 0)
                continue;       /* named pipe, UDP, HTTP: no TCP session to flag */
            usable++;
            memset(&l->ep, 0, sizeof(l->ep));
            /* 0.0.0.0 means "the address you sent the request to" */
            if (t->has_ip && (t->ip[0] | t->ip[1] | t->ip[2] | t->ip[3]))
                memcpy(l->ep.ip, t->ip, 4);
            else
                memcpy(l->ep.ip, answered_by, 4);
            l->ep.port = t->tcp_port;
            l->ep.iface = t->iface;
            l->ep.ver_major = t->ver_major;
            l->ep.ver_minor = t->ver_minor;
            l->ep.kind = exmta_kind_of(&t->iface, t->ver_major);
            l->ep.source = EXMTA_SRC_EPM;
            l->ep.learned_in = pinfo->num;
            l->ep.request_in = fr->request_in;
            memset(&previous, 0, sizeof(previous));
            l->result = exmta_endpoints_learn(cap.endpoints, &l->ep, &previous);
            if (l->result == EXMTA_LEARN_PORT_CHANGED || l->result == EXMTA_LEARN_IFACE_CHANGED) {
                l->previous_port = previous.port;
                l->previous_in = previous.learned_in;
            }
            if (l->result == EXMTA_LEARN_NEW || l->result == EXMTA_LEARN_PORT_CHANGED ||
                l->result == EXMTA_LEARN_IFACE_CHANGED || l->result == EXMTA_LEARN_RELEARNED) {
                const exmta_endpoint_t *stored = exmta_endpoints_lookup(cap.endpoints, l->ep.ip, l->ep.port,
                                                                        pinfo->num + 1);
                learned_port_add(l->ep.port);
                expect_dcerpc_session(pinfo, l->ep.ip, l->ep.port);
                if (stored)
                    wmem_map_insert(cap.learned_when, (gpointer)stored,
                                        wmem_memdup(wmem_file_scope(), &pinfo->abs_ts, sizeof(nstime_t)));
            }
            fr->n++;
        }
    }
    fr->failed = usable == 0 || (resp->status_present && resp->status != 0);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_exmta_parent, EXMTA_KEY_EPM, fr);
    cap.rpc_state_present = TRUE;
}

static void
learn_response(tvbuff_t *tvb, int offset, packet_info *pinfo, dcerpc_info *di, guint8 *drep)
{
    exmta_map_response_t resp;
    exmta_ndr_t ndr = ndr_of(di, drep);
    guint len = tvb_captured_length_remaining(tvb, offset);
    guint32 request_in = di && di->call_data ? di->call_data->req_frame : 0;
    epm_request_t *r = NULL;

    if (request_in && cap.requests)
        r = (epm_request_t *)wmem_map_lookup(cap.requests, GUINT_TO_POINTER(request_in));
    memset(&resp, 0, sizeof(resp));
    exmta_epm_parse_map_response(len ? tvb_get_ptr(tvb, offset, len) : NULL, len, &ndr, &resp,
                                 EPM_MAX_TOWERS_KEPT);
    learn_parsed_response(pinfo, &resp, request_in, r, FALSE);
    exmta_map_response_clear(&resp);
}

gboolean
exmta_epm_learn_without_bind(packet_info *pinfo, const exmta_map_response_t *resp, guint32 request_in,
                             const exmta_tower_t *requested)
{
    epm_request_t r;

    if (PINFO_FD_VISITED(pinfo) || !cap.endpoints ||
        p_get_proto_data(wmem_file_scope(), pinfo, proto_exmta_parent, EXMTA_KEY_EPM))
        return FALSE;
    memset(&r, 0, sizeof(r));
    r.has_iface = TRUE;
    r.iface = requested->iface;
    r.ver_major = requested->ver_major;
    r.ver_minor = requested->ver_minor;
    learn_parsed_response(pinfo, resp, request_in, &r, TRUE);
    return TRUE;
}

void
exmta_epm_leave_to_nobind(guint32 request_frame)
{
    wmem_map_insert(cap.nobind_requests, GUINT_TO_POINTER(request_frame), GUINT_TO_POINTER(1));
}

static gboolean
left_to_nobind(guint32 request_frame)
{
    return request_frame && wmem_map_size(cap.nobind_requests) &&
           wmem_map_contains(cap.nobind_requests, GUINT_TO_POINTER(request_frame));
}

/* Learn first: the pure parser takes what is valid even where stock's EPM
 * dissector later throws on a malformed tower (and must not stop learning). */
static int
wrap_map_resp(tvbuff_t *tvb, int offset, packet_info *pinfo, proto_tree *tree, dcerpc_info *di, guint8 *drep)
{
    if (!PINFO_FD_VISITED(pinfo) && cap.endpoints &&
        !p_get_proto_data(wmem_file_scope(), pinfo, proto_exmta_parent, EXMTA_KEY_EPM) &&
        !left_to_nobind(di && di->call_data ? di->call_data->req_frame : 0))
        learn_response(tvb, offset, pinfo, di, drep);
    return orig_map_resp(tvb, offset, pinfo, tree, di, drep);
}

/* ---- flagging TCP sessions ---------------------------------------------- */

/* TRUE when port is one of exmta.rpc_static_ports or a learned endpoint port. */
static gboolean
rpc_port_interesting(guint16 port)
{
    return cap.rpc_ports && exmta_port_bit(cap.rpc_ports, port);
}

static const exmta_endpoint_t *
static_endpoint(packet_info *pinfo)
{
    exmta_endpoint_t *ep;
    const address *host;
    guint16 port;

    if (value_is_in_range(rpc_static_ports, pinfo->destport)) {
        host = &pinfo->dst;
        port = (guint16)pinfo->destport;
    } else if (value_is_in_range(rpc_static_ports, pinfo->srcport)) {
        host = &pinfo->src;
        port = (guint16)pinfo->srcport;
    } else {
        return NULL;
    }
    ep = wmem_new0(wmem_file_scope(), exmta_endpoint_t);
    if (!ipv4_of(host, ep->ip))
        return NULL;
    ep->port = port;
    ep->iface = exmta_uuid_mta_rpc;
    ep->ver_major = EXMTA_MTA_RPC_VERSION;  /* a static port serves MTA RPC v2.0 */
    ep->ver_minor = 0;
    ep->kind = EXMTA_KIND_MTA_RPC;
    ep->source = EXMTA_SRC_STATIC_PREF;
    return ep;
}

/* First pass: which endpoint, if any, this TCP conversation goes to. A
 * conversation that began before its endpoint was learned is not flagged:
 * nothing is flagged before it was learned. */
static rpc_conv_t *
decide_conversation(conversation_t *conv, packet_info *pinfo)
{
    rpc_conv_t *rc = (rpc_conv_t *)wmem_map_lookup(cap.rpc_convs, conv);
    guint8 ip[4];

    if (rc)
        return rc;
    rc = wmem_new0(wmem_file_scope(), rpc_conv_t);
    rc->conv = conv;
    rc->first_frame = pinfo->num;
    wmem_map_insert(cap.rpc_convs, conv, rc);

    if (ipv4_of(&pinfo->dst, ip))
        rc->ep = exmta_endpoints_lookup(cap.endpoints, ip, (guint16)pinfo->destport, pinfo->num);
    if (!rc->ep && ipv4_of(&pinfo->src, ip))
        rc->ep = exmta_endpoints_lookup(cap.endpoints, ip, (guint16)pinfo->srcport, pinfo->num);
    /* A session cloned from the conversation exmta expected carries that
     * conversation's setup frame, the response that taught the endpoint
     * itself; one that began before it has an earlier setup frame. */
    if (rc->ep && conv->setup_frame < rc->ep->learned_in)
        rc->ep = NULL;
    /* Likewise a known-table endpoint whose learned time is later than the
     * session's start (a table from a later file, or exmta-fileset handing a
     * file the endpoints learned within it): "after it was learned" holds
     * for both sources. */
    if (rc->ep && rc->ep->source == EXMTA_SRC_KNOWN_TABLE && cap.known_origin) {
        const known_origin_t *o = (const known_origin_t *)wmem_map_lookup(cap.known_origin, rc->ep);
        if (o && o->has_when && nstime_cmp(&pinfo->abs_ts, &o->when) < 0)
            rc->ep = NULL;
    }
    if (!rc->ep && rpc_static_ports)
        rc->ep = static_endpoint(pinfo);
    return rc;
}

/* A learned endpoint at either end of this frame (known at this frame). */
static gboolean
endpoint_at(packet_info *pinfo)
{
    guint8 ip[4];

    if (ipv4_of(&pinfo->dst, ip) && exmta_endpoints_lookup(cap.endpoints, ip, (guint16)pinfo->destport, pinfo->num))
        return TRUE;
    return ipv4_of(&pinfo->src, ip) && exmta_endpoints_lookup(cap.endpoints, ip, (guint16)pinfo->srcport, pinfo->num);
}

/* The conversation record of this frame if it is (or may be) a session to
 * an RPC endpoint: cheap hash checks first, the conversation last. */
static rpc_conv_t *
rpc_conv_lookup(packet_info *pinfo)
{
    conversation_t *conv;

    /* Dynamic RPC ports and client ports share 49152-65535: ask the table
     * for the address and port before looking for the conversation. */
    if (!endpoint_at(pinfo) && !(rpc_static_ports && (value_is_in_range(rpc_static_ports, pinfo->srcport) ||
                                                      value_is_in_range(rpc_static_ports, pinfo->destport))))
        return NULL;
    conv = find_conversation_pinfo(pinfo, 0);
    if (!conv)
        return NULL;
    if (!PINFO_FD_VISITED(pinfo))
        return decide_conversation(conv, pinfo);
    return (rpc_conv_t *)wmem_map_lookup(cap.rpc_convs, conv);
}

/* First pass: the answer for a flow stands while the flow leads to the same
 * conversation (exmta_frame_flow_get), so every frame after a session's
 * first costs one cache probe. A flow with no endpoint at either end is
 * remembered too: an endpoint learned while that flow lasts cannot flag it
 * (its conversation began before), and a new conversation on the same ports
 * starts a TCP stream, which drops the answer. */
#define EXMTA_RPC_FLOW_SLOTS 4096
static exmta_flowcache_t *rpc_flows;    /* emptied with every flow cache as a file starts and ends (packet-exmta.c) */
static rpc_conv_t not_rpc;              /* the remembered "no endpoint here" */

static rpc_conv_t *
rpc_conv_of(packet_info *pinfo)
{
    rpc_conv_t *rc;

    if (!rpc_port_interesting((guint16)pinfo->srcport) &&
        !rpc_port_interesting((guint16)pinfo->destport))
        return NULL;
    if (PINFO_FD_VISITED(pinfo))
        return rpc_conv_lookup(pinfo);
    rc = (rpc_conv_t *)exmta_frame_flow_get(rpc_flows, pinfo);
    if (rc == &not_rpc)
        return NULL;
    if (rc)
        return rc;
    rc = rpc_conv_lookup(pinfo);
    exmta_frame_flow_put(rpc_flows, pinfo, rc ? rc : &not_rpc);
    return rc;
}

/* First pass: count the endpoint's sessions and note a refusal. */
static void
rpc_first_pass(packet_info *pinfo, rpc_conv_t *rc)
{
    if (rc->first_frame == pinfo->num) {
        guint n = GPOINTER_TO_UINT(wmem_map_lookup(cap.sessions_per_endpoint, rc->ep)) + 1;
        wmem_map_insert(cap.sessions_per_endpoint, (gpointer)rc->ep, GUINT_TO_POINTER(n));
        if (n == 1)
            rc->first_session_frame = pinfo->num;
    }
    if (exmta_tcp_refused_now(rc->conv, &rc->tcpd, &rc->refused_reported, TRUE))
        rc->refused_frame = pinfo->num;
}

static gboolean
rpc_frame_of(packet_info *pinfo, rpc_conv_t *rc, rpc_frame_t *rf)
{
    if (!rc || !rc->ep || pinfo->num < rc->first_frame)
        return FALSE;
    rf->rc = rc;
    rf->ep = rc->ep;
    rf->session_start = rc->first_frame;
    rf->first_session = rc->first_session_frame == pinfo->num;
    rf->refused = rc->refused_frame == pinfo->num;
    return TRUE;
}

static const char *
ep_str(const exmta_endpoint_t *ep, wmem_allocator_t *scope)
{
    return wmem_strdup_printf(scope, "%u.%u.%u.%u:%u", ep->ip[0], ep->ip[1], ep->ip[2], ep->ip[3], ep->port);
}

/* What a shown tree says about an endpoint on every frame of its sessions
 * (an entry's fields never change once learned): formatted once, not for
 * each frame. tshark 4.0's -T fields shows the whole tree. */
typedef struct ep_texts {
    const char *version;        /* "2.0" */
    const char *session_text;   /* the exmta.rpc item of a session's frame */
} ep_texts_t;

static const ep_texts_t *
texts_of(const exmta_endpoint_t *ep)
{
    ep_texts_t *t = (ep_texts_t *)wmem_map_lookup(cap.ep_texts, ep);

    if (!t) {
        wmem_allocator_t *scope = wmem_file_scope();

        t = wmem_new(scope, ep_texts_t);
        t->version = wmem_strdup_printf(scope, "%u.%u", ep->ver_major, ep->ver_minor);
        t->session_text = wmem_strdup_printf(scope, "%s: %s %s, %s", proto_registrar_get_name(hf_rpc),
                                             val_to_str_const(ep->kind, kind_vals, "?"), ep_str(ep, scope),
                                             ep->source == EXMTA_SRC_EPM ?
                                                 wmem_strdup_printf(scope, "learned in frame %u", ep->learned_in) :
                                             ep->source == EXMTA_SRC_KNOWN_TABLE ? "from the known endpoints table" :
                                                 val_to_str_const(ep->source, source_vals, "?"));
        wmem_map_insert(cap.ep_texts, (gpointer)ep, t);
    }
    return t;
}

static void
add_endpoint_fields(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const exmta_endpoint_t *ep,
                    const ep_texts_t *texts)
{
    e_guid_t g;
    ws_in4_addr ip;
    proto_item *ti;

    exmta_guid_of(&ep->iface, &g);
    ti = proto_tree_add_guid(tree, hf_rpc_interface, tvb, 0, 0, &g);
    proto_item_set_generated(ti);
    /* strings are formatted only for a tree that shows them or a filter,
     * column or -e that asks for them (not for -T fields of other fields) */
    if (proto_field_is_referenced(tree, hf_rpc_interface_name)) {
        ti = proto_tree_add_string(tree, hf_rpc_interface_name, tvb, 0, 0,
                                   interface_name(&ep->iface, ep->ver_major, pinfo->pool));
        proto_item_set_generated(ti);
    }
    if (proto_field_is_referenced(tree, hf_rpc_version)) {
        ti = proto_tree_add_string(tree, hf_rpc_version, tvb, 0, 0, (texts ? texts : texts_of(ep))->version);
        proto_item_set_generated(ti);
    }
    ti = proto_tree_add_uint(tree, hf_rpc_kind, tvb, 0, 0, ep->kind);
    proto_item_set_generated(ti);
    /* proto_tree_add_ipv4 takes the address in network order, as
     * tvb_get_ipv4 returns it: the four octets as they are in ep->ip */
    memcpy(&ip, ep->ip, sizeof(ip));
    ti = proto_tree_add_ipv4(tree, hf_rpc_ip, tvb, 0, 0, ip);
    proto_item_set_generated(ti);
    ti = proto_tree_add_uint(tree, hf_rpc_port, tvb, 0, 0, ep->port);
    proto_item_set_generated(ti);
    ti = proto_tree_add_uint(tree, hf_rpc_source, tvb, 0, 0, ep->source);
    proto_item_set_generated(ti);
    if (ep->learned_in) {
        ti = proto_tree_add_uint(tree, hf_rpc_learned_in, tvb, 0, 0, ep->learned_in);
        proto_item_set_generated(ti);
    }
    if (ep->request_in) {
        ti = proto_tree_add_uint(tree, hf_rpc_request_in, tvb, 0, 0, ep->request_in);
        proto_item_set_generated(ti);
    }
    if (ep->source == EXMTA_SRC_KNOWN_TABLE && cap.known_origin) {
        const known_origin_t *o = (const known_origin_t *)wmem_map_lookup(cap.known_origin, ep);
        if (o) {
            ti = proto_tree_add_string(tree, hf_rpc_known_file, tvb, 0, 0, o->file);
            proto_item_set_generated(ti);
            if (o->frame) {
                ti = proto_tree_add_uint(tree, hf_rpc_known_frame, tvb, 0, 0, o->frame);
                proto_item_set_generated(ti);
            }
            ti = proto_tree_add_string(tree, hf_rpc_known_time, tvb, 0, 0, o->time);
            proto_item_set_generated(ti);
        }
    }
}

static void
show_rpc_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const rpc_frame_t *rf)
{
    const exmta_endpoint_t *ep = rf->ep;
    proto_item *ti = NULL;

    /* Without a tree only the expert info is wanted: no text is formatted
     * for the many frames of a session. */
    if (tree) {
        proto_tree *et = exmta_frame_tree(tvb, pinfo, tree);
        proto_tree *rt;

        if (!rf->rc->texts)
            rf->rc->texts = texts_of(ep);
        if (proto_field_is_referenced(tree, hf_rpc))
            ti = proto_tree_add_none_format(et, hf_rpc, tvb, 0, 0, "%s", rf->rc->texts->session_text);
        else
            ti = proto_tree_add_item(et, hf_rpc, tvb, 0, 0, ENC_NA);
        rt = proto_item_add_subtree(ti, ett_rpc);
        add_endpoint_fields(rt, tvb, pinfo, ep, rf->rc->texts);
        ti = proto_tree_add_uint(rt, hf_rpc_session_start, tvb, 0, 0, rf->session_start);
        proto_item_set_generated(ti);
    }

    if (rf->first_session) {
        if (ep->source == EXMTA_SRC_STATIC_PREF)
            expert_add_info_format(pinfo, ti, &ei_static_port,
                "[TCP/IP port for RPC listens] First session to static MTA RPC port %s (exmta.rpc_static_ports)",
                ep_str(ep, pinfo->pool));
        else if (ep->source == EXMTA_SRC_KNOWN_TABLE)
            expert_add_info_format(pinfo, ti, &ei_first_session,
                "[Endpoint mapper] First session to %s endpoint %s (%s), from the known endpoints table",
                val_to_str_const(ep->kind, kind_vals, "?"), ep_str(ep, pinfo->pool),
                interface_name(&ep->iface, ep->ver_major, pinfo->pool));
        else
            expert_add_info_format(pinfo, ti, &ei_first_session,
                "[Endpoint mapper] First session to %s endpoint %s (%s), learned in frame %u",
                val_to_str_const(ep->kind, kind_vals, "?"), ep_str(ep, pinfo->pool),
                interface_name(&ep->iface, ep->ver_major, pinfo->pool), ep->learned_in);
    }
    if (rf->refused)
        expert_add_info_format(pinfo, ti, &ei_rpc_refused,
            "[Endpoint mapper] Connection to %s endpoint %s refused (SYN answered by RST): "
            "nothing listens on the port the endpoint mapper gave (service stopped or restarted?)",
            val_to_str_const(ep->kind, kind_vals, "?"), ep_str(ep, pinfo->pool));
}

static void
show_epm_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const epm_frame_t *fr)
{
    proto_tree *et = exmta_frame_tree(tvb, pinfo, tree);
    proto_item *ti = proto_tree_add_item(et, hf_epm, tvb, 0, 0, ENC_NA);
    proto_tree *mt = proto_item_add_subtree(ti, ett_epm);
    char host[16];

    snprintf(host, sizeof(host), "%u.%u.%u.%u", fr->host[0], fr->host[1], fr->host[2], fr->host[3]);
    if (proto_field_is_referenced(tree, hf_epm))
        proto_item_append_text(ti, ": %u endpoint%s from the endpoint mapper on %s", fr->n,
                               fr->n == 1 ? "" : "s", host);
    if (fr->has_iface) {
        e_guid_t g;
        exmta_guid_of(&fr->iface, &g);
        ti = proto_tree_add_guid(mt, hf_epm_requested, tvb, 0, 0, &g);
        if (proto_field_is_referenced(tree, hf_epm_requested))
            proto_item_append_text(ti, " (%s v%u.%u)", interface_name(&fr->iface, fr->ver_major, pinfo->pool),
                                   fr->ver_major, fr->ver_minor);
        proto_item_set_generated(ti);
    }
    ti = proto_tree_add_uint(mt, hf_epm_status, tvb, 0, 0, fr->status);
    proto_item_set_generated(ti);
    if (fr->without_bind) {
        ti = proto_tree_add_boolean(mt, hf_epm_without_bind, tvb, 0, 0, TRUE);
        proto_item_set_generated(ti);
    }
    for (guint i = 0; i < fr->n; i++) {
        const epm_learned_t *l = &fr->learned[i];
        proto_item *li = proto_tree_add_item(mt, hf_epm_endpoint, tvb, 0, 0, ENC_NA);
        proto_tree *lt = proto_item_add_subtree(li, ett_epm_endpoint);

        if (proto_field_is_referenced(tree, hf_epm_endpoint))
            proto_item_append_text(li, ": %s %s (%s)", val_to_str_const(l->ep.kind, kind_vals, "?"),
                                   ep_str(&l->ep, pinfo->pool), val_to_str_const(l->result, result_vals, "?"));
        add_endpoint_fields(lt, tvb, pinfo, &l->ep, NULL);
        ti = proto_tree_add_uint(lt, hf_epm_result, tvb, 0, 0, l->result);
        proto_item_set_generated(ti);
        if (l->result == EXMTA_LEARN_PORT_CHANGED || l->result == EXMTA_LEARN_IFACE_CHANGED) {
            proto_item *pi = proto_tree_add_uint(lt, hf_epm_previous_port, tvb, 0, 0, l->previous_port);
            proto_item_set_generated(pi);
            pi = proto_tree_add_uint(lt, hf_epm_previous_in, tvb, 0, 0, l->previous_in);
            proto_item_set_generated(pi);
        }
        if (l->result == EXMTA_LEARN_PORT_CHANGED)
            expert_add_info_format(pinfo, li, &ei_port_changed,
                "[Endpoint mapper] %s on %u.%u.%u.%u moved from port %u (learned in frame %u) to port %u: "
                "the service restarted or moved; sessions to the old port will fail",
                interface_name(&l->ep.iface, l->ep.ver_major, pinfo->pool),
                l->ep.ip[0], l->ep.ip[1], l->ep.ip[2], l->ep.ip[3], l->previous_port, l->previous_in,
                l->ep.port);
        else if (l->result == EXMTA_LEARN_IFACE_CHANGED)
            expert_add_info_format(pinfo, li, &ei_iface_changed,
                "[Endpoint mapper] Port %s now serves %s (learned in frame %u for another interface)",
                ep_str(&l->ep, pinfo->pool), interface_name(&l->ep.iface, l->ep.ver_major, pinfo->pool),
                l->previous_in);
        else if (l->result == EXMTA_LEARN_REJECTED)
            expert_add_info(pinfo, li, &ei_table_full);
    }
    if (fr->failed) {
        ti = proto_tree_add_boolean(mt, hf_epm_lookup_failed, tvb, 0, 0, TRUE);
        proto_item_set_generated(ti);
        if (fr->has_iface && is_mta_interface(&fr->iface))
            expert_add_info_format(pinfo, ti, &ei_not_registered,
                "[Endpoint mapper] %s: the %s RPC interface is not registered with its endpoint mapper "
                "(0x%08x%s, %u tower%s): MTA service stopped, or on a static port ('TCP/IP port for RPC listens')",
                host, interface_name(&fr->iface, fr->ver_major, pinfo->pool), fr->status,
                fr->status == EXMTA_EPT_S_NOT_REGISTERED ? " EPT_S_NOT_REGISTERED" : "",
                fr->num_towers, fr->num_towers == 1 ? "" : "s");
        else
            expert_add_info_format(pinfo, ti, &ei_lookup_failed_other,
                "[Endpoint mapper] %s: lookup %s%s answered with no TCP endpoint (status 0x%08x)",
                host, fr->has_iface ? "for " : "",
                fr->has_iface ? interface_name(&fr->iface, fr->ver_major, pinfo->pool) : "",
                fr->status);
    }
}

static guint8
found_by_source(exmta_ep_source_t source)
{
    switch (source) {
    case EXMTA_SRC_STATIC_PREF: return EXMTA_SUM_FOUND_STATIC_PREF;
    case EXMTA_SRC_KNOWN_TABLE: return EXMTA_SUM_FOUND_KNOWN_TABLE;
    default:                    return EXMTA_SUM_FOUND_EPM;
    }
}

static exmta_tap_info_t *
tap_for_endpoint(packet_info *pinfo, exmta_sum_type_t type, const exmta_endpoint_t *ep)
{
    exmta_tap_info_t *ti = exmta_tap_new(pinfo, type);
    guint8 *ip = (guint8 *)wmem_memdup(pinfo->pool, ep->ip, 4);

    set_address(&ti->host, AT_IPv4, 4, ip);
    ti->port = ep->port;
    ti->kind = (guint8)ep->kind;
    ti->found_by = found_by_source(ep->source);
    ti->learned_in = ep->learned_in;
    ti->interface_name = interface_name(&ep->iface, ep->ver_major, pinfo->pool);
    ti->iface = ep->iface;
    ti->ver_major = ep->ver_major;
    ti->ver_minor = ep->ver_minor;
    return ti;
}

static void
queue_taps(packet_info *pinfo, const epm_frame_t *fr, const rpc_frame_t *rf)
{
    if (!exmta_tap_wanted())
        return;
    if (fr) {
        for (guint i = 0; i < fr->n; i++)
            exmta_tap_queue(pinfo, tap_for_endpoint(pinfo, EXMTA_SUM_EPM_LEARNED, &fr->learned[i].ep));
        if (fr->failed) {
            exmta_tap_info_t *ti = exmta_tap_new(pinfo, EXMTA_SUM_EPM_FAILED);
            guint8 *ip = (guint8 *)wmem_memdup(pinfo->pool, fr->host, 4);

            set_address(&ti->host, AT_IPv4, 4, ip);
            ti->port = (guint16)pinfo->srcport;
            ti->kind = fr->has_iface ? (guint8)exmta_kind_of(&fr->iface, fr->ver_major) : EXMTA_KIND_OTHER_RPC;
            ti->found_by = EXMTA_SUM_FOUND_EPM;
            ti->learned_in = pinfo->num;
            ti->epm_status = fr->status;
            ti->interface_name = fr->has_iface ? interface_name(&fr->iface, fr->ver_major, pinfo->pool) : NULL;
            if (fr->has_iface) {
                ti->iface = fr->iface;
                ti->ver_major = fr->ver_major;
                ti->ver_minor = fr->ver_minor;
            }
            exmta_tap_queue(pinfo, ti);
        }
    }
    if (rf) {
        exmta_tap_info_t *ti = tap_for_endpoint(pinfo, EXMTA_SUM_RPC, rf->ep);

        ti->refused = rf->refused;
        exmta_tap_queue(pinfo, ti);
    }
}

static void
expect_one_known(const exmta_endpoint_t *ep, gpointer user_data)
{
    if (ep->source == EXMTA_SRC_KNOWN_TABLE)
        expect_dcerpc_session((packet_info *)user_data, ep->ip, ep->port);
}

/* Sessions to known-table endpoints decode as DCE/RPC from the first frame on. */
static void
expect_known_sessions(packet_info *pinfo)
{
    cap.known_conversations_pending = FALSE;
    exmta_endpoints_foreach(cap.endpoints, expect_one_known, pinfo);
}

void
exmta_epm_tcp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    rpc_frame_t rfs, *rf = NULL;
    epm_frame_t *fr;
    rpc_conv_t *rc;

    /* Most captures have no EPM traffic and no static RPC ports: nothing to do. */
    if (!cap.rpc_state_present && !cap.known_conversations_pending &&
        !(rpc_static_ports && rpc_static_ports->nranges))
        return;
    if (!PINFO_FD_VISITED(pinfo) && cap.known_conversations_pending)
        expect_known_sessions(pinfo);
    /* one lookup serves the first pass's bookkeeping and the display */
    rc = cap.endpoints ? rpc_conv_of(pinfo) : NULL;
    if (!PINFO_FD_VISITED(pinfo) && rc && rc->ep)
        rpc_first_pass(pinfo, rc);

    fr = (epm_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_exmta_parent, EXMTA_KEY_EPM);
    if (fr)
        show_epm_frame(tvb, pinfo, tree, fr);
    if (rpc_frame_of(pinfo, rc, &rfs)) {
        rf = &rfs;
        show_rpc_frame(tvb, pinfo, tree, rf);
    }
    if (fr || rf)
        queue_taps(pinfo, fr, rf);
}

/* An ept_map response over connectionless DCE/RPC (UDP) teaches endpoints
 * like one over TCP: show and tap it like one. No RPC session is flagged on
 * UDP: the endpoints learned are TCP ports. */
void
exmta_epm_udp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    epm_frame_t *fr;

    if (!cap.rpc_state_present)
        return;
    fr = (epm_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_exmta_parent, EXMTA_KEY_EPM);
    if (fr) {
        show_epm_frame(tvb, pinfo, tree, fr);
        queue_taps(pinfo, fr, NULL);
    }
}

typedef struct {
    void (*fn)(const exmta_endpoint_t *ep, const nstime_t *when, gpointer user_data);
    gpointer user_data;
} foreach_learned_t;

static void
foreach_learned_one(const exmta_endpoint_t *ep, gpointer user_data)
{
    foreach_learned_t *f = (foreach_learned_t *)user_data;
    const nstime_t *when;

    if (ep->source != EXMTA_SRC_EPM || !cap.learned_when)
        return;
    when = (const nstime_t *)wmem_map_lookup(cap.learned_when, ep);
    f->fn(ep, when, f->user_data);
}

void
exmta_epm_foreach_learned(void (*fn)(const exmta_endpoint_t *ep, const nstime_t *when, gpointer user_data),
                          gpointer user_data)
{
    foreach_learned_t f;

    if (!cap.endpoints)
        return;
    f.fn = fn;
    f.user_data = user_data;
    exmta_endpoints_foreach(cap.endpoints, foreach_learned_one, &f);
}

/* ---- lifetime ------------------------------------------------------------ */

/* The known endpoints table seeds this file's table (learned_in 0, so every
 * frame sees them; anything learned in the file is newer and wins). */
static void
load_known_endpoints(void)
{
    guint n = exmta_known_count();

    for (guint i = 0; i < n; i++) {
        exmta_endpoint_t ep;
        const char *file, *learned_at;
        guint32 frame;
        exmta_learn_result_t r;
        const exmta_endpoint_t *stored;
        known_origin_t *o;

        if (!exmta_known_get(i, &ep, &file, &frame, &learned_at))
            continue;
        r = exmta_endpoints_learn(cap.endpoints, &ep, NULL);
        if (r == EXMTA_LEARN_REJECTED || r == EXMTA_LEARN_SAME)
            continue;
        learned_port_add(ep.port);
        stored = exmta_endpoints_lookup(cap.endpoints, ep.ip, ep.port, 1);
        if (!stored)
            continue;
        o = wmem_new(wmem_file_scope(), known_origin_t);
        o->file = wmem_strdup(wmem_file_scope(), file);
        o->frame = frame;
        o->time = wmem_strdup(wmem_file_scope(), learned_at);
        {
            gint64 secs;
            int nsecs;

            o->has_when = exmta_known_parse_time(learned_at, &secs, &nsecs);
            o->when.secs = (time_t)(o->has_when ? secs : 0);
            o->when.nsecs = o->has_when ? nsecs : 0;
        }
        wmem_map_insert(cap.known_origin, (gpointer)stored, o);
        cap.known_conversations_pending = TRUE;
    }
}

static void
epm_init(void)
{
    wmem_allocator_t *file = wmem_file_scope();

    memset(&cap, 0, sizeof(cap));
    cap.endpoints = exmta_endpoints_new();
    cap.rpc_ports = (guint8 *)wmem_alloc(file, EXMTA_PORT_BITS);
    /* a preference change redissects, which comes through here again */
    exmta_fill_port_bits(cap.rpc_ports, rpc_static_ports);
    cap.sessions_per_endpoint = wmem_map_new(file, g_direct_hash, g_direct_equal);
    cap.requests = wmem_map_new(file, g_direct_hash, g_direct_equal);
    cap.known_origin = wmem_map_new(file, g_direct_hash, g_direct_equal);
    cap.learned_when = wmem_map_new(file, g_direct_hash, g_direct_equal);
    cap.ep_texts = wmem_map_new(file, g_direct_hash, g_direct_equal);
    cap.rpc_convs = wmem_map_new(file, g_direct_hash, g_direct_equal);
    cap.nobind_requests = wmem_map_new(file, g_direct_hash, g_direct_equal);
    load_known_endpoints();
}

/* The maps go with the file scope; the core's table is freed here. */
static void
epm_cleanup(void)
{
    if (cap.endpoints)
        exmta_endpoints_free(cap.endpoints);
    memset(&cap, 0, sizeof(cap));
}

static void
epm_shutdown(void)
{
    exmta_epm_hook_remove();
    exmta_frame_flow_free(rpc_flows);
    rpc_flows = NULL;
}

void
exmta_epm_register(int proto, module_t *module)
{
    static hf_register_info hf[] = {
        { &hf_rpc,
          { "MTA RPC endpoint session", "exmta.rpc", FT_NONE, BASE_NONE, NULL, 0x0,
            "TCP session to an RPC endpoint learned from the endpoint mapper or a static port", HFILL } },
        { &hf_rpc_interface,
          { "Interface", "exmta.rpc.interface", FT_GUID, BASE_NONE, NULL, 0x0,
            "RPC interface UUID the endpoint serves", HFILL } },
        { &hf_rpc_interface_name,
          { "Interface name", "exmta.rpc.interface_name", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rpc_version,
          { "Interface version", "exmta.rpc.version", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rpc_kind,
          { "Kind", "exmta.rpc.kind", FT_UINT8, BASE_DEC, VALS(kind_vals), 0x0,
            NULL, HFILL } },
        { &hf_rpc_ip,
          { "Endpoint address", "exmta.rpc.ip", FT_IPv4, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rpc_port,
          { "Endpoint port", "exmta.rpc.port", FT_UINT16, BASE_DEC, NULL, 0x0,
            NULL, HFILL } },
        { &hf_rpc_learned_in,
          { "Learned in", "exmta.rpc.learned_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "Frame of the endpoint mapper response that gave this endpoint", HFILL } },
        { &hf_rpc_request_in,
          { "Lookup request in", "exmta.rpc.request_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "Frame of the ept_map request", HFILL } },
        { &hf_rpc_source,
          { "Source", "exmta.rpc.source", FT_UINT8, BASE_DEC, VALS(source_vals), 0x0,
            "Where exmta knows this endpoint from", HFILL } },
        { &hf_rpc_session_start,
          { "Session start", "exmta.rpc.session_start", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "First frame of this TCP session that exmta saw", HFILL } },
        { &hf_rpc_known_file,
          { "Learned in file", "exmta.rpc.known_file", FT_STRING, BASE_NONE, NULL, 0x0,
            "Capture file a known-table endpoint was learned in", HFILL } },
        { &hf_rpc_known_frame,
          { "Learned in frame of that file", "exmta.rpc.known_frame", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Frame of the ept_map response in that file", HFILL } },
        { &hf_rpc_known_time,
          { "Learned at", "exmta.rpc.known_time", FT_STRING, BASE_NONE, NULL, 0x0,
            "Time of that frame", HFILL } },
        { &hf_epm,
          { "Endpoint mapper lookup", "exmta.epm", FT_NONE, BASE_NONE, NULL, 0x0,
            "What exmta learned from this ept_map response", HFILL } },
        { &hf_epm_endpoint,
          { "Learned endpoint", "exmta.epm.endpoint", FT_NONE, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_epm_result,
          { "Learning result", "exmta.epm.result", FT_UINT8, BASE_DEC, VALS(result_vals), 0x0,
            NULL, HFILL } },
        { &hf_epm_previous_port,
          { "Previous port", "exmta.epm.previous_port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Port the same interface had on this host before", HFILL } },
        { &hf_epm_previous_in,
          { "Previous port learned in", "exmta.epm.previous_learned_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_epm_lookup_failed,
          { "Lookup failed", "exmta.epm.lookup_failed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The response gave no TCP endpoint or a non-zero status", HFILL } },
        { &hf_epm_status,
          { "Status", "exmta.epm.status", FT_UINT32, BASE_HEX, NULL, 0x0,
            "error_status_t of the ept_map response", HFILL } },
        { &hf_epm_requested,
          { "Requested interface", "exmta.epm.requested", FT_GUID, BASE_NONE, NULL, 0x0,
            "Interface named by the ept_map request", HFILL } },
        { &hf_epm_without_bind,
          { "Learned without bind", "exmta.epm.without_bind", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The lookup's bind is not in the capture: exmta read the ept_map request and response itself", HFILL } },
    };
    static gint *ett[] = { &ett_rpc, &ett_epm, &ett_epm_endpoint };
    static ei_register_info ei[] = {
        { &ei_not_registered,
          { "exmta.expert.epm_not_registered", PI_RESPONSE_CODE, PI_WARN,
            "[Endpoint mapper] The MTA RPC interface is not registered with its endpoint mapper", EXPFILL } },
        { &ei_lookup_failed_other,
          { "exmta.expert.epm_lookup_failed", PI_RESPONSE_CODE, PI_NOTE,
            "[Endpoint mapper] Lookup answered with no TCP endpoint", EXPFILL } },
        { &ei_first_session,
          { "exmta.expert.rpc_first_session", PI_SEQUENCE, PI_CHAT,
            "[Endpoint mapper] First session to a learned RPC endpoint", EXPFILL } },
        { &ei_rpc_refused,
          { "exmta.expert.rpc_refused", PI_SEQUENCE, PI_WARN,
            "[Endpoint mapper] Connection to a learned RPC endpoint refused", EXPFILL } },
        { &ei_port_changed,
          { "exmta.expert.rpc_port_changed", PI_SEQUENCE, PI_WARN,
            "[Endpoint mapper] Endpoint re-learned with a different port", EXPFILL } },
        { &ei_iface_changed,
          { "exmta.expert.rpc_interface_changed", PI_SEQUENCE, PI_NOTE,
            "[Endpoint mapper] Port re-learned for a different interface", EXPFILL } },
        { &ei_static_port,
          { "exmta.expert.rpc_static_port", PI_SEQUENCE, PI_CHAT,
            "[TCP/IP port for RPC listens] Session to a static MTA RPC port", EXPFILL } },
        { &ei_table_full,
          { "exmta.expert.endpoint_table_full", PI_PROTOCOL, PI_WARN,
            "Endpoint not learned: the endpoint table is full or the port is 0", EXPFILL } },
    };
    expert_module_t *expert = expert_register_protocol(proto);

    proto_exmta_parent = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));

    exmta_rpc_ifaces_register();

    range_convert_str(wmem_epan_scope(), &rpc_static_ports, "", 65535);
    prefs_register_range_preference(module, "rpc_static_ports",
        "TCP/IP port for RPC listens (static MTA RPC ports)",
        "TCP ports on which MTA RPC listens without the endpoint mapper: the Exchange registry value "
        "'TCP/IP port for RPC listens' (HKLM\\System\\CurrentControlSet\\Services\\MSExchangeMTA\\Parameters). "
        "Sessions to these ports are flagged as MTA RPC. Empty by default.",
        &rpc_static_ports, 65535);

    register_init_routine(epm_init);
    register_cleanup_routine(epm_cleanup);
    rpc_flows = exmta_frame_flow_new(EXMTA_RPC_FLOW_SLOTS);
    register_shutdown_routine(epm_shutdown);
}

void
exmta_epm_handoff(void)
{
    dissector_table_t tcp_port = find_dissector_table("tcp.port");

    /* Stock decodes DCE/RPC over TCP by heuristic and offers its TCP handle
     * to Decode As in the tcp.port table: that handle, by its name. */
    dcerpc_tcp_handle = tcp_port ? dissector_table_get_dissector_handle(tcp_port, "DCERPC") : NULL;
    if (!dcerpc_tcp_handle)
        ws_warning("exmta: no DCE/RPC handle in tcp.port; sessions without a bind rely on stock's heuristic");

    exmta_rpc_ifaces_handoff();
    exmta_epm_hook_install(wrap_map_rqst, wrap_map_resp, &orig_map_rqst, &orig_map_resp);
}
