/* render.h - what every table rendering of the core shares: a CSV field
 * (RFC 4180), a JSON string, and a table as aligned text and as CSV.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_CORE_RENDER_H
#define EXMTA_CORE_RENDER_H

#include <glib.h>

/* v as one CSV field: as it is, or in double quotes (doubled inside) when it
 * holds a comma, a quote, CR or LF; nothing for NULL. */
void exmta_render_csv_field(GString *out, const char *v);

/* v as a JSON string: invalid UTF-8 replaced, quotes, backslashes and
 * control characters escaped. */
void exmta_render_json_string(GString *out, const char *v);

/* v as one field of a Wireshark UAT file line (the exmta_endpoints table):
 * in double quotes, with '"', '\\', control octets and DEL as \xNN, as
 * Wireshark writes its own; NULL as "". */
void exmta_render_uat_field(GString *out, const char *v);

/* A table: its columns, and how to get one cell of a row (newly allocated
 * text, or NULL for none). */
typedef struct {
    int ncols;
    const char *const *columns;         /* text headers */
    const char *const *keys;            /* CSV header */
    gboolean (*numeric)(int col);       /* right-aligned in text */
    char *(*cell)(gconstpointer row, int col);
} exmta_render_table_t;

/* The rule, "TITLE: N", the header and one line per row, columns two spaces
 * apart, numbers right-aligned, "-" for no value, the rule again. */
void exmta_render_text(GString *out, const exmta_render_table_t *t, const char *title, const GPtrArray *rows);

/* The keys, then one record per row, each CRLF-terminated. */
void exmta_render_csv(GString *out, const exmta_render_table_t *t, const GPtrArray *rows);

#endif
