/* exmta-epm.c - learn RPC endpoints from the endpoint mapper (placeholder
 * until the EPM correlation lands).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta.h"

void exmta_epm_register(int proto _U_, module_t *module _U_) { }
void exmta_epm_handoff(void) { }
void exmta_epm_tcp_frame(tvbuff_t *tvb _U_, packet_info *pinfo _U_, proto_tree *tree _U_) { }
gboolean exmta_epm_port_interesting(guint16 port _U_) { return FALSE; }
