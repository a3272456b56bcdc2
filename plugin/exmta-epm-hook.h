/* exmta-epm-hook.h - the ept_map hook in stock DCE/RPC's EPM v3 procedure
 * table (exmta-epm-hook.c: the one use of DCE/RPC's private state, and why).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_EPM_HOOK_H
#define EXMTA_EPM_HOOK_H

#include "ws_compat.h"

/* The endpoint mapper's interface, EPM v3 (e1af8308-5d1f-11c9-91a4-08002b14a0fa). */
extern const e_guid_t exmta_epm_guid;

/* Makes EPM v3's opnum 3 call wrap_rqst / wrap_resp, which must call
 * *orig_rqst / *orig_resp (stock's). After a self-check: FALSE, with one
 * warning and stock untouched, if the table is not as expected. */
gboolean exmta_epm_hook_install(dcerpc_dissect_fnct_t *wrap_rqst, dcerpc_dissect_fnct_t *wrap_resp,
                                dcerpc_dissect_fnct_t **orig_rqst, dcerpc_dissect_fnct_t **orig_resp);

/* Gives EPM its own table back (at exit). */
void exmta_epm_hook_remove(void);

#endif /* EXMTA_EPM_HOOK_H */
