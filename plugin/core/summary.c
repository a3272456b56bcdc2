/* summary.c - the endpoint summary model (see summary.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "summary.h"
#include "rfc1006.h"
#include "endpoints.h"
#include "epm_parse.h"

const char *const exmta_summary_columns[EXMTA_SUMMARY_NCOLS] = {
    "host", "port", "kind", "found by", "sessions", "frames", "bytes", "first frame", "last frame", "outcome",
};

enum { GROUP_RFC1006 = 1, GROUP_RPC, GROUP_EPM_FAILED };

/* One TCP session (stream) of a row. */
typedef struct {
    guint32 stream;
    gboolean refused;
    gboolean bind_request, bind_accepted, bind_refused;
    gint bind_error;
    char *bind_error_str;
    char *assoc_refused;        /* the first association refused below the bind */
    char *initiator, *responder;
    GArray *dr_reasons;         /* guint8, distinct, in order */
    GArray *epm_status;         /* guint32, distinct, in order (EPM failures) */
    char *client;               /* first client seen for the stream */
    guint16 client_port;
    gboolean syn_in_file;
    guint32 first, last;
    guint64 frames;
} sess_t;

typedef struct {
    int group;
    char *host;
    guint16 port;
    guint8 fail_kind;           /* EPM failures: kind of the requested interface */
    gboolean any_mta;
    GPtrArray *kinds;           /* char *, distinct, in order (RPC and EPM failures) */
    GArray *found;              /* guint8 exmta_sum_found_by_t, distinct, in order of first mention */
    GArray *epm_frames;         /* guint32 ept_map response frames, ascending, distinct */
    GHashTable *sess_by_stream; /* stream -> sess_t* (owned by sessions) */
    GPtrArray *sessions;        /* sess_t*, in order of first frame */
    sess_t *nostream;           /* records without a stream */
    guint64 frames, bytes;
    guint32 first, last;
    gboolean learned_from_epm;
    gboolean has_learned_time;
    gboolean has_rpc_kind;
    guint8 rpc_kind;
    char *iface_uuid;
    guint16 ver_major, ver_minor;
    guint32 learned_in;
    gint64 learned_sec;
    gint32 learned_nsec;
    guint row;                  /* its index in rows */
} acc_t;

struct exmta_summary {
    GHashTable *by_key;         /* char* key -> acc_t* (owned by rows) */
    GPtrArray *rows;            /* acc_t*, in order of first mention */
};

static void
sess_free(gpointer p)
{
    sess_t *se = (sess_t *)p;

    if (!se)
        return;
    g_free(se->bind_error_str);
    g_free(se->assoc_refused);
    g_free(se->client);
    g_free(se->initiator);
    g_free(se->responder);
    if (se->dr_reasons)
        g_array_free(se->dr_reasons, TRUE);
    if (se->epm_status)
        g_array_free(se->epm_status, TRUE);
    g_free(se);
}

static void
acc_free(gpointer p)
{
    acc_t *a = (acc_t *)p;

    g_free(a->host);
    g_ptr_array_unref(a->kinds);
    g_array_free(a->found, TRUE);
    g_array_free(a->epm_frames, TRUE);
    g_hash_table_destroy(a->sess_by_stream);
    g_ptr_array_unref(a->sessions);
    sess_free(a->nostream);
    g_free(a->iface_uuid);
    g_free(a);
}

exmta_summary_t *
exmta_summary_new(void)
{
    exmta_summary_t *s = g_new0(exmta_summary_t, 1);

    s->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s->rows = g_ptr_array_new_with_free_func(acc_free);
    return s;
}

void
exmta_summary_reset(exmta_summary_t *s)
{
    g_hash_table_remove_all(s->by_key);
    g_ptr_array_set_size(s->rows, 0);
}

void
exmta_summary_free(exmta_summary_t *s)
{
    if (!s)
        return;
    g_hash_table_destroy(s->by_key);
    g_ptr_array_unref(s->rows);
    g_free(s);
}

guint
exmta_summary_num_rows(const exmta_summary_t *s)
{
    return s->rows->len;
}

static void
add_distinct_str(GPtrArray *a, const char *str)
{
    for (guint i = 0; i < a->len; i++)
        if (strcmp((const char *)g_ptr_array_index(a, i), str) == 0)
            return;
    g_ptr_array_add(a, g_strdup(str));
}

static void
add_distinct_u32(GArray **a, guint32 v)
{
    if (!*a)
        *a = g_array_new(FALSE, FALSE, sizeof(guint32));
    for (guint i = 0; i < (*a)->len; i++)
        if (g_array_index(*a, guint32, i) == v)
            return;
    g_array_append_val(*a, v);
}

static void
add_distinct_u8(GArray **a, guint8 v)
{
    if (!*a)
        *a = g_array_new(FALSE, FALSE, sizeof(guint8));
    for (guint i = 0; i < (*a)->len; i++)
        if (g_array_index(*a, guint8, i) == v)
            return;
    g_array_append_val(*a, v);
}

/* An RPC kind; "other" names the interface (its UUID and version when
 * Wireshark does not know its name). */
static char *
kind_text(guint8 kind, const char *interface_name, const char *uuid, guint16 ver_major, guint16 ver_minor)
{
    switch (kind) {
    case EXMTA_SUM_KIND_X400:           return g_strdup("X.400 over RFC1006");
    case EXMTA_SUM_KIND_RFC1006_OTHER:  return g_strdup("RFC1006 (not X.400)");
    case EXMTA_KIND_MTA_RPC:            return g_strdup("MTA RPC");
    case EXMTA_KIND_QADMIN_RPC:         return g_strdup("MTA QAdmin RPC");
    default:
        break;
    }
    if (interface_name && *interface_name && strcmp(interface_name, "unknown interface") != 0)
        return g_strdup_printf("other EPM-learned interface (%s)", interface_name);
    if (uuid)
        return g_strdup_printf("other EPM-learned interface (%s v%u.%u)", uuid, ver_major, ver_minor);
    return g_strdup("other EPM-learned interface");
}

const char *
exmta_summary_found_token(guint8 found_by)
{
    switch (found_by) {
    case EXMTA_SUM_FOUND_PORT_PREF:     return "port_preference";
    case EXMTA_SUM_FOUND_TPKT_PORT:     return "tpkt_port";
    case EXMTA_SUM_FOUND_HEURISTIC:     return "heuristic";
    case EXMTA_SUM_FOUND_DECODE_AS:     return "decode_as";
    case EXMTA_SUM_FOUND_EPM:           return "epm";
    case EXMTA_SUM_FOUND_STATIC_PREF:   return "static_port";
    case EXMTA_SUM_FOUND_KNOWN_TABLE:   return "known_table";
    default:                            return NULL;
    }
}

/* One way of finding as text; the ept_map responses as the first and how
 * many more ("EPM frame 3 (+20 more)"), so a row looked up many times keeps
 * a short column (the JSON has every frame). */
static void
append_found_text(GString *g, guint8 found_by, const GArray *epm_frames)
{
    switch (found_by) {
    case EXMTA_SUM_FOUND_PORT_PREF:     g_string_append(g, "port preference"); break;
    case EXMTA_SUM_FOUND_TPKT_PORT:     g_string_append(g, "tpkt.tcp.port"); break;
    case EXMTA_SUM_FOUND_HEURISTIC:     g_string_append(g, "heuristic"); break;
    case EXMTA_SUM_FOUND_DECODE_AS:     g_string_append(g, "Decode As"); break;
    case EXMTA_SUM_FOUND_EPM:
        g_string_append_printf(g, "EPM frame %u", epm_frames->len ? g_array_index(epm_frames, guint32, 0) : 0);
        if (epm_frames->len > 1)
            g_string_append_printf(g, " (+%u more)", epm_frames->len - 1);
        break;
    case EXMTA_SUM_FOUND_STATIC_PREF:   g_string_append(g, "static port preference"); break;
    case EXMTA_SUM_FOUND_KNOWN_TABLE:   g_string_append(g, "known endpoints table"); break;
    default:                            g_string_append_printf(g, "unknown (%u)", found_by); break;
    }
}

/* Inserts v into the ascending array a unless it is there already. Frames
 * mostly come in order, so the end is tried first. */
static void
add_sorted_u32(GArray *a, guint32 v)
{
    guint lo = 0, hi = a->len;

    if (hi && g_array_index(a, guint32, hi - 1) < v) {
        g_array_append_val(a, v);
        return;
    }
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        guint32 m = g_array_index(a, guint32, mid);

        if (m == v)
            return;
        if (m < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    g_array_insert_val(a, lo, v);
}

static acc_t *
find_acc(exmta_summary_t *s, const exmta_summary_rec_t *rec, guint *row_idx)
{
    int group;
    char *key;
    acc_t *a;

    switch (rec->type) {
    case EXMTA_SUM_RFC1006:     group = GROUP_RFC1006; break;
    case EXMTA_SUM_EPM_FAILED:  group = GROUP_EPM_FAILED; break;
    default:                    group = GROUP_RPC; break;
    }
    key = g_strdup_printf("%d|%s|%u|%u", group, rec->host ? rec->host : "", rec->port,
                          group == GROUP_EPM_FAILED ? rec->kind : 0);
    a = (acc_t *)g_hash_table_lookup(s->by_key, key);
    if (a) {
        g_free(key);
        *row_idx = a->row;
        return a;
    }
    a = g_new0(acc_t, 1);
    a->group = group;
    a->host = g_strdup(rec->host ? rec->host : "");
    a->port = rec->port;
    a->fail_kind = rec->kind;
    a->kinds = g_ptr_array_new_with_free_func(g_free);
    a->found = g_array_new(FALSE, FALSE, sizeof(guint8));
    a->epm_frames = g_array_new(FALSE, FALSE, sizeof(guint32));
    a->sess_by_stream = g_hash_table_new(g_direct_hash, g_direct_equal);
    a->sessions = g_ptr_array_new_with_free_func(sess_free);
    g_hash_table_insert(s->by_key, key, a);
    a->row = s->rows->len;
    g_ptr_array_add(s->rows, a);
    *row_idx = a->row;
    return a;
}

static sess_t *
session_of(acc_t *a, const exmta_summary_rec_t *rec)
{
    sess_t *se;

    if (!rec->has_stream) {
        if (!a->nostream) {
            a->nostream = g_new0(sess_t, 1);
            a->nostream->bind_error = -1;
        }
        return a->nostream;
    }
    se = (sess_t *)g_hash_table_lookup(a->sess_by_stream, GUINT_TO_POINTER(rec->stream));
    if (!se) {
        se = g_new0(sess_t, 1);
        se->stream = rec->stream;
        se->bind_error = -1;
        g_hash_table_insert(a->sess_by_stream, GUINT_TO_POINTER(rec->stream), se);
        g_ptr_array_add(a->sessions, se);
    }
    return se;
}

static void
count_session_frame(sess_t *se, const exmta_summary_rec_t *rec)
{
    if (rec->client && !se->client) {
        se->client = g_strdup(rec->client);
        se->client_port = rec->client_port;
    }
    if (rec->syn_in_file)
        se->syn_in_file = TRUE;
    se->frames++;
    if (!se->first || rec->frame < se->first)
        se->first = rec->frame;
    if (rec->frame > se->last)
        se->last = rec->frame;
}

static void
count_frame(acc_t *a, const exmta_summary_rec_t *rec)
{
    a->frames++;
    a->bytes += rec->frame_len;
    if (!a->first || rec->frame < a->first)
        a->first = rec->frame;
    if (rec->frame > a->last)
        a->last = rec->frame;
}

static void
set_string(char **dst, const char *src)
{
    if (src && !*dst)
        *dst = g_strdup(src);
}

guint
exmta_summary_add(exmta_summary_t *s, const exmta_summary_rec_t *rec)
{
    guint row_idx = 0;
    acc_t *a = find_acc(s, rec, &row_idx);
    char *str;

    add_distinct_u8(&a->found, rec->found_by);
    if (rec->found_by == EXMTA_SUM_FOUND_EPM)
        add_sorted_u32(a->epm_frames, rec->learned_in);

    if (rec->type == EXMTA_SUM_RFC1006) {
        sess_t *se = session_of(a, rec);

        count_frame(a, rec);
        count_session_frame(se, rec);
        if (rec->mta || rec->kind == EXMTA_SUM_KIND_X400)
            a->any_mta = TRUE;
        if (rec->refused)
            se->refused = TRUE;
        if (rec->has_dr)
            add_distinct_u8(&se->dr_reasons, rec->dr_reason);
        switch (rec->bind) {
        case EXMTA_SUM_BIND_REQUEST:    se->bind_request = TRUE; break;
        case EXMTA_SUM_BIND_ACCEPTED:   se->bind_accepted = TRUE; break;
        case EXMTA_SUM_BIND_REFUSED:
            se->bind_refused = TRUE;
            if (se->bind_error < 0) {
                se->bind_error = rec->bind_error;
                set_string(&se->bind_error_str, rec->bind_error_str);
            }
            break;
        default:
            break;
        }
        if (rec->assoc_refused && !se->assoc_refused)
            se->assoc_refused = g_strdup(rec->assoc_refused);
        set_string(&se->initiator, rec->initiator);
        set_string(&se->responder, rec->responder);
        return row_idx;
    }

    /* RPC endpoint, EPM learned, EPM failed */
    str = kind_text(rec->kind, rec->interface_name, rec->interface_uuid, rec->ver_major, rec->ver_minor);
    add_distinct_str(a->kinds, str);
    g_free(str);
    if (!a->has_rpc_kind) {
        a->has_rpc_kind = TRUE;
        a->rpc_kind = rec->kind;
    }
    if (rec->interface_uuid && !a->iface_uuid) {
        a->iface_uuid = g_strdup(rec->interface_uuid);
        a->ver_major = rec->ver_major;
        a->ver_minor = rec->ver_minor;
    }

    switch (rec->type) {
    case EXMTA_SUM_RPC: {
        sess_t *se = session_of(a, rec);

        count_frame(a, rec);
        count_session_frame(se, rec);
        if (rec->refused)
            se->refused = TRUE;
        if (rec->found_by == EXMTA_SUM_FOUND_EPM && rec->learned_in &&
            (!a->learned_in || rec->learned_in < a->learned_in)) {
            a->learned_from_epm = TRUE;
            if (a->learned_in != rec->learned_in)
                a->has_learned_time = FALSE;
            a->learned_in = rec->learned_in;
        }
        break;
    }
    case EXMTA_SUM_EPM_LEARNED:
        if (rec->found_by == EXMTA_SUM_FOUND_EPM &&
            (!a->learned_in || rec->learned_in <= a->learned_in)) {
            a->learned_from_epm = TRUE;
            a->learned_in = rec->learned_in;
            if (rec->frame == rec->learned_in) {
                a->has_learned_time = TRUE;
                a->learned_sec = rec->time_sec;
                a->learned_nsec = rec->time_nsec;
            }
        }
        break;
    case EXMTA_SUM_EPM_FAILED: {
        sess_t *se = session_of(a, rec);

        count_frame(a, rec);
        add_distinct_u32(&se->epm_status, rec->epm_status);
        break;
    }
    default:
        break;
    }
    return row_idx;
}

static char *
join(GPtrArray *a, const char *empty)
{
    GString *g;

    if (a->len == 0)
        return g_strdup(empty);
    g = g_string_new(NULL);
    for (guint i = 0; i < a->len; i++) {
        if (i)
            g_string_append(g, "; ");
        g_string_append(g, (const char *)g_ptr_array_index(a, i));
    }
    return g_string_free(g, FALSE);
}

static void
session_outcomes(const acc_t *a, const sess_t *se, GPtrArray *out)
{
    guint before = out->len;
    gboolean said = FALSE;
    char *str;

    if (se->refused) {
        add_distinct_str(out, "connection refused");
        said = TRUE;
    }
    for (guint i = 0; se->dr_reasons && i < se->dr_reasons->len; i++) {
        guint8 r = g_array_index(se->dr_reasons, guint8, i);
        const char *rs = exmta_cotp_dr_reason_str(r);

        str = g_strdup_printf("COTP disconnect: %s (0x%02x)", rs ? rs : "unknown reason", r);
        add_distinct_str(out, str);
        g_free(str);
        said = TRUE;
    }
    for (guint i = 0; se->epm_status && i < se->epm_status->len; i++) {
        guint32 st = g_array_index(se->epm_status, guint32, i);

        if (st == EXMTA_EPT_S_NOT_REGISTERED)
            str = g_strdup_printf("EPM lookup failed: EPT_S_NOT_REGISTERED (0x%08x)", st);
        else if (st == 0)
            str = g_strdup("EPM lookup failed: no TCP endpoint");
        else
            str = g_strdup_printf("EPM lookup failed: status 0x%08x", st);
        add_distinct_str(out, str);
        g_free(str);
        said = TRUE;
    }
    if (se->bind_accepted) {
        if (se->initiator || se->responder)
            str = g_strdup_printf("X.400 bind accepted (%s -> %s)", se->initiator ? se->initiator : "?",
                                  se->responder ? se->responder : "?");
        else
            str = g_strdup("X.400 bind accepted");
        add_distinct_str(out, str);
        g_free(str);
        said = TRUE;
    } else if (se->bind_refused) {
        if (se->bind_error_str)
            str = g_strdup_printf("X.400 bind refused: %s", se->bind_error_str);
        else
            str = g_strdup_printf("X.400 bind refused: error %d", se->bind_error);
        add_distinct_str(out, str);
        g_free(str);
        said = TRUE;
    } else if (se->assoc_refused) {
        /* the session, presentation, ACSE or RTSE answered for the bind */
        str = g_strdup_printf("X.400 association %s", se->assoc_refused);
        add_distinct_str(out, str);
        g_free(str);
        said = TRUE;
    } else if (se->bind_request) {
        add_distinct_str(out, "X.400 bind not answered");
        said = TRUE;
    }
    if (!said && a->group != GROUP_EPM_FAILED)
        add_distinct_str(out, "sessions OK");
    (void)before;
}

exmta_summary_row_t *
exmta_summary_row(const exmta_summary_t *s, guint i)
{
    const acc_t *a;
    exmta_summary_row_t *row;
    GPtrArray *outcomes;

    if (i >= s->rows->len)
        return NULL;
    a = (const acc_t *)g_ptr_array_index(s->rows, i);
    row = g_new0(exmta_summary_row_t, 1);
    row->host = g_strdup(a->host);
    row->port = a->port;
    if (a->group == GROUP_RFC1006)
        row->kind = g_strdup(a->any_mta ? "X.400 over RFC1006" : "RFC1006 (not X.400)");
    else
        row->kind = join(a->kinds, "");
    {
        GString *g = g_string_new(NULL);
        GPtrArray *tokens = g_ptr_array_new();

        for (guint k = 0; k < a->found->len; k++) {
            guint8 f = g_array_index(a->found, guint8, k);
            const char *token = exmta_summary_found_token(f);

            if (k)
                g_string_append(g, "; ");
            append_found_text(g, f, a->epm_frames);
            if (token)
                g_ptr_array_add(tokens, g_strdup(token));
        }
        g_ptr_array_add(tokens, NULL);
        row->found_by = g_string_free(g, FALSE);
        row->found_by_methods = (char **)g_ptr_array_free(tokens, FALSE);
    }
    row->n_epm_frames = a->epm_frames->len;
    row->epm_frames = g_new(guint32, a->epm_frames->len ? a->epm_frames->len : 1);
    if (a->epm_frames->len)     /* an empty GArray's data may be NULL: no memcpy from it */
        memcpy(row->epm_frames, a->epm_frames->data, a->epm_frames->len * sizeof(guint32));
    row->sessions = a->sessions->len;
    row->frames = a->frames;
    row->bytes = a->bytes;
    row->first_frame = a->first;
    row->last_frame = a->last;

    outcomes = g_ptr_array_new_with_free_func(g_free);
    for (guint k = 0; k < a->sessions->len; k++)
        session_outcomes(a, (const sess_t *)g_ptr_array_index(a->sessions, k), outcomes);
    if (a->nostream)
        session_outcomes(a, a->nostream, outcomes);
    if (outcomes->len == 0 && a->group == GROUP_RPC)
        add_distinct_str(outcomes, "learned, no session");
    row->outcome = join(outcomes, "");
    g_ptr_array_unref(outcomes);

    row->rpc = a->group == GROUP_RPC;
    row->learned_from_epm = a->learned_from_epm;
    row->rpc_kind = a->rpc_kind;
    row->interface_uuid = g_strdup(a->iface_uuid);
    row->ver_major = a->ver_major;
    row->ver_minor = a->ver_minor;
    row->learned_in = a->learned_in;
    if (a->has_learned_time) {
        row->learned_sec = a->learned_sec;
        row->learned_nsec = a->learned_nsec;
    } else {
        row->learned_sec = -1;
    }
    return row;
}

void
exmta_summary_row_free(exmta_summary_row_t *row)
{
    if (!row)
        return;
    g_free(row->host);
    g_free(row->kind);
    g_free(row->found_by);
    g_free(row->epm_frames);
    g_strfreev(row->found_by_methods);
    g_free(row->outcome);
    g_free(row->interface_uuid);
    g_free(row);
}

GPtrArray *
exmta_summary_rows(const exmta_summary_t *s)
{
    GPtrArray *a = g_ptr_array_new_full(s->rows->len, (GDestroyNotify)exmta_summary_row_free);

    for (guint i = 0; i < s->rows->len; i++)
        g_ptr_array_add(a, exmta_summary_row(s, i));
    return a;
}

/* ---- the sessions, for their listing ------------------------------------ */

GPtrArray *
exmta_summary_session_cells(const exmta_summary_t *s)
{
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < s->rows->len; i++) {
        const acc_t *a = (const acc_t *)g_ptr_array_index(s->rows, i);

        if (a->group != GROUP_RFC1006 && a->group != GROUP_RPC)
            continue;
        for (guint j = 0; j < a->sessions->len; j++) {
            const sess_t *se = (const sess_t *)g_ptr_array_index(a->sessions, j);
            char **c = g_new0(char *, EXMTA_SUMMARY_SESSION_NCOLS + 1);     /* NULL-ended: g_strfreev */

            c[0] = g_strdup(a->host);
            c[1] = g_strdup_printf("%u", a->port);
            c[2] = g_strdup(a->group == GROUP_RFC1006 ? "RFC1006" : "RPC");
            c[3] = g_strdup_printf("%u", se->stream);
            c[4] = g_strdup(se->client ? se->client : "");
            c[5] = se->client ? g_strdup_printf("%u", se->client_port) : g_strdup("");
            c[6] = g_strdup(se->syn_in_file ? "1" : "0");
            c[7] = g_strdup_printf("%u", se->first);
            c[8] = g_strdup_printf("%u", se->last);
            c[9] = g_strdup_printf("%" G_GUINT64_FORMAT, se->frames);
            g_ptr_array_add(out, c);
        }
    }
    return out;
}

void
exmta_summary_session_cells_free(GPtrArray *cells)
{
    for (guint i = 0; i < cells->len; i++)
        g_strfreev((char **)g_ptr_array_index(cells, i));
    g_ptr_array_free(cells, TRUE);
}
