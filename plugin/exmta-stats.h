/* exmta-stats.h - the endpoint summary of the exmta tap (exmta-stats.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_STATS_H
#define EXMTA_STATS_H

#include <stdio.h>
#include <glib.h>

/* Registers the Statistics > Exchange MTA Endpoints table (-z exmta,table;
 * sharkd's nstat:). Called from proto_register_exmta(), as stock dissectors
 * register theirs, so every program that loads the plugin has it. */
void exmta_stats_register_tables(void);

/* Registers -z exmta,endpoints[,text|csv|json|uat][,filter] and
 * -z exmta,sessions. Called from plugin_register() through a tap_plugin
 * (the programs with a -z). */
void exmta_stats_register(void);

#endif /* EXMTA_STATS_H */
