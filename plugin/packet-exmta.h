/* packet-exmta.h - registration of exmta (packet-exmta.c), called from plugin.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_PACKET_EXMTA_H
#define EXMTA_PACKET_EXMTA_H


void proto_register_exmta(void);
void proto_reg_handoff_exmta(void);

#endif /* EXMTA_PACKET_EXMTA_H */
