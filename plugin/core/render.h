/* render.h - the two escapes every table rendering of the core shares:
 * a CSV field (RFC 4180) and a JSON string.
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

#endif
