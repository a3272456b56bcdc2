/* exmta_compat.h - the differences between the Wireshark releases exmta
 * builds for (4.0, 4.4, 4.6), in one place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_COMPAT_H
#define EXMTA_COMPAT_H

#include <ws_version.h>

#define EXMTA_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* From 4.2 on a plugin says what kind it is. */
#if EXMTA_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#define EXMTA_PLUGIN_DESCRIBE_DECL \
    WS_DLL_PUBLIC uint32_t plugin_describe(void); \
    uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
#else
#define EXMTA_PLUGIN_DESCRIBE_DECL
#endif

#endif /* EXMTA_COMPAT_H */
