/* test_x400msg.c - unit tests for the X.400 transfers model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "x400msg.h"

static void
test_names(void)
{
    static const char *const ous[] = { "SITE-A", NULL };
    char *s = exmta_x4_orname("XZ", " ", "EXMTA", "Example Org", "Sender", "Alice", NULL, ous);

    g_assert_cmpstr(s, ==, "/C=XZ/A= /P=EXMTA/O=Example Org/S=Sender/G=Alice/OU=SITE-A/");
    g_free(s);
    s = exmta_x4_mts_id("XZ", " ", "EXMTA", "EXMTA-MSG-0101");
    g_assert_cmpstr(s, ==, "/C=XZ/A= /P=EXMTA/ $ EXMTA-MSG-0101");
    g_free(s);
    s = exmta_x4_orname(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    g_assert_cmpstr(s, ==, "/");
    g_free(s);
}

static void
test_message_report_link(void)
{
    exmta_x4_msgs_t *m = exmta_x4_msgs_new();
    const char *rcpts[] = { "/S=Bob/", "/S=Dave/" };
    exmta_x4_rr_t rr[2];
    exmta_x4_transfer_t msg, rep, orphan;
    const GPtrArray *rows;
    const exmta_x4_msg_row_t *r;
    GString *g = g_string_new(NULL);

    memset(&msg, 0, sizeof(msg));
    msg.kind = EXMTA_X4_MESSAGE;
    msg.mts_id = "/C=XZ/ $ M1";
    msg.originator = "/S=Alice/";
    msg.recipients = rcpts;
    msg.n_recipients = 2;
    msg.content_type = "interpersonal-messaging-1988 (22)";
    msg.size = 798;
    msg.priority = 2;
    exmta_x4_msgs_add(m, &msg, 10, 1, 0, TRUE);

    memset(rr, 0, sizeof(rr));
    rr[0].recipient = "/S=Bob/";
    rr[0].delivered = TRUE;
    rr[0].reason = rr[0].diagnostic = -1;
    rr[1].recipient = "/S=Dave/";
    rr[1].reason = 1;
    rr[1].reason_name = "unable-to-transfer";
    rr[1].diagnostic = 0;
    rr[1].diagnostic_name = "unrecognised-OR-name";
    memset(&rep, 0, sizeof(rep));
    rep.kind = EXMTA_X4_REPORT;
    rep.mts_id = "/C=XZ/ $ R1";
    rep.subject_id = "/C=XZ/ $ M1";
    rep.rr = rr;
    rep.n_rr = 2;
    rep.size = -1;
    rep.priority = -1;
    exmta_x4_msgs_add(m, &rep, 20, 1, 0, FALSE);
    g_assert_cmpuint(exmta_x4_msgs_find(m, "/C=XZ/ $ M1"), ==, 10);
    g_assert_cmpuint(exmta_x4_msgs_find(m, "/C=XZ/ $ R1"), ==, 0);

    /* a report whose subject is not in the capture */
    memset(&orphan, 0, sizeof(orphan));
    orphan.kind = EXMTA_X4_REPORT;
    orphan.subject_id = "/C=XZ/ $ M0";
    orphan.size = -1;
    orphan.priority = -1;
    exmta_x4_msgs_add(m, &orphan, 30, 2, 1, TRUE);

    rows = exmta_x4_msgs_rows(m);
    g_assert_cmpuint(rows->len, ==, 3);
    r = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0);
    g_assert_cmpuint(r->report_in, ==, 20);
    g_assert_cmpstr(r->recipients, ==, "/S=Bob/; /S=Dave/");
    r = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 1);
    g_assert_cmpuint(r->subject_in, ==, 10);
    g_assert_cmpstr(r->delivered, ==, "/S=Bob/");
    g_assert_cmpstr(r->non_delivered, ==, "/S=Dave/: unable-to-transfer (1) / unrecognised-OR-name (0)");
    g_assert_cmpuint(r->n_non_delivered, ==, 1);
    r = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 2);
    g_assert_cmpuint(r->subject_in, ==, 0);

    exmta_x4_msgs_format_csv(g, rows);
    g_assert_cmpstr(g->str, ==,
        "frame,assoc,stream,direction,kind,mts_id,originator,recipients,content_type,size,priority,subject_id,"
        "delivered,non_delivered,non_delivered_count,report_in,subject_in,ended_in\r\n"
        "10,1,0,client to server,message,/C=XZ/ $ M1,/S=Alice/,/S=Bob/; /S=Dave/,"
        "interpersonal-messaging-1988 (22),798,urgent,,,,,20,,\r\n"
        "20,1,0,server to client,report,/C=XZ/ $ R1,,,,,,/C=XZ/ $ M1,/S=Bob/,"
        "/S=Dave/: unable-to-transfer (1) / unrecognised-OR-name (0),1,,10,\r\n"
        "30,2,1,client to server,report,,,,,,,/C=XZ/ $ M0,,,0,,,\r\n");
    g_string_truncate(g, 0);
    exmta_x4_msgs_format_json(g, rows);
    g_assert_true(g_str_has_prefix(g->str, "[\n  {\"frame\": 10, \"assoc\": 1, \"stream\": 0, "
                                           "\"direction\": \"client to server\", \"kind\": \"message\""));
    g_assert_nonnull(strstr(g->str, "\"report_in\": null, \"subject_in\": null, \"ended_in\": null}\n]\n"));
    g_string_truncate(g, 0);
    exmta_x4_msgs_format_text(g, rows);
    g_assert_nonnull(strstr(g->str, "Exchange MTA X.400 transfers (exmta): 3\n"));
    g_string_free(g, TRUE);

    exmta_x4_msgs_reset(m);
    g_assert_cmpuint(exmta_x4_msgs_rows(m)->len, ==, 0);
    g_assert_cmpuint(exmta_x4_msgs_find(m, "/C=XZ/ $ M1"), ==, 0);
    exmta_x4_msgs_free(m);
}

/* A transfer stock decoded no P1 for: a row of kind "not decoded" that says
 * where it was and nothing else, and that no report links to. */
static void
test_undecoded_row(void)
{
    exmta_x4_msgs_t *m = exmta_x4_msgs_new();
    exmta_x4_transfer_t t;
    const GPtrArray *rows;
    GString *g = g_string_new(NULL);
    guint first = 99;

    memset(&t, 0, sizeof(t));
    t.kind = EXMTA_X4_UNDECODED;
    t.size = -1;
    t.priority = -1;
    exmta_x4_msgs_add(m, &t, 40, 1, 0, TRUE);
    rows = exmta_x4_msgs_rows(m);
    exmta_x4_msgs_format_csv(g, rows);
    g_assert_cmpstr(g->str, ==,
        "frame,assoc,stream,direction,kind,mts_id,originator,recipients,content_type,size,priority,subject_id,"
        "delivered,non_delivered,non_delivered_count,report_in,subject_in,ended_in\r\n"
        "40,1,0,client to server,not decoded,,,,,,,,,,,,,\r\n");
    g_assert_cmpuint(exmta_x4_msgs_link_report(m, 40, "/C=XZ/ $ M1", 50, &first), ==, 1);
    g_assert_cmpuint(first, ==, 0);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0))->report_in, ==, 0);
    g_string_free(g, TRUE);
    exmta_x4_msgs_free(m);
}

/* What the shell knows over the whole capture: message 10 has its first
 * report in frame 20, probe 14 in frame 24. */
static guint32
capture_report_of(guint32 frame, const char *mts_id, gpointer user_data)
{
    (*(guint *)user_data)++;
    if (frame == 10 && strcmp(mts_id, "/C=XZ/ $ M1") == 0)
        return 20;
    return frame == 14 && strcmp(mts_id, "/C=XZ/ $ P2") == 0 ? 24 : 0;
}

/* A table whose filter kept some transfers only still links them to what
 * it left out, by the shell's links. */
static void
test_filtered_links(void)
{
    exmta_x4_msgs_t *m = exmta_x4_msgs_new();
    exmta_x4_transfer_t msg, probe, rep;
    const GPtrArray *rows;
    const exmta_x4_msg_row_t *r;
    guint asked = 0;

    /* the report alone: its subject (frame 10) is not a row */
    memset(&rep, 0, sizeof(rep));
    rep.kind = EXMTA_X4_REPORT;
    rep.subject_id = "/C=XZ/ $ M1";
    rep.subject_in = 10;
    rep.size = rep.priority = -1;
    exmta_x4_msgs_add(m, &rep, 20, 1, 0, FALSE);
    r = (const exmta_x4_msg_row_t *)g_ptr_array_index(exmta_x4_msgs_rows(m), 0);
    g_assert_cmpuint(r->subject_in, ==, 10);
    exmta_x4_msgs_reset(m);

    /* the message and probe alone: their reports are not rows */
    memset(&msg, 0, sizeof(msg));
    msg.kind = EXMTA_X4_MESSAGE;
    msg.mts_id = "/C=XZ/ $ M1";
    msg.size = msg.priority = -1;
    exmta_x4_msgs_add(m, &msg, 10, 1, 0, TRUE);
    probe = msg;
    probe.kind = EXMTA_X4_PROBE;
    probe.mts_id = "/C=XZ/ $ P2";
    exmta_x4_msgs_add(m, &probe, 14, 1, 0, TRUE);
    /* a message with the same identifier again, later: a report whose
     * shell link names the first one does not link this row */
    exmta_x4_msgs_add(m, &msg, 16, 1, 0, TRUE);
    rep.subject_in = 10;
    exmta_x4_msgs_add(m, &rep, 30, 1, 0, FALSE);
    rows = exmta_x4_msgs_rows(m);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 2))->report_in, ==, 0);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 3))->subject_in, ==, 10);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0))->report_in, ==, 0);

    exmta_x4_msgs_link_reports(m, capture_report_of, &asked);
    g_assert_cmpuint(asked, ==, 3);     /* the three non-report rows */
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0))->report_in, ==, 20);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 1))->report_in, ==, 24);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 2))->report_in, ==, 0);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 3))->report_in, ==, 0);
    exmta_x4_msgs_free(m);
}

/* A table drawn as frames go by links one subject at a time: the message
 * or probe row of that frame with the report's subject identifier, to its
 * earliest report. A frame may carry several transfers: the others keep
 * theirs. */
static void
test_link_report(void)
{
    exmta_x4_msgs_t *m = exmta_x4_msgs_new();
    exmta_x4_transfer_t msg, probe, rep;
    const GPtrArray *rows = exmta_x4_msgs_rows(m);
    guint first = 99;

    memset(&msg, 0, sizeof(msg));
    msg.kind = EXMTA_X4_MESSAGE;
    msg.mts_id = "/C=XZ/ $ M1";
    msg.size = msg.priority = -1;
    probe = msg;
    probe.kind = EXMTA_X4_PROBE;
    probe.mts_id = "/C=XZ/ $ P2";
    memset(&rep, 0, sizeof(rep));
    rep.kind = EXMTA_X4_REPORT;
    rep.size = rep.priority = -1;
    /* frame 10 carries a message and a probe, 14 a message, 30 a report */
    exmta_x4_msgs_add(m, &msg, 10, 1, 0, TRUE);
    exmta_x4_msgs_add(m, &probe, 10, 1, 0, TRUE);
    msg.mts_id = "/C=XZ/ $ M3";
    exmta_x4_msgs_add(m, &msg, 14, 1, 0, TRUE);
    exmta_x4_msgs_add(m, &rep, 30, 1, 0, FALSE);

    /* the report on the message: the probe beside it has none */
    g_assert_cmpuint(exmta_x4_msgs_link_report(m, 10, "/C=XZ/ $ M1", 40, &first), ==, 2);
    g_assert_cmpuint(first, ==, 0);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0))->report_in, ==, 40);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 1))->report_in, ==, 0);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 2))->report_in, ==, 0);
    exmta_x4_msgs_link_report(m, 10, "/C=XZ/ $ P2", 44, &first);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 1))->report_in, ==, 44);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0))->report_in, ==, 40);
    /* an earlier report (a later pass reads out of order) wins; a later one does not */
    exmta_x4_msgs_link_report(m, 10, "/C=XZ/ $ M1", 35, &first);
    exmta_x4_msgs_link_report(m, 10, "/C=XZ/ $ M1", 50, &first);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0))->report_in, ==, 35);
    /* the identifier of another frame's message, or none, links nothing */
    exmta_x4_msgs_link_report(m, 10, "/C=XZ/ $ M3", 36, &first);
    exmta_x4_msgs_link_report(m, 14, NULL, 36, &first);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 0))->report_in, ==, 35);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 1))->report_in, ==, 44);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 2))->report_in, ==, 0);
    /* a frame with no row: none, at the place it would have */
    g_assert_cmpuint(exmta_x4_msgs_link_report(m, 12, "/C=XZ/ $ M1", 40, &first), ==, 0);
    g_assert_cmpuint(first, ==, 2);
    g_assert_cmpuint(exmta_x4_msgs_link_report(m, 99, "/C=XZ/ $ M1", 100, &first), ==, 0);
    g_assert_cmpuint(first, ==, 4);
    /* a report row is not linked to a report */
    g_assert_cmpuint(exmta_x4_msgs_link_report(m, 30, NULL, 60, &first), ==, 1);
    g_assert_cmpuint(first, ==, 3);
    g_assert_cmpuint(((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, 3))->report_in, ==, 0);
    exmta_x4_msgs_free(m);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x400msg/names", test_names);
    g_test_add_func("/x400msg/message_report_link", test_message_report_link);
    g_test_add_func("/x400msg/filtered_links", test_filtered_links);
    g_test_add_func("/x400msg/undecoded_row", test_undecoded_row);
    g_test_add_func("/x400msg/link_report", test_link_report);
    return g_test_run();
}
