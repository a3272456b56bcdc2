/* exmta.h - what the files of the exmta Wireshark shell offer each other,
 * one section per file. Calls go one way, each file to those after it:
 *   plugin.c -> packet-exmta.c (registration, RFC1006, the postdissector)
 *   -> exmta-known-menu.c -> exmta-epm-nobind.c -> exmta-epm.c
 *   -> exmta-uat.c, exmta-epm-hook.c, packet-exmta-rpc-ifaces.c
 *   -> exmta-frame.c (shared per-frame services, the tap record) -> core/.
 * exmta-stats.c (the tap's listener) reads the tap record and calls only
 * core/summary*.c.
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
#include "exmta-frame.h"
#include "epm_parse.h"
#include "endpoints.h"
#include "summary.h"

/* ---- packet-exmta.c: registration, called from plugin.c ------------------ */
void proto_register_exmta(void);
void proto_reg_handoff_exmta(void);

/* Keys of the per-frame data exmta stores with p_add_proto_data(). */
enum {
    EXMTA_KEY_EPM = 3,          /* exmta-epm.c's epm_frame_t: what an ept_map response taught */
    EXMTA_KEY_EPM_NOBIND = 4,   /* exmta-epm-nobind.c: an opnum-3 call on TCP 135 without a bind */
};

/* ---- exmta-epm.c: RPC endpoints from the endpoint mapper ------------------ */
void exmta_epm_register(int proto, module_t *module);
void exmta_epm_handoff(void);
/* Called by the postdissector for every TCP frame; adds the exmta.rpc item.
 * The UDP one shows and taps an ept_map response over UDP. */
void exmta_epm_tcp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
void exmta_epm_udp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

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

/* A request frame whose call is on a context exmta-epm-nobind.c supplied a
 * bind for: that file learns its ept_map response, the hook leaves it. */
void exmta_epm_leave_to_nobind(guint32 request_frame);

/* ---- exmta-epm-nobind.c: ept_map calls on TCP 135 whose bind is not in the
 * capture: registration, and what the postdissector shows for a TCP frame
 * to or from port 135. */
#define EXMTA_EPM_PORT 135
void exmta_epm_nobind_register(int proto);
void exmta_epm_nobind_handoff(void);
void exmta_epm_nobind_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* ---- packet-exmta-rpc-ifaces.c: the Exchange MTA's RPC interfaces as
 * DCE/RPC sub-dissectors ---------------------------------------------------- */
void exmta_rpc_ifaces_register(void);
void exmta_rpc_ifaces_handoff(void);

/* A core UUID (octets in string order) as Wireshark's e_guid_t. */
static inline void
exmta_guid_of(const exmta_uuid_t *u, e_guid_t *g)
{
    g->data1 = (guint32)u->b[0] << 24 | (guint32)u->b[1] << 16 | (guint32)u->b[2] << 8 | u->b[3];
    g->data2 = (guint16)(u->b[4] << 8 | u->b[5]);
    g->data3 = (guint16)(u->b[6] << 8 | u->b[7]);
    memcpy(g->data4, u->b + 8, 8);
}

/* ---- exmta-uat.c: the known endpoints table (exmta_endpoints) --------------- */
void exmta_uat_register(module_t *module);
guint exmta_known_count(void);
/* Row i as an endpoint (source KNOWN_TABLE, learned_in 0); FALSE if invalid. */
gboolean exmta_known_get(guint i, exmta_endpoint_t *ep, const char **file, guint32 *frame, const char **learned_at);
/* Adds ep (learned at when, NULL: unknown, in file) unless a row has its
 * host, port, interface and version; TRUE if added. */
gboolean exmta_known_add(const exmta_endpoint_t *ep, const nstime_t *when, const char *file);
/* Saves the table in the profile; FALSE with *err (g_free it) on failure. */
gboolean exmta_known_save(char **err);

/* ---- exmta-known-menu.c: Tools > Exchange MTA > Add learned endpoints ------- */
void exmta_known_menu_handoff(int proto);

#endif /* EXMTA_H */
