/* exmta-uat.h - the known endpoints table, exmta_endpoints (exmta-uat.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_SHELL_UAT_H
#define EXMTA_SHELL_UAT_H

#include <wireshark.h>
#include <wsutil/nstime.h>
#include <epan/prefs.h>
#include "endpoints.h"

void exmta_uat_register(module_t *module);
guint exmta_known_count(void);
/* Row i as an endpoint (source KNOWN_TABLE, learned_in 0); FALSE if invalid. */
gboolean exmta_known_get(guint i, exmta_endpoint_t *ep, const char **file, guint32 *frame, const char **learned_at);
/* The rows' keys (host, port, interface, version), for adding many
 * endpoints at once (g_hash_table_destroy it after). */
GHashTable *exmta_known_keys(void);
/* Adds ep (learned at when, NULL: unknown, in file) unless a row has its
 * host, port, interface and version (keys, from exmta_known_keys, holds
 * them and gets the new row's); TRUE if added. */
gboolean exmta_known_add(GHashTable *keys, const exmta_endpoint_t *ep, const nstime_t *when, const char *file);
/* Saves the table in the profile; FALSE with *err (g_free it) on failure. */
gboolean exmta_known_save(char **err);

#endif /* EXMTA_SHELL_UAT_H */
