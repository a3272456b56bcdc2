/* test_endpoints.c - unit tests for the learned-endpoint table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include <glib.h>

#include "endpoints.h"

static const char *MTA_UUID = "9e8ee830-4459-11ce-979b-00aa005ffebe";
static const char *QADMIN_UUID = "38a94e72-a9bc-11d2-8faf-00c04fa378ff";
static const char *NSPI_UUID = "f5cc5a18-4264-101a-8c59-08002b2f8426";

static const guint8 IP_A[4] = { 10, 0, 0, 5 };
static const guint8 IP_B[4] = { 10, 0, 0, 6 };

static exmta_endpoint_t
make_ep(const guint8 ip[4], guint16 port, const char *uuid, guint16 major, guint16 minor,
        guint32 frame)
{
    exmta_endpoint_t ep;

    memset(&ep, 0, sizeof(ep));
    memcpy(ep.ip, ip, 4);
    ep.port = port;
    g_assert_true(exmta_uuid_from_string(uuid, &ep.iface));
    ep.ver_major = major;
    ep.ver_minor = minor;
    ep.source = EXMTA_SRC_EPM;
    ep.learned_in = frame;
    ep.request_in = frame ? frame - 1 : 0;
    return ep;
}

static exmta_learn_result_t
learn(exmta_endpoints_t *t, const guint8 ip[4], guint16 port, const char *uuid,
      guint16 major, guint16 minor, guint32 frame, exmta_endpoint_t *prev)
{
    exmta_endpoint_t ep = make_ep(ip, port, uuid, major, minor, frame);
    return exmta_endpoints_learn(t, &ep, prev);
}

static gboolean
is_iface(const exmta_endpoint_t *ep, const char *uuid)
{
    exmta_uuid_t u;
    g_assert_true(exmta_uuid_from_string(uuid, &u));
    return exmta_uuid_equal(&ep->iface, &u);
}

static void
test_kinds(void)
{
    exmta_uuid_t u;

    g_assert_true(exmta_uuid_from_string(MTA_UUID, &u));
    g_assert_cmpint(exmta_kind_of(&u, 2), ==, EXMTA_KIND_MTA_RPC);
    g_assert_cmpint(exmta_kind_of(&u, 1), ==, EXMTA_KIND_OTHER_RPC);
    g_assert_true(exmta_uuid_from_string(QADMIN_UUID, &u));
    g_assert_cmpint(exmta_kind_of(&u, 1), ==, EXMTA_KIND_QADMIN_RPC);
    g_assert_cmpint(exmta_kind_of(&u, 2), ==, EXMTA_KIND_OTHER_RPC);
    g_assert_true(exmta_uuid_from_string(NSPI_UUID, &u));
    g_assert_cmpint(exmta_kind_of(&u, 56), ==, EXMTA_KIND_OTHER_RPC);
    g_assert_cmpint(exmta_kind_of(NULL, 2), ==, EXMTA_KIND_OTHER_RPC);
    g_assert_cmpstr(exmta_kind_str(EXMTA_KIND_MTA_RPC), ==, "MTA RPC");
    g_assert_cmpstr(exmta_kind_str(EXMTA_KIND_QADMIN_RPC), ==, "MTA QAdmin RPC");
    g_assert_cmpstr(exmta_kind_str(EXMTA_KIND_OTHER_RPC), ==, "other EPM-learned interface");
}

static void
test_new_same_lookup(void)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    const exmta_endpoint_t *e;

    g_assert_null(exmta_endpoints_lookup(t, IP_A, 1032, 100));
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 10, NULL), ==, EXMTA_LEARN_NEW);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 1);

    /* Strictly before the frame that taught it: not known yet. */
    g_assert_null(exmta_endpoints_lookup(t, IP_A, 1032, 9));
    g_assert_null(exmta_endpoints_lookup(t, IP_A, 1032, 10));
    e = exmta_endpoints_lookup(t, IP_A, 1032, 11);
    g_assert_nonnull(e);
    g_assert_cmpuint(e->port, ==, 1032);
    g_assert_cmpuint(e->learned_in, ==, 10);
    g_assert_cmpuint(e->request_in, ==, 9);
    g_assert_cmpuint(e->times_learned, ==, 1);
    g_assert_cmpint(e->kind, ==, EXMTA_KIND_MTA_RPC);
    g_assert_cmpint(e->source, ==, EXMTA_SRC_EPM);
    g_assert_true(is_iface(e, MTA_UUID));
    g_assert_null(exmta_endpoints_lookup(t, IP_A, 1033, 11));
    g_assert_null(exmta_endpoints_lookup(t, IP_B, 1032, 11));

    /* Same (ip, port, iface, version) again: no new entry. */
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 20, NULL), ==, EXMTA_LEARN_SAME);
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 20, NULL), ==, EXMTA_LEARN_SAME);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 3 - 2);
    g_assert_cmpuint(e->times_learned, ==, 3);
    g_assert_cmpuint(e->learned_in, ==, 10);

    /* Another ip, same port: a different key. */
    g_assert_cmpint(learn(t, IP_B, 1032, MTA_UUID, 2, 0, 21, NULL), ==, EXMTA_LEARN_NEW);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 2);
    exmta_endpoints_free(t);
    exmta_endpoints_free(NULL);
}

/* A known-table row (learned_in 0) confirmed by this file's endpoint mapper:
 * a new, newer entry, so frames after the response see the file's learning. */
static void
test_relearned_from_other_source(void)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    exmta_endpoint_t known = make_ep(IP_A, 1032, MTA_UUID, 2, 0, 0), prev;
    const exmta_endpoint_t *e;

    known.source = EXMTA_SRC_KNOWN_TABLE;
    known.request_in = 0;
    g_assert_cmpint(exmta_endpoints_learn(t, &known, NULL), ==, EXMTA_LEARN_NEW);
    e = exmta_endpoints_lookup(t, IP_A, 1032, 1);
    g_assert_nonnull(e);
    g_assert_cmpint(e->source, ==, EXMTA_SRC_KNOWN_TABLE);

    memset(&prev, 0, sizeof(prev));
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 9, &prev), ==, EXMTA_LEARN_RELEARNED);
    g_assert_cmpint(prev.source, ==, EXMTA_SRC_KNOWN_TABLE);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 2);
    /* frames up to the response still see the table's entry, later ones the file's */
    g_assert_cmpint(exmta_endpoints_lookup(t, IP_A, 1032, 9)->source, ==, EXMTA_SRC_KNOWN_TABLE);
    e = exmta_endpoints_lookup(t, IP_A, 1032, 10);
    g_assert_cmpint(e->source, ==, EXMTA_SRC_EPM);
    g_assert_cmpuint(e->learned_in, ==, 9);
    /* the file confirming itself is SAME again */
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 20, NULL), ==, EXMTA_LEARN_SAME);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 2);
    exmta_endpoints_free(t);
}

static void
test_rejected(void)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    exmta_endpoint_t prev;

    g_assert_cmpint(learn(t, IP_A, 0, MTA_UUID, 2, 0, 10, NULL), ==, EXMTA_LEARN_REJECTED);
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 10, NULL), ==, EXMTA_LEARN_NEW);
    /* Learning is in frame order: an older frame is refused, an equal one is not. */
    g_assert_cmpint(learn(t, IP_A, 1040, MTA_UUID, 2, 0, 9, &prev), ==, EXMTA_LEARN_REJECTED);
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 9, NULL), ==, EXMTA_LEARN_REJECTED);
    g_assert_cmpint(learn(t, IP_B, 1032, MTA_UUID, 2, 0, 10, NULL), ==, EXMTA_LEARN_NEW);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 2);
    g_assert_cmpint(exmta_endpoints_learn(t, NULL, NULL), ==, EXMTA_LEARN_REJECTED);
    g_assert_cmpint(exmta_endpoints_learn(NULL, NULL, NULL), ==, EXMTA_LEARN_REJECTED);
    g_assert_null(exmta_endpoints_lookup(NULL, IP_A, 1032, 100));
    g_assert_cmpuint(exmta_endpoints_count(NULL), ==, 0);
    exmta_endpoints_free(t);
}

static void
test_iface_changed(void)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    exmta_endpoint_t prev;
    const exmta_endpoint_t *e;

    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 10, NULL), ==, EXMTA_LEARN_NEW);
    memset(&prev, 0, sizeof(prev));
    g_assert_cmpint(learn(t, IP_A, 1032, QADMIN_UUID, 1, 0, 20, &prev), ==,
                    EXMTA_LEARN_IFACE_CHANGED);
    g_assert_true(is_iface(&prev, MTA_UUID));
    g_assert_cmpuint(prev.learned_in, ==, 10);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 2);

    e = exmta_endpoints_lookup(t, IP_A, 1032, 15);
    g_assert_true(is_iface(e, MTA_UUID));
    e = exmta_endpoints_lookup(t, IP_A, 1032, 20);
    g_assert_true(is_iface(e, MTA_UUID));
    e = exmta_endpoints_lookup(t, IP_A, 1032, 21);
    g_assert_true(is_iface(e, QADMIN_UUID));
    g_assert_cmpint(e->kind, ==, EXMTA_KIND_QADMIN_RPC);

    /* Back to MTA: a third entry, the newest answer is MTA again. */
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 30, &prev), ==,
                    EXMTA_LEARN_IFACE_CHANGED);
    g_assert_true(is_iface(&prev, QADMIN_UUID));
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 3);
    g_assert_true(is_iface(exmta_endpoints_lookup(t, IP_A, 1032, 31), MTA_UUID));
    g_assert_true(is_iface(exmta_endpoints_lookup(t, IP_A, 1032, 25), QADMIN_UUID));
    g_assert_true(is_iface(exmta_endpoints_lookup(t, IP_A, 1032, 11), MTA_UUID));
    g_assert_cmpuint(exmta_endpoints_lookup(t, IP_A, 1032, 11)->learned_in, ==, 10);
    g_assert_null(exmta_endpoints_lookup(t, IP_A, 1032, 1));

    /* Re-learning it now touches the newest entry, not the first. */
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 40, NULL), ==, EXMTA_LEARN_SAME);
    g_assert_cmpuint(exmta_endpoints_lookup(t, IP_A, 1032, 41)->times_learned, ==, 2);
    g_assert_cmpuint(exmta_endpoints_lookup(t, IP_A, 1032, 11)->times_learned, ==, 1);

    /* Same interface, other minor version: the binding changed. */
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 1, 50, &prev), ==,
                    EXMTA_LEARN_IFACE_CHANGED);
    g_assert_cmpuint(prev.ver_minor, ==, 0);
    g_assert_cmpuint(exmta_endpoints_lookup(t, IP_A, 1032, 51)->ver_minor, ==, 1);

    /* Two bindings for one key in the same frame: the later one wins after it. */
    g_assert_cmpint(learn(t, IP_A, 1032, NSPI_UUID, 56, 0, 60, NULL), ==,
                    EXMTA_LEARN_IFACE_CHANGED);
    g_assert_cmpint(learn(t, IP_A, 1032, QADMIN_UUID, 1, 0, 60, NULL), ==,
                    EXMTA_LEARN_IFACE_CHANGED);
    g_assert_true(is_iface(exmta_endpoints_lookup(t, IP_A, 1032, 61), QADMIN_UUID));
    g_assert_cmpuint(exmta_endpoints_lookup(t, IP_A, 1032, 60)->ver_minor, ==, 1);
    exmta_endpoints_free(t);
}

static void
test_port_changed(void)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    exmta_endpoint_t prev;

    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 10, NULL), ==, EXMTA_LEARN_NEW);
    memset(&prev, 0, sizeof(prev));
    g_assert_cmpint(learn(t, IP_A, 1040, MTA_UUID, 2, 0, 20, &prev), ==,
                    EXMTA_LEARN_PORT_CHANGED);
    g_assert_cmpuint(prev.port, ==, 1032);
    g_assert_cmpuint(prev.learned_in, ==, 10);
    /* The old port keeps its history; the new one is known after frame 20. */
    g_assert_nonnull(exmta_endpoints_lookup(t, IP_A, 1032, 100));
    g_assert_null(exmta_endpoints_lookup(t, IP_A, 1040, 20));
    g_assert_nonnull(exmta_endpoints_lookup(t, IP_A, 1040, 21));

    /* Another major version, or another ip, is another interface. */
    g_assert_cmpint(learn(t, IP_A, 1041, MTA_UUID, 3, 0, 21, NULL), ==, EXMTA_LEARN_NEW);
    g_assert_cmpint(learn(t, IP_B, 1042, MTA_UUID, 2, 0, 21, NULL), ==, EXMTA_LEARN_NEW);
    /* A minor version change on another port is still a move. */
    g_assert_cmpint(learn(t, IP_A, 1043, MTA_UUID, 2, 5, 22, &prev), ==,
                    EXMTA_LEARN_PORT_CHANGED);
    g_assert_cmpuint(prev.port, ==, 1040);

    /* Back on 1032: the same (ip, port, iface, version) as before, so SAME,
     * and the next move is relative to 1032. */
    g_assert_cmpint(learn(t, IP_A, 1032, MTA_UUID, 2, 0, 30, NULL), ==, EXMTA_LEARN_SAME);
    g_assert_cmpint(learn(t, IP_A, 1050, MTA_UUID, 2, 0, 40, &prev), ==,
                    EXMTA_LEARN_PORT_CHANGED);
    g_assert_cmpuint(prev.port, ==, 1032);
    g_assert_cmpuint(prev.times_learned, ==, 2);

    /* A key that changes interface reports IFACE_CHANGED even if the new
     * interface also lived elsewhere before: previous is this key's entry. */
    g_assert_cmpint(learn(t, IP_A, 1041, MTA_UUID, 2, 0, 50, &prev), ==,
                    EXMTA_LEARN_IFACE_CHANGED);
    g_assert_cmpuint(prev.port, ==, 1041);
    g_assert_cmpuint(prev.ver_major, ==, 3);
    /* ... and the interface index follows it there. */
    g_assert_cmpint(learn(t, IP_A, 1060, MTA_UUID, 2, 0, 60, &prev), ==,
                    EXMTA_LEARN_PORT_CHANGED);
    g_assert_cmpuint(prev.port, ==, 1041);
    exmta_endpoints_free(t);
}

typedef struct {
    GArray *seen;       /* of exmta_endpoint_t */
} collect_t;

static void
collect_cb(const exmta_endpoint_t *ep, gpointer user_data)
{
    collect_t *c = user_data;
    g_array_append_val(c->seen, *ep);
}

static void
test_foreach_order(void)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    collect_t c = { g_array_new(FALSE, FALSE, sizeof(exmta_endpoint_t)) };

    learn(t, IP_A, 3000, MTA_UUID, 2, 0, 1, NULL);
    learn(t, IP_A, 1000, NSPI_UUID, 56, 0, 2, NULL);
    learn(t, IP_A, 3000, QADMIN_UUID, 1, 0, 3, NULL);
    learn(t, IP_A, 1000, NSPI_UUID, 56, 0, 4, NULL);     /* SAME: no entry */
    learn(t, IP_B, 2000, MTA_UUID, 2, 0, 5, NULL);
    exmta_endpoints_foreach(t, collect_cb, &c);
    g_assert_cmpuint(c.seen->len, ==, 4);
    g_assert_cmpuint(g_array_index(c.seen, exmta_endpoint_t, 0).port, ==, 3000);
    g_assert_cmpuint(g_array_index(c.seen, exmta_endpoint_t, 1).port, ==, 1000);
    g_assert_cmpuint(g_array_index(c.seen, exmta_endpoint_t, 1).times_learned, ==, 2);
    g_assert_cmpuint(g_array_index(c.seen, exmta_endpoint_t, 2).port, ==, 3000);
    g_assert_cmpuint(g_array_index(c.seen, exmta_endpoint_t, 2).learned_in, ==, 3);
    g_assert_cmpuint(g_array_index(c.seen, exmta_endpoint_t, 3).port, ==, 2000);
    exmta_endpoints_foreach(t, NULL, NULL);
    exmta_endpoints_foreach(NULL, collect_cb, &c);
    g_assert_cmpuint(c.seen->len, ==, 4);
    g_array_free(c.seen, TRUE);
    exmta_endpoints_free(t);
}

/* Many bindings of one key, lookups for every frame in a shuffled order,
 * checked against a linear scan: the answer depends only on the frame. */
static void
test_history_any_order(void)
{
    enum { N = 300 };
    static const char *ifaces[3] = { "9e8ee830-4459-11ce-979b-00aa005ffebe",
                                     "38a94e72-a9bc-11d2-8faf-00c04fa378ff",
                                     "f5cc5a18-4264-101a-8c59-08002b2f8426" };
    exmta_endpoints_t *t = exmta_endpoints_new();
    GRand *rnd = g_rand_new_with_seed(42);
    guint32 frames[N];
    guint32 order[N * 10 + 2];

    for (guint i = 0; i < N; i++) {
        frames[i] = 5 + i * 7 + (i % 3);
        g_assert_cmpint(learn(t, IP_A, 1032, ifaces[i % 3], 1, 0, frames[i], NULL), ==,
                        i == 0 ? EXMTA_LEARN_NEW : EXMTA_LEARN_IFACE_CHANGED);
    }
    for (guint f = 0; f < G_N_ELEMENTS(order); f++)
        order[f] = f;
    for (guint i = G_N_ELEMENTS(order) - 1; i > 0; i--) {
        guint j = g_rand_int_range(rnd, 0, i + 1);
        guint32 tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    for (guint pass = 0; pass < 2; pass++) {
        for (guint k = 0; k < G_N_ELEMENTS(order); k++) {
            guint32 f = order[k];
            const exmta_endpoint_t *e = exmta_endpoints_lookup(t, IP_A, 1032, f);
            gint expect = -1;
            for (guint i = 0; i < N; i++) {
                if (frames[i] < f)
                    expect = (gint)i;
            }
            if (expect < 0) {
                g_assert_null(e);
            } else {
                g_assert_nonnull(e);
                g_assert_cmpuint(e->learned_in, ==, frames[expect]);
                g_assert_true(is_iface(e, ifaces[expect % 3]));
            }
        }
    }
    g_assert_cmpuint(exmta_endpoints_count(t), ==, N);
    g_rand_free(rnd);
    exmta_endpoints_free(t);
}

/* Pointers returned by lookup stay valid while the table grows. */
static void
test_pointer_stability(void)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    const exmta_endpoint_t *e;

    learn(t, IP_A, 1032, MTA_UUID, 2, 0, 1, NULL);
    e = exmta_endpoints_lookup(t, IP_A, 1032, 2);
    for (guint i = 1; i <= 50000; i++) {
        guint8 ip[4] = { 172, 16, (guint8)(i >> 8), (guint8)i };
        g_assert_cmpint(learn(t, ip, (guint16)(1024 + i % 5000), NSPI_UUID, 56, 0, 2 + i, NULL),
                        ==, EXMTA_LEARN_NEW);
    }
    g_assert_true(e == exmta_endpoints_lookup(t, IP_A, 1032, 2));
    g_assert_cmpuint(e->port, ==, 1032);
    g_assert_true(is_iface(e, MTA_UUID));
    g_assert_cmpuint(exmta_endpoints_count(t), ==, 50001);
    for (guint i = 1; i <= 50000; i += 997) {
        guint8 ip[4] = { 172, 16, (guint8)(i >> 8), (guint8)i };
        e = exmta_endpoints_lookup(t, ip, (guint16)(1024 + i % 5000), G_MAXUINT32);
        g_assert_nonnull(e);
        g_assert_cmpuint(e->learned_in, ==, 2 + i);
    }
    exmta_endpoints_free(t);
}

/* Reports (does not assert) the heap bytes per endpoint for 1,000,000
 * distinct endpoints, each a distinct (ip, port) and (ip, iface) pair. */
static void
test_memory_1m(void)
{
    enum { N = 1000000 };
    exmta_endpoints_t *t;
    gint64 t0, t1;
#if defined(__GLIBC__)
    struct mallinfo2 before, after;
    before = mallinfo2();
#endif
    t0 = g_get_monotonic_time();
    t = exmta_endpoints_new();
    for (guint i = 0; i < N; i++) {
        exmta_endpoint_t ep = make_ep(IP_A, 1, MTA_UUID, 2, 0, i + 1);
        ep.ip[2] = (guint8)(i >> 16);
        ep.ip[3] = (guint8)(i >> 8);
        ep.port = (guint16)(1024 + (i & 0xff));
        ep.iface.b[15] = (guint8)i;
        g_assert_cmpint(exmta_endpoints_learn(t, &ep, NULL), ==, EXMTA_LEARN_NEW);
    }
    t1 = g_get_monotonic_time();
    g_assert_cmpuint(exmta_endpoints_count(t), ==, N);
#if defined(__GLIBC__)
    after = mallinfo2();
    g_test_message("1,000,000 endpoints: %.1f heap bytes per endpoint, learned in %.0f ms",
                   (double)(after.uordblks + after.hblkhd - before.uordblks - before.hblkhd) / N,
                   (t1 - t0) / 1000.0);
    if (g_getenv("EXMTA_REPORT"))
        g_printerr("memory: %.1f bytes/endpoint, %.0f ms for %d learns\n",
                   (double)(after.uordblks + after.hblkhd - before.uordblks - before.hblkhd) / N,
                   (t1 - t0) / 1000.0, N);
#else
    g_test_message("learned 1,000,000 endpoints in %.0f ms", (t1 - t0) / 1000.0);
#endif
    exmta_endpoints_free(t);
}

/* Filling the table to EXMTA_ENDPOINTS_MAX takes a few hundred MB: only
 * with -m slow (or -m thorough). */
static void
test_table_full(void)
{
    exmta_endpoints_t *t;
    exmta_endpoint_t ep;

    if (!g_test_slow()) {
        g_test_skip("needs -m slow");
        return;
    }
    t = exmta_endpoints_new();
    ep = make_ep(IP_A, 1, MTA_UUID, 2, 0, 1);
    for (guint32 i = 0; i < EXMTA_ENDPOINTS_MAX; i++) {
        ep.ip[1] = (guint8)(i >> 16);
        ep.ip[2] = (guint8)(i >> 8);
        ep.ip[3] = (guint8)i;
        ep.port = 1000;
        g_assert_cmpint(exmta_endpoints_learn(t, &ep, NULL), ==, EXMTA_LEARN_NEW);
    }
    g_assert_cmpuint(exmta_endpoints_count(t), ==, EXMTA_ENDPOINTS_MAX);
    ep.port = 1001;
    g_assert_cmpint(exmta_endpoints_learn(t, &ep, NULL), ==, EXMTA_LEARN_REJECTED);
    /* Confirming a known binding needs no room. */
    ep.port = 1000;
    g_assert_cmpint(exmta_endpoints_learn(t, &ep, NULL), ==, EXMTA_LEARN_SAME);
    g_assert_cmpuint(exmta_endpoints_count(t), ==, EXMTA_ENDPOINTS_MAX);
    exmta_endpoints_free(t);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/endpoints/kinds", test_kinds);
    g_test_add_func("/endpoints/new-same-lookup", test_new_same_lookup);
    g_test_add_func("/endpoints/rejected", test_rejected);
    g_test_add_func("/endpoints/relearned-from-other-source", test_relearned_from_other_source);
    g_test_add_func("/endpoints/iface-changed", test_iface_changed);
    g_test_add_func("/endpoints/port-changed", test_port_changed);
    g_test_add_func("/endpoints/foreach-order", test_foreach_order);
    g_test_add_func("/endpoints/history-any-order", test_history_any_order);
    g_test_add_func("/endpoints/pointer-stability", test_pointer_stability);
    g_test_add_func("/endpoints/memory-1m", test_memory_1m);
    g_test_add_func("/endpoints/table-full", test_table_full);
    return g_test_run();
}
