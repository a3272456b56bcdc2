/* render.c - see render.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "render.h"

void
exmta_render_csv_field(GString *out, const char *v)
{
    if (!v)
        return;
    if (strpbrk(v, ",\"\r\n") == NULL) {
        g_string_append(out, v);
        return;
    }
    g_string_append_c(out, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

void
exmta_render_uat_field(GString *out, const char *v)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++) {
        if (*p == '"' || *p == '\\' || *p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\x%02x", *p);
        else
            g_string_append_c(out, (char)*p);
    }
    g_string_append_c(out, '"');
}

void
exmta_render_json_string(GString *out, const char *v)
{
    char *valid = g_utf8_make_valid(v, -1);

    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)valid; *p; p++) {
        switch (*p) {
        case '"':   g_string_append(out, "\\\""); break;
        case '\\':  g_string_append(out, "\\\\"); break;
        case '\n':  g_string_append(out, "\\n"); break;
        case '\r':  g_string_append(out, "\\r"); break;
        case '\t':  g_string_append(out, "\\t"); break;
        default:
            if (*p < 0x20)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char)*p);
        }
    }
    g_string_append_c(out, '"');
    g_free(valid);
}

void
exmta_render_text(GString *out, const exmta_render_table_t *t, const char *title, const GPtrArray *rows)
{
    static const char rule[] = "==================================================================================";
    gsize *width = g_new(gsize, t->ncols);

    for (int c = 0; c < t->ncols; c++)
        width[c] = (gsize)g_utf8_strlen(t->columns[c], -1);
    for (guint i = 0; i < rows->len; i++)
        for (int c = 0; c < t->ncols; c++) {
            char *v = t->cell(g_ptr_array_index(rows, i), c);
            gsize w = v ? (gsize)g_utf8_strlen(v, -1) : 1;

            if (w > width[c])
                width[c] = w;
            g_free(v);
        }
    g_string_append_printf(out, "%s\n%s: %u\n", rule, title, rows->len);
    for (guint i = 0; i <= rows->len; i++) {
        GString *line = g_string_new(NULL);

        for (int c = 0; c < t->ncols; c++) {
            char *v = i == 0 ? g_strdup(t->columns[c]) : t->cell(g_ptr_array_index(rows, i - 1), c);
            const char *s = v ? v : "-";
            gsize pad = width[c] - (gsize)g_utf8_strlen(s, -1);

            if (c)
                g_string_append(line, "  ");
            if (i > 0 && t->numeric(c)) {
                for (gsize k = 0; k < pad; k++)
                    g_string_append_c(line, ' ');
                g_string_append(line, s);
            } else {
                g_string_append(line, s);
                for (gsize k = 0; k < pad; k++)
                    g_string_append_c(line, ' ');
            }
            g_free(v);
        }
        while (line->len && line->str[line->len - 1] == ' ')
            g_string_truncate(line, line->len - 1);
        g_string_append_printf(out, "%s\n", line->str);
        g_string_free(line, TRUE);
    }
    g_string_append_printf(out, "%s\n", rule);
    g_free(width);
}

void
exmta_render_csv(GString *out, const exmta_render_table_t *t, const GPtrArray *rows)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            g_string_append_c(out, ',');
        exmta_render_csv_field(out, t->keys[c]);
    }
    g_string_append(out, "\r\n");
    for (guint i = 0; i < rows->len; i++) {
        for (int c = 0; c < t->ncols; c++) {
            char *v = t->cell(g_ptr_array_index(rows, i), c);

            if (c)
                g_string_append_c(out, ',');
            exmta_render_csv_field(out, v);
            g_free(v);
        }
        g_string_append(out, "\r\n");
    }
}
