/* summary_format.h - the endpoint summary's renderings (summary_format.c):
 * what -z exmta,endpoints and -z exmta,sessions print. Pure C over GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_SUMMARY_FORMAT_H
#define EXMTA_SUMMARY_FORMAT_H

#include <glib.h>
#include "summary.h"

/* Renderings. Each appends to out. */
void exmta_summary_format_text(GString *out, const GPtrArray *rows);
void exmta_summary_format_csv(GString *out, const GPtrArray *rows);     /* RFC 4180, CRLF */
/* An array of objects: the columns, then "epm_frames" (every ept_map
 * response frame, ascending; [] when none) and "found_by_methods" (tokens). */
void exmta_summary_format_json(GString *out, const GPtrArray *rows);
/* One line per RPC row learned from EPM:
 * "host","port","interface_uuid","version","kind","learned_in_file","learned_in_frame","learned_time" */
void exmta_summary_format_uat(GString *out, const GPtrArray *rows, const char *capture_name);

/* One line per TCP session of an RFC1006 or RPC row, in order of first
 * frame within its row, rows in order: host, port, group ("RFC1006" or
 * "RPC"), stream, client, client_port, syn_in_file, first_frame,
 * last_frame, frames. What -z exmta,sessions prints, and what exmta-fileset
 * joins across files (a piece without syn_in_file continues a session). */
void exmta_summary_format_sessions_text(GString *out, const exmta_summary_t *s);
void exmta_summary_format_sessions_csv(GString *out, const exmta_summary_t *s);   /* RFC 4180, CRLF */
void exmta_summary_format_sessions_json(GString *out, const exmta_summary_t *s);  /* an array of objects */

/* ISO-8601 UTC with microseconds: "2023-11-14T22:13:20.000000Z" (g_free). */
char *exmta_summary_iso_time(gint64 sec, gint32 nsec);

#endif /* EXMTA_SUMMARY_FORMAT_H */
