/* x400msg.c - the X.400 transfers model and its renderings (see
 * x400msg.h). Pure C over GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "x400msg.h"
#include "x400assoc.h"
#include "render.h"

struct exmta_x4_msgs {
    GPtrArray *rows;            /* exmta_x4_msg_row_t (owned) */
    GHashTable *by_id;          /* MTS identifier -> row index + 1 of the last message or probe */
};

static void
row_free(gpointer p)
{
    exmta_x4_msg_row_t *r = (exmta_x4_msg_row_t *)p;

    g_free(r->mts_id);
    g_free(r->originator);
    g_free(r->recipients);
    g_free(r->content_type);
    g_free(r->subject_id);
    g_free(r->delivered);
    g_free(r->non_delivered);
    g_free(r);
}

exmta_x4_msgs_t *
exmta_x4_msgs_new(void)
{
    exmta_x4_msgs_t *m = g_new0(exmta_x4_msgs_t, 1);

    m->rows = g_ptr_array_new_with_free_func(row_free);
    m->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return m;
}

void
exmta_x4_msgs_reset(exmta_x4_msgs_t *m)
{
    if (!m)
        return;
    g_ptr_array_set_size(m->rows, 0);
    g_hash_table_remove_all(m->by_id);
}

void
exmta_x4_msgs_free(exmta_x4_msgs_t *m)
{
    if (!m)
        return;
    g_ptr_array_free(m->rows, TRUE);
    g_hash_table_destroy(m->by_id);
    g_free(m);
}

const GPtrArray *
exmta_x4_msgs_rows(const exmta_x4_msgs_t *m)
{
    return m->rows;
}

guint32
exmta_x4_msgs_find(const exmta_x4_msgs_t *m, const char *mts_id)
{
    guint i = mts_id ? GPOINTER_TO_UINT(g_hash_table_lookup(m->by_id, mts_id)) : 0;

    return i ? ((const exmta_x4_msg_row_t *)g_ptr_array_index(m->rows, i - 1))->frame : 0;
}

guint
exmta_x4_msgs_add(exmta_x4_msgs_t *m, const exmta_x4_transfer_t *t, guint32 frame, guint32 assoc, guint32 stream,
                  gboolean from_client)
{
    exmta_x4_msg_row_t *r = g_new0(exmta_x4_msg_row_t, 1);
    GString *g;
    guint idx = m->rows->len;

    r->frame = frame;
    r->assoc = assoc;
    r->stream = stream;
    r->from_client = from_client;
    r->kind = t->kind;
    r->mts_id = g_strdup(t->mts_id);
    r->originator = g_strdup(t->originator);
    r->content_type = g_strdup(t->content_type);
    r->subject_id = g_strdup(t->subject_id);
    r->size = t->size;
    r->priority = t->priority;
    r->ended_in = t->ended_in;
    if (t->n_recipients) {
        g = g_string_new(NULL);
        for (guint i = 0; i < t->n_recipients; i++)
            g_string_append_printf(g, "%s%s", i ? "; " : "", t->recipients[i] ? t->recipients[i] : "?");
        r->recipients = g_string_free(g, FALSE);
    }
    if (t->kind == EXMTA_X4_REPORT) {
        GString *d = g_string_new(NULL), *nd = g_string_new(NULL);

        for (guint i = 0; i < t->n_rr; i++) {
            const exmta_x4_rr_t *rr = &t->rr[i];
            const char *who = rr->recipient ? rr->recipient : "?";

            if (rr->delivered) {
                g_string_append_printf(d, "%s%s", d->len ? "; " : "", who);
                continue;
            }
            r->n_non_delivered++;
            g_string_append_printf(nd, "%s%s: ", nd->len ? "; " : "", who);
            if (rr->reason >= 0)
                g_string_append_printf(nd, "%s (%d)", rr->reason_name ? rr->reason_name : "reason", rr->reason);
            if (rr->diagnostic >= 0)
                g_string_append_printf(nd, "%s%s (%d)", rr->reason >= 0 ? " / " : "",
                                       rr->diagnostic_name ? rr->diagnostic_name : "diagnostic", rr->diagnostic);
        }
        r->delivered = d->len ? g_string_free(d, FALSE) : (g_string_free(d, TRUE), NULL);
        r->non_delivered = nd->len ? g_string_free(nd, FALSE) : (g_string_free(nd, TRUE), NULL);
        /* the shell's link, made over the whole capture, holds when this
         * table's filter left the subject out; else the table's own */
        r->subject_in = t->subject_in;
        if (t->subject_id) {
            guint si = GPOINTER_TO_UINT(g_hash_table_lookup(m->by_id, t->subject_id));

            if (si) {
                exmta_x4_msg_row_t *subj = (exmta_x4_msg_row_t *)g_ptr_array_index(m->rows, si - 1);

                if (!r->subject_in)
                    r->subject_in = subj->frame;
                if (subj->frame == r->subject_in && !subj->report_in)
                    subj->report_in = frame;
            }
        }
    } else if (t->mts_id) {
        g_hash_table_insert(m->by_id, g_strdup(t->mts_id), GUINT_TO_POINTER(idx + 1));
    }
    g_ptr_array_add(m->rows, r);
    return idx;
}

void
exmta_x4_msgs_link_reports(exmta_x4_msgs_t *m, guint32 (*report_of)(guint32 frame, const char *mts_id,
                                                                    gpointer user_data),
                           gpointer user_data)
{
    for (guint i = 0; i < m->rows->len; i++) {
        exmta_x4_msg_row_t *r = (exmta_x4_msg_row_t *)g_ptr_array_index(m->rows, i);
        guint32 rep;

        if (r->kind != EXMTA_X4_REPORT && r->mts_id && (rep = report_of(r->frame, r->mts_id, user_data)) != 0)
            r->report_in = rep;
    }
}

guint
exmta_x4_msgs_link_report(exmta_x4_msgs_t *m, guint32 subject_frame, const char *subject_id, guint32 report_frame,
                          guint *first)
{
    guint lo = 0, hi = m->rows->len, n = 0;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (((const exmta_x4_msg_row_t *)g_ptr_array_index(m->rows, mid))->frame < subject_frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    for (guint i = lo; i < m->rows->len; i++, n++) {
        exmta_x4_msg_row_t *r = (exmta_x4_msg_row_t *)g_ptr_array_index(m->rows, i);

        if (r->frame != subject_frame)
            break;
        if (r->kind != EXMTA_X4_REPORT && r->mts_id && subject_id && strcmp(r->mts_id, subject_id) == 0 &&
            (!r->report_in || report_frame < r->report_in))
            r->report_in = report_frame;
    }
    return n;
}

/* ---- O/R names and MTS identifiers --------------------------------------- */

static void
attr(GString *g, const char *key, const char *v)
{
    if (v) {
        g_string_append(g, key);
        g_string_append_c(g, '=');
        g_string_append(g, v);
        g_string_append_c(g, '/');
    }
}

char *
exmta_x4_orname(const char *c, const char *a, const char *p, const char *o, const char *s, const char *gn,
                const char *i, const char *const *ous)
{
    GString *g = g_string_new("/");

    attr(g, "C", c);
    attr(g, "A", a);
    attr(g, "P", p);
    attr(g, "O", o);
    attr(g, "S", s);
    attr(g, "G", gn);
    attr(g, "I", i);
    for (guint k = 0; ous && ous[k]; k++)
        attr(g, "OU", ous[k]);
    return g_string_free(g, FALSE);
}

char *
exmta_x4_mts_id(const char *c, const char *a, const char *p, const char *local)
{
    GString *g = g_string_new("/");

    attr(g, "C", c);
    attr(g, "A", a);
    attr(g, "P", p);
    g_string_append(g, " $ ");
    if (local)
        g_string_append(g, local);
    return g_string_free(g, FALSE);
}

/* ---- cells and renderings -------------------------------------------------- */

const char *const exmta_x4_msg_columns[EXMTA_X4_MSG_NCOLS] = {
    "frame", "assoc", "stream", "direction", "kind", "MTS identifier", "originator", "recipients",
    "content type", "size", "priority", "subject identifier", "delivered", "non-delivered", "non-delivered count",
    "report in", "subject in", "ended in",
};

const char *const exmta_x4_msg_keys[EXMTA_X4_MSG_NCOLS] = {
    "frame", "assoc", "stream", "direction", "kind", "mts_id", "originator", "recipients",
    "content_type", "size", "priority", "subject_id", "delivered", "non_delivered", "non_delivered_count",
    "report_in", "subject_in", "ended_in",
};

gboolean
exmta_x4_msg_col_numeric(int c)
{
    return c <= 2 || c == 9 || c >= 14;
}

static const char *
kind_str(guint8 k)
{
    switch (k) {
    case EXMTA_X4_MESSAGE:   return "message";
    case EXMTA_X4_REPORT:    return "report";
    case EXMTA_X4_PROBE:     return "probe";
    case EXMTA_X4_UNDECODED: return "not decoded";
    default:                 return "?";
    }
}

static const char *
priority_str(gint p)
{
    switch (p) {
    case 1:  return "non-urgent";
    case 2:  return "urgent";
    default: return "normal";
    }
}

char *
exmta_x4_msg_cell(const exmta_x4_msg_row_t *r, int c)
{
    switch (c) {
    case 0:  return g_strdup_printf("%u", r->frame);
    case 1:  return g_strdup_printf("%u", r->assoc);
    case 2:  return g_strdup_printf("%u", r->stream);
    case 3:  return g_strdup(r->from_client ? "client to server" : "server to client");
    case 4:  return g_strdup(kind_str(r->kind));
    case 5:  return g_strdup(r->mts_id);
    case 6:  return g_strdup(r->originator);
    case 7:  return g_strdup(r->recipients);
    case 8:  return g_strdup(r->content_type);
    case 9:  return r->size >= 0 ? g_strdup_printf("%" G_GINT64_FORMAT, r->size) : NULL;
    case 10: return r->kind == EXMTA_X4_MESSAGE || r->kind == EXMTA_X4_PROBE ? g_strdup(priority_str(r->priority))
                                                                             : NULL;
    case 11: return g_strdup(r->subject_id);
    case 12: return g_strdup(r->delivered);
    case 13: return g_strdup(r->non_delivered);
    case 14: return r->kind == EXMTA_X4_REPORT ? g_strdup_printf("%u", r->n_non_delivered) : NULL;
    case 15: return r->report_in ? g_strdup_printf("%u", r->report_in) : NULL;
    case 16: return r->subject_in ? g_strdup_printf("%u", r->subject_in) : NULL;
    case 17: return r->ended_in ? g_strdup_printf("%u", r->ended_in) : NULL;
    default: return NULL;
    }
}

static char *
row_cell(gconstpointer row, int c)
{
    return exmta_x4_msg_cell((const exmta_x4_msg_row_t *)row, c);
}

static const exmta_render_table_t msg_table = {
    EXMTA_X4_MSG_NCOLS, exmta_x4_msg_columns, exmta_x4_msg_keys, exmta_x4_msg_col_numeric, row_cell,
};

void
exmta_x4_msgs_format_text(GString *out, const GPtrArray *rows)
{
    exmta_render_text(out, &msg_table, "Exchange MTA X.400 transfers (exmta)", rows);
}

void
exmta_x4_msgs_format_csv(GString *out, const GPtrArray *rows)
{
    exmta_render_csv(out, &msg_table, rows);
}

void
exmta_x4_msgs_format_json(GString *out, const GPtrArray *rows)
{
    g_string_append_c(out, '[');
    for (guint i = 0; i < rows->len; i++) {
        const exmta_x4_msg_row_t *r = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i);

        g_string_append(out, i ? ",\n  {" : "\n  {");
        for (int c = 0; c < EXMTA_X4_MSG_NCOLS; c++) {
            char *v = exmta_x4_msg_cell(r, c);

            g_string_append_printf(out, "%s\"%s\": ", c ? ", " : "", exmta_x4_msg_keys[c]);
            if (!v)
                g_string_append(out, "null");
            else if (exmta_x4_msg_col_numeric(c))
                g_string_append(out, v);
            else
                exmta_render_json_string(out, v);
            g_free(v);
        }
        g_string_append(out, "}");
    }
    g_string_append(out, rows->len ? "\n]\n" : "]\n");
}
