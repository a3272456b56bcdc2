/* plugin.c - the exported plugin symbols of exmta, and nothing else.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include "ws_compat.h"
#include "packet-exmta.h"
#include "exmta-stats.h"
#include "exmta-x400-stats.h"

#ifndef VERSION
#define VERSION "0.0.0"
#endif

EXMTA_PLUGIN_EXPORTS(VERSION)

void
plugin_register(void)
{
    static proto_plugin plug;
    static tap_plugin tap;
    static tap_plugin x400_tap;

    plug.register_protoinfo = proto_register_exmta;
    plug.register_handoff = proto_reg_handoff_exmta;
    proto_register_plugin(&plug);
    /* the endpoint summary and sessions (-z exmta,endpoints, -z exmta,sessions);
     * the Statistics tables are registered with the protocol */
    tap.register_tap_listener = exmta_stats_register;
    tap_register_plugin(&tap);
    /* the X.400 reports (-z exmta,associations, -z exmta,messages) */
    x400_tap.register_tap_listener = exmta_x400_stats_register;
    tap_register_plugin(&x400_tap);
}
