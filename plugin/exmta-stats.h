/* exmta-stats.h - the endpoint summary of the exmta tap (exmta-stats.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_STATS_H
#define EXMTA_STATS_H

#include <stdio.h>
#include <glib.h>

/* Registers -z exmta,endpoints[,text|csv|json|uat][,filter] and the
 * Statistics > Exchange MTA Endpoints table (-z exmta,table). Called from
 * plugin_register() through a tap_plugin. */
void exmta_stats_register(void);

/* One line per RPC endpoint row learned from an ept_map response, in the
 * format of the exmta_endpoints UAT (fields double-quoted, comma separated):
 * "host","port","interface_uuid","version","kind","learned_in_file",
 * "learned_in_frame","learned_time". learned_in_file is the preference
 * exmta.capture_name ("" when it does not exist); learned_time is the
 * ISO-8601 UTC time of the ept_map response. rows: exmta_summary_rows(). */
void exmta_summary_print_uat(FILE *out, const GPtrArray *rows);

#endif /* EXMTA_STATS_H */
