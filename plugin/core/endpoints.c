/* endpoints.c - the table of learned RPC endpoints.
 *
 * Layout, chosen so that memory is proportional to the entries and small
 * per entry, and so that returned pointers stay valid until the table is
 * freed (the shell may keep them in per-packet data):
 *
 *  - nodes: every entry ever learned, in learning order, in chunks that
 *    never move: 64, 128, ... 4096 nodes, then 4096 at a time, so a small
 *    capture costs little and a big one wastes at most one partial chunk;
 *  - by_key: open-addressing hash (ip, port) -> the first node of that key;
 *    a key learned more than once also gets a history array of node
 *    indices, sorted by learned_in (learning is in frame order, so
 *    appending keeps it sorted), searched by binary search on lookup;
 *  - by_iface: open-addressing hash (ip, iface, ver_major) -> the node that
 *    last placed that interface, to notice it moving to another port.
 *
 * The hashes store node indices + 1 (0 = empty) in plain guint32 arrays,
 * and compare keys by looking at the node, so a slot costs 4 bytes. The
 * top bits of a slot hold a few bits of the key's hash, so that probing past
 * other keys rarely has to touch (and cache-miss on) their nodes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "endpoints.h"

#define CHUNK_FIRST_SHIFT  6                                  /* first chunk: 64 nodes */
#define CHUNK_GROWN        7                                  /* chunks 0..6 double in size */
#define CHUNK_BIG          (1u << (CHUNK_FIRST_SHIFT + CHUNK_GROWN - 1))    /* 4096 */
#define CHUNK_GROWN_NODES  ((1u << CHUNK_FIRST_SHIFT) * ((1u << CHUNK_GROWN) - 1)) /* 8128 */
#define HASH_MIN_SLOTS  64u

/* A slot: bits 0..22 node index + 1 (EXMTA_ENDPOINTS_MAX < 2^23), bits
 * 23..31 a tag from the hash; 0 = empty. */
#define SLOT_IDX_BITS   23
#define SLOT_IDX_MASK   ((1u << SLOT_IDX_BITS) - 1)
G_STATIC_ASSERT(EXMTA_ENDPOINTS_MAX < SLOT_IDX_MASK);
#define SLOT_IDX(s)     (((s) & SLOT_IDX_MASK) - 1)
#define SLOT_TAG(h)     (((h) >> 24) << SLOT_IDX_BITS)
#define SLOT_MAKE(idx, h) (((idx) + 1) | SLOT_TAG(h))

typedef struct {
    exmta_endpoint_t ep;
    guint32 hist;           /* on a key's first node: 1 + index into histories, 0 = single entry */
} ep_node_t;

/* Open addressing with linear probing; never deleted from, grown at 1/2 load. */
typedef struct {
    guint32 *slots;         /* SLOT_MAKE(node index, hash), 0 = empty */
    guint32 mask;           /* slots - 1, a power of two minus one */
    guint32 used;
} ep_hash_t;

struct exmta_endpoints {
    GPtrArray *chunks;      /* of ep_node_t[], see chunk_locate() */
    guint32 count;
    guint32 newest_learned_in;
    guint64 seed;           /* per table, so colliding keys cannot be precomputed */
    ep_hash_t by_key;
    ep_hash_t by_iface;
    GPtrArray *histories;   /* of GArray of guint32 node indices */
};

/* ------------------------------------------------------------------ */
/* nodes                                                               */

/* Which chunk holds node idx, at which offset, and how big that chunk is. */
static void
chunk_locate(guint32 idx, guint *chunk, guint32 *off, guint32 *size)
{
    if (idx < CHUNK_GROWN_NODES) {
        guint32 v = (idx >> CHUNK_FIRST_SHIFT) + 1;
        guint c = g_bit_storage(v) - 1;                 /* floor(log2(v)) */
        *chunk = c;
        *off = idx - ((1u << CHUNK_FIRST_SHIFT) * ((1u << c) - 1));
        *size = 1u << (CHUNK_FIRST_SHIFT + c);
    } else {
        guint32 j = idx - CHUNK_GROWN_NODES;
        *chunk = CHUNK_GROWN + j / CHUNK_BIG;
        *off = j % CHUNK_BIG;
        *size = CHUNK_BIG;
    }
}

static ep_node_t *
node_at(const exmta_endpoints_t *tbl, guint32 idx)
{
    guint c;
    guint32 off, size;

    chunk_locate(idx, &c, &off, &size);
    return &((ep_node_t *)g_ptr_array_index(tbl->chunks, c))[off];
}

static guint32
node_add(exmta_endpoints_t *tbl, const exmta_endpoint_t *ep)
{
    guint32 idx = tbl->count;
    ep_node_t *n;
    guint c;
    guint32 off, size;

    /* Nodes are added one at a time, so a new chunk starts at offset 0. */
    chunk_locate(idx, &c, &off, &size);
    if (c == tbl->chunks->len)
        g_ptr_array_add(tbl->chunks, g_new(ep_node_t, size));
    n = node_at(tbl, idx);
    n->ep = *ep;
    n->hist = 0;
    tbl->count++;
    return idx;
}

/* ------------------------------------------------------------------ */
/* hashing                                                             */

/* The 64-bit finaliser of MurmurHash3: cheap and mixes all input bits. */
static guint64
mix64(guint64 k)
{
    k ^= k >> 33;
    k *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
    k ^= k >> 33;
    k *= G_GUINT64_CONSTANT(0xc4ceb9fe1a85ec53);
    k ^= k >> 33;
    return k;
}

static guint64
load_be64(const guint8 *p)
{
    guint64 v = 0;
    for (guint i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static guint32
ip_u32(const guint8 ip[4])
{
    return ((guint32)ip[0] << 24) | ((guint32)ip[1] << 16) | ((guint32)ip[2] << 8) | ip[3];
}

static guint32
hash_key(const exmta_endpoints_t *tbl, const guint8 ip[4], guint16 port)
{
    return (guint32)mix64(tbl->seed ^ (((guint64)ip_u32(ip) << 16) | port));
}

static guint32
hash_iface(const exmta_endpoints_t *tbl, const guint8 ip[4], const exmta_uuid_t *iface,
           guint16 ver_major)
{
    guint64 h = mix64(tbl->seed ^ (((guint64)ip_u32(ip) << 16) | ver_major));
    h = mix64(h ^ load_be64(iface->b));
    h = mix64(h ^ load_be64(iface->b + 8));
    return (guint32)h;
}

static gboolean
node_has_key(const ep_node_t *n, const guint8 ip[4], guint16 port)
{
    return n->ep.port == port && memcmp(n->ep.ip, ip, 4) == 0;
}

static gboolean
node_has_iface(const ep_node_t *n, const guint8 ip[4], const exmta_uuid_t *iface,
               guint16 ver_major)
{
    return n->ep.ver_major == ver_major && memcmp(n->ep.ip, ip, 4) == 0 &&
           exmta_uuid_equal(&n->ep.iface, iface);
}

static void
hash_init(ep_hash_t *h)
{
    h->slots = g_new0(guint32, HASH_MIN_SLOTS);
    h->mask = HASH_MIN_SLOTS - 1;
    h->used = 0;
}

/* Inserts a node index known not to be present (rehash and new keys). */
static void
hash_put_new(ep_hash_t *h, guint32 hash, guint32 idx)
{
    guint32 i = hash & h->mask;
    while (h->slots[i] != 0)
        i = (i + 1) & h->mask;
    h->slots[i] = SLOT_MAKE(idx, hash);
    h->used++;
}

typedef guint32 (*node_hash_fn)(const exmta_endpoints_t *tbl, const ep_node_t *n);

static guint32
node_key_hash(const exmta_endpoints_t *tbl, const ep_node_t *n)
{
    return hash_key(tbl, n->ep.ip, n->ep.port);
}

static guint32
node_iface_hash(const exmta_endpoints_t *tbl, const ep_node_t *n)
{
    return hash_iface(tbl, n->ep.ip, &n->ep.iface, n->ep.ver_major);
}

/* Keeps the load at most 1/2 so that probe sequences stay short; the slot
 * count is at most 4 * EXMTA_ENDPOINTS_MAX, well within guint32. */
static void
hash_reserve_one(exmta_endpoints_t *tbl, ep_hash_t *h, node_hash_fn fn)
{
    guint32 *old = h->slots;
    guint32 old_n = h->mask + 1;

    if ((h->used + 1) * 2 <= old_n)
        return;
    h->slots = g_new0(guint32, (gsize)old_n * 2);
    h->mask = old_n * 2 - 1;
    h->used = 0;
    for (guint32 i = 0; i < old_n; i++) {
        if (old[i] != 0)
            hash_put_new(h, fn(tbl, node_at(tbl, SLOT_IDX(old[i]))), SLOT_IDX(old[i]));
    }
    g_free(old);
}

/* Points an occupied slot at another node with the same key (same tag). */
static void
slot_repoint(guint32 *slot, guint32 idx)
{
    *slot = (*slot & ~SLOT_IDX_MASK) | (idx + 1);
}

/* Slot holding the first node of (ip, port), or the empty slot where it
 * would go. */
static guint32 *
find_key_slot(const exmta_endpoints_t *tbl, const guint8 ip[4], guint16 port)
{
    const ep_hash_t *h = &tbl->by_key;
    guint32 hash = hash_key(tbl, ip, port);
    guint32 tag = SLOT_TAG(hash);
    guint32 i = hash & h->mask;

    /* Terminates: the load is kept below 1, so there is an empty slot. */
    for (; h->slots[i] != 0; i = (i + 1) & h->mask) {
        if ((h->slots[i] & ~SLOT_IDX_MASK) == tag &&
            node_has_key(node_at(tbl, SLOT_IDX(h->slots[i])), ip, port))
            break;
    }
    return &h->slots[i];
}

static guint32 *
find_iface_slot(const exmta_endpoints_t *tbl, const guint8 ip[4], const exmta_uuid_t *iface,
                guint16 ver_major)
{
    const ep_hash_t *h = &tbl->by_iface;
    guint32 hash = hash_iface(tbl, ip, iface, ver_major);
    guint32 tag = SLOT_TAG(hash);
    guint32 i = hash & h->mask;

    for (; h->slots[i] != 0; i = (i + 1) & h->mask) {
        if ((h->slots[i] & ~SLOT_IDX_MASK) == tag &&
            node_has_iface(node_at(tbl, SLOT_IDX(h->slots[i])), ip, iface, ver_major))
            break;
    }
    return &h->slots[i];
}

/* ------------------------------------------------------------------ */
/* per-key history                                                     */

static GArray *
history_of(const exmta_endpoints_t *tbl, const ep_node_t *first)
{
    return first->hist ? g_ptr_array_index(tbl->histories, first->hist - 1) : NULL;
}

static guint32
history_newest(const exmta_endpoints_t *tbl, guint32 first_idx)
{
    GArray *h = history_of(tbl, node_at(tbl, first_idx));
    return h ? g_array_index(h, guint32, h->len - 1) : first_idx;
}

static void
history_append(exmta_endpoints_t *tbl, guint32 first_idx, guint32 idx)
{
    ep_node_t *first = node_at(tbl, first_idx);
    GArray *h = history_of(tbl, first);

    if (h == NULL) {
        h = g_array_sized_new(FALSE, FALSE, sizeof(guint32), 2);
        g_array_append_val(h, first_idx);
        g_ptr_array_add(tbl->histories, h);
        first->hist = tbl->histories->len;
    }
    g_array_append_val(h, idx);
}

static void
history_free(gpointer p)
{
    g_array_free((GArray *)p, TRUE);
}

/* ------------------------------------------------------------------ */
/* public                                                              */

exmta_endpoints_t *
exmta_endpoints_new(void)
{
    exmta_endpoints_t *tbl = g_new0(exmta_endpoints_t, 1);

    tbl->seed = ((guint64)g_random_int() << 32) | g_random_int();
    hash_init(&tbl->by_key);
    hash_init(&tbl->by_iface);
    tbl->histories = g_ptr_array_new_with_free_func(history_free);
    tbl->chunks = g_ptr_array_new_with_free_func(g_free);
    return tbl;
}

void
exmta_endpoints_free(exmta_endpoints_t *tbl)
{
    if (tbl == NULL)
        return;
    g_ptr_array_free(tbl->chunks, TRUE);
    g_free(tbl->by_key.slots);
    g_free(tbl->by_iface.slots);
    g_ptr_array_free(tbl->histories, TRUE);
    g_free(tbl);
}

static gboolean
same_binding(const exmta_endpoint_t *a, const exmta_endpoint_t *b)
{
    return a->ver_major == b->ver_major && a->ver_minor == b->ver_minor &&
           exmta_uuid_equal(&a->iface, &b->iface);
}

exmta_learn_result_t
exmta_endpoints_learn(exmta_endpoints_t *tbl, const exmta_endpoint_t *ep,
                      exmta_endpoint_t *previous)
{
    exmta_learn_result_t res = EXMTA_LEARN_NEW;
    const ep_node_t *superseded = NULL;
    ep_node_t *newest = NULL;
    exmta_endpoint_t copy;
    guint32 *kslot, *islot;
    guint32 first_idx = 0, newest_idx = 0, idx;

    if (tbl == NULL || ep == NULL || ep->port == 0 || ep->learned_in < tbl->newest_learned_in)
        return EXMTA_LEARN_REJECTED;

    kslot = find_key_slot(tbl, ep->ip, ep->port);
    if (*kslot != 0) {
        first_idx = SLOT_IDX(*kslot);
        newest_idx = history_newest(tbl, first_idx);
        newest = node_at(tbl, newest_idx);
    }

    /* Confirmation of what the key already says: no new entry, so this
     * works on a full table too. The same binding from another source (a
     * known-table row confirmed by this file's endpoint mapper) is a new,
     * newer entry instead: what the open file learned wins. */
    if (newest && same_binding(&newest->ep, ep) && newest->ep.source == ep->source) {
        if (newest->ep.times_learned < G_MAXUINT32)
            newest->ep.times_learned++;
        tbl->newest_learned_in = ep->learned_in;
        /* The interface is (again) here: a later move is relative to this port. */
        islot = find_iface_slot(tbl, ep->ip, &ep->iface, ep->ver_major);
        if (*islot != 0) {
            slot_repoint(islot, newest_idx);
        } else {
            hash_reserve_one(tbl, &tbl->by_iface, node_iface_hash);
            hash_put_new(&tbl->by_iface, hash_iface(tbl, ep->ip, &ep->iface, ep->ver_major),
                         newest_idx);
        }
        return EXMTA_LEARN_SAME;
    }

    if (tbl->count >= EXMTA_ENDPOINTS_MAX)
        return EXMTA_LEARN_REJECTED;

    islot = find_iface_slot(tbl, ep->ip, &ep->iface, ep->ver_major);
    if (newest && same_binding(&newest->ep, ep)) {
        res = EXMTA_LEARN_RELEARNED;
        superseded = newest;
    } else if (newest) {
        /* The key now answers for another interface (or version). */
        res = EXMTA_LEARN_IFACE_CHANGED;
        superseded = newest;
    } else if (*islot != 0) {
        const ep_node_t *old = node_at(tbl, SLOT_IDX(*islot));
        if (old->ep.port != ep->port) {
            res = EXMTA_LEARN_PORT_CHANGED;
            superseded = old;
        }
    }
    if (previous && superseded)
        *previous = superseded->ep;

    copy = *ep;
    copy.kind = exmta_kind_of(&ep->iface, ep->ver_major);
    if (copy.times_learned == 0)
        copy.times_learned = 1;
    idx = node_add(tbl, &copy);
    tbl->newest_learned_in = ep->learned_in;

    /* Index updates. islot is still valid: by_iface has not grown since it
     * was found (hash_reserve_one may move the slots, so it comes last). */
    if (newest) {
        history_append(tbl, first_idx, idx);
    } else {
        hash_reserve_one(tbl, &tbl->by_key, node_key_hash);
        hash_put_new(&tbl->by_key, hash_key(tbl, ep->ip, ep->port), idx);
    }
    if (*islot != 0) {
        slot_repoint(islot, idx);
    } else {
        hash_reserve_one(tbl, &tbl->by_iface, node_iface_hash);
        hash_put_new(&tbl->by_iface, hash_iface(tbl, ep->ip, &ep->iface, ep->ver_major), idx);
    }
    return res;
}

const exmta_endpoint_t *
exmta_endpoints_lookup(const exmta_endpoints_t *tbl, const guint8 ip[4], guint16 port,
                       guint32 frame)
{
    const guint32 *slot;
    const ep_node_t *first;
    GArray *h;
    guint lo, hi;

    if (tbl == NULL || ip == NULL)
        return NULL;
    slot = find_key_slot(tbl, ip, port);
    if (*slot == 0)
        return NULL;
    first = node_at(tbl, SLOT_IDX(*slot));
    h = history_of(tbl, first);
    if (h == NULL)
        return first->ep.learned_in < frame ? &first->ep : NULL;

    /* Number of history entries with learned_in < frame: the first index
     * whose learned_in >= frame. */
    lo = 0;
    hi = h->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (node_at(tbl, g_array_index(h, guint32, mid))->ep.learned_in < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &node_at(tbl, g_array_index(h, guint32, lo - 1))->ep : NULL;
}

guint
exmta_endpoints_count(const exmta_endpoints_t *tbl)
{
    return tbl ? tbl->count : 0;
}

void
exmta_endpoints_foreach(const exmta_endpoints_t *tbl,
                        void (*fn)(const exmta_endpoint_t *ep, gpointer user_data),
                        gpointer user_data)
{
    if (tbl == NULL || fn == NULL)
        return;
    for (guint32 i = 0; i < tbl->count; i++)
        fn(&node_at(tbl, i)->ep, user_data);
}

/* ------------------------------------------------------------------ */
/* interface kinds                                                     */

const exmta_uuid_t exmta_uuid_mta_rpc = { {
    0x9e, 0x8e, 0xe8, 0x30, 0x44, 0x59, 0x11, 0xce,
    0x97, 0x9b, 0x00, 0xaa, 0x00, 0x5f, 0xfe, 0xbe } };
const exmta_uuid_t exmta_uuid_qadmin_rpc = { {
    0x38, 0xa9, 0x4e, 0x72, 0xa9, 0xbc, 0x11, 0xd2,
    0x8f, 0xaf, 0x00, 0xc0, 0x4f, 0xa3, 0x78, 0xff } };

exmta_ep_kind_t
exmta_kind_of(const exmta_uuid_t *iface, guint16 ver_major)
{
    if (iface == NULL)
        return EXMTA_KIND_OTHER_RPC;
    if (ver_major == EXMTA_MTA_RPC_VERSION && exmta_uuid_equal(iface, &exmta_uuid_mta_rpc))
        return EXMTA_KIND_MTA_RPC;
    if (ver_major == EXMTA_QADMIN_RPC_VERSION && exmta_uuid_equal(iface, &exmta_uuid_qadmin_rpc))
        return EXMTA_KIND_QADMIN_RPC;
    return EXMTA_KIND_OTHER_RPC;
}

const char *
exmta_kind_str(exmta_ep_kind_t kind)
{
    switch (kind) {
    case EXMTA_KIND_MTA_RPC:    return "MTA RPC";
    case EXMTA_KIND_QADMIN_RPC: return "MTA QAdmin RPC";
    case EXMTA_KIND_OTHER_RPC:  return "other EPM-learned interface";
    }
    return "other EPM-learned interface";
}
