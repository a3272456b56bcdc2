/* test_rfc1006.c - the RFC1006 detector, on real-shaped PDUs and near misses.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>
#include "rfc1006.h"

/* CR as an X.400 MTA sends it: class 0, TPDU size 2048, calling/called TSAP. */
static const guint8 cr_x400[] = {
    0x03, 0x00, 0x00, 0x16,
    0x11, 0xE0, 0x00, 0x00, 0x17, 0xC4, 0x00,
    0xC1, 0x02, 0x00, 0x01, 0xC2, 0x02, 0x00, 0x01, 0xC0, 0x01, 0x0B,
};
/* CC answering it */
static const guint8 cc_x400[] = {
    0x03, 0x00, 0x00, 0x0B,
    0x06, 0xD0, 0x17, 0xC4, 0x03, 0x4C, 0x00,
};
/* DR, reason 0x80 (normal disconnect) */
static const guint8 dr_normal[] = {
    0x03, 0x00, 0x00, 0x0B,
    0x06, 0x80, 0x17, 0xC4, 0x03, 0x4C, 0x80,
};
/* DT carrying GIVE TOKENS + DATA TRANSFER and a presentation PDU */
static const guint8 dt_session[] = {
    0x03, 0x00, 0x00, 0x0F,
    0x02, 0xF0, 0x80,
    0x01, 0x00, 0x01, 0x00, 0x61, 0x02, 0x30, 0x00,
};
/* S7comm job over COTP DT: 0x32 is not a session SPDU */
static const guint8 dt_s7[] = {
    0x03, 0x00, 0x00, 0x11,
    0x02, 0xF0, 0x80,
    0x32, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
};
/* RDP connection request with a routing cookie inside the LI */
static const guint8 cr_rdp[] = {
    0x03, 0x00, 0x00, 0x1F,
    0x1A, 0xE0, 0x00, 0x00, 0x00, 0x00, 0x00,
    'C', 'o', 'o', 'k', 'i', 'e', ':', ' ', 'm', 's', 't', 's', 'h', 'a', 's', 'h', '=', 'a', 0x0D, 0x0A,
};

static void
test_accepts_cr(void)
{
    exmta_r1006_info_t info;
    g_assert_true(exmta_rfc1006_check(cr_x400, sizeof(cr_x400), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_OK);
    g_assert_cmpuint(info.tpdu, ==, EXMTA_COTP_CR);
    g_assert_cmpuint(info.tpkt_length, ==, 22);
    g_assert_cmpuint(info.li, ==, 17);
    g_assert_cmpuint(info.cotp_class, ==, 0);
    g_assert_cmpuint(info.tpkts_checked, ==, 1);
    g_assert_false(info.any_reserved_nonzero);
}

static void
test_accepts_cc_dr_dt(void)
{
    exmta_r1006_info_t info;
    g_assert_true(exmta_rfc1006_check(cc_x400, sizeof(cc_x400), &info));
    g_assert_cmpuint(info.tpdu, ==, EXMTA_COTP_CC);
    g_assert_true(exmta_rfc1006_check(dr_normal, sizeof(dr_normal), &info));
    g_assert_cmpuint(info.tpdu, ==, EXMTA_COTP_DR);
    g_assert_cmpuint(info.dr_reason, ==, 0x80);
    g_assert_true(exmta_rfc1006_check(dt_session, sizeof(dt_session), &info));
    g_assert_cmpuint(info.tpdu, ==, EXMTA_COTP_DT);
}

static void
test_reserved_byte(void)
{
    exmta_r1006_info_t info;
    guint8 buf[sizeof(cr_x400)];

    memcpy(buf, cr_x400, sizeof(buf));
    buf[1] = 0x01;      /* Exchange 4.0 before SP3 */
    g_assert_true(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpuint(info.tpkt_reserved, ==, 1);
    g_assert_true(info.any_reserved_nonzero);
    /* ... but not when the COTP header is wrong */
    buf[5] = 0x40;
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_TPDU);
}

/* A capture that starts inside an X.400 association: the first DT the
 * heuristic sees may be an activity's start or end after GIVE TOKENS. */
static void
test_activity_spdus(void)
{
    static const guint8 gt_as[] = { 0x03, 0x00, 0x00, 0x11, 0x02, 0xF0, 0x80,
                                    0x01, 0x00, 0x2D, 0x06, 0x29, 0x04, 0x30, 0x38, 0x30, 0x31 };
    static const guint8 gt_ae[] = { 0x03, 0x00, 0x00, 0x0E, 0x02, 0xF0, 0x80, 0x01, 0x00, 0x29, 0x03, 0x2A, 0x01, 0x31 };
    static const guint8 gt_aea[] = { 0x03, 0x00, 0x00, 0x0B, 0x02, 0xF0, 0x80, 0x01, 0x00, 0x2A, 0x00 };
    /* ... not any SPDU after GIVE TOKENS, and not one longer than the DT */
    static const guint8 gt_other[] = { 0x03, 0x00, 0x00, 0x0B, 0x02, 0xF0, 0x80, 0x01, 0x00, 0x30, 0x00 };
    static const guint8 gt_as_long[] = { 0x03, 0x00, 0x00, 0x0D, 0x02, 0xF0, 0x80,
                                         0x01, 0x00, 0x2D, 0x06, 0x29, 0x04 };
    exmta_r1006_info_t info;

    g_assert_true(exmta_rfc1006_check(gt_as, sizeof(gt_as), &info));
    g_assert_true(exmta_rfc1006_check(gt_ae, sizeof(gt_ae), &info));
    g_assert_true(exmta_rfc1006_check(gt_aea, sizeof(gt_aea), &info));
    g_assert_false(exmta_rfc1006_check(gt_other, sizeof(gt_other), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_NOT_SESSION);
    g_assert_false(exmta_rfc1006_check(gt_as_long, sizeof(gt_as_long), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_NOT_SESSION);
}

static void
test_rejects_lookalikes(void)
{
    exmta_r1006_info_t info;
    g_assert_false(exmta_rfc1006_check(dt_s7, sizeof(dt_s7), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_NOT_SESSION);
    g_assert_false(exmta_rfc1006_check(cr_rdp, sizeof(cr_rdp), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_PARAMETER);
}

static void
test_tpkt_lengths(void)
{
    exmta_r1006_info_t info;
    guint8 buf[sizeof(cr_x400)];

    memcpy(buf, cr_x400, sizeof(buf));
    for (guint l = 0; l <= 6; l++) {
        buf[2] = 0;
        buf[3] = (guint8)l;
        g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
        g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_TPKT_LENGTH);
    }
    /* 65535: no CR is that long */
    buf[2] = 0xFF;
    buf[3] = 0xFF;
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_TPKT_LENGTH);
    /* ... but a DT may be: the PDU continues in later segments */
    {
        guint8 dt[sizeof(dt_session)];
        memcpy(dt, dt_session, sizeof(dt));
        dt[2] = 0xFF;
        dt[3] = 0xFF;
        g_assert_true(exmta_rfc1006_check(dt, sizeof(dt), &info));
        g_assert_cmpuint(info.tpkt_length, ==, 65535);
    }
    /* every prefix shorter than the COTP header is refused, never read past */
    for (gsize n = 0; n < 22; n++) {
        guint8 *copy = g_memdup2(cr_x400, n ? n : 1);
        g_assert_false(exmta_rfc1006_check(copy, n, &info));
        g_free(copy);
    }
}

static void
test_li_past_tpdu(void)
{
    exmta_r1006_info_t info;
    guint8 buf[sizeof(cr_x400)];

    memcpy(buf, cr_x400, sizeof(buf));
    buf[4] = 0x12;      /* LI one past the TPKT */
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_LI);
    buf[4] = 0x10;      /* LI ends inside the last parameter */
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_PARAMETER);
    buf[4] = 0xFF;
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_LI);
}

static void
test_class_and_params(void)
{
    exmta_r1006_info_t info;
    guint8 buf[sizeof(cr_x400)];

    memcpy(buf, cr_x400, sizeof(buf));
    buf[10] = 0x40;     /* class 4 */
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_CLASS);
    buf[10] = 0x20;     /* class 2 (RFC 2126) */
    g_assert_true(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpuint(info.cotp_class, ==, 2);
    memcpy(buf, cr_x400, sizeof(buf));
    buf[21] = 0x0E;     /* TPDU size 16384: not defined */
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_PARAMETER);
    memcpy(buf, cr_x400, sizeof(buf));
    buf[11] = 0xE0;     /* clearing information is a DR parameter */
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    memcpy(buf, cr_x400, sizeof(buf));
    buf[6] = 0x12;      /* CR with a destination reference */
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_FIXED_PART);
}

static void
test_garbage_after_valid_header(void)
{
    exmta_r1006_info_t info;
    guint8 buf[sizeof(cc_x400) + 8];

    memcpy(buf, cc_x400, sizeof(cc_x400));
    memcpy(buf + sizeof(cc_x400), "\x03\x00\x00\x08GARB", 8);
    g_assert_false(exmta_rfc1006_check(buf, sizeof(buf), &info));
    g_assert_cmpint(info.status, ==, EXMTA_R1006_BAD_NEXT);
    /* two valid TPKTs in one segment, and a third cut by the segment end */
    {
        guint8 two[sizeof(cc_x400) + sizeof(dt_session) + 5];
        memcpy(two, cc_x400, sizeof(cc_x400));
        memcpy(two + sizeof(cc_x400), dt_session, sizeof(dt_session));
        memcpy(two + sizeof(cc_x400) + sizeof(dt_session), "\x03\x00\x01\x00\x02", 5);
        g_assert_true(exmta_rfc1006_check(two, sizeof(two), &info));
        g_assert_cmpuint(info.tpkts_checked, ==, 2);
    }
}

static void
count_tpdu(guint8 tpdu, const guint8 *cotp G_GNUC_UNUSED, gsize cotp_len G_GNUC_UNUSED, guint8 reserved G_GNUC_UNUSED, gpointer ud)
{
    GString *s = (GString *)ud;
    g_string_append_printf(s, "%X", tpdu);
}

static void
test_walk(void)
{
    guint8 buf[sizeof(cr_x400) + sizeof(dr_normal) + 3];
    GString *s = g_string_new(NULL);

    memcpy(buf, cr_x400, sizeof(cr_x400));
    memcpy(buf + sizeof(cr_x400), dr_normal, sizeof(dr_normal));
    memcpy(buf + sizeof(cr_x400) + sizeof(dr_normal), "\x03\x00\x00", 3);
    g_assert_cmpuint(exmta_rfc1006_walk(buf, sizeof(buf), count_tpdu, s), ==, 2);
    g_assert_cmpstr(s->str, ==, "E8");
    g_assert_cmpuint(exmta_rfc1006_walk(buf, 0, count_tpdu, s), ==, 0);
    g_string_free(s, TRUE);
    g_assert_cmpstr(exmta_cotp_dr_reason_str(0x80), ==, "Normal disconnect initiated by the session entity");
    g_assert_null(exmta_cotp_dr_reason_str(0x99));
}

static void
test_dt_spdu(void)
{
    /* class 0 DT, EOT, session CONNECT (13) with a 2-octet body */
    static const guint8 dt_cn[] = { 0x02, 0xF0, 0x80, 0x0D, 0x02, 0x05, 0x00 };
    /* class 0 DT without EOT, ACCEPT (14) */
    static const guint8 dt_ac_more[] = { 0x02, 0xF0, 0x00, 0x0E, 0x00 };
    /* class 2 DT (LI 4: dst ref, EOT|NR), REFUSE (12) */
    static const guint8 dt2_rf[] = { 0x04, 0xF0, 0x12, 0x34, 0x80, 0x0C, 0x00 };
    /* GIVE TOKENS + DATA TRANSFER */
    static const guint8 dt_gt[] = { 0x02, 0xF0, 0x80, 0x01, 0x00, 0x01, 0x00 };
    /* a DT with no user data, a CR, an LI of 3 and one past the TPDU */
    static const guint8 dt_empty[] = { 0x02, 0xF0, 0x80 };
    static const guint8 cr[] = { 0x06, 0xE0, 0x00, 0x00, 0x00, 0x01, 0x00 };
    static const guint8 dt_li3[] = { 0x03, 0xF0, 0x00, 0x80, 0x0D, 0x00 };
    static const guint8 dt_li_past[] = { 0x06, 0xF0, 0x80, 0x0D };
    gboolean eot = FALSE;

    g_assert_cmpint(exmta_cotp_dt_spdu(dt_cn, sizeof(dt_cn), &eot), ==, EXMTA_SPDU_CONNECT);
    g_assert_true(eot);
    g_assert_cmpint(exmta_cotp_dt_spdu(dt_ac_more, sizeof(dt_ac_more), &eot), ==, EXMTA_SPDU_ACCEPT);
    g_assert_false(eot);
    g_assert_cmpint(exmta_cotp_dt_spdu(dt2_rf, sizeof(dt2_rf), &eot), ==, EXMTA_SPDU_REFUSE);
    g_assert_true(eot);
    g_assert_cmpint(exmta_cotp_dt_spdu(dt_gt, sizeof(dt_gt), NULL), ==, 1);
    g_assert_cmpint(exmta_cotp_dt_spdu(dt_empty, sizeof(dt_empty), &eot), ==, -1);
    g_assert_true(eot);         /* it ends its TSDU all the same */
    g_assert_cmpint(exmta_cotp_dt_spdu(cr, sizeof(cr), NULL), ==, -1);
    g_assert_cmpint(exmta_cotp_dt_spdu(dt_li3, sizeof(dt_li3), NULL), ==, -1);
    g_assert_cmpint(exmta_cotp_dt_spdu(dt_li_past, sizeof(dt_li_past), NULL), ==, -1);
    g_assert_cmpint(exmta_cotp_dt_spdu(dt_cn, 2, NULL), ==, -1);
}

/* A TSDU in several DTs: only its first starts with an SPDU, whatever
 * octet the others start with; each direction keeps its own place. */
static void
test_tsdu_spdu(void)
{
    /* class 0 DTs: GIVE TOKENS without EOT; then continuations whose data
     * happen to start with a CONNECT's (13, CR in text) and a DISCONNECT's
     * SI (10, LF in text) */
    static const guint8 gt_more[] = { 0x02, 0xF0, 0x00, 0x01, 0x00, 0x01 };
    static const guint8 cr_more[] = { 0x02, 0xF0, 0x00, 0x0D, 0x0A, 0x4C };
    static const guint8 lf_end[] = { 0x02, 0xF0, 0x80, 0x0A, 0x4C, 0x69 };
    static const guint8 dn[] = { 0x02, 0xF0, 0x80, 0x0A, 0x00 };
    static const guint8 empty_end[] = { 0x02, 0xF0, 0x80 };
    static const guint8 cc[] = { 0x06, 0xD0, 0x00, 0x01, 0x00, 0x02, 0x00 };
    guint8 in_tsdu = 0;
    gboolean eot = TRUE;

    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, cc, sizeof(cc), &eot), ==, -1);
    g_assert_false(eot);
    g_assert_cmpint(in_tsdu, ==, 0);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, gt_more, sizeof(gt_more), &eot), ==, EXMTA_SPDU_GIVE_TOKENS);
    g_assert_false(eot);
    /* the other direction starts its own TSDU meanwhile */
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, dn, sizeof(dn), &eot), ==, EXMTA_SPDU_DISCONNECT);
    g_assert_true(eot);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, cr_more, sizeof(cr_more), &eot), ==, EXMTA_SPDU_CONTINUED);
    g_assert_false(eot);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, lf_end, sizeof(lf_end), &eot), ==, EXMTA_SPDU_CONTINUED);
    g_assert_true(eot);
    /* the TSDU ended: the next DT starts one */
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, dn, sizeof(dn), &eot), ==, EXMTA_SPDU_DISCONNECT);
    g_assert_cmpint(in_tsdu, ==, 0);
    /* a DT without user data ends a TSDU too */
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, gt_more, sizeof(gt_more), &eot), ==, EXMTA_SPDU_GIVE_TOKENS);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, empty_end, sizeof(empty_end), &eot), ==, -1);
    g_assert_true(eot);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, dn, sizeof(dn), &eot), ==, EXMTA_SPDU_DISCONNECT);
    g_assert_cmpint(in_tsdu, ==, 0);
}

/* A direction that lost its place: its DTs continue a TSDU until one ends
 * it, but for one that holds whole SPDUs exactly (an activity end, a
 * DISCONNECT), which stands alone; the other direction keeps its place. */
static void
test_tsdu_lost(void)
{
    /* GIVE TOKENS + MAJOR SYNC POINT (serial "1") with EOT: an activity end */
    static const guint8 ae[] = { 0x02, 0xF0, 0x80, 0x01, 0x00, 0x29, 0x03, 0x2A, 0x01, 0x31 };
    /* the same with an octet after it, and cut short */
    static const guint8 ae_more[] = { 0x02, 0xF0, 0x80, 0x01, 0x00, 0x29, 0x03, 0x2A, 0x01, 0x31, 0x00 };
    static const guint8 ae_short[] = { 0x02, 0xF0, 0x80, 0x01, 0x00, 0x29, 0x03, 0x2A, 0x01 };
    static const guint8 gt_more[] = { 0x02, 0xF0, 0x00, 0x01, 0x00, 0x01 };
    static const guint8 dn[] = { 0x02, 0xF0, 0x80, 0x0A, 0x00 };
    static const guint8 lf_end[] = { 0x02, 0xF0, 0x80, 0x0A, 0x4C, 0x69 };
    guint8 in_tsdu = 0;
    gboolean eot = FALSE;

    exmta_cotp_tsdu_lost(&in_tsdu, 0);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, gt_more, sizeof(gt_more), &eot), ==, EXMTA_SPDU_CONTINUED);
    g_assert_false(eot);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, dn, sizeof(dn), &eot), ==, EXMTA_SPDU_DISCONNECT);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, ae, sizeof(ae), &eot), ==, EXMTA_SPDU_GIVE_TOKENS);
    g_assert_true(eot);
    g_assert_cmpint(in_tsdu, ==, 0);
    /* not exact: the DT only ends whatever TSDU was under way */
    exmta_cotp_tsdu_lost(&in_tsdu, 1);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, ae_more, sizeof(ae_more), &eot), ==, EXMTA_SPDU_CONTINUED);
    g_assert_cmpint(in_tsdu, ==, 0);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, dn, sizeof(dn), &eot), ==, EXMTA_SPDU_DISCONNECT);
    exmta_cotp_tsdu_lost(&in_tsdu, 1);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 1, ae_short, sizeof(ae_short), &eot), ==, EXMTA_SPDU_CONTINUED);
    g_assert_cmpint(in_tsdu, ==, 0);
    /* a whole DISCONNECT after a loss is one too; text that starts with
     * its SI (an LF) but does not end with it is not */
    exmta_cotp_tsdu_lost(&in_tsdu, 0);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, dn, sizeof(dn), &eot), ==, EXMTA_SPDU_DISCONNECT);
    g_assert_cmpint(in_tsdu, ==, 0);
    exmta_cotp_tsdu_lost(&in_tsdu, 0);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, lf_end, sizeof(lf_end), &eot), ==, EXMTA_SPDU_CONTINUED);
    g_assert_cmpint(exmta_cotp_tsdu_spdu(&in_tsdu, 0, ae, sizeof(ae), &eot), ==, EXMTA_SPDU_GIVE_TOKENS);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(ae, sizeof(ae)), ==, EXMTA_SPDU_MAJOR_SYNC);
}

/* GIVE TOKENS then MAJOR SYNC POINT (the end of an X.400 transfer), DATA
 * after GIVE TOKENS, a first SPDU with a two-octet length, and cut ones. */
static void
test_dt_second_spdu(void)
{
    static const guint8 gt_ae[] = { 0x02, 0xF0, 0x80, 0x01, 0x00, 0x29, 0x03, 0x2A, 0x01, 0x31 };
    static const guint8 gt_dt[] = { 0x02, 0xF0, 0x80, 0x01, 0x00, 0x01, 0x00, 0x61 };
    static const guint8 gt_params[] = { 0x02, 0xF0, 0x80, 0x01, 0x03, 0x10, 0x01, 0x02, 0x29, 0x00 };
    static const guint8 long_li[] = { 0x02, 0xF0, 0x80, 0x0D, 0xFF, 0x00, 0x01, 0xAA, 0x2A, 0x00 };
    static const guint8 gt_only[] = { 0x02, 0xF0, 0x80, 0x01, 0x00 };
    static const guint8 cut_long[] = { 0x02, 0xF0, 0x80, 0x0D, 0xFF, 0x00 };
    static const guint8 cr[] = { 0x06, 0xE0, 0x00, 0x00, 0x12, 0x34, 0x00 };

    g_assert_cmpint(exmta_cotp_dt_second_spdu(gt_ae, sizeof(gt_ae)), ==, EXMTA_SPDU_MAJOR_SYNC);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(gt_dt, sizeof(gt_dt)), ==, 1);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(gt_params, sizeof(gt_params)), ==, EXMTA_SPDU_MAJOR_SYNC);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(long_li, sizeof(long_li)), ==, 42);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(gt_only, sizeof(gt_only)), ==, -1);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(cut_long, sizeof(cut_long)), ==, -1);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(cr, sizeof(cr)), ==, -1);
    g_assert_cmpint(exmta_cotp_dt_second_spdu(gt_ae, 4), ==, -1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rfc1006/accepts_cr", test_accepts_cr);
    g_test_add_func("/rfc1006/accepts_cc_dr_dt", test_accepts_cc_dr_dt);
    g_test_add_func("/rfc1006/reserved_byte", test_reserved_byte);
    g_test_add_func("/rfc1006/activity_spdus", test_activity_spdus);
    g_test_add_func("/rfc1006/rejects_lookalikes", test_rejects_lookalikes);
    g_test_add_func("/rfc1006/tpkt_lengths", test_tpkt_lengths);
    g_test_add_func("/rfc1006/li_past_tpdu", test_li_past_tpdu);
    g_test_add_func("/rfc1006/class_and_params", test_class_and_params);
    g_test_add_func("/rfc1006/garbage_after_valid_header", test_garbage_after_valid_header);
    g_test_add_func("/rfc1006/walk", test_walk);
    g_test_add_func("/rfc1006/dt_spdu", test_dt_spdu);
    g_test_add_func("/rfc1006/tsdu_spdu", test_tsdu_spdu);
    g_test_add_func("/rfc1006/tsdu_lost", test_tsdu_lost);
    g_test_add_func("/rfc1006/dt_second_spdu", test_dt_second_spdu);
    return g_test_run();
}
