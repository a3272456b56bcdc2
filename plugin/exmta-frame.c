/* exmta-frame.c - per-frame services every exmta dissector shares: the
 * frame's exmta tree, TCP's facts about the frame's session, the flow
 * caches, port sets and the exmta tap record (see exmta-frame.h). It calls
 * no other file of the shell.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta-frame.h"

#include <epan/epan_dissect.h>

#include <epan/tap.h>
#include <epan/proto_data.h>
#include <epan/prefs-int.h>
#include <epan/dissectors/packet-tcp.h>

/* TCP's conversation completeness bits, as tcp.completeness shows them.
 * packet-tcp.c keeps the names to itself and no public call answers
 * "was this session refused" in 4.0, 4.4 or 4.6, so exmta reads
 * struct tcp_analysis (packet-tcp.h) and these values. The risk: a release
 * that renumbers them or stops filling conversation_completeness; the
 * tcp.completeness field's documented values would change with it. */
#define TCP_SYNSENT 0x01
#define TCP_SYNACK  0x02
#define TCP_DATA    0x08
#define TCP_RST     0x20
/* ... and, likewise, the bit of a flow's static_flags that says its first
 * segment in this file was a SYN without ACK (packet-tcp.c's
 * TCP_S_SAW_SYN less TCP_S_BASE_SEQ_SET): unlike TCP_SYNSENT, also set for
 * a session whose conversation a template made (a learned RPC endpoint) */
#define TCP_FLOW_SAW_SYN 0x02

static int proto_exmta_frame = -1;
static gint frame_subtree_id = -1;
static int proto_tcp = -1;
static int exmta_tap = -1;
static const char *capture_name = "";          /* exmta.capture_name */

/* ---- the frame's exmta tree --------------------------------------------- */

/* Key of the frame's subtree in pinfo->pool: it lives as long as the frame. */
#define KEY_FRAME_TREE 0

proto_tree *
exmta_frame_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    proto_tree *sub;

    if (!tree)
        return NULL;
    sub = (proto_tree *)p_get_proto_data(pinfo->pool, pinfo, proto_exmta_frame, KEY_FRAME_TREE);
    if (!sub) {
        proto_item *ti = proto_tree_add_item(tree, proto_exmta_frame, tvb, 0, 0, ENC_NA);

        sub = proto_item_add_subtree(ti, frame_subtree_id);
        p_add_proto_data(pinfo->pool, pinfo, proto_exmta_frame, KEY_FRAME_TREE, sub);
    }
    return sub;
}

proto_tree *
exmta_frame_tree_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree **et)
{
    if (!tree)
        return NULL;
    if (!*et)
        *et = exmta_frame_tree(tvb, pinfo, tree);
    return *et;
}

/* Priming marks the field referenced (Wireshark's own mark, kept on the
 * field until a tree that holds it is freed); epan_dissect_prime_with_hfid()
 * is its public entry, and only the edt's tree is read. */
void
exmta_prime_tree(proto_tree *tree, const int *hfids, guint n)
{
    epan_dissect_t edt;

    memset(&edt, 0, sizeof(edt));
    edt.tree = tree;
    for (guint i = 0; i < n; i++)
        if (hfids[i] > 0)
            epan_dissect_prime_with_hfid(&edt, hfids[i]);
}

/* A visible tree holds a real item of every field, so a read finds its
 * fields by walking it once instead: priming costs Wireshark a field array
 * for each occurrence and a hash table for the tree. The fields any read
 * asks for are registered at handoff (field_slot: hfid -> slot + 1). */
static guint *field_slot;
static guint field_slot_n;
static GPtrArray *slot_found;           /* of GPtrArray *: each slot's occurrences */
static GArray *slots_filled;            /* of guint: the slots the last walk filled */
static gboolean walked;

void
exmta_fields_register(const int *hfids, guint n)
{
    if (!slot_found)
        slot_found = g_ptr_array_new();
    for (guint i = 0; i < n; i++) {
        guint id;

        if (hfids[i] <= 0)
            continue;
        id = (guint)hfids[i];
        if (id >= field_slot_n) {
            field_slot = g_renew(guint, field_slot, id + 1);
            memset(field_slot + field_slot_n, 0, (id + 1 - field_slot_n) * sizeof(guint));
            field_slot_n = id + 1;
        }
        if (!field_slot[id]) {
            g_ptr_array_add(slot_found, g_ptr_array_new());
            field_slot[id] = slot_found->len;
        }
    }
}

static void
walk_fields(proto_node *first)
{
    for (proto_node *n = first; n; n = n->next) {
        field_info *fi = PNODE_FINFO(n);

        if (fi && (guint)fi->hfinfo->id < field_slot_n && field_slot[fi->hfinfo->id]) {
            guint slot = field_slot[fi->hfinfo->id] - 1;
            GPtrArray *a = (GPtrArray *)g_ptr_array_index(slot_found, slot);

            if (!a->len)
                g_array_append_val(slots_filled, slot);
            g_ptr_array_add(a, fi);
        }
        if (n->first_child)
            walk_fields(n->first_child);
    }
}

void
exmta_fields_walk(proto_tree *tree, int from)
{
    proto_node *first;

    exmta_fields_done();
    if (!tree || !slot_found)
        return;
    if (!slots_filled)
        slots_filled = g_array_new(FALSE, FALSE, sizeof(guint));
    first = ((proto_node *)tree)->first_child;
    for (proto_node *n = first; n && from > 0; n = n->next)
        if (PNODE_FINFO(n) && PNODE_FINFO(n)->hfinfo->id == from) {
            first = n;
            break;
        }
    walk_fields(first);
    walked = TRUE;
}

void
exmta_fields_done(void)
{
    if (!walked)
        return;
    for (guint i = 0; i < slots_filled->len; i++)
        g_ptr_array_set_size((GPtrArray *)g_ptr_array_index(slot_found, g_array_index(slots_filled, guint, i)), 0);
    g_array_set_size(slots_filled, 0);
    walked = FALSE;
}

GPtrArray *
exmta_fields_of(proto_tree *tree, int hfid)
{
    if (hfid <= 0)
        return NULL;
    if (walked)
        return (guint)hfid < field_slot_n && field_slot[hfid] ?
            (GPtrArray *)g_ptr_array_index(slot_found, field_slot[hfid] - 1) : NULL;
    return proto_get_finfo_ptr_array(tree, hfid);
}

static void
fields_free(void)
{
    if (slot_found) {
        for (guint i = 0; i < slot_found->len; i++)
            g_ptr_array_free((GPtrArray *)g_ptr_array_index(slot_found, i), TRUE);
        g_ptr_array_free(slot_found, TRUE);
    }
    slot_found = NULL;
    if (slots_filled)
        g_array_free(slots_filled, TRUE);
    slots_filled = NULL;
    g_free(field_slot);
    field_slot = NULL;
    field_slot_n = 0;
    walked = FALSE;
}

/* ---- TCP's facts ----------------------------------------------------------- */

/* TCP's data of a conversation, only read: get_tcp_conversation_data()
 * resets TCP's per-frame analysis pointer, and on a conversation without
 * TCP data (an ept_map exchange over UDP) creates some, with a new
 * tcp.stream that renumbers every later TCP session. NULL when TCP has none. */
struct tcp_analysis *
exmta_tcp_data_of(conversation_t *conv)
{
    return conv ? (struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
}

guint16
exmta_tcp_server_port(const struct tcp_analysis *tcpd)
{
    return tcpd ? (guint16)tcpd->server_port : 0;
}

static gboolean
tcp_refused_in(const struct tcp_analysis *tcpd, gboolean *reported, gboolean expected)
{
    guint8 c;

    if (*reported || !tcpd)
        return FALSE;
    c = tcpd->conversation_completeness;
    /* TCP records the SYN only in a conversation it creates itself; in one
     * cloned from a conversation exmta expected (a learned endpoint) the SYN
     * is not recorded, so there "no SYN/ACK and no data before the RST" says it. */
    if (((c & TCP_SYNSENT) || (expected && !(c & TCP_DATA))) && (c & TCP_RST) && !(c & TCP_SYNACK)) {
        *reported = TRUE;
        return TRUE;
    }
    return FALSE;
}

gboolean
exmta_tcp_refused_now(conversation_t *conv, struct tcp_analysis **tcpd, gboolean *reported, gboolean expected)
{
    if (!*tcpd)
        *tcpd = exmta_tcp_data_of(conv);
    return tcp_refused_in(*tcpd, reported, expected);
}

guint32
exmta_tcp_stream_num(const struct tcp_analysis *tcpd)
{
    return tcpd ? tcpd->stream : 0;
}

gboolean
exmta_tcp_rst_seen(const struct tcp_analysis *tcpd)
{
    return tcpd && (tcpd->conversation_completeness & TCP_RST) != 0;
}

/* tcp.stream of this frame; *found: TCP has the session; *syn_in_file: it
 * starts in this file, with its SYN (a file boundary between the SYN and
 * the SYN/ACK leaves the next file a continuation that begins with the
 * SYN/ACK, which exmta-fileset must join to the session, not count again). */
guint32
exmta_tcp_stream_of(packet_info *pinfo, gboolean *found, gboolean *syn_in_file)
{
    const struct tcp_analysis *tcpd =
        pinfo->ptype == PT_TCP ? exmta_tcp_data_of(find_conversation_pinfo(pinfo, 0)) : NULL;

    if (found)
        *found = tcpd != NULL;
    if (syn_in_file)
        *syn_in_file = tcpd && ((tcpd->flow1.static_flags | tcpd->flow2.static_flags) & TCP_FLOW_SAW_SYN) != 0;
    return tcpd ? tcpd->stream : 0;
}

/* ---- flow caches ----------------------------------------------------------
 * The flow caches (the RFC1006 sessions' in packet-exmta.c, the RPC
 * conversations' in exmta-epm.c) answer, on the first pass, which record a
 * directed flow leads to. An answer goes stale when its flow gets a newer
 * conversation (a reused port, a template made real), and TCP then starts a
 * stream for it. So every answer carries flow_epoch, and exmta follows TCP's
 * stream count (exmta_frame_flow_sync): when it grew by one since exmta last
 * looked and that stream is this frame's own, only this flow's answers (both
 * ways) are dropped; any other growth (several streams, or one that is not
 * this frame's) bumps flow_epoch, which drops every answer, so a capture
 * where a new session starts every few frames keeps the answers of its long
 * sessions. The sync runs for every first-pass frame in the postdissector
 * and before every get (a get from the RFC1006 dissector comes before the
 * postdissector); a put needs none: its answer was just looked up, and a
 * later sync can only drop it. */
#define EXMTA_FLOW_CACHES 2
static exmta_flowcache_t *flow_caches[EXMTA_FLOW_CACHES];
static guint32 flow_epoch;
static guint32 flow_streams;    /* TCP's stream count when exmta last looked */

/* IPv4 and IPv6 flows; for other addresses get answers NULL and put does
 * nothing (they are looked up every time). */
static gboolean
frame_flow_cacheable(const packet_info *pinfo)
{
    return (pinfo->src.type == AT_IPv4 || pinfo->src.type == AT_IPv6) &&
           pinfo->dst.type == pinfo->src.type && pinfo->dst.len == pinfo->src.len;
}

exmta_flowcache_t *
exmta_frame_flow_new(guint slots)
{
    for (guint i = 0; i < EXMTA_FLOW_CACHES; i++) {
        if (!flow_caches[i])
            return flow_caches[i] = exmta_flowcache_new(slots);
    }
    return NULL;        /* more than EXMTA_FLOW_CACHES: a NULL cache never answers */
}

void
exmta_frame_flow_free(exmta_flowcache_t *fc)
{
    for (guint i = 0; i < EXMTA_FLOW_CACHES; i++) {
        if (flow_caches[i] == fc)
            flow_caches[i] = NULL;
    }
    exmta_flowcache_free(fc);
}

/* A new file (and the end of one): TCP counts streams from 0 again. */
static void
flow_caches_reset(void)
{
    for (guint i = 0; i < EXMTA_FLOW_CACHES; i++)
        exmta_flowcache_clear(flow_caches[i]);
    flow_streams = 0;
    flow_epoch++;
}

/* Whether TCP's stream number s is this frame's conversation's. */
static gboolean
frame_has_stream(packet_info *pinfo, guint32 s)
{
    struct tcp_analysis *tcpd;

    if (pinfo->ptype != PT_TCP || !frame_flow_cacheable(pinfo))
        return FALSE;
    tcpd = exmta_tcp_data_of(find_conversation_pinfo(pinfo, 0));
    return tcpd && tcpd->stream == s;
}

void
exmta_frame_flow_sync(packet_info *pinfo)
{
    guint32 n = get_tcp_stream_count();

    if (n == flow_streams)
        return;
    if (n == flow_streams + 1 && frame_has_stream(pinfo, n - 1)) {
        const guint8 *src = (const guint8 *)pinfo->src.data, *dst = (const guint8 *)pinfo->dst.data;
        guint alen = (guint)pinfo->src.len;
        guint16 sp = (guint16)pinfo->srcport, dp = (guint16)pinfo->destport;

        for (guint i = 0; i < EXMTA_FLOW_CACHES; i++) {
            exmta_flowcache_put(flow_caches[i], src, dst, alen, sp, dp, flow_epoch, NULL);
            exmta_flowcache_put(flow_caches[i], dst, src, alen, dp, sp, flow_epoch, NULL);
        }
    } else {
        flow_epoch++;
    }
    flow_streams = n;
}

gpointer
exmta_frame_flow_get(const exmta_flowcache_t *fc, packet_info *pinfo)
{
    if (!frame_flow_cacheable(pinfo))
        return NULL;
    exmta_frame_flow_sync(pinfo);
    return exmta_flowcache_get(fc, (const guint8 *)pinfo->src.data, (const guint8 *)pinfo->dst.data,
                               (guint)pinfo->src.len, (guint16)pinfo->srcport, (guint16)pinfo->destport,
                               flow_epoch);
}

void
exmta_frame_flow_put(exmta_flowcache_t *fc, packet_info *pinfo, gpointer answer)
{
    if (!frame_flow_cacheable(pinfo))
        return;
    exmta_flowcache_put(fc, (const guint8 *)pinfo->src.data, (const guint8 *)pinfo->dst.data,
                        (guint)pinfo->src.len, (guint16)pinfo->srcport, (guint16)pinfo->destport,
                        flow_epoch, answer);
}

/* ---- stock's preferences --------------------------------------------------- */

gboolean
exmta_stock_pref_off(const char *module, const char *name)
{
    module_t *m = prefs_find_module(module);
    pref_t *p = m ? prefs_find_preference(m, name) : NULL;

    return p && !prefs_get_bool_value(p, pref_current);
}

/* ---- port sets ------------------------------------------------------------- */

void
exmta_fill_port_bits(guint8 *bits, const range_t *r)
{
    memset(bits, 0, EXMTA_PORT_BITS);
    for (guint i = 0; r && i < r->nranges; i++)
        for (guint32 p = r->ranges[i].low; p <= r->ranges[i].high && p <= 65535; p++)
            exmta_set_port_bit(bits, (guint16)p);
}

/* ---- the exmta tap ---------------------------------------------------------- */

const char *
exmta_capture_name(void)
{
    return capture_name ? capture_name : "";
}

gboolean
exmta_tap_wanted(void)
{
    return have_tap_listener(exmta_tap);
}

exmta_tap_info_t *
exmta_tap_new(packet_info *pinfo, exmta_sum_type_t type)
{
    exmta_tap_info_t *ti = wmem_new0(pinfo->pool, exmta_tap_info_t);

    ti->type = type;
    ti->stream = exmta_tcp_stream_of(pinfo, &ti->has_stream, &ti->syn_in_file);
    ti->frame_len = pinfo->fd->pkt_len;
    ti->bind_error = -1;
    ti->capture_name = exmta_capture_name();
    return ti;
}

void
exmta_tap_queue(packet_info *pinfo, exmta_tap_info_t *ti)
{
    tap_queue_packet(exmta_tap, pinfo, ti);
}

void
exmta_stat_tables_free(stat_tap_table_ui *ui)
{
    if (!ui || !ui->tables)
        return;
    free_stat_tables(ui);
    g_array_free(ui->tables, TRUE);
    ui->tables = NULL;
}

/* ---- registration ------------------------------------------------------------ */

void
exmta_frame_register(int proto, gint ett, module_t *module)
{
    proto_exmta_frame = proto;
    frame_subtree_id = ett;
    prefs_register_string_preference(module, "capture_name", "Capture file name for exported endpoints",
        "Recorded as 'learned in file' by -z exmta,endpoints,uat (tshark cannot tell a tap the file name; "
        "exmta-fileset sets it).",
        &capture_name);
    exmta_tap = register_tap(EXMTA_TAP_NAME);
    register_init_routine(flow_caches_reset);
    register_cleanup_routine(flow_caches_reset);
    register_shutdown_routine(fields_free);
}

void
exmta_frame_handoff(void)
{
    proto_tcp = proto_get_id_by_filter_name("tcp");
}
