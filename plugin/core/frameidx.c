/* frameidx.c - see frameidx.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "frameidx.h"

struct exmta_frameidx {
    GArray *frames;             /* guint32, strictly increasing */
    GPtrArray *values;          /* values->pdata[i] belongs to frames[i] */
};

static void
new_arrays(exmta_frameidx_t *fi)
{
    fi->frames = g_array_new(FALSE, FALSE, sizeof(guint32));
    fi->values = g_ptr_array_new();
}

static void
free_arrays(exmta_frameidx_t *fi)
{
    g_array_free(fi->frames, TRUE);
    g_ptr_array_free(fi->values, TRUE);
}

exmta_frameidx_t *
exmta_frameidx_new(void)
{
    exmta_frameidx_t *fi = g_new0(exmta_frameidx_t, 1);

    new_arrays(fi);
    return fi;
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
    /* new arrays rather than a length of 0: a large file's index is freed */
    free_arrays(fi);
    new_arrays(fi);
}

/* The position of the first frame >= frame. */
static guint
lower_bound(const exmta_frameidx_t *fi, guint32 frame)
{
    const guint32 *f = (const guint32 *)(void *)fi->frames->data;
    guint lo = 0, hi = fi->frames->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (f[mid] < frame)
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
    n = fi->frames->len;
    if (n == 0 || g_array_index(fi->frames, guint32, n - 1) < frame) {
        g_array_append_val(fi->frames, frame);
        g_ptr_array_add(fi->values, value);
        return;
    }
    i = lower_bound(fi, frame);
    if (g_array_index(fi->frames, guint32, i) == frame) {
        fi->values->pdata[i] = value;
        return;
    }
    g_array_insert_val(fi->frames, i, frame);
    g_ptr_array_insert(fi->values, (gint)i, value);
}

gpointer
exmta_frameidx_get(const exmta_frameidx_t *fi, guint32 frame)
{
    guint i;

    if (!fi || fi->frames->len == 0)
        return NULL;
    /* the first pass asks for the frame it has just added, or a later one */
    i = fi->frames->len - 1;
    if (g_array_index(fi->frames, guint32, i) <= frame)
        return g_array_index(fi->frames, guint32, i) == frame ? fi->values->pdata[i] : NULL;
    i = lower_bound(fi, frame);
    if (i < fi->frames->len && g_array_index(fi->frames, guint32, i) == frame)
        return fi->values->pdata[i];
    return NULL;
}

guint
exmta_frameidx_count(const exmta_frameidx_t *fi)
{
    return fi ? fi->frames->len : 0;
}
