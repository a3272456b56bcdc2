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
#include "exmta-uat.h"
#include "ws_compat.h"

#include <epan/prefs.h>
#include <epan/uat.h>
/* uat_add_record() and uat_save() are WS_DLL_PUBLIC but declared only in
 * uat-int.h in 4.0, 4.4 and 4.6; the GUI's own UAT dialogs use them the
 * same way. Nothing else of uat-int.h (the uat_t fields) is touched: the
 * risk is limited to those two prototypes changing. */
#include <epan/uat-int.h>

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

UAT_CSTRING_CB_DEF(known, host, known_rec_t)
UAT_CSTRING_CB_DEF(known, port, known_rec_t)
UAT_CSTRING_CB_DEF(known, iface, known_rec_t)
UAT_CSTRING_CB_DEF(known, version, known_rec_t)
UAT_CSTRING_CB_DEF(known, kind, known_rec_t)
UAT_CSTRING_CB_DEF(known, file, known_rec_t)
UAT_CSTRING_CB_DEF(known, frame, known_rec_t)
UAT_CSTRING_CB_DEF(known, learned_at, known_rec_t)

/* Field checks: a bad field marks only its row invalid (the UAT loader goes
 * on with the next row); the message names the row by its host, except
 * when the host itself is bad. The UAT loader reports only the last bad
 * row, so each one is also logged. */
static exmta_wsbool
field_checked(const known_rec_t *r, gboolean ok, char *what, char **error)
{
    if (ok)
        return TRUE;
    if (r)
        *error = g_strdup_printf("Known endpoints (exmta_endpoints) row for host \"%s\": %s; row ignored",
                                 r->host ? r->host : "", what);
    else
        *error = g_strdup_printf("Known endpoints (exmta_endpoints) row: %s; row ignored", what);
    g_free(what);
    ws_warning("%s", *error);
    return FALSE;
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_host)
{
    guint8 ip[4];
    char *what = NULL;

    gboolean ok = exmta_known_parse_ipv4(ptr, len, ip, &what);
    (void)record; (void)chk_data; (void)fld_data;

    return field_checked(NULL, ok, what, error);
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_port)
{
    guint16 port;
    char *what = NULL;

    gboolean ok = exmta_known_parse_port(ptr, len, &port, &what);
    (void)chk_data; (void)fld_data;

    return field_checked((const known_rec_t *)record, ok, what, error);
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_iface)
{
    exmta_uuid_t u;
    char *what = NULL;

    gboolean ok = exmta_known_parse_uuid(ptr, len, &u, &what);
    (void)chk_data; (void)fld_data;

    return field_checked((const known_rec_t *)record, ok, what, error);
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_version)
{
    guint16 a, b;
    char *what = NULL;

    gboolean ok = exmta_known_parse_version(ptr, len, &a, &b, &what);
    (void)chk_data; (void)fld_data;

    return field_checked((const known_rec_t *)record, ok, what, error);
}

static
EXMTA_UAT_FLD_CHK_CB(known_chk_frame)
{
    guint32 f;
    char *what = NULL;

    gboolean ok = exmta_known_parse_frame(ptr, len, &f, &what);
    (void)chk_data; (void)fld_data;

    return field_checked((const known_rec_t *)record, ok, what, error);
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

/* A row's identity: host, port, interface (any case; unset is empty) and
 * version; an unset host, port or version is told apart from an empty one. */
static char *
row_key(const known_rec_t *r)
{
    char *iface = g_ascii_strdown(r->iface ? r->iface : "", -1);
    char *k = g_strdup_printf("%s\t%s\t%s\t%s", r->host ? r->host : "\1", r->port ? r->port : "\1",
                              iface, r->version ? r->version : "\1");

    g_free(iface);
    return k;
}

GHashTable *
exmta_known_keys(void)
{
    GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < n_known_recs; i++)
        g_hash_table_add(keys, row_key(&known_recs[i]));
    return keys;
}

gboolean
exmta_known_add(GHashTable *keys, const exmta_endpoint_t *ep, const nstime_t *when, const char *file)
{
    known_rec_t rec;
    char buf[64];
    char *key;
    gboolean added;

    memset(&rec, 0, sizeof(rec));
    rec.host = g_strdup_printf("%u.%u.%u.%u", ep->ip[0], ep->ip[1], ep->ip[2], ep->ip[3]);
    rec.port = g_strdup_printf("%u", ep->port);
    exmta_uuid_to_string(&ep->iface, buf);
    rec.iface = g_strdup(buf);
    rec.version = g_strdup_printf("%u.%u", ep->ver_major, ep->ver_minor);
    rec.kind = g_strdup(exmta_kind_str(ep->kind));
    rec.file = g_strdup(file);
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
    key = row_key(&rec);
    added = !g_hash_table_contains(keys, key);
    if (added) {
        uat_add_record(known_uat, &rec, TRUE);
        g_hash_table_add(keys, key);
    } else {
        g_free(key);
    }
    known_free_cb(&rec);
    return added;
}

gboolean
exmta_known_save(char **err)
{
    *err = NULL;
    return uat_save(known_uat, err);
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
}
