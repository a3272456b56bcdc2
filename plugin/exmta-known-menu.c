/* exmta-known-menu.c - Tools > Exchange MTA > Add learned endpoints to
 * Known endpoints: the GUI's way to carry the endpoints learned in this
 * file (exmta-epm.c) into the known endpoints table (exmta-uat.c), so the
 * next file of a ring buffer flags sessions to them. tshark users get the
 * same rows from -z exmta,endpoints,uat.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta-known-menu.h"
#include "exmta-epm.h"
#include "exmta-uat.h"
#include "exmta-frame.h"

#include <epan/plugin_if.h>
#include <wsutil/report_message.h>
#include <cfile.h>

typedef struct {
    guint added;
    const char *file;       /* what "learned in file" says */
    GHashTable *keys;       /* the table's rows (exmta_known_keys) */
} add_ctx_t;

static void
add_one_learned(const exmta_endpoint_t *ep, const nstime_t *when, gpointer user_data)
{
    add_ctx_t *ctx = (add_ctx_t *)user_data;

    if (exmta_known_add(ctx->keys, ep, when, ctx->file))
        ctx->added++;
}

/* Adds every endpoint learned from the endpoint mapper in the open file to
 * the known endpoints table and saves it in the profile; returns how many
 * rows were new. */
static guint
known_add_learned(const char *file, char **err)
{
    add_ctx_t ctx;

    *err = NULL;
    ctx.added = 0;
    ctx.file = file && *file ? file : exmta_capture_name();
    ctx.keys = exmta_known_keys();
    exmta_epm_foreach_learned(add_one_learned, &ctx);
    g_hash_table_destroy(ctx.keys);
    if (ctx.added)
        exmta_known_save(err);
    return ctx.added;
}

/* The base name of the open capture file (GUI only). */
static void *
open_file_name(capture_file *cf, void *user_data _U_)
{
    return cf && cf->filename ? g_path_get_basename(cf->filename) : NULL;
}

static void
add_learned_action(ext_menubar_gui_type gui_type _U_, gpointer gui_object _U_, gpointer user_data _U_)
{
    char *err = NULL;
    char *file = (char *)plugin_if_get_capture_file(open_file_name, NULL);
    guint added = known_add_learned(file, &err);

    g_free(file);
    if (err) {
        report_failure("Exchange MTA: could not save the known endpoints table: %s", err);
        g_free(err);
    } else {
        report_warning(
            "Exchange MTA: %u endpoint%s learned in this file added to Known endpoints "
            "(Preferences > Protocols > Exchange MTA). Open the next file of the set to use them.",
            added, added == 1 ? "" : "s");
    }
}

void
exmta_known_menu_handoff(int proto)
{
    ext_menu_t *menu = ext_menubar_register_menu(proto, "Exchange MTA", TRUE);

    ext_menubar_set_parentmenu(menu, "Tools");
    ext_menubar_add_entry(menu, "Add learned endpoints to Known endpoints",
        "Add every RPC endpoint learned from the endpoint mapper in this file to the known endpoints "
        "table (exmta_endpoints), so the next file of a ring buffer flags sessions to them",
        add_learned_action, NULL);
}
