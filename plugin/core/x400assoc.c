/* x400assoc.c - the X.400 association model and its renderings (see
 * x400assoc.h). Pure C over GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "x400assoc.h"
#include "render.h"
#include "rfc1006.h"

gboolean
exmta_x4_obs_says(const exmta_x4_obs_t *o)
{
    return o->calling_tsap || o->called_tsap || o->calling_ssap || o->called_ssap || o->calling_psap ||
           o->called_psap || o->app_context || o->initiator || o->responder || o->pres_mode >= 0 ||
           o->dialogue_mode >= 0 || o->bind_error >= 0 || o->ses_reason >= 0 || o->pres_reason >= 0 ||
           o->acse_result >= 0 || o->acse_abort_source >= 0 || o->rtse_refuse >= 0 || o->rtse_abort >= 0 ||
           o->dr_reason >= 0;
}

/* ---- what a frame says ----------------------------------------------------- */

exmta_x4_layer_t
exmta_x4_obs_refusal(const exmta_x4_obs_t *o, gint *reason)
{
    exmta_x4_layer_t l = EXMTA_X4_LAYER_NONE;
    gint r = -1;

    if (o->ev & EXMTA_X4_BIND_ERR) {
        l = EXMTA_X4_LAYER_MTA_BIND;
        r = o->bind_error;
    } else if (o->ev & EXMTA_X4_RTORJ) {
        l = EXMTA_X4_LAYER_RTSE;
        r = o->rtse_refuse;
    } else if ((o->ev & EXMTA_X4_AARE) && o->acse_result > 0) {
        l = EXMTA_X4_LAYER_ACSE;
        r = o->acse_result;
    } else if (o->ev & EXMTA_X4_PRES_CPR) {
        l = EXMTA_X4_LAYER_PRESENTATION;
        r = o->pres_reason;
    } else if (o->ev & EXMTA_X4_SES_RF) {
        l = EXMTA_X4_LAYER_SESSION;
        r = o->ses_reason;
    }
    if (reason)
        *reason = r;
    return l;
}

exmta_x4_layer_t
exmta_x4_obs_abort(const exmta_x4_obs_t *o, gint *reason)
{
    exmta_x4_layer_t l = EXMTA_X4_LAYER_NONE;
    gint r = -1;

    if (o->ev & EXMTA_X4_RTAB) {
        l = EXMTA_X4_LAYER_RTSE;
        r = o->rtse_abort;
    } else if (o->ev & EXMTA_X4_ABRT) {
        l = EXMTA_X4_LAYER_ACSE;
        r = o->acse_abort_source;
    } else if (o->ev & EXMTA_X4_PRES_ABORT) {
        l = EXMTA_X4_LAYER_PRESENTATION;
        r = o->pres_reason;
    } else if (o->ev & EXMTA_X4_SES_AB) {
        l = EXMTA_X4_LAYER_SESSION;
    }
    if (reason)
        *reason = r;
    return l;
}

const char *
exmta_x4_layer_name(exmta_x4_layer_t layer)
{
    switch (layer) {
    case EXMTA_X4_LAYER_TRANSPORT:    return "transport";
    case EXMTA_X4_LAYER_SESSION:      return "session";
    case EXMTA_X4_LAYER_PRESENTATION: return "presentation";
    case EXMTA_X4_LAYER_ACSE:         return "ACSE";
    case EXMTA_X4_LAYER_RTSE:         return "RTSE";
    case EXMTA_X4_LAYER_MTA_BIND:     return "MTA bind";
    case EXMTA_X4_LAYER_TCP:          return "TCP";
    default:                          return "none";
    }
}

typedef struct { gint code; const char *name; const char *check; } reason_t;

/* ISO 8327 REFUSE reason codes */
static const reason_t ses_refuse[] = {
    { 0, "rejected by the called SS-user", "the remote MTA's event log says why" },
    { 1, "temporary congestion", "the remote MTA is overloaded: retry later" },
    { 2, "rejected by the called SS-user (with user data)", "the remote MTA's event log says why" },
    { 0x81, "called SSAP not recognised",
      "the remote MTA's OSI address (T/S/P selectors) differs from the one configured here" },
    { 0x82, "SS-user not attached to SSAP", "the remote MTA service is not ready on that OSI address" },
    { 0x83, "SPM congestion at connect time", "the remote MTA is overloaded: retry later" },
    { 0x84, "proposed protocol versions not supported", "the session version both MTAs support" },
    { 0x85, "rejected by the SPM", "the remote MTA's OSI address (T/S/P selectors) and its event log" },
    { 0x86, "rejected by the SPM (implementation restriction)", "the remote MTA's event log says why" },
    { -1, NULL, NULL },
};

/* ISO 8823 Provider-reason of CPR-PPDU */
static const reason_t pres_refuse[] = {
    { 0, "reason-not-specified", "the presentation contexts offered (1984 or 1988 mode on both connectors)" },
    { 1, "temporary-congestion", "the remote MTA is overloaded: retry later" },
    { 2, "local-limit-exceeded", "the remote MTA's association limits" },
    { 3, "called-presentation-address-unknown",
      "the remote MTA's P selector differs from the one configured here" },
    { 4, "protocol-version-not-supported", "the presentation version both MTAs support" },
    { 5, "default-context-not-supported", "the X.400 conformance mode (1984 or 1988) on both connectors" },
    { 6, "user-data-not-readable", "the X.400 conformance mode (1984 or 1988) on both connectors" },
    { 7, "no-PSAP-available", "the remote MTA service is not ready on that OSI address" },
    { -1, NULL, NULL },
};

/* ACSE Associate-result */
static const reason_t acse_refuse[] = {
    { 1, "rejected-permanent",
      "the application context: compare the X.400 conformance mode (1984 or 1988) on both connectors" },
    { 2, "rejected-transient", "the remote MTA is busy or restarting: retry later" },
    { -1, NULL, NULL },
};

/* RTSE RefuseReason */
static const reason_t rtse_refuse[] = {
    { 0, "busy", "the remote MTA has no association free: retry later, check its association limits" },
    { 1, "cannot-recover", "the remote MTA cannot recover the earlier association: let the transfer restart" },
    { 2, "validation-failure",
      "the local MTA name or password is not what the remote MTA expects (connector Override)" },
    { 3, "unacceptable-dialogue-mode", "compare 'Two way alternate' on both connectors" },
    { -1, NULL, NULL },
};

/* X.411 MTABindError */
static const reason_t bind_refuse[] = {
    { 0, "busy", "the remote MTA has no association free: retry later, check its association limits" },
    { 2, "authentication-error",
      "the local MTA name or password is not what the remote MTA expects (connector Override)" },
    { 3, "unacceptable-dialogue-mode", "compare 'Two way alternate' on both connectors" },
    { 4, "unacceptable-security-context", "the security context the connectors offer" },
    { 5, "inadequate-association-confidentiality", "the association confidentiality the connectors offer" },
    { -1, NULL, NULL },
};

/* RTSE AbortReason */
static const reason_t rtse_abort[] = {
    { 0, "local-system-problem", NULL }, { 1, "invalid-parameter", NULL },
    { 2, "unrecognized-activity", NULL }, { 3, "temporary-problem", NULL },
    { 4, "protocol-error", NULL }, { 5, "permanent-problem", NULL },
    { 6, "user-error", NULL }, { 7, "transfer-completed", NULL },
    { -1, NULL, NULL },
};

/* ISO 8823 Abort-reason of ARP-PPDU */
static const reason_t pres_abort[] = {
    { 0, "reason-not-specified", NULL }, { 1, "unrecognized-ppdu", NULL }, { 2, "unexpected-ppdu", NULL },
    { 3, "unexpected-session-service-primitive", NULL }, { 4, "unrecognized-ppdu-parameter", NULL },
    { 5, "unexpected-ppdu-parameter", NULL }, { 6, "invalid-ppdu-parameter-value", NULL },
    { -1, NULL, NULL },
};

/* ACSE ABRT-source */
static const reason_t acse_abort[] = {
    { 0, "service-user", NULL }, { 1, "service-provider", NULL }, { -1, NULL, NULL },
};

static const reason_t *
find_reason(exmta_x4_layer_t layer, gint reason, gboolean abort)
{
    const reason_t *t;

    switch (layer) {
    case EXMTA_X4_LAYER_SESSION:      t = abort ? NULL : ses_refuse; break;
    case EXMTA_X4_LAYER_PRESENTATION: t = abort ? pres_abort : pres_refuse; break;
    case EXMTA_X4_LAYER_ACSE:         t = abort ? acse_abort : acse_refuse; break;
    case EXMTA_X4_LAYER_RTSE:         t = abort ? rtse_abort : rtse_refuse; break;
    case EXMTA_X4_LAYER_MTA_BIND:     t = abort ? NULL : bind_refuse; break;
    default:                          t = NULL; break;
    }
    for (; t && t->name; t++)
        if (t->code == reason)
            return t;
    return NULL;
}

const char *
exmta_x4_reason_name(exmta_x4_layer_t layer, gint reason, gboolean abort)
{
    const reason_t *t;

    if (layer == EXMTA_X4_LAYER_TRANSPORT)
        return reason >= 0 ? exmta_cotp_dr_reason_str((guint8)reason) : NULL;
    t = find_reason(layer, reason, abort);
    return t ? t->name : NULL;
}

/* "name (code)", "reason code", or "" */
static char *
reason_str(exmta_x4_layer_t layer, gint reason, gboolean abort)
{
    const char *n = exmta_x4_reason_name(layer, reason, abort);

    if (reason < 0)
        return g_strdup("");
    if (layer == EXMTA_X4_LAYER_TRANSPORT || layer == EXMTA_X4_LAYER_SESSION)
        return n ? g_strdup_printf("%s (0x%02x)", n, (guint)reason) : g_strdup_printf("reason 0x%02x", (guint)reason);
    return n ? g_strdup_printf("%s (%d)", n, reason) : g_strdup_printf("reason %d", reason);
}

char *
exmta_x4_reason_label(exmta_x4_layer_t layer, gint reason, gboolean abort)
{
    if (exmta_x4_reason_name(layer, reason, abort) == NULL)
        return NULL;
    return reason_str(layer, reason, abort);
}

char *
exmta_x4_refusal_text(exmta_x4_layer_t layer, gint reason)
{
    const reason_t *t = find_reason(layer, reason, FALSE);
    char *rs = reason_str(layer, reason, FALSE);
    const char *check;
    char *s;

    if (layer == EXMTA_X4_LAYER_TRANSPORT)
        check = "the remote MTA's T selector (called TSAP) and RFC1006 port, and that its MTA service runs";
    else if (t && t->check)
        check = t->check;
    else
        check = "the remote MTA's event log says why";
    s = g_strdup_printf("[Connector] %c%s refused%s%s - %s",
                        g_ascii_toupper(exmta_x4_layer_name(layer)[0]), exmta_x4_layer_name(layer) + 1,
                        *rs ? ": " : "", rs, check);
    g_free(rs);
    return s;
}

char *
exmta_x4_abort_text(exmta_x4_layer_t layer, gint reason)
{
    char *rs = reason_str(layer, reason, TRUE);
    char *s = g_strdup_printf("[Connector] Association aborted by %s%s%s - the aborting MTA's event log says why; "
                              "messages in transfer are sent again on the next association",
                              exmta_x4_layer_name(layer), *rs ? ": " : "", rs);
    g_free(rs);
    return s;
}

/* ---- the model ------------------------------------------------------------- */

struct exmta_x4_model {
    GHashTable *by_id;          /* id -> exmta_x4_assoc_t (owned) */
    GHashTable *stream_cur;     /* stream -> current id (assignment) */
    guint32 next_id;
};

static void
assoc_free(gpointer p)
{
    exmta_x4_assoc_t *a = (exmta_x4_assoc_t *)p;

    g_free(a->client);
    g_free(a->server);
    g_free(a->found_by);
    g_free(a->calling_tsap);
    g_free(a->called_tsap);
    g_free(a->calling_ssap);
    g_free(a->called_ssap);
    g_free(a->calling_psap);
    g_free(a->called_psap);
    g_free(a->app_context);
    g_free(a->initiator);
    g_free(a->responder);
    g_free(a);
}

exmta_x4_model_t *
exmta_x4_model_new(void)
{
    exmta_x4_model_t *m = g_new0(exmta_x4_model_t, 1);

    m->by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, assoc_free);
    m->stream_cur = g_hash_table_new(g_direct_hash, g_direct_equal);
    m->next_id = 1;
    return m;
}

void
exmta_x4_model_reset(exmta_x4_model_t *m)
{
    if (!m)
        return;
    g_hash_table_remove_all(m->by_id);
    g_hash_table_remove_all(m->stream_cur);
    m->next_id = 1;
}

void
exmta_x4_model_free(exmta_x4_model_t *m)
{
    if (!m)
        return;
    g_hash_table_destroy(m->by_id);
    g_hash_table_destroy(m->stream_cur);
    g_free(m);
}

const exmta_x4_assoc_t *
exmta_x4_model_get(const exmta_x4_model_t *m, guint32 id)
{
    return (const exmta_x4_assoc_t *)g_hash_table_lookup(m->by_id, GUINT_TO_POINTER(id));
}

static void
set_str(char **dst, const char *v)
{
    if (v && !*dst)
        *dst = g_strdup(v);
}

/* Whether this frame begins a new association on a stream whose current
 * one is cur (NULL: none yet). */
static gboolean
starts_new(const exmta_x4_assoc_t *cur, const exmta_x4_obs_t *o)
{
    if (!cur)
        return TRUE;
    if (o->ev & EXMTA_X4_CR)
        return cur->had_cn || cur->end != EXMTA_X4_END_NONE || cur->first_frame != o->frame;
    if (o->ev & EXMTA_X4_SES_CN)
        return cur->had_cn || cur->end != EXMTA_X4_END_NONE;
    return FALSE;
}

static exmta_x4_assoc_t *
new_assoc(exmta_x4_model_t *m, guint32 id, const exmta_x4_obs_t *o)
{
    exmta_x4_assoc_t *a = g_new0(exmta_x4_assoc_t, 1);

    a->id = id;
    a->stream = o->stream;
    a->client = g_strdup(o->client);
    a->server = g_strdup(o->server);
    a->client_port = o->client_port;
    a->server_port = o->server_port;
    a->found_by = g_strdup(o->found_by);
    a->start_seen = (o->ev & (EXMTA_X4_CR | EXMTA_X4_SES_CN)) != 0;
    a->first_frame = o->frame;
    a->first_sec = o->sec;
    a->first_nsec = o->nsec;
    a->dialogue_mode = -1;
    a->refuse_reason = -1;
    a->end_reason = -1;
    g_hash_table_insert(m->by_id, GUINT_TO_POINTER(id), a);
    if (id >= m->next_id)
        m->next_id = id + 1;
    return a;
}

guint32
exmta_x4_model_add(exmta_x4_model_t *m, const exmta_x4_obs_t *o)
{
    exmta_x4_assoc_t *a;
    guint32 id = o->assoc;
    exmta_x4_layer_t l;
    gint reason;
    int dir = o->from_client ? 0 : 1;

    if (!id) {
        guint32 cur = GPOINTER_TO_UINT(g_hash_table_lookup(m->stream_cur, GUINT_TO_POINTER(o->stream + 1)));
        a = cur ? (exmta_x4_assoc_t *)g_hash_table_lookup(m->by_id, GUINT_TO_POINTER(cur)) : NULL;
        /* a DR or RST after the end belongs to the association it closes */
        if (starts_new(a, o)) {
            a = new_assoc(m, m->next_id, o);
            g_hash_table_insert(m->stream_cur, GUINT_TO_POINTER(o->stream + 1), GUINT_TO_POINTER(a->id));
        }
        id = a->id;
    } else {
        a = (exmta_x4_assoc_t *)g_hash_table_lookup(m->by_id, GUINT_TO_POINTER(id));
        if (!a)
            a = new_assoc(m, id, o);
    }

    a->frames++;
    a->last_frame = o->frame;
    a->last_sec = o->sec;
    a->last_nsec = o->nsec;
    a->bytes[dir] += o->bytes;
    a->messages[dir] += o->messages;
    a->probes[dir] += o->probes;
    a->reports[dir] += o->reports;
    a->undecoded[dir] += o->undecoded;
    if (o->ev & (EXMTA_X4_CR | EXMTA_X4_SES_CN))
        a->start_seen = TRUE;
    if (o->ev & EXMTA_X4_SES_CN)
        a->had_cn = TRUE;
    if (o->ev & EXMTA_X4_X400)
        a->x400 = TRUE;
    if (o->ev & EXMTA_X4_OTHER)
        a->other = TRUE;
    set_str(&a->calling_tsap, o->calling_tsap);
    set_str(&a->called_tsap, o->called_tsap);
    set_str(&a->calling_ssap, o->calling_ssap);
    set_str(&a->called_ssap, o->called_ssap);
    set_str(&a->calling_psap, o->calling_psap);
    set_str(&a->called_psap, o->called_psap);
    set_str(&a->app_context, o->app_context);
    set_str(&a->initiator, o->initiator);
    set_str(&a->responder, o->responder);
    if (o->pres_mode == 0)
        a->rtse_mode = EXMTA_X4_RTSE_X410;
    else if (o->pres_mode == 1 && (o->ev & EXMTA_X4_RTORQ))
        a->rtse_mode = EXMTA_X4_RTSE_NORMAL;
    if (o->dialogue_mode >= 0 && a->dialogue_mode < 0)
        a->dialogue_mode = o->dialogue_mode;

    if (a->bind == EXMTA_X4_BIND_NOT_SEEN &&
        (o->ev & (EXMTA_X4_CR | EXMTA_X4_SES_CN | EXMTA_X4_PRES_CP | EXMTA_X4_AARQ | EXMTA_X4_RTORQ |
                  EXMTA_X4_BIND_ARG)))
        a->bind = EXMTA_X4_BIND_PENDING;

    l = exmta_x4_obs_refusal(o, &reason);
    if (l != EXMTA_X4_LAYER_NONE) {
        /* the highest layer that says why wins (they come in one frame) */
        if (a->bind != EXMTA_X4_BIND_REFUSED || l > a->refused_by) {
            a->refused_by = l;
            a->refuse_reason = reason;
            a->refused_in = o->frame;
        }
        a->bind = EXMTA_X4_BIND_REFUSED;
        if (a->end == EXMTA_X4_END_NONE) {
            a->end = EXMTA_X4_END_REFUSED;
            a->end_frame = o->frame;
        }
    } else if (a->bind != EXMTA_X4_BIND_REFUSED &&
               (o->ev & (EXMTA_X4_BIND_RES | EXMTA_X4_RTOAC | EXMTA_X4_SES_AC))) {
        a->bind = EXMTA_X4_BIND_ACCEPTED;
    }

    if (a->end == EXMTA_X4_END_NONE) {
        l = exmta_x4_obs_abort(o, &reason);
        if (l != EXMTA_X4_LAYER_NONE) {
            a->end = EXMTA_X4_END_ABORT;
            a->abort_by = l;
            a->end_reason = reason;
            a->end_frame = o->frame;
        } else if (o->ev & (EXMTA_X4_RLRE | EXMTA_X4_SES_DN)) {
            a->end = EXMTA_X4_END_RELEASE;
            a->end_frame = o->frame;
        } else if (o->ev & EXMTA_X4_DR) {
            a->end = EXMTA_X4_END_DR;
            a->end_reason = o->dr_reason;
            a->end_frame = o->frame;
            /* disconnected before the association was accepted: refused by transport */
            if (a->bind == EXMTA_X4_BIND_PENDING) {
                a->bind = EXMTA_X4_BIND_REFUSED;
                a->refused_by = EXMTA_X4_LAYER_TRANSPORT;
                a->refuse_reason = o->dr_reason;
                a->refused_in = o->frame;
            }
        } else if (o->ev & EXMTA_X4_RST) {
            a->end = EXMTA_X4_END_RST;
            a->end_frame = o->frame;
        }
    }
    return id;
}

guint32
exmta_x4_model_current(const exmta_x4_model_t *m, guint32 stream)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(m->stream_cur, GUINT_TO_POINTER(stream + 1)));
}

static gint
by_id(gconstpointer pa, gconstpointer pb)
{
    const exmta_x4_assoc_t *a = *(const exmta_x4_assoc_t *const *)pa, *b = *(const exmta_x4_assoc_t *const *)pb;

    return a->id < b->id ? -1 : a->id > b->id;
}

GPtrArray *
exmta_x4_model_rows(const exmta_x4_model_t *m)
{
    GPtrArray *rows = g_ptr_array_new();
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, m->by_id);
    while (g_hash_table_iter_next(&it, NULL, &v))
        if (exmta_x4_assoc_listed((const exmta_x4_assoc_t *)v))
            g_ptr_array_add(rows, v);
    g_ptr_array_sort(rows, by_id);
    return rows;
}

gboolean
exmta_x4_assoc_listed(const exmta_x4_assoc_t *a)
{
    return !a->other || a->x400;
}

exmta_x4_row_change_t
exmta_x4_rows_follow(GArray *ids, const exmta_x4_model_t *m, guint32 id, guint *pos)
{
    const exmta_x4_assoc_t *a = exmta_x4_model_get(m, id);
    guint lo = 0, hi = ids->len;
    gboolean shown, listed = a && exmta_x4_assoc_listed(a);

    /* the first row whose id is not below id; new associations come last */
    if (hi && g_array_index(ids, guint32, hi - 1) < id)
        lo = hi;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(ids, guint32, mid) < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    shown = lo < ids->len && g_array_index(ids, guint32, lo) == id;
    if (listed && shown)
        return EXMTA_X4_ROW_CHANGED;
    if (listed) {
        g_array_insert_val(ids, lo, id);
        return EXMTA_X4_ROW_INSERTED;
    }
    if (shown) {
        g_array_remove_index(ids, lo);
        return EXMTA_X4_ROW_REMOVED;
    }
    return EXMTA_X4_ROW_UNLISTED;
}

/* ---- cells ----------------------------------------------------------------- */

const char *const exmta_x4_columns[EXMTA_X4_NCOLS] = {
    "assoc", "stream", "client", "client port", "server", "port", "found by", "first frame", "last frame",
    "duration", "calling TSAP", "called TSAP", "calling SSAP", "called SSAP", "calling PSAP", "called PSAP",
    "application context", "RTSE mode", "dialogue mode", "initiator", "responder", "result", "end",
    "msgs out", "msgs in", "probes out", "probes in", "reports out", "reports in", "bytes out", "bytes in",
    "not decoded out", "not decoded in",
};

const char *const exmta_x4_keys[EXMTA_X4_NCOLS] = {
    "assoc", "stream", "client", "client_port", "server", "port", "found_by", "first_frame", "last_frame",
    "duration", "calling_tsap", "called_tsap", "calling_ssap", "called_ssap", "calling_psap", "called_psap",
    "application_context", "rtse_mode", "dialogue_mode", "initiator", "responder", "result", "end",
    "messages_out", "messages_in", "probes_out", "probes_in", "reports_out", "reports_in", "bytes_out", "bytes_in",
    "undecoded_out", "undecoded_in",
};

gboolean
exmta_x4_col_numeric(int c)
{
    return c == 0 || c == 1 || c == 3 || c == 5 || c == 7 || c == 8 || c == 9 || c >= 23;
}

char *
exmta_x4_refused_by_text(exmta_x4_layer_t layer, gint reason)
{
    char *rs = reason_str(layer, reason, FALSE);
    char *s = g_strdup_printf("refused by %s%s%s", exmta_x4_layer_name(layer), *rs ? ": " : "", rs);

    g_free(rs);
    return s;
}

char *
exmta_x4_result_text(const exmta_x4_assoc_t *a)
{
    switch (a->bind) {
    case EXMTA_X4_BIND_ACCEPTED:
        return g_strdup("accepted");
    case EXMTA_X4_BIND_PENDING:
        return g_strdup("requested, no answer");
    case EXMTA_X4_BIND_REFUSED:
        return exmta_x4_refused_by_text(a->refused_by, a->refuse_reason);
    default:
        return g_strdup("set-up not in the capture");
    }
}

char *
exmta_x4_end_text(const exmta_x4_assoc_t *a)
{
    char *rs, *s;

    switch (a->end) {
    case EXMTA_X4_END_RELEASE:
        return g_strdup("orderly release");
    case EXMTA_X4_END_ABORT:
        rs = reason_str(a->abort_by, a->end_reason, TRUE);
        s = g_strdup_printf("abort by %s%s%s", exmta_x4_layer_name(a->abort_by), *rs ? ": " : "", rs);
        g_free(rs);
        return s;
    case EXMTA_X4_END_DR:
        rs = reason_str(EXMTA_X4_LAYER_TRANSPORT, a->end_reason, FALSE);
        s = g_strdup_printf("COTP DR%s%s", *rs ? ": " : "", rs);
        g_free(rs);
        return s;
    case EXMTA_X4_END_RST:
        return g_strdup("TCP RST");
    case EXMTA_X4_END_REFUSED:
        return g_strdup("refused");
    default:
        return g_strdup("open");
    }
}

static const char *
rtse_mode_str(gint m)
{
    return m == EXMTA_X4_RTSE_NORMAL ? "normal" : m == EXMTA_X4_RTSE_X410 ? "X.410-1984" : NULL;
}

static const char *
dialogue_str(gint d)
{
    return d == 0 ? "monologue" : d == 1 ? "two-way-alternate" : NULL;
}

char *
exmta_x4_cell(const exmta_x4_assoc_t *a, int c)
{
    gint64 ns;

    switch (c) {
    case 0:  return g_strdup_printf("%u", a->id);
    case 1:  return g_strdup_printf("%u", a->stream);
    case 2:  return g_strdup(a->client);
    case 3:  return g_strdup_printf("%u", a->client_port);
    case 4:  return g_strdup(a->server);
    case 5:  return g_strdup_printf("%u", a->server_port);
    case 6:  return g_strdup(a->found_by);
    case 7:  return g_strdup_printf("%u", a->first_frame);
    case 8:  return g_strdup_printf("%u", a->last_frame);
    case 9:
        ns = (a->last_sec - a->first_sec) * 1000000000 + (a->last_nsec - a->first_nsec);
        if (ns < 0)
            ns = 0;
        return g_strdup_printf("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, ns / 1000000000, ns % 1000000000 / 1000);
    case 10: return g_strdup(a->calling_tsap);
    case 11: return g_strdup(a->called_tsap);
    case 12: return g_strdup(a->calling_ssap);
    case 13: return g_strdup(a->called_ssap);
    case 14: return g_strdup(a->calling_psap);
    case 15: return g_strdup(a->called_psap);
    case 16: return g_strdup(a->app_context);
    case 17: return g_strdup(rtse_mode_str(a->rtse_mode));
    case 18: return g_strdup(dialogue_str(a->dialogue_mode));
    case 19: return g_strdup(a->initiator);
    case 20: return g_strdup(a->responder);
    case 21: return exmta_x4_result_text(a);
    case 22: return exmta_x4_end_text(a);
    case 23: return g_strdup_printf("%u", a->messages[0]);
    case 24: return g_strdup_printf("%u", a->messages[1]);
    case 25: return g_strdup_printf("%u", a->probes[0]);
    case 26: return g_strdup_printf("%u", a->probes[1]);
    case 27: return g_strdup_printf("%u", a->reports[0]);
    case 28: return g_strdup_printf("%u", a->reports[1]);
    case 29: return g_strdup_printf("%" G_GUINT64_FORMAT, a->bytes[0]);
    case 30: return g_strdup_printf("%" G_GUINT64_FORMAT, a->bytes[1]);
    case 31: return g_strdup_printf("%u", a->undecoded[0]);
    case 32: return g_strdup_printf("%u", a->undecoded[1]);
    default: return NULL;
    }
}

/* ---- renderings ------------------------------------------------------------ */

static char *
row_cell(gconstpointer row, int c)
{
    return exmta_x4_cell((const exmta_x4_assoc_t *)row, c);
}

static const exmta_render_table_t assoc_table = {
    EXMTA_X4_NCOLS, exmta_x4_columns, exmta_x4_keys, exmta_x4_col_numeric, row_cell,
};

void
exmta_x4_format_text(GString *out, const GPtrArray *rows)
{
    exmta_render_text(out, &assoc_table, "Exchange MTA X.400 associations (exmta)", rows);
}

void
exmta_x4_format_csv(GString *out, const GPtrArray *rows)
{
    exmta_render_csv(out, &assoc_table, rows);
}

void
exmta_x4_format_json(GString *out, const GPtrArray *rows)
{
    g_string_append_c(out, '[');
    for (guint i = 0; i < rows->len; i++) {
        const exmta_x4_assoc_t *a = (const exmta_x4_assoc_t *)g_ptr_array_index(rows, i);

        g_string_append(out, i ? ",\n  {" : "\n  {");
        for (int c = 0; c < EXMTA_X4_NCOLS; c++) {
            char *v = exmta_x4_cell(a, c);

            g_string_append_printf(out, "%s\"%s\": ", c ? ", " : "", exmta_x4_keys[c]);
            if (!v)
                g_string_append(out, "null");
            else if (exmta_x4_col_numeric(c))
                g_string_append(out, v);
            else
                exmta_render_json_string(out, v);
            g_free(v);
        }
        /* stable tokens beside the text columns, for programs */
        g_string_append_printf(out, ", \"start_seen\": %s, \"refused_by\": %u, \"refuse_reason\": %d, "
                               "\"refused_in\": %u, \"end_code\": %u, \"abort_by\": %u, \"end_reason\": %d, "
                               "\"end_frame\": %u}",
                               a->start_seen ? "true" : "false", (guint)a->refused_by, a->refuse_reason,
                               a->refused_in, (guint)a->end, (guint)a->abort_by, a->end_reason, a->end_frame);
    }
    g_string_append(out, rows->len ? "\n]\n" : "]\n");
}
