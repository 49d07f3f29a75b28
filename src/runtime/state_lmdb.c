/*
 * state_lmdb.c - state stores on LMDB (see state.h).
 */
#include "state.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/arena.h"

struct StateEnv {
    MDB_env *env;
    MDB_dbi offsets; /* the offsets database */
};

/* A transaction keeps the iterators it opened: closing one returns it (and its
 * LMDB cursor) to the transaction, so operators that scan once per record (session
 * windows, stream-stream joins) allocate cursors once per batch, not per record. */
struct StateTxn {
    StateEnv *env;
    MDB_txn *txn;
    bool rdonly;
    StateIter *iters;
};

struct StateIter {
    MDB_cursor *cur;
    bool started;
    bool busy;
    bool rdonly;
    MDB_val from;
    MDB_dbi dbi;
    StateTxn *txn;
    StateIter *next;
};

/* Frees the transaction's idle iterators (before the transaction ends, as LMDB
 * wants for read-only cursors). */
static void release_iters(StateTxn *t)
{
    StateIter *it = t->iters;
    while (it) {
        StateIter *next = it->next;
        if (!it->busy) {
            mdb_cursor_close(it->cur);
            free(it);
        } else {
            it->txn = NULL; /* closed later: only the struct is freed */
        }
        it = next;
    }
    t->iters = NULL;
}

static int lmdb_err(EddyError *err, int rc, const char *what)
{
    return err_set(err, ERR_IO, -1, "LMDB %s: %s", what, mdb_strerror(rc));
}

StateEnv *state_env_open(const char *dir, size_t map_mb, bool durable, EddyError *err)
{
    mkdir(dir, 0755);
    StateEnv *e = xcalloc(1, sizeof *e);
    int rc = mdb_env_create(&e->env);
    if (rc) {
        lmdb_err(err, rc, "env_create");
        free(e);
        return NULL;
    }
    mdb_env_set_maxdbs(e->env, 16384);
    mdb_env_set_mapsize(e->env, (size_t)(map_mb ? map_mb : 4096) << 20);
    mdb_env_set_maxreaders(e->env, 1024);
    /* WRITEMAP: pages are written in place in the map (no write() copies at commit);
     * LMDB's copy-on-write pages keep a killed process's database consistent. */
    unsigned flags = MDB_NOTLS | MDB_WRITEMAP | (durable ? 0 : MDB_NOSYNC);
    rc = mdb_env_open(e->env, dir, flags, 0644);
    if (rc) {
        lmdb_err(err, rc, "env_open");
        mdb_env_close(e->env);
        free(e);
        return NULL;
    }
    MDB_txn *t;
    rc = mdb_txn_begin(e->env, NULL, 0, &t);
    if (!rc) rc = mdb_dbi_open(t, "__offsets", MDB_CREATE, &e->offsets);
    if (!rc) rc = mdb_txn_commit(t);
    if (rc) {
        lmdb_err(err, rc, "offsets");
        mdb_env_close(e->env);
        free(e);
        return NULL;
    }
    return e;
}

void state_env_close(StateEnv *env)
{
    if (!env) return;
    mdb_env_sync(env->env, 1);
    mdb_env_close(env->env);
    free(env);
}

int state_store_open(StateEnv *env, const char *name, StateStore *out, EddyError *err)
{
    MDB_txn *t;
    int rc = mdb_txn_begin(env->env, NULL, 0, &t);
    if (rc) return lmdb_err(err, rc, "txn_begin");
    MDB_dbi dbi;
    rc = mdb_dbi_open(t, name, MDB_CREATE, &dbi);
    if (rc) {
        mdb_txn_abort(t);
        return lmdb_err(err, rc, "dbi_open");
    }
    rc = mdb_txn_commit(t);
    if (rc) return lmdb_err(err, rc, "commit");
    *out = dbi;
    return 0;
}

int state_store_open_in(StateTxn *t, const char *name, StateStore *out, EddyError *err)
{
    MDB_dbi dbi;
    int rc = mdb_dbi_open(t->txn, name, MDB_CREATE, &dbi);
    if (rc) return lmdb_err(err, rc, "dbi_open");
    *out = dbi;
    return 0;
}

int state_store_drop(StateEnv *env, const char *name)
{
    MDB_txn *t;
    if (mdb_txn_begin(env->env, NULL, 0, &t)) return ERR_IO;
    MDB_dbi dbi;
    int rc = mdb_dbi_open(t, name, 0, &dbi);
    if (rc) {
        mdb_txn_abort(t);
        return rc == MDB_NOTFOUND ? 0 : ERR_IO;
    }
    rc = mdb_drop(t, dbi, 1);
    if (rc) {
        mdb_txn_abort(t);
        return ERR_IO;
    }
    return mdb_txn_commit(t) ? ERR_IO : 0;
}

int state_txn_begin(StateEnv *env, bool write, StateTxn **out, EddyError *err)
{
    StateTxn *t = xmalloc(sizeof *t);
    t->env = env;
    t->iters = NULL;
    t->rdonly = !write;
    int rc = mdb_txn_begin(env->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    if (rc) {
        free(t);
        return lmdb_err(err, rc, "txn_begin");
    }
    *out = t;
    return 0;
}

int state_txn_commit(StateTxn *t, EddyError *err)
{
    release_iters(t);
    int rc = mdb_txn_commit(t->txn);
    free(t);
    if (rc) return lmdb_err(err, rc, "commit");
    return 0;
}

void state_txn_abort(StateTxn *t)
{
    if (!t) return;
    release_iters(t);
    mdb_txn_abort(t->txn);
    free(t);
}

int state_get(StateTxn *t, StateStore s, const void *k, size_t kl, const void **v, size_t *vl)
{
    MDB_val key = {kl, (void *)k}, val;
    int rc = mdb_get(t->txn, s, &key, &val);
    if (rc == MDB_NOTFOUND) return 1;
    if (rc) return ERR_IO;
    *v = val.mv_data;
    *vl = val.mv_size;
    return 0;
}

int state_put(StateTxn *t, StateStore s, const void *k, size_t kl, const void *v, size_t vl)
{
    MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
    return mdb_put(t->txn, s, &key, &val, 0) ? ERR_IO : 0;
}

int state_del(StateTxn *t, StateStore s, const void *k, size_t kl)
{
    MDB_val key = {kl, (void *)k};
    int rc = mdb_del(t->txn, s, &key, NULL);
    if (rc == MDB_NOTFOUND) return 1;
    return rc ? ERR_IO : 0;
}

int state_iter_open(StateTxn *t, StateStore s, const void *from, size_t fl, StateIter **out)
{
    StateIter *it = t->iters;
    while (it && (it->busy || it->dbi != s))
        it = it->next;
    if (!it) {
        it = xcalloc(1, sizeof *it);
        if (mdb_cursor_open(t->txn, s, &it->cur)) {
            free(it);
            return ERR_IO;
        }
        it->dbi = s;
        it->rdonly = t->rdonly;
        it->txn = t;
        it->next = t->iters;
        t->iters = it;
    }
    it->busy = true;
    it->started = false;
    it->from.mv_data = (void *)from;
    it->from.mv_size = from ? fl : 0;
    *out = it;
    return 0;
}

int state_iter_next(StateIter *it, const void **k, size_t *kl, const void **v, size_t *vl)
{
    MDB_val key, val;
    int rc;
    if (!it->started) {
        it->started = true;
        if (it->from.mv_data) {
            key = it->from;
            rc = mdb_cursor_get(it->cur, &key, &val, MDB_SET_RANGE);
        } else {
            rc = mdb_cursor_get(it->cur, &key, &val, MDB_FIRST);
        }
    } else {
        rc = mdb_cursor_get(it->cur, &key, &val, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND) return 1;
    if (rc) return ERR_IO;
    *k = key.mv_data;
    *kl = key.mv_size;
    *v = val.mv_data;
    *vl = val.mv_size;
    return 0;
}

int state_iter_del(StateIter *it)
{
    return mdb_cursor_del(it->cur, 0) ? ERR_IO : 0;
}

void state_iter_close(StateIter *it)
{
    if (!it) return;
    if (it->txn) {
        it->busy = false; /* back to its transaction, for the next scan */
        return;
    }
    /* Its transaction ended first: LMDB freed a write cursor with it; a
     * read-only one is closed here. */
    if (it->rdonly) mdb_cursor_close(it->cur);
    free(it);
}

static size_t offset_key(char *buf, size_t cap, const char *group, const char *topic, int partition)
{
    int n = snprintf(buf, cap, "%s\x1f%s\x1f%d", group, topic, partition);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

int state_offset_put(StateTxn *t, const char *group, const char *topic, int partition, int64_t next)
{
    char k[1024];
    size_t kl = offset_key(k, sizeof k, group, topic, partition);
    return state_put(t, t->env->offsets, k, kl, &next, sizeof next);
}

int state_offset_get(StateTxn *t, const char *group, const char *topic, int partition,
                     int64_t *next)
{
    char k[1024];
    size_t kl = offset_key(k, sizeof k, group, topic, partition);
    const void *v;
    size_t vl;
    int rc = state_get(t, t->env->offsets, k, kl, &v, &vl);
    if (rc) return rc;
    if (vl != sizeof *next) return ERR_IO;
    memcpy(next, v, sizeof *next);
    return 0;
}

uint64_t state_env_size(StateEnv *env)
{
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(env->env, &info) || mdb_env_stat(env->env, &st)) return 0;
    return (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
}
