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

/* Registration, called from plugin.c */
void proto_register_exmta(void);
void proto_reg_handoff_exmta(void);

extern int proto_exmta;

/* Keys of the per-frame data exmta stores with p_add_proto_data(). */
enum {
    EXMTA_KEY_RFC1006 = 0,      /* exmta_rfc1006_frame_t: the RFC1006 dissector */
    EXMTA_KEY_TCP = 1,          /* exmta_tcp_frame_t: the postdissector (RST, tpkt ports) */
    EXMTA_KEY_RPC = 2,          /* rpc_frame_t: a session to a learned RPC endpoint */
    EXMTA_KEY_EPM = 3,          /* epm_frame_t: what an ept_map response taught */
};

/* TRUE in the one frame where TCP first records an RST for a session whose
 * SYN was never answered by a SYN/ACK (a refused connection); *reported
 * (per conversation) makes it once. First pass only. */
gboolean exmta_tcp_refused_now(conversation_t *conv, packet_info *pinfo, gboolean *reported);

/* EPM correlation (exmta-epm.c) */
void exmta_epm_register(int proto, module_t *module);
void exmta_epm_handoff(void);
/* Called by the postdissector for every TCP frame; adds the exmta.rpc item. */
void exmta_epm_tcp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
/* TRUE when port is one of exmta.rpc_static_ports or a learned endpoint port. */
gboolean exmta_epm_port_interesting(guint16 port);

/* The exmta tree of this frame: created on first use, below the top item. */
proto_tree *exmta_frame_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

#endif /* EXMTA_H */
