/* exmta-known-menu.h - Tools > Exchange MTA > Add learned endpoints to Known
 * endpoints (exmta-known-menu.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_SHELL_KNOWN_MENU_H
#define EXMTA_SHELL_KNOWN_MENU_H


void exmta_known_menu_handoff(int proto);

#endif /* EXMTA_SHELL_KNOWN_MENU_H */
