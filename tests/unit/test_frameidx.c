/* test_frameidx.c - a frame's pointer comes back on every later pass,
 * whatever order frames were added in; frames without one answer NULL.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include "frameidx.h"

static int vals[1000];

static void
test_in_order(void)
{
    exmta_frameidx_t *fi = exmta_frameidx_new();

    g_assert_null(exmta_frameidx_get(fi, 1));
    for (guint f = 3; f < 1000; f += 3)
        exmta_frameidx_set(fi, f, &vals[f]);
    g_assert_cmpuint(exmta_frameidx_count(fi), ==, 333);   /* 3, 6, ..., 999 */
    for (guint f = 0; f < 1002; f++) {
        if (f % 3 == 0 && f > 0 && f < 1000)
            g_assert_true(exmta_frameidx_get(fi, f) == &vals[f]);
        else
            g_assert_null(exmta_frameidx_get(fi, f));
    }
    g_assert_null(exmta_frameidx_get(fi, G_MAXUINT32));
    exmta_frameidx_clear(fi);
    g_assert_cmpuint(exmta_frameidx_count(fi), ==, 0);
    g_assert_null(exmta_frameidx_get(fi, 3));
    exmta_frameidx_set(fi, 7, &vals[7]);
    g_assert_true(exmta_frameidx_get(fi, 7) == &vals[7]);
    exmta_frameidx_free(fi);
    exmta_frameidx_free(NULL);
}

static void
test_out_of_order_and_replace(void)
{
    exmta_frameidx_t *fi = exmta_frameidx_new();
    GRand *r = g_rand_new_with_seed(102);
    gpointer want[1000] = { 0 };

    for (guint i = 0; i < 3000; i++) {
        guint f = (guint)g_rand_int_range(r, 1, 1000);
        guint v = (guint)g_rand_int_range(r, 0, 1000);
        exmta_frameidx_set(fi, f, &vals[v]);
        want[f] = &vals[v];
    }
    exmta_frameidx_set(fi, 5, NULL);        /* ignored */
    for (guint f = 0; f < 1000; f++)
        g_assert_true(exmta_frameidx_get(fi, f) == want[f]);
    guint n = 0;
    for (guint f = 0; f < 1000; f++)
        n += want[f] != NULL;
    g_assert_cmpuint(exmta_frameidx_count(fi), ==, n);
    g_rand_free(r);
    exmta_frameidx_free(fi);
}

/* Past several reallocations of the arrays, in order and inserted. */
static void
test_grows(void)
{
    exmta_frameidx_t *fi = exmta_frameidx_new();
    GRand *r = g_rand_new_with_seed(1006);
    static gpointer want[20001];

    for (guint f = 2; f <= 20000; f += 2) {
        exmta_frameidx_set(fi, f, &vals[f % 1000]);
        want[f] = &vals[f % 1000];
    }
    g_assert_cmpuint(exmta_frameidx_count(fi), ==, 10000);
    for (guint i = 0; i < 5000; i++) {
        guint f = (guint)g_rand_int_range(r, 1, 20001) | 1u;
        if (f > 20000)
            continue;
        exmta_frameidx_set(fi, f, &vals[i % 1000]);
        want[f] = &vals[i % 1000];
    }
    guint n = 0;
    for (guint f = 0; f <= 20000; f++) {
        g_assert_true(exmta_frameidx_get(fi, f) == want[f]);
        n += want[f] != NULL;
    }
    g_assert_cmpuint(exmta_frameidx_count(fi), ==, n);
    g_assert_cmpuint(n, >, 13000);
    g_rand_free(r);
    exmta_frameidx_free(fi);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/frameidx/in_order", test_in_order);
    g_test_add_func("/frameidx/out_of_order_and_replace", test_out_of_order_and_replace);
    g_test_add_func("/frameidx/grows", test_grows);
    return g_test_run();
}
