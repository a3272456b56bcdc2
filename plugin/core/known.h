/* known.h - validate one row of the exmta_endpoints table ("Known endpoints"):
 * endpoints learned in another capture file, carried into this one.
 *
 * Plain C over strings and GLib: the UAT shell calls it for each field so a
 * bad row is refused with a message that names the row, and nothing else in
 * the table is lost.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_KNOWN_H
#define EXMTA_KNOWN_H

#include <glib.h>
#include "epm_parse.h"

/* Each returns TRUE and fills out, or FALSE with *err (g_malloc'd) saying
 * what is wrong. s need not be NUL-terminated: len bytes are used. */
gboolean exmta_known_parse_ipv4(const char *s, gsize len, guint8 out[4], char **err);
gboolean exmta_known_parse_port(const char *s, gsize len, guint16 *out, char **err);
gboolean exmta_known_parse_uuid(const char *s, gsize len, exmta_uuid_t *out, char **err);
gboolean exmta_known_parse_version(const char *s, gsize len, guint16 *major, guint16 *minor, char **err);
/* Frame numbers: empty is allowed (0 = unknown). */
gboolean exmta_known_parse_frame(const char *s, gsize len, guint32 *out, char **err);

/* The "learned at" time of a row: ISO 8601 as the table writes it
 * ("2023-11-14T22:13:20.123456Z", fraction and zone optional, UTC when no
 * zone). FALSE for an empty or unreadable string: the row then flags every
 * session, as a row without a time always did. */
gboolean exmta_known_parse_time(const char *s, gint64 *secs, int *nsecs);

/* One UAT line for an endpoint, in the table's own file format (each field
 * as exmta_render_uat_field writes it, like Wireshark's UAT). */
char *exmta_known_format_line(const guint8 ip[4], guint16 port, const exmta_uuid_t *iface,
                              guint16 ver_major, guint16 ver_minor, const char *kind,
                              const char *file, guint32 frame, const char *learned_at);

#endif /* EXMTA_KNOWN_H */
