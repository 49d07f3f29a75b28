/*
 * state.h - state stores on LMDB.
 *
 * One LMDB environment per data directory; every store is a named database in
 * it. Operators change state only inside a write transaction that the task opens
 * per batch and commits together with the consumed offsets of that batch
 * (state_offset_put), so after a crash a task resumes exactly where its state
 * stands. Reads outside a batch (pull queries) use read-only transactions.
 */
#ifndef EDDY_STATE_H
#define EDDY_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"

typedef struct StateEnv StateEnv;
typedef struct StateTxn StateTxn;
typedef struct StateIter StateIter;
typedef unsigned int StateStore; /* an LMDB database handle */

/* LMDB's longest key (its compile-time MDB_MAXKEYSIZE). Operators check the keys
 * they build against it and report a record whose key is longer to the
 * processing log (task_key_fits) instead of failing the batch. */
#define STATE_MAX_KEY 511

/* Opens (creating) the environment in dir. map_mb bounds its size. durable=false
 * skips fsync at commit (a crashed process loses nothing; a crashed machine may
 * lose the last transactions, which the offsets committed with them account for). */
StateEnv *state_env_open(const char *dir, size_t map_mb, bool durable, EddyError *err);
void state_env_close(StateEnv *env);

/* Opens (creating) a named store. Returns 0 and sets *out. */
int state_store_open(StateEnv *env, const char *name, StateStore *out, EddyError *err);
/* Opens (creating) a named store inside a write transaction already begun. */
int state_store_open_in(StateTxn *t, const char *name, StateStore *out, EddyError *err);
/* Deletes a store and its contents. */
int state_store_drop(StateEnv *env, const char *name);

int state_txn_begin(StateEnv *env, bool write, StateTxn **out, EddyError *err);
int state_txn_commit(StateTxn *t, EddyError *err);
void state_txn_abort(StateTxn *t);

/* Returns 0 when found (pointers valid until the transaction ends), 1 when not. */
int state_get(StateTxn *t, StateStore s, const void *k, size_t kl, const void **v, size_t *vl);
int state_put(StateTxn *t, StateStore s, const void *k, size_t kl, const void *v, size_t vl);
/* Returns 0 when deleted, 1 when absent. */
int state_del(StateTxn *t, StateStore s, const void *k, size_t kl);

/* Iterates keys >= from (from == NULL: from the start) in byte order. */
int state_iter_open(StateTxn *t, StateStore s, const void *from, size_t fl, StateIter **out);
/* 0 with the next entry, 1 at the end. */
int state_iter_next(StateIter *it, const void **k, size_t *kl, const void **v, size_t *vl);
/* Deletes the entry the iterator is on. */
int state_iter_del(StateIter *it);
void state_iter_close(StateIter *it);

/* Offsets consumed by a task: next offset to read for (group, topic, partition). */
int state_offset_put(StateTxn *t, const char *group, const char *topic, int partition,
                     int64_t next);
/* 0 when found, 1 when not. */
int state_offset_get(StateTxn *t, const char *group, const char *topic, int partition,
                     int64_t *next);

/* Bytes used by the environment (for metrics). */
uint64_t state_env_size(StateEnv *env);

#endif
