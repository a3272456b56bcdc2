/* flowcache.c - see flowcache.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "flowcache.h"

typedef struct {
    gpointer answer;                    /* NULL = empty */
    guint32 generation;
    guint16 sport, dport;
    guint8  alen;
    guint8  src[EXMTA_FLOW_ADDR_MAX];
    guint8  dst[EXMTA_FLOW_ADDR_MAX];
} slot_t;

struct exmta_flowcache {
    guint mask;
    slot_t *slots;
};

#define GOLDEN 0x9e3779b1u

static inline guint32
mix_bytes(guint32 h, const guint8 *p, guint len)
{
    guint i = 0;

    for (; i + 4 <= len; i += 4) {
        guint32 w;
        memcpy(&w, p + i, 4);
        h = (h ^ w) * GOLDEN;
        h ^= h >> 15;
    }
    for (; i < len; i++)
        h = (h ^ p[i]) * GOLDEN;
    return h;
}

static inline guint32
load32(const guint8 *p)
{
    guint32 w;
    memcpy(&w, p, 4);
    return w;
}

static inline guint
slot_of(const exmta_flowcache_t *fc, const guint8 *src, const guint8 *dst, guint alen,
        guint16 sport, guint16 dport)
{
    guint32 h = ((guint32)sport << 16 | dport) * GOLDEN;

    if (alen == 4) {            /* IPv4: most flows */
        h = (h ^ load32(src)) * GOLDEN;
        h ^= h >> 15;
        h = (h ^ load32(dst) ^ 0x5bd1e995u) * GOLDEN;
    } else {
        h = mix_bytes(h, src, alen);
        h = mix_bytes(h ^ 0x5bd1e995u, dst, alen);
    }
    h ^= h >> 16;
    return h & fc->mask;
}

static inline gboolean
same_addr(const guint8 *a, const guint8 *b, guint alen)
{
    return alen == 4 ? load32(a) == load32(b) : memcmp(a, b, alen) == 0;
}

exmta_flowcache_t *
exmta_flowcache_new(guint slots)
{
    exmta_flowcache_t *fc = g_new0(exmta_flowcache_t, 1);
    guint n = 16;

    while (n < slots && n < (1u << 24))
        n <<= 1;
    fc->mask = n - 1;
    fc->slots = g_new0(slot_t, n);
    return fc;
}

void
exmta_flowcache_free(exmta_flowcache_t *fc)
{
    if (!fc)
        return;
    g_free(fc->slots);
    g_free(fc);
}

void
exmta_flowcache_clear(exmta_flowcache_t *fc)
{
    if (fc)
        memset(fc->slots, 0, sizeof(slot_t) * (fc->mask + 1));
}

gpointer
exmta_flowcache_get(const exmta_flowcache_t *fc, const guint8 *src, const guint8 *dst, guint alen,
                    guint16 sport, guint16 dport, guint32 generation)
{
    const slot_t *s;

    if (!fc || alen == 0 || alen > EXMTA_FLOW_ADDR_MAX || !src || !dst)
        return NULL;
    s = &fc->slots[slot_of(fc, src, dst, alen, sport, dport)];
    if (s->answer && s->generation == generation && s->alen == alen && s->sport == sport &&
        s->dport == dport && same_addr(s->src, src, alen) && same_addr(s->dst, dst, alen))
        return s->answer;
    return NULL;
}

void
exmta_flowcache_put(exmta_flowcache_t *fc, const guint8 *src, const guint8 *dst, guint alen,
                    guint16 sport, guint16 dport, guint32 generation, gpointer answer)
{
    slot_t *s;

    if (!fc || alen == 0 || alen > EXMTA_FLOW_ADDR_MAX || !src || !dst)
        return;
    s = &fc->slots[slot_of(fc, src, dst, alen, sport, dport)];
    s->answer = answer;
    s->generation = generation;
    s->alen = (guint8)alen;
    s->sport = sport;
    s->dport = dport;
    memcpy(s->src, src, alen);
    memcpy(s->dst, dst, alen);
}
