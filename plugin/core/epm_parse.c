/* epm_parse.c - pure parsers for DCE/RPC endpoint mapper (EPM) data.
 *
 * Layouts follow C706 Appendix L (towers) and the NDR / NDR64 rules of
 * C706 chapter 14 and MS-RPCE 2.2.5, checked against real ept_map traffic
 * (NDR32 from Exchange 2003 and Samba, NDR64 from Windows Server 2012).
 *
 * Every read goes through a cursor that knows how many bytes remain, so a
 * length or count taken from the packet can never move us past the end of
 * the buffer, and nothing here allocates in proportion to such a count.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "epm_parse.h"

/* Tower floor protocol identifiers (C706 Appendix I / L). */
#define TWR_PROTO_RPC_CL    0x0a
#define TWR_PROTO_RPC_CO    0x0b
#define TWR_PROTO_UUID      0x0d
#define TWR_PROTO_TCP       0x07
#define TWR_PROTO_UDP       0x08
#define TWR_PROTO_IP        0x09

/* Floor 1 lhs: protocol id (1) + UUID (16) + major version (2). */
#define TWR_UUID_LHS_LEN    19
#define TWR_UUID_RHS_LEN    2

/* Size of an NDR context handle (attributes uint32 + uuid). */
#define NDR_CTX_HANDLE_LEN  20

/* ------------------------------------------------------------------ */
/* little helpers over raw bytes                                       */

static guint16
get_le16(const guint8 *p)
{
    return (guint16)(p[0] | (p[1] << 8));
}

static guint16
get_be16(const guint8 *p)
{
    return (guint16)((p[0] << 8) | p[1]);
}

/* A DCE UUID as marshalled: time_low, time_mid, time_hi_and_version in the
 * byte order of the sender, then clock_seq and node as they are. Canonical
 * order is the string order, i.e. those three fields big-endian. */
static void
uuid_from_wire(const guint8 *p, gboolean little_endian, exmta_uuid_t *out)
{
    if (little_endian) {
        out->b[0] = p[3]; out->b[1] = p[2]; out->b[2] = p[1]; out->b[3] = p[0];
        out->b[4] = p[5]; out->b[5] = p[4];
        out->b[6] = p[7]; out->b[7] = p[6];
    } else {
        memcpy(out->b, p, 8);
    }
    memcpy(out->b + 8, p + 8, 8);
}

/* ------------------------------------------------------------------ */
/* towers                                                              */

/* One floor: where its two halves are. */
typedef struct {
    const guint8 *lhs;
    guint16 lhs_len;
    const guint8 *rhs;
    guint16 rhs_len;
} twr_floor_t;

/* Cuts the next floor out of [*off, len); FALSE if any part of it is past
 * the end. Each floor consumes at least 4 bytes, so a loop over floors
 * always makes progress. */
static gboolean
tower_next_floor(const guint8 *buf, gsize len, gsize *off, twr_floor_t *fl)
{
    gsize o = *off;

    if (len - o < 2)
        return FALSE;
    fl->lhs_len = get_le16(buf + o);
    o += 2;
    if (len - o < fl->lhs_len)
        return FALSE;
    fl->lhs = buf + o;
    o += fl->lhs_len;
    if (len - o < 2)
        return FALSE;
    fl->rhs_len = get_le16(buf + o);
    o += 2;
    if (len - o < fl->rhs_len)
        return FALSE;
    fl->rhs = buf + o;
    o += fl->rhs_len;
    *off = o;
    return TRUE;
}

/* Floors 2..n are recognised by their protocol id rather than by position,
 * so that a tower with an unusual shape still yields whatever transport
 * facts it carries. The first occurrence of each wins. */
static void
tower_note_floor(const twr_floor_t *fl, exmta_tower_t *out)
{
    if (fl->lhs_len < 1)
        return;
    switch (fl->lhs[0]) {
    case TWR_PROTO_RPC_CO:
    case TWR_PROTO_RPC_CL:
        if (out->rpc_protocol == 0)
            out->rpc_protocol = fl->lhs[0];
        break;
    case TWR_PROTO_TCP:
        if (!out->has_tcp && fl->rhs_len >= 2) {
            out->has_tcp = TRUE;
            out->tcp_port = get_be16(fl->rhs);     /* ports are big-endian in towers */
        }
        break;
    case TWR_PROTO_UDP:
        if (!out->has_udp && fl->rhs_len >= 2) {
            out->has_udp = TRUE;
            out->udp_port = get_be16(fl->rhs);
        }
        break;
    case TWR_PROTO_IP:
        if (!out->has_ip && fl->rhs_len >= 4) {
            out->has_ip = TRUE;
            memcpy(out->ip, fl->rhs, 4);
        }
        break;
    default:
        /* transfer syntax (0x0d), named pipes, NetBIOS, ...: nothing kept */
        break;
    }
}

exmta_tower_status_t
exmta_tower_parse(const guint8 *buf, gsize len, exmta_tower_t *out)
{
    twr_floor_t fl;
    gsize off = 0;
    guint16 n;

    memset(out, 0, sizeof(*out));
    if (buf == NULL || len < 2)
        return EXMTA_TOWER_TRUNCATED;
    n = get_le16(buf);
    off = 2;
    out->num_floors = n;
    if (n == 0)
        return EXMTA_TOWER_NO_FLOORS;
    if (n > EXMTA_TOWER_MAX_FLOORS)
        return EXMTA_TOWER_TOO_MANY_FLOORS;

    /* Floor 1 is what makes a tower useful: the interface and its version. */
    if (!tower_next_floor(buf, len, &off, &fl))
        return EXMTA_TOWER_TRUNCATED;
    if (fl.lhs_len < TWR_UUID_LHS_LEN || fl.lhs[0] != TWR_PROTO_UUID ||
        fl.rhs_len < TWR_UUID_RHS_LEN)
        return EXMTA_TOWER_BAD_FLOOR;
    /* The tower is an octet string: always little-endian, whatever the drep. */
    uuid_from_wire(fl.lhs + 1, TRUE, &out->iface);
    out->ver_major = get_le16(fl.lhs + 17);
    out->ver_minor = get_le16(fl.rhs);

    for (guint i = 1; i < n; i++) {
        if (!tower_next_floor(buf, len, &off, &fl))
            return EXMTA_TOWER_TRUNCATED;
        tower_note_floor(&fl, out);
    }
    return EXMTA_TOWER_OK;
}

const char *
exmta_tower_status_str(exmta_tower_status_t status)
{
    switch (status) {
    case EXMTA_TOWER_OK:              return "ok";
    case EXMTA_TOWER_TRUNCATED:       return "tower truncated";
    case EXMTA_TOWER_NO_FLOORS:       return "tower has no floors";
    case EXMTA_TOWER_TOO_MANY_FLOORS: return "tower has too many floors";
    case EXMTA_TOWER_BAD_FLOOR:       return "tower floor 1 is not an interface UUID";
    }
    return "unknown tower status";
}

/* ------------------------------------------------------------------ */
/* NDR cursor                                                          */

/* Alignment is relative to the start of the stub, which is itself 8-byte
 * aligned in the PDU. Once a read fails the cursor stays failed, so a
 * sequence of reads can be checked once at the end. */
typedef struct {
    const guint8 *buf;
    gsize len;
    gsize off;
    gboolean le;
    gboolean ndr64;
    gboolean ok;
} ndr_cur_t;

static void
cur_init(ndr_cur_t *c, const guint8 *buf, gsize len, const exmta_ndr_t *ndr)
{
    c->buf = buf;
    c->len = buf ? len : 0;
    c->off = 0;
    c->le = ndr ? ndr->little_endian : TRUE;
    c->ndr64 = ndr ? ndr->ndr64 : FALSE;
    c->ok = TRUE;
}

static gsize
cur_left(const ndr_cur_t *c)
{
    return c->ok ? c->len - c->off : 0;
}

static gboolean
cur_skip(ndr_cur_t *c, gsize n)
{
    if (!c->ok || c->len - c->off < n) {
        c->ok = FALSE;
        return FALSE;
    }
    c->off += n;
    return TRUE;
}

static gboolean
cur_align(ndr_cur_t *c, gsize a)
{
    gsize pad = (a - (c->off % a)) % a;
    return cur_skip(c, pad);
}

static guint64
cur_uint(ndr_cur_t *c, gsize size)
{
    guint64 v = 0;
    const guint8 *p;

    if (!cur_align(c, size) || cur_left(c) < size) {
        c->ok = FALSE;
        return 0;
    }
    p = c->buf + c->off;
    c->off += size;
    for (gsize i = 0; i < size; i++) {
        gsize shift = c->le ? i : size - 1 - i;
        v |= (guint64)p[i] << (8 * shift);
    }
    return v;
}

static guint32
cur_u32(ndr_cur_t *c)
{
    return (guint32)cur_uint(c, 4);
}

/* unsigned3264: conformance, offset, count; and pointer referent ids. */
static guint64
cur_u3264(ndr_cur_t *c)
{
    return cur_uint(c, c->ndr64 ? 8 : 4);
}

static gsize
cur_ptr_size(const ndr_cur_t *c)
{
    return c->ndr64 ? 8 : 4;
}

/* A twr_t: struct { unsigned32 tower_length; [size_is(tower_length)] byte
 * tower_octet_string[]; }. Being a conformant structure, its conformance
 * (the array's max_count, unsigned3264) is marshalled first, before
 * tower_length, both in NDR and in NDR64. The octets are not padded.
 *
 * On return the cursor is past the octets (or failed). *status is
 * TRUNCATED when the octets run past the stub. The tower is parsed from
 * min(tower_length, max_count) octets: the wire carries max_count of them,
 * tower_length is what the sender meant to be used. */
static void
cur_twr(ndr_cur_t *c, exmta_tower_status_t *status, exmta_tower_t *tower)
{
    guint64 max_count = cur_u3264(c);
    guint32 tower_length = cur_u32(c);
    const guint8 *octets;
    gsize use;

    memset(tower, 0, sizeof(*tower));
    if (!c->ok || max_count > cur_left(c)) {
        c->ok = FALSE;
        *status = EXMTA_TOWER_TRUNCATED;
        return;
    }
    octets = c->buf + c->off;
    use = (gsize)MIN((guint64)tower_length, max_count);
    cur_skip(c, (gsize)max_count);
    *status = exmta_tower_parse(octets, use, tower);
}

/* ------------------------------------------------------------------ */
/* ept_map request                                                     */

gboolean
exmta_epm_parse_map_request(const guint8 *stub, gsize len, const exmta_ndr_t *ndr,
                            exmta_map_request_t *out)
{
    ndr_cur_t c;

    memset(out, 0, sizeof(*out));
    cur_init(&c, stub, len, ndr);

    /* [in, ptr] uuid_p_t object: a top-level full pointer, so the GUID
     * (aligned as its uint32 first member) follows its referent at once. */
    if (cur_u3264(&c) != 0) {
        if (!cur_align(&c, 4) || cur_left(&c) < 16)
            return FALSE;
        uuid_from_wire(c.buf + c.off, c.le, &out->object);
        cur_skip(&c, 16);
        out->has_object = TRUE;
    }
    if (!c.ok)
        return FALSE;

    /* [in, ptr] twr_p_t map_tower */
    if (cur_u3264(&c) != 0) {
        out->has_tower = TRUE;
        cur_twr(&c, &out->tower_status, &out->tower);
    }
    if (!c.ok)
        return FALSE;

    /* [in, out] ept_lookup_handle_t *entry_handle; [in] unsigned32 max_towers */
    cur_align(&c, 4);
    cur_skip(&c, NDR_CTX_HANDLE_LEN);
    out->max_towers = cur_u32(&c);
    out->consumed = c.ok ? c.off : 0;
    return c.ok;
}

/* ------------------------------------------------------------------ */
/* ept_map response                                                    */

/* Keeps tower if there is room; counts it otherwise. */
static void
resp_take_tower(exmta_map_response_t *out, exmta_tower_status_t st,
                const exmta_tower_t *tower, guint max_kept)
{
    if (st != EXMTA_TOWER_OK)
        out->bad_towers++;
    else if (out->towers->len < max_kept)
        g_array_append_val(out->towers, *tower);
    else
        out->dropped_towers++;
}

gboolean
exmta_epm_parse_map_response(const guint8 *stub, gsize len, const exmta_ndr_t *ndr,
                             exmta_map_response_t *out, guint max_kept)
{
    ndr_cur_t c, refs;
    guint64 actual_count;
    gsize ptr_size;

    memset(out, 0, sizeof(*out));
    out->towers = g_array_new(FALSE, TRUE, sizeof(exmta_tower_t));
    cur_init(&c, stub, len, ndr);

    /* [in, out] entry_handle; [out] unsigned32 *num_towers */
    cur_skip(&c, NDR_CTX_HANDLE_LEN);
    out->num_towers = cur_u32(&c);
    if (!c.ok)
        return FALSE;

    /* [out, ptr, size_is(max_towers), length_is(*num_towers)] twr_p_t towers[]:
     * a top-level conformant varying array (no referent of its own), whose
     * elements are embedded pointers: first max_count, offset and
     * actual_count, then actual_count referent ids, then, deferred, one
     * twr_t for each non-null referent. */
    out->max_count = cur_u3264(&c);     /* the caller's max_towers */
    out->array_offset = cur_u3264(&c);  /* always 0 in practice */
    actual_count = cur_u3264(&c);
    out->actual_count = actual_count;
    if (!c.ok) {
        out->truncated = TRUE;
        return TRUE;
    }

    /* The referent ids must all be present before any tower can be found;
     * checking that first bounds every loop below by the stub length. */
    ptr_size = cur_ptr_size(&c);
    if (actual_count > cur_left(&c) / ptr_size) {
        out->truncated = TRUE;
        return TRUE;
    }
    refs = c;
    cur_skip(&c, (gsize)actual_count * ptr_size);

    for (guint64 i = 0; i < actual_count; i++) {
        exmta_tower_status_t st;
        exmta_tower_t tower;

        if (cur_uint(&refs, ptr_size) == 0)
            continue;                   /* null pointer: nothing deferred */
        cur_twr(&c, &st, &tower);
        if (!c.ok) {
            out->bad_towers++;
            out->truncated = TRUE;
            return TRUE;
        }
        resp_take_tower(out, st, &tower, max_kept);
    }

    /* [out] error_status_t *status */
    out->status = cur_u32(&c);
    out->status_present = c.ok;
    out->consumed = c.ok ? c.off : 0;
    return TRUE;
}

void
exmta_map_response_clear(exmta_map_response_t *resp)
{
    if (resp == NULL)
        return;
    if (resp->towers)
        g_array_free(resp->towers, TRUE);
    memset(resp, 0, sizeof(*resp));
}

/* ------------------------------------------------------------------ */
/* UUID helpers                                                        */

gboolean
exmta_uuid_from_string(const char *s, exmta_uuid_t *out)
{
    /* 8-4-4-4-12 hex digits, dashes at fixed places, nothing after. */
    static const guint dash_at[] = { 8, 13, 18, 23 };
    guint di = 0, bi = 0;

    if (s == NULL)
        return FALSE;
    for (guint i = 0; i < 36; i++) {
        if (di < G_N_ELEMENTS(dash_at) && i == dash_at[di]) {
            if (s[i] != '-')
                return FALSE;
            di++;
            continue;
        }
        if (!g_ascii_isxdigit(s[i]) || !g_ascii_isxdigit(s[i + 1]))
            return FALSE;
        out->b[bi++] = (guint8)((g_ascii_xdigit_value(s[i]) << 4) |
                                g_ascii_xdigit_value(s[i + 1]));
        i++;
    }
    return s[36] == '\0';
}

void
exmta_uuid_to_string(const exmta_uuid_t *u, char buf[37])
{
    snprintf(buf, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u->b[0], u->b[1], u->b[2], u->b[3], u->b[4], u->b[5], u->b[6], u->b[7],
             u->b[8], u->b[9], u->b[10], u->b[11], u->b[12], u->b[13], u->b[14], u->b[15]);
}

gboolean
exmta_uuid_equal(const exmta_uuid_t *a, const exmta_uuid_t *b)
{
    return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}
