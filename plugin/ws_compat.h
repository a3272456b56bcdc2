/* ws_compat.h - one place for every Wireshark 4.0 / 4.4 / 4.6 API difference
 * that exmta meets.  See docs/versions.md for the evidence (header file and
 * line per version) behind each #if.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Rules:
 *  - Only what the plugin uses is here: add a shim with its first use.
 *  - Where a signature differs (callback return types, a const), use the
 *    EXMTA_* / exmta_* name from here.
 *  - The plugin's exported-symbol file defines WS_BUILD_DLL before including
 *    anything (as doc/plugins.example/hello.c does), then uses
 *    EXMTA_PLUGIN_EXPORTS(VERSION).
 *  - Version cut points: only 4.0, 4.4 and 4.6 are built (CMakeLists.txt
 *    refuses others).  Changes that happened in the 4.1/4.2 development cycle
 *    are keyed on 4.2, changes seen only in 4.6 on 4.6.
 */
#ifndef EXMTA_WS_COMPAT_H
#define EXMTA_WS_COMPAT_H

#include <wireshark.h>          /* ws_version.h, glib, stdbool, stdint */
#include <ws_version.h>
#include <epan/packet.h>        /* also brings value_string (epan/ in <=4.4, wsutil/ in 4.6) */
#include <epan/conversation.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/uat.h>
#include <epan/dissectors/packet-dcerpc.h>

#define EXMTA_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

#if !EXMTA_WS_AT_LEAST(4, 0) || EXMTA_WS_AT_LEAST(4, 7)
#error "exmta supports Wireshark 4.0, 4.4 and 4.6 only"
#endif

/* ------------------------------------------------------------------------
 * Plugin exports.  4.0: plugin_version, plugin_want_major/minor,
 * plugin_register.  4.2+: the same plus optional plugin_describe() returning
 * WS_PLUGIN_DESC_* flags (wsutil/plugins.h, not shipped by 4.0's
 * wireshark-dev).  Without plugin_describe 4.4/4.6 still load the plugin but
 * `tshark -G plugins` lists its type as "unknown" (checked on 4.6.9).
 * ------------------------------------------------------------------------ */
#if EXMTA_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#define EXMTA_PLUGIN_DESCRIBE(flags) \
    WS_DLL_PUBLIC uint32_t plugin_describe(void); \
    uint32_t plugin_describe(void) { return (uint32_t)(flags); }
#define EXMTA_PLUGIN_DESC_FLAGS (WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER)
#else
#define EXMTA_PLUGIN_DESCRIBE(flags) /* 4.0 has no plugin_describe */
#define EXMTA_PLUGIN_DESC_FLAGS 0
#endif

/* Use once, in the one file that defines plugin_register(). */
#define EXMTA_PLUGIN_EXPORTS(version_string) \
    WS_DLL_PUBLIC_DEF const char plugin_version[] = version_string; \
    WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR; \
    WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR; \
    WS_DLL_PUBLIC void plugin_register(void); \
    EXMTA_PLUGIN_DESCRIBE(EXMTA_PLUGIN_DESC_FLAGS)

/* ------------------------------------------------------------------------
 * Registration ids.  4.0's proto_register_subtree_array() aborts with
 * "subtree item type (ett_...) not -1" on an ett initialised to 0 (4.4+
 * accept 0 or -1); hf ids and expert fields accept 0 or -1 in all three
 * (EI_INIT is {-1,-1} in 4.0/4.4 and {0,0} in 4.6: always use EI_INIT).
 * Initialise every ett with this.
 * ------------------------------------------------------------------------ */
#define EXMTA_ETT_INIT (-1)

/* ------------------------------------------------------------------------
 * gboolean (int) -> bool.  Matters only where a *pointer* is involved:
 * function pointers whose return type changed (heur_dissector_t,
 * uat_fld_chk_cb_t) and prefs_register_bool_preference's
 * `var` pointer.  Plain value arguments convert by themselves.
 * ------------------------------------------------------------------------ */
#if EXMTA_WS_AT_LEAST(4, 2)
typedef bool exmta_wsbool;
#else
typedef gboolean exmta_wsbool;
#endif

/* Heuristic dissector definition:
 *   static EXMTA_HEUR_CB(dissect_x_heur) { ... return true; } */
#define EXMTA_HEUR_CB(name) \
    exmta_wsbool name(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)

/* UAT field-check callback. */
#define EXMTA_UAT_FLD_CHK_CB(name) \
    exmta_wsbool name(void *record, const char *ptr, unsigned len, \
                      const void *chk_data, const void *fld_data, char **error)

/* ------------------------------------------------------------------------
 * Taps.  tap_packet_cb has had the `tap_flags_t flags` parameter since 4.0
 * (unchanged in 4.4/4.6); the macro keeps the long signature in one place.
 * ------------------------------------------------------------------------ */
#define EXMTA_TAP_PACKET_CB(name) \
    tap_packet_status name(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, \
                           const void *data, tap_flags_t flags)

/* stat_tap_ui.init (stat_tap_init_cb): void in 4.0/4.4, bool in 4.6
 * ("false" = the -z argument was rejected).
 *   static EXMTA_STAT_TAP_INIT_CB(x_init) { ...; EXMTA_STAT_TAP_INIT_RETURN(true); } */
#if EXMTA_WS_AT_LEAST(4, 6)
#define EXMTA_STAT_TAP_INIT_CB(name) bool name(const char *opt_arg, void *userdata)
#define EXMTA_STAT_TAP_INIT_RETURN(ok) return (ok)
#else
#define EXMTA_STAT_TAP_INIT_CB(name) void name(const char *opt_arg, void *userdata)
#define EXMTA_STAT_TAP_INIT_RETURN(ok) do { (void)(ok); return; } while (0)
#endif

/* A rejected -z argument: 4.6 lets the init callback say so (tshark then
 * exits with an error); before 4.6 the callback has no way to report it, and
 * stock's own CLI taps exit(1), as this does. */
#if EXMTA_WS_AT_LEAST(4, 6)
#define EXMTA_STAT_TAP_INIT_FAIL() return false
#else
#define EXMTA_STAT_TAP_INIT_FAIL() exit(1)
#endif

/* ------------------------------------------------------------------------
 * DCE/RPC.  dcerpc_init_uuid() takes `const dcerpc_sub_dissector *` in 4.2+
 * and a non-const pointer in 4.0; dcerpc_uuid_value.procs likewise.
 *   static EXMTA_DCERPC_PROCS_CONST dcerpc_sub_dissector x_procs[] = {...};
 * ------------------------------------------------------------------------ */
#if EXMTA_WS_AT_LEAST(4, 2)
#define EXMTA_DCERPC_PROCS_CONST const
#else
#define EXMTA_DCERPC_PROCS_CONST
#endif

/* ------------------------------------------------------------------------
 * field_info's value: an fvalue_t member in 4.0, a pointer from 4.2 on
 * (epan/proto.h: 4.0 line 800, 4.4 line 822, 4.6 line 826).
 * ------------------------------------------------------------------------ */
#if EXMTA_WS_AT_LEAST(4, 2)
#define EXMTA_FINFO_FVALUE(fi) ((fi)->value)
#else
#define EXMTA_FINFO_FVALUE(fi) (&(fi)->value)
#endif

#endif /* EXMTA_WS_COMPAT_H */
