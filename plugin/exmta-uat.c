/* exmta-uat.c - "Known endpoints" (the exmta_endpoints UAT): RPC endpoints
 * learned in other capture files, carried into this one.
 *
 * A customer's ring buffer puts the ept_map lookup in one file and the MTA's
 * RPC session in the next. `tshark -r file3 -q -z exmta,endpoints,uat` prints
 * what file 3 learned as lines of this table; loaded from the profile (file
 * "exmta_endpoints") or with -o "uat:exmta_endpoints:...", they flag sessions
 * in later files exactly as endpoints learned in the open file do, with
 * exmta.rpc.source "known endpoints table". Endpoints learned in the open file
 * win: they are newer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "exmta"
#include "exmta.h"

#include <epan/prefs.h>
#include <epan/uat.h>
#include <epan/uat-int.h>
#include <epan/plugin_if.h>
#include <wsutil/report_message.h>
#include <cfile.h>

#include "known.h"

typedef struct {
    char *host;
    char *port;
    char *iface;
    char *version;
    char *kind;
    char *file;
    char *frame;
    char *learned_at;   /* the "time" column */
} known_rec_t;

static known_rec_t *known_recs;
static guint n_known_recs;
static uat_t *known_uat;
static const char *capture_name_pref = "";

UAT_CSTRING_CB_DEF(known, host, known_rec_t)
UAT_CSTRING_CB_DEF(known, port, known_rec_t)
UAT_CSTRING_CB_DEF(known, iface, known_rec_t)
UAT_CSTRING_CB_DEF(known, version, known_rec_t)
UAT_CSTRING_CB_DEF(known, kind, known_rec_t)
UAT_CSTRING_CB_DEF(known, file, known_rec_t)
UAT_CSTRING_CB_DEF(known, frame, known_rec_t)
UAT_CSTRING_CB_DEF(known, learned_at, known_rec_t)

/* Field checks: a bad field marks only its row invalid (the UAT loader goes
 * on with the next row); the message names the row by its host. */
static char *
row_error(const known_rec_t *r, char *what)
{
    char *msg = g_strdup_printf("Known endpoints (exmta_endpoints) row for host \"%s\": %s; row ignored",
                                r && r->host ? r->host : "", what);
    g_free(what);
    /* the UAT loader reports only the last bad row: say each one */
    ws_warning("%s", msg);
    return msg;
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_host)
{
    guint8 ip[4];
    char *what = NULL;

    (void)record; (void)chk_data; (void)fld_data;
    if (exmta_known_parse_ipv4(ptr, len, ip, &what))
        return TRUE;
    *error = g_strdup_printf("Known endpoints (exmta_endpoints) row: %s; row ignored", what);
    ws_warning("%s", *error);
    g_free(what);
    return FALSE;
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_port)
{
    guint16 port;
    char *what = NULL;

    (void)chk_data; (void)fld_data;
    if (exmta_known_parse_port(ptr, len, &port, &what))
        return TRUE;
    *error = row_error((const known_rec_t *)record, what);
    return FALSE;
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_iface)
{
    exmta_uuid_t u;
    char *what = NULL;

    (void)chk_data; (void)fld_data;
    if (exmta_known_parse_uuid(ptr, len, &u, &what))
        return TRUE;
    *error = row_error((const known_rec_t *)record, what);
    return FALSE;
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_version)
{
    guint16 a, b;
    char *what = NULL;

    (void)chk_data; (void)fld_data;
    if (exmta_known_parse_version(ptr, len, &a, &b, &what))
        return TRUE;
    *error = row_error((const known_rec_t *)record, what);
    return FALSE;
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_frame)
{
    guint32 f;
    char *what = NULL;

    (void)chk_data; (void)fld_data;
    if (exmta_known_parse_frame(ptr, len, &f, &what))
        return TRUE;
    *error = row_error((const known_rec_t *)record, what);
    return FALSE;
}

static void *
known_copy_cb(void *dest, const void *orig, size_t len _U_)
{
    const known_rec_t *o = (const known_rec_t *)orig;
    known_rec_t *d = (known_rec_t *)dest;

    d->host = g_strdup(o->host);
    d->port = g_strdup(o->port);
    d->iface = g_strdup(o->iface);
    d->version = g_strdup(o->version);
    d->kind = g_strdup(o->kind);
    d->file = g_strdup(o->file);
    d->frame = g_strdup(o->frame);
    d->learned_at = g_strdup(o->learned_at);
    return d;
}

static void
known_free_cb(void *r)
{
    known_rec_t *k = (known_rec_t *)r;

    g_free(k->host);
    g_free(k->port);
    g_free(k->iface);
    g_free(k->version);
    g_free(k->kind);
    g_free(k->file);
    g_free(k->frame);
    g_free(k->learned_at);
}

guint
exmta_known_count(void)
{
    return n_known_recs;
}

gboolean
exmta_known_get(guint i, exmta_endpoint_t *ep, const char **file, guint32 *frame, const char **learned_at)
{
    const known_rec_t *r;

    if (i >= n_known_recs)
        return FALSE;
    r = &known_recs[i];
    memset(ep, 0, sizeof(*ep));
    /* rows are checked field by field when loaded; check again, as a row
     * added through the GUI editor may still be being typed */
    if (!r->host || !r->port || !r->iface || !r->version ||
        !exmta_known_parse_ipv4(r->host, strlen(r->host), ep->ip, NULL) ||
        !exmta_known_parse_port(r->port, strlen(r->port), &ep->port, NULL) ||
        !exmta_known_parse_uuid(r->iface, strlen(r->iface), &ep->iface, NULL) ||
        !exmta_known_parse_version(r->version, strlen(r->version), &ep->ver_major, &ep->ver_minor, NULL))
        return FALSE;
    ep->kind = exmta_kind_of(&ep->iface, ep->ver_major);
    ep->source = EXMTA_SRC_KNOWN_TABLE;
    *file = r->file ? r->file : "";
    *learned_at = r->learned_at ? r->learned_at : "";
    *frame = 0;
    if (r->frame)
        exmta_known_parse_frame(r->frame, strlen(r->frame), frame, NULL);
    return TRUE;
}

const char *
exmta_capture_name(void)
{
    return capture_name_pref ? capture_name_pref : "";
}

static gboolean
same_row(const known_rec_t *a, const known_rec_t *b)
{
    return g_strcmp0(a->host, b->host) == 0 && g_strcmp0(a->port, b->port) == 0 &&
           g_ascii_strcasecmp(a->iface ? a->iface : "", b->iface ? b->iface : "") == 0 &&
           g_strcmp0(a->version, b->version) == 0;
}

typedef struct {
    guint added;
    const char *file;       /* what "learned in file" says */
} add_ctx_t;

static void
add_one_learned(const exmta_endpoint_t *ep, const nstime_t *when, gpointer user_data)
{
    add_ctx_t *ctx = (add_ctx_t *)user_data;
    known_rec_t rec;
    char buf[64];
    gboolean dup = FALSE;

    memset(&rec, 0, sizeof(rec));
    rec.host = g_strdup_printf("%u.%u.%u.%u", ep->ip[0], ep->ip[1], ep->ip[2], ep->ip[3]);
    rec.port = g_strdup_printf("%u", ep->port);
    exmta_uuid_to_string(&ep->iface, buf);
    rec.iface = g_strdup(buf);
    rec.version = g_strdup_printf("%u.%u", ep->ver_major, ep->ver_minor);
    rec.kind = g_strdup(exmta_kind_str(ep->kind));
    rec.file = g_strdup(ctx->file);
    rec.frame = g_strdup_printf("%u", ep->learned_in);
    if (when) {
        GDateTime *dt = g_date_time_new_from_unix_utc((gint64)when->secs);
        char *s = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S") : NULL;
        rec.learned_at = g_strdup_printf("%s.%06dZ", s ? s : "", when->nsecs / 1000);
        g_free(s);
        if (dt)
            g_date_time_unref(dt);
    } else {
        rec.learned_at = g_strdup("");
    }
    for (guint i = 0; i < n_known_recs && !dup; i++)
        dup = same_row(&known_recs[i], &rec);
    if (!dup) {
        uat_add_record(known_uat, &rec, TRUE);
        ctx->added++;
    }
    known_free_cb(&rec);
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
    exmta_epm_foreach_learned(add_one_learned, &ctx);
    if (ctx.added) {
        known_uat->changed = TRUE;
        uat_save(known_uat, err);
    }
    return ctx.added;
}

/* The base name of the open capture file (GUI only). */
static void *
open_file_name(capture_file *cf, void *user_data _U_)
{
    return cf && cf->filename ? g_path_get_basename(cf->filename) : NULL;
}

/* Tools > Exchange MTA > Add learned endpoints to Known endpoints: the
 * GUI's way to carry this file's endpoints into the next file of a set. */
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
exmta_uat_handoff(int proto)
{
    ext_menu_t *menu = ext_menubar_register_menu(proto, "Exchange MTA", TRUE);

    ext_menubar_set_parentmenu(menu, "Tools");
    ext_menubar_add_entry(menu, "Add learned endpoints to Known endpoints",
        "Add every RPC endpoint learned from the endpoint mapper in this file to the known endpoints "
        "table (exmta_endpoints), so the next file of a ring buffer flags sessions to them",
        add_learned_action, NULL);
}

void
exmta_uat_register(module_t *module)
{
    static uat_field_t fields[] = {
        UAT_FLD_CSTRING_OTHER(known, host, "Host", known_chk_host, "IPv4 address of the endpoint"),
        UAT_FLD_CSTRING_OTHER(known, port, "Port", known_chk_port, "TCP port of the endpoint (1-65535)"),
        UAT_FLD_CSTRING_OTHER(known, iface, "Interface UUID", known_chk_iface,
                              "RPC interface, e.g. 9e8ee830-4459-11ce-979b-00aa005ffebe (Exchange MTA)"),
        UAT_FLD_CSTRING_OTHER(known, version, "Version", known_chk_version, "Interface version MAJOR.MINOR, e.g. 2.0"),
        UAT_FLD_CSTRING(known, kind, "Kind", "MTA RPC, MTA QAdmin RPC or other (informational)"),
        UAT_FLD_CSTRING(known, file, "Learned in file", "Capture file the endpoint was learned in"),
        UAT_FLD_CSTRING_OTHER(known, frame, "Learned in frame", known_chk_frame,
                              "Frame of the ept_map response in that file"),
        /* UAT_FLD_CSTRING(known, learned_at, ...) but with the column still
         * named "time", as the table's load messages name it */
        { .name = "time", .title = "Learned at", .mode = PT_TXTMOD_STRING,
          .cb = { uat_fld_chk_str, known_learned_at_set_cb, known_learned_at_tostr_cb },
          .desc = "Time of that frame (ISO 8601, UTC)" },
        UAT_END_FIELDS
    };

    known_uat = uat_new("Known endpoints",
                        sizeof(known_rec_t),
                        "exmta_endpoints",      /* file name in the profile */
                        TRUE,                   /* from the profile: travels with it */
                        &known_recs,
                        &n_known_recs,
                        UAT_AFFECTS_DISSECTION,
                        NULL,
                        known_copy_cb,
                        NULL,
                        known_free_cb,
                        NULL,
                        NULL,
                        fields);
    prefs_register_uat_preference(module, "known_endpoints", "Known endpoints",
        "RPC endpoints learned in other capture files (e.g. earlier files of a ring buffer): sessions to "
        "them are flagged like endpoints learned from the endpoint mapper in this file. Fill it from "
        "`tshark -r EARLIER -q -z exmta,endpoints,uat`.",
        known_uat);
    prefs_register_string_preference(module, "capture_name", "Capture file name for exported endpoints",
        "Recorded as 'learned in file' by -z exmta,endpoints,uat (tshark cannot tell a tap the file name; "
        "exmta-fileset sets it).",
        &capture_name_pref);
}
