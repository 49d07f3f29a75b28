/*
 * state_cache.h - a write-back cache in front of a state store, for one batch.
 *
 * Operators that update the same keys many times in a batch (aggregations of hot
 * keys, materialized tables) read and write through the cache; at the end of the
 * batch sc_flush writes each changed key once into the batch's LMDB transaction.
 * Entries live in the task's scratch arena, so a cache must be flushed before the
 * arena is reset. Lookups hash the key bytes; no allocation per operation beyond
 * the arena and an occasional growth of the table.
 */
#ifndef EDDY_STATE_CACHE_H
#define EDDY_STATE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "state.h"

typedef struct StateCacheEntry {
    const char *key;
    size_t klen;
    const char *val; /* NULL: deleted */
    size_t vlen;
    uint64_t hash;
    bool dirty;
} StateCacheEntry;

typedef struct StateCache {
    StateStore store;
    StateCacheEntry *tab; /* open addressing; key == NULL is empty */
    size_t cap, n;
    size_t *order; /* changed entries in first-change order (indices into tab) */
    size_t norder, ocap;
    size_t *used; /* every occupied slot, so that clearing touches only those */
    size_t nused, ucap;
} StateCache;

void sc_init(StateCache *c, StateStore store);
void sc_free(StateCache *c);

/* 0 with the value (valid until the batch ends), 1 when absent. A miss reads
 * through to LMDB and remembers the answer. */
int sc_get(StateCache *c, StateTxn *txn, Arena *a, const void *k, size_t kl, const void **v,
           size_t *vl);
/* Sets a value (copied into the arena). */
void sc_put(StateCache *c, Arena *a, const void *k, size_t kl, const void *v, size_t vl);
/* Deletes a key. */
void sc_del(StateCache *c, Arena *a, const void *k, size_t kl);

/* Calls fn for every changed entry (val NULL for deletions), in first-change order. */
void sc_each_dirty(StateCache *c, void (*fn)(void *ctx, const StateCacheEntry *e), void *ctx);

/* Writes the changed entries into the transaction and empties the cache. */
int sc_flush(StateCache *c, StateTxn *txn);

/* Empties the cache without writing (the batch was abandoned). */
void sc_clear(StateCache *c);

#endif
