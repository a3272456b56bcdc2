/* test_summary.c - unit tests for the endpoint summary model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "summary.h"
#include "endpoints.h"
#include "known.h"

static exmta_summary_rec_t
r1006(const char *host, guint16 port, guint32 stream, guint32 frame, guint32 len)
{
    exmta_summary_rec_t r;

    memset(&r, 0, sizeof(r));
    r.type = EXMTA_SUM_RFC1006;
    r.host = host;
    r.port = port;
    r.kind = EXMTA_SUM_KIND_RFC1006_OTHER;
    r.found_by = EXMTA_SUM_FOUND_PORT_PREF;
    r.stream = stream;
    r.has_stream = TRUE;
    r.frame = frame;
    r.frame_len = len;
    r.bind_error = -1;
    return r;
}

static exmta_summary_rec_t
rrpc(exmta_sum_type_t type, const char *host, guint16 port, guint8 kind, guint32 learned_in, guint32 frame)
{
    exmta_summary_rec_t r;

    memset(&r, 0, sizeof(r));
    r.type = type;
    r.host = host;
    r.port = port;
    r.kind = kind;
    r.found_by = EXMTA_SUM_FOUND_EPM;
    r.learned_in = learned_in;
    r.frame = frame;
    r.frame_len = 100;
    r.bind_error = -1;
    r.interface_uuid = kind == EXMTA_KIND_MTA_RPC ? "9e8ee830-4459-11ce-979b-00aa005ffebe"
                                                  : "6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00";
    r.ver_major = kind == EXMTA_KIND_MTA_RPC ? 2 : 1;
    r.interface_name = kind == EXMTA_KIND_MTA_RPC ? "Exchange MTA" : "unknown interface";
    r.time_sec = 1700000000;
    r.time_nsec = 123456789;
    if (type != EXMTA_SUM_EPM_LEARNED) {
        r.has_stream = TRUE;
        r.stream = frame / 100;
    }
    return r;
}

static void
test_x400_bind_and_kind(void)
{
    exmta_summary_t *s = exmta_summary_new();
    exmta_summary_rec_t r;
    exmta_summary_row_t *row;

    /* COTP frames before X.411: not X.400 yet */
    r = r1006("192.0.2.20", 102, 3, 4, 60);
    g_assert_cmpuint(exmta_summary_add(s, &r), ==, 0);
    row = exmta_summary_row(s, 0);
    g_assert_cmpstr(row->kind, ==, "RFC1006 (not X.400)");
    g_assert_cmpstr(row->outcome, ==, "sessions OK");
    exmta_summary_row_free(row);

    r = r1006("192.0.2.20", 102, 3, 6, 300);
    r.mta = TRUE;
    r.kind = EXMTA_SUM_KIND_X400;
    r.bind = EXMTA_SUM_BIND_REQUEST;
    r.initiator = "EXCH-MTA-A";
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.20", 102, 3, 7, 200);
    r.mta = TRUE;
    r.kind = EXMTA_SUM_KIND_X400;
    r.bind = EXMTA_SUM_BIND_ACCEPTED;
    r.responder = "EXCH-MTA-B";
    exmta_summary_add(s, &r);

    g_assert_cmpuint(exmta_summary_num_rows(s), ==, 1);
    row = exmta_summary_row(s, 0);
    g_assert_cmpstr(row->host, ==, "192.0.2.20");
    g_assert_cmpuint(row->port, ==, 102);
    g_assert_cmpstr(row->kind, ==, "X.400 over RFC1006");
    g_assert_cmpstr(row->found_by, ==, "port preference");
    g_assert_cmpuint(row->sessions, ==, 1);
    g_assert_cmpuint(row->frames, ==, 3);
    g_assert_cmpuint(row->bytes, ==, 560);
    g_assert_cmpuint(row->first_frame, ==, 4);
    g_assert_cmpuint(row->last_frame, ==, 7);
    g_assert_cmpstr(row->outcome, ==, "X.400 bind accepted (EXCH-MTA-A -> EXCH-MTA-B)");
    g_assert_false(row->rpc);
    exmta_summary_row_free(row);

    /* a second session, refused bind: outcomes joined in order */
    r = r1006("192.0.2.20", 102, 5, 20, 100);
    r.mta = TRUE;
    r.bind = EXMTA_SUM_BIND_REFUSED;
    r.bind_error = 2;
    r.bind_error_str = "authentication-error";
    r.found_by = EXMTA_SUM_FOUND_HEURISTIC;
    exmta_summary_add(s, &r);
    row = exmta_summary_row(s, 0);
    g_assert_cmpuint(row->sessions, ==, 2);
    g_assert_cmpstr(row->found_by, ==, "port preference; heuristic");
    g_assert_cmpstr(row->outcome, ==,
                    "X.400 bind accepted (EXCH-MTA-A -> EXCH-MTA-B); X.400 bind refused: authentication-error");
    exmta_summary_row_free(row);

    /* a third session: its bind asked for, refused below the MTA bind;
     * a fourth: asked for, never answered */
    r = r1006("192.0.2.20", 102, 6, 30, 300);
    r.bind = EXMTA_SUM_BIND_REQUEST;
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.20", 102, 6, 31, 200);
    r.assoc_refused = "refused by RTSE: busy (0)";
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.20", 102, 7, 40, 300);
    r.bind = EXMTA_SUM_BIND_REQUEST;
    exmta_summary_add(s, &r);
    row = exmta_summary_row(s, 0);
    g_assert_cmpstr(row->outcome, ==,
                    "X.400 bind accepted (EXCH-MTA-A -> EXCH-MTA-B); X.400 bind refused: authentication-error; "
                    "X.400 association refused by RTSE: busy (0); X.400 bind not answered");
    exmta_summary_row_free(row);

    /* reset forgets everything */
    exmta_summary_reset(s);
    g_assert_cmpuint(exmta_summary_num_rows(s), ==, 0);
    exmta_summary_free(s);
}

static void
test_rfc1006_failures(void)
{
    exmta_summary_t *s = exmta_summary_new();
    exmta_summary_rec_t r;
    exmta_summary_row_t *row;

    r = r1006("192.0.2.20", 102, 0, 2, 54);
    r.refused = TRUE;
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.20", 102, 1, 4, 54);
    r.refused = TRUE;
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.20", 102, 2, 9, 77);
    r.has_dr = TRUE;
    r.dr_reason = 3;
    exmta_summary_add(s, &r);
    /* another port is another row */
    r = r1006("192.0.2.20", 10102, 7, 30, 77);
    g_assert_cmpuint(exmta_summary_add(s, &r), ==, 1);

    row = exmta_summary_row(s, 0);
    g_assert_cmpuint(row->sessions, ==, 3);
    g_assert_cmpstr(row->outcome, ==, "connection refused; COTP disconnect: Address unknown (0x03)");
    exmta_summary_row_free(row);
    g_assert_cmpuint(exmta_summary_num_rows(s), ==, 2);
    exmta_summary_free(s);
}

static void
test_rpc_rows(void)
{
    exmta_summary_t *s = exmta_summary_new();
    exmta_summary_rec_t r;
    exmta_summary_row_t *row;
    GPtrArray *rows;
    GString *out;

    /* learned in 19, session from 29 */
    r = rrpc(EXMTA_SUM_EPM_LEARNED, "127.10.0.2", 1032, EXMTA_KIND_MTA_RPC, 19, 19);
    exmta_summary_add(s, &r);
    row = exmta_summary_row(s, 0);
    g_assert_cmpstr(row->outcome, ==, "learned, no session");
    g_assert_cmpuint(row->frames, ==, 0);
    g_assert_cmpuint(row->first_frame, ==, 0);
    exmta_summary_row_free(row);
    r = rrpc(EXMTA_SUM_RPC, "127.10.0.2", 1032, EXMTA_KIND_MTA_RPC, 19, 129);
    exmta_summary_add(s, &r);
    /* the same host and port in the RFC1006 group is another row */
    r = r1006("127.10.0.2", 1032, 9, 130, 10);
    g_assert_cmpuint(exmta_summary_add(s, &r), ==, 1);
    /* an unknown interface, refused */
    r = rrpc(EXMTA_SUM_RPC, "127.10.0.3", 1050, EXMTA_KIND_OTHER_RPC, 103, 245);
    r.refused = TRUE;
    exmta_summary_add(s, &r);
    /* two failed lookups on one endpoint mapper, one for another interface */
    r = rrpc(EXMTA_SUM_EPM_FAILED, "127.10.0.2", 135, EXMTA_KIND_MTA_RPC, 300, 300);
    r.epm_status = 0x16c9a0d6;
    exmta_summary_add(s, &r);
    r = rrpc(EXMTA_SUM_EPM_FAILED, "127.10.0.2", 135, EXMTA_KIND_OTHER_RPC, 310, 310);
    r.epm_status = 0;
    g_assert_cmpuint(exmta_summary_add(s, &r), ==, 4);

    rows = exmta_summary_rows(s);
    g_assert_cmpuint(rows->len, ==, 5);
    row = (exmta_summary_row_t *)g_ptr_array_index(rows, 0);
    g_assert_cmpstr(row->kind, ==, "MTA RPC");
    g_assert_cmpstr(row->found_by, ==, "EPM frame 19");
    g_assert_cmpstr(row->outcome, ==, "sessions OK");
    g_assert_true(row->rpc);
    g_assert_true(row->learned_from_epm);
    g_assert_cmpuint(row->learned_in, ==, 19);
    row = (exmta_summary_row_t *)g_ptr_array_index(rows, 2);
    g_assert_cmpstr(row->kind, ==, "other EPM-learned interface (6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00 v1.0)");
    g_assert_cmpstr(row->outcome, ==, "connection refused");
    row = (exmta_summary_row_t *)g_ptr_array_index(rows, 3);
    g_assert_cmpuint(row->port, ==, 135);
    g_assert_cmpstr(row->outcome, ==, "EPM lookup failed: EPT_S_NOT_REGISTERED (0x16c9a0d6)");
    g_assert_false(row->rpc);
    row = (exmta_summary_row_t *)g_ptr_array_index(rows, 4);
    g_assert_cmpstr(row->outcome, ==, "EPM lookup failed: no TCP endpoint");

    out = g_string_new(NULL);
    exmta_summary_format_uat(out, rows, "a \"b\".pcap");
    /* row 2 was never learned from an ept_map response in this run (no
     * EPM_LEARNED record), but its frames say EPM frame 103: listed, no time */
    g_assert_cmpstr(out->str, ==,
        "\"127.10.0.2\",\"1032\",\"9e8ee830-4459-11ce-979b-00aa005ffebe\",\"2.0\",\"MTA RPC\","
        "\"a \\x22b\\x22.pcap\",\"19\",\"2023-11-14T22:13:20.123456Z\"\n"
        "\"127.10.0.3\",\"1050\",\"6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00\",\"1.0\",\"other EPM-learned interface\","
        "\"a \\x22b\\x22.pcap\",\"103\",\"\"\n");
    g_string_free(out, TRUE);
    g_ptr_array_unref(rows);
    exmta_summary_free(s);
}

static void
test_formats(void)
{
    exmta_summary_t *s = exmta_summary_new();
    exmta_summary_rec_t r;
    GPtrArray *rows;
    GString *out = g_string_new(NULL);

    r = r1006("192.0.2.20", 102, 1, 4, 60);
    r.mta = TRUE;
    r.bind = EXMTA_SUM_BIND_ACCEPTED;
    r.initiator = "MTA, \"quoted\"\\";
    r.responder = "B";
    exmta_summary_add(s, &r);
    r = rrpc(EXMTA_SUM_EPM_LEARNED, "10.0.0.1", 1032, EXMTA_KIND_MTA_RPC, 9, 9);
    exmta_summary_add(s, &r);
    rows = exmta_summary_rows(s);

    exmta_summary_format_csv(out, rows);
    g_assert_cmpstr(out->str, ==,
        "host,port,kind,found_by,sessions,frames,bytes,first_frame,last_frame,outcome\r\n"
        "192.0.2.20,102,X.400 over RFC1006,port preference,1,1,60,4,4,"
        "\"X.400 bind accepted (MTA, \"\"quoted\"\"\\ -> B)\"\r\n"
        "10.0.0.1,1032,MTA RPC,EPM frame 9,0,0,0,,,\"learned, no session\"\r\n");

    g_string_truncate(out, 0);
    exmta_summary_format_json(out, rows);
    g_assert_cmpstr(out->str, ==,
        "[\n"
        "  {\"host\": \"192.0.2.20\", \"port\": 102, \"kind\": \"X.400 over RFC1006\", \"found_by\": \"port preference\", "
        "\"sessions\": 1, \"frames\": 1, \"bytes\": 60, \"first_frame\": 4, \"last_frame\": 4, "
        "\"outcome\": \"X.400 bind accepted (MTA, \\\"quoted\\\"\\\\ -> B)\", "
        "\"epm_frames\": [], \"found_by_methods\": [\"port_preference\"]},\n"
        "  {\"host\": \"10.0.0.1\", \"port\": 1032, \"kind\": \"MTA RPC\", \"found_by\": \"EPM frame 9\", "
        "\"sessions\": 0, \"frames\": 0, \"bytes\": 0, \"first_frame\": null, \"last_frame\": null, "
        "\"outcome\": \"learned, no session\", \"epm_frames\": [9], \"found_by_methods\": [\"epm\"]}\n"
        "]\n");

    g_string_truncate(out, 0);
    exmta_summary_format_text(out, rows);
    g_assert_nonnull(strstr(out->str, "Exchange MTA endpoints (exmta): 2\n"));
    g_assert_nonnull(strstr(out->str,
        "10.0.0.1    1032  MTA RPC             EPM frame 9             0       0      0            -           -  learned, no session\n"));

    g_ptr_array_unref(rows);
    g_string_truncate(out, 0);
    rows = g_ptr_array_new();
    exmta_summary_format_json(out, rows);
    g_assert_cmpstr(out->str, ==, "[]\n");
    g_ptr_array_unref(rows);
    g_string_free(out, TRUE);
    exmta_summary_free(s);
}

/* Sessions: one line per stream of an RFC1006 or RPC row, the first client
 * seen, SYN anywhere in the stream, first/last frame; EPM-failure rows and
 * records without a stream are not sessions. */
static void
test_sessions(void)
{
    exmta_summary_t *s = exmta_summary_new();
    exmta_summary_rec_t r;
    GString *out = g_string_new(NULL);

    r = r1006("192.0.2.20", 102, 0, 5, 60);
    r.client = "192.0.2.10";
    r.client_port = 49736;
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.20", 102, 0, 9, 60);
    r.client = "192.0.2.10";
    r.client_port = 49736;
    r.syn_in_file = TRUE;               /* TCP saw the SYN/ACK by now */
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.20", 102, 3, 2, 60);   /* a continuation: no SYN, earlier frame */
    r.client = "192.0.2.11";
    r.client_port = 50000;
    exmta_summary_add(s, &r);
    r = rrpc(EXMTA_SUM_RPC, "10.0.0.5", 1032, EXMTA_KIND_MTA_RPC, 7, 700);
    r.client = "10.0.0.9";
    r.client_port = 1500;
    r.syn_in_file = TRUE;
    exmta_summary_add(s, &r);
    r = rrpc(EXMTA_SUM_EPM_FAILED, "10.0.0.6", 135, EXMTA_KIND_MTA_RPC, 0, 800);
    exmta_summary_add(s, &r);
    r = r1006("192.0.2.30", 102, 0, 11, 60);
    r.has_stream = FALSE;                /* not a session */
    exmta_summary_add(s, &r);

    exmta_summary_format_sessions_csv(out, s);
    g_assert_cmpstr(out->str, ==,
        "host,port,group,stream,client,client_port,syn_in_file,first_frame,last_frame,frames\r\n"
        "192.0.2.20,102,RFC1006,0,192.0.2.10,49736,1,5,9,2\r\n"
        "192.0.2.20,102,RFC1006,3,192.0.2.11,50000,0,2,2,1\r\n"
        "10.0.0.5,1032,RPC,7,10.0.0.9,1500,1,700,700,1\r\n");
    g_string_truncate(out, 0);
    exmta_summary_format_sessions_json(out, s);
    g_assert_nonnull(strstr(out->str,
        "{\"host\": \"10.0.0.5\", \"port\": 1032, \"group\": \"RPC\", \"stream\": 7, "
        "\"client\": \"10.0.0.9\", \"client_port\": 1500, \"syn_in_file\": true, "
        "\"first_frame\": 700, \"last_frame\": 700, \"frames\": 1}"));
    g_assert_nonnull(strstr(out->str, "\"stream\": 3, \"client\": \"192.0.2.11\", \"client_port\": 50000, "
                                      "\"syn_in_file\": false"));
    g_string_truncate(out, 0);
    exmta_summary_format_sessions_text(out, s);
    g_assert_true(g_str_has_prefix(out->str, "Exchange MTA sessions\nhost        port  group    stream"));
    g_assert_nonnull(strstr(out->str, "\n10.0.0.5    1032  RPC      7       10.0.0.9    1500         1"));

    /* no sessions: an empty JSON array, a CSV header */
    exmta_summary_reset(s);
    g_string_truncate(out, 0);
    exmta_summary_format_sessions_json(out, s);
    g_assert_cmpstr(out->str, ==, "[]\n");
    g_string_free(out, TRUE);
    exmta_summary_free(s);
}

/* Many ept_map lookups of one endpoint: the text and CSV column name the
 * first response and how many more; JSON lists every response frame
 * (ascending, each once, whatever order the records came in) and the ways
 * of finding as tokens, in the order of the text. */
static void
test_found_by_many_lookups(void)
{
    exmta_summary_t *s = exmta_summary_new();
    exmta_summary_rec_t r;
    exmta_summary_row_t *row;
    GPtrArray *rows;
    GString *out = g_string_new(NULL);
    static const guint32 learned[] = { 33, 9, 21, 9, 3, 15, 27 };

    r = rrpc(EXMTA_SUM_RPC, "127.10.0.2", 1032, EXMTA_KIND_MTA_RPC, 0, 2);
    r.found_by = EXMTA_SUM_FOUND_STATIC_PREF;
    exmta_summary_add(s, &r);
    for (guint i = 0; i < G_N_ELEMENTS(learned); i++) {
        r = rrpc(EXMTA_SUM_EPM_LEARNED, "127.10.0.2", 1032, EXMTA_KIND_MTA_RPC, learned[i], learned[i]);
        exmta_summary_add(s, &r);
        r = rrpc(EXMTA_SUM_RPC, "127.10.0.2", 1032, EXMTA_KIND_MTA_RPC, learned[i], learned[i] + 1);
        exmta_summary_add(s, &r);
    }
    r = rrpc(EXMTA_SUM_RPC, "127.10.0.2", 1032, EXMTA_KIND_MTA_RPC, 0, 50);
    r.found_by = EXMTA_SUM_FOUND_KNOWN_TABLE;
    exmta_summary_add(s, &r);
    /* one lookup: exactly as before */
    r = rrpc(EXMTA_SUM_EPM_LEARNED, "127.10.0.3", 1045, EXMTA_KIND_MTA_RPC, 77, 77);
    exmta_summary_add(s, &r);
    /* none */
    r = r1006("192.0.2.20", 102, 1, 4, 60);
    exmta_summary_add(s, &r);
    r.found_by = EXMTA_SUM_FOUND_HEURISTIC;
    exmta_summary_add(s, &r);

    row = exmta_summary_row(s, 0);
    g_assert_cmpstr(row->found_by, ==, "static port preference; EPM frame 3 (+5 more); known endpoints table");
    g_assert_cmpuint(row->n_epm_frames, ==, 6);
    g_assert_cmpuint(row->epm_frames[0], ==, 3);
    g_assert_cmpuint(row->epm_frames[5], ==, 33);
    g_assert_cmpuint(row->learned_in, ==, 3);
    g_assert_cmpuint(g_strv_length(row->found_by_methods), ==, 3);
    exmta_summary_row_free(row);

    rows = exmta_summary_rows(s);
    exmta_summary_format_csv(out, rows);
    g_assert_cmpstr(out->str, ==,
        "host,port,kind,found_by,sessions,frames,bytes,first_frame,last_frame,outcome\r\n"
        "127.10.0.2,1032,MTA RPC,static port preference; EPM frame 3 (+5 more); known endpoints table,"
        "1,9,900,2,50,sessions OK\r\n"
        "127.10.0.3,1045,MTA RPC,EPM frame 77,0,0,0,,,\"learned, no session\"\r\n"
        "192.0.2.20,102,RFC1006 (not X.400),port preference; heuristic,1,2,120,4,4,sessions OK\r\n");
    g_string_truncate(out, 0);
    exmta_summary_format_json(out, rows);
    g_assert_nonnull(strstr(out->str,
        "\"found_by\": \"static port preference; EPM frame 3 (+5 more); known endpoints table\", "));
    g_assert_nonnull(strstr(out->str,
        "\"epm_frames\": [3, 9, 15, 21, 27, 33], "
        "\"found_by_methods\": [\"static_port\", \"epm\", \"known_table\"]}"));
    g_assert_nonnull(strstr(out->str,
        "\"found_by\": \"EPM frame 77\", \"sessions\": 0, \"frames\": 0, \"bytes\": 0, "
        "\"first_frame\": null, \"last_frame\": null, \"outcome\": \"learned, no session\", "
        "\"epm_frames\": [77], \"found_by_methods\": [\"epm\"]}"));
    g_assert_nonnull(strstr(out->str,
        "\"epm_frames\": [], \"found_by_methods\": [\"port_preference\", \"heuristic\"]}"));
    g_string_truncate(out, 0);
    exmta_summary_format_text(out, rows);
    g_assert_nonnull(strstr(out->str, "  static port preference; EPM frame 3 (+5 more); known endpoints table  "));

    for (guint8 f = EXMTA_SUM_FOUND_PORT_PREF; f <= EXMTA_SUM_FOUND_KNOWN_TABLE; f++)
        g_assert_nonnull(exmta_summary_found_token(f));
    g_assert_cmpstr(exmta_summary_found_token(EXMTA_SUM_FOUND_DECODE_AS), ==, "decode_as");
    g_assert_cmpstr(exmta_summary_found_token(EXMTA_SUM_FOUND_TPKT_PORT), ==, "tpkt_port");
    g_assert_null(exmta_summary_found_token(0));
    g_assert_null(exmta_summary_found_token(99));

    g_ptr_array_unref(rows);
    g_string_free(out, TRUE);
    exmta_summary_free(s);
}

static void
test_iso_time(void)
{
    char *t = exmta_summary_iso_time(1700000000, 999999999);
    gint64 secs;
    int nsecs;

    g_assert_cmpstr(t, ==, "2023-11-14T22:13:20.999999Z");
    g_free(t);
    /* year 223 and year 1: still four digits, so that they read back */
    t = exmta_summary_iso_time(-55102556800, 0);
    g_assert_cmpstr(t, ==, "0223-11-14T22:13:20.000000Z");
    g_assert_true(exmta_known_parse_time(t, &secs, &nsecs));
    g_assert_cmpint(secs, ==, -55102556800);
    g_assert_cmpint(nsecs, ==, 0);
    g_free(t);
    t = exmta_summary_iso_time(-62135596800, 1000);
    g_assert_cmpstr(t, ==, "0001-01-01T00:00:00.000001Z");
    g_free(t);
}

/* exmta_summary_add gives each record its row, numbered in the order rows
 * were first mentioned, however the records of rows interleave (the GUI's
 * Endpoints table sets that row alone). */
static void
test_row_index(void)
{
    exmta_summary_t *s = exmta_summary_new();
    static const char *const hosts[] = { "192.0.2.20", "192.0.2.21", "192.0.2.22" };
    exmta_summary_rec_t r;

    for (guint i = 0; i < 3; i++) {
        r = r1006(hosts[i], 102, i, 10 + i, 60);
        g_assert_cmpuint(exmta_summary_add(s, &r), ==, i);
    }
    for (guint k = 0; k < 9; k++) {
        guint i = (k * 2) % 3;

        r = r1006(hosts[i], 102, i, 20 + k, 60);
        g_assert_cmpuint(exmta_summary_add(s, &r), ==, i);
    }
    /* another port of a known host is a row of its own */
    r = r1006(hosts[1], 10102, 9, 40, 60);
    g_assert_cmpuint(exmta_summary_add(s, &r), ==, 3);
    g_assert_cmpuint(exmta_summary_num_rows(s), ==, 4);
    exmta_summary_reset(s);
    r = r1006(hosts[2], 102, 2, 50, 60);
    g_assert_cmpuint(exmta_summary_add(s, &r), ==, 0);
    exmta_summary_free(s);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/summary/x400_bind_and_kind", test_x400_bind_and_kind);
    g_test_add_func("/summary/rfc1006_failures", test_rfc1006_failures);
    g_test_add_func("/summary/rpc_rows", test_rpc_rows);
    g_test_add_func("/summary/formats", test_formats);
    g_test_add_func("/summary/found_by_many_lookups", test_found_by_many_lookups);
    g_test_add_func("/summary/iso_time", test_iso_time);
    g_test_add_func("/summary/sessions", test_sessions);
    g_test_add_func("/summary/row_index", test_row_index);
    return g_test_run();
}
