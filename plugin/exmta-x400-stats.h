/* exmta-x400-stats.h - the X.400 associations and transfers tables of the
 * exmta.x400 tap (exmta-x400-stats.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_X400_STATS_H
#define EXMTA_X400_STATS_H

/* Registers the Statistics > Exchange MTA X.400 Associations and Messages
 * tables (-z exmta,associations_table, -z exmta,messages_table; sharkd's
 * nstat:). Called from proto_register_exmta(), as stock dissectors register
 * theirs, so every program that loads the plugin has them. */
void exmta_x400_stats_register_tables(void);

/* Registers -z exmta,associations[,text|csv|json][,filter] and
 * -z exmta,messages[,text|csv|json][,filter]. Called from plugin_register()
 * through a tap_plugin (the programs with a -z). */
void exmta_x400_stats_register(void);

#endif /* EXMTA_X400_STATS_H */
