/* test_epm_nobind.c - unit tests for the ept_map-without-bind judge and the
 * connection-oriented DCE/RPC header reader it is fed by.
 *
 * The PDUs below are whole TCP payloads of sample-pcaps/ frames, taken with
 *   tshark -r FILE -Y "tcp.port == 135 && dcerpc" -T fields -e frame.number -e tcp.payload
 * (the stub starts at byte 24: no object UUID, no auth verifier):
 *   rpc-epm-reuse-nobind.pcap       6/7   MTA lookup, NDR, 1 tower 1032 0.0.0.0
 *                                   9     QAdmin answer, 2 towers (1033 at 127.10.0.2 and .3)
 *                                   11    EPT_S_NOT_REGISTERED, 0 towers
 *   rpc-epm-reuse-ndr64-nobind.pcap 6/7   the MTA lookup in NDR64
 *   rpc-dcom-activation-nobind.pcap 6/7   IRemoteSCMActivator::RemoteGetClassObject (opnum 3)
 *                                   16/17 IObjectExporter::ServerAlive (opnum 3)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "dcerpc_co.h"
#include "epm_nobind.h"

#define MTA_UUID "9e8ee830-4459-11ce-979b-00aa005ffebe"
#define QADMIN_UUID "38a94e72-a9bc-11d2-8faf-00c04fa378ff"

static const char *ndr32_req_mta =
    "05000003100000009c0000000100000084000000000003000100000000000000000000000000000000000000020000004b0000004b00"
    "0000050013000d30e88e9e5944ce11979b00aa005ffebe02000200000013000d045d888aeb1cc9119fe808002b10486002000200000001"
    "000b0200000001000702000000010009040000000000ab000000000000000000000000000000000000000004000000";
static const char *ndr32_resp_mta =
    "05000203100000009800000001000000800000000000000000000000000000000000000000000000000000000100000004000000000000"
    "000100000068d600004b0000004b000000050013000d30e88e9e5944ce11979b00aa005ffebe02000200000013000d045d888aeb1cc911"
    "9fe808002b10486002000200000001000b0200000001000702000408010009040000000000bf00000000";
static const char *ndr32_resp_qadmin2 =
    "0500020310000000f000000002000000d800000000000000000000000000000000000000000000000000000002000000040000000000"
    "000002000000de6c0000d8e300004b0000004b000000050013000d724ea938bca9d2118faf00c04fa378ff01000200000013000d045d88"
    "8aeb1cc9119fe808002b10486002000200000001000b020000000100070200040901000904007f0a0002ee4b0000004b00000005001300"
    "0d724ea938bca9d2118faf00c04fa378ff01000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b02000000"
    "0100070200040901000904007f0a0003bf00000000";
static const char *ndr32_req_qadmin =
    "05000003100000009c0000000200000084000000000003000100000000000000000000000000000000000000020000004b0000004b00"
    "0000050013000d724ea938bca9d2118faf00c04fa378ff01000200000013000d045d888aeb1cc9119fe808002b10486002000200000001"
    "000b0200000001000702000000010009040000000000ab000000000000000000000000000000000000000004000000";
static const char *ndr32_resp_not_registered =
    "050002031000000040000000030000002800000000000000000000000000000000000000000000000000000000000000040000000000"
    "000000000000d6a0c916";
static const char *ndr64_req_mta =
    "0500000310000000a800000001000000900000000000030001000000000000000000000000000000000000000000000002000000000000"
    "004b000000000000004b000000050013000d30e88e9e5944ce11979b00aa005ffebe02000200000013000d045d888aeb1cc9119fe80800"
    "2b10486002000200000001000b0200000001000702000000010009040000000000ab000000000000000000000000000000000000000004"
    "000000";
static const char *ndr64_resp_mta =
    "0500020310000000ac0000000100000094000000000000000000000000000000000000000000000000000000010000000400000000000000"
    "000000000000000001000000000000003a800000000000004b000000000000004b000000050013000d30e88e9e5944ce11979b00aa005f"
    "febe02000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b0200000001000702000408010009040000000000"
    "bf00000000";
static const char *dcom_get_class_object_req =
    "0500000310000000e401000001000000cc01000000000300050007000100000000000000d69e433294b11514d02132575d3f7d260000"
    "0000e22b0000a0010000a00100004d454f5704000000a201000000000000c0000000000000463803000000000000c00000000000004600"
    "00000078010000680100000000000001100800cccccccc88000000cccccccc680100009800000000000000020000000400000000000000"
    "000000000000000000000000d7e50000735b00000000000004000000ab01000000000000c000000000000046a501000000000000c00000"
    "0000000046a401000000000000c000000000000046aa01000000000000c000000000000046040000005800000028000000200000003000"
    "000001100800cccccccc44000000cccccccc2e1b3a5c4f7d6a4e9b8c1d2e3f4051620000000000000000000000000100000000000000f1"
    "1500000000000005000700010000000100000000000000c000000000000046fafafafa01100800cccccccc18000000cccccccc00000000"
    "000000000000000000000000000000000000000001100800cccccccc10000000cccccccc0000000000000000000000000000000001100800"
    "cccccccc1a000000cccccccc0000000083630000000000000100aaaa74a60000010000000700fafafafafafa";
static const char *dcom_get_class_object_resp =
    "05000203100000002800000001000000100000000000000000000000000000000000000054010480";
static const char *dcom_server_alive_req = "050000031000000018000000010000000000000000000300";

static guint8 *
unhex(const char *h, gsize *len)
{
    gsize n = strlen(h) / 2;
    guint8 *b = g_malloc(n ? n : 1);

    for (gsize i = 0; i < n; i++)
        b[i] = (guint8)(g_ascii_xdigit_value(h[2 * i]) << 4 | g_ascii_xdigit_value(h[2 * i + 1]));
    *len = n;
    return b;
}

/* A PDU from hex, read with exmta_co_pdu_parse (must be OK). */
typedef struct {
    guint8 *bytes;
    gsize len;
    exmta_co_pdu_t pdu;
} pdu_t;

static void
pdu_load(pdu_t *p, const char *hex)
{
    p->bytes = unhex(hex, &p->len);
    g_assert_cmpint(exmta_co_pdu_parse(p->bytes, p->len, &p->pdu), ==, EXMTA_CO_OK);
}

static const guint8 *
stub(const pdu_t *p)
{
    return p->bytes + p->pdu.stub_off;
}

static void
assert_uuid(const exmta_uuid_t *u, const char *s)
{
    char buf[37];
    exmta_uuid_to_string(u, buf);
    g_assert_cmpstr(buf, ==, s);
}

/* ---- dcerpc_co ---------------------------------------------------------- */

static void
test_co_request_response(void)
{
    pdu_t rq, rs;

    pdu_load(&rq, ndr32_req_mta);
    g_assert_cmpuint(rq.pdu.ptype, ==, EXMTA_CO_REQUEST);
    g_assert_cmpuint(rq.pdu.flags, ==, EXMTA_CO_PFC_FIRST_FRAG | EXMTA_CO_PFC_LAST_FRAG);
    g_assert_true(rq.pdu.little_endian);
    g_assert_true(rq.pdu.ascii_ieee);
    g_assert_cmpuint(rq.pdu.frag_len, ==, 156);
    g_assert_cmpuint(rq.pdu.auth_len, ==, 0);
    g_assert_cmpuint(rq.pdu.call_id, ==, 1);
    g_assert_cmpuint(rq.pdu.ctx_id, ==, 0);
    g_assert_cmpuint(rq.pdu.opnum, ==, 3);
    g_assert_cmpuint(rq.pdu.stub_off, ==, 24);
    g_assert_cmpuint(rq.pdu.stub_len, ==, 132);

    pdu_load(&rs, ndr32_resp_qadmin2);
    g_assert_cmpuint(rs.pdu.ptype, ==, EXMTA_CO_RESPONSE);
    g_assert_cmpuint(rs.pdu.call_id, ==, 2);
    g_assert_cmpuint(rs.pdu.stub_off, ==, 24);
    g_assert_cmpuint(rs.pdu.stub_len, ==, 240 - 24);
    g_free(rq.bytes);
    g_free(rs.bytes);
}

static void
test_co_hostile(void)
{
    gsize len;
    guint8 *b = unhex(ndr32_req_mta, &len);
    exmta_co_pdu_t pdu;

    /* every prefix: SHORT (or NOT_CO below 2 bytes), never OK, never past len */
    for (gsize n = 0; n < len; n++) {
        exmta_co_status_t st = exmta_co_pdu_parse(b, n, &pdu);
        g_assert_true(st == EXMTA_CO_SHORT || (n < 2 && st == EXMTA_CO_NOT_CO));
    }
    b[0] = 4;                                        /* connectionless version */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_NOT_CO);
    b[0] = 5;
    b[8] = 15; b[9] = 0;                             /* frag_len below the header */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_BAD_LENGTH);
    b[8] = 24; b[9] = 0;                             /* request header exactly: empty stub */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_OK);
    g_assert_cmpuint(pdu.stub_len, ==, 0);
    b[8] = 23;                                       /* request header cut */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_BAD_LENGTH);
    b[8] = 156;
    b[10] = 200;                                     /* auth_len past the PDU */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_BAD_LENGTH);
    b[10] = 16;                                      /* 8 + 16 bytes of verifier: the stub ends before */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_OK);
    g_assert_cmpuint(pdu.stub_len, ==, 132 - 24);
    b[10] = 0;
    b[3] |= EXMTA_CO_PFC_OBJECT_UUID;                /* an object UUID moves the stub by 16 */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_OK);
    g_assert_cmpuint(pdu.stub_off, ==, 40);
    g_assert_cmpuint(pdu.stub_len, ==, 116);
    b[4] = 0x00;                                     /* big-endian drep: frag_len read big-endian */
    g_assert_cmpint(exmta_co_pdu_parse(b, len, &pdu), ==, EXMTA_CO_SHORT);
    g_free(b);
}

static void
test_co_bind(void)
{
    /* bind with two contexts (ids 0 and 70), one transfer syntax each */
    guint8 b[16 + 12 + 2 * 44];
    exmta_co_pdu_t pdu;

    memset(b, 0, sizeof(b));
    b[0] = 5; b[2] = EXMTA_CO_BIND; b[3] = 3; b[4] = 0x10;
    b[8] = sizeof(b);
    b[12] = 1;
    b[16 + 8] = 2;                                   /* n_ctx */
    b[28] = 0; b[30] = 1;                            /* ctx 0, 1 transfer syntax */
    b[28 + 44] = 70; b[30 + 44] = 1;                 /* ctx 70 */
    g_assert_cmpint(exmta_co_pdu_parse(b, sizeof(b), &pdu), ==, EXMTA_CO_OK);
    g_assert_cmpuint(pdu.n_ctx, ==, 2);
    g_assert_cmpuint(pdu.ctx_ids[0], ==, 0);
    g_assert_cmpuint(pdu.ctx_ids[1], ==, 70);
    b[30 + 44] = 2;                                  /* a second transfer syntax that is not there */
    g_assert_cmpint(exmta_co_pdu_parse(b, sizeof(b), &pdu), ==, EXMTA_CO_BAD_LENGTH);
    b[30 + 44] = 1;
    b[16 + 8] = 9;                                   /* more contexts than bytes */
    g_assert_cmpint(exmta_co_pdu_parse(b, sizeof(b), &pdu), ==, EXMTA_CO_BAD_LENGTH);
}

/* ---- the judge ------------------------------------------------------------ */

static exmta_nobind_verdict_t
judge(const char *req_hex, const char *resp_hex, exmta_nobind_request_t *rq, exmta_ndr_t *ndr,
      exmta_map_response_t *resp)
{
    pdu_t q, s;
    exmta_nobind_verdict_t v;

    pdu_load(&q, req_hex);
    pdu_load(&s, resp_hex);
    v = exmta_nobind_judge_request(stub(&q), q.pdu.stub_len, q.pdu.little_endian, rq);
    if (v == EXMTA_NOBIND_OK)
        v = exmta_nobind_judge_response(rq, stub(&s), s.pdu.stub_len, s.pdu.little_endian, 64, ndr, resp);
    else
        memset(resp, 0, sizeof(*resp));
    g_free(q.bytes);
    g_free(s.bytes);
    return v;
}

static void
test_judge_ndr32(void)
{
    exmta_nobind_request_t rq;
    exmta_map_response_t resp;
    exmta_ndr_t ndr;
    const exmta_tower_t *t;

    g_assert_cmpint(judge(ndr32_req_mta, ndr32_resp_mta, &rq, &ndr, &resp), ==, EXMTA_NOBIND_OK);
    g_assert_true(rq.as_ndr32);
    g_assert_false(rq.as_ndr64);
    g_assert_false(ndr.ndr64);
    g_assert_cmpuint(rq.ndr32.max_towers, ==, 4);
    assert_uuid(&rq.ndr32.tower.iface, MTA_UUID);
    g_assert_cmpuint(resp.status, ==, 0);
    g_assert_cmpuint(resp.towers->len, ==, 1);
    t = &g_array_index(resp.towers, exmta_tower_t, 0);
    assert_uuid(&t->iface, MTA_UUID);
    g_assert_cmpuint(t->ver_major, ==, 2);
    g_assert_cmpuint(t->tcp_port, ==, 1032);
    g_assert_true(t->has_ip);
    g_assert_cmpuint(t->ip[0] | t->ip[1] | t->ip[2] | t->ip[3], ==, 0);
    exmta_map_response_clear(&resp);

    g_assert_cmpint(judge(ndr32_req_qadmin, ndr32_resp_qadmin2, &rq, &ndr, &resp), ==, EXMTA_NOBIND_OK);
    g_assert_cmpuint(resp.towers->len, ==, 2);
    t = &g_array_index(resp.towers, exmta_tower_t, 1);
    assert_uuid(&t->iface, QADMIN_UUID);
    g_assert_cmpuint(t->tcp_port, ==, 1033);
    g_assert_cmpuint(t->ip[3], ==, 3);
    exmta_map_response_clear(&resp);

    g_assert_cmpint(judge(ndr32_req_mta, ndr32_resp_not_registered, &rq, &ndr, &resp), ==, EXMTA_NOBIND_OK);
    g_assert_cmpuint(resp.status, ==, EXMTA_EPT_S_NOT_REGISTERED);
    g_assert_cmpuint(resp.towers->len, ==, 0);
    exmta_map_response_clear(&resp);
}

static void
test_judge_ndr64(void)
{
    exmta_nobind_request_t rq;
    exmta_map_response_t resp;
    exmta_ndr_t ndr;

    g_assert_cmpint(judge(ndr64_req_mta, ndr64_resp_mta, &rq, &ndr, &resp), ==, EXMTA_NOBIND_OK);
    g_assert_false(rq.as_ndr32);
    g_assert_true(rq.as_ndr64);
    g_assert_true(ndr.ndr64);
    g_assert_cmpuint(resp.towers->len, ==, 1);
    g_assert_cmpuint(g_array_index(resp.towers, exmta_tower_t, 0).tcp_port, ==, 1032);
    exmta_map_response_clear(&resp);
    /* an NDR32 answer to an NDR64 request is not an answer */
    g_assert_cmpint(judge(ndr64_req_mta, ndr32_resp_mta, &rq, &ndr, &resp), ==, EXMTA_NOBIND_RESP_NOT_MAP);
    exmta_map_response_clear(&resp);
    g_assert_cmpint(judge(ndr32_req_mta, ndr64_resp_mta, &rq, &ndr, &resp), ==, EXMTA_NOBIND_RESP_NOT_MAP);
    exmta_map_response_clear(&resp);
}

static void
test_judge_dcom(void)
{
    exmta_nobind_request_t rq;
    exmta_map_response_t resp;
    exmta_ndr_t ndr;

    g_assert_cmpint(judge(dcom_get_class_object_req, dcom_get_class_object_resp, &rq, &ndr, &resp), ==,
                    EXMTA_NOBIND_REQ_NOT_MAP);
    g_assert_false(rq.as_ndr32 || rq.as_ndr64);
    g_assert_cmpint(judge(dcom_server_alive_req, dcom_get_class_object_resp, &rq, &ndr, &resp), ==,
                    EXMTA_NOBIND_REQ_NOT_MAP);
    /* an ept_map request answered by DCOM bytes (mixed-up call ids) */
    g_assert_cmpint(judge(ndr32_req_mta, dcom_get_class_object_resp, &rq, &ndr, &resp), ==,
                    EXMTA_NOBIND_RESP_NOT_MAP);
    exmta_map_response_clear(&resp);
}

static void
test_judge_mismatch(void)
{
    exmta_nobind_request_t rq;
    exmta_map_response_t resp;
    exmta_ndr_t ndr;

    /* towers for QAdmin answering a lookup for MTA */
    g_assert_cmpint(judge(ndr32_req_mta, ndr32_resp_qadmin2, &rq, &ndr, &resp), ==, EXMTA_NOBIND_RESP_MISMATCH);
    exmta_map_response_clear(&resp);
}

static void
test_judge_truncated_and_padded(void)
{
    pdu_t q, s;
    exmta_nobind_request_t rq;
    exmta_map_response_t resp;
    exmta_ndr_t ndr;
    guint8 *big;

    pdu_load(&q, ndr32_req_mta);
    pdu_load(&s, ndr32_resp_mta);
    /* every shorter request stub is refused */
    for (gsize n = 0; n < q.pdu.stub_len; n++)
        g_assert_cmpint(exmta_nobind_judge_request(stub(&q), n, TRUE, &rq), !=, EXMTA_NOBIND_OK);
    g_assert_cmpint(exmta_nobind_judge_request(stub(&q), q.pdu.stub_len, TRUE, &rq), ==, EXMTA_NOBIND_OK);
    /* every shorter response stub is refused */
    for (gsize n = 0; n < s.pdu.stub_len; n++) {
        g_assert_cmpint(exmta_nobind_judge_response(&rq, stub(&s), n, TRUE, 64, &ndr, &resp), !=, EXMTA_NOBIND_OK);
        exmta_map_response_clear(&resp);
    }
    /* up to 7 trailing bytes (alignment padding) pass, 8 do not */
    big = g_malloc0(s.pdu.stub_len + 8);
    memcpy(big, stub(&s), s.pdu.stub_len);
    g_assert_cmpint(exmta_nobind_judge_response(&rq, big, s.pdu.stub_len + 7, TRUE, 64, &ndr, &resp), ==,
                    EXMTA_NOBIND_OK);
    exmta_map_response_clear(&resp);
    g_assert_cmpint(exmta_nobind_judge_response(&rq, big, s.pdu.stub_len + 8, TRUE, 64, &ndr, &resp), ==,
                    EXMTA_NOBIND_RESP_NOT_MAP);
    exmta_map_response_clear(&resp);
    /* max_count above the request's max_towers */
    memcpy(big, stub(&s), s.pdu.stub_len);
    big[24] = 5;
    g_assert_cmpint(exmta_nobind_judge_response(&rq, big, s.pdu.stub_len, TRUE, 64, &ndr, &resp), ==,
                    EXMTA_NOBIND_RESP_NOT_MAP);
    exmta_map_response_clear(&resp);
    /* num_towers disagreeing with the array's actual count */
    big[24] = 4;
    big[20] = 2;
    g_assert_cmpint(exmta_nobind_judge_response(&rq, big, s.pdu.stub_len, TRUE, 64, &ndr, &resp), ==,
                    EXMTA_NOBIND_RESP_NOT_MAP);
    exmta_map_response_clear(&resp);
    g_free(big);
    /* max_towers 0 in the request */
    big = g_memdup2(stub(&q), q.pdu.stub_len);
    big[q.pdu.stub_len - 4] = 0;
    g_assert_cmpint(exmta_nobind_judge_request(big, q.pdu.stub_len, TRUE, &rq), ==, EXMTA_NOBIND_REQ_NOT_MAP);
    g_free(big);
    g_free(q.bytes);
    g_free(s.bytes);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dcerpc_co/request-response", test_co_request_response);
    g_test_add_func("/dcerpc_co/hostile", test_co_hostile);
    g_test_add_func("/dcerpc_co/bind", test_co_bind);
    g_test_add_func("/epm_nobind/ndr32", test_judge_ndr32);
    g_test_add_func("/epm_nobind/ndr64", test_judge_ndr64);
    g_test_add_func("/epm_nobind/dcom", test_judge_dcom);
    g_test_add_func("/epm_nobind/mismatch", test_judge_mismatch);
    g_test_add_func("/epm_nobind/truncated-and-padded", test_judge_truncated_and_padded);
    return g_test_run();
}
