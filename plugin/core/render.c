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
