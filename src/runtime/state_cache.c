/*
 * state_cache.c - per-batch write-back cache in front of a state store (see
 * state_cache.h).
 */
#include "state_cache.h"

#include <stdlib.h>
#include <string.h>

void sc_init(StateCache *c, StateStore store)
{
    memset(c, 0, sizeof *c);
    c->store = store;
}

void sc_free(StateCache *c)
{
    free(c->tab);
    free(c->order);
    free(c->used);
    memset(c, 0, sizeof *c);
}

/* Eight bytes at a time, then a final avalanche (keys are short: a few words). */
static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xFF51AFD7ED558CCDULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 29);
}

static void push_index(size_t **arr, size_t *n, size_t *cap, size_t v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *arr = xrealloc(*arr, sizeof(size_t) * *cap);
    }
    (*arr)[(*n)++] = v;
}

static void grow(StateCache *c)
{
    size_t ncap = c->cap ? c->cap * 2 : 256;
    StateCacheEntry *nt = xcalloc(ncap, sizeof *nt);
    size_t *map = c->nused ? xmalloc(sizeof(size_t) * c->cap) : NULL;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->tab[i].key) continue;
        size_t j = c->tab[i].hash & (ncap - 1);
        while (nt[j].key)
            j = (j + 1) & (ncap - 1);
        nt[j] = c->tab[i];
        if (map) map[i] = j;
    }
    for (size_t k = 0; k < c->norder; k++)
        c->order[k] = map[c->order[k]];
    for (size_t k = 0; k < c->nused; k++)
        c->used[k] = map[c->used[k]];
    free(map);
    free(c->tab);
    c->tab = nt;
    c->cap = ncap;
}

/* The slot of key k: its entry, or the empty slot where it would go. */
static size_t find(StateCache *c, const void *k, size_t kl, uint64_t h)
{
    size_t j = h & (c->cap - 1);
    while (c->tab[j].key) {
        StateCacheEntry *e = &c->tab[j];
        if (e->hash == h && e->klen == kl && memcmp(e->key, k, kl) == 0) return j;
        j = (j + 1) & (c->cap - 1);
    }
    return j;
}

static StateCacheEntry *slot(StateCache *c, Arena *a, const void *k, size_t kl, bool *fresh)
{
    if ((c->n + 1) * 2 > c->cap) grow(c);
    uint64_t h = hash_bytes(k, kl);
    size_t j = find(c, k, kl, h);
    StateCacheEntry *e = &c->tab[j];
    *fresh = e->key == NULL;
    if (*fresh) {
        char *kc = arena_alloc(a, kl ? kl : 1);
        memcpy(kc, k, kl);
        e->key = kc;
        e->klen = kl;
        e->hash = h;
        e->val = NULL;
        e->vlen = 0;
        e->dirty = false;
        c->n++;
        push_index(&c->used, &c->nused, &c->ucap, j);
    }
    return e;
}

static void note_dirty(StateCache *c, StateCacheEntry *e)
{
    if (e->dirty) return;
    e->dirty = true;
    push_index(&c->order, &c->norder, &c->ocap, (size_t)(e - c->tab));
}

int sc_get(StateCache *c, StateTxn *txn, Arena *a, const void *k, size_t kl, const void **v,
           size_t *vl)
{
    bool fresh;
    StateCacheEntry *e = slot(c, a, k, kl, &fresh);
    if (fresh) {
        const void *lv;
        size_t ll;
        if (state_get(txn, c->store, k, kl, &lv, &ll) == 0) {
            char *copy = arena_alloc(a, ll ? ll : 1);
            memcpy(copy, lv, ll);
            e->val = copy;
            e->vlen = ll;
        }
    }
    if (!e->val) return 1;
    *v = e->val;
    *vl = e->vlen;
    return 0;
}

void sc_put(StateCache *c, Arena *a, const void *k, size_t kl, const void *v, size_t vl)
{
    bool fresh;
    StateCacheEntry *e = slot(c, a, k, kl, &fresh);
    char *copy = arena_alloc(a, vl ? vl : 1);
    memcpy(copy, v, vl);
    e->val = copy;
    e->vlen = vl;
    note_dirty(c, e);
}

void sc_del(StateCache *c, Arena *a, const void *k, size_t kl)
{
    bool fresh;
    StateCacheEntry *e = slot(c, a, k, kl, &fresh);
    e->val = NULL;
    e->vlen = 0;
    note_dirty(c, e);
}

void sc_each_dirty(StateCache *c, void (*fn)(void *ctx, const StateCacheEntry *e), void *ctx)
{
    for (size_t i = 0; i < c->norder; i++)
        fn(ctx, &c->tab[c->order[i]]);
}

void sc_clear(StateCache *c)
{
    for (size_t k = 0; k < c->nused; k++)
        c->tab[c->used[k]].key = NULL;
    c->n = 0;
    c->nused = 0;
    c->norder = 0;
}

int sc_flush(StateCache *c, StateTxn *txn)
{
    int rc = 0;
    for (size_t i = 0; i < c->norder && rc == 0; i++) {
        const StateCacheEntry *e = &c->tab[c->order[i]];
        if (e->val)
            rc = state_put(txn, c->store, e->key, e->klen, e->val, e->vlen);
        else if (state_del(txn, c->store, e->key, e->klen) < 0)
            rc = ERR_IO;
    }
    sc_clear(c);
    return rc;
}
