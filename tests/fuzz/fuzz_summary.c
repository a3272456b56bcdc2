/* fuzz_summary.c - libFuzzer harness for the endpoint summary (summary.c,
 * summary_format.c): what -z exmta,endpoints, the GUI table and
 * exmta-fileset print.
 *
 * The input is a sequence of 8-byte records: type (the four kinds and
 * values outside them), server host and port from small pools so that rows
 * collide, kind, how it was found, stream, frame step (frames may also go
 * backwards, as a later pass reads them), frame length, MTA bind and
 * refusal facts, learned-in frame, interface. Checked against a model that
 * keys rows as the summary documents (RFC1006, RPC or EPM failure; host;
 * port; an EPM failure's kind too):
 * - add returns the row of the record's key, rows numbered in order of
 *   first mention;
 * - each row's frames and bytes are the sums of its RFC1006, RPC and EPM
 *   failure records, its first and last frame their least and greatest
 *   frame, its sessions their distinct streams (records without a stream
 *   are no session);
 * - its ept_map frames are the distinct learned-in frames of its records
 *   found by EPM, ascending;
 * - exmta_summary_row(i) is row i of exmta_summary_rows;
 * - every rendering (text, CSV, JSON, UAT, the sessions') runs; reset
 *   empties the summary.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "summary_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const hosts[] = { "192.0.2.20", "10.0.0.5", "", "a,\"b\"\n" };
static const guint16 ports[] = { 102, 135, 1032, 0 };
static const char *const names[] = { NULL, "", "EXCH-MTA-A", "\xff\xfe;\t" };
static const char *const uuids[] = { NULL, "9e8ee830-4459-11ce-979b-00aa005ffebe" };

typedef struct {
    int group;                  /* 0 RFC1006, 1 RPC (also EPM learned), 2 EPM failed */
    guint h, p, kind;
    guint64 frames, bytes;
    guint32 first, last;
    GArray *streams;            /* guint32 distinct */
    GArray *epm;                /* guint32 distinct */
} model_row_t;

static void
add_distinct(GArray *a, guint32 v)
{
    for (guint i = 0; i < a->len; i++)
        if (g_array_index(a, guint32, i) == v)
            return;
    g_array_append_val(a, v);
}

static gint
cmp_u32(gconstpointer x, gconstpointer y)
{
    guint32 a = *(const guint32 *)x, b = *(const guint32 *)y;

    return a < b ? -1 : a > b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_summary_t *s = exmta_summary_new();
    GArray *model = g_array_new(FALSE, TRUE, sizeof(model_row_t));
    GPtrArray *rows, *cells;
    GString *out = g_string_new(NULL);
    guint32 frame = 1;

    for (size_t i = 0; i + 8 <= size; i += 8) {
        const uint8_t *p = data + i;
        exmta_summary_rec_t rec;
        model_row_t *m = NULL;
        int group;
        guint idx, kind;

        memset(&rec, 0, sizeof(rec));
        rec.type = (exmta_sum_type_t)(p[0] % 6);          /* 0 and 5: outside the enum */
        rec.host = hosts[(p[0] >> 3) & 3];
        rec.port = ports[(p[0] >> 5) & 3];
        kind = (p[1] & 7) < 6 ? (guint)(p[1] & 7) : (guint)(p[1] & 7) + 4;     /* 0-5, 10, 11 */
        rec.kind = (guint8)kind;
        rec.found_by = (guint8)((p[1] >> 3) & 7) + ((p[1] & 0x80) ? 1 : 0);   /* 0-8 */
        rec.has_stream = (p[2] & 0x80) == 0;
        rec.stream = p[2] & 3;
        if (p[2] & 0x40)
            frame -= frame > 4 ? 4u : 0u;                   /* a later pass, out of order */
        else
            frame += (p[2] >> 2) & 3;
        rec.frame = frame;
        rec.frame_len = (guint32)p[3] * 9;
        rec.learned_in = p[4] & 0x1f;
        rec.time_sec = (gint64)p[4] * 1000000;
        rec.time_nsec = (gint32)p[5] * 1000;
        rec.client = names[p[5] & 3];
        rec.client_port = p[5];
        rec.syn_in_file = (p[5] >> 2) & 1;
        rec.mta = (p[5] >> 3) & 1;
        rec.refused = (p[5] >> 4) & 1;
        rec.has_dr = (p[5] >> 5) & 1;
        rec.dr_reason = p[6];
        rec.bind = p[6] & 3;
        rec.bind_error = (gint)(p[6] >> 2 & 7) - 1;
        rec.bind_error_str = (p[6] & 0x20) ? "authentication-error" : NULL;
        rec.initiator = names[(p[6] >> 6) & 3];
        rec.responder = names[p[7] & 3];
        rec.assoc_refused = (p[7] & 4) ? "refused by session: \"x\", (2)" : NULL;
        rec.epm_status = (p[7] & 8) ? 0x16c9a0d6u : 0;
        rec.interface_name = names[(p[7] >> 4) & 3];
        rec.interface_uuid = uuids[(p[7] >> 6) & 1];
        rec.ver_major = p[7] >> 7;
        rec.ver_minor = p[3] & 1;

        idx = exmta_summary_add(s, &rec);
        group = rec.type == EXMTA_SUM_RFC1006 ? 0 : rec.type == EXMTA_SUM_EPM_FAILED ? 2 : 1;
        for (guint r = 0; r < model->len; r++) {
            model_row_t *x = &g_array_index(model, model_row_t, r);

            if (x->group == group && x->h == ((p[0] >> 3) & 3u) && x->p == ((p[0] >> 5) & 3u) &&
                (group != 2 || x->kind == kind)) {
                if (idx != r)
                    abort();
                m = x;
                break;
            }
        }
        if (!m) {
            model_row_t nr;

            memset(&nr, 0, sizeof(nr));
            nr.group = group;
            nr.h = (p[0] >> 3) & 3;
            nr.p = (p[0] >> 5) & 3;
            nr.kind = kind;
            nr.streams = g_array_new(FALSE, FALSE, sizeof(guint32));
            nr.epm = g_array_new(FALSE, FALSE, sizeof(guint32));
            g_array_append_val(model, nr);
            if (idx != model->len - 1)
                abort();
            m = &g_array_index(model, model_row_t, model->len - 1);
        }
        if (rec.found_by == EXMTA_SUM_FOUND_EPM)
            add_distinct(m->epm, rec.learned_in);
        if (rec.type == EXMTA_SUM_RFC1006 || rec.type == EXMTA_SUM_RPC || rec.type == EXMTA_SUM_EPM_FAILED) {
            m->frames++;
            m->bytes += rec.frame_len;
            if (!m->first || rec.frame < m->first)
                m->first = rec.frame;
            if (rec.frame > m->last)
                m->last = rec.frame;
            if (rec.has_stream)
                add_distinct(m->streams, rec.stream);
        }
        if (exmta_summary_num_rows(s) != model->len)
            abort();
    }

    rows = exmta_summary_rows(s);
    if (rows->len != model->len)
        abort();
    for (guint r = 0; r < rows->len; r++) {
        const exmta_summary_row_t *row = (const exmta_summary_row_t *)g_ptr_array_index(rows, r);
        exmta_summary_row_t *one = exmta_summary_row(s, r);
        model_row_t *m = &g_array_index(model, model_row_t, r);

        if (strcmp(row->host, hosts[m->h]) != 0 || row->port != ports[m->p])
            abort();
        if (row->frames != m->frames || row->bytes != m->bytes || row->first_frame != m->first ||
            row->last_frame != m->last)
            abort();
        if (row->sessions != m->streams->len)
            abort();
        g_array_sort(m->epm, cmp_u32);
        if (row->n_epm_frames != m->epm->len ||
            (m->epm->len && memcmp(row->epm_frames, m->epm->data, m->epm->len * sizeof(guint32)) != 0))
            abort();
        if (one->frames != row->frames || one->n_epm_frames != row->n_epm_frames ||
            g_strcmp0(one->found_by, row->found_by) != 0 || g_strcmp0(one->outcome, row->outcome) != 0 ||
            g_strcmp0(one->kind, row->kind) != 0)
            abort();
        exmta_summary_row_free(one);
    }

    exmta_summary_format_text(out, rows);
    exmta_summary_format_csv(out, rows);
    exmta_summary_format_json(out, rows);
    exmta_summary_format_uat(out, rows, "a,\"b\".pcap");
    exmta_summary_format_sessions_text(out, s);
    exmta_summary_format_sessions_csv(out, s);
    exmta_summary_format_sessions_json(out, s);
    cells = exmta_summary_session_cells(s);
    exmta_summary_session_cells_free(cells);
    g_ptr_array_unref(rows);
    for (guint r = 0; r < model->len; r++) {
        g_array_free(g_array_index(model, model_row_t, r).streams, TRUE);
        g_array_free(g_array_index(model, model_row_t, r).epm, TRUE);
    }
    g_array_free(model, TRUE);

    exmta_summary_reset(s);
    if (exmta_summary_num_rows(s) != 0)
        abort();
    g_string_free(out, TRUE);
    exmta_summary_free(s);
    return 0;
}
