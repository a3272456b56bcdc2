/* packet-exmta-rpc-ifaces.h - the Exchange MTA's RPC interfaces as DCE/RPC
 * sub-dissectors (packet-exmta-rpc-ifaces.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_PACKET_EXMTA_RPC_IFACES_H
#define EXMTA_PACKET_EXMTA_RPC_IFACES_H


/* From exmta_epm_register / exmta_epm_handoff, at the point that keeps
 * exmta's registration order. */
void exmta_rpc_ifaces_register(void);
void exmta_rpc_ifaces_handoff(void);

#endif /* EXMTA_PACKET_EXMTA_RPC_IFACES_H */
