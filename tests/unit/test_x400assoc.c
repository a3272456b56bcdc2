/* test_x400assoc.c - unit tests for the X.400 association model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "x400assoc.h"

static exmta_x4_obs_t
obs(guint32 frame, guint32 stream, gboolean from_client, guint32 ev)
{
    exmta_x4_obs_t o;

    exmta_x4_obs_init(&o);
    o.frame = frame;
    o.sec = 1700000000;
    o.nsec = (gint32)frame * 1000000;
    o.stream = stream;
    o.from_client = from_client;
    o.bytes = 100;
    o.client = "192.0.2.10";
    o.server = "192.0.2.20";
    o.client_port = 49731;
    o.server_port = 102;
    o.found_by = "port preference";
    o.ev = ev;
    return o;
}

/* CR, CC, CONNECT with the bind, ACCEPT with the result: returns the id */
static guint32
set_up(exmta_x4_model_t *m, guint32 f, guint32 stream, gboolean with_cr)
{
    exmta_x4_obs_t o;
    guint32 id = 0;

    if (with_cr) {
        o = obs(f, stream, TRUE, EXMTA_X4_CR);
        o.calling_tsap = "MTA-A";
        o.called_tsap = "X400";
        id = exmta_x4_model_add(m, &o);
        o = obs(f + 1, stream, FALSE, EXMTA_X4_CC);
        g_assert_cmpuint(exmta_x4_model_add(m, &o), ==, id);
    }
    o = obs(f + 2, stream, TRUE,
            EXMTA_X4_SES_CN | EXMTA_X4_PRES_CP | EXMTA_X4_AARQ | EXMTA_X4_RTORQ | EXMTA_X4_BIND_ARG | EXMTA_X4_X400);
    o.called_ssap = "532d42";
    o.called_psap = "502d42";
    o.app_context = "2.6.0.1.6";
    o.pres_mode = 1;
    o.dialogue_mode = 1;
    o.initiator = "EXCH-MTA-A";
    if (id)
        g_assert_cmpuint(exmta_x4_model_add(m, &o), ==, id);
    else
        id = exmta_x4_model_add(m, &o);
    o = obs(f + 3, stream, FALSE,
            EXMTA_X4_SES_AC | EXMTA_X4_AARE | EXMTA_X4_RTOAC | EXMTA_X4_BIND_RES | EXMTA_X4_X400);
    o.acse_result = 0;
    o.responder = "EXCH-MTA-B";
    g_assert_cmpuint(exmta_x4_model_add(m, &o), ==, id);
    return id;
}

static void
test_accepted_transfer_release(void)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    guint32 id = set_up(m, 4, 0, TRUE);
    exmta_x4_obs_t o;
    const exmta_x4_assoc_t *a;
    char *s;

    o = obs(8, 0, TRUE, EXMTA_X4_X400);
    o.messages = 2;
    o.bytes = 1500;
    exmta_x4_model_add(m, &o);
    o = obs(9, 0, FALSE, EXMTA_X4_X400);
    o.reports = 1;
    exmta_x4_model_add(m, &o);
    o = obs(10, 0, TRUE, EXMTA_X4_SES_FN | EXMTA_X4_RLRQ);
    exmta_x4_model_add(m, &o);
    o = obs(11, 0, FALSE, EXMTA_X4_SES_DN | EXMTA_X4_RLRE);
    exmta_x4_model_add(m, &o);
    /* the RST after the release belongs to it and changes nothing */
    o = obs(14, 0, FALSE, EXMTA_X4_RST);
    g_assert_cmpuint(exmta_x4_model_add(m, &o), ==, id);

    a = exmta_x4_model_get(m, id);
    g_assert_nonnull(a);
    g_assert_true(a->start_seen);
    g_assert_cmpint(a->bind, ==, EXMTA_X4_BIND_ACCEPTED);
    g_assert_cmpint(a->end, ==, EXMTA_X4_END_RELEASE);
    g_assert_cmpuint(a->end_frame, ==, 11);
    g_assert_cmpint(a->rtse_mode, ==, EXMTA_X4_RTSE_NORMAL);
    g_assert_cmpint(a->dialogue_mode, ==, 1);
    g_assert_cmpuint(a->messages[0], ==, 2);
    g_assert_cmpuint(a->reports[1], ==, 1);
    g_assert_cmpuint(a->bytes[0], ==, 100 * 2 + 1500 + 100);
    g_assert_cmpuint(a->last_frame, ==, 14);
    s = exmta_x4_result_text(a);
    g_assert_cmpstr(s, ==, "accepted");
    g_free(s);
    s = exmta_x4_end_text(a);
    g_assert_cmpstr(s, ==, "orderly release");
    g_free(s);
    exmta_x4_model_free(m);
}

/* Transfers stock decoded no P1 for count apart, in each direction, and
 * a frame that has one is not empty. */
static void
test_undecoded(void)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    guint32 id = set_up(m, 4, 0, TRUE);
    exmta_x4_obs_t o;
    const exmta_x4_assoc_t *a;
    char *c;

    o = obs(8, 0, TRUE, 0);
    g_assert_true(exmta_x4_obs_empty(&o));
    o.undecoded = 2;
    g_assert_false(exmta_x4_obs_empty(&o));
    g_assert_cmpuint(exmta_x4_model_add(m, &o), ==, id);
    o = obs(9, 0, FALSE, EXMTA_X4_X400);
    o.messages = 1;
    o.undecoded = 1;
    exmta_x4_model_add(m, &o);
    a = exmta_x4_model_get(m, id);
    g_assert_cmpuint(a->undecoded[0], ==, 2);
    g_assert_cmpuint(a->undecoded[1], ==, 1);
    g_assert_cmpuint(a->messages[0], ==, 0);
    g_assert_cmpuint(a->messages[1], ==, 1);
    g_assert_cmpstr(exmta_x4_columns[31], ==, "not decoded out");
    g_assert_cmpstr(exmta_x4_keys[32], ==, "undecoded_in");
    g_assert_true(exmta_x4_col_numeric(31) && exmta_x4_col_numeric(32));
    c = exmta_x4_cell(a, 31);
    g_assert_cmpstr(c, ==, "2");
    g_free(c);
    c = exmta_x4_cell(a, 32);
    g_assert_cmpstr(c, ==, "1");
    g_free(c);
    exmta_x4_model_free(m);
}

static void
test_refusals_by_layer(void)
{
    static const struct {
        guint32 ev;
        int field;              /* which reason field */
        gint reason;
        const char *result;
        const char *expert;
    } cases[] = {
        { EXMTA_X4_SES_RF, 0, 0x81, "refused by session: called SSAP not recognised (0x81)",
          "[Connector] Session refused: called SSAP not recognised (0x81) - the remote MTA's OSI address "
          "(T/S/P selectors) differs from the one configured here" },
        { EXMTA_X4_SES_RF | EXMTA_X4_PRES_CPR, 1, 3,
          "refused by presentation: called-presentation-address-unknown (3)",
          "[Connector] Presentation refused: called-presentation-address-unknown (3) - the remote MTA's P selector "
          "differs from the one configured here" },
        { EXMTA_X4_AARE | EXMTA_X4_SES_AC, 2, 1, "refused by ACSE: rejected-permanent (1)", NULL },
        { EXMTA_X4_AARE | EXMTA_X4_RTORJ, 3, 0, "refused by RTSE: busy (0)",
          "[Connector] RTSE refused: busy (0) - the remote MTA has no association free: retry later, "
          "check its association limits" },
        { EXMTA_X4_AARE | EXMTA_X4_RTORJ | EXMTA_X4_BIND_ERR, 4, 2,
          "refused by MTA bind: authentication-error (2)", NULL },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        exmta_x4_model_t *m = exmta_x4_model_new();
        exmta_x4_obs_t o = obs(4, 3, TRUE, EXMTA_X4_CR);
        const exmta_x4_assoc_t *a;
        exmta_x4_layer_t l;
        gint reason;
        guint32 id;
        char *s;

        id = exmta_x4_model_add(m, &o);
        o = obs(6, 3, TRUE, EXMTA_X4_SES_CN | EXMTA_X4_AARQ | EXMTA_X4_RTORQ | EXMTA_X4_BIND_ARG);
        exmta_x4_model_add(m, &o);
        o = obs(7, 3, FALSE, cases[i].ev);
        o.acse_result = cases[i].field >= 2 ? (cases[i].field == 2 ? 1 : 0) : -1;
        if (cases[i].field == 0)
            o.ses_reason = cases[i].reason;
        else if (cases[i].field == 1)
            o.pres_reason = cases[i].reason;
        else if (cases[i].field == 3)
            o.rtse_refuse = cases[i].reason;
        else if (cases[i].field == 4)
            o.bind_error = cases[i].reason;
        exmta_x4_model_add(m, &o);
        a = exmta_x4_model_get(m, id);
        g_assert_cmpint(a->bind, ==, EXMTA_X4_BIND_REFUSED);
        g_assert_cmpint(a->end, ==, EXMTA_X4_END_REFUSED);
        g_assert_cmpuint(a->refused_in, ==, 7);
        s = exmta_x4_result_text(a);
        g_assert_cmpstr(s, ==, cases[i].result);
        g_free(s);
        l = exmta_x4_obs_refusal(&o, &reason);
        g_assert_cmpint(l, ==, a->refused_by);
        g_assert_cmpint(reason, ==, cases[i].reason);
        /* the tree's "Refuse reason" label is the table's, after "refused by LAYER: " */
        s = exmta_x4_reason_label(l, reason, FALSE);
        g_assert_cmpstr(s, ==, strstr(cases[i].result, ": ") + 2);
        g_free(s);
        if (cases[i].expert) {
            s = exmta_x4_refusal_text(l, reason);
            g_assert_cmpstr(s, ==, cases[i].expert);
            g_free(s);
        }
        exmta_x4_model_free(m);
    }
}

static void
test_reason_labels(void)
{
    char *s;

    /* a code the layer does not name has no label: the tree shows the number */
    g_assert_null(exmta_x4_reason_label(EXMTA_X4_LAYER_RTSE, 99, FALSE));
    g_assert_null(exmta_x4_reason_label(EXMTA_X4_LAYER_SESSION, 0, TRUE));
    /* aborts are named from their own tables */
    s = exmta_x4_reason_label(EXMTA_X4_LAYER_RTSE, 5, TRUE);
    g_assert_cmpstr(s, ==, "permanent-problem (5)");
    g_free(s);
    s = exmta_x4_reason_label(EXMTA_X4_LAYER_RTSE, 5, FALSE);   /* refuseReason 5 is not defined */
    g_assert_null(s);
    s = exmta_x4_reason_label(EXMTA_X4_LAYER_TRANSPORT, 3, FALSE);
    g_assert_cmpstr(s, ==, "Address unknown (0x03)");
    g_free(s);
}

static void
test_transport_refusal_and_rst(void)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    exmta_x4_obs_t o = obs(4, 0, TRUE, EXMTA_X4_CR);
    const exmta_x4_assoc_t *a;
    guint32 id = exmta_x4_model_add(m, &o);
    char *s;

    o = obs(5, 0, FALSE, EXMTA_X4_DR);
    o.dr_reason = 3;
    exmta_x4_model_add(m, &o);
    a = exmta_x4_model_get(m, id);
    g_assert_cmpint(a->refused_by, ==, EXMTA_X4_LAYER_TRANSPORT);
    s = exmta_x4_result_text(a);
    g_assert_cmpstr(s, ==, "refused by transport: Address unknown (0x03)");
    g_free(s);
    s = exmta_x4_end_text(a);
    g_assert_cmpstr(s, ==, "COTP DR: Address unknown (0x03)");
    g_free(s);

    /* an accepted association ended by a reset */
    id = set_up(m, 10, 1, TRUE);
    o = obs(20, 1, FALSE, EXMTA_X4_RST);
    exmta_x4_model_add(m, &o);
    a = exmta_x4_model_get(m, id);
    g_assert_cmpint(a->end, ==, EXMTA_X4_END_RST);
    g_assert_cmpint(a->bind, ==, EXMTA_X4_BIND_ACCEPTED);
    g_assert_cmpuint(exmta_x4_model_current(m, 1), ==, id);
    g_assert_cmpuint(exmta_x4_model_current(m, 7), ==, 0);
    exmta_x4_model_free(m);
}

static void
test_two_associations_one_stream_and_midstream(void)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    exmta_x4_obs_t o;
    guint32 first, second, mid;
    GPtrArray *rows;
    const exmta_x4_assoc_t *a;
    char *s;

    first = set_up(m, 4, 0, TRUE);
    o = obs(8, 0, FALSE, EXMTA_X4_SES_DN | EXMTA_X4_RLRE);
    exmta_x4_model_add(m, &o);
    /* a new CONNECT on the same transport connection */
    second = set_up(m, 10, 0, FALSE);
    g_assert_cmpuint(second, !=, first);
    a = exmta_x4_model_get(m, second);
    g_assert_true(a->start_seen);
    g_assert_null(a->called_tsap);
    g_assert_cmpuint(a->first_frame, ==, 12);

    /* a stream whose first frame is in the middle of an association */
    o = obs(30, 5, TRUE, EXMTA_X4_X400);
    o.messages = 1;
    mid = exmta_x4_model_add(m, &o);
    a = exmta_x4_model_get(m, mid);
    g_assert_false(a->start_seen);
    s = exmta_x4_result_text(a);
    g_assert_cmpstr(s, ==, "set-up not in the capture");
    g_free(s);

    /* another RFC1006 user (S7comm) is not listed */
    o = obs(40, 6, TRUE, EXMTA_X4_CR);
    exmta_x4_model_add(m, &o);
    o = obs(42, 6, TRUE, EXMTA_X4_OTHER);
    exmta_x4_model_add(m, &o);
    rows = exmta_x4_model_rows(m);
    g_assert_cmpuint(rows->len, ==, 3);
    g_assert_cmpuint(((exmta_x4_assoc_t *)g_ptr_array_index(rows, 0))->id, ==, first);
    g_assert_cmpuint(((exmta_x4_assoc_t *)g_ptr_array_index(rows, 2))->id, ==, mid);
    g_ptr_array_free(rows, TRUE);

    /* a transfer not read yet shows nothing; any fact does */
    o = obs(60, 0, TRUE, EXMTA_X4_PENDING);
    g_assert_true(exmta_x4_obs_empty(&o));
    o.ev |= EXMTA_X4_X400;
    g_assert_false(exmta_x4_obs_empty(&o));
    o = obs(60, 0, TRUE, 0);
    o.reports = 1;
    g_assert_false(exmta_x4_obs_empty(&o));

    /* events and counts say nothing more; each name, mode or reason does */
    o.ev = EXMTA_X4_X400 | EXMTA_X4_RTORQ;
    g_assert_false(exmta_x4_obs_says(&o));
    {
        exmta_x4_obs_t base = o;
        const char **strs[] = { &o.calling_tsap, &o.called_tsap, &o.calling_ssap, &o.called_ssap, &o.calling_psap,
                                &o.called_psap, &o.app_context, &o.initiator, &o.responder };
        gint *ints[] = { &o.pres_mode, &o.dialogue_mode, &o.bind_error, &o.ses_reason, &o.pres_reason,
                         &o.acse_result, &o.acse_abort_source, &o.rtse_refuse, &o.rtse_abort, &o.dr_reason };

        for (guint i = 0; i < G_N_ELEMENTS(strs); i++) {
            o = base;
            *strs[i] = "x";
            g_assert_true(exmta_x4_obs_says(&o));
        }
        for (guint i = 0; i < G_N_ELEMENTS(ints); i++) {
            o = base;
            *ints[i] = 0;
            g_assert_true(exmta_x4_obs_says(&o));
        }
    }

    /* the listener's model takes the shell's ids as they come */
    exmta_x4_model_reset(m);
    o = obs(50, 0, TRUE, 0);
    o.assoc = 7;
    g_assert_cmpuint(exmta_x4_model_add(m, &o), ==, 7);
    exmta_x4_model_free(m);
}

static void
test_abort(void)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    guint32 id = set_up(m, 4, 0, TRUE);
    exmta_x4_obs_t o = obs(9, 0, TRUE, EXMTA_X4_SES_AB | EXMTA_X4_RTAB);
    const exmta_x4_assoc_t *a;
    char *s;

    o.rtse_abort = 5;
    exmta_x4_model_add(m, &o);
    a = exmta_x4_model_get(m, id);
    g_assert_cmpint(a->end, ==, EXMTA_X4_END_ABORT);
    g_assert_cmpint(a->abort_by, ==, EXMTA_X4_LAYER_RTSE);
    s = exmta_x4_end_text(a);
    g_assert_cmpstr(s, ==, "abort by RTSE: permanent-problem (5)");
    g_free(s);
    s = exmta_x4_abort_text(EXMTA_X4_LAYER_RTSE, 5);
    g_assert_true(g_str_has_prefix(s, "[Connector] Association aborted by RTSE: permanent-problem (5) - "));
    g_free(s);
    exmta_x4_model_free(m);
}

static void
test_renderings(void)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    GPtrArray *rows;
    GString *g = g_string_new(NULL);
    exmta_x4_obs_t o;

    set_up(m, 4, 0, TRUE);
    o = obs(8, 0, FALSE, EXMTA_X4_SES_DN | EXMTA_X4_RLRE);
    o.responder = "MTA, \"B\"";         /* quoted in CSV, escaped in JSON */
    exmta_x4_model_add(m, &o);
    rows = exmta_x4_model_rows(m);
    exmta_x4_format_csv(g, rows);
    g_assert_cmpstr(g->str, ==,
        "assoc,stream,client,client_port,server,port,found_by,first_frame,last_frame,duration,calling_tsap,"
        "called_tsap,calling_ssap,called_ssap,calling_psap,called_psap,application_context,rtse_mode,"
        "dialogue_mode,initiator,responder,result,end,messages_out,messages_in,probes_out,probes_in,reports_out,"
        "reports_in,bytes_out,bytes_in,undecoded_out,undecoded_in\r\n"
        "1,0,192.0.2.10,49731,192.0.2.20,102,port preference,4,8,0.004000,MTA-A,X400,,532d42,,502d42,2.6.0.1.6,"
        "normal,two-way-alternate,EXCH-MTA-A,EXCH-MTA-B,accepted,orderly release,0,0,0,0,0,0,200,300,0,0\r\n");
    g_string_truncate(g, 0);
    exmta_x4_format_json(g, rows);
    g_assert_true(g_str_has_prefix(g->str, "[\n  {\"assoc\": 1, \"stream\": 0, \"client\": \"192.0.2.10\""));
    g_assert_nonnull(strstr(g->str, "\"calling_ssap\": null"));
    g_assert_nonnull(strstr(g->str, "\"end_code\": 1, \"abort_by\": 0, \"end_reason\": -1, \"end_frame\": 8}\n]\n"));
    g_string_truncate(g, 0);
    exmta_x4_format_text(g, rows);
    g_assert_true(g_str_has_prefix(g->str,
        "==================================================================================\n"
        "Exchange MTA X.400 associations (exmta): 1\nassoc  stream  client"));
    g_ptr_array_free(rows, TRUE);

    /* no rows */
    exmta_x4_model_reset(m);
    rows = exmta_x4_model_rows(m);
    g_string_truncate(g, 0);
    exmta_x4_format_json(g, rows);
    g_assert_cmpstr(g->str, ==, "[]\n");
    g_ptr_array_free(rows, TRUE);
    g_string_free(g, TRUE);
    exmta_x4_model_free(m);
}

/* The ids of exmta_x4_model_rows, to compare a followed table with. */
static void
assert_rows_are(const exmta_x4_model_t *m, const GArray *ids)
{
    GPtrArray *rows = exmta_x4_model_rows(m);

    g_assert_cmpuint(rows->len, ==, ids->len);
    for (guint i = 0; i < rows->len; i++)
        g_assert_cmpuint(((exmta_x4_assoc_t *)g_ptr_array_index(rows, i))->id, ==, g_array_index(ids, guint32, i));
    g_ptr_array_free(rows, TRUE);
}

static exmta_x4_row_change_t
follow(exmta_x4_model_t *m, GArray *ids, guint32 frame, guint32 stream, guint32 ev, guint *pos)
{
    exmta_x4_obs_t o = obs(frame, stream, TRUE, ev);
    exmta_x4_row_change_t c = exmta_x4_rows_follow(ids, m, exmta_x4_model_add(m, &o), pos);

    assert_rows_are(m, ids);
    return c;
}

/* A table drawn as frames go by follows the listed rows one frame at a
 * time: rows come (a new association, or an unlisted one that carries
 * X.400 after all) and go (one that turns out to carry another RFC1006
 * user), moving the rows after them. */
static void
test_rows_follow(void)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
    guint pos = 99;

    g_assert_cmpint(follow(m, ids, 1, 0, EXMTA_X4_CR, &pos), ==, EXMTA_X4_ROW_INSERTED);
    g_assert_cmpuint(pos, ==, 0);
    g_assert_cmpint(follow(m, ids, 2, 1, EXMTA_X4_CR, &pos), ==, EXMTA_X4_ROW_INSERTED);
    g_assert_cmpuint(pos, ==, 1);
    g_assert_cmpint(follow(m, ids, 3, 2, EXMTA_X4_CR, &pos), ==, EXMTA_X4_ROW_INSERTED);
    g_assert_cmpuint(pos, ==, 2);
    g_assert_cmpint(follow(m, ids, 4, 1, EXMTA_X4_CC, &pos), ==, EXMTA_X4_ROW_CHANGED);
    g_assert_cmpuint(pos, ==, 1);
    /* the first turns out to be MMS: its row leaves, the others move up */
    g_assert_cmpint(follow(m, ids, 5, 0, EXMTA_X4_OTHER, &pos), ==, EXMTA_X4_ROW_REMOVED);
    g_assert_cmpuint(pos, ==, 0);
    g_assert_cmpuint(ids->len, ==, 2);
    /* its later frames draw nothing */
    g_assert_cmpint(follow(m, ids, 6, 0, 0, &pos), ==, EXMTA_X4_ROW_UNLISTED);
    g_assert_cmpint(follow(m, ids, 7, 2, EXMTA_X4_CC, &pos), ==, EXMTA_X4_ROW_CHANGED);
    g_assert_cmpuint(pos, ==, 1);
    /* an unlisted association that carries X.400 comes back before the others */
    g_assert_cmpint(follow(m, ids, 8, 0, EXMTA_X4_X400, &pos), ==, EXMTA_X4_ROW_INSERTED);
    g_assert_cmpuint(pos, ==, 0);
    g_assert_cmpuint(ids->len, ==, 3);
    /* one that is another user's from its first frame never shows */
    g_assert_cmpint(follow(m, ids, 9, 3, EXMTA_X4_CR | EXMTA_X4_OTHER, &pos), ==, EXMTA_X4_ROW_UNLISTED);
    /* a table with a filter sees an earlier association's first frame late */
    g_array_remove_index(ids, 1);
    g_assert_cmpint(exmta_x4_rows_follow(ids, m, 2, &pos), ==, EXMTA_X4_ROW_INSERTED);
    g_assert_cmpuint(pos, ==, 1);
    assert_rows_are(m, ids);
    /* an id the model does not have is not listed */
    g_assert_cmpint(exmta_x4_rows_follow(ids, m, 77, &pos), ==, EXMTA_X4_ROW_UNLISTED);
    g_array_free(ids, TRUE);
    exmta_x4_model_free(m);
}

/* An RTSE open request or acceptance that stock read with no MTA bind in it. */
static void
test_bind_undecoded(void)
{
    g_assert_false(exmta_x4_bind_undecoded(0));
    g_assert_false(exmta_x4_bind_undecoded(EXMTA_X4_SES_CN | EXMTA_X4_AARQ));
    g_assert_false(exmta_x4_bind_undecoded(EXMTA_X4_RTORQ | EXMTA_X4_BIND_ARG));
    g_assert_false(exmta_x4_bind_undecoded(EXMTA_X4_RTOAC | EXMTA_X4_BIND_RES));
    /* a refusal carries its bind error in an RTORJ, not an RTOAC */
    g_assert_false(exmta_x4_bind_undecoded(EXMTA_X4_RTORJ | EXMTA_X4_BIND_ERR));
    g_assert_false(exmta_x4_bind_undecoded(EXMTA_X4_RTORJ));
    g_assert_true(exmta_x4_bind_undecoded(EXMTA_X4_SES_CN | EXMTA_X4_AARQ | EXMTA_X4_RTORQ | EXMTA_X4_X400));
    g_assert_true(exmta_x4_bind_undecoded(EXMTA_X4_SES_AC | EXMTA_X4_AARE | EXMTA_X4_RTOAC));
    /* the answer's bind says nothing of the request's */
    g_assert_true(exmta_x4_bind_undecoded(EXMTA_X4_RTORQ | EXMTA_X4_BIND_RES));
    g_assert_true(exmta_x4_bind_undecoded(EXMTA_X4_RTOAC | EXMTA_X4_BIND_ARG));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x400assoc/accepted_transfer_release", test_accepted_transfer_release);
    g_test_add_func("/x400assoc/undecoded", test_undecoded);
    g_test_add_func("/x400assoc/bind_undecoded", test_bind_undecoded);
    g_test_add_func("/x400assoc/refusals_by_layer", test_refusals_by_layer);
    g_test_add_func("/x400assoc/reason_labels", test_reason_labels);
    g_test_add_func("/x400assoc/transport_refusal_and_rst", test_transport_refusal_and_rst);
    g_test_add_func("/x400assoc/two_associations_and_midstream", test_two_associations_one_stream_and_midstream);
    g_test_add_func("/x400assoc/abort", test_abort);
    g_test_add_func("/x400assoc/renderings", test_renderings);
    g_test_add_func("/x400assoc/rows_follow", test_rows_follow);
    return g_test_run();
}
