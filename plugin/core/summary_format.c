/* summary_format.c - the endpoint summary's renderings (see
 * summary_format.h): aligned text, CSV (RFC 4180), JSON and exmta_endpoints
 * UAT lines for the rows, and text, CSV and JSON for the sessions. The
 * aggregation is summary.c's; this file only formats what it hands out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "summary_format.h"
#include "render.h"
#include "endpoints.h"

/* Machine names of the columns (CSV header, JSON keys). */
static const char *const col_keys[EXMTA_SUMMARY_NCOLS] = {
    "host", "port", "kind", "found_by", "sessions", "frames", "bytes", "first_frame", "last_frame", "outcome",
};

/* Keys of the session listing (CSV header, JSON keys). */
static const char *const session_keys[EXMTA_SUMMARY_SESSION_NCOLS] = {
    "host", "port", "group", "stream", "client", "client_port", "syn_in_file", "first_frame", "last_frame",
    "frames",
};

/* ---- renderings ---------------------------------------------------------- */

/* Cell c of a row as text; NULL for "no value" (first/last frame of a row
 * without frames). */
static char *
cell(const exmta_summary_row_t *r, int c)
{
    switch (c) {
    case 0: return g_strdup(r->host);
    case 1: return g_strdup_printf("%u", r->port);
    case 2: return g_strdup(r->kind);
    case 3: return g_strdup(r->found_by);
    case 4: return g_strdup_printf("%u", r->sessions);
    case 5: return g_strdup_printf("%" G_GUINT64_FORMAT, r->frames);
    case 6: return g_strdup_printf("%" G_GUINT64_FORMAT, r->bytes);
    case 7: return r->first_frame ? g_strdup_printf("%u", r->first_frame) : NULL;
    case 8: return r->last_frame ? g_strdup_printf("%u", r->last_frame) : NULL;
    default: return g_strdup(r->outcome);
    }
}

static gboolean
col_numeric(int c)
{
    return c == 1 || (c >= 4 && c <= 8);
}

static char *
row_cell(gconstpointer row, int c)
{
    return cell((const exmta_summary_row_t *)row, c);
}

static const exmta_render_table_t summary_table = {
    EXMTA_SUMMARY_NCOLS, exmta_summary_columns, col_keys, col_numeric, row_cell,
};

void
exmta_summary_format_text(GString *out, const GPtrArray *rows)
{
    exmta_render_text(out, &summary_table, "Exchange MTA endpoints (exmta)", rows);
}

/* One CSV record of n fields, CRLF-terminated. */
static void
csv_record(GString *out, const char *const *fields, int n)
{
    for (int c = 0; c < n; c++) {
        if (c)
            g_string_append_c(out, ',');
        exmta_render_csv_field(out, fields[c]);
    }
    g_string_append(out, "\r\n");
}

void
exmta_summary_format_csv(GString *out, const GPtrArray *rows)
{
    exmta_render_csv(out, &summary_table, rows);
}

void
exmta_summary_format_json(GString *out, const GPtrArray *rows)
{
    g_string_append_c(out, '[');
    for (guint i = 0; i < rows->len; i++) {
        const exmta_summary_row_t *r = (const exmta_summary_row_t *)g_ptr_array_index(rows, i);

        g_string_append(out, i ? ",\n  {" : "\n  {");
        for (int c = 0; c < EXMTA_SUMMARY_NCOLS; c++) {
            char *v = cell(r, c);

            g_string_append_printf(out, "%s\"%s\": ", c ? ", " : "", col_keys[c]);
            if (!v)
                g_string_append(out, "null");
            else if (col_numeric(c))
                g_string_append(out, v);
            else
                exmta_render_json_string(out, v);
            g_free(v);
        }
        g_string_append(out, ", \"epm_frames\": [");
        for (guint k = 0; k < r->n_epm_frames; k++)
            g_string_append_printf(out, k ? ", %u" : "%u", r->epm_frames[k]);
        g_string_append(out, "], \"found_by_methods\": [");
        for (guint k = 0; r->found_by_methods && r->found_by_methods[k]; k++) {
            if (k)
                g_string_append(out, ", ");
            exmta_render_json_string(out, r->found_by_methods[k]);
        }
        g_string_append(out, "]}");
    }
    g_string_append(out, rows->len ? "\n]\n" : "]\n");
}

char *
exmta_summary_iso_time(gint64 sec, gint32 nsec)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(sec);
    char *res;

    if (!dt)
        return g_strdup("");
    /* four-digit years always: GLib's %Y writes year 999 as "999", which
     * does not read back as ISO 8601 */
    res = g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", g_date_time_get_year(dt),
                          g_date_time_get_month(dt), g_date_time_get_day_of_month(dt),
                          g_date_time_get_hour(dt), g_date_time_get_minute(dt),
                          g_date_time_get_second(dt), nsec / 1000);
    g_date_time_unref(dt);
    return res;
}

static void
uat_field(GString *out, const char *v, gboolean last)
{
    exmta_render_uat_field(out, v);
    g_string_append(out, last ? "\n" : ",");
}

void
exmta_summary_format_uat(GString *out, const GPtrArray *rows, const char *capture_name)
{
    for (guint i = 0; i < rows->len; i++) {
        const exmta_summary_row_t *r = (const exmta_summary_row_t *)g_ptr_array_index(rows, i);
        char *port, *ver, *frame, *when;

        if (!r->rpc || !r->learned_from_epm)
            continue;
        port = g_strdup_printf("%u", r->port);
        ver = g_strdup_printf("%u.%u", r->ver_major, r->ver_minor);
        frame = g_strdup_printf("%u", r->learned_in);
        when = r->learned_sec >= 0 ? exmta_summary_iso_time(r->learned_sec, r->learned_nsec) : g_strdup("");
        uat_field(out, r->host, FALSE);
        uat_field(out, port, FALSE);
        uat_field(out, r->interface_uuid ? r->interface_uuid : "", FALSE);
        uat_field(out, ver, FALSE);
        uat_field(out, exmta_kind_str((exmta_ep_kind_t)r->rpc_kind), FALSE);
        uat_field(out, capture_name ? capture_name : "", FALSE);
        uat_field(out, frame, FALSE);
        uat_field(out, when, TRUE);
        g_free(port);
        g_free(ver);
        g_free(frame);
        g_free(when);
    }
}

/* ---- sessions ------------------------------------------------------------ */

void
exmta_summary_format_sessions_text(GString *out, const exmta_summary_t *s)
{
    GPtrArray *cells = exmta_summary_session_cells(s);
    size_t w[EXMTA_SUMMARY_SESSION_NCOLS];

    for (int c = 0; c < EXMTA_SUMMARY_SESSION_NCOLS; c++) {
        w[c] = strlen(session_keys[c]);
        for (guint i = 0; i < cells->len; i++)
            w[c] = MAX(w[c], strlen(((char **)g_ptr_array_index(cells, i))[c]));
    }
    g_string_append(out, "Exchange MTA sessions\n");
    for (int c = 0; c < EXMTA_SUMMARY_SESSION_NCOLS; c++)
        g_string_append_printf(out, c ? "  %-*s" : "%-*s", c == EXMTA_SUMMARY_SESSION_NCOLS - 1 ? 0 : (int)w[c],
                               session_keys[c]);
    g_string_append_c(out, '\n');
    for (guint i = 0; i < cells->len; i++) {
        char **r = (char **)g_ptr_array_index(cells, i);

        for (int c = 0; c < EXMTA_SUMMARY_SESSION_NCOLS; c++)
            g_string_append_printf(out, c ? "  %-*s" : "%-*s", c == EXMTA_SUMMARY_SESSION_NCOLS - 1 ? 0 : (int)w[c], r[c]);
        g_string_append_c(out, '\n');
    }
    exmta_summary_session_cells_free(cells);
}

void
exmta_summary_format_sessions_csv(GString *out, const exmta_summary_t *s)
{
    GPtrArray *cells = exmta_summary_session_cells(s);

    csv_record(out, session_keys, EXMTA_SUMMARY_SESSION_NCOLS);
    for (guint i = 0; i < cells->len; i++)
        csv_record(out, (const char *const *)g_ptr_array_index(cells, i), EXMTA_SUMMARY_SESSION_NCOLS);
    exmta_summary_session_cells_free(cells);
}

void
exmta_summary_format_sessions_json(GString *out, const exmta_summary_t *s)
{
    GPtrArray *cells = exmta_summary_session_cells(s);

    g_string_append_c(out, '[');
    for (guint i = 0; i < cells->len; i++) {
        char **r = (char **)g_ptr_array_index(cells, i);

        g_string_append(out, i ? ",\n  {" : "\n  {");
        for (int c = 0; c < EXMTA_SUMMARY_SESSION_NCOLS; c++) {
            gboolean text = c == 0 || c == 2 || c == 4;

            g_string_append_printf(out, "%s\"%s\": ", c ? ", " : "", session_keys[c]);
            if ((c == 4 || c == 5) && !*r[c])
                g_string_append(out, "null");
            else if (c == 6)
                g_string_append(out, *r[c] == '1' ? "true" : "false");
            else if (text)
                exmta_render_json_string(out, r[c]);
            else
                g_string_append(out, r[c]);
        }
        g_string_append_c(out, '}');
    }
    g_string_append(out, cells->len ? "\n]\n" : "]\n");
    exmta_summary_session_cells_free(cells);
}
