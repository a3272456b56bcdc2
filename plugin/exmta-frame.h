/* exmta-frame.h - per-frame services every exmta dissector shares
 * (exmta-frame.c): the frame's exmta tree, TCP's facts about the frame's
 * session, the flow caches, port sets, and the exmta tap record. A leaf:
 * it calls no other file of the shell.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_FRAME_H
#define EXMTA_FRAME_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/expert.h>
#include <epan/conversation.h>
#include <epan/stat_tap_ui.h>

#include "ws_compat.h"
#include "flowcache.h"
#include "epm_parse.h"
#include "summary.h"

/* Registration, from proto_register_exmta: proto and ett are exmta's (the
 * frame tree); module gets the exmta.capture_name preference. */
void exmta_frame_register(int proto, gint ett, module_t *module);
void exmta_frame_handoff(void);

/* ---- the frame's exmta tree ----------------------------------------------
 * One "Exchange MTA" item per frame, whatever adds to it, created on first
 * use below the top item (remembered in pinfo->pool: one frame); NULL
 * without a tree. */
proto_tree *exmta_frame_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
/* The same, looked up once for a run of additions: *et (NULL at first)
 * keeps it. */
proto_tree *exmta_frame_tree_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree **et);
/* Ask tree for the stock fields hfids[0..n) (hfids <= 0 skipped) before
 * stock dissects into it: stock then keeps each occurrence in the tree's
 * field arrays, visible or not. */
void exmta_prime_tree(proto_tree *tree, const int *hfids, guint n);
/* Or, for a visible tree (which keeps every item), after stock dissected
 * into it: exmta_fields_walk() finds every field registered (at handoff)
 * in one walk, exmta_fields_of() then answers from it until
 * exmta_fields_done(); without a walk it answers from the primed arrays.
 * The walk starts at the tree's first top-level item of protocol from (the
 * lower layers before it hold no field a read asks for), or at its first
 * item when there is none. */
void exmta_fields_register(const int *hfids, guint n);
void exmta_fields_walk(proto_tree *tree, int from);
void exmta_fields_done(void);
GPtrArray *exmta_fields_of(proto_tree *tree, int hfid);

/* A core UUID (octets in string order) as Wireshark's e_guid_t. */
static inline void
exmta_guid_of(const exmta_uuid_t *u, e_guid_t *g)
{
    g->data1 = (guint32)u->b[0] << 24 | (guint32)u->b[1] << 16 | (guint32)u->b[2] << 8 | u->b[3];
    g->data2 = (guint16)(u->b[4] << 8 | u->b[5]);
    g->data3 = (guint16)(u->b[6] << 8 | u->b[7]);
    memcpy(g->data4, u->b + 8, 8);
}

/* ---- TCP's facts ---------------------------------------------------------- */
struct tcp_analysis;
/* TCP's data of conv, only read (NULL when TCP has none). */
struct tcp_analysis *exmta_tcp_data_of(conversation_t *conv);
/* The server port TCP noted from the session's SYN or SYN/ACK, 0 if none. */
guint16 exmta_tcp_server_port(const struct tcp_analysis *tcpd);
/* TRUE in the one frame where TCP first records an RST for a session whose
 * SYN was never answered by a SYN/ACK (a refused connection); *reported
 * (per conversation) makes it once; expected: the conversation was cloned
 * from one exmta expected (TCP then records no SYN). *tcpd (per
 * conversation, NULL at first) keeps TCP's data of conv between frames.
 * First pass only. */
gboolean exmta_tcp_refused_now(conversation_t *conv, struct tcp_analysis **tcpd, gboolean *reported,
                               gboolean expected);
/* tcp.stream of TCP's data tcpd (0 for NULL). */
guint32 exmta_tcp_stream_num(const struct tcp_analysis *tcpd);
/* TCP has seen a reset in the session of tcpd. */
gboolean exmta_tcp_rst_seen(const struct tcp_analysis *tcpd);
/* tcp.stream of this frame; *found: TCP has the session; *syn_in_file: its
 * SYN or SYN/ACK is in the file (either pointer may be NULL). */
guint32 exmta_tcp_stream_of(packet_info *pinfo, gboolean *found, gboolean *syn_in_file);

/* ---- flow caches ----------------------------------------------------------
 * A flow cache (core/flowcache.h) keyed by this TCP frame's directed flow,
 * whose answers stand until TCP starts a newer stream for the flow; first
 * pass only. At most two: the RFC1006 sessions' and the RPC
 * conversations'. Emptied as each file starts and ends. */
exmta_flowcache_t *exmta_frame_flow_new(guint slots);
void exmta_frame_flow_free(exmta_flowcache_t *fc);
gpointer exmta_frame_flow_get(const exmta_flowcache_t *fc, packet_info *pinfo);
void exmta_frame_flow_put(exmta_flowcache_t *fc, packet_info *pinfo, gpointer answer);
/* Every first-pass frame, from the postdissector: notes a stream TCP
 * started in this frame (see exmta-frame.c). */
void exmta_frame_flow_sync(packet_info *pinfo);

/* ---- stock's preferences ---------------------------------------------------
 * A boolean preference of a stock dissector that exists and is off (its
 * current value; read as a file starts, not per frame). */
gboolean exmta_stock_pref_off(const char *module, const char *name);

/* ---- port sets -------------------------------------------------------------
 * A set of TCP ports as one bit per port (EXMTA_PORT_BITS bytes), tested on
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

/* ---- the "exmta" tap -------------------------------------------------------
 * Queued by the postdissector for every frame exmta has something to say
 * about, on every pass (taps run on the pass that is shown). The record and
 * the strings it points to live in pinfo->pool, and it carries everything a
 * listener needs: no listener looks anything up. Listeners: the endpoint
 * summary (exmta-stats.c). */
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
    gboolean has_stream;        /* TCP has the frame's session (stream is valid) */
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
    const char *bind_error_str; /* its name, NULL if none */
    const char *assoc_refused;  /* X.400 association refused below the bind (packet scope), NULL if none */
    guint32 epm_status;         /* EPM_FAILED: error_status_t */
    const char *interface_name; /* RPC/EPM */
    exmta_uuid_t iface;         /* RPC/EPM: interface UUID and version */
    guint16 ver_major, ver_minor;
    const char *capture_name;   /* exmta.capture_name: "learned in file" of UAT lines */
} exmta_tap_info_t;

/* exmta.capture_name: the capture file name that -z exmta,endpoints,uat
 * records ("" when not set). */
const char *exmta_capture_name(void);

/* TRUE when a listener wants exmta's records. */
gboolean exmta_tap_wanted(void);
/* A zeroed record of type in pinfo->pool, with what every record carries:
 * frame length, tcp.stream (and whether TCP has it and saw its SYN), the
 * capture name, bind_error -1. */
exmta_tap_info_t *exmta_tap_new(packet_info *pinfo, exmta_sum_type_t type);
void exmta_tap_queue(packet_info *pinfo, exmta_tap_info_t *ti);

/* At shutdown: the tables the framework made for a registered Statistics
 * table (tshark never frees them; the GUI frees them when a dialog closes). */
void exmta_stat_tables_free(stat_tap_table_ui *ui);

#endif /* EXMTA_FRAME_H */
