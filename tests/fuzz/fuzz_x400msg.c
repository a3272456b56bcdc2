/* fuzz_x400msg.c - libFuzzer harness for the X.400 transfers model.
 *
 * The input is a sequence of 8-byte records. Most add one transfer
 * (message, probe, report or an unknown kind) to two models at once; MTS
 * and subject identifiers come from a pool of six so that they collide,
 * and a report may carry a subject frame of its own, as the shell passes
 * one learned over the whole capture. The other records are links from a
 * report to a subject frame, as a table drawn while frames go by learns
 * them. Frames never go backwards; several transfers may share a frame.
 *
 * Checked against brute-force scans of the rows:
 * - add returns the row's index; rows keep the order they came in;
 * - a report's subject_in is the one it carried, or else the frame of the
 *   last earlier message or probe with its subject's MTS identifier;
 * - exmta_x4_msgs_find gives the last message or probe with an identifier;
 * - exmta_x4_msgs_link_report counts exactly the rows of its subject frame;
 * - one model linked report by report (every report's own link, every
 *   link record, and a new row's link known before it came, in turn) ends with the same report_in on every row as the
 *   other linked once at the end (exmta_x4_msgs_link_reports with the
 *   earliest report on each frame and MTS identifier), and that is the
 *   earliest report on the row's own frame and identifier, never one on
 *   another transfer of its frame: the GUI table and the text report
 *   agree;
 * - the text, CSV and JSON renderings run; reset empties the model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "x400msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const pool[] = {
    NULL, "", "/C=XZ/A= /P=EXMTA/ $ M1", "/C=XZ/A= /P=EXMTA/ $ M2", "a,\"b\"\n\t;", "\xff\xfe\x01",
};
#define POOL(b) (pool[(b) % G_N_ELEMENTS(pool)])

/* where id is in the pool; 0 for none (no report's subject) */
static guint
pool_index(const char *id)
{
    for (guint i = 1; id && i < G_N_ELEMENTS(pool); i++)
        if (strcmp(pool[i], id) == 0)
            return i;
    return 0;
}

#define LINK_KEY(frame, id) GUINT_TO_POINTER((frame) * 8u + pool_index(id))

/* the earliest report on (frame, MTS identifier), over every link made */
static guint32
earliest(guint32 frame, const char *mts_id, gpointer user_data)
{
    GHashTable *first = (GHashTable *)user_data;

    return pool_index(mts_id) ? GPOINTER_TO_UINT(g_hash_table_lookup(first, LINK_KEY(frame, mts_id))) : 0;
}

static void
note_link(GHashTable *first, guint32 subject, const char *subject_id, guint32 report)
{
    guint32 had = earliest(subject, subject_id, first);

    if (subject && pool_index(subject_id) && (!had || report < had))
        g_hash_table_insert(first, LINK_KEY(subject, subject_id), GUINT_TO_POINTER(report));
}

/* the link through the incremental model, checked against a scan of its rows */
static void
link_checked(exmta_x4_msgs_t *m, guint32 subject, const char *subject_id, guint32 report)
{
    const GPtrArray *rows = exmta_x4_msgs_rows(m);
    guint first, n = exmta_x4_msgs_link_report(m, subject, subject_id, report, &first), want_first = 0, want_n = 0;

    for (guint i = 0; i < rows->len; i++) {
        guint32 f = ((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i))->frame;

        if (f < subject)
            want_first = i + 1;
        else if (f == subject)
            want_n++;
    }
    if (n != want_n || (n && first != want_first))
        abort();
}

/* the last message or probe row with this MTS identifier before row end */
static const exmta_x4_msg_row_t *
last_with_id(const GPtrArray *rows, guint end, const char *id)
{
    for (guint i = end; id && i-- > 0;) {
        const exmta_x4_msg_row_t *r = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i);

        if (r->kind != EXMTA_X4_REPORT && r->mts_id && strcmp(r->mts_id, id) == 0)
            return r;
    }
    return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_x4_msgs_t *inc = exmta_x4_msgs_new(), *batch = exmta_x4_msgs_new();
    GHashTable *first = g_hash_table_new(g_direct_hash, g_direct_equal);
    const GPtrArray *rows, *brows;
    GString *out = g_string_new(NULL);
    guint32 frame = 1;

    for (size_t i = 0; i + 8 <= size; i += 8) {
        const uint8_t *p = data + i;
        const char *recips[3];
        exmta_x4_rr_t rr[3];
        exmta_x4_transfer_t t;
        guint idx;

        frame += (p[0] >> 3) & 3;
        if ((p[0] & 7) == 7) {
            /* a link learned between rows: a report at or after this frame
             * on a transfer of an earlier (or this) frame */
            guint32 subject = frame - p[1] % frame, report = frame + (p[2] & 3);

            note_link(first, subject, POOL(p[3]), report);
            link_checked(inc, subject, POOL(p[3]), report);
            continue;
        }
        memset(&t, 0, sizeof(t));
        t.kind = (p[0] & 7) < 3 ? (guint8)(p[0] & 7) : (guint8)(p[0] & 7) + 3; /* 3..6: unknown kinds */
        t.mts_id = POOL(p[1]);
        t.subject_id = POOL(p[1] >> 3);
        t.originator = POOL(p[2]);
        t.content_type = POOL(p[2] >> 3);
        for (guint k = 0; k < 3; k++)
            recips[k] = POOL(p[3] + k);
        t.recipients = recips;
        t.n_recipients = p[3] >> 6;
        for (guint k = 0; k < 3; k++) {
            rr[k].recipient = POOL(p[4] + k);
            rr[k].delivered = (p[4] >> (3 + k)) & 1;
            rr[k].reason = (gint)(p[5] & 7) - 1;
            rr[k].diagnostic = (gint)((p[5] >> 3) & 7) - 1;
            rr[k].reason_name = (p[5] & 0x40) ? "unable-to-transfer" : NULL;
            rr[k].diagnostic_name = (p[5] & 0x80) ? NULL : "unrecognised-OR-name";
        }
        t.rr = rr;
        t.n_rr = p[4] >> 6;
        t.size = (p[6] & 1) ? -1 : (gint64)p[6] << 20;
        t.priority = (gint)(p[6] >> 6) - 1;
        /* the shell's own link: a frame it saw, maybe one the table has no row of */
        t.subject_in = (p[7] & 1) ? frame - (p[7] >> 1) % frame : 0;

        idx = exmta_x4_msgs_add(inc, &t, frame, p[7] & 3, p[6] & 3, p[0] >> 7);
        if (exmta_x4_msgs_add(batch, &t, frame, p[7] & 3, p[6] & 3, p[0] >> 7) != idx)
            abort();
        rows = exmta_x4_msgs_rows(inc);
        if (idx + 1 != rows->len)
            abort();
        {
            const exmta_x4_msg_row_t *r = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, idx);

            if (r->frame != frame || r->kind != t.kind)
                abort();
            if (t.kind == EXMTA_X4_REPORT) {
                const exmta_x4_msg_row_t *s = last_with_id(rows, idx, t.subject_id);
                guint32 want = t.subject_in ? t.subject_in : s ? s->frame : 0;

                if (r->subject_in != want)
                    abort();
                /* the shell logs every report's link; the table applies it */
                note_link(first, r->subject_in, t.subject_id, frame);
                if (r->subject_in)
                    link_checked(inc, r->subject_in, t.subject_id, frame);
            } else if (r->subject_in) {
                abort();
            } else if (earliest(frame, t.mts_id, first)) {
                /* a link learned before its subject's row came: the table
                 * asks the shell for each new row */
                link_checked(inc, frame, t.mts_id, earliest(frame, t.mts_id, first));
            }
            if (t.kind != EXMTA_X4_REPORT && t.mts_id && exmta_x4_msgs_find(inc, t.mts_id) != frame)
                abort();
        }
    }

    rows = exmta_x4_msgs_rows(inc);
    for (guint i = 1; i < rows->len; i++)
        if (((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i - 1))->frame >
            ((const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i))->frame)
            abort();
    for (guint id = 0; id < G_N_ELEMENTS(pool); id++) {
        const exmta_x4_msg_row_t *s = last_with_id(rows, rows->len, pool[id]);

        if (exmta_x4_msgs_find(inc, pool[id]) != (s ? s->frame : 0))
            abort();
    }
    exmta_x4_msgs_link_reports(batch, earliest, first);
    brows = exmta_x4_msgs_rows(batch);
    if (brows->len != rows->len)
        abort();
    for (guint i = 0; i < rows->len; i++) {
        const exmta_x4_msg_row_t *a = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i);
        const exmta_x4_msg_row_t *b = (const exmta_x4_msg_row_t *)g_ptr_array_index(brows, i);

        if (a->report_in != b->report_in || a->subject_in != b->subject_in)
            abort();
        if (a->kind == EXMTA_X4_REPORT ? a->report_in != 0 : a->report_in != earliest(a->frame, a->mts_id, first))
            abort();
    }

    exmta_x4_msgs_format_text(out, rows);
    exmta_x4_msgs_format_csv(out, rows);
    exmta_x4_msgs_format_json(out, rows);
    {
        const char *ous[] = { POOL(size), POOL(size + 1), NULL };
        char *s = exmta_x4_orname(POOL(size), POOL(size + 1), POOL(size + 2), NULL, "", POOL(size + 3), NULL,
                                  ous);

        g_free(s);
        s = exmta_x4_mts_id(NULL, POOL(size), "", POOL(size + 1));
        g_free(s);
    }
    exmta_x4_msgs_reset(inc);
    if (exmta_x4_msgs_rows(inc)->len != 0 || exmta_x4_msgs_find(inc, pool[2]) != 0)
        abort();

    g_string_free(out, TRUE);
    g_hash_table_destroy(first);
    exmta_x4_msgs_free(inc);
    exmta_x4_msgs_free(batch);
    return 0;
}
