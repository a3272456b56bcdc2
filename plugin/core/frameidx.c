/* frameidx.c - see frameidx.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "frameidx.h"

#include <string.h>

/* Two arrays of its own rather than a GArray and a GPtrArray: an append,
 * once a frame, is a few instructions here instead of two calls into GLib
 * (and their code, which Wireshark's own work between two frames evicts
 * from the instruction cache). */
struct exmta_frameidx {
    guint32 *frames;            /* strictly increasing */
    gpointer *values;           /* values[i] belongs to frames[i] */
    guint len, cap;
};

static void
free_arrays(exmta_frameidx_t *fi)
{
    g_free(fi->frames);
    g_free(fi->values);
    fi->frames = NULL;
    fi->values = NULL;
    fi->len = fi->cap = 0;
}

/* Room for one more. Doubling stops short of overflow; GLib aborts on a
 * failed allocation long before (as a GArray does). */
static void
grow(exmta_frameidx_t *fi)
{
    guint cap = !fi->cap ? 1024 : fi->cap > G_MAXUINT / 2 ? G_MAXUINT : fi->cap * 2;

    fi->frames = g_renew(guint32, fi->frames, cap);
    fi->values = g_renew(gpointer, fi->values, cap);
    fi->cap = cap;
}

exmta_frameidx_t *
exmta_frameidx_new(void)
{
    return g_new0(exmta_frameidx_t, 1);
}

void
exmta_frameidx_free(exmta_frameidx_t *fi)
{
    if (!fi)
        return;
    free_arrays(fi);
    g_free(fi);
}

void
exmta_frameidx_clear(exmta_frameidx_t *fi)
{
    if (!fi)
        return;
    /* freed rather than a length of 0: a large file's index goes */
    free_arrays(fi);
}

static guint
lower_bound(const exmta_frameidx_t *fi, guint32 frame)
{
    guint lo = 0, hi = fi->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (fi->frames[mid] < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void
exmta_frameidx_set(exmta_frameidx_t *fi, guint32 frame, gpointer value)
{
    guint n, i;

    if (!fi || !value)
        return;
    n = fi->len;
    if (n == 0 || fi->frames[n - 1] < frame) {
        i = n;                  /* an append: the first pass, every frame */
    } else {
        i = lower_bound(fi, frame);
        if (fi->frames[i] == frame) {
            fi->values[i] = value;
            return;
        }
    }
    if (n == fi->cap)
        grow(fi);
    if (i < n) {
        memmove(fi->frames + i + 1, fi->frames + i, (n - i) * sizeof(*fi->frames));
        memmove(fi->values + i + 1, fi->values + i, (n - i) * sizeof(*fi->values));
    }
    fi->frames[i] = frame;
    fi->values[i] = value;
    fi->len = n + 1;
}

gpointer
exmta_frameidx_get(const exmta_frameidx_t *fi, guint32 frame)
{
    guint i;

    if (!fi || fi->len == 0)
        return NULL;
    /* the first pass asks for the frame it has just added, or a later one */
    i = fi->len - 1;
    if (fi->frames[i] <= frame)
        return fi->frames[i] == frame ? fi->values[i] : NULL;
    i = lower_bound(fi, frame);
    if (i < fi->len && fi->frames[i] == frame)
        return fi->values[i];
    return NULL;
}

guint
exmta_frameidx_count(const exmta_frameidx_t *fi)
{
    return fi ? fi->len : 0;
}
