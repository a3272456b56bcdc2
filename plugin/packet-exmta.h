/* packet-exmta.h - registration of exmta (packet-exmta.c), called from plugin.c.
 *
 * The shell's files call one way, each to those after it (every file has
 * its own header, so the includes show the same):
 *   plugin.c -> packet-exmta.c (registration, RFC1006, the postdissector)
 *   -> exmta-x400.c (X.400 associations and transfers read from stock's tree)
 *   -> exmta-known-menu.c -> exmta-epm-nobind.c -> exmta-epm.c
 *   -> exmta-uat.c, exmta-epm-hook.c, packet-exmta-rpc-ifaces.c
 *   -> exmta-frame.c (shared per-frame services, the tap record) -> core/.
 * exmta-stats.c (the tap's listener) reads the tap record and calls only
 * core/summary*.c; exmta-x400-stats.c likewise reads the exmta.x400 tap's
 * records and calls core/x400assoc.c and core/x400msg.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_PACKET_EXMTA_H
#define EXMTA_PACKET_EXMTA_H

void proto_register_exmta(void);
void proto_reg_handoff_exmta(void);

#endif /* EXMTA_PACKET_EXMTA_H */
