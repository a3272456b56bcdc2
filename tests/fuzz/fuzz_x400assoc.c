/* fuzz_x400assoc.c - libFuzzer harness for the X.400 association model.
 *
 * The input is a sequence of 8-byte frame observations: stream (0..3),
 * direction, 32 bits of facts, a reason code for every layer and P1
 * transfer counts, all from the same few bytes so that they collide often.
 * Checked: every frame gets an association; a stream's associations only
 * grow; a frame that opens none (not CR, not CONNECT) stays in its
 * stream's current one; rows come in id order and every rendering runs;
 * a table that follows the rows frame by frame (exmta_x4_rows_follow)
 * ends with the very rows of exmta_x4_model_rows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "x400assoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_x4_model_t *m = exmta_x4_model_new();
    guint32 last[4] = { 0, 0, 0, 0 };
    GPtrArray *rows;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
    guint pos;
    GString *out = g_string_new(NULL);
    static const char *strs[] = { NULL, "", "X400", "a,\"b\"\n", "\xff\xfe" };

    for (size_t i = 0; i + 8 <= size; i += 8) {
        const uint8_t *p = data + i;
        exmta_x4_obs_t o;
        guint32 id, stream = p[0] & 3;

        exmta_x4_obs_init(&o);
        o.frame = (guint32)(i / 8) + 1;
        o.stream = stream;
        o.from_client = (p[0] >> 2) & 1;
        o.sec = p[1];
        o.nsec = p[2] * 1000;
        o.bytes = p[3];
        o.ev = (guint32)p[4] | (guint32)p[5] << 8 | (guint32)p[6] << 16 | (guint32)(p[7] & 7) << 24;
        o.calling_tsap = strs[p[1] % 5];
        o.called_ssap = strs[p[2] % 5];
        o.app_context = strs[p[3] % 5];
        o.responder = strs[p[7] % 5];
        o.pres_mode = (gint)(p[1] % 3) - 1;
        o.dialogue_mode = (gint)(p[2] % 3) - 1;
        o.ses_reason = p[3] & 0x87;
        o.pres_reason = p[3] & 7;
        o.acse_result = p[3] % 3;
        o.rtse_refuse = p[3] & 3;
        o.rtse_abort = p[3] & 7;
        o.bind_error = p[3] % 6;
        o.acse_abort_source = p[3] & 1;
        o.dr_reason = p[2];
        o.messages = p[1] & 1;
        o.reports = (p[1] >> 1) & 1;
        o.probes = (p[1] >> 2) & 1;
        id = exmta_x4_model_add(m, &o);
        if (!id || id < last[stream])
            abort();
        if (last[stream] && !(o.ev & (EXMTA_X4_CR | EXMTA_X4_SES_CN)) && id != last[stream])
            abort();
        if (!exmta_x4_model_get(m, id) || exmta_x4_model_current(m, stream) != id)
            abort();
        last[stream] = id;
        exmta_x4_rows_follow(ids, m, id, &pos);
        if (pos > ids->len)
            abort();
    }
    rows = exmta_x4_model_rows(m);
    if (rows->len != ids->len)
        abort();
    for (guint i = 0; i < rows->len; i++)
        if (((exmta_x4_assoc_t *)g_ptr_array_index(rows, i))->id != g_array_index(ids, guint32, i))
            abort();
    g_array_free(ids, TRUE);
    for (guint i = 1; i < rows->len; i++)
        if (((exmta_x4_assoc_t *)g_ptr_array_index(rows, i - 1))->id >=
            ((exmta_x4_assoc_t *)g_ptr_array_index(rows, i))->id)
            abort();
    exmta_x4_format_text(out, rows);
    exmta_x4_format_csv(out, rows);
    exmta_x4_format_json(out, rows);
    for (guint i = 0; i < rows->len; i++) {
        const exmta_x4_assoc_t *a = (const exmta_x4_assoc_t *)g_ptr_array_index(rows, i);
        char *s = exmta_x4_refusal_text(a->refused_by, a->refuse_reason);

        g_free(s);
        s = exmta_x4_abort_text(a->abort_by, a->end_reason);
        g_free(s);
    }
    g_ptr_array_free(rows, TRUE);
    g_string_free(out, TRUE);
    exmta_x4_model_free(m);
    return 0;
}
