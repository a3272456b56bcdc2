/* exmta-epm-hook.c - the one place where exmta reaches into stock DCE/RPC's
 * private state: it points EPM v3's procedure table at a copy whose opnum-3
 * (ept_map) entry calls exmta first, so exmta sees the stub of every map
 * request and response that stock decodes, with or without a tree.
 *
 * Why this is not done through a public API: DCE/RPC offers no hook for
 * another dissector's stubs. Registering EPM again warns and replaces
 * stock's decoding, and dcerpc_get_proto_sub_dissector() returns the table
 * const (from 4.2 on). What remains is dcerpc_uuids, the table of registered
 * interfaces, which is WS_DLL_PUBLIC in 4.0, 4.4 and 4.6; its values' procs
 * pointer is swapped here. The risk: a Wireshark release that changes EPM's
 * table (opnum 3 renamed or moved) or the dcerpc_uuid_value layout. So the
 * start-up self-check below looks at the entry first and, if it is not what
 * this code expects, warns once and leaves stock untouched (exmta then
 * learns only from lookups whose bind is not in the capture).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "exmta"
#include "exmta-epm-hook.h"

#include <string.h>

#define EPM_OPNUM_MAP 3
#define EPM_VERSION 3

/* EPM v3: e1af8308-5d1f-11c9-91a4-08002b14a0fa */
const e_guid_t exmta_epm_guid = { 0xe1af8308, 0x5d1f, 0x11c9, { 0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } };

static dcerpc_uuid_value *epm_value;    /* EPM v3's entry in dcerpc_uuids, while hooked */
static EXMTA_DCERPC_PROCS_CONST dcerpc_sub_dissector *epm_procs_orig;
static dcerpc_sub_dissector *epm_procs_copy;

static dcerpc_uuid_value *
epm_entry(void)
{
    guid_key key;

    if (dcerpc_uuids == NULL)
        return NULL;
    memset(&key, 0, sizeof key);
    key.guid = exmta_epm_guid;
    key.ver = EPM_VERSION;
    return (dcerpc_uuid_value *)g_hash_table_lookup(dcerpc_uuids, &key);
}

/* The self-check: EPM v3 registered, with a procedure table whose opnum 3
 * is stock's "Map" (ept_map) with both stub dissectors. NULL, after one
 * warning, when anything differs. */
static const dcerpc_sub_dissector *
checked_map_entry(const dcerpc_uuid_value *value)
{
    const dcerpc_sub_dissector *p;

    if (!value) {
        ws_warning("exmta: EPM v3 is not in DCE/RPC's interface table (dcerpc_uuids); "
                   "ept_map lookups that stock decodes are not learned");
        return NULL;
    }
    if (!value->procs) {
        ws_warning("exmta: EPM v3 has no procedure table in dcerpc_uuids; "
                   "ept_map lookups that stock decodes are not learned");
        return NULL;
    }
    for (p = value->procs; p->name; p++) {
        if (p->num != EPM_OPNUM_MAP)
            continue;
        if ((strcmp(p->name, "Map") != 0 && strcmp(p->name, "ept_map") != 0) ||
            !p->dissect_rqst || !p->dissect_resp) {
            ws_warning("exmta: EPM v3's opnum 3 is \"%s\", not stock's ept_map (\"Map\") with request and "
                       "response dissectors; stock decoding left as it is, ept_map lookups that stock "
                       "decodes are not learned", p->name);
            return NULL;
        }
        return p;
    }
    ws_warning("exmta: EPM v3's procedure table has no opnum 3 (ept_map); "
               "ept_map lookups that stock decodes are not learned");
    return NULL;
}

gboolean
exmta_epm_hook_install(dcerpc_dissect_fnct_t *wrap_rqst, dcerpc_dissect_fnct_t *wrap_resp,
                       dcerpc_dissect_fnct_t **orig_rqst, dcerpc_dissect_fnct_t **orig_resp)
{
    dcerpc_uuid_value *value = epm_entry();
    const dcerpc_sub_dissector *map = checked_map_entry(value);
    const dcerpc_sub_dissector *p;
    dcerpc_sub_dissector *copy;
    guint n = 0;

    if (!map || epm_value)
        return FALSE;
    for (p = value->procs; p->name; p++)
        n++;
    copy = g_new0(dcerpc_sub_dissector, n + 1);     /* the copy's terminator stays zeroed */
    memcpy(copy, value->procs, sizeof(*copy) * n);
    for (guint i = 0; i < n; i++) {
        if (copy[i].num != EPM_OPNUM_MAP)
            continue;
        copy[i].dissect_rqst = wrap_rqst;
        copy[i].dissect_resp = wrap_resp;
    }
    *orig_rqst = map->dissect_rqst;
    *orig_resp = map->dissect_resp;
    epm_value = value;
    epm_procs_orig = value->procs;
    epm_procs_copy = copy;
    value->procs = copy;
    return TRUE;
}

void
exmta_epm_hook_remove(void)
{
    if (epm_value && epm_value->procs == epm_procs_copy)
        epm_value->procs = epm_procs_orig;
    g_free(epm_procs_copy);
    epm_procs_copy = NULL;
    epm_value = NULL;
}
