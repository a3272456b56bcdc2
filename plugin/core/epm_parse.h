/* epm_parse.h - pure parsers for DCE/RPC endpoint mapper (EPM) data.
 *
 * Plain C over bytes and GLib types: no libwireshark. Every function
 * validates every length against the buffer it was given and never reads
 * outside [buf, buf + len).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_EPM_PARSE_H
#define EXMTA_EPM_PARSE_H

#include <glib.h>

/* An interface UUID in canonical order: the bytes of its string form,
 * 9e8ee830-4459-11ce-979b-00aa005ffebe -> 9e e8 e8 30 44 59 11 ce 97 9b ...
 */
typedef struct {
    guint8 b[16];
} exmta_uuid_t;

/* Upper bound on the floors of one tower that we look at. Real towers have
 * 5 (TCP/IP) or 4 (named pipe); anything past this is rejected. */
#define EXMTA_TOWER_MAX_FLOORS 32

typedef enum {
    EXMTA_TOWER_OK = 0,
    EXMTA_TOWER_TRUNCATED,       /* a length runs past the end of the tower */
    EXMTA_TOWER_NO_FLOORS,       /* floor count 0 */
    EXMTA_TOWER_TOO_MANY_FLOORS, /* floor count > EXMTA_TOWER_MAX_FLOORS */
    EXMTA_TOWER_BAD_FLOOR,       /* floor 1 is not an interface UUID floor */
} exmta_tower_status_t;

typedef struct {
    exmta_uuid_t iface;     /* floor 1 */
    guint16 ver_major;      /* floor 1 lhs */
    guint16 ver_minor;      /* floor 1 rhs */
    guint8  rpc_protocol;   /* floor 3 protocol id: 0x0b connection-oriented, 0x0a connectionless, 0 if absent */
    gboolean has_tcp;
    guint16 tcp_port;       /* host order */
    gboolean has_udp;
    guint16 udp_port;       /* host order */
    gboolean has_ip;
    guint8  ip[4];          /* network order, as on the wire */
    guint16 num_floors;     /* floor count as sent (even when not all floors were present) */
} exmta_tower_t;

/* Parse one tower octet string (the bytes after the NDR tower length and
 * conformance count: floor count, then floors). The octets are little-endian
 * whatever the drep. Floors 2..n are recognised by protocol id (first
 * occurrence wins); on TRUNCATED, out holds what the floors present gave. */
exmta_tower_status_t exmta_tower_parse(const guint8 *buf, gsize len, exmta_tower_t *out);
const char *exmta_tower_status_str(exmta_tower_status_t status);

/* NDR transfer syntax of the stub: NDR64 or NDR32, and data representation. */
typedef struct {
    gboolean ndr64;
    gboolean little_endian;     /* drep[0] & 0x10 */
} exmta_ndr_t;

/* ept_map request: [in, ptr] uuid_p_t object; [in, ptr] twr_p_t map_tower;
 * [in, out] entry_handle; [in] max_towers. */
typedef struct {
    gboolean has_object;
    exmta_uuid_t object;
    gboolean has_tower;
    exmta_tower_status_t tower_status;   /* valid when has_tower */
    exmta_tower_t tower;                 /* valid when has_tower && tower_status == OK */
    guint32 max_towers;
    gsize consumed;                      /* stub bytes the request took (valid when TRUE is returned) */
} exmta_map_request_t;

/* Returns FALSE if the stub is too short or malformed before max_towers
 * (has_tower / tower_status may still say what was found). A NULL ndr means
 * NDR32 little-endian. */
gboolean exmta_epm_parse_map_request(const guint8 *stub, gsize len, const exmta_ndr_t *ndr,
                                     exmta_map_request_t *out);

/* ept_map response: [in, out] entry_handle; [out] num_towers;
 * [out, length_is(num_towers), size_is(max_towers)] towers[]; [out] status. */
typedef struct {
    guint32 num_towers;       /* as sent */
    guint32 status;           /* error_status_t, 0 = ok; 0x16c9a0d6 = EPT_S_NOT_REGISTERED */
    gboolean status_present;  /* FALSE when the stub ended before the status */
    GArray *towers;           /* of exmta_tower_t: towers that parsed OK, in order, at most max_kept */
    guint bad_towers;         /* towers present but not parsed (any non-OK status) */
    guint dropped_towers;     /* towers that parsed OK but were not kept (max_kept reached) */
    gboolean truncated;       /* the array ran past the stub */
    guint64 max_count;        /* the tower array's conformance (the request's max_towers, by Windows) */
    guint64 array_offset;     /* its variance offset (0) */
    guint64 actual_count;     /* its variance count: referents on the wire */
    gsize consumed;           /* stub bytes up to and with the status (valid when status_present) */
} exmta_map_response_t;

#define EXMTA_EPT_S_NOT_REGISTERED 0x16c9a0d6U

/* Fills out (out->towers is created here, also when FALSE is returned; free
 * with exmta_map_response_clear). The array's actual_count (not num_towers)
 * says how many referents are on the wire; if they do not all fit in the
 * stub, truncated is set and no tower is parsed. Keeps at most max_kept
 * towers (the rest are parsed, to reach the status, and counted in
 * dropped_towers); never allocates in proportion to a count read from the
 * packet, only to towers actually present in the bytes.
 * Returns FALSE if not even num_towers could be read. */
gboolean exmta_epm_parse_map_response(const guint8 *stub, gsize len, const exmta_ndr_t *ndr,
                                      exmta_map_response_t *out, guint max_kept);
void exmta_map_response_clear(exmta_map_response_t *resp);

/* UUID helpers */
gboolean exmta_uuid_from_string(const char *s, exmta_uuid_t *out);   /* "9e8ee830-4459-11ce-979b-00aa005ffebe" */
void exmta_uuid_to_string(const exmta_uuid_t *u, char buf[37]);
gboolean exmta_uuid_equal(const exmta_uuid_t *a, const exmta_uuid_t *b);

#endif /* EXMTA_EPM_PARSE_H */
