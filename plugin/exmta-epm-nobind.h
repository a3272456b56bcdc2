/* exmta-epm-nobind.h - ept_map calls on TCP 135 whose bind is not in the capture
 * (exmta-epm-nobind.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_SHELL_EPM_NOBIND_H
#define EXMTA_SHELL_EPM_NOBIND_H

#include "exmta-frame.h"

#define EXMTA_EPM_PORT 135
/* Key of exmta-epm-nobind.c's per-frame record (file scope). */
#define EXMTA_KEY_EPM_NOBIND 4

/* Registration, from packet-exmta.c, and what the postdissector shows for a
 * TCP frame to or from port 135. */
void exmta_epm_nobind_register(int proto);
void exmta_epm_nobind_handoff(void);
void exmta_epm_nobind_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

#endif /* EXMTA_SHELL_EPM_NOBIND_H */
