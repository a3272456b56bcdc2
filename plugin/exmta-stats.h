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

#endif /* EXMTA_STATS_H */
