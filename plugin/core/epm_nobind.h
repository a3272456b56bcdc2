/* epm_nobind.h - is an opnum-3 call on TCP 135 whose bind is not in the
 * capture an ept_map lookup, and what did it answer?
 *
 * Without the bind neither the interface nor the transfer syntax (NDR or
 * NDR64) of the call is known. DCOM's activation interfaces share TCP 135
 * and have an opnum 3 too (IRemoteSCMActivator::RemoteGetClassObject,
 * IObjectExporter::ServerAlive), so a call is taken for ept_map only when its
 * request and its response both read as ept_map, exactly, in one syntax,
 * and agree. Plain C over bytes: no libwireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_EPM_NOBIND_H
#define EXMTA_EPM_NOBIND_H

#include <glib.h>

#include "epm_parse.h"

/* Public contract (exmta.expert.epm_without_bind names them): append only. */
typedef enum {
    EXMTA_NOBIND_OK = 0,
    EXMTA_NOBIND_REQ_NOT_MAP,       /* request stub is not an ept_map request in NDR or NDR64 */
    EXMTA_NOBIND_REQ_TOWER,         /* its map tower is not an interface + RPC protocol tower */
    EXMTA_NOBIND_RESP_NOT_MAP,      /* response stub is not an ept_map response in the request's syntax */
    EXMTA_NOBIND_RESP_MISMATCH,     /* a response tower names another interface, or none has TCP and IP floors */
    EXMTA_NOBIND_FRAGMENTED,        /* the request or response is in several fragments */
    EXMTA_NOBIND_AUTHENTICATED,     /* the PDU carries an auth verifier: the stub may be sealed */
    EXMTA_NOBIND_FAULT,             /* the call was answered by a fault PDU */
    EXMTA_NOBIND_DATA_REP,          /* the data representation is not ASCII/IEEE */
} exmta_nobind_verdict_t;

const char *exmta_nobind_verdict_str(exmta_nobind_verdict_t v);

/* The request of a candidate call: the syntaxes it reads as exactly. */
typedef struct {
    gboolean as_ndr32, as_ndr64;
    exmta_map_request_t ndr32, ndr64;   /* valid where as_* */
} exmta_nobind_request_t;

/* Bytes left after a stub read exactly: less than the 8-byte alignment the
 * sender may pad the stub to. */
#define EXMTA_NOBIND_MAX_TRAILER 7

/* Largest max_towers taken as an ept_map request (Windows clients ask for 1
 * to 4; the cap keeps a random count from passing). */
#define EXMTA_NOBIND_MAX_TOWERS 1024

/* Judges a request stub. OK when it reads as an ept_map request in at least
 * one syntax: all of the stub but a trailer, a map tower whose floors all
 * parse, with floor 1 an interface and an RPC protocol floor, max_towers in
 * 1..EXMTA_NOBIND_MAX_TOWERS. */
exmta_nobind_verdict_t exmta_nobind_judge_request(const guint8 *stub, gsize len, gboolean little_endian,
                                                  exmta_nobind_request_t *out);

/* Judges the response stub of a request that was OK. OK when, in a syntax
 * the request read as: it reads exactly (status included, every tower
 * parsed, array offset 0, actual count = num_towers <= max_count <= the
 * request's max_towers); on status 0 every tower names the requested
 * interface and major version and at least one has TCP and IP floors; on a
 * non-zero status there is no tower. *ndr says the syntax, *resp holds the
 * response (always created: free with exmta_map_response_clear). */
exmta_nobind_verdict_t exmta_nobind_judge_response(const exmta_nobind_request_t *rq, const guint8 *stub,
                                                   gsize len, gboolean little_endian, guint max_kept,
                                                   exmta_ndr_t *ndr, exmta_map_response_t *resp);

/* The request as read in syntax ndr (the one the response agreed with). */
const exmta_map_request_t *exmta_nobind_request_in(const exmta_nobind_request_t *rq, const exmta_ndr_t *ndr);

#endif /* EXMTA_EPM_NOBIND_H */
