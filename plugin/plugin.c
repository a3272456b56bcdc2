/* plugin.c - the exported plugin symbols of exmta, and nothing else.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>

#include "exmta.h"

#ifndef VERSION
#define VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
EXMTA_PLUGIN_DESCRIBE_DECL

void
plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_exmta;
    plug.register_handoff = proto_reg_handoff_exmta;
    proto_register_plugin(&plug);
}
