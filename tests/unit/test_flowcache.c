/* test_flowcache.c - the flow cache answers only for the same directed flow
 * in the same generation, and never with another flow's answer.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>
#include "flowcache.h"

typedef struct {
    guint8 src[16], dst[16];
    guint alen;
    guint16 sport, dport;
} flow_t;

static flow_t
v4(guint32 src, guint32 dst, guint16 sport, guint16 dport)
{
    flow_t f = { .alen = 4, .sport = sport, .dport = dport };

    for (int i = 0; i < 4; i++) {
        f.src[i] = (guint8)(src >> (24 - 8 * i));
        f.dst[i] = (guint8)(dst >> (24 - 8 * i));
    }
    return f;
}

#define GET(fc, f, gen) exmta_flowcache_get(fc, (f).src, (f).dst, (f).alen, (f).sport, (f).dport, gen)
#define PUT(fc, f, gen, a) exmta_flowcache_put(fc, (f).src, (f).dst, (f).alen, (f).sport, (f).dport, gen, a)

static void
test_same_flow_same_generation(void)
{
    exmta_flowcache_t *fc = exmta_flowcache_new(64);
    flow_t f = v4(0x0a000001, 0x0a000002, 40000, 102);
    flow_t back = v4(0x0a000002, 0x0a000001, 102, 40000);
    flow_t p = v4(0x0a000001, 0x0a000002, 40001, 102);
    flow_t a = v4(0x0a000003, 0x0a000002, 40000, 102);
    int answer = 1, other = 2;

    g_assert_null(GET(fc, f, 0));
    PUT(fc, f, 7, &answer);
    g_assert_true(GET(fc, f, 7) == &answer);
    /* a new generation: TCP set up a conversation since */
    g_assert_null(GET(fc, f, 8));
    g_assert_null(GET(fc, f, 6));
    /* directed: the way back is another flow */
    g_assert_null(GET(fc, back, 7));
    PUT(fc, back, 7, &other);
    g_assert_true(GET(fc, back, 7) == &other);
    g_assert_true(GET(fc, f, 7) == &answer);
    /* other ports, other addresses */
    g_assert_null(GET(fc, p, 7));
    g_assert_null(GET(fc, a, 7));
    /* NULL empties the slot */
    PUT(fc, f, 7, NULL);
    g_assert_null(GET(fc, f, 7));
    PUT(fc, f, 9, &answer);
    exmta_flowcache_clear(fc);
    g_assert_null(GET(fc, f, 9));
    exmta_flowcache_free(fc);
    exmta_flowcache_free(NULL);
}

static void
test_ipv6_and_bad_lengths(void)
{
    exmta_flowcache_t *fc = exmta_flowcache_new(16);
    flow_t f = { .src = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, .dst = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
                 .alen = 16, .sport = 1025, .dport = 102 };
    flow_t g = f, h = f;
    int answer = 1;

    g.dst[14] = 1;
    PUT(fc, f, 0, &answer);
    g_assert_true(GET(fc, f, 0) == &answer);
    g_assert_null(GET(fc, g, 0));
    /* an IPv4 flow whose bytes are the IPv6 prefix is not the IPv6 flow */
    h.alen = 4;
    g_assert_null(GET(fc, h, 0));
    /* lengths the cache does not take: never stored, never answered */
    for (guint bad = 0; bad < 40; bad += 17) {
        h.alen = bad;
        PUT(fc, h, 0, &answer);
        g_assert_null(GET(fc, h, 0));
    }
    g_assert_null(exmta_flowcache_get(fc, NULL, f.dst, 4, 1, 2, 0));
    exmta_flowcache_put(fc, f.src, NULL, 4, 1, 2, 0, &answer);
    g_assert_true(GET(fc, f, 0) == &answer);
    /* a NULL cache is a cache that never answers */
    PUT(NULL, f, 0, &answer);
    g_assert_null(GET(NULL, f, 0));
    exmta_flowcache_free(fc);
}

/* Many flows through a small cache: an answer is always the flow's own
 * (or none), whatever evicted what. */
static void
test_never_another_flows_answer(void)
{
    enum { N = 5000 };
    exmta_flowcache_t *fc = exmta_flowcache_new(100);   /* 128 slots */
    static flow_t flows[N];
    static guint32 ids[N];
    GRand *r = g_rand_new_with_seed(1006);
    guint hits = 0, misses = 0;

    for (guint i = 0; i < N; i++) {
        flows[i] = v4(g_rand_int(r) & 0x0a0000ff, 0x0a000064, (guint16)g_rand_int_range(r, 1024, 1100), 102);
        if (i % 3 == 0) {       /* some IPv6 and some odd lengths among them */
            flows[i].alen = (i % 2) ? 16 : 5;
            flows[i].src[flows[i].alen - 1] = (guint8)i;
        }
        ids[i] = i;
    }
    for (guint round = 0; round < 20000; round++) {
        guint i = (guint)g_rand_int_range(r, 0, N);
        guint32 *got = (guint32 *)GET(fc, flows[i], 3);

        if (got) {
            /* the same flow may occur twice in the list: compare flows */
            const flow_t *o = &flows[*got];
            g_assert_cmpuint(o->alen, ==, flows[i].alen);
            g_assert_cmpuint(o->sport, ==, flows[i].sport);
            g_assert_cmpuint(o->dport, ==, flows[i].dport);
            g_assert_cmpmem(o->src, o->alen, flows[i].src, flows[i].alen);
            g_assert_cmpmem(o->dst, o->alen, flows[i].dst, flows[i].alen);
            hits++;
        } else {
            PUT(fc, flows[i], 3, &ids[i]);
            g_assert_true(GET(fc, flows[i], 3) == &ids[i]);
            misses++;
        }
    }
    g_assert_cmpuint(hits, >, 0);
    g_assert_cmpuint(misses, >, 0);
    g_rand_free(r);
    exmta_flowcache_free(fc);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/flowcache/same_flow_same_generation", test_same_flow_same_generation);
    g_test_add_func("/flowcache/ipv6_and_bad_lengths", test_ipv6_and_bad_lengths);
    g_test_add_func("/flowcache/never_another_flows_answer", test_never_another_flows_answer);
    return g_test_run();
}
