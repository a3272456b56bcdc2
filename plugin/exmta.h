/* exmta.h - what the files of the exmta Wireshark shell share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_H
#define EXMTA_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/conversation.h>

#include "ws_compat.h"
#include "epm_parse.h"
#include "endpoints.h"
#include "summary.h"
#include "flowcache.h"

/* Registration, called from plugin.c */
void proto_register_exmta(void);
void proto_reg_handoff_exmta(void);

extern int proto_exmta;

/* Keys of the per-frame data exmta stores with p_add_proto_data(). */
enum {
    /* 0 and 1 were the RFC1006 and TCP frame records, now in packet-exmta.c's
     * own frame indexes */
    EXMTA_KEY_EPM = 3,          /* epm_frame_t: what an ept_map response taught */
    EXMTA_KEY_EPM_NOBIND = 4,   /* exmta-epm-nobind.c: an opnum-3 call on TCP 135 without a bind */
};

/* TRUE in the one frame where TCP first records an RST for a session whose
 * SYN was never answered by a SYN/ACK (a refused connection); *reported
 * (per conversation) makes it once; expected: the conversation was cloned
 * from one exmta expected (TCP then records no SYN). *tcpd (per
 * conversation, NULL at first) keeps TCP's data of conv between frames.
 * First pass only. */
struct tcp_analysis;
gboolean exmta_tcp_refused_now(conversation_t *conv, struct tcp_analysis **tcpd, gboolean *reported,
                               gboolean expected);

/* EPM correlation (exmta-epm.c) */
void exmta_epm_register(int proto, module_t *module);
void exmta_epm_handoff(void);
/* Called by the postdissector for every TCP frame; adds the exmta.rpc item.
 * The UDP one shows and taps an ept_map response over UDP. */
void exmta_epm_tcp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
void exmta_epm_udp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
/* TRUE when port is one of exmta.rpc_static_ports or a learned endpoint port. */
gboolean exmta_epm_port_interesting(guint16 port);

/* A set of TCP ports as one bit per port (EXMTA_PORT_BITS bytes), tested on
 * every frame where value_is_in_range() would walk a range: filled from r
 * (NULL: empty). */
#define EXMTA_PORT_BITS (65536 / 8)
void exmta_fill_port_bits(guint8 *bits, const range_t *r);

static inline gboolean
exmta_port_bit(const guint8 *bits, guint16 port)
{
    return (bits[port >> 3] & (1u << (port & 7))) != 0;
}

static inline void
exmta_set_port_bit(guint8 *bits, guint16 port)
{
    bits[port >> 3] |= (guint8)(1u << (port & 7));
}

/* A flow cache (flowcache.h) keyed by this TCP frame's directed flow, whose
 * answers stand until TCP starts a newer stream for the flow (see
 * packet-exmta.c); first pass only. At most two: the sessions' and the RPC
 * conversations'. */
exmta_flowcache_t *exmta_frame_flow_new(guint slots);
void exmta_frame_flow_free(exmta_flowcache_t *fc);
gpointer exmta_frame_flow_get(const exmta_flowcache_t *fc, packet_info *pinfo);
void exmta_frame_flow_put(exmta_flowcache_t *fc, packet_info *pinfo, gpointer answer);
/* What find_conversation_pinfo() does to the conversation a cached answer stands for. */
void exmta_conv_seen(conversation_t *conv, const packet_info *pinfo);

/* Every endpoint learned from an ept_map response in the open file, in the
 * order learned, with the time of its response. */
void exmta_epm_foreach_learned(void (*fn)(const exmta_endpoint_t *ep, const nstime_t *when, gpointer user_data),
                               gpointer user_data);

/* Learns from an ept_map response that exmta read itself, its bind not being
 * in the capture (exmta-epm-nobind.c), as from one stock decoded; the frame
 * shows exmta.epm.without_bind. requested: the request's map tower. First
 * pass; FALSE if the frame already taught something. */
gboolean exmta_epm_learn_without_bind(packet_info *pinfo, const exmta_map_response_t *resp, guint32 request_in,
                                      const exmta_tower_t *requested);

/* ept_map calls on TCP 135 whose bind is not in the capture
 * (exmta-epm-nobind.c): registration, from exmta_epm_register/_handoff, and
 * what the postdissector shows for a TCP frame to or from port 135. */
#define EXMTA_EPM_PORT 135
void exmta_epm_nobind_register(int proto);
void exmta_epm_nobind_handoff(void);
void exmta_epm_nobind_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
/* TRUE for a request frame whose call is on a context exmta supplied a bind
 * for: its ept_map response is learned by exmta-epm-nobind.c, not the hook. */
gboolean exmta_epm_nobind_owns(guint32 request_frame);

/* Known endpoints (exmta-uat.c) */
void exmta_uat_register(module_t *module);
void exmta_uat_handoff(int proto);
guint exmta_known_count(void);
/* Row i as an endpoint (source KNOWN_TABLE, learned_in 0); FALSE if invalid. */
gboolean exmta_known_get(guint i, exmta_endpoint_t *ep, const char **file, guint32 *frame, const char **learned_at);
/* exmta.capture_name: the file name -z exmta,endpoints,uat records. */
const char *exmta_capture_name(void);

/* The exmta tree of this frame: created on first use, below the top item;
 * postdissector only. */
proto_tree *exmta_frame_tree(tvbuff_t *tvb, proto_tree *tree);

/* ---- the "exmta" tap ----------------------------------------------------
 * Queued by the postdissector for every frame exmta has something to say
 * about, on every pass (taps run on the pass that is shown). The struct and
 * the strings it points to live in pinfo->pool. Listeners: the endpoint
 * summary (-z exmta,endpoints and Statistics > Exchange MTA Endpoints). */
#define EXMTA_TAP_NAME "exmta"

/* Record types, "found by" values, bind states and the RFC1006 kinds are
 * the summary model's (core/summary.h): defined once, for the tap and the
 * pure code that aggregates it. */
typedef struct {
    exmta_sum_type_t type;
    address host;               /* the server side: MTA, RPC endpoint, or endpoint mapper */
    guint16 port;
    guint8 kind;                /* exmta_ep_kind_t for RPC/EPM; EXMTA_SUM_KIND_X400 for RFC1006 */
    guint8 found_by;            /* exmta_sum_found_by_t */
    guint32 learned_in;         /* EPM response frame, 0 if none */
    guint32 stream;             /* tcp.stream: one session */
    gboolean syn_in_file;       /* TCP saw this session's SYN or SYN/ACK in this file */
    guint32 frame_len;          /* bytes of this frame */
    gboolean mta;               /* RFC1006: the session carries X.400 (P1) */
    gboolean refused;           /* SYN answered by RST */
    gboolean has_dr;            /* COTP disconnect request */
    guint8 dr_reason;
    int bind;
    const char *initiator;      /* MTA names from stock's X.411 decode, when in the tree */
    const char *responder;
    gint bind_error;            /* MTABindError value, -1 if none */
    guint32 epm_status;         /* EPM_FAILED: error_status_t */
    const char *interface_name; /* RPC/EPM */
    exmta_uuid_t iface;         /* RPC/EPM: interface UUID and version */
    guint16 ver_major, ver_minor;
} exmta_tap_info_t;

extern int exmta_tap;

/* tcp.stream of this frame; *found: TCP has the session; *syn_in_file: its
 * SYN or SYN/ACK is in the file (either pointer may be NULL). */
guint32 exmta_tcp_stream_of(packet_info *pinfo, gboolean *found, gboolean *syn_in_file);

/* X.411 MTABindError values (stock names them in p1.MTABindError). */
const char *exmta_bind_error_str(gint v);

#endif /* EXMTA_H */
