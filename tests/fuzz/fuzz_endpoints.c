/* fuzz_endpoints.c - libFuzzer harness for the endpoint table.
 *
 * The input is a sequence of operations, each checked against a brute-force
 * model (plain arrays, linear scans) of the semantics in endpoints.h:
 *   op & 3 == 0..1  learn:  ip, port, binding, frame step (5 bytes)
 *   op & 3 == 2     lookup: ip, port, frame (4 bytes)
 *   op & 3 == 3     foreach, compared with the model in order
 * Small value domains make keys, interfaces and frames collide often.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    exmta_endpoint_t ep;            /* the model's copy */
} model_ent_t;

typedef struct {
    guint8 ip[4];
    exmta_uuid_t iface;
    guint16 ver_major;
    guint idx;                      /* model entry where it was last placed */
} model_iface_t;

typedef struct {
    GArray *ents;                   /* model_ent_t, in learning order */
    GArray *ifaces;                 /* model_iface_t */
    guint32 newest;
} model_t;

static const char *uuids[4] = {
    "9e8ee830-4459-11ce-979b-00aa005ffebe",
    "38a94e72-a9bc-11d2-8faf-00c04fa378ff",
    "f5cc5a18-4264-101a-8c59-08002b2f8426",
    "a4f1db00-ca47-1067-b31f-00dd010662da",
};

static void
make_ip(guint8 sel, guint8 ip[4])
{
    ip[0] = 10; ip[1] = 0; ip[2] = 0; ip[3] = sel & 7;
}

static gint
model_key_newest(const model_t *m, const guint8 ip[4], guint16 port)
{
    for (gint i = (gint)m->ents->len - 1; i >= 0; i--) {
        const model_ent_t *e = &g_array_index(m->ents, model_ent_t, i);
        if (e->ep.port == port && memcmp(e->ep.ip, ip, 4) == 0)
            return i;
    }
    return -1;
}

static model_iface_t *
model_iface(const model_t *m, const exmta_endpoint_t *ep)
{
    for (guint i = 0; i < m->ifaces->len; i++) {
        model_iface_t *f = &g_array_index(m->ifaces, model_iface_t, i);
        if (memcmp(f->ip, ep->ip, 4) == 0 && f->ver_major == ep->ver_major &&
            exmta_uuid_equal(&f->iface, &ep->iface))
            return f;
    }
    return NULL;
}

static void
model_set_iface(model_t *m, const exmta_endpoint_t *ep, guint idx)
{
    model_iface_t *f = model_iface(m, ep);
    if (f == NULL) {
        model_iface_t n;
        memcpy(n.ip, ep->ip, 4);
        n.iface = ep->iface;
        n.ver_major = ep->ver_major;
        g_array_append_val(m->ifaces, n);
        f = &g_array_index(m->ifaces, model_iface_t, m->ifaces->len - 1);
    }
    f->idx = idx;
}

static void
same_ep(const exmta_endpoint_t *a, const exmta_endpoint_t *b)
{
    if (memcmp(a->ip, b->ip, 4) != 0 || a->port != b->port || a->learned_in != b->learned_in ||
        a->times_learned != b->times_learned || !exmta_uuid_equal(&a->iface, &b->iface) ||
        a->ver_major != b->ver_major || a->ver_minor != b->ver_minor || a->kind != b->kind)
        abort();
}

static void
do_learn(exmta_endpoints_t *t, model_t *m, const uint8_t *p, guint32 *frame)
{
    exmta_endpoint_t ep, prev;
    exmta_learn_result_t expect, got;
    const exmta_endpoint_t *expect_prev = NULL;
    gint k;

    memset(&ep, 0, sizeof(ep));
    make_ip(p[0], ep.ip);
    ep.port = (guint16)(p[1] & 0x0f) * 1000u;           /* includes port 0 */
    exmta_uuid_from_string(uuids[p[2] & 3], &ep.iface);
    ep.ver_major = (p[2] >> 2) & 3;
    ep.ver_minor = (p[2] >> 4) & 1;
    ep.source = EXMTA_SRC_EPM;
    /* Mostly forward, sometimes the same frame, sometimes backwards. */
    *frame = (guint32)((gint64)*frame + (gint8)p[3]);
    ep.learned_in = *frame;
    ep.request_in = p[4];

    memset(&prev, 0xee, sizeof(prev));
    got = exmta_endpoints_learn(t, &ep, &prev);

    if (ep.port == 0 || ep.learned_in < m->newest) {
        expect = EXMTA_LEARN_REJECTED;
    } else if ((k = model_key_newest(m, ep.ip, ep.port)) >= 0) {
        model_ent_t *e = &g_array_index(m->ents, model_ent_t, k);
        if (exmta_uuid_equal(&e->ep.iface, &ep.iface) && e->ep.ver_major == ep.ver_major &&
            e->ep.ver_minor == ep.ver_minor) {
            expect = EXMTA_LEARN_SAME;
            e->ep.times_learned++;
            model_set_iface(m, &ep, (guint)k);
        } else {
            expect = EXMTA_LEARN_IFACE_CHANGED;
            expect_prev = &e->ep;
        }
    } else {
        model_iface_t *f = model_iface(m, &ep);
        expect = EXMTA_LEARN_NEW;
        if (f && g_array_index(m->ents, model_ent_t, f->idx).ep.port != ep.port) {
            expect = EXMTA_LEARN_PORT_CHANGED;
            expect_prev = &g_array_index(m->ents, model_ent_t, f->idx).ep;
        }
    }
    if (got != expect)
        abort();
    if (expect_prev)
        same_ep(&prev, expect_prev);
    if (expect == EXMTA_LEARN_REJECTED)
        return;
    m->newest = ep.learned_in;
    if (expect != EXMTA_LEARN_SAME) {
        model_ent_t n;
        n.ep = ep;
        n.ep.kind = exmta_kind_of(&ep.iface, ep.ver_major);
        n.ep.times_learned = 1;
        g_array_append_val(m->ents, n);
        model_set_iface(m, &ep, m->ents->len - 1);
    }
    if (exmta_endpoints_count(t) != m->ents->len)
        abort();
}

static void
do_lookup(const exmta_endpoints_t *t, const model_t *m, const uint8_t *p)
{
    guint8 ip[4];
    guint16 port = (guint16)(p[1] & 0x0f) * 1000u;
    guint32 frame = (guint32)p[2] | ((guint32)p[3] << 8);
    const exmta_endpoint_t *got, *expect = NULL;

    make_ip(p[0], ip);
    got = exmta_endpoints_lookup(t, ip, port, frame);
    for (guint i = 0; i < m->ents->len; i++) {
        const model_ent_t *e = &g_array_index(m->ents, model_ent_t, i);
        if (e->ep.port == port && memcmp(e->ep.ip, ip, 4) == 0 && e->ep.learned_in < frame)
            expect = &e->ep;
    }
    if ((got == NULL) != (expect == NULL))
        abort();
    if (got) {
        same_ep(got, expect);
        if (got->learned_in >= frame)
            abort();
    }
}

typedef struct {
    const model_t *m;
    guint i;
} walk_t;

static void
walk_cb(const exmta_endpoint_t *ep, gpointer user_data)
{
    walk_t *w = user_data;
    if (w->i >= w->m->ents->len)
        abort();
    same_ep(ep, &g_array_index(w->m->ents, model_ent_t, w->i).ep);
    w->i++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_endpoints_t *t = exmta_endpoints_new();
    model_t m = { g_array_new(FALSE, FALSE, sizeof(model_ent_t)),
                  g_array_new(FALSE, FALSE, sizeof(model_iface_t)), 0 };
    guint32 frame = 1000;
    size_t off = 0;

    while (off < size) {
        guint8 op = data[off++] & 3;
        if (op <= 1) {
            if (size - off < 5)
                break;
            do_learn(t, &m, data + off, &frame);
            off += 5;
        } else if (op == 2) {
            if (size - off < 4)
                break;
            do_lookup(t, &m, data + off);
            off += 4;
        } else {
            walk_t w = { &m, 0 };
            exmta_endpoints_foreach(t, walk_cb, &w);
            if (w.i != m.ents->len)
                abort();
        }
    }
    exmta_endpoints_free(t);
    g_array_free(m.ents, TRUE);
    g_array_free(m.ifaces, TRUE);
    return 0;
}
