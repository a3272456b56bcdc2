/* fuzz_cache.c - libFuzzer harness for the flow cache and the frame index.
 *
 * The input is a sequence of operations, each checked against a brute-force
 * model of the semantics in flowcache.h and frameidx.h:
 *   op % 6 == 0  flow put:  flow, generation, value (4 bytes)
 *   op % 6 == 1  flow get:  flow, generation (3 bytes): NULL, or exactly the
 *                value the model last put for that flow in that generation
 *   op % 6 == 2  flow clear
 *   op % 6 == 3  frame set: frame (2 bytes, modulo 4096), value (1 byte)
 *   op % 6 == 4  frame get: frame (2 bytes): exactly the model's value
 *   op % 6 == 5  frame clear
 * Flows come from small domains (8 addresses of several lengths, 4 ports)
 * so they collide in the 16-slot cache; address lengths include ones the
 * cache refuses (0, 17).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flowcache.h"
#include "frameidx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFLOWS 256                  /* a flow is one byte: src, dst, port, length selectors */
#define NFRAMES 4096

static const guint alens[4] = { 4, 16, 0, 17 };
static int values[256];

typedef struct {
    guint8 src[17], dst[17];
    guint alen;
    guint16 sport, dport;
} flow_t;

static flow_t
flow_of(guint8 sel)
{
    flow_t f;

    memset(&f, 0, sizeof(f));
    f.alen = alens[(sel >> 6) & 3];
    memset(f.src, 0x0a, sizeof(f.src));
    memset(f.dst, 0x0a, sizeof(f.dst));
    f.src[f.alen ? f.alen - 1 : 0] = sel & 3;           /* 4 sources */
    f.dst[f.alen ? f.alen - 1 : 0] = (sel >> 2) & 1;    /* 2 destinations */
    f.sport = (sel >> 3) & 1 ? 102 : 41000;
    f.dport = (sel >> 4) & 3;
    return f;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_flowcache_t *fc = exmta_flowcache_new(16);
    exmta_frameidx_t *fi = exmta_frameidx_new();
    /* model: last put per flow (generation, value), frame values */
    static struct { gboolean set; guint32 gen; gpointer value; } flows[NFLOWS];
    static gpointer frames[NFRAMES];
    size_t off = 0;

    memset(flows, 0, sizeof(flows));
    memset(frames, 0, sizeof(frames));
    while (off < size) {
        guint8 op = data[off++] % 6;

        if (op == 0 || op == 1) {
            size_t need = op == 0 ? 3 : 2;
            if (size - off < need)
                break;
            guint8 sel = data[off];
            guint32 gen = data[off + 1] & 3;
            flow_t f = flow_of(sel);
            gboolean cached = f.alen >= 1 && f.alen <= EXMTA_FLOW_ADDR_MAX;
            if (op == 0) {
                gpointer v = (data[off + 2] & 7) ? &values[data[off + 2]] : NULL;
                exmta_flowcache_put(fc, f.src, f.dst, f.alen, f.sport, f.dport, gen, v);
                if (cached) {
                    flows[sel].set = TRUE;
                    flows[sel].gen = gen;
                    flows[sel].value = v;
                }
            } else {
                gpointer got = exmta_flowcache_get(fc, f.src, f.dst, f.alen, f.sport, f.dport, gen);
                if (got && (!cached || !flows[sel].set || flows[sel].gen != gen || flows[sel].value != got))
                    abort();
            }
            off += need;
        } else if (op == 2) {
            exmta_flowcache_clear(fc);
            memset(flows, 0, sizeof(flows));
        } else if (op == 3 || op == 4) {
            size_t need = op == 3 ? 3 : 2;
            if (size - off < need)
                break;
            guint32 frame = ((guint32)data[off] << 8 | data[off + 1]) % NFRAMES;
            if (op == 3) {
                gpointer v = (data[off + 2] & 7) ? &values[data[off + 2]] : NULL;
                exmta_frameidx_set(fi, frame, v);
                if (v)
                    frames[frame] = v;
            } else if (exmta_frameidx_get(fi, frame) != frames[frame]) {
                abort();
            }
            off += need;
        } else {
            exmta_frameidx_clear(fi);
            memset(frames, 0, sizeof(frames));
        }
    }
    /* the index agrees with the model on every frame, and counts the same */
    guint n = 0;
    for (guint32 f = 0; f < NFRAMES; f++) {
        n += frames[f] != NULL;
        if (frames[f] && exmta_frameidx_get(fi, f) != frames[f])
            abort();
    }
    if (exmta_frameidx_count(fi) != n)
        abort();
    exmta_flowcache_free(fc);
    exmta_frameidx_free(fi);
    return 0;
}
