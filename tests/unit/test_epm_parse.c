/* test_epm_parse.c - unit tests for the EPM tower / ept_map parsers.
 *
 * The real stubs below are the bytes after the 24-byte DCE/RPC header of
 * single-fragment PDUs, taken with
 *   tshark -r FILE -Y epm -T fields -e frame.number -e tcp.payload
 * and the expected values are what `tshark -r FILE -Y epm -V` shows for them
 * (Wireshark prints the floor versions byte-swapped, e.g. "Version Minor:
 * 20736" for 0x51 0x00; the tower is little-endian, so that is 81).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "epm_parse.h"

/* ------------------------------------------------------------------ */
/* real stubs                                                          */

/* mapi.cap frame 399: ept_map request, NDR32 little-endian. Object
 * 00000000-0000-0000-0000-000000000000 (referent 1), tower: NSPI
 * f5cc5a18-4264-101a-8c59-08002b2f8426 v56.0, TCP 135, IP 0.0.0.0; max towers 4.
 * mapi.cap frame 400: its response: 1 tower, NSPI v56.0 TCP 4997 IP 192.168.0.2, status 0.
 * mapi.cap frame 705: map response for EMSMDB ("MAPI")
 * a4f1db00-ca47-1067-b31f-00dd010662da v0.81, TCP 1032, IP 192.168.0.2, status 0.
 * dcerpc_witness.pcapng frame 223: ept_map request from Windows, NDR64
 * (8-byte referents and conformance): object and tower WITNESS
 * ccd8c074-d0e5-4a40-92b4-d074faa6ba28 v1.1, TCP 135, IP 192.168.3.43; max towers 4.
 * dcerpc_witness.pcapng frame 225: its NDR64 response: WITNESS v1.1 TCP 49302
 * IP 192.168.3.43, status 0.
 * dcerpc_witness.pcapng frame 355: NDR32 response from Samba: WITNESS v1.1
 * TCP 1024, IP 0.0.0.0, status 0. */
static const guint8 mapi_f399_req[132] = {
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x4b, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x05, 0x00, 0x13, 0x00,
    0x0d, 0x18, 0x5a, 0xcc, 0xf5, 0x64, 0x42, 0x1a, 0x10, 0x8c, 0x59, 0x08,
    0x00, 0x2b, 0x2f, 0x84, 0x26, 0x38, 0x00, 0x02, 0x00, 0x00, 0x00, 0x13,
    0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
    0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x02, 0x00,
    0x00, 0x87, 0x01, 0x00, 0x09, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
};

static const guint8 mapi_f400_resp[128] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x13, 0x00, 0x0d, 0x18, 0x5a, 0xcc, 0xf5, 0x64, 0x42, 0x1a,
    0x10, 0x8c, 0x59, 0x08, 0x00, 0x2b, 0x2f, 0x84, 0x26, 0x38, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c,
    0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x07, 0x02, 0x00, 0x13, 0x85, 0x01, 0x00, 0x09, 0x04, 0x00, 0xc0,
    0xa8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const guint8 mapi_f705_resp[128] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x13, 0x00, 0x0d, 0x00, 0xdb, 0xf1, 0xa4, 0x47, 0xca, 0x67,
    0x10, 0xb3, 0x1f, 0x00, 0xdd, 0x01, 0x06, 0x62, 0xda, 0x00, 0x00, 0x02,
    0x00, 0x51, 0x00, 0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c,
    0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x07, 0x02, 0x00, 0x04, 0x08, 0x01, 0x00, 0x09, 0x04, 0x00, 0xc0,
    0xa8, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00,
};

static const guint8 witness_f223_req64[144] = {
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x74, 0xc0, 0xd8, 0xcc,
    0xe5, 0xd0, 0x40, 0x4a, 0x92, 0xb4, 0xd0, 0x74, 0xfa, 0xa6, 0xba, 0x28,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x05, 0x00, 0x13, 0x00,
    0x0d, 0x74, 0xc0, 0xd8, 0xcc, 0xe5, 0xd0, 0x40, 0x4a, 0x92, 0xb4, 0xd0,
    0x74, 0xfa, 0xa6, 0xba, 0x28, 0x01, 0x00, 0x02, 0x00, 0x01, 0x00, 0x13,
    0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
    0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x02, 0x00,
    0x00, 0x87, 0x01, 0x00, 0x09, 0x04, 0x00, 0xc0, 0xa8, 0x03, 0x2b, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
};

static const guint8 witness_f225_resp64[148] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x05, 0x00, 0x13, 0x00,
    0x0d, 0x74, 0xc0, 0xd8, 0xcc, 0xe5, 0xd0, 0x40, 0x4a, 0x92, 0xb4, 0xd0,
    0x74, 0xfa, 0xa6, 0xba, 0x28, 0x01, 0x00, 0x02, 0x00, 0x01, 0x00, 0x13,
    0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
    0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x02, 0x00,
    0xc0, 0x96, 0x01, 0x00, 0x09, 0x04, 0x00, 0xc0, 0xa8, 0x03, 0x2b, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

static const guint8 witness_f355_resp32[128] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x13, 0x00, 0x0d, 0x74, 0xc0, 0xd8, 0xcc, 0xe5, 0xd0, 0x40,
    0x4a, 0x92, 0xb4, 0xd0, 0x74, 0xfa, 0xa6, 0xba, 0x28, 0x01, 0x00, 0x02,
    0x00, 0x01, 0x00, 0x13, 0x00, 0x0d, 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c,
    0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x07, 0x02, 0x00, 0x04, 0x00, 0x01, 0x00, 0x09, 0x04, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ------------------------------------------------------------------ */
/* builders for synthetic input                                        */

static const char *MTA_UUID = "9e8ee830-4459-11ce-979b-00aa005ffebe";
static const char *NDR_UUID = "8a885d04-1ceb-11c9-9fe8-08002b104860";

static void
put_le16(GByteArray *a, guint16 v)
{
    guint8 b[2] = { (guint8)v, (guint8)(v >> 8) };
    g_byte_array_append(a, b, 2);
}

/* A UUID in the DCE little-endian layout of towers. */
static void
put_uuid_le(GByteArray *a, const char *s)
{
    exmta_uuid_t u;
    guint8 w[16];

    g_assert_true(exmta_uuid_from_string(s, &u));
    w[0] = u.b[3]; w[1] = u.b[2]; w[2] = u.b[1]; w[3] = u.b[0];
    w[4] = u.b[5]; w[5] = u.b[4]; w[6] = u.b[7]; w[7] = u.b[6];
    memcpy(w + 8, u.b + 8, 8);
    g_byte_array_append(a, w, 16);
}

static void
put_floor(GByteArray *a, const guint8 *lhs, guint16 lhs_len, const guint8 *rhs, guint16 rhs_len)
{
    put_le16(a, lhs_len);
    g_byte_array_append(a, lhs, lhs_len);
    put_le16(a, rhs_len);
    g_byte_array_append(a, rhs, rhs_len);
}

static void
put_uuid_floor(GByteArray *a, const char *uuid, guint16 major, guint16 minor)
{
    GByteArray *lhs = g_byte_array_new();
    guint8 one = 0x0d, rhs[2] = { (guint8)minor, (guint8)(minor >> 8) };

    g_byte_array_append(lhs, &one, 1);
    put_uuid_le(lhs, uuid);
    put_le16(lhs, major);
    put_floor(a, lhs->data, (guint16)lhs->len, rhs, 2);
    g_byte_array_free(lhs, TRUE);
}

/* The 5-floor ncacn_ip_tcp tower of a 2.0 interface at ip:port. */
static GByteArray *
make_tcp_tower(const char *uuid, guint16 port, const guint8 ip[4])
{
    GByteArray *a = g_byte_array_new();
    guint8 co = 0x0b, tcp = 0x07, ipid = 0x09, zero2[2] = { 0, 0 };
    guint8 port_be[2] = { (guint8)(port >> 8), (guint8)port };

    put_le16(a, 5);
    put_uuid_floor(a, uuid, 2, 0);
    put_uuid_floor(a, NDR_UUID, 2, 0);
    put_floor(a, &co, 1, zero2, 2);
    put_floor(a, &tcp, 1, port_be, 2);
    put_floor(a, &ipid, 1, ip, 4);
    return a;
}

static const guint8 IP_10_0_0_5[4] = { 10, 0, 0, 5 };

/* NDR writer: alignment relative to the start, drep endianness. */
typedef struct {
    GByteArray *a;
    gboolean le;
    gboolean ndr64;
} ndrw_t;

static void
w_align(ndrw_t *w, guint n)
{
    static const guint8 pad[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
    guint p = (n - (w->a->len % n)) % n;
    g_byte_array_append(w->a, pad, p);
}

static void
w_uint(ndrw_t *w, guint64 v, guint size)
{
    guint8 b[8];
    w_align(w, size);
    for (guint i = 0; i < size; i++)
        b[i] = (guint8)(v >> (8 * (w->le ? i : size - 1 - i)));
    g_byte_array_append(w->a, b, size);
}

static void
w_u32(ndrw_t *w, guint32 v)
{
    w_uint(w, v, 4);
}

static void
w_u3264(ndrw_t *w, guint64 v)
{
    w_uint(w, v, w->ndr64 ? 8 : 4);
}

static void
w_handle(ndrw_t *w)
{
    static const guint8 h[20] = { 0 };
    w_align(w, 4);
    g_byte_array_append(w->a, h, 20);
}

static void
w_twr(ndrw_t *w, const GByteArray *tower)
{
    w_u3264(w, tower->len);
    w_u32(w, tower->len);
    g_byte_array_append(w->a, tower->data, tower->len);
}

/* An ept_map response carrying towers[0..n) (NULL = null pointer). */
static GByteArray *
make_response(gboolean ndr64, gboolean le, GByteArray **towers, guint n, guint32 status)
{
    ndrw_t w = { g_byte_array_new(), le, ndr64 };

    w_handle(&w);
    w_u32(&w, n);
    w_u3264(&w, 4 > n ? 4 : n);     /* max_count */
    w_u3264(&w, 0);                 /* offset */
    w_u3264(&w, n);                 /* actual_count */
    for (guint i = 0; i < n; i++)
        w_u3264(&w, towers[i] ? 3 + i : 0);
    for (guint i = 0; i < n; i++) {
        if (towers[i])
            w_twr(&w, towers[i]);
    }
    w_u32(&w, status);
    return w.a;
}

static exmta_ndr_t
ndr_of(gboolean ndr64, gboolean le)
{
    exmta_ndr_t n = { ndr64, le };
    return n;
}

static void
assert_uuid(const exmta_uuid_t *u, const char *expect)
{
    char s[37];
    exmta_uuid_to_string(u, s);
    g_assert_cmpstr(s, ==, expect);
}

static void
assert_ip(const guint8 ip[4], guint8 a, guint8 b, guint8 c, guint8 d)
{
    g_assert_cmpuint(ip[0], ==, a);
    g_assert_cmpuint(ip[1], ==, b);
    g_assert_cmpuint(ip[2], ==, c);
    g_assert_cmpuint(ip[3], ==, d);
}

/* ------------------------------------------------------------------ */
/* uuid                                                                */

static void
test_uuid_strings(void)
{
    exmta_uuid_t u, v;
    char s[37];

    g_assert_true(exmta_uuid_from_string(MTA_UUID, &u));
    g_assert_cmpuint(u.b[0], ==, 0x9e);
    g_assert_cmpuint(u.b[3], ==, 0x30);
    g_assert_cmpuint(u.b[15], ==, 0xbe);
    exmta_uuid_to_string(&u, s);
    g_assert_cmpstr(s, ==, MTA_UUID);
    g_assert_true(exmta_uuid_from_string("9E8EE830-4459-11CE-979B-00AA005FFEBE", &v));
    g_assert_true(exmta_uuid_equal(&u, &v));
    v.b[15] ^= 1;
    g_assert_false(exmta_uuid_equal(&u, &v));

    g_assert_false(exmta_uuid_from_string(NULL, &v));
    g_assert_false(exmta_uuid_from_string("", &v));
    g_assert_false(exmta_uuid_from_string("9e8ee830-4459-11ce-979b-00aa005ffeb", &v));
    g_assert_false(exmta_uuid_from_string("9e8ee830-4459-11ce-979b-00aa005ffebe0", &v));
    g_assert_false(exmta_uuid_from_string("9e8ee830x4459-11ce-979b-00aa005ffebe", &v));
    g_assert_false(exmta_uuid_from_string("9e8ee83g-4459-11ce-979b-00aa005ffebe", &v));
    g_assert_false(exmta_uuid_from_string("{9e8ee830-4459-11ce-979b-00aa005ffeb}", &v));
}

/* ------------------------------------------------------------------ */
/* towers                                                              */

static void
test_tower_tcp(void)
{
    GByteArray *t = make_tcp_tower(MTA_UUID, 1032, IP_10_0_0_5);
    exmta_tower_t tw;

    g_assert_cmpuint(t->len, ==, 75);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_OK);
    assert_uuid(&tw.iface, MTA_UUID);
    g_assert_cmpuint(tw.ver_major, ==, 2);
    g_assert_cmpuint(tw.ver_minor, ==, 0);
    g_assert_cmpuint(tw.rpc_protocol, ==, 0x0b);
    g_assert_true(tw.has_tcp);
    g_assert_cmpuint(tw.tcp_port, ==, 1032);
    g_assert_false(tw.has_udp);
    g_assert_true(tw.has_ip);
    assert_ip(tw.ip, 10, 0, 0, 5);
    g_assert_cmpuint(tw.num_floors, ==, 5);

    /* Trailing bytes after the last floor are not the tower's business. */
    g_byte_array_append(t, (const guint8 *)"\xff\xff\xff", 3);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_OK);
    g_assert_cmpuint(tw.tcp_port, ==, 1032);

    /* Every proper prefix is truncated (never OK, never a crash). */
    for (guint n = 0; n < 75; n++) {
        exmta_tower_status_t st = exmta_tower_parse(t->data, n, &tw);
        g_assert_cmpint(st, ==, EXMTA_TOWER_TRUNCATED);
    }
    g_byte_array_free(t, TRUE);
}

static void
test_tower_named_pipe(void)
{
    /* ncacn_np: uuid, ndr, 0x0b, 0x0f "\PIPE\lsass", 0x11 NetBIOS "SRV". */
    GByteArray *t = g_byte_array_new();
    guint8 co = 0x0b, np = 0x0f, nb = 0x11, zero2[2] = { 0, 0 };
    exmta_tower_t tw;

    put_le16(t, 5);
    put_uuid_floor(t, "12345778-1234-abcd-ef00-0123456789ab", 0, 0);
    put_uuid_floor(t, NDR_UUID, 2, 0);
    put_floor(t, &co, 1, zero2, 2);
    put_floor(t, &np, 1, (const guint8 *)"\\PIPE\\lsass", 12);
    put_floor(t, &nb, 1, (const guint8 *)"SRV", 4);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_OK);
    assert_uuid(&tw.iface, "12345778-1234-abcd-ef00-0123456789ab");
    g_assert_cmpuint(tw.ver_major, ==, 0);
    g_assert_cmpuint(tw.rpc_protocol, ==, 0x0b);
    g_assert_false(tw.has_tcp);
    g_assert_false(tw.has_udp);
    g_assert_false(tw.has_ip);
    g_assert_cmpuint(tw.num_floors, ==, 5);
    g_byte_array_free(t, TRUE);
}

static void
test_tower_udp_and_short_floors(void)
{
    GByteArray *t = g_byte_array_new();
    guint8 cl = 0x0a, udp = 0x08, ipid = 0x09, tcp = 0x07;
    guint8 rhs[4] = { 0x04, 0x01, 0, 0 };
    exmta_tower_t tw;

    put_le16(t, 7);
    put_uuid_floor(t, MTA_UUID, 2, 3);
    put_floor(t, NULL, 0, NULL, 0);             /* empty floor: ignored */
    put_floor(t, &cl, 1, rhs, 2);
    put_floor(t, &tcp, 1, rhs, 1);              /* port too short: ignored */
    put_floor(t, &udp, 1, rhs, 2);
    put_floor(t, &ipid, 1, rhs, 3);             /* address too short: ignored */
    put_floor(t, &udp, 1, (const guint8 *)"\x00\x01", 2);  /* second UDP: first wins */
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_OK);
    g_assert_cmpuint(tw.ver_minor, ==, 3);
    g_assert_cmpuint(tw.rpc_protocol, ==, 0x0a);
    g_assert_false(tw.has_tcp);
    g_assert_true(tw.has_udp);
    g_assert_cmpuint(tw.udp_port, ==, 0x0401);
    g_assert_false(tw.has_ip);
    g_byte_array_free(t, TRUE);

    /* Floor 1 alone is a (useless but) valid tower. */
    t = g_byte_array_new();
    put_le16(t, 1);
    put_uuid_floor(t, MTA_UUID, 2, 0);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_OK);
    g_assert_false(tw.has_tcp);
    g_assert_cmpuint(tw.rpc_protocol, ==, 0);
    g_byte_array_free(t, TRUE);
}

static void
test_tower_hostile(void)
{
    static const guint8 zero_floors[] = { 0x00, 0x00, 0xff };
    static const guint8 huge_floors[] = { 0xff, 0xff, 0x13, 0x00 };
    static const guint8 floors_33[] = { 0x21, 0x00 };
    static const guint8 lhs_past_end[] = { 0x01, 0x00, 0xff, 0xff, 0x0d, 0x00 };
    exmta_tower_t tw;
    GByteArray *t;
    guint8 lhs[19] = { 0x0d }, rhs[2] = { 0 };

    g_assert_cmpint(exmta_tower_parse(NULL, 0, &tw), ==, EXMTA_TOWER_TRUNCATED);
    g_assert_cmpint(exmta_tower_parse(zero_floors, 1, &tw), ==, EXMTA_TOWER_TRUNCATED);
    g_assert_cmpint(exmta_tower_parse(zero_floors, 3, &tw), ==, EXMTA_TOWER_NO_FLOORS);
    g_assert_cmpint(exmta_tower_parse(huge_floors, 4, &tw), ==, EXMTA_TOWER_TOO_MANY_FLOORS);
    g_assert_cmpuint(tw.num_floors, ==, 0xffff);
    g_assert_cmpint(exmta_tower_parse(floors_33, 2, &tw), ==, EXMTA_TOWER_TOO_MANY_FLOORS);
    g_assert_cmpint(exmta_tower_parse(lhs_past_end, 6, &tw), ==, EXMTA_TOWER_TRUNCATED);

    /* Floor 1 rules: protocol 0x0d, lhs >= 19, rhs >= 2. */
    t = g_byte_array_new();
    put_le16(t, 1);
    put_floor(t, lhs, 18, rhs, 2);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_BAD_FLOOR);
    g_byte_array_set_size(t, 0);
    put_le16(t, 1);
    put_floor(t, lhs, 19, rhs, 1);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_BAD_FLOOR);
    g_byte_array_set_size(t, 0);
    put_le16(t, 1);
    lhs[0] = 0x0a;
    put_floor(t, lhs, 19, rhs, 2);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_BAD_FLOOR);
    g_byte_array_set_size(t, 0);
    /* Longer floor-1 halves than needed are fine. */
    put_le16(t, 1);
    lhs[0] = 0x0d;
    lhs[17] = 2;
    put_floor(t, lhs, 19, (const guint8 *)"\x01\x00\x09", 3);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_OK);
    g_assert_cmpuint(tw.ver_major, ==, 2);
    g_assert_cmpuint(tw.ver_minor, ==, 1);
    g_byte_array_free(t, TRUE);

    /* 5 floors announced, 4 present: truncated, what was found is kept. */
    t = make_tcp_tower(MTA_UUID, 1032, IP_10_0_0_5);
    g_assert_cmpint(exmta_tower_parse(t->data, t->len - 9, &tw), ==, EXMTA_TOWER_TRUNCATED);
    g_assert_true(tw.has_tcp);
    g_assert_cmpuint(tw.tcp_port, ==, 1032);
    g_assert_false(tw.has_ip);
    /* A floor count of 32 over the same bytes: truncated too. */
    t->data[0] = 32;
    g_assert_cmpint(exmta_tower_parse(t->data, t->len, &tw), ==, EXMTA_TOWER_TRUNCATED);
    g_byte_array_free(t, TRUE);

    g_assert_cmpstr(exmta_tower_status_str(EXMTA_TOWER_OK), ==, "ok");
    g_assert_cmpstr(exmta_tower_status_str(EXMTA_TOWER_BAD_FLOOR), ==,
                    "tower floor 1 is not an interface UUID");
    g_assert_cmpstr(exmta_tower_status_str((exmta_tower_status_t)99), ==, "unknown tower status");
}

/* ------------------------------------------------------------------ */
/* real requests                                                       */

static void
test_request_ndr32_real(void)
{
    exmta_ndr_t ndr = ndr_of(FALSE, TRUE);
    exmta_map_request_t req;

    g_assert_true(exmta_epm_parse_map_request(mapi_f399_req, sizeof(mapi_f399_req), &ndr, &req));
    g_assert_true(req.has_object);
    assert_uuid(&req.object, "00000000-0000-0000-0000-000000000000");
    g_assert_true(req.has_tower);
    g_assert_cmpint(req.tower_status, ==, EXMTA_TOWER_OK);
    assert_uuid(&req.tower.iface, "f5cc5a18-4264-101a-8c59-08002b2f8426");
    g_assert_cmpuint(req.tower.ver_major, ==, 56);
    g_assert_cmpuint(req.tower.ver_minor, ==, 0);
    g_assert_cmpuint(req.tower.rpc_protocol, ==, 0x0b);
    g_assert_true(req.tower.has_tcp);
    g_assert_cmpuint(req.tower.tcp_port, ==, 135);
    g_assert_true(req.tower.has_ip);
    assert_ip(req.tower.ip, 0, 0, 0, 0);
    g_assert_cmpuint(req.max_towers, ==, 4);

    /* Every proper prefix fails. */
    for (gsize n = 0; n < sizeof(mapi_f399_req); n++)
        g_assert_false(exmta_epm_parse_map_request(mapi_f399_req, n, &ndr, &req));
}

static void
test_request_ndr64_real(void)
{
    exmta_ndr_t ndr = ndr_of(TRUE, TRUE);
    exmta_map_request_t req;

    g_assert_true(exmta_epm_parse_map_request(witness_f223_req64, sizeof(witness_f223_req64),
                                              &ndr, &req));
    g_assert_true(req.has_object);
    assert_uuid(&req.object, "ccd8c074-d0e5-4a40-92b4-d074faa6ba28");
    g_assert_true(req.has_tower);
    g_assert_cmpint(req.tower_status, ==, EXMTA_TOWER_OK);
    assert_uuid(&req.tower.iface, "ccd8c074-d0e5-4a40-92b4-d074faa6ba28");
    g_assert_cmpuint(req.tower.ver_major, ==, 1);
    g_assert_cmpuint(req.tower.ver_minor, ==, 1);
    g_assert_cmpuint(req.tower.tcp_port, ==, 135);
    assert_ip(req.tower.ip, 192, 168, 3, 43);
    g_assert_cmpuint(req.tower.num_floors, ==, 5);
    g_assert_cmpuint(req.max_towers, ==, 4);

    for (gsize n = 0; n < sizeof(witness_f223_req64); n++)
        g_assert_false(exmta_epm_parse_map_request(witness_f223_req64, n, &ndr, &req));

    /* The same bytes read as NDR32 must not crash, nor yield this tower. */
    ndr = ndr_of(FALSE, TRUE);
    if (exmta_epm_parse_map_request(witness_f223_req64, sizeof(witness_f223_req64), &ndr, &req))
        g_assert_false(req.has_tower && req.tower_status == EXMTA_TOWER_OK &&
                       req.tower.tcp_port == 135);
}

static void
test_request_synthetic(void)
{
    exmta_map_request_t req;

    /* Null object, null tower; big-endian drep. */
    for (int ndr64 = 0; ndr64 < 2; ndr64++) {
        ndrw_t w = { g_byte_array_new(), FALSE, ndr64 };
        exmta_ndr_t ndr = ndr_of(ndr64, FALSE);

        w_u3264(&w, 0);
        w_u3264(&w, 0);
        w_handle(&w);
        w_u32(&w, 0x01020304);
        g_assert_true(exmta_epm_parse_map_request(w.a->data, w.a->len, &ndr, &req));
        g_assert_false(req.has_object);
        g_assert_false(req.has_tower);
        g_assert_cmpuint(req.max_towers, ==, 0x01020304);
        g_byte_array_free(w.a, TRUE);
    }

    /* Big-endian NDR64 with an object and an MTA tower: the NDR fields and the
     * object GUID follow the drep, the tower octets stay little-endian. */
    {
        ndrw_t w = { g_byte_array_new(), FALSE, TRUE };
        exmta_ndr_t ndr = ndr_of(TRUE, FALSE);
        GByteArray *t = make_tcp_tower(MTA_UUID, 1032, IP_10_0_0_5);
        static const guint8 obj_be[16] = { 0x9e, 0x8e, 0xe8, 0x30, 0x44, 0x59, 0x11, 0xce,
                                           0x97, 0x9b, 0x00, 0xaa, 0x00, 0x5f, 0xfe, 0xbe };

        w_u3264(&w, 0x20000);
        g_byte_array_append(w.a, obj_be, 16);
        w_u3264(&w, 0x20004);
        w_twr(&w, t);
        w_handle(&w);
        w_u32(&w, 1);
        g_assert_true(exmta_epm_parse_map_request(w.a->data, w.a->len, &ndr, &req));
        assert_uuid(&req.object, MTA_UUID);
        g_assert_cmpint(req.tower_status, ==, EXMTA_TOWER_OK);
        assert_uuid(&req.tower.iface, MTA_UUID);
        g_assert_cmpuint(req.tower.tcp_port, ==, 1032);
        g_assert_cmpuint(req.max_towers, ==, 1);
        g_byte_array_free(t, TRUE);
        g_byte_array_free(w.a, TRUE);
    }

    /* A tower whose conformance runs past the stub. */
    {
        ndrw_t w = { g_byte_array_new(), TRUE, FALSE };
        exmta_ndr_t ndr = ndr_of(FALSE, TRUE);

        w_u3264(&w, 0);
        w_u3264(&w, 2);
        w_u3264(&w, 0xffffffff);
        w_u32(&w, 0xffffffff);
        w_handle(&w);
        w_u32(&w, 4);
        g_assert_false(exmta_epm_parse_map_request(w.a->data, w.a->len, &ndr, &req));
        g_assert_true(req.has_tower);
        g_assert_cmpint(req.tower_status, ==, EXMTA_TOWER_TRUNCATED);
        g_byte_array_free(w.a, TRUE);
    }

    /* NULL ndr means NDR32 little-endian. */
    g_assert_true(exmta_epm_parse_map_request(mapi_f399_req, sizeof(mapi_f399_req), NULL, &req));
    g_assert_cmpuint(req.tower.tcp_port, ==, 135);
}

/* ------------------------------------------------------------------ */
/* real responses                                                      */

static void
check_one_tower_response(const guint8 *stub, gsize len, gboolean ndr64, const char *uuid,
                         guint16 major, guint16 minor, guint16 port,
                         guint8 a, guint8 b, guint8 c, guint8 d)
{
    exmta_ndr_t ndr = ndr_of(ndr64, TRUE);
    exmta_map_response_t resp;
    const exmta_tower_t *tw;

    g_assert_true(exmta_epm_parse_map_response(stub, len, &ndr, &resp, 16));
    g_assert_cmpuint(resp.num_towers, ==, 1);
    g_assert_true(resp.status_present);
    g_assert_cmpuint(resp.status, ==, 0);
    g_assert_false(resp.truncated);
    g_assert_cmpuint(resp.bad_towers, ==, 0);
    g_assert_cmpuint(resp.dropped_towers, ==, 0);
    g_assert_cmpuint(resp.towers->len, ==, 1);
    tw = &g_array_index(resp.towers, exmta_tower_t, 0);
    assert_uuid(&tw->iface, uuid);
    g_assert_cmpuint(tw->ver_major, ==, major);
    g_assert_cmpuint(tw->ver_minor, ==, minor);
    g_assert_cmpuint(tw->rpc_protocol, ==, 0x0b);
    g_assert_true(tw->has_tcp);
    g_assert_cmpuint(tw->tcp_port, ==, port);
    g_assert_true(tw->has_ip);
    assert_ip(tw->ip, a, b, c, d);
    exmta_map_response_clear(&resp);
    g_assert_null(resp.towers);

    /* Every proper prefix: no crash, never more than what is there, and the
     * status is only reported once all of it is present. */
    for (gsize n = 0; n < len; n++) {
        gboolean ok = exmta_epm_parse_map_response(stub, n, &ndr, &resp, 16);
        g_assert_true(ok == (n >= 24));
        g_assert_false(resp.status_present);
        g_assert_cmpuint(resp.towers->len, <=, 1);
        if (ok)
            g_assert_true(resp.truncated || resp.towers->len == 1);
        exmta_map_response_clear(&resp);
    }
}

static void
test_response_ndr32_real(void)
{
    check_one_tower_response(mapi_f400_resp, sizeof(mapi_f400_resp), FALSE,
                             "f5cc5a18-4264-101a-8c59-08002b2f8426", 56, 0, 4997, 192, 168, 0, 2);
    check_one_tower_response(mapi_f705_resp, sizeof(mapi_f705_resp), FALSE,
                             "a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81, 1032, 192, 168, 0, 2);
    check_one_tower_response(witness_f355_resp32, sizeof(witness_f355_resp32), FALSE,
                             "ccd8c074-d0e5-4a40-92b4-d074faa6ba28", 1, 1, 1024, 0, 0, 0, 0);
}

static void
test_response_ndr64_real(void)
{
    exmta_ndr_t ndr32 = ndr_of(FALSE, TRUE);
    exmta_map_response_t resp;

    check_one_tower_response(witness_f225_resp64, sizeof(witness_f225_resp64), TRUE,
                             "ccd8c074-d0e5-4a40-92b4-d074faa6ba28", 1, 1, 49302,
                             192, 168, 3, 43);

    /* NDR64 bytes misread as NDR32: harmless, no tower. */
    g_assert_true(exmta_epm_parse_map_response(witness_f225_resp64, sizeof(witness_f225_resp64),
                                               &ndr32, &resp, 16));
    g_assert_cmpuint(resp.towers->len, ==, 0);
    exmta_map_response_clear(&resp);
}

/* ------------------------------------------------------------------ */
/* synthetic responses                                                 */

static void
test_response_counts(void)
{
    static const guint8 ip2[4] = { 10, 0, 0, 6 };

    for (int ndr64 = 0; ndr64 < 2; ndr64++) {
        for (int le = 0; le < 2; le++) {
            exmta_ndr_t ndr = ndr_of(ndr64, le);
            GByteArray *towers[3];
            GByteArray *r;
            exmta_map_response_t resp;

            towers[0] = make_tcp_tower(MTA_UUID, 1032, IP_10_0_0_5);
            towers[1] = make_tcp_tower("38a94e72-a9bc-11d2-8faf-00c04fa378ff", 1033, ip2);
            towers[2] = NULL;

            /* 0 towers: EPT_S_NOT_REGISTERED */
            r = make_response(ndr64, le, towers, 0, EXMTA_EPT_S_NOT_REGISTERED);
            g_assert_cmpuint(r->len, ==, ndr64 ? 52u : 40u);
            g_assert_true(exmta_epm_parse_map_response(r->data, r->len, &ndr, &resp, 16));
            g_assert_cmpuint(resp.num_towers, ==, 0);
            g_assert_cmpuint(resp.towers->len, ==, 0);
            g_assert_true(resp.status_present);
            g_assert_cmphex(resp.status, ==, EXMTA_EPT_S_NOT_REGISTERED);
            g_assert_false(resp.truncated);
            exmta_map_response_clear(&resp);
            g_byte_array_free(r, TRUE);

            /* 1 tower */
            r = make_response(ndr64, le, towers, 1, 0);
            g_assert_true(exmta_epm_parse_map_response(r->data, r->len, &ndr, &resp, 16));
            g_assert_cmpuint(resp.towers->len, ==, 1);
            g_assert_cmpuint(g_array_index(resp.towers, exmta_tower_t, 0).tcp_port, ==, 1032);
            g_assert_true(resp.status_present);
            g_assert_cmpuint(resp.status, ==, 0);
            exmta_map_response_clear(&resp);
            g_byte_array_free(r, TRUE);

            /* 2 towers and a null pointer */
            r = make_response(ndr64, le, towers, 3, 0);
            g_assert_true(exmta_epm_parse_map_response(r->data, r->len, &ndr, &resp, 16));
            g_assert_cmpuint(resp.num_towers, ==, 3);
            g_assert_cmpuint(resp.towers->len, ==, 2);
            g_assert_cmpuint(g_array_index(resp.towers, exmta_tower_t, 0).tcp_port, ==, 1032);
            g_assert_cmpuint(g_array_index(resp.towers, exmta_tower_t, 1).tcp_port, ==, 1033);
            g_assert_cmpuint(g_array_index(resp.towers, exmta_tower_t, 1).ver_major, ==, 2);
            assert_ip(g_array_index(resp.towers, exmta_tower_t, 1).ip, 10, 0, 0, 6);
            g_assert_true(resp.status_present);
            g_assert_cmpuint(resp.bad_towers, ==, 0);
            exmta_map_response_clear(&resp);

            /* max_kept 1: the second is parsed but dropped; status still read */
            g_assert_true(exmta_epm_parse_map_response(r->data, r->len, &ndr, &resp, 1));
            g_assert_cmpuint(resp.towers->len, ==, 1);
            g_assert_cmpuint(resp.dropped_towers, ==, 1);
            g_assert_true(resp.status_present);
            exmta_map_response_clear(&resp);

            /* max_kept 0 keeps nothing */
            g_assert_true(exmta_epm_parse_map_response(r->data, r->len, &ndr, &resp, 0));
            g_assert_cmpuint(resp.towers->len, ==, 0);
            g_assert_cmpuint(resp.dropped_towers, ==, 2);
            exmta_map_response_clear(&resp);
            g_byte_array_free(r, TRUE);

            g_byte_array_free(towers[0], TRUE);
            g_byte_array_free(towers[1], TRUE);
        }
    }
}

static void
test_response_hostile(void)
{
    exmta_ndr_t ndr = ndr_of(FALSE, TRUE);
    exmta_map_response_t resp;

    /* Shorter than handle + num_towers. */
    g_assert_false(exmta_epm_parse_map_response(mapi_f400_resp, 23, &ndr, &resp, 16));
    g_assert_nonnull(resp.towers);
    exmta_map_response_clear(&resp);
    g_assert_false(exmta_epm_parse_map_response(NULL, 0, &ndr, &resp, 16));
    exmta_map_response_clear(&resp);

    /* actual_count 0xffffffff with 3 referents present. */
    for (int ndr64 = 0; ndr64 < 2; ndr64++) {
        ndrw_t w = { g_byte_array_new(), TRUE, ndr64 };
        exmta_ndr_t n = ndr_of(ndr64, TRUE);

        w_handle(&w);
        w_u32(&w, 0xffffffff);
        w_u3264(&w, ndr64 ? G_MAXUINT64 : G_MAXUINT32);
        w_u3264(&w, 0);
        w_u3264(&w, ndr64 ? G_MAXUINT64 : G_MAXUINT32);
        w_u3264(&w, 1);
        w_u3264(&w, 2);
        w_u3264(&w, 3);
        g_assert_true(exmta_epm_parse_map_response(w.a->data, w.a->len, &n, &resp, 16));
        g_assert_cmpuint(resp.num_towers, ==, 0xffffffff);
        g_assert_true(resp.truncated);
        g_assert_false(resp.status_present);
        g_assert_cmpuint(resp.towers->len, ==, 0);
        exmta_map_response_clear(&resp);
        g_byte_array_free(w.a, TRUE);
    }

    /* A tower whose conformance is past the end; one with 0 floors then a good one. */
    {
        ndrw_t w = { g_byte_array_new(), TRUE, FALSE };
        GByteArray *good = make_tcp_tower(MTA_UUID, 1032, IP_10_0_0_5);
        static const guint8 no_floors[2] = { 0, 0 };

        w_handle(&w);
        w_u32(&w, 3);
        w_u3264(&w, 3);
        w_u3264(&w, 0);
        w_u3264(&w, 3);
        w_u3264(&w, 1);
        w_u3264(&w, 2);
        w_u3264(&w, 3);
        w_u3264(&w, 2);
        w_u32(&w, 2);
        g_byte_array_append(w.a, no_floors, 2);
        w_twr(&w, good);
        w_u3264(&w, 0x7fffffff);
        w_u32(&w, 0x7fffffff);
        g_byte_array_append(w.a, good->data, good->len);
        g_assert_true(exmta_epm_parse_map_response(w.a->data, w.a->len, &ndr, &resp, 16));
        g_assert_cmpuint(resp.towers->len, ==, 1);
        g_assert_cmpuint(resp.bad_towers, ==, 2);
        g_assert_true(resp.truncated);
        g_assert_false(resp.status_present);
        exmta_map_response_clear(&resp);
        g_byte_array_free(good, TRUE);
        g_byte_array_free(w.a, TRUE);
    }

    /* tower_length shorter than the octets sent: the tower is cut to it
     * (and so truncated), the cursor still moves by the conformance. */
    {
        ndrw_t w = { g_byte_array_new(), TRUE, FALSE };
        GByteArray *good = make_tcp_tower(MTA_UUID, 1032, IP_10_0_0_5);

        w_handle(&w);
        w_u32(&w, 1);
        w_u3264(&w, 1);
        w_u3264(&w, 0);
        w_u3264(&w, 1);
        w_u3264(&w, 1);
        w_u3264(&w, good->len);
        w_u32(&w, 10);
        g_byte_array_append(w.a, good->data, good->len);
        w_u32(&w, 5);
        g_assert_true(exmta_epm_parse_map_response(w.a->data, w.a->len, &ndr, &resp, 16));
        g_assert_cmpuint(resp.towers->len, ==, 0);
        g_assert_cmpuint(resp.bad_towers, ==, 1);
        g_assert_false(resp.truncated);
        g_assert_true(resp.status_present);
        g_assert_cmpuint(resp.status, ==, 5);
        exmta_map_response_clear(&resp);
        g_byte_array_free(good, TRUE);
        g_byte_array_free(w.a, TRUE);
    }

    /* Zero-length everything: twr_t of 0 octets. */
    {
        ndrw_t w = { g_byte_array_new(), TRUE, TRUE };
        exmta_ndr_t n = ndr_of(TRUE, TRUE);

        w_handle(&w);
        w_u32(&w, 1);
        w_u3264(&w, 1);
        w_u3264(&w, 0);
        w_u3264(&w, 1);
        w_u3264(&w, 1);
        w_u3264(&w, 0);
        w_u32(&w, 0);
        w_u32(&w, 0);
        g_assert_true(exmta_epm_parse_map_response(w.a->data, w.a->len, &n, &resp, 16));
        g_assert_cmpuint(resp.towers->len, ==, 0);
        g_assert_cmpuint(resp.bad_towers, ==, 1);
        g_assert_true(resp.status_present);
        exmta_map_response_clear(&resp);
        g_byte_array_free(w.a, TRUE);
    }
    exmta_map_response_clear(NULL);
}

static void
test_response_thousands(void)
{
    enum { N = 5000 };
    GByteArray **towers = g_new0(GByteArray *, N);
    GByteArray *r;
    exmta_ndr_t ndr = ndr_of(TRUE, TRUE);
    exmta_map_response_t resp;

    for (guint i = 0; i < N; i++)
        towers[i] = make_tcp_tower(MTA_UUID, (guint16)(1000 + i), IP_10_0_0_5);
    r = make_response(TRUE, TRUE, towers, N, 0);
    g_assert_true(exmta_epm_parse_map_response(r->data, r->len, &ndr, &resp, 100));
    g_assert_cmpuint(resp.towers->len, ==, 100);
    g_assert_cmpuint(resp.dropped_towers, ==, N - 100);
    g_assert_cmpuint(g_array_index(resp.towers, exmta_tower_t, 99).tcp_port, ==, 1099);
    g_assert_true(resp.status_present);
    exmta_map_response_clear(&resp);

    g_assert_true(exmta_epm_parse_map_response(r->data, r->len, &ndr, &resp, G_MAXUINT));
    g_assert_cmpuint(resp.towers->len, ==, N);
    g_assert_cmpuint(g_array_index(resp.towers, exmta_tower_t, N - 1).tcp_port, ==, 1000 + N - 1);
    exmta_map_response_clear(&resp);

    for (guint i = 0; i < N; i++)
        g_byte_array_free(towers[i], TRUE);
    g_free(towers);
    g_byte_array_free(r, TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/epm/uuid/strings", test_uuid_strings);
    g_test_add_func("/epm/tower/tcp", test_tower_tcp);
    g_test_add_func("/epm/tower/named-pipe", test_tower_named_pipe);
    g_test_add_func("/epm/tower/udp-short-floors", test_tower_udp_and_short_floors);
    g_test_add_func("/epm/tower/hostile", test_tower_hostile);
    g_test_add_func("/epm/request/ndr32-real", test_request_ndr32_real);
    g_test_add_func("/epm/request/ndr64-real", test_request_ndr64_real);
    g_test_add_func("/epm/request/synthetic", test_request_synthetic);
    g_test_add_func("/epm/response/ndr32-real", test_response_ndr32_real);
    g_test_add_func("/epm/response/ndr64-real", test_response_ndr64_real);
    g_test_add_func("/epm/response/counts", test_response_counts);
    g_test_add_func("/epm/response/hostile", test_response_hostile);
    g_test_add_func("/epm/response/thousands", test_response_thousands);
    return g_test_run();
}
