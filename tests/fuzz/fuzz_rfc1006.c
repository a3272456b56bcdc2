/* fuzz_rfc1006.c - libFuzzer harness for the RFC1006 detector and walker.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rfc1006.h"

typedef struct {
    guint n;
    guint8 in_tsdu;             /* exmta_cotp_tsdu_spdu's state, one direction */
} walked_t;

static void
sink(guint8 tpdu, const guint8 *cotp, gsize cotp_len, guint8 reserved, gpointer ud)
{
    walked_t *w = (walked_t *)ud;
    volatile guint8 x = tpdu ^ reserved;
    gboolean eot, lost;
    gint si;

    /* touch the whole COTP span the walker promised */
    for (gsize i = 0; i < cotp_len; i++)
        x ^= cotp[i];
    /* and the SPDU type read from a DT's user data */
    x ^= (guint8)exmta_cotp_dt_spdu(cotp, cotp_len, NULL);
    x ^= (guint8)exmta_cotp_dt_second_spdu(cotp, cotp_len);
    /* a DT that continues a TSDU yields no SPDU type; one that ends it
     * leaves its direction at a TSDU's start; after a loss, only a DT
     * that ends a TSDU may start one */
    lost = (w->in_tsdu & 4) != 0;
    si = exmta_cotp_tsdu_spdu(&w->in_tsdu, 0, cotp, cotp_len, &eot);
    if (si < EXMTA_SPDU_CONTINUED || si > 255 || (eot && w->in_tsdu != 0) ||
        (!eot && si != -1 && (w->in_tsdu & 1) != 1))
        abort();
    if (lost && si >= 0 && !eot)
        abort();
    (void)x;
    w->n++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_r1006_info_t info;
    walked_t w = { 0, 0 };
    /* an exact-size heap copy, so ASan sees any read past the end */
    guint8 *copy = malloc(size ? size : 1);

    memcpy(copy, data, size);
    /* the TPKT reserved octet's bit 6 starts the walk with its place lost */
    if (size > 1 && (data[1] & 0x40))
        exmta_cotp_tsdu_lost(&w.in_tsdu, 0);
    if (exmta_rfc1006_check(copy, size, &info) && info.tpkts_checked == 0)
        abort();
    exmta_rfc1006_walk(copy, size, sink, &w);
    free(copy);
    return 0;
}
