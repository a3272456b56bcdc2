/* exmta-epm.h - RPC endpoints learned from the endpoint mapper, and the
 * TCP sessions to them (exmta-epm.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_SHELL_EPM_H
#define EXMTA_SHELL_EPM_H

#include "exmta-frame.h"
#include "endpoints.h"

/* Key of exmta-epm.c's per-frame record (file scope, p_add_proto_data). */
#define EXMTA_KEY_EPM 3

/* Registration, from packet-exmta.c: proto is exmta's, module its
 * preferences. */
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

#endif /* EXMTA_SHELL_EPM_H */
